/**
 * Exact value counts up to a cap, with an `other` count for the rest.
 *
 * Which values are kept once a column has more distinct values than the cap: the `cap` distinct
 * values with the SMALLEST 64-bit hash (`sketch-hash.ts`; ties broken by kind and value), a
 * bottom-k sample. While streaming, a new value enters only if it hashes below the largest kept
 * hash, which it then evicts into `other`. Because the eviction threshold only goes down, a value
 * that is kept at the end was kept from its first occurrence: every kept count is EXACT, and
 * `other` is exactly the number of values that are not kept.
 *
 * The kept set depends only on the set of distinct values, never on their order, and a merge keeps
 * the bottom `cap` of the union of the kept sets, which is the bottom `cap` of the union of the
 * data. So merges of capped tables are exact too: merge(table(A), table(B)) equals table(A + B)
 * (same values, same counts, same `other`), in any order and grouping. The price: with more than
 * `cap` distinct values the kept ones are a uniform random sample of the distinct values, not the
 * most frequent ones. Reference and current data keep the same values whenever both saw them,
 * because they share the hash.
 */

import { HASH } from './sketch-hash.js';

/** A kept value: a finite number, a non-empty string or a boolean. */
export type CategoryValue = number | string | boolean;

function kindRank(v: CategoryValue): number {
  return typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2;
}

/** The canonical order of values in `profile.json`: numbers ascending, then false, true, then strings. */
export function compareValues(a: CategoryValue, b: CategoryValue): number {
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A table of exact counts for the (up to) `cap` distinct values with the smallest hashes. */
export class CategoryTable {
  /** Value -> slot. */
  private readonly slots = new Map<CategoryValue, number>();
  private values: CategoryValue[] = [];
  private counts: Float64Array;
  private hash1: Uint32Array;
  private hash2: Uint32Array;
  /** Max-heap of slots by (hash, kind, value): the root is the first to evict. */
  private heap: Int32Array;
  private size = 0;
  /** Values counted but not kept. */
  other = 0;

  constructor(readonly cap: number) {
    const initial = Math.min(cap, 16);
    this.counts = new Float64Array(initial);
    this.hash1 = new Uint32Array(initial);
    this.hash2 = new Uint32Array(initial);
    this.heap = new Int32Array(initial);
  }

  /**
   * The high hash half of the value to evict next (the largest kept), once the table is full;
   * 2^32 before. A value hashing above it cannot be kept, so callers may count it in `other`
   * without calling {@link add}.
   */
  threshold = 2 ** 32;

  /** Counts `c` occurrences of `v`, whose hash was just written to `HASH` (sketch-hash.ts). */
  add(v: CategoryValue, c: number): void {
    const h1 = HASH[0]!;
    const h2 = HASH[1]!;
    if (this.size === this.cap) {
      // Full: anything hashing above the root is not kept (the common case for high cardinality).
      const root = this.heap[0]!;
      const r1 = this.hash1[root]!;
      if (h1 > r1 || (h1 === r1 && this.after(v, h2, root))) {
        this.other += c;
        return;
      }
    }
    const slot = this.slots.get(v);
    if (slot !== undefined) {
      this.counts[slot]! += c;
      return;
    }
    if (this.size < this.cap) {
      this.insert(v, h1, h2, c);
      if (this.size === this.cap) this.threshold = this.hash1[this.heap[0]!]!;
      return;
    }
    // Evict the root (largest hash) into `other`; the new value takes its slot.
    const root = this.heap[0]!;
    this.other += this.counts[root]!;
    this.slots.delete(this.values[root]!);
    this.values[root] = v;
    this.counts[root] = c;
    this.hash1[root] = h1;
    this.hash2[root] = h2;
    this.slots.set(v, root);
    this.siftDown(0);
    this.threshold = this.hash1[this.heap[0]!]!;
  }

  /** Whether (h1 equal) value `v` with low half `h2` orders after the value in `slot`. */
  private after(v: CategoryValue, h2: number, slot: number): boolean {
    const s2 = this.hash2[slot]!;
    if (h2 !== s2) return h2 > s2;
    return compareValues(v, this.values[slot]!) > 0;
  }

  private insert(v: CategoryValue, h1: number, h2: number, c: number): void {
    const slot = this.size++;
    if (slot === this.counts.length) this.grow();
    this.values[slot] = v;
    this.counts[slot] = c;
    this.hash1[slot] = h1;
    this.hash2[slot] = h2;
    this.slots.set(v, slot);
    this.heap[slot] = slot;
    this.siftUp(slot);
  }

  private grow(): void {
    const n = Math.min(this.cap, this.counts.length * 2);
    const counts = new Float64Array(n);
    counts.set(this.counts);
    const hash1 = new Uint32Array(n);
    hash1.set(this.hash1);
    const hash2 = new Uint32Array(n);
    hash2.set(this.hash2);
    const heap = new Int32Array(n);
    heap.set(this.heap);
    this.counts = counts;
    this.hash1 = hash1;
    this.hash2 = hash2;
    this.heap = heap;
  }

  /** Whether slot `a` orders after slot `b` by (hash, kind, value). */
  private greater(a: number, b: number): boolean {
    const a1 = this.hash1[a]!;
    const b1 = this.hash1[b]!;
    if (a1 !== b1) return a1 > b1;
    return this.after(this.values[a]!, this.hash2[a]!, b);
  }

  private siftUp(at: number): void {
    const heap = this.heap;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.greater(heap[i]!, heap[parent]!)) break;
      const t = heap[i]!;
      heap[i] = heap[parent]!;
      heap[parent] = t;
      i = parent;
    }
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    const n = this.size;
    let i = at;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const big = r < n && this.greater(heap[r]!, heap[l]!) ? r : l;
      if (!this.greater(heap[big]!, heap[i]!)) return;
      const t = heap[i]!;
      heap[i] = heap[big]!;
      heap[big] = t;
      i = big;
    }
  }

  /** The kept values and counts in canonical order (see {@link compareValues}), plus `other`. */
  toArrays(): { values: CategoryValue[]; counts: number[]; other: number } {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) =>
      compareValues(this.values[a]!, this.values[b]!),
    );
    return {
      values: order.map((i) => this.values[i]!),
      counts: order.map((i) => this.counts[i]!),
      other: this.other,
    };
  }
}
