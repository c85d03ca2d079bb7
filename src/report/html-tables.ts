/**
 * The HTML report's tables: runs, overall metrics, per-slice metrics, fairness gaps, parameter,
 * data and environment changes. Pure functions from the diff to escaped HTML fragments.
 */
import type {
  DataDelta,
  EnvironmentChange,
  FairnessDelta,
  GateReason,
  MetricDelta,
  ParamChange,
  RunDiff,
  RunRef,
  SchemaChange,
} from '../diff/types.js';
import { formatMetric } from '../runs/format.js';
import {
  cell,
  formatCi,
  formatDelta,
  formatRelative,
  formatSlice,
  formatValue,
  shortSha,
  statusBadge,
  table,
} from './html-format.js';
import { escapeXml } from './svg-escape.js';

/** The header of the confidence-interval column, e.g. `95% CI`. */
export function ciHeader(diff: RunDiff): string {
  const confidence = diff.bootstrap?.confidence ?? 0.95;
  return `${Number((confidence * 100).toFixed(1))}% CI`;
}

function directionMark(m: MetricDelta): string {
  const word = m.direction === 'higher' ? 'higher is better' : 'lower is better';
  return `<span class="dir" title="${word}" aria-label="${word}">${m.direction === 'higher' ? '\u2191' : '\u2193'}</span>`;
}

function deltaCell(m: MetricDelta): string {
  const rel = formatRelative(m.relative);
  return cell(
    `${escapeXml(formatDelta(m.delta))}${rel ? ` <span class="rel">(${escapeXml(rel)})</span>` : ''}`,
    { className: 'num', html: true },
  );
}

/** The runs compared: id, version, commit, branch and creation time of the baseline and the candidate. */
export function runsTable(baseline: RunRef | null, candidate: RunRef): string {
  const row = (name: string, get: (r: RunRef) => string) =>
    `<tr>${cell(name, { header: true })}${cell(baseline ? get(baseline) : '\u2014')}${cell(get(candidate))}</tr>`;
  return table(
    ['', 'baseline', 'candidate'],
    [
      row('run', (r) => r.id),
      row('version', (r) => r.version ?? '\u2014'),
      row('commit', (r) => shortSha(r.git_sha)),
      row('branch', (r) => r.branch ?? '\u2014'),
      row('created', (r) => r.created_at),
    ],
    { id: 'runs', className: 'runs' },
  );
}

/** The gate's reasons as a list, each with its level. */
export function reasonsList(reasons: GateReason[]): string {
  if (reasons.length === 0) return '<p class="muted">No gate rule was triggered.</p>';
  const items = reasons.map((r) => {
    const where = r.metric
      ? ` <span class="muted">(${escapeXml(r.metric)}${r.slice ? `, ${escapeXml(formatSlice(r.slice))}` : ''})</span>`
      : '';
    return `<li class="reason reason-${escapeXml(r.level)}"><span class="badge level-${escapeXml(r.level)}">${escapeXml(r.level)}</span> ${escapeXml(r.message)}${where} <code class="muted">${escapeXml(r.code)}</code></li>`;
  });
  return `<ul class="reasons" id="reasons">${items.join('')}</ul>`;
}

/** The overall metrics: baseline, candidate, delta (and relative change), CI and status. */
export function metricTable(diff: RunDiff): string {
  const overall = diff.metrics.filter((m) => m.slice === null);
  if (overall.length === 0) return '<p class="muted">No metrics were recorded.</p>';
  const rows = overall.map(
    (m) =>
      `<tr class="row-${escapeXml(m.status)}" data-metric="${escapeXml(m.name)}">` +
      cell(`${escapeXml(m.name)} ${directionMark(m)}`, { header: true, html: true }) +
      cell(formatMetric(m.baseline), { className: 'num' }) +
      cell(formatMetric(m.candidate), { className: 'num' }) +
      deltaCell(m) +
      cell(formatCi(m.ci), { className: 'num ci' }) +
      cell(statusBadge(m.status), { html: true }) +
      '</tr>',
  );
  return table(['metric', 'baseline', 'candidate', 'delta', ciHeader(diff), 'status'], rows, {
    id: 'metric-table',
    className: 'metrics',
  });
}

/**
 * Per-slice metrics, one table per slice column: a row per (slice value, metric) with the same
 * columns as the overall table plus the slice's row count.
 */
export function sliceTables(diff: RunDiff): string {
  const sliced = diff.metrics.filter((m) => m.slice !== null);
  if (sliced.length === 0) return '';
  const byColumn = new Map<string, MetricDelta[]>();
  for (const m of sliced) {
    const column = (m.slice as NonNullable<MetricDelta['slice']>).column;
    const list = byColumn.get(column) ?? [];
    list.push(m);
    byColumn.set(column, list);
  }
  const parts: string[] = [];
  for (const [column, metrics] of byColumn) {
    let lastValue: string | null = null;
    const rows = metrics.map((m) => {
      const value = m.slice?.value ?? '';
      const first = value !== lastValue;
      lastValue = value;
      return (
        `<tr class="row-${escapeXml(m.status)}${first ? ' group-start' : ''}">` +
        cell(first ? value : '', { header: true }) +
        cell(first && m.count !== undefined ? String(m.count) : '', { className: 'num' }) +
        cell(m.name) +
        cell(formatMetric(m.baseline), { className: 'num' }) +
        cell(formatMetric(m.candidate), { className: 'num' }) +
        deltaCell(m) +
        cell(formatCi(m.ci), { className: 'num ci' }) +
        cell(statusBadge(m.status), { html: true }) +
        '</tr>'
      );
    });
    parts.push(
      table([column, 'rows', 'metric', 'baseline', 'candidate', 'delta', ciHeader(diff), 'status'], rows, {
        className: 'slices',
        caption: `Slice column: ${column}`,
      }),
    );
  }
  return parts.join('');
}

function gapStatus(f: FairnessDelta): string {
  if (f.limit === null || f.candidate === null) return '<span class="muted">\u2014</span>';
  return Math.abs(f.candidate) > f.limit
    ? '<span class="badge status-regressed">over limit</span>'
    : '<span class="badge status-improved">within limit</span>';
}

/** The fairness gaps per slice column: baseline, candidate, delta, the configured limit and whether it holds. */
export function fairnessTable(fairness: FairnessDelta[]): string {
  if (fairness.length === 0) return '';
  const rows = fairness.map(
    (f) =>
      '<tr>' +
      cell(f.column, { header: true }) +
      cell(f.name) +
      cell(formatMetric(f.baseline), { className: 'num' }) +
      cell(formatMetric(f.candidate), { className: 'num' }) +
      cell(formatDelta(f.delta), { className: 'num' }) +
      cell(f.limit === null ? '\u2014' : formatMetric(f.limit), { className: 'num' }) +
      cell(gapStatus(f), { html: true }) +
      '</tr>',
  );
  return table(['slice column', 'gap', 'baseline', 'candidate', 'delta', 'limit', 'status'], rows, {
    id: 'fairness-table',
    className: 'fairness',
  });
}

/** The changed parameters, with their values on each side. */
export function paramsTable(params: ParamChange[]): string {
  if (params.length === 0) return '<p class="muted">No parameter changed.</p>';
  const rows = params.map(
    (p) =>
      '<tr>' +
      cell(`<code>${escapeXml(p.path)}</code>`, { header: true, html: true }) +
      cell(p.kind) +
      cell(`<code>${escapeXml(formatValue(p.baseline, 160, true))}</code>`, { html: true }) +
      cell(`<code>${escapeXml(formatValue(p.candidate, 160, true))}</code>`, { html: true }) +
      '</tr>',
  );
  return table(['parameter', 'change', 'baseline', 'candidate'], rows, {
    id: 'params-table',
    className: 'params',
  });
}

function schemaSummary(schema: SchemaChange): string {
  const parts: string[] = [];
  if (schema.added.length > 0)
    parts.push(`added: ${schema.added.map((c) => `${c.name} (${c.type})`).join(', ')}`);
  if (schema.removed.length > 0) parts.push(`removed: ${schema.removed.map((c) => c.name).join(', ')}`);
  for (const c of schema.changed) {
    const from = `${c.baseline.type}${c.baseline.nullable ? '?' : ''}`;
    const to = `${c.candidate.type}${c.candidate.nullable ? '?' : ''}`;
    parts.push(`${c.name}: ${from} \u2192 ${to}`);
  }
  return parts.length === 0 ? 'unchanged' : parts.join('; ');
}

function dataSide(side: DataDelta['baseline']): string {
  if (!side) return '\u2014';
  return `${escapeXml(side.path)}<br><span class="muted">${escapeXml(side.rows.toLocaleString('en-US'))} rows \u00b7 <code>${escapeXml(side.hash.replace(/^sha256:/, '').slice(0, 12))}</code></span>`;
}

/** The datasets (train, eval) on each side: path, rows, content hash, and schema changes. */
export function dataTable(data: DataDelta[]): string {
  if (data.length === 0) return '<p class="muted">No data fingerprints were recorded.</p>';
  const rows = data.map(
    (d) =>
      `<tr class="${d.changed ? 'row-changed' : ''}">` +
      cell(d.split, { header: true }) +
      cell(d.changed ? 'changed' : 'same content') +
      cell(dataSide(d.baseline), { html: true }) +
      cell(dataSide(d.candidate), { html: true }) +
      cell(d.rowsDelta === null ? '\u2014' : `${d.rowsDelta > 0 ? '+' : ''}${d.rowsDelta}`, {
        className: 'num',
      }) +
      cell(schemaSummary(d.schema)) +
      '</tr>',
  );
  return table(['split', 'content', 'baseline', 'candidate', 'rows \u0394', 'schema'], rows, {
    id: 'data-table',
    className: 'data',
  });
}

/** The environment fields that differ (backend, GPU, versions, runner). */
export function environmentTable(environment: EnvironmentChange[]): string {
  if (environment.length === 0) return '<p class="muted">The environment did not change.</p>';
  const rows = environment.map(
    (e) =>
      '<tr>' +
      cell(e.field, { header: true }) +
      cell(formatValue(e.baseline)) +
      cell(formatValue(e.candidate)) +
      '</tr>',
  );
  return table(['field', 'baseline', 'candidate'], rows, {
    id: 'environment-table',
    className: 'environment',
  });
}
