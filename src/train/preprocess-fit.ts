/**
 * Fits a {@link Preprocessor} in one streaming pass over the training source. Feature statistics
 * (means, standard deviations, missing values, category vocabularies) come from rows of the
 * TRAINING split only, so nothing leaks from validation, test or evaluation rows. The label's
 * value set (binary / multiclass classes) is read from every row of the training source, so a
 * class that happens to fall only in a held-out split is still known; the regression target's
 * mean and std come from the training split.
 *
 * Features: `data.features` when declared. Otherwise every column but the label, `id`, `ignore`
 * and the `slices` columns, typed by inference (all non-missing values numbers -> numeric, else
 * categorical). Slice columns are excluded by default because they are typically sensitive
 * attributes (for fairness reporting) that must not silently become model inputs; declare them
 * in `data.features` to use them. Columns with no non-missing value in the training split are
 * dropped (reported in `warnings`).
 *
 * Categorical vocabularies keep the most frequent values (ties by value), at most
 * `max_categories` (default {@link DEFAULT_MAX_ONEHOT} for one-hot, {@link DEFAULT_MAX_EMBEDDING}
 * for embeddings); the rest and values unseen in training map to `__other__`. Counting is exact
 * up to {@link COUNT_CAP} distinct values per column; past that, new values are not counted (they
 * are rare by then and map to `__other__`).
 */
import type { ModelConfig } from '../config/model-config.js';
import type { Cell } from '../data/types.js';
import { DataError, TrainError } from '../errors.js';
import {
  type CategoricalFeature,
  categoryKey,
  defaultEmbeddingDim,
  type FittedFeature,
  isMissing,
  type LabelEncoding,
  MISSING,
  numericValue,
  Preprocessor,
} from './preprocess.js';
import { type RowSource, throwIfAborted } from './row-source.js';
import { assignSplit, type SplitShares } from './split.js';

/** Default cap of one-hot categories per feature (plus `__other__`). */
export const DEFAULT_MAX_ONEHOT = 50;
/** Default cap of embedding categories per feature (plus `__other__`). */
export const DEFAULT_MAX_EMBEDDING = 10_000;
/** Distinct values counted exactly per categorical column. */
export const COUNT_CAP = 100_000;
/** Distinct values counted per inferred column while it still looks numeric. */
const INFER_COUNT_CAP = 1_000;
/** Most classes a multiclass label may have. */
export const MAX_CLASSES = 1_000;

/** Row counts of one pass over the training source. */
export interface SplitCounts {
  /** Rows read. */
  total: number;
  /** Training-split rows with a label. */
  train: number;
  /** Validation-split rows with a label. */
  validation: number;
  /** Test-split rows with a label (0 when `data.eval` is set). */
  test: number;
  /** Rows skipped because the label is missing. */
  skipped: number;
}

/** Options of {@link fitPreprocessor}. */
export interface FitPreprocessorOptions {
  /** The parsed model.yml. */
  config: ModelConfig;
  /** Training rows (all splits; the split is assigned per row). */
  source: RowSource;
  /** Whether a separate evaluation source exists (then no test split is held out). */
  hasEval: boolean;
  /** Standardise the regression target (default true; inverted at predict time). */
  standardizeTarget?: boolean;
  /** Cancels the pass. */
  signal?: AbortSignal;
  /** Called every 65,536 rows with the count so far. */
  onRows?: (rows: number) => void;
}

/** Result of {@link fitPreprocessor}. */
export interface FitPreprocessorResult {
  /** The fitted preprocessor. */
  preprocessor: Preprocessor;
  /** Rows per split. */
  counts: SplitCounts;
  /** Non-fatal findings (dropped columns). */
  warnings: string[];
}

/** Streaming per-column statistics. */
class ColumnStats {
  numeric = 0;
  mean = 0;
  m2 = 0;
  missing = 0;
  nonNumeric = 0;
  counts: Map<string, number> | null = new Map();
  constructor(
    readonly name: string,
    readonly declared: 'numeric' | 'categorical' | undefined,
    private readonly countCap: number,
  ) {
    if (declared === 'numeric') this.counts = null;
  }

  add(value: Cell | undefined, where: () => string): void {
    if (isMissing(value)) {
      this.missing++;
      if (this.declared !== 'numeric') this.count(MISSING);
      return;
    }
    if (this.declared === 'categorical') {
      this.count(categoryKey(value));
      return;
    }
    if (this.declared === 'numeric' || typeof value === 'number') {
      const v = numericValue(value, this.name, where);
      this.numeric++;
      const delta = v - this.mean;
      this.mean += delta / this.numeric;
      this.m2 += delta * (v - this.mean);
      if (this.declared === undefined) this.count(categoryKey(value));
      return;
    }
    // Inferred column with a string or boolean: categorical from now on.
    if (this.nonNumeric === 0 && this.counts === null) this.counts = new Map();
    this.nonNumeric++;
    this.count(categoryKey(value));
  }

  private count(key: string): void {
    const counts = this.counts;
    if (!counts) return;
    const c = counts.get(key);
    if (c !== undefined) counts.set(key, c + 1);
    else if (this.declared === undefined && this.nonNumeric === 0 && counts.size >= INFER_COUNT_CAP) {
      this.counts = null; // looks numeric: stop counting its values
    } else if (counts.size < this.countCap) counts.set(key, 1);
  }
}

function labelStats(config: ModelConfig) {
  return {
    values: new Map<string, { count: number; value: Cell }>(),
    n: 0,
    mean: 0,
    m2: 0,
    config,
  };
}

/** Streams the training source once and fits the preprocessing (training split only). */
export async function fitPreprocessor(options: FitPreprocessorOptions): Promise<FitPreprocessorResult> {
  const { config, source, signal } = options;
  const data = config.data;
  const task = config.task;
  const label = data.label;
  const shares: SplitShares = {
    validation: data.split.validation,
    test: data.split.test,
    hasEval: options.hasEval,
  };
  const declared = data.features;
  if (declared) {
    const names = new Set<string>();
    for (const f of declared) {
      if (f.name === label) throw new TrainError(`data.features lists the label column "${label}"`);
      if (f.name === data.id) throw new TrainError(`data.features lists the id column "${f.name}"`);
      if (names.has(f.name)) throw new TrainError(`data.features lists "${f.name}" twice`);
      names.add(f.name);
    }
  }
  const excluded = new Set<string>([label, ...(data.id ? [data.id] : []), ...data.ignore, ...data.slices]);
  const columns = new Map<string, ColumnStats>();
  const order: ColumnStats[] = [];
  const seenColumns = new Set<string>();
  if (declared) {
    for (const f of declared) {
      const cap = Math.max(COUNT_CAP, 10 * (f.max_categories ?? 0));
      const stats = new ColumnStats(f.name, f.type, cap);
      columns.set(f.name, stats);
      order.push(stats);
    }
  }
  const labels = labelStats(config);
  const counts: SplitCounts = { total: 0, train: 0, validation: 0, test: 0, skipped: 0 };
  const file = data.train;
  let index = 0;
  for await (const row of source()) {
    const i = index++;
    const where = () => `${file}, row ${i + 1}`;
    if ((i & 0xffff) === 0xffff) {
      throwIfAborted(signal);
      options.onRows?.(i + 1);
    }
    counts.total++;
    const y = row[label];
    if (isMissing(y)) {
      counts.skipped++;
      continue;
    }
    const split = assignSplit(config.seed, i, shares);
    counts[split]++;
    // Label values: every row (all splits) for classes; training split for target scaling.
    if (task === 'regression') {
      if (split === 'train') {
        const v = numericValue(y, label, where);
        if (!Number.isFinite(v))
          throw new DataError(`regression label "${label}" is not a finite number (${where()})`);
        labels.n++;
        const d = v - labels.mean;
        labels.mean += d / labels.n;
        labels.m2 += d * (v - labels.mean);
      }
    } else {
      const key = categoryKey(y);
      const entry = labels.values.get(key);
      if (entry) entry.count++;
      else {
        if (labels.values.size >= MAX_CLASSES) {
          throw new DataError(
            `label "${label}" has more than ${MAX_CLASSES} distinct values; is this a regression task? (${where()})`,
          );
        }
        labels.values.set(key, { count: 1, value: y ?? null });
      }
    }
    if (split !== 'train') continue;
    if (declared) {
      for (const stats of order) stats.add(row[stats.name], where);
    } else {
      for (const name in row) {
        if (excluded.has(name)) continue;
        let stats = columns.get(name);
        if (!stats) {
          stats = new ColumnStats(name, undefined, COUNT_CAP);
          // Rows before this one lacked the column: they count as missing.
          stats.missing = counts.train - 1;
          if (stats.missing > 0) stats.counts?.set(MISSING, stats.missing);
          columns.set(name, stats);
          order.push(stats);
        }
        stats.add(row[name], where);
      }
      // Columns absent from this row count as missing.
      if (order.length > 0) {
        for (const stats of order) if (!(stats.name in row)) stats.add(null, where);
      }
    }
    if (declared) for (const stats of order) if (stats.name in row) seenColumns.add(stats.name);
  }
  if (counts.train === 0) {
    throw new DataError(
      counts.total === 0
        ? `${file}: the training data has no rows`
        : `${file}: no training rows left (${counts.total} rows, ${counts.skipped} without a label, the rest in validation/test splits)`,
    );
  }
  if (declared) {
    const missingColumns = order.filter((s) => !seenColumns.has(s.name)).map((s) => s.name);
    if (missingColumns.length > 0) {
      throw new DataError(
        `${file}: declared feature column(s) ${missingColumns.map((c) => `"${c}"`).join(', ')} not found in the data`,
      );
    }
  }
  const warnings: string[] = [];
  const features: FittedFeature[] = [];
  for (const stats of order) {
    const spec = declared?.find((f) => f.name === stats.name);
    const type =
      spec?.type ?? (stats.nonNumeric > 0 ? 'categorical' : stats.numeric > 0 ? 'numeric' : undefined);
    if (!type) {
      warnings.push(
        `column "${stats.name}" has no values in the training split; it is not used as a feature`,
      );
      continue;
    }
    const nullable = stats.missing > 0;
    if (type === 'numeric') {
      const std = stats.numeric > 0 ? Math.sqrt(stats.m2 / stats.numeric) : 0;
      features.push({
        name: stats.name,
        type: 'numeric',
        mean: stats.numeric > 0 ? stats.mean : 0,
        std: std > 0 && Number.isFinite(std) ? std : 1,
        missingIndicator: nullable,
        nullable,
      });
      continue;
    }
    const encoding = spec?.encoding ?? 'onehot';
    const cap =
      spec?.max_categories ?? (encoding === 'embedding' ? DEFAULT_MAX_EMBEDDING : DEFAULT_MAX_ONEHOT);
    const categories = [...(stats.counts ?? new Map<string, number>()).entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, cap)
      .map(([key]) => key);
    const feature: CategoricalFeature = {
      name: stats.name,
      type: 'categorical',
      encoding,
      categories,
      nullable,
    };
    if (encoding === 'embedding')
      feature.embeddingDim = spec?.embedding_dim ?? defaultEmbeddingDim(categories.length + 1);
    features.push(feature);
  }
  if (features.length === 0)
    throw new DataError(`${file}: no feature columns (every column is the label, id, ignored or a slice)`);
  const encoding = labelEncoding(config, labels, options.standardizeTarget ?? true);
  return { preprocessor: new Preprocessor(features, encoding), counts, warnings };
}

function labelEncoding(
  config: ModelConfig,
  labels: ReturnType<typeof labelStats>,
  standardize: boolean,
): LabelEncoding {
  const column = config.data.label;
  const file = config.data.train;
  if (config.task === 'regression') {
    const std = labels.n > 0 ? Math.sqrt(labels.m2 / labels.n) : 0;
    return standardize
      ? { task: 'regression', column, mean: labels.mean, std: std > 0 && Number.isFinite(std) ? std : 1 }
      : { task: 'regression', column, mean: 0, std: 1 };
  }
  const keys = [...labels.values.keys()];
  if (config.task === 'binary') {
    if (keys.length !== 2) {
      throw new DataError(
        `${file}: a binary task needs exactly two distinct values in label "${column}", found ${keys.length}: ${JSON.stringify(keys.slice(0, 10))}`,
      );
    }
    let positive: string | undefined;
    if (config.data.positive_label !== undefined) {
      positive = categoryKey(config.data.positive_label);
      if (!keys.includes(positive)) {
        throw new DataError(
          `${file}: data.positive_label ${JSON.stringify(config.data.positive_label)} is not one of the label values ${JSON.stringify(keys)}`,
        );
      }
    } else {
      const defaults = ['1', 'true', 'yes'];
      const matches = keys.filter((k) => defaults.includes(k.toLowerCase()));
      if (matches.length !== 1) {
        throw new DataError(
          `${file}: cannot tell which of the label values ${JSON.stringify(keys)} is the positive class; set data.positive_label`,
        );
      }
      positive = matches[0]!;
    }
    const negative = keys.find((k) => k !== positive)!;
    return { task: 'binary', column, negative, positive };
  }
  if (keys.length < 2) {
    throw new DataError(
      `${file}: a multiclass task needs at least two classes in label "${column}", found ${keys.length}`,
    );
  }
  const numeric = [...labels.values.values()].every((v) => typeof v.value === 'number');
  const classes = numeric
    ? keys.sort((a, b) => Number(a) - Number(b))
    : keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { task: 'multiclass', column, classes };
}
