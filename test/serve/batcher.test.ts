import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { type BatchReport, MicroBatcher, rowOutputs } from '../../src/serve/batcher.js';
import type { Prediction } from '../../src/train/predict.js';
import type { ModelSignature } from '../../src/train/saved-model.js';
import { servedModel } from './helpers.js';

const signature: ModelSignature = {
  format: 'modelgate-signature',
  version: 1,
  model: 'm',
  inputs: [{ name: 'x', type: 'numeric', nullable: false }],
  output: { task: 'regression', label: 'y' },
};

/** A model whose output is x * factor (so each request can check its own slice). */
function times(factor: number, version = '1.0.0') {
  return servedModel('m', version, {
    signature,
    predict: (rows: readonly Row[]): Prediction => ({
      task: 'regression',
      yPred: Float64Array.from(rows, (r) => (r['x'] as number) * factor),
    }),
  });
}

const rows = (...xs: number[]): Row[] => xs.map((x) => ({ x }));

describe('MicroBatcher', () => {
  it('scores concurrent requests in one predict call, each with its own slice', async () => {
    const model = times(2);
    const reports: BatchReport[] = [];
    const batcher = new MicroBatcher({ maxBatch: 64, maxWaitMs: 5, onBatch: (r) => reports.push(r) });
    const results = await Promise.all([
      batcher.predict(model, rows(1, 2)),
      batcher.predict(model, rows(3)),
      batcher.predict(model, rows(4, 5, 6)),
    ]);
    expect(results).toEqual([[2, 4], [6], [8, 10, 12]]);
    expect(model.calls).toEqual([6]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ rows: 6, requests: 3 });
  });

  it('flushes as soon as the batch is full and never splits a request', async () => {
    const model = times(1);
    const batcher = new MicroBatcher({ maxBatch: 4, maxWaitMs: 10_000 });
    const started = performance.now();
    const results = await Promise.all([
      batcher.predict(model, rows(1, 2)),
      batcher.predict(model, rows(3, 4)), // fills the batch: flushed at once
      batcher.predict(model, rows(5, 6, 7)),
      batcher.predict(model, rows(8, 9)), // would overflow: flushes [5, 6, 7] first
      batcher.predict(model, rows(10, 11, 12, 13, 14)), // larger than maxBatch: on its own
    ]).catch((e) => {
      throw e;
    });
    // The last pending request [8, 9] flushed when the oversized one arrived; nothing waited 10 s.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(results).toEqual([
      [1, 2],
      [3, 4],
      [5, 6, 7],
      [8, 9],
      [10, 11, 12, 13, 14],
    ]);
    expect(model.calls).toEqual([4, 3, 2, 5]);
  });

  it('scores at once on an idle model, and batches what queues while an async predict runs', async () => {
    let release: (() => void) | null = null;
    const calls: number[] = [];
    const slow = servedModel('m', '1.0.0', {
      signature,
      predict: async (r: readonly Row[]): Promise<Prediction> => {
        calls.push(r.length);
        if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return { task: 'regression', yPred: Float64Array.from(r, (x) => x['x'] as number) };
      },
    });
    const batcher = new MicroBatcher({ maxBatch: 64, maxWaitMs: 60_000 });
    const first = batcher.predict(slow, rows(1));
    await new Promise((r) => setImmediate(r));
    // The model was idle: the lone request went at the end of the turn, with no waiting.
    expect(calls).toEqual([1]);
    const queued = [batcher.predict(slow, rows(2)), batcher.predict(slow, rows(3))];
    await new Promise((r) => setTimeout(r, 20));
    // A batch is running: the next requests wait for it (up to maxWaitMs)...
    expect(calls).toEqual([1]);
    release!();
    // ... and go together as soon as it finishes.
    expect(await Promise.all([first, ...queued])).toEqual([[1], [2], [3]]);
    expect(calls).toEqual([1, 2]);
  });

  it('waits up to maxWaitMs even on an idle model with waitWhenIdle', async () => {
    const model = times(1);
    const batcher = new MicroBatcher({ maxBatch: 64, maxWaitMs: 30, waitWhenIdle: true });
    const a = batcher.predict(model, rows(1));
    await new Promise((r) => setTimeout(r, 5));
    const b = batcher.predict(model, rows(2));
    expect(await Promise.all([a, b])).toEqual([[1], [2]]);
    expect(model.calls).toEqual([2]);
  });

  it('keeps batches per model: a hot swap scores new requests on the new model', async () => {
    const old = times(1, '1.0.0');
    const next = times(10, '2.0.0');
    const batcher = new MicroBatcher({ maxBatch: 64, maxWaitMs: 0 });
    const a = batcher.predict(old, rows(1));
    const b = batcher.predict(next, rows(1));
    const c = batcher.predict(old, rows(2));
    expect(await Promise.all([a, b, c])).toEqual([[1], [10], [2]]);
    expect(old.calls).toEqual([2]);
    expect(next.calls).toEqual([1]);
  });

  it('fails only the requests of the batch whose predict failed, thrown or rejected', async () => {
    let fail = true;
    const flaky = servedModel('m', '1.0.0', {
      signature,
      predict: (r: readonly Row[]): Prediction => {
        if (fail) throw new Error('kernel exploded');
        return { task: 'regression', yPred: Float64Array.from(r, () => 1) };
      },
    });
    const reports: BatchReport[] = [];
    const batcher = new MicroBatcher({ maxBatch: 2, maxWaitMs: 1, onBatch: (r) => reports.push(r) });
    const first = Promise.allSettled([batcher.predict(flaky, rows(1)), batcher.predict(flaky, rows(2))]);
    fail = true;
    const firstResults = await first;
    fail = false;
    const second = await batcher.predict(flaky, rows(3));
    expect(firstResults.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((firstResults[0] as PromiseRejectedResult).reason.message).toBe('kernel exploded');
    expect(second).toEqual([1]);
    expect(reports.map((r) => r.error !== undefined)).toEqual([true, false]);

    const rejecting = servedModel('m', '1.0.0', {
      signature,
      predict: async () => Promise.reject(new Error('no')),
    });
    await expect(batcher.predict(rejecting, rows(1))).rejects.toThrow('no');
    const short = servedModel('m', '1.0.0', {
      signature,
      predict: (): Prediction => ({ task: 'regression', yPred: new Float64Array(1) }),
    });
    await expect(batcher.predict(short, rows(1, 2))).rejects.toThrow(/returned 1 predictions for 2 rows/);
  });

  it('validates its options', () => {
    expect(() => new MicroBatcher({ maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => new MicroBatcher({ maxWaitMs: -1 })).toThrow(/maxWaitMs/);
    expect(new MicroBatcher().options).toEqual({ maxBatch: 64, maxWaitMs: 2, waitWhenIdle: false });
  });
});

describe('rowOutputs', () => {
  it('slices binary, multiclass and regression predictions', () => {
    expect(rowOutputs({ task: 'binary', score: Float64Array.of(0.1, 0.2, 0.3) }, 1, 2)).toEqual([0.2, 0.3]);
    const proba = Float32Array.of(0.1, 0.9, 0.7, 0.3);
    expect(rowOutputs({ task: 'multiclass', proba, classes: ['a', 'b'] }, 1, 1)).toEqual([
      [Math.fround(0.7), Math.fround(0.3)],
    ]);
    expect(rowOutputs({ task: 'regression', yPred: Float64Array.of(5, 6) }, 0, 2)).toEqual([5, 6]);
  });
});
