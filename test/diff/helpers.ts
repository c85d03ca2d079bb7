/** Shared test helpers: minimal valid run records, fingerprints, repo model settings, synthetic examples. */
import { type RepoModel, RepoModelSchema } from '../../src/config/repo-config.js';
import { type RunRecord, RunRecordSchema } from '../../src/config/run-record.js';
import type { ColumnSchema } from '../../src/data/types.js';
import { SeededRandom } from '../../src/diff/prng.js';
import type { Examples } from '../../src/diff/types.js';
import { computeMetrics, sliceMetrics } from '../../src/metrics/index.js';
import { toReport } from '../../src/runs/predictions.js';

type Overrides = Partial<Omit<RunRecord, 'metrics'>> & { metrics?: Partial<RunRecord['metrics']> };

/** A minimal valid RunRecord (validated with RunRecordSchema), with overrides. */
export function makeRun(overrides: Overrides = {}): RunRecord {
  const { metrics, ...rest } = overrides;
  return RunRecordSchema.parse({
    schema_version: 1,
    id: 'risk-20260101T000000Z-aaaa',
    model: 'risk',
    task: 'binary',
    mode: 'tfjs',
    status: 'succeeded',
    created_at: '2026-01-01T00:00:00.000Z',
    git: { sha: 'a'.repeat(40), branch: 'main', dirty: false },
    params: { seed: 42, threshold: 0.5 },
    data: {},
    metrics: { overall: { roc_auc: 0.8, log_loss: 0.45, accuracy: 0.8 }, slices: [], ...metrics },
    environment: {
      runner: 'runner-1',
      os: 'linux',
      arch: 'x64',
      cpus: 2,
      node: 'v20.18.0',
      modelgate: '0.1.0',
      backend: 'wasm',
      gpu: null,
    },
    timings: { total_ms: 1000 },
    artifacts: { model: 'model', predictions: 'predictions.csv' },
    ...rest,
  });
}

/** A dataset fingerprint; `hashChar` fills the 64 hex digits. */
export function fingerprint(hashChar: string, rows: number, schema: ColumnSchema[], path = 'data/eval.csv') {
  return {
    path,
    format: 'csv' as const,
    hash: `sha256:${hashChar.repeat(64)}`,
    bytes: rows * 10,
    rows,
    schema,
  };
}

/** A column schema entry. */
export function col(name: string, type: ColumnSchema['type'] = 'number', nullable = false): ColumnSchema {
  return { name, type, nullable };
}

/** Per-model gate settings (defaults applied by RepoModelSchema). */
export function repoModel(settings: Partial<Record<keyof RepoModel, unknown>> = {}): RepoModel {
  return RepoModelSchema.parse({ name: 'risk', path: 'models/risk', ...settings });
}

/** Standard normal draws (Box-Muller) from a seeded generator. */
export function normals(rng: SeededRandom, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.next();
    const v = rng.next();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A synthetic binary evaluation set: latent z ~ N(0, 1), y ~ Bernoulli(sigmoid(2z - 1)), and a
 * scorer per `noise` entry: score = sigmoid(signal * 2z - 1 + noise * e) with its own noise draw e.
 * Rows get ids `r<i>` and a slice column `group` (a: 60 %, b: 35 %, c: 5 %).
 */
export function syntheticBinary(
  n: number,
  scorers: { signal: number; noise: number }[],
  seed = 7,
): { yTrue: Float64Array; scores: Float64Array[]; ids: string[]; group: string[] } {
  const rng = new SeededRandom(seed);
  const z = normals(rng, n);
  const yTrue = new Float64Array(n);
  const group: string[] = [];
  for (let i = 0; i < n; i++) {
    yTrue[i] = rng.next() < sigmoid(2 * z[i]! - 1) ? 1 : 0;
    const g = rng.next();
    group.push(g < 0.6 ? 'a' : g < 0.95 ? 'b' : 'c');
  }
  const scores = scorers.map(({ signal, noise }) => {
    const e = normals(rng, n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = sigmoid(signal * 2 * z[i]! - 1 + noise * e[i]!);
    return s;
  });
  return { yTrue, scores, ids: Array.from({ length: n }, (_, i) => `r${i}`), group };
}

/** Binary examples. */
export function binaryExamples(
  yTrue: Float64Array,
  score: Float64Array,
  options: { ids?: string[] | null; slices?: Record<string, (string | null)[]>; threshold?: number } = {},
): Examples {
  return {
    task: 'binary',
    ids: options.ids ?? null,
    yTrue,
    score,
    threshold: options.threshold ?? 0.5,
    slices: options.slices ?? {},
  };
}

/** A run record whose metrics (overall and per slice) are computed from `examples` (binary). */
export function runFromExamples(examples: Examples, overrides: Overrides = {}): RunRecord {
  const input = { yTrue: examples.yTrue, score: examples.score!, threshold: examples.threshold };
  const overall = computeMetrics('binary', input);
  const slices = Object.entries(examples.slices).map(([column, values]) =>
    toReport(sliceMetrics('binary', input, column, values)),
  );
  return makeRun({ ...overrides, metrics: { overall, slices, eval_rows: examples.yTrue.length } });
}
