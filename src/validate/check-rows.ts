/**
 * The streaming validator: rows in (in batches, in file order), one {@link ValidationReport} out,
 * in one pass with bounded memory. Pure logic, no I/O: `check.ts` feeds it a file.
 *
 * Memory: per column a few counters and at most `maxExamples` row numbers per rule; uniqueness keeps
 * an exact set of seen values per `unique` column (and one for `unique_key`) up to `uniqueCap`
 * values, after which that check stops and a warning says from which row it was not checked.
 */
import type { Cell, Row } from '../data/types.js';
import { createProfiler, type Profile, type Profiler } from '../drift/profile.js';
import { checkStatistics, newCategoryKeys } from './check-statistics.js';
import type { ContractColumn, DataContract } from './contract.js';
import { exampleRows, percent, Tally, type ValidationReport, type Violation } from './violation.js';

/** Options of {@link createValidator} and `validateFile`. */
export interface ValidatorOptions {
  /** The reference profile for the contract's statistical expectations (none: they are skipped). */
  reference?: Profile;
  /** Example row numbers kept per violation (default 5). */
  maxExamples?: number;
  /** Distinct values kept per uniqueness check before it stops (default {@link DEFAULT_UNIQUE_CAP}). */
  uniqueCap?: number;
}

/** Default example rows per violation. */
export const DEFAULT_MAX_EXAMPLES = 5;

/** Default number of distinct values a uniqueness check holds exactly before it stops. */
export const DEFAULT_UNIQUE_CAP = 1_000_000;

/** A streaming validator; see {@link createValidator}. */
export interface Validator {
  /** Checks rows in file order (row numbers continue across batches). */
  addBatch(rows: readonly Row[]): void;
  /** The report of the rows so far. */
  finish(): ValidationReport;
}

const TRUE_TEXT = new Set(['true', 'True', 'TRUE', '1']);
const FALSE_TEXT = new Set(['false', 'False', 'FALSE', '0']);

/** Missing as in profiles: absent, null, empty string, NaN and ±Infinity. */
export function isMissing(v: Cell | undefined): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'number' && !Number.isFinite(v));
}

/** Whether a non-missing value fits a contract type (`string` and `categorical` take anything). */
export function fitsType(v: Cell, type: ContractColumn['type']): boolean {
  switch (type) {
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return (
        typeof v === 'boolean' ||
        v === 0 ||
        v === 1 ||
        (typeof v === 'string' && (TRUE_TEXT.has(v) || FALSE_TEXT.has(v)))
      );
    default:
      return true;
  }
}

/** A set of seen keys that stops at a cap. */
class SeenSet {
  private readonly seen = new Set<string>();
  /** The first row not checked (the cap was reached), if any. */
  stoppedAt: number | undefined;
  constructor(private readonly cap: number) {}
  /** Whether `key` was seen before; undefined once the cap is reached. */
  repeat(key: string, row: number): boolean | undefined {
    if (this.stoppedAt !== undefined) return undefined;
    if (this.seen.has(key)) return true;
    if (this.seen.size >= this.cap) {
      this.stoppedAt = row;
      this.seen.clear();
      return undefined;
    }
    this.seen.add(key);
    return false;
  }
}

/** Per-column state of the streaming pass. */
interface ColumnState {
  name: string;
  rule: ContractColumn;
  present: boolean;
  missing: number;
  missingRows: number[];
  tallies: Map<string, Tally>;
  categories: Set<string> | undefined;
  regex: RegExp | undefined;
  unique: SeenSet | undefined;
  /** Text keys of the reference's values (new-category check), when it applies. */
  referenceKeys: Set<string> | undefined;
  /** Non-missing values seen. */
  count: number;
}

/** One-line description of the data's columns, with a delimiter hint when there is one column. */
function columnsHint(keys: readonly string[]): string {
  const list = keys.map((k) => JSON.stringify(k)).join(', ');
  const only = keys[0];
  const hint =
    keys.length === 1 && only !== undefined && /[;,\t|]/.test(only) ? '; is the delimiter right?' : '';
  return `the data has ${list || 'no columns'}${hint}`;
}

/**
 * A streaming validator of rows against `contract`. Column rules, dataset rules and the statistical
 * expectations against `options.reference` (checked on a profile built in the same pass).
 */
export function createValidator(contract: DataContract, options: ValidatorOptions = {}): Validator {
  const maxExamples = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  const cap = options.uniqueCap ?? DEFAULT_UNIQUE_CAP;
  const reference = options.reference;
  const dataset = contract.dataset ?? {};
  const columns: ColumnState[] = Object.entries(contract.columns).map(([name, rule]) => ({
    name,
    rule,
    present: false,
    missing: 0,
    missingRows: [],
    tallies: new Map(),
    categories: rule.categories ? new Set(rule.categories.map(String)) : undefined,
    regex: rule.regex === undefined ? undefined : new RegExp(`^(?:${rule.regex})$`, 'u'),
    unique: rule.unique ? new SeenSet(cap) : undefined,
    referenceKeys: reference ? newCategoryKeys(reference, name) : undefined,
    count: 0,
  }));
  const extra = [dataset.label?.column, ...(dataset.unique_key ?? [])].filter(
    (n): n is string => n !== undefined && !Object.hasOwn(contract.columns, n),
  );
  const profiled = [...new Set([...columns.map((c) => c.name), ...extra])];
  const extraPresent = new Map(extra.map((n) => [n, false]));
  const profiler: Profiler = createProfiler({ columns: profiled });
  const keySet = dataset.unique_key ? new SeenSet(cap) : undefined;
  const keyTally = new Tally(null, 'unique_key', 'no repeated key', maxExamples);
  let rows = 0;
  let firstKeys: string[] | undefined;

  const tally = (col: ColumnState, rule: string, expected: string | number): Tally => {
    let t = col.tallies.get(rule);
    if (!t) {
      t = new Tally(col.name, rule, expected, maxExamples);
      col.tallies.set(rule, t);
    }
    return t;
  };

  const checkValue = (col: ColumnState, v: Cell | undefined, row: number): void => {
    if (v !== undefined) col.present = true;
    const rule = col.rule;
    if (isMissing(v)) {
      col.missing++;
      if (col.missingRows.length < maxExamples) col.missingRows.push(row);
      if (!rule.nullable) tally(col, 'nullable', 'no missing values').hit(row);
      return;
    }
    const value = v as Cell;
    col.count++;
    if (!fitsType(value, rule.type)) {
      tally(col, 'type', rule.type).hit(row, value);
      return;
    }
    if (typeof value === 'number') {
      if (rule.min !== undefined && value < rule.min) tally(col, 'min', rule.min).hit(row, value);
      if (rule.max !== undefined && value > rule.max) tally(col, 'max', rule.max).hit(row, value);
    }
    const text = String(value);
    if (col.categories && !col.categories.has(text)) {
      tally(col, 'categories', rule.categories!.map(String).join(', ')).hit(row, value);
    }
    if (col.regex && !col.regex.test(text)) tally(col, 'regex', rule.regex!).hit(row, value);
    if (col.unique?.repeat(text, row)) tally(col, 'unique', 'distinct values').hit(row, value);
    if (col.referenceKeys && !col.referenceKeys.has(text)) {
      tally(col, 'new_category_share', 'reference values').hit(row, value);
    }
  };

  const addBatch = (batch: readonly Row[]): void => {
    if (batch.length === 0) return;
    firstKeys ??= Object.keys(batch[0]!);
    profiler.addBatch(batch);
    for (const row of batch) {
      const r = ++rows;
      for (const col of columns) checkValue(col, row[col.name], r);
      for (const [name, seen] of extraPresent)
        if (!seen && row[name] !== undefined) extraPresent.set(name, true);
      if (keySet && dataset.unique_key) {
        const parts: Cell[] = [];
        let complete = true;
        for (const name of dataset.unique_key) {
          const v = row[name];
          if (isMissing(v)) {
            complete = false;
            break;
          }
          parts.push(v as Cell);
        }
        if (complete && keySet.repeat(JSON.stringify(parts), r))
          keyTally.hit(r, parts.map(String).join(', '));
      }
    }
  };

  const finish = (): ValidationReport => {
    const out: Violation[] = [];
    let rules = 0;
    const present = (name: string): boolean =>
      columns.find((c) => c.name === name)?.present ?? extraPresent.get(name) ?? false;
    if (rows === 0) {
      out.push({
        column: null,
        rule: 'rows',
        observed: 0,
        expected: 'at least 1 data row',
        count: 0,
        examples: [],
        level: 'error',
        message: 'the file has no data rows (is it empty, or only a header?)',
      });
    }
    for (const col of columns) {
      const rule = col.rule;
      rules += 1 + countRules(rule);
      if (!col.present) {
        if (rule.required && rows > 0) {
          out.push({
            column: col.name,
            rule: 'required',
            observed: 'absent',
            expected: 'present',
            count: rows,
            examples: [],
            level: 'error',
            message: `column ${JSON.stringify(col.name)} is missing (${columnsHint(firstKeys ?? [])})`,
          });
        }
        continue;
      }
      for (const t of col.tallies.values()) {
        if (t.rule === 'new_category_share') continue;
        out.push(rowViolation(t, rule));
      }
      if (rule.max_missing !== undefined && rows > 0 && col.missing / rows > rule.max_missing) {
        const share = col.missing / rows;
        out.push({
          column: col.name,
          rule: 'max_missing',
          observed: share,
          expected: rule.max_missing,
          count: col.missing,
          examples: col.missingRows.slice(),
          level: 'error',
          message: `${percent(share)} of the values are missing, more than the allowed ${percent(rule.max_missing)} (${exampleRows(col.missingRows)})`,
        });
      }
      if (col.unique?.stoppedAt !== undefined)
        out.push(uncheckedNote(col.name, 'unique', col.unique.stoppedAt, cap));
    }
    const profile = profiler.finish();
    out.push(...datasetViolations());
    if (reference) {
      const stats = checkStatistics(profile, reference, contract, (name) => present(name));
      rules += stats.rules;
      out.push(...stats.violations);
      for (const col of columns) {
        const t = col.tallies.get('new_category_share');
        if (!col.present || !col.referenceKeys) continue;
        rules++;
        const limit = stats.newCategoryShare;
        const share = col.count === 0 ? 0 : (t?.count ?? 0) / col.count;
        if (t && share > limit) {
          out.push({
            column: col.name,
            rule: 'new_category_share',
            observed: share,
            expected: limit,
            count: t.count,
            examples: t.examples.slice(),
            level: 'warning',
            message: `${percent(share)} of the values were never seen in the reference (more than ${percent(limit)}), e.g. ${t.samples.join(', ')} (${exampleRows(t.examples)})`,
          });
        }
      }
    }
    return {
      ok: !out.some((v) => v.level === 'error'),
      rows,
      violations: out,
      checked: { columns: columns.length, rules },
    };

    function datasetViolations(): Violation[] {
      const found: Violation[] = [];
      if (dataset.min_rows !== undefined) {
        rules++;
        if (rows < dataset.min_rows)
          found.push(
            countViolation(
              'min_rows',
              rows,
              dataset.min_rows,
              `the file has ${rows} data rows, fewer than the required ${dataset.min_rows}`,
            ),
          );
      }
      if (dataset.max_rows !== undefined) {
        rules++;
        if (rows > dataset.max_rows)
          found.push(
            countViolation(
              'max_rows',
              rows,
              dataset.max_rows,
              `the file has ${rows} data rows, more than the allowed ${dataset.max_rows}`,
            ),
          );
      }
      if (dataset.unique_key) {
        rules++;
        const key = dataset.unique_key;
        const absent = key.filter((n) => !present(n));
        if (absent.length > 0 && rows > 0) {
          found.push({
            column: null,
            rule: 'unique_key',
            observed: `absent: ${absent.join(', ')}`,
            expected: key.join(', '),
            count: 0,
            examples: [],
            level: 'error',
            message: `the key column(s) ${absent.map((n) => JSON.stringify(n)).join(', ')} are missing (${columnsHint(firstKeys ?? [])})`,
          });
        } else if (keyTally.count > 0) {
          found.push({
            column: null,
            rule: 'unique_key',
            observed: `${keyTally.count} repeated`,
            expected: `unique (${key.join(', ')})`,
            count: keyTally.count,
            examples: keyTally.examples.slice(),
            level: 'error',
            message: `${keyTally.count} rows repeat the key (${key.join(', ')}) of an earlier row, e.g. ${keyTally.samples.join('; ')} (${exampleRows(keyTally.examples)})`,
          });
        }
        if (keySet?.stoppedAt !== undefined)
          found.push(uncheckedNote(null, 'unique_key', keySet.stoppedAt, cap));
      }
      const label = dataset.label;
      if (label) {
        rules++;
        if (!present(label.column)) {
          if (rows > 0)
            found.push({
              column: label.column,
              rule: 'label_share',
              observed: 'absent',
              expected: 'present',
              count: 0,
              examples: [],
              level: 'error',
              message: `the label column ${JSON.stringify(label.column)} is missing (${columnsHint(firstKeys ?? [])})`,
            });
        } else {
          found.push(...labelViolations(profile, label));
        }
      }
      return found;
    }
  };

  return { addBatch, finish };
}

/** Number of value rules a column declares beyond the type (for `checked.rules`). */
function countRules(rule: ContractColumn): number {
  let n = rule.required ? 1 : 0;
  if (!rule.nullable) n++;
  for (const k of ['min', 'max', 'categories', 'regex', 'max_missing'] as const)
    if (rule[k] !== undefined) n++;
  if (rule.unique) n++;
  return n;
}

/** A dataset-level count violation (rows). */
function countViolation(rule: string, observed: number, expected: number, message: string): Violation {
  return { column: null, rule, observed, expected, count: 1, examples: [], level: 'error', message };
}

/** The warning that a uniqueness check stopped at its cap. */
function uncheckedNote(column: string | null, rule: string, row: number, cap: number): Violation {
  return {
    column,
    rule,
    observed: `not checked from row ${row}`,
    expected: `at most ${cap} distinct values held`,
    count: 0,
    examples: [],
    level: 'warning',
    message: `uniqueness was not checked from row ${row} on: more than ${cap} distinct values (raise the cap or check a sample)`,
  };
}

/** The violation of a row-level tally. */
function rowViolation(t: Tally, rule: ContractColumn): Violation {
  const rows = `${t.count} ${t.count === 1 ? 'row' : 'rows'}`;
  const eg = t.samples.length > 0 ? `, e.g. ${t.samples.join(', ')}` : '';
  const where = `(${exampleRows(t.examples)})`;
  let what: string;
  let observed: string | number = t.samples.join(', ');
  switch (t.rule) {
    case 'nullable':
      what = 'missing a value in a non-nullable column';
      observed = `${t.count} missing`;
      break;
    case 'type':
      what = `not of type ${rule.type}`;
      break;
    case 'min':
      what = `below the minimum ${rule.min}`;
      observed = t.extreme ?? observed;
      break;
    case 'max':
      what = `above the maximum ${rule.max}`;
      observed = t.extreme ?? observed;
      break;
    case 'categories':
      what = 'not among the allowed categories';
      break;
    case 'regex':
      what = `not matching the pattern /${rule.regex}/`;
      break;
    default:
      what = 'repeating an earlier value';
  }
  return {
    column: t.column,
    rule: t.rule,
    observed,
    expected: t.expected,
    count: t.count,
    examples: t.examples.slice(),
    level: 'error',
    message: `${rows} ${what}${eg} ${where}`,
  };
}

/** Class share violations of the label column, from the exact counts of the pass's profile. */
function labelViolations(
  profile: Profile,
  label: NonNullable<NonNullable<DataContract['dataset']>['label']>,
): Violation[] {
  const col = profile.columns.find((c) => c.name === label.column);
  if (!col || col.count === 0) return [];
  const found: Violation[] = [];
  const { values, counts } = col.categories;
  for (let i = 0; i < values.length; i++) {
    const share = counts[i]! / col.count;
    const cls = JSON.stringify(values[i]);
    const low = label.min_share !== undefined && share < label.min_share;
    const high = label.max_share !== undefined && share > label.max_share;
    if (!low && !high) continue;
    const bound = low ? label.min_share! : label.max_share!;
    found.push({
      column: label.column,
      rule: 'label_share',
      observed: share,
      expected: `${low ? '>=' : '<='} ${bound}`,
      count: counts[i]!,
      examples: [],
      level: 'error',
      message: `class ${cls} is ${percent(share)} of the labels, ${low ? 'below the minimum' : 'above the maximum'} ${percent(bound)}`,
    });
  }
  return found;
}
