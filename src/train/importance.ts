/**
 * Permutation feature importance on evaluation rows. For each RAW feature, the encoded columns it
 * occupies (its value and missing indicator, all its one-hot columns, or its embedding index) are
 * permuted together across rows, `repeats` times with seeded shuffles, and the drop of the task's
 * primary metric is averaged:
 * - binary: `roc_auc` (drop = base − permuted); when AUC is undefined (one class), `log_loss`
 *   (drop = permuted − base);
 * - multiclass: `accuracy` (drop = base − permuted);
 * - regression: `r2` (drop = base − permuted); when R² is undefined (constant target), the
 *   `rmse` increase (permuted − base).
 * Positive importance means the model relies on the feature; values near 0 (or negative) mean it
 * does not. Up to `maxRows` evaluation rows are used (a seeded sample when there are more).
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Task } from '../config/model-config.js';
import type { Tf } from './backend.js';
import { metricsOf } from './evaluate.js';
import { type Prediction, predictEncoded, toPrediction } from './predict.js';
import type { Preprocessor } from './preprocess.js';
import { createRng, hash32, permutation, sampleIndexes } from './random.js';

/** Importance of one raw feature. */
export interface FeatureImportance {
  /** Feature name. */
  feature: string;
  /** Mean drop of the primary metric when the feature is permuted (higher = more important). */
  importance: number;
  /** Standard deviation of the drop over the repeats. */
  std: number;
}

/** Result of {@link permutationImportance}. */
export interface ImportanceResult {
  /** The metric whose drop is measured. */
  metric: string;
  /** Its value on the unpermuted rows. */
  baseline: number;
  /** Rows used. */
  rows: number;
  /** Repeats per feature. */
  repeats: number;
  /** Per feature, most important first. */
  features: FeatureImportance[];
}

/** Options of {@link permutationImportance}. */
export interface ImportanceOptions {
  /** The tf namespace the model belongs to. */
  tf: Tf;
  /** Trained model. */
  model: Tfjs.LayersModel;
  /** Fitted preprocessing (for the column layout). */
  preprocessor: Preprocessor;
  /** Encoded evaluation rows, row-major. */
  X: Float32Array;
  /** Number of rows in `X`. */
  n: number;
  /** True labels (class index or raw regression value). */
  yTrue: ArrayLike<number>;
  /** Binary decision threshold. */
  threshold: number;
  /** Permutations per feature. */
  repeats: number;
  /** Most rows to use. */
  maxRows: number;
  /** Seed of the row sample and the permutations. */
  seed: number;
}

type Scorer = { metric: string; higherIsBetter: boolean; score: (p: Prediction) => number | null };

function scorers(task: Task, yTrue: ArrayLike<number>, threshold: number): Scorer[] {
  const metrics = (p: Prediction) => metricsOf(p, yTrue, threshold);
  const pick = (name: string, higherIsBetter: boolean): Scorer => ({
    metric: name,
    higherIsBetter,
    score: (p) => metrics(p)[name] ?? null,
  });
  if (task === 'binary') return [pick('roc_auc', true), pick('log_loss', false)];
  if (task === 'multiclass') return [pick('accuracy', true)];
  return [pick('r2', true), pick('rmse', false)];
}

/** Computes permutation importance of every raw feature (see the module comment for the metric). */
export function permutationImportance(options: ImportanceOptions): ImportanceResult | null {
  const { tf, model, preprocessor: pre, repeats, seed } = options;
  const width = pre.width;
  const rows = sampleIndexes(options.n, Math.min(options.n, options.maxRows), createRng(hash32(seed, 0x1a9)));
  const n = rows.length;
  if (n === 0) return null;
  const X = new Float32Array(n * width);
  const yTrue = new Float64Array(n);
  rows.forEach((r, i) => {
    X.set(options.X.subarray(r * width, (r + 1) * width), i * width);
    yTrue[i] = options.yTrue[r]!;
  });
  const predict = (x: Float32Array) => toPrediction(pre, predictEncoded(tf, model, pre, x, n));
  const base = predict(X);
  const scorer = scorers(pre.label.task, yTrue, options.threshold).find((s) => s.score(base) !== null);
  if (!scorer) return null;
  const baseline = scorer.score(base)!;
  const work = new Float32Array(X.length);
  const perm = new Uint32Array(n);
  const features: FeatureImportance[] = pre.features.map((feature, f) => {
    const columns = pre.columnsOf(feature.name);
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      work.set(X);
      permutation(perm, createRng(hash32(seed, 0x9e7, f, r)));
      for (let i = 0; i < n; i++) {
        const src = perm[i]! * width;
        const dst = i * width;
        for (const c of columns) work[dst + c] = X[src + c]!;
      }
      const value = scorer.score(predict(work));
      if (value === null) continue;
      drops.push(scorer.higherIsBetter ? baseline - value : value - baseline);
    }
    const mean = drops.length > 0 ? drops.reduce((a, b) => a + b, 0) / drops.length : 0;
    const variance = drops.length > 0 ? drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length : 0;
    return { feature: feature.name, importance: mean, std: Math.sqrt(variance) };
  });
  features.sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1));
  return { metric: scorer.metric, baseline, rows: n, repeats, features };
}
