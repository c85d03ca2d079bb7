/**
 * Deterministic train / validation / test assignment of streamed rows: each row's split is a
 * seeded hash of (seed, row index), so every streaming pass over the same data agrees without
 * storing indexes, and the assignment does not depend on batch or chunk boundaries.
 */
import { hashUniform } from './random.js';

/** Which part of the training data a row belongs to. */
export type SplitName = 'train' | 'validation' | 'test';

/** Split shares, as in model.yml's `data.split`. */
export interface SplitShares {
  /** Share of the non-test rows used for early stopping (validation loss). */
  validation: number;
  /** Share of all rows held out for evaluation; ignored when `hasEval` (a separate eval file). */
  test: number;
  /** Whether a separate evaluation source exists (then no test split is taken). */
  hasEval: boolean;
}

/**
 * Assigns row `index` (0-based position in the training stream) to a split. With `hasEval`, rows
 * are train or validation only; otherwise a `test` share is held out first and `validation` is a
 * share of what remains.
 */
export function assignSplit(seed: number, index: number, shares: SplitShares): SplitName {
  const u = hashUniform(seed, 0x5eed, index);
  const test = shares.hasEval ? 0 : shares.test;
  if (u < test) return 'test';
  const rest = (u - test) / (1 - test);
  return rest < shares.validation ? 'validation' : 'train';
}
