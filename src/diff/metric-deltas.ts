/** Metric-by-metric comparison of two run records, overall and per slice value (no bootstrap here). */

import type { MetricRule } from '../config/repo-config.js';
import type { MetricMap, RunRecord } from '../config/run-record.js';
import { metricDirection } from '../metrics/index.js';
import { metricMove } from './metric-status.js';
import type { Direction, MetricDelta, SliceRef } from './types.js';

/** Which way a metric is better: the rule's `direction` when a rule names it, else `metricDirection(name)`. */
export function directionOf(name: string, rules: readonly MetricRule[] = []): Direction {
  return rules.find((r) => r.name === name)?.direction ?? metricDirection(name);
}

/** A stable key for one metric on one slice value (`roc_auc`, `roc_auc@gender=female`). */
export function metricKey(name: string, slice: SliceRef | null): string {
  return slice === null ? name : `${name}@${slice.column}=${slice.value}`;
}

function has(map: MetricMap | undefined, name: string): boolean {
  return map !== undefined && Object.hasOwn(map, name);
}

function compareMaps(
  baseline: MetricMap | undefined,
  candidate: MetricMap | undefined,
  slice: SliceRef | null,
  rules: readonly MetricRule[],
  count: number | undefined,
): MetricDelta[] {
  const names = [...Object.keys(candidate ?? {})];
  for (const name of Object.keys(baseline ?? {})) if (!has(candidate, name)) names.push(name);
  return names.map((name) => {
    const direction = directionOf(name, rules);
    const b = { present: has(baseline, name), value: baseline?.[name] ?? null };
    const c = { present: has(candidate, name), value: candidate?.[name] ?? null };
    const move = metricMove(direction, b, c);
    return {
      name,
      slice,
      direction,
      baseline: b.present ? b.value : null,
      candidate: c.present ? c.value : null,
      ...move,
      ci: null,
      ...(count !== undefined && c.present ? { count } : {}),
    };
  });
}

/**
 * Every metric of both runs: the overall ones first (the candidate's order, then the baseline's
 * metrics the candidate lacks, as `removed`), then per slice column and value, slice values matched by
 * column and value (the candidate's order, then values only the baseline has). With no baseline every
 * metric is `new`. `ci` is null here; the paired bootstrap fills it in.
 */
export function metricDeltas(
  baseline: RunRecord | null,
  candidate: RunRecord,
  rules: readonly MetricRule[] = [],
): MetricDelta[] {
  const out = compareMaps(baseline?.metrics.overall, candidate.metrics.overall, null, rules, undefined);
  const baseSlices = baseline?.metrics.slices ?? [];
  const columns = candidate.metrics.slices.map((s) => s.column);
  for (const s of baseSlices) if (!columns.includes(s.column)) columns.push(s.column);
  for (const column of columns) {
    const cs = candidate.metrics.slices.find((s) => s.column === column);
    const bs = baseSlices.find((s) => s.column === column);
    const values = (cs?.groups ?? []).map((g) => g.value);
    for (const g of bs?.groups ?? []) if (!values.includes(g.value)) values.push(g.value);
    for (const value of values) {
      const cg = cs?.groups.find((g) => g.value === value);
      const bg = bs?.groups.find((g) => g.value === value);
      // Without a baseline run everything is new; a slice value the baseline lacks is new too.
      const baseMetrics = baseline === null ? undefined : (bg?.metrics ?? undefined);
      out.push(...compareMaps(baseMetrics, cg?.metrics, { column, value }, rules, cg?.count));
    }
  }
  return out;
}
