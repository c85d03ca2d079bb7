/**
 * Metrics per slice: the rows are grouped by the values of one column (e.g. a sensitive attribute),
 * every metric of the task is computed per group, and for binary tasks the fairness gaps between the
 * groups are added.
 */
import { type BinaryInput, binaryMetrics, validateBinaryInput } from './binary.js';
import { checkInputShape, type MetricValues } from './compute.js';
import { type FairnessGaps, fairnessFromGroups } from './fairness.js';
import { groupRows, groupSlices, type SliceValue } from './groups.js';
import { type MulticlassInput, multiclassMetrics, validateMulticlassInput } from './multiclass.js';
import type { MetricTask } from './names.js';
import { type RegressionInput, regressionMetrics, validateRegressionInput } from './regression.js';

/** The metrics of one slice value (the shape of a slice group in run.json). */
export interface SliceGroupMetrics {
  /** The slice value as a string (missing values as "(missing)"). */
  value: string;
  /** Rows with this value. */
  count: number;
  /** The task's metrics on these rows (same names as `computeMetrics`). */
  metrics: MetricValues;
}

/**
 * The metrics of every value of one slice column, and the fairness gaps for binary tasks (the shape
 * of a slice report in run.json).
 */
export interface SliceMetricsReport {
  /** The slice column's name. */
  column: string;
  /** One entry per value, in the order of `groupSlices` (numbers ascending, strings, "(missing)" last). */
  groups: SliceGroupMetrics[];
  /**
   * Binary tasks: `demographic_parity_difference` and `equal_opportunity_difference` (see
   * `fairnessReport`); other tasks: `{}`.
   */
  gaps: Partial<FairnessGaps>;
}

function pick(values: ArrayLike<number>, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = values[rows[r] as number] as number;
  return out;
}

function pickRows(proba: ArrayLike<number>, k: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * k);
  for (let r = 0; r < rows.length; r++) {
    const base = (rows[r] as number) * k;
    for (let j = 0; j < k; j++) out[r * k + j] = proba[base + j] as number;
  }
  return out;
}

/**
 * Computes the task's metrics for every value of a slice column (`null`, `undefined`, NaN → the group
 * "(missing)"; values grouped by their string form), with each group's row count, plus
 * `demographic_parity_difference` and `equal_opportunity_difference` for binary tasks (per-group
 * selection and true positive rates are in `fairnessReport`). The whole input is validated first, so errors
 * name indexes of the full data; a column of the wrong length throws a `DataError`.
 */
export function sliceMetrics(
  task: 'binary',
  input: BinaryInput,
  column: string,
  values: ArrayLike<SliceValue>,
): SliceMetricsReport;
export function sliceMetrics(
  task: 'multiclass',
  input: MulticlassInput,
  column: string,
  values: ArrayLike<SliceValue>,
): SliceMetricsReport;
export function sliceMetrics(
  task: 'regression',
  input: RegressionInput,
  column: string,
  values: ArrayLike<SliceValue>,
): SliceMetricsReport;
export function sliceMetrics(
  task: MetricTask,
  input: BinaryInput | MulticlassInput | RegressionInput,
  column: string,
  values: ArrayLike<SliceValue>,
): SliceMetricsReport;
export function sliceMetrics(
  task: MetricTask,
  input: BinaryInput | MulticlassInput | RegressionInput,
  column: string,
  values: ArrayLike<SliceValue>,
): SliceMetricsReport {
  checkInputShape(task, input);
  if (task === 'binary') {
    const binary = input as BinaryInput;
    const threshold = validateBinaryInput(binary);
    const groups = groupSlices(values, column, binary.yTrue.length);
    const fairness = fairnessFromGroups(binary, groups, threshold);
    const rows = groupRows(groups);
    return {
      column,
      groups: groups.values.map((value, c) => {
        const r = rows[c]!;
        return {
          value,
          count: r.length,
          metrics: binaryMetrics({ yTrue: pick(binary.yTrue, r), score: pick(binary.score, r), threshold }),
        };
      }),
      gaps: fairness.gaps,
    };
  }
  if (task === 'multiclass') {
    const multi = input as MulticlassInput;
    validateMulticlassInput(multi);
    const k = multi.classes.length;
    const groups = groupSlices(values, column, multi.yTrue.length);
    const rows = groupRows(groups);
    return {
      column,
      groups: groups.values.map((value, c) => {
        const r = rows[c]!;
        const metrics = multiclassMetrics({
          yTrue: pick(multi.yTrue, r),
          proba: pickRows(multi.proba, k, r),
          classes: multi.classes,
        });
        return { value, count: r.length, metrics };
      }),
      gaps: {},
    };
  }
  const reg = input as RegressionInput;
  validateRegressionInput(reg);
  const groups = groupSlices(values, column, reg.yTrue.length);
  const rows = groupRows(groups);
  return {
    column,
    groups: groups.values.map((value, c) => {
      const r = rows[c]!;
      return {
        value,
        count: r.length,
        metrics: regressionMetrics({ yTrue: pick(reg.yTrue, r), yPred: pick(reg.yPred, r) }),
      };
    }),
    gaps: {},
  };
}
