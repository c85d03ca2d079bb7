/**
 * Canary health (pure, no I/O, no clock): a sliding window over the canary's last `window` request
 * outcomes and the automatic-rollback verdict of a {@link RollbackPolicy}.
 *
 * The window is a ring buffer; the error count and the number of requests slower than
 * `maxP99Ms` are kept incrementally, so recording an outcome and judging the window are O(1) per
 * request. The p99 value itself is computed (one sort of the window) only when the rule breaches,
 * for the reason text.
 *
 * p99 is the nearest-rank percentile: the `ceil(0.99 n)`-th smallest latency of the `n` outcomes
 * in the window. It exceeds a limit `L` exactly when more than `n - ceil(0.99 n)` outcomes are
 * slower than `L`, which is what the incremental count checks.
 */
import type { RollbackPolicy } from './types.js';

/** The default policy: roll back above 5% errors over the last 200 canary requests, judged from 20. */
export const DEFAULT_ROLLBACK_POLICY: Readonly<RollbackPolicy> = Object.freeze({
  maxErrorRate: 0.05,
  minRequests: 20,
  window: 200,
});

/**
 * The full policy: `partial` over {@link DEFAULT_ROLLBACK_POLICY}, validated. Throws a RangeError
 * naming the field and the value when a limit is out of range (`maxErrorRate` in [0, 1],
 * `maxP99Ms` > 0, `window` and `minRequests` positive integers, `minRequests <= window`).
 */
export function rollbackPolicy(partial: Partial<RollbackPolicy> = {}): RollbackPolicy {
  const policy: RollbackPolicy = { ...DEFAULT_ROLLBACK_POLICY };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (policy as unknown as Record<string, unknown>)[key] = value;
  }
  const bad = (field: string, value: unknown, want: string) =>
    new RangeError(`rollback policy ${field}: expected ${want} (got ${String(value)})`);
  if (!(policy.maxErrorRate >= 0 && policy.maxErrorRate <= 1)) {
    throw bad('maxErrorRate', policy.maxErrorRate, 'a number in [0, 1]');
  }
  if (policy.maxP99Ms !== undefined && !(policy.maxP99Ms > 0 && Number.isFinite(policy.maxP99Ms))) {
    throw bad('maxP99Ms', policy.maxP99Ms, 'a positive number of milliseconds');
  }
  if (!Number.isInteger(policy.window) || policy.window < 1) {
    throw bad('window', policy.window, 'a positive integer');
  }
  if (!Number.isInteger(policy.minRequests) || policy.minRequests < 1) {
    throw bad('minRequests', policy.minRequests, 'a positive integer');
  }
  if (policy.minRequests > policy.window) {
    throw bad('minRequests', policy.minRequests, `at most window (${policy.window})`);
  }
  return policy;
}

/** One request's outcome, as `Lease.release` reports it. */
export interface Outcome {
  /** Whether the request succeeded. */
  ok: boolean;
  /** Its latency in milliseconds. */
  latencyMs: number;
}

/** Figures over the current window. */
export interface CanaryStats {
  /** Outcomes in the window. */
  requests: number;
  /** Failed outcomes in the window. */
  errors: number;
  /** `errors / requests` (0 when empty). */
  errorRate: number;
  /** Nearest-rank p99 latency in milliseconds (null when empty). */
  p99Ms: number | null;
}

/** The verdict on the window: healthy, or breached with the reason in words. */
export type CanaryVerdict = { healthy: true } | { healthy: false; reason: string };

/** Nearest-rank p99 of a list of latencies (null when empty). */
export function p99(latencies: ArrayLike<number>): number | null {
  const n = latencies.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(latencies).sort();
  return sorted[Math.ceil(0.99 * n) - 1]!;
}

/** Sliding-window health of one canary installation under one {@link RollbackPolicy}. */
export class CanaryHealth {
  /** The policy judged against. */
  readonly policy: RollbackPolicy;
  private readonly ok: Uint8Array;
  private readonly latency: Float64Array;
  private next = 0;
  private size = 0;
  private errors = 0;
  private slow = 0;

  constructor(policy: Partial<RollbackPolicy> = {}) {
    this.policy = rollbackPolicy(policy);
    this.ok = new Uint8Array(this.policy.window);
    this.latency = new Float64Array(this.policy.window);
  }

  private isSlow(latencyMs: number): boolean {
    return this.policy.maxP99Ms !== undefined && latencyMs > this.policy.maxP99Ms;
  }

  /** Adds one outcome, evicting the oldest once the window is full. Non-finite latencies count as 0. */
  record(outcome: Outcome): void {
    const latencyMs = Number.isFinite(outcome.latencyMs) ? Math.max(0, outcome.latencyMs) : 0;
    const i = this.next;
    if (this.size === this.policy.window) {
      if (this.ok[i] === 0) this.errors--;
      if (this.isSlow(this.latency[i]!)) this.slow--;
    } else {
      this.size++;
    }
    this.ok[i] = outcome.ok ? 1 : 0;
    this.latency[i] = latencyMs;
    if (!outcome.ok) this.errors++;
    if (this.isSlow(latencyMs)) this.slow++;
    this.next = (i + 1) % this.policy.window;
  }

  /** Figures over the window. */
  stats(): CanaryStats {
    const n = this.size;
    return {
      requests: n,
      errors: this.errors,
      errorRate: n === 0 ? 0 : this.errors / n,
      p99Ms: p99(this.latency.subarray(0, n)),
    };
  }

  /**
   * The verdict: healthy until `minRequests` outcomes are in the window; then breached when the
   * error rate exceeds `maxErrorRate`, or when `maxP99Ms` is set and the p99 latency exceeds it.
   */
  verdict(): CanaryVerdict {
    const n = this.size;
    const { maxErrorRate, maxP99Ms, minRequests } = this.policy;
    if (n < minRequests) return { healthy: true };
    if (this.errors / n > maxErrorRate) {
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      return {
        healthy: false,
        reason: `error rate ${pct(this.errors / n)} (${this.errors} of the last ${n} requests) exceeds ${pct(maxErrorRate)}`,
      };
    }
    if (maxP99Ms !== undefined && this.slow > n - Math.ceil(0.99 * n)) {
      const value = p99(this.latency.subarray(0, n)) ?? 0;
      return {
        healthy: false,
        reason: `p99 latency ${value.toFixed(1)} ms over the last ${n} requests exceeds ${maxP99Ms} ms`,
      };
    }
    return { healthy: true };
  }
}
