/** Number formatting for gate messages: short, stable, readable. */

/** A number with 4 significant digits and no trailing zeros (`0.8123`, `12.5`, `1.235e-7`); null as `n/a`. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) return String(Number(value.toPrecision(4)));
  return value.toExponential(3).replace(/\.?0+e/, 'e');
}

/** A signed number (`+0.012`, `-0.03`). */
export function formatSigned(value: number): string {
  return `${value > 0 ? '+' : ''}${formatNumber(value)}`;
}

/** A fraction as a percentage with up to 2 decimals (`0.02` -> `2%`). */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}
