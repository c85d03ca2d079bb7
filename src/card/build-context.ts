/**
 * {@link buildCardContext}: the model card's view model from a run record and its model.yml (plus,
 * when known, the release version, the gate's result, the approver and the model's signature).
 * Pure: no I/O, no clock (the generation time is `now`, else the run's start time).
 */
import type { ModelConfig } from '../config/model-config.js';
import type { RunRecord } from '../config/run-record.js';
import { flattenParams } from '../diff/params-diff.js';
import type { GateResult } from '../diff/types.js';
import type { ModelSignature } from '../train/saved-model.js';
import { cardCaveats, SMALL_SLICE_ROWS } from './card-caveats.js';
import { huggingFaceMetrics, metricRows, primaryMetric, sliceAnalyses, topFeatures } from './card-metrics.js';
import type {
  CardAudit,
  CardContext,
  CardDataset,
  CardEvaluationData,
  CardHuggingFace,
  CardModelDetails,
  CardNameValue,
  CardSignature,
} from './types.js';

/** What a model card is built from. */
export interface CardInputs {
  /** The run record (run.json). */
  run: RunRecord;
  /** The model.yml the run used. */
  model: ModelConfig;
  /** Registered version `X.Y.Z` (omit before release). */
  version?: string;
  /** Release tag; default `<model>@v<version>` when `version` is given. */
  tag?: string;
  /** Who approved the release; default the gate result's `approver`. */
  approver?: string;
  /** The gate's verdict and reasons, when evaluated. */
  gate?: GateResult;
  /** The saved model's signature (`signature.json`), when known. */
  signature?: ModelSignature | null;
  /** Generation time; default the run's `created_at`, so the card is a pure function of its inputs. */
  now?: Date;
  /** License identifier (`mit`, `apache-2.0`, ...); model.yml has no license field. */
  license?: string;
  /** How many features the importance section lists (default 10). */
  topFeatures?: number;
  /** Slices with fewer evaluation rows get a caveat (default {@link SMALL_SLICE_ROWS}). */
  smallSlice?: number;
}

const TASK_LABELS: Record<RunRecord['task'], string> = {
  binary: 'binary classification',
  multiclass: 'multiclass classification',
  regression: 'regression',
};

/** Builds the view model every card template renders. See docs/model-cards.md for each field. */
export function buildCardContext(inputs: CardInputs): CardContext {
  const { run, model, gate } = inputs;
  const smallSlice = inputs.smallSlice ?? SMALL_SLICE_ROWS;
  const version = inputs.version ?? versionFromTag(inputs.tag) ?? null;
  const tag = inputs.tag ?? (version ? `${model.name}@v${version}` : null);
  const approver = inputs.approver ?? gate?.approver ?? null;
  const primary = primaryMetric(run.task, run.metrics.overall);
  const rows = metricRows(run.task, run.metrics.overall, primary);
  const slices = sliceAnalyses(run.task, run.metrics.slices, smallSlice);
  const train = run.data.train ? dataset('train', run.data.train) : null;
  const evaluation = evaluationData(run, model);
  const details = modelDetails(inputs, version, tag);
  return {
    card_version: 1,
    model: details,
    signature: signatureView(inputs.signature ?? null),
    intended_use: { primary: model.intended_use, out_of_scope: model.out_of_scope },
    factors: run.metrics.slices.map((s) => ({ column: s.column, groups: s.groups.map((g) => g.value) })),
    metrics: { rows, primary, eval_rows: run.metrics.eval_rows ?? null },
    evaluation_data: evaluation,
    training_data: train,
    quantitative_analyses: slices,
    feature_importance: topFeatures(run.importance, inputs.topFeatures ?? 10),
    ethical_considerations: model.ethical_considerations,
    caveats: cardCaveats({
      run,
      modelName: model.name,
      limitations: model.limitations,
      metrics: rows,
      slices,
      gate,
      approver,
      smallSlice,
    }),
    audit: audit(inputs, version, tag, approver),
    huggingface: huggingFace(details, train, evaluation.dataset, huggingFaceMetrics(rows), inputs.license),
  };
}

function versionFromTag(tag: string | undefined): string | undefined {
  return tag ? /@v(.+)$/.exec(tag)?.[1] : undefined;
}

function modelDetails(inputs: CardInputs, version: string | null, tag: string | null): CardModelDetails {
  const { run, model } = inputs;
  const env = run.environment;
  const gpu = env.gpu
    ? [
        env.gpu.name,
        env.gpu.memoryMiB !== undefined ? `${env.gpu.memoryMiB} MiB` : null,
        env.gpu.driver ? `driver ${env.gpu.driver}` : null,
      ]
        .filter((p) => p !== null)
        .join(', ')
    : null;
  return {
    name: model.name,
    version,
    tag,
    version_label: version ?? 'unreleased',
    task: run.task,
    task_label: TASK_LABELS[run.task],
    mode: run.mode,
    description: model.description,
    owners: [...model.owners],
    date: /^\d{4}-\d{2}-\d{2}/.exec(run.created_at)?.[0] ?? run.created_at,
    created_at: run.created_at,
    license: inputs.license ?? null,
    git_sha: run.git.sha,
    git_short_sha: run.git.sha ? run.git.sha.slice(0, 7) : null,
    git_branch: run.git.branch,
    git_dirty: run.git.dirty,
    modelgate_version: env.modelgate,
    backend: env.backend,
    gpu,
    runner: env.runner,
    node: env.node,
    command: run.mode === 'command' ? (run.command?.run ?? model.command?.run ?? null) : null,
    params: paramRows(run.params),
    threshold: run.task === 'binary' ? (numberParam(run.params['threshold']) ?? model.threshold) : null,
    status: run.status,
  };
}

function numberParam(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/**
 * The training parameters table: the dotted paths of {@link flattenParams} (the one the run diff
 * uses, so a card and a diff name parameters alike), each value as text: strings as they are, every
 * other value as JSON (`[32,16]`, `null`). An empty nested object has no leaves and no row.
 */
export function paramRows(params: Record<string, unknown>): CardNameValue[] {
  return Array.from(flattenParams(params), ([name, value]) => ({
    name,
    value: typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)),
  }));
}

function dataset(split: 'train' | 'eval', fp: NonNullable<RunRecord['data']['train']>): CardDataset {
  return {
    split,
    path: fp.path,
    format: fp.format,
    rows: fp.rows,
    bytes: fp.bytes,
    hash: fp.hash,
    short_hash: fp.hash.slice(0, 'sha256:'.length + 12),
    columns: fp.schema.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
  };
}

function evaluationData(run: RunRecord, model: ModelConfig): CardEvaluationData {
  const rows = run.metrics.eval_rows ?? null;
  if (run.data.eval) {
    return { dataset: dataset('eval', run.data.eval), rows, note: 'A held-out evaluation file.' };
  }
  const note =
    run.mode === 'command'
      ? 'The predictions the training command wrote (no separate evaluation file).'
      : `A seeded test split (${Math.round(model.data.split.test * 100)}%) of the training data (no separate evaluation file).`;
  return { dataset: null, rows, note };
}

function signatureView(sig: ModelSignature | null): CardSignature | null {
  if (!sig) return null;
  return {
    inputs: sig.inputs.map((i) => ({
      name: i.name,
      type: i.type,
      nullable: i.nullable,
      categories: i.type === 'categorical' ? (i.categories?.length ?? 0) : null,
    })),
    label: sig.output.label,
    positive_label: sig.output.positive_label ?? null,
    classes: [...(sig.output.classes ?? [])],
  };
}

const VERDICT_LABELS: Record<NonNullable<CardAudit['verdict']>, string> = {
  pass: 'pass',
  'needs-approval': 'needs approval',
  fail: 'fail',
};

function audit(
  inputs: CardInputs,
  version: string | null,
  tag: string | null,
  approver: string | null,
): CardAudit {
  const { run, gate } = inputs;
  const data = (['train', 'eval'] as const).flatMap((split) => {
    const fp = run.data[split];
    return fp ? [{ split, path: fp.path, hash: fp.hash, rows: fp.rows }] : [];
  });
  return {
    run_id: run.id,
    version,
    tag,
    git_sha: run.git.sha,
    git_branch: run.git.branch,
    git_dirty: run.git.dirty,
    data,
    approver,
    approver_label: approver ?? 'not yet approved',
    verdict: gate?.verdict ?? null,
    verdict_label: gate ? VERDICT_LABELS[gate.verdict] : 'not evaluated',
    reasons: (gate?.reasons ?? []).map((r) => ({
      level: r.level,
      code: r.code,
      message: r.message,
      metric: r.metric ?? null,
      slice: r.slice ? { column: r.slice.column, value: r.slice.value } : null,
    })),
    modelgate_version: run.environment.modelgate,
    generated_at: inputs.now ? inputs.now.toISOString() : run.created_at,
  };
}

function huggingFace(
  details: CardModelDetails,
  train: CardDataset | null,
  evaluation: CardDataset | null,
  metrics: CardHuggingFace['metrics'],
  license: string | undefined,
): CardHuggingFace {
  const data = evaluation ?? train;
  const taskType = details.task === 'regression' ? 'tabular-regression' : 'tabular-classification';
  const library = details.mode === 'tfjs' ? 'tensorflowjs' : programName(details.command);
  return {
    license: license ?? 'other',
    library_name: library,
    tags: [
      ...new Set(['modelgate', taskType, details.task, ...(details.mode === 'tfjs' ? ['tensorflowjs'] : [])]),
    ],
    task_type: taskType,
    task_name: details.task_label.charAt(0).toUpperCase() + details.task_label.slice(1),
    dataset_name: data ? (data.path.split(/[\\/]/).pop() ?? data.path) : `${details.name} data`,
    dataset_type: data ? data.path : details.name,
    metrics,
  };
}

/** The program a command line runs (`python3` for `python3 train.py`), or `other`. */
function programName(command: string | null): string {
  const tokens = command?.trim().split(/\s+/) ?? [];
  const first = tokens.find((t) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(t))?.replace(/^["']|["']$/g, '');
  const base = first?.split(/[\\/]/).pop();
  return base && base.length > 0 ? base : 'other';
}
