/**
 * The deploy flow: drives the model server's admin API and mirrors every step into GitHub
 * Deployments and deployment statuses (through the Forge), so the repository shows what runs where:
 * environment, version, URL and canary weight. Used by the `deploy` CLI command and the demo, and by
 * the `deploy` action and the App.
 */
import type { DeploymentState, Forge } from '../forge/forge.js';
import { versionTag } from '../registry/semver.js';
import { type AdminEndpoint, adminClient } from './admin-client.js';
import type { ModelStatus } from './types.js';

/** What to roll out. */
export interface DeployRequest {
  forge: Forge;
  admin: AdminEndpoint;
  model: string;
  /** Version `X.Y.Z`. */
  version: string;
  /** Environment name (default `production`). */
  environment?: string;
  /** Public URL of the server, recorded as the environment URL (default the admin URL). */
  publicUrl?: string;
  /** Canary weight 1..100: route this share to the new version instead of replacing the stable one. */
  canary?: number;
}

/** The outcome of a deploy step. */
export interface DeployOutcome {
  deploymentId: number;
  state: DeploymentState;
  status: ModelStatus | null;
  error?: string;
}

async function mirrored(
  forge: Forge,
  deployment: { id: number },
  url: string,
  work: () => Promise<ModelStatus>,
  success: string,
): Promise<DeployOutcome> {
  await forge.createDeploymentStatus(deployment.id, {
    state: 'in_progress',
    description: 'rolling out',
    environmentUrl: url,
  });
  try {
    const status = await work();
    await forge.createDeploymentStatus(deployment.id, {
      state: 'success',
      description: success,
      environmentUrl: url,
    });
    return { deploymentId: deployment.id, state: 'success', status };
  } catch (e) {
    const error = (e as Error).message;
    await forge.createDeploymentStatus(deployment.id, {
      state: 'failure',
      description: error.slice(0, 140),
      environmentUrl: url,
    });
    return { deploymentId: deployment.id, state: 'failure', status: null, error };
  }
}

/**
 * Deploys a version: a Deployment for the environment (`<env>` or `<env>-canary` for a canary),
 * `in_progress`, the admin call (hot swap, or a canary at `canary`%), then `success` or `failure`
 * with the server's message. Never throws for a failed rollout: the outcome says so.
 */
export async function deployVersion(request: DeployRequest): Promise<DeployOutcome> {
  const environment = request.environment ?? 'production';
  const canary =
    request.canary !== undefined && request.canary > 0 && request.canary <= 100 ? request.canary : undefined;
  const url = request.publicUrl ?? request.admin.url;
  const deployment = await request.forge.createDeployment({
    ref: versionTag(request.model, request.version),
    environment: canary ? `${environment}-canary` : environment,
    description: canary
      ? `${request.model} ${request.version}: canary at ${canary}%`
      : `${request.model} ${request.version}`,
    payload: { model: request.model, version: request.version, canary: canary ?? null },
    production: environment === 'production' && !canary,
    transient: canary !== undefined,
  });
  const admin = adminClient(request.admin, request.model);
  return mirrored(
    request.forge,
    deployment,
    url,
    () => (canary ? admin.canary(request.version, canary) : admin.deploy(request.version)),
    canary ? `canary at ${canary}%` : `serving ${request.version}`,
  );
}

/**
 * Promotes the canary to stable: a Deployment of the environment for the canary's version, the
 * admin `promote`, and `success`; the canary deployment is marked `inactive`.
 */
export async function promoteCanary(
  request: Omit<DeployRequest, 'canary'> & { canaryDeploymentId?: number },
): Promise<DeployOutcome> {
  const environment = request.environment ?? 'production';
  const url = request.publicUrl ?? request.admin.url;
  const deployment = await request.forge.createDeployment({
    ref: versionTag(request.model, request.version),
    environment,
    description: `${request.model} ${request.version}: promoted from canary`,
    payload: { model: request.model, version: request.version, canary: null, promoted: true },
    production: environment === 'production',
  });
  const outcome = await mirrored(
    request.forge,
    deployment,
    url,
    () => adminClient(request.admin, request.model).promote(),
    `serving ${request.version}`,
  );
  if (outcome.state === 'success' && request.canaryDeploymentId !== undefined) {
    await request.forge.createDeploymentStatus(request.canaryDeploymentId, {
      state: 'inactive',
      description: 'promoted to stable',
      environmentUrl: url,
    });
  }
  return outcome;
}

/** Records an automatic rollback of a canary on its deployment (`failure`, with the reason). */
export async function mirrorRollback(
  forge: Forge,
  canaryDeploymentId: number,
  reason: string,
  url?: string,
): Promise<void> {
  await forge.createDeploymentStatus(canaryDeploymentId, {
    state: 'failure',
    description: `rolled back automatically: ${reason}`.slice(0, 140),
    ...(url ? { environmentUrl: url } : {}),
  });
}
