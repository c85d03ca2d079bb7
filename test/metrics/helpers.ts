import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Relative tolerance against scikit-learn. */
export const REL = 1e-9;
/** Absolute tolerance, for values at or near zero. */
export const ABS = 1e-12;

/** Reads a fixture written by scripts/gen-metric-fixtures.py. */
export function loadFixture<T>(name: string): { sklearn: string; cases: T[] } {
  const url = new URL(`../fixtures/metrics/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as { sklearn: string; cases: T[] };
}

/** True when `actual` equals `expected` to {@link REL} relative or {@link ABS} absolute. */
export function close(actual: number, expected: number): boolean {
  if (actual === expected) return true;
  const diff = Math.abs(actual - expected);
  return diff <= ABS || diff <= REL * Math.abs(expected);
}

/** Asserts every expected metric (null included) is matched by `actual`. */
export function expectMetrics(
  actual: Record<string, number | null>,
  expected: Record<string, number | null>,
  label: string,
): void {
  expect(Object.keys(actual).sort(), `${label}: metric names`).toEqual(Object.keys(expected).sort());
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (want === null) {
      expect(got, `${label}: ${name}`).toBeNull();
      continue;
    }
    expect(typeof got, `${label}: ${name}`).toBe('number');
    expect(close(got as number, want), `${label}: ${name} = ${got}, sklearn ${want}`).toBe(true);
  }
}
