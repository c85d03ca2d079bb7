/**
 * The metric parts of a model card: overall metric rows, per-slice analyses with fairness gaps,
 * feature importance and the Hugging Face `model-index` metrics. Pure functions over a run record.
 */
import type { MetricMap, RunRecord, SliceReport } from '../config/run-record.js';
import { metricDirection, metricNames } from '../metrics/index.js';
import { formatMetric } from '../runs/format.js';
import type { CardFeature, CardHfMetric, CardMetricRow, CardSliceAnalysis } from './types.js';

type Task = RunRecord['task'];

/** The primary metric of each task, in preference order (the metric permutation importance uses). */
export const PRIMARY_METRICS: Record<Task, readonly string[]> = {
  binary: ['roc_auc', 'log_loss'],
  multiclass: ['accuracy'],
  regression: ['r2', 'rmse'],
};

/** The metrics shown per slice value, when present, per task. */
export const KEY_SLICE_METRICS: Record<Task, readonly string[]> = {
  binary: ['roc_auc', 'accuracy', 'precision', 'recall'],
  multiclass: ['accuracy', 'f1_macro', 'log_loss'],
  regression: ['r2', 'rmse', 'mae'],
};

/** Display names of the standard metrics (Hugging Face `name`); other names are shown as they are. */
export const METRIC_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  accuracy: 'Accuracy',
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1',
  roc_auc: 'ROC AUC',
  average_precision: 'Average precision',
  log_loss: 'Log loss',
  brier: 'Brier score',
  ece: 'Expected calibration error',
  f1_macro: 'F1 (macro)',
  f1_weighted: 'F1 (weighted)',
  precision_macro: 'Precision (macro)',
  recall_macro: 'Recall (macro)',
  mae: 'Mean absolute error',
  mse: 'Mean squared error',
  rmse: 'Root mean squared error',
  r2: 'R²',
  mape: 'Mean absolute percentage error',
};

/** Metric names ordered: the task's standard metrics first (in their display order), then the rest as given. */
export function orderMetricNames(task: Task, names: Iterable<string>): string[] {
  const present = new Set(names);
  const standard = metricNames(task).filter((n) => present.has(n));
  const rest = [...present].filter((n) => !standard.includes(n));
  return [...standard, ...rest];
}

/** The task's primary metric among `metrics` (the first preferred one with a value), else the first name, else null. */
export function primaryMetric(task: Task, metrics: MetricMap): string | null {
  for (const name of PRIMARY_METRICS[task]) {
    const v = metrics[name];
    if (v !== undefined && v !== null) return name;
  }
  return orderMetricNames(task, Object.keys(metrics))[0] ?? null;
}

/** Overall metric rows, standard metrics first, with formatted values and directions. */
export function metricRows(task: Task, metrics: MetricMap, primary: string | null): CardMetricRow[] {
  return orderMetricNames(task, Object.keys(metrics)).map((name) => {
    const value = metrics[name] ?? null;
    const direction = metricDirection(name);
    return {
      name,
      value,
      formatted: formatMetric(value),
      direction,
      arrow: direction === 'higher' ? '↑' : '↓',
      primary: name === primary,
    };
  });
}

/** The key metric names present in a slice report's groups (at most `limit`), else its first names. */
export function sliceMetricNames(task: Task, report: SliceReport, limit = 4): string[] {
  const present = new Set(report.groups.flatMap((g) => Object.keys(g.metrics)));
  const key = KEY_SLICE_METRICS[task].filter((n) => present.has(n));
  return (key.length > 0 ? key : orderMetricNames(task, present)).slice(0, limit);
}

/** Per-slice analyses: each value's count and key metrics, the column's fairness gaps. */
export function sliceAnalyses(task: Task, slices: SliceReport[], smallSlice: number): CardSliceAnalysis[] {
  return slices.map((report) => {
    const names = sliceMetricNames(task, report);
    return {
      column: report.column,
      metric_names: names,
      groups: report.groups.map((g) => ({
        value: g.value,
        count: g.count,
        small: g.count < smallSlice,
        metrics: names.map((name) => {
          const value = g.metrics[name] ?? null;
          return { name, value, formatted: formatMetric(value) };
        }),
      })),
      gaps: Object.entries(report.gaps).map(([name, value]) => ({
        name,
        value,
        formatted: formatMetric(value),
      })),
    };
  });
}

/** The `top` most important features, ranked by permutation importance (descending). */
export function topFeatures(importance: RunRecord['importance'], top: number): CardFeature[] {
  return [...(importance ?? [])]
    .sort((a, b) => b.importance - a.importance)
    .slice(0, Math.max(0, top))
    .map((f, i) => ({
      rank: i + 1,
      feature: f.feature,
      importance: f.importance,
      formatted: formatMetric(f.importance),
      std: formatMetric(f.std),
    }));
}

/** Overall metrics with a finite value, in Hugging Face `model-index` form. */
export function huggingFaceMetrics(rows: CardMetricRow[]): CardHfMetric[] {
  return rows.flatMap((r) =>
    r.value !== null && Number.isFinite(r.value)
      ? [{ type: r.name, value: r.value, name: METRIC_DISPLAY_NAMES[r.name] ?? r.name }]
      : [],
  );
}
