import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/train/backend.js';
import { taskLoss } from '../../src/train/epoch-loop.js';
import { lossFor, outputActivation } from '../../src/train/model-builder.js';
import { createRng } from '../../src/train/random.js';

const { tf } = await selectBackend('wasm');

describe('taskLoss', () => {
  it.each([
    ['binary', 1],
    ['multiclass', 4],
    ['regression', 1],
  ] as const)('matches model.evaluate for %s', (task, units) => {
    const rng = createRng(3);
    const n = 300;
    const width = 5;
    const X = Float32Array.from({ length: n * width }, () => rng() * 4 - 2);
    const y = Float32Array.from({ length: n }, () =>
      task === 'binary'
        ? rng() < 0.4
          ? 1
          : 0
        : task === 'multiclass'
          ? Math.floor(rng() * units)
          : rng() * 3,
    );
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units,
          inputShape: [width],
          activation: outputActivation(task),
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: lossFor(task) });
    const x = tf.tensor2d(X, [n, width]);
    const yt = tf.tensor2d(y, [n, 1]);
    const reference = (model.evaluate(x, yt) as ReturnType<typeof tf.scalar>).dataSync()[0]!;
    const out = (model.predictOnBatch(x) as ReturnType<typeof tf.scalar>).dataSync() as Float32Array;
    expect(taskLoss(task, out, y, units)).toBeCloseTo(reference, 5);
    model.dispose();
  });
});
