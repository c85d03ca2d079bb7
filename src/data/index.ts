/**
 * Data access: streaming readers for CSV, JSONL and Parquet, schema inference, fingerprints and
 * writers. Every bad input is a `DataError` naming the file, the line (or row) and the column.
 */

export { autoTextCell, coerceCell } from './coerce.js';
export { type ColumnPlan, planColumns } from './column-plan.js';
export { CsvTokenizer, type RecordHandler } from './csv-tokenizer.js';
export { type DataSource, detectFormat, resolveSource } from './detect-format.js';
export { fingerprint } from './fingerprint.js';
export { DEFAULT_SAMPLE_ROWS, inferSchema } from './infer-schema.js';
export { openParquet, type ParquetFile, parquetColumnSchemas } from './parquet-source.js';
export { isDecimalNumber, parseDecimal } from './parse-number.js';
export { readRowBatches, readRows } from './read-rows.js';
export { SchemaAccumulator } from './schema-accumulator.js';
export type {
  Cell,
  ColumnSchema,
  ColumnType,
  DataFingerprint,
  DataFormat,
  InferSchemaOptions,
  ReadOptions,
  Row,
  SourceOptions,
} from './types.js';
export { csvCell, csvField, writeRows } from './write-rows.js';
