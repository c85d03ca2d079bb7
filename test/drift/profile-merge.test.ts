import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell, Row } from '../../src/data/types.js';
import {
  type ColumnProfile,
  createProfiler,
  mergeProfiles,
  numericSummary,
  type Profile,
  type ProfilerOptions,
} from '../../src/drift/profile.js';
import { ConfigError } from '../../src/errors.js';

const CREATED = '2026-01-01T00:00:00.000Z';
/** Small caps so merges exercise bucket collapsing and the category cap. */
const SMALL: ProfilerOptions = { maxBuckets: 64, categoryCap: 6 };

function profileOf(rows: readonly Row[], options: ProfilerOptions = SMALL): Profile {
  const p = createProfiler(options);
  p.addBatch(rows);
  return p.finish({ created_at: CREATED });
}

/** A column without the floating-point parts (mean, m2), which merge only up to rounding. */
function exactPart(col: ColumnProfile) {
  const { mean: _mean, m2: _m2, ...numeric } = col.numeric;
  return { ...col, numeric };
}

/** The exact parts of a profile, columns keyed by name (merge order may change column order). */
function exactParts(p: Profile) {
  return {
    rows: p.rows,
    settings: p.settings,
    columns: Object.fromEntries(p.columns.map((c) => [c.name, exactPart(c)])),
  };
}

/** The largest magnitude among the numbers of a column, the scale for rounding tolerances. */
function scaleOf(rows: readonly Row[], name: string): number {
  let s = 0;
  for (const r of rows) {
    const v = r[name];
    if (typeof v === 'number' && Number.isFinite(v)) s = Math.max(s, Math.abs(v));
  }
  return s;
}

function expectSameMoments(a: Profile, b: Profile, rows: readonly Row[]): void {
  for (const col of b.columns) {
    const other = a.columns.find((c) => c.name === col.name)!;
    const x = numericSummary(other);
    const y = numericSummary(col);
    const scale = scaleOf(rows, col.name);
    // Beyond ~1e154 M2 overflows float64 (stored as null, NaN here).
    if (y.count === 0 || scale > 1e150) continue;
    const tol = 1e-12 * Math.max(scale, Number.MIN_VALUE);
    expect(Math.abs(x.mean - y.mean)).toBeLessThanOrEqual(tol);
    expect(Math.abs(x.std - y.std)).toBeLessThanOrEqual(tol);
  }
}

const cell: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -50, max: 50 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1e-9, -1e-9, 1e300, -1e300, 5e-324) },
  { weight: 1, arbitrary: fc.constantFrom<Cell>(null, '', Number.NaN, Number.POSITIVE_INFINITY) },
  { weight: 1, arbitrary: fc.constantFrom<Cell>('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', true, false) },
);
const numberCell: fc.Arbitrary<Cell> = fc.oneof(
  fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -5, max: 5 }),
  fc.constant(null),
);
const row: fc.Arbitrary<Row> = fc.record(
  { num: numberCell, mixed: cell, cat: fc.constantFrom<Cell>('x', 'y', 'z', 'w', 'v', 'u', 't', 's', null) },
  { requiredKeys: ['num'] },
);
const rowsArb = fc.array(row, { maxLength: 120 });

/** `rows` cut into `k` consecutive shards at random points. */
const shards = (rows: Row[], cuts: number[]): Row[][] => {
  const points = [...new Set(cuts.map((c) => Math.floor(c * (rows.length + 1))))].sort((a, b) => a - b);
  const out: Row[][] = [];
  let start = 0;
  for (const p of points) {
    out.push(rows.slice(start, p));
    start = p;
  }
  out.push(rows.slice(start));
  return out;
};

describe('mergeProfiles', () => {
  it('equals the profile of the whole: counts, min/max, sketch buckets, categories, HLL', () => {
    fc.assert(
      fc.property(
        rowsArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        (rows, cuts) => {
          const parts = shards(rows, cuts).map((s) => profileOf(s));
          const whole = profileOf(rows);
          const merged = mergeProfiles(parts, { created_at: CREATED });
          expect(exactParts(merged)).toEqual(exactParts(whole));
          expectSameMoments(merged, whole, rows);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is commutative and associative', () => {
    fc.assert(
      fc.property(rowsArb, rowsArb, rowsArb, (a, b, c) => {
        const [pa, pb, pc] = [a, b, c].map((r) => profileOf(r)) as [Profile, Profile, Profile];
        const m = (...ps: Profile[]) => mergeProfiles(ps, { created_at: CREATED });
        const abc = m(m(pa, pb), pc);
        expect(exactParts(m(pb, pa))).toEqual(exactParts(m(pa, pb)));
        expect(exactParts(m(pa, m(pb, pc)))).toEqual(exactParts(abc));
        expect(exactParts(m(pc, pb, pa))).toEqual(exactParts(abc));
        expectSameMoments(m(pa, m(pb, pc)), abc, [...a, ...b, ...c]);
      }),
      { numRuns: 80 },
    );
  });

  it('matches the whole bit for bit with the default settings on larger shards', () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
      return (seed >>> 0) / 2 ** 32;
    };
    const rows: Row[] = Array.from({ length: 30_000 }, (_, i) => ({
      x: (rnd() - 0.5) * 10 ** Math.floor(rnd() * 8),
      id: `user-${Math.floor(rnd() * 5000)}`,
      flag: i % 3 === 0,
    }));
    const whole = profileOf(rows, {});
    const parts = [rows.slice(0, 7000), rows.slice(7000, 21_000), rows.slice(21_000)].map((r) =>
      profileOf(r, {}),
    );
    const merged = mergeProfiles([parts[2]!, parts[0]!, parts[1]!], { created_at: CREATED });
    expect(exactParts(merged)).toEqual(exactParts(whole));
    expect(whole.columns.find((c) => c.name === 'id')!.categories.other).toBeGreaterThan(0);
    expectSameMoments(merged, whole, rows);
  });

  it('re-types a column from the merged data: numbers in one shard, text in another', () => {
    const a = profileOf([{ v: 1 }, { v: 2 }]);
    const b = profileOf([{ v: 'x' }]);
    expect(a.columns[0]!.type).toBe('numeric');
    const merged = mergeProfiles([a, b], { created_at: CREATED });
    expect(exactParts(merged)).toEqual(exactParts(profileOf([{ v: 1 }, { v: 2 }, { v: 'x' }])));
    expect(merged.columns[0]!.type).toBe('categorical');
  });

  it('counts a column absent from a shard as missing in its rows', () => {
    const merged = mergeProfiles([profileOf([{ a: 1 }, { a: 2 }]), profileOf([{ a: 3, b: 'x' }])]);
    expect(merged.rows).toBe(3);
    expect(merged.columns.map((c) => [c.name, c.count, c.missing])).toEqual([
      ['a', 3, 0],
      ['b', 1, 2],
    ]);
  });

  it('refuses profiles with different settings or forced types, naming which', () => {
    const a = profileOf([{ x: 1 }], { alpha: 0.005 });
    const b = { ...profileOf([{ x: 2 }], { alpha: 0.001 }), source: 'shard-2/profile.json' };
    expect(() => mergeProfiles([a, b])).toThrow(ConfigError);
    expect(() => mergeProfiles([a, b])).toThrow(/shard-2\/profile\.json: settings\.alpha: differs/);
    const c = profileOf([{ x: 1 }], { types: { x: 'categorical' } });
    expect(() => mergeProfiles([a, c])).toThrow(
      /profiles\[1\]: columns\[0\]\.type: column "x" is categorical \(set by option\) but numeric \(from the data\)/,
    );
    const v2 = { ...a, version: 2 } as unknown as Profile;
    expect(() => mergeProfiles([a, v2])).toThrow(/version: unsupported profile version/);
    expect(() => mergeProfiles([])).toThrow(/no profiles to merge/);
  });

  it('keeps a forced type when every shard forces it', () => {
    const options: ProfilerOptions = { types: { x: 'categorical' } };
    const merged = mergeProfiles([profileOf([{ x: 1 }], options), profileOf([{ x: 2 }], options)]);
    expect(merged.columns[0]).toMatchObject({ type: 'categorical', type_from: 'option' });
  });
});
