/**
 * A dense, bounded bucket store: integer bucket counts in a `Float64Array` window addressed by
 * `index - offset` (no per-value allocation), holding at most `maxBuckets` consecutive indices.
 *
 * When a value would make the indices span more than `maxBuckets`, the buckets at one end are
 * collapsed into the last kept one: the LOWEST indices for a store that collapses low (the positive
 * store: its smallest values move up), the HIGHEST for one that collapses high (the negative store:
 * its most negative values move up). Either way values only move UP in value order, so cumulative
 * counts stay exact at the upper boundary of every bucket; what is lost is the relative accuracy of
 * the collapsed values.
 *
 * The result is independent of insertion order: the kept window is fixed by the extreme index ever
 * seen at the far end (`max - maxBuckets + 1 ... max` when collapsing low), and a value of index `j`
 * ends in bucket `max(j, floor)` whatever happened before. Adding the buckets of another store
 * therefore gives bit for bit the store of the combined data.
 */

const EMPTY = new Float64Array(0);

/** A bounded dense bucket store; see the module comment. */
export class BucketStore {
  /** Counts; `counts[j]` is bucket `offset + j`. Indices outside `[min, max]` hold 0. */
  private counts: Float64Array = EMPTY;
  private offset = 0;
  /** Lowest and highest non-empty index (meaningless while `total` is 0). */
  private min = 0;
  private max = 0;
  /** Sum of all counts. */
  total = 0;

  /**
   * @param maxBuckets the most consecutive indices kept
   * @param collapseHigh collapse the highest indices (the negative store) instead of the lowest
   */
  constructor(
    readonly maxBuckets: number,
    readonly collapseHigh: boolean,
  ) {}

  /** Adds `c` values to bucket `i`. */
  add(i: number, c: number): void {
    const j = i - this.offset;
    if (j >= 0 && j < this.counts.length) {
      // Inside the window, whose length never exceeds maxBuckets: no collapse can be needed.
      this.counts[j]! += c;
      if (this.total === 0) this.min = this.max = i;
      else if (i < this.min) this.min = i;
      else if (i > this.max) this.max = i;
      this.total += c;
      return;
    }
    this.addOutside(i, c);
  }

  /** Adds outside the current window: grows or moves it, collapsing buckets past `maxBuckets`. */
  private addOutside(index: number, c: number): void {
    let i = index;
    let lo = this.total === 0 ? i : Math.min(this.min, i);
    let hi = this.total === 0 ? i : Math.max(this.max, i);
    const cap = this.maxBuckets;
    if (hi - lo + 1 > cap) {
      if (this.collapseHigh) {
        hi = lo + cap - 1;
        if (i > hi) i = hi;
      } else {
        lo = hi - cap + 1;
        if (i < lo) i = lo;
      }
    }
    const span = hi - lo + 1;
    const length = Math.min(cap, Math.max(64, span * 2));
    const offset = lo - Math.floor((length - span) / 2);
    const next = new Float64Array(length);
    const old = this.counts;
    if (this.total > 0) {
      for (let j = this.min - this.offset, end = this.max - this.offset; j <= end; j++) {
        const n = old[j]!;
        if (n === 0) continue;
        const k = this.offset + j;
        next[Math.min(hi, Math.max(lo, k)) - offset]! += n;
      }
    }
    next[i - offset]! += c;
    this.counts = next;
    this.offset = offset;
    this.min = lo;
    this.max = hi;
    this.total += c;
  }

  /** Calls `fn(index, count)` for every non-empty bucket, in increasing index order. */
  forEach(fn: (index: number, count: number) => void): void {
    if (this.total === 0) return;
    const counts = this.counts;
    for (let j = this.min - this.offset, end = this.max - this.offset; j <= end; j++) {
      const n = counts[j]!;
      if (n !== 0) fn(this.offset + j, n);
    }
  }

  /** The non-empty buckets as parallel arrays, in increasing index order. */
  toArrays(): { index: number[]; count: number[] } {
    const index: number[] = [];
    const count: number[] = [];
    this.forEach((i, n) => {
      index.push(i);
      count.push(n);
    });
    return { index, count };
  }

  /** Adds every bucket of parallel arrays (a serialised store or another store's `toArrays`). */
  addArrays(index: readonly number[], count: readonly number[]): void {
    // Add the far end first so the window is placed once, not moved bucket by bucket.
    if (this.collapseHigh) for (let k = 0; k < index.length; k++) this.add(index[k]!, count[k]!);
    else for (let k = index.length - 1; k >= 0; k--) this.add(index[k]!, count[k]!);
  }
}
