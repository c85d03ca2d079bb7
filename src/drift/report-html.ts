/**
 * The drift HTML report: one self-contained page (inline CSS and SVG, no scripts, no external
 * requests, the Content-Security-Policy of the pull-request HTML report) with the dataset verdict,
 * the data compared, a table of the columns sorted by severity with the reason for each method,
 * and, per column in the same order, the reference and current distributions as overlaid
 * histograms; then the skipped columns and the model drift. Every string from the report is
 * escaped (`escapeXml`), so hostile column names show as text.
 */

import { cell, table } from '../report/html-format.js';
import { renderHtmlPage, htmlSection as section } from '../report/html-page.js';
import { escapeXml } from '../report/svg-escape.js';
import { sortBySeverity } from './detect-dataset.js';
import {
  formatCount,
  formatShare,
  formatStatistic,
  pValueText,
  releaseLabel,
  windowText,
} from './report-format.js';
import { driftHistogram, resultSentence } from './report-html-charts.js';
import type { DriftReport, FeatureDrift } from './types.js';

/** Options of {@link renderDriftHtml}. */
export interface DriftHtmlOptions {
  /** The page title; default `modelgate drift: <model>@<version>`. */
  title?: string;
}

/** Extra styles of the drift page (on top of the PR report's stylesheet). */
const DRIFT_CSS = `
.col-detail{margin:0 0 1rem}
.col-detail summary{cursor:pointer;color:var(--muted);font-size:.85rem}
td.reason{color:var(--muted);font-size:.85rem}`;

function badge(bad: boolean, yes = 'drifted', no = 'no drift'): string {
  return bad
    ? `<span class="badge level-fail">${yes}</span>`
    : `<span class="badge status-unchanged">${no}</span>`;
}

function header(report: DriftReport, title: string): string {
  const d = report.dataset;
  const label = releaseLabel(report);
  const correction = d.correction === 'none' ? 'no correction' : `${d.correction} correction`;
  const summary = `${d.driftedColumns} of ${d.columns} column${d.columns === 1 ? '' : 's'} drifted (${formatShare(d.share)}; the dataset counts as drifted from ${formatShare(d.threshold)}); method ${d.method}, ${correction}.`;
  const side = (name: string, s: DriftReport['reference']) =>
    `<tr>${cell(name, { header: true })}${cell(formatCount(s.rows), { className: 'num' })}${cell(s.source ?? '\u2014')}${cell(windowText(s) || '\u2014')}</tr>`;
  const prediction = report.model_drift?.prediction;
  const predictionLine = prediction
    ? `<p class="meta">Prediction drift (<code>${escapeXml(prediction.name)}</code>, not counted in the share): ${escapeXml(resultSentence(prediction))}.</p>`
    : '';
  return (
    `<header class="verdict verdict-${d.drifted ? 'fail' : 'pass'}" id="verdict">` +
    `<p class="eyebrow">modelgate \u00b7 drift${label ? ` \u00b7 ${escapeXml(label)}` : ''}</p>` +
    `<h1>${escapeXml(title)}</h1>` +
    `<div class="verdict-line"><span class="verdict-badge" role="status" id="verdict-text">${d.drifted ? 'Dataset drift' : 'No dataset drift'}</span>` +
    `<span class="muted">${escapeXml(summary)}</span></div>` +
    predictionLine +
    table(
      ['', 'rows', 'source', 'window'],
      [side(label ? `reference (${label})` : 'reference', report.reference), side('current', report.current)],
      { id: 'compared', caption: 'Data compared' },
    ) +
    `<p class="meta">Generated at ${escapeXml(report.generated_at)}. Severity: statistic / threshold for distances, log10(p) / log10(alpha) for tests (1 = threshold).</p>` +
    '</header>'
  );
}

function anchor(index: number): string {
  return `col-${index + 1}`;
}

function featureRow(f: FeatureDrift, index: number): string {
  const name = `<a href="#${anchor(index)}">${escapeXml(f.name)}</a>`;
  return (
    `<tr${f.drifted ? ' class="row-regressed"' : ''}>` +
    cell(name, { header: true, html: true }) +
    cell(f.type) +
    cell(f.method) +
    cell(formatStatistic(f.statistic), { className: 'num' }) +
    cell(pValueText(f), { className: 'num' }) +
    cell(String(f.threshold), { className: 'num' }) +
    cell(formatStatistic(f.severity), { className: 'num' }) +
    cell(badge(f.drifted), { html: true }) +
    cell(`${formatShare(f.referenceMissing)} / ${formatShare(f.currentMissing)}`, { className: 'num' }) +
    cell(f.reason, { className: 'reason' }) +
    '</tr>'
  );
}

function binTable(f: FeatureDrift): string {
  const bins = f.bins;
  if (!bins) return '';
  const rows = bins.labels.map(
    (label, i) =>
      `<tr>${cell(label, { header: true })}${cell(formatShare(bins.reference[i] ?? Number.NaN), { className: 'num' })}${cell(formatShare(bins.current[i] ?? Number.NaN), { className: 'num' })}</tr>`,
  );
  return `<details class="col-detail"><summary>Shares per bin</summary>${table(['bin', 'reference', 'current'], rows)}</details>`;
}

function featureFigure(f: FeatureDrift, id: string): string {
  const svg = driftHistogram(f);
  const chart = svg ?? `<p class="note">No binned view for ${escapeXml(f.name)}.</p>`;
  return (
    `<figure class="chart" id="${id}">${chart}` +
    `<figcaption>${badge(f.drifted)} ${escapeXml(f.type)}, ${escapeXml(resultSentence(f))}; rows ${escapeXml(formatCount(f.referenceCount))} / ${escapeXml(formatCount(f.currentCount))}.</figcaption>` +
    `${binTable(f)}</figure>`
  );
}

function modelSection(report: DriftReport): string {
  const m = report.model_drift;
  if (!m) return '';
  const parts: string[] = [];
  if (m.prediction) {
    parts.push(
      '<h3>Prediction</h3><p class="meta">The model\u2019s prediction column, judged like a feature but not counted in the dataset share.</p>',
      `<div class="charts">${featureFigure(m.prediction, 'prediction')}</div>`,
    );
  }
  if (m.performance && m.performance.length > 0) {
    const rows = m.performance.map(
      (p) =>
        `<tr${p.degraded ? ' class="row-regressed"' : ''}>${cell(p.metric, { header: true })}${cell(formatStatistic(p.reference), { className: 'num' })}${cell(formatStatistic(p.current), { className: 'num' })}${cell(formatStatistic(p.delta), { className: 'num' })}${cell(badge(p.degraded, 'degraded', 'ok'), { html: true })}</tr>`,
    );
    parts.push(
      '<h3>Performance against the release</h3>',
      table(['metric', 'release', 'current', 'delta', 'status'], rows, { id: 'performance' }),
    );
  }
  return parts.length === 0 ? '' : section('model', 'Model drift', parts.join(''));
}

/**
 * Renders the drift report as one self-contained HTML document (see the module comment). The
 * output depends only on the report.
 */
export function renderDriftHtml(report: DriftReport, options: DriftHtmlOptions = {}): string {
  const label = releaseLabel(report);
  const title = options.title ?? `modelgate drift${label ? `: ${label}` : ''}`;
  const body: string[] = [header(report, title)];
  const features = sortBySeverity(report.features);
  body.push(
    section(
      'columns',
      'Columns, most drifted first',
      features.length === 0
        ? '<p class="muted">No column was compared.</p>'
        : table(
            [
              'column',
              'type',
              'method',
              'statistic',
              'p-value',
              'threshold',
              'severity',
              'drifted',
              'missing (ref / cur)',
              'why this method',
            ],
            features.map(featureRow),
            { id: 'features' },
          ),
    ),
  );
  if (features.length > 0) {
    body.push(
      section(
        'distributions',
        'Distributions',
        `<div class="charts">${features.map((f, i) => featureFigure(f, anchor(i))).join('')}</div>`,
      ),
    );
  }
  if (report.skipped.length > 0) {
    const items = report.skipped.map(
      (s) => `<li><code>${escapeXml(s.name)}</code>: ${escapeXml(s.reason)}</li>`,
    );
    body.push(section('skipped', `Skipped columns (${report.skipped.length})`, `<ul>${items.join('')}</ul>`));
  }
  const model = modelSection(report);
  if (model) body.push(model);

  return renderHtmlPage({ title, body, css: DRIFT_CSS });
}
