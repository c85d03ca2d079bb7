/**
 * The Octokit class the App's Probot uses: Probot's (`ProbotOctokit`: App and installation auth,
 * throttling, pagination, GHE compatibility) with modelgate's client behaviour on top:
 *
 * - every HTTP request is bounded by a timeout (`requestTimeoutMs`, default 60 s), so a stalled
 *   connection never holds a handler;
 * - primary and secondary rate limits are waited out (GitHub's `retry-after` / reset time) and
 *   retried up to `maxRetries` times by the throttling plugin (Probot's default gives up on
 *   secondary limits);
 * - server errors (5xx) and dropped connections are retried up to `maxRetries` times with growing
 *   pauses, for requests that can be repeated safely (GET, HEAD, PUT, PATCH, DELETE); a POST is not
 *   repeated (it could create twice; the event can be redelivered instead). This replaces Probot's
 *   retry plugin, whose per-request Bottleneck limiter costs several milliseconds of timer hops;
 * - at most 10 requests in flight per installation, through a light {@link ConcurrencyGroup}
 *   (again instead of a Bottleneck group);
 * - writes keep GitHub's pacing per installation unless `pace: false` (tests, benchmarks).
 *
 * It makes no request itself; GitHub is called only through the forge (`src/forge/`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ProbotOctokit } from 'probot';
import type { ClientOptions } from './options.js';

/** Default timeout of one GitHub request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

type FetchLike = typeof fetch;

/** A `fetch` that aborts a request after `ms` (and still honours the caller's own signal). */
export function fetchWithTimeout(ms: number, base: FetchLike = fetch): FetchLike {
  return (input, init = {}) => {
    const signals = [AbortSignal.timeout(ms), ...(init.signal ? [init.signal] : [])];
    return base(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

/** Methods whose request can be sent again without doing anything twice. */
const REPEATABLE = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function replayable(init: RequestInit): boolean {
  const body = init.body;
  return (
    REPEATABLE.has((init.method ?? 'GET').toUpperCase()) &&
    (body === undefined ||
      body === null ||
      typeof body === 'string' ||
      body instanceof Uint8Array ||
      body instanceof ArrayBuffer)
  );
}

/**
 * A `fetch` that sends a repeatable request again (see the module comment) after a 5xx answer or a
 * dropped connection, up to `retries` times, pausing `(attempt + 1)^2 * baseMs` ms before each.
 * Timeouts and the caller's aborts are not retried, so the time bound holds.
 */
export function fetchWithRetry(base: FetchLike, retries: number, baseMs = 1000): FetchLike {
  return async (input, init = {}) => {
    const again = replayable(init);
    for (let attempt = 0; ; attempt++) {
      const last = !again || attempt >= retries;
      try {
        const response = await base(input, init);
        if (response.status < 500 || last) return response;
        await response.body?.cancel();
      } catch (e) {
        const name = (e as Error).name;
        if (last || init.signal?.aborted || name === 'TimeoutError' || name === 'AbortError') throw e;
      }
      await sleep((attempt + 1) ** 2 * baseMs);
    }
  };
}

const WRAPPED = Symbol('modelgate.fetch');

/** A throttling limiter group that never waits (replaces the write and notification pacing). */
const NO_PAUSE = {
  key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }),
};

/** Requests in flight per installation (the throttling plugin's own default). */
export const MAX_CONCURRENT_PER_INSTALLATION = 10;

type Job<T> = (...args: unknown[]) => Promise<T>;

/**
 * A limiter group with the interface the throttling plugin calls (`key(id).schedule(options, job,
 * ...args)`): at most `max` jobs at once per key, the rest queued in order. It replaces the plugin's
 * Bottleneck group for the per-installation concurrency limit, which costs several milliseconds of
 * timer hops per request; the rate-limit retries stay the plugin's.
 */
export class ConcurrencyGroup {
  private readonly max: number;
  private readonly keys = new Map<string, { active: number; queue: (() => void)[] }>();

  constructor(max: number) {
    this.max = max;
  }

  /** Keys with work running or queued. */
  get size(): number {
    return this.keys.size;
  }

  /** The limiter of one key. */
  key(id = ''): { schedule<T>(options: unknown, job: Job<T>, ...args: unknown[]): Promise<T> } {
    return {
      schedule: async <T>(_options: unknown, job: Job<T>, ...args: unknown[]): Promise<T> => {
        let slot = this.keys.get(id);
        if (!slot) {
          slot = { active: 0, queue: [] };
          this.keys.set(id, slot);
        }
        const held = slot;
        if (held.active >= this.max) await new Promise<void>((resolve) => held.queue.push(resolve));
        held.active++;
        try {
          return await job(...args);
        } finally {
          held.active--;
          const next = held.queue.shift();
          if (next) next();
          else if (held.active === 0) this.keys.delete(id);
        }
      },
    };
  }
}

/** The one concurrency group of the process (the plugin's groups are process-wide too). */
const CONCURRENCY = new ConcurrencyGroup(MAX_CONCURRENT_PER_INSTALLATION);

interface LimitedRequest {
  method: string;
  url: string;
}
interface LoggingOctokit {
  log: { warn(message: string): void };
}

/**
 * `ProbotOctokit` with modelgate's client behaviour (see the module comment). Pass it as Probot's
 * `Octokit` option (or to probot's `run` as `{ Octokit }`).
 */
export function modelgateProbotOctokit(options: ClientOptions = {}): typeof ProbotOctokit {
  const maxRetries = options.maxRetries ?? 3;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const base = options.retryAfterBaseValue;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: LimitedRequest, octokit: LoggingOctokit, retryCount: number): boolean => {
      const again = retryCount < maxRetries;
      octokit.log.warn(
        `GitHub ${kind} rate limit hit by ${request.method} ${request.url}; ` +
          (again ? `retrying in ${retryAfter} s (retry ${retryCount + 1} of ${maxRetries})` : 'giving up'),
      );
      return again;
    };
  // Installation clients are built from the App client's options: wrap `fetch` once only.
  const wrap = (given: FetchLike | undefined): FetchLike => {
    if (given && WRAPPED in given) return given;
    const timed = fetchWithTimeout(timeoutMs, options.fetch ?? given ?? fetch);
    return Object.assign(fetchWithRetry(timed, maxRetries, base ?? 1000), { [WRAPPED]: true });
  };
  return ProbotOctokit.defaults((instance: Record<string, unknown>) => {
    const request = (instance.request ?? {}) as Record<string, unknown>;
    const throttle = (instance.throttle ?? {}) as Record<string, unknown>;
    const retry = (instance.retry ?? {}) as Record<string, unknown>;
    return {
      ...instance,
      request: { ...request, fetch: wrap(request.fetch as FetchLike | undefined) },
      throttle: {
        ...throttle,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        ...(base !== undefined ? { retryAfterBaseValue: base, fallbackSecondaryRateRetryAfter: 1 } : {}),
        ...(options.pace === false ? { write: NO_PAUSE, notifications: NO_PAUSE } : {}),
        // Clustered throttling (Probot's REDIS_URL) keeps the plugin's own groups.
        ...(throttle.connection === undefined ? { global: CONCURRENCY } : {}),
      },
      // Server errors are retried in `fetch` (above); rate limits by the throttling plugin.
      retry: { ...retry, enabled: false },
    };
  }) as typeof ProbotOctokit;
}
