/**
 * Data profiles for drift monitoring: one streaming pass per dataset (or shard), a versioned
 * `profile.json`, exact merges of shard profiles, and the accessors the drift tests read.
 *
 * Per column: row and missing counts; for numbers, count, mean and M2 (Welford; Chan's formula on
 * merge), min, max and a mergeable quantile sketch (log-bucketed, relative accuracy alpha, exact CDF
 * at every bucket boundary); for every value, exact counts up to a cap with `other` for the rest
 * and a HyperLogLog distinct-count estimate. The guarantees are stated where they are implemented:
 * `sketch-mapping.ts` (quantile sketch), `sketch-store.ts` (bucket cap), `sketch-categories.ts`
 * (category cap), `hll.ts` (distinct count), `profile-merge.ts` (merges).
 */

export { DEFAULT_HLL_PRECISION, hllStandardError } from './hll.js';
export { createProfiler, type Profiler, profileRows } from './profile-builder.js';
export {
  formatProfile,
  loadProfile,
  type ProfileFileOptions,
  parseProfile,
  profileFile,
  writeProfile,
} from './profile-io.js';
export { mergeProfiles } from './profile-merge.js';
export {
  binCounts,
  categoryCounts,
  cdfAt,
  cdfSteps,
  columnOf,
  distinctEstimate,
  numericSummary,
  quantile,
  referenceEdges,
} from './profile-query.js';
export { ProfileSchema } from './profile-schema.js';
export {
  DEFAULT_ALPHA,
  DEFAULT_CATEGORY_CAP,
  DEFAULT_MAX_BUCKETS,
  type ProfilerOptions,
} from './profile-settings.js';
export type {
  BucketArrays,
  CategoryProfile,
  ColumnKind,
  ColumnProfile,
  NumericProfile,
  Profile,
  ProfileMeta,
  ProfileSettings,
  QuantileSketch,
} from './profile-types.js';
export type { CategoryValue } from './sketch-categories.js';
