/**
 * Watching a canary after it is deployed: polls the model server's admin status for a bounded time
 * and mirrors what happens to the canary onto its GitHub Deployment. An automatic rollback by the
 * server (a new `lastRollback` naming the canary's version) is recorded with `mirrorRollback`
 * (`failure`, "rolled back automatically: <reason>"); a canary promoted or removed by someone else
 * marks the Deployment `inactive`; a canary still running when the time is up is left as it is.
 */
import type { Forge } from '../forge/forge.js';
import { AdminApiError, type AdminEndpoint } from './admin-client.js';
import { type DeployOutcome, type DeployRequest, deployVersion, mirrorRollback } from './deploy-flow.js';
import type { ModelStatus } from './types.js';

/** What {@link watchCanary} needs. */
export interface WatchCanaryRequest {
  forge: Forge;
  admin: AdminEndpoint;
  model: string;
  /** The canary's version `X.Y.Z`. */
  version: string;
  /** The canary's Deployment (from `deployVersion`). */
  deploymentId: number;
  /** How long to watch, in seconds. */
  seconds: number;
  /** Milliseconds between polls (default 2000). */
  intervalMs?: number;
  /**
   * The model's status when the canary started (the canary call's answer): a `lastRollback` already
   * there is an older one, not this canary's.
   */
  initial?: ModelStatus | null;
  /** The environment URL recorded with the statuses (default the admin URL). */
  publicUrl?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Waits (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic milliseconds (tests replace it). */
  clock?: () => number;
}

/** How the watch ended. */
export type WatchOutcome =
  | { outcome: 'rolled-back'; reason: string; status: ModelStatus }
  | { outcome: 'promoted' | 'removed'; status: ModelStatus }
  | { outcome: 'healthy'; status: ModelStatus }
  | { outcome: 'unknown'; error: string };

/** Reads the model's status from the admin API (`GET /admin/models/<name>`). */
export async function fetchModelStatus(endpoint: AdminEndpoint, model: string): Promise<ModelStatus> {
  const path = `/admin/models/${encodeURIComponent(model)}`;
  const url = `${endpoint.url.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${endpoint.token}` },
      signal: AbortSignal.timeout(endpoint.timeoutMs ?? 10_000),
    });
  } catch (e) {
    throw new AdminApiError(`admin API ${path}: cannot reach ${url}: ${(e as Error).message}`, 0);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Reported below.
  }
  if (!res.ok) {
    const message = (json as { error?: string } | null)?.error ?? text.slice(0, 200);
    throw new AdminApiError(`admin API ${path}: HTTP ${res.status}: ${message}`, res.status);
  }
  if (!json || typeof json !== 'object' || typeof (json as ModelStatus).name !== 'string') {
    throw new AdminApiError(`admin API ${path}: the answer is not a model status`, res.status);
  }
  return json as ModelStatus;
}

/** Whether `status` reports an automatic rollback of `version` newer than `initial`'s. */
export function newRollback(
  status: ModelStatus,
  version: string,
  initial?: ModelStatus | null,
): { reason: string } | null {
  const last = status.lastRollback;
  if (!last || last.version !== version) return null;
  const before = initial?.lastRollback;
  if (before && before.at === last.at && before.version === last.version) return null;
  return { reason: last.reason };
}

/**
 * Watches the canary (see the module doc) and returns how the watch ended. Polling errors are
 * tolerated until the time is up; the outcome is `unknown` when the last poll failed.
 */
export async function watchCanary(request: WatchCanaryRequest): Promise<WatchOutcome> {
  const sleep = request.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = request.clock ?? (() => performance.now());
  const log = request.log ?? (() => {});
  const url = request.publicUrl ?? request.admin.url;
  const interval = Math.max(10, request.intervalMs ?? 2000);
  const deadline = clock() + Math.max(0, request.seconds) * 1000;
  let lastError = '';
  let last: ModelStatus | null = null;
  for (;;) {
    try {
      const status = await fetchModelStatus(request.admin, request.model);
      last = status;
      lastError = '';
      const rollback = newRollback(status, request.version, request.initial);
      if (rollback) {
        log(`${request.model} ${request.version}: rolled back automatically (${rollback.reason})`);
        await mirrorRollback(request.forge, request.deploymentId, rollback.reason, url);
        return { outcome: 'rolled-back', reason: rollback.reason, status };
      }
      if (status.canary?.version !== request.version) {
        const promoted = status.stable?.version === request.version;
        log(`${request.model} ${request.version}: the canary was ${promoted ? 'promoted' : 'removed'}`);
        await request.forge.createDeploymentStatus(request.deploymentId, {
          state: 'inactive',
          description: promoted ? 'promoted to stable' : 'canary removed',
          environmentUrl: url,
        });
        return { outcome: promoted ? 'promoted' : 'removed', status };
      }
    } catch (e) {
      lastError = (e as Error).message;
      log(`watching ${request.model}: ${lastError}`);
    }
    const left = deadline - clock();
    if (left <= 0) break;
    await sleep(Math.min(interval, left));
  }
  if (lastError || !last) return { outcome: 'unknown', error: lastError || 'no status read' };
  log(`${request.model} ${request.version}: the canary is still running after ${request.seconds} s`);
  return { outcome: 'healthy', status: last };
}

/** A deploy step, then (for a canary with `watchSeconds` > 0) a watch of it. */
export interface DeployAndWatchRequest extends DeployRequest {
  /** Watch the canary this many seconds after it starts (0 or absent: do not watch). */
  watchSeconds?: number;
  /** Milliseconds between polls while watching (default 2000). */
  watchIntervalMs?: number;
  /** Progress lines of the watch. */
  log?: (line: string) => void;
}

/** The deploy outcome and, when the canary was watched, how the watch ended. */
export interface DeployAndWatchOutcome extends DeployOutcome {
  watch?: WatchOutcome;
}

/**
 * Deploys with `deployVersion`; when it started a canary and `watchSeconds` is set, watches it with
 * {@link watchCanary}. An automatic rollback during the watch turns the outcome into `failure`
 * with the server's reason (the canary's Deployment records it too).
 */
export async function deployAndWatch(request: DeployAndWatchRequest): Promise<DeployAndWatchOutcome> {
  const { watchSeconds, watchIntervalMs, log, ...deploy } = request;
  const outcome = await deployVersion(deploy);
  const isCanary = deploy.canary !== undefined && deploy.canary > 0 && deploy.canary <= 100;
  if (outcome.state !== 'success' || !isCanary || !watchSeconds || watchSeconds <= 0) return outcome;
  log?.(`watching the canary ${deploy.model} ${deploy.version} for ${watchSeconds} s`);
  const watch = await watchCanary({
    forge: deploy.forge,
    admin: deploy.admin,
    model: deploy.model,
    version: deploy.version,
    deploymentId: outcome.deploymentId,
    seconds: watchSeconds,
    initial: outcome.status,
    ...(watchIntervalMs !== undefined ? { intervalMs: watchIntervalMs } : {}),
    ...(deploy.publicUrl ? { publicUrl: deploy.publicUrl } : {}),
    ...(log ? { log } : {}),
  });
  if (watch.outcome === 'rolled-back') {
    return {
      ...outcome,
      state: 'failure',
      status: watch.status,
      error: `rolled back automatically: ${watch.reason}`,
      watch,
    };
  }
  return { ...outcome, ...('status' in watch ? { status: watch.status } : {}), watch };
}
