/**
 * One column's drift: the method chosen by `select-method.ts`, computed from the two profiles.
 *
 * - `ks`: D from both step CDFs (the sketches' cumulative counts at their bucket boundaries, put on
 *   one grid by `detect-cdf.ts`), the p-value from D and the non-missing counts by scipy's rule
 *   (exact for small samples). The cumulative counts are exact at every boundary, so D equals
 *   `ks2samp`'s on the raw data whenever no bucket holds two distinct values (relative gaps between
 *   values above the sketch's `2 * alpha`); otherwise D can only be smaller, by at most the largest
 *   share of one side's values that share a bucket with values of the other side.
 * - `wasserstein`: the 1-Wasserstein distance between the step CDFs divided by the reference's
 *   population standard deviation (from the exact running moments); not divided when that is 0
 *   (as Evidently's `normedWasserstein`). Its error is about the sketch's relative accuracy.
 * - `chisquare`, `psi`, `kl`, `jensenshannon`, `hellinger`: on the binned view of `detect-bins.ts`
 *   (numeric: the reference's quantile bins; categorical: the union of categories + `(other)`),
 *   with the statistics module's one epsilon policy for empty bins. Jensen-Shannon is the distance
 *   with the natural logarithm (scipy's default, Evidently's choice), in [0, sqrt(ln 2)].
 *   `kl` is KL(reference || current).
 * - `z`: the two-proportion z-test on the share of the first category (the most frequent over
 *   both sides), for categorical columns with at most 2 categories.
 */

import { type BinnedCounts, categoricalBins, chartBins, numericBinLabels } from './detect-bins.js';
import { alignCdfs } from './detect-cdf.js';
import { isDrifted, severityOf } from './detect-severity.js';
import {
  binCounts,
  type ColumnProfile,
  categoryCounts,
  cdfSteps,
  distinctEstimate,
  numericSummary,
  referenceEdges,
} from './profile-query.js';
import { selectMethod } from './select-method.js';
import {
  chisquareTwoSample,
  hellinger,
  jensenShannon,
  klDivergence,
  ksFromCdfs,
  psi,
  twoProportionZ,
  wassersteinFromCdfs,
} from './stats/index.js';
import type { DriftMethod, FeatureDrift } from './types.js';

/** How many quantile bins the numeric binned view has. */
export const NUMERIC_BINS = 10;

/** Options of {@link compareColumn}. */
export interface CompareColumnOptions {
  method?: DriftMethod | 'auto';
  thresholds?: Partial<Record<DriftMethod, number>>;
}

/**
 * The values a column is compared on: its finite numbers for a numeric column (a column forced
 * numeric by the profile's `types` option may also hold text, which numeric methods ignore), its
 * non-missing values for a categorical one.
 */
export function sampleSize(column: ColumnProfile): number {
  return column.type === 'numeric' ? column.numeric.count : column.count;
}

/** The binned view of a pair of columns of the same type. */
function binned(reference: ColumnProfile, current: ColumnProfile): BinnedCounts {
  if (reference.type === 'numeric') {
    const edges = referenceEdges(reference, NUMERIC_BINS);
    return {
      labels: numericBinLabels(edges),
      reference: binCounts(reference, edges),
      current: binCounts(current, edges),
    };
  }
  return categoricalBins(categoryCounts(reference), categoryCounts(current));
}

/** Distinct categories over both sides: the union of the counted ones, or the sketches' estimate when a side hit its cap. */
function categoriesOf(reference: ColumnProfile, current: ColumnProfile, bins: BinnedCounts): number {
  const other = bins.labels.length > 0 && categoryCounts(reference).other + categoryCounts(current).other > 0;
  const counted = bins.labels.length - (other ? 1 : 0);
  if (!other) return counted;
  return Math.max(
    counted + 1,
    Math.round(distinctEstimate(reference)),
    Math.round(distinctEstimate(current)),
  );
}

interface Computed {
  statistic: number;
  pValue: number | null;
}

function compute(
  method: DriftMethod,
  reference: ColumnProfile,
  current: ColumnProfile,
  bins: BinnedCounts,
): Computed {
  switch (method) {
    case 'ks': {
      const a = cdfSteps(reference);
      const b = cdfSteps(current);
      const grid = alignCdfs(a, b);
      const r = ksFromCdfs(grid.x, grid.cdfA, grid.cdfB, sampleSize(reference), sampleSize(current));
      return { statistic: r.statistic, pValue: r.pValue };
    }
    case 'wasserstein': {
      const grid = alignCdfs(cdfSteps(reference), cdfSteps(current));
      const distance = grid.x.length === 0 ? 0 : wassersteinFromCdfs(grid.x, grid.cdfA, grid.cdfB);
      const std = numericSummary(reference).std;
      return { statistic: std > 0 ? distance / std : distance, pValue: null };
    }
    case 'chisquare': {
      const r = chisquareTwoSample(bins.reference, bins.current);
      return { statistic: r.statistic, pValue: r.pValue };
    }
    case 'z': {
      // The share of the first (most frequent) category on each side.
      const x1 = bins.reference[0] ?? 0;
      const x2 = bins.current[0] ?? 0;
      const r = twoProportionZ(x1, reference.count, x2, current.count);
      return { statistic: r.statistic, pValue: r.pValue };
    }
    case 'psi':
      return { statistic: psi(bins.reference, bins.current), pValue: null };
    case 'kl':
      return { statistic: klDivergence(bins.reference, bins.current), pValue: null };
    case 'jensenshannon':
      return { statistic: jensenShannon(bins.reference, bins.current), pValue: null };
    case 'hellinger':
      return { statistic: hellinger(bins.reference, bins.current), pValue: null };
  }
}

/**
 * Compares one column of the reference with the same column of the current data (same type, some
 * non-missing values on each side: the caller skips the others). Returns the feature's verdict with
 * its binned view (shares) for the charts; no correction is applied here.
 */
export function compareColumn(
  reference: ColumnProfile,
  current: ColumnProfile,
  options: CompareColumnOptions = {},
): FeatureDrift {
  const bins = binned(reference, current);
  const type = reference.type;
  const choice = selectMethod({
    type,
    referenceCount: sampleSize(reference),
    currentCount: sampleSize(current),
    categories: type === 'categorical' ? categoriesOf(reference, current, bins) : undefined,
    method: options.method,
    thresholds: options.thresholds,
  });
  const { statistic, pValue } = compute(choice.method, reference, current, bins);
  const rows = (c: ColumnProfile) => c.count + c.missing;
  return {
    name: reference.name,
    type,
    method: choice.method,
    statistic,
    pValue,
    threshold: choice.threshold,
    drifted: isDrifted(choice.method, statistic, pValue, choice.threshold),
    referenceCount: sampleSize(reference),
    currentCount: sampleSize(current),
    referenceMissing: rows(reference) > 0 ? reference.missing / rows(reference) : 0,
    currentMissing: rows(current) > 0 ? current.missing / rows(current) : 0,
    reason: choice.reason,
    severity: severityOf(choice.method, statistic, pValue, choice.threshold),
    bins: type === 'numeric' ? chartBins(bins, Number.POSITIVE_INFINITY) : chartBins(bins),
  };
}
