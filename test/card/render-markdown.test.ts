import { describe, expect, it } from 'vitest';
import { buildCardContext, renderCard } from '../../src/card/index.js';
import { RunRecordSchema } from '../../src/config/run-record.js';
import type { ModelSignature } from '../../src/train/saved-model.js';
import { loadFixture, markdownTables, NOW, needsApproval } from './helpers.js';

/** The sections of Mitchell et al. (2019), plus the audit, in order. */
const SECTIONS = [
  '## Model details',
  '## Intended use',
  '## Factors',
  '## Metrics',
  '## Evaluation data',
  '## Training data',
  '## Quantitative analyses',
  '## Ethical considerations',
  '## Caveats and recommendations',
  '## Audit',
];

describe('renderCard (markdown)', () => {
  it('has every Mitchell et al. section, in order', () => {
    const { run, model } = loadFixture();
    const card = renderCard({ format: 'markdown', run, model, version: '1.3.0', now: NOW });
    const lines = card.split('\n');
    const at = SECTIONS.map((s) => lines.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(lines[0]).toBe('# Model card: risk v1.3.0');
  });

  it('fills version, SHA, data hashes, metrics, slices and gaps', () => {
    const { run, model } = loadFixture();
    const card = renderCard({ format: 'markdown', run, model, version: '1.3.0', now: NOW });
    expect(card).toContain('| Version | 1.3.0 |');
    expect(card).toContain('| Release tag | `risk@v1.3.0` |');
    expect(card).toContain('| Git SHA | `bbbdc11e541aba9c3ffab3ebb59a3d128fd52a46` |');
    expect(card).toContain('`sha256:a88169b7530795fae2157505cff960e671fe61d9fec155ba646ee1a53b5cedce`');
    expect(card).toContain('`sha256:5d1f0c3b9e8a7f6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b4a3928170615`');
    expect(card).toContain('| `roc_auc` (primary) | 0.6922 | ↑ higher |');
    expect(card).toContain('| `log_loss` | 0.4267 | ↓ lower |');
    expect(card).toContain('### By `gender`');
    expect(card).toContain('| female | 2,428 | 0.7034 | 0.8151 | 0.4012 | 0.3411 |');
    expect(card).toContain('| (missing) (small) | 12 | n/a | 0.9167 | 0.0000 | 0.0000 |');
    expect(card).toContain('| `equal_opportunity_difference` | 0.1588 |');
    expect(card).toContain('| 1 | `prior_claims` | 0.0611 | 0.0042 |');
    expect(card).toContain(
      '- Slice gender = (missing) has only 12 evaluation rows (fewer than 30): its metrics are unreliable.',
    );
    expect(card).toContain('Evaluated on 5,000 rows. Primary metric: `roc_auc`.');
  });

  it('names the approver and verdict when given, "not yet approved" otherwise', () => {
    const { run, model } = loadFixture();
    const pending = renderCard({ format: 'markdown', run, model, gate: needsApproval(), now: NOW });
    expect(pending).toContain('| Approver | not yet approved |');
    expect(pending).toContain('| Gate verdict | needs approval |');
    expect(pending).toContain(
      '- **needs-approval** (`metric-regressed`): roc\\_auc fell by 0.012 (limit 0.01).',
    );
    const approved = renderCard({ format: 'markdown', run, model, gate: needsApproval('octocat'), now: NOW });
    expect(approved).toContain('| Approver | octocat |');
    const none = renderCard({ format: 'markdown', run, model, now: NOW });
    expect(none).toContain('| Gate verdict | not evaluated |');
    expect(none).toContain('| Version | unreleased |');
    expect(none.split('\n')[0]).toBe('# Model card: risk (unreleased)');
  });

  it('renders from a built context, the same as from its inputs', () => {
    const { run, model } = loadFixture();
    const context = buildCardContext({ run, model, version: '1.3.0', now: NOW });
    expect(renderCard({ format: 'markdown', context })).toBe(
      renderCard({ format: 'markdown', run, model, version: '1.3.0', now: NOW }),
    );
  });

  it('writes well-formed tables (every row as wide as its header)', () => {
    const { run, model } = loadFixture();
    const card = renderCard({ format: 'markdown', run, model, gate: needsApproval('octocat'), now: NOW });
    const tables = markdownTables(card);
    expect(tables.length).toBeGreaterThanOrEqual(8);
    for (const table of tables) {
      const width = table[0]!.length;
      for (const row of table) expect(row).toHaveLength(width);
    }
  });

  it('says what is missing instead of leaving empty sections', () => {
    const { run, model } = loadFixture();
    const bare = {
      ...model,
      description: '',
      intended_use: '',
      out_of_scope: '',
      ethical_considerations: '',
    };
    const card = renderCard({
      format: 'markdown',
      run: { ...run, metrics: { ...run.metrics, slices: [] }, importance: undefined },
      model: bare,
    });
    expect(card).toContain('_No description: set `description` in model.yml._');
    expect(card).toContain('**Primary intended uses.** _Not stated: set `intended_use` in model.yml._');
    expect(card).toContain('No slice columns are declared');
    expect(card).toContain('No per-slice analysis');
    expect(card).toContain('_Not stated: set `ethical_considerations` in model.yml._');
    expect(card).not.toContain('### Feature importance');
  });

  it('renders every kind of run in both formats with well-formed tables', () => {
    const { run, model } = loadFixture();
    const signature: ModelSignature = {
      format: 'modelgate-signature',
      version: 1,
      model: 'risk',
      inputs: [
        { name: 'age', type: 'numeric', nullable: true },
        { name: 'region', type: 'categorical', nullable: false, categories: ['north', 'south'] },
      ],
      output: { task: 'multiclass', label: 'tier', classes: ['low', 'mid', 'high'] },
    };
    const command = RunRecordSchema.parse({
      ...run,
      task: 'multiclass',
      mode: 'command',
      status: 'failed',
      error: 'exit code 2',
      git: { sha: null, branch: null, dirty: null },
      data: {},
      metrics: { overall: { accuracy: 0.7, log_loss: null }, slices: [] },
      importance: undefined,
      environment: { ...run.environment, backend: null, gpu: null, runner: null },
      command: { run: 'python3 train.py --epochs 3', exit_code: 2, signal: null, log: 'train.log' },
    });
    const regression = RunRecordSchema.parse({
      ...run,
      task: 'regression',
      metrics: {
        overall: { mae: 1.5, rmse: 2, r2: 0.8 },
        slices: [{ column: 'region', groups: [{ value: 'north', count: 3, metrics: { rmse: 2.5 } }] }],
        eval_rows: 3,
      },
    });
    for (const format of ['markdown', 'huggingface'] as const) {
      for (const variant of [command, regression]) {
        const card = renderCard({ format, run: variant, model, signature, now: NOW });
        for (const table of markdownTables(card)) {
          for (const row of table) expect(row).toHaveLength(table[0]!.length);
        }
      }
    }
    const card = renderCard({ format: 'markdown', run: command, model, signature });
    expect(card).toContain('| Training | command `python3 train.py --epochs 3` |');
    expect(card).toContain('| Git SHA | unknown |');
    expect(card).toContain('The run record has no training data fingerprint.');
    expect(card).toContain('The model predicts `tier` (classes: `low`, `mid`, `high`) from these inputs:');
    expect(card).toContain('| `region` | categorical | no | 2 |');
    expect(card).toContain('- The run failed: exit code 2');
  });

  it('matches the stored card for the fixture', async () => {
    const { run, model } = loadFixture();
    const card = renderCard({
      format: 'markdown',
      run,
      model,
      version: '1.3.0',
      gate: needsApproval('octocat'),
      license: 'mit',
      now: NOW,
    });
    await expect(card).toMatchFileSnapshot('./__snapshots__/default-card.md');
  });
});
