import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/train/backend.js';
import { createProgressReporter, formatDuration, type TrainProgress } from '../../src/train/progress.js';
import { arraySource } from '../../src/train/row-source.js';
import { trainTabular } from '../../src/train/trainer.js';
import { binaryRows, makeConfig } from './synthetic.js';

const epoch = (n: number): TrainProgress => ({
  type: 'epoch',
  epoch: n,
  epochs: 3,
  loss: 0.5 / n,
  val_loss: 0.6 / n,
  ms: 1500,
  samples_per_sec: 12345.6,
  best_epoch: n,
});

describe('createProgressReporter', () => {
  it('prints one plain line per epoch when not a TTY (no control characters, no batch noise)', () => {
    let out = '';
    const r = createProgressReporter({ isTTY: false, write: (t) => (out += t) });
    r.onProgress({ type: 'stage', stage: 'fitting preprocessing' });
    r.onProgress({ type: 'stage', stage: 'fitting preprocessing', rows: 65536 });
    for (let e = 1; e <= 3; e++) {
      for (let b = 1; b <= 10; b++)
        r.onProgress({
          type: 'batch',
          epoch: e,
          epochs: 3,
          batch: b,
          batches: 10,
          samples: b * 100,
          loss: 0.4,
        });
      r.onProgress(epoch(e));
    }
    r.done();
    expect(out.includes('\r') || out.includes('\u001b')).toBe(false);
    const lines = out.trimEnd().split('\n');
    expect(lines).toEqual([
      'fitting preprocessing',
      'epoch 1/3  loss 0.5000  val_loss 0.6000  1.50s  12,346 samples/s',
      'epoch 2/3  loss 0.2500  val_loss 0.3000  1.50s  12,346 samples/s',
      'epoch 3/3  loss 0.1667  val_loss 0.2000  1.50s  12,346 samples/s',
    ]);
  });

  it('redraws a bar with loss, val_loss, rate and ETA on a TTY, and keeps each epoch line', () => {
    let out = '';
    let clock = 0;
    const r = createProgressReporter({
      isTTY: true,
      write: (t) => (out += t),
      now: () => clock,
      redrawMs: 0,
      barWidth: 10,
    });
    r.onProgress({ type: 'batch', epoch: 1, epochs: 3, batch: 1, batches: 4, samples: 256, loss: 0.9 });
    clock = 1000;
    r.onProgress({ type: 'batch', epoch: 1, epochs: 3, batch: 2, batches: 4, samples: 512, loss: 0.8 });
    expect(out).toContain('\r\x1b[2Kepoch 1/3 [#####.....] 50%  loss 0.8000  val_loss -');
    expect(out).toContain('512 samples/s');
    expect(out).toMatch(/ETA \d+:\d\d/);
    r.onProgress(epoch(1));
    expect(out).toContain('epoch 1/3  loss 0.5000  val_loss 0.6000  1.50s  12,346 samples/s  ETA 0:03\n');
    r.onProgress({ type: 'batch', epoch: 2, epochs: 3, batch: 1, batches: 4, samples: 256 });
    expect(out.split('\r').at(-1)).toContain('val_loss 0.6000');
    r.done();
    expect(out.endsWith('\n')).toBe(true);
  });

  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('reports a real training run as plain lines', async () => {
    let out = '';
    const reporter = createProgressReporter({ isTTY: false, write: (t) => (out += t) });
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      trainer: { epochs: 3, early_stopping: { patience: 10 } },
    });
    const wasm = await selectBackend('wasm');
    await trainTabular({
      config,
      train: arraySource(binaryRows(400)),
      backend: wasm,
      onProgress: reporter.onProgress,
    });
    reporter.done();
    const epochLines = out.split('\n').filter((l) => l.startsWith('epoch'));
    expect(epochLines).toHaveLength(3);
    expect(epochLines[2]).toMatch(
      /^epoch 3\/3 {2}loss \d\.\d+ {2}val_loss \d\.\d+ {2}\d+\.\d\ds {2}[\d,]+ samples\/s$/,
    );
  });
});
