/**
 * The HTTP layer of `modelgate serve`, on `node:http` (keep-alive on): TensorFlow Serving's REST
 * API, health and readiness, Prometheus metrics and the admin API.
 *
 * Routes:
 * - `POST /v1/models/<name>:predict` `{"instances": [{...}, ...]}` -> `{"predictions": [...]}`
 *   (or the columnar `{"inputs": {"col": [...]}}` -> `{"outputs": [...]}`): binary -> P(positive)
 *   per row, multiclass -> the probability vector (class order in the metadata), regression -> the
 *   value. Response headers `x-modelgate-version`, `x-modelgate-role` and `x-request-id`. Canary
 *   routing is sticky on `x-request-key` (else `x-request-id`) when given.
 * - `GET /v1/models/<name>` -> `{"model_version_status": [{version, state, status}]}` (stable, canary).
 * - `GET /v1/models/<name>/metadata` -> `{"model_spec": {name, version}, "metadata": {"signature": ...}}`.
 * - `GET /healthz` (alive), `GET /readyz` (200 when a model is AVAILABLE, else 503), `GET /metrics`.
 * - `/admin/*` only with an admin token (see `http-admin.ts`).
 * - KServe v2 / Open Inference Protocol: `GET /v2`, `GET /v2/health/live|ready`,
 *   `GET /v2/models/<name>[/versions/<v>][/ready]` and `POST .../infer` (see `kserve-v2.ts`),
 *   scored through the same path as `:predict` (validation, canary routing, batching, metrics, log).
 *
 * Every error is `{"error": "<message>"}`: 400 bad JSON or bad rows (naming the row and field), 401,
 * 404 unknown model or route, 405 wrong method, 413 body or instances over the limit, 415 not JSON,
 * 500 the model failed (only the requests of that batch), 503 no version deployed or shutting down.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { modelgateVersion } from '../runs/environment.js';
import { MicroBatcher } from './batcher.js';
import { createAdminHandler } from './http-admin.js';
import {
  checkJsonContentType,
  DEFAULT_MAX_BODY_BYTES,
  parseJson,
  readBody,
  refuseBody,
  sendError,
  sendJson,
  sendText,
} from './http-body.js';
import { HttpError } from './http-errors.js';
import type {
  RequestLogEntry,
  RowOutput,
  ServerOptions,
  ServerTimeouts,
  ServingManager,
} from './http-types.js';
import {
  inferResponse,
  inferRows,
  modelMetadata,
  normalisePathVersion,
  parseInferRequest,
  parseV2Route,
} from './kserve-v2.js';
import { type ErrorKind, type RequestLabels, ServerMetrics, UNKNOWN_MODEL } from './metrics.js';
import type { Lease, ModelStatus, Role, ServedModel } from './types.js';
import { checkRowsAgainstContract } from './validate-contract.js';
import {
  DEFAULT_MAX_INSTANCES,
  type PredictRequestShape,
  parsePredictRequest,
  validateInstances,
} from './validate-request.js';

/** Default timeouts. */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  requestMs: 30_000,
  headersMs: 10_000,
  keepAliveMs: 5_000,
  drainMs: 10_000,
};

/** A running (or ready to run) model server. */
export interface ModelServer {
  /** The underlying `node:http` server. */
  server: http.Server;
  /** The server's Prometheus metrics. */
  metrics: ServerMetrics;
  /** Starts listening (port 0: any free port); resolves to the bound port. */
  listen(port?: number, host?: string): Promise<{ port: number; host: string }>;
  /** Stops accepting connections, drains in-flight requests (up to `timeouts.drainMs`), then closes. */
  close(): Promise<void>;
}

/** TensorFlow Serving's model status entries of a {@link ModelStatus}. */
export function modelVersionStatus(status: ModelStatus): {
  model_version_status: {
    version: string;
    state: string;
    status: { error_code: string; error_message: string };
  }[];
} {
  const entries = [];
  if (status.stable) {
    const ok = status.stable.state !== 'UNAVAILABLE';
    entries.push({
      version: status.stable.version,
      state: status.stable.state,
      status: ok
        ? { error_code: 'OK', error_message: '' }
        : { error_code: 'UNAVAILABLE', error_message: `version ${status.stable.version} is not available` },
    });
  }
  if (status.canary) {
    entries.push({
      version: status.canary.version,
      state: 'AVAILABLE',
      status: { error_code: 'OK', error_message: '' },
    });
  }
  return { model_version_status: entries };
}

type ModelRoute = { kind: 'predict' | 'status' | 'metadata'; name: string };

/** Splits the part of a path after `/v1/models/`. */
function modelRoute(rest: string): ModelRoute {
  let kind: ModelRoute['kind'];
  let encoded: string;
  if (rest.endsWith('/metadata')) {
    kind = 'metadata';
    encoded = rest.slice(0, -'/metadata'.length);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon === -1) {
      kind = 'status';
      encoded = rest;
    } else {
      const verb = rest.slice(colon + 1);
      if (verb !== 'predict') {
        throw new HttpError(404, `unsupported method ":${verb}" (modelgate serves ":predict")`);
      }
      kind = 'predict';
      encoded = rest.slice(0, colon);
    }
  }
  if (encoded.includes('/')) {
    throw new HttpError(
      404,
      `no route /v1/models/${rest}: version paths are not served (requests go to the deployed version)`,
    );
  }
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new HttpError(400, `bad model name ${JSON.stringify(encoded)} in the path`);
  }
  if (name === '') throw new HttpError(404, 'no model name in the path');
  return { kind, name };
}

/** How one protocol reads a scoring request and writes its answer (the rest is shared). */
interface ScoringProtocol<P> {
  /** The route's verb, for messages: `:predict` or `/infer`. */
  verb: string;
  /** The version the path pins (`X.Y.Z`); absent: canary routing chooses. */
  version?: string;
  /** Checks the body before a version is chosen. */
  parse(body: unknown): P;
  /** The candidate rows (validated against the signature next). */
  rows(model: ServedModel, parsed: P): PredictRequestShape;
  /** The response body. */
  respond(model: ServedModel, parsed: P, outputs: RowOutput[]): unknown;
}

/** The versions a status serves: the available stable one, then the canary. */
function servedVersions(status: ModelStatus): string[] {
  const versions: string[] = [];
  if (status.stable?.state === 'AVAILABLE') versions.push(status.stable.version);
  if (status.canary && !versions.includes(status.canary.version)) versions.push(status.canary.version);
  return versions;
}

/** The slot serving a version (the stable slot when both do). */
function servedRole(status: ModelStatus, version: string): Role {
  return status.stable?.state === 'AVAILABLE' && status.stable.version === version ? 'stable' : 'canary';
}

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Creates the model server (not yet listening). The micro-batcher, the metrics registry and the
 * admin API (when `adminToken` is set) belong to this server alone.
 */
export function createServer(options: ServerOptions): ModelServer {
  const manager: ServingManager = options.manager;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  const timeouts: ServerTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // Node requires the headers timeout not to exceed the request timeout.
  timeouts.headersMs = Math.min(timeouts.headersMs, timeouts.requestMs);
  const onError =
    options.onError ??
    ((err: unknown, context: string) => console.error(`modelgate serve: ${context}:`, err));
  const metrics = new ServerMetrics(options.metrics);
  const batcher = new MicroBatcher({
    ...options.batch,
    onBatch: (r) => metrics.batch(r.model.name, r.model.version, r.rows),
  });
  const admin =
    options.adminToken !== undefined && options.adminToken !== ''
      ? createAdminHandler({ manager, token: options.adminToken, maxBodyBytes })
      : null;
  const log = options.log;

  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;

  /** Releases a lease; a throwing release is reported, never turned into a failed request. */
  function release(lease: Lease, ok: boolean, latencyMs: number): void {
    try {
      lease.release({ ok, latencyMs });
    } catch (err) {
      onError(err, 'lease release');
    }
  }

  /**
   * The one scoring path of both protocols: read and check the body, choose the version (canary
   * routing, or the pinned version), validate the rows against the signature and the data
   * contract, score them through the micro-batcher, answer, count the metrics, log the request.
   */
  async function score<P>(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    name: string,
    protocol: ScoringProtocol<P>,
  ): Promise<void> {
    const arrived = performance.now();
    const ts = new Date().toISOString();
    const requestId = header(req, 'x-request-id')?.slice(0, 200) || randomUUID();
    const known = manager.names().includes(name);
    const labels: RequestLabels = { model: known ? name : UNKNOWN_MODEL, version: '', role: '' };
    const headers: Record<string, string> = { 'x-request-id': requestId };
    let lease: Lease | null = null;
    let leaseStart = 0;
    let kind: ErrorKind | undefined;
    try {
      if (req.method !== 'POST') {
        throw new HttpError(405, `${req.method} not allowed on ${protocol.verb}; use POST`, {
          allow: 'POST',
        });
      }
      if (!known) throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
      checkJsonContentType(req);
      const parsed = protocol.parse(parseJson(await readBody(req, maxBodyBytes)));
      const key = header(req, 'x-request-key') || header(req, 'x-request-id') || undefined;
      lease =
        protocol.version === undefined
          ? manager.acquire(name, key)
          : acquireVersion(name, v2Version(name, protocol.version), key);
      if (!lease) {
        if (manager.status(name) === null)
          throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
        kind = 'unavailable';
        throw new HttpError(503, `model ${JSON.stringify(name)} has no version available`);
      }
      leaseStart = performance.now();
      const model = lease.model;
      labels.version = model.version;
      labels.role = lease.role;
      headers['x-modelgate-version'] = model.version;
      headers['x-modelgate-role'] = lease.role;
      const rows = validateInstances(model.signature, protocol.rows(model, parsed));
      if (model.contract) checkRowsAgainstContract(rows, model.contract);
      let outputs: RequestLogEntry['outputs'];
      try {
        outputs = await batcher.predict(model, rows);
      } catch (err) {
        kind = 'predict';
        throw new HttpError(
          500,
          `model ${name}@${model.version} failed to predict: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      if (draining) res.shouldKeepAlive = false;
      sendJson(res, 200, protocol.respond(model, parsed, outputs), headers);
      const done = performance.now();
      release(lease, true, done - leaseStart);
      lease = null;
      metrics.request(labels, 200, (done - arrived) / 1000);
      if (log) {
        try {
          log({
            request_id: requestId,
            model: name,
            version: labels.version,
            role: labels.role as RequestLogEntry['role'],
            inputs: rows,
            outputs,
            latency_ms: done - arrived,
            ts,
          });
        } catch (err) {
          onError(err, 'prediction log hook');
        }
      }
    } catch (caught) {
      const err =
        caught instanceof HttpError ? caught : new HttpError(500, 'internal error while serving the request');
      if (!(caught instanceof HttpError)) {
        kind = 'internal';
        onError(caught, `${protocol.verb === ':predict' ? 'predict' : 'infer'} ${name}`);
      }
      if (err.status === 413) refuseBody(req);
      if (draining) res.shouldKeepAlive = false;
      sendError(res, err, headers);
      const done = performance.now();
      // A client error (4xx) is not the model's fault: it does not count against a canary.
      if (lease) release(lease, err.status < 500, done - leaseStart);
      metrics.request(labels, err.status, (done - arrived) / 1000, kind);
    }
  }

  /** TensorFlow Serving's `:predict`. */
  function predict(req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> {
    return score(req, res, name, {
      verb: ':predict',
      parse: (body) => parsePredictRequest(body, { maxInstances }),
      rows: (_model, shape) => shape,
      respond: (_model, shape, outputs) => (shape.format === 'row' ? { predictions: outputs } : { outputs }),
    });
  }

  /**
   * A lease on one served version: the stable or the canary slot, pinned (not routed). Null when
   * the model is unknown; 404 (from `servedRole`) when the version is not served; 503 when the
   * version changed between the status read and the lease (a deploy in between): retry.
   */
  function acquireVersion(name: string, version: string, key: string | undefined): Lease | null {
    const status = manager.status(name);
    if (!status) return null;
    const role = servedRole(status, version);
    const lease = manager.acquire(name, key, { role });
    if (lease && lease.model.version !== version) {
      release(lease, true, 0);
      throw new HttpError(
        503,
        `version ${version} of model ${JSON.stringify(name)} could not be routed to (it is changing); retry`,
      );
    }
    return lease;
  }

  /** Answers a KServe v2 / Open Inference Protocol route (see `kserve-v2.ts`). */
  async function v2Route(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const r = parseV2Route(path);
    const method = req.method ?? 'GET';
    if (r.kind !== 'infer' && method !== 'GET' && method !== 'HEAD') {
      throw new HttpError(405, `${method} not allowed on ${path}; use GET`, { allow: 'GET, HEAD' });
    }
    switch (r.kind) {
      case 'server-metadata':
        return sendJson(res, 200, { name: 'modelgate', version: modelgateVersion(), extensions: [] });
      case 'live':
        return sendJson(res, 200, { live: true });
      case 'ready': {
        const ready = !draining && manager.ready();
        return sendJson(res, ready ? 200 : 503, { ready });
      }
    }
    const { name } = r;
    if (r.kind === 'infer') {
      return score(req, res, name, {
        verb: '/infer',
        ...(r.version === undefined ? {} : { version: r.version }),
        parse: (body) => parseInferRequest(body, maxInstances),
        rows: (model, request) => inferRows(model.signature, request),
        respond: (model, request, outputs) =>
          inferResponse(model.signature, outputs, {
            name,
            version: model.version,
            ...(request.id === undefined ? {} : { id: request.id }),
            ...(request.outputs === undefined ? {} : { requested: request.outputs }),
          }),
      });
    }
    const status = manager.status(name);
    if (!status) throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
    const version = r.version === undefined ? undefined : v2Version(name, r.version);
    const served = servedVersions(status);
    if (r.kind === 'model-ready') {
      const ready = !draining && (version === undefined ? served.length > 0 : served.includes(version));
      return sendJson(res, ready ? 200 : 503, { name, ...(version === undefined ? {} : { version }), ready });
    }
    let model: ServedModel | null = null;
    if (version === undefined || version === status.stable?.version) model = manager.peek?.(name) ?? null;
    if (!model || (version !== undefined && model.version !== version)) {
      // Borrow a lease for the signature; it reports a success with no latency.
      const lease =
        version === undefined
          ? manager.acquire(name, 'modelgate-metadata')
          : acquireVersion(name, version, undefined);
      if (!lease) throw new HttpError(503, `model ${JSON.stringify(name)} has no version available`);
      model = lease.model;
      release(lease, true, 0);
    }
    return sendJson(res, 200, modelMetadata(name, served, model.signature));
  }

  /** The `X.Y.Z` of a path version the model serves; 404 otherwise. */
  function v2Version(name: string, text: string): string {
    const status = manager.status(name);
    if (!status) throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
    const version = normalisePathVersion(text);
    const served = servedVersions(status);
    if (version === null || !served.includes(version)) {
      throw new HttpError(
        404,
        `model ${JSON.stringify(name)} has no version ${JSON.stringify(text)} (serving: ${served.join(', ') || 'none'})`,
      );
    }
    return version;
  }

  function modelStatusRoute(res: http.ServerResponse, name: string): void {
    const status = manager.status(name);
    if (!status) throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
    sendJson(res, 200, modelVersionStatus(status));
  }

  function metadataRoute(res: http.ServerResponse, name: string): void {
    if (manager.status(name) === null) throw new HttpError(404, `model ${JSON.stringify(name)} not found`);
    const served = manager.peek?.(name) ?? null;
    let model = served;
    if (!model) {
      // Without `peek`, borrow a lease for the signature; it reports no latency and no error.
      const lease = manager.acquire(name, 'modelgate-metadata');
      if (!lease) throw new HttpError(503, `model ${JSON.stringify(name)} has no version available`);
      model = lease.model;
      release(lease, true, 0);
    }
    sendJson(res, 200, {
      model_spec: { name, signature_name: 'serving_default', version: model.version },
      metadata: { signature: model.signature },
    });
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const isGet = method === 'GET' || method === 'HEAD';
    const onlyGet = () => {
      if (!isGet)
        throw new HttpError(405, `${method} not allowed on ${path}; use GET`, { allow: 'GET, HEAD' });
    };
    if (path === '/v2' || path.startsWith('/v2/')) return v2Route(req, res, path);
    if (path.startsWith('/v1/models/')) {
      const r = modelRoute(path.slice('/v1/models/'.length));
      if (r.kind === 'predict') return predict(req, res, r.name);
      onlyGet();
      if (r.kind === 'status') return modelStatusRoute(res, r.name);
      return metadataRoute(res, r.name);
    }
    switch (path) {
      case '/healthz':
        onlyGet();
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        onlyGet();
        const ready = !draining && manager.ready();
        return sendJson(res, ready ? 200 : 503, {
          status: ready ? 'ready' : draining ? 'shutting down' : 'no model available',
        });
      }
      case '/metrics': {
        onlyGet();
        const m = await metrics.render();
        return sendText(res, 200, m.body, m.contentType);
      }
    }
    if (path === '/admin' || path.startsWith('/admin/')) {
      if (!admin) throw new HttpError(404, `no route ${path}`);
      const r = await admin.handle(req, path);
      return sendJson(res, r.status, r.body);
    }
    throw new HttpError(404, `no route ${path}`);
  }

  const server = http.createServer(
    {
      keepAlive: true,
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      // How often Node checks the request and headers timeouts.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(30_000, timeouts.headersMs / 4, timeouts.requestMs / 4),
      ),
    },
    (req, res) => {
      inFlight++;
      metrics.started();
      res.once('close', () => {
        inFlight--;
        metrics.finished();
        if (draining && inFlight === 0) drained?.();
      });
      route(req, res).catch((caught: unknown) => {
        const err = caught instanceof HttpError ? caught : new HttpError(500, 'internal error');
        if (!(caught instanceof HttpError)) onError(caught, `${req.method} ${req.url}`);
        if (err.status === 413) refuseBody(req);
        if (draining) res.shouldKeepAlive = false;
        sendError(res, err);
      });
    },
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;

  return {
    server,
    metrics,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onListenError = (err: Error) => reject(err);
        server.once('error', onListenError);
        server.listen(port, host, () => {
          server.off('error', onListenError);
          const address = server.address() as AddressInfo;
          resolve({ port: address.port, host: address.address });
        });
      });
    },
    close() {
      draining = true;
      return new Promise<void>((resolve) => {
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          server.closeAllConnections();
          resolve();
        };
        const timer = setTimeout(finish, timeouts.drainMs);
        timer.unref();
        if (!server.listening) {
          finish();
          return;
        }
        server.close(() => finish());
        server.closeIdleConnections();
        drained = () => setImmediate(() => server.closeIdleConnections());
        if (inFlight === 0) server.closeIdleConnections();
      });
    },
  };
}
