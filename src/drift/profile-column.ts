/**
 * The streaming accumulator of one column: what the profiler updates per cell, and what a merge
 * folds serialised column profiles into. The per-cell path allocates nothing: Welford updates, one
 * logarithm for the sketch bucket, a 64-bit hash into the HLL registers and the category table.
 */

import type { Cell } from '../data/types.js';
import { createRegisters, decodeRegisters, encodeRegisters, hllAdd, hllMerge } from './hll.js';
import type { ColumnKind, ColumnProfile, ProfileSettings } from './profile-types.js';
import { CategoryTable } from './sketch-categories.js';
import { HASH, hashBoolean, hashCell, hashScratchNumber, hashString, NUMBER_SCRATCH } from './sketch-hash.js';
import { fastLn, type LogMapping, logMapping, NEAR } from './sketch-mapping.js';
import { BucketStore } from './sketch-store.js';

/** One column's running profile. */
export class ColumnAccumulator {
  /** Non-missing values. */
  count = 0;
  /** Finite numbers, their running mean and M2 (Welford), min and max. */
  n = 0;
  mean = 0;
  m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  zero = 0;
  private readonly positive: BucketStore;
  private readonly negative: BucketStore;
  private readonly categories: CategoryTable;
  private readonly registers: Uint8Array;
  private readonly mapping: LogMapping;
  private readonly minPositive: number;
  private readonly minIndex: number;
  private readonly invLnGamma: number;
  private readonly p: number;

  /**
   * @param name the column name
   * @param settings the profile settings
   * @param typeOverride the type forced by the `types` option, if any
   */
  constructor(
    readonly name: string,
    readonly settings: ProfileSettings,
    readonly typeOverride: ColumnKind | undefined,
  ) {
    this.mapping = logMapping(settings.alpha);
    this.minPositive = this.mapping.minPositive;
    this.minIndex = this.mapping.minIndex;
    this.invLnGamma = this.mapping.invLnGamma;
    this.positive = new BucketStore(settings.max_buckets, false);
    this.negative = new BucketStore(settings.max_buckets, true);
    this.categories = new CategoryTable(settings.category_cap);
    this.p = settings.hll_precision;
    this.registers = createRegisters(this.p);
  }

  /** Counts one cell: null, undefined, '', NaN and +-Infinity are missing (nothing to count). */
  add(v: Cell | undefined): void {
    if (typeof v === 'number') {
      if (v - v === 0) this.addNumber(v);
    } else if (typeof v === 'string') {
      if (v !== '') this.addString(v);
    } else if (v === true || v === false) {
      this.addBoolean(v);
    }
  }

  /**
   * Counts one finite number. The hot path: everything is inline or takes integer arguments, as a
   * float passed to a call that is not inlined would be boxed (an allocation per value).
   */
  addNumber(v: number): void {
    const x = v === 0 ? 0 : v; // -0 counts as 0
    this.count++;
    const n = ++this.n;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x > this.minPositive) {
      // ceil(log_gamma(x)), checked against the boundaries when within NEAR of one.
      const t = fastLn(x) * this.invLnGamma;
      let i = Math.ceil(t);
      const f = i - t;
      if (f < NEAR || f > 1 - NEAR) i = this.mapping.positiveIndex(x);
      this.positive.add(i, 1);
    } else if (x < -this.minPositive) {
      const t = fastLn(-x) * this.invLnGamma;
      const fl = Math.floor(t);
      const f = t - fl;
      this.negative.add(f < NEAR || f > 1 - NEAR ? this.mapping.negativeIndex(-x) : fl + 1, 1);
    } else if (x > 0) {
      this.positive.add(this.minIndex, 1);
    } else {
      this.zero++;
    }
    NUMBER_SCRATCH[0] = x;
    hashScratchNumber();
    const h1 = HASH[0]!;
    // hllAdd, inlined.
    const registers = this.registers;
    const p = this.p;
    const idx = h1 >>> (32 - p);
    const rest = (h1 << p) >>> 0;
    const rank = rest !== 0 ? Math.clz32(rest) + 1 : 32 - p + Math.clz32(HASH[1]!) + 1;
    if (rank > registers[idx]!) registers[idx] = rank;
    // Above the category table's eviction threshold a value cannot be kept: count it in `other`.
    const table = this.categories;
    if (h1 > table.threshold) table.other++;
    else table.add(x, 1);
  }

  /** Counts one non-empty string. */
  addString(s: string): void {
    this.count++;
    hashString(s);
    hllAdd(this.registers, this.p, HASH[0]!, HASH[1]!);
    this.categories.add(s, 1);
  }

  /** Counts one boolean. */
  addBoolean(b: boolean): void {
    this.count++;
    hashBoolean(b);
    hllAdd(this.registers, this.p, HASH[0]!, HASH[1]!);
    this.categories.add(b, 1);
  }

  /**
   * Folds a serialised column profile (built with the same settings) into this one: counts, sketch
   * buckets, category counts and HLL registers add exactly; mean and M2 combine with Chan's formula.
   */
  merge(col: ColumnProfile): void {
    this.count += col.count;
    const num = col.numeric;
    const nb = num.count;
    if (nb > 0) {
      const na = this.n;
      const mb = num.mean ?? Number.NaN;
      const m2b = num.m2 ?? Number.NaN;
      if (na === 0) {
        this.mean = mb;
        this.m2 = m2b;
      } else {
        const n = na + nb;
        const d = mb - this.mean;
        this.mean += (d * nb) / n;
        this.m2 += m2b + (d * d * na * nb) / n;
      }
      this.n = na + nb;
      if (num.min! < this.min) this.min = num.min!;
      if (num.max! > this.max) this.max = num.max!;
    }
    const sketch = num.sketch;
    this.zero += sketch.zero;
    this.positive.addArrays(sketch.positive.index, sketch.positive.count);
    this.negative.addArrays(sketch.negative.index, sketch.negative.count);
    const { values, counts, other } = col.categories;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      hashCell(v);
      this.categories.add(v, counts[i]!);
    }
    this.categories.other += other;
    const registers = decodeRegisters(col.hll, this.p);
    if (!registers) throw new Error(`column "${col.name}": unreadable HLL registers`);
    hllMerge(this.registers, registers);
  }

  /** The type: the override, else numeric when every non-missing value was a number. */
  get type(): ColumnKind {
    return this.typeOverride ?? (this.count > this.n ? 'categorical' : 'numeric');
  }

  /** The column profile for a profile of `rows` rows. */
  toProfile(rows: number): ColumnProfile {
    const n = this.n;
    return {
      name: this.name,
      type: this.type,
      type_from: this.typeOverride ? 'option' : 'data',
      count: this.count,
      missing: rows - this.count,
      numeric: {
        count: n,
        mean: n === 0 ? 0 : Number.isFinite(this.mean) ? this.mean : null,
        m2: n === 0 ? 0 : Number.isFinite(this.m2) ? this.m2 : null,
        min: n > 0 ? this.min : null,
        max: n > 0 ? this.max : null,
        sketch: {
          alpha: this.settings.alpha,
          zero: this.zero,
          positive: this.positive.toArrays(),
          negative: this.negative.toArrays(),
        },
      },
      categories: this.categories.toArrays(),
      hll: encodeRegisters(this.registers),
    };
  }
}
