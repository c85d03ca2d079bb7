import { describe, expect, it } from 'vitest';
import { renderCard } from '../../src/card/index.js';
import { RunRecordSchema } from '../../src/config/run-record.js';
import { loadFixture, NOW, needsApproval, splitCard } from './helpers.js';

interface ModelIndex {
  name: string;
  results: {
    task: { type: string; name: string };
    dataset: { name: string; type: string };
    metrics: { type: string; value: number; name: string }[];
  }[];
}

describe('renderCard (huggingface)', () => {
  it('writes YAML front matter after the Hugging Face metadata spec', () => {
    const { run, model } = loadFixture();
    const card = renderCard({ format: 'huggingface', run, model, version: '1.3.0', license: 'apache-2.0' });
    const { meta } = splitCard(card);
    expect(meta['license']).toBe('apache-2.0');
    expect(meta['library_name']).toBe('tensorflowjs');
    expect(meta['tags']).toEqual(['modelgate', 'tabular-classification', 'binary', 'tensorflowjs']);
    const index = meta['model-index'] as ModelIndex[];
    expect(index[0]!.name).toBe('risk');
    const result = index[0]!.results[0]!;
    expect(result.task).toEqual({ type: 'tabular-classification', name: 'Binary classification' });
    expect(result.dataset).toEqual({ name: 'policies_eval.csv', type: 'data/policies_eval.csv' });
    const metrics = Object.fromEntries(result.metrics.map((m) => [m.type, m.value]));
    expect(metrics).toEqual(run.metrics.overall);
    expect(result.metrics.find((m) => m.type === 'roc_auc')).toEqual({
      type: 'roc_auc',
      value: 0.6922,
      name: 'ROC AUC',
    });
  });

  it('has the body sections of the Hugging Face template', () => {
    const { run, model } = loadFixture();
    const { body } = splitCard(
      renderCard({ format: 'huggingface', run, model, gate: needsApproval('octocat'), now: NOW }),
    );
    for (const heading of [
      '# Model Card for risk',
      '## Model Details',
      '## Uses',
      '### Direct Use',
      '### Out-of-Scope Use',
      '## Bias, Risks, and Limitations',
      '### Recommendations',
      '## Training Details',
      '### Training Data',
      '## Evaluation',
      '### Results',
      '## Audit',
    ]) {
      expect(body.split('\n')).toContain(heading);
    }
    expect(body).toContain('- **Approver:** octocat');
    expect(body).toContain('| `roc_auc` | 0.6922 |');
  });

  it('maps regression to tabular-regression, leaves undefined metrics out, and keeps an empty list valid', () => {
    const { run, model } = loadFixture();
    const regression = RunRecordSchema.parse({
      ...run,
      task: 'regression',
      metrics: { overall: { rmse: 2.5, mae: 1.25, r2: null }, slices: [] },
    });
    const { meta } = splitCard(renderCard({ format: 'huggingface', run: regression, model }));
    const result = (meta['model-index'] as ModelIndex[])[0]!.results[0]!;
    expect(result.task.type).toBe('tabular-regression');
    expect(result.metrics.map((m) => m.type)).toEqual(['mae', 'rmse']);

    const empty = RunRecordSchema.parse({ ...run, metrics: { overall: { auc: null }, slices: [] } });
    const emptyMeta = splitCard(renderCard({ format: 'huggingface', run: empty, model })).meta;
    expect((emptyMeta['model-index'] as ModelIndex[])[0]!.results[0]!.metrics).toEqual([]);
  });
});
