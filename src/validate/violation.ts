/**
 * Violations and the report of a validation run, and the tally that aggregates row-level hits
 * (count, first example rows, a few offending values) into one violation per column and rule.
 */
import { describeValue } from '../errors.js';

/** `error`: the contract is broken; `warning`: a statistical expectation is out of tolerance. */
export type ViolationLevel = 'error' | 'warning';

/** One broken rule: where, what was seen, what was expected, how often and a few example rows. */
export interface Violation {
  /** The column, or null for a dataset rule. */
  column: string | null;
  /** The rule: `required`, `type`, `nullable`, `min`, `max`, `categories`, `regex`, `unique`, `max_missing`, `rows`, `min_rows`, `max_rows`, `unique_key`, `label_share`, `mean`, `quantile`, `new_category_share`. */
  rule: string;
  /** What the data shows (a value, a share, a count). */
  observed: string | number;
  /** What the contract expects. */
  expected: string | number;
  /** Rows (or classes, or values) that broke it. */
  count: number;
  /** 1-based data row numbers (header excluded) of the first offending rows, at most `maxExamples`. */
  examples: number[];
  /** `error` for a contract break, `warning` for a statistical expectation. */
  level: ViolationLevel;
  /** The violation in one sentence. */
  message: string;
}

/** The outcome of validating one file against a contract. */
export interface ValidationReport {
  /** True when there is no `error` violation (warnings allowed). */
  ok: boolean;
  /** Data rows read. */
  rows: number;
  /** Every violation, in check order. */
  violations: Violation[];
  /** How much was checked: contract columns, and rules evaluated. */
  checked: { columns: number; rules: number };
}

/** Offending values kept per violation for its message. */
const SAMPLES = 3;

/** Row-level hits of one column and rule, aggregated as they stream by. */
export class Tally {
  count = 0;
  readonly examples: number[] = [];
  readonly samples: string[] = [];
  /** The smallest (rule `min`) or largest (rule `max`) offending number. */
  extreme: number | undefined;

  constructor(
    readonly column: string | null,
    readonly rule: string,
    readonly expected: string | number,
    private readonly maxExamples: number,
  ) {}

  /** Counts a hit at 1-based data row `row` with the offending `value`. */
  hit(row: number, value?: unknown): void {
    this.count++;
    if (this.examples.length < this.maxExamples) this.examples.push(row);
    if (typeof value === 'number') {
      if (this.extreme === undefined) this.extreme = value;
      else if (this.rule === 'min') this.extreme = Math.min(this.extreme, value);
      else if (this.rule === 'max') this.extreme = Math.max(this.extreme, value);
    }
    if (value !== undefined && this.samples.length < SAMPLES) {
      const text = describeValue(value);
      if (!this.samples.includes(text)) this.samples.push(text);
    }
  }
}

/** `rows 3, 7, 9` (or `row 3`), for messages; '' when there are none. */
export function exampleRows(examples: readonly number[]): string {
  if (examples.length === 0) return '';
  return `${examples.length === 1 ? 'row' : 'rows'} ${examples.join(', ')}`;
}

/** A share as a percentage with up to two decimals (`12.5%`). */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}
