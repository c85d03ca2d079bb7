/**
 * Evaluation from a predictions file (CSV/JSONL/Parquet): the shared path for command mode, the
 * `metrics` command and re-evaluation. One streaming pass (`readPredictionColumns`, shared with the
 * diff's `loadExamples`) collects the label, the score(s) and the slice columns into typed arrays;
 * the metrics come from `src/metrics/`.
 *
 * Columns by task:
 * - binary: label (0/1, true/false, yes/no, or `positiveLabel`) and score = P(positive) in [0, 1];
 * - multiclass: label and one probability column per class named `<probaPrefix><class>`
 *   (default `proba_`), or only a predicted-class column (then `log_loss` is null);
 * - regression: label and the predicted value (the score column).
 */
import type { Task } from '../config/model-config.js';
import type { SliceReport } from '../config/run-record.js';
import { computeMetrics, type MetricValues, sliceMetrics } from '../metrics/index.js';
import { readPredictionColumns } from './prediction-columns.js';

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

/** Maps a binary label cell to 0/1 (defined with the shared parser in `prediction-columns.ts`). */
export { binaryLabel } from './prediction-columns.js';

/**
 * Evaluates a predictions file. Errors (missing column, unparsable value, one class only where two
 * are needed) are `DataError`s naming the file, the row and the column.
 */
export async function evaluatePredictionsFile(
  file: string,
  spec: PredictionSpec,
): Promise<PredictionEvaluation> {
  const columns = await readPredictionColumns(file, {
    task: spec.task,
    label: spec.label,
    score: spec.score,
    prediction: spec.prediction,
    probaPrefix: spec.probaPrefix,
    positiveLabel: spec.positiveLabel,
    slices: spec.slices ?? [],
  });
  const { rows, yTrue, slices } = columns;
  const reports: SliceReport[] = [];
  let overall: MetricValues;
  if (spec.task === 'multiclass') {
    const input = { yTrue, proba: columns.proba!, classes: columns.classes! };
    const oneHot = !columns.fromProbabilities;
    overall = computeMetrics('multiclass', input);
    if (oneHot) overall.log_loss = null;
    for (const s of slices) {
      const r = sliceMetrics('multiclass', input, s.column, s.values);
      if (oneHot) for (const g of r.groups) g.metrics.log_loss = null;
      reports.push(toReport(r));
    }
    return { overall, slices: reports, rows, classes: input.classes };
  }
  if (spec.task === 'binary') {
    const input = { yTrue, score: columns.score!, threshold: spec.threshold ?? 0.5 };
    overall = computeMetrics('binary', input);
    for (const s of slices) reports.push(toReport(sliceMetrics('binary', input, s.column, s.values)));
  } else {
    const input = { yTrue, yPred: columns.score! };
    overall = computeMetrics('regression', input);
    for (const s of slices) reports.push(toReport(sliceMetrics('regression', input, s.column, s.values)));
  }
  return { overall, slices: reports, rows };
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
