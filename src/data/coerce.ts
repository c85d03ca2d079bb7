/**
 * Cell conversion: CSV text to cells, and coercion of any cell to a declared column type.
 */

import { DataError, describeValue } from '../errors.js';
import { parseDecimal } from './parse-number.js';
import type { Cell, ColumnSchema } from './types.js';

/**
 * A CSV text cell without a declared type: empty is `null`, strict decimal text is a number
 * (`1e3`, `-0.5`), anything else stays the string it is (`true` too: booleans need a declared schema).
 */
export function autoTextCell(raw: string): Cell {
  if (raw.length === 0) return null;
  const v = parseDecimal(raw);
  return v === undefined ? raw : v;
}

const TRUE_TEXT = new Set(['true', 'True', 'TRUE', '1']);
const FALSE_TEXT = new Set(['false', 'False', 'FALSE', '0']);

/**
 * Coerces one cell to a declared column type, or throws a {@link DataError} naming the file, the
 * 1-based line (the row number for Parquet), the column and the offending value.
 * - missing (`null`, `NaN`): `null`, an error when the column is not nullable;
 * - number: numbers, and strings in strict decimal syntax;
 * - string: strings as they are, numbers and booleans as their text;
 * - boolean: booleans, `true`/`false` in any of three casings, `1`/`0` as text or number.
 */
export function coerceCell(value: Cell, column: ColumnSchema, file: string, line: number): Cell {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) {
    if (!column.nullable) {
      throw new DataError('missing value in a column declared not nullable', {
        file,
        line,
        field: column.name,
      });
    }
    return null;
  }
  switch (column.type) {
    case 'number': {
      if (typeof value === 'number') return value;
      if (typeof value === 'string') {
        const v = parseDecimal(value);
        if (v !== undefined) return v;
      }
      break;
    }
    case 'string':
      return typeof value === 'string' ? value : String(value);
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        if (TRUE_TEXT.has(value)) return true;
        if (FALSE_TEXT.has(value)) return false;
      } else if (value === 1 || value === 0) {
        return value === 1;
      }
      break;
    }
  }
  throw new DataError(`expected a ${column.type}, got ${describeValue(value)}`, {
    file,
    line,
    field: column.name,
  });
}
