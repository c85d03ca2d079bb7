/**
 * The inputs of modelgate's six actions (train, evaluate, report, release, deploy, drift), one zod
 * schema each: the single source of truth that `readInputs` validates against and each
 * `actions/<name>/action.yml` declares (a test keeps the two in step). Inputs arrive as strings
 * (`INPUT_<NAME>`); an unset or empty input takes the default here, which equals the action.yml
 * default, so an action behaves the same when run outside the runner. Derived defaults (those that
 * depend on another input, like `output` = `.modelgate/runs/<model>`) are filled in by a transform.
 */

import { z } from 'zod';
import { ModelNameSchema } from '../config/model-config.js';
import { ChangesInputsSchema } from '../workflows/changes-action.js';

/** The repository config every action reads by default. */
export const DEFAULT_CONFIG = '.github/modelgate.yml';

/** The run folder of a model when no other is given (what `train` writes by default). */
export function defaultRunDir(model: string): string {
  return `.modelgate/runs/${model}`;
}

/** The workflow artifact a model's run folder is uploaded as (contract: `modelgate-run-<model>`). */
export function runArtifactName(model: string): string {
  return `modelgate-run-${model}`;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** A boolean input as `core.getBooleanInput` reads it (YAML 1.2 core schema: true/True/TRUE, false/...). */
export function booleanInput(fallback: boolean) {
  return z
    .string()
    .default(String(fallback))
    .refine((v) => TRUE.includes(v) || FALSE.includes(v), {
      message: 'must be true or false (true, True, TRUE, false, False or FALSE)',
    })
    .transform((v) => TRUE.includes(v));
}

/** A whole-number input within `[min, max]`. */
export function integerInput(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A path input (relative to the workspace, or absolute). */
const pathInput = () => z.string().min(1).max(4096);

/** The tfjs backends `train` accepts. */
export const BACKEND_INPUTS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** A comma- or newline-separated list of model names. */
const modelList = z
  .string()
  .transform((v) =>
    v
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(z.array(ModelNameSchema).min(1, 'must name at least one model'));

/** `train`: trains one model of the repository config and prepares its run folder for upload. */
export const TrainInputsSchema = z
  .object({
    model: ModelNameSchema.describe('Model name, as listed in the repository config.'),
    config: pathInput().default(DEFAULT_CONFIG).describe('The repository config file.'),
    data: pathInput()
      .optional()
      .describe("Training data to use instead of model.yml's data.train (relative to the workspace)."),
    backend: z
      .enum(BACKEND_INPUTS)
      .default('auto')
      .describe('TensorFlow.js backend of the built-in trainer.'),
    output: pathInput()
      .optional()
      .describe('Run folder to write, inside the workspace (default .modelgate/runs/<model>).'),
    'timeout-minutes': integerInput(1, 10_080)
      .optional()
      .describe(
        "Stop training after this many minutes (default: command mode's timeout_minutes, else none).",
      ),
    upload: booleanInput(true).describe(
      'Upload the run folder as the artifact modelgate-run-<model> when the runner allows it.',
    ),
    'retention-days': integerInput(1, 90)
      .optional()
      .describe("Artifact retention (default: the repository's)."),
  })
  .transform((v) => ({ ...v, output: v.output ?? defaultRunDir(v.model) }));
/** Validated `train` inputs. */
export type TrainInputs = z.output<typeof TrainInputsSchema>;

/** `evaluate`: re-evaluates a run folder on its own or other data. */
export const EvaluateInputsSchema = z.object({
  'run-dir': pathInput().describe('The run folder (holding run.json).'),
  data: pathInput().optional().describe("Data to evaluate on (default: the run's evaluation data)."),
  config: pathInput().default(DEFAULT_CONFIG).describe('The repository config file (its metric rules).'),
  backend: z.enum(BACKEND_INPUTS).default('auto').describe('TensorFlow.js backend for scoring.'),
});
/** Validated `evaluate` inputs. */
export type EvaluateInputs = z.output<typeof EvaluateInputsSchema>;

/** `report`: posts the metric diff of one or more runs on the pull request. */
export const ReportInputsSchema = z
  .object({
    model: ModelNameSchema.optional().describe('The model reported (or use `models`).'),
    models: modelList.optional().describe('Several models, comma-separated (each run in <run-dir>/<model>).'),
    'run-dir': pathInput()
      .optional()
      .describe(
        "One model: its run folder (default .modelgate/runs/<model>); several: the folder holding each model's run folder (default .modelgate/runs).",
      ),
    config: pathInput().default(DEFAULT_CONFIG).describe('The repository config file.'),
    token: z.string().min(1).describe('GitHub token (default: the workflow token).'),
    pr: integerInput(1, Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Pull request number (default: from the event).'),
    'fail-on-gate': booleanInput(true).describe(
      'Fail the step when the verdict is fail (needs-approval never fails it: approving is a reviewer’s job).',
    ),
  })
  .superRefine((v, ctx) => {
    if (v.model && v.models)
      ctx.addIssue({ code: 'custom', path: ['models'], message: 'give model or models, not both' });
  })
  .transform((v) => {
    const single = v.model !== undefined;
    const names = single ? [v.model!] : (v.models ?? []);
    const runs = names.map((model) => ({
      model,
      dir: single ? (v['run-dir'] ?? defaultRunDir(model)) : `${v['run-dir'] ?? '.modelgate/runs'}/${model}`,
    }));
    return { ...v, runs };
  });
/** Validated `report` inputs (with `runs`: each model and its run folder). */
export type ReportInputs = z.output<typeof ReportInputsSchema>;

/** `release`: tags and publishes a run as the model's next version. */
export const ReleaseInputsSchema = z
  .object({
    model: ModelNameSchema.describe('Model name.'),
    'run-dir': pathInput().optional().describe('The run folder (default .modelgate/runs/<model>).'),
    config: pathInput().default(DEFAULT_CONFIG).describe('The repository config file.'),
    token: z.string().min(1).describe('GitHub token with contents: write.'),
    sha: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'must be a full 40-character commit SHA')
      .optional()
      .describe('Commit to tag (default GITHUB_SHA).'),
    bump: z
      .enum(['major', 'minor', 'patch'])
      .optional()
      .describe("Semver bump (default: the gate's decision, else the config's bump)."),
    attest: booleanInput(true).describe('Attest build provenance of the model artifact.'),
  })
  .transform((v) => ({ ...v, 'run-dir': v['run-dir'] ?? defaultRunDir(v.model) }));
/** Validated `release` inputs. */
export type ReleaseInputs = z.output<typeof ReleaseInputsSchema>;

/** `deploy`: deploys a released version to an environment's model server. */
export const DeployInputsSchema = z.object({
  model: ModelNameSchema.describe('Model name.'),
  version: z
    .string()
    .regex(/^v?\d+\.\d+\.\d+$/, 'must be a version X.Y.Z')
    .transform((s) => s.replace(/^v/, ''))
    .optional()
    .describe('Version to deploy (default: the latest release).'),
  environment: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be an environment name (letters, digits, . _ -)')
    .default('production')
    .describe('Deployment environment.'),
  'server-url': z
    .url()
    .optional()
    .describe("The model server's base URL (default: the config's deploy.url)."),
  'admin-token': z.string().min(1).describe("The model server's admin token (a secret)."),
  canary: integerInput(0, 100).optional().describe('Canary traffic percentage (default: the config).'),
  watch: integerInput(0, 3600)
    .default(0)
    .describe(
      'Seconds to watch a canary after it starts; an automatic rollback by the server in that time fails the step and marks the canary Deployment failed (0: do not watch).',
    ),
  'stage-tag': booleanInput(false).describe(
    "After a successful full rollout, tag the version as assigned to the environment in DVC GTO's convention, <model>#<environment>#<N> (needs contents: write).",
  ),
  config: pathInput().default(DEFAULT_CONFIG).describe('The repository config file.'),
  token: z.string().min(1).describe('GitHub token with deployments: write.'),
});
/** Validated `deploy` inputs. */
export type DeployInputs = z.output<typeof DeployInputsSchema>;

/** `drift`: compares current data with the deployed version's reference profile. */
export const DriftInputsSchema = z
  .object({
    model: ModelNameSchema.describe('Model name.'),
    current: pathInput()
      .optional()
      .describe(
        "Current data: a data file or the model server's prediction log folder (default: the config's drift.data).",
      ),
    version: z
      .string()
      .regex(/^v?\d+\.\d+\.\d+$/, 'must be a version X.Y.Z')
      .transform((s) => s.replace(/^v/, ''))
      .optional()
      .describe('Version whose reference profile is compared (default: the latest release).'),
    reference: pathInput()
      .optional()
      .describe('A local reference profile.json (or data file) instead of the release asset.'),
    config: pathInput().default(DEFAULT_CONFIG).describe('The repository config file.'),
    token: z
      .string()
      .optional()
      .describe('GitHub token with issues: write (and contents: read for releases).'),
    'open-issue': booleanInput(true).describe('Open, update or close the drift issue.'),
    'retrain-workflow': z
      .string()
      .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, 'must be a workflow file name like retrain.yml')
      .optional()
      .describe("Workflow to dispatch when drift is newly found (with the config's drift.retrain: true)."),
    output: pathInput()
      .optional()
      .describe('Folder for the reports, inside the workspace (default .modelgate/drift/<model>).'),
    'fail-on-drift': booleanInput(false).describe('Fail the step when the dataset drifted.'),
  })
  .transform((v) => ({ ...v, output: v.output ?? `.modelgate/drift/${v.model}` }));
/** Validated `drift` inputs. */
export type DriftInputs = z.output<typeof DriftInputsSchema>;

/** Every action's input schema, by action name. */
export const ACTION_INPUTS = {
  train: TrainInputsSchema,
  evaluate: EvaluateInputsSchema,
  report: ReportInputsSchema,
  release: ReleaseInputsSchema,
  deploy: DeployInputsSchema,
  drift: DriftInputsSchema,
  changes: ChangesInputsSchema,
} as const;

/** The outputs each action sets (the names in its action.yml). */
export const ACTION_OUTPUTS = {
  train: ['run-dir', 'run-id', 'artifact-name', 'backend', 'gpu', 'metrics'],
  evaluate: ['metrics', 'run-dir'],
  report: ['verdict', 'comment-id'],
  release: ['version', 'tag', 'release-url', 'created'],
  deploy: ['deployment-id', 'state', 'environment-url', 'stage-tag'],
  drift: ['drifted', 'share', 'issue-number', 'report-path'],
  changes: ['models', 'matrix', 'any'],
} as const satisfies Record<keyof typeof ACTION_INPUTS, readonly string[]>;

/** The name of one of modelgate's actions. */
export type ActionName = keyof typeof ACTION_INPUTS;
