/**
 * modelgate's library entry point: config schemas and loaders, data readers, metrics, the tfjs
 * trainer and command mode, runs, and the model registry. The CLI (`modelgate`) is built on these.
 */
export * from './card/index.js';
export * from './config/index.js';
export * from './data/index.js';
export * from './diff/index.js';
export * from './drift/index.js';
export * from './errors.js';
export * from './forge/index.js';
export * from './metrics/index.js';
export * from './registry/index.js';
export * from './report/index.js';
export { type EvaluateRunOptions, type Evaluation, evaluateRun } from './runs/evaluate-run.js';
export {
  binaryLabel,
  evaluatePredictionsFile,
  type PredictionEvaluation,
  type PredictionSpec,
} from './runs/predictions.js';
export {
  loadModelConfig,
  type RunOutcome,
  type RunTrainingOptions,
  runTraining,
} from './runs/run-training.js';
export { detectGpu, selectBackend } from './train/backend.js';
export { type CommandResult, type CommandRunOptions, runCommand } from './train/command-runner.js';
export { loadModel, saveModel } from './train/saved-model.js';
export { type TrainOptions, type TrainResult, trainTabular } from './train/trainer.js';
