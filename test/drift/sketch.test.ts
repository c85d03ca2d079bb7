import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRegisters,
  decodeRegisters,
  encodeRegisters,
  hllAdd,
  hllEstimate,
  hllMerge,
  hllStandardError,
} from '../../src/drift/hll.js';
import { CategoryTable, compareValues } from '../../src/drift/sketch-categories.js';
import { HASH, hashCell, hashNumber, hashString } from '../../src/drift/sketch-hash.js';
import { fastLn, logMapping } from '../../src/drift/sketch-mapping.js';
import { BucketStore } from '../../src/drift/sketch-store.js';

/** The next larger / smaller double. */
function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  b[0] = x >= 0 ? b[0]! + 1n : b[0]! - 1n;
  return f[0]!;
}
function nextDown(x: number): number {
  return -nextUp(-x);
}

describe('log mapping', () => {
  for (const alpha of [0.005, 0.001, 0.0001, 0.05]) {
    it(`puts every value on the right side of the boundaries (alpha ${alpha})`, () => {
      const m = logMapping(alpha);
      const check = (x: number) => {
        const i = m.positiveIndex(x);
        if (x > m.minPositive) {
          expect(m.boundary(i - 1) < x && x <= m.boundary(i)).toBe(true);
          const j = m.negativeIndex(x);
          expect(m.boundary(j - 1) <= x && x < m.boundary(j)).toBe(true);
        } else expect(i).toBe(m.minIndex);
      };
      for (let i = -3000; i <= 3000; i += 7) {
        const b = m.boundary(i);
        check(b);
        check(nextUp(b));
        check(nextDown(b));
      }
      fc.assert(
        fc.property(fc.double({ min: 1e-299, max: 1e300, noNaN: true }), (x) => check(x)),
        { numRuns: 2000 },
      );
    });
  }

  it('represents every value within alpha relative error', () => {
    const m = logMapping(0.005);
    fc.assert(
      fc.property(fc.double({ min: 1e-299, max: 1e300, noNaN: true }), (x) => {
        const p = m.positiveValue(m.positiveIndex(x));
        expect(Math.abs(p - x)).toBeLessThanOrEqual(0.005 * x * (1 + 1e-12));
        const q = m.negativeValue(m.negativeIndex(x));
        expect(Math.abs(q + x)).toBeLessThanOrEqual(0.005 * x * (1 + 1e-12));
      }),
      { numRuns: 2000 },
    );
  });

  it('fastLn matches Math.log within a few ulps over the normal range', () => {
    const close = (x: number) => {
      const exact = Math.log(x);
      expect(Math.abs(fastLn(x) - exact)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(exact)));
    };
    fc.assert(fc.property(fc.double({ min: 2.3e-308, max: 1.7e308, noNaN: true }), close), {
      numRuns: 5000,
    });
    for (const x of [1, 2, 0.5, 1.5, Number.MAX_VALUE, 2.2250738585072014e-308]) close(x);
  });
});

describe('bucket store', () => {
  const arrays = (indices: readonly number[], cap: number, high: boolean) => {
    const s = new BucketStore(cap, high);
    for (const i of indices) s.add(i, 1);
    return s.toArrays();
  };

  it('collapses past the cap to the same buckets whatever the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -300, max: 300 }), { minLength: 1, maxLength: 200 }),
        fc.boolean(),
        fc.integer({ min: 4, max: 80 }),
        (indices, high, cap) => {
          const sorted = [...indices].sort((a, b) => a - b);
          const a = arrays(indices, cap, high);
          expect(arrays([...indices].reverse(), cap, high)).toEqual(a);
          expect(arrays(sorted, cap, high)).toEqual(a);
          // The definition: clamp to the window fixed by the extreme at the kept end.
          const lo = sorted[0]!;
          const hi = sorted[sorted.length - 1]!;
          const expected = new Map<number, number>();
          for (const i of indices) {
            const k = high ? Math.min(i, lo + cap - 1) : Math.max(i, hi - cap + 1);
            expected.set(k, (expected.get(k) ?? 0) + 1);
          }
          const keys = [...expected.keys()].sort((x, y) => x - y);
          expect(a).toEqual({ index: keys, count: keys.map((k) => expected.get(k)) });
          expect(a.index.length === 0 || a.index[a.index.length - 1]! - a.index[0]! < cap).toBe(true);
        },
      ),
    );
  });

  it('merges exactly: adding another store equals storing everything', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -200, max: 200 })),
        fc.array(fc.integer({ min: -200, max: 200 })),
        fc.boolean(),
        (a, b, high) => {
          const s = new BucketStore(64, high);
          for (const i of a) s.add(i, 1);
          const t = arrays(b, 64, high);
          s.addArrays(t.index, t.count);
          expect(s.toArrays()).toEqual(arrays([...b, ...a], 64, high));
        },
      ),
    );
  });
});

describe('category table', () => {
  const table = (values: readonly (string | number | boolean)[], cap: number) => {
    const t = new CategoryTable(cap);
    for (const v of values) {
      hashCell(v);
      t.add(v, 1);
    }
    return t;
  };

  it('keeps the cap values with the smallest hashes, with exact counts, in any order', () => {
    const value = fc.oneof(
      fc.integer({ min: 0, max: 30 }),
      fc.string({ maxLength: 2 }).filter((s) => s !== ''),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 150 }), fc.integer({ min: 1, max: 12 }), (values, cap) => {
        const a = table(values, cap).toArrays();
        expect(table([...values].reverse(), cap).toArrays()).toEqual(a);
        const counts = new Map<string | number | boolean, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        const hashOf = (v: string | number | boolean) => {
          hashCell(v);
          return [HASH[0]!, HASH[1]!] as const;
        };
        const kept = [...counts.keys()]
          .sort((x, y) => {
            const [x1, x2] = hashOf(x);
            const [y1, y2] = hashOf(y);
            return x1 - y1 || x2 - y2 || compareValues(x, y);
          })
          .slice(0, cap)
          .sort(compareValues);
        expect(a.values).toEqual(kept);
        expect(a.counts).toEqual(kept.map((v) => counts.get(v)));
        expect(a.other).toBe(values.length - a.counts.reduce((s, c) => s + c, 0));
      }),
    );
  });

  it('merges capped tables exactly', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom('a', 'b', 'c', 'd', true, false));
    fc.assert(
      fc.property(fc.array(value), fc.array(value), fc.integer({ min: 1, max: 8 }), (a, b, cap) => {
        const merged = table(a, cap);
        const other = table(b, cap).toArrays();
        other.values.forEach((v, i) => {
          hashCell(v);
          merged.add(v, other.counts[i]!);
        });
        merged.other += other.other;
        expect(merged.toArrays()).toEqual(table([...b, ...a], cap).toArrays());
      }),
    );
  });

  it('distinguishes the number 5, the string "5" and booleans', () => {
    const t = table([5, '5', true, 5, 'true'], 10).toArrays();
    expect(t.values).toEqual([5, true, '5', 'true']);
    expect(t.counts).toEqual([2, 1, 1, 1]);
  });
});

describe('hash', () => {
  it('hashes -0 as 0 and is deterministic', () => {
    hashNumber(-0);
    const a = [...HASH];
    hashNumber(0);
    expect([...HASH]).toEqual(a);
    hashString('hello');
    const b = [...HASH];
    hashString('hello');
    expect([...HASH]).toEqual(b);
    // Fixed for the format version: a changed hash would change which categories profiles keep.
    hashString('modelgate');
    expect([...HASH]).toMatchInlineSnapshot(`
      [
        453830271,
        2670666957,
      ]
    `);
    hashNumber(1.5);
    expect([...HASH]).toMatchInlineSnapshot(`
      [
        3395488196,
        2873443458,
      ]
    `);
  });
});

describe('HyperLogLog', () => {
  const estimateOf = (n: number, make: (i: number) => string | number, p = 12) => {
    const r = createRegisters(p);
    for (let i = 0; i < n; i++) {
      hashCell(make(i));
      hllAdd(r, p, HASH[0]!, HASH[1]!);
    }
    return { registers: r, estimate: hllEstimate(r, p) };
  };

  for (const n of [10_000, 100_000]) {
    for (const [kind, make] of [
      ['strings', (i: number) => `user-${i}`],
      ['numbers', (i: number) => i * 0.37 - 500],
    ] as const) {
      it(`estimates ${n} distinct ${kind} within 3 standard errors`, () => {
        for (const p of [12, 14]) {
          const { estimate } = estimateOf(n, make, p);
          expect(Math.abs(estimate - n) / n).toBeLessThan(3 * hllStandardError(p));
        }
      });
    }
  }

  it('is nearly exact for small counts and 0 when empty', () => {
    expect(hllEstimate(createRegisters(12), 12)).toBe(0);
    for (const n of [1, 10, 100]) {
      expect(Math.abs(estimateOf(n, (i) => `v${i}`).estimate - n)).toBeLessThan(Math.max(1, n * 0.02));
    }
  });

  it('merges by register maximum (= the registers of the union) and round-trips base64', () => {
    const a = estimateOf(5000, (i) => `a${i}`).registers;
    const b = estimateOf(5000, (i) => (i % 2 ? `a${i}` : `b${i}`)).registers;
    const union = createRegisters(12);
    for (let i = 0; i < 5000; i++) {
      for (const v of [`a${i}`, i % 2 ? `a${i}` : `b${i}`]) {
        hashCell(v);
        hllAdd(union, 12, HASH[0]!, HASH[1]!);
      }
    }
    hllMerge(a, b);
    expect(a).toEqual(union);
    expect(decodeRegisters(encodeRegisters(a), 12)).toEqual(a);
    expect(decodeRegisters(encodeRegisters(a), 13)).toBeUndefined();
    expect(decodeRegisters('not base64!', 12)).toBeUndefined();
  });
});
