/**
 * The curves the reports draw, computed from a run's per-example evaluation data ({@link Examples}):
 * ROC, precision-recall and calibration curves for binary tasks (scikit-learn's definitions),
 * one-vs-rest ROC curves for multiclass tasks, and a predicted-vs-actual sample and residuals for
 * regression. Pure functions on typed arrays; nothing here draws.
 */
import type { Examples } from '../diff/types.js';
import { DataError } from '../errors.js';
import { validateBinaryInput } from '../metrics/index.js';
import { createRng, sampleIndexes } from '../train/random.js';

/** A ROC curve: one point per distinct score, from (0, 0) to (1, 1). */
export interface RocCurve {
  /** False positive rate at each threshold, non-decreasing. */
  fpr: number[];
  /** True positive rate at each threshold, non-decreasing. */
  tpr: number[];
  /**
   * Decreasing thresholds: a row is positive when `score >= threshold`. The first is `Infinity`
   * (no row positive), as scikit-learn >= 1.3 (older versions used `max(score) + 1`).
   */
  thresholds: number[];
  /** Area under the curve by the trapezoidal rule (scikit-learn's `roc_auc_score`). */
  auc: number;
}

/** A precision-recall curve, in scikit-learn's order: recall decreasing, ending at (recall 0, precision 1). */
export interface PrCurve {
  /** Precision at each threshold, then the final 1. */
  precision: number[];
  /** Recall at each threshold, then the final 0. */
  recall: number[];
  /** Increasing distinct scores; one fewer than `precision` and `recall`. */
  thresholds: number[];
  /** Average precision Σ (R_i − R_{i+1}) · P_i (scikit-learn's `average_precision_score`). */
  averagePrecision: number;
}

/** One non-empty bin of a calibration curve. */
export interface CalibrationBin {
  /** Mean predicted probability of the rows in the bin. */
  meanPredicted: number;
  /** Fraction of positives among the rows in the bin. */
  observed: number;
  /** Rows in the bin. */
  count: number;
}

/** Curve points ready to draw. */
export interface XY {
  x: number[];
  y: number[];
}

/** The curves of a binary run. `roc` is null with a single class; `pr` is null without positives. */
export interface BinaryCurves {
  roc: RocCurve | null;
  pr: PrCurve | null;
  calibration: CalibrationBin[];
}

/** A one-vs-rest ROC curve of one class of a multiclass run. */
export interface ClassRocCurve {
  /** The class name. */
  label: string;
  /** Null when the class is absent from (or is all of) the labels. */
  roc: RocCurve | null;
}

/** A histogram with equal-width bins: `edges` has one more entry than `counts`. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** A seeded sample of a regression run's (actual, predicted) pairs, and every residual. */
export interface RegressionCurves {
  /** Sampled true values. */
  actual: number[];
  /** Sampled predictions, aligned with `actual`. */
  predicted: number[];
  /** Residuals `actual − predicted` of every row with finite values. */
  residuals: Float64Array;
}

/** Most points a drawn ROC or PR curve keeps (see {@link decimateCurve}). */
export const MAX_CURVE_POINTS = 200;

/** Most points a drawn scatter plot keeps (see {@link regressionCurves}). */
export const MAX_SCATTER_POINTS = 500;

/** Number of equal-width bins of a calibration curve by default (scikit-learn's default is 5; the reports use 10). */
export const CALIBRATION_BINS = 10;

/** Seed of the scatter sample by default, so a report is the same every time it is rendered. */
export const SCATTER_SEED = 20_240_601;

interface ClfCurve {
  /** Distinct scores, decreasing. */
  thresholds: number[];
  /** Positives with score >= threshold. */
  tps: number[];
  /** Negatives with score >= threshold. */
  fps: number[];
}

/**
 * scikit-learn's `_binary_clf_curve`: cumulative true and false positives at each distinct score,
 * from the highest score down. Positives and negatives are sorted apart, then merged.
 */
function binaryClfCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): ClfCurve {
  const n = yTrue.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += yTrue[i] as number;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(n - nPos);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (yTrue[i] === 1) pos[p++] = score[i] as number;
    else neg[q++] = score[i] as number;
  }
  pos.sort();
  neg.sort();
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const a = i >= 0 ? (pos[i] as number) : Number.NEGATIVE_INFINITY;
    const b = j >= 0 ? (neg[j] as number) : Number.NEGATIVE_INFINITY;
    const t = Math.max(a, b);
    while (i >= 0 && pos[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === t) {
      fp++;
      j--;
    }
    thresholds.push(t);
    tps.push(tp);
    fps.push(fp);
  }
  return { thresholds, tps, fps };
}

/**
 * The ROC curve as scikit-learn's `roc_curve(y_true, score, drop_intermediate=False)`: a point at
 * every distinct score plus the starting point (0, 0). Returns null when `yTrue` holds a single class
 * (scikit-learn answers NaN rates there). Validates its input (labels 0/1, scores in [0, 1]).
 */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): RocCurve | null {
  validateBinaryInput({ yTrue, score });
  const c = binaryClfCurve(yTrue, score);
  const nPos = c.tps[c.tps.length - 1] ?? 0;
  const nNeg = c.fps[c.fps.length - 1] ?? 0;
  if (nPos === 0 || nNeg === 0) return null;
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Number.POSITIVE_INFINITY];
  for (let k = 0; k < c.thresholds.length; k++) {
    fpr.push((c.fps[k] as number) / nNeg);
    tpr.push((c.tps[k] as number) / nPos);
    thresholds.push(c.thresholds[k] as number);
  }
  let auc = 0;
  for (let k = 1; k < fpr.length; k++) {
    auc +=
      (((fpr[k] as number) - (fpr[k - 1] as number)) * ((tpr[k] as number) + (tpr[k - 1] as number))) / 2;
  }
  return { fpr, tpr, thresholds, auc };
}

/**
 * The precision-recall curve as scikit-learn's `precision_recall_curve` (every distinct score kept,
 * recall decreasing, a final point at recall 0 and precision 1). Returns null when `yTrue` holds no
 * positive (scikit-learn then sets recall to 1 everywhere). Validates its input.
 */
export function precisionRecallCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): PrCurve | null {
  validateBinaryInput({ yTrue, score });
  const c = binaryClfCurve(yTrue, score);
  const nPos = c.tps[c.tps.length - 1] ?? 0;
  if (nPos === 0) return null;
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let k = c.thresholds.length - 1; k >= 0; k--) {
    const tp = c.tps[k] as number;
    const predicted = tp + (c.fps[k] as number);
    precision.push(predicted === 0 ? 0 : tp / predicted);
    recall.push(tp / nPos);
    thresholds.push(c.thresholds[k] as number);
  }
  precision.push(1);
  recall.push(0);
  let ap = 0;
  for (let k = 0; k + 1 < recall.length; k++) {
    ap += ((recall[k] as number) - (recall[k + 1] as number)) * (precision[k] as number);
  }
  return { precision, recall, thresholds, averagePrecision: ap };
}

/**
 * The calibration curve as scikit-learn's `calibration_curve(y_true, score, n_bins=bins,
 * strategy='uniform')`: equal-width bins on [0, 1] with edges `i / bins`; a score equal to an inner
 * edge falls in the lower bin (numpy's `searchsorted`, unlike the ECE metric's `floor(s · bins)`).
 * Empty bins are dropped. Validates its input.
 */
export function calibrationCurve(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  bins: number = CALIBRATION_BINS,
): CalibrationBin[] {
  validateBinaryInput({ yTrue, score });
  if (!Number.isInteger(bins) || bins < 1) {
    throw new DataError(`calibration curve: bins must be a positive integer (got ${bins})`);
  }
  const step = 1 / bins;
  const inner: number[] = [];
  for (let b = 1; b < bins; b++) inner.push(b * step);
  const count = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const sums = new Float64Array(bins);
  for (let i = 0; i < yTrue.length; i++) {
    const s = score[i] as number;
    const b = searchSortedLeft(inner, s);
    count[b]!++;
    positives[b]! += yTrue[i] as number;
    sums[b]! += s;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b] as number;
    if (c === 0) continue;
    out.push({ meanPredicted: (sums[b] as number) / c, observed: (positives[b] as number) / c, count: c });
  }
  return out;
}

/** The index of the first entry of the sorted `edges` that is >= `value` (numpy's `searchsorted`, side left). */
function searchSortedLeft(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Thins a curve to at most `maxPoints` points for drawing, keeping the first and the last point and
 * spreading the others evenly along the curve's length (in the units of x and y), so steep and flat
 * stretches keep their shape. Curves already short enough are returned unchanged.
 */
export function decimateCurve(x: readonly number[], y: readonly number[], maxPoints = MAX_CURVE_POINTS): XY {
  const n = Math.min(x.length, y.length);
  if (n <= maxPoints || n <= 2) return { x: x.slice(0, n), y: y.slice(0, n) };
  const keep = Math.max(2, Math.floor(maxPoints));
  const length = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const dx = (x[i] as number) - (x[i - 1] as number);
    const dy = (y[i] as number) - (y[i - 1] as number);
    length[i] = (length[i - 1] as number) + Math.hypot(dx, dy);
  }
  const total = length[n - 1] as number;
  const chosen: number[] = [0];
  let i = 0;
  for (let k = 1; k < keep - 1; k++) {
    const target = (total * k) / (keep - 1);
    while (i < n - 1 && (length[i] as number) < target) i++;
    if (i > (chosen[chosen.length - 1] as number) && i < n - 1) chosen.push(i);
  }
  chosen.push(n - 1);
  return { x: chosen.map((c) => x[c] as number), y: chosen.map((c) => y[c] as number) };
}

/** The ROC, PR and calibration curves of a binary run's examples; null when the examples are not binary. */
export function binaryCurves(examples: Examples, bins: number = CALIBRATION_BINS): BinaryCurves | null {
  if (examples.task !== 'binary' || !examples.score) return null;
  const { yTrue, score } = examples;
  return {
    roc: rocCurve(yTrue, score),
    pr: precisionRecallCurve(yTrue, score),
    calibration: calibrationCurve(yTrue, score, bins),
  };
}

/**
 * One-vs-rest ROC curves of a multiclass run, one per class (label `k` against the rest, scored by
 * `proba[:, k]`); null when the examples are not multiclass with probabilities.
 */
export function oneVsRestRoc(examples: Examples): ClassRocCurve[] | null {
  const { proba, classes, yTrue } = examples;
  if (examples.task !== 'multiclass' || !proba || !classes || classes.length === 0) return null;
  const n = yTrue.length;
  const k = classes.length;
  if (proba.length !== n * k) {
    throw new DataError(
      `one-vs-rest ROC: proba has ${proba.length} values, expected ${n} rows x ${k} classes`,
    );
  }
  return classes.map((label, c) => {
    const y = new Uint8Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = yTrue[i] === c ? 1 : 0;
      s[i] = Math.min(1, Math.max(0, proba[i * k + c] as number));
    }
    return { label, roc: rocCurve(y, s) };
  });
}

/**
 * A regression run's predicted-vs-actual sample (at most `maxPoints` rows, chosen with a seeded
 * generator so the same examples always give the same sample) and the residuals `actual − predicted`
 * of every row; rows with a non-finite value are left out. Null when the examples are not regression.
 */
export function regressionCurves(
  examples: Examples,
  maxPoints = MAX_SCATTER_POINTS,
  seed = SCATTER_SEED,
): RegressionCurves | null {
  const { yTrue, yPred } = examples;
  if (examples.task !== 'regression' || !yPred) return null;
  if (yPred.length !== yTrue.length) {
    throw new DataError(`regression curves: yTrue has ${yTrue.length} rows but yPred has ${yPred.length}`);
  }
  const finite: number[] = [];
  for (let i = 0; i < yTrue.length; i++) {
    if (Number.isFinite(yTrue[i]) && Number.isFinite(yPred[i])) finite.push(i);
  }
  const residuals = new Float64Array(finite.length);
  finite.forEach((row, k) => {
    residuals[k] = (yTrue[row] as number) - (yPred[row] as number);
  });
  const picked = sampleIndexes(finite.length, maxPoints, createRng(seed));
  const actual: number[] = [];
  const predicted: number[] = [];
  for (const k of picked) {
    const row = finite[k] as number;
    actual.push(yTrue[row] as number);
    predicted.push(yPred[row] as number);
  }
  return { actual, predicted, residuals };
}

/**
 * A histogram of the finite `values` with `bins` equal-width bins over `range` (default: the values'
 * min and max), as numpy's `histogram`: every bin is half-open `[a, b)` except the last, which holds
 * its right edge; values outside the range are not counted. A range of zero width is widened by 0.5
 * on each side (numpy does the same).
 */
export function histogram(values: ArrayLike<number>, bins = 20, range?: [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new DataError(`histogram: bins must be a positive integer (got ${bins})`);
  }
  let [lo, hi] = range ?? finiteExtent(values) ?? [0, 1];
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges: number[] = [];
  const step = (hi - lo) / bins;
  for (let b = 0; b <= bins; b++) edges.push(b === bins ? hi : b * step + lo);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    let b = Math.floor(((v - lo) / (hi - lo)) * bins);
    if (b >= bins) b = bins - 1;
    // Floating-point rounding can put a value a bin off; the edges decide.
    while (b > 0 && v < (edges[b] as number)) b--;
    while (b < bins - 1 && v >= (edges[b + 1] as number)) b++;
    counts[b]!++;
  }
  return { edges, counts };
}

/** The smallest and largest finite value, or null when there is none. */
export function finiteExtent(values: ArrayLike<number>): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}
