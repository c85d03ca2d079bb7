/**
 * Shared contracts of the model server (`modelgate serve`): the HTTP layer (`server.ts`), the model
 * manager (versions, hot swap, canary, rollback) and the prediction log build against these.
 */
import type { Row } from '../data/types.js';
import type { Prediction } from '../train/predict.js';
import type { ModelSignature } from '../train/saved-model.js';
import type { DataContract } from '../validate/contract.js';

/** One loaded model version, ready to score raw rows. */
export interface ServedModel {
  /** Model name. */
  name: string;
  /** Version `X.Y.Z`. */
  version: string;
  /** The saved model's input schema and output. */
  signature: ModelSignature;
  /** The data contract the model was trained under (its column rules also apply to requests), if any. */
  contract?: DataContract;
  /** Scores a batch of raw rows (already validated against the signature). */
  predict(rows: readonly Row[]): Prediction | Promise<Prediction>;
  /** Frees the model (called once no request uses it any more). */
  dispose(): void;
}

/** Loads a model version (from the registry) into a {@link ServedModel}. */
export type ModelLoader = (name: string, version: string) => Promise<ServedModel>;

/** Which deployment slot served a request. */
export type Role = 'stable' | 'canary';

/** A model acquired for one request; `release()` must be called when the request is done. */
export interface Lease {
  model: ServedModel;
  role: Role;
  /** Reports the outcome (for canary health and auto-rollback) and releases the model. */
  release(outcome: { ok: boolean; latencyMs: number }): void;
}

/** The state of one served model, as `GET /v1/models/<name>` and the admin API report it. */
export interface ModelStatus {
  name: string;
  stable: { version: string; state: 'AVAILABLE' | 'LOADING' | 'UNAVAILABLE' } | null;
  canary: { version: string; weight: number } | null;
  /** The last automatic rollback, when one happened. */
  lastRollback?: { version: string; reason: string; at: string };
}

/** Limits of automatic canary rollback. */
export interface RollbackPolicy {
  /** Roll back when the canary's error rate over the window exceeds this (default 0.05). */
  maxErrorRate: number;
  /** Roll back when the canary's p99 latency (ms) over the window exceeds this (default: off). */
  maxP99Ms?: number;
  /** Requests the canary must have served before it is judged (default 20). */
  minRequests: number;
  /** Judge over the last N canary requests (default 200). */
  window: number;
}
