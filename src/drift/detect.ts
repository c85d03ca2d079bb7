/**
 * Drift detection: compares a current data profile with a reference profile (the one shipped with
 * a release) and returns the {@link DriftReport}. Pure: profiles in, report out (the clock is an
 * option).
 *
 * - Columns: every column present in both profiles (or the ones named in `columns`), in the
 *   reference's order. The others are `skipped`, with the reason: only in the reference, only in
 *   the current data, in neither (a named column), type changed, all values missing on a side, or
 *   (unless named) a categorical column that looks like an identifier (`looksLikeIdentifier`).
 * - Each column is judged by `compareColumn` (`detect-column.ts`) with the method of
 *   `select-method.ts` (the default table, a forced method and the per-method thresholds).
 * - The prediction column (`prediction`, the model's score) is compared the same way but reported
 *   as `model_drift.prediction`: it is not a feature, so it takes no part in the dataset share nor
 *   in the corrections' family.
 * - Corrections (`bonferroni`, `fdr` = Benjamini-Hochberg) adjust the p-values of the columns
 *   judged by a test (`ks`, `chisquare`, `z`); distances are unaffected (`detect-dataset.ts`).
 * - The dataset drifted when the share of drifted columns is >= `share` (default 0.5).
 * - Features are sorted by severity (`detect-severity.ts`), most drifted first.
 * - `model_drift.performance`: when `performance` metrics are given (`detect-performance.ts`).
 *
 * Both profiles should be built with the same sketch accuracy (`alpha`, the default unless set):
 * then they share every bucket boundary and the bin counts are exact; with different settings the
 * comparison still runs, within the coarser sketch's accuracy.
 */
import { DataError } from '../errors.js';
import { compareColumn, sampleSize } from './detect-column.js';
import type { Correction } from './detect-corrections.js';
import {
  applyCorrection,
  checkShare,
  DEFAULT_DRIFT_SHARE,
  datasetDrift,
  sortBySeverity,
} from './detect-dataset.js';
import { comparePerformance, type PerformanceInput } from './detect-performance.js';
import { distinctEstimate } from './profile-query.js';
import type { ColumnProfile, Profile } from './profile-types.js';
import { isTestMethod } from './select-method.js';
import {
  DRIFT_METHODS,
  type DriftMethod,
  type DriftReport,
  type FeatureDrift,
  type ModelDrift,
} from './types.js';

/** What {@link detectDrift} compares and how. */
export interface DetectDriftOptions {
  /** The reference profile (the release's). */
  reference: Profile;
  /** The profile of the current data. */
  current: Profile;
  /** `auto` (default: the selection table) or a method forced on every column where it is defined. */
  method?: DriftMethod | 'auto';
  /** Compare only these columns (default: every column present in both profiles). */
  columns?: string[];
  /** Per-method threshold overrides. */
  thresholds?: Partial<Record<DriftMethod, number>>;
  /** Share of drifted columns at or above which the dataset drifted (default 0.5). */
  share?: number;
  /** Multiple-testing correction of the tests' p-values (default `none`). */
  correction?: Correction;
  /** The name of the model's prediction (score) column, reported as `model_drift.prediction`. */
  prediction?: string;
  /** Release metrics and metrics on labelled current data, for `model_drift.performance`. */
  performance?: PerformanceInput;
  /** Model name and release (tag or version), copied into the report. */
  model?: string;
  release?: string;
  /** Time windows of each side (e.g. the serving log's first and last timestamps), copied into the report. */
  window?: {
    reference?: { from?: string; to?: string };
    current?: { from?: string; to?: string };
  };
  /** The report's time (default now). */
  now?: Date;
}

const CORRECTIONS: readonly Correction[] = ['none', 'bonferroni', 'fdr'];

function checkOptions(options: DetectDriftOptions): void {
  const { method, correction } = options;
  if (method !== undefined && method !== 'auto' && !DRIFT_METHODS.includes(method)) {
    throw new DataError(
      `drift: unknown method ${JSON.stringify(method)} (use auto, ${DRIFT_METHODS.join(', ')})`,
    );
  }
  if (correction !== undefined && !CORRECTIONS.includes(correction)) {
    throw new DataError(
      `drift: unknown correction ${JSON.stringify(correction)} (use ${CORRECTIONS.join(', ')})`,
    );
  }
  for (const [name, value] of Object.entries(options.thresholds ?? {})) {
    if (!DRIFT_METHODS.includes(name as DriftMethod)) {
      throw new DataError(`drift: thresholds names an unknown method ${JSON.stringify(name)}`);
    }
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new DataError(`drift: the threshold of ${name} must be a positive number (got ${String(value)})`);
    }
    if (isTestMethod(name as DriftMethod) && value >= 1) {
      throw new DataError(`drift: the threshold of ${name} is a significance level below 1 (got ${value})`);
    }
  }
}

/** Why a column cannot be compared, or null when it can. */
function skipReason(reference: ColumnProfile | undefined, current: ColumnProfile | undefined): string | null {
  if (!reference && !current) return 'in neither profile';
  if (!current) return 'only in the reference';
  if (!reference) return 'only in the current data';
  if (reference.type !== current.type) return `type changed from ${reference.type} to ${current.type}`;
  const empty = (col: ColumnProfile) =>
    col.count === 0
      ? 'all values missing'
      : sampleSize(col) === 0
        ? 'no numbers (the column is forced numeric)'
        : null;
  const r = empty(reference);
  const c = empty(current);
  if (r !== null && r === c) return `${r} in both`;
  if (r !== null) return `${r} in the reference`;
  if (c !== null) return `${c} in the current data`;
  return null;
}

/** Rows above which a categorical column whose values are nearly all distinct is taken for an identifier. */
export const IDENTIFIER_MIN_ROWS = 50;

/**
 * Whether a categorical column looks like an identifier (policy number, request id): nearly every
 * value distinct (HyperLogLog estimate >= 90% of its values) in a reference of at least
 * {@link IDENTIFIER_MIN_ROWS} values. Such columns drift by construction and are skipped unless
 * named in `columns`.
 */
export function looksLikeIdentifier(col: ColumnProfile): boolean {
  if (col.type !== 'categorical') return false;
  const n = sampleSize(col);
  return n >= IDENTIFIER_MIN_ROWS && distinctEstimate(col) >= 0.9 * n;
}

function byName(profile: Profile): Map<string, ColumnProfile> {
  const map = new Map<string, ColumnProfile>();
  for (const column of profile.columns) if (!map.has(column.name)) map.set(column.name, column);
  return map;
}

/** The names to compare: the given ones (deduplicated), or the reference's columns then the current-only ones. */
function columnNames(options: DetectDriftOptions): string[] {
  if (options.columns) return [...new Set(options.columns)];
  const names = options.reference.columns.map((c) => c.name);
  for (const c of options.current.columns) names.push(c.name);
  return [...new Set(names)];
}

function side(
  profile: Profile,
  window: { from?: string; to?: string } | undefined,
): DriftReport['reference'] {
  const out: DriftReport['reference'] = { rows: profile.rows };
  if (profile.source !== undefined) out.source = profile.source;
  if (window && (window.from !== undefined || window.to !== undefined)) out.window = { ...window };
  return out;
}

/** Compares the current profile with the reference (see the module comment). Throws a DataError on bad options. */
export function detectDrift(options: DetectDriftOptions): DriftReport {
  checkOptions(options);
  const share = checkShare(options.share ?? DEFAULT_DRIFT_SHARE);
  const correction = options.correction ?? 'none';
  const method = options.method ?? 'auto';
  const reference = byName(options.reference);
  const current = byName(options.current);
  const compare = { method, thresholds: options.thresholds };

  const features: FeatureDrift[] = [];
  const skipped: DriftReport['skipped'] = [];
  for (const name of columnNames(options)) {
    if (name === options.prediction) continue;
    const r = reference.get(name);
    const c = current.get(name);
    const why =
      skipReason(r, c) ??
      (!options.columns && r && looksLikeIdentifier(r)
        ? 'looks like an identifier (nearly every value is distinct); name it in `columns` to compare it anyway'
        : null);
    if (why !== null || !r || !c) skipped.push({ name, reason: why ?? 'not comparable' });
    else features.push(compareColumn(r, c, compare));
  }

  const model_drift: ModelDrift = {};
  if (options.prediction !== undefined) {
    const r = reference.get(options.prediction);
    const c = current.get(options.prediction);
    const why =
      skipReason(r, c) ??
      (!options.columns && r && looksLikeIdentifier(r)
        ? 'looks like an identifier (nearly every value is distinct); name it in `columns` to compare it anyway'
        : null);
    if (why === null && r && c) model_drift.prediction = compareColumn(r, c, compare);
    else skipped.push({ name: options.prediction, reason: `prediction column: ${why ?? 'not comparable'}` });
  }
  if (options.performance) model_drift.performance = comparePerformance(options.performance);

  const judged = sortBySeverity(applyCorrection(features, correction));
  const report: DriftReport = {
    format: 'modelgate-drift',
    version: 1,
    reference: side(options.reference, options.window?.reference),
    current: side(options.current, options.window?.current),
    dataset: datasetDrift(judged, { share, method, correction }),
    features: judged,
    skipped,
    generated_at: (options.now ?? new Date()).toISOString(),
  };
  if (options.model !== undefined) report.model = options.model;
  if (options.release !== undefined) report.release = options.release;
  if (model_drift.prediction !== undefined || model_drift.performance !== undefined) {
    report.model_drift = model_drift;
  }
  return report;
}
