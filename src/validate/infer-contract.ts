/**
 * Proposing a contract from a profile, as TFX Data Validation infers a schema from statistics; the
 * user reviews, edits and commits it. The heuristics:
 *
 * - type: `number` for numeric columns; for the others `boolean` when every value is a boolean,
 *   `categorical` with its `categories` when it has at most {@link INFER_MAX_CATEGORIES} distinct
 *   values (known exactly from the profile's counts), else `string`;
 * - `required: true`; `nullable` when any value was missing, with `max_missing` = the observed share
 *   plus `slack`, rounded up to 3 decimals (at most 1);
 * - numbers: `min`/`max` = the observed range widened by {@link INFER_RANGE_MARGIN} of its width on
 *   each side (rounded outward; a column with no negative values keeps `min >= 0`);
 * - `unique` for string columns whose distinct count equals the value count (exact below the
 *   profile's category cap; beyond it, a HyperLogLog estimate at least 97% of the count, so a column
 *   with under 3% repeats can be proposed unique: review it);
 * - dataset: `min_rows` = {@link INFER_MIN_ROWS_FRACTION} of the rows (rounded down); with `label`,
 *   each class's share bounds = the smallest and largest observed share -/+ `slack`;
 * - statistics: the default tolerances, written out so they can be reviewed.
 */
import { stringify } from 'yaml';
import {
  type ColumnProfile,
  categoryCounts,
  columnOf,
  distinctEstimate,
  type Profile,
} from '../drift/profile.js';
import { DEFAULT_STATISTICS } from './check-statistics.js';
import type { ContractColumn, DataContract } from './contract.js';

/** Most distinct values for a non-numeric column to be proposed as `categorical`. */
export const INFER_MAX_CATEGORIES = 50;

/** Share of the observed range added below `min` and above `max`. */
export const INFER_RANGE_MARGIN = 0.1;

/** Share of the profiled rows proposed as `min_rows`. */
export const INFER_MIN_ROWS_FRACTION = 0.1;

/** Default slack added to observed missing and label shares. */
export const INFER_DEFAULT_SLACK = 0.05;

/** Options of {@link inferContract}. */
export interface InferContractOptions {
  /** The label column: adds class balance bounds. */
  label?: string;
  /** Added to observed shares (missing, label classes); default {@link INFER_DEFAULT_SLACK}. */
  slack?: number;
}

const clean = (x: number): number => Number(x.toPrecision(12));

/** `x` rounded down (`dir` -1) or up (+1) to 3 significant digits of `width`. */
function roundOut(x: number, width: number, dir: -1 | 1): number {
  if (!(width > 0)) return x;
  const step = 10 ** (Math.floor(Math.log10(width)) - 2);
  const k = x / step;
  const r = clean((dir < 0 ? Math.floor(k) : Math.ceil(k)) * step);
  return dir < 0 ? Math.min(r, x) : Math.max(r, x);
}

/** The proposed rules of one profiled column. */
function inferColumn(col: ColumnProfile, rows: number, slack: number): ContractColumn {
  const missingShare = rows > 0 ? col.missing / rows : 0;
  const base = {
    required: true,
    nullable: col.missing > 0,
    ...(col.missing > 0
      ? { max_missing: clean(Math.min(1, Math.ceil((missingShare + slack) * 1000) / 1000)) }
      : {}),
  };
  const num = col.numeric;
  if (col.type === 'numeric' && num.min !== null && num.max !== null) {
    const width = num.max - num.min;
    const margin =
      width > 0 ? width * INFER_RANGE_MARGIN : Math.max(1, Math.abs(num.min) * INFER_RANGE_MARGIN);
    let min = roundOut(num.min - margin, margin * 10, -1);
    const max = roundOut(num.max + margin, margin * 10, 1);
    if (num.min >= 0) min = Math.max(0, min);
    return { type: 'number', ...base, min, max };
  }
  if (col.type === 'numeric') return { type: 'number', ...base };
  const cats = col.categories;
  if (cats.other === 0 && cats.values.length > 0 && cats.values.every((v) => typeof v === 'boolean')) {
    return { type: 'boolean', ...base };
  }
  if (cats.other === 0 && cats.values.length > 0 && cats.values.length <= INFER_MAX_CATEGORIES) {
    return { type: 'categorical', ...base, categories: cats.values.slice() };
  }
  const distinct = distinctEstimate(col);
  const unique = cats.other === 0 ? distinct === col.count : distinct >= 0.97 * col.count;
  return { type: 'string', ...base, ...(unique && col.count > 1 ? { unique: true } : {}) };
}

/**
 * A contract proposed from `profile` (see the module comment for the heuristics). It accepts the
 * data it was inferred from. A `label` the profile lacks is a `DataError`.
 */
export function inferContract(profile: Profile, options: InferContractOptions = {}): DataContract {
  const slack = options.slack ?? INFER_DEFAULT_SLACK;
  const columns: Record<string, ContractColumn> = {};
  for (const col of profile.columns) columns[col.name] = inferColumn(col, profile.rows, slack);
  const dataset: NonNullable<DataContract['dataset']> = {
    min_rows: Math.floor(profile.rows * INFER_MIN_ROWS_FRACTION),
  };
  if (options.label !== undefined) {
    const { counts, total } = categoryCounts(columnOf(profile, options.label));
    const shares = [...counts.values()].map((n) => (total > 0 ? n / total : 0));
    dataset.label = {
      column: options.label,
      ...(shares.length > 0
        ? {
            min_share: clean(Math.max(0, Math.floor((Math.min(...shares) - slack) * 1000) / 1000)),
            max_share: clean(Math.min(1, Math.ceil((Math.max(...shares) + slack) * 1000) / 1000)),
          }
        : {}),
    };
  }
  return { version: 1, columns, dataset, statistics: { ...DEFAULT_STATISTICS } };
}

/** The contract as `data.contract.yml` text, headed by a comment that it was inferred and needs review. */
export function contractToYaml(contract: DataContract): string {
  const header = [
    '# Data contract inferred from a profile by modelgate.',
    '# Review it before committing: tighten or loosen ranges, categories, uniqueness and shares.',
  ].join('\n');
  return `${header}\n${stringify(contract, { lineWidth: 0 })}`;
}
