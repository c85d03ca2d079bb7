/**
 * Which format a data file is in, from its extension or an explicit declaration.
 */

import { DataError, describeValue } from '../errors.js';
import type { DataFormat, SourceOptions } from './types.js';

const FORMATS: readonly DataFormat[] = ['csv', 'jsonl', 'parquet'];

const EXTENSIONS: Readonly<Record<string, { format: DataFormat; delimiter?: string }>> = {
  '.csv': { format: 'csv' },
  '.tsv': { format: 'csv', delimiter: '\t' },
  '.tab': { format: 'csv', delimiter: '\t' },
  '.jsonl': { format: 'jsonl' },
  '.ndjson': { format: 'jsonl' },
  '.parquet': { format: 'parquet' },
  '.pq': { format: 'parquet' },
};

/** A data file resolved to how it is read: its format, whether it is gzip-compressed, the CSV delimiter. */
export interface DataSource {
  /** The path as given. */
  path: string;
  /** The file format. */
  format: DataFormat;
  /** Whether the file is gzip-compressed (`.csv.gz`, `.jsonl.gz`, ...) and is decompressed while streaming. */
  gzip: boolean;
  /** The CSV field delimiter (unused for other formats). */
  delimiter: string;
}

/** The extension of a file name, lower-cased, `.gz` removed and reported separately. */
function splitExtension(path: string): { ext: string; gzip: boolean } {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
  let name = base;
  let gzip = false;
  if (name.endsWith('.gz')) {
    gzip = true;
    name = name.slice(0, -3);
  }
  const dot = name.lastIndexOf('.');
  return { ext: dot > 0 ? name.slice(dot) : '', gzip };
}

/**
 * Resolves how a file is read: the format (declared, else from the extension), gzip compression and
 * the CSV delimiter. Throws a {@link DataError} for an unknown extension, an unknown declared format,
 * a bad delimiter, or gzip-compressed Parquet (Parquet compresses internally and needs random access).
 */
export function resolveSource(path: string, options: SourceOptions = {}): DataSource {
  const { ext, gzip } = splitExtension(path);
  const known = EXTENSIONS[ext];
  let format: DataFormat;
  if (options.format !== undefined) {
    if (!FORMATS.includes(options.format)) {
      throw new DataError(
        `unknown data format ${describeValue(options.format)}; expected one of ${FORMATS.join(', ')}`,
        { file: path },
      );
    }
    format = options.format;
  } else if (known) {
    format = known.format;
  } else {
    throw new DataError(
      `cannot tell the data format from the extension ${describeValue(ext || '(none)')}; ` +
        `use .csv, .tsv, .jsonl, .ndjson or .parquet (optionally .gz for text formats), or declare the format`,
      { file: path },
    );
  }
  if (gzip && format === 'parquet') {
    throw new DataError('gzip-compressed Parquet is not supported; Parquet files compress internally', {
      file: path,
    });
  }
  const delimiter = options.delimiter ?? (known?.format === format ? known.delimiter : undefined) ?? ',';
  if (
    format === 'csv' &&
    (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
  ) {
    throw new DataError(
      `the CSV delimiter must be one character other than a quote or a line break (got ${describeValue(delimiter)})`,
      { file: path },
    );
  }
  return { path, format, gzip, delimiter };
}

/**
 * The format of a data file: `declared` when given, else from the extension (`.csv`, `.tsv`, `.jsonl`,
 * `.ndjson`, `.parquet`, with an optional `.gz` for the text formats). Throws a {@link DataError} naming
 * the file for an unknown extension.
 */
export function detectFormat(path: string, declared?: DataFormat): DataFormat {
  return resolveSource(path, declared === undefined ? {} : { format: declared }).format;
}
