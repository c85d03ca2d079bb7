/**
 * Compensated summation, shared by the metrics (`src/metrics/`) and the drift statistics
 * (`src/drift/stats/`). Metrics are means over up to millions of rows and drift distances sum as
 * many terms; a plain running sum loses digits that numpy's pairwise summation keeps, so every
 * float sum in both is Neumaier-compensated.
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
