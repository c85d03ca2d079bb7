/**
 * The one epsilon policy for empty bins, used by every binned method (PSI, KL divergence,
 * Jensen–Shannon, Hellinger and the two-sample chi-square):
 *
 * 1. bins that are empty in BOTH distributions are dropped (they carry no information);
 * 2. each side's weights (counts or shares) are normalised to shares summing to 1;
 * 3. shares are clipped below at {@link EMPTY_BIN_EPSILON} (= 1e-4) and renormalised to sum to 1.
 *
 * So a bin seen on one side only counts as a share of about 1e-4 on the other, which keeps
 * logarithms and divisions finite and bounds a single empty bin's PSI/KL contribution, and results do
 * not depend on how many never-populated bins a layout has.
 */
import { DataError } from '../../errors.js';
import { checkSameLength, toWeights } from './validate.js';

/** The floor applied to every bin share (after normalisation, before renormalisation). */
export const EMPTY_BIN_EPSILON = 1e-4;

/** The two share vectors after the epsilon policy, over the bins that are non-empty on some side. */
export interface SmoothedShares {
  /** Reference shares, each > 0, summing to 1. */
  reference: Float64Array;
  /** Current shares, each > 0, summing to 1. */
  current: Float64Array;
}

function clipAndRenormalise(w: Float64Array, total: number): Float64Array {
  const out = new Float64Array(w.length);
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const share = (w[i] as number) / total;
    const clipped = Math.max(share, EMPTY_BIN_EPSILON);
    out[i] = clipped;
    sum += clipped;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/**
 * Applies the epsilon policy (see the module doc) to reference and current bin weights (counts or
 * shares, same bins in the same order). Throws a DataError naming `fn` and the argument on empty,
 * negative, non-finite, all-zero or mismatched input.
 */
export function smoothShares(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  fn = 'smoothShares',
  names: [string, string] = ['reference', 'current'],
): SmoothedShares {
  const r = toWeights(fn, names[0], reference);
  const c = toWeights(fn, names[1], current);
  checkSameLength(fn, names[0], r, names[1], c);
  let kept = 0;
  for (let i = 0; i < r.length; i++) if ((r[i] as number) > 0 || (c[i] as number) > 0) kept++;
  const rk = new Float64Array(kept);
  const ck = new Float64Array(kept);
  let rTotal = 0;
  let cTotal = 0;
  for (let i = 0, k = 0; i < r.length; i++) {
    const ri = r[i] as number;
    const ci = c[i] as number;
    if (ri > 0 || ci > 0) {
      rk[k] = ri;
      ck[k] = ci;
      rTotal += ri;
      cTotal += ci;
      k++;
    }
  }
  if (!(rTotal > 0 && cTotal > 0)) throw new DataError(`${fn}: no non-empty bins`);
  return { reference: clipAndRenormalise(rk, rTotal), current: clipAndRenormalise(ck, cTotal) };
}
