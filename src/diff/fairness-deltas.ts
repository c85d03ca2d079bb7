/** Fairness gaps per slice column in both runs, with the configured limits. */
import type { RepoModel } from '../config/repo-config.js';
import type { RunRecord } from '../config/run-record.js';
import { finiteOrNull } from './metric-status.js';
import type { FairnessDelta } from './types.js';

/** The fairness settings of a model in `.github/modelgate.yml`. */
export type FairnessLimits = NonNullable<RepoModel['fairness']>;

/**
 * The limit that applies to gap `name` on slice column `column`: `max_demographic_parity_difference`
 * / `max_equal_opportunity_difference`, on `fairness.slice` only when it is set, else on every
 * slice column; null when none applies.
 */
export function fairnessLimit(
  fairness: FairnessLimits | undefined,
  column: string,
  name: string,
): number | null {
  if (!fairness) return null;
  if (fairness.slice !== undefined && fairness.slice !== column) return null;
  if (name === 'demographic_parity_difference') return fairness.max_demographic_parity_difference ?? null;
  if (name === 'equal_opportunity_difference') return fairness.max_equal_opportunity_difference ?? null;
  return null;
}

/**
 * One entry per slice column and gap name found in either run (the candidate's order first), with
 * both values, the delta (null when either is null) and the limit from `fairness` (null without one).
 */
export function fairnessDeltas(
  baseline: RunRecord | null,
  candidate: RunRecord,
  fairness?: FairnessLimits,
): FairnessDelta[] {
  const baseSlices = baseline?.metrics.slices ?? [];
  const columns = candidate.metrics.slices.map((s) => s.column);
  for (const s of baseSlices) if (!columns.includes(s.column)) columns.push(s.column);
  const out: FairnessDelta[] = [];
  for (const column of columns) {
    const cg = candidate.metrics.slices.find((s) => s.column === column)?.gaps ?? {};
    const bg = baseSlices.find((s) => s.column === column)?.gaps ?? {};
    const names = Object.keys(cg);
    for (const n of Object.keys(bg)) if (!names.includes(n)) names.push(n);
    for (const name of names) {
      const c = cg[name] ?? null;
      const b = bg[name] ?? null;
      const fc = finiteOrNull(c);
      const fb = finiteOrNull(b);
      out.push({
        column,
        name,
        baseline: b,
        candidate: c,
        delta: fc === null || fb === null ? null : fc - fb,
        limit: fairnessLimit(fairness, column, name),
      });
    }
  }
  return out;
}
