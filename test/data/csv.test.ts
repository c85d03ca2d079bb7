import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, readRowBatches, readRows } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { collect, rejection, useTempDir } from './helpers.js';

const tmp = useTempDir();

describe('readRows (CSV)', () => {
  it('reads numbers as numbers, empty cells as null and other text as strings', async () => {
    const p = await tmp.write('basic.csv', 'x,name,y\n1,alice,-0.5\n2,,1e3\n,bob,12abc\n');
    expect(await collect(readRows(p))).toEqual([
      { x: 1, name: 'alice', y: -0.5 },
      { x: 2, name: null, y: 1000 },
      { x: null, name: 'bob', y: '12abc' },
    ]);
  });

  it('keeps true/false as strings unless the schema declares a boolean column', async () => {
    const p = await tmp.write('bools.csv', 'ok\ntrue\nFALSE\n1\n');
    expect(await collect(readRows(p))).toEqual([{ ok: 'true' }, { ok: 'FALSE' }, { ok: 1 }]);
    const typed = await collect(readRows(p, { schema: [{ name: 'ok', type: 'boolean', nullable: false }] }));
    expect(typed).toEqual([{ ok: true }, { ok: false }, { ok: true }]);
  });

  it('handles quotes, doubled quotes, embedded delimiters and line breaks', async () => {
    const p = await tmp.write(
      'quotes.csv',
      'id,text\n1,"hello, world"\n2,"she said ""hi"""\n3,"two\nlines"\n4,"a\r\nb"\n5,""\n6,plain\n',
    );
    expect(await collect(readRows(p))).toEqual([
      { id: 1, text: 'hello, world' },
      { id: 2, text: 'she said "hi"' },
      { id: 3, text: 'two\nlines' },
      { id: 4, text: 'a\r\nb' },
      { id: 5, text: null },
      { id: 6, text: 'plain' },
    ]);
  });

  it('reports physical line numbers after multi-line records', async () => {
    const p = await tmp.write('lines.csv', 'a,b\n1,"x\ny\nz"\n2,ok\n3,4,5\n');
    const err = await rejection(collect(readRows(p)));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${p}:6: expected 2 fields (as in the header), got 3`);
  });

  it('handles CRLF line ends and a byte-order mark', async () => {
    const p = await tmp.write('crlf.csv', '\uFEFFid,v\r\n1,a\r\n2,"b\r\nc"\r\n3,d');
    const rows = await collect(readRows(p));
    expect(Object.keys(rows[0]!)).toEqual(['id', 'v']);
    expect(rows).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b\r\nc' },
      { id: 3, v: 'd' },
    ]);
  });

  it('skips blank lines and reads a last line without a line break', async () => {
    const p = await tmp.write('blank.csv', 'a,b\n\n1,2\r\n\r\n3,4');
    expect(await collect(readRows(p))).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: 4 },
    ]);
  });

  it('reads a header-only file as zero rows', async () => {
    const p = await tmp.write('header-only.csv', 'a,b,c\n');
    expect(await collect(readRows(p))).toEqual([]);
    const p2 = await tmp.write('header-only-no-newline.csv', 'a,b,c');
    expect(await collect(readRows(p2, { columns: ['b'] }))).toEqual([]);
  });

  it('rejects an empty file with a clear DataError', async () => {
    const p = await tmp.write('empty.csv', '');
    const err = await rejection(collect(readRows(p)));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${p}: the file is empty: a CSV file needs a header row`);
  });

  it('rejects a row with the wrong field count, naming file, line and counts', async () => {
    const p = await tmp.write('count.csv', 'a,b,c\n1,2,3\n4,5\n');
    const err = (await rejection(collect(readRows(p)))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.location).toEqual({ file: p, line: 3 });
    expect(err.message).toContain('expected 3 fields (as in the header), got 2');
  });

  it('catches the single-column symptom of a wrong delimiter when columns are requested', async () => {
    const p = await tmp.write('semicolon.csv', 'a;b;c\n1;2;3\n');
    // Without columns the file reads as one text column: that is the symptom.
    expect(await collect(readRows(p))).toEqual([{ 'a;b;c': '1;2;3' }]);
    const err = await rejection(collect(readRows(p, { columns: ['a', 'b'] })));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain('requested column "a" is not in the file; available columns: "a;b;c"');
    expect(err.message).toContain('semicolon');
    // With the right delimiter it reads fine.
    expect(await collect(readRows(p, { delimiter: ';', columns: ['c', 'a'] }))).toEqual([{ c: 3, a: 1 }]);
  });

  it('projects columns in the requested order and lists the available ones when one is missing', async () => {
    const p = await tmp.write('project.csv', 'a,b,c\n1,2,3\n');
    const rows = await collect(readRows(p, { columns: ['c', 'a'] }));
    expect(rows).toEqual([{ c: 3, a: 1 }]);
    expect(Object.keys(rows[0]!)).toEqual(['c', 'a']);
    const err = await rejection(collect(readRows(p, { columns: ['a', 'zz'] })));
    expect(err.message).toBe(
      `${p}:1: requested column "zz" is not in the file; available columns: "a", "b", "c"`,
    );
    await expect(collect(readRows(p, { columns: ['a', 'a'] }))).rejects.toThrow(/requested twice/);
  });

  it('coerces and validates declared columns, naming file, line, column and value', async () => {
    const p = await tmp.write('typed.csv', 'zip,price,qty\n01234,1.5,3\n00501,,4\n99999,abc,5\n');
    const schema = [
      { name: 'zip', type: 'string' as const, nullable: false },
      { name: 'price', type: 'number' as const, nullable: true },
    ];
    const err = (await rejection(collect(readRows(p, { schema })))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.location).toEqual({ file: p, line: 4, field: 'price' });
    expect(err.message).toBe(`${p}:4 column "price": expected a number, got "abc"`);
    const rows = await collect(readRows(p, { schema, limit: 2 }));
    expect(rows).toEqual([
      { zip: '01234', price: 1.5, qty: 3 },
      { zip: '00501', price: null, qty: 4 },
    ]);
    const strict = [{ name: 'price', type: 'number' as const, nullable: false }];
    await expect(collect(readRows(p, { schema: strict }))).rejects.toThrow(
      `${p}:3 column "price": missing value in a column declared not nullable`,
    );
    await expect(
      collect(readRows(p, { schema: [{ name: 'nope', type: 'number', nullable: true }] })),
    ).rejects.toThrow(/declared column "nope" is not in the file/);
  });

  it('stops after limit rows', async () => {
    const lines = ['n', ...Array.from({ length: 1000 }, (_, i) => String(i))].join('\n');
    const p = await tmp.write('limit.csv', lines);
    expect(await collect(readRows(p, { limit: 3 }))).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(await collect(readRows(p, { limit: 0 }))).toEqual([]);
    await expect(collect(readRows(p, { limit: -1 }))).rejects.toThrow(/non-negative integer/);
  });

  it('yields exact batches from readRowBatches', async () => {
    const lines = ['n', ...Array.from({ length: 25 }, (_, i) => String(i))].join('\n');
    const p = await tmp.write('batches.csv', lines);
    const sizes = (await collect(readRowBatches(p, 10))).map((b) => b.length);
    expect(sizes).toEqual([10, 10, 5]);
    const limited = await collect(readRowBatches(p, 10, { limit: 12 }));
    expect(limited.map((b) => b.length)).toEqual([10, 2]);
    expect(limited.flat().map((r) => r['n'])).toEqual(Array.from({ length: 12 }, (_, i) => i));
    await expect(collect(readRowBatches(p, 0))).rejects.toThrow(/positive integer/);
  });

  it('reads TSV by extension and gzip-compressed CSV', async () => {
    const tsv = await tmp.write('t.tsv', 'a\tb\n1\tx y\n');
    expect(await collect(readRows(tsv))).toEqual([{ a: 1, b: 'x y' }]);
    const gz = await tmp.write('t.csv.gz', gzipSync('a,b\n1,2\n3,"q,r"\n'));
    expect(await collect(readRows(gz))).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: 'q,r' },
    ]);
    const bad = await tmp.write('bad.csv.gz', 'not gzip at all');
    await expect(collect(readRows(bad))).rejects.toThrow(/not a valid gzip file/);
  });

  it('names empty header cells and rejects duplicate names', async () => {
    const p = await tmp.write('index.csv', ',a\n0,1\n');
    expect(await collect(readRows(p))).toEqual([{ column_1: 0, a: 1 }]);
    const dup = await tmp.write('dup.csv', 'a,b,a\n1,2,3\n');
    await expect(collect(readRows(dup))).rejects.toThrow(`${dup}:1: the header names column "a" twice`);
  });

  it('reports quoting errors with their line', async () => {
    const open = await tmp.write('open.csv', 'a,b\n1,2\n3,"never closed\n4,5\n');
    await expect(collect(readRows(open))).rejects.toThrow(`${open}:3: a quoted field is never closed`);
    const after = await tmp.write('after.csv', 'a,b\n1,"x"y\n');
    await expect(collect(readRows(after))).rejects.toThrow(
      `${after}:2: unexpected text after a closing quote`,
    );
  });

  it('keeps a quote inside an unquoted field literally', async () => {
    const p = await tmp.write('inch.csv', 'size,n\n5"4,1\n');
    expect(await collect(readRows(p))).toEqual([{ size: '5"4', n: 1 }]);
  });

  it('reports a missing file as a DataError', async () => {
    const err = await rejection(collect(readRows(tmp.path('missing.csv'))));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain('missing.csv: cannot read the file: no such file');
  });

  it('reads records split across chunk boundaries (large quoted fields)', async () => {
    const big = 'x'.repeat(700_000);
    const p = await tmp.write('big-field.csv', `a,b\n1,"${big}\n""${big}"\n2,3\n`);
    const rows = await collect(readRows(p));
    expect(rows).toHaveLength(2);
    expect(rows[0]!['b']).toBe(`${big}\n"${big}`);
    expect(rows[1]).toEqual({ a: 2, b: 3 });
  });
});

describe('CsvTokenizer', () => {
  const tokenize = (chunks: string[], delimiter = ','): [string[], number][] => {
    const out: [string[], number][] = [];
    const t = new CsvTokenizer('mem.csv', delimiter, (fields, line) => out.push([fields, line]));
    for (const c of chunks) t.push(c);
    t.end();
    return out;
  };

  it('gives the same records whatever the chunking', () => {
    const text =
      'h1,h2,h3\r\n"a,1",,"x""y"\n\n"multi\r\nline",b,c\r\n1,2,3\n"",   ,"end"\n"q"\r\n"tail",t,"z"';
    const whole = tokenize([text]);
    expect(whole.map(([f]) => f)).toEqual([
      ['h1', 'h2', 'h3'],
      ['a,1', '', 'x"y'],
      ['multi\r\nline', 'b', 'c'],
      ['1', '2', '3'],
      ['', '   ', 'end'],
      ['q'],
      ['tail', 't', 'z'],
    ]);
    expect(whole.map(([, line]) => line)).toEqual([1, 2, 4, 6, 7, 8, 9]);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(tokenize(chunks), `chunk size ${size}`).toEqual(whole);
    }
  });

  it('ends a record at a trailing delimiter with an empty field', () => {
    expect(tokenize(['a,b\n1,'])).toEqual([
      [['a', 'b'], 1],
      [['1', ''], 2],
    ]);
    expect(tokenize(['a|b\n"1"|'], '|')).toEqual([
      [['a', 'b'], 1],
      [['1', ''], 2],
    ]);
  });
});
