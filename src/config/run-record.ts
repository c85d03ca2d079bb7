/**
 * Schema of `run.json`: one training + evaluation run, the unit every later step (diff, gate, card,
 * release) reads. Versioned with `schema_version`; readers reject versions they do not know.
 */
import { z } from 'zod';

const metricValue = z.number().nullable();
/** Metrics keyed by name (`roc_auc`, `rmse`, ...). null: undefined for this data (e.g. AUC with one class). */
export const MetricMapSchema = z.record(z.string(), metricValue);
/** Metrics keyed by name. */
export type MetricMap = z.infer<typeof MetricMapSchema>;

/** Column schema entry. */
export const ColumnSchemaSchema = z
  .object({ name: z.string(), type: z.enum(['number', 'string', 'boolean']), nullable: z.boolean() })
  .strict();

/** Dataset fingerprint: content hash, size, rows, schema. */
export const FingerprintSchema = z
  .object({
    path: z.string(),
    format: z.enum(['csv', 'jsonl', 'parquet']),
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    bytes: z.number().int().min(0),
    rows: z.number().int().min(0),
    schema: z.array(ColumnSchemaSchema),
  })
  .strict();

/** Metrics of one slice value. */
export const SliceGroupSchema = z
  .object({ value: z.string(), count: z.number().int().min(0), metrics: MetricMapSchema })
  .strict();

/** Per-slice metrics and fairness gaps for one slice column. */
export const SliceReportSchema = z
  .object({
    column: z.string(),
    groups: z.array(SliceGroupSchema),
    gaps: z.record(z.string(), z.number().nullable()).default({}),
  })
  .strict();
/** Per-slice metrics and fairness gaps for one slice column. */
export type SliceReport = z.infer<typeof SliceReportSchema>;

/** The GPU a run used, from nvidia-smi. */
export const GpuSchema = z
  .object({ name: z.string(), memoryMiB: z.number().optional(), driver: z.string().optional() })
  .strict();

/** One epoch of training history. */
export const EpochSchema = z
  .object({
    epoch: z.number().int(),
    loss: z.number(),
    val_loss: z.number().nullable().optional(),
    ms: z.number().optional(),
    samples_per_sec: z.number().optional(),
  })
  .passthrough();

/** The whole of run.json. */
export const RunRecordSchema = z
  .object({
    schema_version: z.literal(1),
    id: z.string().min(1).describe('Unique run id.'),
    model: z.string().min(1),
    task: z.enum(['binary', 'multiclass', 'regression']),
    mode: z.enum(['tfjs', 'command']),
    status: z.enum(['succeeded', 'failed']),
    error: z.string().optional().describe('Why the run failed.'),
    created_at: z.string().describe('ISO 8601 start time.'),
    git: z
      .object({ sha: z.string().nullable(), branch: z.string().nullable(), dirty: z.boolean().nullable() })
      .strict(),
    params: z.record(z.string(), z.unknown()).describe('Hyperparameters and settings that define the run.'),
    data: z
      .object({ train: FingerprintSchema.optional(), eval: FingerprintSchema.optional() })
      .strict()
      .describe('Fingerprints of the data used.'),
    metrics: z
      .object({
        overall: MetricMapSchema,
        slices: z.array(SliceReportSchema).default([]),
        eval_rows: z.number().int().min(0).optional(),
      })
      .strict(),
    validation: z
      .object({
        contract: z.string().describe('The contract file, relative to the repository root.'),
        splits: z.array(
          z
            .object({
              split: z.enum(['train', 'eval']),
              ok: z.boolean(),
              rows: z.number().int().min(0),
              errors: z.number().int().min(0),
              warnings: z.number().int().min(0),
              violations: z.array(z.record(z.string(), z.unknown())).describe('The first 50 violations.'),
            })
            .strict(),
        ),
      })
      .strict()
      .optional()
      .describe('Data contract checks of the training and evaluation data (docs/validation.md).'),
    importance: z
      .array(z.object({ feature: z.string(), importance: z.number(), std: z.number() }).strict())
      .optional()
      .describe('Permutation importance: mean drop of the primary metric when the feature is shuffled.'),
    history: z.array(EpochSchema).optional(),
    environment: z
      .object({
        runner: z.string().nullable().describe('Runner name (RUNNER_NAME) or host name.'),
        os: z.string(),
        arch: z.string(),
        cpus: z.number().int(),
        cpu_model: z.string().optional(),
        node: z.string(),
        modelgate: z.string(),
        backend: z.string().nullable().describe('tfjs backend, or null in command mode.'),
        gpu: GpuSchema.nullable(),
      })
      .strict(),
    timings: z
      .object({
        total_ms: z.number(),
        train_ms: z.number().optional(),
        eval_ms: z.number().optional(),
        epochs: z.number().int().optional(),
        best_epoch: z.number().int().optional(),
        samples_per_sec: z.number().optional(),
      })
      .strict(),
    command: z
      .object({
        run: z.string(),
        exit_code: z.number().int().nullable(),
        signal: z.string().nullable(),
        log: z.string(),
      })
      .strict()
      .optional()
      .describe('Command mode: what ran and how it ended; `log` is the log file relative to the run folder.'),
    artifacts: z
      .object({
        model: z.string().optional().describe('Model folder, relative to the run folder.'),
        predictions: z
          .string()
          .optional()
          .describe('Per-example eval predictions, relative to the run folder.'),
        log: z.string().optional(),
      })
      .strict(),
  })
  .strict();
/** A parsed run.json. */
export type RunRecord = z.infer<typeof RunRecordSchema>;

/**
 * Schema of `metrics.json` as written by a training command (command mode): a flat map of metric
 * names to numbers, optionally with per-slice metrics. `{ "roc_auc": 0.91 }` is the simplest valid file.
 */
export const MetricsFileSchema = z.union([
  z
    .object({
      metrics: MetricMapSchema,
      slices: z.array(SliceReportSchema).optional(),
    })
    .strict(),
  MetricMapSchema,
]);
/** A parsed metrics.json. */
export type MetricsFile = z.infer<typeof MetricsFileSchema>;

/** Normalises either metrics.json shape to `{ metrics, slices }`. */
export function normaliseMetricsFile(file: MetricsFile): { metrics: MetricMap; slices: SliceReport[] } {
  if ('metrics' in file && typeof file.metrics === 'object' && file.metrics !== null) {
    const f = file as { metrics: MetricMap; slices?: SliceReport[] };
    return { metrics: f.metrics, slices: f.slices ?? [] };
  }
  return { metrics: file as MetricMap, slices: [] };
}
