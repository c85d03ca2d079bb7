/**
 * The runner I/O of modelgate's JavaScript actions, kept thin: inputs from `INPUT_<NAME>` variables
 * (validated by one zod schema per action), the event payload from `GITHUB_EVENT_PATH`, the run's
 * context (repository, SHA, API URL, run id, workspace), outputs appended to the `GITHUB_OUTPUT` file
 * with heredoc delimiters, the job summary appended to `GITHUB_STEP_SUMMARY`, and {@link runAction},
 * the wrapper every action's `main.ts` runs in (a failure becomes `::error::` plus exit code 1, and
 * the action's own time is logged). Logging goes through `@actions/core` (groups, annotations).
 *
 * Everything takes the environment as a parameter (default `process.env`) so tests drive it with a
 * plain object; the actions themselves run as real processes with the runner's environment.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import type { z } from 'zod';
import { describeValue, ModelgateError } from '../errors.js';

/** The environment an action reads (the runner's, or a test's object). */
export type ActionEnv = NodeJS.ProcessEnv;

/** One invalid or missing action input. */
export interface InputIssue {
  /** The input's name as in action.yml (kebab-case), e.g. `run-dir`. */
  input: string;
  /** The environment variable the runner passes it in, e.g. `INPUT_RUN-DIR`. */
  variable: string;
  /** The value received (after trimming), or undefined when the input was not set. */
  value: string | undefined;
  /** What is wrong. */
  message: string;
}

/** Invalid action inputs: every problem names the input, its variable and the value received. */
export class ActionInputError extends ModelgateError {
  /** Every problem found. */
  readonly issues: InputIssue[];
  constructor(issues: InputIssue[]) {
    const lines = issues.map(
      (i) =>
        `  input "${i.input}" (${i.variable}): ${i.message}${i.value === undefined ? '' : ` (got ${describeValue(i.value)})`}`,
    );
    super(`Invalid action inputs:\n${lines.join('\n')}`, 2);
    this.issues = issues;
  }
}

/** The runner's context is missing something an action needs (e.g. `GITHUB_REPOSITORY`). */
export class ActionContextError extends ModelgateError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * The variable the runner passes an input in: `INPUT_` + the name upper-cased, spaces turned into
 * underscores and dashes kept (`run-dir` -> `INPUT_RUN-DIR`), exactly as `@actions/core` reads it.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Inputs holding secrets (`token`, `admin-token`, ...): masked as soon as they are read. */
export const SECRET_INPUT = /(^|-)token$/;

/** A zod object schema of inputs, optionally followed by a transform (derived defaults). */
export type InputSchema = z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodType>;

/** The input names a schema declares (its object keys, kebab-case as in action.yml). */
export function inputNames(schema: InputSchema): string[] {
  const object = 'shape' in schema ? schema : (schema.in as z.ZodObject);
  return Object.keys(object.shape);
}

/**
 * Reads the inputs a schema declares from `INPUT_<NAME>` variables: each value is trimmed, an empty
 * or unset input is left out (so the schema's default applies, as `core.getInput` returns `''` for
 * both), secrets ({@link SECRET_INPUT}) are masked, then the whole object is validated. Throws {@link ActionInputError} naming every bad input,
 * its variable, the value and the problem.
 */
export function readInputs<S extends InputSchema>(schema: S, env: ActionEnv = process.env): z.output<S> {
  const raw: Record<string, string> = {};
  for (const name of inputNames(schema)) {
    const value = env[inputVariable(name)]?.trim();
    if (value === undefined || value === '') continue;
    raw[name] = value;
    // Tokens are masked before anything can print them (the runner hides them in every later line).
    if (SECRET_INPUT.test(name)) core.setSecret(value);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as z.output<S>;
  const issues: InputIssue[] = parsed.error.issues.map((issue) => {
    const input = issue.path.length > 0 ? String(issue.path[0]) : '(inputs)';
    const value = raw[input];
    const missing = value === undefined && issue.code === 'invalid_type';
    return {
      input,
      variable: inputVariable(input),
      value,
      message: missing ? 'is required but was not set' : issue.message,
    };
  });
  throw new ActionInputError(issues);
}

/**
 * Reads the webhook payload of the event that started the workflow (`GITHUB_EVENT_PATH`); an empty
 * object when the variable is unset (a local run). A missing or unparsable file is an error naming it.
 */
export function readEvent(env: ActionEnv = process.env): Record<string, unknown> {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ActionContextError(
      `cannot read the event payload GITHUB_EVENT_PATH=${path}: ${(e as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ActionContextError(
      `the event payload ${path} (GITHUB_EVENT_PATH) is not JSON: ${(e as Error).message}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ActionContextError(`the event payload ${path} (GITHUB_EVENT_PATH) is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The pull request an event is about: its number and head commit, or null for other events. */
export function pullRequestOf(event: Record<string, unknown>): { number: number; headSha: string } | null {
  const pr = event.pull_request as { number?: unknown; head?: { sha?: unknown } } | undefined;
  if (pr && typeof pr.number === 'number' && typeof pr.head?.sha === 'string') {
    return { number: pr.number, headSha: pr.head.sha };
  }
  return null;
}

/** The workflow run's context, from the runner's `GITHUB_*` and `RUNNER_*` variables. */
export interface ActionContext {
  /** `owner/name` (`GITHUB_REPOSITORY`), or null outside a runner. */
  repository: string | null;
  /** The owner and the name, split from {@link repository}. */
  owner: string | null;
  repo: string | null;
  /** The commit that started the workflow (`GITHUB_SHA`; a merge commit for pull requests). */
  sha: string | null;
  /** `GITHUB_REF`, e.g. `refs/pull/7/merge` or `refs/heads/main`. */
  ref: string | null;
  /** `GITHUB_EVENT_NAME`. */
  eventName: string | null;
  /** The web host (`GITHUB_SERVER_URL`), e.g. `https://github.com` or a GHES host. */
  serverUrl: string | null;
  /** The REST API root (`GITHUB_API_URL`): never assumed, GHES and tests use their own. */
  apiUrl: string | null;
  /** `GITHUB_RUN_ID` and `GITHUB_RUN_ATTEMPT`. */
  runId: number | null;
  runAttempt: number | null;
  /** The web address of this workflow run, when the server, repository and run id are known. */
  runUrl: string | null;
  /** The checkout (`GITHUB_WORKSPACE`), else the process's working directory. */
  workspace: string;
  /** `GITHUB_ACTOR`. */
  actor: string | null;
}

const positiveInt = (s: string | undefined): number | null => {
  if (!s || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
};

/** Reads the run's context from the environment. */
export function actionContext(env: ActionEnv = process.env): ActionContext {
  const repository = env.GITHUB_REPOSITORY?.trim() || null;
  const [owner, repo] = repository && /^[^/]+\/[^/]+$/.test(repository) ? repository.split('/') : [];
  const serverUrl = env.GITHUB_SERVER_URL?.replace(/\/+$/, '') || null;
  const runId = positiveInt(env.GITHUB_RUN_ID);
  return {
    repository,
    owner: owner ?? null,
    repo: repo ?? null,
    sha: env.GITHUB_SHA || null,
    ref: env.GITHUB_REF || null,
    eventName: env.GITHUB_EVENT_NAME || null,
    serverUrl,
    apiUrl: env.GITHUB_API_URL?.replace(/\/+$/, '') || null,
    runId,
    runAttempt: positiveInt(env.GITHUB_RUN_ATTEMPT),
    runUrl:
      serverUrl && repository && runId !== null ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    workspace: resolve(env.GITHUB_WORKSPACE || process.cwd()),
    actor: env.GITHUB_ACTOR || null,
  };
}

/** The repository and API URL an action needs to call GitHub; throws naming the missing variable. */
export function requireGitHub(context: ActionContext): { owner: string; repo: string; apiUrl: string } {
  if (!context.owner || !context.repo) {
    throw new ActionContextError(
      `GITHUB_REPOSITORY is ${context.repository === null ? 'not set' : `"${context.repository}", not owner/name`}: this action calls the GitHub API for the workflow's repository`,
    );
  }
  if (!context.apiUrl) {
    throw new ActionContextError(
      'GITHUB_API_URL is not set: the action calls the GitHub API at the URL the runner gives (github.com or a GHES host)',
    );
  }
  return { owner: context.owner, repo: context.repo, apiUrl: context.apiUrl };
}

/**
 * Resolves a path input against the workspace. `write` paths (folders the action creates) must stay
 * inside the workspace, so an input can never make the action write elsewhere on the runner; read
 * paths may be absolute (data on a self-hosted runner's disk).
 */
export function workspacePath(
  workspace: string,
  input: string,
  value: string,
  mode: 'read' | 'write' = 'read',
): string {
  if (value.includes('\0')) {
    throw new ActionInputError([
      { input, variable: inputVariable(input), value, message: 'contains a NUL character' },
    ]);
  }
  const path = resolve(workspace, value);
  if (mode === 'write') {
    const rel = relative(workspace, path);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ActionInputError([
        {
          input,
          variable: inputVariable(input),
          value,
          message: `must be a folder inside the workspace ${workspace}`,
        },
      ]);
    }
  }
  return path;
}

/** Formats one output in the `GITHUB_OUTPUT` file syntax: `name<<delimiter\nvalue\ndelimiter\n`. */
export function formatOutput(
  name: string,
  value: string,
  delimiter = `ghadelimiter_${randomUUID()}`,
): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`invalid output name ${JSON.stringify(name)}`);
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name}: the value contains the delimiter ${delimiter}`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * Sets outputs: appended to the `GITHUB_OUTPUT` file with random heredoc delimiters (multi-line safe);
 * without the variable (a local run) they are printed as `output <name>=<value>` lines.
 */
export function setOutputs(outputs: Record<string, string>, env: ActionEnv = process.env): void {
  const file = env.GITHUB_OUTPUT;
  const text = Object.entries(outputs)
    .map(([name, value]) => formatOutput(name, value))
    .join('');
  if (file) appendFileSync(file, text, 'utf8');
  else for (const [name, value] of Object.entries(outputs)) core.info(`output ${name}=${value}`);
}

/** GitHub's limit on one step's summary (1 MiB); longer summaries are cut with a note. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/**
 * Appends markdown to the job summary (`GITHUB_STEP_SUMMARY`), cut to {@link SUMMARY_LIMIT_BYTES};
 * without the variable the summary is printed to the log. Returns the text written.
 */
export function appendSummary(markdown: string, env: ActionEnv = process.env): string {
  let text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  const note = '\n\n_(summary cut at GitHub’s 1 MiB limit)_\n';
  if (Buffer.byteLength(text, 'utf8') > SUMMARY_LIMIT_BYTES) {
    const budget = SUMMARY_LIMIT_BYTES - Buffer.byteLength(note, 'utf8');
    let cut = Buffer.from(text, 'utf8').subarray(0, budget).toString('utf8');
    if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
    text = `${cut}${note}`;
  }
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, text, 'utf8');
  else core.info(text);
  return text;
}

/** Runs `fn` inside a collapsible log group titled `title`, logging how long it took. */
export async function phase<T>(title: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  core.startGroup(title);
  try {
    return await fn();
  } finally {
    core.endGroup();
    core.info(`${title}: ${formatSeconds(performance.now() - started)}`);
  }
}

/** `1.23 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The message shown for a failed action: typed errors as they are, anything else with its stack. */
export function failureMessage(error: unknown): string {
  if (error instanceof ModelgateError) return error.message;
  if (error instanceof Error) {
    const where = error.stack?.split('\n').slice(1, 4).join('\n') ?? '';
    return `${error.name}: ${error.message}${where ? `\n${where}` : ''}`;
  }
  return String(error);
}

/** Options of {@link runAction}. */
export interface RunActionOptions {
  /** Exit the process when done (default true): lingering handles (wasm workers, sockets) never hang the job. */
  exit?: boolean;
}

/**
 * Runs an action's body: logs its start and its own duration, and turns any error into a failed step
 * (`::error::` with a clear message, exit code 1). Configuration errors list every bad field.
 * Resolves the exit code (when `exit` is false).
 */
export async function runAction(
  name: string,
  body: () => Promise<void>,
  options: RunActionOptions = {},
): Promise<number> {
  const started = performance.now();
  core.info(`modelgate ${name} (node ${process.version}, ${process.platform}/${process.arch})`);
  let code = 0;
  try {
    await body();
    core.info(`modelgate ${name}: done in ${formatSeconds(performance.now() - started)}`);
  } catch (error) {
    code = 1;
    const message = failureMessage(error);
    core.setFailed(`modelgate ${name}: ${message}`);
    core.info(`modelgate ${name}: failed after ${formatSeconds(performance.now() - started)}`);
  }
  process.exitCode = code;
  if (options.exit !== false) process.exit(code);
  return code;
}
