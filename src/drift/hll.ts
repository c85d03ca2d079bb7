/**
 * HyperLogLog distinct-count estimate over the 64-bit value hash (see `sketch-hash.ts`).
 *
 * `2^p` one-byte registers (p = 12 by default: 4,096 registers, 4 KiB; 12 to 14 allowed). The top
 * `p` bits of the hash pick a register, which keeps the largest "rank" (leading zeros + 1) of the
 * remaining `64 - p` bits. Registers merge by element-wise maximum, so merging is exact and
 * order-free: the registers of merged profiles equal those of the combined data.
 *
 * The estimate is Ertl's improved estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017), which needs no bias tables or range switches and is unbiased from
 * 0 to far beyond 2^40 with a 64-bit hash. Its relative standard error is `1.04 / sqrt(2^p)`:
 * 1.63% at p = 12, 0.81% at p = 14; 99.7% of estimates fall within three times that. Small
 * cardinalities are much closer (the estimator then behaves like linear counting).
 */

/** The default register-count exponent. */
export const DEFAULT_HLL_PRECISION = 12;

/** The relative standard error of the estimate at precision `p`. */
export function hllStandardError(p: number): number {
  return 1.04 / Math.sqrt(2 ** p);
}

/** Fresh, empty registers for precision `p`. */
export function createRegisters(p: number): Uint8Array {
  return new Uint8Array(1 << p);
}

/** Records a hash (halves `h1`, `h2`) in the registers. */
export function hllAdd(registers: Uint8Array, p: number, h1: number, h2: number): void {
  const idx = h1 >>> (32 - p);
  const rest = (h1 << p) >>> 0;
  const rank = rest !== 0 ? Math.clz32(rest) + 1 : 32 - p + Math.clz32(h2) + 1;
  if (rank > registers[idx]!) registers[idx] = rank;
}

/** Merges `other` into `registers` (element-wise maximum). Both must have the same precision. */
export function hllMerge(registers: Uint8Array, other: Uint8Array): void {
  for (let i = 0; i < registers.length; i++) {
    const r = other[i]!;
    if (r > registers[i]!) registers[i] = r;
  }
}

function sigma(x0: number): number {
  if (x0 === 1) return Number.POSITIVE_INFINITY;
  let x = x0;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

function tau(x0: number): number {
  if (x0 === 0 || x0 === 1) return 0;
  let x = x0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === prev) return z / 3;
  }
}

/** The estimated number of distinct values recorded in the registers (Ertl's improved estimator). */
export function hllEstimate(registers: Uint8Array, p: number): number {
  const m = registers.length;
  const q = 64 - p;
  const histogram = new Float64Array(q + 2);
  for (let i = 0; i < m; i++) histogram[registers[i]!]!++;
  if (histogram[0] === m) return 0;
  let z = m * tau(1 - histogram[q + 1]! / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
  z += m * sigma(histogram[0]! / m);
  return (m * m) / (2 * Math.LN2 * z);
}

/** The registers as base64 (the `profile.json` form). */
export function encodeRegisters(registers: Uint8Array): string {
  return Buffer.from(registers.buffer, registers.byteOffset, registers.byteLength).toString('base64');
}

/** Registers from base64; `undefined` when the text does not decode to `2^p` valid registers. */
export function decodeRegisters(text: string, p: number): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 1 << p) return undefined;
  const out = new Uint8Array(bytes);
  const maxRank = 64 - p + 1;
  for (let i = 0; i < out.length; i++) if (out[i]! > maxRank) return undefined;
  return out;
}
