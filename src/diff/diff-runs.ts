/**
 * `diffRuns`: everything that differs between a candidate run and its baseline — metrics overall and
 * per slice (with paired-bootstrap intervals when per-example predictions of both runs are given),
 * fairness gaps, parameters, data and environment. Pure: records and examples in, a `RunDiff` out.
 */
import type { MetricRule } from '../config/repo-config.js';
import type { RunRecord } from '../config/run-record.js';
import { dataDiff } from './data-diff.js';
import { environmentDiff } from './environment-diff.js';
import { type FairnessLimits, fairnessDeltas } from './fairness-deltas.js';
import { metricDeltas, metricKey } from './metric-deltas.js';
import { finiteOrNull, metricMove } from './metric-status.js';
import { pairExamples, sameEvaluationRows } from './pair-examples.js';
import { type BootstrapOptions, type BootstrapTarget, pairedBootstrap } from './paired-bootstrap.js';
import { paramsDiff } from './params-diff.js';
import type { BootstrapInfo, Examples, MetricDelta, RunDiff, RunRef } from './types.js';

/** The input of {@link diffRuns}. */
export interface DiffRunsInput {
  /** The baseline run (the latest release), or null for the first model. */
  baseline: RunRecord | null;
  /** The candidate run. */
  candidate: RunRecord;
  /** Gate rules: their `direction` overrides the metric's default direction. */
  rules?: readonly MetricRule[];
  /** Fairness limits, copied into `fairness[].limit` (the gate applies them). */
  fairness?: FairnessLimits;
  /** Per-example predictions of both runs, for the paired bootstrap; null or absent: no intervals. */
  examples?: { baseline: Examples; candidate: Examples } | null;
  /** Bootstrap settings (resamples 1000, confidence 0.95, seed 42; see `pairedBootstrap`). */
  bootstrap?: BootstrapOptions;
  /** The baseline's registered version `X.Y.Z`, shown in `baseline.version`. */
  baselineVersion?: string;
}

/** The short identity of a run. */
export function runRef(run: RunRecord, version?: string): RunRef {
  return {
    id: run.id,
    model: run.model,
    ...(version !== undefined ? { version } : {}),
    git_sha: run.git.sha,
    branch: run.git.branch,
    created_at: run.created_at,
  };
}

/** Metric names per slice (null: overall) whose values exist in both runs, for the bootstrap. */
function bootstrapTargets(metrics: readonly MetricDelta[]): BootstrapTarget[] {
  const targets = new Map<string, BootstrapTarget>();
  for (const m of metrics) {
    if (finiteOrNull(m.baseline) === null || finiteOrNull(m.candidate) === null) continue;
    const key = m.slice === null ? '' : `${m.slice.column}\u0000${m.slice.value}`;
    let t = targets.get(key);
    if (!t) {
      t = { slice: m.slice, names: [] };
      targets.set(key, t);
    }
    t.names.push(m.name);
  }
  return [...targets.values()];
}

/**
 * Compares a candidate run with its baseline.
 *
 * - Metrics: every metric overall, then per slice value (matched by column and value), direction from
 *   the rule, else `metricDirection`; delta, relative delta and status (see `metricMove`). No baseline:
 *   every metric `new` and `baseline: null`.
 * - Paired bootstrap, when `examples` of both runs are given, the runs can be paired (by id, else by
 *   position when they evaluated identical data; see `pairExamples`) and resamples > 0: intervals for
 *   overall metrics, and slice metrics within the budget (see `pairedBootstrap`); a metric with an
 *   interval gets `within-noise` when it contains 0. Otherwise `bootstrap: null` and statuses by sign.
 * - Fairness gaps per slice column, params (dotted paths), data (train / eval) and environment.
 */
export function diffRuns(input: DiffRunsInput): RunDiff {
  const { baseline, candidate } = input;
  const rules = input.rules ?? [];
  let metrics = metricDeltas(baseline, candidate, rules);
  let bootstrap: BootstrapInfo | null = null;
  if (baseline && input.examples) {
    const pairing = pairExamples(
      input.examples.baseline,
      input.examples.candidate,
      sameEvaluationRows(baseline, candidate),
    );
    const result = pairing
      ? pairedBootstrap({
          baseline: input.examples.baseline,
          candidate: input.examples.candidate,
          pairing,
          targets: bootstrapTargets(metrics),
          ...(input.bootstrap ? { options: input.bootstrap } : {}),
        })
      : null;
    if (result) {
      bootstrap = result.info;
      metrics = metrics.map((m) => {
        const ci = result.intervals.get(metricKey(m.name, m.slice));
        if (!ci) return m;
        const move = metricMove(
          m.direction,
          { present: true, value: m.baseline },
          { present: true, value: m.candidate },
          ci,
        );
        return { ...m, ...move, ci };
      });
    }
  }
  return {
    model: candidate.model,
    task: candidate.task,
    baseline: baseline ? runRef(baseline, input.baselineVersion) : null,
    candidate: runRef(candidate),
    metrics,
    fairness: fairnessDeltas(baseline, candidate, input.fairness),
    params: baseline ? paramsDiff(baseline.params, candidate.params) : [],
    data: dataDiff(baseline, candidate),
    environment: environmentDiff(baseline, candidate),
    bootstrap,
  };
}
