/**
 * The actions' own overhead: what a step costs beyond the model work it does. Each bundled action
 * runs as the runner runs it (Node 24, a fresh process, INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files) in a workspace made from examples/risk-scoring with small data, and is
 * compared with the peer measured in the same run: a bare `node -e ''` start of the same binary.
 *
 * - load: the bundle started with a missing required input (parse + evaluate the bundle, validate,
 *   fail): the fixed price of each action.
 * - train: wall time minus the run's own `timings.total_ms` from run.json (data, training,
 *   evaluation): process start, bundle load, config, summary, outputs.
 * - evaluate, drift: the whole step on small data (their work is small; it is all "overhead" here).
 *
 * Usage: npx tsx bench/actions-overhead.ts [--runs 7]
 */

import { spawnSync } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { profileFile, writeProfile } from '../src/drift/profile.js';
import { makeWorkspace, node24Path, ROOT, runActionProcess } from '../test/actions/helpers.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const runs = Number(arg('runs', '7'));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

const node = await node24Path();
const workspace = await makeWorkspace({ trainRows: 600, evalRows: 500, epochs: 1 });
try {
  const ref = join(workspace, 'reference.json');
  await writeProfile(ref, await profileFile(join(workspace, 'data', 'policies.csv')));

  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(node, ['-e', ''], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('node -e failed');
    bare.push(performance.now() - t);
  }
  const bareMs = median(bare);

  const rows: [string, number][] = [];
  for (const name of ['train', 'evaluate', 'drift', 'report', 'release', 'deploy', 'changes']) {
    const load: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runActionProcess(name, { workspace, node, inputs: {} });
      // `changes` has no required input: its "load" is a whole (cheap) run on the workspace.
      const ok =
        name === 'changes' ? r.code === 0 : r.code === 1 && /is required but was not set/.test(r.stdout);
      if (!ok) throw new Error(`${name}: ${r.stdout}`);
      load.push(r.wallMs);
    }
    rows.push([
      name === 'changes'
        ? 'changes: whole run (no base commit)'
        : `${name}: load (bundle start, input check)`,
      median(load),
    ]);
  }

  const train: number[] = [];
  const trainWall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runActionProcess('train', {
      workspace,
      node,
      inputs: { model: 'risk', backend: 'wasm', upload: 'false' },
    });
    if (r.code !== 0) throw new Error(`train failed: ${r.stdout}`);
    const record = JSON.parse(
      await readFile(join(workspace, '.modelgate', 'runs', 'risk', 'run.json'), 'utf8'),
    );
    trainWall.push(r.wallMs);
    train.push(r.wallMs - record.timings.total_ms);
  }
  rows.push(['train: step wall time (600 rows, 1 epoch)', median(trainWall)]);
  rows.push(['train: overhead beyond run.json total_ms', median(train)]);

  const evaluate: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runActionProcess('evaluate', {
      workspace,
      node,
      inputs: { 'run-dir': '.modelgate/runs/risk', backend: 'wasm' },
    });
    if (r.code !== 0) throw new Error(`evaluate failed: ${r.stdout}`);
    evaluate.push(r.wallMs);
  }
  rows.push(['evaluate: step wall time (500 rows)', median(evaluate)]);

  const drift: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runActionProcess('drift', {
      workspace,
      node,
      inputs: {
        model: 'risk',
        current: 'data/policies_eval.csv',
        reference: 'reference.json',
        'open-issue': 'false',
      },
    });
    if (r.code !== 0) throw new Error(`drift failed: ${r.stdout}`);
    drift.push(r.wallMs);
  }
  rows.push(['drift: step wall time (500 rows vs a profile)', median(drift)]);

  console.log(
    `actions overhead, ${runs} runs each (median), ${(await import('node:os')).cpus().length} CPUs`,
  );
  console.log(
    `node ${spawnSync(node, ['--version']).stdout.toString().trim()}: bare \`node -e ''\` start ${ms(bareMs)}`,
  );
  const width = Math.max(...rows.map(([l]) => l.length));
  for (const [label, value] of rows) {
    console.log(
      `${label.padEnd(width)}  ${ms(value).padStart(8)}  ${(value / bareMs).toFixed(1).padStart(5)}x bare node`,
    );
  }
  console.log('\nbundle sizes');
  for (const name of ['train', 'evaluate', 'drift', 'report', 'release', 'deploy']) {
    const dist = join(ROOT, 'actions', name, 'dist');
    try {
      const js = (await stat(join(dist, 'index.js'))).size;
      console.log(`${name.padEnd(9)} index.js ${(js / 2 ** 20).toFixed(2)} MB`);
    } catch {
      console.log(`${name.padEnd(9)} (not built)`);
    }
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
