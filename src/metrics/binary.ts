/**
 * Binary classification metrics, with scikit-learn's definitions (checked against scikit-learn to
 * 1e-9 relative). `yTrue` holds 0/1 labels, `score` holds P(positive) in [0, 1]; the predicted class
 * is `score >= threshold`. Everything runs on typed arrays in O(n log n) with no per-row objects.
 */
import { DataError } from '../errors.js';
import { CompensatedSum } from './sum.js';
import {
  checkBinaryLabels,
  checkProbabilities,
  checkSameLength,
  checkThreshold,
  describeNumber,
} from './validate.js';

/** The default decision threshold on the score. */
export const DEFAULT_THRESHOLD = 0.5;

/** Number of equal-width bins on [0, 1] used by {@link expectedCalibrationError} by default. */
export const ECE_BINS = 10;

/** Input of the binary metrics: labels, scores and an optional decision threshold (default 0.5). */
export interface BinaryInput {
  /** True labels, each 0 or 1. */
  yTrue: ArrayLike<number>;
  /** Predicted probability of the positive class, each in [0, 1]. */
  score: ArrayLike<number>;
  /** A row is predicted positive when `score >= threshold`. Default {@link DEFAULT_THRESHOLD}. */
  threshold?: number;
}

/** Every binary metric, keyed by its metric name. Ranking metrics are `null` when only one class is present. */
export type BinaryMetrics = {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number | null;
  average_precision: number | null;
  log_loss: number;
  brier: number;
  ece: number;
};

/** The confusion matrix of a binary prediction. */
export interface ConfusionCounts {
  /** Predicted 1, label 1. */
  tp: number;
  /** Predicted 1, label 0. */
  fp: number;
  /** Predicted 0, label 0. */
  tn: number;
  /** Predicted 0, label 1. */
  fn: number;
}

const WHAT = 'binary metrics';

/**
 * Checks a binary input and returns its threshold: same non-zero lengths, labels 0/1, scores in [0, 1]
 * (no NaN), threshold in [0, 1]. Throws a `DataError` naming the first offending index and value.
 */
export function validateBinaryInput(input: BinaryInput): number {
  const threshold = input.threshold ?? DEFAULT_THRESHOLD;
  checkSameLength(WHAT, 'yTrue', input.yTrue, 'score', input.score);
  checkBinaryLabels(WHAT, 'yTrue', input.yTrue);
  checkProbabilities(WHAT, 'score', input.score);
  checkThreshold(WHAT, threshold);
  return threshold;
}

/** Counts true/false positives/negatives of `score >= threshold` against `yTrue` (validated). */
export function confusionCounts(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold = 0.5,
): ConfusionCounts {
  validateBinaryInput({ yTrue, score, threshold });
  return confusion(yTrue, score, threshold);
}

function confusion(yTrue: ArrayLike<number>, score: ArrayLike<number>, threshold: number): ConfusionCounts {
  let tp = 0;
  let fp = 0;
  let positives = 0;
  const n = yTrue.length;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    positives += y;
    if ((score[i] as number) >= threshold) {
      if (y === 1) tp++;
      else fp++;
    }
  }
  return { tp, fp, fn: positives - tp, tn: n - positives - fp };
}

/**
 * Precision, recall and F1 of the positive class from confusion counts, as scikit-learn's
 * `precision_score`/`recall_score`/`f1_score` with `zero_division=0`: a ratio with a zero
 * denominator is 0, and F1 = 2·P·R / (P + R) is 0 when P + R = 0.
 */
export function precisionRecallF1(counts: ConfusionCounts): {
  precision: number;
  recall: number;
  f1: number;
} {
  const predicted = counts.tp + counts.fp;
  const actual = counts.tp + counts.fn;
  const precision = predicted === 0 ? 0 : counts.tp / predicted;
  const recall = actual === 0 ? 0 : counts.tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * ROC AUC and average precision in one O(n log n) pass over the distinct scores, as scikit-learn's
 * `roc_auc_score` (trapezoids between distinct thresholds, so tied scores count half) and
 * `average_precision_score` (the step-wise sum Σ (R_i − R_{i−1}) · P_i over distinct thresholds, not
 * interpolated). Both are `null` when `yTrue` holds a single class (scikit-learn raises for ROC AUC;
 * here they are reported as undefined rather than NaN). Inputs are validated.
 */
export function rankingMetrics(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
): { roc_auc: number | null; average_precision: number | null } {
  checkSameLength(WHAT, 'yTrue', yTrue, 'score', score);
  checkBinaryLabels(WHAT, 'yTrue', yTrue);
  checkProbabilities(WHAT, 'score', score);
  return ranking(yTrue, score);
}

function ranking(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
): { roc_auc: number | null; average_precision: number | null } {
  const n = yTrue.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += yTrue[i] as number;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return { roc_auc: null, average_precision: null };
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (yTrue[i] === 1) pos[p++] = score[i] as number;
    else neg[q++] = score[i] as number;
  }
  pos.sort();
  neg.sort();
  // Walk the distinct scores from the highest down; at each, add the positives and negatives tied there.
  let i = nPos - 1;
  let j = nNeg - 1;
  let tp = 0;
  let fp = 0;
  let area2 = 0; // twice the ROC area in units of (1 negative x 1 positive): exact integers
  const ap = new CompensatedSum();
  while (i >= 0 || j >= 0) {
    const a = i >= 0 ? (pos[i] as number) : Number.NEGATIVE_INFINITY;
    const b = j >= 0 ? (neg[j] as number) : Number.NEGATIVE_INFINITY;
    const t = Math.max(a, b);
    let dtp = 0;
    while (i >= 0 && pos[i] === t) {
      dtp++;
      i--;
    }
    let dfp = 0;
    while (j >= 0 && neg[j] === t) {
      dfp++;
      j--;
    }
    area2 += dfp * (2 * tp + dtp);
    tp += dtp;
    fp += dfp;
    if (dtp > 0) ap.add((dtp / nPos) * (tp / (tp + fp)));
  }
  return { roc_auc: area2 / (2 * nPos * nNeg), average_precision: ap.value() };
}

/** ROC AUC as scikit-learn's `roc_auc_score`; `null` when only one class is present. Validates its input. */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number | null {
  return rankingMetrics(yTrue, score).roc_auc;
}

/**
 * Average precision as scikit-learn's `average_precision_score` (step-wise, not interpolated);
 * `null` when only one class is present (scikit-learn would give 1 with only positives, 0 with only
 * negatives). Validates its input.
 */
export function averagePrecision(yTrue: ArrayLike<number>, score: ArrayLike<number>): number | null {
  return rankingMetrics(yTrue, score).average_precision;
}

/**
 * Mean log loss (natural log) as scikit-learn's `log_loss` with `eps="auto"`: the score is clipped to
 * [ε, 1 − ε] with ε = 2⁻⁵² (float64 machine epsilon; computation is always in float64, even for a
 * Float32Array), the pair (1 − p, p) is renormalised to sum 1, and the row's loss is −log of its
 * label's entry. Validates its input.
 */
export function binaryLogLoss(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  checkSameLength(WHAT, 'yTrue', yTrue, 'score', score);
  checkBinaryLabels(WHAT, 'yTrue', yTrue);
  checkProbabilities(WHAT, 'score', score);
  return logLoss(yTrue, score);
}

const EPS = Number.EPSILON;

function logLoss(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = yTrue.length;
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const s = score[i] as number;
    const p = s < EPS ? EPS : Math.min(s, 1 - EPS);
    const q = 1 - p;
    const total = q + p;
    sum.add(-Math.log((yTrue[i] === 1 ? p : q) / total));
  }
  return sum.value() / n;
}

/** Brier score, mean of (y − score)², as scikit-learn's `brier_score_loss`. Validates its input. */
export function brierScore(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  checkSameLength(WHAT, 'yTrue', yTrue, 'score', score);
  checkBinaryLabels(WHAT, 'yTrue', yTrue);
  checkProbabilities(WHAT, 'score', score);
  return brier(yTrue, score);
}

function brier(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = yTrue.length;
  const sum = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = (yTrue[i] as number) - (score[i] as number);
    sum.add(d * d);
  }
  return sum.value() / n;
}

/**
 * Expected calibration error with `bins` equal-width bins on [0, 1] (default 10). A score s falls in
 * bin `min(floor(s · bins), bins − 1)`, so bin b is [b/bins, (b+1)/bins) and the last bin also holds
 * 1. ECE = Σ over non-empty bins of |bin|/n · |mean(y in bin) − mean(score in bin)|. Validates its input.
 */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  bins: number = ECE_BINS,
): number {
  checkSameLength(WHAT, 'yTrue', yTrue, 'score', score);
  checkBinaryLabels(WHAT, 'yTrue', yTrue);
  checkProbabilities(WHAT, 'score', score);
  if (!Number.isInteger(bins) || bins < 1) {
    throw new DataError(`${WHAT}: ECE bins must be a positive integer (got ${describeNumber(bins)})`);
  }
  return ece(yTrue, score, bins);
}

function ece(yTrue: ArrayLike<number>, score: ArrayLike<number>, bins: number): number {
  const n = yTrue.length;
  const count = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const sumS = new Float64Array(bins);
  const compS = new Float64Array(bins); // Neumaier compensation per bin
  for (let i = 0; i < n; i++) {
    const s = score[i] as number;
    const b = Math.min(Math.floor(s * bins), bins - 1);
    count[b]!++;
    sumY[b]! += yTrue[i] as number;
    const old = sumS[b] as number;
    const t = old + s;
    compS[b]! += Math.abs(old) >= s ? old - t + s : s - t + old;
    sumS[b] = t;
  }
  const total = new CompensatedSum();
  for (let b = 0; b < bins; b++) {
    const c = count[b] as number;
    if (c === 0) continue;
    const meanY = (sumY[b] as number) / c;
    const meanS = ((sumS[b] as number) + (compS[b] as number)) / c;
    total.add((c / n) * Math.abs(meanY - meanS));
  }
  return total.value();
}

/** Computes every binary metric (see {@link BinaryMetrics}) after validating the input once. */
export function binaryMetrics(input: BinaryInput): BinaryMetrics {
  const threshold = validateBinaryInput(input);
  const { yTrue, score } = input;
  const counts = confusion(yTrue, score, threshold);
  const { precision, recall, f1 } = precisionRecallF1(counts);
  const { roc_auc, average_precision } = ranking(yTrue, score);
  return {
    accuracy: (counts.tp + counts.tn) / yTrue.length,
    precision,
    recall,
    f1,
    roc_auc,
    average_precision,
    log_loss: logLoss(yTrue, score),
    brier: brier(yTrue, score),
    ece: ece(yTrue, score, ECE_BINS),
  };
}
