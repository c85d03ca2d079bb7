/**
 * The GitHub test double: a real HTTP server on 127.0.0.1 that serves the REST endpoints modelgate
 * uses from in-memory state, checks every request against GitHub's OpenAPI description (unknown
 * routes, bad parameters and schema-invalid bodies become violations) and its own responses too.
 *
 * Layouts: api.github.com style at `/` (uploads at `/uploads`), GHES style at `/api/v3` (uploads at
 * `/api/uploads`); `upload_url`s and `url`s follow the layout the request used. Blobs (asset and
 * artifact bytes, the targets of the 302 redirects) are served without auth at `/_blobs/<id>`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errorBody,
  GitHubHttpError,
  type Reply,
  type RequestAuth,
  type RouteContext,
  type RouteHandler,
} from './http-kit.js';
import {
  formatViolation,
  type GitHubSpec,
  loadGitHubSpec,
  type RouteMatch,
  type Violation,
} from './openapi.js';
import { Renderer, urlsFor } from './render.js';
import { actionsRoutes } from './routes-actions.js';
import { appRoutes, JWT_OPERATIONS } from './routes-app.js';
import { checkRoutes } from './routes-checks.js';
import { gitRoutes } from './routes-git.js';
import { issueRoutes } from './routes-issues.js';
import { pullRoutes } from './routes-pulls.js';
import { releaseRoutes } from './routes-releases.js';
import { repoRoutes } from './routes-repo.js';
import { GitHubState, type GitHubStateOptions } from './state.js';

/** Every route the double serves, by OpenAPI operation id. */
export const ROUTES: Readonly<Record<string, RouteHandler>> = {
  ...issueRoutes,
  ...pullRoutes,
  ...checkRoutes,
  ...gitRoutes,
  ...releaseRoutes,
  ...actionsRoutes,
  ...repoRoutes,
  ...appRoutes,
};

/** One request the double received. */
export interface RecordedRequest {
  method: string;
  /** Path without the layout prefix (`/repos/o/r/issues`), percent-encoded as received. */
  path: string;
  /** Full URL as received. */
  url: string;
  /** Which host part answered. */
  host: 'api' | 'uploads' | 'blobs';
  layout: 'dotcom' | 'ghes';
  query: Record<string, string>;
  /** Lower-case request headers. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined (binary bodies: see `bodyBytes`). */
  body: unknown;
  bodyBytes: number;
  operationId: string | null;
  status: number;
  /** The login the token acts as (null without a token or with a JWT). */
  actor: string | null;
  auth: 'jwt' | 'token' | null;
}

/** Options of {@link startGitHubDouble}. */
export interface GitHubDoubleOptions extends GitHubStateOptions {
  /** Check the double's own JSON responses against the spec (default true). */
  validateResponses?: boolean;
  /** Largest request body accepted, in bytes (default 64 MiB). */
  maxBodyBytes?: number;
}

/** How {@link GitHubDouble.rateLimitNext} answers. */
export interface RateLimitOptions {
  /**
   * `primary`: 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (default);
   * `secondary`: 429 with `retry-after` and GitHub's "secondary rate limit" message.
   */
  kind?: 'primary' | 'secondary';
  /** Seconds until the limit resets (`x-ratelimit-reset` = now + this; `retry-after`). Default 1. */
  resetSeconds?: number;
}

/** A running GitHub test double. */
export interface GitHubDouble {
  /** REST base URL, api.github.com style (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** REST base URL, GHES style (`http://127.0.0.1:<port>/api/v3`). */
  readonly ghesUrl: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly state: GitHubState;
  readonly spec: GitHubSpec;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Every departure from the OpenAPI description (requests, and the double's own responses). */
  readonly violations: Violation[];
  /** Answers the next `n` API requests with a rate-limit error. */
  rateLimitNext(n: number, options?: RateLimitOptions): void;
  /** Requests for one operation id. */
  requestsFor(operationId: string): RecordedRequest[];
  /** Throws an error listing every violation (no-op when there is none). */
  assertClean(): void;
  /** Forgets recorded requests and violations (state stays). */
  clearLog(): void;
  /** Stops the server (open connections are closed). */
  close(): Promise<void>;
}

/** Thrown by {@link GitHubDouble.assertClean}. */
export class GitHubDoubleViolationError extends Error {
  readonly violations: Violation[];
  constructor(violations: Violation[]) {
    super(
      `GitHub double: ${violations.length} OpenAPI violation(s):\n${violations.map((v) => `  - ${formatViolation(v)}`).join('\n')}`,
    );
    this.name = 'GitHubDoubleViolationError';
    this.violations = violations;
  }
}

/**
 * Where GitHub's real answers depart from its own description, and the double answers like GitHub:
 * these response "violations" are expected and not recorded.
 */
export const KNOWN_SPEC_GAPS: readonly { operationIds: string[]; pointer: RegExp; why: string }[] = [
  {
    operationIds: ['pulls/get', 'pulls/list', 'repos/list-pull-requests-associated-with-commit'],
    pointer: /^(\/\d+)?\/head\/repo$/,
    why: 'a pull request whose head repository (fork) was deleted has `head.repo: null`; the spec omits nullable',
  },
];

function isKnownSpecGap(v: Violation): boolean {
  return KNOWN_SPEC_GAPS.some(
    (gap) => gap.operationIds.includes(v.operationId ?? '') && gap.pointer.test(v.pointer),
  );
}

interface Located {
  host: 'api' | 'uploads' | 'blobs';
  layout: 'dotcom' | 'ghes';
  path: string;
}

function locate(pathname: string): Located {
  if (pathname.startsWith('/_blobs/')) return { host: 'blobs', layout: 'dotcom', path: pathname };
  if (pathname === '/api/v3' || pathname.startsWith('/api/v3/')) {
    return { host: 'api', layout: 'ghes', path: pathname.slice('/api/v3'.length) || '/' };
  }
  if (pathname.startsWith('/api/uploads/')) {
    return { host: 'uploads', layout: 'ghes', path: pathname.slice('/api/uploads'.length) };
  }
  if (pathname.startsWith('/uploads/'))
    return { host: 'uploads', layout: 'dotcom', path: pathname.slice('/uploads'.length) };
  return { host: 'api', layout: 'dotcom', path: pathname };
}

function parseAuth(header: string | undefined): RequestAuth | null {
  const m = /^(token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m?.[2]) return null;
  const token = m[2];
  return { kind: isJwtShaped(token) ? 'jwt' : 'token', token };
}

function isJwtShaped(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string';
  } catch {
    return false;
  }
}

function jwtClaims(token: string): { iss?: unknown; exp?: unknown } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as object;
  } catch {
    return {};
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) tooBig = true;
      if (!tooBig) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Starts the GitHub test double on 127.0.0.1 (a free port). */
export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const spec = loadGitHubSpec();
  const state = new GitHubState(options);
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const limits: Required<RateLimitOptions>[] = [];
  const validateResponses = options.validateResponses ?? true;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  let origin = '';

  const send = (res: ServerResponse, reply: Reply): void => {
    const headers: Record<string, string> = {
      'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
      'x-github-api-version-selected': '2022-11-28',
      ...reply.headers,
    };
    if (reply.json !== undefined) {
      const text = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json; charset=utf-8';
      headers['x-github-media-type'] = 'github.v3; format=json';
      res.writeHead(reply.status, headers);
      res.end(text);
    } else if (reply.bytes) {
      headers['content-type'] ??= 'application/octet-stream';
      headers['content-length'] = String(reply.bytes.byteLength);
      res.writeHead(reply.status, headers);
      res.end(reply.bytes);
    } else {
      res.writeHead(reply.status, headers);
      res.end();
    }
  };

  const serveBlob = (path: string): Reply => {
    const m = /^\/_blobs\/(asset|artifact)-(\d+)$/.exec(path);
    const id = Number(m?.[2]);
    for (const repo of state.repos.values()) {
      if (m?.[1] === 'asset') {
        const asset = repo.assets.find((a) => a.id === id);
        if (asset)
          return { status: 200, bytes: asset.data, headers: { 'content-type': 'application/octet-stream' } };
      } else if (m?.[1] === 'artifact') {
        const artifact = repo.artifacts.find((a) => a.id === id);
        if (artifact)
          return { status: 200, bytes: artifact.data, headers: { 'content-type': 'application/zip' } };
      }
    }
    return { status: 404, bytes: Buffer.from('The specified blob does not exist.') };
  };

  const rateLimited = (limit: Required<RateLimitOptions>): Reply => {
    const reset = Math.ceil(Date.now() / 1000) + limit.resetSeconds;
    if (limit.kind === 'secondary') {
      return {
        status: 429,
        json: errorBody(
          429,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        ),
        headers: { 'retry-after': String(limit.resetSeconds) },
      };
    }
    return {
      status: 403,
      json: errorBody(403, `API rate limit exceeded for installation ID ${state.defaultInstallationId}.`),
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core',
      },
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const requestUrl = new URL(req.url ?? '/', origin);
    const where = locate(requestUrl.pathname);
    const raw = await readBody(req, maxBodyBytes);
    const record: RecordedRequest = {
      method,
      path: where.path,
      url: requestUrl.toString(),
      host: where.host,
      layout: where.layout,
      query: Object.fromEntries(requestUrl.searchParams),
      headers: flatHeaders(req),
      body: undefined,
      bodyBytes: raw?.byteLength ?? 0,
      operationId: null,
      status: 0,
      actor: null,
      auth: null,
    };
    requests.push(record);
    const finish = (reply: Reply): void => {
      record.status = reply.status;
      send(res, reply);
    };
    if (where.host === 'blobs') {
      finish(method === 'GET' ? serveBlob(where.path) : { status: 405 });
      return;
    }
    if (raw === null) {
      finish({ status: 413, json: errorBody(413, 'Request body too large') });
      return;
    }
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    let body: unknown;
    const hasBody = raw.byteLength > 0;
    if (hasBody && contentType === 'application/json') {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        violations.push({
          kind: 'body',
          method,
          path: where.path,
          pointer: '',
          message: 'body is not valid JSON',
        });
        finish({ status: 400, json: errorBody(400, 'Problems parsing JSON') });
        return;
      }
    }
    record.body = body;
    const check = spec.checkRequest({
      method,
      path: where.path,
      query: requestUrl.searchParams,
      ...(contentType ? { contentType } : {}),
      body,
      hasBody,
    });
    const match: RouteMatch | null = check.match;
    record.operationId = match?.operation.operationId ?? null;
    violations.push(...check.violations);
    const isUpload = match?.operation.operationId === 'repos/upload-release-asset';
    if (match && isUpload !== (where.host === 'uploads')) {
      violations.push({
        kind: 'unknown-route',
        method,
        path: where.path,
        operationId: match.operation.operationId,
        pointer: '',
        message: isUpload
          ? 'release assets are uploaded to the upload_url host (uploads.github.com, or /api/uploads on GHES), not the API host'
          : 'the uploads host serves only release asset uploads',
      });
      finish({ status: 404, json: errorBody(404, 'Not Found') });
      return;
    }
    if (!match) {
      finish({ status: 404, json: errorBody(404, 'Not Found') });
      return;
    }
    const limit = limits.shift();
    if (limit) {
      finish(rateLimited(limit));
      return;
    }
    const auth = parseAuth(req.headers.authorization);
    record.auth = auth?.kind ?? null;
    const operationId = match.operation.operationId;
    if (!auth) {
      finish({ status: 401, json: errorBody(401, 'Requires authentication') });
      return;
    }
    if (JWT_OPERATIONS.has(operationId)) {
      const claims = jwtClaims(auth.token);
      if (auth.kind !== 'jwt') {
        finish({
          status: 401,
          json: errorBody(
            401,
            'A JSON web token could not be decoded (this endpoint needs the GitHub App JWT, not a token)',
          ),
        });
        return;
      }
      if (String(claims.iss) !== String(state.appId)) {
        finish({
          status: 401,
          json: errorBody(401, `'Issuer' claim ('iss') must be the App id ${state.appId}`),
        });
        return;
      }
      if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
        finish({ status: 401, json: errorBody(401, "'Expiration time' claim ('exp') is in the past") });
        return;
      }
    } else if (auth.kind === 'jwt') {
      finish({
        status: 401,
        json: errorBody(401, 'A JSON web token cannot access this endpoint; use an installation token'),
      });
      return;
    }
    record.actor = auth.kind === 'token' ? state.actorFor(auth.token) : null;
    const fatal = check.violations.find((v) => v.kind === 'body' || v.kind === 'path-param');
    if (fatal) {
      finish(
        fatal.kind === 'path-param'
          ? { status: 404, json: errorBody(404, 'Not Found') }
          : {
              status: 422,
              json: errorBody(422, `Invalid request.\n\n${fatal.pointer || '(body)'} ${fatal.message}`),
            },
      );
      return;
    }
    const handler = ROUTES[operationId];
    if (!handler) {
      violations.push({
        kind: 'unserved-route',
        method,
        path: where.path,
        operationId,
        pointer: '',
        message: 'a valid GitHub operation the double does not serve (add it to test/github-double)',
      });
      finish({ status: 501, json: errorBody(501, `The GitHub double does not serve ${operationId}`) });
      return;
    }
    const urls = urlsFor(origin, where.layout);
    const ctx: RouteContext = {
      state,
      render: new Renderer(state, urls),
      urls,
      params: match.params,
      query: requestUrl.searchParams,
      body:
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : {},
      raw,
      headers: req.headers,
      auth,
      actor: record.actor ?? state.botLogin,
      requestUrl,
    };
    let reply: Reply;
    try {
      reply = handler(ctx);
    } catch (error) {
      if (error instanceof GitHubHttpError) {
        reply = { status: error.status, json: error.body, headers: error.headers };
      } else {
        violations.push({
          kind: 'double-error',
          method,
          path: where.path,
          operationId,
          pointer: '',
          message: `the double crashed: ${(error as Error).stack ?? String(error)}`,
        });
        reply = { status: 500, json: errorBody(500, 'GitHub double internal error') };
      }
    }
    if (validateResponses && reply.json !== undefined) {
      violations.push(
        ...spec.checkResponse(match, reply.status, reply.json).filter((v) => !isKnownSpecGap(v)),
      );
    }
    reply.headers = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    };
    finish(reply);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push({
        kind: 'double-error',
        method: req.method ?? '',
        path: req.url ?? '',
        pointer: '',
        message: `the double crashed: ${String(error)}`,
      });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
      }
      res.end(JSON.stringify(errorBody(500, 'GitHub double internal error')));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    ghesUrl: `${origin}/api/v3`,
    origin,
    state,
    spec,
    requests,
    violations,
    rateLimitNext(n, rateOptions = {}) {
      for (let i = 0; i < n; i++) {
        limits.push({ kind: rateOptions.kind ?? 'primary', resetSeconds: rateOptions.resetSeconds ?? 1 });
      }
    },
    requestsFor(operationId) {
      return requests.filter((r) => r.operationId === operationId);
    },
    assertClean() {
      if (violations.length > 0) throw new GitHubDoubleViolationError([...violations]);
    },
    clearLog() {
      requests.length = 0;
      violations.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
