import { arraySource, trainTabular } from '../src/train/index.js';
import { binaryRows, makeConfig } from '../test/train/synthetic.js';

const config = makeConfig({
  task: 'binary',
  label: 'y',
  data: { id: 'id', slices: ['group'] },
  trainer: { backend: process.argv[2] ?? 'wasm' },
});
const r = await trainTabular({
  config,
  train: arraySource(binaryRows(3000)),
  onProgress: (e) => e.type === 'epoch' && console.log(e),
});
console.log(r.metrics, r.bestEpoch, r.stoppedEarly, r.rows, r.importance, r.timings, r.backend, r.warnings);
