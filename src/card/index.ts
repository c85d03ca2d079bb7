/**
 * Model cards (Mitchell et al., 2019): a view model built from a run record and its model.yml, and
 * its rendering through Handlebars templates (GitHub markdown or a Hugging Face card), with every
 * user-controlled string escaped for markdown (with the shared escaper of `src/report/escape.ts`)
 * or YAML. See docs/model-cards.md.
 */
export { buildCardContext, type CardInputs, paramRows } from './build-context.js';
export { type CaveatInputs, cardCaveats, SMALL_SLICE_ROWS } from './card-caveats.js';
export {
  huggingFaceMetrics,
  KEY_SLICE_METRICS,
  METRIC_DISPLAY_NAMES,
  metricRows,
  orderMetricNames,
  PRIMARY_METRICS,
  primaryMetric,
  sliceAnalyses,
  sliceMetricNames,
  topFeatures,
} from './card-metrics.js';
export { type CardTemplate, compileCardTemplate } from './compile-template.js';
export { markdownBlock, markdownCode, markdownText, toText } from './escape-markdown.js';
export { yamlScalar } from './escape-yaml.js';
export { CARD_HELPERS, CardFieldError, formatBytes, SAFE_OUTPUT_HELPERS } from './helpers.js';
export { type RenderCardOptions, renderCard } from './render-card.js';
export {
  bundledTemplate,
  bundledTemplatesDir,
  type CardFormat,
  type LoadedTemplate,
  loadCardTemplate,
  REPOSITORY_TEMPLATE_DIR,
  resolveTemplate,
  TEMPLATE_FILES,
  type TemplateQuery,
  type TemplateSource,
} from './templates.js';
export type * from './types.js';
