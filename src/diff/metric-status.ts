/** How a metric moved between two runs: delta, relative delta and status (see `MetricStatus`). */
import type { Direction, MetricStatus } from './types.js';

/** The numeric part of a metric comparison. */
export interface MetricMove {
  /** candidate - baseline (null when either value is null or not finite). */
  delta: number | null;
  /** delta / |baseline| (null when the baseline is 0 or the delta is null). */
  relative: number | null;
  /** The status (see `MetricStatus`). */
  status: MetricStatus;
}

/** A finite number, or null for null, undefined, NaN and infinities. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Compares one metric of two runs. Rules, in order:
 * - the metric is absent from the baseline (or there is no baseline): `new`;
 * - absent from the candidate: `removed`;
 * - either value null or not finite: `undefined` (no delta);
 * - equal values: `unchanged`;
 * - with a bootstrap CI of the delta: `improved` / `regressed` (by `direction`) only when the CI
 *   lies entirely on one side of 0, else `within-noise`;
 * - without a CI: `improved` / `regressed` by the sign of the delta.
 */
export function metricMove(
  direction: Direction,
  baseline: { present: boolean; value: number | null },
  candidate: { present: boolean; value: number | null },
  ci: [number, number] | null = null,
): MetricMove {
  if (!baseline.present) return { delta: null, relative: null, status: 'new' };
  if (!candidate.present) return { delta: null, relative: null, status: 'removed' };
  const b = finiteOrNull(baseline.value);
  const c = finiteOrNull(candidate.value);
  if (b === null || c === null) return { delta: null, relative: null, status: 'undefined' };
  const delta = c - b;
  const relative = b === 0 ? null : delta / Math.abs(b);
  if (delta === 0) return { delta, relative, status: 'unchanged' };
  const better = (d: number) => (direction === 'higher' ? d > 0 : d < 0);
  if (ci !== null) {
    const [low, high] = ci;
    if (low > 0 || high < 0)
      return { delta, relative, status: better(low > 0 ? 1 : -1) ? 'improved' : 'regressed' };
    return { delta, relative, status: 'within-noise' };
  }
  return { delta, relative, status: better(delta) ? 'improved' : 'regressed' };
}
