/**
 * Data-profile throughput and memory.
 *
 * (a) In-memory profiling of 1,000,000 rows x 20 numeric columns (cells/s), with the rows as the
 *     readers produce them (objects) fed in batches of 8,192, next to numpy in the same run on the
 *     same values (written once to a binary file): per column mean, std, min, max and NaN count, plus
 *     either `np.histogram` with as many bins as our sketch has non-empty buckets for that column, or
 *     `np.quantile` at the nine deciles. numpy works on contiguous float64 columns; ours also keeps
 *     the HyperLogLog registers and the capped category counts, which numpy does not compute.
 * (b) 10,000,000 rows (8 numeric + 2 text columns, one of them high-cardinality) streamed from a
 *     generator through `createProfiler`, printing the RSS at 1M, 5M and 10M rows and the peak RSS:
 *     memory stays flat because a profile is bounded per column, whatever the row count.
 *
 *   npx tsx bench/drift-profile.ts [--rows 1000000] [--stream-rows 10000000]
 *
 * Times are best of 2 on one core; ratios > 1 mean modelgate is faster. numpy is skipped with a
 * message when `/usr/bin/python3` or numpy is missing.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Row } from '../src/data/types.js';
import { createProfiler, type Profile } from '../src/drift/profile.js';

const run = promisify(execFile);
const COLUMNS = 20;
const BATCH = 8192;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${name} takes a positive integer`);
  return value;
}

/** Seeded uniform (mulberry32) and normal (Box-Muller) generators. */
function random(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** Column `c`'s value generator: normal, lognormal, uniform, signed heavy-tailed and integer columns. */
function cellMaker(rnd: ReturnType<typeof random>): (c: number) => number {
  return (c) => {
    switch (c % 5) {
      case 0:
        return 100 + 15 * rnd.normal();
      case 1:
        return Math.exp(1 + rnd.normal());
      case 2:
        return rnd.uniform() * 1000 - 500;
      case 3:
        return rnd.normal() * 10 ** (rnd.uniform() * 4 - 2);
      default:
        return Math.floor(rnd.uniform() * 500);
    }
  };
}

const PY_PEER = `
import sys, time, json
try:
    import numpy as np
except ImportError as e:
    print(json.dumps({'skip': str(e)})); sys.exit(0)
path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bins = json.loads(sys.argv[4])
data = np.fromfile(path, dtype=np.float64).reshape(cols, rows)
def summaries(col):
    return (int(np.isnan(col).sum()), float(np.mean(col)), float(np.std(col)), float(np.min(col)), float(np.max(col)))
def with_hist():
    for c in range(cols):
        summaries(data[c]); np.histogram(data[c], bins=bins[c])
def with_quantiles():
    for c in range(cols):
        summaries(data[c]); np.quantile(data[c], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
out = {}
for name, fn in (('histogram', with_hist), ('quantile', with_quantiles)):
    best = float('inf')
    for _ in range(2):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    out[name] = best
print(json.dumps({'numpy': np.__version__, **out}))
`;

async function numpyPeer(
  file: string,
  rows: number,
  bins: number[],
): Promise<{ numpy: string; histogram: number; quantile: number } | string> {
  try {
    const { stdout } = await run(
      '/usr/bin/python3',
      ['-c', PY_PEER, file, String(rows), String(COLUMNS), JSON.stringify(bins)],
      { maxBuffer: 1 << 20 },
    );
    const out = JSON.parse(stdout.trim()) as {
      skip?: string;
      numpy: string;
      histogram: number;
      quantile: number;
    };
    return out.skip ? `skipped (${out.skip})` : out;
  } catch (err) {
    return `skipped (/usr/bin/python3 unavailable: ${(err as Error).message.split('\n')[0]})`;
  }
}

function bestOf(reps: number, fn: () => Profile): { seconds: number; profile: Profile } {
  let seconds = Number.POSITIVE_INFINITY;
  let profile: Profile | undefined;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    profile = fn();
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  return { seconds, profile: profile! };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (cells: number, seconds: number) => `${(cells / seconds / 1e6).toFixed(1)} M cells/s`;

async function inMemory(n: number, dir: string): Promise<void> {
  console.log(`(a) in-memory: ${n.toLocaleString('en-US')} rows x ${COLUMNS} numeric columns`);
  const names = Array.from({ length: COLUMNS }, (_, c) => `f${c}`);
  const cell = cellMaker(random(42));
  const columns = names.map(() => new Float64Array(n));
  const rows: Row[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row: Row = {};
    for (let c = 0; c < COLUMNS; c++) {
      const v = cell(c);
      columns[c]![r] = v;
      row[names[c]!] = v;
    }
    rows[r] = row;
  }
  const batches: Row[][] = [];
  for (let r = 0; r < n; r += BATCH) batches.push(rows.slice(r, r + BATCH));
  const cells = n * COLUMNS;

  const profileWith = (options: { columns?: string[] }) => () => {
    const p = createProfiler(options);
    for (const batch of batches) p.addBatch(batch);
    return p.finish();
  };
  const fixed = bestOf(2, profileWith({ columns: names }));
  const discover = bestOf(2, profileWith({}));
  const rowByRow = bestOf(2, () => {
    const p = createProfiler({ columns: names });
    for (const row of rows) p.add(row);
    return p.finish();
  });
  const bytes = JSON.stringify(fixed.profile).length;
  console.log(
    `  modelgate addBatch, columns given (profileFile's path for CSV/Parquet): ${rate(cells, fixed.seconds)} (${fixed.seconds.toFixed(2)} s)`,
  );
  console.log(
    `  modelgate addBatch, columns discovered per row:                       ${rate(cells, discover.seconds)} (${discover.seconds.toFixed(2)} s)`,
  );
  console.log(
    `  modelgate add, row by row:                                            ${rate(cells, rowByRow.seconds)} (${rowByRow.seconds.toFixed(2)} s)`,
  );
  console.log(`  profile.json: ${(bytes / 1024).toFixed(0)} KiB for ${COLUMNS} columns`);

  const file = join(dir, 'columns.f64');
  const all = new Float64Array(cells);
  for (const [c, col] of columns.entries()) all.set(col, c * n);
  await writeFile(file, all);
  const bins = fixed.profile.columns.map(
    (col) =>
      col.numeric.sketch.positive.index.length +
      col.numeric.sketch.negative.index.length +
      (col.numeric.sketch.zero > 0 ? 1 : 0),
  );
  const peer = await numpyPeer(file, n, bins);
  if (typeof peer === 'string') {
    console.log(`  numpy: ${peer}`);
    return;
  }
  console.log(
    `  numpy ${peer.numpy} summaries + np.histogram (same bin counts, ${Math.min(...bins)}-${Math.max(...bins)}): ${rate(cells, peer.histogram)} (${peer.histogram.toFixed(2)} s); modelgate is ${(peer.histogram / fixed.seconds).toFixed(2)}x`,
  );
  console.log(
    `  numpy ${peer.numpy} summaries + np.quantile (9 deciles):                   ${rate(cells, peer.quantile)} (${peer.quantile.toFixed(2)} s); modelgate is ${(peer.quantile / fixed.seconds).toFixed(2)}x`,
  );
}

function* rowBatches(n: number): Generator<Row[]> {
  const rnd = random(7);
  const cell = cellMaker(rnd);
  const regions = ['north', 'south', 'east', 'west', 'central'];
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    const batch: Row[] = new Array(size);
    for (let i = 0; i < size; i++) {
      batch[i] = {
        f0: cell(0),
        f1: cell(1),
        f2: cell(2),
        f3: cell(3),
        f4: cell(4),
        f5: cell(0),
        f6: cell(1),
        f7: cell(3),
        region: regions[(start + i) % 5]!,
        user: `user-${Math.floor(rnd.uniform() * 5_000_000)}`,
      };
    }
    yield batch;
  }
}

function streaming(n: number): void {
  console.log(
    `\n(b) streaming (separate process): ${n.toLocaleString('en-US')} rows x 10 columns (8 numeric, 2 text) from a generator`,
  );
  const marks = new Set([1_000_000, 5_000_000, 10_000_000, n]);
  const p = createProfiler();
  const t = performance.now();
  let seen = 0;
  let next = [...marks].sort((a, b) => a - b);
  for (const batch of rowBatches(n)) {
    p.addBatch(batch);
    seen += batch.length;
    while (next.length > 0 && seen >= next[0]!) {
      console.log(
        `  ${next[0]!.toLocaleString('en-US').padStart(11)} rows: RSS ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}`,
      );
      next = next.slice(1);
    }
  }
  const profile = p.finish();
  const seconds = (performance.now() - t) / 1000;
  const user = profile.columns.find((c) => c.name === 'user')!;
  console.log(
    `  ${rate(n * 10, seconds)} including row generation (${seconds.toFixed(1)} s); peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );
  console.log(
    `  "user": ${user.categories.values.length} values kept exactly, ${user.categories.other.toLocaleString('en-US')} in other; profile.json ${(JSON.stringify(profile).length / 1024).toFixed(0)} KiB`,
  );
}

async function main(): Promise<void> {
  const streamRows = arg('--stream-rows', 10_000_000);
  if (process.argv.includes('--stream-only')) {
    streaming(streamRows);
    return;
  }
  const rows = arg('--rows', 1_000_000);
  console.log(`node ${process.version}`);
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  try {
    await inMemory(rows, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // (b) in a fresh process, so its peak RSS is its own and not (a)'s rows.
  const { stdout } = await run(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--stream-only',
      '--stream-rows',
      String(streamRows),
    ],
    { maxBuffer: 1 << 20 },
  );
  process.stdout.write(stdout);
}

await main();
