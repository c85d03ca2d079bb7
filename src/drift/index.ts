/**
 * Drift monitoring: data profiles (mergeable sketches), statistical tests and distances, drift
 * decisions (method selection per column, corrections, the dataset verdict, prediction and
 * performance drift) and drift reports (JSON, the markdown, a self-contained HTML page),
 * plus the drift issue's lifecycle.
 */

export * from './detect.js';
export {
  CHART_MAX_CATEGORIES,
  categoricalBins,
  chartBins,
  formatEdge,
  numericBinLabels,
  OTHER_LABEL,
  toShares,
} from './detect-bins.js';
export { type AlignedCdfs, alignCdfs, type StepCdf } from './detect-cdf.js';
export { type CompareColumnOptions, compareColumn, NUMERIC_BINS } from './detect-column.js';
export { adjustPValues, benjaminiHochberg, bonferroni, type Correction } from './detect-corrections.js';
export {
  applyCorrection,
  checkShare,
  type DatasetOptions,
  DEFAULT_DRIFT_SHARE,
  datasetDrift,
  sortBySeverity,
} from './detect-dataset.js';
export {
  comparePerformance,
  DEFAULT_PERFORMANCE_TOLERANCE,
  type PerformanceInput,
} from './detect-performance.js';
export { isDrifted, severityOf } from './detect-severity.js';
export * from './issue-lifecycle.js';
export * from './profile.js';
export {
  formatCount,
  formatPValue,
  formatShare,
  formatStatistic,
  releaseLabel,
  releaseVersion,
} from './report-format.js';
export { type DriftHtmlOptions, renderDriftHtml } from './report-html.js';
export { driftHistogram } from './report-html-charts.js';
export { driftReportJson, featureJson, renderDriftJson } from './report-json.js';
export {
  type DriftMarkdownOptions,
  driftReportMarker,
  featureRow,
  renderDriftMarkdown,
} from './report-markdown.js';
export {
  DRIFT_CHART_CAP,
  DRIFT_CHART_MAX_COLUMNS,
  type DriftChart,
  driftScoreChart,
} from './report-mermaid.js';
export * from './select-method.js';
export * from './stats/index.js';
export * from './types.js';
