/**
 * Trainer throughput: samples/s per epoch of the tfjs trainer on a synthetic insurance-risk-like
 * table (12 raw features, 200k rows by default) for each available backend, side by side with
 * PyTorch CPU training the same MLP (same widths, dropout, batch size, Adam) on the same encoded
 * rows in the same run (`bench/peers/train_mlp_torch.py` through `/usr/bin/python3`; skipped with
 * a message when PyTorch is absent).
 *
 * Usage: npx tsx bench/train-throughput.ts [--rows 200000] [--epochs 3] [--backends wasm,cpu]
 *        [--cpu-epochs 2] [--python /usr/bin/python3] [--fit-compare yes|no]
 * With wasm, it also times one epoch driven by `model.fit` against the trainer's `trainOnBatch`
 * loop on the same model and rows (the reason the trainer uses the latter).
 * The rate of an epoch is training rows / epoch wall time (shuffle included; no validation split
 * in this benchmark). "steady" is the median over epochs 2.. (epoch 1 includes JIT and memory
 * warm-up on every side).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BackendName, selectBackend } from '../src/train/backend.js';
import { encodeTrainingSource } from '../src/train/dataset.js';
import { trainEpoch } from '../src/train/epoch-loop.js';
import { buildModel, compileModel } from '../src/train/model-builder.js';
import { fitPreprocessor } from '../src/train/preprocess-fit.js';
import { trainTabular } from '../src/train/trainer.js';
import { insuranceConfig, insuranceSource } from './train-data.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const rows = Number(arg('rows', '200000'));
const epochs = Number(arg('epochs', '3'));
const cpuEpochs = Number(arg('cpu-epochs', '2'));
const backends = arg('backends', 'wasm,cpu').split(',') as BackendName[];
const python = arg('python', '/usr/bin/python3');
const hidden = [64, 32];
const batch = 256;
const lr = 0.001;
const dropout = 0.1;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const steady = (rates: number[]) => median(rates.length > 1 ? rates.slice(1) : rates);
const fmt = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');

const source = insuranceSource(rows);
const dataSplit = { split: { validation: 0, test: 0.05 } };
const trainer = (e: number, backend: string) => ({
  hidden,
  batch_size: batch,
  learning_rate: lr,
  dropout,
  epochs: e,
  backend,
  importance: { enabled: false },
  early_stopping: { patience: 1000, min_delta: 0 },
});

interface Line {
  name: string;
  rates: number[];
  note?: string;
}
const results: Line[] = [];

console.log(
  `trainer throughput: ${rows.toLocaleString('en-US')} rows, MLP ${hidden.join('x')}, batch ${batch}, Adam ${lr}, dropout ${dropout}`,
);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);

let width = 0;
let trainRows = 0;
for (const name of backends) {
  let backend: Awaited<ReturnType<typeof selectBackend>>;
  try {
    backend = await selectBackend(name);
  } catch (err) {
    console.log(`${name}: skipped (${(err as Error).message})`);
    continue;
  }
  const e = name === 'cpu' ? cpuEpochs : epochs;
  const result = await trainTabular({
    config: insuranceConfig(trainer(e, name), dataSplit),
    train: source,
    backend,
  });
  width = result.preprocessor.width;
  trainRows = result.rows.train;
  const rates = result.history.map((h) => trainRows / (h.ms / 1000));
  results.push({ name: `tfjs ${name}`, rates, note: `auc ${result.metrics['roc_auc']?.toFixed(4)}` });
  console.log(
    `tfjs ${name}: ${rates.map(fmt).join(', ')} samples/s per epoch (train rows ${trainRows}, width ${width})`,
  );
}

// The two ways to drive an epoch on wasm, same model and rows: `model.fit` on an epoch tensor
// (what tfjs suggests) versus the trainer's `trainOnBatch` loop over JS-side batches.
if (backends.includes('wasm') && arg('fit-compare', 'yes') === 'yes') {
  const { tf } = await selectBackend('wasm');
  const config = insuranceConfig(trainer(1, 'wasm'), dataSplit);
  const fitted = await fitPreprocessor({ config, source, hasEval: false });
  const pre = fitted.preprocessor;
  const { train } = await encodeTrainingSource(pre, {
    config,
    source,
    counts: fitted.counts,
    hasEval: false,
  });
  const spec = config.trainer!;
  const order = Uint32Array.from({ length: train.n }, (_, i) => i);
  const rates: Record<string, number[]> = { fit: [], trainOnBatch: [] };
  for (const mode of ['fit', 'trainOnBatch', 'fit', 'trainOnBatch'] as const) {
    const model = buildModel(tf, pre, spec, 42);
    compileModel(tf, model, 'binary', spec, { jsOptimizer: true });
    const started = performance.now();
    if (mode === 'fit') {
      const x = tf.tensor2d(train.X, [train.n, pre.width]);
      const y = tf.tensor2d(train.y, [train.n, 1]);
      await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0 });
      x.dispose();
      y.dispose();
    } else {
      await trainEpoch({ tf, reuseBuffers: true, model, pre, rows: train, order, batchSize: batch });
    }
    rates[mode]!.push(train.n / ((performance.now() - started) / 1000));
    model.dispose();
  }
  console.log(
    `wasm epoch driver: model.fit ${rates['fit']!.map(fmt).join(', ')} vs trainOnBatch loop ${rates['trainOnBatch']!.map(fmt).join(', ')} samples/s`,
  );
}

// PyTorch peer on the very same encoded training rows.
const peer = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'train_mlp_torch.py');
const hasTorch =
  existsSync(python) && spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) {
  console.log(
    `pytorch peer: skipped (${python} with torch and numpy not found; on Debian: apt install python3-torch)`,
  );
} else {
  const config = insuranceConfig(trainer(epochs, 'cpu'), dataSplit);
  const fitted = await fitPreprocessor({ config, source, hasEval: false });
  const splits = await encodeTrainingSource(fitted.preprocessor, {
    config,
    source,
    counts: fitted.counts,
    hasEval: false,
  });
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  try {
    const xPath = join(dir, 'x.f32');
    const yPath = join(dir, 'y.f32');
    await writeFile(
      xPath,
      new Uint8Array(splits.train.X.buffer, splits.train.X.byteOffset, splits.train.X.byteLength),
    );
    await writeFile(
      yPath,
      new Uint8Array(splits.train.y.buffer, splits.train.y.byteOffset, splits.train.y.byteLength),
    );
    const threadCounts = [...new Set([1, cpus().length])];
    for (const threads of threadCounts) {
      const run = spawnSync(
        python,
        [
          peer,
          ...[
            '--x',
            xPath,
            '--y',
            yPath,
            '--rows',
            String(splits.train.n),
            '--width',
            String(fitted.preprocessor.width),
          ],
          ...['--hidden', hidden.join(','), '--batch', String(batch), '--epochs', String(epochs)],
          ...['--lr', String(lr), '--dropout', String(dropout), '--threads', String(threads)],
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (run.status !== 0) {
        console.log(`pytorch peer (${threads} threads) failed: ${run.stderr.trim().split('\n').at(-1)}`);
        continue;
      }
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
        torch: string;
        threads: number;
        epochs: { samples_per_sec: number }[];
      };
      const rates = out.epochs.map((e) => e.samples_per_sec);
      results.push({
        name: `pytorch ${out.torch} (${out.threads} thread${out.threads > 1 ? 's' : ''})`,
        rates,
      });
      console.log(`pytorch ${out.threads} thread(s): ${rates.map(fmt).join(', ')} samples/s per epoch`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const torch1 = results.find((r) => r.name.startsWith('pytorch') && r.name.includes('(1 thread)'));
const torchAll = results.filter((r) => r.name.startsWith('pytorch')).at(-1);
console.log('');
console.log('| run | steady samples/s | vs pytorch 1 thread | vs pytorch all threads | note |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of results) {
  const s = steady(r.rates);
  const v1 = torch1 ? (s / steady(torch1.rates)).toFixed(2) : '-';
  const vAll = torchAll ? (s / steady(torchAll.rates)).toFixed(2) : '-';
  console.log(`| ${r.name} | ${fmt(s)} | ${v1}x | ${vAll}x | ${r.note ?? ''} |`);
}
console.log(
  JSON.stringify({
    bench: 'train-throughput',
    rows,
    trainRows,
    width,
    results: results.map((r) => ({
      name: r.name,
      rates: r.rates.map(Math.round),
      steady: Math.round(steady(r.rates)),
    })),
  }),
);
