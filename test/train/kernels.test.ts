import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/train/backend.js';
import { jsAdamClass } from '../../src/train/js-adam.js';
import { createRng } from '../../src/train/random.js';
import { dropoutMask, seededDropoutClass } from '../../src/train/seeded-dropout.js';

const wasm = await selectBackend('wasm');
const tf = wasm.tf;

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng() * 2 - 1);
}

/** Runs `f` on the cpu backend, then switches back to wasm. */
async function onCpu<T>(f: () => T): Promise<T> {
  await selectBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

describe('wasm kernel fixes', () => {
  it('transposed BatchMatMul (the dense-layer gradients) matches the cpu backend', async () => {
    const a = randomArray(37 * 23, 1);
    const b = randomArray(37 * 19, 2);
    const c = randomArray(29 * 23, 3);
    const compute = () => [
      Array.from(tf.matMul(tf.tensor2d(a, [37, 23]), tf.tensor2d(b, [37, 19]), true, false).dataSync()),
      Array.from(tf.matMul(tf.tensor2d(a, [37, 23]), tf.tensor2d(c, [29, 23]), false, true).dataSync()),
      Array.from(tf.matMul(tf.tensor2d(c, [29, 23]), tf.tensor2d(a, [37, 23]), false, true).dataSync()),
      Array.from(tf.matMul(tf.tensor3d(b, [1, 37, 19]), tf.tensor3d(a, [1, 37, 23]), true, false).dataSync()),
    ];
    const onWasm = tf.tidy(() => compute().map((x) => tf.tensor(x))).map((t) => Array.from(t.dataSync()));
    const expected = await onCpu(() => compute());
    expect(tf.getBackend()).toBe('wasm');
    onWasm.forEach((values, i) => {
      expect(values.length).toBe(expected[i]!.length);
      for (const [j, v] of values.entries()) expect(v).toBeCloseTo(expected[i]![j]!, 4);
    });
  });

  it('provides UnsortedSegmentSum (embedding gradients) on wasm', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 9], 'int32');
    const out = tf.unsortedSegmentSum(x, ids, 3);
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
  });
});

describe('JsAdam', () => {
  it('follows the same trajectory as tf.train.adam', () => {
    const target = tf.tensor2d(randomArray(12, 5), [3, 4]);
    const run = (optimizer: { minimize: (f: () => ReturnType<typeof tf.scalar>) => unknown }) => {
      const w = tf.variable(tf.tensor2d(randomArray(12, 6), [3, 4]));
      for (let step = 0; step < 25; step++) {
        optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as ReturnType<typeof tf.scalar>);
      }
      const values = Array.from(w.dataSync());
      w.dispose();
      return values;
    };
    const JsAdam = jsAdamClass(tf);
    const ours = run(new JsAdam({ learningRate: 0.05 }));
    const reference = run(tf.train.adam(0.05));
    // Same arithmetic; float64 (JS) vs float32 (tensor ops) intermediate rounding only.
    for (const [i, v] of ours.entries()) expect(Math.abs(v - reference[i]!)).toBeLessThan(1e-4);
    expect(ours).not.toEqual(run(tf.train.sgd(0.05)));
  });
});

describe('seeded dropout', () => {
  it('draws a deterministic inverted-dropout mask with the requested rate', () => {
    const mask = dropoutMask(100_000, 0.3, 123);
    expect(dropoutMask(100_000, 0.3, 123)).toEqual(mask);
    expect(dropoutMask(100_000, 0.3, 124)).not.toEqual(mask);
    const zeros = mask.filter((v) => v === 0).length;
    expect(zeros / mask.length).toBeCloseTo(0.3, 2);
    expect(new Set(mask)).toEqual(new Set([0, Math.fround(1 / 0.7)]));
  });

  it('is the identity at inference and draws a new mask per training call', () => {
    const Dropout = seededDropoutClass(tf);
    const layer = new Dropout({ rate: 0.5, seed: 9 });
    const x = tf.ones([4, 8]);
    expect(Array.from((layer.apply(x, { training: false }) as typeof x).dataSync())).toEqual(
      Array(32).fill(1),
    );
    const first = Array.from((layer.apply(x, { training: true }) as typeof x).dataSync());
    const second = Array.from((layer.apply(x, { training: true }) as typeof x).dataSync());
    expect(first).not.toEqual(second);
    const again = new Dropout({ rate: 0.5, seed: 9 });
    expect(Array.from((again.apply(x, { training: true }) as typeof x).dataSync())).toEqual(first);
  });
});
