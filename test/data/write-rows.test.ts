import { readdir, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csvCell, type Row, readRows, writeRows } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { collect, useTempDir } from './helpers.js';

const tmp = useTempDir();

const tricky: Row[] = [
  { id: 1, text: 'plain', score: 0.1, ok: true },
  { id: 2, text: 'comma, inside', score: -2.5e-7, ok: false },
  { id: 3, text: 'quote " inside', score: null, ok: null },
  { id: 4, text: 'two\nlines', score: 1e21, ok: true },
  { id: 5, text: 'cr\r\nlf', score: 123456789.123, ok: false },
  { id: 6, text: null, score: 0, ok: true },
];

async function* asyncRows(rows: Row[]): AsyncGenerator<Row> {
  for (const row of rows) yield row;
}

describe('writeRows', () => {
  it('writes RFC 4180 CSV that reads back to the same rows', async () => {
    const p = tmp.path('out/preds.csv');
    const n = await writeRows(p, tricky, ['id', 'text', 'score', 'ok']);
    expect(n).toBe(6);
    const text = await readFile(p, 'utf8');
    expect(text.split('\n')[0]).toBe('id,text,score,ok');
    expect(text).toContain('2,"comma, inside",-2.5e-7,false\n');
    expect(text).toContain('3,"quote "" inside",,\n');
    const back = await collect(readRows(p, { schema: [{ name: 'ok', type: 'boolean', nullable: true }] }));
    expect(back).toEqual(tricky);
  });

  it('writes JSONL that reads back to the same rows, from an async iterable', async () => {
    const p = tmp.path('preds.jsonl');
    expect(await writeRows(p, asyncRows(tricky), ['id', 'text', 'score', 'ok'])).toBe(6);
    expect(await collect(readRows(p))).toEqual(tricky);
    const first = (await readFile(p, 'utf8')).split('\n')[0];
    expect(first).toBe('{"id":1,"text":"plain","score":0.1,"ok":true}');
  });

  it('writes missing keys and non-finite numbers as missing values, in column order', async () => {
    const rows: Row[] = [{ b: Number.NaN, a: 1 }, { a: Number.POSITIVE_INFINITY }];
    const csv = tmp.path('missing.csv');
    await writeRows(csv, rows, ['a', 'b']);
    expect(await readFile(csv, 'utf8')).toBe('a,b\n1,\n,\n');
    const jsonl = tmp.path('missing.jsonl');
    await writeRows(jsonl, rows, ['a', 'b']);
    expect(await readFile(jsonl, 'utf8')).toBe('{"a":1,"b":null}\n{"a":null,"b":null}\n');
  });

  it('writes TSV, gzip, a header for zero rows, and a declared format', async () => {
    const tsv = tmp.path('x.tsv');
    await writeRows(tsv, [{ a: 'x\ty', b: 'z,w' }], ['a', 'b']);
    expect(await readFile(tsv, 'utf8')).toBe('a\tb\n"x\ty"\tz,w\n');
    expect(await collect(readRows(tsv))).toEqual([{ a: 'x\ty', b: 'z,w' }]);
    const gz = tmp.path('x.csv.gz');
    await writeRows(gz, [{ a: 1 }], ['a']);
    expect(gunzipSync(await readFile(gz)).toString()).toBe('a\n1\n');
    expect(await collect(readRows(gz))).toEqual([{ a: 1 }]);
    const empty = tmp.path('empty.csv');
    expect(await writeRows(empty, [], ['a', 'b'])).toBe(0);
    expect(await readFile(empty, 'utf8')).toBe('a,b\n');
    const declared = tmp.path('preds.out');
    await writeRows(declared, [{ a: 1 }], ['a'], 'jsonl');
    expect(await readFile(declared, 'utf8')).toBe('{"a":1}\n');
  });

  it('streams many rows with backpressure and leaves no temporary files', async () => {
    const p = tmp.path('many/big.csv');
    function* many(): Generator<Row> {
      for (let i = 0; i < 200_000; i++) yield { i, x: i * 0.5, s: `r${i}` };
    }
    expect(await writeRows(p, many(), ['i', 'x', 's'])).toBe(200_000);
    let count = 0;
    for await (const row of readRows(p)) {
      if (row['i'] !== count) throw new Error(`row ${count} out of order`);
      count++;
    }
    expect(count).toBe(200_000);
    expect(await readdir(tmp.path('many'))).toEqual(['big.csv']);
  });

  it('cleans up when the rows fail midway, and rejects bad requests', async () => {
    async function* failing(): AsyncGenerator<Row> {
      yield { a: 1 };
      throw new Error('model crashed');
    }
    const p = tmp.path('fail/x.csv');
    await expect(writeRows(p, failing(), ['a'])).rejects.toThrow('model crashed');
    expect(await readdir(tmp.path('fail'))).toEqual([]);
    await expect(writeRows(tmp.path('x.parquet'), [], ['a'])).rejects.toThrow(DataError);
    await expect(writeRows(tmp.path('y.csv'), [], ['a', 'a'])).rejects.toThrow(/listed twice/);
    await expect(writeRows(tmp.path('y.xlsx'), [], ['a'])).rejects.toThrow(/extension/);
  });

  it('quotes only what RFC 4180 requires', () => {
    expect(csvCell('abc')).toBe('abc');
    expect(csvCell(' padded ')).toBe(' padded ');
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-0.5)).toBe('-0.5');
  });
});
