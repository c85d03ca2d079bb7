/**
 * Population Stability Index over shared bins: PSI = Σ (c - r) ln(c / r), on shares after the
 * epsilon policy of `shares.ts`. Common reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major.
 */

import { CompensatedSum } from '../../metrics/sum.js';
import { smoothShares } from './shares.js';

/**
 * The Population Stability Index of the current distribution against the reference, over the same
 * bins: Σ (c_i - r_i) ln(c_i / r_i). Accepts counts or shares; empty bins follow the epsilon policy
 * (`EMPTY_BIN_EPSILON`). Symmetric in its arguments, >= 0.
 */
export function psi(refShares: ArrayLike<number>, curShares: ArrayLike<number>): number {
  const { reference: r, current: c } = smoothShares(refShares, curShares, 'psi', ['refShares', 'curShares']);
  const s = new CompensatedSum();
  for (let i = 0; i < r.length; i++) {
    const ri = r[i] as number;
    const ci = c[i] as number;
    s.add((ci - ri) * Math.log(ci / ri));
  }
  return s.value();
}
