import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import {
  categoryCounts,
  columnOf,
  createProfiler,
  distinctEstimate,
  loadProfile,
  numericSummary,
  type Profile,
  type ProfilerOptions,
  parseProfile,
  profileFile,
  profileRows,
  writeProfile,
} from '../../src/drift/profile.js';
import { ConfigError, type ConfigIssue, DataError, UsageError } from '../../src/errors.js';

const CREATED = '2026-01-01T00:00:00.000Z';

function profileOf(rows: readonly Row[], options: ProfilerOptions = {}): Profile {
  const p = createProfiler(options);
  for (const r of rows) p.add(r);
  return p.finish({ created_at: CREATED });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelgate-profile-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('createProfiler', () => {
  it('counts null, absent, empty text, NaN and infinities as missing', () => {
    const p = profileOf([
      { a: null },
      { a: '' },
      { a: Number.NaN },
      { a: Number.POSITIVE_INFINITY },
      {},
      { a: 3 },
      { a: -0 },
    ]);
    const a = columnOf(p, 'a');
    expect(p.rows).toBe(7);
    expect(a).toMatchObject({ type: 'numeric', type_from: 'data', count: 2, missing: 5 });
    expect(numericSummary(a)).toEqual({ count: 2, mean: 1.5, std: 1.5, min: 0, max: 3 });
    expect(Object.is(a.numeric.min, 0)).toBe(true);
    expect(a.numeric.sketch.zero).toBe(1);
  });

  it('types columns from the data: numbers only -> numeric, anything else -> categorical', () => {
    const p = profileOf([
      { n: 1, s: 'x', b: true, mixed: 1 },
      { n: 2.5, s: 'y', b: false, mixed: 'one' },
      { n: 2.5, s: 'x', b: true, mixed: true },
    ]);
    expect(p.columns.map((c) => [c.name, c.type])).toEqual([
      ['n', 'numeric'],
      ['s', 'categorical'],
      ['b', 'categorical'],
      ['mixed', 'categorical'],
    ]);
    const mixed = columnOf(p, 'mixed');
    expect(mixed.categories).toEqual({ values: [1, true, 'one'], counts: [1, 1, 1], other: 0 });
    expect(numericSummary(mixed).count).toBe(1);
    expect(categoryCounts(columnOf(p, 's'))).toEqual({
      counts: new Map([
        ['x', 2],
        ['y', 1],
      ]),
      other: 0,
      total: 3,
    });
    expect(categoryCounts(columnOf(p, 'b')).counts).toEqual(
      new Map([
        ['false', 1],
        ['true', 2],
      ]),
    );
    expect(distinctEstimate(columnOf(p, 'n'))).toBe(2);
  });

  it('takes forced types from the types option', () => {
    const p = profileOf(
      [
        { zip: 2134, score: 1 },
        { zip: 10001, score: 'n/a' },
      ],
      { types: { zip: 'categorical', score: 'numeric' } },
    );
    expect(columnOf(p, 'zip')).toMatchObject({ type: 'categorical', type_from: 'option' });
    expect(columnOf(p, 'score')).toMatchObject({ type: 'numeric', type_from: 'option', count: 2 });
    expect(numericSummary(columnOf(p, 'score')).count).toBe(1);
  });

  it('keeps columns in first-seen order; a late column is missing in earlier rows', () => {
    const p = profileOf([{ a: 1 }, { a: 2, b: 'x' }, { c: true }]);
    expect(p.columns.map((c) => [c.name, c.count, c.missing])).toEqual([
      ['a', 2, 1],
      ['b', 1, 2],
      ['c', 1, 2],
    ]);
    // Same through the batch path, with and without a fixed column list.
    const batch = createProfiler();
    batch.addBatch([{ a: 1 }, { a: 2, b: 'x' }, { c: true }]);
    expect(batch.finish({ created_at: CREATED })).toEqual(p);
    const fixed = createProfiler({ columns: ['c', 'a', 'zz'] });
    fixed.addBatch([{ a: 1 }, { a: 2, b: 'x' }, { c: true }]);
    expect(fixed.finish().columns.map((c) => [c.name, c.count])).toEqual([
      ['c', 1],
      ['a', 2],
      ['zz', 0],
    ]);
  });

  it('caps categories: exact counts for the kept values, the rest in other', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 50; i++) for (let k = 0; k <= i % 5; k++) rows.push({ v: `value-${i}` });
    const col = columnOf(profileOf(rows, { categoryCap: 10 }), 'v');
    const { counts, other, total } = categoryCounts(col);
    expect(counts.size).toBe(10);
    expect(total).toBe(rows.length);
    expect(other).toBe(total - [...counts.values()].reduce((a, b) => a + b, 0));
    for (const [value, n] of counts) expect(n).toBe(rows.filter((r) => r.v === value).length);
    // Over the cap: the HLL estimate, never below cap + 1.
    expect(distinctEstimate(col)).toBeGreaterThanOrEqual(47);
    expect(distinctEstimate(col)).toBeLessThanOrEqual(53);
  });

  it('gives the same profile through add, addBatch and profileRows (sync and async)', async () => {
    const rows: Row[] = Array.from({ length: 3000 }, (_, i) => ({
      x: Math.sin(i) * 100,
      y: i % 17 === 0 ? null : `k${i % 23}`,
    }));
    const one = profileOf(rows);
    const batch = createProfiler();
    batch.addBatch(rows.slice(0, 1000));
    batch.addBatch(rows.slice(1000));
    expect(batch.finish({ created_at: CREATED })).toEqual(one);
    expect(await profileRows(rows, {}, { created_at: CREATED })).toEqual(one);
    async function* gen() {
      yield* rows;
    }
    expect(await profileRows(gen(), {}, { created_at: CREATED })).toEqual(one);
  });

  it('rejects bad options with a UsageError naming the option', () => {
    expect(() => createProfiler({ alpha: 0.2 })).toThrow(UsageError);
    expect(() => createProfiler({ alpha: 0.2 })).toThrow(/alpha must be between 0.0001 and 0.05 \(got 0.2\)/);
    expect(() => createProfiler({ categoryCap: 0 })).toThrow(/categoryCap/);
    expect(() => createProfiler({ hllPrecision: 16 })).toThrow(/hllPrecision/);
    expect(() => createProfiler({ maxBuckets: 10 })).toThrow(/maxBuckets/);
    expect(() => createProfiler({ types: { a: 'text' as 'numeric' } })).toThrow(/types\.a/);
  });

  it('columnOf names the missing column and lists the others', () => {
    const p = { ...profileOf([{ a: 1, b: 2 }]), source: 'ref.json' };
    expect(() => columnOf(p, 'z')).toThrow(DataError);
    expect(() => columnOf(p, 'z')).toThrow(
      'ref.json column "z": the profile has no such column (it has "a", "b")',
    );
  });
});

function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('profile.json', () => {
  const rows: Row[] = Array.from({ length: 500 }, (_, i) => ({
    x: i % 50 === 0 ? null : (i - 250) * 1.5,
    c: ['a', 'b', 'c'][i % 3]!,
    f: i % 2 === 0,
  }));

  it('round-trips through writeProfile and loadProfile', async () => {
    const p = profileOf(rows);
    const withSource = { ...p, source: 'data/ref.csv', hash: `sha256:${'0'.repeat(64)}` };
    const path = join(dir, 'profile.json');
    await writeProfile(path, withSource);
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(p.columns.length + 3); // head, one line per column, "]}", ""
    expect(text).toContain('"index":[');
    expect(await loadProfile(path)).toEqual(withSource);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'format',
      'version',
      'rows',
      'created_at',
      'source',
      'hash',
      'settings',
      'columns',
    ]);
  });

  it('rejects a corrupted file with a ConfigError naming the field', () => {
    const good = JSON.parse(JSON.stringify(profileOf(rows)));
    // biome-ignore lint/suspicious/noExplicitAny: the test writes wrong types into parsed JSON on purpose
    const bad = (mutate: (p: Record<string, any>) => void) => {
      const p = structuredClone(good);
      mutate(p);
      return issuesOf(() => parseProfile(JSON.stringify(p), 'profile.json'));
    };
    expect(bad((p) => (p.columns[0].missing = 3))[0]).toMatchObject({
      file: 'profile.json',
      field: 'columns[0].missing',
    });
    expect(bad((p) => (p.version = 2))[0]).toMatchObject({ field: 'version', value: 2 });
    expect(bad((p) => (p.format = 'whylogs'))[0]).toMatchObject({ field: 'format' });
    expect(bad((p) => p.columns[0].numeric.sketch.positive.count.pop())[0]!.field).toBe(
      'columns[0].numeric.sketch.positive.count',
    );
    expect(bad((p) => p.columns[0].numeric.sketch.positive.index.reverse())[0]!.field).toMatch(
      /^columns\[0\]\.numeric\.sketch\.positive\.index\[1\]$/,
    );
    expect(bad((p) => (p.columns[1].hll = 'AAAA'))[0]).toMatchObject({ field: 'columns[1].hll' });
    expect(bad((p) => (p.columns[1].categories.counts[0] = -1))[0]!.field).toBe(
      'columns[1].categories.counts[0]',
    );
    expect(bad((p) => (p.columns[2].type = 'numeric'))[0]!.field).toBe('columns[2].type');
    expect(bad((p) => (p.settings.alpha = 'fine'))[0]).toMatchObject({
      field: 'settings.alpha',
      value: 'fine',
    });
    expect(bad((p) => (p.columns[0].extra = 1))[0]!.field).toBe('columns[0].extra');
    const syntax = issuesOf(() => parseProfile('{\n"format": "modelgate-profile",\n', 'p.json'));
    expect(syntax[0]).toMatchObject({ file: 'p.json', line: 3 });
  });

  it('loadProfile names a missing file', async () => {
    await expect(loadProfile(join(dir, 'nope.json'))).rejects.toThrow(/nope\.json: file not found/);
  });
});

describe('profileFile', () => {
  const rows: Row[] = Array.from({ length: 20_000 }, (_, i) => ({
    id: i,
    amount: i % 101 === 0 ? null : Math.round(Math.cos(i) * 1e4) / 100,
    region: ['north', 'south', 'east'][i % 3]!,
  }));

  it('profiles CSV and JSONL files like the same rows in memory', async () => {
    const csv = join(dir, 'data.csv');
    const cell = (v: unknown) => (v === null ? '' : String(v));
    await writeFile(
      csv,
      `id,amount,region\n${rows.map((r) => `${r.id},${cell(r.amount)},${r.region}`).join('\n')}\n`,
    );
    const jsonl = join(dir, 'data.jsonl');
    await writeFile(jsonl, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const expected = profileOf(rows);
    for (const path of [csv, jsonl]) {
      const p = await profileFile(path, {}, { created_at: CREATED });
      expect(p).toEqual({ ...expected, source: path });
    }
    const some = await profileFile(csv, { columns: ['region'] }, { created_at: CREATED, source: 'ref' });
    expect(some.columns.map((c) => c.name)).toEqual(['region']);
    expect(some.source).toBe('ref');
    await expect(profileFile(csv, { columns: ['nope'] })).rejects.toThrow(DataError);
  });
});
