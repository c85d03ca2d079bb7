/**
 * Column type inference by widening: each value seen widens its column's type.
 */

import type { Cell, ColumnSchema, ColumnType, Row } from './types.js';

/** Bit flags for what a column has held. */
export const SEEN_NULL = 1;
/** The column held a number. */
export const SEEN_NUMBER = 2;
/** The column held a boolean. */
export const SEEN_BOOLEAN = 4;
/** The column held a string (that is not a number in a text format). */
export const SEEN_STRING = 8;

/** The flag for one cell (a nested JSON value counts as a string: it is read as its JSON text). */
export function cellFlag(cell: Cell | object | undefined): number {
  if (cell === null || cell === undefined) return SEEN_NULL;
  switch (typeof cell) {
    case 'number':
      return Number.isNaN(cell) ? SEEN_NULL : SEEN_NUMBER;
    case 'boolean':
      return SEEN_BOOLEAN;
    default:
      return SEEN_STRING;
  }
}

/** The widened type for a set of flags: any string, or numbers mixed with booleans, make a string. */
export function flagsType(flags: number): ColumnType {
  if (flags & SEEN_STRING) return 'string';
  if (flags & SEEN_NUMBER) return flags & SEEN_BOOLEAN ? 'string' : 'number';
  if (flags & SEEN_BOOLEAN) return 'boolean';
  return 'string';
}

/**
 * Accumulates a schema over rows: a column is `number` when every non-null value is a number,
 * `boolean` when every one is a boolean, else `string` (also when it only held nulls); it is nullable
 * when any value was null or NaN, or a row lacked it.
 */
export class SchemaAccumulator {
  /** Column names in order of first appearance. */
  readonly names: string[] = [];
  /** Per column, the OR of the flags seen. */
  readonly flags: number[] = [];
  private readonly index = new Map<string, number>();
  private rows = 0;

  /** Adds a column (a no-op when known); a column that appears after some rows is nullable. */
  addColumn(name: string): number {
    let k = this.index.get(name);
    if (k === undefined) {
      k = this.names.length;
      this.index.set(name, k);
      this.names.push(name);
      this.flags.push(this.rows > 0 ? SEEN_NULL : 0);
    }
    return k;
  }

  /** Records that the column at `k` held values with `flag`. */
  observe(k: number, flag: number): void {
    this.flags[k]! |= flag;
  }

  /** Counts one row observed through {@link observe}. */
  countRow(): void {
    this.rows++;
  }

  /** Observes a whole row: its keys (new ones are added) and, for known columns it lacks, a null. */
  observeRow(row: Row | Readonly<Record<string, unknown>>): void {
    let present = 0;
    for (const name in row) {
      this.observe(this.addColumn(name), cellFlag(row[name] as Cell | object | undefined));
      present++;
    }
    if (present < this.names.length) {
      for (let k = 0; k < this.names.length; k++) {
        if (!Object.hasOwn(row, this.names[k]!)) this.flags[k]! |= SEEN_NULL;
      }
    }
    this.rows++;
  }

  /** How many rows were observed. */
  get rowCount(): number {
    return this.rows;
  }

  /** The schema so far. */
  schema(): ColumnSchema[] {
    return this.names.map((name, k) => {
      const flags = this.flags[k]!;
      return { name, type: flagsType(flags), nullable: (flags & SEEN_NULL) !== 0 };
    });
  }
}
