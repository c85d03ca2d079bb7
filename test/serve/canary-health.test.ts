import { describe, expect, it } from 'vitest';
import { CanaryHealth, DEFAULT_ROLLBACK_POLICY, p99, rollbackPolicy } from '../../src/serve/canary-health.js';
import { createRng } from '../../src/train/random.js';

/** Nearest-rank p99 the slow way. */
function naiveP99(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.99 * sorted.length) - 1]!;
}

describe('rollbackPolicy', () => {
  it('applies the defaults and keeps explicit values', () => {
    expect(rollbackPolicy()).toEqual({ maxErrorRate: 0.05, minRequests: 20, window: 200 });
    expect(rollbackPolicy({ maxP99Ms: 50, window: 100 })).toEqual({
      ...DEFAULT_ROLLBACK_POLICY,
      maxP99Ms: 50,
      window: 100,
    });
    expect(rollbackPolicy({ maxP99Ms: undefined })).not.toHaveProperty('maxP99Ms');
  });

  it('names the field and the value of an out-of-range limit', () => {
    expect(() => rollbackPolicy({ maxErrorRate: 1.5 })).toThrow(/maxErrorRate.*1\.5/);
    expect(() => rollbackPolicy({ maxErrorRate: Number.NaN })).toThrow(/maxErrorRate/);
    expect(() => rollbackPolicy({ maxP99Ms: 0 })).toThrow(/maxP99Ms/);
    expect(() => rollbackPolicy({ window: 2.5 })).toThrow(/window.*2\.5/);
    expect(() => rollbackPolicy({ minRequests: 0 })).toThrow(/minRequests/);
    expect(() => rollbackPolicy({ minRequests: 300 })).toThrow(/minRequests.*at most window \(200\)/);
  });
});

describe('p99', () => {
  it('is the nearest-rank percentile', () => {
    expect(p99([])).toBeNull();
    expect(p99([7])).toBe(7);
    const rng = createRng(3);
    for (const n of [1, 2, 50, 99, 100, 101, 199, 200, 1000]) {
      const values = Array.from({ length: n }, () => Math.round(rng() * 1000) / 10);
      expect(p99(values)).toBe(naiveP99(values));
    }
  });
});

describe('CanaryHealth', () => {
  it('stays healthy until minRequests outcomes are in', () => {
    const h = new CanaryHealth({ minRequests: 10, window: 50 });
    for (let i = 0; i < 9; i++) h.record({ ok: false, latencyMs: 1 });
    expect(h.verdict()).toEqual({ healthy: true });
    h.record({ ok: false, latencyMs: 1 });
    const v = h.verdict();
    expect(v.healthy).toBe(false);
    expect(!v.healthy && v.reason).toBe('error rate 100.0% (10 of the last 10 requests) exceeds 5.0%');
  });

  it('breaches only strictly above maxErrorRate', () => {
    const h = new CanaryHealth({ maxErrorRate: 0.1, minRequests: 20, window: 20 });
    for (let i = 0; i < 20; i++) h.record({ ok: i % 10 !== 9, latencyMs: 1 });
    expect(h.stats()).toMatchObject({ requests: 20, errors: 2, errorRate: 0.1 });
    expect(h.verdict().healthy).toBe(true);
    h.record({ ok: false, latencyMs: 1 }); // evicts an ok outcome: 3 of 20
    expect(h.stats()).toMatchObject({ requests: 20, errors: 3 });
    expect(h.verdict().healthy).toBe(false);
  });

  it('forgets outcomes that leave the window', () => {
    const h = new CanaryHealth({ minRequests: 5, window: 10 });
    for (let i = 0; i < 10; i++) h.record({ ok: false, latencyMs: 1 });
    for (let i = 0; i < 10; i++) h.record({ ok: true, latencyMs: 1 });
    expect(h.stats()).toEqual({ requests: 10, errors: 0, errorRate: 0, p99Ms: 1 });
    expect(h.verdict().healthy).toBe(true);
  });

  it('p99 rule: breaches exactly when the nearest-rank p99 exceeds maxP99Ms', () => {
    // n = 200: p99 is the 198th smallest, so 2 slow requests are tolerated and 3 are not.
    const h = new CanaryHealth({ maxErrorRate: 1, maxP99Ms: 100, minRequests: 200, window: 200 });
    for (let i = 0; i < 198; i++) h.record({ ok: true, latencyMs: 10 });
    h.record({ ok: true, latencyMs: 500 });
    h.record({ ok: true, latencyMs: 400 });
    expect(h.stats().p99Ms).toBe(10);
    expect(h.verdict().healthy).toBe(true);
    h.record({ ok: true, latencyMs: 300 }); // evicts a fast one: 3 slow of 200
    expect(h.stats().p99Ms).toBe(300);
    const v = h.verdict();
    expect(!v.healthy && v.reason).toBe('p99 latency 300.0 ms over the last 200 requests exceeds 100 ms');
  });

  it('the incremental p99 rule agrees with sorting on random windows', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 50; trial++) {
      const window = 1 + Math.floor(rng() * 150);
      const h = new CanaryHealth({ maxErrorRate: 1, maxP99Ms: 90, minRequests: 1, window });
      const all: number[] = [];
      const n = Math.floor(rng() * 400) + 1;
      for (let i = 0; i < n; i++) {
        const latency = rng() < 0.03 ? 100 + rng() * 50 : rng() * 80;
        h.record({ ok: true, latencyMs: latency });
        all.push(latency);
        const last = all.slice(-window);
        expect(h.verdict().healthy).toBe(naiveP99(last)! <= 90);
      }
    }
  });

  it('ignores the p99 rule when maxP99Ms is not set, and treats bad latencies as 0', () => {
    const h = new CanaryHealth({ minRequests: 1, window: 5 });
    h.record({ ok: true, latencyMs: 1e9 });
    expect(h.verdict().healthy).toBe(true);
    h.record({ ok: true, latencyMs: Number.NaN });
    h.record({ ok: true, latencyMs: -3 });
    expect(h.stats().requests).toBe(3);
  });
});
