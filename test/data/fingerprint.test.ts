import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { rejection, useTempDir } from './helpers.js';

const tmp = useTempDir();

const sha = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function csvText(rows: number, change?: { row: number; value: string }): string {
  const lines = ['id,x,label'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${i},${change?.row === i ? change.value : (i * 0.25).toString()},l${i % 7}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('fingerprint', () => {
  it('records hash, bytes, rows, schema and the path as given', async () => {
    const text = csvText(100);
    const p = await tmp.write('fp.csv', text);
    const fp = await fingerprint(p);
    expect(fp).toEqual({
      path: p,
      format: 'csv',
      hash: sha(text),
      bytes: Buffer.byteLength(text),
      rows: 100,
      schema: [
        { name: 'id', type: 'number', nullable: false },
        { name: 'x', type: 'number', nullable: false },
        { name: 'label', type: 'string', nullable: false },
      ],
    });
  });

  it('is deterministic, and one changed cell changes the hash', async () => {
    const a = await tmp.write('a.csv', csvText(5000));
    const b = await tmp.write('b.csv', csvText(5000));
    const c = await tmp.write('c.csv', csvText(5000, { row: 4321, value: '1080.26' }));
    const [fa, fb, fc] = await Promise.all([fingerprint(a), fingerprint(b), fingerprint(c)]);
    expect(fa.hash).toBe(fb.hash);
    expect(fa.hash).toBe(sha(await readFile(a)));
    expect(fc.hash).not.toBe(fa.hash);
    expect(fc.rows).toBe(fa.rows);
    expect(fc.schema).toEqual(fa.schema);
  });

  it('widens types over all rows, not a sample', async () => {
    const p = await tmp.write('late.csv', csvText(20_000, { row: 15_000, value: 'oops' }));
    const fp = await fingerprint(p);
    expect(fp.rows).toBe(20_000);
    expect(fp.schema[1]).toEqual({ name: 'x', type: 'string', nullable: false });
  });

  it('fingerprints JSONL and hashes the compressed bytes of a .gz file', async () => {
    const text = '{"a":1,"b":true}\n{"a":null,"b":false}\n';
    const p = await tmp.write('f.jsonl', text);
    expect(await fingerprint(p)).toMatchObject({
      format: 'jsonl',
      hash: sha(text),
      rows: 2,
      schema: [
        { name: 'a', type: 'number', nullable: true },
        { name: 'b', type: 'boolean', nullable: false },
      ],
    });
    const gz = gzipSync(text);
    const pg = await tmp.write('f.jsonl.gz', gz);
    expect(await fingerprint(pg)).toMatchObject({ hash: sha(gz), bytes: gz.length, rows: 2 });
  });

  it('validates every row', async () => {
    const p = await tmp.write('bad.csv', `${csvText(10)}1,2\n`);
    const err = await rejection(fingerprint(p));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe(`${p}:12: expected 3 fields (as in the header), got 2`);
    await expect(fingerprint(await tmp.write('empty.csv', ''))).rejects.toThrow(/the file is empty/);
  });
});
