/**
 * The `deploy` action's use case: delivers a released version to the model server's admin API and
 * mirrors it into a GitHub Deployment with statuses (`in_progress`, then `success` with the
 * environment URL, or `failure` with the server's message) through `deployAndWatch` (which, with
 * `watch` set, also watches a canary and records an automatic rollback on its Deployment). The
 * version defaults to the model's latest release; the server URL and the canary weight default to
 * the model's `deploy` settings in `.github/modelgate.yml`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadYamlFile } from '../config/load.js';
import { RepoConfigSchema, type RepoModel } from '../config/repo-config.js';
import { ConfigError, ModelgateError } from '../errors.js';
import type { Forge } from '../forge/forge.js';
import { GithubRegistry } from '../registry/github-registry.js';
import { versionTag } from '../registry/semver.js';
import { assignStage } from '../registry/stage-tag.js';
import { codeSpan, escapeMarkdown } from '../report/escape.js';
import type { DeployOutcome } from '../serve/deploy-flow.js';
import { deployAndWatch } from '../serve/watch-canary.js';
import type { DeployInputs } from './inputs.js';
import { type ActionContext, ActionInputError, inputVariable, workspacePath } from './runtime.js';

/** The deploy could not start (no server URL, no release) or the rollout failed. Exit code 1. */
export class DeployActionError extends ModelgateError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** Options of {@link deployAction}. */
export interface DeployActionOptions {
  inputs: DeployInputs;
  context: ActionContext;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Builds the forge from the token (default: the Octokit forge at GITHUB_API_URL). */
  forge?: (token: string) => Forge;
}

/** What the deploy action produced. */
export interface DeployActionResult {
  model: string;
  version: string;
  environment: string;
  /** The Deployment's environment (`<env>-canary` for a canary). */
  deploymentEnvironment: string;
  canary: number | null;
  serverUrl: string;
  outcome: DeployOutcome;
  /** The GTO stage tag written or found (`stage-tag` input), else null. */
  stageTag: string | null;
  outputs: Record<string, string>;
  summary: string;
  /** Set when the rollout failed (the deployment's status says `failure` with the server's message). */
  error: DeployActionError | null;
}

/** Normalises a version input: `1.2.0`, `v1.2.0` or `<model>@v1.2.0` give `1.2.0`. */
export function normaliseVersion(model: string, input: string): string {
  const trimmed = input.trim();
  const bare = trimmed.startsWith(`${model}@`) ? trimmed.slice(model.length + 1) : trimmed;
  const version = bare.replace(/^v(?=\d)/, '');
  if (!/^\d+\.\d+\.\d+$/.test(version))
    throw new DeployActionError(`input version: ${JSON.stringify(input)} is not X.Y.Z (or ${model}@vX.Y.Z)`);
  return version;
}

/** The canary weight to use: the input, else the config's, as `undefined` for a full rollout (0). */
export function canaryWeight(input: number | undefined, settings: RepoModel | undefined): number | undefined {
  const weight = input ?? settings?.deploy?.canary ?? 0;
  if (!Number.isFinite(weight) || weight < 0 || weight > 100)
    throw new DeployActionError(`input canary: ${weight} is not a percentage between 0 and 100`);
  return weight > 0 ? weight : undefined;
}

/**
 * Resolves the version (default the latest release), the server URL and the canary weight, then
 * deploys and mirrors the rollout into a GitHub Deployment. A failed rollout is returned with
 * `error` set (after the deployment's `failure` status is written); bad inputs throw.
 */
export async function deployAction(options: DeployActionOptions): Promise<DeployActionResult> {
  const { inputs, context, log } = options;
  const workspace = context.workspace;
  const adminToken = inputs['admin-token'];
  const configFile = workspacePath(workspace, 'config', inputs.config);
  const config = existsSync(configFile) ? await loadYamlFile(configFile, RepoConfigSchema) : null;
  const settings = config?.models.find((m) => m.name === inputs.model);
  if (config && !settings)
    throw new ConfigError([
      {
        file: inputs.config,
        field: 'models',
        message: `has no model named "${inputs.model}" (it lists: ${config.models.map((m) => m.name).join(', ')})`,
        value: inputs.model,
      },
    ]);
  const serverUrl = (inputs['server-url'] ?? settings?.deploy?.url)?.replace(/\/+$/, '');
  if (!serverUrl)
    throw new ActionInputError([
      {
        input: 'server-url',
        variable: inputVariable('server-url'),
        value: undefined,
        message: `is required: the config sets no deploy.url for ${inputs.model}`,
      },
    ]);
  const forge = options.forge
    ? options.forge(inputs.token)
    : (await import('./github.js')).actionForge(inputs.token, context);
  const registry = new GithubRegistry(forge, {
    cacheDir: join(options.env.RUNNER_TEMP || join(workspace, '.modelgate'), 'modelgate-registry'),
    log,
  });
  let version: string;
  if (inputs.version) {
    version = normaliseVersion(inputs.model, inputs.version);
    if (!(await registry.get(inputs.model, version)))
      throw new DeployActionError(
        `${versionTag(inputs.model, version)} is not released (no such GitHub release)`,
      );
  } else {
    const latest = await registry.latest(inputs.model);
    if (!latest) throw new DeployActionError(`${inputs.model} has no release yet: nothing to deploy`);
    version = latest.version;
  }
  const canary = canaryWeight(inputs.canary, settings);
  const environment = inputs.environment;
  log(
    `modelgate: deploying ${versionTag(inputs.model, version)} to ${environment}${canary ? ` (canary ${canary}%)` : ''} at ${serverUrl}`,
  );
  const outcome = await deployAndWatch({
    forge,
    admin: { url: serverUrl, token: adminToken },
    model: inputs.model,
    version,
    environment,
    ...(canary !== undefined ? { canary } : {}),
    watchSeconds: inputs.watch,
    log,
  });
  let stageTag: string | null = null;
  if (inputs['stage-tag'] && outcome.state === 'success' && !canary) {
    const assigned = await assignStage(forge, { model: inputs.model, version, stage: environment });
    stageTag = assigned.tag;
    log(
      `modelgate: ${assigned.created ? 'tagged' : 'already tagged'} ${assigned.tag} (GTO stage assignment)`,
    );
  }
  const base = {
    model: inputs.model,
    version,
    environment,
    deploymentEnvironment: canary ? `${environment}-canary` : environment,
    canary: canary ?? null,
    serverUrl,
    outcome,
    stageTag,
  };
  return {
    ...base,
    outputs: {
      'deployment-id': String(outcome.deploymentId),
      state: outcome.state,
      'environment-url': serverUrl,
      'stage-tag': stageTag ?? '',
    },
    summary: deploySummary(base),
    error:
      outcome.state === 'success'
        ? null
        : new DeployActionError(
            `deploying ${versionTag(inputs.model, version)} to ${base.deploymentEnvironment} failed: ${outcome.error ?? outcome.state}`,
          ),
  };
}

/** The job summary of a deploy (markdown; the server's message goes through the one escaper). */
export function deploySummary(result: Omit<DeployActionResult, 'outputs' | 'summary' | 'error'>): string {
  const what = `${codeSpan(`${result.model}@v${result.version}`)} to ${codeSpan(result.deploymentEnvironment)}`;
  const lines = [
    `### modelgate deploy: ${result.outcome.state}`,
    '',
    result.outcome.state === 'success'
      ? `Deployed ${what}${result.canary ? ` as a canary at ${result.canary}%` : ''}, serving at ${escapeMarkdown(result.serverUrl)}.`
      : `Deploying ${what} failed: ${escapeMarkdown(result.outcome.error ?? 'unknown error')}`,
    '',
    `Deployment id: ${result.outcome.deploymentId}.`,
    ...(result.stageTag ? ['', `GTO stage tag: ${codeSpan(result.stageTag)}.`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
