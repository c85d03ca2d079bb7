/**
 * CSV reading: a header row, then one record per row with exactly as many fields.
 */

import { DataError, describeValue } from '../errors.js';
import { autoTextCell, coerceCell } from './coerce.js';
import { type ColumnPlan, planColumns } from './column-plan.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import type { DataSource } from './detect-format.js';
import { readTextChunks } from './text-stream.js';
import type { ReadOptions, Row } from './types.js';

/**
 * Column names from a CSV header record: an empty name (the index column pandas writes) becomes
 * `column_<n>` (1-based); a repeated name is a {@link DataError}.
 */
export function headerNames(fields: readonly string[], file: string, line: number): string[] {
  const names = fields.map((name, i) => (name.length === 0 ? `column_${i + 1}` : name));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new DataError(`the header names column ${describeValue(name)} twice`, { file, line });
    }
    seen.add(name);
  }
  return names;
}

/** The error for a record whose field count differs from the header's. */
export function fieldCountError(file: string, line: number, expected: number, got: number): DataError {
  return new DataError(
    `expected ${expected} fields (as in the header), got ${got}` +
      (got === 1 && expected > 1 ? ' (is the delimiter right?)' : ''),
    { file, line },
  );
}

/** The error for a file without even a header row. */
export function emptyCsvError(file: string): DataError {
  return new DataError('the file is empty: a CSV file needs a header row', { file });
}

/** Builds rows from CSV records according to a column plan (resolved when the header arrives). */
class CsvRowBuilder {
  rows: Row[] = [];
  /** Rows still to build; records after the limit are ignored, unchecked. */
  remaining: number;
  private plan: ColumnPlan | undefined;
  private width = 0;

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
  ) {
    this.remaining = options.limit ?? Number.POSITIVE_INFINITY;
  }

  get sawHeader(): boolean {
    return this.plan !== undefined;
  }

  readonly onRecord = (fields: string[], line: number): void => {
    const plan = this.plan;
    if (plan === undefined) {
      const names = headerNames(fields, this.file, line);
      this.plan = planColumns(this.file, names, this.options, line);
      this.width = names.length;
      return;
    }
    if (this.remaining <= 0) return;
    this.remaining--;
    if (fields.length !== this.width) throw fieldCountError(this.file, line, this.width, fields.length);
    const { names, sources, declared } = plan;
    const row: Row = {};
    for (let k = 0; k < names.length; k++) {
      const raw = fields[sources[k]!]!;
      const column = declared[k];
      row[names[k]!] =
        column === undefined
          ? autoTextCell(raw)
          : coerceCell(raw.length === 0 ? null : raw, column, this.file, line);
    }
    this.rows.push(row);
  };
}

/**
 * Streams the rows of a CSV file in batches (one per chunk read), with `options.columns` /
 * `options.schema` applied, stopping after `options.limit` rows. Empty cells are null; without a declared type, strict decimal text is a
 * number and anything else a string. Errors name the file, the line and, for values, the column.
 */
export async function* csvBatches(
  source: DataSource,
  options: ReadOptions,
): AsyncGenerator<Row[], void, undefined> {
  const builder = new CsvRowBuilder(source.path, options);
  const tokenizer = new CsvTokenizer(source.path, source.delimiter, builder.onRecord);
  for await (const text of readTextChunks(source)) {
    tokenizer.push(text);
    if (builder.rows.length > 0) {
      yield builder.rows;
      builder.rows = [];
    }
    if (builder.remaining <= 0) return;
  }
  tokenizer.end();
  if (!builder.sawHeader) throw emptyCsvError(source.path);
  if (builder.rows.length > 0) yield builder.rows;
}
