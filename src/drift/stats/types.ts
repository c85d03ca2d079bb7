/**
 * Result shapes shared by the statistical tests in `src/drift/stats/`. Plain numbers only, so results
 * serialise to JSON unchanged.
 */

/** A hypothesis test's outcome: the test statistic and its p-value. */
export interface StatResult {
  /** The test statistic (KS D, chi-square, z, ...). */
  statistic: number;
  /** The p-value under the null hypothesis, in [0, 1] (NaN only where scipy's is NaN, documented per test). */
  pValue: number;
}

/** How a two-sample KS p-value is computed: scipy's `method` argument of `ks_2samp`. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

/** Options of the two-sample KS tests. */
export interface KsOptions {
  /**
   * `auto` (default): exact when both sample sizes are at most {@link KS_MAX_AUTO_N}, asymptotic
   * otherwise; `exact`: exact unless lcm(n1, n2) is too large (>= 2^31 - 1), then asymptotic;
   * `asymp`: always the asymptotic distribution. As scipy 1.10's `ks_2samp`.
   */
  method?: KsMethod;
  /** Only the two-sided alternative is implemented. */
  alternative?: 'two-sided';
}

/** A two-sample KS result, with the method that actually produced the p-value. */
export interface KsResult extends StatResult {
  /** `exact` or `asymp`: the computation used after the `auto` rule and any fallback. */
  method: 'exact' | 'asymp';
}

/** scipy's `MAX_AUTO_N`: `auto` computes the exact p-value when max(n1, n2) is at most this. */
export const KS_MAX_AUTO_N = 10_000;
