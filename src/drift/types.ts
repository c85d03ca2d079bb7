/**
 * The data model of drift monitoring: the drift report produced by comparing a current data profile
 * with a reference profile (the one shipped with a release). Produced by `src/drift/` (pure),
 * rendered as JSON, markdown (the drift issue) and HTML, consumed by the CLI, the `drift` action and
 * the App. Plain JSON-serialisable data.
 */

/** Statistical methods modelgate can judge a column with. */
export type DriftMethod =
  | 'ks'
  | 'chisquare'
  | 'z'
  | 'psi'
  | 'jensenshannon'
  | 'wasserstein'
  | 'hellinger'
  | 'kl';

/** Every method name, in documentation order. */
export const DRIFT_METHODS: readonly DriftMethod[] = [
  'ks',
  'chisquare',
  'z',
  'psi',
  'jensenshannon',
  'wasserstein',
  'hellinger',
  'kl',
];

/** The outcome of one statistical test or distance on one column. */
export interface TestResult {
  method: DriftMethod;
  /** The statistic or distance (KS D, chi-square statistic, z, PSI, JS distance, ...). */
  statistic: number;
  /** p-value for hypothesis tests (ks, chisquare, z); null for distances. */
  pValue: number | null;
  /** The threshold the decision used: a significance level for tests, a distance limit for distances. */
  threshold: number;
  /** Whether the column is judged drifted. */
  drifted: boolean;
}

/** One column's verdict in a drift report. */
export interface FeatureDrift extends TestResult {
  /** Column name. */
  name: string;
  /** `numeric` or `categorical` (how it was compared). */
  type: 'numeric' | 'categorical';
  /** Rows with a value in the reference and current data. */
  referenceCount: number;
  currentCount: number;
  /** Missing share in reference and current. */
  referenceMissing: number;
  currentMissing: number;
  /** Why this method was chosen (e.g. "numeric, both samples > 1000: wasserstein (effect size)"). */
  reason: string;
  /** Severity for sorting: statistic / threshold for distances, 1 - pValue / threshold ... (documented where computed). */
  severity: number;
  /** Binned view for charts: shared bin labels/edges with reference and current shares. */
  bins?: { labels: string[]; reference: number[]; current: number[] };
  /** p-value after multiple-testing correction, when one was applied. */
  adjustedPValue?: number | null;
}

/** Dataset-level verdict. */
export interface DatasetDrift {
  drifted: boolean;
  /** Share of compared columns that drifted. */
  share: number;
  /** The share at or above which the dataset counts as drifted (default 0.5). */
  threshold: number;
  /** How columns were judged: `auto` or a forced method. */
  method: DriftMethod | 'auto';
  /** Multiple-testing correction applied to p-values. */
  correction: 'none' | 'bonferroni' | 'fdr';
  /** Columns compared / drifted. */
  columns: number;
  driftedColumns: number;
}

/** Prediction drift (the model's scores) and, when labels arrived, performance against the release. */
export interface ModelDrift {
  /** Drift of the prediction / score column, when present in both. */
  prediction?: FeatureDrift;
  /** Metrics on current labelled data vs the release's metrics. */
  performance?: {
    metric: string;
    reference: number | null;
    current: number | null;
    delta: number | null;
    degraded: boolean;
  }[];
}

/** The drift report: `{ dataset, features, ... }`. */
export interface DriftReport {
  format: 'modelgate-drift';
  version: 1;
  /** Model and release compared, when known. */
  model?: string;
  release?: string;
  /** Rows and time window of each side, when known. */
  reference: { rows: number; source?: string; window?: { from?: string; to?: string } };
  current: { rows: number; source?: string; window?: { from?: string; to?: string } };
  dataset: DatasetDrift;
  /** One entry per compared column, sorted by severity (most drifted first). */
  features: FeatureDrift[];
  model_drift?: ModelDrift;
  /** Columns present on one side only, or skipped (with the reason). */
  skipped: { name: string; reason: string }[];
  generated_at: string;
}
