/**
 * Streaming writers for predictions and other small outputs: CSV (RFC 4180 quoting) and JSONL.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DataError, describeValue, ModelgateError } from '../errors.js';
import { resolveSource } from './detect-format.js';
import type { Cell, DataFormat, Row } from './types.js';

/** Bytes of text gathered before each write. */
const FLUSH_CHARS = 64 * 1024;

/** Whether a CSV field must be quoted: it holds the delimiter, a quote, CR or LF (RFC 4180). */
function needsQuotes(text: string, delimiter: string): boolean {
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r');
}

/** One CSV field's text (RFC 4180 quoting). */
export function csvField(text: string, delimiter = ','): string {
  return needsQuotes(text, delimiter) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One cell as CSV text: null/undefined and non-finite numbers are empty; numbers as JavaScript prints
 * them (round-trip exact); booleans as `true`/`false`; strings quoted when needed.
 */
export function csvCell(value: Cell | undefined, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : '';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return csvField(value, delimiter);
  }
}

function isSyncIterable<T>(value: AsyncIterable<T> | Iterable<T>): value is Iterable<T> {
  return typeof (value as Iterable<T>)[Symbol.iterator] === 'function';
}

/**
 * Writes rows to a CSV (`.csv`, `.tsv`) or JSONL (`.jsonl`, `.ndjson`) file, by extension or
 * `format`, gzip-compressed for a `.gz` name; streamed with backpressure, written to a temporary file
 * and renamed into place, so readers never see half a file. Parent folders are created.
 *
 * `columns` fixes the columns and their order; a row's missing key is written as a missing value.
 * CSV: a header row, LF line ends, RFC 4180 quoting; null and NaN/±Infinity are empty (note that
 * numeric-looking text such as `007` reads back as a number). JSONL: one object per line with the
 * columns in order; non-finite numbers become null. Returns the number of rows written.
 */
export async function writeRows(
  path: string,
  rows: AsyncIterable<Row> | Iterable<Row>,
  columns: readonly string[],
  format?: DataFormat,
): Promise<number> {
  const source = resolveSource(path, format === undefined ? {} : { format });
  if (source.format === 'parquet') {
    throw new DataError('writing Parquet is not supported; write .csv or .jsonl', { file: path });
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column))
      throw new DataError(`column ${describeValue(column)} is listed twice`, { file: path });
    seen.add(column);
  }
  const delimiter = source.delimiter;
  const width = columns.length;
  const keys = columns.map((c) => `${JSON.stringify(c)}:`);
  const formatRow =
    source.format === 'csv'
      ? (row: Row): string => {
          let line = '';
          for (let k = 0; k < width; k++) {
            if (k > 0) line += delimiter;
            line += csvCell(row[columns[k]!], delimiter);
          }
          return `${line}\n`;
        }
      : (row: Row): string => {
          let line = '{';
          for (let k = 0; k < width; k++) {
            if (k > 0) line += ',';
            const value = row[columns[k]!];
            line += keys[k]! + (value === undefined ? 'null' : JSON.stringify(value));
          }
          return `${line}}\n`;
        };

  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let count = 0;
  let file: Writable | undefined;
  let out: Writable | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    const fileStream = createWriteStream(tmp);
    file = fileStream;
    const gzip = source.gzip ? createGzip() : undefined;
    const sink: Writable = gzip ?? fileStream;
    out = sink;
    const done = gzip ? pipeline(gzip, fileStream) : finished(fileStream);
    done.catch(() => {});
    let pending =
      source.format === 'csv' ? `${columns.map((c) => csvField(c, delimiter)).join(delimiter)}\n` : '';
    const flush = async (): Promise<void> => {
      const text = pending;
      pending = '';
      if (!sink.write(text)) {
        await Promise.race([new Promise((resolve) => sink.once('drain', resolve)), done]);
      }
    };
    if (isSyncIterable(rows)) {
      for (const row of rows) {
        pending += formatRow(row);
        count++;
        if (pending.length >= FLUSH_CHARS) await flush();
      }
    } else {
      for await (const row of rows) {
        pending += formatRow(row);
        count++;
        if (pending.length >= FLUSH_CHARS) await flush();
      }
    }
    if (pending.length > 0) await flush();
    out.end();
    await done;
    await rename(tmp, path);
  } catch (err) {
    out?.destroy();
    file?.destroy();
    // A stream destroyed before its file was opened still opens (creates) it, then closes it:
    // wait for the close so the temporary file is really gone afterwards.
    if (file && !file.closed) await new Promise((resolve) => file!.once('close', resolve));
    await rm(tmp, { force: true });
    if (err instanceof ModelgateError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') {
      throw new DataError(`cannot write the file (${(err as Error).message})`, { file: path });
    }
    throw err;
  }
  return count;
}
