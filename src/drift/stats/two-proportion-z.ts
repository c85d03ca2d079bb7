/**
 * The pooled two-proportion z-test, as `statsmodels.stats.proportion.proportions_ztest([x1, x2],
 * [n1, n2])` (two-sided, pooled variance).
 */
import { DataError } from '../../errors.js';
import { normSf } from './erfc.js';
import type { StatResult } from './types.js';
import { checkNonNegative } from './validate.js';

/**
 * Tests whether the proportions x1/n1 and x2/n2 differ: z = (p1 - p2) / sqrt(p(1 - p)(1/n1 + 1/n2))
 * with the pooled p = (x1 + x2)/(n1 + n2), p-value 2·P(Z > |z|). When the pooled proportion is 0 or 1
 * (both samples all-negative or all-positive) the proportions are equal and the result is
 * z = 0, p = 1 (statsmodels: NaN). Counts are finite with 0 <= x <= n and n > 0.
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): StatResult {
  const fn = 'twoProportionZ';
  checkNonNegative(fn, 'x1', x1);
  checkNonNegative(fn, 'n1', n1);
  checkNonNegative(fn, 'x2', x2);
  checkNonNegative(fn, 'n2', n2);
  if (n1 === 0) throw new DataError(`${fn}: n1 must be > 0`);
  if (n2 === 0) throw new DataError(`${fn}: n2 must be > 0`);
  if (x1 > n1) throw new DataError(`${fn}: x1 (${x1}) must not exceed n1 (${n1})`);
  if (x2 > n2) throw new DataError(`${fn}: x2 (${x2}) must not exceed n2 (${n2})`);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const prop = (x1 + x2) / (n1 + n2);
  const variance = prop * (1 - prop) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / Math.sqrt(variance);
  return { statistic, pValue: 2 * normSf(Math.abs(statistic)) };
}
