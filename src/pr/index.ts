/**
 * The GitHub App's use cases: pure-ish functions over the {@link Forge} that the Probot wiring
 * (`bot/`) calls per webhook event, and the pull-request report the `report` action uses.
 */
export * from './affected-models.js';
export * from './app-deps.js';
export * from './approval.js';
export * from './check-runs.js';
export * from './events.js';
export * from './load-config.js';
export * from './model-gate.js';
export * from './on-issue-comment.js';
export * from './on-issue-labeled.js';
export * from './on-merged.js';
export * from './on-pull-request.js';
export * from './on-review.js';
export * from './on-workflow-run.js';
export * from './pr-artifacts.js';
export * from './report-pull-request.js';
export * from './run-artifact.js';
export * from './slash-command.js';
export * from './zip-reader.js';
