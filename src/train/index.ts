/**
 * The built-in TensorFlow.js tabular trainer: backend selection, preprocessing, model building,
 * training with early stopping, evaluation, permutation importance, progress output and the
 * saved model format.
 */
export {
  type Backend,
  type BackendName,
  type BackendRequest,
  detectGpu,
  formatGpu,
  type GpuInfo,
  parseNvidiaSmi,
  selectBackend,
  type Tf,
} from './backend.js';
export { type EncodedRows, encodeEvalSource, encodeTrainingSource } from './dataset.js';
export { trainEpoch, validationLoss } from './epoch-loop.js';
export { metricsOf } from './evaluate.js';
export { type FeatureImportance, type ImportanceResult, permutationImportance } from './importance.js';
export { jsAdamClass } from './js-adam.js';
export { buildModel, compileModel, lossFor, outputActivation, splitInputs } from './model-builder.js';
export { type Prediction, predictEncoded, predictRows, toPrediction } from './predict.js';
export {
  type CategoricalFeature,
  type FittedFeature,
  type LabelEncoding,
  MISSING,
  type NumericFeature,
  OTHER,
  Preprocessor,
  type PreprocessorJSON,
  PreprocessorJSONSchema,
} from './preprocess.js';
export {
  DEFAULT_MAX_EMBEDDING,
  DEFAULT_MAX_ONEHOT,
  fitPreprocessor,
  type SplitCounts,
} from './preprocess-fit.js';
export {
  createProgressReporter,
  type EpochEvent,
  formatEpochLine,
  type ProgressReporter,
  type TrainProgress,
} from './progress.js';
export { arraySource, type RowSource } from './row-source.js';
export {
  type LoadedModel,
  loadModel,
  MODEL_FILES,
  type ModelSignature,
  ModelSignatureSchema,
  saveModel,
  signatureOf,
} from './saved-model.js';
export { dropoutMask, seededDropoutClass } from './seeded-dropout.js';
export { assignSplit, type SplitName } from './split.js';
export {
  type EpochRecord,
  type EvalPredictions,
  type TrainOptions,
  type TrainResult,
  trainerSpecOf,
  trainTabular,
} from './trainer.js';
