/**
 * Markdown building blocks for the actions' job summaries: tables, metric tables and log excerpts.
 * Every piece of user or run text goes through src/report/escape.ts (the one escaper). Pure.
 */
import type { MetricMap, SliceReport } from '../config/run-record.js';
import { cleanText, escapeTableCell, shorten } from '../report/escape.js';
import { formatMetric } from '../runs/format.js';

/** A GitHub-flavoured markdown table; every cell is escaped. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => escapeTableCell(shorten(c, 300))).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Markdown made by modelgate itself (a link it built), inserted into a table as it is. */
export interface TrustedMarkdown {
  markdown: string;
}

/**
 * A two-column table of key facts (label, value): values are escaped, except {@link TrustedMarkdown}
 * ones; rows with a null or empty value are left out.
 */
export function factsTable(rows: [string, string | TrustedMarkdown | null | undefined][]): string {
  const kept = rows.filter(
    (r): r is [string, string | TrustedMarkdown] =>
      (typeof r[1] === 'string' && r[1] !== '') || typeof r[1] === 'object',
  );
  const cell = (v: string | TrustedMarkdown) =>
    typeof v === 'string' ? escapeTableCell(shorten(v, 300)) : v.markdown.replace(/[|\n]/g, ' ');
  return ['|  |  |', '| --- | --- |', ...kept.map(([k, v]) => `| ${escapeTableCell(k)} | ${cell(v)} |`)].join(
    '\n',
  );
}

/** A metric table (`metric | value`), optionally showing a gate rule column. */
export function metricTable(metrics: MetricMap, rules: Record<string, string> = {}): string {
  const names = Object.keys(metrics);
  const withRules = names.some((n) => rules[n]);
  return markdownTable(
    withRules ? ['metric', 'value', 'rule'] : ['metric', 'value'],
    names.map((n) => [n, formatMetric(metrics[n]), ...(withRules ? [rules[n] ?? ''] : [])]),
  );
}

/** Per-slice gaps (fairness) as one line per slice column. */
export function sliceGapLines(slices: SliceReport[]): string[] {
  return slices
    .filter((s) => Object.keys(s.gaps).length > 0)
    .map(
      (s) =>
        `- ${escapeTableCell(s.column)}: ${Object.entries(s.gaps)
          .map(([k, v]) => `${escapeTableCell(k)} ${formatMetric(v)}`)
          .join(', ')}`,
    );
}

/**
 * A fenced code block showing `text` literally (a log excerpt): the fence is longer than any run of
 * backticks inside, and the text is cleaned and cut to `maxChars`.
 */
export function fencedBlock(text: string, maxChars = 8000): string {
  const body = shorten(cleanText(text), maxChars).replaceAll('<!--', '<\u200B!--');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/** `1.2 s`, `3 min 4 s`. */
export function formatDuration(ms: number | undefined): string | null {
  if (ms === undefined || !Number.isFinite(ms)) return null;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
