/**
 * One webhook delivery, whatever the run mode (Probot app, Node middleware, Actions mode): find the
 * event's route, validate the payload subset, build the use case's dependencies (an
 * `OctokitForge` for the event's repository, a GitHub registry caching into a scratch folder of
 * this delivery), run the use case under the per-repository lock and within its time budget, then
 * remove the scratch folder.
 *
 * Time bounds: the use case stops at its next step once `limits.deadlineMs` has passed (and its
 * abort signal fires then); each GitHub request has its own timeout (the client's); and the
 * delivery is given up `graceMs` after the deadline whatever the use case is doing, so no handler
 * holds the repository's lock forever.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelgateError } from '../src/errors.js';
import { OctokitForge, type OctokitLike } from '../src/forge/octokit-forge.js';
import { type AppDeps, type AppLog, DEFAULT_APP_LIMITS, type HandlerResult } from '../src/pr/app-deps.js';
import { GithubRegistry, type ReleaseAssetCache } from '../src/registry/github-registry.js';
import { routeFor } from './handlers/index.js';
import { KeyedLock } from './keyed-lock.js';
import type { DeliveryReport, ModelgateAppOptions } from './options.js';

/** A webhook delivery: `X-GitHub-Delivery`, `X-GitHub-Event` and the parsed JSON payload. */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

/** What a delivery runs with. */
export interface DeliveryEnv {
  /** An Octokit authenticated for the event's repository (installation token or job token). */
  octokit: OctokitLike;
  log: AppLog;
  options: ModelgateAppOptions;
  /** The per-repository lock (default: one shared by the process). */
  lock?: KeyedLock;
  /** Baseline asset bytes kept across deliveries (default `options.assetCache`, else none). */
  assetCache?: ReleaseAssetCache | null;
}

/** The default extra time after the deadline before a delivery is given up. */
export const DEFAULT_GRACE_MS = 30_000;

/** The process-wide per-repository lock. */
export const REPOSITORY_LOCK = new KeyedLock();

/** A delivery whose handler failed unexpectedly; `status` is what the webhook endpoint answers. */
export class DeliveryError extends ModelgateError {
  /** HTTP status the webhook endpoint answers with. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message, 1);
    this.status = status;
  }
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The `owner` and `repo` of a payload's repository, or null when it has none. */
export function repositoryOf(payload: unknown): { owner: string; repo: string; fullName: string } | null {
  const fullName = record(record(payload).repository).full_name;
  if (typeof fullName !== 'string') return null;
  const m = /^([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})$/.exec(fullName);
  if (!m) return null;
  return { owner: m[1]!, repo: m[2]!, fullName };
}

/** The payload's installation id, or null. */
export function installationOf(payload: unknown): number | null {
  const id = record(record(payload).installation).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

function ignored(summary: string): HandlerResult {
  return { handled: false, summary, actions: [] };
}

/**
 * Handles one delivery. Returns null when the App does not listen to the event or action; else the
 * report (the use case's result, and how long it took). Never throws for bad payloads or failing
 * use cases: those are in `report.result.error`.
 */
export async function handleDelivery(delivery: Delivery, env: DeliveryEnv): Promise<DeliveryReport | null> {
  const started = performance.now();
  const action = record(delivery.payload).action;
  const route = routeFor(delivery.name, typeof action === 'string' ? action : undefined);
  if (!route) return null;
  const repository = repositoryOf(delivery.payload);
  const installation = installationOf(delivery.payload);
  const report = (result: HandlerResult): DeliveryReport => {
    const out: DeliveryReport = {
      id: delivery.id,
      event: `${delivery.name}.${String(action)}`,
      repository: repository?.fullName ?? '',
      installation,
      result,
      ms: performance.now() - started,
    };
    env.options.onDelivery?.(out);
    return out;
  };
  if (!repository) {
    return report({
      ...ignored('no repository in the payload'),
      error: 'payload without repository.full_name',
    });
  }
  const parsed = route.schema.safeParse(delivery.payload);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    env.log.warn(`${route.name} ${delivery.id}: invalid payload: ${where}`);
    return report({ ...ignored('invalid payload'), error: `invalid ${delivery.name} payload: ${where}` });
  }
  if (route.when && !route.when(parsed.data)) return report(ignored(`${route.name}: not applicable`));

  const lock = env.lock ?? REPOSITORY_LOCK;
  const key = `${installation ?? '-'}:${repository.fullName.toLowerCase()}`;
  const result = await lock.run(key, () =>
    runRoute(delivery, env, repository, (deps) => route.handle(deps, parsed.data)),
  );
  return report(result);
}

async function runRoute(
  delivery: Delivery,
  env: DeliveryEnv,
  repository: { owner: string; repo: string; fullName: string },
  handle: (deps: AppDeps) => Promise<HandlerResult>,
): Promise<HandlerResult> {
  const { options, log } = env;
  const deadlineMs = options.limits?.deadlineMs ?? DEFAULT_APP_LIMITS.deadlineMs;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const scratch = await mkdtemp(join(options.workDir ?? tmpdir(), 'modelgate-delivery-'));
  const cleanup = () => rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  timers.push(setTimeout(() => controller.abort(), deadlineMs));
  let work: Promise<HandlerResult>;
  try {
    const forge = new OctokitForge(env.octokit, { owner: repository.owner, repo: repository.repo });
    const assetCache = env.assetCache === undefined ? options.assetCache : env.assetCache;
    const deps: AppDeps = {
      forge,
      registry: new GithubRegistry(forge, {
        cacheDir: join(scratch, 'registry'),
        log: (line) => log.info(line),
        ...(options.now ? { now: options.now } : {}),
        // Asset ids are unique per GitHub host; one App instance talks to one host.
        ...(assetCache ? { assetCache, assetScope: repository.fullName.toLowerCase() } : {}),
      }),
      log,
      signal: controller.signal,
      workDir: scratch,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.workflows ? { workflows: options.workflows } : {}),
      ...(options.adminToken ? { adminToken: options.adminToken } : {}),
      ...(options.now ? { now: options.now } : {}),
      // The App's id: only its own check runs are read and updated (unset in Actions mode).
      ...(options.appId !== undefined ? { appId: options.appId } : {}),
    };
    const branch = record(record(delivery.payload).repository).default_branch;
    if (typeof branch === 'string' && branch) deps.defaultBranch = branch;
    work = handle(deps).catch((e: unknown) => ({
      handled: true,
      summary: 'failed',
      actions: [],
      error: e instanceof Error ? e.message : String(e),
    }));
  } catch (e) {
    await cleanup();
    for (const t of timers) clearTimeout(t);
    throw e;
  }
  // The scratch folder goes when the use case is really done (also after a give-up).
  const done = work.finally(cleanup);
  const giveUp = new Promise<HandlerResult>((resolve) => {
    timers.push(
      setTimeout(() => {
        log.error(`${delivery.name} ${delivery.id}: given up after ${deadlineMs + graceMs} ms`);
        resolve({
          handled: true,
          summary: 'timed out',
          actions: [],
          error: `the handler did not finish within ${deadlineMs + graceMs} ms`,
        });
      }, deadlineMs + graceMs),
    );
  });
  try {
    return await Promise.race([done, giveUp]);
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}
