import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Examples } from '../../src/diff/types.js';
import { DataError } from '../../src/errors.js';
import {
  binaryCurves,
  calibrationCurve,
  decimateCurve,
  histogram,
  MAX_SCATTER_POINTS,
  oneVsRestRoc,
  precisionRecallCurve,
  regressionCurves,
  rocCurve,
} from '../../src/report/curves.js';

interface SklearnCase {
  name: string;
  yTrue: number[];
  score: number[];
  bins: number;
  roc: { fpr: number[]; tpr: number[]; thresholds: number[]; auc: number };
  pr: { precision: number[]; recall: number[]; thresholds: number[]; averagePrecision: number };
  calibration: { observed: number[]; meanPredicted: number[]; count: number[] };
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/report-html/curves-sklearn.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: SklearnCase[] };

function expectClose(actual: number[], expected: number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] as number;
    const ok = a === e || Math.abs(a - e) <= 1e-12 || Math.abs(a - e) <= 1e-9 * Math.abs(e);
    expect(ok, `${label}[${i}] = ${a}, expected ${e}`).toBe(true);
  });
}

// y and scores worked through by hand below.
const Y = [0, 0, 1, 1, 1, 0];
const S = [0.1, 0.4, 0.35, 0.8, 0.8, 0.9];

describe('curves computed by hand', () => {
  it('ROC: one point per distinct score, starting at (0, 0), ties moving diagonally', () => {
    const roc = rocCurve(Y, S)!;
    // Thresholds 0.9 (a negative), 0.8 (two positives), 0.4 (negative), 0.35 (positive), 0.1 (negative).
    expect(roc.thresholds).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.8, 0.4, 0.35, 0.1]);
    expectClose(roc.fpr, [0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1], 'fpr');
    expectClose(roc.tpr, [0, 0, 2 / 3, 2 / 3, 1, 1], 'tpr');
    // Trapezoids: 1/3 * 2/3 + 1/3 * 1 = 5/9.
    expect(roc.auc).toBeCloseTo(5 / 9, 15);
  });

  it('precision-recall: recall decreasing, ending at (0, 1), and the step-wise average precision', () => {
    const pr = precisionRecallCurve(Y, S)!;
    expect(pr.thresholds).toEqual([0.1, 0.35, 0.4, 0.8, 0.9]);
    expectClose(pr.precision, [3 / 6, 3 / 5, 2 / 4, 2 / 3, 0, 1], 'precision');
    expectClose(pr.recall, [1, 1, 2 / 3, 2 / 3, 0, 0], 'recall');
    // (1 - 2/3) * 3/5 + (2/3 - 0) * 2/3 = 0.2 + 4/9.
    expect(pr.averagePrecision).toBeCloseTo(0.2 + 4 / 9, 15);
  });

  it('calibration: 10 equal-width bins, a score on an inner edge in the lower bin, empty bins dropped', () => {
    // 0.1 and 0.4 sit on edges: bins 0 and 3 (as numpy's searchsorted), 0.8 in bin 7, 0.9 in bin 8.
    expect(calibrationCurve(Y, S)).toEqual([
      { meanPredicted: 0.1, observed: 0, count: 1 },
      { meanPredicted: 0.375, observed: 0.5, count: 2 },
      { meanPredicted: 0.8, observed: 1, count: 2 },
      { meanPredicted: 0.9, observed: 0, count: 1 },
    ]);
    expect(calibrationCurve([0, 1, 1], [0, 1, 0.5], 2)).toEqual([
      { meanPredicted: 0.25, observed: 0.5, count: 2 },
      { meanPredicted: 1, observed: 1, count: 1 },
    ]);
  });

  it('a single class gives no ROC curve; no positive gives no PR curve; only positives give precision 1', () => {
    expect(rocCurve([1, 1], [0.2, 0.7])).toBeNull();
    expect(rocCurve([0, 0], [0.2, 0.7])).toBeNull();
    expect(precisionRecallCurve([0, 0], [0.2, 0.7])).toBeNull();
    const pr = precisionRecallCurve([1, 1], [0.2, 0.7])!;
    expect(pr.precision).toEqual([1, 1, 1]);
    expect(pr.recall).toEqual([1, 0.5, 0]);
    expect(pr.averagePrecision).toBe(1);
  });

  it('rejects labels other than 0/1, scores outside [0, 1] and bad bin counts', () => {
    expect(() => rocCurve([0, 2], [0.1, 0.2])).toThrow(DataError);
    expect(() => precisionRecallCurve([0, 1], [0.1, 1.2])).toThrow(DataError);
    expect(() => calibrationCurve([0, 1], [0.1, Number.NaN])).toThrow(DataError);
    expect(() => calibrationCurve([0, 1], [0.1, 0.2], 0)).toThrow(/bins/);
    expect(() => rocCurve([0, 1], [0.1])).toThrow(DataError);
  });
});

describe(`curves match scikit-learn ${fixture.sklearn}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const roc = rocCurve(c.yTrue, c.score)!;
    expectClose(roc.fpr, c.roc.fpr, 'fpr');
    expectClose(roc.tpr, c.roc.tpr, 'tpr');
    expectClose(roc.thresholds.slice(1), c.roc.thresholds, 'roc thresholds');
    expectClose([roc.auc], [c.roc.auc], 'auc');

    const pr = precisionRecallCurve(c.yTrue, c.score)!;
    expectClose(pr.precision, c.pr.precision, 'precision');
    expectClose(pr.recall, c.pr.recall, 'recall');
    expectClose(pr.thresholds, c.pr.thresholds, 'pr thresholds');
    expectClose([pr.averagePrecision], [c.pr.averagePrecision], 'average precision');

    const cal = calibrationCurve(c.yTrue, c.score, c.bins);
    expectClose(
      cal.map((b) => b.observed),
      c.calibration.observed,
      'observed',
    );
    expectClose(
      cal.map((b) => b.meanPredicted),
      c.calibration.meanPredicted,
      'mean predicted',
    );
    expect(cal.map((b) => b.count)).toEqual(c.calibration.count);
  });
});

describe('decimateCurve', () => {
  it('leaves short curves alone', () => {
    expect(decimateCurve([0, 0.5, 1], [0, 0.7, 1], 200)).toEqual({ x: [0, 0.5, 1], y: [0, 0.7, 1] });
  });

  it('thins a long curve to at most the limit, keeping both ends and the order', () => {
    const n = 5000;
    const x = Array.from({ length: n }, (_, i) => i / (n - 1));
    const y = x.map((v) => Math.sqrt(v));
    const d = decimateCurve(x, y, 200);
    expect(d.x.length).toBeLessThanOrEqual(200);
    expect(d.x.length).toBeGreaterThan(150);
    expect(d.x[0]).toBe(0);
    expect(d.y[0]).toBe(0);
    expect(d.x[d.x.length - 1]).toBe(1);
    expect(d.y[d.y.length - 1]).toBe(1);
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]!).toBeGreaterThan(d.x[i - 1]!);
    // Every kept point is a point of the curve.
    expect(d.y).toEqual(d.x.map((v) => Math.sqrt(v)));
  });

  it('thins a real ROC curve of 3000 rows to 200 points', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const y = Array.from({ length: 3000 }, () => (rand() < 0.3 ? 1 : 0));
    const s = y.map((v) => Math.min(1, Math.max(0, 0.3 * v + 0.7 * rand())));
    const roc = rocCurve(y, s)!;
    expect(roc.fpr.length).toBeGreaterThan(1000);
    const d = decimateCurve(roc.fpr, roc.tpr);
    expect(d.x.length).toBeLessThanOrEqual(200);
    expect([d.x[0], d.y[0], d.x.at(-1), d.y.at(-1)]).toEqual([0, 0, 1, 1]);
  });
});

describe('binaryCurves and oneVsRestRoc', () => {
  const binary: Examples = {
    task: 'binary',
    ids: null,
    yTrue: Float64Array.from(Y),
    score: Float64Array.from(S),
    threshold: 0.5,
    slices: {},
  };

  it('computes the three binary curves from examples', () => {
    const c = binaryCurves(binary)!;
    expect(c.roc!.auc).toBeCloseTo(5 / 9, 15);
    expect(c.pr!.thresholds).toHaveLength(5);
    expect(c.calibration).toHaveLength(4);
    expect(binaryCurves({ ...binary, task: 'regression' })).toBeNull();
  });

  it('computes a one-vs-rest ROC curve per class', () => {
    // 3 classes, 4 rows; class 2 is absent.
    const examples: Examples = {
      task: 'multiclass',
      ids: null,
      yTrue: Float64Array.from([0, 1, 0, 1]),
      proba: Float64Array.from([0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.5, 0.4, 0.1, 0.6, 0.3, 0.1]),
      classes: ['cat', 'dog', 'emu'],
      threshold: 0.5,
      slices: {},
    };
    const curves = oneVsRestRoc(examples)!;
    expect(curves.map((c) => c.label)).toEqual(['cat', 'dog', 'emu']);
    // cat: positives score 0.7, 0.5; negatives 0.3, 0.6 -> AUC 3/4.
    expect(curves[0]!.roc!.auc).toBeCloseTo(0.75, 15);
    expect(curves[1]!.roc!.auc).toBeCloseTo(0.75, 15);
    expect(curves[2]!.roc).toBeNull();
    expect(oneVsRestRoc(binary)).toBeNull();
    expect(() => oneVsRestRoc({ ...examples, proba: new Float64Array(5) })).toThrow(/proba/);
  });
});

describe('regression curves and histograms', () => {
  it('samples at most 500 (actual, predicted) pairs with a seed, and keeps every residual', () => {
    const n = 5000;
    const yTrue = Float64Array.from({ length: n }, (_, i) => i);
    const yPred = Float64Array.from({ length: n }, (_, i) => (i === 7 ? Number.NaN : i + (i % 3) - 1));
    const examples: Examples = { task: 'regression', ids: null, yTrue, yPred, threshold: 0.5, slices: {} };
    const a = regressionCurves(examples)!;
    const b = regressionCurves(examples)!;
    expect(a.actual).toHaveLength(MAX_SCATTER_POINTS);
    expect(a.actual).toEqual(b.actual);
    expect(a.predicted).toEqual(b.predicted);
    expect(a.actual).not.toContain(7);
    expect(a.predicted).toEqual(a.actual.map((v) => v + (v % 3) - 1));
    expect(a.residuals).toHaveLength(n - 1);
    expect(a.residuals[0]).toBe(1);
    expect(a.residuals[1]).toBe(0);
    expect(a.residuals[2]).toBe(-1);
    expect(regressionCurves(examples, 100, 1)!.actual).toHaveLength(100);
    expect(regressionCurves(examples, 100, 1)!.actual).not.toEqual(
      regressionCurves(examples, 100, 2)!.actual,
    );
    const small = regressionCurves({ ...examples, yTrue: yTrue.slice(0, 10), yPred: yPred.slice(0, 10) })!;
    expect(small.actual).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
  });

  it('bins like numpy.histogram: half-open bins, the last one closed, values outside the range ignored', () => {
    expect(histogram([0, 1, 2, 3, 4, 5], 5)).toEqual({ edges: [0, 1, 2, 3, 4, 5], counts: [1, 1, 1, 1, 2] });
    expect(histogram([-1, 0, 0.5, 2, 9, Number.NaN], 2, [0, 2])).toEqual({
      edges: [0, 1, 2],
      counts: [2, 1],
    });
    expect(histogram([3, 3], 2)).toEqual({ edges: [2.5, 3, 3.5], counts: [0, 2] });
    const h = histogram(
      Float64Array.from({ length: 1000 }, (_, i) => i / 999),
      10,
    );
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(() => histogram([1], 0)).toThrow(/bins/);
  });
});
