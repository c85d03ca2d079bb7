/**
 * Hellinger distance over shared bins, in its bounded [0, 1] form, on shares after the epsilon policy.
 */

import { CompensatedSum } from '../../metrics/sum.js';
import { smoothShares } from './shares.js';

/**
 * H(p, q) = sqrt(1 - Σ sqrt(p_i q_i)) = (1/√2) · ||√p - √q||₂, in [0, 1] (0 identical, 1 disjoint
 * supports — with the epsilon policy, disjoint bins give slightly less than 1). Computed as
 * sqrt(Σ (√p - √q)² / 2), which cannot go negative through rounding. Symmetric. Accepts counts or
 * shares; the epsilon policy of `shares.ts` applies.
 */
export function hellinger(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const { reference: ps, current: qs } = smoothShares(p, q, 'hellinger', ['p', 'q']);
  const s = new CompensatedSum();
  for (let i = 0; i < ps.length; i++) {
    const d = Math.sqrt(ps[i] as number) - Math.sqrt(qs[i] as number);
    s.add(d * d);
  }
  return Math.sqrt(s.value() / 2);
}
