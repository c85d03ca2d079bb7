/**
 * The severity of a column's drift, used to sort reports (most drifted first). It is scaled so that
 * 1 is the decision boundary for every method:
 * - distances (`psi`, `jensenshannon`, `wasserstein`, `hellinger`, `kl`): `statistic / threshold`;
 * - hypothesis tests (`ks`, `chisquare`, `z`): `-log10(p) / -log10(alpha)`, with `p` the p-value the
 *   decision used (the adjusted one when a correction was applied) floored at the smallest positive
 *   double, so p = 0 stays finite (about 248 at alpha = 0.05).
 * Severity >= 1 for a drifted column; a column without a usable value (NaN) has severity 0.
 */
import { isTestMethod } from './select-method.js';
import type { DriftMethod } from './types.js';

/** The severity of a result (see the module comment). */
export function severityOf(
  method: DriftMethod,
  statistic: number,
  pValue: number | null,
  threshold: number,
): number {
  if (isTestMethod(method)) {
    if (pValue === null || Number.isNaN(pValue)) return 0;
    const p = Math.min(1, Math.max(pValue, Number.MIN_VALUE));
    return Math.max(0, -Math.log10(p) / -Math.log10(threshold));
  }
  if (!Number.isFinite(statistic)) return Number.isNaN(statistic) ? 0 : Number.MAX_VALUE;
  return Math.max(0, statistic) / threshold;
}

/** Whether a result counts as drift: `p < threshold` for tests, `statistic >= threshold` for distances. */
export function isDrifted(
  method: DriftMethod,
  statistic: number,
  pValue: number | null,
  threshold: number,
): boolean {
  if (isTestMethod(method)) return pValue !== null && pValue < threshold;
  return statistic >= threshold;
}
