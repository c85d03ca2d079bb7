/**
 * Regression metrics, with scikit-learn's definitions (checked against scikit-learn to 1e-9
 * relative). Sums are compensated, so they stay accurate on millions of rows.
 */
import { CompensatedSum } from './sum.js';
import { checkFinite, checkSameLength } from './validate.js';

/** Input of the regression metrics: targets and predictions, both finite numbers. */
export interface RegressionInput {
  /** True target values. */
  yTrue: ArrayLike<number>;
  /** Predicted values. */
  yPred: ArrayLike<number>;
}

/** Every regression metric, keyed by its metric name. `r2` is `null` with fewer than 2 rows. */
export type RegressionMetrics = {
  mae: number;
  mse: number;
  rmse: number;
  r2: number | null;
  mape: number;
};

const WHAT = 'regression metrics';

/**
 * Checks a regression input: same non-zero lengths, every value a finite number. Throws a
 * `DataError` naming the first offending index and value.
 */
export function validateRegressionInput(input: RegressionInput): void {
  checkSameLength(WHAT, 'yTrue', input.yTrue, 'yPred', input.yPred);
  checkFinite(WHAT, 'yTrue', input.yTrue);
  checkFinite(WHAT, 'yPred', input.yPred);
}

/** Mean absolute error, as scikit-learn's `mean_absolute_error`. Validates its input. */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  validateRegressionInput({ yTrue, yPred });
  return mae(yTrue, yPred);
}

function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const sum = new CompensatedSum();
  for (let i = 0; i < yTrue.length; i++) sum.add(Math.abs((yPred[i] as number) - (yTrue[i] as number)));
  return sum.value() / yTrue.length;
}

/** Mean squared error, as scikit-learn's `mean_squared_error`. Validates its input. */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  validateRegressionInput({ yTrue, yPred });
  return sse(yTrue, yPred) / yTrue.length;
}

function sse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const sum = new CompensatedSum();
  for (let i = 0; i < yTrue.length; i++) {
    const d = (yTrue[i] as number) - (yPred[i] as number);
    sum.add(d * d);
  }
  return sum.value();
}

/** Root mean squared error, √MSE, as scikit-learn's `mean_squared_error(squared=False)`. Validates its input. */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Coefficient of determination, as scikit-learn's `r2_score` (with its default `force_finite=True`):
 * 1 − SS_res / SS_tot; when `yTrue` is constant (SS_tot = 0) it is 1 for perfect predictions and 0
 * otherwise. `null` with fewer than 2 rows, where scikit-learn returns NaN. Validates its input.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number | null {
  validateRegressionInput({ yTrue, yPred });
  return r2(yTrue, yPred);
}

function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number | null {
  const n = yTrue.length;
  if (n < 2) return null;
  const total = new CompensatedSum();
  for (let i = 0; i < n; i++) total.add(yTrue[i] as number);
  const mean = total.value() / n;
  const ssTot = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = (yTrue[i] as number) - mean;
    ssTot.add(d * d);
  }
  const numerator = sse(yTrue, yPred);
  const denominator = ssTot.value();
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/**
 * Mean absolute percentage error, as scikit-learn's `mean_absolute_percentage_error`: the mean of
 * |ŷ − y| / max(|y|, ε) with ε = 2⁻⁵² (float64 machine epsilon), so a zero target with a non-zero
 * error gives a huge value (not Infinity), and is a fraction, not a percentage. Validates its input.
 */
export function meanAbsolutePercentageError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  validateRegressionInput({ yTrue, yPred });
  return mape(yTrue, yPred);
}

function mape(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const sum = new CompensatedSum();
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i] as number;
    const a = Math.abs(y);
    sum.add(Math.abs((yPred[i] as number) - y) / Math.max(a, Number.EPSILON));
  }
  return sum.value() / yTrue.length;
}

/** Computes every regression metric (see {@link RegressionMetrics}) after validating the input once. */
export function regressionMetrics(input: RegressionInput): RegressionMetrics {
  validateRegressionInput(input);
  const { yTrue, yPred } = input;
  const mse = sse(yTrue, yPred) / yTrue.length;
  return {
    mae: mae(yTrue, yPred),
    mse,
    rmse: Math.sqrt(mse),
    r2: r2(yTrue, yPred),
    mape: mape(yTrue, yPred),
  };
}
