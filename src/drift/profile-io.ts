/**
 * Profiles and files: profiling a data file in one streaming pass, and reading and writing
 * `profile.json`.
 */

import { rename, writeFile } from 'node:fs/promises';
import { loadJsonFile, parseJson } from '../config/load.js';
import { resolveSource } from '../data/detect-format.js';
import { readRowBatches } from '../data/read-rows.js';
import type { SourceOptions } from '../data/types.js';
import { createProfiler } from './profile-builder.js';
import { ProfileSchema } from './profile-schema.js';
import type { ProfilerOptions } from './profile-settings.js';
import type { Profile, ProfileMeta } from './profile-types.js';

/** Rows per batch read from a file. */
const BATCH_ROWS = 8192;

/** Options of {@link profileFile}: the profiler's and the reader's (format, CSV delimiter). */
export interface ProfileFileOptions extends ProfilerOptions, SourceOptions {}

/**
 * Profiles a CSV, JSONL or Parquet file in one streaming pass (`readRowBatches`), never holding more
 * than a batch of rows. `options.columns` restricts the columns (a missing one is a `DataError`
 * listing the available ones); other options as `createProfiler`. `meta.source` defaults to `path`.
 * Read errors are the readers' `DataError`s (file, line, column, value).
 */
export async function profileFile(
  path: string,
  options: ProfileFileOptions = {},
  meta: ProfileMeta = {},
): Promise<Profile> {
  const source = resolveSource(path, options);
  const read = { format: source.format, delimiter: source.delimiter, columns: options.columns };
  let profiler = options.columns ? createProfiler(options) : undefined;
  for await (const batch of readRowBatches(path, BATCH_ROWS, read)) {
    if (!profiler) {
      // CSV and Parquet rows all carry every column of the header: fix the column set from the first
      // row (the profiler's fast path). JSONL rows may differ, so their keys are discovered row by row.
      const first = batch[0];
      const fixed = source.format !== 'jsonl' && first ? Object.keys(first) : undefined;
      profiler = createProfiler(fixed ? { ...options, columns: fixed } : options);
    }
    profiler.addBatch(batch);
  }
  profiler ??= createProfiler(options);
  return profiler.finish({ source: path, ...meta });
}

/**
 * Parses and validates `profile.json` text. Throws a `ConfigError` naming `file`, the field and the
 * value on bad JSON, an unknown format or version, or inconsistent content (counts that do not add
 * up, unsorted buckets, bad HLL registers).
 */
export function parseProfile(text: string, file: string): Profile {
  return parseJson(text, file, ProfileSchema);
}

/** Reads and validates a `profile.json` file; errors as {@link parseProfile} (a missing file included). */
export async function loadProfile(path: string): Promise<Profile> {
  return loadJsonFile(path, ProfileSchema);
}

/**
 * The `profile.json` text: compact JSON (buckets and categories as parallel arrays), keys in the
 * documented order, one column per line so diffs stay readable, ending in a newline.
 */
export function formatProfile(profile: Profile): string {
  const { format, version, rows, created_at, source, hash, settings, columns } = profile;
  const top = JSON.stringify({ format, version, rows, created_at, source, hash, settings });
  if (columns.length === 0) return `${top.slice(0, -1)},"columns":[]}\n`;
  return `${top.slice(0, -1)},"columns":[\n${columns.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`;
}

/** Writes `profile.json` (see {@link formatProfile}) through a temporary file, so readers never see half of it. */
export async function writeProfile(path: string, profile: Profile): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, formatProfile(profile));
  await rename(tmp, path);
}
