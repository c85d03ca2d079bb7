import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunRecord, RunRecordSchema } from '../../src/config/run-record.js';
import { readRows } from '../../src/data/read-rows.js';
import { TrainError } from '../../src/errors.js';
import { computeMetrics, sliceMetrics } from '../../src/metrics/index.js';
import { toReport } from '../../src/runs/predictions.js';
import { runTraining } from '../../src/runs/run-training.js';
import { cli, FIXTURES, hasStack, tempDir } from '../cli/helpers.js';

interface Setup {
  behaviour?: 'ok' | 'fail' | 'hang' | 'no-predictions' | 'bad-predictions' | 'bad-metrics';
  timeoutMinutes?: number;
  /** Replaces the command section's output lines (predictions / metrics / model_dir). */
  outputs?: string[];
}

/** A repository in a temp folder with models/cmd/{model.yml, train.mjs, data/}; returns the root and model.yml. */
async function commandRepo(setup: Setup = {}): Promise<{ root: string; modelFile: string }> {
  const root = await tempDir('modelgate-command-');
  const modelDir = join(root, 'models', 'cmd');
  await mkdir(join(root, '.github'), { recursive: true });
  await writeFile(
    join(root, '.github', 'modelgate.yml'),
    'models:\n  - name: cmd-model\n    path: models/cmd\n',
  );
  await cp(join(FIXTURES, 'command', 'data'), join(modelDir, 'data'), { recursive: true });
  await copyFile(join(FIXTURES, 'command', 'train.mjs'), join(modelDir, 'train.mjs'));
  const outputs = setup.outputs ?? [
    '  predictions: predictions.csv',
    '  metrics: metrics.json',
    '  model_dir: model',
  ];
  const modelFile = join(modelDir, 'model.yml');
  await writeFile(
    modelFile,
    [
      'name: cmd-model',
      'task: binary',
      'threshold: 0.4',
      'data:',
      '  train: data/train.csv',
      '  eval: data/eval.csv',
      '  label: label',
      '  slices: [group]',
      'command:',
      '  run: node train.mjs',
      ...outputs,
      `  timeout_minutes: ${setup.timeoutMinutes ?? 2}`,
      '  env:',
      `    BEHAVIOUR: ${setup.behaviour ?? 'ok'}`,
      '',
    ].join('\n'),
  );
  return { root, modelFile };
}

function readRecord(dir: string): RunRecord {
  return RunRecordSchema.parse(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
}

async function predictionArrays(file: string) {
  const yTrue: number[] = [];
  const score: number[] = [];
  const group: string[] = [];
  for await (const row of readRows(file)) {
    yTrue.push(Number(row['label']));
    score.push(Number(row['score']));
    group.push(String(row['group']));
  }
  return { yTrue: Float64Array.from(yTrue), score: Float64Array.from(score), group };
}

/** Whether a process is alive (a zombie counts as dead). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

describe('command mode', () => {
  it('runs the command, evaluates its predictions and writes a valid run record', async () => {
    const { root, modelFile } = await commandRepo();
    const out = join(root, 'runs', 'ok');
    const logs: string[] = [];
    const { dir, record } = await runTraining({ modelFile, outDir: out, log: (l) => logs.push(l), env: {} });
    expect(dir).toBe(out);
    expect(readRecord(out)).toEqual(record);
    expect(record).toMatchObject({
      schema_version: 1,
      model: 'cmd-model',
      task: 'binary',
      mode: 'command',
      status: 'succeeded',
      command: { run: 'node train.mjs', exit_code: 0, signal: null, log: 'train.log' },
      artifacts: { log: 'train.log', model: 'model', predictions: 'predictions.csv' },
      params: { command: 'node train.mjs', env: { BEHAVIOUR: 'ok' }, seed: 42, threshold: 0.4 },
      git: { sha: null, branch: null, dirty: null },
    });
    expect(record.id).toMatch(/^cmd-model-\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(record.environment.backend).toBeNull();
    expect(record.data.train).toMatchObject({ path: 'models/cmd/data/train.csv', rows: 40, format: 'csv' });
    expect(record.data.eval).toMatchObject({ path: 'models/cmd/data/eval.csv', rows: 30 });
    expect(record.timings.train_ms).toBeGreaterThan(0);

    // Metrics: modelgate's own, from the predictions (at the model's threshold), win; extras merged.
    const p = await predictionArrays(join(out, 'predictions.csv'));
    expect(p.yTrue.length).toBe(30);
    const input = { yTrue: p.yTrue, score: p.score, threshold: 0.4 };
    const expected = computeMetrics('binary', input);
    expect(record.metrics.overall).toEqual({ custom_score: 0.25, ...expected });
    expect(record.metrics.overall['roc_auc']).not.toBe(-1);
    expect(record.metrics.eval_rows).toBe(30);
    expect(record.metrics.slices).toEqual([toReport(sliceMetrics('binary', input, 'group', p.group))]);

    // The log file holds the command's output, stdout and stderr; the log callback saw it too.
    const log = await readFile(join(out, 'train.log'), 'utf8');
    for (const line of ['train rows: 40', 'task=binary model=cmd-model seed=42', 'eval rows: 30', 'done']) {
      expect(log).toContain(line);
      expect(logs).toContain(`  | ${line}`);
    }
    expect(existsSync(join(out, 'model', 'weights.txt'))).toBe(true);
    expect(existsSync(join(out, 'model.yml'))).toBe(true);

    // Re-evaluating a command run evaluates its predictions again, with the same numbers.
    const ev = await cli(['evaluate', '--run', out, '--json'], root);
    expect(ev.code, ev.err).toBe(0);
    const evaluation = JSON.parse(ev.out) as { metrics: Record<string, number>; rows: number };
    expect(evaluation.rows).toBe(30);
    expect(evaluation.metrics).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('train without --out writes the run under the working directory (.modelgate/runs/<id>)', async () => {
    const { root } = await commandRepo({ outputs: ['  metrics: metrics.json'] });
    const r = await cli(['train', '--model', 'models/cmd/model.yml', '--json'], root);
    expect(r.code, r.err).toBe(0);
    const id = (JSON.parse(r.out) as RunRecord).id;
    expect(existsSync(join(root, '.modelgate', 'runs', id, 'run.json'))).toBe(true);
    expect(existsSync(join(process.cwd(), '.modelgate', 'runs', id))).toBe(false);
  });

  it('a command that writes only metrics.json records its metrics', async () => {
    const { root, modelFile } = await commandRepo({ outputs: ['  metrics: metrics.json'] });
    const { record } = await runTraining({ modelFile, outDir: join(root, 'run'), log: () => {}, env: {} });
    expect(record.status).toBe('succeeded');
    expect(record.metrics).toEqual({ overall: { custom_score: 0.25, roc_auc: -1 }, slices: [] });
    expect(record.artifacts).toEqual({ log: 'train.log' });
  });

  it('a failing command (exit 3): TrainError, exit 1, and a failed run record with the exit code', async () => {
    const { root, modelFile } = await commandRepo({ behaviour: 'fail' });
    await expect(
      runTraining({ modelFile, outDir: join(root, 'direct'), log: () => {}, env: {} }),
    ).rejects.toBeInstanceOf(TrainError);

    const r = await cli(['train', '--model', modelFile, '--out', 'runs/fail'], root);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the command exited with code 3/);
    expect(r.err).toContain('CUDA out of memory (simulated)'); // the last lines of output
    expect(r.err).toContain(join(root, 'runs', 'fail', 'run.json'));
    expect(hasStack(r.err)).toBe(false);
    const record = readRecord(join(root, 'runs', 'fail'));
    expect(record).toMatchObject({
      mode: 'command',
      status: 'failed',
      command: { exit_code: 3, signal: null, log: 'train.log' },
      metrics: { overall: {}, slices: [] },
      artifacts: { log: 'train.log' },
    });
    expect(record.error).toMatch(/exited with code 3/);
    expect(await readFile(join(root, 'runs', 'fail', 'train.log'), 'utf8')).toContain('CUDA out of memory');
  });

  it('a command past its timeout is killed with the children it spawned, and recorded as timed out', async () => {
    const { root, modelFile } = await commandRepo({ behaviour: 'hang', timeoutMinutes: 0.04 });
    const out = join(root, 'run');
    const started = performance.now();
    const err = await runTraining({ modelFile, outDir: out, log: () => {}, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrainError);
    expect((err as Error).message).toMatch(/timed out after 0\.04 minutes/);
    expect(performance.now() - started).toBeLessThan(15_000);
    const record = readRecord(out);
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/timed out/);
    expect(record.command).toMatchObject({ exit_code: null, signal: 'SIGTERM' });
    const pid = Number(await readFile(join(out, 'child.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 3000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const survived = alive(pid);
    if (survived) process.kill(pid, 'SIGKILL'); // do not leak it into the next test
    expect(survived, `child process ${pid} survived the timeout`).toBe(false);
    expect(await readFile(join(out, 'train.log'), 'utf8')).toContain('waiting forever');
  }, 20_000);

  it('a command that writes no predictions file fails naming command.predictions', async () => {
    const { root, modelFile } = await commandRepo({ behaviour: 'no-predictions' });
    const r = await cli(['train', '--model', 'models/cmd/model.yml', '--out', 'run'], root);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/did not write its predictions file predictions\.csv \(command\.predictions\)/);
    expect(hasStack(r.err)).toBe(false);
    const record = readRecord(join(root, 'run'));
    expect(record.status).toBe('failed');
    expect(record.command?.exit_code).toBe(0);
    expect(record.error).toMatch(/command\.predictions/);
    expect(modelFile).toContain('cmd');
  });

  it('invalid predictions or metrics from the command: a failed run naming file, line and field', async () => {
    const bad = await commandRepo({ behaviour: 'bad-predictions' });
    const r = await cli(['train', '--model', bad.modelFile, '--out', 'run'], bad.root);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `invalid predictions from the command: ${join(bad.root, 'run', 'predictions.csv')}:3 column "score": expected a number, got "high"`,
    );
    expect(readRecord(join(bad.root, 'run'))).toMatchObject({ status: 'failed', command: { exit_code: 0 } });

    const badMetrics = await commandRepo({ behaviour: 'bad-metrics' });
    const m = await cli(['train', '--model', badMetrics.modelFile, '--out', 'run'], badMetrics.root);
    expect(m.code).toBe(1);
    expect(m.err).toContain('invalid metrics from the command');
    expect(m.err).toContain(`${join(badMetrics.root, 'run', 'metrics.json')}: roc_auc: `);
    expect(m.err).toContain('(got "high")');
    expect(hasStack(m.err)).toBe(false);
    const record = readRecord(join(badMetrics.root, 'run'));
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/invalid metrics/);
  });

  it('a command that cannot start is a failed run with exit code 127', async () => {
    const { root, modelFile } = await commandRepo();
    await writeFile(
      modelFile,
      (await readFile(modelFile, 'utf8')).replace('run: node train.mjs', 'run: ./no-such-trainer --go'),
    );
    const r = await cli(['train', '--model', modelFile, '--out', 'run'], root);
    expect(r.code).toBe(1);
    expect(readRecord(join(root, 'run')).command?.exit_code).toBe(127);
  });
});
