/**
 * The drift issue body (GitHub-flavoured markdown): the sticky marker
 * `<!-- modelgate:drift:<model>@<version> -->` ({@link driftReportMarker}), a heading and a one-line summary (dataset drift or
 * not, the drifted share, the columns), the data compared (rows, source and window of the
 * reference and the current data, the release), a table of the columns sorted by severity
 * (column, type, method, statistic, p-value, threshold, drifted), a Mermaid chart of the top
 * drift scores with a table fallback, the skipped columns and the model drift (prediction and
 * performance against the release).
 *
 * Columns are listed by severity (most drifted first; the report's own order when it is sorted).
 * Every user string (column, model, release, source and window text, skip reasons) goes through
 * the project's one escaper (`src/report/escape.ts`), so no name can format the issue, inject
 * HTML, mention anyone or forge a marker. The body stays under GitHub's 65,536-character limit:
 * when too long, the skipped columns collapse to their count, then the column table keeps its most
 * severe rows (with a note naming how many were left out), then the chart goes.
 */
import { escapeMarkdown, escapeTableCell, shorten } from '../report/escape.js';
import { checkMaxLength, GITHUB_COMMENT_LIMIT, safetyMargin } from '../report/truncate.js';
import { sortBySeverity } from './detect-dataset.js';
import { driftMarker } from './issue-lifecycle.js';
import {
  formatCount,
  formatShare,
  formatStatistic,
  pValueText,
  releaseLabel,
  releaseVersion,
  windowText,
} from './report-format.js';
import { driftScoreChart } from './report-mermaid.js';
import type { DriftReport, FeatureDrift, ModelDrift } from './types.js';

/** Options of {@link renderDriftMarkdown}. */
export interface DriftMarkdownOptions {
  /** The longest body allowed, in UTF-16 code units (default GitHub's 65,536; at least 1,000). */
  maxLength?: number;
}

/** The longest column name shown in full (longer ones end with `…`). */
const NAME_MAX = 100;
/** The most skipped columns listed by name. */
const SKIPPED_MAX = 50;
/** The most performance metrics listed. */
const PERFORMANCE_MAX = 30;

/**
 * The sticky marker of a report's drift issue, `<!-- modelgate:drift:<model>@<version> -->`, made by
 * the issue lifecycle's {@link driftMarker} (so the issue is found again by the same marker): the
 * version is the report's release without a `<model>@` prefix or a `v` before its number
 * (`risk@v1.2.0`, `v1.2.0` and `1.2.0` all give `risk@1.2.0`); `unnamed` and `unversioned` stand in
 * for a missing model or release.
 */
export function driftReportMarker(report: Pick<DriftReport, 'model' | 'release'>): string {
  const version = releaseVersion(report)?.replace(/^v(?=\d)/, '');
  return driftMarker(report.model || 'unnamed', version || 'unversioned');
}

function cell(text: string, max = NAME_MAX): string {
  return escapeTableCell(shorten(text, max));
}

function driftedIcon(drifted: boolean): string {
  return drifted ? '🔴 yes' : '🟢 no';
}

/** The heading and the one-line summary. */
function head(report: DriftReport): string {
  const d = report.dataset;
  const label = releaseLabel(report);
  const title = `${d.drifted ? '🔴 Data drift detected' : '🟢 No data drift'}${label ? `: ${escapeMarkdown(shorten(label, NAME_MAX))}` : ''}`;
  const correction = d.correction === 'none' ? 'no correction' : `${d.correction} correction`;
  const summary =
    `**Dataset drift: ${d.drifted ? 'yes' : 'no'}.** ${d.driftedColumns} of ${d.columns} column${d.columns === 1 ? '' : 's'} drifted ` +
    `(${formatShare(d.share)}; the dataset counts as drifted from ${formatShare(d.threshold)}); ` +
    `method ${d.method}, ${correction}.`;
  const lines = [`## ${title}`, '', summary];
  const prediction = report.model_drift?.prediction;
  if (prediction) {
    lines.push(
      '',
      `**Prediction drift: ${prediction.drifted ? 'yes' : 'no'}** (${escapeMarkdown(shorten(prediction.name, NAME_MAX))}: ` +
        `${prediction.method} ${formatStatistic(prediction.statistic)}${prediction.pValue === null ? '' : `, p ${pValueText(prediction)}`}, threshold ${prediction.threshold}).`,
    );
  }
  return lines.join('\n');
}

function sideRow(name: string, side: DriftReport['reference']): string {
  return `| ${name} | ${formatCount(side.rows)} | ${side.source ? cell(side.source, 200) : '–'} | ${cell(windowText(side) || '–', 200)} |`;
}

/** The data compared: the release and each side's rows, source and window. */
function compared(report: DriftReport): string {
  const label = releaseLabel(report);
  const reference = label ? `reference (${cell(label)})` : 'reference';
  return [
    '### Data compared',
    '',
    '| | rows | source | window |',
    '| --- | ---: | --- | --- |',
    sideRow(reference, report.reference),
    sideRow('current', report.current),
  ].join('\n');
}

const TABLE_HEAD = [
  '| column | type | method | statistic | p-value | threshold | drifted |',
  '| --- | --- | --- | ---: | ---: | ---: | --- |',
];

/** One row of the column table. */
export function featureRow(f: FeatureDrift): string {
  return `| ${cell(f.name)} | ${f.type} | ${f.method} | ${formatStatistic(f.statistic)} | ${pValueText(f)} | ${f.threshold} | ${driftedIcon(f.drifted)} |`;
}

/** The column table with its first `rows` rows (the features are sorted by severity). */
function columnTable(features: readonly FeatureDrift[], rows: number): string {
  if (features.length === 0) return '### Columns\n\nNo column was compared.';
  const shown = features.slice(0, rows);
  const lines = ['### Columns, most drifted first', '', ...TABLE_HEAD, ...shown.map(featureRow)];
  const left = features.length - shown.length;
  if (left > 0) {
    const drifted = features.slice(rows).filter((f) => f.drifted).length;
    lines.push(
      '',
      `_… ${left} more column${left === 1 ? '' : 's'} not shown (${drifted} of them drifted): the body is limited to GitHub's size; see the JSON or HTML report._`,
    );
  }
  return lines.join('\n');
}

function chartBlock(features: readonly FeatureDrift[]): string {
  const chart = driftScoreChart(features);
  if (!chart) return '';
  return `#### Drift scores\n\n${chart.mermaid}\n\n${chart.caption}\n\n<details>\n<summary>Drift scores as a table</summary>\n\n${chart.table}\n\n</details>`;
}

function skippedBlock(skipped: DriftReport['skipped'], full: boolean): string {
  if (skipped.length === 0) return '';
  const title = `### Skipped columns (${skipped.length})`;
  if (!full) return `${title}\n\n_Names omitted for length; see the JSON report._`;
  const shown = skipped.slice(0, SKIPPED_MAX);
  const lines = shown.map(
    (s) => `- ${escapeMarkdown(shorten(s.name, NAME_MAX))}: ${escapeMarkdown(shorten(s.reason, 200))}`,
  );
  if (skipped.length > shown.length) lines.push(`- … ${skipped.length - shown.length} more`);
  return `${title}\n\n${lines.join('\n')}`;
}

function modelBlock(model: ModelDrift | undefined): string {
  if (!model || (model.prediction === undefined && (model.performance?.length ?? 0) === 0)) return '';
  const parts = ['### Model drift'];
  if (model.prediction) {
    parts.push(
      `The model's prediction column (not counted in the dataset share): ${model.prediction.drifted ? 'drifted' : 'no drift'}.`,
      [...TABLE_HEAD, featureRow(model.prediction)].join('\n').replace('| column |', '| prediction |'),
    );
  }
  const performance = model.performance ?? [];
  if (performance.length > 0) {
    const shown = performance.slice(0, PERFORMANCE_MAX);
    const degraded = performance.filter((p) => p.degraded).length;
    const rows = shown.map(
      (p) =>
        `| ${cell(p.metric)} | ${formatStatistic(p.reference)} | ${formatStatistic(p.current)} | ${formatStatistic(p.delta)} | ${p.degraded ? '🔴 yes' : '🟢 no'} |`,
    );
    const note =
      performance.length > shown.length ? `\n\n_… ${performance.length - shown.length} more metrics._` : '';
    parts.push(
      `Performance on labelled current data against the release: ${degraded} of ${performance.length} metric${performance.length === 1 ? '' : 's'} degraded.`,
      [
        '| metric | release | current | delta | degraded |',
        '| --- | ---: | ---: | ---: | --- |',
        ...rows,
      ].join('\n') + note,
    );
  }
  return parts.join('\n\n');
}

function footer(report: DriftReport): string {
  return (
    `<sub>Generated by modelgate at ${escapeMarkdown(shorten(report.generated_at, 40))}. ` +
    'Severity (the sort order and the drift score) is statistic / threshold for distances and ' +
    'log10(p) / log10(alpha) for tests, so 1 is the threshold of every method.</sub>'
  );
}

interface Layout {
  rows: number;
  skippedFull: boolean;
  chart: boolean;
}

/**
 * Renders the drift issue body (see the module comment). Pure: the text depends only on the report
 * (its `generated_at` included). Throws a RangeError for a `maxLength` under 1,000.
 */
export function renderDriftMarkdown(report: DriftReport, options: DriftMarkdownOptions = {}): string {
  const maxLength = checkMaxLength(options.maxLength ?? GITHUB_COMMENT_LIMIT);
  const budget = maxLength - safetyMargin(maxLength);
  const fixedHead = [driftReportMarker(report), head(report), compared(report)];
  const features = sortBySeverity(report.features);
  const chart = chartBlock(features);
  const model = modelBlock(report.model_drift);
  const end = footer(report);
  const compose = (layout: Layout): string =>
    [
      ...fixedHead,
      columnTable(features, layout.rows),
      layout.chart ? chart : '',
      skippedBlock(report.skipped, layout.skippedFull),
      model,
      end,
    ]
      .filter((part) => part !== '')
      .join('\n\n') + '\n';

  const all = features.length;
  const tries: Layout[] = [
    { rows: all, skippedFull: true, chart: true },
    { rows: all, skippedFull: false, chart: true },
  ];
  for (const layout of tries) {
    const text = compose(layout);
    if (text.length <= budget) return text;
  }
  for (const chartOn of [true, false]) {
    // The length grows with the number of rows: find the most rows that fit.
    const fits = (rows: number) => compose({ rows, skippedFull: false, chart: chartOn }).length <= budget;
    if (!fits(0)) continue;
    let lo = 0;
    let hi = all;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return compose({ rows: lo, skippedFull: false, chart: chartOn });
  }
  return `${fixedHead.slice(0, 2).join('\n\n')}\n\n_The rest of the report is omitted for length; see the JSON or HTML report._\n`;
}
