/**
 * Merging profiles of shards (a job matrix) into the profile of the whole data.
 *
 * Exact parts: rows, counts, missing, min, max, the quantile sketch's buckets, the category counts
 * (capped tables included, see `sketch-categories.ts`) and the HLL registers equal those of
 * profiling the concatenated data, in any order and grouping. Mean and M2 combine with Chan's
 * formula, exact up to floating-point rounding (about 1e-15 relative per merge). A column missing
 * from a shard counts as missing in that shard's rows, as it would when streaming the whole data.
 */

import { ConfigError, type ConfigIssue } from '../errors.js';
import { withMeta } from './profile-builder.js';
import { ColumnAccumulator } from './profile-column.js';
import type { ColumnKind, ColumnProfile, Profile, ProfileMeta } from './profile-types.js';

function label(profiles: readonly Profile[], i: number): string {
  const source = profiles[i]!.source;
  return source ?? `profiles[${i}]`;
}

/** The problems that make `profiles` impossible to merge (different formats, settings or forced types). */
function mergeIssues(profiles: readonly Profile[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const first = profiles[0]!;
  const settingKeys = ['alpha', 'max_buckets', 'category_cap', 'hll_precision'] as const;
  profiles.forEach((p, i) => {
    const file = label(profiles, i);
    if (p.format !== 'modelgate-profile') {
      issues.push({ file, field: 'format', message: 'not a modelgate profile', value: p.format });
    }
    if (p.version !== 1) {
      issues.push({
        file,
        field: 'version',
        message: 'unsupported profile version (expected 1)',
        value: p.version,
      });
    }
    if (i === 0) return;
    for (const key of settingKeys) {
      if (p.settings?.[key] !== first.settings?.[key]) {
        issues.push({
          file,
          field: `settings.${key}`,
          message: `differs from ${label(profiles, 0)} (${first.settings?.[key]}); profile every shard with the same settings`,
          value: p.settings?.[key],
        });
      }
    }
  });
  // A type forced by option must be forced the same way wherever the column occurs.
  const forced = new Map<string, { type: ColumnKind; from: 'data' | 'option'; at: number }>();
  profiles.forEach((p, i) => {
    for (const [j, col] of (p.columns ?? []).entries()) {
      const prev = forced.get(col.name);
      if (!prev) {
        forced.set(col.name, { type: col.type, from: col.type_from, at: i });
        continue;
      }
      if (prev.from === 'data' && col.type_from === 'data') continue;
      if (prev.from !== col.type_from || prev.type !== col.type) {
        const describe = (type: ColumnKind, from: string) =>
          `${type} (${from === 'option' ? 'set by option' : 'from the data'})`;
        issues.push({
          file: label(profiles, i),
          field: `columns[${j}].type`,
          message: `column "${col.name}" is ${describe(col.type, col.type_from)} but ${describe(prev.type, prev.from)} in ${label(profiles, prev.at)}; profile every shard with the same types option`,
          value: col.type,
        });
      }
    }
  });
  return issues;
}

/**
 * Merges shard profiles into the profile of all their rows. Throws a {@link ConfigError} naming the
 * profile (its `source`, else its position) and the field when they cannot be merged: a different
 * format or version, different settings (alpha, max_buckets, category_cap, hll_precision), or a
 * column whose type was forced by option differently. Columns typed from the data are re-typed from
 * the merged counts (numeric when every value is a number), exactly as profiling the whole would.
 * Columns keep the order of first appearance across `profiles`.
 */
export function mergeProfiles(profiles: readonly Profile[], meta: ProfileMeta = {}): Profile {
  if (profiles.length === 0) {
    throw new ConfigError([{ file: '(merge)', message: 'no profiles to merge' }]);
  }
  const issues = mergeIssues(profiles);
  if (issues.length > 0) throw new ConfigError(issues);
  const settings = { ...profiles[0]!.settings };
  const accumulators = new Map<string, ColumnAccumulator>();
  let rows = 0;
  for (const p of profiles) {
    rows += p.rows;
    for (const col of p.columns) {
      let acc = accumulators.get(col.name);
      if (!acc) {
        acc = new ColumnAccumulator(col.name, settings, col.type_from === 'option' ? col.type : undefined);
        accumulators.set(col.name, acc);
      }
      acc.merge(col);
    }
  }
  const columns: ColumnProfile[] = [...accumulators.values()].map((acc) => acc.toProfile(rows));
  return withMeta(
    {
      format: 'modelgate-profile',
      version: 1,
      rows,
      created_at: meta.created_at ?? new Date().toISOString(),
      settings,
      columns,
    },
    meta,
  );
}
