/**
 * Small formatting helpers of the markdown report: tables, signed deltas, confidence intervals,
 * status icons, run labels, hashes, parameter values and omission notes.
 */
import type { MetricStatus, RunRef, Verdict } from '../diff/types.js';
import { formatMetric } from '../runs/format.js';
import { codeSpan, escapeMarkdown, shorten } from './escape.js';
import { groupDigits } from './truncate.js';

/** Column alignment of a markdown table. */
export type Align = 'left' | 'right' | 'center';

/**
 * A GitHub-flavoured markdown table. Cells must already be escaped for a table
 * (`escapeTableCell`, `tableCode`, or our own formatted numbers).
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly string[][],
  align?: readonly Align[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => {
    const a = align?.[i] ?? 'left';
    return a === 'right' ? '---:' : a === 'center' ? ':---:' : '---';
  });
  const out = [line(header), line(rule)];
  for (const row of rows) out.push(line(row));
  return out.join('\n');
}

/** Icon and words per metric status. */
export const STATUS_LABELS: Readonly<Record<MetricStatus, string>> = {
  improved: '🟢 improved',
  regressed: '🔴 regressed',
  'within-noise': '⚪ within noise',
  unchanged: '➖ unchanged',
  new: '🆕 new',
  removed: '🗑️ removed',
  undefined: '❔ undefined',
};

/** The icon alone per metric status. */
export const STATUS_ICONS: Readonly<Record<MetricStatus, string>> = {
  improved: '🟢',
  regressed: '🔴',
  'within-noise': '⚪',
  unchanged: '➖',
  new: '🆕',
  removed: '🗑️',
  undefined: '❔',
};

/** Icon per gate verdict. */
export const VERDICT_ICONS: Readonly<Record<Verdict, string>> = {
  pass: '✅',
  'needs-approval': '⚠️',
  fail: '❌',
};

/** A value with its sign: `+0.0123`, `-0.0040`, `0.0000`; `n/a` for null. */
export function signed(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  const text = formatMetric(v);
  return v > 0 && Number.isFinite(v) ? `+${text}` : text;
}

/** A delta with its relative change: `+0.0123 (+1.8%)`; `–` when null. */
export function formatDelta(delta: number | null, relative: number | null): string {
  if (delta === null) return '–';
  if (relative === null || !Number.isFinite(relative)) return signed(delta);
  const pct = relative * 100;
  const rel = Math.abs(pct) >= 100 ? pct.toFixed(0) : pct.toFixed(1);
  return `${signed(delta)} (${pct > 0 ? '+' : ''}${rel}%)`;
}

/** A confidence interval: `[-0.0123, +0.0045]`; `–` when null. */
export function formatCi(ci: readonly [number, number] | null): string {
  return ci === null ? '–' : `[${signed(ci[0])}, ${signed(ci[1])}]`;
}

/** A confidence level as a column header: `95% CI`. */
export function ciHeader(confidence: number | undefined): string {
  if (confidence === undefined || !Number.isFinite(confidence)) return 'CI';
  const pct = Math.round(confidence * 1000) / 10;
  return `${pct}% CI`;
}

/** The short form of a content hash: without its `sha256:` prefix, 8 characters. */
export function shortHash(hash: string): string {
  const bare = hash.includes(':') ? hash.slice(hash.indexOf(':') + 1) : hash;
  return bare.slice(0, 8);
}

/** A row count with thousands separators; `?` when not a finite number. */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '?' : groupDigits(n);
}

/** A signed row-count change: `+1,000`, `-20`, `0`. */
export function formatCountDelta(n: number): string {
  return n > 0 ? `+${groupDigits(n)}` : groupDigits(n);
}

/**
 * A parameter or environment value as compact JSON text, shortened to `max` characters; strings
 * bare unless `quoteStrings` (so `"1"` and `1` differ in parameter changes).
 */
export function valueText(v: unknown, max = 80, quoteStrings = false): string {
  let text: string;
  if (typeof v === 'string' && !quoteStrings) text = v;
  else if (v === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(v) ?? String(v);
    } catch {
      text = String(v);
    }
  }
  return shorten(text, max);
}

/**
 * How a run is named: `<model>@v<version>` for a release, else the short git SHA, else the run id
 * (as a code span).
 */
export function runLabel(ref: RunRef, model: string): string {
  if (ref.version) return codeSpan(shorten(`${model}@v${ref.version}`, 100));
  if (ref.git_sha) return codeSpan(ref.git_sha.slice(0, 7));
  return codeSpan(shorten(ref.id, 60));
}

/**
 * A link `[text](url)` when `url` is an absolute http(s) URL (normalised, with parentheses and
 * quotes percent-encoded), else `text` alone. `text` must already be markdown.
 */
export function link(text: string, url: string | undefined): string {
  const safe = safeUrl(url);
  return safe ? `[${text}](${safe})` : text;
}

/** An absolute http(s) URL made safe for a markdown link destination, or null. */
export function safeUrl(url: string | undefined): string | null {
  if (!url || url.length > 2_000) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.href.replace(
    /[()'"<>\s\\`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** An italic omission note: `_… 340 slice rows omitted; see the run artifact._`. */
export function omissionNote(what: string, see: string): string {
  return `_… ${what}; ${see}._`;
}

/** Plural helper: `1 row`, `2 rows`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${groupDigits(n)} ${n === 1 ? one : many}`;
}

/** The escaped, shortened display of a user name (metric, slice value, column). */
export function userText(text: string, max = 120): string {
  return escapeMarkdown(shorten(text, max));
}
