import { arraySource, trainTabular } from '../src/train/index.js';
import { binaryRows, makeConfig } from '../test/train/synthetic.js';

const config = makeConfig({ task: 'binary', label: 'y', trainer: { backend: 'wasm' } });
let last = performance.now();
const r = await trainTabular({
  config,
  train: arraySource(binaryRows(3000)),
  onProgress: (e) => {
    if (e.type !== 'batch') {
      const t = performance.now();
      console.log((t - last).toFixed(0), e.type, e.type === 'epoch' ? e.ms.toFixed(0) : '');
      last = t;
    }
  },
});
console.log(r.timings);
