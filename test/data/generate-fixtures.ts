/**
 * Regenerates the Parquet fixtures in test/fixtures/data/ (committed; run only to change them):
 *
 *   npx tsx test/data/generate-fixtures.ts
 *
 * Uses hyparquet-writer (a devDependency). The fixtures are deterministic.
 */

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteFile } from 'hyparquet-writer';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'fixtures', 'data');
mkdirSync(out, { recursive: true });

const DAY = 86_400_000;

/**
 * rowgroups.parquet: 10 rows in row groups of 4, 4 and 2; every logical type the reader converts,
 * with nulls in several columns.
 */
parquetWriteFile({
  filename: join(out, 'rowgroups.parquet'),
  rowGroupSize: 4,
  columnData: [
    { name: 'id', data: Int32Array.from({ length: 10 }, (_, i) => i + 1) },
    { name: 'score', data: [0.5, 1.5, 2.5, null, 4.5, 5.5, 6.5, null, 8.5, 9.5] },
    { name: 'label', data: ['a', 'b', null, 'd', 'e', 'f', 'g', 'h', 'i', 'j'] },
    { name: 'flag', data: [true, false, true, false, true, false, true, false, true, false] },
    { name: 'count', data: [10n, 20n, 30n, 40n, 50n, 60n, 70n, 80n, 90n, -100n] },
    { name: 'day', data: Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * DAY)) },
    {
      name: 'ts',
      data: Array.from({ length: 10 }, (_, i) =>
        i === 9 ? null : new Date(Date.UTC(2024, 0, 1, 12, 30) + i * 1000),
      ),
    },
  ],
  schema: [
    { name: 'root', num_children: 7 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'score', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 'label', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'flag', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
    { name: 'count', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
  ],
});

/** unsafe-int64.parquet: an INT64 beyond 2^53 in row 3. */
parquetWriteFile({
  filename: join(out, 'unsafe-int64.parquet'),
  columnData: [{ name: 'n', data: [1n, 2n, 2n ** 60n], type: 'INT64' }],
});

/** json-column.parquet: a JSON column (nested values are read as their JSON text). */
parquetWriteFile({
  filename: join(out, 'json-column.parquet'),
  columnData: [
    { name: 'id', data: [1, 2], type: 'INT32' },
    { name: 'meta', data: [{ a: 1, b: [1, 2] }, null], type: 'JSON' },
  ],
});

console.log(`wrote fixtures to ${out}`);
