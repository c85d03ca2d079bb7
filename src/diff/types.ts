/**
 * The data model of a comparison between a candidate run and its baseline, and of the gate's
 * verdict. Produced by `src/diff/` (pure), consumed by the reports (`src/report/`), the model card,
 * the CLI (`modelgate diff --json`), and later the App and the Actions. Everything here is plain
 * JSON-serialisable data.
 */
import type { ColumnSchema } from '../data/types.js';

/** Which way a metric is better. */
export type Direction = 'higher' | 'lower';

/**
 * How a metric moved:
 * - `improved` / `regressed`: better / worse; with a bootstrap CI, only when the CI excludes 0;
 * - `within-noise`: the bootstrap CI of the delta contains 0;
 * - `unchanged`: exactly equal;
 * - `new`: only the candidate has it (or there is no baseline); `removed`: only the baseline has it;
 * - `undefined`: a value is null (e.g. roc_auc with one class) so no delta exists.
 */
export type MetricStatus =
  | 'improved'
  | 'regressed'
  | 'within-noise'
  | 'unchanged'
  | 'new'
  | 'removed'
  | 'undefined';

/** A slice a metric was computed on: the slice column and one of its values. */
export interface SliceRef {
  column: string;
  value: string;
}

/** One metric, overall (`slice: null`) or on one slice value, in both runs. */
export interface MetricDelta {
  /** Metric name, e.g. `roc_auc`. */
  name: string;
  /** null for the overall value. */
  slice: SliceRef | null;
  /** Which way is better (config override, else the known default, else higher). */
  direction: Direction;
  /** Baseline value (null when absent or undefined). */
  baseline: number | null;
  /** Candidate value (null when absent or undefined). */
  candidate: number | null;
  /** candidate - baseline (null when either is null). */
  delta: number | null;
  /** delta / |baseline| (null when baseline is 0 or null). */
  relative: number | null;
  /** Paired-bootstrap confidence interval of the delta, `[low, high]`, or null without per-example data. */
  ci: [number, number] | null;
  /** How it moved. */
  status: MetricStatus;
  /** Rows in the slice (candidate), when known. */
  count?: number;
}

/** A fairness gap on a slice column in both runs. */
export interface FairnessDelta {
  /** Slice column, e.g. `gender`. */
  column: string;
  /** Gap name: `demographic_parity_difference` or `equal_opportunity_difference`. */
  name: string;
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  /** The configured limit, when any. */
  limit: number | null;
}

/** One changed parameter; `path` is dotted (`trainer.hidden`, `trainer.early_stopping.patience`). */
export interface ParamChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  baseline?: unknown;
  candidate?: unknown;
}

/** Schema differences of a dataset. */
export interface SchemaChange {
  added: ColumnSchema[];
  removed: ColumnSchema[];
  /** Same column, other type or nullability. */
  changed: { name: string; baseline: ColumnSchema; candidate: ColumnSchema }[];
}

/** How one dataset (train or eval) differs between the runs. */
export interface DataDelta {
  split: 'train' | 'eval';
  /** Whether the content hash differs (or one side is missing). */
  changed: boolean;
  baseline: { path: string; hash: string; rows: number } | null;
  candidate: { path: string; hash: string; rows: number } | null;
  /** candidate rows - baseline rows (null when a side is missing). */
  rowsDelta: number | null;
  schema: SchemaChange;
}

/** One environment field that differs (backend, GPU, node, modelgate version, runner, ...). */
export interface EnvironmentChange {
  field: string;
  baseline: unknown;
  candidate: unknown;
}

/** A short identity of a run in a diff. */
export interface RunRef {
  id: string;
  model: string;
  /** Registered version `X.Y.Z`, when the run is a release. */
  version?: string;
  git_sha: string | null;
  branch: string | null;
  created_at: string;
}

/** Settings and size of the paired bootstrap, when it ran. */
export interface BootstrapInfo {
  resamples: number;
  /** e.g. 0.95. */
  confidence: number;
  seed: number;
  /** Examples paired between the runs (by id, else by position when the eval data is identical). */
  paired: number;
  /** How rows were paired. */
  pairing: 'id' | 'position';
}

/** Everything that differs between a candidate run and its baseline. */
export interface RunDiff {
  model: string;
  task: 'binary' | 'multiclass' | 'regression';
  /** null: no baseline (the first model), a normal case. */
  baseline: RunRef | null;
  candidate: RunRef;
  /** Overall metrics first (in the candidate's order), then per-slice metrics. */
  metrics: MetricDelta[];
  fairness: FairnessDelta[];
  params: ParamChange[];
  data: DataDelta[];
  environment: EnvironmentChange[];
  /** null when no per-example data was available for both runs. */
  bootstrap: BootstrapInfo | null;
}

/** The gate's verdict. */
export type Verdict = 'pass' | 'needs-approval' | 'fail';

/** One reason behind a verdict. */
export interface GateReason {
  /** `fail` breaks the gate; `needs-approval` needs a reviewer; `info` is shown only. */
  level: 'fail' | 'needs-approval' | 'info';
  /** Stable machine code, e.g. `metric-regressed`, `metric-below-min`, `missing-required-metric`, `run-failed`, `nan-metric`, `schema-break`, `fairness-gap`. */
  code: string;
  /** One sentence for people. */
  message: string;
  /** The metric or gap concerned, when any. */
  metric?: string;
  slice?: SliceRef | null;
}

/** Semver bump decided for the release of this change. */
export interface BumpDecision {
  bump: 'major' | 'minor' | 'patch';
  /** Why: `label model:patch`, `config bump: minor`, `signature changed`, `default`. */
  reason: string;
}

/** The gate's outcome: verdict, every reason, and the release bump. */
export interface GateResult {
  verdict: Verdict;
  reasons: GateReason[];
  bump: BumpDecision;
  /** Who approved, once a reviewer accepted a `needs-approval` verdict. */
  approver?: string;
}

/**
 * Per-example evaluation data of one run (from its predictions file): what the paired bootstrap
 * resamples and what ROC / PR / calibration curves are drawn from. Arrays are aligned by row.
 */
export interface Examples {
  task: 'binary' | 'multiclass' | 'regression';
  /** Row ids (the model's `data.id` column), or null when the predictions have none. */
  ids: (string | null)[] | null;
  /** True labels: 0/1 (binary), class index into `classes` (multiclass), value (regression). */
  yTrue: Float64Array;
  /** Binary: P(positive). */
  score?: Float64Array;
  /** Multiclass: probabilities, row-major n x classes.length. */
  proba?: Float64Array;
  /** Multiclass: class names in `proba` column order. */
  classes?: string[];
  /** Regression: predictions. */
  yPred?: Float64Array;
  /** Binary decision threshold. */
  threshold: number;
  /** Slice column values per row (strings; null for missing). */
  slices: Record<string, (string | null)[]>;
}
