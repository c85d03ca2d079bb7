/**
 * Kullback–Leibler divergence over shared bins, natural log, on shares after the epsilon policy of
 * `shares.ts` (so it is always finite).
 */

import { CompensatedSum } from '../../metrics/sum.js';
import { smoothShares } from './shares.js';

/**
 * KL(p || q) = Σ p_i ln(p_i / q_i) in nats, equal to `scipy.stats.entropy(p', q')` on the shares p', q'
 * produced by the epsilon policy (`EMPTY_BIN_EPSILON`). `p` is usually the current distribution and
 * `q` the reference. Accepts counts or shares. Not symmetric; >= 0.
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const { reference: ps, current: qs } = smoothShares(p, q, 'klDivergence', ['p', 'q']);
  const s = new CompensatedSum();
  for (let i = 0; i < ps.length; i++) {
    const pi = ps[i] as number;
    s.add(pi * Math.log(pi / (qs[i] as number)));
  }
  return s.value();
}
