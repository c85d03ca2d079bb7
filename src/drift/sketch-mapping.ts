/**
 * The quantile sketch's bucket mapping, and why the sketch is built this way.
 *
 * The sketch is a log-bucketed histogram in the style of DDSketch (Masson, Rim and Lee, VLDB 2019):
 * with `gamma = (1 + alpha) / (1 - alpha)`, positive bucket `i` holds the values in
 * `(b(i - 1), b(i)]` and negative bucket `i` the values in `(-b(i), -b(i - 1)]`, where the boundary
 * `b(i)` is exactly `Math.exp(i * ln(gamma))`; zeros are counted apart. Boundaries depend on alpha
 * only, so two sketches with the same alpha share all of them and merging is adding counts: exact,
 * associative, commutative, bit for bit (see `sketch-store.ts` for the bucket cap).
 *
 * Why not a rank sketch (KLL, t-digest)? Drift is judged by comparing CDFs (KS, binned tests), and
 * what matters is rank error at the decision resolution. whylogs issue #684 (2022) is the
 * cautionary tale: with KLL (k = 256) behind its KS test, profiles of 50k and 561k rows from the same
 * distribution gave p-values from 3e-7 to 0.74 on repeated runs, because the sketch's rank error
 * exceeded the KS resolution at that n (their fix raised k to 1024, reducing, not removing, it).
 * Here the rank error is ZERO at every bucket boundary: the cumulative count at `b(i)` is the exact
 * number of values `<= b(i)`. The approximation is in values, not ranks:
 *
 * - a value is represented by its bucket: `positiveValue(i)` is within `alpha * |x|` of every value
 *   in the bucket (quantiles have relative error `<= alpha`);
 * - the CDF of a sketch is the exact CDF of the data with every value moved up to its bucket's upper
 *   boundary (a move of less than `(gamma - 1) * |x|`, about `2 * alpha * |x|`);
 * - so a KS statistic taken over the bucket boundaries of both sides is the exact KS statistic of
 *   the bucketed data; it is a maximum over a subset of points where both CDFs are exact, so it can
 *   only underestimate the true D, and by at most the largest share of either side's values inside
 *   one bucket.
 *
 * The index is computed as `ceil(log_gamma(x))` with {@link fastLn}; when that lands within 1e-6 of
 * an integer, where rounding could put the value on the wrong side, it is checked against the
 * boundaries themselves. So a value's bucket is defined by the boundary numbers, never by the
 * rounding of a logarithm, and reference and current data agree on every boundary.
 */

/** Magnitudes at or below this are not indexed by their logarithm (see {@link LogMapping.minPositive}). */
export const MIN_INDEXABLE = 1e-300;

/** How close (in index units) to a boundary the fast index must be before it is checked exactly. */
export const NEAR = 1e-6;

const LN_F64 = new Float64Array(1);
const LN_U32 = new Uint32Array(LN_F64.buffer);
const LN_HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** Table size of {@link fastLn}: the top 10 mantissa bits pick the centre `c_k`. */
const LN_BITS = 10;
const LN_CENTRE = new Float64Array(1 << LN_BITS);
const LN_INV_CENTRE = new Float64Array(1 << LN_BITS);
const LN_LOG_CENTRE = new Float64Array(1 << LN_BITS);
for (let k = 0; k < 1 << LN_BITS; k++) {
  const c = 1 + (k + 0.5) / (1 << LN_BITS);
  LN_CENTRE[k] = c;
  LN_INV_CENTRE[k] = 1 / c;
  LN_LOG_CENTRE[k] = Math.log(c);
}
/** `2^-e` for unbiased exponents `e` from -1022 to 1023, at index `e + 1022`. */
const POW2_NEG = new Float64Array(2046);
for (let e = -1022; e <= 1023; e++) POW2_NEG[e + 1022] = 2 ** -e;

/**
 * `ln(a)` for a positive normal number, within a few ulps (1e-15 relative, or 1e-15 absolute
 * below 1): the exponent from the bits, a
 * 1,024-entry table for the top mantissa bits and a degree-4 series for the rest (|r| < 4.9e-4).
 * Several times faster than `Math.log`, which the profiler would otherwise spend a third of its time
 * in. It only proposes a bucket index: values within {@link NEAR} of a boundary are re-checked
 * against the exact boundaries, so this approximation never changes which bucket a value is in.
 */
export function fastLn(a: number): number {
  LN_F64[0] = a;
  const hi = LN_U32[LN_HI]!;
  const e = ((hi >>> 20) & 0x7ff) - 1023;
  const k = (hi >>> (20 - LN_BITS)) & ((1 << LN_BITS) - 1);
  const m = a * POW2_NEG[e + 1022]!;
  const r = (m - LN_CENTRE[k]!) * LN_INV_CENTRE[k]!;
  return e * Math.LN2 + LN_LOG_CENTRE[k]! + r * (1 - r * (0.5 - r * (1 / 3 - r * 0.25)));
}

/** The bucket mapping for one relative accuracy. Immutable; shared by every store of a profile. */
export class LogMapping {
  /** The relative accuracy: a value's bucket representative is within `alpha * |x|` of it. */
  readonly alpha: number;
  /** The ratio between consecutive boundaries, `(1 + alpha) / (1 - alpha)`. */
  readonly gamma: number;
  /** `ln(gamma)`; boundary `i` is `Math.exp(i * lnGamma)`. */
  readonly lnGamma: number;
  /** `1 / ln(gamma)`, precomputed for the hot path. */
  readonly invLnGamma: number;
  /** The lowest positive index: positive values `<= b(minIndex)` all count in it. */
  readonly minIndex: number;
  /**
   * `b(minIndex)`, about 1e-300: positive values at or below it count in bucket `minIndex`, negative
   * values whose magnitude is at or below it count with the zeros. Both only move values up, so the
   * cumulative counts stay exact at every boundary; only the relative accuracy is lost, below 1e-300.
   */
  readonly minPositive: number;
  private readonly repFactor: number;

  constructor(alpha: number) {
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.lnGamma = Math.log1p((2 * alpha) / (1 - alpha));
    this.invLnGamma = 1 / this.lnGamma;
    this.minIndex = Math.ceil(Math.log(MIN_INDEXABLE) * this.invLnGamma);
    this.minPositive = this.boundary(this.minIndex);
    this.repFactor = 2 / (1 + this.gamma);
  }

  /** Boundary `b(i) = exp(i * ln(gamma))`: the upper end of positive bucket `i`. */
  boundary(i: number): number {
    return Math.exp(i * this.lnGamma);
  }

  /** The index of a positive value `x`: the `i` with `b(i - 1) < x <= b(i)`. */
  positiveIndex(x: number): number {
    if (x <= this.minPositive) return this.minIndex;
    const t = Math.log(x) * this.invLnGamma;
    let i = Math.ceil(t);
    const f = i - t;
    if (f < NEAR || f > 1 - NEAR) {
      while (x > this.boundary(i)) i++;
      while (i > this.minIndex && x <= this.boundary(i - 1)) i--;
    }
    return i;
  }

  /**
   * The index of a negative value by its magnitude `a = -x`: the `i` with `b(i - 1) <= a < b(i)`,
   * so that the bucket is `(-b(i), -b(i - 1)]` in value order. The caller sends `a <= minPositive` to
   * the zero count instead.
   */
  negativeIndex(a: number): number {
    const t = Math.log(a) * this.invLnGamma;
    const fl = Math.floor(t);
    let i = fl + 1;
    const f = t - fl;
    if (f < NEAR || f > 1 - NEAR) {
      while (a >= this.boundary(i)) i++;
      while (a < this.boundary(i - 1)) i--;
    }
    return i;
  }

  /** The value reported for positive bucket `i`: within `alpha` relative of every value in it. */
  positiveValue(i: number): number {
    return this.boundary(i) * this.repFactor;
  }

  /** The value reported for negative bucket `i` (a negative number), within `alpha` relative. */
  negativeValue(i: number): number {
    return -this.boundary(i) * this.repFactor;
  }
}

const mappings = new Map<number, LogMapping>();

/** The shared mapping for `alpha` (cached: profiles with the same alpha share boundaries). */
export function logMapping(alpha: number): LogMapping {
  let m = mappings.get(alpha);
  if (!m) {
    m = new LogMapping(alpha);
    mappings.set(alpha, m);
  }
  return m;
}
