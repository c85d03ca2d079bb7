/**
 * Automatic caveats and recommendations for a model card: what modelgate can see is shaky about a
 * run (small slices, undefined metrics, a failed or pending gate, a failed run, a dirty tree).
 */
import type { RunRecord } from '../config/run-record.js';
import type { GateResult } from '../diff/types.js';
import type { CardCaveat, CardCaveats, CardMetricRow, CardSliceAnalysis } from './types.js';

/** Slices with fewer evaluation rows than this get a caveat (their metrics are unreliable). */
export const SMALL_SLICE_ROWS = 30;

/** What {@link cardCaveats} looks at. */
export interface CaveatInputs {
  run: RunRecord;
  /** model.yml `name` (a caveat when it differs from the run's model). */
  modelName: string;
  /** model.yml `limitations`. */
  limitations: string;
  metrics: CardMetricRow[];
  slices: CardSliceAnalysis[];
  gate: GateResult | undefined;
  approver: string | null;
  smallSlice: number;
}

/** Caveats found in the run, its slices and the gate's result, plus recommendations that follow from them. */
export function cardCaveats(inputs: CaveatInputs): CardCaveats {
  const { run, gate, approver, smallSlice } = inputs;
  const items: CardCaveat[] = [];
  if (run.status === 'failed') {
    items.push({ kind: 'run-failed', message: `The run failed${run.error ? `: ${run.error}` : '.'}` });
  }
  if (run.model !== inputs.modelName) {
    items.push({
      kind: 'model-mismatch',
      message: `The run record is for model "${run.model}" but the model.yml is for "${inputs.modelName}".`,
    });
  }
  if (run.git.dirty) {
    items.push({
      kind: 'dirty-tree',
      message:
        'The run trained from a working tree with uncommitted changes: the git SHA alone does not reproduce it.',
    });
  }
  for (const m of inputs.metrics) {
    if (m.value === null) {
      items.push({
        kind: 'null-metric',
        message: `Metric ${m.name} is undefined on the evaluation data (for example, only one class present) and is reported as n/a.`,
      });
    }
  }
  for (const s of inputs.slices) {
    for (const g of s.groups) {
      if (g.small) {
        items.push({
          kind: 'small-slice',
          message: `Slice ${s.column} = ${g.value} has only ${g.count} evaluation rows (fewer than ${smallSlice}): its metrics are unreliable.`,
        });
      }
    }
    for (const name of s.metric_names) {
      const undef = s.groups.filter((g) => g.metrics.some((m) => m.name === name && m.value === null));
      if (undef.length > 0) {
        items.push({
          kind: 'null-metric',
          message: `Metric ${name} is undefined on slice ${s.column} for: ${undef.map((g) => g.value).join(', ')}.`,
        });
      }
    }
  }
  for (const r of gate?.reasons ?? []) {
    if (r.level === 'fail') items.push({ kind: 'gate-fail', message: r.message });
    else if (r.level === 'needs-approval') items.push({ kind: 'gate-needs-approval', message: r.message });
  }
  return { limitations: inputs.limitations, items, recommendations: recommendations(items, gate, approver) };
}

function recommendations(
  items: CardCaveat[],
  gate: GateResult | undefined,
  approver: string | null,
): string[] {
  const kinds = new Set(items.map((i) => i.kind));
  const out: string[] = [];
  if (kinds.has('run-failed')) out.push('Do not release a failed run; fix the failure and retrain.');
  if (gate?.verdict === 'fail') out.push("Do not release this model until the gate's failures are fixed.");
  if (gate?.verdict === 'needs-approval' && approver === null) {
    out.push('A reviewer must approve the flagged changes before this model is released.');
  }
  if (kinds.has('small-slice')) {
    out.push(
      'Collect more evaluation data for the small slices before relying on their metrics or fairness gaps.',
    );
  }
  if (kinds.has('dirty-tree')) out.push('Retrain from a clean commit so the release is reproducible.');
  return out;
}
