/**
 * Value formatting and small escaped HTML fragments shared by the HTML report's sections. Every
 * function returning HTML escapes what it is given.
 */
import type { MetricStatus, RunRef, SliceRef, Verdict } from '../diff/types.js';
import { formatMetric } from '../runs/format.js';
import { clip, escapeXml } from './svg-escape.js';

/** How each verdict is written. */
export const VERDICT_LABELS: Record<Verdict, string> = {
  pass: 'Pass',
  'needs-approval': 'Needs approval',
  fail: 'Fail',
};

/** How each metric status is written. */
export const STATUS_LABELS: Record<MetricStatus, string> = {
  improved: 'improved',
  regressed: 'regressed',
  'within-noise': 'within noise',
  unchanged: 'unchanged',
  new: 'new',
  removed: 'removed',
  undefined: 'undefined',
};

/** A signed delta: `+0.0123`, `-0.0040`, `0`, or `n/a`. */
export function formatDelta(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return 'n/a';
  const text = formatMetric(delta);
  return delta > 0 ? `+${text}` : text;
}

/** A relative change as a signed percentage with one decimal (`+1.2%`), or '' when unknown. */
export function formatRelative(relative: number | null | undefined): string {
  if (relative === null || relative === undefined || !Number.isFinite(relative)) return '';
  const pct = relative * 100;
  const text = Math.abs(pct) >= 1000 ? pct.toExponential(1) : pct.toFixed(1);
  return `${pct > 0 ? '+' : ''}${text}%`;
}

/** A confidence interval `[low, high]` with signed bounds, or `—` when there is none. */
export function formatCi(ci: [number, number] | null | undefined): string {
  if (!ci) return '\u2014';
  return `[${formatDelta(ci[0])}, ${formatDelta(ci[1])}]`;
}

/**
 * Any value (a parameter, an environment field) as short text: the rest as JSON, strings as is
 * (or JSON-quoted with `quoteStrings`, so `"0.1"` and `0.1` stay apart); `—` for undefined.
 */
export function formatValue(value: unknown, max = 160, quoteStrings = false): string {
  if (value === undefined) return '\u2014';
  if (typeof value === 'string' && !quoteStrings) return clip(value, max);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text, max);
}

/** A slice as `column = value`. */
export function formatSlice(slice: SliceRef | null | undefined): string {
  return slice ? `${slice.column} = ${slice.value}` : 'overall';
}

/** A short commit: the first 12 characters of a SHA. */
export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : '\u2014';
}

/** A run's short name for legends: `baseline v1.2.0`, `candidate`, ... */
export function runLabel(role: 'baseline' | 'candidate', ref: RunRef | null | undefined): string {
  return ref?.version ? `${role} v${ref.version}` : role;
}

/** An escaped `<span class="badge status-...">` for a metric status. */
export function statusBadge(status: MetricStatus): string {
  return `<span class="badge status-${escapeXml(status)}">${escapeXml(STATUS_LABELS[status] ?? status)}</span>`;
}

/** An escaped table cell (`td` or `th`) with an optional class. */
export function cell(
  content: string,
  options: { className?: string; header?: boolean; html?: boolean } = {},
): string {
  const tag = options.header ? 'th scope="row"' : 'td';
  const cls = options.className ? ` class="${escapeXml(options.className)}"` : '';
  return `<${tag}${cls}>${options.html ? content : escapeXml(content)}</${options.header ? 'th' : 'td'}>`;
}

/** An escaped table: header names and rows of ready cells (from {@link cell}). */
export function table(
  header: string[],
  rows: string[],
  options: { id?: string; className?: string; caption?: string } = {},
): string {
  const id = options.id ? ` id="${escapeXml(options.id)}"` : '';
  const cls = options.className ? ` class="${escapeXml(options.className)}"` : '';
  const caption = options.caption ? `<caption>${escapeXml(options.caption)}</caption>` : '';
  const head = header.map((h) => `<th scope="col">${escapeXml(h)}</th>`).join('');
  return `<div class="table-wrap"><table${id}${cls}>${caption}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
