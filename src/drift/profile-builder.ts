/**
 * The streaming profiler: rows in, one {@link Profile} out, in a single pass with memory bounded
 * per column (sketch buckets, category cap and HLL registers), whatever the number of rows.
 */

import type { Cell, Row } from '../data/types.js';
import { ColumnAccumulator } from './profile-column.js';
import { type ProfilerOptions, resolveSettings } from './profile-settings.js';
import type { ColumnKind, Profile, ProfileMeta, ProfileSettings } from './profile-types.js';

/** A streaming profiler; see {@link createProfiler}. */
export interface Profiler {
  /** Counts one row. */
  add(row: Row): void;
  /** Counts rows in order (same result as `add` on each). */
  addBatch(rows: readonly Row[]): void;
  /** The profile of the rows so far (the profiler can keep going). */
  finish(meta?: ProfileMeta): Profile;
  /** Rows counted so far. */
  readonly rows: number;
}

/** Rows per block in the column-by-column batch path. */
const BLOCK = 512;

/** Number of enumerable keys of a row. */
function countKeys(row: Row): number {
  let keys = 0;
  for (const _key in row) keys++;
  return keys;
}

class StreamingProfiler implements Profiler {
  rows = 0;
  private readonly cols: ColumnAccumulator[] = [];
  /** Column name -> position in `cols`. */
  private readonly index = new Map<string, number>();
  private readonly types: Record<string, ColumnKind>;
  /** Whether the column set is fixed by `options.columns` (no discovery of new keys). */
  private readonly fixed: boolean;
  /** Per row of a block: how many known columns it has (discovery mode). */
  private presence: Int32Array | undefined;

  constructor(
    readonly settings: ProfileSettings,
    options: ProfilerOptions,
  ) {
    this.types = options.types ?? {};
    this.fixed = options.columns !== undefined;
    for (const name of options.columns ?? []) this.column(name);
  }

  private column(name: string): ColumnAccumulator {
    const at = this.index.get(name);
    if (at !== undefined) return this.cols[at]!;
    const override = Object.hasOwn(this.types, name) ? this.types[name] : undefined;
    const col = new ColumnAccumulator(name, this.settings, override);
    this.index.set(name, this.cols.length);
    this.cols.push(col);
    return col;
  }

  add(row: Row): void {
    this.rows++;
    const cols = this.cols;
    const known = cols.length;
    let present = 0;
    for (let c = 0; c < known; c++) {
      const col = cols[c]!;
      const v: Cell | undefined = row[col.name];
      if (v !== undefined) {
        present++;
        col.add(v);
      }
    }
    if (!this.fixed && countKeys(row) !== present) this.discover(row, known);
  }

  /**
   * Counts the values of `row` for its keys that are not among the first `known` columns, creating
   * columns for new keys. Rows before count as missing for a new column (missing = rows - count).
   */
  private discover(row: Row, known: number): void {
    for (const key in row) {
      if (!Object.hasOwn(row, key)) continue;
      const at = this.index.get(key);
      if (at === undefined) this.column(key).add(row[key]);
      else if (at >= known) this.cols[at]!.add(row[key]);
    }
  }

  addBatch(rows: readonly Row[]): void {
    // Column by column over blocks of rows: one column's sketch state stays in cache for a block
    // (about 1.5x faster than row by row). Counts do not depend on the order of values.
    const cols = this.cols;
    const presence = this.fixed ? undefined : (this.presence ??= new Int32Array(BLOCK));
    for (let start = 0; start < rows.length; start += BLOCK) {
      const end = Math.min(rows.length, start + BLOCK);
      const known = cols.length;
      if (presence) presence.fill(0);
      for (let c = 0; c < known; c++) {
        const col = cols[c]!;
        const name = col.name;
        if (presence) {
          for (let i = start; i < end; i++) {
            const v: Cell | undefined = rows[i]![name];
            if (v !== undefined) {
              presence[i - start]!++;
              col.add(v);
            }
          }
        } else {
          for (let i = start; i < end; i++) col.add(rows[i]![name]);
        }
      }
      if (presence) {
        // A row with a key not seen before (JSONL rows differ; the first row of all): add its columns.
        for (let i = start; i < end; i++) {
          const row = rows[i]!;
          if (countKeys(row) !== presence[i - start]) this.discover(row, known);
        }
      }
      this.rows += end - start;
    }
  }

  finish(meta: ProfileMeta = {}): Profile {
    const profile: Profile = {
      format: 'modelgate-profile',
      version: 1,
      rows: this.rows,
      created_at: meta.created_at ?? new Date().toISOString(),
      settings: { ...this.settings },
      columns: this.cols.map((c) => c.toProfile(this.rows)),
    };
    return withMeta(profile, meta);
  }
}

/** `profile` with `source` and `hash` from `meta` placed after `created_at` (the file's key order). */
export function withMeta(profile: Profile, meta: ProfileMeta): Profile {
  const { format, version, rows, created_at, settings, columns } = profile;
  return {
    format,
    version,
    rows,
    created_at,
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    ...(meta.hash !== undefined ? { hash: meta.hash } : {}),
    settings,
    columns,
  };
}

/**
 * A streaming profiler. Every row is counted once; per column it keeps: the non-missing count
 * (null, absent, '', NaN and +-Infinity are missing), the numbers' mean and M2 (Welford), min, max
 * and quantile sketch, exact counts of up to `categoryCap` distinct values (numbers, strings and
 * booleans) with `other` for the rest, and HyperLogLog registers. A column is numeric when every
 * non-missing value is a number, else categorical, unless `types` says otherwise.
 *
 * Columns are `options.columns` when given (in that order; absent keys are missing), else every key
 * seen, in the order first seen. Option values out of range are a `UsageError`.
 */
export function createProfiler(options: ProfilerOptions = {}): Profiler {
  return new StreamingProfiler(resolveSettings(options), options);
}

/** Profiles rows from any (async) iterable in one pass; see {@link createProfiler}. */
export async function profileRows(
  rows: Iterable<Row> | AsyncIterable<Row>,
  options: ProfilerOptions = {},
  meta: ProfileMeta = {},
): Promise<Profile> {
  const profiler = createProfiler(options);
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) profiler.add(row);
  } else {
    for (const row of rows) profiler.add(row);
  }
  return profiler.finish(meta);
}
