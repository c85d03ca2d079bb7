import { describe, expect, it } from 'vitest';
import {
  dataDiff,
  diffRuns,
  environmentDiff,
  flattenParams,
  metricMove,
  paramsDiff,
  sameEvaluationRows,
} from '../../src/diff/index.js';
import { col, fingerprint, makeRun } from './helpers.js';

describe('metric deltas', () => {
  it('statuses: improved, regressed, unchanged, new, removed, undefined; overall first, then slices', () => {
    const baseline = makeRun({
      metrics: {
        overall: { roc_auc: 0.8, log_loss: 0.4, brier: 0.2, ece: null, old_metric: 1 },
        slices: [
          {
            column: 'gender',
            groups: [
              { value: 'f', count: 40, metrics: { roc_auc: 0.7 } },
              { value: 'm', count: 60, metrics: { roc_auc: 0.8 } },
            ],
            gaps: {},
          },
        ],
      },
    });
    const candidate = makeRun({
      metrics: {
        overall: { roc_auc: 0.82, log_loss: 0.45, brier: 0.2, ece: 0.01, new_metric: 3 },
        slices: [
          {
            column: 'gender',
            groups: [
              { value: 'f', count: 45, metrics: { roc_auc: 0.75 } },
              { value: 'x', count: 5, metrics: { roc_auc: 0.5 } },
            ],
            gaps: {},
          },
        ],
      },
    });
    const diff = diffRuns({ baseline, candidate });
    const view = diff.metrics.map((m) => [
      m.name,
      m.slice ? `${m.slice.column}=${m.slice.value}` : '',
      m.status,
    ]);
    expect(view).toEqual([
      ['roc_auc', '', 'improved'],
      ['log_loss', '', 'regressed'],
      ['brier', '', 'unchanged'],
      ['ece', '', 'undefined'],
      ['new_metric', '', 'new'],
      ['old_metric', '', 'removed'],
      ['roc_auc', 'gender=f', 'improved'],
      ['roc_auc', 'gender=x', 'new'],
      ['roc_auc', 'gender=m', 'removed'],
    ]);
    const f = diff.metrics[6]!;
    expect(f).toMatchObject({ baseline: 0.7, candidate: 0.75, count: 45, ci: null, direction: 'higher' });
    expect(f.delta).toBeCloseTo(0.05, 12);
    expect(f.relative).toBeCloseTo(0.05 / 0.7, 12);
    expect(diff.metrics[8]).toMatchObject({ baseline: 0.8, candidate: null, delta: null });
    expect(diff.metrics[8]!.count).toBeUndefined();
    expect(diff.metrics[5]).toMatchObject({ baseline: 1, candidate: null, status: 'removed' });
  });

  it('the relative delta is null for a zero baseline; a CI decides the status', () => {
    expect(metricMove('higher', { present: true, value: 0 }, { present: true, value: 0.1 })).toEqual({
      delta: 0.1,
      relative: null,
      status: 'improved',
    });
    const move = (ci: [number, number]) =>
      metricMove('lower', { present: true, value: 1 }, { present: true, value: 0.9 }, ci).status;
    expect(move([-0.2, -0.05])).toBe('improved');
    expect(move([0.01, 0.2])).toBe('regressed');
    expect(move([-0.2, 0.05])).toBe('within-noise');
  });

  it('run refs carry the ids, git and the baseline version', () => {
    const baseline = makeRun({ id: 'risk-1', git: { sha: 'b'.repeat(40), branch: 'main', dirty: false } });
    const candidate = makeRun({ id: 'risk-2', git: { sha: null, branch: 'feature', dirty: true } });
    const diff = diffRuns({ baseline, candidate, baselineVersion: '1.2.0' });
    expect(diff.baseline).toEqual({
      id: 'risk-1',
      model: 'risk',
      version: '1.2.0',
      git_sha: 'b'.repeat(40),
      branch: 'main',
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(diff.candidate).toEqual({
      id: 'risk-2',
      model: 'risk',
      git_sha: null,
      branch: 'feature',
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(diff).toMatchObject({ model: 'risk', task: 'binary', bootstrap: null });
    // Everything in a diff is JSON data.
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
  });
});

describe('params diff', () => {
  it('flattens nested objects to dotted paths and compares arrays as values', () => {
    const baseline = {
      trainer: { hidden: [32, 16], learning_rate: 0.003, early_stopping: { patience: 3, min_delta: 0.0005 } },
      seed: 42,
      threshold: 0.3,
      env: {},
    };
    const candidate = {
      trainer: {
        hidden: [64, 32],
        learning_rate: 0.003,
        early_stopping: { patience: 5, min_delta: 0.0005 },
        l2: 0.01,
      },
      seed: 42,
      env: { EPOCHS: '10' },
    };
    expect(paramsDiff(baseline, candidate)).toEqual([
      { path: 'trainer.hidden', kind: 'changed', baseline: [32, 16], candidate: [64, 32] },
      { path: 'trainer.early_stopping.patience', kind: 'changed', baseline: 3, candidate: 5 },
      { path: 'trainer.l2', kind: 'added', candidate: 0.01 },
      { path: 'env.EPOCHS', kind: 'added', candidate: '10' },
      { path: 'threshold', kind: 'removed', baseline: 0.3 },
    ]);
    expect(paramsDiff(baseline, structuredClone(baseline))).toEqual([]);
    expect([...flattenParams({ a: { b: { c: 1 } }, d: [{ e: 1 }] }).keys()]).toEqual(['a.b.c', 'd']);
    // Objects inside arrays are compared by value, key order ignored.
    expect(paramsDiff({ d: [{ e: 1, f: 2 }] }, { d: [{ f: 2, e: 1 }] })).toEqual([]);
  });

  it('no baseline: no param, data or environment changes', () => {
    const diff = diffRuns({ baseline: null, candidate: makeRun() });
    expect(diff.params).toEqual([]);
    expect(diff.data).toEqual([]);
    expect(diff.environment).toEqual([]);
    expect(diff.fairness).toEqual([]);
  });
});

describe('data diff', () => {
  it('reports hash changes, the row delta and schema changes per split', () => {
    const baseline = makeRun({
      data: {
        train: fingerprint(
          'a',
          1000,
          [col('age'), col('region', 'string'), col('notes', 'string')],
          'data/train.csv',
        ),
        eval: fingerprint('e', 200, [col('age')]),
      },
    });
    const candidate = makeRun({
      data: {
        train: fingerprint(
          'b',
          1200,
          [col('age', 'number', true), col('region', 'number'), col('mileage')],
          'data/train.csv',
        ),
        eval: fingerprint('e', 200, [col('age')]),
      },
    });
    const [train, ev] = dataDiff(baseline, candidate);
    expect(train).toEqual({
      split: 'train',
      changed: true,
      baseline: { path: 'data/train.csv', hash: `sha256:${'a'.repeat(64)}`, rows: 1000 },
      candidate: { path: 'data/train.csv', hash: `sha256:${'b'.repeat(64)}`, rows: 1200 },
      rowsDelta: 200,
      schema: {
        added: [col('mileage')],
        removed: [col('notes', 'string')],
        changed: [
          { name: 'age', baseline: col('age'), candidate: col('age', 'number', true) },
          { name: 'region', baseline: col('region', 'string'), candidate: col('region', 'number') },
        ],
      },
    });
    expect(ev).toMatchObject({
      split: 'eval',
      changed: false,
      rowsDelta: 0,
      schema: { added: [], removed: [], changed: [] },
    });
  });

  it('a split on one side only is a change without column-level differences', () => {
    const baseline = makeRun({ data: { eval: fingerprint('e', 200, [col('age')]) } });
    const candidate = makeRun({ data: {} });
    expect(dataDiff(baseline, candidate)).toEqual([
      {
        split: 'eval',
        changed: true,
        baseline: { path: 'data/eval.csv', hash: `sha256:${'e'.repeat(64)}`, rows: 200 },
        candidate: null,
        rowsDelta: null,
        schema: { added: [], removed: [], changed: [] },
      },
    ]);
  });

  it('same evaluation rows: same eval hash, or the same seeded split of the same training data', () => {
    const ev = fingerprint('e', 200, []);
    const tr = fingerprint('c', 1000, [], 'data/train.csv');
    expect(sameEvaluationRows(makeRun({ data: { eval: ev } }), makeRun({ data: { eval: ev } }))).toBe(true);
    expect(
      sameEvaluationRows(
        makeRun({ data: { eval: ev } }),
        makeRun({ data: { eval: fingerprint('f', 200, []) } }),
      ),
    ).toBe(false);
    const split = { seed: 42, split: { validation: 0.15, test: 0.2 } };
    expect(
      sameEvaluationRows(
        makeRun({ data: { train: tr }, params: split }),
        makeRun({ data: { train: tr }, params: split }),
      ),
    ).toBe(true);
    expect(
      sameEvaluationRows(
        makeRun({ data: { train: tr }, params: split }),
        makeRun({ data: { train: tr }, params: { ...split, seed: 1 } }),
      ),
    ).toBe(false);
  });
});

describe('environment diff', () => {
  it('lists backend, gpu (by name), node, modelgate, os, arch and runner changes', () => {
    const env = makeRun().environment;
    const baseline = makeRun();
    const candidate = makeRun({
      environment: {
        ...env,
        backend: 'tensorflow-gpu',
        gpu: { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 },
        node: 'v24.11.0',
        modelgate: '0.2.0',
        runner: 'gpu-runner-3',
        cpus: 16,
      },
    });
    expect(environmentDiff(baseline, candidate)).toEqual([
      { field: 'backend', baseline: 'wasm', candidate: 'tensorflow-gpu' },
      { field: 'gpu', baseline: null, candidate: 'NVIDIA H100 80GB HBM3' },
      { field: 'node', baseline: 'v20.18.0', candidate: 'v24.11.0' },
      { field: 'modelgate', baseline: '0.1.0', candidate: '0.2.0' },
      { field: 'runner', baseline: 'runner-1', candidate: 'gpu-runner-3' },
    ]);
    expect(environmentDiff(baseline, makeRun())).toEqual([]);
  });
});
