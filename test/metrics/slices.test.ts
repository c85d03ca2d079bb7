import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  type BinaryInput,
  fairnessGaps,
  fairnessReport,
  groupSlices,
  type MetricInput,
  type MetricTask,
  MISSING_SLICE,
  type SliceValue,
  sliceMetrics,
} from '../../src/metrics/index.js';
import { close, expectMetrics, loadFixture } from './helpers.js';

interface SliceCase {
  name: string;
  task: MetricTask;
  column: string;
  values: (string | number | null)[];
  yTrue: number[];
  score?: number[];
  threshold?: number;
  proba?: number[];
  classes?: string[];
  yPred?: number[];
  expected: {
    groups: {
      value: string;
      count: number;
      metrics: Record<string, number | null>;
      rates: { selection_rate: number; true_positive_rate: number | null } | null;
    }[];
    gaps: Record<string, number | null>;
  };
}

const fixture = loadFixture<SliceCase>('slices.json');

function inputOf(c: SliceCase): MetricInput {
  if (c.task === 'binary') return { yTrue: c.yTrue, score: c.score!, threshold: c.threshold! };
  if (c.task === 'multiclass')
    return { yTrue: c.yTrue, proba: Float64Array.from(c.proba!), classes: c.classes! };
  return { yTrue: c.yTrue, yPred: c.yPred! };
}

function expectNullableClose(got: number | null | undefined, want: number | null, label: string) {
  if (want === null) expect(got, label).toBeNull();
  else expect(close(got as number, want), `${label}: ${got} vs ${want}`).toBe(true);
}

describe('slice metrics and fairness gaps match scikit-learn / fairlearn definitions', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const report = sliceMetrics(c.task, inputOf(c), c.column, c.values);
    expect(report.column).toBe(c.column);
    expect(report.groups.map((g) => g.value).sort()).toEqual(c.expected.groups.map((g) => g.value).sort());
    const fairness =
      c.task === 'binary' ? fairnessReport(inputOf(c) as BinaryInput, c.values, c.column) : null;
    for (const want of c.expected.groups) {
      const got = report.groups.find((g) => g.value === want.value)!;
      expect(got.count).toBe(want.count);
      expectMetrics(got.metrics, want.metrics, `${c.name} [${want.value}]`);
      if (want.rates !== null) {
        const rates = fairness!.groups.find((g) => g.value === want.value)!;
        expect(rates.count).toBe(want.count);
        expectNullableClose(rates.selection_rate, want.rates.selection_rate, 'selection_rate');
        expectNullableClose(rates.true_positive_rate, want.rates.true_positive_rate, 'true_positive_rate');
      }
    }
    expect(Object.keys(report.gaps).sort()).toEqual(Object.keys(c.expected.gaps).sort());
    for (const [name, want] of Object.entries(c.expected.gaps)) {
      expectNullableClose(report.gaps[name as keyof typeof report.gaps], want, `${c.name}: ${name}`);
    }
    if (fairness) expect(fairness.gaps).toEqual(report.gaps);
    if (c.task === 'binary')
      expect(fairnessGaps(inputOf(c) as BinaryInput, c.values, c.column)).toEqual(report.gaps);
  });
});

describe('slice grouping', () => {
  it('orders numbers, then other strings, then missing; groups by string form', () => {
    const column: SliceValue[] = [
      'b',
      10,
      null,
      'a',
      2,
      true,
      '1',
      1,
      undefined,
      Number.NaN,
      false,
      '1e3',
      '007',
    ];
    const groups = groupSlices(column);
    expect(groups.values).toEqual(['1', '2', '10', '007', '1e3', 'a', 'b', 'false', 'true', MISSING_SLICE]);
    expect(groups.counts).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1, 3]);
    expect(Array.from(groups.codes)).toEqual([6, 2, 9, 5, 1, 8, 0, 0, 9, 9, 7, 4, 3]);
  });

  it('rejects a cell that is not a string, number or boolean', () => {
    expect(() => groupSlices(['a', {} as unknown as string], 'region')).toThrow(
      /slice column "region": row 1/,
    );
  });

  it('fairness: hand-checked gaps', () => {
    // group a: preds [1, 0], labels [1, 1] -> selection 0.5, TPR 0.5
    // group b: preds [1, 1], labels [1, 0] -> selection 1, TPR 1
    // group c: preds [0], labels [0]       -> selection 0, no positives (skipped)
    const report = fairnessReport({ yTrue: [1, 1, 1, 0, 0], score: [0.9, 0.1, 0.6, 0.7, 0.2] }, [
      'a',
      'a',
      'b',
      'b',
      'c',
    ]);
    expect(report.gaps).toEqual({ demographic_parity_difference: 1, equal_opportunity_difference: 0.5 });
    expect(report.groups.map((g) => g.true_positive_rate)).toEqual([0.5, 1, null]);
  });

  it('a slice column of the wrong length throws a DataError', () => {
    const fn = () => sliceMetrics('regression', { yTrue: [1, 2], yPred: [1, 2] }, 'region', ['x']);
    expect(fn).toThrow(DataError);
    expect(fn).toThrow(/slice column "region" has 1 values but the data has 2 rows/);
  });

  it('validates the whole input before slicing (indexes of the full data)', () => {
    const fn = () => sliceMetrics('binary', { yTrue: [0, 1, 1], score: [0.1, 0.2, 2] }, 'g', ['a', 'b', 'b']);
    expect(fn).toThrow(/score\[2\] is outside \[0, 1\]/);
  });
});
