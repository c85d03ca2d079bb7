/**
 * Evaluation metrics (scikit-learn's definitions), per-slice metrics and fairness gaps. Pure
 * functions: data in, data out.
 */
export {
  averagePrecision,
  type BinaryInput,
  type BinaryMetrics,
  binaryLogLoss,
  binaryMetrics,
  brierScore,
  type ConfusionCounts,
  confusionCounts,
  DEFAULT_THRESHOLD,
  ECE_BINS,
  expectedCalibrationError,
  precisionRecallF1,
  rankingMetrics,
  rocAuc,
  validateBinaryInput,
} from './binary.js';
export { checkInputShape, computeMetrics, type MetricInput, type MetricValues } from './compute.js';
export {
  type FairnessGaps,
  type FairnessGroupRates,
  type FairnessReport,
  fairnessFromGroups,
  fairnessGaps,
  fairnessReport,
} from './fairness.js';
export { groupRows, groupSlices, MISSING_SLICE, type SliceGroups, type SliceValue } from './groups.js';
export {
  argmaxRows,
  type MulticlassInput,
  type MulticlassMetrics,
  multiclassLogLoss,
  multiclassMetrics,
  validateMulticlassInput,
} from './multiclass.js';
export {
  FAIRNESS_GAP_NAMES,
  METRIC_NAMES,
  type MetricDirection,
  type MetricTask,
  metricDirection,
  metricNames,
} from './names.js';
export {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  type RegressionInput,
  type RegressionMetrics,
  r2Score,
  regressionMetrics,
  rootMeanSquaredError,
  validateRegressionInput,
} from './regression.js';
export { type SliceGroupMetrics, type SliceMetricsReport, sliceMetrics } from './slices.js';
export { CompensatedSum } from './sum.js';
