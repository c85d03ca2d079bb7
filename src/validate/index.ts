/**
 * Data validation: data contracts (`data.contract.yml`), their inference from a profile, the
 * streaming checks of a data file and the rendered report.
 */

export { type ValidateFileOptions, validateFile } from './check.js';
export {
  createValidator,
  DEFAULT_MAX_EXAMPLES,
  DEFAULT_UNIQUE_CAP,
  fitsType,
  isMissing,
  type Validator,
  type ValidatorOptions,
} from './check-rows.js';
export {
  CHECKED_QUANTILES,
  checkStatistics,
  DEFAULT_STATISTICS,
  newCategoryKeys,
} from './check-statistics.js';
export {
  type ContractColumn,
  ContractColumnSchema,
  ContractColumnTypeSchema,
  type DataContract,
  DataContractSchema,
  DatasetRulesSchema,
  LabelBalanceSchema,
  loadContract,
  StatisticsRulesSchema,
} from './contract.js';
export {
  contractToYaml,
  INFER_DEFAULT_SLACK,
  INFER_MAX_CATEGORIES,
  INFER_MIN_ROWS_FRACTION,
  INFER_RANGE_MARGIN,
  type InferContractOptions,
  inferContract,
} from './infer-contract.js';
export {
  renderValidationJson,
  renderValidationMarkdown,
  sortViolations,
  type ValidationMarkdownOptions,
} from './report.js';
export {
  exampleRows,
  percent,
  Tally,
  type ValidationReport,
  type Violation,
  type ViolationLevel,
} from './violation.js';
