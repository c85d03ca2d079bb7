import { describe, expect, it } from 'vitest';
import {
  deltaInterval,
  diffRuns,
  evaluateGate,
  pairExamples,
  pairedBootstrap,
  percentileInterval,
  quantileSorted,
  SeededRandom,
} from '../../src/diff/index.js';
import type { Examples } from '../../src/diff/types.js';
import { binaryExamples, col, fingerprint, repoModel, runFromExamples, syntheticBinary } from './helpers.js';

const evalData = fingerprint('e', 2000, [col('x'), col('claim')]);

/** Two runs of one evaluation set: the baseline's and the candidate's examples and records. */
function twoRuns(
  baseScore: Float64Array,
  candScore: Float64Array,
  yTrue: Float64Array,
  ids: string[] | null,
) {
  const baseline = binaryExamples(yTrue, baseScore, { ids });
  const candidate = binaryExamples(yTrue, candScore, { ids });
  return {
    examples: { baseline, candidate },
    baselineRun: runFromExamples(baseline, { data: { eval: evalData } }),
    candidateRun: runFromExamples(candidate, { id: 'risk-20260102T000000Z-bbbb', data: { eval: evalData } }),
  };
}

describe('SeededRandom', () => {
  it('is deterministic per seed and uniform enough', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.uint32());
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(xs);
    const counts = new Array(10).fill(0);
    const r = new SeededRandom(1);
    for (let i = 0; i < 100_000; i++) counts[r.index(10)]++;
    for (const k of counts) expect(Math.abs(k - 10_000)).toBeLessThan(500);
  });
});

describe('percentiles', () => {
  it('match numpy.percentile (linear)', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [2.5, 97.5]) = [1.1, 9.4]
    const [lo, hi] = percentileInterval([1, 2, 3, 4, 10], 0.95);
    expect(lo).toBeCloseTo(1.1, 12);
    expect(hi).toBeCloseTo(9.4, 12);
    expect(quantileSorted([5], 0.3)).toBe(5);
  });

  it('undefined resamples (NaN) are dropped; fewer than half defined gives no interval', () => {
    const some = Float64Array.from([Number.NaN, 1, 2, 3, 4, 5]);
    expect(deltaInterval(some, 0.5)).toEqual([2, 4]);
    const few = Float64Array.from([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 1, 2]);
    expect(deltaInterval(few, 0.95)).toBeNull();
  });
});

describe('paired bootstrap in diffRuns', () => {
  it('within noise: tiny prediction noise on n=2000 -> the CI contains 0 and no approval, though the delta is past max_regression', () => {
    const n = 2000;
    // Two scorers of the same signal with independent tiny noise: any difference is noise.
    // (Over 40 seeds, 39 such pairs get a CI containing 0: the interval's coverage is about right.)
    const { yTrue, scores, ids } = syntheticBinary(
      n,
      [
        { signal: 1, noise: 0.05 },
        { signal: 1, noise: 0.05 },
      ],
      2,
    );
    let [s1, s2] = scores as [Float64Array, Float64Array];
    let runs = twoRuns(s1, s2, yTrue, ids);
    const auc = (r: typeof runs) => [
      r.baselineRun.metrics.overall.roc_auc!,
      r.candidateRun.metrics.overall.roc_auc!,
    ];
    if (auc(runs)[1]! > auc(runs)[0]!) {
      [s1, s2] = [s2, s1];
      runs = twoRuns(s1, s2, yTrue, ids);
    }
    const [b, c] = auc(runs) as [number, number];
    expect(c).toBeLessThan(b);
    const tiny = (b - c) / 2; // the delta is past this threshold
    const model = repoModel({ metrics: [{ name: 'roc_auc', max_regression: tiny }] });
    const diff = diffRuns({
      baseline: runs.baselineRun,
      candidate: runs.candidateRun,
      rules: model.metrics,
      examples: runs.examples,
      bootstrap: { resamples: 300, seed: 42 },
    });
    expect(diff.bootstrap).toEqual({ resamples: 300, confidence: 0.95, seed: 42, paired: n, pairing: 'id' });
    const m = diff.metrics.find((d) => d.name === 'roc_auc' && d.slice === null)!;
    expect(m.delta!).toBeLessThan(0);
    expect(m.ci![0]).toBeLessThan(0);
    expect(m.ci![1]).toBeGreaterThan(0);
    expect(m.status).toBe('within-noise');
    const gate = evaluateGate({ diff, candidate: runs.candidateRun, model });
    expect(gate.verdict).toBe('pass');
    const info = gate.reasons.find((r) => r.code === 'regression-within-noise')!;
    expect(info.level).toBe('info');
    expect(info.message).toContain('within noise, not counted as a regression');
    expect(info.message).toContain('95% bootstrap CI of the delta [');
  });

  it('a real improvement: the CI excludes 0 and the status is improved (lower-is-better metrics too)', () => {
    const { yTrue, scores, ids } = syntheticBinary(2000, [
      { signal: 0.4, noise: 1 },
      { signal: 1, noise: 0.2 },
    ]);
    const runs = twoRuns(scores[0]!, scores[1]!, yTrue, ids);
    const diff = diffRuns({
      baseline: runs.baselineRun,
      candidate: runs.candidateRun,
      examples: runs.examples,
      bootstrap: { resamples: 200 },
    });
    const auc = diff.metrics.find((d) => d.name === 'roc_auc' && d.slice === null)!;
    expect(auc.ci![0]).toBeGreaterThan(0);
    expect(auc.status).toBe('improved');
    const loss = diff.metrics.find((d) => d.name === 'log_loss' && d.slice === null)!;
    expect(loss.ci![1]).toBeLessThan(0);
    expect(loss.status).toBe('improved');
    // The point delta is the records' delta; the CI surrounds it.
    expect(auc.delta).toBeCloseTo(
      runs.candidateRun.metrics.overall.roc_auc! - runs.baselineRun.metrics.overall.roc_auc!,
      12,
    );
    expect(auc.ci![0]).toBeLessThan(auc.delta!);
    expect(auc.ci![1]).toBeGreaterThan(auc.delta!);
  });

  it('is deterministic: same seed same CI, another seed another CI', () => {
    const { yTrue, scores, ids } = syntheticBinary(500, [
      { signal: 1, noise: 0.5 },
      { signal: 1, noise: 0.4 },
    ]);
    const runs = twoRuns(scores[0]!, scores[1]!, yTrue, ids);
    const ci = (seed: number) =>
      diffRuns({
        baseline: runs.baselineRun,
        candidate: runs.candidateRun,
        examples: runs.examples,
        bootstrap: { resamples: 100, seed },
      }).metrics.map((m) => m.ci);
    expect(ci(7)).toEqual(ci(7));
    expect(ci(8)).not.toEqual(ci(7));
  });

  it('for accuracy (a mean) the CI matches the normal approximation of the paired difference', () => {
    const n = 2000;
    const { yTrue, scores } = syntheticBinary(n, [
      { signal: 0.6, noise: 0.8 },
      { signal: 1, noise: 0.3 },
    ]);
    const runs = twoRuns(scores[0]!, scores[1]!, yTrue, null);
    const diff = diffRuns({
      baseline: runs.baselineRun,
      candidate: runs.candidateRun,
      examples: runs.examples,
      bootstrap: { resamples: 1500, seed: 3 },
    });
    expect(diff.bootstrap?.pairing).toBe('position');
    const acc = diff.metrics.find((d) => d.name === 'accuracy' && d.slice === null)!;
    // d_i = correct_candidate - correct_baseline; CI ~ mean(d) +- 1.96 sd(d) / sqrt(n).
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const cb = (scores[0]![i]! >= 0.5 ? 1 : 0) === yTrue[i] ? 1 : 0;
      const cc = (scores[1]![i]! >= 0.5 ? 1 : 0) === yTrue[i] ? 1 : 0;
      d[i] = cc - cb;
    }
    const mean = d.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const half = (1.959964 * sd) / Math.sqrt(n);
    expect(acc.delta).toBeCloseTo(mean, 12);
    const [lo, hi] = acc.ci!;
    expect(Math.abs(lo - (mean - half))).toBeLessThan(0.15 * half);
    expect(Math.abs(hi - (mean + half))).toBeLessThan(0.15 * half);
    expect(Math.abs(hi - lo - 2 * half)).toBeLessThan(0.1 * 2 * half);
  });

  it('pairing by id with shuffled row order gives the same result as aligned rows', () => {
    const n = 400;
    const { yTrue, scores, ids, group } = syntheticBinary(n, [
      { signal: 1, noise: 0.6 },
      { signal: 1, noise: 0.5 },
    ]);
    const base = binaryExamples(yTrue, scores[0]!, { ids, slices: { group } });
    const aligned = binaryExamples(yTrue, scores[1]!, { ids, slices: { group } });
    // The candidate's rows in another order (a seeded shuffle), with 10 extra rows the baseline lacks.
    const perm = Array.from({ length: n }, (_, i) => i);
    const rng = new SeededRandom(5);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.index(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const extra = 10;
    const pick = (a: ArrayLike<number>) =>
      Float64Array.from([...perm.map((p) => a[p]!), ...Array.from({ length: extra }, () => 0.5)]);
    const shuffled: Examples = {
      ...aligned,
      ids: [...perm.map((p) => ids[p]!), ...Array.from({ length: extra }, (_, i) => `new${i}`)],
      yTrue: pick(yTrue),
      score: pick(scores[1]!),
      slices: { group: [...perm.map((p) => group[p]!), ...Array.from({ length: extra }, () => 'a')] },
    };
    const baselineRun = runFromExamples(base);
    const candidateRun = runFromExamples(aligned);
    const run = (candidate: Examples) =>
      diffRuns({
        baseline: baselineRun,
        candidate: candidateRun,
        examples: { baseline: base, candidate },
        bootstrap: { resamples: 100, seed: 11 },
      });
    const a = run(aligned);
    const s = run(shuffled);
    expect(s.bootstrap).toMatchObject({ pairing: 'id', paired: n });
    expect(a.bootstrap).toMatchObject({ pairing: 'id', paired: n });
    expect(s.metrics.length).toBe(a.metrics.length);
    for (let i = 0; i < a.metrics.length; i++) {
      const x = a.metrics[i]!;
      const y = s.metrics[i]!;
      expect(y.status).toBe(x.status);
      if (x.ci === null) expect(y.ci).toBeNull();
      else {
        expect(y.ci![0]).toBeCloseTo(x.ci[0], 12);
        expect(y.ci![1]).toBeCloseTo(x.ci[1], 12);
      }
    }
    // Slices: group a and b (>= 30 paired rows) get intervals; c (about 5 %, < 30 rows) does not.
    const sliceCi = (value: string) =>
      a.metrics.find((m) => m.name === 'roc_auc' && m.slice?.column === 'group' && m.slice.value === value)!
        .ci;
    expect(sliceCi('a')).not.toBeNull();
    expect(sliceCi('b')).not.toBeNull();
    expect(sliceCi('c')).toBeNull();
  });

  it('slice intervals stay within the work budget', () => {
    const { yTrue, scores, ids, group } = syntheticBinary(300, [
      { signal: 1, noise: 0.6 },
      { signal: 1, noise: 0.5 },
    ]);
    const base = binaryExamples(yTrue, scores[0]!, { ids, slices: { group } });
    const cand = binaryExamples(yTrue, scores[1]!, { ids, slices: { group } });
    const withBudget = (maxSliceWork: number) =>
      diffRuns({
        baseline: runFromExamples(base),
        candidate: runFromExamples(cand),
        examples: { baseline: base, candidate: cand },
        bootstrap: { resamples: 50, maxSliceWork },
      }).metrics.filter((m) => m.slice !== null && m.ci !== null).length;
    expect(withBudget(0)).toBe(0);
    // Group a holds about 60 % of the rows: a budget of 0.7 x the rows fits a, not a and b.
    const partial = withBudget(0.7);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(withBudget(4));
  });

  it('no pairing, no bootstrap: different eval data without ids, or resamples 0', () => {
    const { yTrue, scores } = syntheticBinary(100, [
      { signal: 1, noise: 0.5 },
      { signal: 1, noise: 0.4 },
    ]);
    const b = binaryExamples(yTrue, scores[0]!);
    const c = binaryExamples(yTrue, scores[1]!);
    const baseline = runFromExamples(b, { data: { eval: fingerprint('a', 100, []) } });
    const candidate = runFromExamples(c, { data: { eval: fingerprint('b', 100, []) } });
    const diff = diffRuns({ baseline, candidate, examples: { baseline: b, candidate: c } });
    expect(diff.bootstrap).toBeNull();
    expect(diff.metrics.every((m) => m.ci === null)).toBe(true);
    expect(pairExamples(b, c, false)).toBeNull();
    // Same eval data but another label at one position: not the same rows.
    const other = binaryExamples(
      Float64Array.from(yTrue, (v, i) => (i === 3 ? 1 - v : v)),
      scores[1]!,
    );
    expect(pairExamples(b, other, true)).toBeNull();
    expect(pairExamples(b, c, true)?.pairing).toBe('position');
    const off = diffRuns({
      baseline: runFromExamples(b),
      candidate: runFromExamples(c),
      examples: { baseline: b, candidate: c },
      bootstrap: { resamples: 0 },
    });
    expect(off.bootstrap).toBeNull();
  });

  it('multiclass and regression examples bootstrap through computeMetrics', () => {
    const n = 200;
    const rng = new SeededRandom(9);
    const yTrue = Float64Array.from({ length: n }, () => rng.index(3));
    const proba = (sharp: number) => {
      const p = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 3; j++)
          p[i * 3 + j] = j === yTrue[i] ? sharp + rng.next() * 0.2 : rng.next() * 0.4;
        const s = p[i * 3]! + p[i * 3 + 1]! + p[i * 3 + 2]!;
        for (let j = 0; j < 3; j++) p[i * 3 + j]! /= s;
      }
      return p;
    };
    const mc = (p: Float64Array): Examples => ({
      task: 'multiclass',
      ids: null,
      yTrue,
      proba: p,
      classes: ['a', 'b', 'c'],
      threshold: 0.5,
      slices: {},
    });
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const pairing = { pairing: 'position' as const, baseline: rows, candidate: rows.slice() };
    const res = pairedBootstrap({
      baseline: mc(proba(0.1)),
      candidate: mc(proba(0.6)),
      pairing,
      targets: [{ slice: null, names: ['accuracy', 'log_loss', 'f1_macro', 'not_a_metric'] }],
      options: { resamples: 50 },
    })!;
    expect([...res.intervals.keys()]).toEqual(['accuracy', 'log_loss', 'f1_macro']);
    expect(res.intervals.get('log_loss')![1]).toBeLessThan(0);
    const reg = (noise: number): Examples => ({
      task: 'regression',
      ids: null,
      yTrue,
      yPred: Float64Array.from(yTrue, (v) => v + noise * (rng.next() - 0.5)),
      threshold: 0.5,
      slices: {},
    });
    const r = pairedBootstrap({
      baseline: reg(2),
      candidate: reg(0.5),
      pairing,
      targets: [{ slice: null, names: ['mae', 'rmse'] }],
      options: { resamples: 50 },
    })!;
    expect(r.intervals.get('mae')![1]).toBeLessThan(0);
  });

  it('bad examples and bad settings are clear errors', () => {
    const rows = Int32Array.from({ length: 20 }, (_, i) => i);
    const good = binaryExamples(new Float64Array(20), new Float64Array(20).fill(0.2));
    const bad = { ...good, score: new Float64Array(19) };
    const pairing = { pairing: 'position' as const, baseline: rows, candidate: rows };
    expect(() => pairedBootstrap({ baseline: good, candidate: bad, pairing, targets: [] })).toThrow(
      'candidate examples: score has 19 values, expected 20',
    );
    expect(() =>
      pairedBootstrap({
        baseline: good,
        candidate: good,
        pairing,
        targets: [],
        options: { confidence: 1.5 },
      }),
    ).toThrow('bootstrap.confidence must be in (0, 1) (got 1.5)');
  });
});
