/**
 * Types of the HTTP layer of `modelgate serve`: what the server needs from the model manager,
 * its options, and the entry the prediction-log hook receives.
 */
import type { Registry } from 'prom-client';
import type { Row } from '../data/types.js';
import type { ModelManagerLike } from './model-manager.js';
import type { Role, ServedModel } from './types.js';

export type { ModelManagerLike } from './model-manager.js';

/**
 * The model manager as the server uses it: {@link ModelManagerLike} (`model-manager.ts`), plus
 * an optional `peek` for the metadata route.
 */
export interface ServingManager extends ModelManagerLike {
  /**
   * Optional: the stable model without taking a lease (for `GET /v1/models/<name>/metadata`); when
   * absent the server borrows a lease, released at once as a success with no latency.
   */
  peek?(name: string): ServedModel | null;
}

/** Micro-batching settings (see `batcher.ts` for when a batch is flushed). */
export interface BatchOptions {
  /** Most rows in one `predict` call (default 64); a batch is flushed as soon as it is full. */
  maxBatch: number;
  /**
   * Longest time (ms) a request waits for others while a batch of its model is running (default
   * 2); an idle model scores what arrived in the same event-loop turn at once.
   */
  maxWaitMs: number;
  /** Always wait up to `maxWaitMs` for more requests, even when the model is idle (default false). */
  waitWhenIdle: boolean;
}

/**
 * One scored request, as the prediction-log hook receives it. To write the JSONL prediction log:
 * `log: (e) => predictionLog.writeRequest({ ...e, instances: e.inputs })`.
 */
export interface RequestLogEntry {
  /** The request id (the `x-request-id` header, or a generated UUID); labels join on it later. */
  request_id: string;
  /** Model name. */
  model: string;
  /** The version that scored the request. */
  version: string;
  /** The deployment slot that scored it. */
  role: Role;
  /** The validated rows, as received (the signature's id column included when sent). */
  inputs: Row[];
  /** One output per row, as in the response's `predictions`. */
  outputs: RowOutput[];
  /** Time from the request's arrival to the response, in milliseconds. */
  latency_ms: number;
  /** When the request arrived (ISO 8601). */
  ts: string;
}

/**
 * The output for one row: binary -> P(positive), multiclass -> the probability vector in the
 * signature's `classes` order, regression -> the predicted value (non-finite values are sent as
 * JSON `null`).
 */
export type RowOutput = number | number[];

/** Server timeouts (milliseconds). */
export interface ServerTimeouts {
  /** Longest time to receive a whole request, headers and body (default 30,000). */
  requestMs: number;
  /** Longest time to receive the request headers (default 10,000). */
  headersMs: number;
  /** How long an idle keep-alive connection stays open (default 5,000). */
  keepAliveMs: number;
  /** How long `close()` waits for in-flight requests before cutting connections (default 10,000). */
  drainMs: number;
}

/** Options of `createServer`. */
export interface ServerOptions {
  /** The model manager (versions, hot swap, canary, admin operations). */
  manager: ServingManager;
  /** Bearer token of the admin API; without it every `/admin/*` path answers 404. */
  adminToken?: string;
  /** Largest accepted request body in bytes (default 1 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Most instances in one predict request (default 10,000); more get 413. */
  maxInstances?: number;
  /** Micro-batching of concurrent requests (defaults: 64 rows, 2 ms, adaptive). */
  batch?: Partial<BatchOptions>;
  /** The prediction-log hook, called once per scored request; its errors are ignored. */
  log?: (entry: RequestLogEntry) => void;
  /** The Prometheus registry for the server's metrics (default: a new private one). */
  metrics?: Registry;
  /** Timeouts (defaults in {@link ServerTimeouts}). */
  timeouts?: Partial<ServerTimeouts>;
  /** Where unexpected errors (bugs, a throwing log hook) are reported (default: `console.error`). */
  onError?: (err: unknown, context: string) => void;
}
