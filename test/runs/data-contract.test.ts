/**
 * Data contracts in the loop: `modelgate train` checks the data against the model's contract and
 * records it in run.json; `modelgate diff` fails the gate on a break, asks for approval on a
 * statistical warning, and shows the "Data checks" section.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/args.js';
import { main } from '../../src/cli.js';
import { RunRecordSchema } from '../../src/config/run-record.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';

let tmp: string;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd: tmp };
  const code = await main(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const MODEL = `name: risk
task: binary
data:
  train: train.csv
  eval: eval.csv
  label: claim
  id: policy_id
trainer:
  hidden: [8]
  epochs: 1
  importance: { enabled: false }
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelgate-contract-'));
  await mkdir(join(tmp, 'm'), { recursive: true });
  await writeFile(join(tmp, 'm', 'model.yml'), MODEL);
  await writeRows(join(tmp, 'm', 'train.csv'), riskRows({ rows: 1200, seed: 1 }), RISK_COLUMNS);
  // The evaluation data comes from a shifted population: statistical warnings against the training data.
  await writeRows(
    join(tmp, 'm', 'eval.csv'),
    riskRows({ rows: 600, seed: 2, shift: 1, firstId: 900000 }),
    RISK_COLUMNS,
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('data contracts in train and diff', () => {
  it('records a contract break and fails the gate with a Data checks section', async () => {
    await writeFile(
      join(tmp, 'm', 'data.contract.yml'),
      'version: 1\ncolumns:\n  age: { type: number, min: 18, max: 50 }\nstatistics: { mean_tolerance: 0.3 }\n',
    );
    const trained = await run(['train', '--model', 'm/model.yml', '--out', 'runs/a']);
    expect(trained.code, trained.err).toBe(0);
    expect(trained.err).toMatch(/data contract, train: VIOLATED/);
    const record = RunRecordSchema.parse(
      JSON.parse(await readFile(join(tmp, 'runs', 'a', 'run.json'), 'utf8')),
    );
    const train = record.validation!.splits.find((s) => s.split === 'train')!;
    expect(record.validation!.contract).toBe('m/data.contract.yml');
    expect(train.errors).toBeGreaterThan(0);
    expect(train.violations[0]).toMatchObject({ column: 'age', rule: 'max', level: 'error' });
    expect(record.validation!.splits.find((s) => s.split === 'eval')!.warnings).toBeGreaterThan(0);

    const diff = await run([
      'diff',
      '--baseline',
      'none',
      '--candidate',
      'runs/a',
      '--resamples',
      '0',
      '--json',
    ]);
    const j = JSON.parse(diff.out);
    expect(j.verdict).toBe('fail');
    expect(j.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['data-contract', 'data-expectation']),
    );
    const md = await run([
      'diff',
      '--baseline',
      'none',
      '--candidate',
      'runs/a',
      '--resamples',
      '0',
      '--markdown',
    ]);
    expect(md.out).toContain('#### Data checks');
    expect(md.out).toMatch(/\| error \| age \| max \|/);
  });

  it('without a contract nothing is checked; a declared contract that is missing is a config error', async () => {
    await rm(join(tmp, 'm', 'data.contract.yml'));
    expect((await run(['train', '--model', 'm/model.yml', '--out', 'runs/b'])).code).toBe(0);
    const record = JSON.parse(await readFile(join(tmp, 'runs', 'b', 'run.json'), 'utf8'));
    expect(record.validation).toBeUndefined();
    await writeFile(
      join(tmp, 'm', 'model.yml'),
      MODEL.replace('  id: policy_id\n', '  id: policy_id\n  contract: nope.yml\n'),
    );
    const missing = await run(['train', '--model', 'm/model.yml', '--out', 'runs/c']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/data\.contract/);
  });
});
