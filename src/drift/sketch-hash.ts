/**
 * The 64-bit value hash shared by the cardinality estimate (HyperLogLog) and the category cap
 * (bottom-k by hash). It is part of the profile format: changing it changes which categories a
 * capped profile keeps and the HLL registers, so it is fixed for `version: 1`.
 *
 * MurmurHash3 (x86, 32-bit) run twice with different seeds gives the two 32-bit halves `h1` (high)
 * and `h2` (low). Numbers are hashed by their IEEE-754 bits (no string conversion, no allocation;
 * `-0` as `0`), strings by their UTF-16 code units, booleans are constants; each kind has its own
 * seeds, so the number `5`, the string `"5"` and `true` are different values.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * Scratch for {@link hashScratchNumber}: the hot path writes the number here instead of passing it,
 * because a float argument to a call that is not inlined is boxed (an allocation per value).
 */
export const NUMBER_SCRATCH = new Float64Array(1);
const F64 = NUMBER_SCRATCH;
const U32 = new Uint32Array(F64.buffer);
/** Index of the low / high 32-bit word of a float64 in {@link U32} (platform byte order). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

/** Seeds per kind and half. */
const NUMBER_SEED_1 = 0x9747b28c;
const NUMBER_SEED_2 = 0x5bd1e995;
const STRING_SEED_1 = 0x2f693b5b;
const STRING_SEED_2 = 0x68e31da4;
const BOOLEAN_SEED_1 = 0x3c6ef372;
const BOOLEAN_SEED_2 = 0xa54ff53a;

function mixK(k: number): number {
  let x = Math.imul(k, C1);
  x = (x << 15) | (x >>> 17);
  return Math.imul(x, C2);
}

function mixH(h: number, k: number): number {
  let x = h ^ mixK(k);
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  let x = h ^ length;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Where the hashers write: `HASH[0]` is the high half `h1`, `HASH[1]` the low half `h2`. A typed
 * array, so the hot path stores and passes no boxed numbers; read it right after hashing.
 */
export const HASH = new Uint32Array(2);

/** Hashes a finite number into {@link HASH}. `-0` hashes as `0`. */
export function hashNumber(x: number): void {
  F64[0] = x === 0 ? 0 : x;
  hashScratchNumber();
}

/**
 * Hashes the number in {@link NUMBER_SCRATCH} (never `-0`: the caller canonicalises) into
 * {@link HASH}, with no argument and so no allocation.
 */
export function hashScratchNumber(): void {
  const lo = U32[LO]!;
  const hi = U32[HI]!;
  HASH[0] = fmix(mixH(mixH(NUMBER_SEED_1, lo), hi), 8);
  HASH[1] = fmix(mixH(mixH(NUMBER_SEED_2, lo), hi), 8);
}

/** Hashes a string by its UTF-16 code units (two per 32-bit block) into {@link HASH}. */
export function hashString(s: string): void {
  hashUnits(s, STRING_SEED_1, STRING_SEED_2);
}

function hashUnits(s: string, seed1: number, seed2: number): void {
  let a = seed1;
  let b = seed2;
  const n = s.length;
  const even = n & ~1;
  for (let i = 0; i < even; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    a = mixH(a, k);
    b = mixH(b, k);
  }
  if (n & 1) {
    const k = mixK(s.charCodeAt(n - 1));
    a ^= k;
    b ^= k;
  }
  HASH[0] = fmix(a, n * 2);
  HASH[1] = fmix(b, n * 2);
}

hashUnits('true', BOOLEAN_SEED_1, BOOLEAN_SEED_2);
const TRUE_HASH = HASH.slice();
hashUnits('false', BOOLEAN_SEED_1, BOOLEAN_SEED_2);
const FALSE_HASH = HASH.slice();

/** Hashes a boolean into {@link HASH}. */
export function hashBoolean(b: boolean): void {
  HASH.set(b ? TRUE_HASH : FALSE_HASH);
}

/** Hashes a non-missing cell (finite number, non-empty string or boolean) into {@link HASH}. */
export function hashCell(v: number | string | boolean): void {
  if (typeof v === 'number') hashNumber(v);
  else if (typeof v === 'string') hashString(v);
  else hashBoolean(v);
}
