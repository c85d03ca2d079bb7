/**
 * Builds the tfjs LayersModel for a fitted preprocessing: `linear` (logistic / linear / softmax
 * regression) or `mlp` (hidden dense layers with activation, seeded dropout and L2), one dense
 * input plus one input per embedding feature. Every initializer is seeded from the model seed,
 * so two builds are bit-identical.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Task, TrainerSpec } from '../config/model-config.js';
import type { Tf } from './backend.js';
import { jsAdamClass } from './js-adam.js';
import type { Preprocessor } from './preprocess.js';
import { hash32 } from './random.js';
import { seededDropoutClass } from './seeded-dropout.js';

/** The model-relevant part of the trainer spec. */
export type ModelSpec = Pick<TrainerSpec, 'architecture' | 'hidden' | 'activation' | 'dropout' | 'l2'>;

/** Options of {@link buildModel}. */
export interface BuildModelOptions {
  /** Build for inference: no dropout layers (weights are the same list, in the same order). */
  inference?: boolean;
}

/** Name of the dense input. */
export const DENSE_INPUT = 'features';

/** Builds (does not compile) the model for `pre`'s layout and the task. */
export function buildModel(
  tf: Tf,
  pre: Preprocessor,
  spec: ModelSpec,
  seed: number,
  options: BuildModelOptions = {},
): Tfjs.LayersModel {
  const task = pre.label.task;
  let layerSeed = 0;
  const nextSeed = () => hash32(seed, 0x1a7e, layerSeed++) & 0x7fffffff;
  const inputs: Tfjs.SymbolicTensor[] = [];
  const parts: Tfjs.SymbolicTensor[] = [];
  if (pre.denseWidth > 0) {
    const dense = tf.input({ shape: [pre.denseWidth], name: DENSE_INPUT });
    inputs.push(dense);
    parts.push(dense);
  }
  pre.embeddings.forEach((e, i) => {
    const input = tf.input({ shape: [1], name: `embedding_input_${i}` });
    inputs.push(input);
    const embedded = tf.layers
      .embedding({
        inputDim: e.vocabSize,
        outputDim: e.dim,
        embeddingsInitializer: tf.initializers.randomUniform({
          minval: -0.05,
          maxval: 0.05,
          seed: nextSeed(),
        }),
        name: `embedding_${i}`,
      })
      .apply(input) as Tfjs.SymbolicTensor;
    parts.push(tf.layers.flatten({ name: `embedding_flat_${i}` }).apply(embedded) as Tfjs.SymbolicTensor);
  });
  let x: Tfjs.SymbolicTensor =
    parts.length === 1
      ? parts[0]!
      : (tf.layers.concatenate({ name: 'concat' }).apply(parts) as Tfjs.SymbolicTensor);
  const regularizer = spec.l2 > 0 ? () => tf.regularizers.l2({ l2: spec.l2 }) : undefined;
  const Dropout = seededDropoutClass(tf);
  const hidden = spec.architecture === 'mlp' ? spec.hidden : [];
  hidden.forEach((units, i) => {
    x = tf.layers
      .dense({
        units,
        activation: spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        biasInitializer: 'zeros',
        ...(regularizer ? { kernelRegularizer: regularizer() } : {}),
        name: `hidden_${i}`,
      })
      .apply(x) as Tfjs.SymbolicTensor;
    const dropoutSeed = nextSeed();
    if (spec.dropout > 0 && !options.inference) {
      x = new Dropout({ rate: spec.dropout, seed: dropoutSeed, name: `dropout_${i}` }).apply(
        x,
      ) as Tfjs.SymbolicTensor;
    }
  });
  const output = tf.layers
    .dense({
      units: pre.outputUnits,
      activation: outputActivation(task),
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      biasInitializer: 'zeros',
      ...(regularizer ? { kernelRegularizer: regularizer() } : {}),
      name: 'output',
    })
    .apply(x) as Tfjs.SymbolicTensor;
  return tf.model({ inputs, outputs: output, name: 'modelgate' });
}

/** Output activation per task: sigmoid (binary), softmax (multiclass), linear (regression). */
export function outputActivation(task: Task): 'sigmoid' | 'softmax' | 'linear' {
  return task === 'binary' ? 'sigmoid' : task === 'multiclass' ? 'softmax' : 'linear';
}

/** Loss per task: binary cross-entropy, sparse categorical cross-entropy (targets are class indexes), MSE. */
export function lossFor(
  task: Task,
): 'binaryCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError' {
  return task === 'binary'
    ? 'binaryCrossentropy'
    : task === 'multiclass'
      ? 'sparseCategoricalCrossentropy'
      : 'meanSquaredError';
}

/**
 * Compiles the model with the spec's optimizer (Adam or SGD) and learning rate and the task's
 * loss. `jsOptimizer` uses the JavaScript Adam (`js-adam.ts`), much faster on the in-process
 * backends (wasm, cpu); native backends should keep tfjs's own.
 */
export function compileModel(
  tf: Tf,
  model: Tfjs.LayersModel,
  task: Task,
  spec: Pick<TrainerSpec, 'optimizer' | 'learning_rate'>,
  options: { jsOptimizer?: boolean } = {},
): void {
  const JsAdam = jsAdamClass(tf);
  const optimizer =
    spec.optimizer === 'sgd'
      ? tf.train.sgd(spec.learning_rate)
      : options.jsOptimizer
        ? new JsAdam({ learningRate: spec.learning_rate })
        : tf.train.adam(spec.learning_rate);
  model.compile({ optimizer, loss: lossFor(task) });
}

/**
 * Splits an encoded matrix tensor `[n, width]` into the model's inputs: the dense part, then one
 * `[n, 1]` index column per embedding. Returns the tensor itself when there are no embeddings.
 * The caller disposes the returned tensors (other than `x` itself).
 */
export function splitInputs(tf: Tf, pre: Preprocessor, x: Tfjs.Tensor2D): Tfjs.Tensor | Tfjs.Tensor[] {
  if (pre.embeddings.length === 0) return x;
  const n = x.shape[0];
  const out: Tfjs.Tensor[] = [];
  if (pre.denseWidth > 0) out.push(tf.slice(x, [0, 0], [n, pre.denseWidth]));
  for (const e of pre.embeddings) out.push(tf.slice(x, [0, e.column], [n, 1]));
  return out;
}
