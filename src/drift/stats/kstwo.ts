/**
 * The exact distribution of the two-sided one-sample KS statistic D_n for finite n: the survival
 * function P(D_n >= x) of `scipy.stats.kstwo` (scipy's `_kolmogn`, Simard & L'Ecuyer 2011). The same
 * branch selection as scipy: Ruben–Gambino closed forms at the extremes, 2·smirnov for large x, the
 * Durbin matrix or Pomeranz recursion for small n, Pelz–Good for large n and small n·x².
 * `ks_2samp`'s asymptotic p-value is `kstwo.sf(D, round(n1·n2 / (n1 + n2)))`.
 */
import { kolmogorovCdfDurbin } from './kstwo-durbin.js';
import { kolmogorovCdfPelzGood } from './kstwo-pelz-good.js';
import { kolmogorovCdfPomeranz } from './kstwo-pomeranz.js';
import { smirnovSf } from './smirnov.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** B_2j / (2j (2j - 1)) for j = 8 .. 1 (highest power first), as scipy's `_STIRLING_COEFFS`. */
const STIRLING_COEFFS = [
  -3617 / 122400,
  1 / 156,
  -691 / 360360,
  1 / 1188,
  -1 / 1680,
  1 / 1260,
  -1 / 360,
  1 / 12,
];

/** log(n! / n^n) by Stirling's series with n·log(n) removed up front (scipy's helper). */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const t = rn / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * t + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

function clip01(p: number): number {
  return p < 0 ? 0 : Math.min(p, 1);
}

/**
 * P(D_n >= x), the survival function of the two-sided one-sample KS statistic with sample size `n`
 * (an integer >= 1) at x (= `scipy.stats.kstwo.sf(x, n)`; NaN when n is not a positive integer).
 */
export function kstwoSf(x: number, n: number): number {
  if (Number.isNaN(x) || !(Number.isInteger(n) && n >= 1)) return Number.NaN;
  // rv_continuous: support (0.5/n, 1).
  if (x <= 0.5 / n) return 1;
  if (x >= 1) return 0;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: 1/2n <= x <= 1/n.
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));

  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - kolmogorovCdfDurbin(n, x));
    if (nxsquared <= 4) return clip01(1 - kolmogorovCdfPomeranz(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxsquared >= 18) cdf = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdf = kolmogorovCdfDurbin(n, x);
  else cdf = kolmogorovCdfPelzGood(n, x);
  return clip01(1 - clip01(cdf));
}
