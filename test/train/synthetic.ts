/**
 * Seeded synthetic tabular data for the trainer tests (no files, no dependence on other modules).
 */
import { type ModelConfig, ModelConfigSchema } from '../../src/config/model-config.js';
import type { Row } from '../../src/data/types.js';
import { createRng, type Rng } from '../../src/train/random.js';

/** A standard normal draw (Box-Muller). */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

const REGIONS = ['north', 'south', 'east', 'west'] as const;
const REGION_EFFECT: Record<string, number> = { north: 1, south: -1, east: 0.5, west: -0.5 };

/** Binary rows: label depends on x1, x2 and region; x3 is noise; `group` is a slice column. */
export function binaryRows(n: number, seed = 1): Row[] {
  const rng = createRng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = normal(rng);
    const x2 = normal(rng) * 10 + 50;
    const x3 = normal(rng);
    const region = REGIONS[Math.floor(rng() * REGIONS.length)]!;
    const logit = 2 * x1 - 0.15 * (x2 - 50) + REGION_EFFECT[region]!;
    const p = 1 / (1 + Math.exp(-logit));
    rows.push({ id: `r${i}`, x1, x2, x3, region, group: rng() < 0.5 ? 'a' : 'b', y: rng() < p ? 1 : 0 });
  }
  return rows;
}

/** Multiclass rows with three classes separated along two features. */
export function multiclassRows(n: number, seed = 2): Row[] {
  const rng = createRng(seed);
  const classes = ['cat', 'dog', 'fox'] as const;
  const centers = [
    [0, 0],
    [3, 0],
    [0, 3],
  ] as const;
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rng() * 3);
    const c = centers[k]!;
    rows.push({ a: c[0] + normal(rng), b: c[1] + normal(rng), noise: normal(rng), species: classes[k]! });
  }
  return rows;
}

/** Regression rows: y = 3 x1 - 2 x2 + size effect + noise, on a large scale. */
export function regressionRows(n: number, seed = 3): Row[] {
  const rng = createRng(seed);
  const rows: Row[] = [];
  const sizes = { s: -5, m: 0, l: 5 } as const;
  for (let i = 0; i < n; i++) {
    const x1 = normal(rng);
    const x2 = normal(rng);
    const size = (['s', 'm', 'l'] as const)[Math.floor(rng() * 3)]!;
    rows.push({ x1, x2, size, target: 1000 + 30 * x1 - 20 * x2 + 10 * sizes[size] + normal(rng) * 3 });
  }
  return rows;
}

/** A parsed model config with small, fast trainer settings; `overrides` are merged shallowly. */
export function makeConfig(input: {
  task: ModelConfig['task'];
  label: string;
  trainer?: Record<string, unknown>;
  data?: Record<string, unknown>;
  seed?: number;
}): ModelConfig {
  return ModelConfigSchema.parse({
    name: 'test-model',
    task: input.task,
    seed: input.seed ?? 7,
    data: { train: 'train.csv', label: input.label, ...input.data },
    trainer: {
      hidden: [16, 8],
      epochs: 8,
      batch_size: 64,
      learning_rate: 0.01,
      dropout: 0.1,
      importance: { repeats: 2, max_rows: 500 },
      ...input.trainer,
    },
  });
}
