/**
 * Pairing the per-example predictions of two runs for the paired bootstrap: by id when both runs
 * have ids, else by position when both evaluated the very same rows.
 */
import type { RunRecord } from '../config/run-record.js';
import { sameValue } from './params-diff.js';
import type { Examples } from './types.js';

/** Rows of the two runs that belong together: `baseline[i]` and `candidate[i]` are one example. */
export interface Pairing {
  /** How the rows were paired. */
  pairing: 'id' | 'position';
  /** Row indexes into the baseline's examples. */
  baseline: Int32Array;
  /** Row indexes into the candidate's examples, aligned with `baseline`. */
  candidate: Int32Array;
}

/** The number of rows of an `Examples`. */
export function exampleCount(examples: Examples): number {
  return examples.yTrue.length;
}

/** id -> row, skipping null ids; null when an id repeats (then ids cannot pair rows). */
function idIndex(ids: readonly (string | null)[]): Map<string, number> | null {
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === null || id === undefined) continue;
    if (index.has(id)) return null;
    index.set(id, i);
  }
  return index;
}

/**
 * Whether two runs evaluated the same rows in the same order, judged from their fingerprints: the
 * same `data.eval` hash; or, when neither has separate eval data (both evaluated a seeded test split
 * of the training data), the same `data.train` hash with the same `params.seed` and `params.split`.
 */
export function sameEvaluationRows(baseline: RunRecord, candidate: RunRecord): boolean {
  const be = baseline.data.eval;
  const ce = candidate.data.eval;
  if (be && ce) return be.hash === ce.hash;
  if (be || ce) return false;
  const bt = baseline.data.train;
  const ct = candidate.data.train;
  if (!bt || !ct || bt.hash !== ct.hash) return false;
  return (
    sameValue(baseline.params.seed, candidate.params.seed) &&
    sameValue(baseline.params.split, candidate.params.split)
  );
}

/**
 * Pairs the rows of two runs' examples, or returns null when they cannot be paired:
 * - different tasks: null;
 * - both have ids (and no id repeats within a run): inner join on the id, in the baseline's row
 *   order; rows with a null id or no partner are left out; null when nothing pairs;
 * - else by position, only when `sameEvalRows` (see {@link sameEvaluationRows}), the row counts are
 *   equal and every row has the same label in both runs (a cheap check that the rows really are the
 *   same);
 * - else null.
 */
export function pairExamples(baseline: Examples, candidate: Examples, sameEvalRows: boolean): Pairing | null {
  if (baseline.task !== candidate.task) return null;
  if (baseline.ids && candidate.ids) {
    const bIndex = idIndex(baseline.ids);
    const cIndex = idIndex(candidate.ids);
    if (bIndex && cIndex) {
      const b: number[] = [];
      const c: number[] = [];
      for (const [id, i] of bIndex) {
        const j = cIndex.get(id);
        if (j !== undefined) {
          b.push(i);
          c.push(j);
        }
      }
      if (b.length === 0) return null;
      return { pairing: 'id', baseline: Int32Array.from(b), candidate: Int32Array.from(c) };
    }
  }
  const n = exampleCount(baseline);
  if (!sameEvalRows || n === 0 || n !== exampleCount(candidate)) return null;
  if (!sameLabels(baseline, candidate)) return null;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return { pairing: 'position', baseline: rows, candidate: rows.slice() };
}

function sameLabels(baseline: Examples, candidate: Examples): boolean {
  const n = exampleCount(baseline);
  if (baseline.task === 'multiclass') {
    const bc = baseline.classes ?? [];
    const cc = candidate.classes ?? [];
    for (let i = 0; i < n; i++) {
      if (bc[baseline.yTrue[i] as number] !== cc[candidate.yTrue[i] as number]) return false;
    }
    return true;
  }
  for (let i = 0; i < n; i++) if (baseline.yTrue[i] !== candidate.yTrue[i]) return false;
  return true;
}
