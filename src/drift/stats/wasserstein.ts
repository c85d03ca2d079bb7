/**
 * The 1-Wasserstein (earth mover's) distance between two one-dimensional distributions, equal to
 * `scipy.stats.wasserstein_distance(u, v)`: ∫ |U(t) - V(t)| dt over the merged sorted values, in
 * O((n + m) log(n + m)); its form for step CDFs at shared points; and Evidently's normed variant.
 */
import { DataError } from '../../errors.js';
import { CompensatedSum } from '../../metrics/sum.js';
import { checkCdf, checkSameLength, checkSortedFinite, toSample } from './validate.js';

function sortedDistance(x: Float64Array, y: Float64Array): number {
  const n1 = x.length;
  const n2 = y.length;
  const s = new CompensatedSum();
  let i = 0;
  let j = 0;
  let prev = Number.NaN;
  let prevDiff = 0;
  while (i < n1 || j < n2) {
    const xi = i < n1 ? (x[i] as number) : Number.POSITIVE_INFINITY;
    const yj = j < n2 ? (y[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(xi, yj);
    if (!Number.isNaN(prev)) s.add(prevDiff * (v - prev));
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    prevDiff = Math.abs(i / n1 - j / n2);
    prev = v;
  }
  return s.value();
}

/**
 * The first Wasserstein distance between the empirical distributions of samples `u` and `v`
 * (= `scipy.stats.wasserstein_distance(u, v)`, unweighted). Samples must be non-empty and finite.
 */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const x = toSample('wassersteinDistance', 'u', u).sort();
  const y = toSample('wassersteinDistance', 'v', v).sort();
  return sortedDistance(x, y);
}

/**
 * The first Wasserstein distance between two right-continuous step CDFs evaluated at the same sorted
 * points `x`: Σ_k |cdfA[k] - cdfB[k]| · (x[k+1] - x[k]). Equal to {@link wassersteinDistance} when the
 * CDFs are the exact empirical CDFs at every distinct pooled value; from a sketch, as exact as it.
 */
export function wassersteinFromCdfs(
  x: Float64Array | ArrayLike<number>,
  cdfA: Float64Array | ArrayLike<number>,
  cdfB: Float64Array | ArrayLike<number>,
): number {
  const fn = 'wassersteinFromCdfs';
  if (x.length === 0) throw new DataError(`${fn}: x is empty (need at least one evaluation point)`);
  checkSameLength(fn, 'x', x, 'cdfA', cdfA);
  checkSameLength(fn, 'x', x, 'cdfB', cdfB);
  checkSortedFinite(fn, 'x', x);
  checkCdf(fn, 'cdfA', cdfA);
  checkCdf(fn, 'cdfB', cdfB);
  const s = new CompensatedSum();
  for (let k = 0; k + 1 < x.length; k++) {
    s.add(Math.abs((cdfA[k] as number) - (cdfB[k] as number)) * ((x[k + 1] as number) - (x[k] as number)));
  }
  return s.value();
}

/** Population standard deviation (ddof = 0, numpy's default) of a sample, two-pass and compensated. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) sum.add(values[i] as number);
  const mean = sum.value() / n;
  const sq = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    sq.add(d * d);
  }
  return Math.sqrt(sq.value() / n);
}

/**
 * Evidently's `wasserstein` drift statistic: wasserstein_distance(reference, current) divided by the
 * reference's standard deviation (population, ddof = 0, as `np.std`), so it reads in reference
 * standard deviations (Evidently's default threshold is 0.1). When the reference is constant
 * (std = 0) the raw distance is returned (Evidently instead floors the std at 0.001).
 */
export function normedWasserstein(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const x = toSample('normedWasserstein', 'reference', reference);
  const y = toSample('normedWasserstein', 'current', current);
  const std = populationStd(x);
  const d = sortedDistance(x.sort(), y.sort());
  return std > 0 ? d / std : d;
}
