/**
 * Joining labels that arrive later (claims settled, fraud confirmed) to the prediction log by
 * request id, so performance can be measured on production traffic.
 *
 * **Labels file.** CSV, JSONL or Parquet (as `readRows` reads it) with a request id column
 * (`request_id` by default), an optional row index column (`index`: the row's position in its request;
 * absent or empty means 0) and the label column. Request ids are compared as text (CSV cells are read
 * as text, so `007` stays `007`). Rows whose label is missing are not loaded (`missingLabelValues`); a
 * key given twice keeps the last label (`duplicateLabels`).
 *
 * **Memory.** The labels are loaded into a `Map` keyed by request id and index: labels are far fewer
 * and far narrower than the log (one small value per labelled prediction), so memory is O(labels); the
 * log itself streams and is never held. Predictions without a label are skipped and counted.
 */

import { resolveSource } from '../data/detect-format.js';
import { readRows } from '../data/read-rows.js';
import type { Cell, ColumnSchema, DataFormat, Row } from '../data/types.js';
import { writeRows } from '../data/write-rows.js';
import { DataError, describeValue, UsageError } from '../errors.js';
import {
  emptyReadStats,
  flattenPrediction,
  PREDICTION_LOG_META_COLUMNS,
  type PredictionLogReadStats,
  type ReadPredictionLogOptions,
  readPredictionEntries,
} from './prediction-log-reader.js';

/** Options of {@link joinLabels}: the log and the labels file, plus the log reader's filters. */
export interface JoinLabelsOptions extends Omit<ReadPredictionLogOptions, 'stats'> {
  /** The prediction log: a folder of log files or one file. */
  log: string;
  /** The labels file (CSV, JSONL or Parquet). */
  labels: string;
  /** The label column in the labels file; also the label's column name in the joined rows. */
  label: string;
  /** The request id column in the labels file (default `request_id`). */
  requestId?: string;
  /** The row index column in the labels file (default `index`; absent means index 0). */
  index?: string;
  /** The labels file's format, when its extension does not tell. */
  labelsFormat?: DataFormat;
}

/** Counts of a join, complete once the rows have been read to the end. */
export interface LabelJoinStats {
  /** Labels loaded (distinct keys). */
  labels: number;
  /** Label rows whose key was given before (the last label wins). */
  duplicateLabels: number;
  /** Label rows without a label value (not loaded). */
  missingLabelValues: number;
  /** Log entries read (after the reader's filters). */
  predictions: number;
  /** Predictions with a label (yielded). */
  joined: number;
  /** Predictions without a label (skipped). */
  unlabelled: number;
  /** Labels that matched no prediction. */
  unmatchedLabels: number;
  /** What the log reader saw (files, partial lines). */
  log: PredictionLogReadStats;
}

/** The joined rows (async iterable) and their counts. */
export interface LabelJoin extends AsyncIterable<Row> {
  /** Counts, updated while the rows are read; reset by each new iteration. */
  readonly stats: LabelJoinStats;
}

/** The labels, keyed by {@link labelKey}, and whether each matched a prediction. */
export type LabelMap = Map<string, { value: Cell; matched: boolean }>;

const META: ReadonlySet<string> = new Set(PREDICTION_LOG_META_COLUMNS);
const PROBA = /^proba_\d+$/;

/** The key of a label: request id and row index. */
export function labelKey(requestId: string, index: number): string {
  return `${requestId}\u0000${index}`;
}

function emptyJoinStats(): LabelJoinStats {
  return {
    labels: 0,
    duplicateLabels: 0,
    missingLabelValues: 0,
    predictions: 0,
    joined: 0,
    unlabelled: 0,
    unmatchedLabels: 0,
    log: emptyReadStats(),
  };
}

function rowIndex(value: Cell | undefined, file: string, line: number, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  throw new DataError(`the row index must be a non-negative integer (got ${describeValue(value)})`, {
    file,
    line,
    field,
  });
}

/**
 * Loads a labels file into a {@link LabelMap} (see the module comment), filling the label counts of
 * `stats`. A missing request id or label column is a `DataError` listing the file's columns.
 */
export async function loadLabels(
  options: Pick<JoinLabelsOptions, 'labels' | 'label' | 'requestId' | 'index' | 'labelsFormat'>,
  stats: LabelJoinStats = emptyJoinStats(),
): Promise<LabelMap> {
  const file = options.labels;
  const idCol = options.requestId ?? 'request_id';
  const indexCol = options.index ?? 'index';
  const schema: ColumnSchema[] = [{ name: idCol, type: 'string', nullable: true }];
  const labels: LabelMap = new Map();
  const format = options.labelsFormat;
  // Line numbers in errors: CSV has a header line; JSONL one record per line; Parquet: the row number.
  let line = resolveSource(file, format === undefined ? {} : { format }).format === 'csv' ? 1 : 0;
  let checked = false;
  for await (const row of readRows(file, {
    schema,
    ...(format !== undefined ? { format } : {}),
  })) {
    line++;
    if (!checked) {
      checked = true;
      if (!Object.hasOwn(row, options.label)) {
        throw new DataError(
          `label column ${describeValue(options.label)} is not in the file; available columns: ${Object.keys(
            row,
          )
            .map((c) => JSON.stringify(c))
            .join(', ')}`,
          { file },
        );
      }
    }
    const id = row[idCol];
    if (id === null || id === undefined || id === '') {
      throw new DataError('missing request id', { file, line, field: idCol });
    }
    const value = row[options.label];
    if (value === null || value === undefined || value === '') {
      stats.missingLabelValues++;
      continue;
    }
    const key = labelKey(String(id), rowIndex(row[indexCol], file, line, indexCol));
    if (labels.has(key)) stats.duplicateLabels++;
    labels.set(key, { value, matched: false });
  }
  stats.labels = labels.size;
  return labels;
}

/** Rejects a label column name that would hide a column of the joined rows (or of the written file). */
function checkLabelName(label: string, written: boolean): void {
  if (
    typeof label !== 'string' ||
    label.length === 0 ||
    META.has(label) ||
    label === 'prediction' ||
    PROBA.test(label) ||
    (written && label === 'score')
  ) {
    throw new UsageError(
      `the label column cannot be named ${describeValue(label)}: the joined rows use that name; rename the column in the labels file`,
    );
  }
}

class LabelJoinImpl implements LabelJoin {
  stats: LabelJoinStats = emptyJoinStats();

  constructor(private readonly options: JoinLabelsOptions) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Row, void, undefined> {
    const stats = emptyJoinStats();
    this.stats = stats;
    const { log, label, model, version, role, from, to, prefix } = this.options;
    const filters: ReadPredictionLogOptions = { model, version, role, from, to, prefix, stats: stats.log };
    const labels = await loadLabels(this.options, stats);
    let matched = 0;
    for await (const entry of readPredictionEntries(log, filters)) {
      stats.predictions++;
      const found = labels.get(labelKey(entry.request_id, entry.index));
      if (found === undefined) {
        stats.unlabelled++;
        continue;
      }
      if (!found.matched) {
        found.matched = true;
        matched++;
      }
      stats.joined++;
      stats.unmatchedLabels = labels.size - matched;
      const row = flattenPrediction(entry);
      row[label] = found.value;
      yield row;
    }
    stats.unmatchedLabels = labels.size - matched;
  }
}

/**
 * Joins a labels file to a prediction log by request id and row index: yields the log's flat rows
 * (as `readPredictionLog`) that have a label, with the label added under the `label` column name
 * (it wins over a feature of the same name; a name the rows use otherwise, such as `prediction` or
 * `version`, is a `UsageError`). Predictions without a label are skipped; every count
 * is in `stats` once the rows are read to the end. See the module comment for the labels file and
 * the memory bound.
 */
export function joinLabels(options: JoinLabelsOptions): LabelJoin {
  checkLabelName(options.label, false);
  return new LabelJoinImpl(options);
}

/** Options of {@link writeLabelledPredictions}. */
export interface WriteLabelledOptions extends JoinLabelsOptions {
  /** Include the input features (for `--slice`; default true). */
  features?: boolean;
}

/** What {@link writeLabelledPredictions} wrote. */
export interface WriteLabelledResult extends LabelJoinStats {
  /** Rows written. */
  rows: number;
  /** The columns written, in order. */
  columns: string[];
}

/**
 * Writes the labelled predictions (see {@link joinLabels}) to a predictions file that `modelgate
 * metrics` reads (`.csv` or `.jsonl`, optionally `.gz`; written through a temporary file):
 * columns `request_id`, `index`, `ts`, `model`, `version`, `role`, `latency_ms`, the features (unless
 * `features: false`), `prediction`, `proba_<i>` (class probabilities), `score` (= `prediction` when
 * there are no class probabilities: what `metrics --score` reads by default) and the label column.
 * The columns come from the first joined row (later rows' extra features are left out). So:
 * `modelgate metrics --task binary --predictions out.csv --label <label>`; multiclass labels must be
 * class indices, to match `proba_<i>`.
 */
export async function writeLabelledPredictions(
  out: string,
  options: WriteLabelledOptions,
): Promise<WriteLabelledResult> {
  checkLabelName(options.label, true);
  const join = joinLabels(options);
  const iterator = join[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstRow = first.done ? undefined : first.value;
  const features: string[] = [];
  const probas: string[] = [];
  if (firstRow !== undefined) {
    for (const key of Object.keys(firstRow)) {
      if (META.has(key) || key === 'prediction' || key === 'score' || key === options.label) continue;
      if (PROBA.test(key)) probas.push(key);
      else if (options.features ?? true) features.push(key);
    }
  }
  const withScore = probas.length === 0;
  const columns = [
    'request_id',
    'index',
    'ts',
    'model',
    'version',
    'role',
    'latency_ms',
    ...features,
    'prediction',
    ...probas,
    ...(withScore ? ['score'] : []),
    options.label,
  ];
  async function* rows(): AsyncGenerator<Row, void, undefined> {
    if (firstRow === undefined) return;
    let result: IteratorResult<Row, void> = { done: false, value: firstRow };
    while (!result.done) {
      const row = result.value;
      if (withScore) row.score = row.prediction ?? null;
      yield row;
      result = await iterator.next();
    }
  }
  let count: number;
  try {
    count = await writeRows(out, rows(), columns);
  } finally {
    // Closes the log file being read when writing failed part way.
    await iterator.return?.();
  }
  return { ...join.stats, rows: count, columns };
}
