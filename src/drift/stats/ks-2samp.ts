/**
 * The two-sample Kolmogorov–Smirnov test, equal to scipy 1.10's `stats.ks_2samp` (two-sided):
 * D = max |F_a - F_b| over the pooled sorted values (ties handled as scipy: both empirical CDFs are
 * evaluated after all copies of a value), and the p-value by scipy's rule:
 *
 * - `auto`: exact when max(n1, n2) <= 10,000, else asymptotic;
 * - exact: D is snapped to the lattice h / lcm(n1, n2) (h = round-half-even(D · lcm)) and
 *   P(D >= h/lcm) is computed exactly (see `ks-exact.ts`); the returned statistic is h / lcm, as
 *   scipy returns it. If the exact result is not a probability (floating-point trouble), it falls back
 *   to the asymptotic one, as scipy does;
 * - asymptotic: `kstwo.sf(D, round-half-even(n1·n2/(n1 + n2)))`, the exact one-sample distribution at
 *   the effective sample size (NaN when that rounds to 0, i.e. n1 = n2 = 1 with `asymp`, as scipy).
 *
 * Sorting dominates: O((n1 + n2) log(n1 + n2)). The exact recursion costs up to O(n1·n2) in the
 * worst case (D close to 1 with unequal sizes near 10,000), which is bounded by the auto limit.
 */
import { DataError } from '../../errors.js';
import { roundHalfEven } from './float.js';
import { probOutsideInsideMethod, probOutsideSquare } from './ks-exact.js';
import { kstwoSf } from './kstwo.js';
import { KS_MAX_AUTO_N, type KsOptions, type KsResult } from './types.js';
import { checkCdf, checkInteger, checkSameLength, checkSortedFinite, toSample } from './validate.js';

const INT32_MAX = 2147483647;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function checkOptions(fn: string, options: KsOptions | undefined): 'auto' | 'exact' | 'asymp' {
  const method = options?.method ?? 'auto';
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') {
    throw new DataError(`${fn}: options.method must be auto, exact or asymp (got ${String(method)})`);
  }
  const alternative = options?.alternative ?? 'two-sided';
  if (alternative !== 'two-sided') {
    throw new DataError(`${fn}: only the two-sided alternative is implemented (got ${String(alternative)})`);
  }
  return method;
}

/**
 * The p-value of a two-sided two-sample KS statistic `d` for sample sizes `n1`, `n2`, by scipy's
 * rule (see the module doc). Returns the statistic as scipy reports it (snapped to the h/lcm lattice
 * when the exact method ran), the p-value and the method that produced it.
 */
export function ksPValue(d: number, n1: number, n2: number, options?: KsOptions): KsResult {
  const fn = 'ksPValue';
  let method: 'auto' | 'exact' | 'asymp' = checkOptions(fn, options);
  checkInteger(fn, 'n1', n1, 1);
  checkInteger(fn, 'n2', n2, 1);
  if (typeof d !== 'number' || !(d >= 0 && d <= 1)) {
    throw new DataError(`${fn}: d must be a number in [0, 1] (got ${String(d)})`);
  }
  let stat = d;
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  if (method === 'auto') method = Math.max(n1, n2) <= KS_MAX_AUTO_N ? 'exact' : 'asymp';
  else if (method === 'exact' && n1g >= INT32_MAX / n2g) method = 'asymp';

  if (method === 'exact') {
    const lcm = n1g * n2;
    const h = roundHalfEven(stat * lcm);
    stat = h / lcm;
    if (h === 0) return { statistic: stat, pValue: 1, method: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInsideMethod(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic: stat, pValue: prob, method: 'exact' };
    // scipy: "Exact calculation unsuccessful. Switching to method=asymp."
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const prob = kstwoSf(stat, roundHalfEven(en));
  return {
    statistic: stat,
    pValue: Number.isNaN(prob) ? prob : Math.min(1, Math.max(0, prob)),
    method: 'asymp',
  };
}

/**
 * The two-sided two-sample Kolmogorov–Smirnov test of samples `a` and `b`, equal to
 * `scipy.stats.ks_2samp(a, b, method=...)` (scipy 1.10). Samples must be non-empty and finite.
 * O((n1 + n2) log(n1 + n2)).
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>, options?: KsOptions): KsResult {
  const fn = 'ks2samp';
  checkOptions(fn, options);
  const x = toSample(fn, 'a', a).sort();
  const y = toSample(fn, 'b', b).sort();
  const n1 = x.length;
  const n2 = y.length;
  // Walk the pooled sorted values; at each distinct value both CDFs count every copy (side='right').
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const xi = i < n1 ? (x[i] as number) : Number.POSITIVE_INFINITY;
    const yj = j < n2 ? (y[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(xi, yj);
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  const d = Math.max(minS, maxDiff);
  return ksPValue(d, n1, n2, options);
}

/**
 * The two-sided KS test from two step CDFs evaluated at the same sorted points `x` (as profile
 * sketches produce them): D = max_k |cdfA[k] - cdfB[k]|, and the p-value by the same rule as
 * {@link ks2samp} with the sample sizes `nA`, `nB` (exact when both are <= 10,000 under `auto`).
 *
 * The exact p-value only needs D and the sizes, so it is exact for the given D. D itself equals
 * `ks2samp`'s when the CDFs are the exact empirical CDFs evaluated at every distinct pooled value;
 * from a sketch (binned or quantile-approximated CDFs) D is only as good as the sketch — it can
 * miss the true maximum between points — and the p-value inherits that error. In the exact branch D
 * is snapped to the nearest multiple of 1/lcm(nA, nB) (as scipy does for exact statistics).
 */
export function ksFromCdfs(
  x: Float64Array | ArrayLike<number>,
  cdfA: Float64Array | ArrayLike<number>,
  cdfB: Float64Array | ArrayLike<number>,
  nA: number,
  nB: number,
  options?: KsOptions,
): KsResult {
  const fn = 'ksFromCdfs';
  checkOptions(fn, options);
  if (x.length === 0) throw new DataError(`${fn}: x is empty (need at least one evaluation point)`);
  checkSameLength(fn, 'x', x, 'cdfA', cdfA);
  checkSameLength(fn, 'x', x, 'cdfB', cdfB);
  checkSortedFinite(fn, 'x', x);
  checkCdf(fn, 'cdfA', cdfA);
  checkCdf(fn, 'cdfB', cdfB);
  checkInteger(fn, 'nA', nA, 1);
  checkInteger(fn, 'nB', nB, 1);
  let d = 0;
  for (let k = 0; k < x.length; k++) {
    const diff = Math.abs((cdfA[k] as number) - (cdfB[k] as number));
    if (diff > d) d = diff;
  }
  return ksPValue(d, nA, nB, options);
}
