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

/**
 * An inverted-dropout mask: each entry is 0 with probability `rate`, else `1 / (1 - rate)`, drawn
 * with an inlined mulberry32 stream from `seed` (about 20x faster than a seeded
 * `tf.randomUniform`, which re-seeds seedrandom per call and draws through it per element).
 */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  const mask = new Float32Array(size);
  const scale = 1 / (1 - rate);
  // Compare the raw 32-bit draw with the threshold: u < rate  <=>  bits < rate * 2^32.
  const threshold = Math.floor(rate * 0x1_0000_0000);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    mask[i] = (t ^ (t >>> 14)) >>> 0 < threshold ? 0 : scale;
  }
  return mask;
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
      const mask = dropoutMask(input.size, this.rate, hash32(this.seed, this.calls++));
      return tf.tidy(() => tf.mul(input, tf.tensor(mask, input.shape, 'float32')));
    }

    override getConfig(): Tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), rate: this.rate, seed: this.seed };
    }
  }
  tf.serialization.registerClass(SeededDropout);
  classes.set(tf.layers, SeededDropout);
  return SeededDropout;
}
