/**
 * The `train` action's use case: train one model of the repository config (the built-in tfjs
 * trainer or its command), record where it ran (runner, backend, GPU), write the job summary, and
 * hand the run folder over as the workflow artifact `modelgate-run-<model>` (contract: the run
 * folder as `modelgate train` writes it, with run.json's `git.sha` the pull request's head commit).
 *
 * A failed run (the command crashed, was killed, timed out or was cancelled) still leaves its
 * run.json (status `failed`) in the folder; it is uploaded too, so the failure has a record, and the
 * action then fails with the run's error.
 */
import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { type RepoConfig, RepoConfigSchema, type RepoModel } from '../config/repo-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import { ConfigError, ModelgateError, TrainError } from '../errors.js';
import { REPO_CONFIG_COPY } from '../pr/run-artifact.js';
import { escapeMarkdown } from '../report/escape.js';
import { runTraining } from '../runs/run-training.js';
import { runArtifactName, type TrainInputs } from './inputs.js';
import { type ActionContext, type ActionEnv, pullRequestOf, workspacePath } from './runtime.js';
import { factsTable, fencedBlock, formatDuration, metricTable, sliceGapLines } from './summary.js';

/** Uploads files as a workflow artifact (default: `@actions/artifact`); injectable for tests. */
export type ArtifactUploader = (
  name: string,
  files: string[],
  rootDirectory: string,
  options: { retentionDays?: number },
) => Promise<{ id?: number; size?: number }>;

/** What happened to the artifact upload. */
export type UploadOutcome =
  | { kind: 'uploaded'; id: number | null; size: number | null }
  | { kind: 'skipped'; reason: string }
  | { kind: 'exists'; message: string };

/** Options of {@link trainAction}. */
export interface TrainActionOptions {
  inputs: TrainInputs;
  context: ActionContext;
  /** The event payload (a pull request's head SHA is recorded as the run's commit). */
  event: Record<string, unknown>;
  env: ActionEnv;
  /** Log lines (progress, the command's output). */
  log: (line: string) => void;
  /** Artifact uploader (default: `@actions/artifact`, when the runner provides its service). */
  uploader?: ArtifactUploader;
  /** Cancels training (the runner cancelling the job). */
  signal?: AbortSignal;
}

/** The outcome of {@link trainAction}: the action's outputs and the job summary. */
export interface TrainActionResult {
  runDir: string;
  /** The run folder relative to the workspace (the `run-dir` output). */
  runDirOutput: string;
  record: RunRecord | null;
  artifactName: string;
  upload: UploadOutcome;
  outputs: Record<string, string>;
  summary: string;
  /** The training error, when the run failed (the summary and record are written first). */
  error: Error | null;
}

/** Whether the runner lets a JavaScript action upload artifacts itself. */
export function canUploadArtifacts(env: ActionEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

/** The default uploader: `@actions/artifact` (loaded only when used). */
export const defaultUploader: ArtifactUploader = async (name, files, root, options) => {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const response = await client.uploadArtifact(name, files, root, {
    ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}),
  });
  return {
    ...(response.id !== undefined ? { id: response.id } : {}),
    ...(response.size !== undefined ? { size: response.size } : {}),
  };
};

/** Finds a model in the repository config, or a {@link ConfigError} listing the models it has. */
export function findRepoModel(config: RepoConfig, file: string, model: string): RepoModel {
  const found = config.models.find((m) => m.name === model);
  if (!found) {
    throw new ConfigError([
      {
        file,
        field: 'models',
        message: `has no model named "${model}" (it lists: ${config.models.map((m) => m.name).join(', ')})`,
        value: model,
      },
    ]);
  }
  return found;
}

/** Every file under a folder (absolute paths, sorted), for the artifact. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Empties the output folder of a previous run (self-hosted runners keep their workspace between
 * jobs, and stale files must not be uploaded with the new run). Only a run folder (holding run.json)
 * or an empty folder is removed; anything else is an error rather than a deletion.
 */
async function clearOutput(dir: string, input: string): Promise<void> {
  if (!existsSync(dir)) return;
  const info = await stat(dir);
  if (!info.isDirectory()) throw new TrainError(`output ${input} exists and is not a folder`);
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  if (!entries.includes('run.json')) {
    throw new TrainError(
      `output ${input} is a folder that is not a modelgate run folder (no run.json); refusing to overwrite it: choose another output`,
    );
  }
  await rm(dir, { recursive: true, force: true });
}

/**
 * A copy of model.yml with `data.train` pointing at `data` (comments kept), written next to the
 * original so its other relative paths still resolve. Returns its path; the caller removes it.
 */
async function overrideTrainData(modelFile: string, data: string): Promise<string> {
  const doc = parseDocument(await readFile(modelFile, 'utf8'));
  const rel = relative(dirname(modelFile), data).split(sep).join('/');
  doc.setIn(['data', 'train'], rel);
  const file = join(dirname(modelFile), `.modelgate-train-${process.pid}-${basename(modelFile)}`);
  await writeFile(file, doc.toString());
  return file;
}

/** The runner a job ran on, from the runner's variables, plus the labels the config asks for. */
export function runnerFacts(env: ActionEnv, labels: string[]): string {
  const name = env.RUNNER_NAME || 'unknown runner';
  const platform = [env.RUNNER_OS, env.RUNNER_ARCH].filter(Boolean).join('/');
  const env_ = env.RUNNER_ENVIRONMENT ? `, ${env.RUNNER_ENVIRONMENT}` : '';
  return `${name}${platform ? ` (${platform}${env_})` : ''}; runs-on: ${labels.join(', ')}`;
}

/** The job summary of a train run (pure). */
export function trainSummary(options: {
  model: string;
  record: RunRecord | null;
  error: Error | null;
  runDir: string;
  runner: string;
  artifactName: string;
  upload: UploadOutcome;
  rules?: Record<string, string>;
}): string {
  const { record, error } = options;
  const ok = record?.status === 'succeeded' && !error;
  const lines = [`## ${ok ? '✅' : '❌'} modelgate train: ${escapeMarkdown(options.model)}`, ''];
  if (error && !record) {
    lines.push('Training failed before a run record was written:', '', fencedBlock(error.message), '');
  }
  if (record) {
    const t = record.timings;
    const env = record.environment;
    const gpu = env.gpu
      ? [
          env.gpu.name,
          env.gpu.memoryMiB !== undefined && Number.isFinite(env.gpu.memoryMiB)
            ? `${env.gpu.memoryMiB} MiB`
            : '',
          env.gpu.driver ? `driver ${env.gpu.driver}` : '',
        ]
          .filter(Boolean)
          .join(', ')
      : 'none';
    const upload =
      options.upload.kind === 'uploaded'
        ? `${options.artifactName} (uploaded${options.upload.size !== null ? `, ${options.upload.size} bytes` : ''})`
        : options.upload.kind === 'exists'
          ? `${options.artifactName} (already uploaded)`
          : `${options.artifactName} (not uploaded: ${options.upload.reason})`;
    lines.push(
      factsTable([
        ['Status', record.status],
        ['Run', record.id],
        ['Commit', record.git.sha ? record.git.sha.slice(0, 12) : null],
        ['Mode', record.mode === 'command' ? `command: ${record.command?.run ?? ''}` : 'built-in trainer'],
        ['Backend', env.backend ?? (record.mode === 'command' ? 'the command' : null)],
        ['GPU', gpu],
        ['Runner', options.runner],
        [
          'Data',
          `train ${record.data.train?.rows ?? '?'} rows${record.data.eval ? `, eval ${record.data.eval.rows} rows` : ''}`,
        ],
        [
          'Timings',
          [
            `total ${formatDuration(t.total_ms) ?? '?'}`,
            t.train_ms !== undefined ? `train ${formatDuration(t.train_ms)}` : '',
            t.eval_ms !== undefined ? `eval ${formatDuration(t.eval_ms)}` : '',
            t.epochs !== undefined ? `${t.epochs} epochs (best ${t.best_epoch})` : '',
            t.samples_per_sec !== undefined ? `${t.samples_per_sec} samples/s` : '',
          ]
            .filter(Boolean)
            .join(', '),
        ],
        ['Run folder', options.runDir],
        ['Artifact', upload],
      ]),
      '',
    );
    if (record.status === 'failed' || error) {
      lines.push('### Error', '', fencedBlock(record.error ?? error?.message ?? 'unknown error'), '');
    }
    if (Object.keys(record.metrics.overall).length > 0) {
      lines.push('### Metrics', '', metricTable(record.metrics.overall, options.rules ?? {}), '');
      const gaps = sliceGapLines(record.metrics.slices);
      if (gaps.length > 0) lines.push('Slice gaps:', '', ...gaps, '');
    }
  }
  return lines.join('\n');
}

/** Gate rules of a model as short texts per metric (`min 0.7`, `max regression 0.01`). */
export function ruleTexts(model: RepoModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of model.metrics) {
    const parts = [
      r.min !== undefined ? `min ${r.min}` : '',
      r.max !== undefined ? `max ${r.max}` : '',
      r.max_regression !== undefined
        ? `max regression ${r.max_regression}${r.relative ? ' (relative)' : ''}`
        : '',
      r.required ? 'required' : '',
    ].filter(Boolean);
    out[r.name] = parts.join(', ');
  }
  return out;
}

async function readRecord(dir: string): Promise<RunRecord | null> {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) return null;
  try {
    return await loadJsonFile(file, RunRecordSchema);
  } catch {
    return null;
  }
}

/**
 * Trains the model, uploads the run folder (when allowed) and returns outputs and the summary. A
 * failed run is returned with `error` set (after its record is uploaded); configuration errors throw.
 */
export async function trainAction(options: TrainActionOptions): Promise<TrainActionResult> {
  const { inputs, context, env, log } = options;
  const workspace = context.workspace;
  const configFile = workspacePath(workspace, 'config', inputs.config);
  const config = await loadYamlFile(configFile, RepoConfigSchema);
  const repoModel = findRepoModel(config, inputs.config, inputs.model);
  const modelFile = join(workspace, repoModel.path, 'model.yml');
  if (!existsSync(modelFile)) {
    throw new ConfigError([
      {
        file: inputs.config,
        field: `models[${config.models.indexOf(repoModel)}].path`,
        message: `no model.yml at ${relative(workspace, modelFile)}`,
        value: repoModel.path,
      },
    ]);
  }
  const runDir = workspacePath(workspace, 'output', inputs.output, 'write');
  await clearOutput(runDir, inputs.output);
  const artifactName = runArtifactName(inputs.model);

  // On a pull request the checkout is a merge commit; the run belongs to the PR's head commit.
  const pr = pullRequestOf(options.event);
  const runEnv: ActionEnv = { ...env, ...(pr ? { GITHUB_SHA: pr.headSha } : {}) };

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason ?? new Error('cancelled'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    inputs['timeout-minutes'] !== undefined
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, inputs['timeout-minutes'] * 60_000)
      : null;

  let modelFileUsed = modelFile;
  let error: Error | null = null;
  let record: RunRecord | null = null;
  try {
    if (inputs.data) {
      const data = workspacePath(workspace, 'data', inputs.data);
      if (!existsSync(data)) throw new TrainError(`input data: ${inputs.data} does not exist`);
      modelFileUsed = await overrideTrainData(modelFile, data);
      log(`modelgate: training data overridden: ${inputs.data}`);
    }
    const outcome = await runTraining({
      modelFile: modelFileUsed,
      outDir: runDir,
      cwd: workspace,
      ...(inputs.backend !== 'auto' ? { backend: inputs.backend } : {}),
      log,
      write: (text) => log(text.replace(/\n$/, '')),
      isTTY: false,
      env: runEnv,
      signal: controller.signal,
    });
    record = outcome.record;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const why = timedOut
      ? `training stopped after the timeout of ${inputs['timeout-minutes']} minutes (input timeout-minutes)`
      : controller.signal.aborted
        ? 'training was cancelled (the job was cancelled or the runner is shutting down)'
        : null;
    const message = e instanceof Error ? e.message : String(e);
    error = e instanceof ModelgateError && !why ? e : new TrainError(why ? `${why}: ${message}` : message);
    record = await readRecord(runDir);
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (modelFileUsed !== modelFile) await rm(modelFileUsed, { force: true });
  }

  // The repository config as the run saw it, for the App (it uses the copy instead of reading the
  // file at the head commit only when the copy is byte for byte that file).
  if (existsSync(join(runDir, 'run.json'))) await copyFile(configFile, join(runDir, REPO_CONFIG_COPY));

  let upload: UploadOutcome;
  if (!existsSync(join(runDir, 'run.json'))) {
    upload = { kind: 'skipped', reason: 'no run folder was written' };
  } else if (!inputs.upload) {
    upload = { kind: 'skipped', reason: 'input upload is false' };
  } else if (!canUploadArtifacts(env) && !options.uploader) {
    upload = {
      kind: 'skipped',
      reason:
        'the artifact service is not available here (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL unset)',
    };
    log(
      `modelgate: upload the run folder ${relative(workspace, runDir)} as the artifact ${artifactName} (e.g. with actions/upload-artifact)`,
    );
  } else {
    const uploader = options.uploader ?? defaultUploader;
    try {
      const files = await listFiles(runDir);
      const res = await uploader(artifactName, files, runDir, {
        ...(inputs['retention-days'] !== undefined ? { retentionDays: inputs['retention-days'] } : {}),
      });
      upload = { kind: 'uploaded', id: res.id ?? null, size: res.size ?? null };
      log(`modelgate: uploaded ${files.length} files as the artifact ${artifactName}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if ((e as Error | null)?.name === 'GHESNotSupportedError') {
        upload = {
          kind: 'skipped',
          reason:
            'the artifact service of GitHub Enterprise Server is not supported here: upload run-dir with actions/upload-artifact',
        };
        log(`modelgate: ${message}; upload ${relative(workspace, runDir)} with actions/upload-artifact`);
      } else if (/already exists|conflict|\b409\b/i.test(message)) {
        upload = { kind: 'exists', message };
        log(
          `modelgate: the artifact ${artifactName} already exists in this workflow run; not uploaded again`,
        );
      } else {
        throw new TrainError(`uploading the artifact ${artifactName} failed: ${message}`);
      }
    }
  }

  const runDirOutput = relative(workspace, runDir).split(sep).join('/') || '.';
  const summary = trainSummary({
    model: inputs.model,
    record,
    error,
    runDir: runDirOutput,
    runner: runnerFacts(env, Array.isArray(repoModel.runs_on) ? repoModel.runs_on : [repoModel.runs_on]),
    artifactName,
    upload,
    rules: ruleTexts(repoModel),
  });
  const gpu = record?.environment.gpu;
  const outputs: Record<string, string> = {
    'run-dir': runDirOutput,
    'run-id': record?.id ?? '',
    'artifact-name': artifactName,
    backend: record?.environment.backend ?? (record?.mode === 'command' ? 'command' : ''),
    gpu: gpu ? gpu.name : '',
    metrics: JSON.stringify(record?.metrics.overall ?? {}),
  };
  if (record && record.status !== 'succeeded' && !error) {
    error = new TrainError(record.error ?? `run ${record.id} ${record.status}`);
  }
  return { runDir, runDirOutput, record, artifactName, upload, outputs, summary, error };
}
