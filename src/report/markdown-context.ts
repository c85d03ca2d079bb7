/**
 * What every block of the markdown report needs to know about the comparison: the diff, the
 * verdict, which metrics the gate's reasons name, and where the full report can be found.
 */
import type { GateResult, RunDiff, SliceRef } from '../diff/types.js';
import { link } from './markdown-format.js';

/** Shared, precomputed facts for the report's blocks. */
export interface ReportContext {
  diff: RunDiff;
  gate: GateResult;
  hasBaseline: boolean;
  /** The markdown phrase an omission note ends with: `see [the run](...)` or `see the run artifact`. */
  see: string;
  /** Overall metric names named by a failing or needs-approval reason. */
  gateMetrics: ReadonlySet<string>;
  /** Slice metrics (see {@link sliceKey}) named by a failing or needs-approval reason. */
  gateSliceMetrics: ReadonlySet<string>;
}

/** The key of a metric on a slice value. */
export function sliceKey(slice: SliceRef, name: string): string {
  return `${slice.column}\u0000${slice.value}\u0000${name}`;
}

/** Builds the {@link ReportContext} of a diff and its verdict. */
export function reportContext(diff: RunDiff, gate: GateResult, runUrl?: string): ReportContext {
  const gateMetrics = new Set<string>();
  const gateSliceMetrics = new Set<string>();
  for (const r of gate.reasons) {
    if (r.level === 'info' || r.metric === undefined) continue;
    if (r.slice) gateSliceMetrics.add(sliceKey(r.slice, r.metric));
    else gateMetrics.add(r.metric);
  }
  const run = link('the run', runUrl);
  return {
    diff,
    gate,
    hasBaseline: diff.baseline !== null,
    see: run === 'the run' ? 'see the HTML report or the run artifact' : `see ${run} and its artifacts`,
    gateMetrics,
    gateSliceMetrics,
  };
}
