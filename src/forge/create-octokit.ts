/**
 * Builds the Octokit that modelgate's Actions and CLI use: `@octokit/core` with throttling (waits
 * and retries when GitHub's primary or secondary rate limit is hit), retry (server errors) and REST
 * pagination, pointed at the API of the GitHub the workflow runs on (`GITHUB_API_URL`, so GitHub
 * Enterprise Server works). The GitHub App gets the same plugins from Probot.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { type ThrottlingOptions, throttling } from '@octokit/plugin-throttling';
import { z } from 'zod';

/** The default API address, for github.com. */
const GITHUB_COM_API_URL = 'https://api.github.com';

/** The Octokit class with modelgate's plugins (throttling, retry, REST pagination). */
export const ModelgateOctokit = Octokit.plugin(throttling, retry, paginateRest);
/** An instance of {@link ModelgateOctokit}. */
export type ModelgateOctokit = InstanceType<typeof ModelgateOctokit>;

/** Where Octokit writes its messages (rate-limit waits, deprecations). */
export interface OctokitLog {
  debug: (message: string, ...rest: unknown[]) => void;
  info: (message: string, ...rest: unknown[]) => void;
  warn: (message: string, ...rest: unknown[]) => void;
  error: (message: string, ...rest: unknown[]) => void;
}

/** Options of {@link createOctokit}. */
export interface CreateOctokitOptions {
  /** A token: `GITHUB_TOKEN`, an installation token or a personal access token. */
  token: string;
  /** REST API address; default `GITHUB_API_URL`, else github.com's (see {@link apiUrlFromEnv}). */
  baseUrl?: string;
  /** User agent (default `modelgate`). */
  userAgent?: string;
  /** Log (default: Octokit's, warnings and errors to the console). */
  log?: OctokitLog;
  /** How many times a request is retried after a rate limit, and after a server error (default 3). */
  maxRetries?: number;
  /** Milliseconds per second of `retry-after` and of retry back-off (default 1000; tests set it low). */
  retryAfterBaseValue?: number;
  /**
   * Keep the pauses GitHub asks integrators to keep: one second between writes, three between
   * requests that notify people (issues, comments, releases). Default true; tests turn it off.
   */
  pace?: boolean;
  /** `fetch` to use (default the global one). */
  fetch?: typeof fetch;
}

/** A bad {@link createOctokit} option or `GITHUB_API_URL`. */
export class OctokitConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OctokitConfigError';
  }
}

const HttpUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const OptionsSchema = z.object({
  token: z.string().trim().min(1, 'must not be empty'),
  baseUrl: HttpUrl.optional(),
  userAgent: z.string().min(1).optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  retryAfterBaseValue: z.number().min(0).optional(),
  pace: z.boolean().optional(),
});

/** A limiter group that never waits, replacing the write and notification pacing when `pace` is false. */
const NO_PAUSE = {
  key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

function checkUrl(value: string, where: string): string {
  const parsed = HttpUrl.safeParse(value);
  if (!parsed.success)
    throw new OctokitConfigError(
      `${where}: ${JSON.stringify(value)} ${parsed.error.issues[0]?.message ?? 'is not a URL'}`,
    );
  return parsed.data.replace(/\/+$/, '');
}

/**
 * The REST API address from the environment: `GITHUB_API_URL` (set by GitHub Actions, e.g.
 * `https://ghes.example.com/api/v3` on GitHub Enterprise Server) without a trailing slash, else
 * github.com's API. Throws {@link OctokitConfigError} naming the variable when it is not an http(s) URL.
 */
export function apiUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  const value = env.GITHUB_API_URL?.trim();
  return value ? checkUrl(value, 'GITHUB_API_URL') : GITHUB_COM_API_URL;
}

/**
 * A {@link ModelgateOctokit} for `token`. Rate limits (primary and secondary) are waited out and
 * retried up to `maxRetries` times, each wait logged; server errors (5xx) are retried by the retry
 * plugin; 4xx answers other than rate limits are not retried.
 */
export function createOctokit(options: CreateOctokitOptions): ModelgateOctokit {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OctokitConfigError(`createOctokit: option ${issue.path.join('.')}: ${issue.message}`);
  }
  const baseUrl = options.baseUrl ? checkUrl(options.baseUrl, 'baseUrl') : apiUrlFromEnv();
  const maxRetries = options.maxRetries ?? 3;
  const base = options.retryAfterBaseValue;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, octokit: Octokit, retryCount: number) => {
      const again = retryCount < maxRetries;
      octokit.log.warn(
        `GitHub ${kind} rate limit hit by ${request.method} ${request.url}; ` +
          (again ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${maxRetries})` : 'giving up'),
      );
      return again;
    };
  return new ModelgateOctokit({
    auth: parsed.data.token,
    baseUrl,
    userAgent: options.userAgent ?? 'modelgate',
    ...(options.log ? { log: options.log } : {}),
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...(base !== undefined ? { retryAfterBaseValue: base, fallbackSecondaryRateRetryAfter: 1 } : {}),
      ...(options.pace === false ? { write: NO_PAUSE, notifications: NO_PAUSE } : {}),
    },
    retry: {
      retries: maxRetries,
      // Rate limits (403/429) are the throttling plugin's; client errors are final.
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      ...(base !== undefined ? { retryAfterBaseValue: base } : {}),
    },
  });
}
