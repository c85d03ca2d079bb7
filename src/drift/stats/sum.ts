/**
 * Compensated summation. Distances and statistics here sum up to millions of terms; numpy sums
 * pairwise, a plain running sum would lose digits, so float sums are Neumaier-compensated.
 */

/** A running compensated (Neumaier) sum. `value()` is the sum with the compensation applied. */
export class CompensatedSum {
  private sum = 0;
  private comp = 0;

  /** Adds one term. */
  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.comp += this.sum - t + x;
    else this.comp += x - t + this.sum;
    this.sum = t;
  }

  /** The compensated sum of the terms added so far. */
  value(): number {
    return this.sum + this.comp;
  }
}
