/**
 * Micro-batching: concurrent requests for the same model version are scored by ONE `predict`
 * call, and each request gets its own slice of the outputs.
 *
 * Batches are kept per {@link ServedModel} object, so they follow the lease semantics of the model
 * manager: a request is queued on the model its lease holds, a hot swap makes new requests queue
 * on the new model, and batches already queued or running on the old model finish on it (the old
 * model is only disposed once its leases are released, after their batch is done).
 *
 * When a batch is flushed (adaptive batching):
 * - as soon as it holds `maxBatch` rows;
 * - when the model is idle (no batch of it running): at the end of the current event-loop turn,
 *   so every request whose body arrived in the same turn joins it and a lone request pays no
 *   waiting time (a synchronous `predict`, such as the tfjs CPU/wasm backends', keeps the event
 *   loop busy, and the requests that arrive meanwhile form the next batch);
 * - while a batch of the model is running (an asynchronous `predict`): when that batch finishes,
 *   or once the first queued request has waited `maxWaitMs`, whichever comes first.
 * With `waitWhenIdle`, a batch always waits up to `maxWaitMs` for more requests (larger batches,
 * more latency: measured on loopback with the example model, waiting 2 ms cut the throughput at
 * concurrency 1 and 16 by 3 to 10 times and did not raise it at 64).
 *
 * Requests are never split: a request that would overflow the pending batch flushes it first, and
 * a request larger than `maxBatch` is scored on its own. A predict error (thrown or rejected)
 * fails the requests of that batch only.
 */
import type { Row } from '../data/types.js';
import type { Prediction } from '../train/predict.js';
import type { BatchOptions, RowOutput } from './http-types.js';
import type { ServedModel } from './types.js';

/** Default micro-batching settings. */
export const DEFAULT_BATCH: BatchOptions = { maxBatch: 64, maxWaitMs: 2, waitWhenIdle: false };

/** What {@link MicroBatcher} reports after each `predict` call. */
export interface BatchReport {
  /** The model the batch ran on. */
  model: ServedModel;
  /** Rows in the batch. */
  rows: number;
  /** Requests in the batch. */
  requests: number;
  /** Duration of the `predict` call in milliseconds. */
  ms: number;
  /** The error, when the batch failed. */
  error?: unknown;
}

/** Options of {@link MicroBatcher}. */
export interface MicroBatcherOptions extends Partial<BatchOptions> {
  /** Called after every `predict` call (metrics). */
  onBatch?: (report: BatchReport) => void;
}

interface Pending {
  rows: readonly Row[];
  resolve: (outputs: RowOutput[]) => void;
  reject: (err: unknown) => void;
}

/** The per-row outputs of `count` rows of a prediction, from row `start` (non-finite values serialise as JSON null). */
export function rowOutputs(prediction: Prediction, start: number, count: number): RowOutput[] {
  const out: RowOutput[] = new Array(count);
  if (prediction.task === 'binary') {
    for (let i = 0; i < count; i++) out[i] = prediction.score[start + i]!;
  } else if (prediction.task === 'regression') {
    for (let i = 0; i < count; i++) out[i] = prediction.yPred[start + i]!;
  } else {
    const k = prediction.classes.length;
    for (let i = 0; i < count; i++) {
      const row = prediction.proba.subarray((start + i) * k, (start + i + 1) * k);
      out[i] = Array.from(row);
    }
  }
  return out;
}

/** Rows a prediction holds. */
function predictionLength(prediction: Prediction): number {
  if (prediction.task === 'binary') return prediction.score.length;
  if (prediction.task === 'regression') return prediction.yPred.length;
  const k = prediction.classes.length;
  return k === 0 ? 0 : prediction.proba.length / k;
}

class ModelQueue {
  private pending: Pending[] = [];
  private pendingRows = 0;
  /** Batches of this model whose `predict` has not returned yet. */
  private running = 0;
  private timer:
    | { kind: 'timeout'; handle: NodeJS.Timeout }
    | { kind: 'immediate'; handle: NodeJS.Immediate }
    | null = null;

  constructor(
    private readonly model: ServedModel,
    private readonly options: BatchOptions,
    private readonly onBatch: ((report: BatchReport) => void) | undefined,
  ) {}

  add(rows: readonly Row[]): Promise<RowOutput[]> {
    if (this.pendingRows > 0 && this.pendingRows + rows.length > this.options.maxBatch) this.flush();
    const promise = new Promise<RowOutput[]>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
    });
    this.pendingRows += rows.length;
    if (this.pendingRows >= this.options.maxBatch) this.flush();
    else if (this.timer === null) {
      if (this.running > 0 || this.options.waitWhenIdle) this.schedule(this.options.maxWaitMs);
      else this.schedule(0);
    }
    return promise;
  }

  /** Flushes after `ms` milliseconds, or at the end of this event-loop turn (0). */
  private schedule(ms: number): void {
    const flush = () => {
      this.timer = null;
      this.flush();
    };
    this.timer =
      ms > 0
        ? { kind: 'timeout', handle: setTimeout(flush, ms) }
        : { kind: 'immediate', handle: setImmediate(flush) };
  }

  /** A batch finished: requests waiting for it go now (unless `waitWhenIdle` makes them wait). */
  private finished(): void {
    this.running--;
    if (
      this.running === 0 &&
      this.pending.length > 0 &&
      this.timer?.kind === 'timeout' &&
      !this.options.waitWhenIdle
    ) {
      clearTimeout(this.timer.handle);
      this.schedule(0);
    }
  }

  private flush(): void {
    if (this.timer !== null) {
      if (this.timer.kind === 'timeout') clearTimeout(this.timer.handle);
      else clearImmediate(this.timer.handle);
      this.timer = null;
    }
    const batch = this.pending;
    const total = this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
    if (batch.length === 0) return;
    void this.run(batch, total);
  }

  private async run(batch: Pending[], total: number): Promise<void> {
    const rows = batch.length === 1 ? batch[0]!.rows : batch.flatMap((p) => p.rows);
    const started = performance.now();
    let prediction: Prediction;
    this.running++;
    try {
      try {
        prediction = await this.model.predict(rows);
      } finally {
        this.finished();
      }
      const n = predictionLength(prediction);
      if (n !== total) {
        throw new Error(
          `model ${this.model.name}@${this.model.version} returned ${n} predictions for ${total} rows`,
        );
      }
    } catch (err) {
      this.report(batch.length, total, started, err);
      for (const p of batch) p.reject(err);
      return;
    }
    this.report(batch.length, total, started);
    let start = 0;
    for (const p of batch) {
      p.resolve(rowOutputs(prediction, start, p.rows.length));
      start += p.rows.length;
    }
  }

  private report(requests: number, rows: number, started: number, error?: unknown): void {
    if (!this.onBatch) return;
    try {
      this.onBatch({
        model: this.model,
        rows,
        requests,
        ms: performance.now() - started,
        ...(error === undefined ? {} : { error }),
      });
    } catch {
      // A failing metrics hook must not fail requests.
    }
  }
}

/** Micro-batches concurrent `predict` requests per model version (see the module doc). */
export class MicroBatcher {
  /** The settings in use. */
  readonly options: BatchOptions;
  private readonly queues = new WeakMap<ServedModel, ModelQueue>();
  private readonly onBatch: ((report: BatchReport) => void) | undefined;

  constructor(options: MicroBatcherOptions = {}) {
    const maxBatch = options.maxBatch ?? DEFAULT_BATCH.maxBatch;
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_BATCH.maxWaitMs;
    const waitWhenIdle = options.waitWhenIdle ?? DEFAULT_BATCH.waitWhenIdle;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`batch.maxBatch must be a positive integer, got ${maxBatch}`);
    }
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
      throw new RangeError(`batch.maxWaitMs must be a non-negative number, got ${maxWaitMs}`);
    }
    this.options = { maxBatch, maxWaitMs, waitWhenIdle };
    this.onBatch = options.onBatch;
  }

  /**
   * Scores `rows` on `model` together with the other requests queued for the same model; resolves
   * to one output per row (see {@link rowOutputs}), rejects with the batch's predict error.
   */
  predict(model: ServedModel, rows: readonly Row[]): Promise<RowOutput[]> {
    let queue = this.queues.get(model);
    if (!queue) {
      queue = new ModelQueue(model, this.options, this.onBatch);
      this.queues.set(model, queue);
    }
    return queue.add(rows);
  }
}
