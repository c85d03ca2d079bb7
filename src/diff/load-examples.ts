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
import { resolveSource } from '../data/detect-format.js';
import { readRowBatches } from '../data/read-rows.js';
import type { Cell, Row } from '../data/types.js';
import { DataError, describeValue, UsageError } from '../errors.js';
import { binaryLabel } from '../runs/predictions.js';
import { type ModelSignature, ModelSignatureSchema } from '../train/saved-model.js';
import { diffRuns } from './diff-runs.js';
import { evaluateGate } from './evaluate-gate.js';
import type { BootstrapOptions } from './paired-bootstrap.js';
import { compareSignatures } from './signature-diff.js';
import type { Examples, GateResult, RunDiff } from './types.js';

/** A growable Float64Array. */
class Floats {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A right-sized copy. */
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

function numberAt(row: Row, column: string, file: string, line: number): number {
  const v = row[column];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new DataError(`expected a number, got ${describeValue(v)}`, { file, line, field: column });
}

/** A slice or id cell as text; null for missing values (null, NaN). */
function textOf(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'number' && Number.isNaN(cell)) return null;
  return String(cell);
}

/**
 * Reads a run's per-example predictions (`record.artifacts.predictions`, CSV / JSONL / Parquet) into
 * `Examples`, with the column conventions of `src/runs/predictions.ts`:
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
  const task = record.task;
  const label = config.command?.label_column ?? config.data.label;
  const scoreCol = config.command?.score_column ?? 'score';
  const predictionCol = config.command?.prediction_column ?? 'prediction';
  const header = resolveSource(file).format === 'csv' ? 1 : 0;
  const positive = record.mode === 'command' ? config.data.positive_label : undefined;

  const yTrue = new Floats();
  const score = new Floats();
  const proba = new Floats();
  const labels: string[] = [];
  const predicted: string[] = [];
  let ids: (string | null)[] | null = null;
  let sliceColumns: string[] = [];
  const slices: Record<string, (string | null)[]> = {};
  let probaCols: string[] | null = null;
  let line = header;
  let first = true;
  for await (const batch of readRowBatches(file, 4096)) {
    if (first) {
      first = false;
      const cols = Object.keys(batch[0] ?? {});
      const need = [label];
      if (task === 'multiclass') {
        const found = cols.filter((c) => c.startsWith('proba_'));
        if (found.length >= 2) probaCols = found;
        else need.push(predictionCol);
      } else need.push(scoreCol);
      const missing = need.filter((c) => !cols.includes(c));
      if (missing.length > 0) {
        throw new DataError(
          `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (the file has: ${cols.join(', ')})`,
          { file },
        );
      }
      if (config.data.id && cols.includes(config.data.id)) ids = [];
      sliceColumns = config.data.slices.filter((s) => cols.includes(s));
      for (const s of sliceColumns) slices[s] = [];
    }
    for (const row of batch) {
      line++;
      const y = row[label] ?? null;
      if (y === null) throw new DataError('missing label', { file, line, field: label });
      if (task === 'binary') {
        const v = binaryLabel(y, positive);
        if (v === null) {
          throw new DataError(
            `binary label must be 0/1, true/false or yes/no (or set data.positive_label), got ${describeValue(y)}`,
            { file, line, field: label },
          );
        }
        yTrue.push(v);
        const s = numberAt(row, scoreCol, file, line);
        if (s < 0 || s > 1) {
          throw new DataError(`score must be a probability in [0, 1], got ${s}`, {
            file,
            line,
            field: scoreCol,
          });
        }
        score.push(s);
      } else if (task === 'regression') {
        yTrue.push(numberAt(row, label, file, line));
        score.push(numberAt(row, scoreCol, file, line));
      } else {
        labels.push(String(y));
        if (probaCols) for (const c of probaCols) proba.push(numberAt(row, c, file, line));
        else {
          const p = textOf(row[predictionCol]);
          if (p === null)
            throw new DataError('missing predicted class', { file, line, field: predictionCol });
          predicted.push(p);
        }
      }
      if (ids) ids.push(textOf(row[config.data.id!]));
      for (const s of sliceColumns) slices[s]!.push(textOf(row[s]));
    }
  }
  const n = line - header;
  if (n === 0) throw new DataError('no prediction rows', { file });
  const base = { task, ids, threshold: config.threshold, slices };
  if (task === 'binary') return { ...base, yTrue: yTrue.done(), score: score.done() };
  if (task === 'regression') return { ...base, yTrue: yTrue.done(), yPred: score.done() };

  const classes = probaCols
    ? probaCols.map((c) => c.slice('proba_'.length))
    : [...new Set([...labels, ...predicted])].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  if (k < 2)
    throw new DataError(`multiclass needs at least 2 classes, found ${describeValue(classes)}`, { file });
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = index.get(labels[i]!);
    if (at === undefined) {
      throw new DataError(
        `label ${describeValue(labels[i])} has no probability column (classes: ${classes.join(', ')})`,
        {
          file,
          line: i + 1 + header,
          field: label,
        },
      );
    }
    y[i] = at;
  }
  let p: Float64Array;
  if (probaCols) p = proba.done();
  else {
    p = new Float64Array(n * k);
    for (let i = 0; i < n; i++) p[i * k + index.get(predicted[i]!)!] = 1;
  }
  return { ...base, yTrue: y, proba: p, classes };
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
