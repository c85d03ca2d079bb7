/**
 * Reading a predictions file (CSV / JSONL / Parquet) into typed columns: the one streaming parser
 * behind `evaluatePredictionsFile` (metrics from a predictions file, `predictions.ts`) and
 * `loadExamples` (per-example data for the diff, `src/diff/load-examples.ts`).
 *
 * Columns by task:
 * - binary: label (0/1, true/false, yes/no, or `positiveLabel`) and score = P(positive) in [0, 1];
 * - multiclass: label and one probability column per class named `<probaPrefix><class>` (default
 *   `proba_`, two or more), else a predicted-class column (default `prediction`) read as one-hot
 *   probabilities;
 * - regression: label and the predicted value (the score column);
 * - optionally an id column and slice columns, kept as raw cells.
 *
 * Every problem (missing column, bad value, no rows, fewer than two classes) is a `DataError` naming
 * the file and, where there is one, the line (CSV counts its header line; JSONL has one record per
 * line; Parquet: the row number) and the column.
 */
import type { Task } from '../config/model-config.js';
import { resolveSource } from '../data/detect-format.js';
import { readRowBatches } from '../data/read-rows.js';
import type { Cell, Row } from '../data/types.js';
import { DataError, describeValue } from '../errors.js';

/** Which columns of a predictions file hold what (see {@link readPredictionColumns}). */
export interface PredictionColumnsSpec {
  /** The task, which decides the columns read. */
  task: Task;
  /** The true label column. */
  label: string;
  /** Binary: P(positive); regression: the prediction. Default `score`. */
  score?: string;
  /** Multiclass: the predicted-class column, used when there are no probability columns. Default `prediction`. */
  prediction?: string;
  /** Multiclass: prefix of the per-class probability columns (default `proba_`). */
  probaPrefix?: string;
  /** Binary: the label value that is the positive class (see {@link binaryLabel}). */
  positiveLabel?: string | number | boolean | undefined;
  /**
   * How the message of an unrecognised binary label names the positive-label setting: `… (or set
   * <positiveLabelSetting>)`. Default `the positive label`.
   */
  positiveLabelSetting?: string;
  /** Slice columns to read, in this order. */
  slices?: readonly string[];
  /** `required` (default): a slice column missing from the file is an error; `if-present`: it is skipped. */
  slicesMode?: 'required' | 'if-present';
  /** A row-id column, read when the file has it. */
  id?: string | undefined;
}

/** One slice column of a predictions file, its raw cells in row order (missing cells as null). */
export interface SliceColumn {
  /** The column's name. */
  column: string;
  /** One cell per row. */
  values: Cell[];
}

/** A predictions file as typed columns (see {@link readPredictionColumns}). */
export interface PredictionColumns {
  /** Rows read (header excluded). */
  rows: number;
  /** True labels: 0/1 (binary), class index into `classes` (multiclass), value (regression). */
  yTrue: Float64Array;
  /** Binary: P(positive); regression: the prediction. Absent for multiclass. */
  score?: Float64Array;
  /** Multiclass: probabilities, row-major `rows × classes.length`. */
  proba?: Float64Array;
  /** Multiclass: the class names, in probability-column order (else sorted labels and predictions). */
  classes?: string[];
  /**
   * Multiclass: true when `proba` came from probability columns, false when it is the one-hot of
   * the predicted-class column (so log loss means nothing).
   */
  fromProbabilities?: boolean;
  /** The id column's raw cells, or null when the spec names none or the file lacks it. */
  ids: Cell[] | null;
  /** The slice columns read, in the spec's order. */
  slices: SliceColumn[];
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 't', 'positive', 'pos']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'f', 'negative', 'neg']);

/**
 * Maps a binary label cell to 0/1. With `positive` given, equality (as text) with it is 1 and any
 * other value is 0; else 1/true/yes and 0/false/no are recognised. Returns null when unknown.
 */
export function binaryLabel(value: Cell, positive?: string | number | boolean): 0 | 1 | null {
  if (value === null) return null;
  if (positive !== undefined) return String(value) === String(positive) ? 1 : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const s = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return 1;
  if (FALSE_WORDS.has(s)) return 0;
  return null;
}

/**
 * A cell as text; null for missing values (null, undefined, NaN). For slice, id and class cells
 * that are compared as text.
 */
export function cellText(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'number' && Number.isNaN(cell)) return null;
  return String(cell);
}

/** A growable Float64Array. */
class Floats {
  private data = new Float64Array(1024);
  private length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  /** A right-sized copy of the values pushed. */
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

function numberAt(row: Row, column: string, file: string, line: number): number {
  const v = row[column];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new DataError(`expected a number, got ${describeValue(v)}`, { file, line, field: column });
}

/**
 * Streams a predictions file into typed columns (see the module comment for the columns of each
 * task). The file's columns are checked against the spec on its first batch: a missing label,
 * score, predicted-class or (required) slice column is one error listing the file's columns.
 */
export async function readPredictionColumns(
  file: string,
  spec: PredictionColumnsSpec,
): Promise<PredictionColumns> {
  const { task } = spec;
  const scoreCol = spec.score ?? 'score';
  const predictionCol = spec.prediction ?? 'prediction';
  const prefix = spec.probaPrefix ?? 'proba_';
  const positiveSetting = spec.positiveLabelSetting ?? 'the positive label';
  const yTrue = new Floats();
  const score = new Floats();
  const probaValues = new Floats();
  const labels: string[] = [];
  const predicted: string[] = [];
  let ids: Cell[] | null = null;
  let slices: SliceColumn[] = [];
  let probaCols: string[] | null = null;
  const format = resolveSource(file).format;
  const header = format === 'csv' ? 1 : 0;
  let line = header;
  let checked = false;
  for await (const batch of readRowBatches(file, 4096)) {
    if (!checked) {
      checked = true;
      const cols = Object.keys(batch[0] ?? {});
      const wanted = spec.slices ?? [];
      const sliceCols = spec.slicesMode === 'if-present' ? wanted.filter((s) => cols.includes(s)) : wanted;
      const need = [spec.label, ...sliceCols];
      if (task === 'multiclass') {
        const found = cols.filter((c) => c.startsWith(prefix));
        if (found.length >= 2) probaCols = found;
        else need.push(predictionCol);
      } else need.push(scoreCol);
      const missing = need.filter((c) => !cols.includes(c));
      if (missing.length > 0) {
        throw new DataError(
          `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (the file has: ${cols.join(', ')})`,
          { file, ...(format === 'parquet' ? {} : { line: 1 }) },
        );
      }
      if (spec.id && cols.includes(spec.id)) ids = [];
      slices = sliceCols.map((column) => ({ column, values: [] }));
    }
    for (const row of batch) {
      line++;
      const label = row[spec.label] ?? null;
      if (label === null) throw new DataError('missing label', { file, line, field: spec.label });
      if (task === 'binary') {
        const y = binaryLabel(label, spec.positiveLabel);
        if (y === null) {
          throw new DataError(
            `binary label must be 0/1, true/false or yes/no (or set ${positiveSetting}), got ${describeValue(label)}`,
            { file, line, field: spec.label },
          );
        }
        yTrue.push(y);
        const s = numberAt(row, scoreCol, file, line);
        if (s < 0 || s > 1) {
          throw new DataError(`score must be a probability in [0, 1], got ${s}`, {
            file,
            line,
            field: scoreCol,
          });
        }
        score.push(s);
      } else if (task === 'regression') {
        yTrue.push(numberAt(row, spec.label, file, line));
        score.push(numberAt(row, scoreCol, file, line));
      } else {
        labels.push(String(label));
        if (probaCols) for (const c of probaCols) probaValues.push(numberAt(row, c, file, line));
        else {
          const p = cellText(row[predictionCol]);
          if (p === null)
            throw new DataError('missing predicted class', { file, line, field: predictionCol });
          predicted.push(p);
        }
      }
      if (ids) ids.push(row[spec.id!] ?? null);
      for (const s of slices) s.values.push(row[s.column] ?? null);
    }
  }
  const rows = line - header;
  if (rows === 0) throw new DataError('no prediction rows', { file });
  if (task !== 'multiclass') return { rows, yTrue: yTrue.done(), score: score.done(), ids, slices };

  const classes = probaCols
    ? probaCols.map((c) => c.slice(prefix.length))
    : [...new Set([...labels, ...predicted])].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const k = classes.length;
  if (k < 2)
    throw new DataError(`multiclass needs at least 2 classes, found ${describeValue(classes)}`, { file });
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const at = index.get(labels[i]!);
    if (at === undefined) {
      throw new DataError(
        `label ${describeValue(labels[i])} has no probability column (classes: ${classes.join(', ')})`,
        { file, line: i + 1 + header, field: spec.label },
      );
    }
    y[i] = at;
  }
  let proba: Float64Array;
  if (probaCols) proba = probaValues.done();
  else {
    proba = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) proba[i * k + index.get(predicted[i]!)!] = 1;
  }
  return { rows, yTrue: y, proba, classes, fromProbabilities: probaCols !== null, ids, slices };
}
