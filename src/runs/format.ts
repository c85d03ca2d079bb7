/** Plain-text rendering of metrics and runs for the terminal. */
import type { MetricMap, RunRecord, SliceReport } from '../config/run-record.js';

/** Formats a metric value: 4 significant decimals, `n/a` for null. */
export function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) >= 1) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(3);
  return a >= 1000 ? v.toFixed(1) : v.toFixed(4);
}

/** A left-aligned text table. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A two-column metric table. */
export function metricsTable(metrics: MetricMap): string {
  return textTable(
    ['metric', 'value'],
    Object.entries(metrics).map(([k, v]) => [k, formatMetric(v)]),
  );
}

/** Per-slice table: slice value, count and the chosen metrics, plus the fairness gaps. */
export function slicesTable(report: SliceReport, metricNames: string[]): string {
  const rows = report.groups.map((g) => [
    g.value,
    String(g.count),
    ...metricNames.map((m) => formatMetric(g.metrics[m])),
  ]);
  const gaps = Object.entries(report.gaps)
    .map(([k, v]) => `${k} = ${formatMetric(v)}`)
    .join(', ');
  return `${textTable([report.column, 'rows', ...metricNames], rows)}${gaps ? `\n${gaps}` : ''}`;
}

/** The first three metric names of a slice report's groups (what a terminal table has room for). */
export function sliceMetricNames(report: SliceReport, count = 3): string[] {
  return Object.keys(report.groups[0]?.metrics ?? {}).slice(0, count);
}

/** A short human summary of a run. */
export function runSummary(record: RunRecord, dir: string): string {
  const lines = [
    `run ${record.id}: ${record.status} (${record.mode}${record.environment.backend ? `, backend ${record.environment.backend}` : ''}${record.environment.gpu ? `, GPU ${record.environment.gpu.name}` : ''})`,
    `folder: ${dir}`,
    `data: train ${record.data.train?.rows ?? '?'} rows${record.data.eval ? `, eval ${record.data.eval.rows} rows` : ''}; evaluated on ${record.metrics.eval_rows ?? '?'} rows`,
  ];
  if (record.timings.epochs !== undefined) {
    lines.push(
      `training: ${record.timings.epochs} epochs (best ${record.timings.best_epoch}), ${((record.timings.train_ms ?? 0) / 1000).toFixed(1)} s, ${Math.round(record.timings.samples_per_sec ?? 0)} samples/s`,
    );
  }
  lines.push('', metricsTable(record.metrics.overall));
  for (const s of record.metrics.slices) lines.push('', slicesTable(s, sliceMetricNames(s)));
  if (record.importance && record.importance.length > 0) {
    lines.push(
      '',
      textTable(
        ['feature', 'importance', 'std'],
        record.importance
          .slice(0, 10)
          .map((f) => [f.feature, formatMetric(f.importance), formatMetric(f.std)]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
