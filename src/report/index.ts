/**
 * Reports of a model change: the pull-request comment in GitHub-flavoured markdown (escaping,
 * Mermaid charts, structural truncation under GitHub's size limit) and the self-contained HTML
 * report with its SVG charts.
 */

export * from './curves.js';
export {
  cleanText,
  codeSpan,
  escapeHtml,
  escapeMarkdown,
  escapeTableCell,
  guardMarkers,
  MARKER_PREFIX,
  markerName,
  shorten,
  stickyMarker,
  tableCode,
  ZERO_WIDTH_SPACE,
} from './escape.js';
export { type HistoryPoint, type HtmlReportInput, REPORT_CSP, renderHtmlReport } from './html.js';
export {
  COMMENT_MARKER,
  type ModelReportInput,
  modelReportSection,
  type PrCommentOptions,
  renderModelReport,
  renderPrComment,
} from './markdown.js';
export type { ReportLinks } from './markdown-head.js';
export {
  CHART_MAX_EPOCHS,
  CHART_MAX_METRICS,
  type Chart,
  type EpochLike,
  escapeMermaidLabel,
  mermaidLearningCurves,
  mermaidMetricsChart,
} from './mermaid.js';
export {
  type BlockReduction,
  type FitResult,
  fitSections,
  GITHUB_COMMENT_LIMIT,
  MIN_MAX_LENGTH,
  type ReportBlock,
  type ReportSection,
  TRUNCATION_ORDER,
  type TruncationStage,
} from './truncate.js';
