/**
 * Small floating-point helpers needed to reproduce scipy's arithmetic exactly: numpy's
 * round-half-to-even, an error-free product and a safe `ldexp`.
 */

/** Rounds to the nearest integer, ties to even (numpy's `np.round`, Python's `round`). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round rounds ties up; move ties that landed on an odd integer back down.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * Dekker's error-free product: returns [p, e] with p = fl(a * b) and p + e = a * b exactly (barring
 * overflow/underflow).
 */
export function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let c = SPLITTER * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLITTER * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  const e = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
  return [p, e];
}

/** x * 2^e without intermediate overflow or underflow of 2^e (C's `ldexp`). */
export function ldexp(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
    if (!Number.isFinite(r)) return r;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
    if (r === 0) return r;
  }
  return r * 2 ** k;
}
