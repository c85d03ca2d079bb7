/**
 * Re-evaluating a run folder, on its own evaluation data or on any other file: the saved model
 * (tfjs mode) scores the rows in batches, predictions are written next to the run, and the metrics
 * are computed by the same code as training. Command-mode runs are re-evaluated from their
 * predictions file (modelgate cannot call an arbitrary framework's model).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { type ModelConfig, ModelConfigSchema } from '../config/model-config.js';
import { type RunRecord, RunRecordSchema, type SliceReport } from '../config/run-record.js';
import { fingerprint } from '../data/fingerprint.js';
import { readRowBatches } from '../data/read-rows.js';
import type { Cell, DataFingerprint, Row } from '../data/types.js';
import { writeRows } from '../data/write-rows.js';
import { UsageError } from '../errors.js';
import type { BackendRequest } from '../train/backend.js';
import { loadModel } from '../train/saved-model.js';
import { evaluatePredictionsFile, type PredictionSpec } from './predictions.js';
import { findRepoRoot } from './run-training.js';

/** Options of {@link evaluateRun}. */
export interface EvaluateRunOptions {
  /** The run folder (holding run.json). */
  runDir: string;
  /** Data to evaluate on; default: the run's own evaluation data. */
  data?: string;
  /** tfjs backend for scoring. */
  backend?: BackendRequest;
  /** Log lines. */
  log?: (line: string) => void;
  /** The working directory: the root for recorded data paths outside a repository (default: the process's). */
  cwd?: string;
}

/** The result of an evaluation, also written to `<run>/evaluation.json`. */
export interface Evaluation {
  run_id: string;
  model: string;
  data: DataFingerprint | null;
  rows: number;
  metrics: Record<string, number | null>;
  slices: SliceReport[];
  predictions: string;
  evaluated_at: string;
}

/** Scores `data` with the run's model (or reuses its predictions) and computes metrics. */
export async function evaluateRun(options: EvaluateRunOptions): Promise<Evaluation> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = resolve(options.runDir);
  const runFile = join(dir, 'run.json');
  if (!existsSync(runFile)) throw new UsageError(`${options.runDir} is not a run folder: run.json not found`);
  const run: RunRecord = await loadJsonFile(runFile, RunRecordSchema);
  const config: ModelConfig = await loadYamlFile(join(dir, 'model.yml'), ModelConfigSchema);
  const spec: PredictionSpec = {
    task: run.task,
    label: config.command?.label_column ?? config.data.label,
    ...(config.data.positive_label !== undefined ? { positiveLabel: config.data.positive_label } : {}),
    threshold: config.threshold,
    slices: config.data.slices,
  };

  if (run.mode === 'command') {
    if (options.data) {
      throw new UsageError(
        `run ${run.id} was trained by a command; modelgate cannot score new data with it. Re-evaluate its predictions (omit --data) or score the data with your own code and use \`modelgate metrics\`.`,
      );
    }
    if (!run.artifacts.predictions) throw new UsageError(`run ${run.id} has no predictions file to evaluate`);
    const file = join(dir, run.artifacts.predictions);
    const ev = await evaluatePredictionsFile(file, {
      ...spec,
      score: config.command?.score_column ?? 'score',
      ...(config.command?.prediction_column ? { prediction: config.command.prediction_column } : {}),
    });
    return save(dir, run, null, ev.rows, ev.overall, ev.slices, run.artifacts.predictions);
  }

  let dataPath = options.data;
  if (!dataPath) {
    const recorded = run.data.eval?.path;
    if (!recorded) throw new UsageError(`run ${run.id} had no separate evaluation data; pass --data <file>`);
    const root = findRepoRoot(dir) ?? resolve(options.cwd ?? process.cwd());
    dataPath = isAbsolute(recorded) ? recorded : join(root, recorded);
    if (!existsSync(dataPath)) {
      throw new UsageError(`the run's evaluation data ${recorded} is not at ${dataPath}; pass --data <file>`);
    }
  }
  log(`modelgate: evaluating run ${run.id} on ${dataPath}`);
  const model = await loadModel(join(dir, run.artifacts.model ?? 'model'), {
    backend: options.backend ?? 'auto',
  });
  const label = config.data.label;
  const out = join('evaluation', `${basename(dataPath).replace(/\.[^.]+(\.gz)?$/, '')}-predictions.csv`);
  await mkdir(join(dir, 'evaluation'), { recursive: true });
  const classes = run.task === 'multiclass' ? (model.signature.output.classes ?? []) : [];
  const columns = [
    ...(config.data.id ? [config.data.id] : []),
    label,
    ...(run.task === 'multiclass' ? classes.map((c) => `proba_${c}`) : ['score']),
    ...config.data.slices.filter((s) => s !== label),
  ];
  async function* scored(): AsyncGenerator<Row> {
    for await (const batch of readRowBatches(dataPath!, 8192)) {
      const labelled = batch.filter((r) => r[label] !== null && r[label] !== undefined);
      if (labelled.length === 0) continue;
      const p = model.predict(labelled);
      for (let i = 0; i < labelled.length; i++) {
        const r = labelled[i]!;
        const row: Record<string, Cell> = {};
        if (config.data.id) row[config.data.id] = r[config.data.id] ?? null;
        row[label] = r[label] ?? null;
        if (p.task === 'binary') row.score = p.score[i]!;
        else if (p.task === 'regression') row.score = p.yPred[i]!;
        else
          for (let j = 0; j < p.classes.length; j++)
            row[`proba_${classes[j]}`] = p.proba[i * p.classes.length + j]!;
        for (const s of config.data.slices) if (s !== label) row[s] = r[s] ?? null;
        yield row;
      }
    }
  }
  await writeRows(join(dir, out), scored(), columns);
  model.dispose();
  const ev = await evaluatePredictionsFile(join(dir, out), spec);
  const fp = await fingerprint(dataPath);
  // Recorded like run.json's data paths: relative to the repository root when the file is inside it.
  const root = findRepoRoot(dir) ?? resolve(options.cwd ?? process.cwd());
  const inRepo = relative(root, resolve(dataPath));
  const recordedPath =
    inRepo.startsWith('..') || isAbsolute(inRepo) ? resolve(dataPath) : inRepo.split(sep).join('/');
  return save(dir, run, { ...fp, path: recordedPath }, ev.rows, ev.overall, ev.slices, out);
}

async function save(
  dir: string,
  run: RunRecord,
  data: DataFingerprint | null,
  rows: number,
  metrics: Record<string, number | null>,
  slices: SliceReport[],
  predictions: string,
): Promise<Evaluation> {
  const result: Evaluation = {
    run_id: run.id,
    model: run.model,
    data,
    rows,
    metrics,
    slices,
    predictions,
    evaluated_at: new Date().toISOString(),
  };
  await writeFile(join(dir, 'evaluation.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
