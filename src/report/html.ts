/**
 * The HTML report of a model change: one self-contained HTML file (inline CSS and SVG, no scripts,
 * no external requests, a Content-Security-Policy that forbids them) with the gate's verdict and
 * reasons, the metric table and charts, ROC / precision-recall / calibration curves, learning
 * curves, slices and fairness gaps, parameter / data / environment changes and the model card.
 */
import type { Examples, GateResult, RunDiff } from '../diff/types.js';
import {
  exampleCharts,
  type HistoryPoint,
  learningCurveChart,
  metricComparisonCharts,
} from './html-charts.js';
import { formatSlice, runLabel, VERDICT_LABELS } from './html-format.js';
import { markdownToHtml } from './html-markdown.js';
import { renderHtmlPage, htmlSection as section } from './html-page.js';
import {
  dataTable,
  environmentTable,
  fairnessTable,
  metricTable,
  paramsTable,
  reasonsList,
  runsTable,
  sliceTables,
} from './html-tables.js';
import { escapeXml } from './svg-escape.js';

/** One epoch of a training history (re-exported for callers of {@link renderHtmlReport}). */
export type { HistoryPoint } from './html-charts.js';

/** What {@link renderHtmlReport} renders. */
export interface HtmlReportInput {
  /** The comparison of the candidate with its baseline. */
  diff: RunDiff;
  /** The gate's verdict on it. */
  gate: GateResult;
  /**
   * The model card, as Markdown. It is rendered with a minimal, safe converter (headings,
   * paragraphs, lists, pipe tables, code, emphasis; see `html-markdown.ts`): everything is
   * escaped, raw HTML shows as text, links show their address as text and images their alt text.
   */
  card?: string;
  /** Per-example evaluation data of each run, for the ROC / PR / calibration (or regression) charts. */
  examples?: { baseline?: Examples | null; candidate?: Examples | null };
  /** Training history of each run (the run record's `history`), for the learning curves. */
  history?: { baseline?: HistoryPoint[] | null; candidate?: HistoryPoint[] | null };
  /** The page title; default `modelgate report: <model>`. */
  title?: string;
}

/** The report's Content-Security-Policy (defined with the shared page frame in `html-page.ts`). */
export { REPORT_CSP } from './html-page.js';

function charts(list: string[]): string {
  return list.length === 0 ? '' : `<div class="charts">${list.join('')}</div>`;
}

function header(input: HtmlReportInput, title: string): string {
  const { diff, gate } = input;
  const verdict = VERDICT_LABELS[gate.verdict] ?? String(gate.verdict);
  const approved = gate.approver
    ? `<span class="approver">approved by <strong>${escapeXml(gate.approver)}</strong></span>`
    : '';
  const compared = diff.baseline
    ? `${escapeXml(runLabel('candidate', diff.candidate))} against ${escapeXml(runLabel('baseline', diff.baseline))}`
    : 'first version: there is no baseline to compare with';
  return (
    `<header class="verdict verdict-${escapeXml(gate.verdict)}" id="verdict">` +
    `<p class="eyebrow">modelgate \u00b7 model ${escapeXml(diff.model)} \u00b7 ${escapeXml(diff.task)}</p>` +
    `<h1>${escapeXml(title)}</h1>` +
    `<div class="verdict-line"><span class="verdict-badge" role="status" id="verdict-text">${escapeXml(verdict)}</span>${approved}` +
    `<span class="muted">${compared}</span></div>` +
    reasonsList(gate.reasons) +
    `<p class="meta">Release bump: <strong>${escapeXml(gate.bump.bump)}</strong> (${escapeXml(gate.bump.reason)})</p>` +
    runsTable(diff.baseline, diff.candidate) +
    '</header>'
  );
}

function bootstrapNote(diff: RunDiff): string {
  const b = diff.bootstrap;
  if (!b) {
    return '<p class="meta">No per-example data for both runs: no confidence intervals, so every change counts as real.</p>';
  }
  return `<p class="meta">Confidence intervals: paired bootstrap, ${escapeXml(b.resamples)} resamples of ${escapeXml(b.paired)} examples paired by ${escapeXml(b.pairing)}, seed ${escapeXml(b.seed)}. A change whose interval contains 0 is within noise.</p>`;
}

function gapsNote(input: HtmlReportInput): string {
  const flagged = input.gate.reasons.filter((r) => r.code === 'fairness-gap');
  if (flagged.length === 0) return '';
  return `<p class="meta">Flagged by the gate: ${flagged.map((r) => escapeXml(r.slice ? formatSlice(r.slice) : (r.metric ?? r.message))).join(', ')}.</p>`;
}

/**
 * Renders the report as one self-contained HTML document (see the module comment). Every string
 * from the input (names, values, messages, the card) is escaped, so hostile names show as text.
 * The output depends only on the input (no clock, no randomness beyond the seeded scatter sample).
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { diff } = input;
  const title = input.title ?? `modelgate report: ${diff.model}`;
  const body: string[] = [header(input, title)];

  body.push(
    section(
      'metrics',
      'Metrics',
      bootstrapNote(diff) + metricTable(diff) + charts(metricComparisonCharts(diff)),
    ),
  );

  const curves = exampleCharts(diff, input.examples);
  if (curves.length > 0) {
    const name = diff.task === 'regression' ? 'Predictions' : 'Curves';
    body.push(section('curves', name, charts(curves)));
  }

  const learning = learningCurveChart(diff, input.history);
  if (learning) body.push(section('training', 'Learning curves', charts([learning])));

  const slices = sliceTables(diff);
  if (slices) body.push(section('slices', 'Slices', slices));

  const fairness = fairnessTable(diff.fairness);
  if (fairness) body.push(section('fairness', 'Fairness gaps', gapsNote(input) + fairness));

  body.push(
    section(
      'changes',
      'What changed',
      `<h3>Parameters</h3>${paramsTable(diff.params)}<h3>Data</h3>${dataTable(diff.data)}<h3>Environment</h3>${environmentTable(diff.environment)}`,
    ),
  );

  if (input.card !== undefined && input.card.trim() !== '') {
    body.push(
      section(
        'model-card',
        'Model card',
        `<div class="card">${markdownToHtml(input.card, { headingOffset: 2 })}</div>`,
      ),
    );
  }

  return renderHtmlPage({ title, body });
}
