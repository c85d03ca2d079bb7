/**
 * The model artifact of the built-in trainer: a folder with a standard tfjs LayersModel
 * (`model.json` + `weights.bin`, written by our own save handler so no `file://` handler or
 * tfjs-node is needed), `preprocessing.json` (the fitted {@link Preprocessor}) and
 * `signature.json` (the input schema and the output the server validates requests against).
 * The saved graph is the inference graph: the seeded dropout layers (identity at inference) are
 * left out, so any tfjs runtime can load `model.json` without custom layers.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ModelConfig, Task, TrainerSpec } from '../config/model-config.js';
import type { Row } from '../data/types.js';
import { DataError, TrainError } from '../errors.js';
import { type Backend, type BackendRequest, selectBackend, type Tf } from './backend.js';
import { buildModel } from './model-builder.js';
import { type Prediction, predictRows } from './predict.js';
import { Preprocessor } from './preprocess.js';

/** File names inside a saved model folder. */
export const MODEL_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  preprocessing: 'preprocessing.json',
  signature: 'signature.json',
} as const;

/** Version of the `signature.json` format. */
export const SIGNATURE_VERSION = 1;

/** One raw input feature of a saved model. */
export interface SignatureInput {
  /** Column name. */
  name: string;
  /** `numeric` or `categorical`. */
  type: 'numeric' | 'categorical';
  /** Whether missing values are expected (seen in training). Missing values are always accepted. */
  nullable: boolean;
  /** Known categories (categoricals); other values are scored as `__other__`. */
  categories?: string[];
}

/** What a saved model outputs. */
export interface SignatureOutput {
  /** The task. */
  task: Task;
  /** Label column the model predicts. */
  label: string;
  /** Binary: the positive label value (string key); `score` is P(label = positive_label). */
  positive_label?: string;
  /** Binary: the negative label value (string key). */
  negative_label?: string;
  /** Binary: the decision threshold on the score. */
  threshold?: number;
  /** Multiclass: the classes, in `proba` column order. */
  classes?: string[];
}

/** `signature.json`: the input schema and output of a saved model. */
export interface ModelSignature {
  /** Format marker. */
  format: 'modelgate-signature';
  /** Format version ({@link SIGNATURE_VERSION}). */
  version: number;
  /** Model name. */
  model: string;
  /** Raw input features, in order. */
  inputs: SignatureInput[];
  /** The output. */
  output: SignatureOutput;
  /** Id column passed through by the server, when configured. */
  id?: string;
}

/** zod schema of `signature.json` ({@link ModelSignature}). */
export const ModelSignatureSchema = z.object({
  format: z.literal('modelgate-signature'),
  version: z.literal(SIGNATURE_VERSION),
  model: z.string(),
  inputs: z.array(
    z.object({
      name: z.string().min(1),
      type: z.enum(['numeric', 'categorical']),
      nullable: z.boolean(),
      categories: z.array(z.string()).optional(),
    }),
  ),
  output: z.object({
    task: z.enum(['binary', 'multiclass', 'regression']),
    label: z.string(),
    positive_label: z.string().optional(),
    negative_label: z.string().optional(),
    threshold: z.number().optional(),
    classes: z.array(z.string()).optional(),
  }),
  id: z.string().optional(),
});

/** What {@link saveModel} needs from a training result. */
export interface SavableModel {
  /** The tf namespace of the model. */
  tf: Tf;
  /** The trained model. */
  model: Tfjs.LayersModel;
  /** The fitted preprocessing. */
  preprocessor: Preprocessor;
  /** Trainer hyperparameters (to rebuild the inference graph). */
  spec: TrainerSpec;
  /** The model config (name, seed, id column). */
  config: ModelConfig;
  /** Binary decision threshold. */
  threshold: number;
}

/** Paths written by {@link saveModel}. */
export interface SavedModelFiles {
  /** The folder. */
  dir: string;
  /** Every file written, absolute or relative as `dir` was given. */
  files: string[];
}

/** The signature of a trained model. */
export function signatureOf(
  pre: Preprocessor,
  config: Pick<ModelConfig, 'name' | 'data'>,
  threshold: number,
): ModelSignature {
  const label = pre.label;
  const output: SignatureOutput = { task: label.task, label: label.column };
  if (label.task === 'binary') {
    output.positive_label = label.positive;
    output.negative_label = label.negative;
    output.threshold = threshold;
  } else if (label.task === 'multiclass') {
    output.classes = [...label.classes];
  }
  return {
    format: 'modelgate-signature',
    version: SIGNATURE_VERSION,
    model: config.name,
    inputs: pre.features.map((f) => ({
      name: f.name,
      type: f.type,
      nullable: f.nullable,
      ...(f.type === 'categorical' ? { categories: [...f.categories] } : {}),
    })),
    output,
    ...(config.data.id ? { id: config.data.id } : {}),
  };
}

function joinWeightData(tf: Tf, data: Tfjs.io.ModelArtifacts['weightData']): Uint8Array {
  if (!data) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(buffers));
}

/**
 * Writes the model folder: `model.json` + `weights.bin` (the inference graph with the trained
 * weights), `preprocessing.json` and `signature.json`. Creates `dir` if needed.
 */
export async function saveModel(dir: string, result: SavableModel): Promise<SavedModelFiles> {
  const { tf, preprocessor: pre } = result;
  await mkdir(dir, { recursive: true });
  const inference = buildModel(tf, pre, result.spec, result.config.seed, { inference: true });
  try {
    const weights = result.model.getWeights();
    if (weights.length !== inference.getWeights().length) {
      throw new TrainError(
        'internal: the inference graph does not match the trained model (weight count differs)',
      );
    }
    inference.setWeights(weights);
    let json: unknown;
    let bin: Uint8Array = new Uint8Array(0);
    await inference.save(
      tf.io.withSaveHandler(async (artifacts) => {
        bin = joinWeightData(tf, artifacts.weightData);
        json = {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs ?? [] }],
        };
        return {
          modelArtifactsInfo: {
            dateSaved: new Date(),
            modelTopologyType: 'JSON',
            weightDataBytes: bin.byteLength,
          },
        };
      }),
    );
    const files = {
      model: join(dir, MODEL_FILES.model),
      weights: join(dir, MODEL_FILES.weights),
      preprocessing: join(dir, MODEL_FILES.preprocessing),
      signature: join(dir, MODEL_FILES.signature),
    };
    await writeFile(files.model, `${JSON.stringify(json)}\n`);
    await writeFile(files.weights, bin);
    await writeFile(files.preprocessing, `${JSON.stringify(pre.toJSON(), null, 2)}\n`);
    await writeFile(
      files.signature,
      `${JSON.stringify(signatureOf(pre, result.config, result.threshold), null, 2)}\n`,
    );
    return { dir, files: Object.values(files) };
  } finally {
    inference.dispose();
  }
}

/** A model loaded from a folder written by {@link saveModel}. */
export interface LoadedModel {
  /** Scores raw rows (same outputs as the in-memory model on the same backend). */
  predict(rows: readonly Row[]): Prediction;
  /** The input schema and output. */
  signature: ModelSignature;
  /** The fitted preprocessing. */
  preprocessor: Preprocessor;
  /** The tfjs model. */
  model: Tfjs.LayersModel;
  /** The tf namespace it runs on. */
  tf: Tf;
  /** Frees the model's tensors. */
  dispose(): void;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** A ready backend, or which one to load (default `auto`). */
  backend?: Backend | BackendRequest;
}

/** Loads a model folder written by {@link saveModel}; `predict` scores raw rows. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const backend =
    typeof options.backend === 'object' ? options.backend : await selectBackend(options.backend ?? 'auto');
  const tf = backend.tf;
  const modelPath = join(dir, MODEL_FILES.model);
  const modelJson = (await readJson(modelPath)) as Partial<Tfjs.io.ModelJSON>;
  if (
    !modelJson ||
    typeof modelJson !== 'object' ||
    !modelJson.modelTopology ||
    !Array.isArray(modelJson.weightsManifest)
  ) {
    throw new DataError(`${modelPath} is not a tfjs LayersModel (modelTopology or weightsManifest missing)`);
  }
  const weightSpecs: Tfjs.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const path = join(dir, p);
      try {
        chunks.push(new Uint8Array(await readFile(path)));
      } catch (err) {
        throw new DataError(`cannot read ${path}: ${(err as Error).message}`);
      }
    }
  }
  const total = chunks.reduce((a, c) => a + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    weightData.set(c, offset);
    offset += c.byteLength;
  }
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: weightData.buffer }),
  );
  const preprocessingPath = join(dir, MODEL_FILES.preprocessing);
  const preprocessor = Preprocessor.fromJSON(await readJson(preprocessingPath), preprocessingPath);
  const signaturePath = join(dir, MODEL_FILES.signature);
  const parsed = ModelSignatureSchema.safeParse(await readJson(signaturePath));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DataError(
      `${signaturePath}: not a modelgate signature (version ${SIGNATURE_VERSION}): ${problems.slice(0, 5).join('; ')}`,
    );
  }
  const signature: ModelSignature = parsed.data;
  return {
    predict: (rows) => predictRows(tf, model, preprocessor, rows),
    signature,
    preprocessor,
    model,
    tf,
    dispose: () => model.dispose(),
  };
}
