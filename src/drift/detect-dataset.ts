/**
 * The dataset-level decision of a drift report: multiple-testing corrections applied to the
 * columns' test p-values, then the share of drifted columns against the configured share.
 */
import { adjustPValues, type Correction } from './detect-corrections.js';
import { isDrifted, severityOf } from './detect-severity.js';
import { isTestMethod } from './select-method.js';
import type { DatasetDrift, DriftMethod, FeatureDrift } from './types.js';

/** The default share of drifted columns at or above which the dataset counts as drifted. */
export const DEFAULT_DRIFT_SHARE = 0.5;

/**
 * Applies `correction` to the p-values of the columns judged by a test (`ks`, `chisquare`, `z`)
 * with a p-value: the family is those columns, `adjustedPValue` is set on each and its `drifted`
 * and `severity` are recomputed from the adjusted value. Columns judged by a distance are returned
 * unchanged. With `none`, every feature is returned unchanged (no `adjustedPValue`). Pure: returns
 * new objects.
 */
export function applyCorrection(features: readonly FeatureDrift[], correction: Correction): FeatureDrift[] {
  if (correction === 'none') return features.map((f) => ({ ...f }));
  const family = features
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => isTestMethod(f.method) && f.pValue !== null && !Number.isNaN(f.pValue));
  const adjusted = adjustPValues(
    family.map(({ f }) => f.pValue as number),
    correction,
  );
  const out = features.map((f) => ({ ...f }));
  family.forEach(({ i }, k) => {
    const f = out[i]!;
    const p = adjusted[k]!;
    f.adjustedPValue = p;
    f.drifted = isDrifted(f.method, f.statistic, p, f.threshold);
    f.severity = severityOf(f.method, f.statistic, p, f.threshold);
  });
  return out;
}

/** What {@link datasetDrift} needs beyond the columns. */
export interface DatasetOptions {
  /** Share of drifted columns at or above which the dataset drifted (default 0.5), in (0, 1]. */
  share?: number;
  method?: DriftMethod | 'auto';
  correction?: Correction;
}

/** Checks a drift share: a number in (0, 1]. */
export function checkShare(share: number): number {
  if (!(Number.isFinite(share) && share > 0 && share <= 1)) {
    throw new RangeError(`share must be a number in (0, 1], got ${share}`);
  }
  return share;
}

/**
 * The dataset verdict: `share` = drifted columns / compared columns (0 when none was compared),
 * drifted when that share is >= the threshold share and at least one column drifted.
 */
export function datasetDrift(features: readonly FeatureDrift[], options: DatasetOptions = {}): DatasetDrift {
  const threshold = checkShare(options.share ?? DEFAULT_DRIFT_SHARE);
  const columns = features.length;
  const driftedColumns = features.filter((f) => f.drifted).length;
  const share = columns === 0 ? 0 : driftedColumns / columns;
  return {
    drifted: driftedColumns > 0 && share >= threshold,
    share,
    threshold,
    method: options.method ?? 'auto',
    correction: options.correction ?? 'none',
    columns,
    driftedColumns,
  };
}

/** Sorts features by severity (highest first), drifted before not drifted on ties, then by name. */
export function sortBySeverity(features: readonly FeatureDrift[]): FeatureDrift[] {
  return features
    .slice()
    .sort(
      (a, b) =>
        b.severity - a.severity ||
        Number(b.drifted) - Number(a.drifted) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
}
