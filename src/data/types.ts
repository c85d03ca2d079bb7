/**
 * Shared data types: rows as read from CSV/JSONL/Parquet, column schemas, dataset fingerprints.
 */

/** One cell value after parsing: numbers are numbers, empty cells are null. */
export type Cell = string | number | boolean | null;

/** One row, keyed by column name. Only used in streams and small batches, never for whole datasets. */
export type Row = Record<string, Cell>;

/** The logical type of a column. */
export type ColumnType = 'number' | 'string' | 'boolean';

/** One column of a schema. */
export interface ColumnSchema {
  /** Column name as in the file header. */
  name: string;
  /** Logical type. */
  type: ColumnType;
  /** Whether missing values (empty, null, NaN) were seen or are allowed. */
  nullable: boolean;
}

/** Supported file formats. */
export type DataFormat = 'csv' | 'jsonl' | 'parquet';

/** Fingerprint of a dataset, recorded in run.json so reviewers see when data changed. */
export interface DataFingerprint {
  /** The path as given (relative to the repository when possible). */
  path: string;
  /** File format. */
  format: DataFormat;
  /** `sha256:<hex>` of the file's bytes. */
  hash: string;
  /** Size in bytes. */
  bytes: number;
  /** Number of data rows (header excluded). */
  rows: number;
  /** Column schema. */
  schema: ColumnSchema[];
}

/** Options shared by every reader. */
export interface SourceOptions {
  /** The file format; detected from the extension when omitted. */
  format?: DataFormat;
  /** CSV field delimiter (one character); `,` by default, a tab for `.tsv` files. */
  delimiter?: string;
}

/** Options of `readRows` / `readRowBatches`. */
export interface ReadOptions extends SourceOptions {
  /** Read only these columns, in this order; a missing column is a `DataError` listing the available ones. */
  columns?: string[];
  /**
   * Coerce and validate these columns to the given types. A value that does not fit (text in a number
   * column, a missing value in a non-nullable column) is a `DataError` naming file, line, column and value.
   * Every column named here must exist in the file.
   */
  schema?: ColumnSchema[];
  /** Stop after this many data rows. */
  limit?: number;
}

/** Options of `inferSchema`. */
export interface InferSchemaOptions extends SourceOptions {
  /** How many data rows to look at (default 10,000); `Infinity` reads the whole file. */
  sampleRows?: number;
}
