/**
 * The model manager of `modelgate serve`: which version of each model serves requests, and how
 * versions change under traffic: hot swap, canary, blue/green, promotion and rollback (manual and
 * automatic).
 *
 * Per model it holds up to three loaded versions, each in a slot with an in-flight count:
 * - `stable`: serves every request the canary does not take;
 * - `canary` (optional) with a weight in percent: takes that share of requests (sticky by request
 *   key, see `canary-routing.ts`); weight 100 is blue/green, the stable version staying loaded as
 *   the instant fallback;
 * - `previous`: the stable version before the last deploy or promote, kept loaded (unless
 *   `keepPrevious: false`) so that `rollback` with no canary switches back instantly.
 *
 * Safety rules:
 * - A new version is loaded fully and warmed with one prediction on a synthetic row built from its
 *   signature before any pointer moves; a failed load or warm-up leaves everything as it was and
 *   rejects with a {@link ModelManagerError} (`load-failed`).
 * - Pointer changes are synchronous, so each request sees either the old or the new state, never a
 *   mix. `acquire` increments the slot's in-flight count synchronously; a slot no pointer refers
 *   to any more is retired and disposed exactly once, when its in-flight count reaches 0. A
 *   retired slot is never pointed to again, so no request can get a disposed model.
 * - Admin operations (deploy, setCanary, promote, rollback) on one model run one at a time, in call
 *   order; operations on different models run in parallel. Automatic rollback is immediate (it
 *   never waits for a queued operation): the canary stops taking traffic on the request that
 *   breached the policy.
 */
import type { Row } from '../data/types.js';
import { ModelgateError, RegistryError } from '../errors.js';
import { formatSemver, parseSemver } from '../registry/semver.js';
import type { Prediction } from '../train/predict.js';
import type { ModelSignature } from '../train/saved-model.js';
import { CanaryHealth, type CanaryStats, type Outcome, rollbackPolicy } from './canary-health.js';
import { isValidWeight, routeRequest } from './canary-routing.js';
import type { Lease, ModelLoader, ModelStatus, Role, RollbackPolicy, ServedModel } from './types.js';

/** What the HTTP server needs from the model manager. */
export interface ModelManagerLike {
  /** Names of the models known (serving, or loading their first version), sorted. */
  names(): string[];
  /**
   * A model for one request; null when the model is unknown or nothing is deployed. `options.role`
   * pins the request to the stable or the canary slot (a version-pinned request) instead of routing
   * it; pinning the canary when there is none gives null.
   */
  acquire(name: string, key?: string, options?: { role?: Role }): Lease | null;
  /** The model's status; null when unknown. */
  status(name: string): ModelStatus | null;
  /** Whether at least one model is AVAILABLE. */
  ready(): boolean;
  /** Hot swaps the stable version. */
  deploy(name: string, version: string): Promise<ModelStatus>;
  /** Starts, re-weights (0: removes) a canary; weight 100 is blue/green. */
  setCanary(name: string, version: string, weight: number): Promise<ModelStatus>;
  /** Makes the canary the stable version. */
  promote(name: string): Promise<ModelStatus>;
  /** Drops the canary, or switches stable back to the previous version. */
  rollback(name: string, reason?: string): Promise<ModelStatus>;
}

/** Why a manager operation failed. */
export type ModelManagerErrorCode =
  | 'invalid-argument'
  | 'unknown-model'
  | 'not-deployed'
  | 'no-canary'
  | 'no-rollback-target'
  | 'conflict'
  | 'load-failed'
  | 'closed';

/** The HTTP status an admin API should answer each {@link ModelManagerErrorCode} with. */
export const MODEL_MANAGER_HTTP_STATUS: Readonly<Record<ModelManagerErrorCode, number>> = Object.freeze({
  'invalid-argument': 400,
  'unknown-model': 404,
  'not-deployed': 409,
  'no-canary': 409,
  'no-rollback-target': 409,
  conflict: 409,
  'load-failed': 502,
  closed: 503,
});

/**
 * A failed manager operation; `code` says why. `httpStatus` is the code's
 * {@link MODEL_MANAGER_HTTP_STATUS}, except a `load-failed` whose cause is a registry's "not found"
 * (no such version, no version at all), which is 404.
 */
export class ModelManagerError extends ModelgateError {
  /** Why it failed. */
  readonly code: ModelManagerErrorCode;
  /** The HTTP status for the admin API. */
  readonly httpStatus: number;
  constructor(code: ModelManagerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, code === 'invalid-argument' ? 2 : 1, options);
    this.code = code;
    const cause = options?.cause;
    const notFound =
      code === 'load-failed' &&
      cause instanceof RegistryError &&
      /not found|has no registered version/.test(cause.message);
    this.httpStatus = notFound ? 404 : MODEL_MANAGER_HTTP_STATUS[code];
  }
}

/** What the manager reports to `onEvent` (the deploy flow mirrors these into GitHub deployment statuses). */
export type ManagerEvent =
  | {
      type: 'deploy';
      name: string;
      /** The new stable version. */
      version: string;
      /** The stable version it replaced (null on the first deploy). */
      previous: string | null;
      at: string;
    }
  | {
      type: 'canary';
      name: string;
      version: string;
      /** The weight in percent; 0 when the canary was removed. */
      weight: number;
      at: string;
    }
  | {
      type: 'promote';
      name: string;
      /** The promoted version, now stable. */
      version: string;
      /** The stable version it replaced. */
      previous: string;
      at: string;
    }
  | {
      type: 'rollback';
      name: string;
      /** The version rolled back (the canary, or the stable version switched away from). */
      version: string;
      reason: string;
      /** True when the canary health policy triggered it. */
      automatic: boolean;
      /** The version serving all traffic after the rollback. */
      serving: string;
      at: string;
    }
  | { type: 'load-failed'; name: string; version: string; error: string; at: string }
  | { type: 'dispose'; name: string; version: string; at: string }
  | { type: 'dispose-failed'; name: string; version: string; error: string; at: string };

/** Options of {@link ModelManager}. */
export interface ModelManagerOptions {
  /** Loads a model version (e.g. `registryLoader(registry)`). */
  loader: ModelLoader;
  /** Limits of automatic canary rollback, over `DEFAULT_ROLLBACK_POLICY`. */
  rollback?: Partial<RollbackPolicy>;
  /** Receives every event; exceptions it throws are ignored. */
  onEvent?: (event: ManagerEvent) => void;
  /** Random numbers in [0, 1) for routing requests without a key (default `Math.random`). */
  random?: () => number;
  /** The clock, for event and rollback times (default `new Date()`). */
  now?: () => Date;
  /** Keep the replaced stable version loaded for instant rollback (default true). */
  keepPrevious?: boolean;
}

/** A model's state beyond {@link ModelStatus}: the kept previous version and the canary's health. */
export interface ModelDetails {
  /** The status. */
  status: ModelStatus;
  /** The previous stable version kept loaded for instant rollback, if any. */
  previous: string | null;
  /** The canary's health window, when a canary runs. */
  canaryHealth: CanaryStats | null;
  /** Versions retired but still finishing in-flight requests, with their counts. */
  draining: { version: string; inflight: number }[];
}

/**
 * Normalises a version request: `X.Y.Z` or `vX.Y.Z` to `X.Y.Z`, `latest` as is. Throws a
 * {@link ModelManagerError} (`invalid-argument`) for anything else.
 */
export function normaliseVersion(version: string): string {
  const text = typeof version === 'string' ? version.trim() : '';
  if (text === 'latest') return text;
  const v = parseSemver(text);
  if (!v) {
    throw new ModelManagerError(
      'invalid-argument',
      `invalid version ${JSON.stringify(version)}: expected X.Y.Z, vX.Y.Z or latest`,
    );
  }
  return formatSemver(v);
}

/**
 * A plausible input row for a signature, used to warm a freshly loaded model: 0 for numeric
 * inputs, the first known category (else null) for categorical ones.
 */
export function syntheticRow(signature: Pick<ModelSignature, 'inputs'>): Row {
  const row: Row = {};
  for (const input of signature.inputs) {
    row[input.name] = input.type === 'numeric' ? 0 : (input.categories?.[0] ?? null);
  }
  return row;
}

/** One loaded version and the requests using it. */
class Slot {
  inflight = 0;
  retired = false;
  disposed = false;
  constructor(
    readonly model: ServedModel,
    /** The normalised `X.Y.Z` version. */
    readonly version: string,
  ) {}
}

interface CanarySlot {
  slot: Slot;
  weight: number;
  health: CanaryHealth;
}

interface Entry {
  name: string;
  stable: Slot | null;
  previous: Slot | null;
  canary: CanarySlot | null;
  /** The version being loaded while nothing is stable yet (the first deploy). */
  pending: string | null;
  lastRollback?: { version: string; reason: string; at: string };
  /** Tail of the admin operation queue (never rejects). */
  queue: Promise<void>;
  /** Admin operations queued or running. */
  ops: number;
}

/** Disposes a model no slot holds; its failure is not the one to report. */
function safeDispose(model: ServedModel): void {
  try {
    model.dispose();
  } catch {
    // Reporting the failure that led here matters more.
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Serves model versions with hot swap, canary, blue/green and automatic rollback. See the module doc. */
export class ModelManager implements ModelManagerLike {
  private readonly loader: ModelLoader;
  private readonly policy: RollbackPolicy;
  private readonly onEvent: ((event: ManagerEvent) => void) | undefined;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly keepPrevious: boolean;
  private readonly models = new Map<string, Entry>();
  private readonly draining = new Set<Slot>();
  private closed = false;

  constructor(options: ModelManagerOptions) {
    this.loader = options.loader;
    this.policy = rollbackPolicy(options.rollback);
    this.onEvent = options.onEvent;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.keepPrevious = options.keepPrevious ?? true;
  }

  /** {@inheritDoc ModelManagerLike.names} */
  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** {@inheritDoc ModelManagerLike.ready} */
  ready(): boolean {
    for (const e of this.models.values()) if (e.stable) return true;
    return false;
  }

  /**
   * A model for one request: the canary for `weight`% of requests (by the hash of `key` when given,
   * else at random), the stable version otherwise; `options.role` pins the slot instead (a
   * version-pinned request, which still counts towards the canary's health). The caller must call `release` exactly once
   * (later calls are ignored); the model stays usable until then, whatever deploys happen.
   */
  acquire(name: string, key?: string, options: { role?: Role } = {}): Lease | null {
    const e = this.models.get(name);
    if (!e?.stable) return null;
    const canary = e.canary;
    if (options.role === 'canary' && !canary) return null;
    const role: Role = options.role ?? (canary ? routeRequest(canary.weight, key, this.random) : 'stable');
    const slot = role === 'canary' && canary ? canary.slot : e.stable;
    slot.inflight++;
    let released = false;
    return {
      model: slot.model,
      role,
      release: (outcome: Outcome) => {
        if (released) return;
        released = true;
        slot.inflight--;
        if (canary && role === 'canary' && e.canary === canary && outcome) this.judge(e, canary, outcome);
        if (slot.retired && slot.inflight === 0) this.dispose(slot);
      },
    };
  }

  /**
   * The stable model without taking a lease, for metadata (name, version, signature) only: it may
   * be retired and disposed at any time, so never predict with it (use {@link acquire}).
   */
  peek(name: string): ServedModel | null {
    return this.models.get(name)?.stable?.model ?? null;
  }

  /** {@inheritDoc ModelManagerLike.status} */
  status(name: string): ModelStatus | null {
    const e = this.models.get(name);
    if (!e) return null;
    let stable: ModelStatus['stable'] = null;
    if (e.stable) stable = { version: e.stable.version, state: 'AVAILABLE' };
    else if (e.pending) stable = { version: e.pending, state: 'LOADING' };
    return {
      name,
      stable,
      canary: e.canary ? { version: e.canary.slot.version, weight: e.canary.weight } : null,
      ...(e.lastRollback ? { lastRollback: { ...e.lastRollback } } : {}),
    };
  }

  /** The status plus the kept previous version, the canary's health window and draining versions. */
  details(name: string): ModelDetails | null {
    const status = this.status(name);
    const e = this.models.get(name);
    if (!status || !e) return null;
    return {
      status,
      previous: e.previous?.version ?? null,
      canaryHealth: e.canary ? e.canary.health.stats() : null,
      draining: [...this.draining]
        .filter((s) => s.model.name === name)
        .map((s) => ({ version: s.version, inflight: s.inflight })),
    };
  }

  /**
   * Hot swaps the stable version to `version` (`X.Y.Z`, `vX.Y.Z` or `latest`). The version is
   * loaded and warmed before the switch; requests holding the old version finish on it, and it is
   * kept loaded as `previous` (or disposed after they finish, with `keepPrevious: false`). A
   * version already loaded as canary or previous is switched to without loading; deploying the
   * canary's version ends the canary. A running canary of another version keeps running. Deploying
   * the version already stable changes nothing. A failed load rejects with `load-failed` and
   * leaves the old version serving.
   */
  async deploy(name: string, version: string): Promise<ModelStatus> {
    const wanted = normaliseVersion(version);
    this.checkOpen();
    let e = this.models.get(name);
    if (!e) {
      e = this.newEntry(name);
      this.models.set(name, e);
    }
    const entry = e;
    if (!entry.stable && entry.pending === null) entry.pending = wanted;
    return this.serialise(entry, async () => {
      if (entry.stable?.version === wanted) return this.status(name)!;
      let slot = this.reuse(entry, wanted);
      if (!slot) {
        if (!entry.stable) entry.pending = wanted;
        try {
          slot = await this.load(entry, wanted);
        } finally {
          entry.pending = null;
        }
        if (entry.stable?.version === slot.version) {
          this.dispose(slot);
          return this.status(name)!;
        }
      }
      const old = entry.stable;
      const oldPrevious = entry.previous;
      const oldCanary = entry.canary;
      entry.stable = slot;
      if (oldCanary?.slot.version === slot.version) entry.canary = null;
      if (!this.keepPrevious) entry.previous = null;
      else if (old) entry.previous = old;
      if (entry.previous === slot) entry.previous = null;
      this.settle(entry, [old, oldPrevious, oldCanary?.slot]);
      this.emit({
        type: 'deploy',
        name,
        version: slot.version,
        previous: old?.version ?? null,
        at: this.iso(),
      });
      return this.status(name)!;
    });
  }

  /**
   * Routes `weight`% (0 to 100) of the model's requests to `version`, loaded and warmed first
   * (a version kept as `previous` is reused). The same version again only changes the weight (the
   * health window is kept); another version replaces the canary (the old one drains). Weight 0
   * removes the canary (the version is then ignored). Weight 100 is blue/green: every request goes
   * to the canary while the stable version stays loaded as the instant fallback. Each new canary
   * starts a fresh health window for automatic rollback.
   */
  async setCanary(name: string, version: string, weight: number): Promise<ModelStatus> {
    if (!isValidWeight(weight)) {
      throw new ModelManagerError(
        'invalid-argument',
        `invalid canary weight ${typeof weight === 'number' ? String(weight) : JSON.stringify(weight)}: expected a number from 0 to 100 (percent)`,
      );
    }
    const wanted = weight === 0 ? null : normaliseVersion(version);
    this.checkOpen();
    const entry = this.entry(name);
    return this.serialise(entry, async () => {
      const stable = entry.stable;
      if (!stable) {
        throw new ModelManagerError(
          'not-deployed',
          `${name} has no stable version deployed; deploy one first`,
        );
      }
      const current = entry.canary;
      if (wanted === null) {
        if (current) {
          entry.canary = null;
          this.settle(entry, [current.slot]);
          this.emit({ type: 'canary', name, version: current.slot.version, weight: 0, at: this.iso() });
        }
        return this.status(name)!;
      }
      if (wanted === stable.version) {
        throw new ModelManagerError('conflict', `${name}@v${wanted} is already the stable version`);
      }
      if (current && current.slot.version === wanted) {
        return this.reweight(entry, current, weight);
      }
      const slot = this.reuse(entry, wanted) ?? (await this.load(entry, wanted));
      if (slot.version === entry.stable?.version) {
        this.settle(entry, [slot]);
        throw new ModelManagerError('conflict', `${name}@v${slot.version} is already the stable version`);
      }
      const now = entry.canary;
      if (now && now.slot.version === slot.version) {
        this.settle(entry, [slot]);
        return this.reweight(entry, now, weight);
      }
      entry.canary = { slot, weight, health: new CanaryHealth(this.policy) };
      if (entry.previous === slot) entry.previous = null;
      this.settle(entry, [now?.slot]);
      this.emit({ type: 'canary', name, version: slot.version, weight, at: this.iso() });
      return this.status(name)!;
    });
  }

  /**
   * Makes the canary the stable version, at once for every new request. The replaced stable
   * version is kept as `previous` for instant rollback (or disposed after its requests finish,
   * with `keepPrevious: false`). Rejects with `no-canary` when none runs.
   */
  async promote(name: string): Promise<ModelStatus> {
    this.checkOpen();
    const entry = this.entry(name);
    return this.serialise(entry, async () => {
      const canary = entry.canary;
      const old = entry.stable;
      if (!canary || !old) throw new ModelManagerError('no-canary', `${name} has no canary to promote`);
      const oldPrevious = entry.previous;
      entry.stable = canary.slot;
      entry.canary = null;
      entry.previous = this.keepPrevious ? old : null;
      this.settle(entry, [old, oldPrevious]);
      this.emit({
        type: 'promote',
        name,
        version: canary.slot.version,
        previous: old.version,
        at: this.iso(),
      });
      return this.status(name)!;
    });
  }

  /**
   * Drops the canary when one runs; otherwise switches the stable version back to the kept
   * previous one (which then is no longer kept: a second rollback has no target). The version
   * rolled back is disposed after its requests finish. Rejects with `no-rollback-target` when there
   * is neither. Emits a `rollback` event (`automatic: false`); `lastRollback` in the status is only
   * set by automatic rollbacks.
   */
  async rollback(name: string, reason = 'manual rollback'): Promise<ModelStatus> {
    this.checkOpen();
    const entry = this.entry(name);
    return this.serialise(entry, async () => {
      const stable = entry.stable;
      const canary = entry.canary;
      if (stable && canary) {
        entry.canary = null;
        this.settle(entry, [canary.slot]);
        this.emitRollback(entry, canary.slot.version, reason, false);
      } else if (stable && entry.previous) {
        entry.stable = entry.previous;
        entry.previous = null;
        this.settle(entry, [stable]);
        this.emitRollback(entry, stable.version, reason, false);
      } else {
        throw new ModelManagerError(
          'no-rollback-target',
          `${name} has no canary and no previous stable version to roll back to`,
        );
      }
      return this.status(name)!;
    });
  }

  /**
   * Stops serving: every model is forgotten (later `acquire` calls return null, operations reject
   * with `closed`) and each loaded version is disposed once its in-flight requests finish.
   */
  close(): void {
    this.closed = true;
    for (const e of this.models.values()) {
      const slots = [e.stable, e.previous, e.canary?.slot];
      e.stable = null;
      e.previous = null;
      e.canary = null;
      this.settle(e, slots);
    }
    this.models.clear();
  }

  /** Versions retired but still finishing requests (for shutdown and tests). */
  drainingCount(): number {
    return this.draining.size;
  }

  // --- internals ---

  private newEntry(name: string): Entry {
    return {
      name,
      stable: null,
      previous: null,
      canary: null,
      pending: null,
      queue: Promise.resolve(),
      ops: 0,
    };
  }

  private entry(name: string): Entry {
    const e = this.models.get(name);
    if (!e) throw new ModelManagerError('unknown-model', `unknown model ${JSON.stringify(name)}`);
    return e;
  }

  private checkOpen(): void {
    if (this.closed) throw new ModelManagerError('closed', 'the model manager is closed');
  }

  /** Runs `op` after the model's earlier operations; an entry left with nothing deployed is forgotten. */
  private serialise<T>(e: Entry, op: () => Promise<T>): Promise<T> {
    e.ops++;
    const run = e.queue.then(() => {
      this.checkOpen();
      return op();
    });
    e.queue = run.then(
      () => this.afterOp(e),
      () => this.afterOp(e),
    );
    return run;
  }

  private afterOp(e: Entry): void {
    e.ops--;
    if (e.ops === 0 && !e.stable && this.models.get(e.name) === e) this.models.delete(e.name);
  }

  /** A live slot of `version` the entry already holds as canary or previous. */
  private reuse(e: Entry, version: string): Slot | null {
    if (version === 'latest') return null;
    if (e.canary?.slot.version === version) return e.canary.slot;
    if (e.previous?.version === version) return e.previous;
    return null;
  }

  /** Loads and warms a version; any failure disposes what was loaded and rejects with `load-failed`. */
  private async load(e: Entry, version: string): Promise<Slot> {
    const fail = (err: unknown): ModelManagerError => {
      const serving = e.stable ? `${e.name}@v${e.stable.version} keeps serving` : 'nothing is served';
      this.emit({ type: 'load-failed', name: e.name, version, error: errorText(err), at: this.iso() });
      return new ModelManagerError(
        'load-failed',
        `cannot load ${e.name}@${version === 'latest' ? 'latest' : `v${version}`}: ${errorText(err)}; ${serving}`,
        { cause: err },
      );
    };
    let model: ServedModel;
    try {
      model = await this.loader(e.name, version);
    } catch (err) {
      throw fail(err);
    }
    let got: string;
    try {
      if (model.name !== e.name) throw new Error(`the loader returned model ${JSON.stringify(model.name)}`);
      const loaded = parseSemver(String(model.version));
      if (!loaded) throw new Error(`the loader returned version ${JSON.stringify(model.version)}`);
      got = formatSemver(loaded);
      if (version !== 'latest' && got !== version) throw new Error(`the loader returned version ${got}`);
      const prediction: Prediction = await model.predict([syntheticRow(model.signature)]);
      if (prediction?.task !== model.signature.output.task) {
        throw new Error(
          `warm-up prediction has task ${JSON.stringify(prediction?.task)}, the signature says ${model.signature.output.task}`,
        );
      }
    } catch (err) {
      safeDispose(model);
      throw fail(err);
    }
    if (this.closed) {
      safeDispose(model);
      throw new ModelManagerError('closed', 'the model manager was closed while loading');
    }
    return new Slot(model, got);
  }

  private reweight(e: Entry, canary: CanarySlot, weight: number): ModelStatus {
    if (canary.weight !== weight) {
      canary.weight = weight;
      this.emit({ type: 'canary', name: e.name, version: canary.slot.version, weight, at: this.iso() });
    }
    return this.status(e.name)!;
  }

  /** Records a canary outcome and rolls the canary back at once when the policy is breached. */
  private judge(e: Entry, canary: CanarySlot, outcome: Outcome): void {
    canary.health.record(outcome);
    const verdict = canary.health.verdict();
    if (verdict.healthy || e.canary !== canary) return;
    e.canary = null;
    e.lastRollback = { version: canary.slot.version, reason: verdict.reason, at: this.iso() };
    this.settle(e, [canary.slot]);
    this.emitRollback(e, canary.slot.version, verdict.reason, true);
  }

  private emitRollback(e: Entry, version: string, reason: string, automatic: boolean): void {
    const serving = e.stable?.version ?? '';
    this.emit({ type: 'rollback', name: e.name, version, reason, automatic, serving, at: this.iso() });
  }

  /** Retires each slot no pointer of `e` refers to any more; disposes it now if it is idle. */
  private settle(e: Entry, slots: (Slot | null | undefined)[]): void {
    for (const slot of slots) {
      if (!slot || slot.retired) continue;
      if (slot === e.stable || slot === e.previous || slot === e.canary?.slot) continue;
      slot.retired = true;
      if (slot.inflight === 0) this.dispose(slot);
      else this.draining.add(slot);
    }
  }

  private dispose(slot: Slot): void {
    this.draining.delete(slot);
    if (slot.disposed) return;
    slot.disposed = true;
    const { name } = slot.model;
    try {
      slot.model.dispose();
      this.emit({ type: 'dispose', name, version: slot.version, at: this.iso() });
    } catch (err) {
      this.emit({
        type: 'dispose-failed',
        name,
        version: slot.version,
        error: errorText(err),
        at: this.iso(),
      });
    }
  }

  private emit(event: ManagerEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A listener's failure must never break serving.
    }
  }

  private iso(): string {
    return this.now().toISOString();
  }
}
