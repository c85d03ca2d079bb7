/**
 * The `report` action's use case, for repositories that do not install the App: finds the run
 * folder of each model (trained in the same job, or downloaded `modelgate-run-<model>` artifacts),
 * the pull request (from the `pull_request` or `workflow_run` event, or the `pr` input), diffs each
 * run against the model's latest release and upserts the model's section of the ONE sticky comment
 * ({@link reportPullRequest}). It needs no git history: runs are files, releases come through the API.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { loadJsonFile, loadYamlFile } from '../config/load.js';
import { ModelConfigSchema } from '../config/model-config.js';
import { RepoConfigSchema } from '../config/repo-config.js';
import { type RunRecord, RunRecordSchema } from '../config/run-record.js';
import type { Verdict } from '../diff/types.js';
import { ConfigError, ModelgateError } from '../errors.js';
import type { Forge, ForgePullRequest } from '../forge/forge.js';
import { reportPullRequest } from '../pr/report-pull-request.js';
import { innerPaths, modelOfArtifact } from '../pr/run-artifact.js';
import { safeEntryName } from '../pr/zip-reader.js';
import { GithubRegistry } from '../registry/github-registry.js';
import type { ReportInputs } from './inputs.js';
import { type ActionContext, workspacePath } from './runtime.js';

/** The action could not find what it needs (a run folder, a pull request). Exit code 1. */
export class ReportActionError extends ModelgateError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** The pull request an event is about, as far as the payload tells. */
export interface EventPullRequest {
  /** The pull-request number, or null when the payload names none (fork `workflow_run`s). */
  number: number | null;
  /** The commit the event is about (the PR head, or the workflow run's head), or null. */
  headSha: string | null;
}

const record = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
const positiveInt = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
const sha = (value: unknown): string | null =>
  typeof value === 'string' && /^[0-9a-f]{40}$/i.test(value) ? value.toLowerCase() : null;

/**
 * Reads the pull request from an event payload: `pull_request` / `pull_request_target` /
 * `pull_request_review` (the PR and its head SHA), `workflow_run` (the run's head SHA and the
 * first listed pull request whose head is that SHA; forks list none), `issue_comment` on a PR
 * (the number only). Anything else gives nulls.
 */
export function pullRequestOfEvent(eventName: string, payload: unknown): EventPullRequest {
  const body = record(payload);
  if (!body) return { number: null, headSha: null };
  if (
    eventName === 'pull_request' ||
    eventName === 'pull_request_target' ||
    eventName === 'pull_request_review'
  ) {
    const pr = record(body.pull_request);
    return {
      number: positiveInt(pr?.number) ?? positiveInt(body.number),
      headSha: sha(record(pr?.head)?.sha),
    };
  }
  if (eventName === 'workflow_run') {
    const run = record(body.workflow_run);
    const headSha = sha(run?.head_sha);
    const prs = Array.isArray(run?.pull_requests) ? run.pull_requests.map(record) : [];
    const match = prs.find((p) => headSha !== null && sha(record(p?.head)?.sha) === headSha) ?? prs[0];
    return { number: positiveInt(match?.number), headSha };
  }
  if (eventName === 'issue_comment') {
    const issue = record(body.issue);
    return {
      number: issue && record(issue.pull_request) ? positiveInt(issue.number) : null,
      headSha: null,
    };
  }
  return { number: null, headSha: null };
}

/** The order in which verdicts are worse. */
const SEVERITY: Record<Verdict, number> = { pass: 0, 'needs-approval': 1, fail: 2 };

/** The worst verdict of several models (`pass` for none). */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) if (SEVERITY[v] > SEVERITY[worst]) worst = v;
  return worst;
}

/** Exit code of the report step: 1 only for a `fail` verdict when `failOnGate` is set. */
export function reportExitCode(verdict: Verdict, failOnGate: boolean): 0 | 1 {
  return verdict === 'fail' && failOnGate ? 1 : 0;
}

/** The model named in a run folder's run.json, or null when there is none or it is unreadable. */
function runModel(dir: string): string | null {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) return null;
  try {
    const model = record(JSON.parse(readFileSync(file, 'utf8')))?.model;
    return typeof model === 'string' ? model : null;
  } catch {
    return null;
  }
}

/**
 * The folders to look in for a model's run, in order: the `run-dir` itself (a single model's run),
 * `<run-dir>/modelgate-run-<model>` (several artifacts downloaded into one folder),
 * `<run-dir>/<model>`; without `run-dir`: `.modelgate/runs/<model>` (what `train` writes) and
 * `modelgate-run-<model>` in the workspace.
 */
export function runDirCandidates(model: string, runDir: string | undefined, workspace: string): string[] {
  if (runDir) {
    const base = resolve(workspace, runDir);
    return [base, join(base, `modelgate-run-${model}`), join(base, model)];
  }
  return [join(workspace, '.modelgate', 'runs', model), join(workspace, `modelgate-run-${model}`)];
}

/**
 * Finds each model's run folder: the first candidate whose run.json names the model. A
 * {@link ReportActionError} lists the folders tried when one is missing.
 */
export function locateRuns(
  models: readonly string[],
  runDir: string | undefined,
  workspace: string,
): { model: string; dir: string }[] {
  return models.map((model) => {
    const tried = runDirCandidates(model, runDir, workspace);
    const dir = tried.find((d) => runModel(d) === model);
    if (!dir)
      throw new ReportActionError(
        `no run of model "${model}": none of ${tried.join(', ')} holds a run.json with "model": "${model}" ` +
          '(train in this job, or download the modelgate-run-<model> artifact, and point run-dir at it)',
      );
    return { model, dir };
  });
}

/**
 * Finds every run under `run-dir` when no model is named (the `workflow_run` report, which downloads
 * every `modelgate-run-*` artifact of the PR run into one folder): the folder itself when it holds
 * run.json, else each sub-folder holding one, sorted. A `modelgate-run-<name>` folder must hold a
 * run of `<name>`; one model twice or no run at all is a {@link ReportActionError}.
 */
export function discoverRuns(
  runDir: string | undefined,
  workspace: string,
): { model: string; dir: string }[] {
  const base = resolve(workspace, runDir ?? join('.modelgate', 'runs'));
  const own = runModel(base);
  if (own) return [{ model: own, dir: base }];
  let names: string[] = [];
  try {
    names = readdirSync(base, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    names = [];
  }
  const runs: { model: string; dir: string }[] = [];
  for (const name of names) {
    const dir = join(base, name);
    const model = runModel(dir);
    if (!model) continue;
    const named = modelOfArtifact(name);
    if (named !== null && named !== model)
      throw new ReportActionError(
        `${dir}: the folder is named for model "${named}" but holds a run of "${model}"`,
      );
    const twice = runs.find((r) => r.model === model);
    if (twice) throw new ReportActionError(`two runs of model "${model}": ${twice.dir} and ${dir}`);
    runs.push({ model, dir });
  }
  if (runs.length === 0)
    throw new ReportActionError(
      `no run folders in ${base} (a run folder holds run.json; download the modelgate-run-<model> artifacts there, or name the model)`,
    );
  return runs;
}

/**
 * Checks a run folder before it is reported (downloaded artifacts are data from the PR run, never
 * trusted): run.json and model.yml valid against their schemas and of `model`, every path run.json
 * names inside the folder and no symbolic link on the way, and `git.sha` the commit the report is
 * about (a stale or foreign run is refused).
 */
export async function checkRunFolder(dir: string, model: string, headSha: string): Promise<RunRecord> {
  const run = await loadJsonFile(join(dir, 'run.json'), RunRecordSchema);
  const config = await loadYamlFile(join(dir, 'model.yml'), ModelConfigSchema);
  const file = join(dir, 'run.json');
  if (run.model !== model || config.name !== model)
    throw new ReportActionError(
      `${file}: the run is of model "${run.model}" (model.yml: "${config.name}"), not "${model}"`,
    );
  for (const [field, path] of innerPaths(run)) {
    let clean: string;
    try {
      clean = safeEntryName(path).name;
    } catch (e) {
      throw new ReportActionError(
        `${file}: ${field} ${JSON.stringify(path)} must be a path inside the run folder (${(e as Error).message})`,
      );
    }
    let current = dir;
    for (const part of clean.split('/')) {
      current = join(current, part);
      if (existsSync(current) && lstatSync(current).isSymbolicLink())
        throw new ReportActionError(`${file}: ${field} ${JSON.stringify(path)} goes through a symbolic link`);
    }
  }
  if (run.git.sha?.toLowerCase() !== headSha.toLowerCase())
    throw new ReportActionError(
      `${file}: git.sha ${JSON.stringify(run.git.sha)} is not the pull request's head commit ${headSha} (a stale or foreign run)`,
    );
  return run;
}

/** The pull request to report on, and the commit the runs were made for. */
export async function resolvePullRequest(
  forge: Forge,
  options: { prInput?: number; eventName: string; payload: unknown },
): Promise<{ pr: ForgePullRequest; headSha: string }> {
  const event = pullRequestOfEvent(options.eventName, options.payload);
  let number = options.prInput ?? event.number;
  if (number === null && event.headSha) {
    // Fork pull requests are missing from workflow_run payloads: find the open PR with this head.
    const prs = (await forge.pullRequestsForCommit(event.headSha)).filter(
      (p) => p.state === 'open' && p.headSha.toLowerCase() === event.headSha,
    );
    if (!prs[0])
      throw new ReportActionError(
        `no open pull request has head ${event.headSha} (the ${options.eventName} event); give the input pr`,
      );
    number = prs[0].number;
  }
  if (number === null)
    throw new ReportActionError(
      `the ${options.eventName || 'unknown'} event names no pull request; run on pull_request or workflow_run, or give the input pr`,
    );
  const pr = await forge.getPullRequest(number);
  // The event's SHA is the commit the runs were made for, when the event is about this PR.
  const headSha =
    event.headSha && (event.number === null || event.number === pr.number) ? event.headSha : pr.headSha;
  return { pr, headSha };
}

/** Options of {@link reportAction}. */
export interface ReportActionOptions {
  inputs: ReportInputs;
  context: ActionContext;
  /** The event payload (`pull_request`, `workflow_run`, ...). */
  event: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Builds the forge from the token (default: the Octokit forge at GITHUB_API_URL). */
  forge?: (token: string) => Forge;
}

/** What the report action produced. */
export interface ReportActionResult {
  prNumber: number;
  headSha: string;
  /** The worst verdict of the models. */
  verdict: Verdict;
  commentId: number;
  models: { model: string; verdict: Verdict; markdown: string }[];
  outputs: Record<string, string>;
  /** The job summary (every model's section, the same markdown as the comment). */
  summary: string;
  /** Set when the step must fail (a `fail` verdict with fail-on-gate). */
  error: ModelgateError | null;
}

/**
 * Reports the runs on the pull request: one section per model in the sticky comment, the worst
 * verdict, and an error only for `fail` with `fail-on-gate` (`needs-approval` passes the step: the
 * approval is a reviewer's job, shown by the comment and, with the App, by the check run).
 */
export async function reportAction(options: ReportActionOptions): Promise<ReportActionResult> {
  const { inputs, context, log } = options;
  const workspace = context.workspace;
  const configFile = workspacePath(workspace, 'config', inputs.config);
  const config = await loadYamlFile(configFile, RepoConfigSchema);
  const named = inputs.model !== undefined || (inputs.models?.length ?? 0) > 0;
  const runs = named
    ? locateRuns(
        inputs.runs.map((r) => r.model),
        inputs['run-dir'],
        workspace,
      )
    : discoverRuns(inputs['run-dir'], workspace);
  const models = runs.map((r) => r.model);
  for (const model of models) {
    if (!config.models.some((m) => m.name === model))
      throw new ConfigError([
        {
          file: inputs.config,
          field: 'models',
          message: `has no model named "${model}" (it lists: ${config.models.map((m) => m.name).join(', ')})`,
          value: model,
        },
      ]);
  }
  for (const run of runs) log(`modelgate: ${run.model}: run folder ${portable(workspace, run.dir)}`);

  const forge = options.forge
    ? options.forge(inputs.token)
    : (await import('./github.js')).actionForge(inputs.token, context);
  const { pr, headSha } = await resolvePullRequest(forge, {
    ...(inputs.pr !== undefined ? { prInput: inputs.pr } : {}),
    eventName: context.eventName ?? '',
    payload: options.event,
  });
  log(`modelgate: reporting on #${pr.number} (head ${headSha.slice(0, 12)})`);
  for (const run of runs) await checkRunFolder(run.dir, run.model, headSha);
  // A pull request that edits the gate rules cannot pass them unreviewed (a pull_request job reads
  // the PR's own config; a workflow_run job the default branch's).
  const changed = await forge.listPullRequestFiles(pr.number);
  const configPath = portable(workspace, configFile);
  const registry = new GithubRegistry(forge, {
    cacheDir: join(options.env.RUNNER_TEMP || join(workspace, '.modelgate'), 'modelgate-registry'),
    log,
  });
  const out = await reportPullRequest({
    forge,
    registry,
    config,
    prNumber: pr.number,
    headSha,
    runs,
    labels: pr.labels,
    configChanged: changed.includes(configPath),
    ...(context.runUrl
      ? { links: Object.fromEntries(models.map((m) => [m, { run: context.runUrl! }])) }
      : {}),
  });
  const reported = out.models.map((m) => ({ model: m.model, verdict: m.verdict, markdown: m.markdown }));
  const verdict = worstVerdict(reported.map((m) => m.verdict));
  const exit = reportExitCode(verdict, inputs['fail-on-gate']);
  const failing = reported.filter((m) => m.verdict === 'fail').map((m) => m.model);
  return {
    prNumber: pr.number,
    headSha,
    verdict,
    commentId: out.commentId,
    models: reported,
    outputs: { verdict, 'comment-id': String(out.commentId) },
    summary: reported.map((m) => m.markdown).join('\n\n---\n\n'),
    error:
      exit === 1
        ? new GateFailedError(
            `the gate failed for ${failing.join(', ')} on #${pr.number} (see the pull request comment; set fail-on-gate: false to report without failing)`,
          )
        : null,
  };
}

/** The gate's verdict is `fail` and `fail-on-gate` is set. Exit code 1. */
export class GateFailedError extends ModelgateError {
  constructor(message: string) {
    super(message, 1);
  }
}

const portable = (root: string, p: string) => relative(root, p).split(sep).join('/');
