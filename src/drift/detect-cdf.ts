/**
 * Step CDFs of two profiles on one grid. A profile gives each numeric column's empirical CDF as
 * steps at its sketch's bucket boundaries (`cdfSteps`): `cdf[i]` is the share of values `<= x[i]`.
 * The two sides have different boundaries, so both step functions are evaluated on the sorted
 * union of their points (right-continuous: the value at `x` is the step at the last point `<= x`,
 * 0 before the first), which is what the KS statistic and the Wasserstein distance take.
 */

/** One side's step CDF: ascending points and the cumulative share at each. */
export interface StepCdf {
  x: ArrayLike<number>;
  cdf: ArrayLike<number>;
}

/** Both CDFs on the union of their points. */
export interface AlignedCdfs {
  x: Float64Array;
  cdfA: Float64Array;
  cdfB: Float64Array;
}

/** Evaluates two step CDFs on the sorted union of their points (equal points are merged). */
export function alignCdfs(a: StepCdf, b: StepCdf): AlignedCdfs {
  const na = a.x.length;
  const nb = b.x.length;
  const x = new Float64Array(na + nb);
  const cdfA = new Float64Array(na + nb);
  const cdfB = new Float64Array(na + nb);
  let i = 0;
  let j = 0;
  let k = 0;
  let fa = 0;
  let fb = 0;
  while (i < na || j < nb) {
    const xa = i < na ? a.x[i]! : Number.POSITIVE_INFINITY;
    const xb = j < nb ? b.x[j]! : Number.POSITIVE_INFINITY;
    const v = Math.min(xa, xb);
    while (i < na && a.x[i]! === v) fa = a.cdf[i++]!;
    while (j < nb && b.x[j]! === v) fb = b.cdf[j++]!;
    x[k] = v;
    cdfA[k] = fa;
    cdfB[k] = fb;
    k++;
  }
  return { x: x.subarray(0, k), cdfA: cdfA.subarray(0, k), cdfB: cdfB.subarray(0, k) };
}
