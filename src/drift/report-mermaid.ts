/**
 * The drift issue's chart: a Mermaid `xychart-beta` (which GitHub renders) of the top columns'
 * drift scores (their severity, scaled so that 1 is the decision threshold of every method) as
 * bars, with the threshold as a line at 1, and the same numbers as a markdown table for viewers
 * that show Mermaid as code.
 */
import { escapeTableCell, shorten } from '../report/escape.js';
import { escapeMermaidLabel } from '../report/mermaid.js';
import { formatStatistic } from './report-format.js';
import type { FeatureDrift } from './types.js';

/** How many columns the chart shows at most (the most severe). */
export const DRIFT_CHART_MAX_COLUMNS = 10;

/** Scores above this are drawn at this height (so one extreme column does not flatten the rest). */
export const DRIFT_CHART_CAP = 10;

/** The chart: the fenced Mermaid block, a caption and the fallback table. */
export interface DriftChart {
  mermaid: string;
  caption: string;
  table: string;
}

function mermaidNumber(v: number): string {
  return String(Math.round(v * 1e4) / 1e4);
}

/**
 * The chart of the (at most `max`) most severe features, in the given order (the caller sorts by
 * severity). null when there is no feature.
 */
export function driftScoreChart(
  features: readonly FeatureDrift[],
  max = DRIFT_CHART_MAX_COLUMNS,
): DriftChart | null {
  const chosen = features.slice(0, max);
  if (chosen.length === 0) return null;
  const scores = chosen.map((f) => (Number.isFinite(f.severity) ? Math.max(0, f.severity) : 0));
  const shown = scores.map((s) => Math.min(s, DRIFT_CHART_CAP));
  const top = Math.max(2, Math.ceil(Math.max(...shown)));
  const capped = scores.some((s) => s > DRIFT_CHART_CAP);
  const lines = [
    '```mermaid',
    'xychart-beta',
    '  title "drift score by column (1 = threshold)"',
    `  x-axis [${chosen.map((f) => `"${escapeMermaidLabel(f.name)}"`).join(', ')}]`,
    `  y-axis "drift score" 0 --> ${top}`,
    `  bar [${shown.map(mermaidNumber).join(', ')}]`,
    `  line [${chosen.map(() => '1').join(', ')}]`,
    '```',
  ];
  const rows = chosen.map(
    (f, i) =>
      `| ${escapeTableCell(shorten(f.name, 80))} | ${formatStatistic(scores[i]!)} | ${f.drifted ? 'yes' : 'no'} |`,
  );
  return {
    mermaid: lines.join('\n'),
    caption: `Bars: drift score of the ${chosen.length} most drifted column${chosen.length === 1 ? '' : 's'} (statistic / threshold for distances, log10(p) / log10(alpha) for tests); line: the threshold.${capped ? ` Scores above ${DRIFT_CHART_CAP} are drawn at ${DRIFT_CHART_CAP}.` : ''}`,
    table: ['| column | drift score | drifted |', '| --- | --- | --- |', ...rows].join('\n'),
  };
}
