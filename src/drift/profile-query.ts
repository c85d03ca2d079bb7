/**
 * Reading a column profile: the numeric summary, quantiles, the step CDF, bin counts over shared
 * edges, category counts and the distinct-count estimate. These are what the drift tests use.
 *
 * The quantile sketch is exact at bucket boundaries: with the same `alpha` the reference and the
 * current profile share every boundary, so the cumulative count at a boundary is the exact number
 * of values `<= boundary` on both sides. {@link cdfSteps} lists the CDF at the upper boundary of
 * each non-empty bucket; {@link binCounts} is exact whenever the edges are boundaries, which
 * {@link referenceEdges} guarantees. A KS statistic taken over the union of both sides' boundaries
 * is the exact KS statistic of the data with each value moved up to its bucket's upper boundary
 * (at most `alpha` relative); it can only underestimate the true D, and by no more than the largest
 * mass inside a single bucket of either side (see `sketch-mapping.ts`).
 */

import { DataError } from '../errors.js';
import { decodeRegisters, hllEstimate } from './hll.js';
import type { ColumnProfile, Profile, QuantileSketch } from './profile-types.js';
import { logMapping } from './sketch-mapping.js';

/** The column profile type, re-exported next to its accessors. */
export type { ColumnProfile } from './profile-types.js';

/** The non-empty buckets of a sketch in value order. */
interface OrderedBuckets {
  /** Upper boundary of each bucket (strictly increasing). */
  upper: Float64Array;
  /** The value reported for each bucket (within alpha relative of every value in it). */
  value: Float64Array;
  /** Cumulative count up to and including each bucket. */
  cum: Float64Array;
}

const ordered = new WeakMap<QuantileSketch, OrderedBuckets>();

/** The buckets of `sketch` in value order: negatives (most negative first), zero, positives. */
function bucketsOf(sketch: QuantileSketch): OrderedBuckets {
  const cached = ordered.get(sketch);
  if (cached) return cached;
  const m = logMapping(sketch.alpha);
  const neg = sketch.negative;
  const pos = sketch.positive;
  const n = neg.index.length + (sketch.zero > 0 ? 1 : 0) + pos.index.length;
  const upper = new Float64Array(n);
  const value = new Float64Array(n);
  const cum = new Float64Array(n);
  let k = 0;
  let total = 0;
  for (let j = neg.index.length - 1; j >= 0; j--) {
    const i = neg.index[j]!;
    upper[k] = -m.boundary(i - 1);
    value[k] = m.negativeValue(i);
    total += neg.count[j]!;
    cum[k++] = total;
  }
  if (sketch.zero > 0) {
    upper[k] = 0;
    value[k] = 0;
    total += sketch.zero;
    cum[k++] = total;
  }
  for (let j = 0; j < pos.index.length; j++) {
    const i = pos.index[j]!;
    upper[k] = m.boundary(i);
    value[k] = m.positiveValue(i);
    total += pos.count[j]!;
    cum[k++] = total;
  }
  const out = { upper, value, cum };
  ordered.set(sketch, out);
  return out;
}

/** The first bucket whose cumulative count exceeds `rank` (0-based rank of a value). */
function bucketOfRank(cum: Float64Array, rank: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The column named `name`. Throws a {@link DataError} listing the profile's columns when it has none
 * by that name.
 */
export function columnOf(profile: Profile, name: string): ColumnProfile {
  const col = profile.columns.find((c) => c.name === name);
  if (!col) {
    const names = profile.columns.map((c) => JSON.stringify(c.name)).join(', ');
    throw new DataError(`the profile has no such column (it has ${names || 'none'})`, {
      file: profile.source ?? 'profile',
      field: name,
    });
  }
  return col;
}

/**
 * Count, mean, population standard deviation (ddof = 0, as numpy.std), min and max of the numbers;
 * NaN when there are none (mean and std also when they overflowed float64).
 */
export function numericSummary(col: ColumnProfile): {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
} {
  const num = col.numeric;
  if (num.count === 0)
    return { count: 0, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  return {
    count: num.count,
    mean: num.mean ?? Number.NaN,
    std: num.m2 === null ? Number.NaN : Math.sqrt(num.m2 / num.count),
    min: num.min!,
    max: num.max!,
  };
}

/**
 * The `q` quantile of the numbers (NaN when there are none): the value of rank
 * `floor(q * (n - 1))` in sorted order (numpy's `method='lower'`), within `alpha` relative error
 * (`|returned - exact| <= alpha * |exact|`); `q = 0` and `q = 1` return the exact min and max.
 * Values in collapsed buckets (more than `max_buckets` per sign) lose that guarantee.
 */
export function quantile(col: ColumnProfile, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1 (got ${q})`);
  const num = col.numeric;
  const n = num.count;
  if (n === 0) return Number.NaN;
  if (q === 0) return num.min!;
  if (q === 1) return num.max!;
  const b = bucketsOf(num.sketch);
  const v = b.value[bucketOfRank(b.cum, Math.floor(q * (n - 1)))]!;
  return Math.min(num.max!, Math.max(num.min!, v));
}

/**
 * The step CDF of the numbers: `cdf[k]` is the fraction of the `n` numbers `<= x[k]`, where `x` are
 * the upper boundaries of the non-empty buckets in increasing order. Exact at every `x[k]`.
 */
export function cdfSteps(col: ColumnProfile): { x: Float64Array; cdf: Float64Array; n: number } {
  const n = col.numeric.count;
  const b = bucketsOf(col.numeric.sketch);
  const cdf = new Float64Array(b.cum.length);
  for (let k = 0; k < cdf.length; k++) cdf[k] = b.cum[k]! / n;
  return { x: b.upper.slice(), cdf, n };
}

/**
 * The fraction of the numbers `<= x` (NaN when there are none). Exact at bucket boundaries, below
 * the min (0) and at or above the max (1); elsewhere the values of the bucket holding `x` count as
 * being at its upper boundary, so the result is low by at most that bucket's share.
 */
export function cdfAt(col: ColumnProfile, x: number): number {
  const num = col.numeric;
  const n = num.count;
  if (n === 0) return Number.NaN;
  if (x < num.min!) return 0;
  if (x >= num.max!) return 1;
  const { upper, cum } = bucketsOf(num.sketch);
  // Last bucket with upper <= x.
  let lo = 0;
  let hi = upper.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (upper[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : cum[lo - 1]! / n;
}

function checkEdges(edges: readonly number[]): void {
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (Number.isNaN(e) || (i > 0 && e < edges[i - 1]!)) {
      throw new RangeError(`binCounts: edges must be non-decreasing numbers (edges[${i}] = ${e})`);
    }
  }
}

/**
 * Counts of the numbers in `(-inf, e0], (e0, e1], ..., (ek, +inf)` (`edges.length + 1` bins; edges
 * non-decreasing). Exact when every edge is a bucket boundary (as from {@link referenceEdges}, for
 * the reference and any current profile with the same alpha); otherwise a bucket straddling an edge
 * counts in the bin holding its upper boundary.
 */
export function binCounts(col: ColumnProfile, edges: readonly number[]): number[] {
  checkEdges(edges);
  const out = new Array<number>(edges.length + 1).fill(0);
  const { upper, cum } = bucketsOf(col.numeric.sketch);
  let j = 0;
  for (let k = 0; k < upper.length; k++) {
    const u = upper[k]!;
    while (j < edges.length && u > edges[j]!) j++;
    out[j]! += cum[k]! - (k > 0 ? cum[k - 1]! : 0);
  }
  return out;
}

/**
 * Bin edges from the column's quantiles `1/bins, ..., (bins-1)/bins`, each snapped up to the upper
 * boundary of the bucket holding that quantile and deduplicated; an edge with no reference value
 * above it is dropped. Being bucket boundaries, they make {@link binCounts} exact for this profile
 * and for any other profile with the same alpha. Fewer than `bins - 1` edges come back when the
 * column has few distinct values; none when it has no numbers.
 */
export function referenceEdges(col: ColumnProfile, bins = 10): number[] {
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new RangeError(`referenceEdges: bins must be a positive integer (got ${bins})`);
  }
  const n = col.numeric.count;
  if (n === 0) return [];
  const { upper, cum } = bucketsOf(col.numeric.sketch);
  const edges: number[] = [];
  for (let j = 1; j < bins; j++) {
    const k = bucketOfRank(cum, Math.floor((j / bins) * (n - 1)));
    if (cum[k]! >= n) break; // nothing above: the last bin would be empty
    const e = upper[k]!;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

/**
 * Exact counts of the kept values, keyed by their text (`String(value)`: the number 5 and the string
 * "5" share the key "5"), `other` for the values beyond the cap, and `total` non-missing values.
 */
export function categoryCounts(col: ColumnProfile): {
  counts: Map<string, number>;
  other: number;
  total: number;
} {
  const counts = new Map<string, number>();
  const { values, counts: c } = col.categories;
  for (let i = 0; i < values.length; i++) {
    const key = String(values[i]);
    counts.set(key, (counts.get(key) ?? 0) + c[i]!);
  }
  return { counts, other: col.categories.other, total: col.count };
}

/**
 * The number of distinct non-missing values: exact while the column has no more than `category_cap`
 * of them (the category table holds them all), else the HyperLogLog estimate (relative standard
 * error 1.04 / sqrt(2^hll_precision): 1.6% at the default precision 12), never below `cap + 1`.
 */
export function distinctEstimate(col: ColumnProfile): number {
  const cats = col.categories;
  if (cats.other === 0) return cats.values.length;
  const p = Math.log2(Buffer.byteLength(col.hll, 'base64'));
  const registers = decodeRegisters(col.hll, p);
  const estimate = registers ? Math.round(hllEstimate(registers, p)) : 0;
  return Math.max(estimate, cats.values.length + 1);
}
