/** `modelgate validate` through the CLI: infer a contract, accept the data it came from, exit 4 on breaks. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/args.js';
import { main } from '../../src/cli.js';
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

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelgate-validate-cli-'));
  await writeRows(join(tmp, 'train.csv'), riskRows({ rows: 3000, seed: 1 }), RISK_COLUMNS);
  await writeRows(join(tmp, 'eval.csv'), riskRows({ rows: 1000, seed: 2, firstId: 900000 }), RISK_COLUMNS);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('modelgate validate', () => {
  it('infers a contract that accepts the data it came from and data like it', async () => {
    const inferred = await run([
      'validate',
      '--infer',
      '--data',
      'train.csv',
      '--label',
      'claim',
      '--out',
      'data.contract.yml',
    ]);
    expect(inferred.code, inferred.err).toBe(0);
    expect(await readFile(join(tmp, 'data.contract.yml'), 'utf8')).toMatch(/^# Data contract inferred/);
    const same = await run(['validate', '--data', 'train.csv', '--json']);
    expect(same.code, same.out).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ ok: true, rows: 3000 });
    const other = await run(['validate', '--data', 'eval.csv', '--contract', 'data.contract.yml']);
    expect(other.code, other.out).toBe(0);
    expect(other.out).toContain('## Data checks');
  });

  it('exits 4 with the column, rule and example rows when the data breaks the contract', async () => {
    const rows = [...riskRows({ rows: 200, seed: 3 })];
    rows[4] = { ...rows[4]!, age: 'thirty', region: 'atlantis' };
    rows[9] = { ...rows[9]!, age: 250 };
    await writeRows(join(tmp, 'bad.csv'), rows, RISK_COLUMNS);
    const r = await run(['validate', '--data', 'bad.csv', '--contract', 'data.contract.yml', '--json']);
    expect(r.code).toBe(4);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(false);
    const rules = report.violations.map(
      (v: { column: string; rule: string; examples: number[] }) =>
        `${v.column}:${v.rule}:${v.examples.join(',')}`,
    );
    expect(rules).toEqual(expect.arrayContaining(['age:type:5', 'age:max:10', 'region:categories:5']));
  });

  it('a bad contract is exit 2 naming the file, line and field', async () => {
    await writeFile(join(tmp, 'broken.yml'), 'version: 1\ncolumns:\n  age:\n    type: integer\n');
    const r = await run(['validate', '--data', 'train.csv', '--contract', 'broken.yml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.yml:4.*columns\.age\.type/);
  });
});
