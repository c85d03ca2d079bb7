/**
 * Deterministic zips of a folder (the `model.zip` release asset) or of named files (`comparison.zip`): entries sorted by path, one fixed
 * modification time, no directory entries, regular files only. The same folder always gives the same
 * bytes, so a re-run of a release can tell a complete asset from a partial one by its size.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Zippable, zipSync } from 'fflate';
import { ReleaseError } from './release-error.js';

/**
 * The modification time of every entry: 2000-01-01 00:00 in local time (zip stores local date
 * parts, so a local date keeps the bytes the same in every time zone).
 */
export const ZIP_MTIME = new Date(2000, 0, 1, 0, 0, 0);

/** Limits of {@link zipFolder}. */
export interface ZipFolderOptions {
  /** Largest total of file bytes (default 1 GiB). */
  maxBytes?: number;
  /** Most files (default 10,000). */
  maxEntries?: number;
}

/** The relative POSIX paths of the regular files under `dir`, sorted; a symbolic link is a ReleaseError. */
export async function listFolderFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const info = await lstat(join(dir, path));
      if (info.isSymbolicLink()) {
        throw new ReleaseError(
          `${join(dir, path)}: symbolic links cannot be released; copy the file instead`,
        );
      }
      if (info.isDirectory()) await walk(path);
      else if (info.isFile()) out.push(path);
    }
  };
  await walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Zips `files` (relative POSIX path -> bytes) deterministically: entries sorted by path,
 * {@link ZIP_MTIME}, deflate level 6, no directory entries. The same files always give the same bytes.
 */
export function zipEntries(files: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const entries: Zippable = {};
  for (const path of Object.keys(files).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    entries[path] = [files[path]!, { mtime: ZIP_MTIME, level: 6 }];
  return zipSync(entries, { mtime: ZIP_MTIME, level: 6 });
}

/**
 * Zips the files under `dir` (paths relative to it, `/`-separated) deterministically: sorted
 * entries, {@link ZIP_MTIME}, deflate level 6. A missing folder, a symbolic link or a folder over the
 * limits is a {@link ReleaseError} naming it.
 */
export async function zipFolder(dir: string, options: ZipFolderOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? 1024 ** 3;
  const maxEntries = options.maxEntries ?? 10_000;
  let files: string[];
  try {
    files = await listFolderFiles(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ReleaseError(`${dir}: no such folder to zip`);
    throw e;
  }
  if (files.length === 0) throw new ReleaseError(`${dir}: the folder is empty; nothing to release`);
  if (files.length > maxEntries) {
    throw new ReleaseError(`${dir}: ${files.length} files, over the limit of ${maxEntries}`);
  }
  const entries: Record<string, Uint8Array> = {};
  let total = 0;
  for (const path of files) {
    const data = new Uint8Array(await readFile(join(dir, path)));
    total += data.length;
    if (total > maxBytes) throw new ReleaseError(`${dir}: more than ${maxBytes} bytes to zip`);
    entries[path] = data;
  }
  return zipEntries(entries);
}
