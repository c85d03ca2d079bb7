/**
 * A small seeded pseudo-random generator for the paired bootstrap: same seed, same stream, on every
 * platform (32-bit integer arithmetic only). Not for cryptography.
 */

/**
 * sfc32 seeded through splitmix32: fast, passes the usual statistical batteries, 128-bit state.
 * `index(n)` draws uniformly from [0, n) by multiply-high on 32 bits (bias < n / 2^32, negligible for
 * the row counts resampled here).
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for `seed` (any number; non-integers and negatives are folded into 32 bits). */
  constructor(seed: number) {
    let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n) (n a positive integer below 2^32). */
  index(n: number): number {
    return Math.floor((this.uint32() * n) / 4294967296);
  }
}
