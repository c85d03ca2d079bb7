import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { fingerprint, inferSchema, openParquet, readRowBatches, readRows } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { collect, FIXTURES, rejection, useTempDir } from './helpers.js';

const tmp = useTempDir();
const ROWGROUPS = join(FIXTURES, 'rowgroups.parquet');

describe('readRows (Parquet)', () => {
  it('reads every row group, converting bigints, dates and timestamps, with nulls', async () => {
    const file = await openParquet(ROWGROUPS);
    expect(file.metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([4, 4, 2]);
    const rows = await collect(readRows(ROWGROUPS));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({
      id: 1,
      score: 0.5,
      label: 'a',
      flag: true,
      count: 10,
      day: '2024-01-01',
      ts: '2024-01-01T12:30:00.000Z',
    });
    expect(rows.map((r) => r['score'])).toEqual([0.5, 1.5, 2.5, null, 4.5, 5.5, 6.5, null, 8.5, 9.5]);
    expect(rows[2]!['label']).toBeNull();
    expect(rows[9]).toMatchObject({ id: 10, count: -100, day: '2024-01-10', ts: null });
  });

  it('projects columns and applies limit across row groups', async () => {
    const rows = await collect(readRows(ROWGROUPS, { columns: ['label', 'id'], limit: 6 }));
    expect(rows).toEqual([
      { label: 'a', id: 1 },
      { label: 'b', id: 2 },
      { label: null, id: 3 },
      { label: 'd', id: 4 },
      { label: 'e', id: 5 },
      { label: 'f', id: 6 },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['label', 'id']);
    const err = await rejection(collect(readRows(ROWGROUPS, { columns: ['nope'] })));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain(
      'requested column "nope" is not in the file; available columns: "id", "score"',
    );
  });

  it('coerces declared columns and reports the row of a bad value', async () => {
    const asText = await collect(
      readRows(ROWGROUPS, {
        columns: ['id'],
        schema: [{ name: 'id', type: 'string', nullable: false }],
        limit: 2,
      }),
    );
    expect(asText).toEqual([{ id: '1' }, { id: '2' }]);
    const err = (await rejection(
      collect(readRows(ROWGROUPS, { schema: [{ name: 'score', type: 'number', nullable: false }] })),
    )) as DataError;
    expect(err.location).toEqual({ file: ROWGROUPS, line: 4, field: 'score' });
  });

  it('rejects integers beyond 2^53 with file, row and column', async () => {
    const p = join(FIXTURES, 'unsafe-int64.parquet');
    const err = (await rejection(collect(readRows(p)))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.location).toEqual({ file: p, line: 3, field: 'n' });
    expect(err.message).toContain('row 3: integer 1152921504606846976 is too large');
  });

  it('reads nested (JSON) values as their JSON text', async () => {
    const rows = await collect(readRows(join(FIXTURES, 'json-column.parquet')));
    expect(rows).toEqual([
      { id: 1, meta: '{"a":1,"b":[1,2]}' },
      { id: 2, meta: null },
    ]);
  });

  it('infers the schema from metadata and fingerprints from bytes and metadata', async () => {
    expect(await inferSchema(ROWGROUPS)).toEqual([
      { name: 'id', type: 'number', nullable: false },
      { name: 'score', type: 'number', nullable: true },
      { name: 'label', type: 'string', nullable: true },
      { name: 'flag', type: 'boolean', nullable: false },
      { name: 'count', type: 'number', nullable: false },
      { name: 'day', type: 'string', nullable: false },
      { name: 'ts', type: 'string', nullable: true },
    ]);
    const bytes = await readFile(ROWGROUPS);
    const fp = await fingerprint(ROWGROUPS);
    expect(fp).toMatchObject({
      path: ROWGROUPS,
      format: 'parquet',
      hash: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      bytes: bytes.length,
      rows: 10,
    });
    expect(fp.schema).toEqual(await inferSchema(ROWGROUPS));
  });

  it('rejects a file that is not Parquet', async () => {
    const p = await tmp.write('fake.parquet', 'a,b\n1,2\n');
    const err = await rejection(collect(readRows(p)));
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain(`${p}: not a valid Parquet file`);
    await expect(collect(readRows(tmp.path('missing.parquet')))).rejects.toThrow(/no such file/);
  });

  it('streams large row groups in windows with exact counts and values', async () => {
    const n = 150_000;
    const p = tmp.path('large.parquet');
    parquetWriteFile({
      filename: p,
      rowGroupSize: 100_000,
      columnData: [
        { name: 'i', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'x', data: Float64Array.from({ length: n }, (_, i) => i / 2), type: 'DOUBLE' },
      ],
    });
    let count = 0;
    let sum = 0;
    let ordered = true;
    for await (const batch of readRowBatches(p, 10_000)) {
      for (const row of batch) {
        if (row['i'] !== count) ordered = false;
        sum += row['x'] as number;
        count++;
      }
    }
    expect(count).toBe(n);
    expect(ordered).toBe(true);
    expect(sum).toBe(((n - 1) * n) / 4);
  });
});
