/**
 * Seeded, platform-independent randomness for the trainer: a 32-bit mixing hash (for per-row
 * split assignment that two streaming passes agree on without storing indexes) and a small
 * PRNG (mulberry32) for shuffling, sampling and initializer seeds. Never `Math.random`.
 */

/** Mixes 32-bit integers into one well-distributed unsigned 32-bit hash (murmur3 finaliser). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // Fold in the high bits of indexes past 2^32 so very large row counts still spread out.
    const high = Math.floor(value / 0x1_0000_0000);
    if (high !== 0) h ^= Math.imul(high, 0x85ebca6b);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) that depends only on the inputs. */
export function hashUniform(...values: number[]): number {
  return hash32(...values) / 0x1_0000_0000;
}

/** A seeded pseudo-random generator returning uniform numbers in [0, 1). */
export type Rng = () => number;

/** Creates a mulberry32 generator from a 32-bit seed (deterministic on every platform). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Fills `out` with a seeded random permutation of 0..out.length-1 (Fisher-Yates). */
export function permutation(out: Uint32Array, rng: Rng): Uint32Array {
  for (let i = 0; i < out.length; i++) out[i] = i;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** Picks `k` distinct indexes of 0..n-1 with a seeded generator, returned in ascending order. */
export function sampleIndexes(n: number, k: number, rng: Rng): Uint32Array {
  if (k >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  // Reservoir sampling (Algorithm R): one pass, O(k) memory.
  const picked = new Uint32Array(k);
  for (let i = 0; i < k; i++) picked[i] = i;
  for (let i = k; i < n; i++) {
    const j = Math.floor(rng() * (i + 1));
    if (j < k) picked[j] = i;
  }
  return picked.sort();
}
