/**
 * Schema of `.github/modelgate.yml`: the repository's list of models and how each is trained,
 * gated, released, deployed and monitored. Later features read the same file; unknown keys are errors
 * so typos never pass silently.
 */
import { z } from 'zod';
import { ModelNameSchema } from './model-config.js';

/** How a metric is judged in the gate. */
export const MetricRuleSchema = z
  .object({
    name: z.string().min(1).describe('Metric name as in run.json, e.g. roc_auc, log_loss, rmse.'),
    direction: z
      .enum(['higher', 'lower'])
      .optional()
      .describe('Which way is better; known defaults for the standard metrics.'),
    max_regression: z
      .number()
      .min(0)
      .optional()
      .describe('Largest allowed worsening against the baseline before approval is needed.'),
    relative: z.boolean().default(false).describe('Read max_regression as a fraction of the baseline value.'),
    min: z.number().optional().describe('Lowest acceptable value (for higher-is-better metrics).'),
    max: z.number().optional().describe('Highest acceptable value (for lower-is-better metrics).'),
    required: z.boolean().default(false).describe('A run without this metric fails the gate.'),
  })
  .strict();
/** How a metric is judged in the gate. */
export type MetricRule = z.infer<typeof MetricRuleSchema>;

/** Per-model settings in `.github/modelgate.yml`. */
export const RepoModelSchema = z
  .object({
    name: ModelNameSchema.describe('Model name, equal to `name` in its model.yml.'),
    path: z.string().min(1).describe('Folder holding model.yml, relative to the repository root.'),
    paths: z
      .array(z.string())
      .default([])
      .describe(
        'Extra paths (globs) whose changes mean this model must be retrained, e.g. shared training code.',
      ),
    runs_on: z
      .union([z.string(), z.array(z.string()).min(1)])
      .default(['self-hosted', 'gpu'])
      .describe('Runner labels for training jobs.'),
    metrics: z.array(MetricRuleSchema).default([]).describe('Gate rules per metric.'),
    fairness: z
      .object({
        slice: z.string().optional().describe('Slice column the gaps are measured on; default: every slice.'),
        max_demographic_parity_difference: z.number().min(0).max(1).optional(),
        max_equal_opportunity_difference: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional()
      .describe('Fairness gap limits; crossing one needs approval.'),
    approvers: z
      .array(z.string())
      .default([])
      .describe('Users or @org/team allowed to approve a gated change; empty: anyone with write access.'),
    bump: z.enum(['major', 'minor', 'patch']).default('minor').describe('Default semver bump on release.'),
    deploy: z
      .object({
        environments: z.array(z.string()).default(['staging', 'production']),
        url: z
          .string()
          .url()
          .optional()
          .describe("The model server's base URL (its admin API is under /admin)."),
        canary: z.number().min(0).max(100).default(0).describe('Canary traffic percentage before promotion.'),
      })
      .strict()
      .optional(),
    drift: z
      .object({
        schedule: z.string().optional().describe('Cron schedule for drift checks.'),
        data: z.string().optional().describe('Current data: file, URL or the serving prediction log.'),
        method: z.string().default('auto'),
        share: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe('Dataset drift when this share of columns drifted.'),
        retrain: z.boolean().default(false).describe('Open a retraining pull request when drift is found.'),
      })
      .strict()
      .optional(),
  })
  .strict();
/** Per-model settings (defaults applied). */
export type RepoModel = z.infer<typeof RepoModelSchema>;

/** The whole of `.github/modelgate.yml`. */
export const RepoConfigSchema = z
  .object({
    version: z.literal(1).default(1).describe('Format version of this file.'),
    registry: z
      .object({
        type: z.enum(['local', 'github']).default('local'),
        path: z.string().default('.modelgate').describe('Local registry folder (type: local).'),
      })
      .strict()
      .default({ type: 'local', path: '.modelgate' }),
    models: z
      .array(RepoModelSchema)
      .min(1)
      .superRefine((models, ctx) => {
        const seen = new Map<string, number>();
        models.forEach((m, i) => {
          const first = seen.get(m.name);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'name'],
              message: `duplicate model name (also models[${first}].name)`,
              input: m.name,
            });
          } else seen.set(m.name, i);
        });
      }),
  })
  .strict();
/** A parsed `.github/modelgate.yml` (defaults applied). */
export type RepoConfig = z.infer<typeof RepoConfigSchema>;
