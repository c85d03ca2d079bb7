/**
 * Statistical expectations of a contract against a reference profile, checked on the profile of
 * the current data (built in the validation pass). Every violation here is a `warning`.
 *
 * - mean: `|mean - reference mean| / reference std` (population std) above `mean_tolerance`; when
 *   the reference std is 0, any change of the mean counts as out of tolerance.
 * - quantile: for q in 0.1, 0.5, 0.9, `|q_cur - q_ref| / |q_ref|` above `quantile_tolerance`; when
 *   `q_ref` is 0 the reference std is the scale instead (and any change when that is 0 too).
 *   Quantiles come from the profiles' sketches (within their `alpha` relative accuracy).
 * - new_category_share: the share of non-missing values whose text the reference never saw, for
 *   columns the reference profiles as categorical with every value counted exactly (no `other`).
 */
import { columnOf, numericSummary, type Profile, quantile } from '../drift/profile.js';
import type { DataContract } from './contract.js';
import { percent, type Violation } from './violation.js';

/** Tolerances used when the contract's `statistics` leaves one out. */
export const DEFAULT_STATISTICS = {
  /** In reference standard deviations. */
  mean_tolerance: 0.5,
  /** Relative change of a quantile. */
  quantile_tolerance: 0.25,
  /** Share of values unseen in the reference. */
  new_category_share: 0.01,
} as const;

/** The quantiles compared. */
export const CHECKED_QUANTILES = [0.1, 0.5, 0.9] as const;

/**
 * The text keys of the reference's values of `column`, when the new-category check applies to it
 * (categorical in the reference, every value counted exactly); otherwise undefined.
 */
export function newCategoryKeys(reference: Profile, column: string): Set<string> | undefined {
  const col = reference.columns.find((c) => c.name === column);
  if (col?.type !== 'categorical' || col.categories.other > 0 || col.count === 0) return undefined;
  return new Set(col.categories.values.map(String));
}

const round = (x: number): number => Number(x.toPrecision(6));

/**
 * The mean and quantile warnings for the contract's columns present in the data and numeric in the
 * reference, the number of rules evaluated, and the new-category limit in force.
 */
export function checkStatistics(
  current: Profile,
  reference: Profile,
  contract: DataContract,
  present: (column: string) => boolean,
): { violations: Violation[]; rules: number; newCategoryShare: number } {
  const stats = { ...DEFAULT_STATISTICS, ...contract.statistics };
  const violations: Violation[] = [];
  let rules = 0;
  for (const name of Object.keys(contract.columns)) {
    const ref = reference.columns.find((c) => c.name === name);
    if (ref?.type !== 'numeric' || !present(name)) continue;
    const cur = columnOf(current, name);
    const r = numericSummary(ref);
    const c = numericSummary(cur);
    if (c.count === 0 || r.count === 0) continue;
    rules += 2;
    const diff = Math.abs(c.mean - r.mean);
    const shift = r.std > 0 ? diff / r.std : diff === 0 ? 0 : Number.POSITIVE_INFINITY;
    if (shift > stats.mean_tolerance) {
      violations.push({
        column: name,
        rule: 'mean',
        observed: round(c.mean),
        expected: `${round(r.mean)} ± ${stats.mean_tolerance} std (${round(stats.mean_tolerance * r.std)})`,
        count: c.count,
        examples: [],
        level: 'warning',
        message: `the mean moved from ${round(r.mean)} to ${round(c.mean)}: ${round(shift)} reference standard deviations, more than ${stats.mean_tolerance}`,
      });
    }
    for (const q of CHECKED_QUANTILES) {
      const qr = quantile(ref, q);
      const qc = quantile(cur, q);
      const scale = qr !== 0 ? Math.abs(qr) : r.std;
      const d = Math.abs(qc - qr);
      const rel = scale > 0 ? d / scale : d === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (rel > stats.quantile_tolerance) {
        violations.push({
          column: name,
          rule: 'quantile',
          observed: `q${q}: ${round(qc)}`,
          expected: `q${q}: ${round(qr)} ± ${percent(stats.quantile_tolerance)}`,
          count: c.count,
          examples: [],
          level: 'warning',
          message: `the ${q} quantile moved from ${round(qr)} to ${round(qc)} (${percent(rel)} relative, more than ${percent(stats.quantile_tolerance)})`,
        });
      }
    }
  }
  return { violations, rules, newCategoryShare: stats.new_category_share };
}
