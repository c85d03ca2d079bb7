/**
 * Fairness gaps of a binary classifier across the groups of a slice column, as fairlearn defines
 * them with `method='between_groups'`: the largest minus the smallest per-group rate.
 */
import { type BinaryInput, validateBinaryInput } from './binary.js';
import { groupSlices, type SliceGroups, type SliceValue } from './groups.js';

/** The per-group rates the fairness gaps are built from. */
export interface FairnessGroupRates {
  /** The slice value as a string (missing values as "(missing)"). */
  value: string;
  /** Rows in the group. */
  count: number;
  /** P(predicted = 1) in the group (fairlearn's `selection_rate`). */
  selection_rate: number;
  /** P(predicted = 1 | y = 1) in the group; `null` when the group has no positives. */
  true_positive_rate: number | null;
}

/** The fairness gaps over the groups of one slice column. */
export type FairnessGaps = {
  /** Max minus min over groups of the selection rate (fairlearn's `demographic_parity_difference`). */
  demographic_parity_difference: number;
  /**
   * Max minus min over groups of the true positive rate (fairlearn's `equal_opportunity_difference`);
   * groups without positives are skipped, and it is `null` when no group has a positive. (fairlearn
   * itself gives such a group a TPR of 0, through `confusion_matrix(normalize="true")`, which would
   * report a gap that only reflects the missing positives; when every group has a positive the two agree.)
   */
  equal_opportunity_difference: number | null;
};

/** Per-group rates and the gaps between them. */
export interface FairnessReport {
  /** One entry per slice value, in the order of {@link groupSlices}. */
  groups: FairnessGroupRates[];
  /** The gaps between the groups' rates. */
  gaps: FairnessGaps;
}

/**
 * Per-group selection rate and true positive rate (predicted = `score >= threshold`) over
 * already-grouped rows, and the gaps between groups. Does not validate `input`.
 */
export function fairnessFromGroups(
  input: BinaryInput,
  groups: SliceGroups,
  threshold: number,
): FairnessReport {
  const g = groups.values.length;
  const selected = new Float64Array(g);
  const positives = new Float64Array(g);
  const truePositives = new Float64Array(g);
  const { yTrue, score } = input;
  const { codes } = groups;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    const y = yTrue[i] as number;
    const predicted = (score[i] as number) >= threshold ? 1 : 0;
    selected[c]! += predicted;
    positives[c]! += y;
    truePositives[c]! += predicted * y;
  }
  const rates: FairnessGroupRates[] = [];
  let selMin = Number.POSITIVE_INFINITY;
  let selMax = Number.NEGATIVE_INFINITY;
  let tprMin = Number.POSITIVE_INFINITY;
  let tprMax = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < g; c++) {
    const count = groups.counts[c] as number;
    const selection = (selected[c] as number) / count;
    const pos = positives[c] as number;
    const tpr = pos === 0 ? null : (truePositives[c] as number) / pos;
    selMin = Math.min(selMin, selection);
    selMax = Math.max(selMax, selection);
    if (tpr !== null) {
      tprMin = Math.min(tprMin, tpr);
      tprMax = Math.max(tprMax, tpr);
    }
    rates.push({ value: groups.values[c]!, count, selection_rate: selection, true_positive_rate: tpr });
  }
  return {
    groups: rates,
    gaps: {
      demographic_parity_difference: selMax - selMin,
      equal_opportunity_difference: tprMax >= tprMin ? tprMax - tprMin : null,
    },
  };
}

/**
 * Fairness of a binary classifier across the values of a slice column (`null`/missing values form
 * the group "(missing)"): per-group selection and true positive rates, and
 * `demographic_parity_difference` / `equal_opportunity_difference` between them. Validates the input
 * and throws a `DataError` when the column's length differs from the data's.
 */
export function fairnessReport(
  input: BinaryInput,
  column: ArrayLike<SliceValue>,
  name = 'slice',
): FairnessReport {
  const threshold = validateBinaryInput(input);
  return fairnessFromGroups(input, groupSlices(column, name, input.yTrue.length), threshold);
}

/** The fairness gaps only (see {@link fairnessReport}). */
export function fairnessGaps(
  input: BinaryInput,
  column: ArrayLike<SliceValue>,
  name = 'slice',
): FairnessGaps {
  return fairnessReport(input, column, name).gaps;
}
