/**
 * Adam with its update computed in JavaScript, for the in-process backends (wasm, cpu). tfjs's
 * `AdamOptimizer` runs about ten small tensor ops per variable per step; on wasm each op costs
 * tens of microseconds of dispatch for a few thousand floats of work, which made the optimizer a
 * large share of a tabular training step. Here each variable costs one read of its gradient and
 * value and one write, the moments live in Float32Arrays, and the arithmetic is the same as
 * tfjs's Adam (bias-corrected moments, epsilon outside the square root). Native backends
 * (tfjs-node, GPU) keep `tf.train.adam`, where the data lives off the JS heap.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Tf } from './backend.js';

/** Adam hyperparameters. */
export interface JsAdamConfig {
  /** Learning rate. */
  learningRate: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Denominator epsilon (default: the backend's epsilon, 1e-7 for float32). */
  epsilon?: number;
}

/** Constructor of the JS Adam optimizer for one tf namespace. */
export type JsAdamClass = new (config: JsAdamConfig) => Tfjs.Optimizer;

type NamedTensor = { name: string; tensor: Tfjs.Tensor };

const classes = new WeakMap<object, JsAdamClass>();

/** The JS Adam optimizer class bound to `tf` (created once per namespace). */
export function jsAdamClass(tf: Tf): JsAdamClass {
  const cached = classes.get(tf.train);
  if (cached) return cached;

  class JsAdam extends tf.Optimizer {
    static className = 'ModelgateJsAdam';
    readonly learningRate: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    private step = 0;
    private readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();

    constructor(config: JsAdamConfig) {
      super();
      this.learningRate = config.learningRate;
      this.beta1 = config.beta1 ?? 0.9;
      this.beta2 = config.beta2 ?? 0.999;
      this.epsilon = config.epsilon ?? tf.backend().epsilon();
    }

    override applyGradients(variableGradients: Tfjs.NamedTensorMap | NamedTensor[]): void {
      const list = Array.isArray(variableGradients)
        ? variableGradients
        : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
      this.step++;
      const b1 = this.beta1;
      const b2 = this.beta2;
      const c1 = 1 - b1 ** this.step;
      const c2 = 1 - b2 ** this.step;
      const lr = this.learningRate;
      const eps = this.epsilon;
      const variables = tf.engine().registeredVariables;
      for (const { name, tensor } of list) {
        const variable = variables[name];
        if (!variable || tensor == null) continue;
        const g = tensor.dataSync() as Float32Array;
        const w = (variable.dataSync() as Float32Array).slice();
        let state = this.moments.get(name);
        if (!state) {
          state = { m: new Float32Array(w.length), v: new Float32Array(w.length) };
          this.moments.set(name, state);
        }
        const { m, v } = state;
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]!;
          const mi = b1 * m[i]! + (1 - b1) * gi;
          const vi = b2 * v[i]! + (1 - b2) * gi * gi;
          m[i] = mi;
          v[i] = vi;
          w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
        }
        const next = tf.tensor(w, variable.shape, 'float32');
        variable.assign(next);
        next.dispose();
      }
      this.incrementIterations();
    }

    override getConfig(): Tfjs.serialization.ConfigDict {
      return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
    }

    override async getWeights(): Promise<NamedTensor[]> {
      return [];
    }

    override async setWeights(): Promise<void> {
      this.moments.clear();
    }
  }
  classes.set(tf.train, JsAdam);
  return JsAdam;
}
