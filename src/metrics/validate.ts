/**
 * Input checks shared by the metric functions. Every failure is a {@link DataError} that names the
 * problem, the first offending index and its value.
 */
import { DataError, describeValue } from '../errors.js';

/** Throws a {@link DataError} unless `a` and `b` have the same, non-zero length. */
export function checkSameLength(
  what: string,
  aName: string,
  a: ArrayLike<unknown>,
  bName: string,
  b: ArrayLike<unknown>,
): void {
  if (a.length !== b.length) {
    throw new DataError(`${what}: ${aName} has ${a.length} values but ${bName} has ${b.length}`);
  }
  if (a.length === 0) throw new DataError(`${what}: empty input (${aName} and ${bName} have no values)`);
}

/** Throws a {@link DataError} at the first value of `values` that is not a finite number. */
export function checkFinite(what: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(`${what}: ${name}[${i}] is not a finite number (got ${describeNumber(v)})`);
    }
  }
}

/** Throws a {@link DataError} at the first value that is NaN, not a number or outside [0, 1]. */
export function checkProbabilities(what: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new DataError(`${what}: ${name}[${i}] is not a number (got ${describeNumber(v)})`);
    }
    if (!(v >= 0 && v <= 1)) {
      throw new DataError(`${what}: ${name}[${i}] is outside [0, 1] (got ${describeNumber(v)})`);
    }
  }
}

/** Throws a {@link DataError} at the first label that is not exactly 0 or 1. */
export function checkBinaryLabels(what: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) {
      throw new DataError(`${what}: ${name}[${i}] must be 0 or 1 (got ${describeNumber(v)})`);
    }
  }
}

/** Throws a {@link DataError} unless `threshold` is a number in [0, 1]. */
export function checkThreshold(what: string, threshold: number): void {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new DataError(`${what}: threshold must be a number in [0, 1] (got ${describeNumber(threshold)})`);
  }
}

/** Renders a value for an error message; NaN and infinities stay readable (JSON would print null). */
export function describeNumber(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v === undefined) return 'undefined';
  return describeValue(v);
}
