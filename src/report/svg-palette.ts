/**
 * Series colours of the SVG charts: a colour-blind-safe palette (Okabe-Ito) for light backgrounds,
 * and lighter variants the HTML report switches to in dark mode. Series elements carry the class
 * `mg-c<index>` and a `color` attribute; shapes paint with `currentColor`, so CSS can recolour them.
 */

/** Colours on light backgrounds; series `i` uses entry `i % length`. Baseline is 0, candidate is 1. */
export const SERIES_COLORS = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#b07800',
  '#3a9ad9',
  '#8c564b',
  '#6b6b6b',
];

/** The same series on dark backgrounds. */
export const DARK_SERIES_COLORS = [
  '#56b4e9',
  '#ff9a52',
  '#3ddbb0',
  '#eaa6cd',
  '#f0c050',
  '#9bd4f5',
  '#d4a89e',
  '#c0c0c0',
];

/** Index of the baseline's colour. */
export const BASELINE_COLOR = 0;
/** Index of the candidate's colour. */
export const CANDIDATE_COLOR = 1;

/** The palette index actually used for series colour `index` (wraps around). */
export function colorIndex(index: number): number {
  const n = SERIES_COLORS.length;
  return ((Math.trunc(index) % n) + n) % n;
}

/** The attributes (`class` and `color`) of an element painted in series colour `index`. */
export function colorAttrs(index: number): string {
  const i = colorIndex(index);
  return `class="mg-c${i}" color="${SERIES_COLORS[i]}"`;
}

/** CSS rules recolouring the series for dark backgrounds (to put inside a dark-mode media query). */
export function darkPaletteCss(): string {
  return DARK_SERIES_COLORS.map((c, i) => `.mg-chart .mg-c${i}{color:${c}}`).join('');
}
