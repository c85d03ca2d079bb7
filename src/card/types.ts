/**
 * The model card's view model: the plain, JSON-serialisable data a card template renders. Built by
 * {@link buildCardContext} from a run record, a model.yml and (optionally) the gate's result; the
 * sections follow Mitchell et al., "Model Cards for Model Reporting" (2019). Every field is listed
 * in docs/model-cards.md. Strings here are raw (unescaped): templates escape them through the
 * card helpers (`md`, `code`, `yaml`, ...), and a bare `{{value}}` is markdown-escaped automatically.
 */
import type { GateReason, SliceRef, Verdict } from '../diff/types.js';

/** One `name = value` row (a trainer parameter, a fairness gap, a metric on a slice). */
export interface CardNameValue {
  /** Dotted name, e.g. `trainer.learning_rate` or `roc_auc`. */
  name: string;
  /** The value as text (numbers formatted, arrays and objects as compact JSON). */
  value: string;
}

/** Model details: what the model is, who owns it, how and where it was built. */
export interface CardModelDetails {
  /** Model name (`risk`). */
  name: string;
  /** Registered version `X.Y.Z`, or null before release. */
  version: string | null;
  /** Release tag (`risk@v1.2.0`), or null before release. */
  tag: string | null;
  /** `version` or the words `unreleased`. */
  version_label: string;
  /** `binary`, `multiclass` or `regression`. */
  task: 'binary' | 'multiclass' | 'regression';
  /** The task in words (`binary classification`). */
  task_label: string;
  /** `tfjs` (the built-in trainer) or `command`. */
  mode: 'tfjs' | 'command';
  /** model.yml `description` ('' when unset). */
  description: string;
  /** model.yml `owners` (users or teams, e.g. `@acme/risk`). */
  owners: string[];
  /** The run's start date, `YYYY-MM-DD`. */
  date: string;
  /** The run's ISO 8601 start time. */
  created_at: string;
  /** License identifier given to the builder, or null. */
  license: string | null;
  /** Git commit the run trained from, or null. */
  git_sha: string | null;
  /** First 7 characters of `git_sha`, or null. */
  git_short_sha: string | null;
  /** Git branch, or null. */
  git_branch: string | null;
  /** Whether the working tree had uncommitted changes (null when unknown). */
  git_dirty: boolean | null;
  /** modelgate version that ran the training. */
  modelgate_version: string;
  /** TensorFlow.js backend (`wasm`, `tensorflow-gpu`, ...), or null in command mode. */
  backend: string | null;
  /** GPU in words (`NVIDIA H100 80GB HBM3, 81559 MiB, driver 550.54`), or null. */
  gpu: string | null;
  /** Runner name or host, or null. */
  runner: string | null;
  /** Node.js version of the run. */
  node: string;
  /** Command mode: the training command line; null for the built-in trainer. */
  command: string | null;
  /** Every run parameter, flattened to dotted names (`trainer.hidden`, `seed`, ...). */
  params: CardNameValue[];
  /** Binary: the decision threshold; null otherwise. */
  threshold: number | null;
  /** Run status: `succeeded` or `failed`. */
  status: 'succeeded' | 'failed';
}

/** One input of the saved model's signature. */
export interface CardSignatureInput {
  /** Column name. */
  name: string;
  /** `numeric` or `categorical`. */
  type: string;
  /** Whether missing values were seen in training. */
  nullable: boolean;
  /** Categoricals: number of known categories; null for numeric inputs. */
  categories: number | null;
}

/** The saved model's input and output (from `signature.json`), when given. */
export interface CardSignature {
  /** The raw input features, in order. */
  inputs: CardSignatureInput[];
  /** The label column the model predicts. */
  label: string;
  /** Binary: positive label value; null otherwise. */
  positive_label: string | null;
  /** Multiclass: the classes; empty otherwise. */
  classes: string[];
}

/** One slice column (a factor in Mitchell et al.'s terms) and its values. */
export interface CardFactor {
  /** Slice column name. */
  column: string;
  /** The values evaluated, in the run's order. */
  groups: string[];
}

/** One overall metric. */
export interface CardMetricRow {
  /** Metric name (`roc_auc`). */
  name: string;
  /** The value, or null when undefined for the data. */
  value: number | null;
  /** The value formatted (4 decimals, `n/a` for null). */
  formatted: string;
  /** Which way is better. */
  direction: 'higher' | 'lower';
  /** `↑` (higher is better) or `↓` (lower is better). */
  arrow: string;
  /** Whether this is the task's primary metric. */
  primary: boolean;
}

/** One column of a dataset's schema. */
export interface CardColumn {
  /** Column name. */
  name: string;
  /** `number`, `string` or `boolean`. */
  type: string;
  /** Whether missing values occur. */
  nullable: boolean;
}

/** A dataset the run used, from its fingerprint. */
export interface CardDataset {
  /** `train` or `eval`. */
  split: 'train' | 'eval';
  /** Path relative to the repository root. */
  path: string;
  /** `csv`, `jsonl` or `parquet`. */
  format: string;
  /** Rows in the file. */
  rows: number;
  /** Size in bytes. */
  bytes: number;
  /** `sha256:<64 hex>` of the file bytes. */
  hash: string;
  /** `sha256:` plus the first 12 hex digits. */
  short_hash: string;
  /** The schema over all rows. */
  columns: CardColumn[];
}

/** Evaluation data: the eval file, or how the evaluation split was drawn. */
export interface CardEvaluationData {
  /** The eval file's fingerprint; null when a split of the training data was evaluated. */
  dataset: CardDataset | null;
  /** Rows evaluated (null when unknown). */
  rows: number | null;
  /** One sentence on where the evaluation rows come from. */
  note: string;
}

/** One metric on one slice value. */
export interface CardSliceMetric {
  /** Metric name. */
  name: string;
  /** The value, or null. */
  value: number | null;
  /** The value formatted. */
  formatted: string;
}

/** One value of a slice column, with its key metrics. */
export interface CardSliceGroup {
  /** The slice value (`female`). */
  value: string;
  /** Evaluation rows with that value. */
  count: number;
  /** Whether `count` is below the small-slice threshold (metrics unreliable). */
  small: boolean;
  /** The key metrics, in `CardSliceAnalysis.metric_names` order. */
  metrics: CardSliceMetric[];
}

/** One fairness gap of a slice column. */
export interface CardGap {
  /** `demographic_parity_difference` or `equal_opportunity_difference`. */
  name: string;
  /** The gap, or null when undefined. */
  value: number | null;
  /** The value formatted. */
  formatted: string;
}

/** Quantitative analysis of one slice column: per-value metrics and fairness gaps. */
export interface CardSliceAnalysis {
  /** Slice column. */
  column: string;
  /** The metric columns shown (the task's key metrics present in the groups). */
  metric_names: string[];
  /** One row per slice value. */
  groups: CardSliceGroup[];
  /** Fairness gaps (binary tasks); empty when none. */
  gaps: CardGap[];
}

/** One feature's permutation importance. */
export interface CardFeature {
  /** 1-based rank. */
  rank: number;
  /** Feature name. */
  feature: string;
  /** Mean drop of the primary metric when shuffled. */
  importance: number;
  /** `importance` formatted. */
  formatted: string;
  /** Standard deviation over repeats, formatted. */
  std: string;
}

/** An automatic caveat found in the run, the data or the gate's result. */
export interface CardCaveat {
  /** `small-slice`, `null-metric`, `gate-fail`, `gate-needs-approval`, `run-failed`, `dirty-tree`, `model-mismatch`, `no-eval-data`. */
  kind: string;
  /** One sentence for people (raw text: escape it in templates). */
  message: string;
}

/** Caveats and recommendations: the author's limitations plus what modelgate noticed. */
export interface CardCaveats {
  /** model.yml `limitations` ('' when unset). */
  limitations: string;
  /** Automatic caveats (may be empty). */
  items: CardCaveat[];
  /** Recommendations derived from the caveats (may be empty). */
  recommendations: string[];
}

/** One reason the gate gave, with every field present (null when absent). */
export interface CardGateReason {
  /** `fail`, `needs-approval` or `info`. */
  level: GateReason['level'];
  /** Stable machine code (`metric-regressed`, ...). */
  code: string;
  /** One sentence for people. */
  message: string;
  /** The metric or gap concerned, or null. */
  metric: string | null;
  /** The slice concerned, or null. */
  slice: SliceRef | null;
}

/** One data fingerprint in the audit trail. */
export interface CardAuditData {
  /** `train` or `eval`. */
  split: 'train' | 'eval';
  /** Path relative to the repository root. */
  path: string;
  /** `sha256:<64 hex>`. */
  hash: string;
  /** Rows in the file. */
  rows: number;
}

/** Audit: what exactly was trained, from what, and who signed it off. */
export interface CardAudit {
  /** The run id. */
  run_id: string;
  /** Registered version, or null. */
  version: string | null;
  /** Release tag, or null. */
  tag: string | null;
  /** Full git SHA, or null. */
  git_sha: string | null;
  /** Git branch, or null. */
  git_branch: string | null;
  /** Whether the tree was dirty. */
  git_dirty: boolean | null;
  /** Data fingerprints (train, then eval). */
  data: CardAuditData[];
  /** Who approved (given explicitly or on the gate result), or null. */
  approver: string | null;
  /** `approver`, or the words `not yet approved`. */
  approver_label: string;
  /** The gate's verdict, or null when no gate result was given. */
  verdict: Verdict | null;
  /** The verdict in words (`pass`, `needs approval`, `fail`, `not evaluated`). */
  verdict_label: string;
  /** Every reason the gate gave (empty without a gate result). */
  reasons: CardGateReason[];
  /** modelgate version that ran the training. */
  modelgate_version: string;
  /** When the card was generated (ISO 8601). */
  generated_at: string;
}

/** One metric in Hugging Face `model-index` form. */
export interface CardHfMetric {
  /** Metric id (`roc_auc`). */
  type: string;
  /** The value (never null: undefined metrics are left out). */
  value: number;
  /** Display name (`ROC AUC`). */
  name: string;
}

/** Values for the Hugging Face model card metadata (YAML front matter). */
export interface CardHuggingFace {
  /** License id; `other` when none was given. */
  license: string;
  /** `tensorflowjs` for the built-in trainer, else the command's program name. */
  library_name: string;
  /** Tags: `modelgate`, the HF task, the task, the library. */
  tags: string[];
  /** HF task type: `tabular-classification` or `tabular-regression`. */
  task_type: string;
  /** HF task name in words. */
  task_name: string;
  /** Dataset name (the evaluation file's name, else the training file's). */
  dataset_name: string;
  /** Dataset type (the evaluation file's path, else the training file's). */
  dataset_type: string;
  /** Overall metrics with a value. */
  metrics: CardHfMetric[];
}

/** Everything a model card template can use. */
export interface CardContext {
  /** Version of this view model's shape (1). */
  card_version: 1;
  /** Model details. */
  model: CardModelDetails;
  /** The saved model's signature, or null when not given. */
  signature: CardSignature | null;
  /** Intended use: primary uses and what is out of scope. */
  intended_use: { primary: string; out_of_scope: string };
  /** Factors: the slice columns evaluated and their values. */
  factors: CardFactor[];
  /** Overall metrics. */
  metrics: { rows: CardMetricRow[]; primary: string | null; eval_rows: number | null };
  /** Evaluation data. */
  evaluation_data: CardEvaluationData;
  /** Training data, or null when the run has no training fingerprint. */
  training_data: CardDataset | null;
  /** Per-slice metrics and fairness gaps. */
  quantitative_analyses: CardSliceAnalysis[];
  /** Top features by permutation importance (empty when not computed). */
  feature_importance: CardFeature[];
  /** model.yml `ethical_considerations` ('' when unset). */
  ethical_considerations: string;
  /** Caveats and recommendations. */
  caveats: CardCaveats;
  /** Audit trail. */
  audit: CardAudit;
  /** Hugging Face metadata values. */
  huggingface: CardHuggingFace;
}
