/**
 * Serving throughput and hot swaps under load (the figures of the serving issue), on loopback.
 *
 *   npx tsx bench/serve-throughput.ts [--duration 5] [--warmup 1] [--swap-duration 6]
 *        [--rows 5000] [--keep-previous no|yes]
 *
 * Setup: trains the example risk model (`examples/risk-scoring/models/risk/model.yml`, its trainer
 * settings but 3 epochs and no permutation importance) on 5,000 generated policies, saves it with
 * a run.json built from the training result, registers that run as risk@v1.0.0 and risk@v1.1.0 in
 * a temporary `LocalRegistry`, and starts two servers, each in its own child process
 * (`bench/serve-child.ts`):
 * - modelgate: `ModelManager` + `registryLoader` + `createServer` (default micro-batching: up to
 *   64 rows, adaptive), v1.0.0 deployed, the admin API on with a random bearer token;
 * - the ceiling: a bare `node:http` server that reads the body and answers `{"predictions":[0.5]}`.
 * The load generator (autocannon) runs in this process, so for both servers the client is in one
 * process and the server in another. On a 2-core machine they still share the cores.
 *
 * Measured:
 * 1. For 1, 16 and 64 connections: POST `{"instances":[<one policy>]}` to `/v1/models/risk:predict`
 *    (the bare server gets the same request), a warm-up run, then a run of `--duration` seconds:
 *    successful requests/s, p50 and p99 latency (from autocannon's per-response times, sub-ms; its
 *    own histogram rounds to whole ms) and modelgate / bare. Goal: >= 50% at 64 connections.
 * 2. 16 instances per request at 64 connections (rows/s), against the bare server given the same body.
 * 3. Hot swaps under load: 64 connections for `--swap-duration` seconds while the admin API deploys
 *    1.1.0, 1.0.0, 1.1.0, 1.5 s apart. With `--keep-previous no` (the default here) the server keeps
 *    no previous version loaded, so each swap loads the version from the registry, warms it, switches
 *    and disposes the replaced one once its requests finish (with `yes`, swaps 2 and 3 only switch
 *    to the version kept loaded). Goal: zero failed requests (non-2xx + errors + timeouts).
 *
 * Prints a markdown table and one JSON line. Exits 1 only when the setup fails (training, registry,
 * a server not starting or answering wrongly); a missed goal is printed, not an exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type RunRecord, RunRecordSchema } from '../src/config/run-record.js';
import type { Row } from '../src/data/types.js';
import { riskRows } from '../src/demo/risk-data.js';
import { LocalRegistry } from '../src/registry/local-registry.js';
import { describeEnvironment } from '../src/runs/environment.js';
import { loadModelConfig } from '../src/runs/run-training.js';
import { arraySource } from '../src/train/row-source.js';
import { saveModel } from '../src/train/saved-model.js';
import { trainTabular } from '../src/train/trainer.js';

// --- arguments ---

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}
const duration = Number(arg('duration', '5'));
const warmup = Number(arg('warmup', '1'));
const swapDuration = Number(arg('swap-duration', '6'));
const trainRowCount = Number(arg('rows', '5000'));
const keepPrevious = arg('keep-previous', 'no');
const CONCURRENCY = [1, 16, 64];
const BATCH_CONNECTIONS = 64;
const BATCH_ROWS = 16;
const SWAPS = ['1.1.0', '1.0.0', '1.1.0'];
const SWAP_EVERY_MS = 1500;
const MODEL = 'risk';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const modelFile = join(root, 'examples', 'risk-scoring', 'models', 'risk', 'model.yml');

// --- autocannon (no type declarations ship with it) ---

interface CannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  mismatches: number;
  '2xx': number;
  requests: { total: number; sent: number };
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number }>;
}
interface CannonOptions {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
  timeout: number;
}
interface CannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
}
type Autocannon = (
  options: CannonOptions,
  done: (err: Error | null, result: CannonResult) => void,
) => CannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// --- helpers ---

const median = (sorted: Float64Array) => quantile(sorted, 0.5);
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Nearest rank, as HdrHistogram-style percentiles report.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
const f0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : '-');

/** A policy as a client sends it: the model's inputs and the id, without the label and the slice. */
function requestRows(n: number): Row[] {
  const rows: Row[] = [];
  for (const r of riskRows({ rows: n, seed: 2024, firstId: 900000 })) {
    const { claim: _claim, gender: _gender, ...inputs } = r;
    rows.push(inputs);
  }
  return rows;
}

interface Measured {
  server: 'modelgate' | 'bare';
  connections: number;
  rowsPerRequest: number;
  seconds: number;
  ok: number;
  failed: { non2xx: number; errors: number; timeouts: number };
  reqPerSec: number;
  rowsPerSec: number;
  p50: number;
  p99: number;
  /** Mean rows per model predict call during the run (modelgate only). */
  meanBatch?: number;
}

/** One autocannon run; latencies are the 2xx responses' times, in ms. */
function cannon(
  url: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<{ result: CannonResult; latencies: Float64Array }> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: seconds,
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({ result, latencies: Float64Array.from(times).sort() });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
}

// --- child processes ---

interface Child {
  name: string;
  proc: ChildProcess;
  port: number;
  ready: Record<string, unknown>;
  events: { at: number; event: Record<string, unknown> }[];
  exited: Promise<number | null>;
  stderr: string[];
}
const children: Child[] = [];

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'bench/serve-child.ts', ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 200) stderr.shift();
    console.error(`  [${name} server] ${line}`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} server: not ready after 120 s`)), 120_000);
    let child: Child | null = null;
    const events: Child['events'] = [];
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        console.log(`  [${name} server] ${line}`);
        return;
      }
      if (message.type === 'event') {
        events.push({ at: performance.now(), event: message.event as Record<string, unknown> });
      } else if (message.type === 'ready' && !child) {
        clearTimeout(timer);
        child = { name, proc, port: Number(message.port), ready: message, events, exited, stderr };
        children.push(child);
        resolve(child);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!child) reject(new Error(`${name} server exited with code ${code} before it was ready`));
    });
  });
}

/** Ends a child: stdin closed (it drains and exits), then SIGTERM, then SIGKILL. */
async function stopChild(child: Child): Promise<number | null> {
  const wait = (ms: number) => Promise.race([child.exited, sleep(ms).then(() => 'timeout' as const)]);
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.proc.exitCode;
  child.proc.stdin?.end();
  let code = await wait(8_000);
  if (code === 'timeout') {
    child.proc.kill('SIGTERM');
    code = await wait(3_000);
  }
  if (code === 'timeout') {
    child.proc.kill('SIGKILL');
    code = await child.exited;
  }
  return code;
}

process.on('exit', () => {
  for (const c of children)
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
});

async function httpJson(
  url: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (/metrics)
  }
  return { status: res.status, body, text };
}

/** Sums of Prometheus series of the modelgate server's `/metrics`. */
interface MetricsSnapshot {
  /** `version code` -> predict requests. */
  requests: Map<string, number>;
  batchSum: number;
  batchCount: number;
}
async function scrape(base: string): Promise<MetricsSnapshot> {
  const { status, text } = await httpJson(`${base}/metrics`);
  if (status !== 200) throw new Error(`GET /metrics answered ${status}`);
  const requests = new Map<string, number>();
  let batchSum = 0;
  let batchCount = 0;
  for (const line of text.split('\n')) {
    let m = /^modelgate_requests_total\{([^}]*)\} (\S+)$/.exec(line);
    if (m) {
      const version = /version="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
      const code = /code="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
      const key = `${version} ${code}`;
      requests.set(key, (requests.get(key) ?? 0) + Number(m[2]));
      continue;
    }
    m = /^modelgate_batch_size_(sum|count)\{[^}]*\} (\S+)$/.exec(line);
    if (m) {
      if (m[1] === 'sum') batchSum += Number(m[2]);
      else batchCount += Number(m[2]);
    }
  }
  return { requests, batchSum, batchCount };
}
const meanBatch = (a: MetricsSnapshot, b: MetricsSnapshot) =>
  (b.batchSum - a.batchSum) / Math.max(1, b.batchCount - a.batchCount);

// --- setup ---

const tmp = await mkdtemp(join(tmpdir(), 'modelgate-serve-bench-'));
const token = randomBytes(24).toString('hex');
let exitCode = 0;
const watchdog = setTimeout(() => {
  console.error('serve-throughput: gave up after 300 s');
  process.exit(1);
}, 300_000);
watchdog.unref();

async function setup(): Promise<{ rows: Row[]; offline: number[]; registryDir: string }> {
  const t0 = performance.now();
  const example = await loadModelConfig(modelFile);
  if (!example.trainer) throw new Error(`${modelFile}: expected a trainer section`);
  const config = {
    ...example,
    trainer: { ...example.trainer, epochs: 3, importance: { ...example.trainer.importance, enabled: false } },
  };
  const train = [...riskRows({ rows: trainRowCount, seed: 42 })];
  const evalRows = [...riskRows({ rows: 1000, seed: 43, firstId: 500000 })];
  const result = await trainTabular({ config, train: arraySource(train), eval: arraySource(evalRows) });
  const rows = requestRows(BATCH_ROWS);
  const offline = Array.from(
    (result.predict(rows) as { task: 'binary'; score: Float64Array | Float32Array }).score,
  );
  const runDir = join(tmp, 'run');
  await mkdir(runDir, { recursive: true });
  await saveModel(join(runDir, 'model'), result);
  const created = new Date();
  const record: RunRecord = RunRecordSchema.parse({
    schema_version: 1,
    id: `${MODEL}-serve-bench-${created.getTime()}`,
    model: MODEL,
    task: config.task,
    mode: 'tfjs',
    status: 'succeeded',
    created_at: created.toISOString(),
    git: { sha: null, branch: null, dirty: null },
    params: {
      trainer: result.spec,
      seed: config.seed,
      threshold: config.threshold,
      split: config.data.split,
    },
    // Generated rows, not files: no data fingerprints.
    data: {},
    metrics: { overall: result.metrics, slices: [], eval_rows: result.evaluation.n },
    history: result.history.map((e) => ({ ...e })),
    environment: describeEnvironment(result.backend.name, null),
    timings: {
      total_ms: Math.round(result.timings.totalMs),
      train_ms: Math.round(result.timings.trainMs),
      epochs: result.history.length,
      best_epoch: result.bestEpoch,
    },
    artifacts: { model: 'model' },
  });
  await writeFile(join(runDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  result.model.dispose();
  const registryDir = join(tmp, 'registry');
  const registry = new LocalRegistry(registryDir);
  for (const version of ['1.0.0', '1.1.0']) await registry.register(runDir, { version });
  const auc = result.metrics.roc_auc;
  console.log(
    `setup: trained ${MODEL} on ${trainRowCount.toLocaleString('en-US')} rows (${result.history.length} epochs, ${result.backend.name}, eval roc_auc ${typeof auc === 'number' ? auc.toFixed(3) : '-'}) and registered v1.0.0 and v1.1.0 in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { rows, offline, registryDir };
}

interface SwapRecord {
  version: string;
  atMs: number;
  ms: number;
  status: number;
  stable: string | null;
}

async function main(): Promise<void> {
  console.log(
    `serve throughput: autocannon on loopback, ${warmup} s warm-up + ${duration} s per run; machine: ${cpus().length} x ${cpus()[0]?.model?.trim() ?? 'cpu'}, node ${process.version}`,
  );
  const { rows, offline, registryDir } = await setup();

  const [mg, bare] = await Promise.all([
    startChild(
      'modelgate',
      [
        '--mode',
        'modelgate',
        '--registry',
        registryDir,
        '--version',
        '1.0.0',
        '--keep-previous',
        keepPrevious,
      ],
      { SERVE_BENCH_ADMIN_TOKEN: token },
    ),
    startChild('bare', ['--mode', 'bare']),
  ]);
  const mgBase = `http://127.0.0.1:${mg.port}`;
  const bareBase = `http://127.0.0.1:${bare.port}`;
  const predictPath = `/v1/models/${MODEL}:predict`;
  console.log(
    `servers: modelgate (backend ${String(mg.ready.backend)}, keep previous ${String(mg.ready.keepPrevious)}) and bare node:http, each in its own process`,
  );

  // Both answer, and modelgate answers what the model scores offline.
  const one = JSON.stringify({ instances: [rows[0]] });
  const sixteen = JSON.stringify({ instances: rows });
  const check = await httpJson(`${mgBase}${predictPath}`, { method: 'POST', body: { instances: rows } });
  const predictions = (check.body as { predictions?: number[] } | null)?.predictions;
  if (check.status !== 200 || !Array.isArray(predictions) || predictions.length !== rows.length) {
    throw new Error(`modelgate answered ${check.status}: ${check.text.slice(0, 300)}`);
  }
  const maxDiff = Math.max(...predictions.map((p, i) => Math.abs(p - offline[i]!)));
  if (!(maxDiff < 1e-5)) throw new Error(`served predictions differ from offline scoring by ${maxDiff}`);
  const bareCheck = await httpJson(`${bareBase}${predictPath}`, {
    method: 'POST',
    body: { instances: rows },
  });
  if (bareCheck.status !== 200) throw new Error(`the bare server answered ${bareCheck.status}`);
  console.log(
    `check: 16 served predictions equal the offline scores (max |diff| ${maxDiff.toExponential(1)})`,
  );
  console.log('');

  const results: Measured[] = [];
  async function measure(
    server: 'modelgate' | 'bare',
    connections: number,
    body: string,
    rowsPerRequest: number,
  ): Promise<Measured> {
    const url = `${server === 'modelgate' ? mgBase : bareBase}${predictPath}`;
    if (warmup > 0) await cannon(url, body, connections, warmup);
    const before = server === 'modelgate' ? await scrape(mgBase) : null;
    const { result, latencies } = await cannon(url, body, connections, duration);
    const after = server === 'modelgate' ? await scrape(mgBase) : null;
    const ok = result['2xx'];
    const m: Measured = {
      server,
      connections,
      rowsPerRequest,
      seconds: result.duration,
      ok,
      failed: { non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts },
      reqPerSec: ok / result.duration,
      rowsPerSec: (ok * rowsPerRequest) / result.duration,
      p50: median(latencies),
      p99: quantile(latencies, 0.99),
      ...(before && after ? { meanBatch: meanBatch(before, after) } : {}),
    };
    const failed = m.failed.non2xx + m.failed.errors + m.failed.timeouts;
    console.log(
      `${server.padEnd(9)} c=${String(connections).padStart(2)} x${rowsPerRequest}: ${f0(m.reqPerSec)} req/s` +
        `${rowsPerRequest > 1 ? ` (${f0(m.rowsPerSec)} rows/s)` : ''}, p50 ${f2(m.p50)} ms, p99 ${f2(m.p99)} ms` +
        `${m.meanBatch !== undefined ? `, mean batch ${m.meanBatch.toFixed(1)} rows` : ''}` +
        `${failed > 0 ? `, FAILED ${failed} (non-2xx ${m.failed.non2xx}, errors ${m.failed.errors}, timeouts ${m.failed.timeouts})` : ''}`,
    );
    results.push(m);
    return m;
  }

  for (const c of CONCURRENCY) {
    await measure('modelgate', c, one, 1);
    await measure('bare', c, one, 1);
  }
  await measure('modelgate', BATCH_CONNECTIONS, sixteen, BATCH_ROWS);
  await measure('bare', BATCH_CONNECTIONS, sixteen, BATCH_ROWS);

  // Hot swaps under load.
  console.log('');
  const swapUrl = `${mgBase}${predictPath}`;
  const before = await scrape(mgBase);
  const eventsFrom = mg.events.length;
  const t0 = performance.now();
  const times: number[] = [];
  const load = new Promise<CannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: swapUrl,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: one,
        connections: BATCH_CONNECTIONS,
        duration: swapDuration,
        timeout: 10,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_c, status, _b, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
  const swaps: SwapRecord[] = [];
  for (const [i, version] of SWAPS.entries()) {
    const due = t0 + SWAP_EVERY_MS * (i + 1) - performance.now();
    if (due > 0) await sleep(due);
    const started = performance.now();
    const res = await httpJson(`${mgBase}/admin/models/${MODEL}/deploy`, {
      method: 'POST',
      body: { version },
      token,
    });
    const stable = (res.body as { stable?: { version?: string } } | null)?.stable?.version ?? null;
    swaps.push({ version, atMs: started - t0, ms: performance.now() - started, status: res.status, stable });
    console.log(
      `swap ${i + 1}: deploy ${version} at ${((started - t0) / 1000).toFixed(2)} s -> ${res.status}` +
        `${stable ? `, stable ${stable}` : `: ${res.text.slice(0, 200)}`} (${f0(performance.now() - started)} ms)`,
    );
  }
  const swapResult = await load;
  const after = await scrape(mgBase);
  const swapLatencies = Float64Array.from(times).sort();
  const swapsDone = swaps.filter((s) => s.status === 200 && s.stable === s.version).length;
  const swapsInLoad = swaps.filter((s) => s.atMs + s.ms < swapResult.duration * 1000).length;
  const swapFailed = swapResult.non2xx + swapResult.errors + swapResult.timeouts;
  const servedBy: Record<string, number> = {};
  for (const [key, n] of after.requests) {
    const delta = n - (before.requests.get(key) ?? 0);
    if (delta > 0) servedBy[key.replace(' ', ' HTTP ')] = delta;
  }
  const events = mg.events
    .slice(eventsFrom)
    .map((e) => `${String(e.event.type)} ${String(e.event.version)}`)
    .join(', ');
  console.log(
    `load: ${swapResult.requests.sent.toLocaleString('en-US')} requests sent, ${swapResult.requests.total.toLocaleString('en-US')} answered, 2xx ${swapResult['2xx'].toLocaleString('en-US')}, non-2xx ${swapResult.non2xx}, errors ${swapResult.errors}, timeouts ${swapResult.timeouts}, resets ${swapResult.resets}` +
      ` in ${swapResult.duration} s; p50 ${f2(median(swapLatencies))} ms, p99 ${f2(quantile(swapLatencies, 0.99))} ms`,
  );
  console.log(`server side (from /metrics, by version and status): ${JSON.stringify(servedBy)}`);
  console.log(`manager events: ${events || 'none'}`);
  console.log(
    `hot swaps: ${swapsDone}${swapsDone !== SWAPS.length ? ` of ${SWAPS.length}` : ''}, failed requests: ${swapFailed}` +
      `${swapsInLoad !== SWAPS.length ? ` (only ${swapsInLoad} swaps finished while the load ran)` : ''}`,
  );

  // Summary.
  const find = (server: Measured['server'], c: number, r = 1) =>
    results.find((m) => m.server === server && m.connections === c && m.rowsPerRequest === r);
  console.log('');
  console.log(
    '| run | connections | rows/request | modelgate req/s | rows/s | p50 ms | p99 ms | mean batch rows | bare req/s | bare p50 ms | bare p99 ms | modelgate / bare |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ratios: Record<string, number> = {};
  for (const c of CONCURRENCY) {
    const m = find('modelgate', c)!;
    const b = find('bare', c)!;
    ratios[c] = m.reqPerSec / b.reqPerSec;
    console.log(
      `| predict, 1 instance | ${c} | 1 | ${f0(m.reqPerSec)} | ${f0(m.rowsPerSec)} | ${f2(m.p50)} | ${f2(m.p99)} | ${m.meanBatch?.toFixed(1) ?? '-'} | ${f0(b.reqPerSec)} | ${f2(b.p50)} | ${f2(b.p99)} | ${pct(ratios[c]!)} |`,
    );
  }
  const batched = find('modelgate', BATCH_CONNECTIONS, BATCH_ROWS)!;
  const bare64 = find('bare', BATCH_CONNECTIONS, BATCH_ROWS)!;
  console.log(
    `| predict, ${BATCH_ROWS} instances | ${BATCH_CONNECTIONS} | ${BATCH_ROWS} | ${f0(batched.reqPerSec)} | ${f0(batched.rowsPerSec)} | ${f2(batched.p50)} | ${f2(batched.p99)} | ${batched.meanBatch?.toFixed(1) ?? '-'} | ${f0(bare64.reqPerSec)} | ${f2(bare64.p50)} | ${f2(bare64.p99)} | ${pct(batched.reqPerSec / bare64.reqPerSec)} |`,
  );
  console.log(
    `| hot swaps (${swapsDone} deploys) | ${BATCH_CONNECTIONS} | 1 | ${f0(swapResult['2xx'] / swapResult.duration)} | ${f0(swapResult['2xx'] / swapResult.duration)} | ${f2(median(swapLatencies))} | ${f2(quantile(swapLatencies, 0.99))} | ${meanBatch(before, after).toFixed(1)} | - | - | - | failed requests: ${swapFailed} |`,
  );
  console.log('');
  const ratio64 = ratios[64]!;
  const throughputGoal = ratio64 >= 0.5;
  const swapGoal = swapFailed === 0 && swapsDone === SWAPS.length;
  console.log(
    `goal, throughput: modelgate at 64 connections is ${pct(ratio64)} of the bare node:http ceiling (aim >= 50%): ${throughputGoal ? 'met' : 'MISSED'}`,
  );
  console.log(
    `goal, hot swaps: ${swapsDone} of ${SWAPS.length} swaps, ${swapFailed} failed requests (aim: 3 swaps, 0 failed): ${swapGoal ? 'met' : 'MISSED'}`,
  );
  const round = (m: Measured) => ({
    server: m.server,
    connections: m.connections,
    rows_per_request: m.rowsPerRequest,
    seconds: m.seconds,
    ok: m.ok,
    failed: m.failed,
    req_per_s: Math.round(m.reqPerSec),
    rows_per_s: Math.round(m.rowsPerSec),
    p50_ms: Number(m.p50.toFixed(3)),
    p99_ms: Number(m.p99.toFixed(3)),
    ...(m.meanBatch !== undefined ? { mean_batch: Number(m.meanBatch.toFixed(2)) } : {}),
  });
  console.log(
    JSON.stringify({
      bench: 'serve-throughput',
      cpus: cpus().length,
      node: process.version,
      backend: mg.ready.backend,
      duration_s: duration,
      warmup_s: warmup,
      runs: results.map(round),
      ratio: Object.fromEntries(CONCURRENCY.map((c) => [`c${c}`, Number(ratios[c]!.toFixed(3))])),
      hot_swap: {
        keep_previous: keepPrevious !== 'no',
        swaps: swaps.map((s) => ({
          version: s.version,
          at_ms: Math.round(s.atMs),
          ms: Math.round(s.ms),
          status: s.status,
        })),
        swaps_ok: swapsDone,
        seconds: swapResult.duration,
        sent: swapResult.requests.sent,
        answered: swapResult.requests.total,
        ok: swapResult['2xx'],
        non2xx: swapResult.non2xx,
        errors: swapResult.errors,
        timeouts: swapResult.timeouts,
        resets: swapResult.resets,
        failed: swapFailed,
        p50_ms: Number(median(swapLatencies).toFixed(3)),
        p99_ms: Number(quantile(swapLatencies, 0.99).toFixed(3)),
        served_by: servedBy,
      },
      goals: { throughput_c64_half_of_ceiling: throughputGoal, zero_failed_across_3_swaps: swapGoal },
    }),
  );
}

// Interrupted: stop the servers and remove the temporary folder before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`serve-throughput: ${signal}, stopping`);
    void Promise.all(children.map(stopChild))
      .then(() => rm(tmp, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  console.error(
    `serve-throughput: setup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  exitCode = 1;
} finally {
  const codes = await Promise.all(children.map(async (c) => [c.name, await stopChild(c)] as const));
  for (const [name, code] of codes) {
    if (code !== 0) console.error(`serve-throughput: the ${name} server exited with code ${code}`);
  }
  await rm(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
