/** Percentiles and percentile intervals (numpy's default "linear" method). */

/**
 * The q-quantile (q in [0, 1]) of ascending-sorted values with linear interpolation between the
 * closest ranks, as `numpy.percentile(values, 100 * q)` (method "linear"). NaN for no values.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (pos - lo) * (b - a);
}

/**
 * The central percentile interval at `confidence` (e.g. 0.95 -> the 2.5th and 97.5th percentiles)
 * of ascending-sorted values.
 */
export function percentileInterval(sorted: ArrayLike<number>, confidence: number): [number, number] {
  const alpha = (1 - confidence) / 2;
  return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
}
