import { trainTabular } from '../src/train/trainer.js';
import { selectBackend } from '../src/train/backend.js';
import { insuranceConfig, insuranceSource } from './train-data.js';
const backend = await selectBackend('wasm');
const config = insuranceConfig({ epochs: 3, dropout: 0.1, importance: { enabled: false }, early_stopping: { patience: 100 } }, { split: { validation: 0, test: 0.05 } });
const r = await trainTabular({ config, train: insuranceSource(100000), backend });
console.log(r.history.map((h) => Math.round(r.rows.train / (h.ms / 1000))));
