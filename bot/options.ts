/**
 * The App's own settings (not the repository's `.github/modelgate.yml`): limits, workflow names,
 * the model server's admin token, the scratch folder and the GitHub client's behaviour (request
 * timeout, rate-limit retries, write pacing). Read from the environment with a zod schema by
 * {@link appOptionsFromEnv}; a bad variable is an error naming it and its value.
 */
import { z } from 'zod';
import { ModelgateError } from '../src/errors.js';
import type { AppLimits, HandlerResult, WorkflowNames } from '../src/pr/app-deps.js';
import type { ReleaseAssetCache } from '../src/registry/github-registry.js';

/** GitHub's limit on a webhook payload (25 MiB); larger bodies are refused. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** How the App's GitHub client behaves. */
export interface ClientOptions {
  /** Largest time one HTTP request to GitHub may take, in ms (default 60,000). */
  requestTimeoutMs?: number;
  /** Retries after a rate limit (primary or secondary) and after a server error (default 3). */
  maxRetries?: number;
  /**
   * Milliseconds per second of GitHub's `retry-after` / reset wait (default 1000). Tests set it low
   * so a rate-limit retry takes milliseconds instead of seconds.
   */
  retryAfterBaseValue?: number;
  /**
   * Keep the pauses GitHub asks integrations to keep between writes (1 s) and between requests that
   * notify people (3 s), per installation (default true). Tests and benchmarks turn it off.
   */
  pace?: boolean;
  /** The `fetch` GitHub requests go through (default the global one), e.g. with a proxy agent. */
  fetch?: typeof fetch;
}

/** What one delivery did, for logs, tests and the benchmark. */
export interface DeliveryReport {
  /** `X-GitHub-Delivery`. */
  id: string;
  /** `pull_request.opened`, `workflow_run.completed`, ... */
  event: string;
  /** `owner/name`. */
  repository: string;
  /** Installation id (null in Actions mode). */
  installation: number | null;
  /** The handler's result. */
  result: HandlerResult;
  /** Milliseconds from the start of the handler to its end (the App's wall time, GitHub's included). */
  ms: number;
}

/** Options of the App ({@link createModelgateApp}) and of its other run modes. */
export interface ModelgateAppOptions {
  /** Handler limits (artifact size, deadline, bootstrap resamples); see `AppLimits`. */
  limits?: Partial<AppLimits>;
  /** Workflow file names (pull-request, retraining and drift workflows). */
  workflows?: Partial<WorkflowNames>;
  /** The model server's admin token: merged models are rolled out when `deploy.url` is configured. */
  adminToken?: string;
  /** Parent of each delivery's scratch folder (default the OS temp folder). */
  workDir?: string;
  /** Extra time after the handler deadline before a delivery is given up (default 30,000 ms). */
  graceMs?: number;
  /** The GitHub client's behaviour. */
  client?: ClientOptions;
  /** The clock (tests). */
  now?: () => Date;
  /** Called after each delivery (tests, metrics). */
  onDelivery?: (report: DeliveryReport) => void;
  /**
   * Baseline files kept across deliveries, keyed by repository and release asset id (default: one
   * per App instance, `MODELGATE_BASELINE_CACHE_BYTES` large).
   */
  assetCache?: ReleaseAssetCache;
  /** Byte cap of the default `assetCache` (default 128 MiB; 0 turns the cache off). */
  assetCacheBytes?: number;
  /**
   * The GitHub App's id: only check runs this App created are read and updated (a check run of the
   * same name made by a pull request's workflow is ignored). The App and the middleware set it
   * (`APP_ID`); Actions mode leaves it unset (the job token cannot tell its check runs from a
   * workflow's) unless given, e.g. when its token is an App installation token of this id.
   */
  appId?: number;
}

/** An invalid App setting (an environment variable with a bad value). */
export class AppOptionsError extends ModelgateError {
  constructor(message: string) {
    super(message, 2);
  }
}

/**
 * A GitHub App id (`APP_ID` or `options.appId`) as a number; undefined when unset. Throws
 * {@link AppOptionsError} naming the value when it is not a positive integer.
 */
export function parseAppId(value: number | string | undefined): number | undefined {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
  const parsed = z.coerce
    .number()
    .int()
    .positive()
    .safeParse(typeof value === 'string' ? value.trim() : value);
  if (!parsed.success)
    throw new AppOptionsError(
      `APP_ID=${JSON.stringify(String(value))}: expected a positive integer (the App id)`,
    );
  return parsed.data;
}

const PositiveInt = z.coerce.number().int().positive();
const WorkflowFile = z
  .string()
  .trim()
  .regex(/^[\w.-]+\.ya?ml$/, 'expected a workflow file name such as modelgate-pr.yml');
const Flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/** The environment variables the App reads (all optional), with their meaning. */
export const AppEnvSchema = z.object({
  MODELGATE_ADMIN_TOKEN: z.string().min(1).optional().describe("The model server's admin token."),
  MODELGATE_WORK_DIR: z.string().min(1).optional().describe('Parent of the scratch folders.'),
  MODELGATE_DEADLINE_MS: PositiveInt.optional().describe('Time budget of one event (default 300000).'),
  MODELGATE_ARTIFACT_MAX_BYTES: PositiveInt.optional().describe('Largest run artifact (default 200 MB).'),
  MODELGATE_ARTIFACT_MAX_FILES: PositiveInt.optional().describe(
    'Most files in a run artifact (default 5000).',
  ),
  MODELGATE_RESAMPLES: PositiveInt.optional().describe('Bootstrap resamples of the report (default 1000).'),
  MODELGATE_PR_WORKFLOW: WorkflowFile.optional().describe(
    'Pull-request workflow (default modelgate-pr.yml).',
  ),
  MODELGATE_RETRAIN_WORKFLOW: WorkflowFile.optional().describe(
    'Retraining workflow (default modelgate-retrain.yml).',
  ),
  MODELGATE_DRIFT_WORKFLOW: WorkflowFile.optional().describe('Drift workflow (default modelgate-drift.yml).'),
  MODELGATE_REQUEST_TIMEOUT_MS: PositiveInt.optional().describe(
    'Timeout of one GitHub request (default 60000).',
  ),
  MODELGATE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).optional().describe('Retries (default 3).'),
  MODELGATE_PACE: Flag.describe('Pause between writes as GitHub asks (default true).'),
  MODELGATE_BASELINE_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Bytes of baseline files kept in memory across events (default 134217728; 0: off).'),
});

/**
 * The App options from environment variables (see {@link AppEnvSchema}; unset ones keep their
 * defaults). Throws {@link AppOptionsError} naming the variable and its value.
 */
export function appOptionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): ModelgateAppOptions {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(AppEnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') picked[key] = value;
  }
  const parsed = AppEnvSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${key}=${JSON.stringify(picked[key] ?? '')}: ${i.message}`;
    });
    throw new AppOptionsError(`invalid modelgate App setting:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const limits: Partial<AppLimits> = {
    ...(e.MODELGATE_DEADLINE_MS ? { deadlineMs: e.MODELGATE_DEADLINE_MS } : {}),
    ...(e.MODELGATE_ARTIFACT_MAX_BYTES ? { artifactBytes: e.MODELGATE_ARTIFACT_MAX_BYTES } : {}),
    ...(e.MODELGATE_ARTIFACT_MAX_FILES ? { artifactFiles: e.MODELGATE_ARTIFACT_MAX_FILES } : {}),
    ...(e.MODELGATE_RESAMPLES ? { resamples: e.MODELGATE_RESAMPLES } : {}),
  };
  const workflows: Partial<WorkflowNames> = {
    ...(e.MODELGATE_PR_WORKFLOW ? { pr: e.MODELGATE_PR_WORKFLOW } : {}),
    ...(e.MODELGATE_RETRAIN_WORKFLOW ? { retrain: e.MODELGATE_RETRAIN_WORKFLOW } : {}),
    ...(e.MODELGATE_DRIFT_WORKFLOW ? { drift: e.MODELGATE_DRIFT_WORKFLOW } : {}),
  };
  const client: ClientOptions = {
    ...(e.MODELGATE_REQUEST_TIMEOUT_MS ? { requestTimeoutMs: e.MODELGATE_REQUEST_TIMEOUT_MS } : {}),
    ...(e.MODELGATE_MAX_RETRIES !== undefined ? { maxRetries: e.MODELGATE_MAX_RETRIES } : {}),
    ...(e.MODELGATE_PACE !== undefined ? { pace: e.MODELGATE_PACE } : {}),
  };
  return {
    limits,
    workflows,
    client,
    ...(e.MODELGATE_ADMIN_TOKEN ? { adminToken: e.MODELGATE_ADMIN_TOKEN } : {}),
    ...(e.MODELGATE_WORK_DIR ? { workDir: e.MODELGATE_WORK_DIR } : {}),
    ...(e.MODELGATE_BASELINE_CACHE_BYTES !== undefined
      ? { assetCacheBytes: e.MODELGATE_BASELINE_CACHE_BYTES }
      : {}),
  };
}
