/**
 * The bundled `evaluate` action run as the runner runs it (Node 24): re-scoring a trained run on its
 * own evaluation data (the metrics must equal those recorded at training), on another file, a
 * command-mode run from its predictions, and the errors for a folder that is not a run.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/config/run-record.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';
import { runTraining } from '../../src/runs/run-training.js';
import { makeWorkspace, node24Path, runActionProcess } from './helpers.js';

let workspace: string;
let record: RunRecord;

beforeAll(async () => {
  await node24Path();
  workspace = await makeWorkspace();
  const run = await runTraining({
    modelFile: join(workspace, 'models', 'risk', 'model.yml'),
    outDir: join(workspace, '.modelgate', 'runs', 'risk'),
    cwd: workspace,
    backend: 'wasm',
    log: () => {},
    write: () => {},
    isTTY: false,
    env: {},
  });
  record = run.record;
  await writeRows(
    join(workspace, 'data', 'holdout.csv'),
    riskRows({ rows: 300, seed: 7, firstId: 7_000_000 }),
    RISK_COLUMNS,
  );
});
afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('evaluate action (node24, as the runner runs it)', () => {
  it("re-scores the run on its own evaluation data and finds the training run's metrics", async () => {
    const res = await runActionProcess('evaluate', {
      workspace,
      inputs: { 'run-dir': '.modelgate/runs/risk', backend: 'wasm' },
    });
    expect(res.stdout).not.toMatch(/::error::/);
    expect(res.code).toBe(0);
    const evaluation = JSON.parse(
      await readFile(join(workspace, '.modelgate', 'runs', 'risk', 'evaluation.json'), 'utf8'),
    );
    expect(res.outputs['run-dir']).toBe('.modelgate/runs/risk');
    expect(JSON.parse(res.outputs.metrics!)).toEqual(evaluation.metrics);
    expect(evaluation.rows).toBe(500);
    for (const [name, value] of Object.entries(record.metrics.overall)) {
      if (value === null) continue;
      expect(evaluation.metrics[name], name).toBeCloseTo(value, 6);
    }
    expect(res.summary).toMatch(/^## modelgate evaluate: risk/);
    expect(res.summary).toMatch(/\| Rows evaluated \| 500 \|/);
    expect(res.summary).toMatch(/\| Data \| data\/policies\\_eval\.csv \(500 rows, sha256:[0-9a-f]{12}\) \|/);
    expect(res.summary).toMatch(/\| ece \| 0\.\d{4} \| max 0\.05 \|/);
    expect(res.summary).toMatch(/\| gender \| female: \d+, male: \d+/);
  });

  it('evaluates on another file given as data', async () => {
    const res = await runActionProcess('evaluate', {
      workspace,
      node: 'node',
      inputs: { 'run-dir': '.modelgate/runs/risk', data: 'data/holdout.csv' },
    });
    expect(res.code).toBe(0);
    const metrics = JSON.parse(res.outputs.metrics!);
    expect(metrics.roc_auc).toBeGreaterThan(0);
    expect(metrics.roc_auc).toBeLessThan(1);
    expect(res.summary).toMatch(/\| Rows evaluated \| 300 \|/);
    expect(res.summary).toMatch(/\| Predictions \| evaluation\/holdout-predictions\.csv \|/);
  });

  it('re-evaluates a command-mode run from the predictions its command wrote', async () => {
    const dir = join(workspace, 'models', 'scripted');
    await mkdir(dir);
    // A "framework" that scores each policy by its prior claims: predictions.csv in $MODELGATE_OUTPUT.
    await writeFile(
      join(dir, 'train.mjs'),
      [
        "import { readFileSync, writeFileSync } from 'node:fs';",
        "const [head, ...rows] = readFileSync(process.env.MODELGATE_TRAIN_DATA, 'utf8').trim().split('\\n');",
        "const cols = head.split(',');",
        "const at = (r, c) => r.split(',')[cols.indexOf(c)];",
        "const score = (r) => Math.min(1, Number(at(r, 'prior_claims')) / 3);",
        "const out = ['claim,score,gender', ...rows.map((r) => [at(r, 'claim'), score(r), at(r, 'gender')].join(','))];",
        "writeFileSync(process.env.MODELGATE_OUTPUT + '/predictions.csv', out.join('\\n') + '\\n');",
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'model.yml'),
      [
        'name: scripted',
        'task: binary',
        'data:',
        '  train: ../../data/policies.csv',
        '  label: claim',
        '  slices: [gender]',
        'command:',
        `  run: ${JSON.stringify(`"${process.execPath}" train.mjs`)}`,
        '  predictions: predictions.csv',
        '  label_column: claim',
        '',
      ].join('\n'),
    );
    const run = await runTraining({
      modelFile: join(dir, 'model.yml'),
      outDir: join(workspace, 'runs', 'scripted'),
      cwd: workspace,
      log: () => {},
      isTTY: false,
      env: {},
    });
    expect(run.record.status).toBe('succeeded');
    const res = await runActionProcess('evaluate', { workspace, inputs: { 'run-dir': 'runs/scripted' } });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.outputs.metrics!)).toEqual(run.record.metrics.overall);
    expect(res.summary).toMatch(/\| Data \| the run's own predictions \|/);
    // A command's model cannot score new data: the error says so.
    const other = await runActionProcess('evaluate', {
      workspace,
      inputs: { 'run-dir': 'runs/scripted', data: 'data/holdout.csv' },
    });
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(
      /::error::modelgate evaluate: run scripted-\S+ was trained by a command; modelgate cannot score new data/,
    );
  });

  it('names a folder that is not a run, and a missing input', async () => {
    const notRun = await runActionProcess('evaluate', { workspace, inputs: { 'run-dir': 'models' } });
    expect(notRun.code).toBe(1);
    expect(notRun.stdout).toMatch(
      /::error::modelgate evaluate: .*models is not a run folder: run\.json not found/,
    );
    const missing = await runActionProcess('evaluate', { workspace, inputs: {} });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/input "run-dir" \(INPUT_RUN-DIR\): is required but was not set/);
  });
});
