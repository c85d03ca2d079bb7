/**
 * The App as a Node middleware for any HTTP server (`node:http`, Express, Fastify's middie, ...):
 * webhook deliveries to `webhooksPath` (default `/api/github/webhooks`) are verified (HMAC SHA-256
 * of the raw body with the webhook secret; a bad or missing signature is a 400 and nothing runs),
 * size-capped (25 MiB, GitHub's own cap on payloads; larger is a 413 before any parsing) and handled
 * by the same App as `npm run bot`. Other requests go to `next()`.
 *
 * Settings come from the options, else from the environment like Probot's: `APP_ID`,
 * `PRIVATE_KEY` / `PRIVATE_KEY_PATH`, `WEBHOOK_SECRET`, `WEBHOOK_PATH`, and `GHE_HOST` +
 * `GHE_PROTOCOL` for GitHub Enterprise Server (the API is then `<protocol>://<host>/api/v3`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeMiddleware, createProbot, type Logger, type Options, type Probot } from 'probot';
import { createModelgateApp } from './index.js';
import {
  AppOptionsError,
  appOptionsFromEnv,
  MAX_WEBHOOK_BYTES,
  type ModelgateAppOptions,
  parseAppId,
} from './options.js';

export { MAX_WEBHOOK_BYTES } from './options.js';

import { modelgateProbotOctokit } from './probot-octokit.js';

/** The default webhook path (Probot's). */
export const DEFAULT_WEBHOOK_PATH = '/api/github/webhooks';

/** Options of {@link createModelgateMiddleware}; unset ones come from `env`. */
export interface ModelgateMiddlewareOptions extends Omit<ModelgateAppOptions, 'appId'> {
  /** The App's id (`APP_ID`); only check runs of this App are trusted. */
  appId?: number | string;
  /** The App's private key, PEM (`PRIVATE_KEY` or the file at `PRIVATE_KEY_PATH`). */
  privateKey?: string;
  /** The webhook secret (`WEBHOOK_SECRET`); required. */
  secret?: string;
  /** REST API address (default from `GHE_HOST`/`GHE_PROTOCOL`, else `https://api.github.com`). */
  baseUrl?: string;
  /** Where deliveries are POSTed (`WEBHOOK_PATH`, default `/api/github/webhooks`). */
  webhooksPath?: string;
  /** Largest webhook body accepted (default {@link MAX_WEBHOOK_BYTES}). */
  maxPayloadBytes?: number;
  /** A pino logger (default Probot's, at `LOG_LEVEL`, else `warn`). */
  log?: Logger;
  /** Log level when no logger is given. */
  logLevel?: Options['logLevel'];
  /** Environment the unset settings are read from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** The middleware: handles webhook deliveries, passes anything else to `next`. */
export interface ModelgateMiddleware {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: Error) => void): Promise<boolean>;
  /** The Probot instance behind it. */
  probot: Probot;
  /** The webhook path it answers. */
  webhooksPath: string;
}

/** The REST API address of a GitHub Enterprise Server from `GHE_HOST` / `GHE_PROTOCOL`, or null. */
export function gheBaseUrl(env: Record<string, string | undefined>): string | null {
  const host = env.GHE_HOST?.trim();
  if (!host) return null;
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host))
    throw new AppOptionsError(
      `GHE_HOST=${JSON.stringify(host)}: expected a host name (and port), no scheme or path`,
    );
  const protocol = (env.GHE_PROTOCOL?.trim() || 'https').toLowerCase();
  if (protocol !== 'https' && protocol !== 'http')
    throw new AppOptionsError(`GHE_PROTOCOL=${JSON.stringify(protocol)}: expected https or http`);
  return `${protocol}://${host}/api/v3`;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Creates the App's middleware (see the module comment). Throws {@link AppOptionsError} when the
 * App id, private key or webhook secret is missing.
 */
export async function createModelgateMiddleware(
  options: ModelgateMiddlewareOptions = {},
): Promise<ModelgateMiddleware> {
  const env = options.env ?? process.env;
  const secret = options.secret ?? env.WEBHOOK_SECRET;
  if (!secret)
    throw new AppOptionsError('the webhook secret is missing: set WEBHOOK_SECRET or options.secret');
  const appId = options.appId ?? env.APP_ID;
  if (appId === undefined || appId === '')
    throw new AppOptionsError('the App id is missing: set APP_ID or options.appId');
  const fromEnv = { ...appOptionsFromEnv(env), ...dropUndefined(options), appId: parseAppId(appId) };
  const webhooksPath = options.webhooksPath ?? env.WEBHOOK_PATH ?? DEFAULT_WEBHOOK_PATH;
  const baseUrl = options.baseUrl ?? gheBaseUrl(env) ?? undefined;
  const probot = createProbot({
    env: { ...env, WEBHOOK_SECRET: secret, APP_ID: String(appId) },
    overrides: {
      appId,
      secret,
      webhookPath: webhooksPath,
      Octokit: modelgateProbotOctokit(fromEnv.client),
      ...(options.privateKey ? { privateKey: options.privateKey } : {}),
      ...(baseUrl ? { baseUrl } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    },
  });
  const inner = await createNodeMiddleware(createModelgateApp(fromEnv), { probot, webhooksPath });
  const maxBytes = options.maxPayloadBytes ?? MAX_WEBHOOK_BYTES;
  const middleware = (async (req, res, next) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (req.method === 'POST' && path === webhooksPath.replace(/\/+$/, '') && req.body === undefined) {
      const declared = Number(req.headers['content-length'] ?? 0);
      const body = declared > maxBytes ? null : await readBody(req, maxBytes);
      if (body === null) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ error: `webhook payload larger than ${maxBytes} bytes` }));
        return true;
      }
      req.body = body;
    }
    return (await inner(req, res, next)) === true;
  }) as ModelgateMiddleware;
  middleware.probot = probot;
  middleware.webhooksPath = webhooksPath;
  return middleware;
}

function dropUndefined(options: Omit<ModelgateAppOptions, 'appId'>): ModelgateAppOptions {
  const out: Record<string, unknown> = {};
  for (const key of [
    'limits',
    'workflows',
    'adminToken',
    'workDir',
    'graceMs',
    'client',
    'now',
    'onDelivery',
    'assetCache',
    'assetCacheBytes',
  ]) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out as ModelgateAppOptions;
}
