/**
 * Binned views of a column pair, for the binned methods (`psi`, `kl`, `jensenshannon`,
 * `hellinger`, `chisquare`) and for the charts:
 * - numeric: the REFERENCE's bins only (edges at its quantiles, `referenceEdges`), counted on both
 *   sides with `binCounts`; the outer bins are open (`≤ e0`, `> ek`), so every value of the current
 *   data falls in a bin, however far it moved. The same bins serve the tests and the chart.
 * - categorical: the union of the categories both profiles count exactly, plus one `(other)` bin
 *   for the values past a profile's category cap (present only when a side has such values). A
 *   category one side counts and the other does not (past its cap) is 0 there and sits in its
 *   `(other)`: exact when neither side hit its cap. The chart keeps the {@link CHART_MAX_CATEGORIES}
 *   categories with the largest share on either side and merges the rest into `(other)`.
 */

/** The label of the bin holding the values past a profile's category cap (and, in charts, the rest). */
export const OTHER_LABEL = '(other)';

/** The most categories a chart shows before merging the rest into {@link OTHER_LABEL}. */
export const CHART_MAX_CATEGORIES = 20;

/** Counts of both sides over the same bins. */
export interface BinnedCounts {
  labels: string[];
  reference: number[];
  current: number[];
}

/** A compact bin edge: 4 significant digits, exponent notation for huge or tiny magnitudes. */
export function formatEdge(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** Labels of the bins `binCounts` makes from `edges`: `≤ e0`, `e0 – e1`, ..., `> ek` (k + 2 labels). */
export function numericBinLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) return ['all values'];
  const labels = [`≤ ${formatEdge(edges[0]!)}`];
  for (let i = 1; i < edges.length; i++)
    labels.push(`${formatEdge(edges[i - 1]!)} – ${formatEdge(edges[i]!)}`);
  labels.push(`> ${formatEdge(edges[edges.length - 1]!)}`);
  return labels;
}

/** Exact category counts of one profile column (as `categoryCounts` returns them). */
export interface CategoryCounts {
  counts: ReadonlyMap<string, number>;
  other: number;
}

/**
 * The categorical bins of a column pair: the union of both sides' categories, sorted by total
 * count (descending, then by name, so the order is deterministic), plus `(other)` when a side has
 * values past its category cap.
 */
export function categoricalBins(reference: CategoryCounts, current: CategoryCounts): BinnedCounts {
  const names = new Set<string>([...reference.counts.keys(), ...current.counts.keys()]);
  const rows = [...names].map((name) => ({
    name,
    r: reference.counts.get(name) ?? 0,
    c: current.counts.get(name) ?? 0,
  }));
  rows.sort((a, b) => b.r + b.c - (a.r + a.c) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: BinnedCounts = {
    labels: rows.map((row) => row.name),
    reference: rows.map((row) => row.r),
    current: rows.map((row) => row.c),
  };
  if (reference.other > 0 || current.other > 0) {
    out.labels.push(OTHER_LABEL);
    out.reference.push(reference.other);
    out.current.push(current.other);
  }
  return out;
}

/** Counts as shares of their sum (all 0 when the sum is 0). */
export function toShares(counts: readonly number[]): number[] {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * The chart view of binned counts: shares per bin; at most `max` bins with the largest share on
 * either side kept (in their order), the rest merged into a last `(other)` bin. For numeric bins
 * pass `max = Infinity` (their order is the value order and all are kept).
 */
export function chartBins(
  bins: BinnedCounts,
  max = CHART_MAX_CATEGORIES,
): { labels: string[]; reference: number[]; current: number[] } {
  const reference = toShares(bins.reference);
  const current = toShares(bins.current);
  if (bins.labels.length <= max) return { labels: bins.labels.slice(), reference, current };
  const order = bins.labels
    .map((label, i) => ({ i, label, weight: Math.max(reference[i]!, current[i]!) }))
    .filter((b) => b.label !== OTHER_LABEL)
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .slice(0, max)
    .map((b) => b.i)
    .sort((a, b) => a - b);
  const keep = new Set(order);
  const out = {
    labels: order.map((i) => bins.labels[i]!),
    reference: order.map((i) => reference[i]!),
    current: order.map((i) => current[i]!),
  };
  let restR = 0;
  let restC = 0;
  bins.labels.forEach((_, i) => {
    if (keep.has(i)) return;
    restR += reference[i]!;
    restC += current[i]!;
  });
  out.labels.push(OTHER_LABEL);
  out.reference.push(restR);
  out.current.push(restC);
  return out;
}
