import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  isTestMethod,
  type MethodInput,
  selectMethod,
  thresholdFor,
} from '../../src/drift/select-method.js';

const base = { referenceCount: 500, currentCount: 500 };

describe('selectMethod: the default table', () => {
  const cases: [string, MethodInput, string, number][] = [
    ['numeric, both small', { type: 'numeric', ...base }, 'ks', 0.05],
    ['numeric, both at the limit', { type: 'numeric', referenceCount: 1000, currentCount: 1000 }, 'ks', 0.05],
    [
      'numeric, reference large',
      { type: 'numeric', referenceCount: 1001, currentCount: 10 },
      'wasserstein',
      0.1,
    ],
    [
      'numeric, current large',
      { type: 'numeric', referenceCount: 10, currentCount: 50_000 },
      'wasserstein',
      0.1,
    ],
    ['categorical binary, small', { type: 'categorical', ...base, categories: 2 }, 'z', 0.05],
    ['categorical one category, small', { type: 'categorical', ...base, categories: 1 }, 'z', 0.05],
    ['categorical 3, small', { type: 'categorical', ...base, categories: 3 }, 'chisquare', 0.05],
    [
      'categorical binary, large',
      { type: 'categorical', referenceCount: 5000, currentCount: 200, categories: 2 },
      'jensenshannon',
      0.1,
    ],
    [
      'categorical many, large',
      { type: 'categorical', referenceCount: 200, currentCount: 5000, categories: 40 },
      'jensenshannon',
      0.1,
    ],
  ];
  it.each(cases)('%s', (_, input, method, threshold) => {
    const choice = selectMethod(input);
    expect(choice.method).toBe(method);
    expect(choice.threshold).toBe(threshold);
    expect(choice.test).toBe(isTestMethod(choice.method));
  });

  it('states the reason: type, both sizes and the rule', () => {
    expect(selectMethod({ type: 'numeric', referenceCount: 200, currentCount: 300 }).reason).toBe(
      'numeric, both samples <= 1000 (200 and 300 values): ks (p < 0.05)',
    );
    expect(selectMethod({ type: 'numeric', referenceCount: 50_000, currentCount: 300 }).reason).toBe(
      'numeric, a sample > 1000 (50000 and 300 values), judged by effect size: wasserstein normed by the reference std (value >= 0.1)',
    );
    expect(
      selectMethod({ type: 'categorical', referenceCount: 5000, currentCount: 5000, categories: 7 }).reason,
    ).toBe(
      'categorical (7 categories), a sample > 1000 (5000 and 5000 values), judged by effect size: jensenshannon (distance >= 0.1)',
    );
  });
});

describe('selectMethod: forced methods and fallbacks', () => {
  const num: MethodInput = { type: 'numeric', referenceCount: 50_000, currentCount: 50_000 };
  const cat3: MethodInput = { type: 'categorical', ...base, categories: 3 };
  const cat2: MethodInput = { type: 'categorical', ...base, categories: 2 };
  it.each([
    ['ks', num, 'ks'],
    ['ks', cat3, 'chisquare'],
    ['ks', cat2, 'z'],
    ['wasserstein', cat3, 'jensenshannon'],
    ['z', num, 'ks'],
    ['z', cat3, 'chisquare'],
    ['z', cat2, 'z'],
    ['chisquare', num, 'chisquare'],
    ['psi', num, 'psi'],
    ['psi', cat3, 'psi'],
    ['kl', cat2, 'kl'],
    ['hellinger', num, 'hellinger'],
    ['jensenshannon', num, 'jensenshannon'],
  ] as const)('forced %s on %o -> %s', (forced, input, expected) => {
    const choice = selectMethod({ ...input, method: forced });
    expect(choice.method).toBe(expected);
    expect(choice.reason).toContain(`method forced to ${forced}`);
    if (expected !== forced) expect(choice.reason).toContain('fallback');
  });

  it('auto is the default table', () => {
    expect(selectMethod({ ...num, method: 'auto' }).method).toBe('wasserstein');
  });
});

describe('thresholds', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({
      ks: 0.05,
      chisquare: 0.05,
      z: 0.05,
      psi: 0.1,
      jensenshannon: 0.1,
      wasserstein: 0.1,
      hellinger: 0.1,
      kl: 0.1,
    });
  });
  it('takes overrides per method', () => {
    const choice = selectMethod({
      type: 'numeric',
      referenceCount: 5000,
      currentCount: 5000,
      thresholds: { wasserstein: 0.2, ks: 0.01 },
    });
    expect(choice.threshold).toBe(0.2);
    expect(choice.reason).toContain('>= 0.2');
    expect(selectMethod({ type: 'numeric', ...base, thresholds: { ks: 0.01 } }).threshold).toBe(0.01);
  });
  it('rejects bad thresholds', () => {
    expect(() => thresholdFor('ks', { ks: 1.5 })).toThrow(/significance level/);
    expect(() => thresholdFor('psi', { psi: -1 })).toThrow(/positive/);
    expect(() => thresholdFor('psi', { psi: Number.NaN })).toThrow(/positive/);
  });
});
