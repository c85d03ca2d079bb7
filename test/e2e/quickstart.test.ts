/**
 * The README's quick start, end to end: `npm start` (the demo, run here the way the script runs it)
 * and the installed `modelgate` bin (compiled dist/) as a user's shell would call it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRecordSchema } from '../../src/config/run-record.js';

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelgate-e2e-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('npm start (modelgate demo)', () => {
  it('runs the loop on the example in a temporary git repository', async () => {
    const dir = join(tmp, 'demo');
    const { stdout } = await exec(
      process.execPath,
      [
        join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(root, 'src', 'cli.ts'),
        'demo',
        '--dir',
        dir,
        '--rows',
        '3000',
      ],
      { cwd: root, timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } },
    );
    expect(stdout).toContain('registered risk@v1.0.0');
    expect(stdout).toMatch(/== 7\. Compare the candidate with risk@v1\.0\.0/);
    expect(stdout).toMatch(/roc_auc\s+0\.\d{4}\s+0\.\d{4}\s+[+-]0\.\d{4}\s+\[-?0\.\d{4}, -?0\.\d{4}\]/);
    expect(stdout).toMatch(/demographic_parity_difference\s+0\.\d{4}\s+0\.\d{4}\s+0\.1000/);
    expect(stdout).toMatch(/^verdict: (pass|needs-approval|fail) /m);
    // The same pull request through the App's handlers on an in-memory GitHub.
    expect(stdout).toMatch(/pull request #7 opened: check modelgate\/risk: in_progress/);
    expect(stdout).toMatch(
      /training finished: one sticky comment \(\d+ characters\), check modelgate\/risk: completed \/ (success|action_required|failure)/,
    );
    expect(stdout).toMatch(/the repository now has tags risk@v1\.0\.0, risk@v1\.1\.0, 2 published releases/);
    // Serving: the stable version answers, a 20% canary takes part of the traffic, then is promoted.
    expect(stdout).toMatch(/deployed risk@v1\.0\.0 to production \(success\)/);
    expect(stdout).toMatch(/traffic: 400 requests in \d+ ms: 400 by 1\.0\.0 \(stable\)/);
    expect(stdout).toMatch(
      /traffic: 400 requests in \d+ ms: \d+ by 1\.0\.0 \(stable\), \d+ by 1\.1\.0 \(canary\)/,
    );
    expect(stdout).toMatch(/traffic: 400 requests in \d+ ms: 400 by 1\.1\.0 \(stable\)/);
    expect(stdout).toMatch(/production-canary\s+risk@v1\.1\.0\s+in_progress -> success -> inactive/);
    // Drift monitoring against the release's reference profile: the issue opens, then closes.
    expect(stdout).toMatch(/^week 1: no drift/m);
    expect(stdout).toMatch(/^week 2: DRIFT/m);
    expect(stdout).toMatch(/opened issue #1 "Drift detected: risk@v1\.1\.0/);
    expect(stdout).toMatch(/closed issue #1: drift cleared/);
    expect(existsSync(join(dir, '.modelgate', 'models', 'risk', '1.0.0', 'profile.json'))).toBe(true);
    expect(await readFile(join(dir, 'reports', 'drift-issue.md'), 'utf8')).toContain(
      '<!-- modelgate:drift:risk@1.1.0 -->',
    );

    const version = JSON.parse(
      await readFile(join(dir, '.modelgate', 'models', 'risk', '1.0.0', 'version.json'), 'utf8'),
    );
    expect(version.tag).toBe('risk@v1.0.0');
    const baseline = RunRecordSchema.parse(
      JSON.parse(await readFile(join(dir, '.modelgate', 'runs', 'baseline', 'run.json'), 'utf8')),
    );
    const candidate = RunRecordSchema.parse(
      JSON.parse(await readFile(join(dir, '.modelgate', 'runs', 'candidate', 'run.json'), 'utf8')),
    );
    expect(candidate.params).toMatchObject({ trainer: { hidden: [64, 32], learning_rate: 0.002 } });
    expect(baseline.params).toMatchObject({ trainer: { hidden: [32, 16], learning_rate: 0.003 } });
    expect(baseline.data.train?.rows).toBe(3000);
    expect(baseline.metrics.overall.roc_auc).toBeGreaterThan(0.6);
    // Each run records the commit it trained: the baseline on main, the candidate on the branch.
    const { stdout: log } = await exec('git', ['log', '--format=%H %s', 'tune/wider-mlp'], { cwd: dir });
    const commits = log.trim().split('\n');
    expect(commits).toHaveLength(2);
    expect(candidate.git.sha).toBe(commits[0]!.split(' ')[0]);
    expect(baseline.git.sha).toBe(commits[1]!.split(' ')[0]);
    expect(candidate.git.branch).toBe('tune/wider-mlp');
    const comment = await readFile(join(dir, 'reports', 'pr-comment.md'), 'utf8');
    expect(comment.match(/<!-- modelgate:report:risk -->/g)).toHaveLength(1);
    const card = await readFile(join(dir, 'reports', 'model-card.md'), 'utf8');
    expect(card).toContain(candidate.id);
    expect(await readFile(join(dir, 'reports', 'report.html'), 'utf8')).toContain('<svg');
  }, 180_000);
});

describe('the modelgate bin (compiled)', () => {
  beforeAll(async () => {
    await exec(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        timeout: 170_000,
      },
    );
  }, 180_000);

  const bin = (args: string[], cwd = tmp) =>
    exec(process.execPath, [join(root, 'bin', 'modelgate.js'), ...args], { cwd, timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('prints help and exits 0; unknown commands exit 2', async () => {
    const help = await bin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: modelgate <command>');
    const bad = await bin(['trian']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "trian"');
  });

  it('generates example data and computes metrics from a predictions file as JSON', async () => {
    const data = join(tmp, 'bin-data.csv');
    const gen = await bin(['example-data', '--out', data, '--rows', '400', '--seed', '3']);
    expect(gen.code).toBe(0);
    expect(existsSync(data)).toBe(true);
    const m = await bin([
      'metrics',
      '--task',
      'regression',
      '--predictions',
      data,
      '--label',
      'age',
      '--score',
      'years_licensed',
      '--json',
    ]);
    expect(m.code).toBe(0);
    const parsed = JSON.parse(m.stdout);
    expect(Object.keys(parsed).sort()).toEqual(['mae', 'mape', 'mse', 'r2', 'rmse']);
    expect(parsed.mae).toBeGreaterThan(0);
  });

  it('rejects a bad model.yml with file, line and field, without a stack trace', async () => {
    const bad = await bin(['train', '--model', join(root, 'test', 'e2e', 'missing-dir', 'model.yml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('file not found');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
