/**
 * Markdown report rendering: median time of `renderModelReport` for a run with 50 overall metrics,
 * each on 20 groups of 5 slice columns (5,000 slice rows), and a 200-parameter config change, next
 * to peers measured in the same run on the same tables:
 * - a naive renderer: the same tables by plain string concatenation, without escaping, truncation
 *   or charts (the floor of what any markdown renderer costs);
 * - Python `pandas.DataFrame.to_markdown` (needs `tabulate`), when `/usr/bin/python3` has it.
 * Peers that are not installed are skipped with a message. The RunDiff is built by hand here.
 *
 *   npx tsx bench/report-render.ts [--runs 50] [--metrics 50] [--groups 20] [--columns 5] [--params 200]
 *
 * Target: median under 50 ms. Ratios > 1 mean modelgate is slower than the peer.
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GateResult, MetricDelta, MetricStatus, ParamChange, RunDiff } from '../src/diff/types.js';
import { renderModelReport } from '../src/report/markdown.js';
import { formatMetric } from '../src/runs/format.js';

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} takes a positive integer`);
  return value;
}

const RUNS = arg('runs', 50);
const METRICS = arg('metrics', 50);
const GROUPS = arg('groups', 20);
const COLUMNS = arg('columns', 5);
const PARAMS = arg('params', 200);

function delta(
  name: string,
  baseline: number,
  candidate: number,
  slice: MetricDelta['slice'],
  noisy: boolean,
): MetricDelta {
  const d = candidate - baseline;
  const half = noisy ? Math.abs(d) + 0.01 : Math.abs(d) / 2;
  const ci: [number, number] = [d - half, d + half];
  const status: MetricStatus =
    d === 0 ? 'unchanged' : noisy ? 'within-noise' : d > 0 ? 'improved' : 'regressed';
  return {
    name,
    slice,
    direction: 'higher',
    baseline,
    candidate,
    delta: d,
    relative: baseline === 0 ? null : d / Math.abs(baseline),
    ci,
    status,
    count: slice ? 250 : undefined,
  };
}

function buildDiff(): { diff: RunDiff; gate: GateResult } {
  const value = (i: number, j: number) => ((i * 37 + j * 11) % 97) / 100;
  const names = Array.from({ length: METRICS }, (_, i) => `metric_${i}`);
  const metrics = names.map((n, i) => delta(n, value(i, 0), value(i, 1), null, i % 5 !== 0));
  for (let c = 0; c < COLUMNS; c++) {
    for (let g = 0; g < GROUPS; g++) {
      const slice = { column: `column_${c}`, value: `group_${g}` };
      names.forEach((n, i) => {
        metrics.push(delta(n, value(i, g), value(i, g + 2), slice, (g + i) % 17 !== 0));
      });
    }
  }
  const params: ParamChange[] = Array.from({ length: PARAMS }, (_, i) => ({
    path: `trainer.layers.${i}.units`,
    kind: 'changed',
    baseline: 16 + i,
    candidate: 32 + i,
  }));
  const ref = {
    model: 'risk',
    git_sha: 'bbbdc11e541aba9c3ffab3ebb59a3d128fd52a46',
    branch: 'main',
    created_at: '2026-11-26T08:45:06Z',
  };
  return {
    diff: {
      model: 'risk',
      task: 'binary',
      baseline: { ...ref, id: 'risk-base', version: '1.2.0' },
      candidate: { ...ref, id: 'risk-cand', branch: 'feature/x' },
      metrics,
      fairness: Array.from({ length: COLUMNS }, (_, c) => ({
        column: `column_${c}`,
        name: 'demographic_parity_difference',
        baseline: 0.05,
        candidate: 0.07,
        delta: 0.02,
        limit: 0.1,
      })),
      params,
      data: [],
      environment: [{ field: 'backend', baseline: 'wasm', candidate: 'tensorflow' }],
      bootstrap: { resamples: 1000, confidence: 0.95, seed: 7, paired: 5000, pairing: 'id' },
    },
    gate: {
      verdict: 'needs-approval',
      reasons: [
        {
          level: 'needs-approval',
          code: 'metric-regressed',
          message: 'metric_0 regressed.',
          metric: 'metric_0',
        },
      ],
      bump: { bump: 'minor', reason: 'default' },
    },
  };
}

/** The same tables by plain concatenation: no escaping, no truncation, no charts. */
function naive(diff: RunDiff): string {
  let out = `<!-- modelgate:report:${diff.model} -->\n### ${diff.model}\n\n| metric | baseline | candidate | delta | CI | status |\n| --- | --- | --- | --- | --- | --- |\n`;
  const bySlice = new Map<string, MetricDelta[]>();
  for (const m of diff.metrics) {
    if (m.slice === null) {
      out += `| ${m.name} | ${formatMetric(m.baseline)} | ${formatMetric(m.candidate)} | ${formatMetric(m.delta)} | ${m.ci ? `[${formatMetric(m.ci[0])}, ${formatMetric(m.ci[1])}]` : ''} | ${m.status} |\n`;
    } else {
      const key = m.slice.column;
      let list = bySlice.get(key);
      if (!list) bySlice.set(key, (list = []));
      list.push(m);
    }
  }
  const main = new Set(
    diff.metrics
      .filter((m) => m.slice === null)
      .slice(0, 3)
      .map((m) => m.name),
  );
  for (const [column, list] of bySlice) {
    out += `\n| ${column} | metric | candidate | delta |\n| --- | --- | --- | --- |\n`;
    for (const m of list) {
      if (main.has(m.name))
        out += `| ${m.slice!.value} | ${m.name} | ${formatMetric(m.candidate)} | ${formatMetric(m.delta)} |\n`;
    }
  }
  out += '\n';
  for (const p of diff.params)
    out += `- ${p.path}: ${JSON.stringify(p.baseline)} -> ${JSON.stringify(p.candidate)}\n`;
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function time(fn: () => string, runs: number): { ms: number; length: number } {
  let length = 0;
  for (let i = 0; i < Math.min(5, runs); i++) length = fn().length;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    length = fn().length;
    samples.push(performance.now() - t0);
  }
  return { ms: median(samples), length };
}

const PY_PEER = String.raw`
import json, sys, time
try:
    import pandas as pd
    import tabulate  # noqa: F401  (DataFrame.to_markdown needs it)
except Exception as e:
    print(json.dumps({'skip': f'{type(e).__name__}: {e}'}))
    sys.exit(0)
data = json.load(sys.stdin)
overall = pd.DataFrame(data['overall'])
slices = [pd.DataFrame(rows) for rows in data['slices']]
params = pd.DataFrame(data['params'])
def render():
    parts = [overall.to_markdown(index=False)]
    parts += [s.to_markdown(index=False) for s in slices]
    parts.append(params.to_markdown(index=False))
    return '\n\n'.join(parts)
for _ in range(3):
    render()
samples = []
length = 0
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter()
    length = len(render())
    samples.append((time.perf_counter() - t0) * 1000)
samples.sort()
print(json.dumps({'ms': samples[len(samples) // 2], 'length': length}))
`;

async function pandasPeer(diff: RunDiff): Promise<{ ms: number; length: number } | string> {
  const overall = diff.metrics
    .filter((m) => m.slice === null)
    .map((m) => ({
      metric: m.name,
      baseline: m.baseline,
      candidate: m.candidate,
      delta: m.delta,
      status: m.status,
    }));
  const main = new Set(overall.slice(0, 3).map((m) => m.metric));
  const columns = new Map<string, Record<string, unknown>[]>();
  for (const m of diff.metrics) {
    if (m.slice === null || !main.has(m.name)) continue;
    let rows = columns.get(m.slice.column);
    if (!rows) columns.set(m.slice.column, (rows = []));
    rows.push({ [m.slice.column]: m.slice.value, metric: m.name, candidate: m.candidate, delta: m.delta });
  }
  const params = diff.params.map((p) => ({
    path: p.path,
    baseline: String(p.baseline),
    candidate: String(p.candidate),
  }));
  const input = JSON.stringify({ overall, slices: [...columns.values()], params });
  try {
    const child = run('/usr/bin/python3', ['-c', PY_PEER, String(RUNS)], { maxBuffer: 1 << 20 });
    child.child.stdin?.end(input);
    const { stdout } = await child;
    const out = JSON.parse(stdout.trim()) as { ms?: number; length?: number; skip?: string };
    if (out.skip) return `skipped (pandas to_markdown unavailable: ${out.skip})`;
    return { ms: out.ms!, length: out.length! };
  } catch (err) {
    return `skipped (/usr/bin/python3 unavailable: ${(err as Error).message.split('\n')[0]})`;
  }
}

async function main(): Promise<void> {
  const { diff, gate } = buildDiff();
  const slices = diff.metrics.length - METRICS;
  console.log(
    `report: ${METRICS} metrics, ${GROUPS} groups x ${COLUMNS} slice columns (${slices} slice rows), ${PARAMS} parameter changes; median of ${RUNS} runs`,
  );
  const card = `# Model card\n\n${'This model scores policies; trained on synthetic data.\n\n'.repeat(750)}`;
  const ours = time(() => renderModelReport({ diff, gate }), RUNS);
  const withCard = time(() => renderModelReport({ diff, gate, card }), RUNS);
  const floor = time(() => naive(diff), RUNS);
  const target = ours.ms < 50 ? 'under' : 'OVER';
  const row = (label: string, text: string) => console.log(`  ${label.padEnd(42)}${text}`);
  row(
    'modelgate renderModelReport:',
    `${ours.ms.toFixed(2)} ms, ${ours.length} chars (${target} the 50 ms target)`,
  );
  row(
    `modelgate, + ${Math.round(card.length / 1024)} KB card (truncated):`,
    `${withCard.ms.toFixed(2)} ms, ${withCard.length} chars`,
  );
  row(
    'naive concatenation (no escaping):',
    `${floor.ms.toFixed(2)} ms, ${floor.length} chars; modelgate / naive = ${(ours.ms / floor.ms).toFixed(1)}x`,
  );
  const py = await pandasPeer(diff);
  if (typeof py === 'string') row('pandas DataFrame.to_markdown:', py);
  else {
    row(
      'pandas DataFrame.to_markdown:',
      `${py.ms.toFixed(2)} ms, ${py.length} chars; modelgate / pandas = ${(ours.ms / py.ms).toFixed(2)}x`,
    );
  }
}

await main();
