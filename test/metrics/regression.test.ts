import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  computeMetrics,
  METRIC_NAMES,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  r2Score,
  regressionMetrics,
  rootMeanSquaredError,
} from '../../src/metrics/index.js';
import { expectMetrics, loadFixture } from './helpers.js';

interface RegressionCase {
  name: string;
  yTrue: number[];
  yPred: number[];
  expected: Record<string, number | null>;
}

const fixture = loadFixture<RegressionCase>('regression.json');

describe('regression metrics match scikit-learn', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = computeMetrics('regression', { yTrue: c.yTrue, yPred: c.yPred });
    expectMetrics(got, c.expected, c.name);
    expect(Object.keys(got).sort()).toEqual([...METRIC_NAMES.regression].sort());
  });

  it('single metric functions agree with regressionMetrics', () => {
    const c = fixture.cases.find((x) => x.name === 'random n=100')!;
    const all = regressionMetrics(c);
    expect(meanAbsoluteError(c.yTrue, c.yPred)).toBe(all.mae);
    expect(meanSquaredError(c.yTrue, c.yPred)).toBe(all.mse);
    expect(rootMeanSquaredError(c.yTrue, c.yPred)).toBe(all.rmse);
    expect(r2Score(c.yTrue, c.yPred)).toBe(all.r2);
    expect(meanAbsolutePercentageError(c.yTrue, c.yPred)).toBe(all.mape);
  });
});

describe('regression edge cases', () => {
  it('sklearn docs examples', () => {
    expect(meanAbsolutePercentageError([1, 0, 2.4, 7], [1.2, 0.1, 2.4, 8])).toBeCloseTo(
      112589990684262.48,
      1,
    );
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBe(-3);
    expect(r2Score([-2, -2, -2], [-2, -2, -2])).toBe(1);
    expect(r2Score([-2, -2, -2], [-2, -2, -2 + 1e-8])).toBe(0);
  });

  it('r2 is null with a single row', () => {
    expect(r2Score([1], [2])).toBeNull();
  });
});

describe('regression validation', () => {
  const bad: [string, () => unknown, RegExp][] = [
    [
      'lengths differ',
      () => regressionMetrics({ yTrue: [1, 2, 3], yPred: [1] }),
      /yTrue has 3 values but yPred has 1/,
    ],
    ['empty', () => regressionMetrics({ yTrue: [], yPred: [] }), /empty input/],
    [
      'NaN target',
      () => regressionMetrics({ yTrue: [1, Number.NaN], yPred: [1, 2] }),
      /yTrue\[1\] is not a finite number \(got NaN\)/,
    ],
    [
      'infinite prediction',
      () => meanAbsoluteError([1, 2], [Number.POSITIVE_INFINITY, 2]),
      /yPred\[0\] is not a finite number \(got Infinity\)/,
    ],
  ];
  it.each(bad)('%s throws a DataError', (_name, fn, message) => {
    expect(fn).toThrow(DataError);
    expect(fn).toThrow(message);
  });
});
