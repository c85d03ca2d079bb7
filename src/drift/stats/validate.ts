/**
 * Input checks shared by the drift statistics. Every failure is a {@link DataError} whose message
 * names the function, the argument and, for a bad element, its index and value.
 */
import { DataError, describeValue } from '../../errors.js';

function describeNumber(x: unknown): string {
  if (typeof x === 'number' && Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return describeValue(x);
}

function checkArrayLike(fn: string, name: string, values: unknown): asserts values is ArrayLike<unknown> {
  const ok =
    values !== null &&
    typeof values === 'object' &&
    typeof (values as { length?: unknown }).length === 'number' &&
    Number.isInteger((values as { length: number }).length);
  if (!ok) throw new DataError(`${fn}: ${name} must be an array of numbers (got ${describeValue(values)})`);
}

/**
 * Copies a sample into a new Float64Array, checking that it is non-empty and every value is a finite
 * number. Throws a DataError naming `fn`, `name` and the first bad index.
 */
export function toSample(fn: string, name: string, values: ArrayLike<number>): Float64Array {
  checkArrayLike(fn, name, values);
  const n = values.length;
  if (n === 0) throw new DataError(`${fn}: ${name} is empty (need at least one value)`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(`${fn}: ${name}[${i}] is ${describeNumber(v)} (values must be finite numbers)`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Copies non-negative weights (counts or shares) into a new Float64Array, checking that the array is
 * non-empty, every entry is finite and >= 0, and (unless `allowZeroTotal`) the total is positive.
 */
export function toWeights(
  fn: string,
  name: string,
  values: ArrayLike<number>,
  options: { allowZeroTotal?: boolean } = {},
): Float64Array {
  checkArrayLike(fn, name, values);
  const n = values.length;
  if (n === 0) throw new DataError(`${fn}: ${name} is empty (need at least one bin)`);
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(`${fn}: ${name}[${i}] is ${describeNumber(v)} (counts must be finite numbers)`);
    }
    if (v < 0) throw new DataError(`${fn}: ${name}[${i}] is negative (${v}); counts must be >= 0`);
    out[i] = v;
    total += v;
  }
  if (!options.allowZeroTotal && !(total > 0)) {
    throw new DataError(`${fn}: ${name} sums to 0 (need at least one positive count)`);
  }
  return out;
}

/** Throws a DataError unless the two arrays have the same length. */
export function checkSameLength(
  fn: string,
  nameA: string,
  a: ArrayLike<unknown>,
  nameB: string,
  b: ArrayLike<unknown>,
): void {
  if (a.length !== b.length) {
    throw new DataError(
      `${fn}: ${nameA} and ${nameB} must have the same length (got ${a.length} and ${b.length})`,
    );
  }
}

/** Throws a DataError unless `value` is an integer >= `min`. */
export function checkInteger(fn: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new DataError(`${fn}: ${name} must be an integer >= ${min} (got ${describeNumber(value)})`);
  }
  return value;
}

/** Throws a DataError unless `value` is a finite number >= 0. */
export function checkNonNegative(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DataError(`${fn}: ${name} must be a finite number >= 0 (got ${describeNumber(value)})`);
  }
  return value;
}

/** Throws a DataError unless `values` is sorted in non-decreasing order (all finite). */
export function checkSortedFinite(fn: string, name: string, values: ArrayLike<number>): void {
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(`${fn}: ${name}[${i}] is ${describeNumber(v)} (values must be finite numbers)`);
    }
    if (v < prev) {
      throw new DataError(`${fn}: ${name} must be sorted ascending (${name}[${i}] = ${v} < ${prev})`);
    }
    prev = v;
  }
}

/** Throws a DataError unless `values` is a non-decreasing sequence of numbers in [0, 1] (a CDF). */
export function checkCdf(fn: string, name: string, values: ArrayLike<number>): void {
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new DataError(`${fn}: ${name}[${i}] is ${describeNumber(v)} (CDF values must lie in [0, 1])`);
    }
    if (v < prev) {
      throw new DataError(`${fn}: ${name} must be non-decreasing (${name}[${i}] = ${v} < ${prev})`);
    }
    prev = v;
  }
}
