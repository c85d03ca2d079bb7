/**
 * A dependency-free SVG line chart (ROC and precision-recall curves, learning curves, calibration
 * plots): several series, optional point markers with per-point tooltips, an optional dashed
 * reference segment (the chance diagonal of a ROC curve, the perfect-calibration diagonal).
 */
import { coord, escapeXml } from './svg-escape.js';
import { CHART_HEIGHT, CHART_WIDTH, chartFrame, type LegendItem } from './svg-frame.js';
import { colorAttrs, colorIndex } from './svg-palette.js';
import { linearTicks, niceDomain } from './svg-scale.js';

/** One line. Points with a non-finite x or y break the line there. */
export interface LineSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Palette index; default: the series' position. */
  color?: number;
  dashed?: boolean;
  /** Draw a dot at each point. */
  markers?: boolean;
  /** With markers: a tooltip per point (`<title>`), aligned with the points. */
  pointTitles?: string[];
}

/** A dashed straight segment from (x0, y0) to (x1, y1), with a legend entry. */
export interface ReferenceLine {
  label: string;
  from: [number, number];
  to: [number, number];
}

/** What {@link lineChart} draws. */
export interface LineChartOptions {
  title: string;
  description?: string;
  xLabel?: string;
  yLabel?: string;
  series: LineSeries[];
  /** Fixed axis ranges (e.g. [0, 1] for rates); default: the data's range, widened to nice ticks. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Only whole-number ticks on x (epochs). */
  integerX?: boolean;
  reference?: ReferenceLine;
  width?: number;
  height?: number;
}

function extent(series: LineSeries[], key: 'x' | 'y', reference?: ReferenceLine): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const values = s[key];
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (reference) {
    const k = key === 'x' ? 0 : 1;
    lo = Math.min(lo, reference.from[k], reference.to[k]);
    hi = Math.max(hi, reference.from[k], reference.to[k]);
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Renders a line chart as a standalone SVG string (every label XML-escaped). */
export function lineChart(options: LineChartOptions): string {
  const xDomain = options.xDomain ?? niceDomain(...extent(options.series, 'x', options.reference));
  const yDomain = options.yDomain ?? niceDomain(...extent(options.series, 'y', options.reference));
  const legend: LegendItem[] = options.series.map((s, i) => ({
    label: s.label,
    color: s.color ?? i,
    symbol: s.dashed ? 'dashed' : 'line',
  }));
  if (options.reference) legend.push({ label: options.reference.label, symbol: 'dashed' });
  const frame = chartFrame({
    title: options.title,
    description: options.description,
    width: options.width ?? CHART_WIDTH,
    height: options.height ?? CHART_HEIGHT,
    x: { domain: xDomain, ticks: linearTicks(xDomain, 6, options.integerX), label: options.xLabel },
    y: { domain: yDomain, ticks: linearTicks(yDomain, 5), label: options.yLabel },
    legend,
  });
  const { sx, sy } = frame;
  const body: string[] = [];
  if (options.reference) {
    const { from, to } = options.reference;
    body.push(
      `<line class="mg-reference" x1="${coord(sx(from[0]))}" y1="${coord(sy(from[1]))}" x2="${coord(sx(to[0]))}" y2="${coord(sy(to[1]))}" stroke="currentColor" stroke-opacity="0.55" stroke-dasharray="5 4"/>`,
    );
  }
  options.series.forEach((s, index) => {
    const color = colorIndex(s.color ?? index);
    const n = Math.min(s.x.length, s.y.length);
    let d = '';
    let pen = false;
    const dots: string[] = [];
    for (let i = 0; i < n; i++) {
      const x = s.x[i] as number;
      const y = s.y[i] as number;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      const px = coord(sx(x));
      const py = coord(sy(y));
      d += `${pen ? 'L' : 'M'}${px} ${py}`;
      pen = true;
      if (s.markers) {
        const tip = s.pointTitles?.[i];
        dots.push(
          tip === undefined
            ? `<circle cx="${px}" cy="${py}" r="3.5"/>`
            : `<circle cx="${px}" cy="${py}" r="3.5"><title>${escapeXml(tip)}</title></circle>`,
        );
      }
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    body.push(
      `<g ${colorAttrs(color)} data-series="${escapeXml(s.label)}">` +
        (d
          ? `<path d="${d}" fill="none" stroke="currentColor" stroke-width="2"${dash} stroke-linejoin="round"/>`
          : '') +
        (dots.length > 0 ? `<g fill="currentColor">${dots.join('')}</g>` : '') +
        '</g>',
    );
  });
  return frame.head + body.join('') + frame.tail;
}
