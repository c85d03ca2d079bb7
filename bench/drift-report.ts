/**
 * The full drift report: reference 1,000,000 rows x 20 columns (15 numeric, 5 categorical) against
 * current 1,000,000 rows with 5 columns shifted, generated (seeded). modelgate's time covers
 * profiling both sides (one streaming pass each, rows fed in batches as a reader produces them),
 * `detectDrift` and rendering the JSON, the markdown issue body and the HTML page. The peer
 * (bench/peers/drift_scipy.py, numpy + scipy) computes the same per-column statistics on the raw
 * arrays, read from raw binary files before its clock starts: the normed Wasserstein distance and
 * reference-quantile histogram shares for numeric columns, category shares and the Jensen-Shannon
 * distance for categorical ones, and the dataset share. The peer runs on `/usr/bin/python3`
 * (Debian's python3-scipy), else `python3`; it is skipped with a message when neither has numpy and
 * scipy.
 *
 *   npx tsx bench/drift-report.ts [--rows 1000000] [--python <python3>]
 *
 * Prints each phase's time, the ratio (peer / modelgate; > 1 means modelgate is faster), the
 * verdicts of both and the largest difference between their statistics (the sketch's accuracy).
 * Both run on one core.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Row } from '../src/data/types.js';
import { Rng } from '../src/demo/rng.js';
import {
  createProfiler,
  type DriftReport,
  detectDrift,
  type Profile,
  renderDriftHtml,
  renderDriftJson,
  renderDriftMarkdown,
} from '../src/drift/index.js';

const run = promisify(execFile);

function intArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} takes a positive integer`);
  return value;
}

type Side = 'reference' | 'current';

/** One generated column: numbers (float64) or category codes (uint16, labelled `c<code>`). */
interface Column {
  name: string;
  type: 'numeric' | 'categorical';
  generate: (rng: Rng, side: Side) => number;
}

function weighted(rng: Rng, weights: readonly number[]): number {
  let r = rng.next();
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

const zipf50 = (() => {
  const w = Array.from({ length: 50 }, (_, i) => 1 / (i + 1));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
})();

/** The 20 columns; the shifted ones say so in a comment. */
const COLUMNS: Column[] = [
  // shifted: mean + 0.2 std
  { name: 'num_00', type: 'numeric', generate: (r, s) => r.normal(s === 'current' ? 0.2 : 0, 1) },
  { name: 'num_01', type: 'numeric', generate: (r) => r.normal(10, 3) },
  // shifted: log-mean + 0.3
  { name: 'num_02', type: 'numeric', generate: (r, s) => Math.exp(r.normal(s === 'current' ? 0.3 : 0, 1)) },
  { name: 'num_03', type: 'numeric', generate: (r) => -Math.log(1 - r.next()) },
  // shifted: range widened by 20%
  { name: 'num_04', type: 'numeric', generate: (r, s) => r.next() * (s === 'current' ? 120 : 100) },
  { name: 'num_05', type: 'numeric', generate: (r) => Math.round(r.normal(50, 10)) },
  ...Array.from(
    { length: 9 },
    (_, i): Column => ({
      name: `num_${String(i + 6).padStart(2, '0')}`,
      type: 'numeric',
      generate: (r) => r.normal(i - 4, 1 + i / 10),
    }),
  ),
  // shifted: the first category loses half its share to the last
  {
    name: 'cat_00',
    type: 'categorical',
    generate: (r, s) =>
      weighted(r, s === 'current' ? [0.2, 0.25, 0.15, 0.1, 0.3] : [0.4, 0.25, 0.15, 0.1, 0.1]),
  },
  { name: 'cat_01', type: 'categorical', generate: (r) => weighted(r, zipf50) },
  { name: 'cat_02', type: 'categorical', generate: (r) => (r.next() < 0.3 ? 1 : 0) },
  { name: 'cat_03', type: 'categorical', generate: (r) => Math.floor(r.next() * 200) },
  // shifted: a new category (code 10) takes 15%
  {
    name: 'cat_04',
    type: 'categorical',
    generate: (r, s) => (s === 'current' && r.next() < 0.15 ? 10 : Math.floor(r.next() * 10)),
  },
];

type Data = (Float64Array | Uint16Array)[];

function generate(rows: number, side: Side, seed: number): Data {
  const rng = new Rng(seed);
  return COLUMNS.map((c) => {
    const out = c.type === 'numeric' ? new Float64Array(rows) : new Uint16Array(rows);
    for (let i = 0; i < rows; i++) out[i] = c.generate(rng, side);
    return out;
  });
}

const LABELS = Array.from({ length: 256 }, (_, i) => `c${i}`);
const BATCH = 8192;

/** Profiles the columns, feeding rows in batches as a data reader would. */
function profile(data: Data, rows: number, source: string): Profile {
  const profiler = createProfiler({ columns: COLUMNS.map((c) => c.name) });
  const batch: Row[] = [];
  for (let start = 0; start < rows; start += BATCH) {
    const end = Math.min(rows, start + BATCH);
    batch.length = 0;
    for (let i = start; i < end; i++) {
      const row: Row = {};
      for (let c = 0; c < COLUMNS.length; c++) {
        const v = data[c]![i]!;
        row[COLUMNS[c]!.name] = COLUMNS[c]!.type === 'numeric' ? v : LABELS[v]!;
      }
      batch.push(row);
    }
    profiler.addBatch(batch);
  }
  return profiler.finish({ source, created_at: '2025-01-01T00:00:00.000Z' });
}

interface PeerResult {
  seconds: number;
  share: number;
  drifted: boolean;
  columns: Record<string, { method: string; statistic: number; drifted: boolean }>;
}

async function peer(dir: string, reference: Data, current: Data): Promise<PeerResult | string> {
  const manifest = { columns: [] as { name: string; type: string; reference: string; current: string }[] };
  for (let c = 0; c < COLUMNS.length; c++) {
    const col = COLUMNS[c]!;
    const files = { reference: join(dir, `${col.name}.ref`), current: join(dir, `${col.name}.cur`) };
    for (const [file, a] of [
      [files.reference, reference[c]!],
      [files.current, current[c]!],
    ] as const) {
      await writeFile(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
    manifest.columns.push({ name: col.name, type: col.type, ...files });
  }
  const path = join(dir, 'manifest.json');
  await writeFile(path, JSON.stringify(manifest));
  const script = new URL('./peers/drift_scipy.py', import.meta.url).pathname;
  let why = '';
  for (const python of pythons()) {
    try {
      const { stdout } = await run(python, [script, path], { maxBuffer: 1 << 24 });
      return JSON.parse(stdout) as PeerResult;
    } catch (e) {
      why = `${python}: ${(e as { stderr?: string }).stderr?.trim().split('\n').pop() || (e as Error).message}`;
    }
  }
  return `skipped (a python3 with numpy and scipy is needed; last try ${why})`;
}

function pythons(): string[] {
  const at = process.argv.indexOf('--python');
  const given = at >= 0 ? process.argv[at + 1] : undefined;
  return given ? [given] : ['/usr/bin/python3', 'python3'];
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

function compareWithPeer(report: DriftReport, p: PeerResult): string {
  let worst = 0;
  let worstName = '';
  let agree = 0;
  for (const f of report.features) {
    const q = p.columns[f.name];
    if (!q) continue;
    if (q.drifted === f.drifted) agree++;
    const diff = Math.abs(f.statistic - q.statistic);
    if (diff > worst) {
      worst = diff;
      worstName = f.name;
    }
  }
  return `verdicts agree on ${agree} of ${report.features.length} columns; largest statistic difference ${worst.toExponential(2)} (${worstName}; thresholds are 0.1)`;
}

async function main(): Promise<void> {
  const rows = intArg('rows', 1_000_000);
  console.log(
    `drift report: reference ${rows} rows x ${COLUMNS.length} columns vs current ${rows} rows (5 columns shifted)`,
  );
  const reference = generate(rows, 'reference', 2024);
  const current = generate(rows, 'current', 2025);

  const t0 = performance.now();
  const refProfile = profile(reference, rows, 'reference');
  const tRef = seconds(t0);
  const t1 = performance.now();
  const curProfile = profile(current, rows, 'current');
  const tCur = seconds(t1);
  const t2 = performance.now();
  const report = detectDrift({
    reference: refProfile,
    current: curProfile,
    model: 'bench',
    release: 'v1.0.0',
    now: new Date('2025-02-01T00:00:00.000Z'),
  });
  const tDetect = seconds(t2);
  const t3 = performance.now();
  const json = renderDriftJson(report);
  const markdown = renderDriftMarkdown(report);
  const html = renderDriftHtml(report);
  const tRender = seconds(t3);
  const total = seconds(t0);
  const cells = rows * COLUMNS.length * 2;
  console.log(`  modelgate, profile reference:   ${tRef.toFixed(3)} s`);
  console.log(`  modelgate, profile current:     ${tCur.toFixed(3)} s`);
  console.log(`  modelgate, detectDrift:         ${(tDetect * 1000).toFixed(1)} ms`);
  console.log(
    `  modelgate, render JSON/md/HTML: ${(tRender * 1000).toFixed(1)} ms (${json.length}, ${markdown.length}, ${html.length} chars)`,
  );
  console.log(
    `  modelgate, full report:         ${total.toFixed(3)} s (${((cells / (tRef + tCur)) * 1e-6).toFixed(1)} M cells/s profiled)`,
  );
  console.log(
    `  modelgate verdict: dataset drift ${report.dataset.drifted ? 'yes' : 'no'}, ${report.dataset.driftedColumns} of ${report.dataset.columns} columns drifted (${report.features
      .filter((f) => f.drifted)
      .map((f) => f.name)
      .join(', ')})`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  try {
    const p = await peer(dir, reference, current);
    if (typeof p === 'string') console.log(`  numpy + scipy:                  ${p}`);
    else {
      console.log(
        `  numpy + scipy (peer):           ${p.seconds.toFixed(3)} s (on the raw arrays, loaded untimed)`,
      );
      console.log(`  ratio (peer / modelgate):       ${(p.seconds / total).toFixed(2)}x`);
      console.log(
        `  ratio, detect + render only:    ${(p.seconds / (tDetect + tRender)).toFixed(0)}x (given both profiles, e.g. the release's)`,
      );
      console.log(`  peer verdict: dataset drift ${p.drifted ? 'yes' : 'no'}, share ${p.share.toFixed(2)}`);
      console.log(`  ${compareWithPeer(report, p)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
