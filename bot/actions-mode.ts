/**
 * Actions mode: the App's handlers run inside a GitHub Actions job, with the job's token, for
 * teams that cannot install a GitHub App. The workflow subscribes to the same events
 * (`pull_request`, `workflow_run`, `pull_request_review`, `issue_comment`, `issues`) and runs this
 * once per event: the event name and payload come from `GITHUB_EVENT_NAME` / `GITHUB_EVENT_PATH`,
 * the API from `GITHUB_API_URL` (GitHub Enterprise Server works), the token from `GITHUB_TOKEN`
 * (or the `token` argument). The payload's own repository is the one acted on.
 *
 * Differences from the App (see docs/app.md): comments and checks are by `github-actions[bot]`;
 * the job token cannot read team membership (`@org/team` approvers need an App or a token with
 * `read:org`); on pull requests from forks the token is read-only, so grading happens in the
 * `workflow_run` job, as with the App.
 *
 * Security: the job token creates check runs as the `github-actions` app, exactly as a pull
 * request's own workflow (which can change itself to get `checks: write`) would, so Actions mode
 * cannot tell its `modelgate/<model>` checks from forged ones and trusts any check of the name
 * (`appId` unset; `APP_ID` is not read). Gate with the App; or run Actions mode with an App
 * installation token and pass that App's id as `options.appId`.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { ModelgateError } from '../src/errors.js';
import { apiUrlFromEnv, createOctokit } from '../src/forge/create-octokit.js';
import type { OctokitLike } from '../src/forge/octokit-forge.js';
import type { AppLog } from '../src/pr/app-deps.js';
import { handleDelivery } from './deliver.js';
import { type DeliveryReport, MAX_WEBHOOK_BYTES, type ModelgateAppOptions } from './options.js';

/** A missing or bad Actions variable or event file. */
export class ActionsModeError extends ModelgateError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The runner variables Actions mode reads. */
export const ActionsEnvSchema = z.object({
  GITHUB_EVENT_NAME: z.string().regex(/^[a-z_]+$/, 'expected an event name such as workflow_run'),
  GITHUB_EVENT_PATH: z.string().min(1),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_RUN_ID: z.string().optional(),
  GITHUB_RUN_ATTEMPT: z.string().optional(),
});

/** Options of {@link runActionsMode}. */
export interface ActionsModeOptions extends ModelgateAppOptions {
  /** The job's environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The token (default `GITHUB_TOKEN`). */
  token?: string;
  /** Where progress goes (default: nowhere). */
  log?: AppLog;
  /** An Octokit to use instead of one built from the token (tests). */
  octokit?: OctokitLike;
}

const silent: AppLog = { info() {}, warn() {}, error() {} };

/**
 * Runs the handler of the job's event. Returns null when modelgate does not handle the event or
 * action, else the delivery report (its `result.error` set when the use case failed). Throws
 * {@link ActionsModeError} when a variable or the event file is missing or bad.
 */
export async function runActionsMode(options: ActionsModeOptions = {}): Promise<DeliveryReport | null> {
  const env = options.env ?? process.env;
  const parsed = ActionsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ActionsModeError(
      `${name}${env[name] === undefined ? ' is not set' : `=${JSON.stringify(env[name])}: ${issue.message}`} (modelgate's Actions mode runs inside a GitHub Actions job)`,
    );
  }
  const vars = parsed.data;
  const token = options.token ?? vars.GITHUB_TOKEN;
  if (!options.octokit && !token)
    throw new ActionsModeError('no token: pass the job token as `token` or set GITHUB_TOKEN');
  const size = await stat(vars.GITHUB_EVENT_PATH).then(
    (s) => s.size,
    (e: Error) => {
      throw new ActionsModeError(`cannot read GITHUB_EVENT_PATH=${vars.GITHUB_EVENT_PATH}: ${e.message}`);
    },
  );
  if (size > MAX_WEBHOOK_BYTES)
    throw new ActionsModeError(
      `the event payload ${vars.GITHUB_EVENT_PATH} is ${size} bytes, more than GitHub sends`,
    );
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(vars.GITHUB_EVENT_PATH, 'utf8'));
  } catch (e) {
    throw new ActionsModeError(
      `the event payload ${vars.GITHUB_EVENT_PATH} is not JSON: ${(e as Error).message}`,
    );
  }
  const octokit =
    options.octokit ??
    createOctokit({
      token: token!,
      baseUrl: apiUrlFromEnv(env),
      userAgent: 'modelgate-actions-mode',
      ...(options.client?.maxRetries !== undefined ? { maxRetries: options.client.maxRetries } : {}),
      ...(options.client?.retryAfterBaseValue !== undefined
        ? { retryAfterBaseValue: options.client.retryAfterBaseValue }
        : {}),
      ...(options.client?.pace !== undefined ? { pace: options.client.pace } : {}),
      ...(options.client?.fetch ? { fetch: options.client.fetch } : {}),
    });
  const id = `actions-${vars.GITHUB_RUN_ID ?? 'local'}-${vars.GITHUB_RUN_ATTEMPT ?? '1'}`;
  return handleDelivery(
    { id, name: vars.GITHUB_EVENT_NAME, payload },
    { octokit, log: options.log ?? silent, options },
  );
}
