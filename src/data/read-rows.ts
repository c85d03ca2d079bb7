/**
 * Streaming row readers over CSV, JSONL and Parquet files.
 */

import { DataError, describeValue } from '../errors.js';
import { csvBatches } from './csv-source.js';
import { type DataSource, resolveSource } from './detect-format.js';
import { jsonlBatches } from './jsonl-source.js';
import { parquetBatches } from './parquet-source.js';
import type { ReadOptions, Row } from './types.js';

/** The format-specific batch stream for a resolved source (batches of any size, never empty). */
function sourceBatches(source: DataSource, options: ReadOptions): AsyncGenerator<Row[], void, undefined> {
  switch (source.format) {
    case 'csv':
      return csvBatches(source, options);
    case 'jsonl':
      return jsonlBatches(source, options);
    case 'parquet':
      return parquetBatches(source, options);
  }
}

/** `options.limit` checked: a non-negative integer, or `Infinity` when absent. */
function rowLimit(path: string, options: ReadOptions): number {
  const limit = options.limit;
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!(Number.isInteger(limit) && limit >= 0) && limit !== Number.POSITIVE_INFINITY) {
    throw new DataError(`the row limit must be a non-negative integer (got ${describeValue(limit)})`, {
      file: path,
    });
  }
  return limit;
}

/**
 * Streams the rows of a CSV, JSONL or Parquet file, never holding more than a chunk (text formats)
 * or a row group (Parquet) in memory.
 *
 * - `format`: detected from the extension when omitted (`.csv`, `.tsv`, `.jsonl`, `.ndjson`,
 *   `.parquet`; `.gz` for gzip-compressed text).
 * - `columns`: emit only these, in this order; a missing one is a `DataError` listing the available ones.
 * - `schema`: coerce and validate the named columns; a value that does not fit is a `DataError`
 *   naming the file, the line (row number for Parquet), the column and the value.
 * - `limit`: stop after that many rows (the file is closed early).
 *
 * CSV: a header row is required; empty cells are null; strict decimal text is a number; everything
 * else stays a string unless `schema` declares the column. JSONL: one object per line, nested values
 * become JSON text. Parquet: INT64 to number (error beyond ±2^53), dates and timestamps to ISO strings.
 * Every bad input is a {@link DataError}.
 */
export async function* readRows(
  path: string,
  options: ReadOptions = {},
): AsyncGenerator<Row, void, undefined> {
  const source = resolveSource(path, options);
  let remaining = rowLimit(path, options);
  if (remaining === 0) return;
  for await (const batch of sourceBatches(source, options)) {
    const n = batch.length;
    for (let i = 0; i < n; i++) {
      yield batch[i]!;
      if (--remaining === 0) return;
    }
  }
}

/**
 * Like {@link readRows}, but yields arrays of exactly `batchSize` rows (the last one may be shorter):
 * far fewer async steps per row, for throughput. Each yielded array is fresh and may be kept.
 */
export async function* readRowBatches(
  path: string,
  batchSize: number,
  options: ReadOptions = {},
): AsyncGenerator<Row[], void, undefined> {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new DataError(`the batch size must be a positive integer (got ${describeValue(batchSize)})`, {
      file: path,
    });
  }
  const source = resolveSource(path, options);
  let remaining = rowLimit(path, options);
  if (remaining === 0) return;
  let out: Row[] = [];
  for await (const batch of sourceBatches(source, options)) {
    const take = Math.min(batch.length, remaining);
    remaining -= take;
    let i = 0;
    if (out.length === 0) {
      // Whole batches straight from the source when they line up.
      while (take - i >= batchSize) {
        yield i === 0 && take === batchSize && batch.length === batchSize
          ? batch
          : batch.slice(i, i + batchSize);
        i += batchSize;
      }
    }
    for (; i < take; i++) {
      out.push(batch[i]!);
      if (out.length === batchSize) {
        yield out;
        out = [];
      }
    }
    if (remaining === 0) break;
  }
  if (out.length > 0) yield out;
}
