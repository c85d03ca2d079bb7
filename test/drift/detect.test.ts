/**
 * detectDrift on profiles of generated data: no drift for two samples of one distribution, a 0.2
 * std mean shift caught by the normed Wasserstein distance, the small-sample KS path against
 * ks2samp on the raw data, categorical share shifts and new categories via Jensen-Shannon, skipped
 * columns, the prediction column, corrections, forced methods and option errors.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { Rng } from '../../src/demo/rng.js';
import { detectDrift } from '../../src/drift/detect.js';
import { createProfiler } from '../../src/drift/profile-builder.js';
import type { Profile } from '../../src/drift/profile-types.js';
import { renderDriftHtml } from '../../src/drift/report-html.js';
import { renderDriftJson } from '../../src/drift/report-json.js';
import { renderDriftMarkdown } from '../../src/drift/report-markdown.js';
import { jensenShannon, ks2samp, normedWasserstein } from '../../src/drift/stats/index.js';
import { DataError } from '../../src/errors.js';

function profileOf(rows: Row[], options: Parameters<typeof createProfiler>[0] = {}): Profile {
  const profiler = createProfiler(options);
  profiler.addBatch(rows);
  return profiler.finish({ created_at: '2025-01-01T00:00:00.000Z', source: 'generated' });
}

const COLORS = ['red', 'green', 'blue', 'black', 'white'];

interface Gen {
  n: number;
  seed: number;
  shift?: number;
  colorWeights?: number[];
}

/** Rows of x ~ N(shift, 1), y ~ lognormal, color ~ categorical(weights), and a score. */
function rows({ n, seed, shift = 0, colorWeights = [0.4, 0.25, 0.15, 0.1, 0.1] }: Gen): {
  rows: Row[];
  x: number[];
} {
  const rng = new Rng(seed);
  const out: Row[] = [];
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = rng.normal(shift, 1);
    x.push(xi);
    out.push({
      x: xi,
      y: Math.exp(rng.normal(0, 0.5)),
      color: rng.choice(COLORS, colorWeights),
      score: 1 / (1 + Math.exp(-xi)),
    });
  }
  return { rows: out, x };
}

const NOW = new Date('2025-02-01T06:00:00.000Z');

describe('detectDrift on large samples (n = 50,000)', () => {
  const reference = rows({ n: 50_000, seed: 1 });
  const refProfile = profileOf(reference.rows);

  it('finds no drift between two samples of the same distribution', () => {
    const current = profileOf(rows({ n: 50_000, seed: 2 }).rows);
    const report = detectDrift({
      reference: refProfile,
      current,
      now: NOW,
      model: 'risk',
      release: 'v1.0.0',
    });
    expect(report.dataset).toMatchObject({ drifted: false, driftedColumns: 0, columns: 4, share: 0 });
    const methods = Object.fromEntries(report.features.map((f) => [f.name, f.method]));
    expect(methods).toEqual({
      x: 'wasserstein',
      y: 'wasserstein',
      score: 'wasserstein',
      color: 'jensenshannon',
    });
    for (const f of report.features) {
      expect(f.statistic).toBeLessThan(0.03);
      expect(f.severity).toBeLessThan(0.3);
      expect(f.pValue).toBeNull();
      expect(f.reason).toContain('judged by effect size');
    }
    expect(report.generated_at).toBe('2025-02-01T06:00:00.000Z');
    expect(report.reference).toEqual({ rows: 50_000, source: 'generated' });
  });

  it('detects a mean shift of 0.2 std with the normed Wasserstein distance', () => {
    const shifted = rows({ n: 50_000, seed: 3, shift: 0.2 });
    const report = detectDrift({ reference: refProfile, current: profileOf(shifted.rows), now: NOW });
    const x = report.features.find((f) => f.name === 'x')!;
    expect(x.method).toBe('wasserstein');
    expect(x.drifted).toBe(true);
    expect(x.statistic).toBeGreaterThan(0.15);
    // The sketch's distance is within about alpha (0.5%) relative of the exact one on the raw data.
    const exact = normedWasserstein(reference.x, shifted.x);
    expect(Math.abs(x.statistic - exact) / exact).toBeLessThan(0.02);
    expect(report.features[0]!.name).toBe('x'); // sorted by severity
    expect(report.features.find((f) => f.name === 'y')!.drifted).toBe(false);
    // Numeric bins: the reference's 10 quantile bins, the reference about flat.
    expect(x.bins!.labels).toHaveLength(10);
    for (const share of x.bins!.reference) expect(share).toBeCloseTo(0.1, 1);
    expect(x.bins!.current[9]!).toBeGreaterThan(0.13);
  });

  it('detects a categorical share shift with Jensen-Shannon, equal to the exact counts', () => {
    const weights = [0.2, 0.25, 0.15, 0.1, 0.3];
    const current = rows({ n: 50_000, seed: 4, colorWeights: weights });
    const report = detectDrift({ reference: refProfile, current: profileOf(current.rows), now: NOW });
    const color = report.features.find((f) => f.name === 'color')!;
    expect(color.method).toBe('jensenshannon');
    expect(color.drifted).toBe(true);
    const count = (rs: Row[]) => COLORS.map((c) => rs.filter((r) => r.color === c).length);
    const expected = jensenShannon(count(reference.rows), count(current.rows));
    expect(color.statistic).toBeCloseTo(expected, 12);
    expect(new Set(color.bins!.labels)).toEqual(new Set(COLORS));
  });

  it('detects a new category', () => {
    const current = rows({ n: 50_000, seed: 5 }).rows.map((r, i) =>
      i % 4 === 0 ? { ...r, color: 'purple' } : r,
    );
    const report = detectDrift({ reference: refProfile, current: profileOf(current), now: NOW });
    const color = report.features.find((f) => f.name === 'color')!;
    expect(color.drifted).toBe(true);
    const at = color.bins!.labels.indexOf('purple');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(color.bins!.reference[at]).toBe(0);
    expect(color.bins!.current[at]).toBeCloseTo(0.25, 2);
  });

  it('reports the prediction column as model drift, outside the dataset share', () => {
    const shifted = profileOf(rows({ n: 50_000, seed: 6, shift: 0.5 }).rows);
    const report = detectDrift({
      reference: refProfile,
      current: shifted,
      prediction: 'score',
      performance: { releaseMetrics: { roc_auc: 0.8 }, currentMetrics: { roc_auc: 0.7 } },
      now: NOW,
    });
    expect(report.features.map((f) => f.name)).not.toContain('score');
    expect(report.dataset.columns).toBe(3);
    expect(report.model_drift?.prediction).toMatchObject({ name: 'score', drifted: true });
    expect(report.model_drift?.performance).toEqual([
      { metric: 'roc_auc', reference: 0.8, current: 0.7, delta: expect.closeTo(-0.1, 12), degraded: true },
    ]);
  });

  it('forces a method where it is defined and falls back elsewhere', () => {
    const current = profileOf(rows({ n: 50_000, seed: 7 }).rows);
    const psi = detectDrift({ reference: refProfile, current, method: 'psi', now: NOW });
    expect(psi.features.map((f) => f.method)).toEqual(['psi', 'psi', 'psi', 'psi']);
    expect(psi.dataset.method).toBe('psi');
    const ks = detectDrift({ reference: refProfile, current, method: 'ks', now: NOW });
    expect(Object.fromEntries(ks.features.map((f) => [f.name, f.method]))).toMatchObject({
      x: 'ks',
      color: 'chisquare',
    });
    // KS at n = 50,000 is asymptotic: a valid p-value from the sketch.
    const x = ks.features.find((f) => f.name === 'x')!;
    expect(x.pValue).toBeGreaterThan(0.001);
    for (const method of ['kl', 'hellinger', 'chisquare', 'jensenshannon'] as const) {
      const r = detectDrift({ reference: refProfile, current, method, now: NOW });
      expect(r.features.every((f) => f.method === method && Number.isFinite(f.statistic))).toBe(true);
    }
  });
});

describe('detectDrift on small samples: the KS path', () => {
  /** Values 1.05^k: every distinct value sits alone in its sketch bucket (ratio 1.05 > gamma ~ 1.01). */
  function powers(n: number, seed: number, shift: number): number[] {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => 1.05 ** Math.round(rng.normal(shift, 8)));
  }

  it('equals ks2samp on the raw data (with ties) when the sketch resolves every value', () => {
    for (const [shift, seed] of [
      [0, 11],
      [1.5, 12],
      [4, 13],
    ] as const) {
      const a = powers(300, seed, 0);
      const b = powers(450, seed + 100, shift);
      const report = detectDrift({
        reference: profileOf(a.map((v) => ({ v }))),
        current: profileOf(b.map((v) => ({ v }))),
        now: NOW,
      });
      const f = report.features[0]!;
      const exact = ks2samp(a, b);
      expect(exact.method).toBe('exact');
      expect(f.method).toBe('ks');
      expect(f.statistic).toBe(exact.statistic);
      expect(f.pValue).toBe(exact.pValue);
    }
  });

  it('stays within the bucket-mass bound on continuous data', () => {
    const rng = new Rng(21);
    const a = Array.from({ length: 500 }, () => rng.normal(0, 1));
    const b = Array.from({ length: 600 }, () => rng.normal(0.15, 1));
    const report = detectDrift({
      reference: profileOf(a.map((v) => ({ v }))),
      current: profileOf(b.map((v) => ({ v }))),
      now: NOW,
    });
    const f = report.features[0]!;
    const exact = ks2samp(a, b);
    // D from the sketch never exceeds the exact D, and misses it by at most the mass of one bucket
    // (here a few values of 500: the largest bucket at alpha = 0.5% holds a handful of points).
    expect(f.statistic).toBeLessThanOrEqual(exact.statistic + 1e-12);
    expect(exact.statistic - f.statistic).toBeLessThan(0.02);
    expect(Math.abs(Math.log10(f.pValue!) - Math.log10(exact.pValue))).toBeLessThan(0.5);
  });

  it('uses z for a small binary categorical column and chisquare for more categories', () => {
    const rng = new Rng(31);
    const make = (n: number, p: number) =>
      Array.from({ length: n }, () => ({
        flag: rng.next() < p ? 'yes' : 'no',
        grade: rng.choice(['a', 'b', 'c'], [p, 0.3, 0.7 - p]),
      }));
    const report = detectDrift({
      reference: profileOf(make(800, 0.3)),
      current: profileOf(make(900, 0.5)),
      now: NOW,
    });
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
    expect(byName.flag!.method).toBe('z');
    expect(byName.flag!.drifted).toBe(true);
    expect(byName.grade!.method).toBe('chisquare');
    expect(byName.grade!.drifted).toBe(true);
  });

  it('applies corrections to the tests only', () => {
    const rng = new Rng(41);
    const make = (n: number, shift: number) =>
      Array.from({ length: n }, () => ({
        a: rng.normal(shift, 1),
        b: rng.normal(0, 1),
        c: rng.normal(0, 1),
      }));
    const reference = profileOf(make(400, 0));
    const current = profileOf(make(400, 0.3));
    const none = detectDrift({ reference, current, now: NOW });
    const bonf = detectDrift({ reference, current, correction: 'bonferroni', now: NOW });
    expect(bonf.dataset.correction).toBe('bonferroni');
    for (const f of bonf.features) {
      const raw = none.features.find((g) => g.name === f.name)!;
      expect(f.pValue).toBe(raw.pValue);
      expect(f.adjustedPValue).toBeCloseTo(Math.min(1, raw.pValue! * 3), 12);
    }
    expect(none.features.every((f) => f.adjustedPValue === undefined)).toBe(true);
  });
});

describe('detectDrift: columns and options', () => {
  const reference = profileOf([
    { a: 1, b: 'x', gone: 1, typed: 1, empty: null },
    { a: 2, b: 'y', gone: 2, typed: 2, empty: null },
    { a: 3, b: 'x', gone: 3, typed: 3, empty: null },
  ]);
  const current = profileOf([
    { a: 1, b: 'x', added: 1, typed: 'one', empty: null },
    { a: 5, b: 'y', added: 2, typed: 'two', empty: null },
  ]);

  it('skips columns that cannot be compared, with the reason', () => {
    const report = detectDrift({ reference, current, now: NOW });
    expect(report.features.map((f) => f.name).sort()).toEqual(['a', 'b']);
    expect(report.skipped).toEqual([
      { name: 'gone', reason: 'only in the reference' },
      { name: 'typed', reason: 'type changed from numeric to categorical' },
      { name: 'empty', reason: 'all values missing in both' },
      { name: 'added', reason: 'only in the current data' },
    ]);
  });

  it('compares only the named columns', () => {
    const report = detectDrift({ reference, current, columns: ['b', 'nope', 'b'], now: NOW });
    expect(report.features.map((f) => f.name)).toEqual(['b']);
    expect(report.skipped).toEqual([{ name: 'nope', reason: 'in neither profile' }]);
  });

  it('rejects bad options', () => {
    expect(() => detectDrift({ reference, current, method: 'nope' as never })).toThrow(DataError);
    expect(() => detectDrift({ reference, current, correction: 'holm' as never })).toThrow(/correction/);
    expect(() => detectDrift({ reference, current, thresholds: { psi: -1 } })).toThrow(/positive/);
    expect(() => detectDrift({ reference, current, thresholds: { ks: 2 } })).toThrow(/significance/);
    expect(() => detectDrift({ reference, current, share: 0 })).toThrow(RangeError);
  });

  it('renders every report form from a detected report', () => {
    const report = detectDrift({ reference, current, model: 'risk', release: 'risk@v1.0.0', now: NOW });
    expect(JSON.parse(renderDriftJson(report)).features).toHaveLength(2);
    expect(renderDriftMarkdown(report)).toContain('<!-- modelgate:drift:risk@1.0.0 -->');
    expect(renderDriftHtml(report).match(/<svg /g)).toHaveLength(2);
  });
});
