/**
 * One entry point for all tasks: `computeMetrics(task, input)`.
 */
import { DataError, describeValue } from '../errors.js';
import { type BinaryInput, type BinaryMetrics, binaryMetrics } from './binary.js';
import { type MulticlassInput, type MulticlassMetrics, multiclassMetrics } from './multiclass.js';
import type { MetricTask } from './names.js';
import { type RegressionInput, type RegressionMetrics, regressionMetrics } from './regression.js';

/** The input of {@link computeMetrics} for any task. */
export type MetricInput = BinaryInput | MulticlassInput | RegressionInput;

/** Metric values keyed by metric name; `null` where a metric is undefined for the data. */
export type MetricValues = Record<string, number | null>;

const SHAPES: Record<MetricTask, readonly string[]> = {
  binary: ['yTrue', 'score'],
  multiclass: ['yTrue', 'proba', 'classes'],
  regression: ['yTrue', 'yPred'],
};

/**
 * Checks that `input` has the fields `task` needs (binary: yTrue, score; multiclass: yTrue, proba,
 * classes; regression: yTrue, yPred) and throws a `DataError` naming the task and the missing field.
 * Values are checked later, by the metric functions.
 */
export function checkInputShape(task: MetricTask, input: unknown): void {
  const fields = SHAPES[task];
  if (fields === undefined) {
    throw new DataError(`unknown task ${describeValue(task)} (expected binary, multiclass or regression)`);
  }
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  for (const field of fields) {
    if (record[field] === undefined || record[field] === null) {
      throw new DataError(`${task} metrics: input needs ${fields.join(', ')} (missing ${field})`);
    }
  }
}

/**
 * Computes every metric of a task (names as in `METRIC_NAMES[task]`) after validating the input;
 * bad input throws a `DataError` that names the problem and the first offending index and value.
 * - binary: `{ yTrue (0/1), score (P(positive) in [0, 1]), threshold? (0.5) }`
 * - multiclass: `{ yTrue (class indexes), proba (flat row-major n × k), classes }`
 * - regression: `{ yTrue, yPred }`
 */
export function computeMetrics(task: 'binary', input: BinaryInput): BinaryMetrics;
export function computeMetrics(task: 'multiclass', input: MulticlassInput): MulticlassMetrics;
export function computeMetrics(task: 'regression', input: RegressionInput): RegressionMetrics;
export function computeMetrics(task: MetricTask, input: MetricInput): MetricValues;
export function computeMetrics(task: MetricTask, input: MetricInput): MetricValues {
  checkInputShape(task, input);
  if (task === 'binary') return binaryMetrics(input as BinaryInput);
  if (task === 'multiclass') return multiclassMetrics(input as MulticlassInput);
  return regressionMetrics(input as RegressionInput);
}
