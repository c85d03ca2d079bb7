import { describe, expect, it } from 'vitest';
import { detectFormat, resolveSource } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';

describe('detectFormat', () => {
  it('knows the extensions, case-insensitively, with optional .gz for text formats', () => {
    expect(detectFormat('a/b.csv')).toBe('csv');
    expect(detectFormat('b.TSV')).toBe('csv');
    expect(detectFormat('b.jsonl')).toBe('jsonl');
    expect(detectFormat('b.ndjson')).toBe('jsonl');
    expect(detectFormat('b.parquet')).toBe('parquet');
    expect(detectFormat('b.csv.gz')).toBe('csv');
    expect(detectFormat('b.jsonl.gz')).toBe('jsonl');
    expect(resolveSource('b.csv.gz')).toMatchObject({ format: 'csv', gzip: true, delimiter: ',' });
    expect(resolveSource('b.tsv')).toMatchObject({ delimiter: '\t', gzip: false });
  });

  it('prefers a declared format', () => {
    expect(detectFormat('data.txt', 'csv')).toBe('csv');
    expect(detectFormat('data.csv', 'jsonl')).toBe('jsonl');
  });

  it('rejects unknown extensions with a DataError naming the file', () => {
    const err = (() => {
      try {
        detectFormat('data/train.xlsx');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toContain('data/train.xlsx');
    expect((err as DataError).message).toContain('".xlsx"');
    expect(() => detectFormat('noextension')).toThrow(DataError);
    expect(() => detectFormat('x.parquet.gz')).toThrow(/gzip-compressed Parquet/);
    expect(() => detectFormat('x.csv', 'xml' as never)).toThrow(/unknown data format "xml"/);
  });

  it('validates the delimiter', () => {
    expect(() => resolveSource('x.csv', { delimiter: ';;' })).toThrow(/one character/);
    expect(() => resolveSource('x.csv', { delimiter: '"' })).toThrow(DataError);
    expect(resolveSource('x.csv', { delimiter: ';' }).delimiter).toBe(';');
  });
});
