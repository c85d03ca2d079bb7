/**
 * The built-in tabular trainer: streams the training source twice (fit the preprocessing on the
 * training split, then encode every split into typed arrays), trains a seeded tfjs model with its
 * own per-epoch seeded shuffle and early stopping on validation loss (restoring the best
 * weights), then predicts the evaluation rows (the `data.eval` source, else the test split),
 * computes metrics and permutation importance.
 *
 * Determinism: splits, shuffles, initializers and dropout masks are all derived from
 * `config.seed`, and tfjs's own `Math.random` shuffle is never used, so two runs on the same
 * backend give identical weights and metrics.
 *
 * Each epoch feeds `trainOnBatch` with batches copied from the typed arrays in the epoch's seeded
 * order (see `epoch-loop.ts` for why this beats `model.fit` on wasm).
 */
import type * as Tfjs from '@tensorflow/tfjs';
import { type ModelConfig, TrainerSchema, type TrainerSpec } from '../config/model-config.js';
import type { Cell, Row } from '../data/types.js';
import { TrainError } from '../errors.js';
import { type Backend, type BackendName, type BackendRequest, selectBackend, type Tf } from './backend.js';
import { type EncodedRows, encodeEvalSource, encodeTrainingSource } from './dataset.js';
import { trainEpoch, validationLoss } from './epoch-loop.js';
import { metricsOf } from './evaluate.js';
import { type ImportanceResult, permutationImportance } from './importance.js';
import { buildModel, compileModel } from './model-builder.js';
import { type Prediction, predictEncoded, predictRows, toPrediction } from './predict.js';
import type { Preprocessor } from './preprocess.js';
import { fitPreprocessor, type SplitCounts } from './preprocess-fit.js';
import type { TrainProgress } from './progress.js';
import { createRng, hash32, permutation } from './random.js';
import { type RowSource, throwIfAborted } from './row-source.js';

/** Options of {@link trainTabular}. */
export interface TrainOptions {
  /** The parsed model.yml (`trainer` undefined means the tfjs trainer with defaults). */
  config: ModelConfig;
  /** Training rows; re-iterable (read twice). Validation and test splits are drawn from it. */
  train: RowSource;
  /** Evaluation rows (`data.eval`); when absent, the seeded test split of `train` is evaluated. */
  eval?: RowSource;
  /** A ready backend, or which one to load (default: `trainer.backend`). */
  backend?: Backend | BackendRequest;
  /** Progress events (stages, batches, epochs); see `createProgressReporter`. */
  onProgress?: (event: TrainProgress) => void;
  /** Cancels training (between rows, batches and epochs) with a TrainError. */
  signal?: AbortSignal;
}

/** One epoch of training history. */
export interface EpochRecord {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training loss. */
  loss: number;
  /** Validation loss (null without validation rows). */
  val_loss: number | null;
  /** Wall time of the epoch (shuffle, training, validation) in milliseconds. */
  ms: number;
  /** Training samples per second of the `fit` part. */
  samples_per_sec: number;
}

/** Predictions on the evaluation rows, with what per-slice metrics need. */
export type EvalPredictions = Prediction & {
  /** Where the rows came from: the `data.eval` source or the test split of the training data. */
  source: 'eval' | 'test';
  /** Number of rows. */
  n: number;
  /** True labels: 0/1 (binary), class index (multiclass) or the raw value (regression). */
  yTrue: Float64Array;
  /** Values of the `data.id` column per row (when set). */
  ids?: Cell[];
  /** Values of each `data.slices` column per row. */
  slices: Record<string, Cell[]>;
};

/** Wall times of a run, in milliseconds. */
export interface TrainTimings {
  /** Backend loading. */
  backendMs: number;
  /** First pass: fitting the preprocessing. */
  preprocessMs: number;
  /** Second pass (and the eval source): encoding rows. */
  encodeMs: number;
  /** All epochs. */
  trainMs: number;
  /** Predicting the evaluation rows and computing metrics. */
  evaluateMs: number;
  /** Permutation importance. */
  importanceMs: number;
  /** Everything. */
  totalMs: number;
}

/** Row counts of a run. */
export interface TrainRows extends SplitCounts {
  /** Evaluation rows (the eval source's labelled rows, or the test split). */
  eval: number;
  /** Rows of the eval source skipped for a missing label. */
  evalSkipped: number;
}

/** The outcome of {@link trainTabular}. */
export interface TrainResult {
  /** The task. */
  task: ModelConfig['task'];
  /** The model config trained. */
  config: ModelConfig;
  /** The trainer hyperparameters used (defaults applied). */
  spec: TrainerSpec;
  /** The backend used. */
  backend: { name: BackendName; gpu?: string };
  /** The tf namespace the model belongs to. */
  tf: Tf;
  /** The trained model (with the best epoch's weights). */
  model: Tfjs.LayersModel;
  /** The fitted preprocessing. */
  preprocessor: Preprocessor;
  /** Per-epoch history. */
  history: EpochRecord[];
  /** The 1-based epoch whose weights the model has. */
  bestEpoch: number;
  /** Whether early stopping ended training before `epochs`. */
  stoppedEarly: boolean;
  /** Row counts. */
  rows: TrainRows;
  /** Predictions on the evaluation rows. */
  evaluation: EvalPredictions;
  /** Metrics on the evaluation rows (`computeMetrics`). */
  metrics: Record<string, number | null>;
  /** Permutation importance (null when disabled or undefined). */
  importance: ImportanceResult | null;
  /** Binary decision threshold (model.yml `threshold`). */
  threshold: number;
  /** Wall times. */
  timings: TrainTimings;
  /** Non-fatal findings (dropped columns, skipped rows). */
  warnings: string[];
  /** Scores raw rows with the in-memory model. */
  predict(rows: readonly Row[]): Prediction;
}

/** The trainer spec of a config: its `trainer`, or the defaults. Command-mode configs are a TrainError. */
export function trainerSpecOf(config: ModelConfig): TrainerSpec {
  if (config.command)
    throw new TrainError(`model "${config.name}" uses command mode; the tfjs trainer does not apply`);
  return config.trainer ?? TrainerSchema.parse({});
}

interface WeightSnapshot {
  values: Float32Array;
  shape: number[];
}

function snapshot(model: Tfjs.LayersModel): WeightSnapshot[] {
  return model
    .getWeights()
    .map((w) => ({ values: (w.dataSync() as Float32Array).slice(), shape: [...w.shape] }));
}

function restore(tf: Tf, model: Tfjs.LayersModel, weights: WeightSnapshot[]): void {
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
  model.setWeights(tensors);
  for (const t of tensors) t.dispose();
}

/** Trains, evaluates and explains a tabular model with TensorFlow.js. */
export async function trainTabular(options: TrainOptions): Promise<TrainResult> {
  const { config, signal } = options;
  const spec = trainerSpecOf(config);
  const emit = options.onProgress ?? (() => {});
  const started = performance.now();
  if (config.data.eval !== undefined && options.eval === undefined) {
    throw new TrainError(
      `data.eval is set (${config.data.eval}) but no evaluation rows were given to the trainer`,
    );
  }
  const hasEval = options.eval !== undefined;

  let t = performance.now();
  const backend =
    typeof options.backend === 'object'
      ? options.backend
      : await selectBackend(options.backend ?? spec.backend);
  const tf = backend.tf;
  const backendMs = performance.now() - t;

  t = performance.now();
  emit({ type: 'stage', stage: 'fitting preprocessing' });
  const fitted = await fitPreprocessor({
    config,
    source: options.train,
    hasEval,
    ...(signal ? { signal } : {}),
    onRows: (rows) => emit({ type: 'stage', stage: 'fitting preprocessing', rows }),
  });
  const pre = fitted.preprocessor;
  const warnings = [...fitted.warnings];
  const preprocessMs = performance.now() - t;

  t = performance.now();
  emit({ type: 'stage', stage: 'encoding rows' });
  const splits = await encodeTrainingSource(pre, {
    config,
    source: options.train,
    counts: fitted.counts,
    hasEval,
    ...(signal ? { signal } : {}),
  });
  let evalRows: EncodedRows = splits.test;
  let evalSkipped = 0;
  if (options.eval) {
    const encoded = await encodeEvalSource(pre, {
      config,
      source: options.eval,
      ...(signal ? { signal } : {}),
    });
    evalRows = encoded.rows;
    evalSkipped = encoded.skipped;
  }
  const encodeMs = performance.now() - t;
  if (fitted.counts.skipped > 0)
    warnings.push(`${fitted.counts.skipped} training rows without a label were skipped`);
  if (evalSkipped > 0) warnings.push(`${evalSkipped} evaluation rows without a label were skipped`);
  if (evalRows.n === 0) {
    throw new TrainError(
      hasEval
        ? `the evaluation data (${config.data.eval ?? 'eval'}) has no labelled rows`
        : 'no evaluation rows: set data.eval, or data.split.test above 0 (the test split is empty)',
    );
  }

  t = performance.now();
  const model = buildModel(tf, pre, spec, config.seed);
  compileModel(tf, model, pre.label.task, spec, {
    jsOptimizer: backend.name === 'wasm' || backend.name === 'cpu',
  });
  const train = splits.train;
  const validation = splits.validation;
  const n = train.n;
  const history: EpochRecord[] = [];
  const patience = spec.early_stopping.patience;
  const minDelta = spec.early_stopping.min_delta;
  const batches = Math.ceil(n / spec.batch_size);
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: WeightSnapshot[] | undefined;
  let wait = 0;
  let stoppedEarly = false;
  const order = new Uint32Array(n);
  try {
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      throwIfAborted(signal);
      const epochStart = performance.now();
      permutation(order, createRng(hash32(config.seed, 0xe90c, epoch)));
      const run = await trainEpoch({
        tf,
        reuseBuffers: backend.name === 'wasm',
        model,
        pre,
        rows: train,
        order,
        batchSize: spec.batch_size,
        onBatch: (batch, loss, samples) => {
          emit({ type: 'batch', epoch, epochs: spec.epochs, batch, batches, samples, loss });
          return signal?.aborted;
        },
      });
      const fitMs = performance.now() - epochStart;
      if (run.stopped) throwIfAborted(signal);
      const loss = run.loss;
      if (!Number.isFinite(loss)) {
        throw new TrainError(
          `training loss became ${loss} in epoch ${epoch}; lower trainer.learning_rate or check the data for extreme values`,
        );
      }
      const valLoss = validation.n > 0 ? validationLoss(tf, model, pre, validation) : null;
      const monitored = valLoss ?? loss;
      if (monitored < best - minDelta) {
        best = monitored;
        bestEpoch = epoch;
        bestWeights = snapshot(model);
        wait = 0;
      } else {
        wait++;
      }
      const ms = performance.now() - epochStart;
      const record: EpochRecord = { epoch, loss, val_loss: valLoss, ms, samples_per_sec: n / (fitMs / 1000) };
      history.push(record);
      emit({ type: 'epoch', epochs: spec.epochs, best_epoch: bestEpoch, ...record });
      if (wait > 0 && wait >= patience && epoch < spec.epochs) {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights && bestEpoch !== history.length) restore(tf, model, bestWeights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const trainMs = performance.now() - t;

  t = performance.now();
  emit({ type: 'stage', stage: 'evaluating' });
  const prediction = toPrediction(pre, predictEncoded(tf, model, pre, evalRows.X, evalRows.n));
  const yTrue = evalRows.yRaw ?? Float64Array.from(evalRows.y);
  const metrics = metricsOf(prediction, yTrue, config.threshold);
  const evaluation: EvalPredictions = {
    ...prediction,
    source: hasEval ? 'eval' : 'test',
    n: evalRows.n,
    yTrue,
    ...(evalRows.ids ? { ids: evalRows.ids } : {}),
    slices: evalRows.slices ?? {},
  };
  const evaluateMs = performance.now() - t;

  t = performance.now();
  let importance: ImportanceResult | null = null;
  if (spec.importance.enabled) {
    throwIfAborted(signal);
    emit({ type: 'stage', stage: 'permutation importance' });
    importance = permutationImportance({
      tf,
      model,
      preprocessor: pre,
      X: evalRows.X,
      n: evalRows.n,
      yTrue,
      threshold: config.threshold,
      repeats: spec.importance.repeats,
      maxRows: spec.importance.max_rows,
      seed: config.seed,
    });
  }
  const importanceMs = performance.now() - t;

  return {
    task: config.task,
    config,
    spec,
    backend: { name: backend.name, ...(backend.gpu ? { gpu: backend.gpu } : {}) },
    tf,
    model,
    preprocessor: pre,
    history,
    bestEpoch,
    stoppedEarly,
    rows: { ...fitted.counts, eval: evalRows.n, evalSkipped },
    evaluation,
    metrics,
    importance,
    threshold: config.threshold,
    timings: {
      backendMs,
      preprocessMs,
      encodeMs,
      trainMs,
      evaluateMs,
      importanceMs,
      totalMs: performance.now() - started,
    },
    warnings,
    predict: (rows) => predictRows(tf, model, pre, rows),
  };
}
