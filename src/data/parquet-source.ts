/**
 * Parquet reading through hyparquet: metadata first, then one row range at a time (a row group, or a
 * window of it when the file has offset indexes), so memory is bounded by a row group.
 *
 * Conversions: INT64 (bigint) to number, a {@link DataError} when beyond ±2^53; DATE to `YYYY-MM-DD`;
 * timestamps to ISO 8601 strings; NaN to null; nested values (lists, maps, structs, JSON) to their
 * JSON text; raw binary to lower-case hex.
 */

import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetScan,
  parquetSchema,
  type SchemaTree,
} from 'hyparquet';
import { DataError, describeValue } from '../errors.js';
import { coerceCell } from './coerce.js';
import { planColumns } from './column-plan.js';
import type { DataSource } from './detect-format.js';
import { toDataError } from './text-stream.js';
import type { Cell, ColumnSchema, ColumnType, ReadOptions, Row } from './types.js';

/** Rows per read when a row group can be read in windows (it has offset indexes). */
const WINDOW_ROWS = 65_536;

/** An opened Parquet file: its bytes (read lazily), metadata and top-level columns. */
export interface ParquetFile {
  /** Lazy access to the file's bytes. */
  buffer: AsyncBuffer;
  /** The decoded footer. */
  metadata: FileMetaData;
  /** The top-level columns, in file order. */
  columns: SchemaTree[];
  /** Total number of rows. */
  rows: number;
}

/** Opens a Parquet file and decodes its footer; a missing or invalid file is a {@link DataError}. */
export async function openParquet(path: string): Promise<ParquetFile> {
  let buffer: AsyncBuffer;
  try {
    buffer = await asyncBufferFromFile(path);
  } catch (err) {
    throw toDataError(err, path);
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new DataError(`not a valid Parquet file (${(err as Error).message})`, { file: path });
  }
  const rows = Number(metadata.num_rows);
  return { buffer, metadata, columns: parquetSchema(metadata).children, rows };
}

/** The logical type a top-level Parquet column is read as. */
function parquetColumnType(column: SchemaTree): ColumnType {
  if (column.children.length > 0) return 'string';
  const { type, converted_type: converted, logical_type: logical } = column.element;
  if (type === 'BOOLEAN') return 'boolean';
  if (converted === 'DECIMAL' || logical?.type === 'DECIMAL' || logical?.type === 'FLOAT16') return 'number';
  if (type === 'INT96') return 'string';
  if (
    converted === 'DATE' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    logical?.type === 'DATE' ||
    logical?.type === 'TIMESTAMP'
  ) {
    return 'string';
  }
  if (type === 'INT32' || type === 'INT64' || type === 'FLOAT' || type === 'DOUBLE') return 'number';
  return 'string';
}

/**
 * The schema of a Parquet file from its metadata alone: types from the physical and logical types
 * (dates and timestamps are strings); a column is nullable when the statistics of every row group
 * count its nulls and some are non-zero, or, without complete statistics, when it is not REQUIRED.
 */
export function parquetColumnSchemas(file: ParquetFile): ColumnSchema[] {
  return file.columns.map((column) => {
    const name = column.element.name;
    let nullable = column.element.repetition_type !== 'REQUIRED';
    if (nullable && column.children.length === 0 && file.metadata.row_groups.length > 0) {
      let nulls = 0n;
      let complete = true;
      for (const group of file.metadata.row_groups) {
        const chunk = group.columns.find((c) => c.meta_data?.path_in_schema[0] === name);
        const count = chunk?.meta_data?.statistics?.null_count;
        if (count === undefined) {
          complete = false;
          break;
        }
        nulls += count;
      }
      if (complete) nullable = nulls > 0n;
    }
    return { name, type: parquetColumnType(column), nullable };
  });
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** JSON text for a nested value; bigints become numbers (or decimal text when unsafe), binary hex. */
function nestedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    return v;
  });
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Converts one value as hyparquet decodes it to a cell; see the module comment. */
function parquetCell(value: unknown, dateOnly: boolean, file: string, row: number, column: string): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isNaN(value) ? null : value;
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      if (value > MAX_SAFE || value < MIN_SAFE) {
        throw new DataError(
          `row ${row}: integer ${value} is too large to be represented exactly as a number (beyond ±2^53)`,
          { file, line: row, field: column },
        );
      }
      return Number(value);
    default:
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isNaN(time)) {
          throw new DataError('invalid date or timestamp', { file, line: row, field: column });
        }
        const iso = value.toISOString();
        return dateOnly ? iso.slice(0, 10) : iso;
      }
      if (value instanceof Uint8Array) return toHex(value);
      return nestedJson(value);
  }
}

/**
 * Streams the rows of a Parquet file in batches (one row group, or a 65,536-row window of it), with
 * `options.columns` / `options.schema` applied, stopping after `options.limit` rows. Errors name the file, the 1-based row (in `line`) and
 * the column.
 */
export async function* parquetBatches(
  source: DataSource,
  options: ReadOptions,
): AsyncGenerator<Row[], void, undefined> {
  const file = await openParquet(source.path);
  const available = file.columns.map((c) => c.element.name);
  const plan = planColumns(source.path, available, options);
  const { names, declared } = plan;
  const width = names.length;
  const dateOnly = plan.sources.map((s) => {
    const element = file.columns[s]!.element;
    return element.converted_type === 'DATE' || element.logical_type?.type === 'DATE';
  });
  let scan: Awaited<ReturnType<typeof parquetScan>>;
  try {
    scan = await parquetScan({ file: file.buffer, metadata: file.metadata, columns: names });
  } catch (err) {
    throw new DataError(`cannot read the Parquet file (${(err as Error).message})`, { file: source.path });
  }
  const windowed = file.metadata.row_groups.every((group) =>
    group.columns.every((c) => c.offset_index_offset !== undefined),
  );
  const stop = Math.min(file.rows, options.limit ?? Number.POSITIVE_INFINITY);
  for (const range of scan.ranges) {
    const rangeEnd = Math.min(range.rowEnd, stop);
    const step = windowed ? WINDOW_ROWS : range.rowEnd - range.rowStart;
    for (let start = range.rowStart; start < rangeEnd; start += step) {
      const end = Math.min(rangeEnd, start + step);
      let data: ArrayLike<unknown>[];
      try {
        data = await Promise.all(
          names.map((column) => scan.readColumn({ column, rowStart: start, rowEnd: end })),
        );
      } catch (err) {
        throw new DataError(
          `cannot decode rows ${start + 1}-${end} (${(err as Error).message ?? describeValue(err)})`,
          { file: source.path },
        );
      }
      const count = end - start;
      const rows: Row[] = new Array(count);
      for (let r = 0; r < count; r++) {
        const rowNumber = start + r + 1;
        const row: Row = {};
        for (let k = 0; k < width; k++) {
          const name = names[k]!;
          let cell = parquetCell(data[k]![r], dateOnly[k]!, source.path, rowNumber, name);
          const column = declared[k];
          if (column !== undefined) cell = coerceCell(cell, column, source.path, rowNumber);
          row[name] = cell;
        }
        rows[r] = row;
      }
      yield rows;
    }
  }
}
