/**
 * The fitted, serialisable preprocessing of the tfjs trainer: how each raw feature becomes model
 * input columns, and how the label becomes a target. Fitted on the training split only (see
 * `preprocess-fit.ts`); saved as `preprocessing.json` next to the model so a loaded model scores
 * raw rows exactly like the in-memory one.
 *
 * Encoded row layout (`width` columns): the dense part first, in feature order — numeric: the
 * standardised value `(x - mean) / std`, then a missing indicator (1 when missing) if missing
 * values were seen in training; one-hot categorical: one column per kept category then one for
 * `__other__` — followed by one column per embedding feature holding the category index
 * (0 = `__other__`, i + 1 = `categories[i]`).
 */
import { z } from 'zod';
import type { Cell, Row } from '../data/types.js';
import { DataError } from '../errors.js';

/** Category every value outside the kept vocabulary maps to (rare or unseen in training). */
export const OTHER = '__other__';
/** Category key of a missing categorical value (empty, null, absent). */
export const MISSING = '__missing__';
/** Version of the `preprocessing.json` format. */
export const PREPROCESSOR_VERSION = 1;

/** A fitted numeric feature. */
export interface NumericFeature {
  /** Column name. */
  name: string;
  /** `numeric`. */
  type: 'numeric';
  /** Training mean (missing values are replaced by it). */
  mean: number;
  /** Training standard deviation (population); 1 when it was 0. */
  std: number;
  /** Whether a missing-indicator column follows the value (missing values were seen in training). */
  missingIndicator: boolean;
  /** Whether missing values were seen in training. */
  nullable: boolean;
}

/** A fitted categorical feature. */
export interface CategoricalFeature {
  /** Column name. */
  name: string;
  /** `categorical`. */
  type: 'categorical';
  /** One-hot columns, or an index into an embedding table. */
  encoding: 'onehot' | 'embedding';
  /** Kept categories, most frequent first (may include `__missing__`); everything else is `__other__`. */
  categories: string[];
  /** Embedding width (encoding `embedding`). */
  embeddingDim?: number;
  /** Whether missing values were seen in training. */
  nullable: boolean;
}

/** A fitted feature. */
export type FittedFeature = NumericFeature | CategoricalFeature;

/** How the label becomes the training target. */
export type LabelEncoding =
  | {
      /** Binary classification: target 1 for the positive value, 0 for the other. */
      task: 'binary';
      /** Label column. */
      column: string;
      /** Label value of the negative class, as a string key. */
      negative: string;
      /** Label value of the positive class, as a string key. */
      positive: string;
    }
  | {
      /** Multiclass: target is the index into `classes` (sorted). */
      task: 'multiclass';
      /** Label column. */
      column: string;
      /** Class keys, sorted (numerically when all are numbers). */
      classes: string[];
    }
  | {
      /** Regression: target is `(y - mean) / std` (mean 0, std 1 when not standardised). */
      task: 'regression';
      /** Label column. */
      column: string;
      /** Target mean used for standardisation. */
      mean: number;
      /** Target std used for standardisation. */
      std: number;
    };

/** The JSON form of a {@link Preprocessor} (`preprocessing.json`). */
export interface PreprocessorJSON {
  /** Format marker. */
  format: 'modelgate-preprocessing';
  /** Format version ({@link PREPROCESSOR_VERSION}). */
  version: number;
  /** Fitted features, in input order. */
  features: FittedFeature[];
  /** Label encoding. */
  label: LabelEncoding;
}

/** One embedding input of the model. */
export interface EmbeddingSlot {
  /** Feature name. */
  name: string;
  /** Column of the encoded row holding the index. */
  column: number;
  /** Table size (kept categories + `__other__`). */
  vocabSize: number;
  /** Embedding width. */
  dim: number;
}

/** The string key of a categorical or label cell; missing values give {@link MISSING}. */
export function categoryKey(value: Cell | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'number') return Number.isNaN(value) ? MISSING : String(value);
  if (typeof value === 'string') return value === '' ? MISSING : value;
  return String(value);
}

/** Whether a cell counts as missing (null, absent, empty string, NaN). */
export function isMissing(value: Cell | undefined): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (typeof value === 'number' && Number.isNaN(value))
  );
}

/**
 * A numeric cell as a number: numbers as they are, numeric strings parsed, booleans 1/0;
 * `NaN` for missing values. Other strings are a {@link DataError}.
 */
export function numericValue(value: Cell | undefined, column: string, where: () => string): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined || value === '') return Number.NaN;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const parsed = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new DataError(
      `numeric feature "${column}" has a non-numeric value ${JSON.stringify(value)} (${where()})`,
    );
  }
  return parsed;
}

interface Slot {
  feature: FittedFeature;
  /** First column in the encoded row. */
  offset: number;
  /** Number of columns. */
  size: number;
  /** Category key -> position (categoricals). */
  index?: Map<string, number>;
}

/**
 * A fitted preprocessing: encodes raw rows into a dense `Float32Array` (see the module comment
 * for the layout) and labels into targets. Immutable; build it with `fitPreprocessor` or
 * {@link Preprocessor.fromJSON}.
 */
export class Preprocessor {
  /** Fitted features, in input order. */
  readonly features: readonly FittedFeature[];
  /** Label encoding. */
  readonly label: LabelEncoding;
  /** Columns of one encoded row. */
  readonly width: number;
  /** Columns of the dense part (everything but embedding indexes). */
  readonly denseWidth: number;
  /** Embedding inputs, in order, after the dense part. */
  readonly embeddings: readonly EmbeddingSlot[];
  private readonly slots: Slot[];
  private readonly labelIndex: Map<string, number> | undefined;

  constructor(features: FittedFeature[], label: LabelEncoding) {
    this.features = features;
    this.label = label;
    const slots: Slot[] = [];
    let dense = 0;
    for (const feature of features) {
      if (feature.type === 'numeric') {
        const size = feature.missingIndicator ? 2 : 1;
        slots.push({ feature, offset: dense, size });
        dense += size;
      } else if (feature.encoding === 'onehot') {
        const index = new Map(feature.categories.map((c, i) => [c, i] as const));
        slots.push({ feature, offset: dense, size: feature.categories.length + 1, index });
        dense += feature.categories.length + 1;
      }
    }
    const embeddings: EmbeddingSlot[] = [];
    let column = dense;
    for (const feature of features) {
      if (feature.type === 'categorical' && feature.encoding === 'embedding') {
        const index = new Map(feature.categories.map((c, i) => [c, i + 1] as const));
        slots.push({ feature, offset: column, size: 1, index });
        embeddings.push({
          name: feature.name,
          column,
          vocabSize: feature.categories.length + 1,
          dim: feature.embeddingDim ?? defaultEmbeddingDim(feature.categories.length + 1),
        });
        column++;
      }
    }
    // Keep slots in feature order for readability of errors; offsets carry the layout.
    const order = new Map(features.map((f, i) => [f.name, i] as const));
    slots.sort((a, b) => (order.get(a.feature.name) ?? 0) - (order.get(b.feature.name) ?? 0));
    this.slots = slots;
    this.denseWidth = dense;
    this.width = column;
    this.embeddings = embeddings;
    if (label.task === 'binary') {
      this.labelIndex = new Map([
        [label.negative, 0],
        [label.positive, 1],
      ]);
    } else if (label.task === 'multiclass') {
      this.labelIndex = new Map(label.classes.map((c, i) => [c, i] as const));
    }
  }

  /** Number of output units the model needs (1 for binary and regression, k for multiclass). */
  get outputUnits(): number {
    return this.label.task === 'multiclass' ? this.label.classes.length : 1;
  }

  /** Names of the raw feature columns, in input order. */
  get featureNames(): string[] {
    return this.features.map((f) => f.name);
  }

  /** The encoded columns a raw feature occupies (for permutation importance). */
  columnsOf(name: string): number[] {
    const slot = this.slots.find((s) => s.feature.name === name);
    if (!slot) throw new DataError(`unknown feature "${name}"`);
    return Array.from({ length: slot.size }, (_, i) => slot.offset + i);
  }

  /**
   * Encodes one raw row into `out[offset .. offset + width)`. Every column is written (no need
   * to zero `out`). `where` names the row in error messages.
   */
  encodeRow(row: Row, out: Float32Array, offset: number, where: () => string = () => 'input row'): void {
    for (const slot of this.slots) {
      const f = slot.feature;
      const base = offset + slot.offset;
      if (f.type === 'numeric') {
        const v = numericValue(row[f.name], f.name, where);
        const missing = !Number.isFinite(v);
        out[base] = missing ? 0 : (v - f.mean) / f.std;
        if (f.missingIndicator) out[base + 1] = missing ? 1 : 0;
        continue;
      }
      const key = categoryKey(row[f.name]);
      if (f.encoding === 'onehot') {
        out.fill(0, base, base + slot.size);
        out[base + (slot.index!.get(key) ?? slot.size - 1)] = 1;
      } else {
        out[base] = slot.index!.get(key) ?? 0;
      }
    }
  }

  /** Encodes rows into a new row-major `Float32Array` of `rows.length * width`. */
  transform(rows: readonly Row[]): Float32Array {
    const out = new Float32Array(rows.length * this.width);
    rows.forEach((row, i) => {
      this.encodeRow(row, out, i * this.width, () => `row ${i + 1}`);
    });
    return out;
  }

  /**
   * The training target of a label cell: 0/1 (binary), the class index (multiclass) or the
   * standardised value (regression). `NaN` when the label is missing; a label value not seen in
   * the training data is a {@link DataError}.
   */
  encodeLabel(value: Cell | undefined, where: () => string = () => 'input row'): number {
    const label = this.label;
    if (isMissing(value)) return Number.NaN;
    if (label.task === 'regression') {
      const v = numericValue(value, label.column, where);
      return (v - label.mean) / label.std;
    }
    const key = categoryKey(value);
    const index = this.labelIndex!.get(key);
    if (index === undefined) {
      const known = label.task === 'binary' ? [label.negative, label.positive] : label.classes;
      throw new DataError(
        `label "${label.column}" has the value ${JSON.stringify(value)}, which is not one of the training classes ${JSON.stringify(known)} (${where()})`,
      );
    }
    return index;
  }

  /** The raw-scale label value of a label cell (class index for classification, number for regression). */
  rawLabel(value: Cell | undefined, where: () => string = () => 'input row'): number {
    if (this.label.task !== 'regression') return this.encodeLabel(value, where);
    return isMissing(value) ? Number.NaN : numericValue(value, this.label.column, where);
  }

  /** Maps a standardised regression output back to the label's scale. */
  decodeTarget(value: number): number {
    return this.label.task === 'regression' ? value * this.label.std + this.label.mean : value;
  }

  /** The JSON form, for `preprocessing.json`. */
  toJSON(): PreprocessorJSON {
    return {
      format: 'modelgate-preprocessing',
      version: PREPROCESSOR_VERSION,
      features: this.features.map((f) => ({
        ...f,
        ...(f.type === 'categorical' ? { categories: [...f.categories] } : {}),
      })),
      label:
        this.label.task === 'multiclass'
          ? { ...this.label, classes: [...this.label.classes] }
          : { ...this.label },
    };
  }

  /**
   * Rebuilds a preprocessor from {@link Preprocessor.toJSON} output (validated with
   * {@link PreprocessorJSONSchema}); rejects other formats and versions with a {@link DataError}.
   * `file` names the source in messages.
   */
  static fromJSON(json: unknown, file = 'preprocessing.json'): Preprocessor {
    const head = json as { format?: unknown; version?: unknown } | null;
    if (!head || typeof head !== 'object' || head.format !== 'modelgate-preprocessing') {
      throw new DataError(`${file}: not a modelgate preprocessing file (format marker missing)`);
    }
    if (head.version !== PREPROCESSOR_VERSION) {
      throw new DataError(
        `${file}: preprocessing format version ${String(head.version)} is not supported (this modelgate reads version ${PREPROCESSOR_VERSION})`,
      );
    }
    const parsed = PreprocessorJSONSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new DataError(`${file}: invalid preprocessing file: ${problems.slice(0, 5).join('; ')}`);
    }
    return new Preprocessor(parsed.data.features, parsed.data.label);
  }
}

const NumericFeatureSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('numeric'),
    mean: z.number(),
    std: z.number().positive(),
    missingIndicator: z.boolean(),
    nullable: z.boolean(),
  })
  .strict();

const CategoricalFeatureSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('categorical'),
    encoding: z.enum(['onehot', 'embedding']),
    categories: z.array(z.string()),
    embeddingDim: z.number().int().positive().optional(),
    nullable: z.boolean(),
  })
  .strict();

const LabelEncodingSchema = z.discriminatedUnion('task', [
  z
    .object({ task: z.literal('binary'), column: z.string(), negative: z.string(), positive: z.string() })
    .strict(),
  z
    .object({ task: z.literal('multiclass'), column: z.string(), classes: z.array(z.string()).min(2) })
    .strict(),
  z
    .object({
      task: z.literal('regression'),
      column: z.string(),
      mean: z.number(),
      std: z.number().positive(),
    })
    .strict(),
]);

/** zod schema of `preprocessing.json` ({@link PreprocessorJSON}). */
export const PreprocessorJSONSchema = z
  .object({
    format: z.literal('modelgate-preprocessing'),
    version: z.literal(PREPROCESSOR_VERSION),
    features: z.array(z.discriminatedUnion('type', [NumericFeatureSchema, CategoricalFeatureSchema])).min(1),
    label: LabelEncodingSchema,
  })
  .strict();

/** Default embedding width for a table of `vocabSize` rows: min(50, ceil(1.6 * vocabSize^0.56)). */
export function defaultEmbeddingDim(vocabSize: number): number {
  return Math.max(1, Math.min(50, Math.ceil(1.6 * vocabSize ** 0.56)));
}
