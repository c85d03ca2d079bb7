import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  computeMetrics,
  METRIC_NAMES,
  type MetricInput,
  metricDirection,
  metricNames,
  sliceMetrics,
} from '../../src/metrics/index.js';

describe('metric names and directions', () => {
  it('lists the names per task', () => {
    expect(metricNames('binary')).toEqual([
      'accuracy',
      'precision',
      'recall',
      'f1',
      'roc_auc',
      'average_precision',
      'log_loss',
      'brier',
      'ece',
    ]);
    expect(metricNames('multiclass')).toContain('f1_macro');
    expect(metricNames('regression')).toEqual(['mae', 'rmse', 'mse', 'r2', 'mape']);
  });

  it('losses and errors are lower-is-better, the rest higher', () => {
    for (const name of ['log_loss', 'brier', 'ece', 'mae', 'rmse', 'mse', 'mape'])
      expect(metricDirection(name)).toBe('lower');
    for (const name of [
      'accuracy',
      'precision',
      'recall',
      'f1',
      'roc_auc',
      'average_precision',
      'r2',
      'f1_macro',
    ]) {
      expect(metricDirection(name)).toBe('higher');
    }
    expect(metricDirection('demographic_parity_difference')).toBe('lower');
    expect(metricDirection('something_else')).toBe('higher');
    const all = new Set([...METRIC_NAMES.binary, ...METRIC_NAMES.multiclass, ...METRIC_NAMES.regression]);
    expect(all.size).toBe(18);
  });

  it('computeMetrics rejects an input of the wrong shape or an unknown task', () => {
    expect(() => computeMetrics('binary', { yTrue: [1], yPred: [1] } as MetricInput)).toThrow(DataError);
    expect(() => computeMetrics('regression', { yTrue: [1], score: [1] } as MetricInput)).toThrow(DataError);
    expect(() => computeMetrics('ranking' as 'binary', { yTrue: [1], score: [1] })).toThrow(
      /unknown task "ranking"/,
    );
    expect(() =>
      computeMetrics('multiclass', { yTrue: [0], proba: new Float64Array(2) } as unknown as MetricInput),
    ).toThrow(/multiclass metrics: input needs yTrue, proba, classes \(missing classes\)/);
    expect(() => computeMetrics('binary', null as unknown as MetricInput)).toThrow(/missing yTrue/);
    expect(() => sliceMetrics('binary', { yTrue: [1], yPred: [1] } as MetricInput, 'g', ['a'])).toThrow(
      /missing score/,
    );
  });
});
