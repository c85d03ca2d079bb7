/**
 * Comparing a candidate run with its baseline and gating the change: metric deltas overall and per
 * slice with paired-bootstrap intervals, fairness gaps, params / data / environment differences, the
 * gate's verdict and the release's semver bump. Pure functions, except `load-examples.ts` (the I/O
 * edge: `loadExamples`, `readRunFolder`, `compareRunFolders`).
 */

export { dataDiff, hasSchemaChange, schemaChange } from './data-diff.js';
export { bumpFromLabel, decideBump } from './decide-bump.js';
export { type DiffRunsInput, diffRuns, runRef } from './diff-runs.js';
export { ENVIRONMENT_FIELDS, environmentDiff } from './environment-diff.js';
export { evaluateGate, type GateInput } from './evaluate-gate.js';
export { type FairnessLimits, fairnessDeltas, fairnessLimit } from './fairness-deltas.js';
export { formatNumber, formatPercent, formatSigned } from './format-number.js';
export {
  type CompareRunFoldersInput,
  compareRunFolders,
  featureColumns,
  loadExamples,
  type RunFolder,
  readRunFolder,
  runFolderOf,
} from './load-examples.js';
export { directionOf, metricDeltas, metricKey } from './metric-deltas.js';
export { finiteOrNull, type MetricMove, metricMove } from './metric-status.js';
export { exampleCount, type Pairing, pairExamples, sameEvaluationRows } from './pair-examples.js';
export {
  type BootstrapOptions,
  type BootstrapResult,
  type BootstrapTarget,
  checkExamples,
  DEFAULT_CONFIDENCE,
  DEFAULT_MAX_SLICE_WORK,
  DEFAULT_MIN_SLICE_ROWS,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  deltaInterval,
  MIN_PAIRED_ROWS,
  pairedBootstrap,
  type ResolvedBootstrapOptions,
  resolveBootstrapOptions,
} from './paired-bootstrap.js';
export { flattenParams, paramsDiff, sameValue } from './params-diff.js';
export { percentileInterval, quantileSorted } from './percentile.js';
export { SeededRandom } from './prng.js';
export {
  compareSignatures,
  describeSignatureChange,
  type SignatureChange,
  signatureChanged,
} from './signature-diff.js';
export * from './types.js';
