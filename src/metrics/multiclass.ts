/**
 * Multiclass classification metrics, with scikit-learn's definitions (checked against scikit-learn to
 * 1e-9 relative). `yTrue` holds class indexes into `classes`; `proba` is the n × k probability matrix,
 * flat and row-major, its columns in the order of `classes`. The predicted class is the argmax of a
 * row (the first maximum on ties, as numpy's `argmax`).
 *
 * The scikit-learn equivalents are called with the class list given explicitly, i.e.
 * `f1_score(y, pred, labels=range(k), average=..., zero_division=0)` and
 * `log_loss(y, proba, labels=range(k))`: a class of `classes` that appears neither in `yTrue` nor in
 * the predictions still counts in the macro averages, with precision = recall = F1 = 0.
 */
import { DataError } from '../errors.js';
import { CompensatedSum } from './sum.js';
import { checkProbabilities, describeNumber } from './validate.js';

/** Input of the multiclass metrics. */
export interface MulticlassInput {
  /** True class of each row, as an index into `classes` (an integer in [0, k)). */
  yTrue: ArrayLike<number>;
  /** Probabilities, n × k, flat row-major: `proba[i * k + j]` = P(row i is classes[j]). Values in [0, 1]. */
  proba: Float32Array | Float64Array;
  /** The k class names (k ≥ 2, distinct), in the column order of `proba`. */
  classes: readonly string[];
}

/** Every multiclass metric, keyed by its metric name. */
export type MulticlassMetrics = {
  accuracy: number;
  f1_macro: number;
  f1_weighted: number;
  precision_macro: number;
  recall_macro: number;
  log_loss: number;
};

const WHAT = 'multiclass metrics';

/**
 * Checks a multiclass input: at least 2 distinct classes, non-empty `yTrue` of integer class indexes
 * in [0, k), `proba.length === n * k`, probabilities in [0, 1] (no NaN). Throws a `DataError` naming
 * the first offending index and value.
 */
export function validateMulticlassInput(input: MulticlassInput): void {
  const { yTrue, proba, classes } = input;
  const k = classes.length;
  if (k < 2) throw new DataError(`${WHAT}: need at least 2 classes (got ${k})`);
  const seen = new Set<string>();
  for (let j = 0; j < k; j++) {
    const c = classes[j] as string;
    if (seen.has(c)) throw new DataError(`${WHAT}: classes[${j}] repeats class ${describeNumber(c)}`);
    seen.add(c);
  }
  const n = yTrue.length;
  if (n === 0) throw new DataError(`${WHAT}: empty input (yTrue has no values)`);
  if (proba.length !== n * k) {
    throw new DataError(
      `${WHAT}: proba has ${proba.length} values but yTrue has ${n} rows x ${k} classes = ${n * k}`,
    );
  }
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw new DataError(
        `${WHAT}: yTrue[${i}] must be a class index in [0, ${k - 1}] (got ${describeNumber(y)})`,
      );
    }
  }
  checkProbabilities(WHAT, 'proba', proba);
}

/** The argmax of each row of the n × k matrix `proba` (first maximum on ties). Does not validate. */
export function argmaxRows(proba: ArrayLike<number>, k: number): Int32Array {
  const n = Math.floor(proba.length / k);
  const out = new Int32Array(n);
  for (let i = 0, base = 0; i < n; i++, base += k) {
    let best = 0;
    let bestValue = proba[base] as number;
    for (let j = 1; j < k; j++) {
      const v = proba[base + j] as number;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

const EPS = Number.EPSILON;

/**
 * Mean multiclass log loss as scikit-learn's `log_loss(y, proba, labels=range(k))` with `eps="auto"`:
 * every probability is clipped to [ε, 1 − ε] (ε = 2⁻⁵², float64 even for a Float32Array), each row
 * is renormalised to sum 1, and the row's loss is −log of its true class's entry. Validates its input.
 */
export function multiclassLogLoss(input: MulticlassInput): number {
  validateMulticlassInput(input);
  return logLoss(input.yTrue, input.proba, input.classes.length);
}

function logLoss(yTrue: ArrayLike<number>, proba: ArrayLike<number>, k: number): number {
  const n = yTrue.length;
  const sum = new CompensatedSum();
  for (let i = 0, base = 0; i < n; i++, base += k) {
    let rowSum = 0;
    let own = 0;
    const y = yTrue[i] as number;
    for (let j = 0; j < k; j++) {
      const v = proba[base + j] as number;
      const c = v < EPS ? EPS : Math.min(v, 1 - EPS);
      rowSum += c;
      if (j === y) own = c;
    }
    sum.add(-Math.log(own / rowSum));
  }
  return sum.value() / n;
}

/** Computes every multiclass metric (see {@link MulticlassMetrics}) after validating the input once. */
export function multiclassMetrics(input: MulticlassInput): MulticlassMetrics {
  validateMulticlassInput(input);
  const { yTrue, proba } = input;
  const k = input.classes.length;
  const n = yTrue.length;
  const pred = argmaxRows(proba, k);
  const tp = new Float64Array(k);
  const trueCount = new Float64Array(k);
  const predCount = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    const p = pred[i] as number;
    trueCount[y]!++;
    predCount[p]!++;
    if (y === p) {
      tp[y]!++;
      correct++;
    }
  }
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let f1Weighted = 0;
  for (let j = 0; j < k; j++) {
    const t = tp[j] as number;
    const pc = predCount[j] as number;
    const tc = trueCount[j] as number;
    const precision = pc === 0 ? 0 : t / pc;
    const recall = tc === 0 ? 0 : t / tc;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    precisionSum += precision;
    recallSum += recall;
    f1Sum += f1;
    f1Weighted += f1 * tc;
  }
  return {
    accuracy: correct / n,
    f1_macro: f1Sum / k,
    f1_weighted: f1Weighted / n,
    precision_macro: precisionSum / k,
    recall_macro: recallSum / k,
    log_loss: logLoss(yTrue, proba, k),
  };
}
