/**
 * Scoring encoded rows with a trained model, in fixed-size batches, and turning raw model outputs
 * into task predictions. The in-memory model and a loaded saved model both go through these
 * functions, so they give identical outputs for the same rows.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Row } from '../data/types.js';
import type { Tf } from './backend.js';
import { splitInputs } from './model-builder.js';
import type { Preprocessor } from './preprocess.js';

/** Rows per prediction batch. */
export const PREDICT_BATCH = 8192;

/** Predictions for a batch of rows. */
export type Prediction =
  | {
      /** Binary classification. */
      task: 'binary';
      /** P(positive class) per row. */
      score: Float64Array;
    }
  | {
      /** Multiclass classification. */
      task: 'multiclass';
      /** Class probabilities, row-major `n * classes.length`. */
      proba: Float32Array;
      /** Class keys, in column order. */
      classes: string[];
    }
  | {
      /** Regression. */
      task: 'regression';
      /** Predicted value per row, on the label's scale. */
      yPred: Float64Array;
    };

/** Runs the model on `n` encoded rows (`X`, row-major) and returns the raw outputs, row-major `n * units`. */
export function predictEncoded(
  tf: Tf,
  model: Tfjs.LayersModel,
  pre: Preprocessor,
  X: Float32Array,
  n: number,
  batchSize = PREDICT_BATCH,
): Float32Array {
  const units = pre.outputUnits;
  const width = pre.width;
  const out = new Float32Array(n * units);
  for (let start = 0; start < n; start += batchSize) {
    const rows = Math.min(batchSize, n - start);
    // predictOnBatch: `predict` would cut the batch into 32-row slices, and a slice of a wasm
    // tensor copies the whole tensor. The typed array stays out of tidy(), which walks its
    // result looking for tensors element by element.
    const y = tf.tidy(() => {
      const x = tf.tensor2d(X.subarray(start * width, (start + rows) * width), [rows, width]);
      return model.predictOnBatch(splitInputs(tf, pre, x)) as Tfjs.Tensor;
    });
    const values = y.dataSync() as Float32Array;
    y.dispose();
    out.set(values, start * units);
  }
  return out;
}

/** Turns raw model outputs into task predictions (sigmoid score, softmax probabilities, de-standardised value). */
export function toPrediction(pre: Preprocessor, raw: Float32Array): Prediction {
  const label = pre.label;
  if (label.task === 'binary') return { task: 'binary', score: Float64Array.from(raw) };
  if (label.task === 'multiclass') return { task: 'multiclass', proba: raw, classes: [...label.classes] };
  const yPred = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) yPred[i] = raw[i]! * label.std + label.mean;
  return { task: 'regression', yPred };
}

/** Scores raw rows: encodes them with `pre`, runs the model, and returns task predictions. */
export function predictRows(
  tf: Tf,
  model: Tfjs.LayersModel,
  pre: Preprocessor,
  rows: readonly Row[],
): Prediction {
  const X = pre.transform(rows);
  return toPrediction(pre, predictEncoded(tf, model, pre, X, rows.length));
}
