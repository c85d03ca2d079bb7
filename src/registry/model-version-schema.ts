/** The zod schema of `version.json`: one registered version, as both registries store it. */
import { z } from 'zod';
import { MetricMapSchema } from '../config/run-record.js';

/** `version.json` (a {@link import('./registry.js').ModelVersion}), strict. */
export const ModelVersionSchema = z
  .object({
    model: z.string().min(1),
    version: z.string().regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/, 'expected X.Y.Z'),
    tag: z.string().min(1),
    created_at: z.string(),
    run_id: z.string().min(1),
    git_sha: z.string().nullable(),
    metrics: MetricMapSchema,
    approver: z.string().optional(),
    notes: z.string().optional(),
  })
  .strict();
