/**
 * Paired-bootstrap speed: modelgate's `pairedBootstrap` (every binary metric, on the same resample
 * for both runs) on n = 5000 examples with B = 1000 resamples, next to a numpy + scikit-learn peer
 * (bench/peers/paired_bootstrap_sklearn.py) measured in the same run on the same data. The peer runs
 * on `/usr/bin/python3` (Debian's python3-sklearn), else `python3`; it is skipped with a message when
 * neither has numpy and scikit-learn.
 *
 *   npx tsx bench/diff-bootstrap.ts [--rows 5000] [--resamples 1000] [--python <python3>]
 *
 * modelgate's figure is the best of 3 runs (one core); the peer runs once. Ratios > 1 mean modelgate
 * is faster. The intervals of roc_auc are printed side by side as a sanity check (the two use
 * different random streams, so they agree only up to Monte Carlo error).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Examples, pairedBootstrap, SeededRandom } from '../src/diff/index.js';
import { METRIC_NAMES } from '../src/metrics/index.js';

const run = promisify(execFile);

function intArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} takes a positive integer`);
  return value;
}

/** Labels and two runs' scores of one synthetic evaluation set (seeded). */
function data(n: number): { y: Float64Array; base: Float64Array; cand: Float64Array } {
  const rng = new SeededRandom(2024);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const y = new Float64Array(n);
  const base = new Float64Array(n);
  const cand = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = normal();
    y[i] = rng.next() < sigmoid(2 * z - 1) ? 1 : 0;
    base[i] = sigmoid(1.2 * z - 1 + 0.9 * normal());
    cand[i] = sigmoid(1.6 * z - 1 + 0.6 * normal());
  }
  return { y, base, cand };
}

async function peer(
  dir: string,
  d: { y: Float64Array; base: Float64Array; cand: Float64Array },
  resamples: number,
): Promise<{ seconds: number; intervals: Record<string, [number, number]> } | string> {
  const file = (name: string, a: Float64Array) => {
    const path = join(dir, name);
    return writeFile(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).then(() => path);
  };
  const args = [
    new URL('./peers/paired_bootstrap_sklearn.py', import.meta.url).pathname,
    '--y',
    await file('y.f64', d.y),
    '--base',
    await file('base.f64', d.base),
    '--cand',
    await file('cand.f64', d.cand),
    '--resamples',
    String(resamples),
  ];
  let why = '';
  for (const python of pythons()) {
    try {
      const { stdout } = await run(python, args, { maxBuffer: 1 << 24 });
      return JSON.parse(stdout) as { seconds: number; intervals: Record<string, [number, number]> };
    } catch (e) {
      why = `${python}: ${(e as { stderr?: string }).stderr?.trim().split('\n').pop() || (e as Error).message}`;
    }
  }
  return `skipped (a python3 with numpy and scikit-learn is needed; last try ${why})`;
}

function pythons(): string[] {
  const at = process.argv.indexOf('--python');
  const given = at >= 0 ? process.argv[at + 1] : undefined;
  return given ? [given] : ['/usr/bin/python3', 'python3'];
}

async function main(): Promise<void> {
  const n = intArg('rows', 5000);
  const resamples = intArg('resamples', 1000);
  const d = data(n);
  const ex = (score: Float64Array): Examples => ({
    task: 'binary',
    ids: null,
    yTrue: d.y,
    score,
    threshold: 0.5,
    slices: {},
  });
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const names = [...METRIC_NAMES.binary];
  let best = Number.POSITIVE_INFINITY;
  let ours: Map<string, [number, number]> | undefined;
  for (let rep = 0; rep < 3; rep++) {
    const started = performance.now();
    const result = pairedBootstrap({
      baseline: ex(d.base),
      candidate: ex(d.cand),
      pairing: { pairing: 'position', baseline: rows, candidate: rows },
      targets: [{ slice: null, names }],
      options: { resamples, seed: 42 },
    });
    best = Math.min(best, (performance.now() - started) / 1000);
    ours = result?.intervals;
  }
  console.log(
    `paired bootstrap, binary, n=${n}, B=${resamples}, ${names.length} metrics per run and resample`,
  );
  console.log(`  modelgate (pairedBootstrap):     ${best.toFixed(3)} s (best of 3)`);
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-'));
  try {
    const p = await peer(dir, d, resamples);
    if (typeof p === 'string') console.log(`  numpy + scikit-learn:            ${p}`);
    else {
      console.log(`  numpy + scikit-learn (peer):     ${p.seconds.toFixed(3)} s`);
      console.log(`  ratio (peer / modelgate):        ${(p.seconds / best).toFixed(1)}x`);
      const fmt = (ci: [number, number] | undefined) =>
        ci ? `[${ci[0].toFixed(4)}, ${ci[1].toFixed(4)}]` : 'n/a';
      console.log(
        `  roc_auc delta 95% CI: modelgate ${fmt(ours?.get('roc_auc'))}, peer ${fmt(p.intervals.roc_auc)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
