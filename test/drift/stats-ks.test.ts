import { describe, expect, it } from 'vitest';
import {
  KS_MAX_AUTO_N,
  type KsResult,
  ks2samp,
  ksFromCdfs,
  ksPValue,
  kstwoSf,
} from '../../src/drift/stats/index.js';
import { close, expand, loadFixture, pooledCdfs, type SampleSpec } from '../fixtures/drift-stats/samples.js';

interface KsCase {
  label: string;
  a: SampleSpec;
  b: SampleSpec;
  method: 'auto' | 'exact' | 'asymp';
  statistic: number;
  pvalue: number | null;
}

const ks = loadFixture<{ cases: KsCase[] }>('ks.json');
const kstwo = loadFixture<{ rows: [number, number, number | null][] }>('kstwo.json');

/** p-values: 1e-9 relative; values below 1e-300 only need to be tiny as well. */
function pClose(actual: number, expected: number | null): boolean {
  return close(actual, expected, 1e-9, 1e-300);
}

describe(`ks2samp equals scipy ${ks.scipy} ks_2samp`, () => {
  const expanded = ks.cases.map((c) => ({ ...c, x: expand(c.a), y: expand(c.b) }));
  const results = new Map<string, KsResult>();

  it.each(expanded.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const r = ks2samp(c.x, c.y, { method: c.method });
    results.set(c.label, r);
    expect(close(r.statistic, c.statistic), `statistic ${r.statistic} vs ${c.statistic}`).toBe(true);
    expect(pClose(r.pValue, c.pvalue), `p ${r.pValue} vs ${c.pvalue}`).toBe(true);
    const n = Math.max(c.x.length, c.y.length);
    if (c.method === 'auto') expect(r.method).toBe(n <= KS_MAX_AUTO_N ? 'exact' : 'asymp');
    if (c.method === 'asymp') expect(r.method).toBe('asymp');
  });

  it('covers both branches, ties, identical and disjoint samples', () => {
    const methods = new Set(expanded.map((c) => results.get(c.label)?.method));
    expect(methods).toEqual(new Set(['exact', 'asymp']));
    const sizes = expanded.flatMap((c) => [c.x.length, c.y.length]);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(20000);
    expect(expanded.some((c) => c.statistic === 0 && c.pvalue === 1)).toBe(true);
    expect(expanded.some((c) => c.statistic === 1)).toBe(true);
  });

  it('ksFromCdfs on exact empirical CDFs at the pooled values equals ks_2samp', () => {
    // The p-value code is shared with ks2samp; skip the one case whose exact recursion is slow.
    for (const c of expanded.filter((e) => e.label !== 'disjoint 10000 vs 9999')) {
      const { x, cdfA, cdfB } = pooledCdfs(c.x, c.y);
      const r = ksFromCdfs(x, cdfA, cdfB, c.x.length, c.y.length, { method: c.method });
      expect(close(r.statistic, c.statistic), `${c.label}: statistic`).toBe(true);
      expect(pClose(r.pValue, c.pvalue), `${c.label}: p ${r.pValue} vs ${c.pvalue}`).toBe(true);
    }
  });

  it('does not modify its inputs', () => {
    const a = [3, 1, 2];
    const b = new Float64Array([9, 7, 8]);
    ks2samp(a, b);
    expect(a).toEqual([3, 1, 2]);
    expect(Array.from(b)).toEqual([9, 7, 8]);
  });

  it('is symmetric in its samples', () => {
    const c = expanded.find((e) => e.label.startsWith('exact 200 vs 333'))!;
    expect(ks2samp(c.x, c.y)).toEqual(ks2samp(c.y, c.x));
  });
});

describe(`kstwoSf equals scipy ${kstwo.scipy} kstwo.sf`, () => {
  it('matches on a grid of n (1 .. 2,000,000) and d covering every branch', () => {
    const bad: string[] = [];
    for (const [n, d, want] of kstwo.rows) {
      const got = kstwoSf(d, n);
      if (!pClose(got, want)) bad.push(`n=${n} d=${d}: ${got} vs ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it('returns NaN for a non-integer or zero n and the support limits otherwise', () => {
    expect(kstwoSf(0.3, 0)).toBeNaN();
    expect(kstwoSf(0.3, 2.5)).toBeNaN();
    expect(kstwoSf(0, 10)).toBe(1);
    expect(kstwoSf(1, 10)).toBe(0);
  });
});

describe('ksPValue', () => {
  it('snaps D to the 1/lcm lattice in the exact branch, as scipy reports it', () => {
    const r = ksPValue(0.5 + 1e-12, 4, 6);
    expect(r.statistic).toBe(6 / 12);
    expect(r.method).toBe('exact');
  });

  it('returns p = 1 for D = 0 and uses the asymptotic branch above 10,000', () => {
    expect(ksPValue(0, 20, 30)).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
    expect(ksPValue(0.01, 10001, 5).method).toBe('asymp');
    expect(ksPValue(0.01, 10000, 10000).method).toBe('exact');
  });

  it('falls back to asymp when method=exact cannot represent lcm(n1, n2)', () => {
    expect(ksPValue(0.01, 1_000_003, 1_000_033, { method: 'exact' }).method).toBe('asymp');
  });
});
