import { describe, expect, it } from 'vitest';
import { inferSchema, SchemaAccumulator } from '../../src/data/index.js';
import { collect, useTempDir } from './helpers.js';

const tmp = useTempDir();

describe('inferSchema', () => {
  it('infers CSV number and string columns, nullable when a value is missing', async () => {
    const p = await tmp.write('s.csv', 'a,b,c,d\n1,x,,true\n2.5,3,4,false\n');
    expect(await inferSchema(p)).toEqual([
      { name: 'a', type: 'number', nullable: false },
      { name: 'b', type: 'string', nullable: false },
      { name: 'c', type: 'number', nullable: true },
      { name: 'd', type: 'string', nullable: false },
    ]);
  });

  it('returns the columns of a header-only CSV', async () => {
    const p = await tmp.write('h.csv', 'a,b\n');
    expect(await inferSchema(p)).toEqual([
      { name: 'a', type: 'string', nullable: false },
      { name: 'b', type: 'string', nullable: false },
    ]);
  });

  it('infers JSONL booleans, mixed types as string, absent keys as nullable', async () => {
    const p = await tmp.write(
      's.jsonl',
      '{"n":1,"b":true,"m":1,"s":"x","o":{"k":1}}\n{"n":2,"b":false,"m":false,"s":null}\n{"n":3,"b":true,"m":2,"s":"y","late":1}\n',
    );
    expect(await inferSchema(p)).toEqual([
      { name: 'n', type: 'number', nullable: false },
      { name: 'b', type: 'boolean', nullable: false },
      { name: 'm', type: 'string', nullable: false },
      { name: 's', type: 'string', nullable: true },
      { name: 'o', type: 'string', nullable: true },
      { name: 'late', type: 'number', nullable: true },
    ]);
  });

  it('only looks at the sample', async () => {
    const lines = ['v', ...Array.from({ length: 50 }, (_, i) => String(i)), 'text'].join('\n');
    const p = await tmp.write('sample.csv', lines);
    expect(await inferSchema(p, { sampleRows: 50 })).toEqual([
      { name: 'v', type: 'number', nullable: false },
    ]);
    expect(await inferSchema(p, { sampleRows: 51 })).toEqual([
      { name: 'v', type: 'string', nullable: false },
    ]);
    expect(await inferSchema(p, { sampleRows: Number.POSITIVE_INFINITY })).toEqual([
      { name: 'v', type: 'string', nullable: false },
    ]);
    await expect(inferSchema(p, { sampleRows: 0 })).rejects.toThrow(/positive integer/);
  });

  it('validates the sampled rows as the reader does', async () => {
    const p = await tmp.write('bad.csv', 'a,b\n1,2\n3\n');
    await expect(inferSchema(p)).rejects.toThrow(`${p}:3: expected 2 fields (as in the header), got 1`);
  });
});

describe('SchemaAccumulator', () => {
  it('widens types over rows', async () => {
    const acc = new SchemaAccumulator();
    acc.observeRow({ a: 1, b: true, c: null });
    acc.observeRow({ a: Number.NaN, b: 'x', c: null });
    expect(acc.schema()).toEqual([
      { name: 'a', type: 'number', nullable: true },
      { name: 'b', type: 'string', nullable: false },
      { name: 'c', type: 'string', nullable: true },
    ]);
    expect(acc.rowCount).toBe(2);
    // Rows read back from a file agree with the accumulator.
    const p = await tmp.write('acc.csv', 'a\n1\n\n');
    const again = new SchemaAccumulator();
    for (const row of await collect((await import('../../src/data/index.js')).readRows(p)))
      again.observeRow(row);
    expect(again.schema()).toEqual([{ name: 'a', type: 'number', nullable: false }]);
  });
});
