/**
 * Canary traffic split (pure): which slot, stable or canary, serves a request.
 *
 * The canary weight is a percentage in [0, 100]. A request with a key (a user or session id) is
 * routed by a stable 32-bit hash of the key: the key's bucket is `hash / 2^32 * 100`, in [0, 100),
 * and the request goes to the canary when its bucket is below the weight. So the same key always
 * gets the same role while the weight is unchanged, on every server replica (no shared state), and
 * raising the weight only moves keys from stable to canary, never back. A request without a key
 * goes to the canary when `random() * 100` is below the weight. Weight 0 never routes to the
 * canary; weight 100 always does (blue/green).
 */
import type { Role } from './types.js';

/**
 * A stable 32-bit hash of a string: FNV-1a over its UTF-16 code units, finished with MurmurHash3's
 * avalanche step so that keys differing in one character spread over the whole range.
 */
export function stableHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key's bucket in [0, 100): where it falls on the weight scale. */
export function keyBucket(key: string): number {
  return (stableHash(key) / 2 ** 32) * 100;
}

/**
 * The role that serves a request under a canary `weight` (percent): by the key's bucket when `key`
 * is given, else by `random()` (a number in [0, 1)).
 */
export function routeRequest(weight: number, key: string | undefined, random: () => number): Role {
  if (!(weight > 0)) return 'stable';
  if (weight >= 100) return 'canary';
  const point = key === undefined ? random() * 100 : keyBucket(key);
  return point < weight ? 'canary' : 'stable';
}

/** Whether `weight` is a valid canary weight: a finite number in [0, 100]. */
export function isValidWeight(weight: unknown): weight is number {
  return typeof weight === 'number' && Number.isFinite(weight) && weight >= 0 && weight <= 100;
}
