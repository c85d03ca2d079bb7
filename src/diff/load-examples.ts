/**
 * The I/O edge of `src/diff/`: reading a run folder's per-example predictions into `Examples`, and
 * `compareRunFolders`, which reads two run folders (run.json, model.yml, predictions, the model
 * signature) and returns the diff and the gate's verdict. Everything else in `src/diff/` is pure.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { type ModelConfig, ModelConfigSchema } from '../config/model-config.js';
import type { RepoModel } from '../config/repo-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import { UsageError } from '../errors.js';
import { cellText, readPredictionColumns } from '../runs/prediction-columns.js';
import { type ModelSignature, ModelSignatureSchema } from '../train/saved-model.js';
import { diffRuns } from './diff-runs.js';
import { evaluateGate } from './evaluate-gate.js';
import type { BootstrapOptions } from './paired-bootstrap.js';
import { compareSignatures } from './signature-diff.js';
import type { Examples, GateResult, RunDiff } from './types.js';

/**
 * Reads a run's per-example predictions (`record.artifacts.predictions`, CSV / JSONL / Parquet) into
 * `Examples` with the shared parser `readPredictionColumns` (`src/runs/prediction-columns.ts`):
 * - the label: `command.label_column` in command mode, else `data.label`;
 * - binary: `score` (command mode: `command.score_column`); labels 0/1, true/false, yes/no, or in
 *   command mode `data.positive_label` (the built-in trainer writes its labels as 0/1 already);
 *   threshold from model.yml;
 * - multiclass: `proba_<class>` columns (two or more), else the predicted class column
 *   (`command.prediction_column`, default `prediction`) as one-hot probabilities;
 * - regression: the label and `score` (or `command.score_column`) as the prediction;
 * - ids from `data.id` and slices from `data.slices`, when the file has those columns.
 *
 * Returns null when the run has no predictions file. A bad file (missing column, bad value, no rows)
 * is a `DataError` naming the file, the line and the column.
 */
export async function loadExamples(
  runDir: string,
  record: RunRecord,
  config: ModelConfig,
): Promise<Examples | null> {
  const rel = record.artifacts.predictions;
  if (!rel) return null;
  const file = join(runDir, rel);
  if (!existsSync(file)) return null;
  const positive = record.mode === 'command' ? config.data.positive_label : undefined;
  const columns = await readPredictionColumns(file, {
    task: record.task,
    label: config.command?.label_column ?? config.data.label,
    score: config.command?.score_column,
    prediction: config.command?.prediction_column,
    positiveLabel: positive,
    positiveLabelSetting: 'data.positive_label',
    slices: config.data.slices,
    slicesMode: 'if-present',
    id: config.data.id,
  });
  const slices: Record<string, (string | null)[]> = {};
  for (const s of columns.slices) slices[s.column] = s.values.map(cellText);
  const base = {
    task: record.task,
    ids: columns.ids ? columns.ids.map(cellText) : null,
    threshold: config.threshold,
    slices,
  };
  if (record.task === 'binary') return { ...base, yTrue: columns.yTrue, score: columns.score! };
  if (record.task === 'regression') return { ...base, yTrue: columns.yTrue, yPred: columns.score! };
  return { ...base, yTrue: columns.yTrue, proba: columns.proba!, classes: columns.classes! };
}

/** Everything read from one run folder. */
export interface RunFolder {
  /** The folder. */
  dir: string;
  /** run.json. */
  record: RunRecord;
  /** The run's own copy of model.yml. */
  config: ModelConfig;
  /** `model/signature.json`, when the run has one (tfjs runs). */
  signature: ModelSignature | null;
  /** Per-example predictions, when the run has them. */
  examples: Examples | null;
  /** The registered version (`version.json` of a local-registry version folder), when there is one. */
  version?: string;
}

/** A run folder from a folder or a path to its run.json. */
export async function runFolderOf(path: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`${path}: no such run folder or run.json`);
  }
  return info.isDirectory() ? path : dirname(path);
}

async function registeredVersion(dir: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'version.json'), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a run folder (or the folder of a run.json path): run.json, model.yml, `signature.json` in
 * the model folder when present, the predictions as `Examples` when present, and `version.json` when
 * it is a registered version. Bad files are `ConfigError` / `DataError`s naming the file.
 */
export async function readRunFolder(path: string): Promise<RunFolder> {
  const dir = await runFolderOf(path);
  const record = await loadJsonFile(join(dir, 'run.json'), RunRecordSchema);
  const config = await loadYamlFile(join(dir, 'model.yml'), ModelConfigSchema);
  const sigFile = join(dir, record.artifacts.model ?? 'model', 'signature.json');
  const signature = existsSync(sigFile)
    ? ((await loadJsonFile(sigFile, ModelSignatureSchema)) as ModelSignature)
    : null;
  const examples = await loadExamples(dir, record, config);
  const version = await registeredVersion(dir);
  return { dir, record, config, signature, examples, ...(version ? { version } : {}) };
}

/**
 * The model's feature columns as the baseline knew them: its signature's inputs, else model.yml's
 * declared features, else (inferred features) every column of its data but the label, id, ignored
 * and slice columns.
 */
export function featureColumns(run: RunFolder): string[] {
  if (run.signature) return run.signature.inputs.map((i) => i.name);
  if (run.config.data.features) return run.config.data.features.map((f) => f.name);
  const d = run.config.data;
  const excluded = new Set([d.label, ...(d.id ? [d.id] : []), ...d.ignore, ...d.slices]);
  const schema = run.record.data.train?.schema ?? run.record.data.eval?.schema ?? [];
  return schema.map((c) => c.name).filter((n) => !excluded.has(n));
}

/** The input of {@link compareRunFolders}. */
export interface CompareRunFoldersInput {
  /** The baseline run folder (or its run.json); null for the first model. */
  baselineDir: string | null;
  /** The candidate run folder (or its run.json). */
  candidateDir: string;
  /** The baseline's registered version; default: its `version.json`, when present. */
  baselineVersion?: string;
  /** The model's settings in `.github/modelgate.yml` (rules, fairness, bump). */
  repoModel?: RepoModel;
  /** Pull-request labels (`model:major|minor|patch`). */
  labels?: readonly string[];
  /** Paired-bootstrap settings (`resamples: 0` turns it off). */
  bootstrap?: BootstrapOptions;
}

/**
 * Compares two run folders end to end: reads both (see {@link readRunFolder}), diffs them with the
 * paired bootstrap when both have predictions, and evaluates the gate with the model's rules, the
 * signature change and the baseline's feature columns. Returns the examples too (for curves).
 * Runs of two different models are a `UsageError`.
 */
export async function compareRunFolders(input: CompareRunFoldersInput): Promise<{
  diff: RunDiff;
  gate: GateResult;
  examples: { baseline: Examples | null; candidate: Examples | null };
}> {
  const baseline = input.baselineDir === null ? null : await readRunFolder(input.baselineDir);
  const candidate = await readRunFolder(input.candidateDir);
  if (baseline && baseline.record.model !== candidate.record.model) {
    throw new UsageError(
      `the baseline ${baseline.dir} is a run of model "${baseline.record.model}", the candidate ${candidate.dir} of "${candidate.record.model}": compare runs of one model`,
    );
  }
  const baselineVersion = input.baselineVersion ?? baseline?.version;
  const diff = diffRuns({
    baseline: baseline?.record ?? null,
    candidate: candidate.record,
    ...(input.repoModel ? { rules: input.repoModel.metrics } : {}),
    ...(input.repoModel?.fairness ? { fairness: input.repoModel.fairness } : {}),
    examples:
      baseline?.examples && candidate.examples
        ? { baseline: baseline.examples, candidate: candidate.examples }
        : null,
    ...(input.bootstrap ? { bootstrap: input.bootstrap } : {}),
    ...(baselineVersion ? { baselineVersion } : {}),
  });
  const gate = evaluateGate({
    diff,
    candidate: candidate.record,
    ...(input.repoModel ? { model: input.repoModel } : {}),
    ...(input.labels ? { labels: input.labels } : {}),
    signatureChanged: compareSignatures(baseline?.signature ?? null, candidate.signature),
    ...(baseline ? { features: featureColumns(baseline) } : {}),
  });
  return { diff, gate, examples: { baseline: baseline?.examples ?? null, candidate: candidate.examples } };
}
