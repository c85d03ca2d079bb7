import { trainTabular } from '../src/train/trainer.js';
import { selectBackend } from '../src/train/backend.js';
import { insuranceConfig, insuranceSource } from './train-data.js';
const backend = await selectBackend((process.argv[2] ?? 'wasm') as 'wasm');
const n = Number(process.argv[3] ?? 100000);
const config = insuranceConfig({ epochs: 3, dropout: Number(process.env.DROPOUT ?? 0.1), importance: { enabled: false }, early_stopping: { patience: 100 } }, { split: { validation: 0, test: 0.05 } });
const r = await trainTabular({ config, train: insuranceSource(n), backend, onProgress: process.argv[4] ? () => {} : undefined });
console.log(backend.name, 'width', r.preprocessor.width, r.history.map((h) => [Math.round(h.samples_per_sec), Math.round(r.rows.train / (h.ms / 1000))]), r.metrics.roc_auc, Math.round(r.timings.preprocessMs), Math.round(r.timings.encodeMs));
