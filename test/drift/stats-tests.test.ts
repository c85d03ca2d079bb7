import { describe, expect, it } from 'vitest';
import { chisquare, chisquareTwoSample, twoProportionZ } from '../../src/drift/stats/index.js';
import { close, loadFixture } from '../fixtures/drift-stats/samples.js';

interface ChiCase {
  observed: number[];
  expected: number[];
  statistic: number;
  pvalue: number;
}
interface TwoSampleCase {
  ref: number[];
  cur: number[];
  statistic: number;
  pvalue: number;
}
interface ZCase {
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  statistic: number;
  pvalue: number;
}

const chi = loadFixture<{ cases: ChiCase[]; twoSample: TwoSampleCase[] }>('chisquare.json');
const z = loadFixture<{ cases: ZCase[] }>('ztest.json');

describe(`chisquare equals scipy ${chi.scipy} chisquare(f_obs, f_exp)`, () => {
  it.each(chi.cases.map((c, i) => [i, c.observed.length, c] as const))(
    'case %i (%i categories)',
    (_i, _k, c) => {
      const r = chisquare(c.observed, c.expected);
      expect(close(r.statistic, c.statistic), `statistic ${r.statistic} vs ${c.statistic}`).toBe(true);
      expect(close(r.pValue, c.pvalue, 1e-9, 1e-300), `p ${r.pValue} vs ${c.pvalue}`).toBe(true);
    },
  );

  it('includes observed zeros', () => {
    expect(chi.cases.every((c) => c.observed.includes(0) || c.observed.length === 6)).toBe(true);
  });

  it('gives p = 1 for a single category (scipy: NaN)', () => {
    expect(chisquare([5], [5])).toEqual({ statistic: 0, pValue: 1 });
  });
});

describe('chisquareTwoSample', () => {
  it.each(chi.twoSample.map((c, i) => [i, c] as const))(
    'case %i equals scipy chisquare(cur, policy shares(ref) * total(cur))',
    (_i, c) => {
      const r = chisquareTwoSample(c.ref, c.cur);
      expect(close(r.statistic, c.statistic), `statistic ${r.statistic} vs ${c.statistic}`).toBe(true);
      expect(close(r.pValue, c.pvalue, 1e-9, 1e-300), `p ${r.pValue} vs ${c.pvalue}`).toBe(true);
    },
  );

  it('drops bins empty on both sides (they do not add degrees of freedom)', () => {
    const a = chisquareTwoSample([10, 20, 30], [12, 18, 33]);
    const b = chisquareTwoSample([10, 0, 20, 0, 30], [12, 0, 18, 0, 33]);
    expect(b).toEqual(a);
  });

  it('treats a category the reference never saw as expected share 1e-4 (renormalised)', () => {
    const r = chisquareTwoSample([100, 100, 0], [100, 100, 10]);
    // Reference shares after the policy: [0.5, 0.5, 1e-4] / 1.0001; expected = share * 210.
    const share = [0.5 / 1.0001, 0.5 / 1.0001, 1e-4 / 1.0001];
    const expected = share.map((s) => s * 210);
    const stat = [100, 100, 10].reduce((acc, o, i) => acc + (o - expected[i]!) ** 2 / expected[i]!, 0);
    expect(close(r.statistic, stat, 1e-12)).toBe(true);
    expect(r.pValue).toBeLessThan(1e-100);
  });
});

describe('twoProportionZ equals the statsmodels proportions_ztest formula', () => {
  it.each(z.cases.map((c) => [`${c.x1}/${c.n1} vs ${c.x2}/${c.n2}`, c] as const))('%s', (_label, c) => {
    const r = twoProportionZ(c.x1, c.n1, c.x2, c.n2);
    expect(close(r.statistic, c.statistic, 1e-9, 1e-15), `z ${r.statistic} vs ${c.statistic}`).toBe(true);
    expect(close(r.pValue, c.pvalue, 1e-9, 1e-300), `p ${r.pValue} vs ${c.pvalue}`).toBe(true);
  });

  it('returns z = 0, p = 1 when both samples are all-negative or all-positive', () => {
    expect(twoProportionZ(0, 10, 0, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(twoProportionZ(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
  });

  it('is antisymmetric in the statistic', () => {
    const a = twoProportionZ(10, 100, 25, 120);
    const b = twoProportionZ(25, 120, 10, 100);
    expect(b.statistic).toBe(-a.statistic);
    expect(b.pValue).toBe(a.pValue);
  });
});
