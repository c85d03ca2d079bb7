import * as tf from '@tensorflow/tfjs';
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
import { createRng } from '../src/train/random.js';
let t = performance.now();
for (let i = 0; i < 1000; i++) tf.tidy(() => tf.randomUniform([256, 64], 0, 1, 'float32', i).dataSync());
console.log('randomUniform seeded per call ms', (performance.now() - t) / 1000);
t = performance.now();
for (let i = 0; i < 1000; i++) { const r = createRng(i); const a = new Float32Array(256 * 64); for (let j = 0; j < a.length; j++) a[j] = r() < 0.9 ? 1 / 0.9 : 0; tf.tidy(() => tf.tensor(a, [256, 64]).dataSync()); }
console.log('mulberry mask ms', (performance.now() - t) / 1000);
