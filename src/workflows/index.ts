/**
 * Workflow tooling: the workflow security linter (`lintWorkflow`, `lintWorkflowFiles`), the
 * action.yml convention schema, and the change detection the reusable workflows fan out with.
 */
export * from './action-metadata.js';
export * from './changed-files.js';
export * from './changed-models.js';
export * from './changes-action.js';
export * from './detect-changes.js';
export * from './expressions.js';
export * from './finding.js';
export * from './lint-workflow.js';
export * from './lint-workflow-files.js';
export * from './path-glob.js';
export { PRIVILEGED_TRIGGERS, pointsAtPullRequestCode } from './rule-privileged-checkout.js';
export { hasForkGuard, PULL_REQUEST_EVENTS } from './rule-self-hosted-fork.js';
export { DEFAULT_TRUSTED_ACTION_REPOS, unpinnedReason } from './rule-unpinned-action.js';
export { UNTRUSTED_CONTEXT_PATHS, untrustedPathsIn } from './untrusted-contexts.js';
