import { describe, expect, it } from 'vitest';
import { buildCardContext, paramRows } from '../../src/card/index.js';
import { RunRecordSchema } from '../../src/config/run-record.js';
import type { ModelSignature } from '../../src/train/saved-model.js';
import { loadFixture, NOW, needsApproval } from './helpers.js';

describe('buildCardContext', () => {
  it('fills the model details from the run and model.yml', () => {
    const { run, model } = loadFixture();
    const ctx = buildCardContext({ run, model, version: '1.3.0', now: NOW, license: 'mit' });
    expect(ctx.card_version).toBe(1);
    expect(ctx.model).toMatchObject({
      name: 'risk',
      version: '1.3.0',
      tag: 'risk@v1.3.0',
      version_label: '1.3.0',
      task: 'binary',
      task_label: 'binary classification',
      mode: 'tfjs',
      owners: ['@acme/risk-modelling', 'jdoe'],
      date: '2026-11-26',
      license: 'mit',
      git_sha: 'bbbdc11e541aba9c3ffab3ebb59a3d128fd52a46',
      git_short_sha: 'bbbdc11',
      git_branch: 'feature/wider-mlp',
      modelgate_version: '0.1.0',
      backend: 'tensorflow-gpu',
      gpu: 'NVIDIA H100 80GB HBM3, 81559 MiB, driver 550.54.15',
      command: null,
      threshold: 0.3,
    });
    expect(ctx.model.params).toContainEqual({ name: 'trainer.hidden', value: '[32,16]' });
    expect(ctx.model.params).toContainEqual({ name: 'trainer.early_stopping.patience', value: '3' });
    expect(ctx.intended_use.primary).toMatch(/^Pricing support/);
    expect(ctx.ethical_considerations).toMatch(/^Gender is not a model input/);
  });

  it('derives the version from a tag, and reports an unreleased model without either', () => {
    const { run, model } = loadFixture();
    expect(buildCardContext({ run, model, tag: 'risk@v2.0.1' }).model.version).toBe('2.0.1');
    const unreleased = buildCardContext({ run, model });
    expect(unreleased.model.version).toBeNull();
    expect(unreleased.model.tag).toBeNull();
    expect(unreleased.model.version_label).toBe('unreleased');
  });

  it('orders metrics, marks the primary one and gives directions', () => {
    const { run, model } = loadFixture();
    const ctx = buildCardContext({ run, model });
    expect(ctx.metrics.primary).toBe('roc_auc');
    expect(ctx.metrics.eval_rows).toBe(5000);
    expect(ctx.metrics.rows.map((r) => r.name)).toEqual([
      'accuracy',
      'precision',
      'recall',
      'f1',
      'roc_auc',
      'average_precision',
      'log_loss',
      'brier',
      'ece',
    ]);
    expect(ctx.metrics.rows.find((r) => r.name === 'log_loss')).toMatchObject({
      value: 0.4267,
      formatted: '0.4267',
      direction: 'lower',
      arrow: '↓',
      primary: false,
    });
    expect(ctx.metrics.rows.find((r) => r.primary)?.name).toBe('roc_auc');
  });

  it('describes data, slices, gaps and importance', () => {
    const { run, model } = loadFixture();
    const ctx = buildCardContext({ run, model, topFeatures: 2 });
    expect(ctx.training_data).toMatchObject({
      split: 'train',
      path: 'data/policies.csv',
      rows: 20000,
      hash: 'sha256:a88169b7530795fae2157505cff960e671fe61d9fec155ba646ee1a53b5cedce',
      short_hash: 'sha256:a88169b75307',
    });
    expect(ctx.training_data?.columns).toHaveLength(7);
    expect(ctx.evaluation_data.dataset?.path).toBe('data/policies_eval.csv');
    expect(ctx.factors).toEqual([
      { column: 'gender', groups: ['female', 'male', '(missing)'] },
      { column: 'region', groups: ['north', 'south', 'urban'] },
    ]);
    const gender = ctx.quantitative_analyses[0]!;
    expect(gender.metric_names).toEqual(['roc_auc', 'accuracy', 'precision', 'recall']);
    expect(gender.groups.map((g) => [g.value, g.count, g.small])).toEqual([
      ['female', 2428, false],
      ['male', 2560, false],
      ['(missing)', 12, true],
    ]);
    expect(gender.groups[2]!.metrics[0]).toEqual({ name: 'roc_auc', value: null, formatted: 'n/a' });
    expect(gender.gaps).toEqual([
      { name: 'demographic_parity_difference', value: 0.0158, formatted: '0.0158' },
      { name: 'equal_opportunity_difference', value: 0.1588, formatted: '0.1588' },
    ]);
    expect(ctx.feature_importance.map((f) => [f.rank, f.feature])).toEqual([
      [1, 'prior_claims'],
      [2, 'age'],
    ]);
  });

  it('adds automatic caveats: small slices, undefined metrics, gate reasons', () => {
    const { run, model } = loadFixture();
    const withNull = RunRecordSchema.parse({
      ...run,
      metrics: { ...run.metrics, overall: { ...run.metrics.overall, average_precision: null } },
    });
    const ctx = buildCardContext({ run: withNull, model, gate: needsApproval() });
    const kinds = ctx.caveats.items.map((c) => c.kind);
    expect(kinds).toEqual(['null-metric', 'small-slice', 'null-metric', 'gate-needs-approval']);
    expect(ctx.caveats.items[1]!.message).toBe(
      'Slice gender = (missing) has only 12 evaluation rows (fewer than 30): its metrics are unreliable.',
    );
    expect(ctx.caveats.items.map((c) => c.message)).toContain('roc_auc fell by 0.012 (limit 0.01).');
    expect(ctx.caveats.limitations).toMatch(/^Drivers under 21/);
    expect(ctx.caveats.recommendations).toContain(
      'A reviewer must approve the flagged changes before this model is released.',
    );
  });

  it('reports failed gates, failed runs and dirty trees', () => {
    const { run, model } = loadFixture();
    const failed = RunRecordSchema.parse({
      ...run,
      status: 'failed',
      error: 'exit code 1',
      git: { ...run.git, dirty: true },
    });
    const ctx = buildCardContext({
      run: failed,
      model,
      gate: {
        verdict: 'fail',
        reasons: [{ level: 'fail', code: 'metric-below-min', message: 'roc_auc 0.69 is below 0.7.' }],
        bump: { bump: 'patch', reason: 'default' },
      },
    });
    expect(ctx.caveats.items.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['run-failed', 'dirty-tree', 'gate-fail']),
    );
    expect(ctx.caveats.items[0]!.message).toBe('The run failed: exit code 1');
    expect(ctx.audit.verdict).toBe('fail');
    expect(ctx.audit.verdict_label).toBe('fail');
    expect(ctx.caveats.recommendations).toContain(
      "Do not release this model until the gate's failures are fixed.",
    );
  });

  it('fills the audit: approver from the options or the gate result, else "not yet approved"', () => {
    const { run, model } = loadFixture();
    const none = buildCardContext({ run, model, version: '1.3.0', now: NOW });
    expect(none.audit).toMatchObject({
      run_id: 'risk-20261126T084506Z-772a',
      version: '1.3.0',
      tag: 'risk@v1.3.0',
      git_sha: 'bbbdc11e541aba9c3ffab3ebb59a3d128fd52a46',
      approver: null,
      approver_label: 'not yet approved',
      verdict: null,
      verdict_label: 'not evaluated',
      generated_at: '2026-11-27T10:00:00.000Z',
    });
    expect(none.audit.data.map((d) => [d.split, d.hash])).toEqual([
      ['train', 'sha256:a88169b7530795fae2157505cff960e671fe61d9fec155ba646ee1a53b5cedce'],
      ['eval', 'sha256:5d1f0c3b9e8a7f6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b4a3928170615'],
    ]);
    expect(buildCardContext({ run, model, gate: needsApproval('octocat') }).audit.approver).toBe('octocat');
    const explicit = buildCardContext({ run, model, gate: needsApproval('octocat'), approver: 'hubot' });
    expect(explicit.audit).toMatchObject({ approver: 'hubot', verdict_label: 'needs approval' });
    expect(explicit.caveats.recommendations).not.toContain(
      'A reviewer must approve the flagged changes before this model is released.',
    );
  });

  it('is pure: without `now` the generation time is the run start', () => {
    const { run, model } = loadFixture();
    const a = buildCardContext({ run, model });
    expect(a.audit.generated_at).toBe(run.created_at);
    expect(buildCardContext({ run, model })).toEqual(a);
  });

  it('maps tasks and metrics to the Hugging Face metadata', () => {
    const { run, model } = loadFixture();
    const hf = buildCardContext({ run, model }).huggingface;
    expect(hf).toMatchObject({
      license: 'other',
      library_name: 'tensorflowjs',
      task_type: 'tabular-classification',
      task_name: 'Binary classification',
      dataset_name: 'policies_eval.csv',
      dataset_type: 'data/policies_eval.csv',
    });
    expect(hf.tags).toEqual(['modelgate', 'tabular-classification', 'binary', 'tensorflowjs']);
    expect(hf.metrics).toContainEqual({ type: 'roc_auc', value: 0.6922, name: 'ROC AUC' });

    const regression = RunRecordSchema.parse({
      ...run,
      task: 'regression',
      mode: 'command',
      data: { train: run.data.train },
      metrics: { overall: { rmse: 1.5, r2: null }, slices: [] },
      command: { run: 'EPOCHS=3 /usr/bin/python3 train.py', exit_code: 0, signal: null, log: 'train.log' },
    });
    const ctx = buildCardContext({ run: regression, model: { ...model, task: 'regression' } });
    expect(ctx.huggingface).toMatchObject({
      task_type: 'tabular-regression',
      library_name: 'python3',
      dataset_name: 'policies.csv',
    });
    expect(ctx.huggingface.metrics).toEqual([{ type: 'rmse', value: 1.5, name: 'Root mean squared error' }]);
    expect(ctx.model.command).toBe('EPOCHS=3 /usr/bin/python3 train.py');
    expect(ctx.model.threshold).toBeNull();
    expect(ctx.metrics.primary).toBe('rmse');
    expect(ctx.evaluation_data.dataset).toBeNull();
    expect(ctx.evaluation_data.note).toMatch(/training command wrote/);
  });

  it('describes the signature when given', () => {
    const { run, model } = loadFixture();
    const signature: ModelSignature = {
      format: 'modelgate-signature',
      version: 1,
      model: 'risk',
      inputs: [
        { name: 'age', type: 'numeric', nullable: false },
        { name: 'region', type: 'categorical', nullable: false, categories: ['north', 'south', 'urban'] },
      ],
      output: { task: 'binary', label: 'claim', positive_label: '1', negative_label: '0', threshold: 0.3 },
    };
    expect(buildCardContext({ run, model }).signature).toBeNull();
    expect(buildCardContext({ run, model, signature }).signature).toEqual({
      inputs: [
        { name: 'age', type: 'numeric', nullable: false, categories: null },
        { name: 'region', type: 'categorical', nullable: false, categories: 3 },
      ],
      label: 'claim',
      positive_label: '1',
      classes: [],
    });
  });
});

describe('paramRows', () => {
  it("lists the dotted paths of the diff's flattenParams, values as text", () => {
    expect(paramRows({ a: { b: 1, c: [1, 2], d: {} }, e: 'x', f: null })).toEqual([
      { name: 'a.b', value: '1' },
      { name: 'a.c', value: '[1,2]' },
      { name: 'e', value: 'x' },
      { name: 'f', value: 'null' },
    ]);
  });
});
