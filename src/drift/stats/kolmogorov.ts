/**
 * The limiting (n → ∞) distribution of √n·D_n, Kolmogorov's distribution: `scipy.stats.kstwobign`
 * (Cephes' `kolmogorov`). Two series, switched at x = 0.82 as Cephes does.
 */

/** Survival function of Kolmogorov's distribution, P(K > x) (= `scipy.stats.kstwobign.sf(x)`). */
export function kstwobignSf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x <= 0) return 1;
  // exp() of anything below -746 is 0: x <= pi / sqrt(746 * 8).
  if (x <= Math.PI / Math.sqrt(746 * 8)) return 1;
  let sf: number;
  if (x <= 0.82) {
    // P(K <= x) = sqrt(2π)/x · Σ exp(-(2k-1)² π² / (8x²))
    const w = Math.sqrt(2 * Math.PI) / x;
    const logu8 = (-Math.PI * Math.PI) / (x * x);
    const u = Math.exp(logu8 / 8);
    let cdf: number;
    if (u === 0) cdf = Math.exp(logu8 / 8 + Math.log(w));
    else {
      const u8 = Math.exp(logu8);
      let P = 1;
      P = 1 + u8 ** 3 * P;
      P = 1 + u8 * u8 * P;
      P = 1 + u8 * P;
      cdf = w * u * P;
    }
    sf = 1 - cdf;
  } else {
    // P(K > x) = 2 Σ (-1)^(k-1) exp(-2k²x²)
    const v = Math.exp(-2 * x * x);
    const v3 = v ** 3;
    let P = 1;
    P = 1 - v3 * v3 * v * P;
    P = 1 - v3 * v * v * P;
    P = 1 - v3 * P;
    sf = 2 * v * P;
  }
  return Math.min(1, Math.max(0, sf));
}
