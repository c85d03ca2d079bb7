/**
 * Performance drift: metrics of the deployed model on labelled current data against the metrics
 * recorded for its release. Kept simple: a metric is degraded when it is worse than the release's
 * value (in the metric's direction, `metricDirection`: lower is better for losses and errors) by
 * more than an absolute tolerance (default 0.01, overridable per metric). A metric known on one
 * side only is listed with a null delta and never counts as degraded.
 */
import { metricDirection } from '../metrics/names.js';
import type { ModelDrift } from './types.js';

/** The default absolute worsening tolerated before a metric counts as degraded. */
export const DEFAULT_PERFORMANCE_TOLERANCE = 0.01;

/** Metrics of the release and of the current labelled data, keyed by metric name. */
export interface PerformanceInput {
  releaseMetrics: Readonly<Record<string, number | null | undefined>>;
  currentMetrics: Readonly<Record<string, number | null | undefined>>;
  /** Absolute tolerance: one number for every metric, or per metric (others get the default). */
  tolerance?: number | Readonly<Record<string, number>>;
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Compares the metrics (see the module comment): one entry per metric name of either side, in the
 * release's order then the current-only names; `delta` = current - release.
 */
export function comparePerformance(input: PerformanceInput): NonNullable<ModelDrift['performance']> {
  const names = [...new Set([...Object.keys(input.releaseMetrics), ...Object.keys(input.currentMetrics)])];
  return names.map((metric) => {
    const reference = finite(input.releaseMetrics[metric]);
    const current = finite(input.currentMetrics[metric]);
    const delta = reference !== null && current !== null ? current - reference : null;
    const tolerance =
      typeof input.tolerance === 'number'
        ? input.tolerance
        : (input.tolerance?.[metric] ?? DEFAULT_PERFORMANCE_TOLERANCE);
    const worse = delta === null ? 0 : metricDirection(metric) === 'higher' ? -delta : delta;
    return { metric, reference, current, delta, degraded: worse > tolerance };
  });
}
