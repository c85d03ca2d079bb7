/**
 * Schema inference from a sample of a data file.
 */

import { DataError, describeValue } from '../errors.js';
import { resolveSource } from './detect-format.js';
import { openParquet, parquetColumnSchemas } from './parquet-source.js';
import { scanTextSchema } from './scan-schema.js';
import type { ColumnSchema, InferSchemaOptions } from './types.js';

/** Rows sampled by default. */
export const DEFAULT_SAMPLE_ROWS = 10_000;

/**
 * Infers the column schema of a data file from its first `sampleRows` rows (10,000 by default;
 * `Infinity` for all): a column is `number` when every non-null sampled value is numeric, `boolean`
 * when every one is a boolean (JSONL and Parquet; CSV text stays string), else `string`; nullable when
 * any sampled value was missing. Parquet schemas come from the file's metadata (no sampling). A CSV
 * header-only file yields its columns (as nullable-free strings); an empty JSONL file yields `[]`.
 */
export async function inferSchema(path: string, options: InferSchemaOptions = {}): Promise<ColumnSchema[]> {
  const source = resolveSource(path, options);
  const sampleRows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  if (!(sampleRows === Number.POSITIVE_INFINITY || (Number.isInteger(sampleRows) && sampleRows > 0))) {
    throw new DataError(`sampleRows must be a positive integer (got ${describeValue(sampleRows)})`, {
      file: path,
    });
  }
  if (source.format === 'parquet') return parquetColumnSchemas(await openParquet(path));
  return (await scanTextSchema(source, sampleRows)).schema;
}
