/**
 * Schema of `models/<name>/model.yml`: what a model is, where its data is, and how it is trained
 * (the built-in TensorFlow.js trainer or any command). Paths are relative to the model.yml's folder.
 */
import { z } from 'zod';

/** Model tasks modelgate knows how to train and evaluate. */
export const TaskSchema = z.enum(['binary', 'multiclass', 'regression']).describe('What the model predicts.');
/** A model task. */
export type Task = z.infer<typeof TaskSchema>;

/** The rule for model names (they become tags `<name>@vX.Y.Z` and folder names). */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A model name. */
export const ModelNameSchema = z
  .string()
  .regex(
    MODEL_NAME_PATTERN,
    'must be lowercase letters, digits, ".", "_" or "-" (max 64), starting with a letter or digit',
  );

/** A declared feature column. */
export const FeatureSchema = z
  .object({
    name: z.string().min(1).describe('Column name in the data.'),
    type: z
      .enum(['numeric', 'categorical'])
      .describe('numeric: standardised; categorical: one-hot or embedded.'),
    encoding: z
      .enum(['onehot', 'embedding'])
      .optional()
      .describe('Categorical encoding; default onehot, embedding for high cardinality.'),
    embedding_dim: z
      .number()
      .int()
      .positive()
      .max(512)
      .optional()
      .describe('Embedding width (encoding: embedding).'),
    max_categories: z
      .number()
      .int()
      .positive()
      .max(100_000)
      .optional()
      .describe('Keep the most frequent categories (training split); the rest map to "other".'),
  })
  .strict();
/** A declared feature column. */
export type Feature = z.infer<typeof FeatureSchema>;

/** Where the data is and how it is split. */
export const DataSpecSchema = z
  .object({
    train: z.string().min(1).describe('Training data file (CSV, JSONL or Parquet), relative to model.yml.'),
    eval: z
      .string()
      .min(1)
      .optional()
      .describe('Held-out evaluation data. When absent, a seeded test split of `train` is used.'),
    format: z
      .enum(['csv', 'jsonl', 'parquet'])
      .optional()
      .describe('File format; default from the extension.'),
    label: z.string().min(1).describe('Label column.'),
    features: z
      .array(FeatureSchema)
      .min(1)
      .optional()
      .describe(
        'Feature columns. When absent, every column but the label, `id` and `ignore` is used, typed by inference.',
      ),
    id: z.string().optional().describe('Row id column (kept in predictions, never a feature).'),
    contract: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Data contract (docs/validation.md) the training and evaluation data are checked against before training; default: data.contract.yml next to model.yml when it exists.',
      ),
    ignore: z.array(z.string()).default([]).describe('Columns never used as features.'),
    slices: z
      .array(z.string())
      .default([])
      .describe('Columns to compute per-slice metrics and fairness gaps on (e.g. a sensitive attribute).'),
    positive_label: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe('Binary task: the label value of the positive class (default 1 / true / "yes").'),
    split: z
      .object({
        validation: z
          .number()
          .min(0)
          .max(0.5)
          .default(0.15)
          .describe('Share of training rows for early stopping.'),
        test: z
          .number()
          .min(0)
          .max(0.5)
          .default(0.2)
          .describe('Share held out for evaluation when `eval` is absent.'),
      })
      .strict()
      .default({ validation: 0.15, test: 0.2 }),
  })
  .strict();
/** Where the data is and how it is split. */
export type DataSpec = z.infer<typeof DataSpecSchema>;

/** The built-in TensorFlow.js trainer's hyperparameters. */
export const TrainerSchema = z
  .object({
    type: z.literal('tfjs').default('tfjs'),
    architecture: z
      .enum(['linear', 'mlp'])
      .default('mlp')
      .describe('linear: logistic/linear/softmax regression; mlp: hidden layers.'),
    hidden: z
      .array(z.number().int().positive().max(4096))
      .max(8)
      .default([64, 32])
      .describe('MLP hidden layer widths.'),
    activation: z.enum(['relu', 'elu', 'tanh', 'selu', 'sigmoid']).default('relu'),
    dropout: z.number().min(0).max(0.9).default(0.1).describe('Dropout after each hidden layer.'),
    l2: z.number().min(0).max(1).default(0).describe('L2 weight regularisation.'),
    optimizer: z.enum(['adam', 'sgd']).default('adam'),
    learning_rate: z.number().positive().max(10).default(0.001),
    batch_size: z.number().int().positive().max(65536).default(256),
    epochs: z.number().int().positive().max(10_000).default(30),
    early_stopping: z
      .object({
        patience: z.number().int().min(0).default(5),
        min_delta: z.number().min(0).default(0.0001),
      })
      .strict()
      .default({ patience: 5, min_delta: 0.0001 }),
    backend: z
      .enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
      .default('auto')
      .describe('auto picks tfjs-node-gpu > tfjs-node > wasm > cpu by what is installed.'),
    importance: z
      .object({
        enabled: z.boolean().default(true),
        repeats: z.number().int().positive().max(50).default(3),
        max_rows: z.number().int().positive().default(5000),
      })
      .strict()
      .default({ enabled: true, repeats: 3, max_rows: 5000 })
      .describe('Permutation feature importance on the evaluation data.'),
  })
  .strict();
/** Trainer hyperparameters (defaults applied). */
export type TrainerSpec = z.infer<typeof TrainerSchema>;

/** Command mode: any training command that writes predictions and/or metrics. */
export const CommandSpecSchema = z
  .object({
    run: z
      .string()
      .min(1)
      .describe('Shell command, run in `working_directory` with MODELGATE_* variables set.'),
    working_directory: z.string().default('.').describe('Relative to model.yml.'),
    predictions: z
      .string()
      .optional()
      .describe(
        'Predictions file the command writes (CSV/JSONL: label, score or prediction, slices). Relative to the output folder.',
      ),
    metrics: z
      .string()
      .optional()
      .describe('metrics.json the command writes. Relative to the output folder.'),
    model_dir: z
      .string()
      .optional()
      .describe('Folder holding the trained model, relative to the output folder.'),
    env: z.record(z.string(), z.string()).default({}).describe('Extra environment variables.'),
    timeout_minutes: z
      .number()
      .positive()
      .max(7 * 24 * 60)
      .default(360),
    label_column: z.string().default('label').describe('Predictions file: the true label column.'),
    score_column: z
      .string()
      .default('score')
      .describe('Predictions file: the score (binary: P(positive); regression: the prediction).'),
    prediction_column: z.string().optional().describe('Predictions file: the predicted class (multiclass).'),
  })
  .strict()
  .refine((c) => c.predictions !== undefined || c.metrics !== undefined, {
    message: 'command mode needs `predictions` or `metrics` (or both): what the command writes',
  });
/** Command-mode settings (defaults applied). */
export type CommandSpec = z.infer<typeof CommandSpecSchema>;

/** The whole of model.yml. */
export const ModelConfigSchema = z
  .object({
    name: ModelNameSchema.describe('Model name; versions are tagged `<name>@vX.Y.Z`.'),
    task: TaskSchema,
    description: z.string().default(''),
    owners: z.array(z.string()).default([]),
    intended_use: z.string().default(''),
    out_of_scope: z.string().default(''),
    limitations: z.string().default(''),
    ethical_considerations: z.string().default(''),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42)
      .describe('Seed for splits, initialisation and shuffling.'),
    data: DataSpecSchema,
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Binary task: decision threshold on the score.'),
    trainer: TrainerSchema.optional(),
    command: CommandSpecSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.trainer && m.command) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'set either `trainer` or `command`, not both',
      });
    }
  });
/** A parsed model.yml (defaults applied). When neither trainer nor command is set, the tfjs trainer with defaults is used. */
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
