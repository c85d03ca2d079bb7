/**
 * The data profile: per-column summaries built in one streaming pass, mergeable exactly across
 * shards, serialised as `profile.json` (`format: 'modelgate-profile'`, `version: 1`). Plain JSON
 * data: what {@link Profile} holds in memory is what the file holds. See `profile-schema.ts` for the
 * validating schema and `sketch-mapping.ts` for the quantile sketch and its error.
 */

import type { CategoryValue } from './sketch-categories.js';

/** How a column is compared: `numeric` (distribution of numbers) or `categorical` (value counts). */
export type ColumnKind = 'numeric' | 'categorical';

/** Non-empty buckets of one sign of the quantile sketch, as parallel arrays (indices ascending). */
export interface BucketArrays {
  /** Bucket indices, strictly increasing integers. */
  index: number[];
  /** Number of values in each bucket (positive integers). */
  count: number[];
}

/**
 * The quantile sketch of a column's numbers: a log-bucketed histogram (DDSketch-style) whose
 * bucket boundaries depend only on `alpha`, so counts add on merge. Positive bucket `i` holds
 * `(g^(i-1), g^i]`, negative bucket `i` holds `(-g^i, -g^(i-1)]`, with `g = (1+alpha)/(1-alpha)` and
 * `g^i` computed as `Math.exp(i * ln(g))`; `zero` counts the zeros (and negatives above -1e-300).
 */
export interface QuantileSketch {
  /** Relative accuracy: each value is represented within `alpha * |x|`. */
  alpha: number;
  /** Count of zeros. */
  zero: number;
  /** Buckets of the positive values. */
  positive: BucketArrays;
  /** Buckets of the negative values, by magnitude. */
  negative: BucketArrays;
}

/** Summary of the finite numbers of a column (every column has one; it is empty when no number was seen). */
export interface NumericProfile {
  /** Finite numbers seen. */
  count: number;
  /**
   * Their mean (0 when `count` is 0; null when it overflowed float64, which takes numbers beyond
   * about 1e307 in magnitude).
   */
  mean: number | null;
  /**
   * Sum of squared deviations from the mean (Welford's M2; merged with Chan's formula); null when
   * it overflowed float64 (numbers beyond about 1e154 in magnitude).
   */
  m2: number | null;
  /** Smallest and largest number; null when `count` is 0. */
  min: number | null;
  max: number | null;
  /** The mergeable quantile sketch. */
  sketch: QuantileSketch;
}

/**
 * Exact counts of the kept values (numbers, strings and booleans alike) and `other` for the rest;
 * see `sketch-categories.ts` for which values are kept beyond the cap.
 */
export interface CategoryProfile {
  /** Kept values in canonical order: numbers ascending, then false, true, then strings. */
  values: CategoryValue[];
  /** Exact occurrences of each kept value. */
  counts: number[];
  /** Occurrences of values that were not kept (0 unless the column has more than the cap distinct values). */
  other: number;
}

/** The profile of one column. */
export interface ColumnProfile {
  /** Column name. */
  name: string;
  /** How the column compares: from the data (numbers only: numeric) or from the `types` option. */
  type: ColumnKind;
  /** Where `type` came from: `data` or `option`. */
  type_from: 'data' | 'option';
  /** Non-missing values (finite numbers, non-empty strings, booleans). */
  count: number;
  /** Missing values: null, absent, empty string, NaN and +-Infinity. `count + missing` is the profile's `rows`. */
  missing: number;
  /** Summary and sketch of the numbers. */
  numeric: NumericProfile;
  /** Exact counts of every non-missing value, up to the cap. */
  categories: CategoryProfile;
  /** HyperLogLog registers of every non-missing value, base64 (`2^hll_precision` bytes). */
  hll: string;
}

/** The settings a profile was built with; merged profiles must share them. */
export interface ProfileSettings {
  /** Relative accuracy of the quantile sketch. */
  alpha: number;
  /** Most buckets per sign in the quantile sketch before the lowest (in value order) collapse. */
  max_buckets: number;
  /** Most distinct values counted exactly per column. */
  category_cap: number;
  /** HyperLogLog precision `p` (`2^p` registers). */
  hll_precision: number;
}

/** A data profile, the content of `profile.json`. */
export interface Profile {
  format: 'modelgate-profile';
  version: 1;
  /** Rows profiled. */
  rows: number;
  /** ISO 8601 time the profile was made (or merged). */
  created_at: string;
  /** What was profiled (a file path or a description). */
  source?: string;
  /** Content hash of the source, when known (`sha256:<hex>`). */
  hash?: string;
  /** Sketch settings. */
  settings: ProfileSettings;
  /** One entry per column, in the order first seen. */
  columns: ColumnProfile[];
}

/** What `finish` and the merge record about the profile's origin. */
export interface ProfileMeta {
  /** What was profiled. */
  source?: string;
  /** Content hash of the source. */
  hash?: string;
  /** The creation time; now when omitted. */
  created_at?: string;
}
