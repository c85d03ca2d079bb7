/**
 * One streaming pass over a text data file that counts rows and widens column types, without
 * building row objects; optionally also sees every raw byte (for hashing in the same pass).
 */

import { emptyCsvError, fieldCountError, headerNames } from './csv-source.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import type { DataSource } from './detect-format.js';
import { LineSplitter, parseJsonLine } from './jsonl-source.js';
import { isDecimalNumber } from './parse-number.js';
import { SchemaAccumulator, SEEN_NULL, SEEN_NUMBER, SEEN_STRING } from './schema-accumulator.js';
import { readTextChunks } from './text-stream.js';
import type { ColumnSchema } from './types.js';

/** What a scan found. */
export interface ScanResult {
  /** Data rows scanned (at most the requested maximum). */
  rows: number;
  /** The widened schema over the scanned rows. */
  schema: ColumnSchema[];
  /** Whether the whole file was read. */
  complete: boolean;
}

/**
 * Scans up to `maxRows` data rows of a CSV or JSONL file (all with `Infinity`), validating them as
 * `readRows` would (field counts, JSON syntax). `onBytes` sees the raw file bytes; it sees all of them
 * only when the scan completes.
 */
export async function scanTextSchema(
  source: DataSource,
  maxRows: number,
  onBytes?: (chunk: Buffer) => void,
): Promise<ScanResult> {
  const acc = new SchemaAccumulator();
  const file = source.path;
  let rows = 0;
  let complete = true;
  if (source.format === 'csv') {
    let width = -1;
    const flags = acc.flags;
    const tokenizer = new CsvTokenizer(file, source.delimiter, (fields, line) => {
      if (width < 0) {
        for (const name of headerNames(fields, file, line)) acc.addColumn(name);
        width = fields.length;
        return;
      }
      if (rows >= maxRows) return;
      if (fields.length !== width) throw fieldCountError(file, line, width, fields.length);
      for (let k = 0; k < width; k++) {
        const f = fields[k]!;
        flags[k]! |= f.length === 0 ? SEEN_NULL : isDecimalNumber(f) ? SEEN_NUMBER : SEEN_STRING;
      }
      rows++;
    });
    for await (const text of readTextChunks(source, onBytes)) {
      tokenizer.push(text);
      if (rows >= maxRows) {
        complete = false;
        break;
      }
    }
    if (complete) tokenizer.end();
    if (width < 0) throw emptyCsvError(file);
  } else {
    const splitter = new LineSplitter((text, line) => {
      if (rows >= maxRows) return;
      const obj = parseJsonLine(text, file, line);
      if (obj === undefined) return;
      acc.observeRow(obj);
      rows++;
    });
    for await (const text of readTextChunks(source, onBytes)) {
      splitter.push(text);
      if (rows >= maxRows) {
        complete = false;
        break;
      }
    }
    if (complete) splitter.end();
  }
  return { rows, schema: acc.schema(), complete };
}
