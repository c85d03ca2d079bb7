/**
 * Validation throughput (cells/s) and memory on the bundled example (`riskRows`, 13 columns).
 *
 * (a) A contract is inferred from 100,000 rows of the example (profile -> `inferContract`, label
 *     `claim`), then `--rows` rows (default 10,000,000; seed 7) stream from the generator in batches
 *     of 4,096 through `createValidator` in a separate process (so its RSS is its own), printing
 *     cells/s (rows x 13 / s, row generation included and, separately, validation alone) and the
 *     RSS at 1M, 5M and 10M rows plus the peak RSS. Memory is flat except for the uniqueness check
 *     of `policy_id`: it holds a Set of up to `uniqueCap` (1,000,000) ids, then stops checking and
 *     frees it; the report says from which row the check stopped.
 * (b) `--file-rows` rows (default 1,000,000) written to a temporary CSV and checked with
 *     `validateFile`, next to pandas in the same run (`bench/peers/validate_pandas.py`): read_csv
 *     plus the same column rules (types, ranges, categories, missing shares, uniqueness of
 *     policy_id, label shares). Best of 2 each; ratio > 1 means modelgate is faster. pandas is
 *     skipped with a message when `/usr/bin/python3` or pandas is missing.
 *
 *   npx tsx bench/validate-throughput.ts [--rows 10000000] [--file-rows 1000000]
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Row } from '../src/data/types.js';
import { writeRows } from '../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../src/demo/risk-data.js';
import { createProfiler } from '../src/drift/profile.js';
import {
  createValidator,
  type DataContract,
  DEFAULT_UNIQUE_CAP,
  inferContract,
  type ValidationReport,
  validateFile,
} from '../src/validate/index.js';

const run = promisify(execFile);
const BATCH = 4096;
const WIDTH = RISK_COLUMNS.length;
const PEER = fileURLToPath(new URL('./peers/validate_pandas.py', import.meta.url));

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${name} takes a positive integer`);
  return value;
}

function argText(name: string): string {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? process.argv[at + 1] : undefined;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (cells: number, seconds: number) => `${(cells / seconds / 1e6).toFixed(1)} M cells/s`;
const count = (n: number) => n.toLocaleString('en-US');

function* batches(rows: number, seed: number): Generator<Row[]> {
  let batch: Row[] = [];
  for (const row of riskRows({ rows, seed })) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function summary(report: ValidationReport): string {
  if (report.violations.length === 0) return 'no violations';
  return report.violations
    .map((v) => `${v.level} ${v.column ?? '(dataset)'}.${v.rule} x${count(v.count)}`)
    .join('; ');
}

/** The child: streams `n` rows through the validator, printing RSS at the marks. */
async function streaming(n: number, contractPath: string): Promise<void> {
  const contract = JSON.parse(await readFile(contractPath, 'utf8')) as DataContract;
  console.log(
    `(a) streaming (separate process): ${count(n)} rows x ${WIDTH} columns of the example (seed 7), batches of ${BATCH}`,
  );
  console.log(`  RSS before: ${mb(process.memoryUsage().rss)}`);
  let next = [...new Set([1_000_000, 5_000_000, 10_000_000, n])].filter((m) => m <= n).sort((a, b) => a - b);
  const validator = createValidator(contract);
  let seen = 0;
  let inValidator = 0;
  const t = performance.now();
  for (const batch of batches(n, 7)) {
    const v = performance.now();
    validator.addBatch(batch);
    inValidator += performance.now() - v;
    seen += batch.length;
    if (seen <= DEFAULT_UNIQUE_CAP && seen + BATCH > DEFAULT_UNIQUE_CAP) {
      const m = process.memoryUsage();
      console.log(
        `  ${count(seen).padStart(11)} rows: RSS ${mb(m.rss)}, heap used ${mb(m.heapUsed)} (policy_id Set holds ${count(seen)} ids, just below its cap)`,
      );
    }
    while (next.length > 0 && seen >= next[0]!) {
      const m = process.memoryUsage();
      console.log(`  ${count(next[0]!).padStart(11)} rows: RSS ${mb(m.rss)}, heap used ${mb(m.heapUsed)}`);
      next = next.slice(1);
    }
  }
  const v = performance.now();
  const report = validator.finish();
  inValidator += performance.now() - v;
  const seconds = (performance.now() - t) / 1000;
  const cells = n * WIDTH;
  console.log(
    `  ${rate(cells, seconds)} including row generation (${seconds.toFixed(1)} s); validation alone ${rate(cells, inValidator / 1000)} (${(inValidator / 1000).toFixed(1)} s)`,
  );
  console.log(`  peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
  console.log(`  report: ok=${report.ok}, ${report.checked.rules} rules; ${summary(report)}`);
  const note = report.violations.find((x) => x.column === 'policy_id' && x.rule === 'unique');
  if (note)
    console.log(
      `  policy_id uniqueness: a Set of up to ${count(DEFAULT_UNIQUE_CAP)} ids, cleared when the cap is passed (its memory returns at the next GCs, so the marks after it still carry some of it, and the peak includes it): ${note.message}`,
    );
}

async function fileCheck(n: number, contract: DataContract, dir: string): Promise<void> {
  console.log(`\n(b) file: ${count(n)} rows x ${WIDTH} columns written to a temporary CSV`);
  const csv = join(dir, 'risk.csv');
  await writeRows(csv, riskRows({ rows: n, seed: 7 }), RISK_COLUMNS);
  const contractPath = join(dir, 'contract.json');
  await writeFile(contractPath, JSON.stringify(contract));
  const cells = n * WIDTH;
  let seconds = Number.POSITIVE_INFINITY;
  let report: ValidationReport | undefined;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    report = await validateFile(csv, contract);
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  console.log(
    `  modelgate validateFile (read + parse + checks): ${rate(cells, seconds)} (${seconds.toFixed(2)} s); ${summary(report!)}`,
  );
  let peer: { skip?: string; pandas: string; seconds: number; violations: unknown[][] };
  try {
    const { stdout } = await run('/usr/bin/python3', [PEER, csv, contractPath], { maxBuffer: 1 << 24 });
    peer = JSON.parse(stdout.trim());
  } catch (err) {
    console.log(`  pandas: skipped (/usr/bin/python3 failed: ${(err as Error).message.split('\n')[0]})`);
    return;
  }
  if (peer.skip) {
    console.log(`  pandas: skipped (${peer.skip})`);
    return;
  }
  const found = peer.violations.map((v) => `${v[0] ?? '(dataset)'}.${v[1]} x${v[2]}`).join('; ');
  console.log(
    `  pandas ${peer.pandas} read_csv + same column rules: ${rate(cells, peer.seconds)} (${peer.seconds.toFixed(2)} s); ${found || 'no violations'}`,
  );
  console.log(`  ratio modelgate/pandas (throughput): ${(peer.seconds / seconds).toFixed(2)}x`);
}

async function main(): Promise<void> {
  const rows = arg('--rows', 10_000_000);
  if (process.argv.includes('--stream-only')) {
    await streaming(rows, argText('--contract'));
    return;
  }
  const fileRows = arg('--file-rows', 1_000_000);
  console.log(`node ${process.version}`);
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  try {
    const profiler = createProfiler();
    for (const batch of batches(100_000, 1)) profiler.addBatch(batch);
    const contract = inferContract(profiler.finish(), { label: 'claim' });
    const contractPath = join(dir, 'contract.json');
    await writeFile(contractPath, JSON.stringify(contract));
    const rules = Object.entries(contract.columns)
      .map(([name, r]) => `${name}:${r.type}${r.unique ? ' unique' : ''}`)
      .join(', ');
    console.log(`contract inferred from 100,000 rows (seed 1): ${rules}`);
    // (a) in a fresh process, so its RSS is the validator's and not this process's.
    const { stdout } = await run(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--stream-only',
        '--rows',
        String(rows),
        '--contract',
        contractPath,
      ],
      { maxBuffer: 1 << 20 },
    );
    process.stdout.write(stdout);
    await fileCheck(fileRows, contract, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
