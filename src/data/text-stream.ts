/**
 * Streams a text file (optionally gzip-compressed) as decoded UTF-8 chunks, never reading it whole.
 */

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError, ModelgateError } from '../errors.js';
import type { DataSource } from './detect-format.js';

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 64 * 1024;

/** Turns a file-system or zlib error into a {@link DataError} naming the file; other errors pass through. */
export function toDataError(err: unknown, file: string): unknown {
  if (err instanceof ModelgateError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : typeof code === 'string' && code.startsWith('Z_')
            ? `not a valid gzip file (${(err as Error).message})`
            : undefined;
  if (reason === undefined) return err;
  return new DataError(`cannot read the file: ${reason}`, { file });
}

/**
 * Yields the file's text in chunks of about 64 KiB, decoding UTF-8 (a leading byte-order mark is
 * dropped) and gunzipping when `source.gzip`. `onBytes` sees every raw byte of the file as read from
 * disk (before decompression), for hashing in the same pass. Stops reading and closes the file when
 * the consumer stops early. I/O errors become {@link DataError}s naming the file.
 */
export async function* readTextChunks(
  source: DataSource,
  onBytes?: (chunk: Buffer) => void,
): AsyncGenerator<string, void, undefined> {
  const raw = createReadStream(source.path, { highWaterMark: CHUNK_BYTES });
  let stream: Readable = raw;
  if (source.gzip) {
    const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
    if (onBytes) raw.on('data', (chunk) => onBytes(chunk as Buffer));
    raw.on('error', (err) => gunzip.destroy(err));
    stream = raw.pipe(gunzip);
  }
  const hashHere = !source.gzip && onBytes !== undefined;
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (hashHere) onBytes(chunk);
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
    const tail = decoder.decode();
    if (tail.length > 0) yield tail;
  } catch (err) {
    throw toDataError(err, source.path);
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}
