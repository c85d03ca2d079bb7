/**
 * The HTML report's charts: the metric comparison, ROC / precision-recall / calibration curves
 * (binary), one-vs-rest ROC curves (multiclass), predicted-vs-actual and residuals (regression),
 * and learning curves. Each is an inline SVG wrapped in a `<figure>`; a chart that cannot be drawn
 * from bad per-example data becomes a short note instead of an error.
 */
import type { Examples, RunDiff } from '../diff/types.js';
import { formatMetric } from '../runs/format.js';
import {
  binaryCurves,
  decimateCurve,
  finiteExtent,
  histogram,
  MAX_CURVE_POINTS,
  oneVsRestRoc,
  regressionCurves,
} from './curves.js';
import { runLabel } from './html-format.js';
import { type BarSeries, barChart } from './svg-bar-chart.js';
import { type CalibrationSeries, calibrationChart } from './svg-calibration-chart.js';
import { escapeXml } from './svg-escape.js';
import { type HistogramSeries, histogramChart } from './svg-histogram-chart.js';
import { type LineSeries, lineChart } from './svg-line-chart.js';
import { BASELINE_COLOR, CANDIDATE_COLOR } from './svg-palette.js';
import { type ScatterSeries, scatterChart } from './svg-scatter-chart.js';

/** One epoch of a training history (the run record's `history` entries fit). */
export interface HistoryPoint {
  epoch: number;
  loss: number;
  val_loss?: number | null;
}

/** A run's per-example data and its legend label. */
interface Side {
  label: string;
  color: number;
  examples: Examples;
}

/** Wraps an SVG in a figure (with an optional caption). */
export function figure(svg: string, caption?: string): string {
  return `<figure class="chart">${svg}${caption ? `<figcaption>${escapeXml(caption)}</figcaption>` : ''}</figure>`;
}

function note(text: string): string {
  return `<p class="note">${escapeXml(text)}</p>`;
}

function safely(what: string, draw: () => string[]): string[] {
  try {
    return draw();
  } catch (error) {
    return [note(`${what} could not be drawn: ${error instanceof Error ? error.message : String(error)}`)];
  }
}

/**
 * The metric comparison: the overall metrics whose values all lie in [0, 1] (rates, AUCs, losses
 * of well-calibrated models) share one grouped bar chart; every other metric gets a small chart of
 * its own, so metrics of different scales never share an axis.
 */
export function metricComparisonCharts(diff: RunDiff): string[] {
  const overall = diff.metrics.filter(
    (m) =>
      m.slice === null &&
      ((m.baseline !== null && Number.isFinite(m.baseline)) ||
        (m.candidate !== null && Number.isFinite(m.candidate))),
  );
  if (overall.length === 0) return [];
  const inUnit = (v: number | null) => v === null || !Number.isFinite(v) || (v >= 0 && v <= 1);
  const bounded = overall.filter((m) => inUnit(m.baseline) && inUnit(m.candidate));
  const other = overall.filter((m) => !bounded.includes(m));
  const baseline = runLabel('baseline', diff.baseline);
  const candidate = runLabel('candidate', diff.candidate);
  const seriesFor = (metrics: typeof overall): BarSeries[] => {
    const series: BarSeries[] = [];
    if (diff.baseline)
      series.push({ label: baseline, color: BASELINE_COLOR, values: metrics.map((m) => m.baseline) });
    series.push({ label: candidate, color: CANDIDATE_COLOR, values: metrics.map((m) => m.candidate) });
    return series;
  };
  const charts: string[] = [];
  if (bounded.length > 0) {
    charts.push(
      figure(
        barChart({
          title: 'Metric comparison',
          description: `Overall metrics of the ${diff.baseline ? 'baseline and the ' : ''}candidate, on a 0 to 1 scale.`,
          categories: bounded.map((m) => m.name),
          series: seriesFor(bounded),
          domain: [0, 1],
          format: (v) => formatMetric(v),
        }),
      ),
    );
  }
  for (const m of other) {
    charts.push(
      figure(
        barChart({
          title: m.name,
          description: `${m.name} of the ${diff.baseline ? 'baseline and the ' : ''}candidate (${m.direction} is better).`,
          categories: [m.name],
          series: seriesFor([m]),
          format: (v) => formatMetric(v),
          width: 420,
        }),
      ),
    );
  }
  return charts;
}

function sides(
  diff: RunDiff,
  examples?: { baseline?: Examples | null; candidate?: Examples | null },
): Side[] {
  const out: Side[] = [];
  if (examples?.baseline) {
    out.push({
      label: runLabel('baseline', diff.baseline),
      color: BASELINE_COLOR,
      examples: examples.baseline,
    });
  }
  if (examples?.candidate) {
    out.push({
      label: runLabel('candidate', diff.candidate),
      color: CANDIDATE_COLOR,
      examples: examples.candidate,
    });
  }
  return out;
}

function binaryCharts(list: Side[]): string[] {
  const roc: LineSeries[] = [];
  const pr: LineSeries[] = [];
  const calibration: CalibrationSeries[] = [];
  for (const side of list) {
    const curves = binaryCurves(side.examples);
    if (!curves) continue;
    if (curves.roc) {
      const d = decimateCurve(curves.roc.fpr, curves.roc.tpr, MAX_CURVE_POINTS);
      roc.push({ label: `${side.label} (AUC ${formatMetric(curves.roc.auc)})`, color: side.color, ...d });
    }
    if (curves.pr) {
      const d = decimateCurve(curves.pr.recall, curves.pr.precision, MAX_CURVE_POINTS);
      pr.push({
        label: `${side.label} (AP ${formatMetric(curves.pr.averagePrecision)})`,
        color: side.color,
        ...d,
      });
    }
    calibration.push({ label: side.label, color: side.color, bins: curves.calibration });
  }
  const charts: string[] = [];
  if (roc.length > 0) {
    charts.push(
      figure(
        lineChart({
          title: 'ROC curve',
          description: 'True positive rate against false positive rate at every decision threshold.',
          xLabel: 'False positive rate',
          yLabel: 'True positive rate',
          xDomain: [0, 1],
          yDomain: [0, 1],
          series: roc,
          reference: { label: 'chance', from: [0, 0], to: [1, 1] },
        }),
      ),
    );
  }
  if (pr.length > 0) {
    charts.push(
      figure(
        lineChart({
          title: 'Precision-recall curve',
          description: 'Precision against recall at every decision threshold.',
          xLabel: 'Recall',
          yLabel: 'Precision',
          xDomain: [0, 1],
          yDomain: [0, 1],
          series: pr,
        }),
      ),
    );
  }
  if (calibration.length > 0) charts.push(figure(calibrationChart({ series: calibration })));
  if (charts.length === 0)
    charts.push(note('The examples hold a single class: no ROC or precision-recall curve.'));
  return charts;
}

function multiclassCharts(list: Side[]): string[] {
  const charts: string[] = [];
  for (const side of list) {
    const curves = oneVsRestRoc(side.examples);
    if (!curves) continue;
    const series: LineSeries[] = [];
    curves.forEach((c, i) => {
      if (!c.roc) return;
      const d = decimateCurve(c.roc.fpr, c.roc.tpr, MAX_CURVE_POINTS);
      series.push({ label: `${c.label} (AUC ${formatMetric(c.roc.auc)})`, color: i, dashed: i >= 8, ...d });
    });
    if (series.length === 0) continue;
    charts.push(
      figure(
        lineChart({
          title: `One-vs-rest ROC curves, ${side.label}`,
          description:
            'Per class: true positive rate against false positive rate, the class against all others.',
          xLabel: 'False positive rate',
          yLabel: 'True positive rate',
          xDomain: [0, 1],
          yDomain: [0, 1],
          series,
          reference: { label: 'chance', from: [0, 0], to: [1, 1] },
          height: series.length > 6 ? 420 : 360,
        }),
      ),
    );
  }
  return charts;
}

function regressionCharts(list: Side[]): string[] {
  const scatter: ScatterSeries[] = [];
  const residuals: { side: Side; values: Float64Array }[] = [];
  for (const side of list) {
    const curves = regressionCurves(side.examples);
    if (!curves) continue;
    scatter.push({ label: side.label, color: side.color, x: curves.actual, y: curves.predicted });
    residuals.push({ side, values: curves.residuals });
  }
  const charts: string[] = [];
  if (scatter.length > 0) {
    charts.push(
      figure(
        scatterChart({
          title: 'Predicted vs actual',
          description: 'Each point is an evaluation example (a seeded sample of at most 500 per run).',
          xLabel: 'Actual',
          yLabel: 'Predicted',
          series: scatter,
          identity: 'predicted = actual',
          sameScale: true,
        }),
      ),
    );
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of residuals) {
    const e = finiteExtent(r.values);
    if (e) {
      lo = Math.min(lo, e[0]);
      hi = Math.max(hi, e[1]);
    }
  }
  if (residuals.length > 0 && lo <= hi) {
    let edges: number[] = [];
    const series: HistogramSeries[] = residuals.map((r) => {
      const h = histogram(r.values, 30, [lo, hi]);
      edges = h.edges;
      return { label: r.side.label, color: r.side.color, counts: h.counts };
    });
    charts.push(
      figure(
        histogramChart({
          title: 'Residuals',
          description: 'Distribution of actual minus predicted values.',
          xLabel: 'Residual (actual \u2212 predicted)',
          yLabel: 'Examples',
          edges,
          series,
        }),
      ),
    );
  }
  return charts;
}

/** The per-example charts of the runs that have examples, for the task of those examples. */
export function exampleCharts(
  diff: RunDiff,
  examples?: { baseline?: Examples | null; candidate?: Examples | null },
): string[] {
  const list = sides(diff, examples);
  if (list.length === 0) return [];
  const task = list[0]?.examples.task ?? diff.task;
  if (task === 'binary')
    return safely('The ROC, precision-recall and calibration curves', () => binaryCharts(list));
  if (task === 'multiclass') return safely('The one-vs-rest ROC curves', () => multiclassCharts(list));
  return safely('The regression charts', () => regressionCharts(list));
}

/** Learning curves: loss (solid) and validation loss (dashed) per epoch for each run with a history. */
export function learningCurveChart(
  diff: RunDiff,
  history?: { baseline?: HistoryPoint[] | null; candidate?: HistoryPoint[] | null },
): string | null {
  const series: LineSeries[] = [];
  const add = (role: 'baseline' | 'candidate', points: HistoryPoint[] | null | undefined, color: number) => {
    if (!points || points.length === 0) return;
    const label = runLabel(role, role === 'baseline' ? diff.baseline : diff.candidate);
    const epochs = points.map((p) => p.epoch);
    series.push({ label: `${label} loss`, color, x: epochs, y: points.map((p) => p.loss) });
    if (points.some((p) => typeof p.val_loss === 'number')) {
      series.push({
        label: `${label} val_loss`,
        color,
        dashed: true,
        x: epochs,
        y: points.map((p) => (typeof p.val_loss === 'number' ? p.val_loss : Number.NaN)),
      });
    }
  };
  add('baseline', history?.baseline, BASELINE_COLOR);
  add('candidate', history?.candidate, CANDIDATE_COLOR);
  if (series.length === 0) return null;
  return figure(
    lineChart({
      title: 'Learning curves',
      description: 'Training loss (solid) and validation loss (dashed) per epoch.',
      xLabel: 'Epoch',
      yLabel: 'Loss',
      integerX: true,
      series,
    }),
  );
}
