/**
 * Metric names per task and the direction in which each metric improves.
 */

/** The tasks the metrics know. */
export type MetricTask = 'binary' | 'multiclass' | 'regression';

/** The metrics {@link computeMetrics} returns for each task, in display order. */
export const METRIC_NAMES = {
  binary: [
    'accuracy',
    'precision',
    'recall',
    'f1',
    'roc_auc',
    'average_precision',
    'log_loss',
    'brier',
    'ece',
  ],
  multiclass: ['accuracy', 'f1_macro', 'f1_weighted', 'precision_macro', 'recall_macro', 'log_loss'],
  regression: ['mae', 'rmse', 'mse', 'r2', 'mape'],
} as const satisfies Record<MetricTask, readonly string[]>;

/** The names of the fairness gaps computed over a slice column (binary tasks). */
export const FAIRNESS_GAP_NAMES = ['demographic_parity_difference', 'equal_opportunity_difference'] as const;

/** Whether a larger or a smaller value of a metric is better. */
export type MetricDirection = 'higher' | 'lower';

const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  'log_loss',
  'brier',
  'ece',
  'mae',
  'rmse',
  'mse',
  'mape',
  ...FAIRNESS_GAP_NAMES,
]);

/**
 * The default direction of a metric: `lower` for losses, errors and fairness gaps (`log_loss`,
 * `brier`, `ece`, `mae`, `rmse`, `mse`, `mape`, `demographic_parity_difference`,
 * `equal_opportunity_difference`), `higher` for every other name, unknown names included.
 */
export function metricDirection(name: string): MetricDirection {
  return LOWER_IS_BETTER.has(name) ? 'lower' : 'higher';
}

/** The metric names {@link computeMetrics} returns for `task`. */
export function metricNames(task: MetricTask): readonly string[] {
  return METRIC_NAMES[task];
}
