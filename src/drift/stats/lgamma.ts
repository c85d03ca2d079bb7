/**
 * log Γ(x) for x > 0, accurate to a few units in the last place: a Taylor series of log Γ(1 + x)
 * (coefficients from ζ(k), computed once) near 1 and 2, the recurrence in between and Stirling's
 * series with its remainder from x >= 10. Used by the incomplete gamma function and the KS tails.
 */

/** Euler–Mascheroni constant γ. */
const EULER = 0.5772156649015329;
/** log(2π) / 2. */
export const HALF_LOG_2PI = 0.9189385332046728;

/** ζ(s) for s >= 2 by Euler–Maclaurin summation (N = 20, six Bernoulli terms): error < 1e-17. */
function zeta(s: number): number {
  const N = 20;
  // Bernoulli numbers B2..B12 divided by (2j)!.
  const B = [
    1 / 6 / 2,
    -1 / 30 / 24,
    1 / 42 / 720,
    -1 / 30 / 40320,
    5 / 66 / 3628800,
    -691 / 2730 / 479001600,
  ];
  let tail = N ** (1 - s) / (s - 1) + N ** -s / 2;
  let rising = s; // s (s+1) ... (s+2j-2)
  for (let j = 1; j <= B.length; j++) {
    tail += (B[j - 1] as number) * rising * N ** (-s - 2 * j + 1);
    rising *= (s + 2 * j - 1) * (s + 2 * j);
  }
  let sum = tail;
  for (let k = N - 1; k >= 1; k--) sum += k ** -s;
  return sum;
}

/** Coefficients of log Γ(1 + x) = Σ c[k] x^k, c[1] = -γ, c[k] = (-1)^k ζ(k) / k. */
const LGAMMA1P_TAYLOR: Float64Array = (() => {
  const K = 64;
  const c = new Float64Array(K + 1);
  c[1] = -EULER;
  for (let k = 2; k <= K; k++) c[k] = ((k % 2 === 0 ? 1 : -1) * zeta(k)) / k;
  return c;
})();

/** log Γ(1 + x) for |x| <= 0.5 by its Taylor series. */
function lgamma1pTaylor(x: number): number {
  const c = LGAMMA1P_TAYLOR;
  let r = 0;
  for (let k = c.length - 1; k >= 1; k--) r = (r + (c[k] as number)) * x;
  return r;
}

/** Stirling's remainder log Γ(z) - [(z - 1/2) log z - z + log(2π)/2], for z >= 10 (8 terms). */
export function stirlingRemainder(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 *
            (1 / 1260 +
              r2 *
                (-1 / 1680 +
                  r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}

/** log Γ(x) for x > 0 (NaN for x <= 0 or NaN, Infinity for Infinity). */
export function lgamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x < 0.5) return lgamma1pTaylor(x) - Math.log(x);
  if (x < 1.5) return lgamma1pTaylor(x - 1);
  if (x < 2.5) return Math.log(x - 1) + lgamma1pTaylor(x - 2);
  if (x < 10) {
    // Γ(x) = (x-1)(x-2)...(r) Γ(r) with r in [1.5, 2.5); x - k is exact here.
    let prod = 1;
    let r = x;
    while (r >= 2.5) {
      r -= 1;
      prod *= r;
    }
    return Math.log(prod) + Math.log(r - 1) + lgamma1pTaylor(r - 2);
  }
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingRemainder(x);
}

/** log Γ(1 + x) for x > -1, accurate also for x near 0 and 1 (cephes' `lgam1p`). */
export function lgamma1p(x: number): number {
  if (Math.abs(x) <= 0.5) return lgamma1pTaylor(x);
  if (Math.abs(x - 1) < 0.5) return Math.log(x) + lgamma1pTaylor(x - 1);
  return lgamma(x + 1);
}
