import { selectBackend } from '../src/train/backend.js';
import { buildModel, compileModel } from '../src/train/model-builder.js';
import { fitPreprocessor } from '../src/train/preprocess-fit.js';
import { arraySource } from '../src/train/row-source.js';
import { binaryRows, makeConfig } from '../test/train/synthetic.js';

const config = makeConfig({ task: 'binary', label: 'y' });
const b = await selectBackend('wasm');
const { preprocessor } = await fitPreprocessor({
  config,
  source: arraySource(binaryRows(100)),
  hasEval: false,
});
let t = performance.now();
const m = buildModel(b.tf, preprocessor, config.trainer!, 1);
console.log('build', performance.now() - t);
t = performance.now();
compileModel(b.tf, m, 'binary', config.trainer!);
console.log('compile', performance.now() - t);
t = performance.now();
const m2 = buildModel(b.tf, preprocessor, config.trainer!, 1);
console.log('build2', performance.now() - t);
