/**
 * Evaluation from a predictions file (CSV/JSONL/Parquet): the shared path for command mode, the
 * `metrics` command and re-evaluation. One streaming pass collects the label, the score(s) and the
 * slice columns into typed arrays; the metrics come from `src/metrics/`.
 *
 * Columns by task:
 * - binary: label (0/1, true/false, yes/no, or `positiveLabel`) and score = P(positive) in [0, 1];
 * - multiclass: label and one probability column per class named `<probaPrefix><class>`
 *   (default `proba_`), or only a predicted-class column (then `log_loss` is null);
 * - regression: label and the predicted value (the score column).
 */
import type { Task } from '../config/model-config.js';
import type { SliceReport } from '../config/run-record.js';
import { resolveSource } from '../data/detect-format.js';
import { readRowBatches } from '../data/read-rows.js';
import type { Cell, Row } from '../data/types.js';
import { DataError, describeValue } from '../errors.js';
import { computeMetrics, type MetricValues, sliceMetrics } from '../metrics/index.js';

/** Which columns hold what, and how to read them. */
export interface PredictionSpec {
  task: Task;
  /** True label column. */
  label: string;
  /** Binary: P(positive); regression: the prediction. Default `score`. */
  score?: string;
  /** Multiclass: the predicted-class column, used when there are no probability columns. */
  prediction?: string;
  /** Multiclass: prefix of the per-class probability columns (default `proba_`). */
  probaPrefix?: string;
  /** Binary: the label value that is the positive class. */
  positiveLabel?: string | number | boolean;
  /** Binary: decision threshold (default 0.5). */
  threshold?: number;
  /** Slice columns for per-slice metrics and fairness gaps. */
  slices?: string[];
}

/** The outcome of evaluating a predictions file. */
export interface PredictionEvaluation {
  /** Overall metrics keyed by name. */
  overall: MetricValues;
  /** One report per slice column. */
  slices: SliceReport[];
  /** Rows evaluated. */
  rows: number;
  /** Multiclass: the class list, in probability-column order. */
  classes?: string[];
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

class Growable {
  data = new Float64Array(1024);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view() {
    return this.data.subarray(0, this.length);
  }
}

function num(row: Row, column: string, file: string, line: number): number {
  const v = row[column];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new DataError(`expected a number, got ${describeValue(v)}`, { file, line, field: column });
}

/**
 * Evaluates a predictions file. Errors (missing column, unparsable value, one class only where two
 * are needed) are {@link DataError}s naming the file, the row and the column.
 */
export async function evaluatePredictionsFile(
  file: string,
  spec: PredictionSpec,
): Promise<PredictionEvaluation> {
  const scoreCol = spec.score ?? 'score';
  const slices = spec.slices ?? [];
  const yTrue = new Growable();
  const score = new Growable();
  const sliceValues: Cell[][] = slices.map(() => []);
  const classIndex = new Map<string, number>();
  let probaCols: string[] | null = null;
  let classes: string[] = [];
  const probaRows: Growable = new Growable();
  const predicted: string[] = [];
  const labelsSeen: string[] = [];
  // Line numbers in errors: CSV has a header line; JSONL has one record per line; Parquet: row number.
  const format = resolveSource(file).format;
  const header = format === 'csv' ? 1 : 0;
  let line = header;
  let checked = false;
  for await (const batch of readRowBatches(file, 4096)) {
    if (!checked) {
      checked = true;
      const cols = Object.keys(batch[0] ?? {});
      const need = [spec.label, ...slices];
      if (spec.task !== 'multiclass') need.push(scoreCol);
      if (spec.task === 'multiclass') {
        const prefix = spec.probaPrefix ?? 'proba_';
        probaCols = cols.filter((c) => c.startsWith(prefix));
        if (probaCols.length >= 2) classes = probaCols.map((c) => c.slice(prefix.length));
        else {
          probaCols = null;
          need.push(spec.prediction ?? 'prediction');
        }
      }
      const missing = need.filter((c) => !cols.includes(c));
      if (missing.length > 0) {
        throw new DataError(
          `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (the file has: ${cols.join(', ')})`,
          { file, ...(format === 'parquet' ? {} : { line: 1 }) },
        );
      }
    }
    for (const row of batch) {
      line++;
      const label = row[spec.label] ?? null;
      if (label === null) throw new DataError('missing label', { file, line, field: spec.label });
      if (spec.task === 'binary') {
        const y = binaryLabel(label, spec.positiveLabel);
        if (y === null) {
          throw new DataError(
            `binary label must be 0/1, true/false or yes/no (or set the positive label), got ${describeValue(label)}`,
            { file, line, field: spec.label },
          );
        }
        yTrue.push(y);
        const s = num(row, scoreCol, file, line);
        if (s < 0 || s > 1) {
          throw new DataError(`score must be a probability in [0, 1], got ${s}`, {
            file,
            line,
            field: scoreCol,
          });
        }
        score.push(s);
      } else if (spec.task === 'regression') {
        yTrue.push(num(row, spec.label, file, line));
        score.push(num(row, scoreCol, file, line));
      } else {
        labelsSeen.push(String(label));
        if (probaCols) {
          for (const c of probaCols) probaRows.push(num(row, c, file, line));
        } else {
          const p = row[spec.prediction ?? 'prediction'];
          if (p === null || p === undefined) {
            throw new DataError('missing predicted class', {
              file,
              line,
              field: spec.prediction ?? 'prediction',
            });
          }
          predicted.push(String(p));
        }
      }
      for (let k = 0; k < slices.length; k++) sliceValues[k]!.push(row[slices[k]!] ?? null);
    }
  }
  const rows = line - header;
  if (rows === 0) throw new DataError('no prediction rows to evaluate', { file });

  let overall: MetricValues;
  const reports: SliceReport[] = [];
  if (spec.task === 'multiclass') {
    if (!probaCols) classes = [...new Set([...labelsSeen, ...predicted])].sort();
    for (const [i, c] of classes.entries()) classIndex.set(c, i);
    const k = classes.length;
    if (k < 2)
      throw new DataError(`multiclass needs at least 2 classes, found ${describeValue(classes)}`, { file });
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const idx = classIndex.get(labelsSeen[i]!);
      if (idx === undefined) {
        throw new DataError(
          `label ${describeValue(labelsSeen[i])} has no probability column (classes: ${classes.join(', ')})`,
          { file, line: i + 1 + header, field: spec.label },
        );
      }
      y[i] = idx;
    }
    let proba: Float64Array;
    if (probaCols) proba = probaRows.view();
    else {
      proba = new Float64Array(rows * k);
      for (let i = 0; i < rows; i++) proba[i * k + classIndex.get(predicted[i]!)!] = 1;
    }
    const input = { yTrue: y, proba, classes };
    overall = computeMetrics('multiclass', input);
    if (!probaCols) overall.log_loss = null;
    slices.forEach((col, k2) => {
      const r = sliceMetrics('multiclass', input, col, sliceValues[k2]!);
      if (!probaCols) for (const g of r.groups) g.metrics.log_loss = null;
      reports.push(toReport(r));
    });
  } else if (spec.task === 'binary') {
    const input = { yTrue: yTrue.view(), score: score.view(), threshold: spec.threshold ?? 0.5 };
    overall = computeMetrics('binary', input);
    for (const [k, col] of slices.entries())
      reports.push(toReport(sliceMetrics('binary', input, col, sliceValues[k]!)));
  } else {
    const input = { yTrue: yTrue.view(), yPred: score.view() };
    overall = computeMetrics('regression', input);
    for (const [k, col] of slices.entries()) {
      reports.push(toReport(sliceMetrics('regression', input, col, sliceValues[k]!)));
    }
  }
  return { overall, slices: reports, rows, ...(spec.task === 'multiclass' ? { classes } : {}) };
}

/** Converts the metrics module's slice report to the run.json shape. */
export function toReport(r: {
  column: string;
  groups: { value: string; count: number; metrics: MetricValues }[];
  gaps: Record<string, number | null | undefined>;
}): SliceReport {
  const gaps: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(r.gaps)) gaps[k] = v ?? null;
  return { column: r.column, groups: r.groups.map((g) => ({ ...g, metrics: { ...g.metrics } })), gaps };
}
