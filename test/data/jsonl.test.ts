import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRows } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { collect, rejection, useTempDir } from './helpers.js';

const tmp = useTempDir();

describe('readRows (JSONL)', () => {
  it('reads one object per line, skipping blank lines, with CRLF', async () => {
    const p = await tmp.write(
      'basic.jsonl',
      '{"x":1,"name":"a","ok":true}\r\n\n   \n{"x":2.5,"name":null,"ok":false}\n{"x":-3,"name":"c","ok":true}',
    );
    expect(await collect(readRows(p))).toEqual([
      { x: 1, name: 'a', ok: true },
      { x: 2.5, name: null, ok: false },
      { x: -3, name: 'c', ok: true },
    ]);
  });

  it('reports a bad line with its line number', async () => {
    const p = await tmp.write('bad.jsonl', '{"a":1}\n\n{"a":2}\n{"a":3,}\n{"a":4}\n');
    const err = (await rejection(collect(readRows(p)))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.location).toEqual({ file: p, line: 4 });
    expect(err.message).toMatch(new RegExp(`^${p}:4: not valid JSON \\(`));
  });

  it('rejects lines that are not objects', async () => {
    const p = await tmp.write('array.jsonl', '{"a":1}\n[1,2]\n');
    await expect(collect(readRows(p))).rejects.toThrow(
      `${p}:2: expected one JSON object per line, got an array`,
    );
    const q = await tmp.write('scalar.jsonl', '3\n');
    await expect(collect(readRows(q))).rejects.toThrow(
      `${q}:1: expected one JSON object per line, got a number`,
    );
  });

  it('turns nested values into their JSON text', async () => {
    const p = await tmp.write('nested.jsonl', '{"id":1,"meta":{"a":[1,2]},"tags":["x"]}\n');
    expect(await collect(readRows(p))).toEqual([{ id: 1, meta: '{"a":[1,2]}', tags: '["x"]' }]);
    expect(await collect(readRows(p, { columns: ['id'] }))).toEqual([{ id: 1 }]);
  });

  it('fills missing keys with null and extends the columns with new keys', async () => {
    const p = await tmp.write('ragged.jsonl', '{"a":1,"b":2}\n{"b":3}\n{"a":4,"b":5,"c":6}\n{"b":7,"a":8}\n');
    const rows = await collect(readRows(p));
    expect(rows).toEqual([
      { a: 1, b: 2 },
      { a: null, b: 3 },
      { a: 4, b: 5, c: 6 },
      { a: 8, b: 7, c: null },
    ]);
    expect(Object.keys(rows[3]!)).toEqual(['a', 'b', 'c']);
  });

  it('projects columns, listing the first row keys when one is missing', async () => {
    const p = await tmp.write('project.jsonl', '{"a":1,"b":2}\n{"a":3}\n');
    expect(await collect(readRows(p, { columns: ['b', 'a'] }))).toEqual([
      { b: 2, a: 1 },
      { b: null, a: 3 },
    ]);
    await expect(collect(readRows(p, { columns: ['c'] }))).rejects.toThrow(
      `${p}:1: requested column "c" is not in the file; available columns: "a", "b"`,
    );
  });

  it('coerces declared columns and reports bad values with line, column and value', async () => {
    const p = await tmp.write(
      'typed.jsonl',
      '{"n":"1.5","s":7,"b":1}\n{"n":2,"s":"x","b":"false"}\n{"n":"two","s":"y","b":true}\n',
    );
    const schema = [
      { name: 'n', type: 'number' as const, nullable: false },
      { name: 's', type: 'string' as const, nullable: false },
      { name: 'b', type: 'boolean' as const, nullable: false },
    ];
    expect(await collect(readRows(p, { schema, limit: 2 }))).toEqual([
      { n: 1.5, s: '7', b: true },
      { n: 2, s: 'x', b: false },
    ]);
    await expect(collect(readRows(p, { schema }))).rejects.toThrow(
      `${p}:3 column "n": expected a number, got "two"`,
    );
  });

  it('reads .ndjson and gzip-compressed JSONL', async () => {
    const nd = await tmp.write('x.ndjson', '{"a":1}\n');
    expect(await collect(readRows(nd))).toEqual([{ a: 1 }]);
    const gz = await tmp.write('x.jsonl.gz', gzipSync('{"a":1}\n{"a":2}\n'));
    expect(await collect(readRows(gz))).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reads an empty file as zero rows', async () => {
    const p = await tmp.write('empty.jsonl', '');
    expect(await collect(readRows(p))).toEqual([]);
  });
});

describe('readRows (JSONL, long lines)', () => {
  it('reads a line longer than many chunks', async () => {
    const long = 'y'.repeat(3_000_000);
    const p = await tmp.write('long.jsonl', `{"a":1}\n{"a":2,"s":"${long}"}\n{"a":3}`);
    const rows = await collect(readRows(p));
    expect(rows.map((r) => r['a'])).toEqual([1, 2, 3]);
    expect((rows[1]!['s'] as string).length).toBe(3_000_000);
  });
});
