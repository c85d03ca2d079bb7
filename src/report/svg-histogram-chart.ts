/**
 * A dependency-free SVG histogram (a regression's residuals): series share the bin edges and are
 * drawn overlaid, as translucent bars under a step outline, so two runs compare at a glance.
 */
import { coord, escapeXml } from './svg-escape.js';
import { CHART_HEIGHT, CHART_WIDTH, chartFrame, type LegendItem } from './svg-frame.js';
import { colorAttrs, colorIndex } from './svg-palette.js';
import { linearTicks, niceDomain } from './svg-scale.js';

/** The counts of one series, one per bin. */
export interface HistogramSeries {
  label: string;
  counts: number[];
  /** Palette index; default: the series' position. */
  color?: number;
}

/** What {@link histogramChart} draws. */
export interface HistogramChartOptions {
  title: string;
  description?: string;
  /** Bin edges shared by every series: one more than the counts. */
  edges: number[];
  series: HistogramSeries[];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Renders an overlaid histogram as a standalone SVG string (every label XML-escaped). */
export function histogramChart(options: HistogramChartOptions): string {
  const { edges } = options;
  const bins = Math.max(0, edges.length - 1);
  const first = edges[0] ?? 0;
  const last = edges[bins] ?? 1;
  let max = 0;
  for (const s of options.series) for (const c of s.counts) if (Number.isFinite(c)) max = Math.max(max, c);
  const xDomain: [number, number] = first < last ? [first, last] : niceDomain(first, last);
  const yDomain = niceDomain(0, Math.max(1, max));
  const legend: LegendItem[] = options.series.map((s, i) => ({
    label: s.label,
    color: s.color ?? i,
    symbol: 'box',
  }));
  const frame = chartFrame({
    title: options.title,
    description: options.description,
    width: options.width ?? CHART_WIDTH,
    height: options.height ?? CHART_HEIGHT,
    x: { domain: xDomain, ticks: linearTicks(xDomain, 6), label: options.xLabel },
    y: { domain: yDomain, ticks: linearTicks(yDomain, 5, true), label: options.yLabel },
    legend,
  });
  const { sx, sy } = frame;
  const base = sy(0);
  const body = options.series.map((s, index) => {
    const rects: string[] = [];
    let outline = `M${coord(sx(first))} ${coord(base)}`;
    for (let b = 0; b < bins; b++) {
      const c = s.counts[b] ?? 0;
      const x0 = sx(edges[b] as number);
      const x1 = sx(edges[b + 1] as number);
      const y = sy(c);
      outline += `V${coord(y)}H${coord(x1)}`;
      if (c > 0) {
        rects.push(
          `<rect x="${coord(x0)}" y="${coord(y)}" width="${coord(Math.max(0.5, x1 - x0))}" height="${coord(base - y)}"/>`,
        );
      }
    }
    outline += `V${coord(base)}`;
    return (
      `<g ${colorAttrs(colorIndex(s.color ?? index))} data-series="${escapeXml(s.label)}">` +
      `<g fill="currentColor" fill-opacity="0.3">${rects.join('')}</g>` +
      `<path d="${outline}" fill="none" stroke="currentColor" stroke-width="1.5"/></g>`
    );
  });
  return frame.head + body.join('') + frame.tail;
}
