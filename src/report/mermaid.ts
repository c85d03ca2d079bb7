/**
 * Mermaid charts for the pull-request report (`xychart-beta`, which GitHub renders): baseline vs
 * candidate on the overall metrics that share a 0..1 scale, and the learning curves. Every chart
 * comes with a table holding the same numbers, since other markdown viewers show Mermaid as code.
 */
import type { MetricDelta } from '../diff/types.js';
import { formatMetric } from '../runs/format.js';
import { cleanText, escapeTableCell, shorten } from './escape.js';

/** One epoch of a training history (the `history` entries of run.json). */
export interface EpochLike {
  epoch: number;
  loss: number;
  val_loss?: number | null;
}

/** A chart: the Mermaid block, a one-line caption, and the same data as a markdown table. */
export interface Chart {
  /** The fenced ```` ```mermaid ```` block. */
  mermaid: string;
  /** What the bars and lines are (xychart has no legend). */
  caption: string;
  /** The chart's numbers as a markdown table. */
  table: string;
}

/** How many metrics the metric chart shows at most. */
export const CHART_MAX_METRICS = 8;

/** How many epochs a learning-curve chart shows at most (longer histories are sampled evenly). */
export const CHART_MAX_EPOCHS = 30;

/**
 * Escapes a label for a quoted Mermaid string: cleans it, keeps letters, digits, spaces and
 * `_ . - / + %`, replaces any other character (quotes, brackets, `#`, `;`, `:`, `<`, `>`, ...) with
 * `_`, and shortens it to `max` characters. The caller wraps it in double quotes.
 */
export function escapeMermaidLabel(text: string, max = 24): string {
  const safe = cleanText(text).replace(/[^\p{L}\p{N} _.\-/+%]/gu, '_');
  return shorten(safe, max);
}

/** A number as Mermaid data: finite, at most 6 decimals. */
function mermaidNumber(v: number): string {
  return String(Math.round(v * 1e6) / 1e6);
}

function inUnitRange(v: number | null): v is number {
  return v !== null && Number.isFinite(v) && v >= 0 && v <= 1;
}

function fence(lines: string[]): string {
  return ['```mermaid', ...lines, '```'].join('\n');
}

/**
 * The metric chart: overall metrics (no slice) whose values all lie in [0, 1], at most `max` of
 * them (those named in `prefer` first, then in the diff's order). Baseline as bars and candidate
 * as a line; the candidate alone as bars when there is no baseline. null when no metric qualifies.
 */
export function mermaidMetricsChart(
  metrics: readonly MetricDelta[],
  options: { title?: string; hasBaseline: boolean; max?: number; prefer?: ReadonlySet<string> },
): Chart | null {
  const max = options.max ?? CHART_MAX_METRICS;
  const eligible = metrics.filter(
    (m) => m.slice === null && inUnitRange(m.candidate) && (!options.hasBaseline || inUnitRange(m.baseline)),
  );
  const prefer = options.prefer ?? new Set<string>();
  const chosen = [
    ...eligible.filter((m) => prefer.has(m.name)),
    ...eligible.filter((m) => !prefer.has(m.name)),
  ].slice(0, max);
  if (chosen.length === 0) return null;
  const labels = chosen.map((m) => `"${escapeMermaidLabel(m.name)}"`).join(', ');
  const title = escapeMermaidLabel(options.title ?? 'metrics', 60);
  const lines = ['xychart-beta', `  title "${title}"`, `  x-axis [${labels}]`, '  y-axis "value" 0 --> 1'];
  const candidate = `[${chosen.map((m) => mermaidNumber(m.candidate!)).join(', ')}]`;
  if (options.hasBaseline) {
    lines.push(`  bar [${chosen.map((m) => mermaidNumber(m.baseline!)).join(', ')}]`, `  line ${candidate}`);
  } else {
    lines.push(`  bar ${candidate}`);
  }
  const header = options.hasBaseline
    ? ['metric', 'baseline (bars)', 'candidate (line)']
    : ['metric', 'candidate'];
  const rows = chosen.map((m) =>
    options.hasBaseline
      ? [escapeTableCell(shorten(m.name, 80)), formatMetric(m.baseline), formatMetric(m.candidate)]
      : [escapeTableCell(shorten(m.name, 80)), formatMetric(m.candidate)],
  );
  return {
    mermaid: fence(lines),
    caption: options.hasBaseline
      ? `Bars: baseline; line: candidate (${chosen.length} metrics on a 0–1 scale).`
      : `Bars: candidate (${chosen.length} metrics on a 0–1 scale).`,
    table: simpleTable(header, rows),
  };
}

/** The loss a curve plots for one epoch: validation loss when the run has it, else training loss. */
function curveValue(e: EpochLike, useVal: boolean): number {
  return useVal && e.val_loss !== null && e.val_loss !== undefined ? e.val_loss : e.loss;
}

function usable(history: readonly EpochLike[] | undefined): EpochLike[] {
  return (history ?? []).filter((e) => Number.isFinite(e.loss)).slice();
}

/** Evenly spaced indexes `0..n-1`, at most `max` of them, always with the last. */
function sampleIndexes(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return [...new Set(out)];
}

/**
 * The learning-curve chart: one line per run (baseline first, then candidate) of the validation
 * loss per epoch, or the training loss when a run has no validation loss, over the epochs
 * `1..N` of the longer history (sampled to at most `max` points). A run that stopped earlier is
 * drawn flat after its last epoch (xychart cannot leave gaps); the table shows the real values.
 * null when neither history has an epoch.
 */
export function mermaidLearningCurves(
  history: { baseline?: readonly EpochLike[]; candidate?: readonly EpochLike[] },
  options: { title?: string; max?: number } = {},
): Chart | null {
  const runs = [
    { name: 'baseline', epochs: usable(history.baseline) },
    { name: 'candidate', epochs: usable(history.candidate) },
  ].filter((r) => r.epochs.length > 0);
  if (runs.length === 0) return null;
  const series = runs.map((r) => {
    const useVal = r.epochs.some((e) => e.val_loss !== null && e.val_loss !== undefined);
    return { ...r, useVal, values: r.epochs.map((e) => curveValue(e, useVal)) };
  });
  const n = Math.max(...series.map((s) => s.values.length));
  const at = sampleIndexes(n, options.max ?? CHART_MAX_EPOCHS);
  const epochLabel = (i: number) => {
    for (const r of runs) {
      const e = r.epochs[i];
      if (e && Number.isFinite(e.epoch)) return String(Math.trunc(e.epoch));
    }
    return String(i + 1);
  };
  const title = escapeMermaidLabel(options.title ?? 'learning curves', 60);
  const lines = [
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis "epoch" [${at.map((i) => `"${epochLabel(i)}"`).join(', ')}]`,
    '  y-axis "loss"',
  ];
  for (const s of series) {
    const last = s.values[s.values.length - 1]!;
    lines.push(`  line [${at.map((i) => mermaidNumber(s.values[i] ?? last)).join(', ')}]`);
  }
  const describe = (s: (typeof series)[number]) => `${s.name} ${s.useVal ? 'validation' : 'training'} loss`;
  const caption =
    series.length === 2
      ? `Line 1: ${describe(series[0]!)}; line 2: ${describe(series[1]!)}.`
      : `Line: ${describe(series[0]!)}.`;
  const header = ['epoch'];
  for (const r of runs) header.push(`${r.name} loss`, `${r.name} val_loss`);
  const rows = at.map((i) => {
    const row = [epochLabel(i)];
    for (const r of runs) {
      const e = r.epochs[i];
      row.push(e ? formatMetric(e.loss) : '', e ? formatMetric(e.val_loss ?? null) : '');
    }
    return row;
  });
  return { mermaid: fence(lines), caption, table: simpleTable(header, rows) };
}

/** A markdown table of already-escaped cells. */
function simpleTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
