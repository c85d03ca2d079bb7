/**
 * Resolves the `columns` and `schema` read options against the columns a file actually has.
 */

import { DataError, describeValue } from '../errors.js';
import type { ColumnSchema, ReadOptions } from './types.js';

/** Which source columns a reader emits, under which names, and with which declared types. */
export interface ColumnPlan {
  /** Output column names, in output order. */
  names: string[];
  /** For each output column, its index among the file's columns. */
  sources: number[];
  /** For each output column, its declared schema, or `undefined` to keep values as read. */
  declared: (ColumnSchema | undefined)[];
  /** Whether the plan emits every file column in file order with nothing declared. */
  identity: boolean;
}

const DELIMITER_HINTS: readonly [string, string][] = [
  [';', 'a semicolon'],
  ['\t', 'a tab'],
  ['|', 'a pipe'],
  [',', 'a comma'],
];

/** A hint for the single-column symptom of a wrong CSV delimiter, or the empty string. */
function delimiterHint(available: readonly string[]): string {
  if (available.length !== 1) return '';
  const only = available[0] ?? '';
  for (const [ch, name] of DELIMITER_HINTS) {
    if (only.includes(ch)) {
      return ` (the header is a single column that contains ${name}: is the file delimited by ${name}? set the delimiter)`;
    }
  }
  return '';
}

/** The error for a requested column the file lacks, listing the available ones. */
export function missingColumnError(
  file: string,
  name: string,
  available: readonly string[],
  what: string,
  line?: number,
): DataError {
  const list = available.length > 0 ? available.map((c) => JSON.stringify(c)).join(', ') : '(none)';
  return new DataError(
    `${what} column ${describeValue(name)} is not in the file; available columns: ${list}${delimiterHint(available)}`,
    line === undefined ? { file } : { file, line },
  );
}

/**
 * Plans the output columns: `options.columns` (in that order) or every available column, each with
 * its declared type from `options.schema`. Throws a {@link DataError} naming the file when a requested
 * or declared column is missing (listing the available ones, with a delimiter hint for the one-column
 * symptom of a wrong CSV delimiter) or a column is requested twice.
 */
export function planColumns(
  file: string,
  available: readonly string[],
  options: Pick<ReadOptions, 'columns' | 'schema'>,
  line?: number,
): ColumnPlan {
  const index = new Map<string, number>();
  available.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const declared = new Map<string, ColumnSchema>();
  for (const column of options.schema ?? []) {
    if (!index.has(column.name)) throw missingColumnError(file, column.name, available, 'declared', line);
    declared.set(column.name, column);
  }
  const names = options.columns ? [...options.columns] : [...available];
  const seen = new Set<string>();
  const sources: number[] = [];
  for (const name of names) {
    if (seen.has(name)) {
      throw new DataError(`column ${describeValue(name)} is requested twice`, { file });
    }
    seen.add(name);
    const at = index.get(name);
    if (at === undefined) throw missingColumnError(file, name, available, 'requested', line);
    sources.push(at);
  }
  const types = names.map((name) => declared.get(name));
  const identity =
    declared.size === 0 && names.length === available.length && sources.every((s, i) => s === i);
  return { names, sources, declared: types, identity };
}
