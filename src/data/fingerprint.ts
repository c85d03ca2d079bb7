/**
 * Dataset fingerprints: content hash, size, row count and schema, in one streaming pass.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolveSource } from './detect-format.js';
import { openParquet, parquetColumnSchemas } from './parquet-source.js';
import { scanTextSchema } from './scan-schema.js';
import { toDataError } from './text-stream.js';
import type { DataFingerprint, SourceOptions } from './types.js';

/** SHA-256 and size of a file's bytes, streamed. */
async function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path, {
      highWaterMark: 1024 * 1024,
    }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  } catch (err) {
    throw toDataError(err, path);
  }
  return { hash: `sha256:${hash.digest('hex')}`, bytes };
}

/**
 * Fingerprints a data file: `sha256:<hex>` of its raw bytes (compressed bytes for `.gz`), its size,
 * its data-row count and its schema, widened over ALL rows (a number column that later holds text is
 * a string column). CSV and JSONL are hashed and parsed in one streaming pass, validating every row
 * as `readRows` would; Parquet is hashed in a stream and takes rows and schema from its metadata.
 * `path` is recorded as given.
 */
export async function fingerprint(path: string, options: SourceOptions = {}): Promise<DataFingerprint> {
  const source = resolveSource(path, options);
  if (source.format === 'parquet') {
    const { hash, bytes } = await hashFile(path);
    const file = await openParquet(path);
    return { path, format: source.format, hash, bytes, rows: file.rows, schema: parquetColumnSchemas(file) };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const scan = await scanTextSchema(source, Number.POSITIVE_INFINITY, (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  return {
    path,
    format: source.format,
    hash: `sha256:${hash.digest('hex')}`,
    bytes,
    rows: scan.rows,
    schema: scan.schema,
  };
}
