/**
 * The error functions and the normal survival function, accurate to ~1e-15 relative: Taylor series of
 * erf for |x| <= 1, a continued fraction for erfc beyond, with e^(-x²) evaluated from an exact split
 * of x so the tail keeps its precision up to the underflow at x ≈ 27.2.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const EPS = 2 ** -53;

/** erf(x) for |x| <= 1 by its Taylor series. */
function erfTaylor(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < EPS * Math.abs(sum) * 0.5) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** e^(-x²) with x = hi + lo split so that hi² is exact (error ~1 ulp instead of x² ulp). */
function expMinusSquare(x: number): number {
  const hi = Math.round(x * 65536) / 65536;
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (2 * hi + lo));
}

/** erfc(x) for x >= 1 by the continued fraction erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  // Lentz on b0 + a1/(b1 + a2/(b2 + ...)), b_k = x, a_k = k/2.
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

/** The complementary error function erfc(x) = 1 - erf(x) (= `scipy.special.erfc`). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 0) return 2 - erfc(-x);
  if (x <= 1) return 1 - erfTaylor(x);
  if (x > 27.3) return 0;
  return erfcFraction(x);
}

/** The error function erf(x) (= `scipy.special.erf`). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) <= 1) return erfTaylor(x);
  return x > 0 ? 1 - erfc(x) : erfc(-x) - 1;
}

/**
 * Survival function of the standard normal distribution, P(Z > z) (= `scipy.stats.norm.sf(z)`,
 * computed as Cephes' `ndtr(-z)` does).
 */
export function normSf(z: number): number {
  if (Number.isNaN(z)) return z;
  const x = -z * Math.SQRT1_2;
  const ax = Math.abs(x);
  let y: number;
  if (ax < Math.SQRT1_2) y = 0.5 + 0.5 * erf(x);
  else {
    y = 0.5 * erfc(ax);
    if (x > 0) y = 1 - y;
  }
  return y;
}
