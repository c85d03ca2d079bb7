/**
 * Profile settings: defaults, limits and validation of the profiler's options.
 */

import { describeValue, UsageError } from '../errors.js';
import { DEFAULT_HLL_PRECISION } from './hll.js';
import type { ColumnKind, ProfileSettings } from './profile-types.js';

/** Default relative accuracy of the quantile sketch (0.5%). */
export const DEFAULT_ALPHA = 0.005;
/**
 * Default bucket cap per sign at the default alpha. The 4,096 buckets span a ratio of about 5e17
 * between the smallest and largest magnitude of one sign before any collapse.
 */
export const DEFAULT_MAX_BUCKETS = 4096;

/**
 * The default bucket cap for `alpha`: as many buckets as span the same ratio (about 5e17) as
 * 4,096 buckets at alpha 0.005, so a finer alpha does not shrink the range kept at full accuracy
 * (about 20,500 buckets at alpha 0.001). Never below 4,096.
 */
export function defaultMaxBuckets(alpha: number): number {
  const lnGamma = (a: number) => Math.log1p((2 * a) / (1 - a));
  return Math.max(
    DEFAULT_MAX_BUCKETS,
    Math.min(1 << 20, Math.ceil((DEFAULT_MAX_BUCKETS * lnGamma(DEFAULT_ALPHA)) / lnGamma(alpha) - 1e-9)),
  );
}
/** Default number of distinct values counted exactly per column. */
export const DEFAULT_CATEGORY_CAP = 1000;

/** Options of the profiler (`createProfiler`, `profileRows`, `profileFile`). */
export interface ProfilerOptions {
  /** Distinct values counted exactly per column (default 1,000); the rest count as `other`. */
  categoryCap?: number;
  /** Relative accuracy of the quantile sketch, 0.0001 to 0.05 (default 0.005). */
  alpha?: number;
  /**
   * Buckets per sign of the quantile sketch before the lowest collapse, 64 to 1,048,576 (default
   * 4,096 at the default alpha, see {@link defaultMaxBuckets}).
   */
  maxBuckets?: number;
  /** HyperLogLog precision, 12 to 14 (default 12). */
  hllPrecision?: number;
  /** Profile only these columns, in this order (a column absent from a row counts as missing). */
  columns?: string[];
  /** Force a column's type; otherwise a column is numeric when every non-missing value is a number. */
  types?: Record<string, ColumnKind>;
}

function check(name: string, value: number, ok: boolean, what: string): number {
  if (!ok) throw new UsageError(`profile option ${name} must be ${what} (got ${describeValue(value)})`);
  return value;
}

const isInt = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;

/** The settings for `options`, validated; a bad value is a {@link UsageError} naming the option. */
export function resolveSettings(options: ProfilerOptions): ProfileSettings {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const maxBuckets = options.maxBuckets ?? defaultMaxBuckets(alpha);
  const cap = options.categoryCap ?? DEFAULT_CATEGORY_CAP;
  const p = options.hllPrecision ?? DEFAULT_HLL_PRECISION;
  for (const [name, kind] of Object.entries(options.types ?? {})) {
    if (kind !== 'numeric' && kind !== 'categorical') {
      throw new UsageError(
        `profile option types.${name} must be "numeric" or "categorical" (got ${describeValue(kind)})`,
      );
    }
  }
  return {
    alpha: check('alpha', alpha, alpha >= 0.0001 && alpha <= 0.05, 'between 0.0001 and 0.05'),
    max_buckets: check(
      'maxBuckets',
      maxBuckets,
      isInt(maxBuckets, 64, 1 << 20),
      'an integer from 64 to 1048576',
    ),
    category_cap: check('categoryCap', cap, isInt(cap, 1, 1_000_000), 'an integer from 1 to 1000000'),
    hll_precision: check('hllPrecision', p, isInt(p, 12, 14), 'an integer from 12 to 14'),
  };
}
