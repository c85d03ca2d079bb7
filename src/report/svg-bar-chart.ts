/**
 * A dependency-free horizontal grouped bar chart as an SVG string: one group per category (a
 * metric), one bar per series (baseline, candidate), each labelled with its value. Horizontal so
 * long metric names stay readable.
 */
import { coord, escapeXml } from './svg-escape.js';
import { CHART_WIDTH, chartFrame, type LegendItem } from './svg-frame.js';
import { colorAttrs, colorIndex } from './svg-palette.js';
import { linearTicks, niceDomain, type Tick } from './svg-scale.js';

/** One series of bars: a value (or null: no bar, "n/a") per category. */
export interface BarSeries {
  label: string;
  values: (number | null)[];
  /** Palette index; default: the series' position. */
  color?: number;
}

/** What {@link barChart} draws. */
export interface BarChartOptions {
  title: string;
  description?: string;
  /** Category names, top to bottom. */
  categories: string[];
  series: BarSeries[];
  /** Label of the value axis. */
  valueLabel?: string;
  /** Fixed value range; default: the values' range with 0 included, widened to nice ticks. */
  domain?: [number, number];
  /** How bar values are written next to the bars. */
  format?: (value: number) => string;
  width?: number;
}

const BAR = 14;
const GAP = 3;
const GROUP_PAD = 12;

/** Renders a grouped bar chart; its height grows with the number of categories and series. */
export function barChart(options: BarChartOptions): string {
  const { categories, series } = options;
  const format = options.format ?? ((v: number) => String(Number(v.toPrecision(4))));
  let lo = 0;
  let hi = 0;
  for (const s of series) {
    for (const v of s.values) {
      if (v === null || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const domain = options.domain ?? niceDomain(lo, hi === lo ? lo + 1 : hi);
  const perGroup = Math.max(1, series.length) * (BAR + GAP) - GAP + GROUP_PAD;
  // Category k occupies [k, k + 1] on the y axis, the first at the top.
  const yTicks: Tick[] = categories.map((c, k) => ({ value: categories.length - k - 0.5, label: c }));
  const legend: LegendItem[] = series.map((s, i) => ({ label: s.label, color: s.color ?? i, symbol: 'box' }));
  const legendRows = series.length > 3 ? 2 : 1;
  const height = Math.round(
    34 + legendRows * 18 + 6 + categories.length * perGroup + (options.valueLabel ? 44 : 28),
  );
  const frame = chartFrame({
    title: options.title,
    description: options.description,
    width: options.width ?? CHART_WIDTH,
    height,
    x: { domain, ticks: linearTicks(domain, 6), label: options.valueLabel },
    y: { domain: [0, Math.max(1, categories.length)], ticks: yTicks, grid: false },
    legend,
  });
  const { sx, sy, plot } = frame;
  const zero = sx(Math.min(Math.max(0, domain[0]), domain[1]));
  const body: string[] = [];
  series.forEach((s, si) => {
    const bars: string[] = [];
    categories.forEach((category, k) => {
      const center = sy(categories.length - k - 0.5);
      const y = center - (series.length * (BAR + GAP) - GAP) / 2 + si * (BAR + GAP);
      const v = s.values[k];
      const name = `${s.label}, ${category}`;
      if (v === null || v === undefined || !Number.isFinite(v)) {
        bars.push(
          `<text x="${coord(zero + 4)}" y="${coord(y + BAR / 2)}" dy="0.32em" fill="currentColor" class="mg-na">n/a<title>${escapeXml(name)}: n/a</title></text>`,
        );
        return;
      }
      const px = sx(Math.min(Math.max(v, domain[0]), domain[1]));
      const x0 = Math.min(zero, px);
      const w = Math.max(Math.abs(px - zero), 0.5);
      const text = format(v);
      const inside = v >= 0 ? px + 4 + text.length * 7 > plot.right : px - 4 - text.length * 7 < plot.left;
      const tx = v >= 0 ? (inside ? px - 4 : px + 4) : inside ? px + 4 : px - 4;
      const anchor = v >= 0 !== inside ? 'start' : 'end';
      const ink = inside ? ' class="mg-on-bar" fill="#fff"' : ' fill="currentColor"';
      bars.push(
        `<rect x="${coord(x0)}" y="${coord(y)}" width="${coord(w)}" height="${BAR}" fill="currentColor" fill-opacity="0.85"><title>${escapeXml(`${name}: ${text}`)}</title></rect>` +
          `<text x="${coord(tx)}" y="${coord(y + BAR / 2)}" dy="0.32em" text-anchor="${anchor}" font-size="11"${ink}>${escapeXml(text)}</text>`,
      );
    });
    body.push(
      `<g ${colorAttrs(colorIndex(s.color ?? si))} data-series="${escapeXml(s.label)}">${bars.join('')}</g>`,
    );
  });
  if (domain[0] < 0) {
    body.push(
      `<line x1="${coord(zero)}" y1="${coord(plot.top)}" x2="${coord(zero)}" y2="${coord(plot.bottom)}" stroke="currentColor" stroke-opacity="0.6"/>`,
    );
  }
  return frame.head + body.join('') + frame.tail;
}
