/**
 * Grouping rows by the values of a slice column, without per-row objects: each row gets a group
 * code, and groups are ordered deterministically.
 */
import { DataError, describeValue } from '../errors.js';

/** One cell of a slice column. `null`, `undefined`, NaN and the string "(missing)" form the missing group. */
export type SliceValue = string | number | boolean | null | undefined;

/** The value reported for the group of missing slice values. */
export const MISSING_SLICE = '(missing)';

/** The groups of a slice column. */
export interface SliceGroups {
  /** The value of each group as a string (missing values as {@link MISSING_SLICE}), in group-code order. */
  values: string[];
  /** Row count of each group, in group-code order. */
  counts: number[];
  /** Group code of each row (an index into `values`). */
  codes: Int32Array;
}

/** The group key of one cell: its string form, or {@link MISSING_SLICE}. */
function keyOf(raw: SliceValue, name: string, row: number): string {
  if (raw === null || raw === undefined) return MISSING_SLICE;
  if (typeof raw === 'number') return Number.isNaN(raw) ? MISSING_SLICE : String(raw);
  if (typeof raw === 'string' || typeof raw === 'boolean') return String(raw);
  throw new DataError(
    `slice column "${name}": row ${row} is not a string, number or boolean (got ${describeValue(raw)})`,
  );
}

/** Sort rank: 0 canonical numbers (compared numerically), 1 other strings, 2 the missing group. */
function rankOf(key: string): number {
  if (key === MISSING_SLICE) return 2;
  return key !== '' && String(Number(key)) === key ? 0 : 1;
}

/**
 * Groups the rows by slice value. A group is identified by the value's string form, so the number 1
 * and the string "1" are one group "1" (as they would be in a CSV file). Groups are ordered: values
 * that are numbers in canonical form ascending by number, then the other strings by code unit
 * (booleans as "false"/"true"), then "(missing)" (null, undefined, NaN) last. Throws a `DataError`
 * when `expectedLength` is given and differs from the column's length.
 */
export function groupSlices(
  column: ArrayLike<SliceValue>,
  name = 'slice',
  expectedLength?: number,
): SliceGroups {
  const n = column.length;
  if (expectedLength !== undefined && n !== expectedLength) {
    throw new DataError(`slice column "${name}" has ${n} values but the data has ${expectedLength} rows`);
  }
  const firstCode = new Map<string, number>();
  const seen = new Int32Array(n);
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = keyOf(column[i], name, i);
    let code = firstCode.get(key);
    if (code === undefined) {
      code = keys.length;
      firstCode.set(key, code);
      keys.push(key);
    }
    seen[i] = code;
  }
  const order = keys
    .map((key, code) => ({ key, code, rank: rankOf(key) }))
    .sort((a, b) => {
      if (a.rank !== b.rank) return a.rank - b.rank;
      if (a.rank === 0) return Number(a.key) - Number(b.key);
      return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    });
  const remap = new Int32Array(keys.length);
  order.forEach((g, position) => {
    remap[g.code] = position;
  });
  const counts = new Array<number>(keys.length).fill(0);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = remap[seen[i] as number] as number;
    codes[i] = c;
    counts[c]!++;
  }
  return { values: order.map((g) => g.key), counts, codes };
}

/** The row indexes of each group, as one array per group (rows in their original order). */
export function groupRows(groups: SliceGroups): Int32Array[] {
  const rows = groups.counts.map((c) => new Int32Array(c));
  const fill = new Int32Array(groups.counts.length);
  const { codes } = groups;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    rows[c]![fill[c]!++] = i;
  }
  return rows;
}
