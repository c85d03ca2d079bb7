/**
 * Trainer memory: trains on 1,000,000 generated rows (20 raw features, streamed from a generator
 * row source, never materialised as row objects) and prints the peak resident set size, which
 * must stay under 2 GB. Rows are encoded straight into typed arrays; only one batch at a time
 * lives on the backend.
 *
 * Usage: npx tsx bench/train-memory.ts [--rows 1000000] [--epochs 2] [--backend wasm]
 */
import { selectBackend } from '../src/train/backend.js';
import { trainTabular } from '../src/train/trainer.js';
import { insuranceConfig, insuranceSource } from './train-data.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const rows = Number(arg('rows', '1000000'));
const epochs = Number(arg('epochs', '2'));
const backendName = arg('backend', 'wasm') as 'wasm' | 'cpu';
const LIMIT_MB = 2048;

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 50);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const backend = await selectBackend(backendName);
const config = insuranceConfig({ epochs, importance: { enabled: true, repeats: 1, max_rows: 5000 } });
const started = performance.now();
const result = await trainTabular({
  config,
  train: insuranceSource(rows, 1, 8),
  backend,
  onProgress: (e) => {
    sample();
    if (e.type === 'epoch') {
      console.log(
        `epoch ${e.epoch}: ${Math.round(e.samples_per_sec).toLocaleString('en-US')} samples/s, rss ${mb(process.memoryUsage().rss)} MB`,
      );
    }
  },
});
sample();
clearInterval(timer);
const maxRssKb = process.resourceUsage().maxRSS; // kilobytes, the kernel's high-water mark
const peakMb = Math.max(mb(peak), Math.round(maxRssKb / 1024));
console.log(
  `rows ${rows.toLocaleString('en-US')} (train ${result.rows.train}, validation ${result.rows.validation}, test ${result.rows.test}), ` +
    `${result.preprocessor.features.length} raw features -> ${result.preprocessor.width} columns, backend ${backend.name}`,
);
console.log(
  `timings: preprocess ${(result.timings.preprocessMs / 1000).toFixed(1)}s, encode ${(result.timings.encodeMs / 1000).toFixed(1)}s, ` +
    `train ${(result.timings.trainMs / 1000).toFixed(1)}s, evaluate ${(result.timings.evaluateMs / 1000).toFixed(1)}s, ` +
    `importance ${(result.timings.importanceMs / 1000).toFixed(1)}s, total ${((performance.now() - started) / 1000).toFixed(1)}s; auc ${result.metrics['roc_auc']?.toFixed(4)}`,
);
console.log(`peak RSS ${peakMb} MB (limit ${LIMIT_MB} MB): ${peakMb < LIMIT_MB ? 'OK' : 'OVER'}`);
console.log(
  JSON.stringify({
    bench: 'train-memory',
    rows,
    backend: backend.name,
    peakRssMB: peakMb,
    limitMB: LIMIT_MB,
  }),
);
process.exitCode = peakMb < LIMIT_MB ? 0 : 1;
