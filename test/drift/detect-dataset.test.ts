import { describe, expect, it } from 'vitest';
import { adjustPValues, benjaminiHochberg, bonferroni } from '../../src/drift/detect-corrections.js';
import { applyCorrection, datasetDrift, sortBySeverity } from '../../src/drift/detect-dataset.js';
import { comparePerformance } from '../../src/drift/detect-performance.js';
import { isDrifted, severityOf } from '../../src/drift/detect-severity.js';
import type { DriftMethod, FeatureDrift } from '../../src/drift/types.js';

function feature(name: string, method: DriftMethod, statistic: number, pValue: number | null): FeatureDrift {
  const threshold = pValue === null ? 0.1 : 0.05;
  return {
    name,
    type: 'numeric',
    method,
    statistic,
    pValue,
    threshold,
    drifted: isDrifted(method, statistic, pValue, threshold),
    severity: severityOf(method, statistic, pValue, threshold),
    referenceCount: 100,
    currentCount: 100,
    referenceMissing: 0,
    currentMissing: 0,
    reason: 'test',
  };
}

describe('corrections', () => {
  const p = [0.01, 0.04, 0.03, 0.005, 0.5];
  it('Bonferroni multiplies by m and caps at 1', () => {
    expect(bonferroni(p)).toEqual([0.05, 0.2, 0.15, 0.025, 1]);
  });
  it('Benjamini-Hochberg matches R p.adjust(method = "BH")', () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "BH") = 0.025 0.05 0.05 0.025 0.5
    const bh = benjaminiHochberg(p);
    expect(bh.map((v) => Number(v.toPrecision(12)))).toEqual([0.025, 0.05, 0.05, 0.025, 0.5]);
  });
  it('BH handles ties, one value and none', () => {
    expect(benjaminiHochberg([0.02, 0.02, 0.02])).toEqual([0.02, 0.02, 0.02]);
    expect(benjaminiHochberg([0.3])).toEqual([0.3]);
    expect(benjaminiHochberg([])).toEqual([]);
    // p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205), "BH")
    const r = benjaminiHochberg([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]);
    expect(r.map((v) => Number(v.toPrecision(6)))).toEqual([
      0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.0845714, 0.205,
    ]);
  });
  it('none copies', () => {
    expect(adjustPValues(p, 'none')).toEqual(p);
  });
});

describe('applyCorrection', () => {
  const features = [
    feature('a', 'ks', 0.3, 0.01),
    feature('b', 'ks', 0.2, 0.04),
    feature('c', 'wasserstein', 0.3, null),
    feature('d', 'chisquare', 5, 0.03),
  ];
  it('corrects only tests; distances are unaffected', () => {
    const out = applyCorrection(features, 'bonferroni');
    expect(out.map((f) => f.adjustedPValue)).toEqual([0.03, 0.12, undefined, 0.09]);
    expect(out.map((f) => f.drifted)).toEqual([true, false, true, false]);
    expect(out[2]).toEqual(features[2]);
    expect(features[1]!.drifted).toBe(true); // the input is not modified
  });
  it('FDR', () => {
    const out = applyCorrection(features, 'fdr');
    // BH over [0.01, 0.04, 0.03]: [0.03, 0.04, 0.04]
    expect(out.map((f) => (f.adjustedPValue == null ? null : Number(f.adjustedPValue.toFixed(12))))).toEqual([
      0.03,
      0.04,
      null,
      0.04,
    ]);
    expect(out.map((f) => f.drifted)).toEqual([true, true, true, true]);
  });
  it('none leaves the features as they are', () => {
    expect(applyCorrection(features, 'none')).toEqual(features);
  });
});

describe('datasetDrift', () => {
  const f = (drifted: boolean, name: string) => ({ ...feature(name, 'psi', drifted ? 0.5 : 0.01, null) });
  it('drifts when the drifted share reaches the threshold share', () => {
    const d = datasetDrift([f(true, 'a'), f(true, 'b'), f(false, 'c'), f(false, 'd')]);
    expect(d).toEqual({
      drifted: true,
      share: 0.5,
      threshold: 0.5,
      method: 'auto',
      correction: 'none',
      columns: 4,
      driftedColumns: 2,
    });
    expect(datasetDrift([f(true, 'a'), f(false, 'b'), f(false, 'c')]).drifted).toBe(false);
    expect(datasetDrift([f(true, 'a'), f(false, 'b'), f(false, 'c')], { share: 0.3 }).drifted).toBe(true);
  });
  it('no columns: no drift, share 0', () => {
    expect(datasetDrift([])).toMatchObject({ drifted: false, share: 0, columns: 0 });
  });
  it('rejects a bad share', () => {
    expect(() => datasetDrift([], { share: 0 })).toThrow(RangeError);
    expect(() => datasetDrift([], { share: 1.2 })).toThrow(RangeError);
  });
});

describe('severity', () => {
  it('is 1 at the threshold for distances and tests', () => {
    expect(severityOf('psi', 0.1, null, 0.1)).toBe(1);
    expect(severityOf('ks', 0.3, 0.05, 0.05)).toBeCloseTo(1, 12);
    expect(severityOf('ks', 0.3, 0.0025, 0.05)).toBeCloseTo(2, 12);
    expect(severityOf('ks', 0.3, 1, 0.05)).toBe(0);
  });
  it('stays finite for p = 0', () => {
    const s = severityOf('chisquare', 1e6, 0, 0.05);
    expect(Number.isFinite(s)).toBe(true);
    expect(s).toBeGreaterThan(200);
  });
  it('sorts most severe first, then drifted, then by name', () => {
    const sorted = sortBySeverity([
      feature('b', 'psi', 0.05, null),
      feature('a', 'psi', 0.05, null),
      feature('z', 'ks', 0.5, 1e-10),
    ]);
    expect(sorted.map((x) => x.name)).toEqual(['z', 'a', 'b']);
  });
});

describe('comparePerformance', () => {
  it('flags metrics worse than the release beyond the tolerance, by direction', () => {
    const out = comparePerformance({
      releaseMetrics: { accuracy: 0.9, log_loss: 0.3, roc_auc: 0.8, f1: 0.7 },
      currentMetrics: { accuracy: 0.85, log_loss: 0.35, roc_auc: 0.795, extra: 1 },
    });
    expect(out.map((p) => [p.metric, p.degraded])).toEqual([
      ['accuracy', true],
      ['log_loss', true],
      ['roc_auc', false],
      ['f1', false],
      ['extra', false],
    ]);
    expect(out[0]!.delta).toBeCloseTo(-0.05, 12);
    expect(out[3]).toEqual({ metric: 'f1', reference: 0.7, current: null, delta: null, degraded: false });
  });
  it('takes a tolerance', () => {
    const out = comparePerformance({
      releaseMetrics: { accuracy: 0.9 },
      currentMetrics: { accuracy: 0.85 },
      tolerance: { accuracy: 0.1 },
    });
    expect(out[0]!.degraded).toBe(false);
  });
});
