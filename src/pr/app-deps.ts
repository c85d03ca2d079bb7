/**
 * What the App's use cases need from their caller (the Probot wiring, or a test): the forge, the
 * registry, the config text, limits, a clock, a logger and the steps that act outside GitHub
 * (release, deploy). Plus the pieces every handler shares: the deadline, the result shape, the
 * config lookup and a scratch folder.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepoConfig } from '../config/repo-config.js';
import { ModelgateError } from '../errors.js';
import type { Forge } from '../forge/forge.js';
import { isBotLogin } from '../forge/sticky-comment.js';
import type { Registry } from '../registry/registry.js';
import type { ReleaseOutcome, ReleaseRunOptions } from '../release/release-run.js';
import type { DeployOutcome, DeployRequest } from '../serve/deploy-flow.js';
import { CONFIG_PATH, type ConfigResult, parseRepoConfig } from './load-config.js';
import {
  DEFAULT_ARTIFACT_MAX_BYTES,
  DEFAULT_ARTIFACT_MAX_FILES,
  DEFAULT_ARTIFACT_MAX_RATIO,
} from './run-artifact.js';

/** Limits of the App's handlers. */
export interface AppLimits {
  /** Largest run artifact, zipped and unzipped (default 200 MB). */
  artifactBytes: number;
  /** Most files in a run artifact (default 5,000). */
  artifactFiles: number;
  /** Largest compression ratio of an artifact entry over 1 MiB (default 250). */
  artifactRatio: number;
  /** How long one event may take before the handler gives up at its next step (default 5 minutes). */
  deadlineMs: number;
  /** Paired-bootstrap resamples of the report (default 1000). */
  resamples: number;
}

/** The default {@link AppLimits}. */
export const DEFAULT_APP_LIMITS: AppLimits = {
  artifactBytes: DEFAULT_ARTIFACT_MAX_BYTES,
  artifactFiles: DEFAULT_ARTIFACT_MAX_FILES,
  artifactRatio: DEFAULT_ARTIFACT_MAX_RATIO,
  deadlineMs: 5 * 60_000,
  resamples: 1000,
};

/** Workflow file names the App dispatches or recognises. */
export interface WorkflowNames {
  /** The pull-request training workflow whose runs carry the artifacts (default `modelgate-pr.yml`). */
  pr: string;
  /** The retraining workflow (default `modelgate-retrain.yml`), inputs `model`, `version`, `reason`. */
  retrain: string;
  /** The drift workflow (default `modelgate-drift.yml`), inputs `model`, `version`. */
  drift: string;
}

/** The default {@link WorkflowNames}. */
export const DEFAULT_WORKFLOWS: WorkflowNames = {
  pr: 'modelgate-pr.yml',
  retrain: 'modelgate-retrain.yml',
  drift: 'modelgate-drift.yml',
};

/** A minimal logger (the bot adapts Probot's). */
export interface AppLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Dependencies of every handler. */
export interface AppDeps {
  forge: Forge;
  /** Where released versions (the baselines) live; usually the GitHub registry over `forge`. */
  registry: Registry;
  /**
   * The text of `.github/modelgate.yml` when the caller loaded it (Probot's config loader); null when
   * the caller knows there is none; undefined: read through the forge at the event's ref (the pull
   * request's head, the merge commit, or the default branch for issues).
   */
  configText?: string | null;
  log?: AppLog;
  limits?: Partial<AppLimits>;
  /** Workflow names (defaults {@link DEFAULT_WORKFLOWS}). */
  workflows?: Partial<WorkflowNames>;
  /** The clock (default `new Date()`). */
  now?: () => Date;
  /** Cancels the handler at its next step (the bot's request lifetime). */
  signal?: AbortSignal;
  /** Scratch folder for artifacts (default the OS temp folder); cleaned after each event. */
  workDir?: string;
  /** Releases a merged run (default `releaseRun` from `src/release/release-run.ts`). */
  release?: (options: ReleaseRunOptions) => Promise<ReleaseOutcome>;
  /** Rolls a version out when `deploy.url` is configured (default `deployVersion`). */
  deploy?: (request: DeployRequest) => Promise<DeployOutcome>;
  /** The model server's admin token; without it a configured `deploy.url` gets a `queued` Deployment. */
  adminToken?: string;
  /** Branch for dispatched workflows when the payload has no default branch (default `main`). */
  defaultBranch?: string;
  /** Which comment authors are modelgate itself (default: `[bot]` logins). */
  trustedAuthor?: (login: string) => boolean;
  /**
   * The GitHub App's id: only check runs of this App are read and updated, so a check run of the
   * same name made by a pull request's workflow (forged verdict, approval or config markers) is
   * ignored and the App's own check is started or completed instead. Unset (Actions mode with the
   * job token, which cannot tell its checks from a workflow's): any check run of the name is trusted.
   */
  appId?: number;
}

/** The full limits of a deps object. */
export function limitsOf(deps: AppDeps): AppLimits {
  return { ...DEFAULT_APP_LIMITS, ...deps.limits };
}

/** The workflow names of a deps object. */
export function workflowsOf(deps: AppDeps): WorkflowNames {
  return { ...DEFAULT_WORKFLOWS, ...deps.workflows };
}

/** The trusted-author check of a deps object. */
export function trustedOf(deps: AppDeps): (login: string) => boolean {
  return deps.trustedAuthor ?? isBotLogin;
}

/** What a handler did. Handlers never throw: `error` says what went wrong. */
export interface HandlerResult {
  /** Whether the event concerned modelgate (false: ignored, with `summary` saying why). */
  handled: boolean;
  /** One line for the log. */
  summary: string;
  /** What was done, in order (`check modelgate/risk: success`, `dispatch modelgate-retrain.yml`, ...). */
  actions: string[];
  /** An unexpected failure (a forge error, a bug), already logged. */
  error?: string;
}

/** A handler ran past its deadline or was cancelled. */
export class HandlerTimeoutError extends ModelgateError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** A point in time after which a handler stops at its next step. */
export class Deadline {
  private readonly at: number;
  private readonly signal: AbortSignal | undefined;
  constructor(ms: number, signal?: AbortSignal) {
    this.at = Date.now() + ms;
    this.signal = signal;
  }
  /** Throws {@link HandlerTimeoutError} when the deadline passed or the signal aborted. */
  check(step: string): void {
    if (this.signal?.aborted) throw new HandlerTimeoutError(`cancelled before ${step}`);
    if (Date.now() > this.at) throw new HandlerTimeoutError(`ran out of time before ${step}`);
  }
}

/** A handler's context: deps, limits, deadline, log and the actions list. */
export interface HandlerContext {
  deps: AppDeps;
  limits: AppLimits;
  deadline: Deadline;
  log: AppLog;
  actions: string[];
}

const silent: AppLog = { info() {}, warn() {}, error() {} };

/**
 * Runs a handler body with a context and turns any throw into `{ handled: true, error }` (logged),
 * so a bad payload or a forge failure never crashes the App.
 */
export async function runHandler(
  name: string,
  deps: AppDeps,
  body: (ctx: HandlerContext) => Promise<Omit<HandlerResult, 'actions'>>,
): Promise<HandlerResult> {
  const limits = limitsOf(deps);
  const ctx: HandlerContext = {
    deps,
    limits,
    deadline: new Deadline(limits.deadlineMs, deps.signal),
    log: deps.log ?? silent,
    actions: [],
  };
  try {
    const result = await body(ctx);
    ctx.log.info(`${name}: ${result.summary}`);
    return { ...result, actions: ctx.actions };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.log.error(`${name} failed: ${message}`);
    return { handled: true, summary: `${name} failed`, actions: ctx.actions, error: message };
  }
}

/** An ignored event. */
export function ignored(summary: string): Omit<HandlerResult, 'actions'> {
  return { handled: false, summary };
}

/** The config text of an event and what it parses to. */
export interface ConfigSource {
  /** The raw text of `.github/modelgate.yml`. */
  text: string;
  result: ConfigResult;
}

/**
 * The config text for an event and its parse: `deps.configText` when given, else the file at `ref`
 * through the forge. null: the repository has no modelgate config.
 */
export async function configSourceAt(deps: AppDeps, ref: string): Promise<ConfigSource | null> {
  if (deps.configText === null) return null;
  const text = deps.configText ?? (await deps.forge.getFile(CONFIG_PATH, ref));
  return text === null ? null : { text, result: parseRepoConfig(text, CONFIG_PATH) };
}

/** SHA-256 (hex) of a config text, as check-run config stamps record it. */
export function configHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The config for an event: `deps.configText` when given, else the file at `ref` through the forge.
 * null: the repository has no modelgate config (the event is not for modelgate).
 */
export async function configAt(deps: AppDeps, ref: string): Promise<ConfigResult | null> {
  return (await configSourceAt(deps, ref))?.result ?? null;
}

/** The config when valid, else null (for events that only act on a valid config). */
export async function validConfigAt(deps: AppDeps, ref: string): Promise<RepoConfig | null> {
  const result = await configAt(deps, ref);
  return result?.ok ? result.config : null;
}

/** Runs `work` with a fresh scratch folder that is removed afterwards. */
export async function withScratch<T>(deps: AppDeps, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(deps.workDir ?? tmpdir(), 'modelgate-app-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
