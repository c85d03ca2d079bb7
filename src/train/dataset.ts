/**
 * Encodes streamed rows straight into row-major `Float32Array`s (never an array of row objects
 * for the whole dataset). The training source is encoded into its train / validation / test
 * splits with exact preallocation (the fitting pass counted them); an evaluation source grows
 * its buffers geometrically and trims them at the end.
 */
import type { ModelConfig } from '../config/model-config.js';
import type { Cell, Row } from '../data/types.js';
import { TrainError } from '../errors.js';
import { isMissing, type Preprocessor } from './preprocess.js';
import type { SplitCounts } from './preprocess-fit.js';
import { type RowSource, throwIfAborted } from './row-source.js';
import { assignSplit, type SplitName } from './split.js';

/** Encoded rows of one split. */
export interface EncodedRows {
  /** Number of rows. */
  n: number;
  /** Columns per row (the preprocessor's width). */
  width: number;
  /** Encoded features, row-major, `n * width`. */
  X: Float32Array;
  /** Training targets: 0/1, class index, or the standardised regression value. */
  y: Float32Array;
  /** Label on its own scale (class index, or the raw regression value); evaluation splits only. */
  yRaw?: Float64Array;
  /** Id column values; evaluation splits only (when `data.id` is set). */
  ids?: Cell[];
  /** Slice column values by column; evaluation splits only. */
  slices?: Record<string, Cell[]>;
}

/** Growable storage for encoded rows. */
class RowBuffer {
  n = 0;
  X: Float32Array;
  y: Float32Array;
  yRaw: Float64Array | undefined;
  ids: Cell[] | undefined;
  slices: Record<string, Cell[]> | undefined;

  constructor(
    readonly width: number,
    capacity: number,
    meta: { id?: string; slices: string[] } | undefined,
    private readonly exact: boolean,
  ) {
    const cap = Math.max(1, capacity);
    this.X = new Float32Array(cap * width);
    this.y = new Float32Array(cap);
    if (meta) {
      this.yRaw = new Float64Array(cap);
      if (meta.id) this.ids = [];
      this.slices = Object.fromEntries(meta.slices.map((s) => [s, [] as Cell[]]));
    }
  }

  /** Reserves the next row and returns its index. */
  next(): number {
    const capacity = this.y.length;
    if (this.n === capacity) {
      if (this.exact)
        throw new TrainError('the training data returned more rows on the second pass than on the first');
      const grown = Math.ceil(capacity * 1.5) + 1024;
      const X = new Float32Array(grown * this.width);
      X.set(this.X);
      this.X = X;
      const y = new Float32Array(grown);
      y.set(this.y);
      this.y = y;
      if (this.yRaw) {
        const r = new Float64Array(grown);
        r.set(this.yRaw);
        this.yRaw = r;
      }
    }
    return this.n++;
  }

  finish(): EncodedRows {
    const n = this.n;
    const trim = this.y.length !== n;
    const out: EncodedRows = {
      n,
      width: this.width,
      X: trim ? this.X.slice(0, n * this.width) : this.X,
      y: trim ? this.y.slice(0, n) : this.y,
    };
    if (this.yRaw) out.yRaw = trim ? this.yRaw.slice(0, n) : this.yRaw;
    if (this.ids) out.ids = this.ids;
    if (this.slices) out.slices = this.slices;
    return out;
  }
}

function push(
  buffer: RowBuffer,
  pre: Preprocessor,
  row: Row,
  y: Cell | undefined,
  where: () => string,
  meta?: { id?: string; slices: string[] },
): void {
  const i = buffer.next();
  pre.encodeRow(row, buffer.X, i * buffer.width, where);
  buffer.y[i] = pre.encodeLabel(y, where);
  if (buffer.yRaw) buffer.yRaw[i] = pre.rawLabel(y, where);
  if (meta) {
    if (buffer.ids && meta.id) buffer.ids.push(row[meta.id] ?? null);
    if (buffer.slices) for (const s of meta.slices) buffer.slices[s]!.push(row[s] ?? null);
  }
}

/** Options of {@link encodeTrainingSource}. */
export interface EncodeTrainingOptions {
  /** The parsed model.yml. */
  config: ModelConfig;
  /** Training rows (same source as the fitting pass). */
  source: RowSource;
  /** Row counts from the fitting pass (buffers are preallocated to them). */
  counts: SplitCounts;
  /** Whether a separate evaluation source exists (then no test split). */
  hasEval: boolean;
  /** Cancels the pass. */
  signal?: AbortSignal;
}

/** Encodes the training source into its splits (the test split keeps labels, ids and slices for evaluation). */
export async function encodeTrainingSource(
  pre: Preprocessor,
  options: EncodeTrainingOptions,
): Promise<Record<SplitName, EncodedRows>> {
  const { config, counts, signal } = options;
  const data = config.data;
  const shares = { validation: data.split.validation, test: data.split.test, hasEval: options.hasEval };
  const meta = { ...(data.id ? { id: data.id } : {}), slices: data.slices };
  const buffers: Record<SplitName, RowBuffer> = {
    train: new RowBuffer(pre.width, counts.train, undefined, true),
    validation: new RowBuffer(pre.width, counts.validation, undefined, true),
    test: new RowBuffer(pre.width, counts.test, meta, true),
  };
  let index = 0;
  for await (const row of options.source()) {
    const i = index++;
    if ((i & 0xffff) === 0xffff) throwIfAborted(signal);
    const y = row[data.label];
    if (isMissing(y)) continue;
    const split = assignSplit(config.seed, i, shares);
    push(
      buffers[split],
      pre,
      row,
      y,
      () => `${data.train}, row ${i + 1}`,
      split === 'test' ? meta : undefined,
    );
  }
  if (index !== counts.total) {
    throw new TrainError(
      `the training data returned ${index} rows on the second pass but ${counts.total} on the first`,
    );
  }
  return {
    train: buffers.train.finish(),
    validation: buffers.validation.finish(),
    test: buffers.test.finish(),
  };
}

/** Options of {@link encodeEvalSource}. */
export interface EncodeEvalOptions {
  /** The parsed model.yml (label, id, slices, eval file name). */
  config: ModelConfig;
  /** Evaluation rows. */
  source: RowSource;
  /** Cancels the pass. */
  signal?: AbortSignal;
}

/** Encodes an evaluation source (rows without a label are skipped and counted). */
export async function encodeEvalSource(
  pre: Preprocessor,
  options: EncodeEvalOptions,
): Promise<{ rows: EncodedRows; skipped: number }> {
  const data = options.config.data;
  const meta = { ...(data.id ? { id: data.id } : {}), slices: data.slices };
  const buffer = new RowBuffer(pre.width, 4096, meta, false);
  const file = data.eval ?? 'evaluation data';
  let index = 0;
  let skipped = 0;
  for await (const row of options.source()) {
    const i = index++;
    if ((i & 0xffff) === 0xffff) throwIfAborted(options.signal);
    const y = row[data.label];
    if (isMissing(y)) {
      skipped++;
      continue;
    }
    push(buffer, pre, row, y, () => `${file}, row ${i + 1}`, meta);
  }
  return { rows: buffer.finish(), skipped };
}
