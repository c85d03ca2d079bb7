/**
 * The workflow security linter: `lintWorkflow(text, file)` checks one GitHub Actions workflow for
 * the mistakes that turn a CI pipeline into a way in — PR code in privileged jobs, outsider text
 * pasted into scripts, tokens without least privilege, actions pinned to movable tags, fork PRs on
 * self-hosted runners. Pure: text in, findings out. It complements actionlint (syntax, types) and
 * does not replace it.
 */
import { sortFindings, type WorkflowFinding } from './finding.js';
import { checkPermissions } from './rule-permissions.js';
import { checkPrivilegedCheckout } from './rule-privileged-checkout.js';
import { checkSelfHostedForks } from './rule-self-hosted-fork.js';
import { checkPinnedActions, DEFAULT_TRUSTED_ACTION_REPOS } from './rule-unpinned-action.js';
import { checkUntrustedContexts } from './rule-untrusted-context.js';
import { parseWorkflowDocument } from './workflow-document.js';
import { viewWorkflow } from './workflow-model.js';

/** Options of {@link lintWorkflow}. */
export interface LintWorkflowOptions {
  /**
   * `owner/repo` (or `owner/*`) whose actions and reusable workflows may be referenced by tag.
   * Default: modelgate's own repository only.
   */
  trustedActionRepos?: readonly string[];
}

/**
 * Lints one workflow file's text. Findings carry the rule, the 1-based line and column and a
 * message that says how to fix it; an empty array means the workflow passed every rule.
 * @param text the workflow YAML
 * @param file the file name used in findings
 */
export function lintWorkflow(
  text: string,
  file: string,
  options: LintWorkflowOptions = {},
): WorkflowFinding[] {
  const { document, findings } = parseWorkflowDocument(text, file);
  if (!document) return findings;
  const view = viewWorkflow(document);
  return sortFindings([
    ...checkPrivilegedCheckout(view),
    ...checkUntrustedContexts(view),
    ...checkPermissions(view),
    ...checkPinnedActions(view, options.trustedActionRepos ?? DEFAULT_TRUSTED_ACTION_REPOS),
    ...checkSelfHostedForks(view),
  ]);
}
