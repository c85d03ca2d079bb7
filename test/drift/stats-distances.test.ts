import { describe, expect, it } from 'vitest';
import {
  EMPTY_BIN_EPSILON,
  hellinger,
  jensenShannon,
  klDivergence,
  normedWasserstein,
  psi,
  smoothShares,
  wassersteinDistance,
  wassersteinFromCdfs,
} from '../../src/drift/stats/index.js';
import { close, expand, loadFixture, pooledCdfs, type SampleSpec } from '../fixtures/drift-stats/samples.js';

interface BinnedCase {
  p: number[];
  q: number[];
  psi: number;
  kl: number;
  klReverse: number;
  js: number;
  js2: number;
  hellinger: number;
}
interface WassersteinCase {
  label: string;
  a: SampleSpec;
  b: SampleSpec;
  distance: number;
  normed: number;
}

const binned = loadFixture<{ epsilon: number; cases: BinnedCase[] }>('binned.json');
const wasserstein = loadFixture<{ cases: WassersteinCase[] }>('wasserstein.json');

/** Distances: 1e-9 relative, 1e-15 absolute (identical distributions give ~0). */
function near(actual: number, expected: number): boolean {
  return close(actual, expected, 1e-9, 1e-15);
}

describe(`binned distances equal scipy ${binned.scipy} on the epsilon policy's shares`, () => {
  it('uses the documented epsilon', () => {
    expect(EMPTY_BIN_EPSILON).toBe(binned.epsilon);
  });

  it.each(binned.cases.map((c, i) => [i, c.p.length, c] as const))('case %i (%i bins)', (_i, _k, c) => {
    expect(near(psi(c.p, c.q), c.psi), `psi ${psi(c.p, c.q)} vs ${c.psi}`).toBe(true);
    expect(near(klDivergence(c.p, c.q), c.kl), 'kl').toBe(true);
    expect(near(klDivergence(c.q, c.p), c.klReverse), 'kl reverse').toBe(true);
    expect(near(jensenShannon(c.p, c.q), c.js), 'js').toBe(true);
    expect(near(jensenShannon(c.p, c.q, 2), c.js2), 'js base 2').toBe(true);
    expect(near(hellinger(c.p, c.q), c.hellinger), 'hellinger').toBe(true);
  });

  it('psi, js and hellinger are symmetric; identical inputs give 0', () => {
    const p = [3, 0, 5, 9];
    const q = [1, 4, 0, 2];
    expect(psi(p, q)).toBeCloseTo(psi(q, p), 14);
    expect(jensenShannon(p, q)).toBeCloseTo(jensenShannon(q, p), 14);
    expect(hellinger(p, q)).toBeCloseTo(hellinger(q, p), 14);
    for (const f of [psi, klDivergence, jensenShannon, hellinger]) expect(f(p, p)).toBe(0);
  });

  it('hellinger equals sqrt(1 - Σ sqrt(p q)) and stays in [0, 1]', () => {
    const { reference, current } = smoothShares([5, 1, 0, 7], [0, 2, 9, 1]);
    let bc = 0;
    for (let i = 0; i < reference.length; i++) bc += Math.sqrt(reference[i]! * current[i]!);
    expect(hellinger([5, 1, 0, 7], [0, 2, 9, 1])).toBeCloseTo(Math.sqrt(1 - bc), 14);
    const disjoint = hellinger([1, 0], [0, 1]);
    expect(disjoint).toBeGreaterThan(0.98); // 2·sqrt(1e-4) of overlap remains
    expect(disjoint).toBeLessThan(1);
  });

  it('jensenShannon base 2 is bounded by 1 and accepts counts or shares alike', () => {
    expect(jensenShannon([1, 0], [0, 1], 2)).toBeLessThan(1);
    expect(jensenShannon([2, 6, 2], [5, 3, 2])).toBeCloseTo(
      jensenShannon([0.2, 0.6, 0.2], [0.5, 0.3, 0.2]),
      15,
    );
  });
});

describe('the epsilon policy', () => {
  it('drops bins empty on both sides, normalises, floors at 1e-4 and renormalises', () => {
    const { reference, current } = smoothShares([0, 50, 50, 0], [10, 0, 90, 0]);
    expect(reference.length).toBe(3);
    const z = 1 + EMPTY_BIN_EPSILON;
    expect(Array.from(reference)).toEqual([EMPTY_BIN_EPSILON / z, 0.5 / z, 0.5 / z]);
    expect(Array.from(current)).toEqual([0.1 / z, EMPTY_BIN_EPSILON / z, 0.9 / z]);
    expect(reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('leaves shares above the floor in proportion', () => {
    const { reference } = smoothShares([1, 3], [1, 1]);
    expect(Array.from(reference)).toEqual([0.25, 0.75]);
  });

  it('makes results independent of never-populated bins', () => {
    const p = [5, 0, 9];
    const q = [1, 6, 2];
    expect(psi([...p, 0, 0], [...q, 0, 0])).toBe(psi(p, q));
    expect(klDivergence([0, ...p], [0, ...q])).toBe(klDivergence(p, q));
  });

  it('bounds one empty bin: PSI grows with the unseen share, finitely', () => {
    const small = psi([100, 100, 0], [100, 100, 1]);
    const large = psi([100, 100, 0], [100, 100, 100]);
    expect(Number.isFinite(large)).toBe(true);
    expect(large).toBeGreaterThan(small);
  });
});

describe(`wasserstein equals scipy ${wasserstein.scipy} wasserstein_distance`, () => {
  const expanded = wasserstein.cases.map((c) => ({ ...c, x: expand(c.a), y: expand(c.b) }));

  it.each(expanded.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(near(wassersteinDistance(c.x, c.y), c.distance), 'distance').toBe(true);
    expect(near(wassersteinDistance(c.y, c.x), c.distance), 'symmetric').toBe(true);
    expect(near(normedWasserstein(c.x, c.y), c.normed), 'normed').toBe(true);
    const { x, cdfA, cdfB } = pooledCdfs(c.x, c.y);
    expect(near(wassersteinFromCdfs(x, cdfA, cdfB), c.distance), 'from CDFs').toBe(true);
  });

  it('normedWasserstein falls back to the raw distance for a constant reference', () => {
    expect(normedWasserstein([4, 4, 4], [3, 5])).toBe(wassersteinDistance([4, 4, 4], [3, 5]));
    expect(normedWasserstein([0, 2], [1, 3])).toBe(1); // distance 1, std 1
  });

  it('is 0 for identical samples and the shift for translated ones', () => {
    expect(wassersteinDistance([1, 2, 3], [3, 2, 1])).toBe(0);
    expect(wassersteinDistance([1, 2, 3], [3.5, 4.5, 5.5])).toBeCloseTo(2.5, 14);
  });
});
