/**
 * JSON Lines reading: one JSON object per line; blank lines are skipped.
 *
 * Values: numbers, strings, booleans and null are kept; a nested object or array becomes its JSON
 * text (a string), so a tabular reader can still carry it (choose the columns you need with `columns`).
 * Columns are the keys of the first row, extended by new keys as they appear; a row without a key has
 * null there. With `columns`, each requested column must be in the first row.
 */

import { DataError } from '../errors.js';
import { coerceCell } from './coerce.js';
import { type ColumnPlan, planColumns } from './column-plan.js';
import type { DataSource } from './detect-format.js';
import { readTextChunks } from './text-stream.js';
import type { Cell, ReadOptions, Row } from './types.js';

/**
 * Parses one JSONL line into an object, or returns `undefined` for a blank line. Anything else is a
 * {@link DataError} naming the file and line.
 */
export function parseJsonLine(text: string, file: string, line: number): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (text.trim().length === 0) return undefined;
    throw new DataError(`not valid JSON (${(err as Error).message})`, { file, line });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new DataError(`expected one JSON object per line, got ${what}`, { file, line });
  }
  return value as Record<string, unknown>;
}

/** A JSON value as a cell: scalars as they are, nested values as their JSON text, missing as null. */
export function jsonCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return value as Cell;
}

/**
 * Calls `onLine(text, line)` for every complete line of the streamed text (CR before LF dropped) and
 * for a last line without a line break. `line` is 1-based.
 */
export class LineSplitter {
  private rest = '';
  private line = 1;

  constructor(private readonly onLine: (text: string, line: number) => void) {}

  /** Feeds the next chunk of text. */
  push(text: string): void {
    const buf = this.rest.length > 0 ? this.rest + text : text;
    let pos = 0;
    // The carried-over text holds no line break: search only the new text (linear for long lines).
    let nl = buf.indexOf('\n', this.rest.length);
    while (nl !== -1) {
      const end = nl > pos && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > pos) this.onLine(buf.slice(pos, end), this.line);
      this.line++;
      pos = nl + 1;
      nl = buf.indexOf('\n', pos);
    }
    this.rest = pos === 0 ? buf : buf.slice(pos);
  }

  /** Signals the end of the input. */
  end(): void {
    const text = this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest;
    this.rest = '';
    if (text.length > 0) this.onLine(text, this.line);
  }
}

/** Builds rows from parsed JSONL objects; see the module comment. */
class JsonlRowBuilder {
  rows: Row[] = [];
  /** Rows still to build; lines after the limit are ignored, unparsed. */
  remaining: number;
  private started = false;
  private plan: ColumnPlan | undefined;
  private keys: string[] = [];
  private readonly keySet = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
  ) {
    this.remaining = options.limit ?? Number.POSITIVE_INFINITY;
  }

  readonly onLine = (text: string, line: number): void => {
    if (this.remaining <= 0) return;
    const obj = parseJsonLine(text, this.file, line);
    if (obj === undefined) return;
    this.remaining--;
    if (!this.started) {
      this.started = true;
      if (this.options.columns !== undefined || this.options.schema !== undefined) {
        this.plan = planColumns(this.file, Object.keys(obj), this.options, line);
      }
    }
    const plan = this.plan;
    if (plan !== undefined) {
      const { names, declared } = plan;
      const row: Row = {};
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        const cell = jsonCell(obj[name]);
        const column = declared[k];
        row[name] = column === undefined ? cell : coerceCell(cell, column, this.file, line);
      }
      this.rows.push(row);
      return;
    }
    // No projection: keep every key; rows are normalized to the columns seen so far.
    const keys = this.keys;
    let i = 0;
    let same = true;
    for (const key in obj) {
      const value = obj[key];
      if (typeof value === 'object' && value !== null) obj[key] = JSON.stringify(value);
      if (same && keys[i] !== key) same = false;
      i++;
    }
    if (same && i === keys.length) {
      this.rows.push(obj as Row);
      return;
    }
    for (const key in obj) {
      if (!this.keySet.has(key)) {
        this.keySet.add(key);
        keys.push(key);
      }
    }
    const row: Row = {};
    for (const key of keys) row[key] = jsonCell(obj[key]);
    this.rows.push(row);
  };
}

/**
 * Streams the rows of a JSONL file in batches (one per chunk read), stopping after `options.limit`
 * rows; see the module comment.
 */
export async function* jsonlBatches(
  source: DataSource,
  options: ReadOptions,
): AsyncGenerator<Row[], void, undefined> {
  const builder = new JsonlRowBuilder(source.path, options);
  const splitter = new LineSplitter(builder.onLine);
  for await (const text of readTextChunks(source)) {
    splitter.push(text);
    if (builder.rows.length > 0) {
      yield builder.rows;
      builder.rows = [];
    }
    if (builder.remaining <= 0) return;
  }
  splitter.end();
  if (builder.rows.length > 0) yield builder.rows;
}
