import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  averagePrecision,
  binaryLogLoss,
  binaryMetrics,
  brierScore,
  computeMetrics,
  confusionCounts,
  expectedCalibrationError,
  METRIC_NAMES,
  rocAuc,
} from '../../src/metrics/index.js';
import { expectMetrics, loadFixture } from './helpers.js';

interface BinaryCase {
  name: string;
  yTrue: number[];
  score: number[];
  threshold: number;
  expected: Record<string, number | null>;
}

const fixture = loadFixture<BinaryCase>('binary.json');

describe('binary metrics match scikit-learn', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = computeMetrics('binary', { yTrue: c.yTrue, score: c.score, threshold: c.threshold });
    expectMetrics(got, c.expected, c.name);
    expect(Object.keys(got)).toEqual([...METRIC_NAMES.binary]);
  });

  it('gives the same results for typed arrays', () => {
    const c = fixture.cases.find((x) => x.name.startsWith('ties: scores rounded to 1 decimal n=5000'))!;
    const plain = binaryMetrics({ yTrue: c.yTrue, score: c.score, threshold: c.threshold });
    const typed = binaryMetrics({
      yTrue: Uint8Array.from(c.yTrue),
      score: Float64Array.from(c.score),
      threshold: c.threshold,
    });
    expect(typed).toEqual(plain);
  });

  it('single metric functions agree with binaryMetrics', () => {
    const c = fixture.cases.find((x) => x.name === 'random n=1000')!;
    const all = binaryMetrics({ yTrue: c.yTrue, score: c.score });
    expect(rocAuc(c.yTrue, c.score)).toBe(all.roc_auc);
    expect(averagePrecision(c.yTrue, c.score)).toBe(all.average_precision);
    expect(binaryLogLoss(c.yTrue, c.score)).toBe(all.log_loss);
    expect(brierScore(c.yTrue, c.score)).toBe(all.brier);
    expect(expectedCalibrationError(c.yTrue, c.score)).toBe(all.ece);
  });
});

describe('binary edge cases', () => {
  it('hand-checked values', () => {
    // Classic example of sklearn's roc_auc_score docs: 0.75.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // average_precision_score docs example: 0.8333...
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333333333, 15);
    // A tie between a positive and a negative counts half.
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(confusionCounts([1, 0, 1, 0], [0.5, 0.5, 0.49, 0.1])).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1 });
  });

  it('ranking metrics are null with a single class', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNull();
    expect(averagePrecision([0, 0], [0.2, 0.5])).toBeNull();
    const m = computeMetrics('binary', { yTrue: [0], score: [0] });
    expect(m.roc_auc).toBeNull();
    expect(m.average_precision).toBeNull();
    expect(m.precision).toBe(0);
    expect(m.recall).toBe(0);
    expect(m.f1).toBe(0);
    expect(m.accuracy).toBe(1);
  });

  it('treats -0 and 0 as the same score', () => {
    expect(rocAuc([0, 1, 0, 1], [-0, 0, 0.5, 0.5])).toBe(0.5);
  });

  it('ECE bins: 1.0 falls in the last bin, 0.1 starts the second', () => {
    // bin 9 holds {0.95, 1}: mean y 1, mean score 0.975 -> 2/3 * 0.025; bin 1 holds {0.1}: 1/3 * 0.1
    expect(expectedCalibrationError([1, 1, 0], [1, 0.95, 0.1])).toBeCloseTo(
      (2 / 3) * 0.025 + (1 / 3) * 0.1,
      15,
    );
    expect(expectedCalibrationError([1, 0], [0.7, 0.7], 1)).toBeCloseTo(0.2, 15);
  });

  it('log loss of confident wrong predictions is finite (clipped at float64 epsilon)', () => {
    const loss = binaryLogLoss([1, 0], [0, 1]);
    expect(loss).toBeCloseTo(-Math.log(Number.EPSILON), 10);
    expect(binaryLogLoss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - Number.EPSILON), 20);
  });

  it('handles a million rows (typed arrays, no per-row objects)', () => {
    const n = 1_000_000;
    const yTrue = new Uint8Array(n);
    const score = new Float64Array(n);
    let seed = 42;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      yTrue[i] = seed % 2;
      score[i] = Math.min(1, Math.max(0, (seed % 1000) / 1000 + (yTrue[i] ? 0.1 : 0)));
    }
    const m = binaryMetrics({ yTrue, score });
    expect(m.roc_auc).toBeGreaterThan(0.5);
    expect(m.accuracy).toBeGreaterThan(0);
    expect(m.log_loss).toBeGreaterThan(0);
  });
});

describe('binary validation', () => {
  const bad: [string, () => unknown, RegExp][] = [
    [
      'lengths differ',
      () => binaryMetrics({ yTrue: [0, 1], score: [0.5] }),
      /yTrue has 2 values but score has 1/,
    ],
    ['empty', () => binaryMetrics({ yTrue: [], score: [] }), /empty input/],
    [
      'NaN score',
      () => binaryMetrics({ yTrue: [0, 1, 1], score: [0.1, 0.2, Number.NaN] }),
      /score\[2\].*NaN/,
    ],
    [
      'score above 1',
      () => binaryMetrics({ yTrue: [0, 1], score: [0.1, 1.5] }),
      /score\[1\] is outside \[0, 1\].*1\.5/,
    ],
    ['negative score', () => rocAuc([0, 1], [-0.1, 0.5]), /score\[0\] is outside \[0, 1\].*-0\.1/],
    [
      'label 2',
      () => binaryMetrics({ yTrue: [0, 2, 1], score: [0.1, 0.2, 0.3] }),
      /yTrue\[1\] must be 0 or 1.*2/,
    ],
    ['label -1', () => brierScore([-1, 1], [0.1, 0.2]), /yTrue\[0\] must be 0 or 1.*-1/],
    [
      'threshold',
      () => binaryMetrics({ yTrue: [0], score: [0], threshold: 2 }),
      /threshold must be a number in \[0, 1\]/,
    ],
    ['ECE bins', () => expectedCalibrationError([0], [0], 0), /bins must be a positive integer/],
  ];
  it.each(bad)('%s throws a DataError', (_name, fn, message) => {
    expect(fn).toThrow(DataError);
    expect(fn).toThrow(message);
  });
});
