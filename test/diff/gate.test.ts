import { describe, expect, it } from 'vitest';
import { RunRecordSchema } from '../../src/config/run-record.js';
import { diffRuns, evaluateGate, type GateReason } from '../../src/diff/index.js';
import { col, fingerprint, makeRun, repoModel } from './helpers.js';

const codes = (reasons: GateReason[]) => reasons.map((r) => r.code);

describe('evaluateGate', () => {
  it('the helper makes valid run records', () => {
    expect(() => RunRecordSchema.parse(makeRun())).not.toThrow();
  });

  it('first model: pass, every metric new, an info reason says there is no baseline', () => {
    const candidate = makeRun();
    const diff = diffRuns({ baseline: null, candidate });
    expect(diff.baseline).toBeNull();
    expect(diff.metrics.every((m) => m.status === 'new' && m.baseline === null)).toBe(true);
    const gate = evaluateGate({
      diff,
      candidate,
      model: repoModel({ metrics: [{ name: 'roc_auc', max_regression: 0.01 }] }),
    });
    expect(gate.verdict).toBe('pass');
    expect(gate.reasons).toEqual([expect.objectContaining({ level: 'info', code: 'first-model' })]);
    expect(gate.bump).toEqual({ bump: 'minor', reason: 'config bump: minor' });
  });

  it('an improvement passes', () => {
    const baseline = makeRun();
    const candidate = makeRun({ metrics: { overall: { roc_auc: 0.85, log_loss: 0.4, accuracy: 0.82 } } });
    const diff = diffRuns({ baseline, candidate });
    expect(diff.metrics.find((m) => m.name === 'roc_auc')).toMatchObject({
      status: 'improved',
      direction: 'higher',
      ci: null,
    });
    expect(diff.metrics.find((m) => m.name === 'log_loss')).toMatchObject({
      status: 'improved',
      direction: 'lower',
    });
    const gate = evaluateGate({
      diff,
      candidate,
      model: repoModel({ metrics: [{ name: 'roc_auc', max_regression: 0.01, min: 0.7, required: true }] }),
    });
    expect(gate.verdict).toBe('pass');
    expect(codes(gate.reasons)).toEqual(['no-bootstrap']);
  });

  it('a regression past max_regression needs approval, naming the metric, values and limit', () => {
    const baseline = makeRun();
    const candidate = makeRun({ metrics: { overall: { roc_auc: 0.77, log_loss: 0.45, accuracy: 0.8 } } });
    const diff = diffRuns({ baseline, candidate });
    const gate = evaluateGate({
      diff,
      candidate,
      model: repoModel({ metrics: [{ name: 'roc_auc', max_regression: 0.01 }] }),
    });
    expect(gate.verdict).toBe('needs-approval');
    const r = gate.reasons.find((x) => x.code === 'metric-regressed')!;
    expect(r).toMatchObject({ level: 'needs-approval', metric: 'roc_auc', slice: null });
    expect(r.message).toBe(
      'roc_auc (overall) worsened by 0.03 (0.8 -> 0.77, higher is better), more than max_regression 0.01',
    );
  });

  it('a worsening of exactly max_regression passes', () => {
    const baseline = makeRun({ metrics: { overall: { roc_auc: 0.81 } } });
    const candidate = makeRun({ metrics: { overall: { roc_auc: 0.8 } } });
    const diff = diffRuns({ baseline, candidate });
    const gate = evaluateGate({
      diff,
      candidate,
      model: repoModel({ metrics: [{ name: 'roc_auc', max_regression: 0.01 }] }),
    });
    expect(gate.verdict).toBe('pass');
  });

  it('a relative threshold reads max_regression as a fraction of |baseline| (lower-is-better metric)', () => {
    const baseline = makeRun({ metrics: { overall: { log_loss: 0.4 } } });
    const model = repoModel({ metrics: [{ name: 'log_loss', max_regression: 0.02, relative: true }] });
    // +1.5 % of 0.4 = +0.006: allowed; +5 % = +0.02: not.
    const ok = makeRun({ metrics: { overall: { log_loss: 0.406 } } });
    expect(evaluateGate({ diff: diffRuns({ baseline, candidate: ok }), candidate: ok, model }).verdict).toBe(
      'pass',
    );
    const bad = makeRun({ metrics: { overall: { log_loss: 0.42 } } });
    const gate = evaluateGate({ diff: diffRuns({ baseline, candidate: bad }), candidate: bad, model });
    expect(gate.verdict).toBe('needs-approval');
    expect(gate.reasons[0]!.message).toBe(
      'log_loss (overall) worsened by 5% of the baseline (0.4 -> 0.42, lower is better), more than max_regression 2% (relative)',
    );
    const d = diffRuns({ baseline, candidate: bad }).metrics[0]!;
    expect(d.delta).toBeCloseTo(0.02, 12);
    expect(d.relative).toBeCloseTo(0.05, 12);
  });

  it('a rule direction overrides the default direction', () => {
    const baseline = makeRun({ metrics: { overall: { custom_cost: 10 } } });
    const candidate = makeRun({ metrics: { overall: { custom_cost: 12 } } });
    const rules = [
      {
        name: 'custom_cost',
        direction: 'lower' as const,
        max_regression: 1,
        relative: false,
        required: false,
      },
    ];
    const diff = diffRuns({ baseline, candidate, rules });
    expect(diff.metrics[0]).toMatchObject({ direction: 'lower', status: 'regressed' });
    expect(evaluateGate({ diff, candidate, model: repoModel({ metrics: rules }) }).verdict).toBe(
      'needs-approval',
    );
  });

  it('min and max bounds need approval when crossed, even without a baseline', () => {
    const candidate = makeRun({ metrics: { overall: { roc_auc: 0.65, ece: 0.08 } } });
    const model = repoModel({
      metrics: [
        { name: 'roc_auc', min: 0.7 },
        { name: 'ece', max: 0.05 },
      ],
    });
    const gate = evaluateGate({ diff: diffRuns({ baseline: null, candidate }), candidate, model });
    expect(gate.verdict).toBe('needs-approval');
    expect(gate.reasons.filter((r) => r.level === 'needs-approval').map((r) => r.message)).toEqual([
      'roc_auc (overall) is 0.65, below the minimum 0.7',
      'ece (overall) is 0.08, above the maximum 0.05',
    ]);
  });

  it('a required metric missing or null fails', () => {
    const model = repoModel({ metrics: [{ name: 'roc_auc', required: true }] });
    const missing = makeRun({ metrics: { overall: { accuracy: 0.8 } } });
    const g1 = evaluateGate({
      diff: diffRuns({ baseline: makeRun(), candidate: missing }),
      candidate: missing,
      model,
    });
    expect(g1.verdict).toBe('fail');
    expect(g1.reasons[0]).toMatchObject({
      level: 'fail',
      code: 'missing-required-metric',
      message: 'required metric roc_auc (overall) is missing from the candidate run',
    });
    const nulled = makeRun({ metrics: { overall: { roc_auc: null } } });
    const g2 = evaluateGate({
      diff: diffRuns({ baseline: makeRun(), candidate: nulled }),
      candidate: nulled,
      model,
    });
    expect(g2.verdict).toBe('fail');
    expect(g2.reasons[0]!.message).toContain('is null');
  });

  it('a gated metric without a value needs approval when it is not required', () => {
    const model = repoModel({ metrics: [{ name: 'roc_auc', max_regression: 0.01 }] });
    const candidate = makeRun({ metrics: { overall: { roc_auc: null } } });
    const gate = evaluateGate({ diff: diffRuns({ baseline: makeRun(), candidate }), candidate, model });
    expect(gate.verdict).toBe('needs-approval');
    expect(gate.reasons[0]).toMatchObject({ code: 'metric-unavailable' });
    expect(gate.reasons[0]!.message).toBe(
      'metric roc_auc (overall) has no value in the candidate run (baseline 0.8), so its max_regression 0.01 cannot be checked',
    );
  });

  it('a failed run fails the gate', () => {
    const candidate = makeRun({
      status: 'failed',
      error: 'the command exited with code 1',
      metrics: { overall: {} },
    });
    const gate = evaluateGate({ diff: diffRuns({ baseline: makeRun(), candidate }), candidate });
    expect(gate.verdict).toBe('fail');
    expect(gate.reasons[0]).toMatchObject({
      level: 'fail',
      code: 'run-failed',
      message: 'the candidate run risk-20260101T000000Z-aaaa failed: the command exited with code 1',
    });
  });

  it('a NaN or infinite metric fails (overall, per slice, or a gap)', () => {
    // Built past the schema: JSON cannot hold NaN, but a buggy producer can hand one over in memory.
    const candidate = makeRun();
    candidate.metrics.overall.log_loss = Number.NaN;
    candidate.metrics.slices = [
      {
        column: 'gender',
        groups: [{ value: 'f', count: 10, metrics: { roc_auc: Number.POSITIVE_INFINITY } }],
        gaps: { demographic_parity_difference: Number.NaN },
      },
    ];
    const diff = diffRuns({ baseline: makeRun(), candidate });
    expect(diff.metrics.find((m) => m.name === 'log_loss')).toMatchObject({
      status: 'undefined',
      delta: null,
    });
    const gate = evaluateGate({ diff, candidate });
    expect(gate.verdict).toBe('fail');
    expect(gate.reasons.filter((r) => r.code === 'nan-metric').map((r) => r.message)).toEqual([
      'metric log_loss (overall) is NaN: the evaluation is broken',
      'metric roc_auc on slice gender=f is Infinity: the evaluation is broken',
      'fairness gap demographic_parity_difference on slice column gender is NaN: the evaluation is broken',
    ]);
  });

  it('a fairness gap over its limit needs approval (configured slice only, or every slice)', () => {
    const slices = [
      {
        column: 'gender',
        groups: [],
        gaps: { demographic_parity_difference: 0.15, equal_opportunity_difference: 0.05 },
      },
      {
        column: 'region',
        groups: [],
        gaps: { demographic_parity_difference: 0.3, equal_opportunity_difference: null },
      },
    ];
    const baseline = makeRun({
      metrics: {
        slices: slices.map((s) => ({ ...s, gaps: { ...s.gaps, demographic_parity_difference: 0.08 } })),
      },
    });
    const candidate = makeRun({ metrics: { slices } });
    const fairness = {
      slice: 'gender',
      max_demographic_parity_difference: 0.1,
      max_equal_opportunity_difference: 0.1,
    };
    const diff = diffRuns({ baseline, candidate, fairness });
    expect(diff.fairness).toHaveLength(4);
    expect(diff.fairness[0]).toMatchObject({
      column: 'gender',
      name: 'demographic_parity_difference',
      baseline: 0.08,
      candidate: 0.15,
      limit: 0.1,
    });
    expect(diff.fairness[0]!.delta).toBeCloseTo(0.07, 12);
    expect(diff.fairness[2]).toMatchObject({ column: 'region', limit: null });
    const gate = evaluateGate({ diff, candidate, model: repoModel({ fairness }) });
    expect(gate.verdict).toBe('needs-approval');
    const gaps = gate.reasons.filter((r) => r.code === 'fairness-gap');
    expect(gaps.map((r) => r.message)).toEqual([
      'demographic_parity_difference on slice column gender is 0.15 (baseline 0.08), above the limit 0.1',
    ]);
    // Without `slice`, every slice column is checked.
    const all = evaluateGate({
      diff,
      candidate,
      model: repoModel({ fairness: { max_demographic_parity_difference: 0.1 } }),
    });
    expect(all.reasons.filter((r) => r.code === 'fairness-gap')).toHaveLength(2);
    // A configured slice the run lacks needs approval.
    const missing = evaluateGate({
      diff,
      candidate,
      model: repoModel({ fairness: { slice: 'age_band', max_demographic_parity_difference: 0.1 } }),
    });
    expect(codes(missing.reasons)).toContain('fairness-slice-missing');
  });

  it('a data schema break fails: a model feature column lost or retyped; other schema changes are info', () => {
    const schema = [col('age'), col('region', 'string'), col('notes', 'string'), col('claim')];
    const baseline = makeRun({ data: { eval: fingerprint('a', 100, schema) } });
    const candidate = makeRun({
      data: {
        eval: fingerprint('b', 120, [
          col('age', 'string'),
          col('claim'),
          col('score2'),
          col('region', 'string', true),
        ]),
      },
    });
    const diff = diffRuns({ baseline, candidate });
    const gate = evaluateGate({ diff, candidate, features: ['age', 'region'] });
    expect(gate.verdict).toBe('fail');
    expect(gate.reasons.filter((r) => r.level === 'fail').map((r) => r.message)).toEqual([
      'eval data column age, a model feature, changed type number -> string',
    ]);
    expect(gate.reasons.find((r) => r.code === 'data-schema-changed')!.message).toBe(
      'eval data schema changed: added score2; removed notes; region now nullable',
    );
    expect(gate.reasons.find((r) => r.code === 'data-changed')!.message).toContain('eval data changed');
    // Without a feature list, every removed column counts.
    const strict = evaluateGate({ diff, candidate });
    expect(strict.reasons.filter((r) => r.code === 'schema-break').map((r) => r.message)).toContain(
      'eval data lost the column notes (string), a model feature the baseline had',
    );
  });

  it('a signature that lost or retyped an input fails; other signature changes force a major bump', () => {
    const baseline = makeRun();
    const candidate = makeRun();
    const diff = diffRuns({ baseline, candidate });
    const removed = {
      changed: true,
      addedInputs: [],
      removedInputs: ['postcode'],
      retypedInputs: [],
      output: [],
    };
    const broken = evaluateGate({ diff, candidate, signatureChanged: removed, labels: ['model:patch'] });
    expect(broken.verdict).toBe('fail');
    expect(broken.reasons[0]!.message).toBe(
      'the model signature breaks its clients: inputs removed: postcode',
    );
    expect(broken.bump).toEqual({ bump: 'major', reason: 'signature changed (overrides label model:patch)' });
    const added = evaluateGate({
      diff,
      candidate,
      signatureChanged: { ...removed, removedInputs: [], addedInputs: ['x'] },
    });
    expect(added.verdict).toBe('pass');
    expect(added.reasons.map((r) => r.code)).toContain('signature-changed');
    expect(added.bump.bump).toBe('major');
    expect(evaluateGate({ diff, candidate, signatureChanged: true }).bump).toEqual({
      bump: 'major',
      reason: 'signature changed',
    });
  });

  it('reasons are ordered fail, needs-approval, info; labels choose the bump', () => {
    const candidate = makeRun({
      status: 'failed',
      metrics: { overall: { roc_auc: 0.6 } },
      environment: { ...makeRun().environment, backend: 'tensorflow-gpu', gpu: { name: 'NVIDIA H100' } },
    });
    const model = repoModel({ metrics: [{ name: 'roc_auc', min: 0.7 }], bump: 'patch' });
    const gate = evaluateGate({
      diff: diffRuns({ baseline: makeRun(), candidate }),
      candidate,
      model,
      labels: ['model:minor'],
    });
    expect(gate.reasons.map((r) => r.level)).toEqual(['fail', 'needs-approval', 'info', 'info']);
    expect(gate.reasons.find((r) => r.code === 'environment-changed')!.message).toBe(
      'environment changed: backend wasm -> tensorflow-gpu, gpu none -> NVIDIA H100',
    );
    expect(gate.bump).toEqual({ bump: 'minor', reason: 'label model:minor' });
  });
});
