/**
 * Pearson's chi-square goodness-of-fit test, equal to `scipy.stats.chisquare(f_obs, f_exp)`, and a
 * two-sample form for drift that takes expected frequencies from the reference's bin shares.
 */
import { DataError } from '../../errors.js';
import { CompensatedSum } from '../../metrics/sum.js';
import { chi2Sf } from './gammaincc.js';
import { smoothShares } from './shares.js';
import type { StatResult } from './types.js';
import { checkSameLength, toWeights } from './validate.js';

/** scipy's tolerance on |Σ observed - Σ expected| / min(Σ observed, Σ expected). */
const SUM_RTOL = 1e-8;

function pearson(observed: Float64Array, expected: Float64Array): StatResult {
  const s = new CompensatedSum();
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number;
    const d = (observed[i] as number) - e;
    s.add((d * d) / e);
  }
  const statistic = s.value();
  const k = observed.length;
  // One category: the statistic is 0 with 0 degrees of freedom (scipy: NaN); report p = 1.
  const pValue = k < 2 ? 1 : chi2Sf(statistic, k - 1);
  return { statistic, pValue };
}

/**
 * The chi-square test of observed frequencies against expected ones:
 * statistic Σ (o - e)² / e, p-value from the chi-square survival function with k - 1 degrees of
 * freedom. As scipy, the two totals must agree to 1e-8 relative. Observed counts must be >= 0 and
 * expected ones > 0 (scipy would return inf/NaN for a zero expectation; this throws). With a single
 * category the p-value is 1 (scipy: NaN).
 */
export function chisquare(observed: ArrayLike<number>, expected: ArrayLike<number>): StatResult {
  const fn = 'chisquare';
  const o = toWeights(fn, 'observed', observed);
  const e = toWeights(fn, 'expected', expected);
  checkSameLength(fn, 'observed', o, 'expected', e);
  let oSum = 0;
  let eSum = 0;
  for (let i = 0; i < o.length; i++) {
    oSum += o[i] as number;
    if (!((e[i] as number) > 0)) {
      throw new DataError(`${fn}: expected[${i}] is 0 (expected frequencies must be > 0)`);
    }
    eSum += e[i] as number;
  }
  const rel = Math.abs(oSum - eSum) / Math.min(oSum, eSum);
  if (rel > SUM_RTOL) {
    throw new DataError(
      `${fn}: observed and expected must have the same total to 1e-8 relative (got ${oSum} and ${eSum})`,
    );
  }
  return pearson(o, e);
}

/**
 * The two-sample chi-square test for drift: current counts against expected counts
 * e_i = r'_i · N_cur, where r' are the reference's bin shares after the epsilon policy of
 * `shares.ts` (bins empty on both sides dropped, shares floored at `EMPTY_BIN_EPSILON` = 1e-4 and
 * renormalised) and N_cur the current total. A bin the reference never saw is thus expected to hold
 * about 1e-4 of the current rows, so any mass there weighs heavily — which is the drift signal.
 * Degrees of freedom = (bins non-empty on some side) - 1.
 */
export function chisquareTwoSample(refCounts: ArrayLike<number>, curCounts: ArrayLike<number>): StatResult {
  const fn = 'chisquareTwoSample';
  const ref = toWeights(fn, 'refCounts', refCounts);
  const cur = toWeights(fn, 'curCounts', curCounts);
  checkSameLength(fn, 'refCounts', ref, 'curCounts', cur);
  const { reference } = smoothShares(ref, cur, fn, ['refCounts', 'curCounts']);
  let total = 0;
  for (let i = 0; i < cur.length; i++) total += cur[i] as number;
  const observed = new Float64Array(reference.length);
  const expected = new Float64Array(reference.length);
  for (let i = 0, k = 0; i < cur.length; i++) {
    if ((ref[i] as number) > 0 || (cur[i] as number) > 0) {
      observed[k] = cur[i] as number;
      expected[k] = (reference[k] as number) * total;
      k++;
    }
  }
  return pearson(observed, expected);
}
