/**
 * End-to-end memory of `modelgate train` on the example at 1,000,000 rows: the data is written to
 * a real CSV file, then a fresh process runs the whole run (fingerprint, two streaming passes,
 * training, evaluation on 250,000 rows, predictions file, run.json) and reports its peak RSS, which
 * must stay under 2 GB. The peer, measured in the same run: the peak RSS of pandas merely loading the
 * same CSV (`pd.read_csv`, Debian's python3-pandas; skipped with a message when absent).
 *
 * Usage: npx tsx bench/run-memory.ts [--rows 1000000] [--epochs 2]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { writeRows } from '../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../src/demo/risk-data.js';
import { runTraining } from '../src/runs/run-training.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const LIMIT_MB = 2048;

if (process.argv.includes('--child')) {
  const started = performance.now();
  const { record } = await runTraining({
    modelFile: arg('model', ''),
    outDir: arg('out', ''),
    log: () => {},
    write: () => {},
    isTTY: false,
  });
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      peakMB: peak,
      seconds: (performance.now() - started) / 1000,
      rows: record.data.train?.rows,
      samplesPerSec: record.timings.samples_per_sec,
      auc: record.metrics.overall.roc_auc,
    }),
  );
} else {
  const rows = Number(arg('rows', '1000000'));
  const epochs = Number(arg('epochs', '2'));
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-bench-'));
  try {
    const root = resolve(import.meta.dirname, '..');
    console.log(
      `writing ${rows.toLocaleString('en-US')} + ${(rows / 4).toLocaleString('en-US')} rows of the example to CSV...`,
    );
    await writeRows(join(dir, 'data', 'policies.csv'), riskRows({ rows, seed: 1 }), RISK_COLUMNS);
    await writeRows(
      join(dir, 'data', 'policies_eval.csv'),
      riskRows({ rows: rows / 4, seed: 2, firstId: 9e6 }),
      RISK_COLUMNS,
    );
    const doc = parseDocument(
      readFileSync(join(root, 'examples/risk-scoring/models/risk/model.yml'), 'utf8'),
    );
    doc.setIn(['trainer', 'epochs'], epochs);
    doc.setIn(['data', 'train'], join(dir, 'data', 'policies.csv'));
    doc.setIn(['data', 'eval'], join(dir, 'data', 'policies_eval.csv'));
    writeFileSync(join(dir, 'model.yml'), doc.toString());
    const fileMB = mb(statSync(join(dir, 'data', 'policies.csv')).size);
    const out = execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'),
        import.meta.filename,
        '--child',
        '--model',
        join(dir, 'model.yml'),
        '--out',
        join(dir, 'run'),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      peakMB: number;
      seconds: number;
      samplesPerSec: number;
      auc: number;
    };
    console.log(
      `train file ${fileMB} MB; run ${r.seconds.toFixed(1)} s, ${Math.round(r.samplesPerSec).toLocaleString('en-US')} samples/s, auc ${r.auc.toFixed(4)}`,
    );
    console.log(
      `peak RSS of modelgate train: ${r.peakMB} MB (limit ${LIMIT_MB} MB): ${r.peakMB < LIMIT_MB ? 'OK' : 'OVER'}`,
    );
    let pandasMB: number | null = null;
    for (const python of ['/usr/bin/python3', 'python3']) {
      try {
        const script = [
          'import resource, sys',
          'import pandas as pd',
          'df = pd.read_csv(sys.argv[1])',
          'print(len(df), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)',
        ].join('\n');
        const [n, peak] = execFileSync(python, ['-c', script, join(dir, 'data', 'policies.csv')], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        })
          .trim()
          .split(' ');
        if (Number(n) === rows) pandasMB = Number(peak);
        break;
      } catch {
        // try the next interpreter
      }
    }
    if (pandasMB === null)
      console.log('peer: pandas is not installed (apt-get install python3-pandas); ratio not measured');
    else {
      console.log(
        `peer: pandas read_csv alone peaks at ${pandasMB} MB; modelgate train (fingerprint, train, evaluate) is ${(r.peakMB / pandasMB).toFixed(2)}x that`,
      );
    }
    console.log(
      JSON.stringify({
        bench: 'run-memory',
        rows,
        fileMB,
        ...r,
        pandasReadCsvMB: pandasMB,
        limitMB: LIMIT_MB,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
