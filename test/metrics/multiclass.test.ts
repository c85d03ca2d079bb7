import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  argmaxRows,
  computeMetrics,
  METRIC_NAMES,
  multiclassLogLoss,
  multiclassMetrics,
} from '../../src/metrics/index.js';
import { expectMetrics, loadFixture } from './helpers.js';

interface MulticlassCase {
  name: string;
  yTrue: number[];
  proba: number[];
  classes: string[];
  expected: Record<string, number | null>;
}

const fixture = loadFixture<MulticlassCase>('multiclass.json');

describe('multiclass metrics match scikit-learn', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = computeMetrics('multiclass', {
      yTrue: c.yTrue,
      proba: Float64Array.from(c.proba),
      classes: c.classes,
    });
    expectMetrics(got, c.expected, c.name);
    expect(Object.keys(got)).toEqual([...METRIC_NAMES.multiclass]);
  });

  it('multiclassLogLoss agrees with multiclassMetrics', () => {
    const c = fixture.cases[3]!;
    const input = { yTrue: c.yTrue, proba: Float64Array.from(c.proba), classes: c.classes };
    expect(multiclassLogLoss(input)).toBe(multiclassMetrics(input).log_loss);
  });
});

describe('multiclass edge cases', () => {
  it('argmax takes the first maximum on ties', () => {
    expect(Array.from(argmaxRows([0.4, 0.4, 0.2, 0.1, 0.45, 0.45, 1 / 3, 1 / 3, 1 / 3], 3))).toEqual([
      0, 1, 0,
    ]);
  });

  it('accepts a Float32Array (computed in float64)', () => {
    const proba = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1]);
    const m = multiclassMetrics({ yTrue: [0, 1], proba, classes: ['a', 'b', 'c'] });
    expect(m.accuracy).toBe(1);
    const expected =
      -(
        Math.log(proba[0]! / (proba[0]! + proba[1]! + proba[2]!)) +
        Math.log(proba[4]! / (proba[3]! + proba[4]! + proba[5]!))
      ) / 2;
    expect(m.log_loss).toBeCloseTo(expected, 14);
  });

  it('a class absent from yTrue and predictions counts as 0 in the macro averages', () => {
    const m = multiclassMetrics({
      yTrue: [0, 1],
      proba: Float64Array.from([1, 0, 0, 0, 1, 0]),
      classes: ['a', 'b', 'c'],
    });
    expect(m.f1_macro).toBeCloseTo(2 / 3, 15);
    expect(m.f1_weighted).toBe(1);
  });
});

describe('multiclass validation', () => {
  const classes = ['a', 'b', 'c'];
  const bad: [string, () => unknown, RegExp][] = [
    [
      'one class',
      () => multiclassMetrics({ yTrue: [0], proba: Float64Array.from([1]), classes: ['a'] }),
      /at least 2 classes/,
    ],
    [
      'duplicate classes',
      () => multiclassMetrics({ yTrue: [0], proba: Float64Array.from([1, 0]), classes: ['a', 'a'] }),
      /classes\[1\] repeats class "a"/,
    ],
    ['empty', () => multiclassMetrics({ yTrue: [], proba: new Float64Array(0), classes }), /empty input/],
    [
      'proba length',
      () => multiclassMetrics({ yTrue: [0, 1], proba: new Float64Array(5), classes }),
      /proba has 5 values but yTrue has 2 rows x 3 classes = 6/,
    ],
    [
      'label out of range',
      () => multiclassMetrics({ yTrue: [0, 3], proba: new Float64Array(6), classes }),
      /yTrue\[1\] must be a class index in \[0, 2\] \(got 3\)/,
    ],
    [
      'non-integer label',
      () => multiclassMetrics({ yTrue: [0.5], proba: new Float64Array(3), classes }),
      /yTrue\[0\] must be a class index/,
    ],
    [
      'NaN probability',
      () => multiclassMetrics({ yTrue: [0], proba: Float64Array.from([0.5, Number.NaN, 0.5]), classes }),
      /proba\[1\] is not a number \(got NaN\)/,
    ],
    [
      'probability above 1',
      () => multiclassMetrics({ yTrue: [0], proba: Float64Array.from([0.5, 0.2, 1.2]), classes }),
      /proba\[2\] is outside \[0, 1\]/,
    ],
  ];
  it.each(bad)('%s throws a DataError', (_name, fn, message) => {
    expect(fn).toThrow(DataError);
    expect(fn).toThrow(message);
  });
});
