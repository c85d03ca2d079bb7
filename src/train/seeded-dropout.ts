/**
 * A deterministic dropout layer. tfjs's own `Dropout` either uses `Math.random` (unseeded) or,
 * when seeded, draws the SAME mask on every batch (the seed is reused as is). This layer derives
 * each training call's mask seed from its base seed and a call counter, so masks differ between
 * batches yet two runs draw identical sequences. It is the identity at inference; saved models
 * do not contain it (see `buildModel({ inference: true })`).
 */
import type * as Tfjs from '@tensorflow/tfjs';
import type { Tf } from './backend.js';
import { hash32 } from './random.js';

/** Arguments of the seeded dropout layer. */
export interface SeededDropoutArgs {
  /** Fraction of units to drop, in [0, 1). */
  rate: number;
  /** Base seed. */
  seed: number;
  /** Layer name. */
  name?: string;
}

/** Constructor of the seeded dropout layer for one tf namespace. */
export type SeededDropoutClass = new (args: SeededDropoutArgs) => Tfjs.layers.Layer;

const classes = new WeakMap<object, SeededDropoutClass>();

/** The seeded dropout layer class bound to `tf` (created and registered once per namespace). */
export function seededDropoutClass(tf: Tf): SeededDropoutClass {
  const cached = classes.get(tf.layers);
  if (cached) return cached;

  class SeededDropout extends tf.layers.Layer {
    static className = 'ModelgateSeededDropout';
    readonly rate: number;
    readonly seed: number;
    private calls = 0;

    constructor(args: SeededDropoutArgs) {
      super(args.name ? { name: args.name } : {});
      this.rate = args.rate;
      this.seed = args.seed;
      this.supportsMasking = true;
    }

    override call(
      inputs: Tfjs.Tensor | Tfjs.Tensor[],
      kwargs: Record<string, unknown>,
    ): Tfjs.Tensor | Tfjs.Tensor[] {
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (kwargs['training'] !== true || this.rate <= 0) return input;
      const seed = hash32(this.seed, this.calls++);
      return tf.tidy(() => {
        const keep = 1 - this.rate;
        const noise = tf.randomUniform(input.shape, 0, 1, 'float32', seed);
        const mask = tf.div(tf.floor(tf.add(noise, keep)), keep);
        return tf.mul(input, mask);
      });
    }

    override getConfig(): Tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), rate: this.rate, seed: this.seed };
    }
  }
  tf.serialization.registerClass(SeededDropout);
  classes.set(tf.layers, SeededDropout);
  return SeededDropout;
}
