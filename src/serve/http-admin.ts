/**
 * The admin API of the model server, exposed only when an admin token is configured (otherwise
 * every `/admin/*` path is 404). Requests carry `Authorization: Bearer <token>`, compared in
 * constant time; a missing or wrong token is 401.
 *
 * - `GET  /admin/models`                      -> `{"models": [ModelStatus, ...]}`
 * - `GET  /admin/models/<name>`               -> `ModelStatus`
 * - `POST /admin/models/<name>/deploy`   `{"version": "1.2.0"}`                -> `ModelStatus`
 * - `POST /admin/models/<name>/canary`   `{"version": "1.3.0", "weight": 10}`  -> `ModelStatus`
 * - `POST /admin/models/<name>/promote`  (no body, or `{}`)                    -> `ModelStatus`
 * - `POST /admin/models/<name>/rollback` (no body, or `{"reason": "..."}`)     -> `ModelStatus`
 *
 * Bodies are validated with zod (400 naming the field). A manager error with a numeric
 * `httpStatus` (`ModelManagerError`), `status` or `statusCode` (400..599) keeps it; a registry error (unknown version) is 404; another
 * modelgate error (an operation the model's state does not allow) is 409; anything else is 500.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ModelgateError, RegistryError } from '../errors.js';
import { checkJsonContentType, parseJson, readBody } from './http-body.js';
import { HttpError } from './http-errors.js';
import type { ModelManagerLike } from './http-types.js';
import type { ModelStatus } from './types.js';

/** Body of `POST /admin/models/<name>/deploy`. */
export const DeployBodySchema = z.strictObject({
  version: z.string().min(1, 'expected a version such as "1.2.0"'),
});

/** Body of `POST /admin/models/<name>/canary`. */
export const CanaryBodySchema = z.strictObject({
  version: z.string().min(1, 'expected a version such as "1.3.0"'),
  weight: z.number().min(0).max(100),
});

/** Body of `POST /admin/models/<name>/promote`. */
export const PromoteBodySchema = z.strictObject({});

/** Body of `POST /admin/models/<name>/rollback`. */
export const RollbackBodySchema = z.strictObject({ reason: z.string().max(1000).optional() });

const OPERATIONS = ['deploy', 'canary', 'promote', 'rollback'] as const;
type Operation = (typeof OPERATIONS)[number];

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time (both sides are hashed to 32 bytes, so
 * `timingSafeEqual` compares equal-length buffers and the token's length does not leak).
 */
export function isAuthorized(header: string | undefined, tokenDigest: Buffer): boolean {
  if (header === undefined) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), tokenDigest);
}

/** What the admin handler answers. */
export interface AdminResult {
  /** HTTP status. */
  status: number;
  /** JSON body. */
  body: unknown;
}

/** Options of {@link createAdminHandler}. */
export interface AdminHandlerOptions {
  /** The model manager. */
  manager: ModelManagerLike;
  /** The bearer token. */
  token: string;
  /** Body limit in bytes. */
  maxBodyBytes: number;
}

function parseBody<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
  throw new HttpError(400, `${what} body: ${problems.join('; ')}`);
}

function managerError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { httpStatus?: unknown; status?: unknown; statusCode?: unknown } | null;
  const code = [e?.httpStatus, e?.status, e?.statusCode].find((c) => typeof c === 'number');
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599) {
    return new HttpError(code, message);
  }
  if (err instanceof RegistryError) return new HttpError(404, message);
  if (err instanceof ModelgateError) return new HttpError(409, message);
  return new HttpError(500, `admin operation failed: ${message}`);
}

/**
 * The admin API handler: `handle(req, path)` answers a request under `/admin` (`path` without the
 * query string), or throws a {@link HttpError} (401, 404, 405, 400, 409, 500).
 */
export function createAdminHandler(options: AdminHandlerOptions): {
  handle(req: IncomingMessage, path: string): Promise<AdminResult>;
} {
  const { manager, maxBodyBytes } = options;
  const tokenDigest = digest(options.token);

  async function readJsonBody(req: IncomingMessage): Promise<unknown> {
    checkJsonContentType(req);
    const body = await readBody(req, maxBodyBytes);
    return body.length === 0 || body.toString('utf8').trim() === '' ? undefined : parseJson(body);
  }

  async function operate(name: string, op: Operation, req: IncomingMessage): Promise<ModelStatus> {
    const raw = await readJsonBody(req);
    const what = `${op}`;
    switch (op) {
      case 'deploy': {
        const body = parseBody(DeployBodySchema, raw ?? {}, what);
        return manager.deploy(name, body.version);
      }
      case 'canary': {
        const body = parseBody(CanaryBodySchema, raw ?? {}, what);
        return manager.setCanary(name, body.version, body.weight);
      }
      case 'promote':
        parseBody(PromoteBodySchema, raw ?? {}, what);
        return manager.promote(name);
      case 'rollback': {
        const body = parseBody(RollbackBodySchema, raw ?? {}, what);
        return manager.rollback(name, body.reason);
      }
    }
  }

  return {
    async handle(req, path) {
      if (!isAuthorized(req.headers.authorization, tokenDigest)) {
        throw new HttpError(401, 'admin API: missing or wrong bearer token', {
          'www-authenticate': 'Bearer realm="modelgate-admin"',
        });
      }
      const parts = path.split('/').slice(2); // ['', 'admin', ...]
      if (parts[0] !== 'models') throw new HttpError(404, `no admin route ${path}`);
      const method = req.method ?? 'GET';
      if (parts.length === 1 || (parts.length === 2 && parts[1] === '')) {
        if (method !== 'GET') throw new HttpError(405, `${method} not allowed on ${path}`, { allow: 'GET' });
        const models = manager.names().map((n) => manager.status(n));
        return { status: 200, body: { models: models.filter((m) => m !== null) } };
      }
      let name: string;
      try {
        name = decodeURIComponent(parts[1]!);
      } catch {
        throw new HttpError(400, `bad model name in ${path}`);
      }
      if (parts.length === 2) {
        if (method !== 'GET') throw new HttpError(405, `${method} not allowed on ${path}`, { allow: 'GET' });
        const status = manager.status(name);
        if (!status) throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
        return { status: 200, body: status };
      }
      const op = parts[2] as Operation;
      if (parts.length !== 3 || !OPERATIONS.includes(op)) {
        throw new HttpError(
          404,
          `no admin route ${path} (operations: ${OPERATIONS.map((o) => `/admin/models/<name>/${o}`).join(', ')})`,
        );
      }
      if (method !== 'POST') throw new HttpError(405, `${method} not allowed on ${path}`, { allow: 'POST' });
      let status: ModelStatus;
      try {
        status = await operate(name, op, req);
      } catch (err) {
        throw managerError(err);
      }
      return { status: 200, body: status };
    },
  };
}
