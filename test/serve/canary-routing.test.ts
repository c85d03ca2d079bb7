import { describe, expect, it } from 'vitest';
import { isValidWeight, keyBucket, routeRequest, stableHash } from '../../src/serve/canary-routing.js';
import { createRng } from '../../src/train/random.js';

describe('stableHash', () => {
  it('is deterministic, unsigned 32-bit, and spreads similar keys', () => {
    expect(stableHash('user-1')).toBe(stableHash('user-1'));
    expect(stableHash('')).toBe(stableHash(''));
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const h = stableHash(`user-${i}`);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
      seen.add(h);
    }
    expect(seen.size).toBe(10_000);
  });

  it('puts keys in uniform buckets over [0, 100)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const b = keyBucket(`session:${i}`);
      expect(b >= 0 && b < 100).toBe(true);
      counts[Math.floor(b / 10)]!++;
    }
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });
});

describe('routeRequest', () => {
  it('weight 0 never and weight 100 always routes to the canary', () => {
    const never = () => {
      throw new Error('random must not be called');
    };
    expect(routeRequest(0, undefined, never)).toBe('stable');
    expect(routeRequest(0, 'k', never)).toBe('stable');
    expect(routeRequest(100, undefined, never)).toBe('canary');
    expect(routeRequest(100, 'k', never)).toBe('canary');
  });

  it('without a key: the canary share follows random() (10k requests at 25%)', () => {
    const rng = createRng(5);
    let canary = 0;
    for (let i = 0; i < 10_000; i++) if (routeRequest(25, undefined, rng) === 'canary') canary++;
    expect(Math.abs(canary / 10_000 - 0.25)).toBeLessThan(0.015);
  });

  it('with a key: sticky, ~weight of the keys, and raising the weight only moves keys to the canary', () => {
    const noRandom = () => {
      throw new Error('random must not be called with a key');
    };
    const keys = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`);
    const at10 = keys.map((k) => routeRequest(10, k, noRandom));
    expect(keys.map((k) => routeRequest(10, k, noRandom))).toEqual(at10);
    const share10 = at10.filter((r) => r === 'canary').length / keys.length;
    expect(Math.abs(share10 - 0.1)).toBeLessThan(0.015);
    const at40 = keys.map((k) => routeRequest(40, k, noRandom));
    const share40 = at40.filter((r) => r === 'canary').length / keys.length;
    expect(Math.abs(share40 - 0.4)).toBeLessThan(0.02);
    at10.forEach((role, i) => {
      if (role === 'canary') expect(at40[i]).toBe('canary');
    });
  });
});

describe('isValidWeight', () => {
  it('accepts finite percentages only', () => {
    for (const w of [0, 0.5, 10, 100]) expect(isValidWeight(w)).toBe(true);
    for (const w of [-1, 100.01, Number.NaN, Number.POSITIVE_INFINITY, '10', null]) {
      expect(isValidWeight(w)).toBe(false);
    }
  });
});
