/**
 * Multiple-testing corrections of the p-values of a drift report's hypothesis tests (`ks`,
 * `chisquare`, `z`). Distances (`psi`, `jensenshannon`, `wasserstein`, ...) have no p-value and
 * are never corrected: their thresholds are effect sizes, which do not inflate with the number of
 * columns the way false positives of tests do.
 */

/** A multiple-testing correction: none, Bonferroni (family-wise error) or Benjamini-Hochberg (FDR). */
export type Correction = 'none' | 'bonferroni' | 'fdr';

/** Bonferroni: each p-value times the number of tests `m`, capped at 1. */
export function bonferroni(pValues: readonly number[]): number[] {
  const m = pValues.length;
  return pValues.map((p) => Math.min(1, p * m));
}

/**
 * Benjamini-Hochberg adjusted p-values (as R's `p.adjust(p, "BH")` and statsmodels'
 * `fdr_bh`): with the p-values sorted ascending, `p_(i) * m / i`, made monotone from the largest
 * down (a running minimum) and capped at 1; returned in the input order. Rejecting the adjusted
 * p-values below `alpha` controls the false discovery rate at `alpha`.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1]!;
    running = Math.min(running, (pValues[i]! * m) / rank);
    adjusted[i] = Math.min(1, running);
  }
  return adjusted;
}

/** Applies `correction` to `pValues` (`none` returns a copy). */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  switch (correction) {
    case 'bonferroni':
      return bonferroni(pValues);
    case 'fdr':
      return benjaminiHochberg(pValues);
    default:
      return pValues.slice();
  }
}
