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
