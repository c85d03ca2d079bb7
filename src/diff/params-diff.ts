/** Parameter differences between two runs, nested objects flattened to dotted paths. */
import type { ParamChange } from './types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Flattens nested plain objects to dotted paths (`{ trainer: { hidden: [32, 16] } }` ->
 * `trainer.hidden: [32, 16]`). Arrays and every other value are leaves; an empty object has no leaves
 * (`env: {}` -> `env: { A: "1" }` is the one addition `env.A`).
 */
export function flattenParams(params: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: Record<string, unknown>, path: string) => {
    for (const [key, v] of Object.entries(value)) {
      const p = path === '' ? key : `${path}.${key}`;
      if (isPlainObject(v)) walk(v, p);
      else out.set(p, v);
    }
  };
  walk(params, prefix);
  return out;
}

/** Deep equality of JSON-like values (objects compared key by key regardless of key order). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * The parameters that differ, by dotted path: `changed` (both have the path, values differ; arrays
 * are compared as whole values, so `trainer.hidden: [32,16] -> [64,32]` is one change), `added`
 * (only the candidate) and `removed` (only the baseline). Order: the candidate's paths in order, then
 * the paths only the baseline has.
 */
export function paramsDiff(
  baseline: Record<string, unknown>,
  candidate: Record<string, unknown>,
): ParamChange[] {
  const b = flattenParams(baseline);
  const c = flattenParams(candidate);
  const out: ParamChange[] = [];
  for (const [path, value] of c) {
    if (!b.has(path)) out.push({ path, kind: 'added', candidate: value });
    else if (!sameValue(b.get(path), value))
      out.push({ path, kind: 'changed', baseline: b.get(path), candidate: value });
  }
  for (const [path, value] of b) if (!c.has(path)) out.push({ path, kind: 'removed', baseline: value });
  return out;
}
