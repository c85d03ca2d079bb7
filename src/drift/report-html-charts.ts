/**
 * The drift HTML report's chart: one column's reference and current distributions as overlaid
 * histograms (inline SVG, built on the shared chart frame of `src/report/svg-frame.ts`). Each bin
 * is drawn at the same width (numeric bins are the reference's quantile bins, so the reference is
 * close to flat and the current data's departures stand out; categorical bins are categories), as
 * a translucent bar under a step outline per side, so both stay visible where they overlap.
 */
import { clip, coord, escapeXml } from '../report/svg-escape.js';
import { CHART_WIDTH, chartFrame } from '../report/svg-frame.js';
import { BASELINE_COLOR, CANDIDATE_COLOR, colorAttrs } from '../report/svg-palette.js';
import { linearTicks, niceDomain, type Tick } from '../report/svg-scale.js';
import { formatStatistic, pValueText } from './report-format.js';
import type { FeatureDrift } from './types.js';

/** Chart height in pixels. */
const HEIGHT = 300;
/** The most x labels drawn (every n-th bin is labelled beyond that). */
const MAX_X_LABELS = 8;

/** The bars and outline of one side's shares, in percent. */
function series(
  shares: readonly number[],
  color: number,
  label: string,
  sx: (v: number) => number,
  sy: (v: number) => number,
): string {
  const base = sy(0);
  const rects: string[] = [];
  let outline = `M${coord(sx(0))} ${coord(base)}`;
  shares.forEach((share, i) => {
    const v = Number.isFinite(share) ? share * 100 : 0;
    const x0 = sx(i);
    const x1 = sx(i + 1);
    const y = sy(v);
    outline += `V${coord(y)}H${coord(x1)}`;
    if (v > 0) {
      rects.push(
        `<rect x="${coord(x0 + 1)}" y="${coord(y)}" width="${coord(Math.max(0.5, x1 - x0 - 2))}" height="${coord(base - y)}"><title>${escapeXml(`${label}: ${v.toFixed(2)}%`)}</title></rect>`,
      );
    }
  });
  outline += `V${coord(base)}`;
  return (
    `<g ${colorAttrs(color)} data-series="${escapeXml(label)}">` +
    `<g fill="currentColor" fill-opacity="0.35">${rects.join('')}</g>` +
    `<path d="${outline}" fill="none" stroke="currentColor" stroke-width="1.5"/></g>`
  );
}

/** A short description of a feature's result for the chart's accessible description. */
export function resultSentence(f: FeatureDrift): string {
  const p = f.pValue === null ? '' : `, p-value ${pValueText(f)}`;
  return `${f.method} ${formatStatistic(f.statistic)}${p}, threshold ${f.threshold}: ${f.drifted ? 'drifted' : 'no drift'}`;
}

/**
 * The overlaid histogram of one feature's binned view (`bins`): shares of the reference and of the
 * current data per bin. null when the feature has no bins.
 */
export function driftHistogram(f: FeatureDrift, width = CHART_WIDTH): string | null {
  const bins = f.bins;
  if (!bins || bins.labels.length === 0) return null;
  const k = bins.labels.length;
  let max = 0;
  for (const v of [...bins.reference, ...bins.current]) if (Number.isFinite(v)) max = Math.max(max, v * 100);
  const yDomain = niceDomain(0, Math.max(1, max));
  const every = Math.ceil(k / MAX_X_LABELS);
  const xTicks: Tick[] = [];
  for (let i = 0; i < k; i += every) xTicks.push({ value: i + 0.5, label: clip(bins.labels[i] ?? '', 14) });
  const frame = chartFrame({
    title: f.name,
    description: `Share of rows per bin, reference and current; ${resultSentence(f)}`,
    width,
    height: HEIGHT,
    x: {
      domain: [0, k],
      ticks: xTicks,
      label: f.type === 'numeric' ? 'reference quantile bins' : 'category',
      grid: false,
    },
    y: { domain: yDomain, ticks: linearTicks(yDomain, 5), label: 'share of rows (%)' },
    legend: [
      { label: 'reference', color: BASELINE_COLOR, symbol: 'box' },
      { label: 'current', color: CANDIDATE_COLOR, symbol: 'box' },
    ],
  });
  const body =
    series(bins.reference, BASELINE_COLOR, 'reference', frame.sx, frame.sy) +
    series(bins.current, CANDIDATE_COLOR, 'current', frame.sx, frame.sy);
  return frame.head + body + frame.tail;
}
