/**
 * Exact two-sided p-values of the two-sample KS statistic under the null hypothesis, as scipy 1.10's
 * `ks_2samp(method='exact')`: for equal sizes Hodges' alternating sum in Horner form
 * (`_compute_prob_outside_square`), otherwise the lattice-path "inside" recursion computing 1 - p
 * directly (`_compute_outer_prob_inside_method`, Hodges 1958 with Viehmann's 2021 stabilisation).
 * The recursion is O(n1 · window) with window ≈ 2·D·n2, at most n1 · n2.
 */

/** P(D_{n,n} >= h/n) for two samples of equal size n (0 < h <= n). */
export function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * P(D_{m,n} >= h / lcm(m, n)): the proportion of lattice paths from (0, 0) to (m, n) that do not stay
 * strictly inside |x/m - y/n| < h / lcm(m, n). `g` is gcd(m, n).
 */
export function probOutsideInsideMethod(m0: number, n0: number, g: number, h: number): number {
  let m = m0;
  let n = n0;
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < Math.min(maxj, lenA); j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    const width = maxj - minj;
    for (let jj = 0; jj < width; jj++) {
      const j = jj + minj;
      val = ((A[jj + shift] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = width;
    if (lastlen > curlen) {
      const end = Math.min(width + (lastlen - curlen), lenA);
      for (let jj = width; jj < end; jj++) A[jj] = 1;
    }
  }
  return A[maxj - minj - 1] as number;
}
