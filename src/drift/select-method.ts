/**
 * Which statistical method judges a column, and at which threshold: Evidently's defaults, with the
 * sample-size rule applied to BOTH sides, so that large samples are judged by an effect size (a
 * distance) instead of a p-value that becomes significant for any negligible change.
 *
 * Default (`auto`) selection, `n` = non-missing values of a side:
 *
 * | column      | sizes                           | method          | drift when         |
 * | ----------- | ------------------------------- | --------------- | ------------------ |
 * | numeric     | both n <= 1000                  | `ks`            | p < 0.05           |
 * | numeric     | either n > 1000                 | `wasserstein`   | W / ref std >= 0.1 |
 * | categorical | both n <= 1000, 2 categories    | `z`             | p < 0.05           |
 * | categorical | both n <= 1000, other           | `chisquare`     | p < 0.05           |
 * | categorical | either n > 1000                 | `jensenshannon` | distance >= 0.1    |
 *
 * A forced method applies to every column it is defined for: `ks`, `wasserstein` numeric only;
 * `z` categorical with at most 2 categories only; `chisquare`, `psi`, `jensenshannon`,
 * `hellinger`, `kl` on both types (numeric columns through the reference's quantile bins). Where a
 * forced method is not defined, the column falls back to the nearest method of the same kind, so a
 * test stays a test (its p-value takes part in corrections) and a distance stays a distance:
 * - `ks` on a categorical column -> `z` (2 categories) or `chisquare`;
 * - `wasserstein` on a categorical column -> `jensenshannon`;
 * - `z` on a numeric column -> `ks`; `z` on a categorical column with more than 2 categories ->
 *   `chisquare`.
 *
 * Default thresholds ({@link DEFAULT_THRESHOLDS}): 0.05 (a significance level) for `ks`,
 * `chisquare` and `z`; 0.1 (a distance) for `wasserstein` (normed by the reference's standard
 * deviation), `jensenshannon` (the distance with natural logarithms, scipy's default, in [0, 0.83]), `psi` (0.1 = moderate shift, 0.2 =
 * significant shift, the usual credit-scoring reading), `kl` and `hellinger`. Each is overridable.
 */
import type { DriftMethod } from './types.js';

/** The largest sample (non-missing values, on each side) still judged by a hypothesis test. */
export const SMALL_SAMPLE_LIMIT = 1000;

/** Default thresholds: significance levels for tests, distance limits for distances. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  psi: 0.1,
  jensenshannon: 0.1,
  wasserstein: 0.1,
  hellinger: 0.1,
  kl: 0.1,
};

/** The PSI value usually read as a significant shift (0.1 to 0.2 is moderate); for reports. */
export const PSI_SIGNIFICANT = 0.2;

/** Methods that are hypothesis tests (a p-value; drift when p < threshold). */
export const TEST_METHODS: ReadonlySet<DriftMethod> = new Set<DriftMethod>(['ks', 'chisquare', 'z']);

/** Whether `method` is a hypothesis test (p-value < threshold) rather than a distance (>= threshold). */
export function isTestMethod(method: DriftMethod): boolean {
  return TEST_METHODS.has(method);
}

/** What {@link selectMethod} needs to know about a column pair. */
export interface MethodInput {
  /** How the column is compared. */
  type: 'numeric' | 'categorical';
  /** Non-missing values in the reference. */
  referenceCount: number;
  /** Non-missing values in the current data. */
  currentCount: number;
  /** Distinct categories over both sides (categorical columns; ignored for numeric ones). */
  categories?: number;
  /** A forced method, or `auto` / undefined for the default rules. */
  method?: DriftMethod | 'auto';
  /** Per-method threshold overrides. */
  thresholds?: Partial<Record<DriftMethod, number>>;
}

/** The method chosen for a column, its threshold and why. */
export interface MethodChoice {
  method: DriftMethod;
  /** Significance level (tests) or distance limit (distances). */
  threshold: number;
  /** Whether the method is a hypothesis test. */
  test: boolean;
  /** A human-readable reason, e.g. `numeric, both samples <= 1000 (200 and 300 values): ks (p < 0.05)`. */
  reason: string;
}

/** The threshold of `method` with overrides applied (checked: finite and positive). */
export function thresholdFor(method: DriftMethod, thresholds?: Partial<Record<DriftMethod, number>>): number {
  const value = thresholds?.[method] ?? DEFAULT_THRESHOLDS[method];
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`threshold for ${method} must be a positive number, got ${value}`);
  }
  if (isTestMethod(method) && value >= 1) {
    throw new RangeError(`threshold for ${method} is a significance level in (0, 1), got ${value}`);
  }
  return value;
}

const DESCRIPTION: Record<DriftMethod, string> = {
  ks: 'ks',
  chisquare: 'chisquare',
  z: 'z',
  psi: 'psi',
  jensenshannon: 'jensenshannon',
  wasserstein: 'wasserstein normed by the reference std',
  hellinger: 'hellinger',
  kl: 'kl',
};

function rule(method: DriftMethod, threshold: number): string {
  return `${DESCRIPTION[method]} (${isTestMethod(method) ? `p < ${threshold}` : `${method === 'jensenshannon' ? 'distance' : 'value'} >= ${threshold}`})`;
}

function sizes(input: MethodInput): { small: boolean; text: string } {
  const small = input.referenceCount <= SMALL_SAMPLE_LIMIT && input.currentCount <= SMALL_SAMPLE_LIMIT;
  const counts = `${input.referenceCount} and ${input.currentCount} values`;
  return {
    small,
    text: small
      ? `both samples <= ${SMALL_SAMPLE_LIMIT} (${counts})`
      : `a sample > ${SMALL_SAMPLE_LIMIT} (${counts}), judged by effect size`,
  };
}

function autoMethod(input: MethodInput, small: boolean): DriftMethod {
  if (input.type === 'numeric') return small ? 'ks' : 'wasserstein';
  if (!small) return 'jensenshannon';
  return (input.categories ?? 0) <= 2 ? 'z' : 'chisquare';
}

/** The method a forced `method` becomes on a column it is not defined for (see the module comment). */
function fallback(forced: DriftMethod, input: MethodInput): DriftMethod {
  const binary = (input.categories ?? 0) <= 2;
  if (input.type === 'numeric') return forced === 'z' ? 'ks' : forced;
  switch (forced) {
    case 'ks':
      return binary ? 'z' : 'chisquare';
    case 'wasserstein':
      return 'jensenshannon';
    case 'z':
      return binary ? 'z' : 'chisquare';
    default:
      return forced;
  }
}

/**
 * Chooses the method and threshold for one column (the rules are in the module comment). Pure; the
 * `reason` names the column type, the sample sizes or the forced method, and the decision rule.
 */
export function selectMethod(input: MethodInput): MethodChoice {
  const { small, text } = sizes(input);
  const kind =
    input.type === 'numeric'
      ? 'numeric'
      : `categorical (${input.categories ?? 0} categor${input.categories === 1 ? 'y' : 'ies'})`;
  const forced = input.method !== undefined && input.method !== 'auto' ? input.method : null;
  let method: DriftMethod;
  let reason: string;
  if (forced === null) {
    method = autoMethod(input, small);
    reason = `${kind}, ${text}`;
  } else {
    method = fallback(forced, input);
    reason =
      method === forced
        ? `${kind}, method forced to ${forced}`
        : `${kind}, method forced to ${forced}, which is not defined here: fallback`;
  }
  const threshold = thresholdFor(method, input.thresholds);
  return { method, threshold, test: isTestMethod(method), reason: `${reason}: ${rule(method, threshold)}` };
}
