/**
 * A dependency-free SVG scatter plot (a regression's predicted vs actual values), with an optional
 * dashed y = x reference line.
 */
import { coord, escapeXml } from './svg-escape.js';
import { CHART_HEIGHT, CHART_WIDTH, chartFrame, type LegendItem } from './svg-frame.js';
import { colorAttrs, colorIndex } from './svg-palette.js';
import { linearTicks, niceDomain } from './svg-scale.js';

/** One set of points; non-finite points are skipped. */
export interface ScatterSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Palette index; default: the series' position. */
  color?: number;
}

/** What {@link scatterChart} draws. */
export interface ScatterChartOptions {
  title: string;
  description?: string;
  xLabel?: string;
  yLabel?: string;
  series: ScatterSeries[];
  /** Draw the y = x line, labelled so in the legend. */
  identity?: string;
  /** Give both axes the same range (the natural choice with an identity line). */
  sameScale?: boolean;
  width?: number;
  height?: number;
}

function extentOf(values: ArrayLike<number>[], into: [number, number]): [number, number] {
  let [lo, hi] = into;
  for (const vs of values) {
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i] as number;
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return [lo, hi];
}

/** Renders a scatter plot as a standalone SVG string (every label XML-escaped). */
export function scatterChart(options: ScatterChartOptions): string {
  const none: [number, number] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let xr = extentOf(
    options.series.map((s) => s.x),
    none,
  );
  let yr = extentOf(
    options.series.map((s) => s.y),
    none,
  );
  if (xr[0] > xr[1]) xr = [0, 1];
  if (yr[0] > yr[1]) yr = [0, 1];
  if (options.sameScale) {
    const both: [number, number] = [Math.min(xr[0], yr[0]), Math.max(xr[1], yr[1])];
    xr = both;
    yr = both;
  }
  const xDomain = niceDomain(...xr);
  const yDomain = niceDomain(...yr);
  const legend: LegendItem[] = options.series.map((s, i) => ({
    label: s.label,
    color: s.color ?? i,
    symbol: 'dot',
  }));
  if (options.identity) legend.push({ label: options.identity, symbol: 'dashed' });
  const frame = chartFrame({
    title: options.title,
    description: options.description,
    width: options.width ?? CHART_WIDTH,
    height: options.height ?? CHART_HEIGHT,
    x: { domain: xDomain, ticks: linearTicks(xDomain, 6), label: options.xLabel },
    y: { domain: yDomain, ticks: linearTicks(yDomain, 5), label: options.yLabel },
    legend,
  });
  const { sx, sy } = frame;
  const body: string[] = [];
  if (options.identity) {
    const lo = Math.max(xDomain[0], yDomain[0]);
    const hi = Math.min(xDomain[1], yDomain[1]);
    if (lo < hi) {
      body.push(
        `<line class="mg-reference" x1="${coord(sx(lo))}" y1="${coord(sy(lo))}" x2="${coord(sx(hi))}" y2="${coord(sy(hi))}" stroke="currentColor" stroke-opacity="0.55" stroke-dasharray="5 4"/>`,
      );
    }
  }
  options.series.forEach((s, index) => {
    const dots: string[] = [];
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      const x = s.x[i] as number;
      const y = s.y[i] as number;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      dots.push(`<circle cx="${coord(sx(x))}" cy="${coord(sy(y))}" r="2.3"/>`);
    }
    body.push(
      `<g ${colorAttrs(colorIndex(s.color ?? index))} data-series="${escapeXml(s.label)}" fill="currentColor" fill-opacity="0.55">${dots.join('')}</g>`,
    );
  });
  return frame.head + body.join('') + frame.tail;
}
