import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunRecord, RunRecordSchema } from '../../src/config/run-record.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';
import { cli, hasStack, tempDir } from '../cli/helpers.js';

/** |a - b| within 1e-9 relative (or 1e-12 absolute near zero); nulls must match. */
function expectClose(actual: Record<string, number | null>, expected: Record<string, number | null>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, want] of Object.entries(expected)) {
    const got = actual[k];
    if (want === null || got === null) {
      expect(got, k).toBe(want);
      continue;
    }
    expect(Math.abs(got! - want), `${k}: ${got} vs ${want}`).toBeLessThanOrEqual(
      Math.max(1e-12, 1e-9 * Math.abs(want)),
    );
  }
}

/** A tiny repository: 600 training rows, 200 eval rows, a 2-epoch model.yml. */
async function tinyRepo(options: { markers: boolean }): Promise<string> {
  const root = await tempDir('modelgate-tfjs-');
  if (options.markers) {
    await mkdir(join(root, '.github'), { recursive: true });
    await writeFile(
      join(root, '.github', 'modelgate.yml'),
      'models:\n  - name: risk\n    path: models/risk\n',
    );
  }
  await writeRows(join(root, 'data', 'train.csv'), riskRows({ rows: 600, seed: 11 }), RISK_COLUMNS);
  await writeRows(
    join(root, 'data', 'eval.csv'),
    riskRows({ rows: 200, seed: 12, firstId: 900000 }),
    RISK_COLUMNS,
  );
  await mkdir(join(root, 'models', 'risk'), { recursive: true });
  await writeFile(
    join(root, 'models', 'risk', 'model.yml'),
    [
      'name: risk',
      'task: binary',
      'threshold: 0.3',
      'data:',
      '  train: ../../data/train.csv',
      '  eval: ../../data/eval.csv',
      '  label: claim',
      '  id: policy_id',
      '  slices: [gender]',
      '  features:',
      '    - { name: age, type: numeric }',
      '    - { name: region, type: categorical }',
      '    - { name: vehicle_type, type: categorical }',
      '    - { name: prior_claims, type: numeric }',
      '    - { name: telematics_score, type: numeric }',
      'trainer:',
      '  hidden: [8]',
      '  batch_size: 64',
      '  epochs: 2',
      '  importance: { enabled: false }',
      '',
    ].join('\n'),
  );
  return root;
}

describe('tfjs mode through the CLI', () => {
  it('train -> evaluate -> register -> versions', async () => {
    const root = await tinyRepo({ markers: true });

    // train
    const train = await cli(
      ['train', '--model', 'models/risk/model.yml', '--out', 'runs/r1', '--json'],
      root,
    );
    expect(train.code, train.err).toBe(0);
    expect(hasStack(train.err)).toBe(false);
    const dir = join(root, 'runs', 'r1');
    const record: RunRecord = RunRecordSchema.parse(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
    expect(JSON.parse(train.out)).toEqual(JSON.parse(JSON.stringify(record)));
    expect(record).toMatchObject({
      model: 'risk',
      task: 'binary',
      mode: 'tfjs',
      status: 'succeeded',
      artifacts: { model: 'model', predictions: 'predictions.csv' },
      metrics: { eval_rows: 200 },
    });
    expect(record.data.train).toMatchObject({ path: 'data/train.csv', rows: 600 });
    expect(record.data.eval).toMatchObject({ path: 'data/eval.csv', rows: 200 });
    expect(record.history!.length).toBeGreaterThanOrEqual(1);
    expect(record.history!.length).toBeLessThanOrEqual(2);
    expect(record.importance).toBeUndefined();
    expect(record.environment.backend).toEqual(expect.any(String));
    expect(record.metrics.overall['roc_auc']).toEqual(expect.any(Number));
    expect(record.metrics.slices.map((s) => s.column)).toEqual(['gender']);
    const modelFiles = await readdir(join(dir, 'model'));
    expect(modelFiles).toEqual(
      expect.arrayContaining(['model.json', 'preprocessing.json', 'signature.json']),
    );
    const predictions = readFileSync(join(dir, 'predictions.csv'), 'utf8').trimEnd().split('\n');
    expect(predictions[0]).toBe('policy_id,claim,score,gender');
    expect(predictions).toHaveLength(201);

    // evaluate on the run's own eval data: the saved model reproduces the run's metrics
    const ev = await cli(['evaluate', '--run', 'runs/r1', '--json'], root);
    expect(ev.code, ev.err).toBe(0);
    const evaluation = JSON.parse(ev.out) as {
      run_id: string;
      rows: number;
      metrics: Record<string, number | null>;
      slices: RunRecord['metrics']['slices'];
    };
    expect(evaluation.run_id).toBe(record.id);
    expect(evaluation.rows).toBe(200);
    expectClose(evaluation.metrics, record.metrics.overall);
    expect(evaluation.slices.map((s) => s.column)).toEqual(['gender']);
    expect(existsSync(join(dir, 'evaluation.json'))).toBe(true);
    // The evaluated data is recorded like run.json's: relative to the repository root.
    const evaluationJson = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'));
    expect(evaluationJson.data.path).toBe(record.data.eval?.path);
    expect(evaluationJson.data.path).not.toMatch(/^\//);

    // register + versions
    const reg = await cli(['register', '--run', 'runs/r1', '--registry', 'reg'], root);
    expect(reg.code, reg.err).toBe(0);
    expect(reg.out).toMatch(/^registered risk@v1\.0\.0 \(run risk-/);
    const reg2 = await cli(
      ['register', '--run', 'runs/r1', '--registry', 'reg', '--bump', 'patch', '--json'],
      root,
    );
    expect(reg2.code, reg2.err).toBe(0);
    expect(JSON.parse(reg2.out)).toMatchObject({ tag: 'risk@v1.0.1', run_id: record.id });
    const dup = await cli(['register', '--run', 'runs/r1', '--registry', 'reg', '--version', '1.0.0'], root);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/risk@v1\.0\.0 already exists/);
    const list = await cli(['versions', '--model', 'risk', '--registry', 'reg', '--json'], root);
    expect(list.code, list.err).toBe(0);
    const versions = JSON.parse(list.out) as { version: string; run_id: string; metrics: object }[];
    expect(versions.map((v) => v.version)).toEqual(['1.0.1', '1.0.0']);
    expect(versions[1]).toMatchObject({ run_id: record.id, metrics: record.metrics.overall });
    const table = await cli(['versions', '--model', 'risk', '--registry', 'reg'], root);
    expect(table.out).toMatch(/risk@v1\.0\.1[\s\S]*risk@v1\.0\.0/);
    expect(existsSync(join(root, 'reg', 'models', 'risk', '1.0.0', 'model', 'model.json'))).toBe(true);
  });

  it('outside a repository, paths are relative to the working directory; --data evaluates another file', async () => {
    const root = await tinyRepo({ markers: false });
    const train = await cli(['train', '--model', 'models/risk/model.yml', '--out', 'run', '--json'], root);
    expect(train.code, train.err).toBe(0);
    const record = JSON.parse(train.out) as RunRecord;
    expect(record.data.eval?.path).toBe('data/eval.csv');
    const ev = await cli(['evaluate', '--run', 'run', '--json'], root);
    expect(ev.code, ev.err).toBe(0);
    expectClose(
      (JSON.parse(ev.out) as { metrics: Record<string, number | null> }).metrics,
      record.metrics.overall,
    );
    const other = await cli(['evaluate', '--run', 'run', '--data', 'data/train.csv'], root);
    expect(other.code, other.err).toBe(0);
    expect(other.out).toMatch(/on 600 rows of .*train\.csv/);
    expect(existsSync(join(root, 'run', 'evaluation', 'train-predictions.csv'))).toBe(true);
  });
});
