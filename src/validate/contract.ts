/**
 * The data contract (`data.contract.yml`): per-column rules, dataset rules and statistical
 * expectations relative to a reference profile. Strict: an unknown key is an error naming its file,
 * line and field.
 */
import { z } from 'zod';
import { loadYamlFile } from '../config/load.js';

/** The logical type a contract column declares. */
export const ContractColumnTypeSchema = z.enum(['number', 'string', 'boolean', 'categorical']);

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const share = z.number().min(0).max(1);

/** Whether `pattern` compiles as a JavaScript regular expression (unicode mode). */
function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** The rules of one column. */
export const ContractColumnSchema = z
  .strictObject({
    /** number: numbers only; string: any value (read as text); boolean: true/false (1/0); categorical: any value, see `categories`. */
    type: ContractColumnTypeSchema,
    /** The column must exist in the data (default true). */
    required: z.boolean().default(true),
    /** Missing values (null, empty, NaN) are allowed (default true). */
    nullable: z.boolean().default(true),
    /** Smallest allowed number (inclusive). */
    min: finite.optional(),
    /** Largest allowed number (inclusive). */
    max: finite.optional(),
    /** The allowed values, compared as text (`5` and `"5"` match). */
    categories: z
      .array(z.union([z.string(), finite, z.boolean()]))
      .min(1)
      .optional(),
    /** Largest allowed share (0..1) of missing values. */
    max_missing: share.optional(),
    /** No value may repeat (missing values are not compared). */
    unique: z.boolean().optional(),
    /** A regular expression every non-missing value must match as a whole (as text). */
    regex: z.string().refine(isRegex, 'is not a valid regular expression').optional(),
  })
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    message: 'min must not exceed max',
    path: ['min'],
  });

/** Bounds on each label class's share of the non-missing labels. */
export const LabelBalanceSchema = z.strictObject({
  /** The label column. */
  column: z.string().min(1),
  /** Smallest allowed share of any class. */
  min_share: share.optional(),
  /** Largest allowed share of any class. */
  max_share: share.optional(),
});

/** Rules on the dataset as a whole. */
export const DatasetRulesSchema = z.strictObject({
  /** Fewest data rows. */
  min_rows: z.number().int().min(0).optional(),
  /** Most data rows. */
  max_rows: z.number().int().min(0).optional(),
  /** Columns whose values together identify a row: no two rows may share them. */
  unique_key: z.array(z.string().min(1)).min(1).optional(),
  /** Class balance bounds of the label. */
  label: LabelBalanceSchema.optional(),
});

/** Statistical expectations against a reference profile (violations are warnings). */
export const StatisticsRulesSchema = z.strictObject({
  /** Largest allowed |mean - reference mean|, in reference standard deviations. */
  mean_tolerance: z.number().min(0).optional(),
  /** Largest allowed relative change of the 0.1, 0.5 and 0.9 quantiles. */
  quantile_tolerance: z.number().min(0).optional(),
  /** Largest allowed share of values the reference never saw. */
  new_category_share: share.optional(),
});

/** The schema of `data.contract.yml` (version 1). */
export const DataContractSchema = z.strictObject({
  /** Contract format version. */
  version: z.literal(1),
  /** Per-column rules, by column name. */
  columns: z.record(z.string().min(1), ContractColumnSchema),
  /** Dataset rules. */
  dataset: DatasetRulesSchema.optional(),
  /** Statistical expectations against a reference profile. */
  statistics: StatisticsRulesSchema.optional(),
});

/** A validated data contract (defaults applied). */
export type DataContract = z.output<typeof DataContractSchema>;

/** One column's rules, defaults applied. */
export type ContractColumn = z.output<typeof ContractColumnSchema>;

/** Reads and validates a contract file; a `ConfigError` names the file, line, field and value. */
export async function loadContract(path: string): Promise<DataContract> {
  return loadYamlFile(path, DataContractSchema);
}
