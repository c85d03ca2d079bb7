/** Linear scales and "nice" axis ticks for the SVG charts. */

/** An axis tick: where it is (in data units) and what it says. */
export interface Tick {
  value: number;
  label: string;
}

/** A function mapping data values on `domain` linearly onto `range` (pixels). */
export function linearScale(domain: [number, number], range: [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0 || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** A round step (1, 2 or 5 times a power of ten) close to `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const f = rough / power;
  const nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nice * power;
}

/**
 * Widens `[lo, hi]` outward to multiples of a nice step (about `count` steps). An empty or
 * degenerate range becomes a small range around its value; non-finite input gives [0, 1].
 */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / count);
  const decimals = decimalsFor(step);
  const snap = (k: number) => Number((k * step).toFixed(decimals));
  return [snap(Math.floor(lo / step + 1e-9)), snap(Math.ceil(hi / step - 1e-9))];
}

/** Decimals needed to tell ticks `step` apart (0 to 6). */
function decimalsFor(step: number): number {
  return Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}

/** Formats a tick value for a given step: fixed decimals, or exponent notation for huge or tiny values. */
export function formatTick(value: number, step: number): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e6 || step < 1e-6) return value.toExponential(1).replace('e+', 'e');
  return value.toFixed(decimalsFor(step));
}

/** About `count` nice ticks inside `[lo, hi]`, labelled with {@link formatTick}. */
export function linearTicks(domain: [number, number], count = 5, integer = false): Tick[] {
  const [lo, hi] = domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi <= lo)
    return [{ value: lo, label: formatTick(lo, 1) }];
  let step = niceStep((hi - lo) / count);
  if (integer) step = Math.max(1, Math.round(step));
  const decimals = decimalsFor(step);
  const ticks: Tick[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let k = first; k <= last && ticks.length < 50; k++) {
    const value = Number((k * step).toFixed(decimals));
    ticks.push({ value, label: formatTick(value, step) });
  }
  return ticks;
}
