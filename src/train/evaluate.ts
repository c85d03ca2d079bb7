/**
 * Metrics of task predictions, through the shared `computeMetrics` of `src/metrics/`.
 */
import { computeMetrics } from '../metrics/index.js';
import type { Prediction } from './predict.js';

/** Metrics of predictions against true labels (0/1, class indexes, or raw regression values). */
export function metricsOf(
  prediction: Prediction,
  yTrue: ArrayLike<number>,
  threshold: number,
): Record<string, number | null> {
  if (prediction.task === 'binary')
    return computeMetrics('binary', { yTrue, score: prediction.score, threshold });
  if (prediction.task === 'multiclass') {
    return computeMetrics('multiclass', { yTrue, proba: prediction.proba, classes: prediction.classes });
  }
  return computeMetrics('regression', { yTrue, yPred: prediction.yPred });
}
