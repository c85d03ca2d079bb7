import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import {
  binCounts,
  cdfAt,
  cdfSteps,
  columnOf,
  createProfiler,
  numericSummary,
  type Profile,
  type ProfilerOptions,
  quantile,
  referenceEdges,
} from '../../src/drift/profile.js';
import { logMapping } from '../../src/drift/sketch-mapping.js';

/** A seeded generator: uniform (mulberry32) and standard normal (Box-Muller). */
function random(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function profileValues(values: readonly (number | null)[], options: ProfilerOptions = {}): Profile {
  const p = createProfiler(options);
  p.addBatch(values.map((x): Row => ({ x })));
  return p.finish();
}

const DISTRIBUTIONS: Record<string, (n: number) => number[]> = {
  normal: (n) => {
    const r = random(1);
    return Array.from({ length: n }, () => 50 + 10 * r.normal());
  },
  lognormal: (n) => {
    const r = random(2);
    return Array.from({ length: n }, () => Math.exp(2 * r.normal()));
  },
  'signed with zeros': (n) => {
    const r = random(3);
    return Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : r.normal() * 10 ** (r.uniform() * 6 - 3)));
  },
  'small integers': (n) => {
    const r = random(4);
    return Array.from({ length: n }, () => Math.floor(r.uniform() * 21) - 10);
  },
};

const QS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

describe('quantiles', () => {
  for (const alpha of [0.005, 0.001]) {
    for (const [name, make] of Object.entries(DISTRIBUTIONS)) {
      it(`are within alpha = ${alpha} relative error: ${name}`, () => {
        const values = make(20_000);
        const col = columnOf(profileValues(values, { alpha }), 'x');
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of QS) {
          const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
          const got = quantile(col, q);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(alpha * Math.abs(exact) * (1 + 1e-12));
        }
        expect(quantile(col, 0)).toBe(sorted[0]);
        expect(quantile(col, 1)).toBe(sorted[sorted.length - 1]);
      });
    }
  }

  it('is NaN without numbers and rejects q outside [0, 1]', () => {
    const col = columnOf(profileValues([null, null]), 'x');
    expect(quantile(col, 0.5)).toBeNaN();
    expect(() => quantile(col, 1.5)).toThrow(RangeError);
  });
});

describe('numeric summary', () => {
  it('equals the direct computation (population std)', () => {
    const values = DISTRIBUTIONS['signed with zeros']!(5000);
    const s = numericSummary(columnOf(profileValues([...values, null]), 'x'));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(s.count).toBe(values.length);
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(Math.abs(s.std - Math.sqrt(variance)) / Math.sqrt(variance)).toBeLessThan(1e-12);
    expect(s.min).toBe(Math.min(...values));
    expect(s.max).toBe(Math.max(...values));
  });
});

/** Counts of `values` in (-inf, e0], (e0, e1], ..., (ek, inf), from the raw data. */
function exactBins(values: readonly number[], edges: readonly number[]): number[] {
  const out = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let j = 0;
    while (j < edges.length && v > edges[j]!) j++;
    out[j]!++;
  }
  return out;
}

describe('bins and CDF', () => {
  for (const [name, make] of Object.entries(DISTRIBUTIONS)) {
    it(`binCounts over referenceEdges equal the raw counts, reference and shifted current: ${name}`, () => {
      const reference = make(20_000);
      const current = make(15_000).map((v, i) => (i % 3 === 0 ? v * 1.3 + 0.5 : v));
      const ref = columnOf(profileValues(reference), 'x');
      const cur = columnOf(profileValues(current), 'x');
      for (const bins of [10, 20, 4]) {
        const edges = referenceEdges(ref, bins);
        expect(edges.length).toBeGreaterThan(0);
        expect(edges.length).toBeLessThanOrEqual(bins - 1);
        for (let i = 1; i < edges.length; i++) expect(edges[i]!).toBeGreaterThan(edges[i - 1]!);
        expect(binCounts(ref, edges)).toEqual(exactBins(reference, edges));
        expect(binCounts(cur, edges)).toEqual(exactBins(current, edges));
      }
    });

    it(`cdfSteps is exact at every step: ${name}`, () => {
      const values = make(5000);
      const sorted = Float64Array.from(values).sort();
      const { x, cdf, n } = cdfSteps(columnOf(profileValues(values), 'x'));
      expect(n).toBe(values.length);
      expect(cdf[cdf.length - 1]).toBe(1);
      let k = 0;
      for (let s = 0; s < x.length; s++) {
        while (k < sorted.length && sorted[k]! <= x[s]!) k++;
        expect(cdf[s]).toBe(k / n);
        if (s > 0) expect(x[s]!).toBeGreaterThan(x[s - 1]!);
      }
    });
  }

  it('classifies values on and next to bucket boundaries exactly', () => {
    const m = logMapping(0.005);
    const values: number[] = [];
    const f = new Float64Array(1);
    const b = new BigInt64Array(f.buffer);
    for (let i = -400; i <= 400; i += 3) {
      const x = m.boundary(i);
      f[0] = x;
      b[0]! += 1n;
      const up = f[0];
      b[0]! -= 2n;
      const down = f[0];
      values.push(x, up, down, -x, -up, -down);
    }
    const col = columnOf(profileValues(values), 'x');
    for (const v of values) {
      const sk = col.numeric.sketch;
      const i = v > 0 ? m.positiveIndex(v) : m.negativeIndex(-v);
      expect((v > 0 ? sk.positive : sk.negative).index).toContain(i);
    }
    const { x, cdf, n } = cdfSteps(col);
    for (let s = 0; s < x.length; s++) {
      expect(cdf[s]).toBe(values.filter((v) => v <= x[s]!).length / n);
      expect(cdfAt(col, x[s]!)).toBe(cdf[s]);
    }
  });

  it('cdfAt is exact below the min, at and above the max, and low by at most one bucket between', () => {
    const values = DISTRIBUTIONS.normal!(3000);
    const col = columnOf(profileValues(values), 'x');
    const m = logMapping(0.005);
    expect(cdfAt(col, -1e9)).toBe(0);
    expect(cdfAt(col, Math.max(...values))).toBe(1);
    for (const x of [30, 45, 50.5, 61]) {
      const exact = values.filter((v) => v <= x).length / values.length;
      const got = cdfAt(col, x);
      expect(got).toBeLessThanOrEqual(exact);
      expect(exact).toBeLessThanOrEqual(cdfAt(col, m.boundary(m.positiveIndex(x))));
    }
  });

  it('gives fewer edges for few distinct values and none without numbers', () => {
    const col = columnOf(profileValues([1, 1, 1, 2, 2, 3]), 'x');
    const edges = referenceEdges(col, 10);
    expect(edges.length).toBe(2);
    expect(binCounts(col, edges)).toEqual([3, 2, 1]);
    expect(referenceEdges(columnOf(profileValues([null]), 'x'))).toEqual([]);
    expect(() => referenceEdges(col, 0)).toThrow(RangeError);
    expect(() => binCounts(col, [2, 1])).toThrow(RangeError);
  });

  it('collapses the lowest buckets past maxBuckets and keeps the CDF exact at kept boundaries', () => {
    const values = Array.from({ length: 2000 }, (_, i) => 10 ** ((i % 200) / 10 - 10)); // 1e-10 .. 1e10
    const col = columnOf(profileValues(values, { maxBuckets: 64 }), 'x');
    const idx = col.numeric.sketch.positive.index;
    expect(idx[idx.length - 1]! - idx[0]!).toBeLessThan(64);
    const { x, cdf, n } = cdfSteps(col);
    for (let s = 0; s < x.length; s++) expect(cdf[s]).toBe(values.filter((v) => v <= x[s]!).length / n);
    // The top of the range keeps its accuracy.
    const sorted = [...values].sort((a, b) => a - b);
    const exact = sorted[Math.floor(0.99 * (n - 1))]!;
    expect(Math.abs(quantile(col, 0.99) - exact)).toBeLessThanOrEqual(0.005 * exact);
  });
});
