/**
 * Safe extraction of a zip (a release's `model.zip`, a downloaded run artifact) into a folder, on the
 * one defensive zip reader (`src/pr/zip-reader.ts`): every entry is checked before anything is
 * written (no absolute path, no `..`, no backslash or drive letter, no symbolic link, no duplicate,
 * declared sizes and compression ratios capped), each entry inflates under a hard output limit, and
 * its CRC-32 and size are verified, so a truncated, corrupted or hostile download never becomes a
 * model on disk. Errors are {@link ReleaseError}s prefixed with the zip's label.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inflateEntry, readZipDirectory, ZipError } from '../pr/zip-reader.js';
import { ReleaseError } from './release-error.js';

/** Limits of {@link unzipToFolder}. */
export interface UnzipOptions {
  /** Largest total of uncompressed bytes (default 1 GiB). */
  maxBytes?: number;
  /** Most entries (default 10,000). */
  maxEntries?: number;
  /** What to call the zip in errors (default `zip`). */
  label?: string;
}

/**
 * Extracts `zip` into `dest` (created when missing) after checking every entry (see the module doc)
 * and returns the relative paths of the files written, sorted. Stored and deflated entries only;
 * encrypted ones are refused. Nothing is written when a check before decompression fails.
 */
export async function unzipToFolder(
  zip: Uint8Array,
  dest: string,
  options: UnzipOptions = {},
): Promise<string[]> {
  const label = options.label ?? 'zip';
  const fail = (e: unknown): never => {
    if (e instanceof ZipError) throw new ReleaseError(`${label}: ${e.message}`);
    throw e;
  };
  const root = resolve(dest);
  let entries: ReturnType<typeof readZipDirectory> = [];
  try {
    entries = readZipDirectory(zip, {
      maxFiles: options.maxEntries ?? 10_000,
      maxBytes: options.maxBytes ?? 1024 ** 3,
      maxRatio: 1000,
      ratioFloor: 1024 * 1024,
    });
  } catch (e) {
    fail(e);
  }
  for (const entry of entries) {
    const rel = relative(root, resolve(root, entry.name));
    if (rel === '' || rel.split(sep)[0] === '..')
      throw new ReleaseError(`${label}: entry ${JSON.stringify(entry.name)} rejected: outside the folder`);
  }
  const files = entries.filter((e) => !e.directory).sort((a, b) => (a.name < b.name ? -1 : 1));
  const contents = new Map<string, Uint8Array>();
  for (const entry of files) {
    try {
      contents.set(entry.name, inflateEntry(zip, entry));
    } catch (e) {
      fail(e);
    }
  }
  await mkdir(root, { recursive: true });
  for (const d of entries.filter((e) => e.directory)) await mkdir(join(root, d.name), { recursive: true });
  const written: string[] = [];
  for (const entry of files) {
    const target = join(root, ...entry.name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents.get(entry.name)!);
    written.push(entry.name);
  }
  return written;
}
