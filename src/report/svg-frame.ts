/**
 * The frame every SVG chart shares: the `<svg>` root with its accessible name (`role="img"`,
 * `aria-label`, `<title>`, `<desc>`), a visible title, a legend, grid lines, axes with ticks and axis
 * labels, and the scales mapping data onto the plot area. Every string is XML-escaped here.
 */
import { clip, coord, escapeXml, textWidth } from './svg-escape.js';
import { colorAttrs } from './svg-palette.js';
import { linearScale, type Tick } from './svg-scale.js';

/** One entry of a chart's legend. */
export interface LegendItem {
  label: string;
  /** Palette index (see `svg-palette.ts`); omitted: drawn in the text colour. */
  color?: number;
  /** How the symbol looks: a line (dashed or not), a filled box or a dot. */
  symbol?: 'line' | 'dashed' | 'box' | 'dot';
}

/** One axis: its data range, ticks and label. */
export interface AxisSpec {
  domain: [number, number];
  ticks: Tick[];
  label?: string;
  /** Draw grid lines at the ticks (default true). */
  grid?: boolean;
}

/** What a frame needs. */
export interface FrameOptions {
  /** Visible title, also the accessible name. */
  title: string;
  /** A sentence describing the chart for screen readers (`<desc>`). */
  description?: string;
  /** Pixels (the SVG scales down with CSS). Default 560 x 360. */
  width?: number;
  height?: number;
  x: AxisSpec;
  y: AxisSpec;
  legend?: LegendItem[];
  /** Longest y tick label, in characters, before it is clipped (default 24). */
  maxYLabelChars?: number;
}

/** A frame ready to draw in: its scales, plot area and the markup around the data. */
export interface Frame {
  /** Data x to pixels. */
  sx: (value: number) => number;
  /** Data y to pixels. */
  sy: (value: number) => number;
  /** The plot area in pixels. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** Everything drawn under the data: root, title, legend, grid. */
  head: string;
  /** Everything drawn over the data (axes) and the closing tag. */
  tail: string;
}

/** Default chart size. */
export const CHART_WIDTH = 560;
/** Default chart height. */
export const CHART_HEIGHT = 360;

const FONT = 12;
const LEGEND_ROW = 18;

function legendSymbol(item: LegendItem, x: number, y: number): string {
  const paint = item.color === undefined ? 'class="mg-ink"' : colorAttrs(item.color);
  switch (item.symbol ?? 'line') {
    case 'box':
      return `<rect ${paint} x="${x}" y="${y - 5}" width="14" height="10" fill="currentColor" fill-opacity="0.75"/>`;
    case 'dot':
      return `<circle ${paint} cx="${x + 7}" cy="${y}" r="4" fill="currentColor"/>`;
    case 'dashed':
      return `<line ${paint} x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="currentColor" stroke-width="2" stroke-dasharray="5 3"/>`;
    default:
      return `<line ${paint} x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="currentColor" stroke-width="2"/>`;
  }
}

/** Lays the legend out in rows that fit `width`; returns the markup and the number of rows. */
function layoutLegend(
  items: LegendItem[],
  left: number,
  top: number,
  width: number,
): { svg: string; rows: number } {
  if (items.length === 0) return { svg: '', rows: 0 };
  let x = left;
  let row = 0;
  const parts: string[] = [];
  for (const item of items) {
    const label = clip(item.label, 60);
    const w = 24 + textWidth(label, FONT) + 16;
    if (x > left && x + w > left + width) {
      row++;
      x = left;
    }
    const y = top + row * LEGEND_ROW;
    parts.push(
      `<g>${legendSymbol(item, x, y)}<text x="${coord(x + 24)}" y="${y + 4}" fill="currentColor">${escapeXml(label)}</text></g>`,
    );
    x += w;
  }
  return { svg: `<g class="mg-legend">${parts.join('')}</g>`, rows: row + 1 };
}

/** Builds a chart frame: the caller puts its data between `head` and `tail`. */
export function chartFrame(options: FrameOptions): Frame {
  const width = options.width ?? CHART_WIDTH;
  const height = options.height ?? CHART_HEIGHT;
  const maxChars = options.maxYLabelChars ?? 24;
  const yLabels = options.y.ticks.map((t) => clip(t.label, maxChars));
  const yLabelWidth = Math.max(16, ...yLabels.map((l) => textWidth(l, FONT)));
  const left = Math.round(Math.min(width * 0.45, 12 + yLabelWidth + (options.y.label ? 20 : 0)));
  const right = width - 16;
  const legend = layoutLegend(options.legend ?? [], left, 42, right - left);
  const top = 34 + legend.rows * LEGEND_ROW + (legend.rows > 0 ? 6 : 0);
  const bottom = height - (options.x.label ? 44 : 28);
  const sx = linearScale(options.x.domain, [left, right]);
  const sy = linearScale(options.y.domain, [bottom, top]);

  const title = escapeXml(options.title);
  const label = escapeXml(options.description ? `${options.title}: ${options.description}` : options.title);
  const head: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="mg-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${label}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="${FONT}">`,
    `<title>${title}</title>`,
  ];
  if (options.description) head.push(`<desc>${escapeXml(options.description)}</desc>`);
  head.push(
    `<text class="mg-chart-title" x="${left}" y="20" font-size="14" font-weight="600" fill="currentColor">${escapeXml(clip(options.title, 80))}</text>`,
    legend.svg,
  );

  const grid: string[] = [];
  if (options.x.grid !== false) {
    for (const t of options.x.ticks) {
      const x = coord(sx(t.value));
      grid.push(`M${x} ${coord(top)}V${coord(bottom)}`);
    }
  }
  if (options.y.grid !== false) {
    for (const t of options.y.ticks) {
      const y = coord(sy(t.value));
      grid.push(`M${coord(left)} ${y}H${coord(right)}`);
    }
  }
  if (grid.length > 0) {
    head.push(
      `<path class="mg-grid" d="${grid.join('')}" stroke="currentColor" stroke-opacity="0.14" fill="none"/>`,
    );
  }

  const axes: string[] = [
    `<path class="mg-axis" d="M${coord(left)} ${coord(top)}V${coord(bottom)}H${coord(right)}" stroke="currentColor" stroke-opacity="0.6" fill="none"/>`,
  ];
  const xTicks = options.x.ticks
    .map((t) => {
      const x = coord(sx(t.value));
      return `<line x1="${x}" y1="${coord(bottom)}" x2="${x}" y2="${coord(bottom + 4)}" stroke="currentColor" stroke-opacity="0.6"/><text x="${x}" y="${coord(bottom + 17)}" text-anchor="middle" fill="currentColor">${escapeXml(clip(t.label, 16))}</text>`;
    })
    .join('');
  const yTicks = options.y.ticks
    .map((t, i) => {
      const y = coord(sy(t.value));
      const full = t.label === yLabels[i] ? '' : `<title>${escapeXml(t.label)}</title>`;
      return `<line x1="${coord(left - 4)}" y1="${y}" x2="${coord(left)}" y2="${y}" stroke="currentColor" stroke-opacity="0.6"/><text x="${coord(left - 7)}" y="${y}" dy="0.32em" text-anchor="end" fill="currentColor">${full}${escapeXml(yLabels[i] ?? '')}</text>`;
    })
    .join('');
  axes.push(`<g class="mg-ticks">${xTicks}${yTicks}</g>`);
  if (options.x.label) {
    axes.push(
      `<text class="mg-axis-label" x="${coord((left + right) / 2)}" y="${height - 8}" text-anchor="middle" fill="currentColor">${escapeXml(clip(options.x.label, 80))}</text>`,
    );
  }
  if (options.y.label) {
    const cy = coord((top + bottom) / 2);
    axes.push(
      `<text class="mg-axis-label" x="14" y="${cy}" transform="rotate(-90 14 ${cy})" text-anchor="middle" fill="currentColor">${escapeXml(clip(options.y.label, 50))}</text>`,
    );
  }
  return {
    sx,
    sy,
    plot: { left, top, right, bottom },
    head: head.join(''),
    tail: `${axes.join('')}</svg>`,
  };
}
