/**
 * Validating a data file against a contract: the file streams through {@link createValidator} in
 * batches (never whole in memory). Unreadable input (an empty CSV file, a truncated or ragged row,
 * bad JSON) is a `DataError` naming the file and line, from the readers.
 */
import { readRowBatches } from '../data/read-rows.js';
import type { SourceOptions } from '../data/types.js';
import { createValidator, type ValidatorOptions } from './check-rows.js';
import type { DataContract } from './contract.js';
import type { ValidationReport } from './violation.js';

/** Options of {@link validateFile}. */
export interface ValidateFileOptions extends ValidatorOptions, SourceOptions {}

/** Rows per batch read. */
const BATCH = 4096;

/**
 * Validates the CSV, JSONL or Parquet file at `path` against `contract` in one streaming pass:
 * column rules, dataset rules and, with `options.reference`, the statistical expectations.
 */
export async function validateFile(
  path: string,
  contract: DataContract,
  options: ValidateFileOptions = {},
): Promise<ValidationReport> {
  const validator = createValidator(contract, options);
  const source: SourceOptions = {
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
  };
  for await (const batch of readRowBatches(path, BATCH, source)) validator.addBatch(batch);
  return validator.finish();
}
