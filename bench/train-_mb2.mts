import { selectBackend } from '../src/train/backend.js';
import { seededDropoutClass } from '../src/train/seeded-dropout.js';
const { tf } = await selectBackend('wasm');
const n = 50000, d = 45, B = 256;
const X = new Float32Array(n * d).map((_, i) => Math.sin(i));
const Y = new Float32Array(n).map((_, i) => (i % 3 === 0 ? 1 : 0));
const D = seededDropoutClass(tf);
function make() {
  const inp = tf.input({ shape: [d] });
  let x = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(inp) as any;
  x = new D({ rate: 0.1, seed: 1 }).apply(x);
  x = tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as any;
  x = new D({ rate: 0.1, seed: 2 }).apply(x);
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x) as any;
  const m = tf.model({ inputs: inp, outputs: out });
  m.compile({ optimizer: process.argv[3] ? new (jsAdamClass(tf))({ learningRate: 0.001 }) : tf.train.adam(0.001), loss: process.env.LOSS ?? 'binaryCrossentropy' });
  return m;
}
const mode = process.argv[2];
import { jsAdamClass } from '../src/train/js-adam.js';
const m = make();
const xAll = tf.tensor2d(X, [n, d]); const yAll = tf.tensor2d(Y, [n, 1]);
const bx = new Float32Array(B * d); const by = new Float32Array(B);
for (let e = 0; e < 5; e++) {
  const t = performance.now();
  if (mode === 'fit') {
    await m.fit(xAll, yAll, { batchSize: B, epochs: 1, shuffle: false, verbose: 0 });
  } else {
    for (let i = 0; i < n; i += B) {
      const s = Math.min(B, n - i);
      bx.set(X.subarray(i * d, (i + s) * d)); by.set(Y.subarray(i, i + s));
      const xb = tf.tensor2d(bx.subarray(0, s * d), [s, d]); const yb = tf.tensor2d(by.subarray(0, s), [s, 1]);
      await m.trainOnBatch(xb, yb);
      xb.dispose(); yb.dispose();
    }
  }
  console.log(mode, Math.round(n / ((performance.now() - t) / 1000)));
}
