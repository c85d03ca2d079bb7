/**
 * One training + evaluation run of a model.yml, end to end: validate the config, fingerprint the
 * data, train (the built-in tfjs trainer or the model's command), evaluate, and write the run folder:
 *
 *   <out>/run.json          the run record (schema: schemas/run.schema.json)
 *   <out>/model/            the trained model (tfjs LayersModel + preprocessing.json + signature.json,
 *                           or whatever the command wrote in command mode)
 *   <out>/predictions.csv   per-example evaluation predictions (id, label, score(s), slices)
 *   <out>/train.log         command mode: the command's output
 *
 * A failed command still writes run.json (status "failed", exit code, log) before the error is thrown,
 * so CI can upload the record of what went wrong.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { type ModelConfig, ModelConfigSchema } from '../config/model-config.js';
import {
  MetricsFileSchema,
  normaliseMetricsFile,
  type RunRecord,
  RunRecordSchema,
  type SliceReport,
} from '../config/run-record.js';
import { fingerprint } from '../data/fingerprint.js';
import { readRows } from '../data/read-rows.js';
import type { Cell, DataFingerprint, Row } from '../data/types.js';
import { writeRows } from '../data/write-rows.js';
import { profileFile } from '../drift/profile.js';
import { ConfigError, DataError, TrainError } from '../errors.js';
import { sliceMetrics } from '../metrics/index.js';
import type { BackendRequest } from '../train/backend.js';
import { detectGpu } from '../train/backend.js';
import { runCommand } from '../train/command-runner.js';
import { createProgressReporter } from '../train/progress.js';
import { saveModel } from '../train/saved-model.js';
import { type TrainResult, trainerSpecOf, trainTabular } from '../train/trainer.js';
import { loadContract, type ValidationReport, validateFile } from '../validate/index.js';
import { describeEnvironment } from './environment.js';
import { gitInfo } from './git.js';
import { evaluatePredictionsFile, toReport } from './predictions.js';

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  /** Path of the model.yml. */
  modelFile: string;
  /** Output folder (created); default `.modelgate/runs/<run id>` under `cwd`. */
  outDir?: string;
  /** The working directory relative paths are resolved against (default: the process's). */
  cwd?: string;
  /** Force a tfjs backend (overrides model.yml's `trainer.backend`). */
  backend?: BackendRequest;
  /** Where log lines go (default: stderr). */
  log?: (line: string) => void;
  /** Progress rendering: a TTY progress bar or plain lines (default: by stderr.isTTY). */
  isTTY?: boolean;
  /** Progress output writer (default: stderr). */
  write?: (text: string) => void;
  /** Environment (for GITHUB_* and RUNNER_NAME), default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => Date;
}

/** The outcome of a run. */
export interface RunOutcome {
  /** The run folder. */
  dir: string;
  /** The record written to `<dir>/run.json`. */
  record: RunRecord;
}

/** A fresh run id: `<model>-<UTC yyyymmddThhmmss>-<4 hex>`. */
export function newRunId(model: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${model}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Resolves a path from model.yml (relative to its folder) and checks the file exists. */
export async function resolveDataPath(modelFile: string, field: string, value: string): Promise<string> {
  const path = isAbsolute(value) ? value : resolve(dirname(modelFile), value);
  let ok = false;
  try {
    ok = (await stat(path)).isFile();
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ConfigError([
      {
        file: modelFile,
        field,
        message: `data file not found at ${path} (paths are relative to the model.yml's folder)`,
        value,
      },
    ]);
  }
  return path;
}

/** Finds the repository root above `start` (a folder with `.git` or `.github/modelgate.yml`). */
export function findRepoRoot(start: string): string | null {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, '.github', 'modelgate.yml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

const portable = (root: string, p: string) => relative(root, p).split(sep).join('/');

/** Loads and validates a model.yml. */
export async function loadModelConfig(modelFile: string): Promise<ModelConfig> {
  return loadYamlFile(modelFile, ModelConfigSchema);
}

async function writeRecord(dir: string, record: RunRecord): Promise<RunRecord> {
  const checked = RunRecordSchema.parse(record);
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(checked, null, 2)}\n`);
  return checked;
}

/** Trains and evaluates one model and writes its run folder. See the module comment for the layout. */
export async function runTraining(options: RunTrainingOptions): Promise<RunOutcome> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = options.env ?? process.env;
  const started = performance.now();
  const createdAt = now();
  const cwd = resolve(options.cwd ?? process.cwd());
  const modelFile = resolve(cwd, options.modelFile);
  const config = await loadModelConfig(modelFile);
  const root = findRepoRoot(dirname(modelFile)) ?? cwd;
  const trainPath = await resolveDataPath(modelFile, 'data.train', config.data.train);
  const evalPath = config.data.eval
    ? await resolveDataPath(modelFile, 'data.eval', config.data.eval)
    : undefined;
  const id = newRunId(config.name, createdAt);
  const dir = resolve(cwd, options.outDir ?? join('.modelgate', 'runs', id));
  await mkdir(dir, { recursive: true });
  // The exact model.yml travels with the run: evaluation, cards and audits read it from there.
  await copyFile(modelFile, join(dir, 'model.yml'));

  log(`modelgate: run ${id} of model "${config.name}" (${config.task}) -> ${dir}`);
  log(`modelgate: fingerprinting data`);
  const fp = async (p: string): Promise<DataFingerprint> => ({
    ...(await fingerprint(p, config.data.format ? { format: config.data.format } : {})),
    path: portable(root, p),
  });
  const trainFp = await fp(trainPath);
  const evalFp = evalPath ? await fp(evalPath) : undefined;
  log(`modelgate: train ${trainFp.path}: ${trainFp.rows} rows, ${trainFp.hash.slice(0, 19)}`);
  if (evalFp) log(`modelgate: eval  ${evalFp.path}: ${evalFp.rows} rows, ${evalFp.hash.slice(0, 19)}`);
  checkColumns(modelFile, config, trainFp, 'data.train');
  if (evalFp) checkColumns(modelFile, config, evalFp, 'data.eval');

  const validation = await checkDataContract(
    options.modelFile,
    config,
    root,
    { trainPath, evalPath },
    log,
    dir,
  );
  const git = await gitInfo(dirname(modelFile), env);
  const base = {
    schema_version: 1 as const,
    id,
    model: config.name,
    task: config.task,
    created_at: createdAt.toISOString(),
    git,
    data: { train: trainFp, ...(evalFp ? { eval: evalFp } : {}) },
    ...(validation ? { validation } : {}),
  };
  if (config.command) {
    return runCommandMode(
      { ...options, log, env },
      config,
      modelFile,
      dir,
      base,
      { trainPath, evalPath },
      started,
    );
  }

  const spec = trainerSpecOf(config);
  const reporter = createProgressReporter({
    ...(options.isTTY !== undefined ? { isTTY: options.isTTY } : {}),
    ...(options.write ? { write: options.write } : {}),
  });
  const readOpts = config.data.format ? { format: config.data.format } : {};
  let result: TrainResult;
  try {
    result = await trainTabular({
      config,
      train: () => readRows(trainPath, readOpts),
      ...(evalPath ? { eval: () => readRows(evalPath, readOpts) } : {}),
      backend: options.backend ?? spec.backend,
      onProgress: reporter.onProgress,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    reporter.done();
  }
  for (const w of result.warnings) log(`modelgate: warning: ${w}`);
  await saveModel(join(dir, 'model'), result);
  await writePredictions(join(dir, 'predictions.csv'), config, result);
  const slices = computeSlices(config, result);
  const gpu = result.backend.gpu ? { name: result.backend.gpu } : await detectGpu();
  const last = result.history[result.history.length - 1];
  const record: RunRecord = {
    ...base,
    mode: 'tfjs',
    status: 'succeeded',
    params: { trainer: spec, seed: config.seed, threshold: config.threshold, split: config.data.split },
    metrics: { overall: result.metrics, slices, eval_rows: result.evaluation.n },
    ...(result.importance
      ? {
          importance: result.importance.features.map((f) => ({
            feature: f.feature,
            importance: f.importance,
            std: f.std,
          })),
        }
      : {}),
    history: result.history.map((e) => ({ ...e })),
    environment: describeEnvironment(
      result.backend.name,
      gpu
        ? {
            name: gpu.name,
            ...('memoryMiB' in gpu ? { memoryMiB: gpu.memoryMiB } : {}),
            ...('driver' in gpu ? { driver: gpu.driver } : {}),
          }
        : null,
      env,
    ),
    timings: {
      total_ms: Math.round(performance.now() - started),
      train_ms: Math.round(result.timings.trainMs),
      eval_ms: Math.round(result.timings.evaluateMs + result.timings.importanceMs),
      epochs: result.history.length,
      best_epoch: result.bestEpoch,
      ...(last ? { samples_per_sec: Math.round(meanThroughput(result)) } : {}),
    },
    artifacts: { model: 'model', predictions: 'predictions.csv' },
  };
  const written = await writeRecord(dir, record);
  log(`modelgate: wrote ${join(dir, 'run.json')}`);
  return { dir, record: written };
}

/**
 * Checks the training and evaluation data against the model's data contract (`data.contract`, else
 * `data.contract.yml` next to model.yml when it exists): contract breaks and statistical warnings
 * (the evaluation data against the training data's profile) are recorded in run.json, and the gate
 * turns them into `fail` / `needs-approval` reasons. Training goes on, so reviewers see both.
 */
async function checkDataContract(
  modelFile: string,
  config: ModelConfig,
  root: string,
  paths: { trainPath: string; evalPath: string | undefined },
  log: (line: string) => void,
  runDir: string,
): Promise<RunRecord['validation']> {
  const declared = config.data.contract;
  const contractPath = declared
    ? await resolveDataPath(modelFile, 'data.contract', declared)
    : join(dirname(resolve(modelFile)), 'data.contract.yml');
  if (!declared && !existsSync(contractPath)) return undefined;
  const contract = await loadContract(contractPath);
  // The contract travels with the run (and its releases): the model server applies its column rules.
  await copyFile(contractPath, join(runDir, 'data.contract.yml'));
  const format = config.data.format ? { format: config.data.format } : {};
  const splits: NonNullable<RunRecord['validation']>['splits'] = [];
  const summarise = (split: 'train' | 'eval', report: ValidationReport) => {
    const errors = report.violations.filter((v) => v.level === 'error').length;
    const warnings = report.violations.length - errors;
    log(
      `modelgate: data contract, ${split}: ${report.ok ? 'ok' : 'VIOLATED'} (${errors} errors, ${warnings} warnings)`,
    );
    for (const v of report.violations.slice(0, 5))
      log(`modelgate:   ${v.level}: ${v.column ?? '(dataset)'} ${v.rule}: ${v.message}`);
    splits.push({
      split,
      ok: report.ok,
      rows: report.rows,
      errors,
      warnings,
      violations: report.violations.slice(0, 50).map((v) => ({ ...v })),
    });
  };
  summarise('train', await validateFile(paths.trainPath, contract, format));
  if (paths.evalPath) {
    const reference = await profileFile(paths.trainPath, format);
    summarise('eval', await validateFile(paths.evalPath, contract, { ...format, reference }));
  }
  return { contract: portable(root, contractPath), splits };
}

function meanThroughput(result: TrainResult): number {
  const h = result.history;
  return h.reduce((a, e) => a + e.samples_per_sec, 0) / Math.max(1, h.length);
}

/** Checks that the label, id, slices and declared features exist in a data file's schema. */
function checkColumns(modelFile: string, config: ModelConfig, fp: DataFingerprint, field: string): void {
  const have = new Set(fp.schema.map((c) => c.name));
  const wanted: [string, string][] = [
    ['data.label', config.data.label],
    ...(config.data.id ? ([['data.id', config.data.id]] as [string, string][]) : []),
    ...config.data.slices.map((s, i) => [`data.slices[${i}]`, s] as [string, string]),
    ...(config.data.features ?? []).map((f, i) => [`data.features[${i}].name`, f.name] as [string, string]),
  ];
  const issues = wanted
    .filter(([, col]) => !have.has(col))
    .map(([f, col]) => ({
      file: modelFile,
      field: f,
      message: `column not found in ${field} (${fp.path}); it has: ${[...have].join(', ')}`,
      value: col,
    }));
  if (config.command) {
    // Command mode reads the data itself; only the label must exist.
    const label = issues.filter((i) => i.field === 'data.label');
    if (label.length > 0) throw new ConfigError(label);
    return;
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

function computeSlices(config: ModelConfig, result: TrainResult): SliceReport[] {
  const ev = result.evaluation;
  const out: SliceReport[] = [];
  for (const col of config.data.slices) {
    const values = ev.slices[col];
    if (!values) continue;
    if (ev.task === 'binary') {
      out.push(
        toReport(
          sliceMetrics(
            'binary',
            { yTrue: ev.yTrue, score: ev.score, threshold: result.threshold },
            col,
            values,
          ),
        ),
      );
    } else if (ev.task === 'multiclass') {
      out.push(
        toReport(
          sliceMetrics('multiclass', { yTrue: ev.yTrue, proba: ev.proba, classes: ev.classes }, col, values),
        ),
      );
    } else {
      out.push(toReport(sliceMetrics('regression', { yTrue: ev.yTrue, yPred: ev.yPred }, col, values)));
    }
  }
  return out;
}

/** Writes per-example evaluation predictions: id, label, score / proba_<class> + prediction, slices. */
async function writePredictions(path: string, config: ModelConfig, result: TrainResult): Promise<void> {
  const ev = result.evaluation;
  const label = config.data.label;
  const columns: string[] = [];
  if (config.data.id && ev.ids) columns.push(config.data.id);
  columns.push(label);
  if (ev.task === 'binary') columns.push('score');
  if (ev.task === 'multiclass') columns.push(...ev.classes.map((c) => `proba_${c}`), 'prediction');
  if (ev.task === 'regression') columns.push('score');
  const sliceCols = config.data.slices.filter((s) => ev.slices[s] && !columns.includes(s));
  columns.push(...sliceCols);
  function* rows(): Generator<Row> {
    for (let i = 0; i < ev.n; i++) {
      const row: Record<string, Cell> = {};
      if (config.data.id && ev.ids) row[config.data.id] = ev.ids[i] ?? null;
      if (ev.task === 'binary') {
        row[label] = ev.yTrue[i]!;
        row.score = ev.score[i]!;
      } else if (ev.task === 'multiclass') {
        const k = ev.classes.length;
        row[label] = ev.classes[ev.yTrue[i]!] ?? null;
        let best = 0;
        for (let j = 0; j < k; j++) {
          row[`proba_${ev.classes[j]}`] = ev.proba[i * k + j]!;
          if (ev.proba[i * k + j]! > ev.proba[i * k + best]!) best = j;
        }
        row.prediction = ev.classes[best] ?? null;
      } else {
        row[label] = ev.yTrue[i]!;
        row.score = ev.yPred[i]!;
      }
      for (const s of sliceCols) row[s] = ev.slices[s]![i] ?? null;
      yield row;
    }
  }
  await writeRows(path, rows(), columns);
}

async function runCommandMode(
  options: RunTrainingOptions & { log: (line: string) => void; env: NodeJS.ProcessEnv },
  config: ModelConfig,
  modelFile: string,
  dir: string,
  base: Omit<RunRecord, 'mode' | 'status' | 'params' | 'metrics' | 'environment' | 'timings' | 'artifacts'>,
  paths: { trainPath: string; evalPath: string | undefined },
  started: number,
): Promise<RunOutcome> {
  const cmd = config.command!;
  const { log } = options;
  const cwd = resolve(dirname(modelFile), cmd.working_directory);
  const gpu = await detectGpu();
  log(`modelgate: running \`${cmd.run}\` in ${cwd}${gpu ? ` (GPU: ${gpu.name})` : ''}`);
  const result = await runCommand({
    command: cmd.run,
    cwd,
    outDir: dir,
    timeoutMs: cmd.timeout_minutes * 60_000,
    env: {
      ...cmd.env,
      MODELGATE_OUTPUT: dir,
      MODELGATE_MODEL_DIR: join(dir, cmd.model_dir ?? 'model'),
      MODELGATE_TRAIN_DATA: paths.trainPath,
      MODELGATE_EVAL_DATA: paths.evalPath ?? '',
      MODELGATE_SEED: String(config.seed),
      MODELGATE_LABEL: config.data.label,
      MODELGATE_TASK: config.task,
      MODELGATE_MODEL: config.name,
    },
    onLine: (line) => log(`  | ${line}`),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const params = { command: cmd.run, env: cmd.env, seed: config.seed, threshold: config.threshold };
  const environment = describeEnvironment(
    null,
    gpu ? { name: gpu.name, memoryMiB: gpu.memoryMiB, driver: gpu.driver } : null,
    options.env,
  );
  const commandInfo = { run: cmd.run, exit_code: result.exitCode, signal: result.signal, log: 'train.log' };
  const failed = async (why: string): Promise<never> => {
    await writeRecord(dir, {
      ...base,
      mode: 'command',
      status: 'failed',
      error: why,
      params,
      metrics: { overall: {}, slices: [] },
      environment,
      timings: { total_ms: Math.round(performance.now() - started), train_ms: Math.round(result.durationMs) },
      command: commandInfo,
      artifacts: { log: 'train.log' },
    });
    throw new TrainError(`${why}\n  run record: ${join(dir, 'run.json')}\n  log: ${result.logPath}`);
  };
  if (result.timedOut) await failed(`the command timed out after ${cmd.timeout_minutes} minutes`);
  if (result.exitCode !== 0) {
    await failed(
      `the command exited with ${result.exitCode === null ? `signal ${result.signal}` : `code ${result.exitCode}`}; last output:\n${result.tail.map((l) => `    ${l}`).join('\n')}`,
    );
  }
  log(`modelgate: command finished in ${(result.durationMs / 1000).toFixed(1)} s; evaluating`);
  const evalStart = performance.now();
  let overall: Record<string, number | null> = {};
  let slices: SliceReport[] = [];
  let evalRows: number | undefined;
  if (cmd.metrics) {
    const file = join(dir, cmd.metrics);
    if (!existsSync(file))
      await failed(`the command did not write its metrics file ${cmd.metrics} (command.metrics)`);
    let m: ReturnType<typeof normaliseMetricsFile> = { metrics: {}, slices: [] };
    try {
      m = normaliseMetricsFile(await loadJsonFile(file, MetricsFileSchema));
    } catch (e) {
      if (e instanceof ConfigError) await failed(`invalid metrics from the command: ${e.message}`);
      throw e;
    }
    overall = { ...m.metrics };
    slices = m.slices;
  }
  if (cmd.predictions) {
    const file = join(dir, cmd.predictions);
    if (!existsSync(file))
      await failed(`the command did not write its predictions file ${cmd.predictions} (command.predictions)`);
    try {
      const ev = await evaluatePredictionsFile(file, {
        task: config.task,
        label: cmd.label_column,
        score: cmd.score_column,
        ...(cmd.prediction_column ? { prediction: cmd.prediction_column } : {}),
        ...(config.data.positive_label !== undefined ? { positiveLabel: config.data.positive_label } : {}),
        threshold: config.threshold,
        slices: config.data.slices,
      });
      // Metrics computed by modelgate from the predictions win over the command's own numbers.
      overall = {
        ...ev.overall,
        ...Object.fromEntries(Object.entries(overall).filter(([k]) => !(k in ev.overall))),
      };
      slices = ev.slices;
      evalRows = ev.rows;
    } catch (e) {
      if (e instanceof DataError) await failed(`invalid predictions from the command: ${e.message}`);
      throw e;
    }
  }
  const model = cmd.model_dir && existsSync(join(dir, cmd.model_dir)) ? cmd.model_dir : undefined;
  const record = await writeRecord(dir, {
    ...base,
    mode: 'command',
    status: 'succeeded',
    params,
    metrics: { overall, slices, ...(evalRows !== undefined ? { eval_rows: evalRows } : {}) },
    environment,
    timings: {
      total_ms: Math.round(performance.now() - started),
      train_ms: Math.round(result.durationMs),
      eval_ms: Math.round(performance.now() - evalStart),
    },
    command: commandInfo,
    artifacts: {
      log: 'train.log',
      ...(model ? { model } : {}),
      ...(cmd.predictions ? { predictions: cmd.predictions } : {}),
    },
  });
  log(`modelgate: wrote ${join(dir, 'run.json')}`);
  return { dir, record };
}
