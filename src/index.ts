/**
 * modelgate's library entry point: config schemas and loaders, data readers, metrics, the tfjs
 * trainer and command mode, runs, the model registry (local and GitHub releases), releases, the App's
 * pull-request use cases, serving helpers and the workflow linter. The CLI (`modelgate`) is built on these.
 */
export * from './card/index.js';
export * from './config/index.js';
export * from './data/index.js';
export * from './diff/index.js';
export * from './drift/index.js';
export * from './errors.js';
export * from './forge/index.js';
export * from './metrics/index.js';
export * from './pr/index.js';
export * from './registry/index.js';
export * from './release/index.js';
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
export * from './serve/watch-canary.js';
export { detectGpu, selectBackend } from './train/backend.js';
export { type CommandResult, type CommandRunOptions, runCommand } from './train/command-runner.js';
export { loadModel, saveModel } from './train/saved-model.js';
export { type TrainOptions, type TrainResult, trainTabular } from './train/trainer.js';
export * from './workflows/index.js';
