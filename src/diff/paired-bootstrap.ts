/**
 * The paired bootstrap of metric deltas between two runs scored on the same examples.
 *
 * Each resample draws the paired examples with replacement (a seeded PRNG, so the same seed gives the
 * same intervals), computes every metric of the task on that SAME resample for both runs with
 * `computeMetrics`, and keeps candidate - baseline. The interval is the percentile interval of those
 * deltas at the requested confidence (numpy's linear percentile).
 *
 * Rules:
 * - a metric that is undefined (null) on a resample, for either run, is dropped from that metric's
 *   distribution for that resample; when fewer than half of the resamples give a value, the metric
 *   gets no interval (it is too unstable to bound);
 * - only metrics `computeMetrics` returns for the task are resampled (extra metrics a training command
 *   reported have no per-example definition);
 * - overall metrics need at least {@link MIN_PAIRED_ROWS} paired examples;
 * - slice values are resampled from the same draw as the overall metrics (a slice's rows are the
 *   resample's rows in that slice, the candidate's slice value deciding membership), only for slice
 *   values with at least `minSliceRows` (30) paired examples, and only while the slice rows processed
 *   stay within `maxSliceWork` (2) times the paired examples, i.e. about two slice columns, so the
 *   slices cost at most about twice the overall metrics. Slice values are taken in the targets'
 *   order, skipping any that no longer fit; those get no interval. A resample in which a slice value
 *   has no rows is dropped for that slice.
 *
 * Cost: one O(n log n) metric pass per run and resample (about 1 s for n = 5000, B = 1000 and the 9
 * binary metrics; `npx tsx bench/diff-bootstrap.ts`). A resample is kept as per-row draw counts and
 * copied into preallocated typed arrays in the run's score order (so the ranking metrics sort
 * already-sorted input), reading each run's rows sequentially, with no per-row allocation.
 */
import { DataError, UsageError } from '../errors.js';
import { computeMetrics, type MetricValues, MISSING_SLICE, metricNames } from '../metrics/index.js';
import { metricKey } from './metric-deltas.js';
import type { Pairing } from './pair-examples.js';
import { percentileInterval } from './percentile.js';
import { SeededRandom } from './prng.js';
import type { BootstrapInfo, Examples, SliceRef } from './types.js';

/** Settings of the paired bootstrap. */
export interface BootstrapOptions {
  /** Resamples (default 1000; 0 turns the bootstrap off). */
  resamples?: number;
  /** Confidence of the interval (default 0.95). */
  confidence?: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** Slice values need at least this many paired examples to be resampled (default 30). */
  minSliceRows?: number;
  /** Slice rows resampled per resample, at most this many times the paired examples (default 2; 0: no slices). */
  maxSliceWork?: number;
}

/** Default resamples. */
export const DEFAULT_RESAMPLES = 1000;
/** Default confidence. */
export const DEFAULT_CONFIDENCE = 0.95;
/** Default seed. */
export const DEFAULT_SEED = 42;
/** Fewest paired examples for any bootstrap. */
export const MIN_PAIRED_ROWS = 10;
/** Default fewest paired examples of a slice value for its metrics to be resampled. */
export const DEFAULT_MIN_SLICE_ROWS = 30;
/** Default budget of slice rows per resample, as a multiple of the paired examples. */
export const DEFAULT_MAX_SLICE_WORK = 2;

/** The bootstrap settings with defaults applied and checked. */
export interface ResolvedBootstrapOptions {
  resamples: number;
  confidence: number;
  seed: number;
  minSliceRows: number;
  maxSliceWork: number;
}

/** Applies the defaults and checks the settings; a bad value is a `UsageError` naming it. */
export function resolveBootstrapOptions(options: BootstrapOptions = {}): ResolvedBootstrapOptions {
  const resolved = {
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    confidence: options.confidence ?? DEFAULT_CONFIDENCE,
    seed: options.seed ?? DEFAULT_SEED,
    minSliceRows: options.minSliceRows ?? DEFAULT_MIN_SLICE_ROWS,
    maxSliceWork: options.maxSliceWork ?? DEFAULT_MAX_SLICE_WORK,
  };
  const bad = (name: string, want: string, got: number) => {
    throw new UsageError(`bootstrap.${name} must be ${want} (got ${got})`);
  };
  if (!Number.isInteger(resolved.resamples) || resolved.resamples < 0) {
    bad('resamples', 'a non-negative integer', resolved.resamples);
  }
  if (!(resolved.confidence > 0 && resolved.confidence < 1))
    bad('confidence', 'in (0, 1)', resolved.confidence);
  if (!Number.isFinite(resolved.seed)) bad('seed', 'a finite number', resolved.seed);
  if (!(resolved.minSliceRows >= 1)) bad('minSliceRows', 'at least 1', resolved.minSliceRows);
  if (!(resolved.maxSliceWork >= 0)) bad('maxSliceWork', 'non-negative', resolved.maxSliceWork);
  return resolved;
}

/** What to bootstrap: metric names overall (`slice: null`) or on one slice value. */
export interface BootstrapTarget {
  slice: SliceRef | null;
  names: string[];
}

/** The intervals found (keyed by `metricKey(name, slice)`) and the bootstrap's settings. */
export interface BootstrapResult {
  info: BootstrapInfo;
  /** Delta intervals; a metric without an interval is absent. */
  intervals: Map<string, [number, number]>;
}

/** Paired positions in a run's order, with their labels and values copied in that order. */
interface Walk {
  /** Paired positions (indexes into the draw counts). */
  pos: Int32Array;
  /** Labels, aligned with `pos`. */
  y: Float64Array;
  /** Scores / predictions (or probability rows, k per entry), aligned with `pos`. */
  v: Float64Array;
}

/** One run's side of the resampling: its examples, its paired rows and reusable buffers. */
class RunSide {
  readonly y: Float64Array;
  readonly s: Float64Array;
  readonly p: Float64Array;
  readonly k: number;
  /** Paired positions in this run's score order (binary), else in pairing order. */
  readonly order: Int32Array;

  constructor(
    readonly ex: Examples,
    readonly rows: Int32Array,
    which: string,
  ) {
    checkExamples(ex, which);
    const m = rows.length;
    this.y = new Float64Array(m);
    this.k = ex.task === 'multiclass' ? (ex.classes?.length ?? 0) : 0;
    this.s = new Float64Array(ex.task === 'multiclass' ? 0 : m);
    this.p = new Float64Array(m * this.k);
    const order = new Int32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    const score = ex.task === 'binary' ? ex.score : undefined;
    if (score)
      order.sort((a, b) => (score[rows[a] as number] as number) - (score[rows[b] as number] as number));
    this.order = order;
  }

  private values(): Float64Array {
    const v = this.ex.task === 'binary' ? this.ex.score : this.ex.yPred;
    return v ?? new Float64Array(0);
  }

  /**
   * A walk over the paired positions where `member` is 1 (all when null), in this run's order, with
   * the labels and values (or probability rows) copied in that order, so that gathering a resample
   * reads memory sequentially.
   */
  walk(member: Uint8Array | null): Walk {
    const order = this.order;
    let n = order.length;
    if (member) {
      n = 0;
      for (let t = 0; t < order.length; t++) n += member[order[t] as number] as number;
    }
    const pos = new Int32Array(n);
    const y = new Float64Array(n);
    const k = Math.max(1, this.k);
    const v = new Float64Array(n * k);
    const yTrue = this.ex.yTrue;
    const multi = this.ex.task === 'multiclass';
    const source = multi ? (this.ex.proba ?? new Float64Array(0)) : this.values();
    let j = 0;
    for (let t = 0; t < order.length; t++) {
      const p = order[t] as number;
      if (member && member[p] !== 1) continue;
      const row = this.rows[p] as number;
      pos[j] = p;
      y[j] = yTrue[row] as number;
      if (multi) for (let c = 0; c < k; c++) v[j * k + c] = source[row * k + c] as number;
      else v[j] = source[row] as number;
      j++;
    }
    return { pos, y, v };
  }

  /** Copies each entry of `walk` `counts[position]` times into the buffers; returns the rows written. */
  gather(walk: Walk, counts: Int32Array): number {
    const { pos, y: wy, v: wv } = walk;
    const n = pos.length;
    const y = this.y;
    let w = 0;
    if (this.ex.task === 'multiclass') {
      const { p, k } = this;
      for (let t = 0; t < n; t++) {
        let c = counts[pos[t] as number] as number;
        if (c === 0) continue;
        const yy = wy[t] as number;
        const base = t * k;
        while (c-- > 0) {
          y[w] = yy;
          const at = w * k;
          for (let j = 0; j < k; j++) p[at + j] = wv[base + j] as number;
          w++;
        }
      }
      return w;
    }
    const s = this.s;
    for (let t = 0; t < n; t++) {
      let c = counts[pos[t] as number] as number;
      if (c === 0) continue;
      const yy = wy[t] as number;
      const vv = wv[t] as number;
      while (c-- > 0) {
        y[w] = yy;
        s[w] = vv;
        w++;
      }
    }
    return w;
  }

  /** Every metric of the task on the first `n` gathered rows. */
  metrics(n: number): MetricValues {
    const full = n === this.y.length;
    const y = full ? this.y : this.y.subarray(0, n);
    if (this.ex.task === 'binary') {
      return computeMetrics('binary', {
        yTrue: y,
        score: full ? this.s : this.s.subarray(0, n),
        threshold: this.ex.threshold,
      });
    }
    if (this.ex.task === 'regression') {
      return computeMetrics('regression', { yTrue: y, yPred: full ? this.s : this.s.subarray(0, n) });
    }
    return computeMetrics('multiclass', {
      yTrue: y,
      proba: full ? this.p : this.p.subarray(0, n * this.k),
      classes: this.ex.classes ?? [],
    });
  }
}

/** Throws a `DataError` unless the examples hold the arrays their task needs, of matching lengths. */
export function checkExamples(ex: Examples, which: string): void {
  const n = ex.yTrue.length;
  const need = (name: string, arr: ArrayLike<number> | undefined, length: number) => {
    if (!arr) throw new DataError(`${which} examples (${ex.task}): ${name} is missing`);
    if (arr.length !== length) {
      throw new DataError(`${which} examples: ${name} has ${arr.length} values, expected ${length}`);
    }
  };
  if (ex.task === 'binary') need('score', ex.score, n);
  else if (ex.task === 'regression') need('yPred', ex.yPred, n);
  else {
    const k = ex.classes?.length ?? 0;
    if (k < 2) throw new DataError(`${which} examples (multiclass): need at least 2 classes (got ${k})`);
    need('proba', ex.proba, n * k);
  }
  if (ex.ids && ex.ids.length !== n) {
    throw new DataError(`${which} examples: ids has ${ex.ids.length} values, expected ${n}`);
  }
}

/** One group of rows resampled together (overall or one slice value) and its delta samples. */
interface Unit {
  slice: SliceRef | null;
  names: string[];
  walks: [Walk, Walk];
  deltas: Float64Array[];
}

function sliceKey(value: string | null | undefined): string {
  return value === null || value === undefined ? MISSING_SLICE : value;
}

/**
 * Runs the paired bootstrap for `targets` (see the module comment for the rules). Returns null when
 * the bootstrap is off (`resamples: 0`), when fewer than {@link MIN_PAIRED_ROWS} examples are paired,
 * or when the runs' tasks differ. Bad examples (wrong lengths, scores outside [0, 1]) throw the
 * metrics' `DataError` before any resampling.
 */
export function pairedBootstrap(input: {
  baseline: Examples;
  candidate: Examples;
  pairing: Pairing;
  targets: readonly BootstrapTarget[];
  options?: BootstrapOptions;
}): BootstrapResult | null {
  const opts = resolveBootstrapOptions(input.options);
  const { baseline, candidate, pairing } = input;
  const m = pairing.baseline.length;
  if (opts.resamples === 0 || m < MIN_PAIRED_ROWS || baseline.task !== candidate.task) return null;
  const info: BootstrapInfo = {
    resamples: opts.resamples,
    confidence: opts.confidence,
    seed: opts.seed,
    paired: m,
    pairing: pairing.pairing,
  };
  const sides = [
    new RunSide(baseline, pairing.baseline, 'baseline'),
    new RunSide(candidate, pairing.candidate, 'candidate'),
  ] as const;
  // Validates both runs' examples once (computeMetrics throws a DataError on bad input).
  const all = new Int32Array(m).fill(1);
  const full: [Walk, Walk] = [sides[0].walk(null), sides[1].walk(null)];
  for (let r = 0; r < 2; r++) sides[r]!.metrics(sides[r]!.gather(full[r]!, all));

  const known = new Set(metricNames(baseline.task));
  const units: Unit[] = [];
  const B = opts.resamples;
  const unit = (slice: SliceRef | null, names: string[], walks: [Walk, Walk]) => {
    const usable = names.filter((n) => known.has(n));
    if (usable.length > 0) {
      units.push({ slice, names: usable, walks, deltas: usable.map(() => new Float64Array(B)) });
    }
  };
  const overall = input.targets.find((t) => t.slice === null);
  if (overall) unit(null, overall.names, full);

  let budget = opts.maxSliceWork * m;
  for (const target of input.targets) {
    if (target.slice === null) continue;
    const { column, value } = target.slice;
    const values = candidate.slices[column];
    if (!values) continue;
    const member = new Uint8Array(m);
    for (let i = 0; i < m; i++) {
      if (sliceKey(values[pairing.candidate[i] as number]) === value) member[i] = 1;
    }
    let count = 0;
    for (let i = 0; i < m; i++) count += member[i] as number;
    if (count < opts.minSliceRows || count > budget) continue;
    budget -= count;
    unit(target.slice, target.names, [sides[0].walk(member), sides[1].walk(member)]);
  }

  const rng = new SeededRandom(opts.seed);
  const counts = new Int32Array(m);
  for (let b = 0; b < B; b++) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[rng.index(m)]!++;
    for (const u of units) {
      const nb = sides[0].gather(u.walks[0], counts);
      const vb = nb === 0 ? null : sides[0].metrics(nb);
      const nc = sides[1].gather(u.walks[1], counts);
      const vc = nc === 0 ? null : sides[1].metrics(nc);
      for (let j = 0; j < u.names.length; j++) {
        const name = u.names[j] as string;
        const x = vb?.[name];
        const y = vc?.[name];
        u.deltas[j]![b] = typeof x === 'number' && typeof y === 'number' ? y - x : Number.NaN;
      }
    }
  }

  const intervals = new Map<string, [number, number]>();
  for (const u of units) {
    for (let j = 0; j < u.names.length; j++) {
      const ci = deltaInterval(u.deltas[j]!, opts.confidence);
      if (ci) intervals.set(metricKey(u.names[j]!, u.slice), ci);
    }
  }
  return { info, intervals };
}

/**
 * The percentile interval of the finite delta samples, or null when fewer than half of the samples
 * are finite (the metric was undefined on too many resamples).
 */
export function deltaInterval(samples: Float64Array, confidence: number): [number, number] | null {
  const finite = samples.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.length * 2 < samples.length) return null;
  finite.sort();
  return percentileInterval(finite, confidence);
}
