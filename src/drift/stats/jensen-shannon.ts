/**
 * Jensen–Shannon distance over shared bins, equal to `scipy.spatial.distance.jensenshannon` (the
 * square root of the JS divergence, natural log by default) on shares after the epsilon policy.
 */
import { DataError } from '../../errors.js';
import { CompensatedSum } from '../../metrics/sum.js';
import { smoothShares } from './shares.js';

/**
 * The Jensen–Shannon DISTANCE sqrt((KL(p||m) + KL(q||m)) / 2) with m = (p + q) / 2, natural log
 * unless `base` is given (then divided by ln(base) before the square root, as scipy). Bounded by
 * sqrt(ln 2) in nats, 1 with base 2. Symmetric. Accepts counts or shares; the epsilon policy of
 * `shares.ts` applies (the result equals scipy's on the policy's shares).
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  if (base !== undefined && !(typeof base === 'number' && base > 0 && base !== 1 && Number.isFinite(base))) {
    throw new DataError(`jensenShannon: base must be a finite number > 0 and != 1 (got ${String(base)})`);
  }
  const { reference: ps, current: qs } = smoothShares(p, q, 'jensenShannon', ['p', 'q']);
  const left = new CompensatedSum();
  const right = new CompensatedSum();
  for (let i = 0; i < ps.length; i++) {
    const pi = ps[i] as number;
    const qi = qs[i] as number;
    const mi = (pi + qi) / 2;
    left.add(pi * Math.log(pi / mi));
    right.add(qi * Math.log(qi / mi));
  }
  let js = left.value() + right.value();
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(Math.max(0, js / 2));
}
