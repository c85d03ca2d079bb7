import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { TrainError } from '../../src/errors.js';
import { selectBackend } from '../../src/train/backend.js';
import { createRng } from '../../src/train/random.js';
import { arraySource } from '../../src/train/row-source.js';
import { trainTabular } from '../../src/train/trainer.js';
import { binaryRows, makeConfig, multiclassRows, normal, regressionRows } from './synthetic.js';

const wasm = await selectBackend('wasm');

async function weightsOf(result: Awaited<ReturnType<typeof trainTabular>>): Promise<Float32Array[]> {
  return Promise.all(result.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

describe('trainTabular', () => {
  it('learns a binary task clearly better than chance, with eval predictions, slices, ids and importance', async () => {
    const config = makeConfig({ task: 'binary', label: 'y', data: { id: 'id', slices: ['group'] } });
    const events: string[] = [];
    const result = await trainTabular({
      config,
      train: arraySource(binaryRows(2500)),
      backend: wasm,
      onProgress: (e) => events.push(e.type),
    });
    expect(result.backend.name).toBe('wasm');
    expect(result.metrics['roc_auc']).toBeGreaterThan(0.85);
    expect(result.metrics['accuracy']).toBeGreaterThan(0.75);
    const ev = result.evaluation;
    expect(ev.source).toBe('test');
    expect(ev.n).toBe(result.rows.test);
    expect(ev.task === 'binary' && ev.score.length).toBe(ev.n);
    expect(ev.yTrue.length).toBe(ev.n);
    expect(ev.ids?.length).toBe(ev.n);
    expect(ev.ids?.[0]).toMatch(/^r\d+$/);
    expect(ev.slices['group']?.length).toBe(ev.n);
    expect(result.history.length).toBeGreaterThan(0);
    for (const h of result.history) {
      expect(h.loss).toBeGreaterThan(0);
      expect(h.val_loss).not.toBeNull();
      expect(h.samples_per_sec).toBeGreaterThan(0);
    }
    expect(result.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(events).toContain('epoch');
    expect(events).toContain('batch');
    // Importance: x1 and x2 drive the label, x3 is noise.
    const imp = result.importance!;
    expect(imp.metric).toBe('roc_auc');
    const byName = Object.fromEntries(imp.features.map((f) => [f.feature, f.importance]));
    expect(byName['x1']).toBeGreaterThan(0.1);
    expect(byName['x1']).toBeGreaterThan(byName['x3']!);
    expect(Math.abs(byName['x3']!)).toBeLessThan(0.03);
    expect(result.timings.totalMs).toBeGreaterThan(0);
    // The in-memory predictor scores raw rows, unseen categories and missing values included.
    const p = result.predict([
      { x1: 2, x2: 40, x3: 0, region: 'north' },
      { x1: -2, x2: 60, x3: 0, region: 'nowhere' },
      { x1: null, x2: null, x3: null, region: null },
    ]);
    expect(p.task).toBe('binary');
    if (p.task === 'binary') {
      expect(p.score[0]).toBeGreaterThan(0.8);
      expect(p.score[1]).toBeLessThan(0.2);
      expect(p.score[2]).toBeGreaterThan(0);
      expect(p.score[2]).toBeLessThan(1);
    }
  });

  it('learns a multiclass task clearly better than chance', async () => {
    const config = makeConfig({ task: 'multiclass', label: 'species' });
    const result = await trainTabular({ config, train: arraySource(multiclassRows(1500)), backend: wasm });
    expect(result.metrics['accuracy']).toBeGreaterThan(0.8); // chance is 1/3
    const ev = result.evaluation;
    expect(ev.task).toBe('multiclass');
    if (ev.task === 'multiclass') {
      expect(ev.classes).toEqual(['cat', 'dog', 'fox']);
      expect(ev.proba.length).toBe(ev.n * 3);
    }
    expect(result.importance?.metric).toBe('accuracy');
  });

  it('learns a regression task on the label scale (standardised target inverted)', async () => {
    const config = makeConfig({ task: 'regression', label: 'target', trainer: { epochs: 12 } });
    const result = await trainTabular({ config, train: arraySource(regressionRows(1500)), backend: wasm });
    expect(result.metrics['r2']).toBeGreaterThan(0.9);
    const ev = result.evaluation;
    if (ev.task !== 'regression') throw new Error('expected regression');
    expect(ev.yPred[0]).toBeGreaterThan(800);
    expect(ev.yPred[0]).toBeLessThan(1200);
    expect(result.importance?.metric).toBe('r2');
  });

  it('is deterministic: two runs give identical metrics and weights', async () => {
    const config = makeConfig({ task: 'binary', label: 'y', trainer: { epochs: 3, dropout: 0.3 } });
    const rows = binaryRows(1200, 5);
    const a = await trainTabular({ config, train: arraySource(rows), backend: wasm });
    const b = await trainTabular({ config, train: arraySource(rows), backend: wasm });
    expect(b.metrics).toEqual(a.metrics);
    expect(b.history.map((h) => [h.loss, h.val_loss])).toEqual(a.history.map((h) => [h.loss, h.val_loss]));
    expect(await weightsOf(b)).toEqual(await weightsOf(a));
    expect(b.importance).toEqual(a.importance);
    // A different seed gives a different model.
    const c = await trainTabular({ config: { ...config, seed: 8 }, train: arraySource(rows), backend: wasm });
    expect(await weightsOf(c)).not.toEqual(await weightsOf(a));
  });

  it('evaluates a separate eval source and keeps its rows out of the preprocessing', async () => {
    const config = makeConfig({ task: 'binary', label: 'y', data: { eval: 'eval.csv', slices: ['group'] } });
    const result = await trainTabular({
      config,
      train: arraySource(binaryRows(1500, 1)),
      eval: arraySource([
        ...binaryRows(400, 9),
        { x1: 0, x2: 0, x3: 0, region: 'north', group: 'a', y: null },
      ]),
      backend: wasm,
    });
    expect(result.evaluation.source).toBe('eval');
    expect(result.rows.test).toBe(0);
    expect(result.rows.eval).toBe(400);
    expect(result.rows.evalSkipped).toBe(1);
    expect(result.metrics['roc_auc']).toBeGreaterThan(0.85);
    await expect(
      trainTabular({ config, train: arraySource(binaryRows(100)), backend: wasm }),
    ).rejects.toThrow(/data.eval is set/);
  });

  it('stops early on a plateau and restores the best weights', async () => {
    // Pure-noise labels: the validation loss bottoms out after a few epochs while training
    // loss keeps falling (overfitting a wide network with a high learning rate).
    const rng = createRng(11);
    const rows: Row[] = Array.from({ length: 600 }, () => {
      const r: Row = { y: rng() < 0.5 ? 1 : 0 };
      for (let j = 0; j < 10; j++) r[`f${j}`] = normal(rng);
      return r;
    });
    const trainer = {
      hidden: [128, 128],
      epochs: 60,
      learning_rate: 0.01,
      dropout: 0,
      batch_size: 32,
      importance: { enabled: false },
      early_stopping: { patience: 3, min_delta: 0.0001 },
    };
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      trainer,
      data: { split: { validation: 0.3, test: 0.2 } },
    });
    const stopped = await trainTabular({ config, train: arraySource(rows), backend: wasm });
    expect(stopped.stoppedEarly).toBe(true);
    expect(stopped.history.length).toBeLessThan(60);
    expect(stopped.history.length).toBe(stopped.bestEpoch + 3);
    const best = stopped.history[stopped.bestEpoch - 1]!.val_loss!;
    for (const h of stopped.history) expect(h.val_loss!).toBeGreaterThanOrEqual(best - 0.0001);
    expect(stopped.history.at(-1)!.val_loss!).toBeGreaterThan(best);
    // The returned weights are the best epoch's: training exactly bestEpoch epochs (same seed,
    // same data) ends on the same weights.
    const exact = makeConfig({
      task: 'binary',
      label: 'y',
      trainer: { ...trainer, epochs: stopped.bestEpoch },
      data: { split: { validation: 0.3, test: 0.2 } },
    });
    const reference = await trainTabular({ config: exact, train: arraySource(rows), backend: wasm });
    expect(await weightsOf(stopped)).toEqual(await weightsOf(reference));
    expect(stopped.metrics).toEqual(reference.metrics);
  });

  it('honours an abort signal with a TrainError', async () => {
    const config = makeConfig({ task: 'binary', label: 'y', trainer: { epochs: 50 } });
    const controller = new AbortController();
    const run = trainTabular({
      config,
      train: arraySource(binaryRows(800)),
      backend: wasm,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'epoch' && e.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TrainError);
    await expect(run).rejects.toThrow(/aborted/);
  });

  it('rejects command-mode configs and empty evaluation splits clearly', async () => {
    const noTest = makeConfig({ task: 'binary', label: 'y', data: { split: { validation: 0.1, test: 0 } } });
    await expect(
      trainTabular({ config: noTest, train: arraySource(binaryRows(100)), backend: wasm }),
    ).rejects.toThrow(/no evaluation rows/);
    const command = { ...noTest, trainer: undefined, command: { run: 'x' } } as unknown as typeof noTest;
    await expect(trainTabular({ config: command, train: arraySource([]), backend: wasm })).rejects.toThrow(
      /command mode/,
    );
  });

  it('trains a linear model with an embedding feature', async () => {
    const config = makeConfig({
      task: 'binary',
      label: 'y',
      trainer: { architecture: 'linear', learning_rate: 0.05 },
      data: {
        features: [
          { name: 'x1', type: 'numeric' },
          { name: 'x2', type: 'numeric' },
          { name: 'region', type: 'categorical', encoding: 'embedding', embedding_dim: 2 },
        ],
      },
    });
    const result = await trainTabular({ config, train: arraySource(binaryRows(1500)), backend: wasm });
    expect(result.metrics['roc_auc']).toBeGreaterThan(0.85);
    expect(result.model.inputs.length).toBe(2);
  });
});
