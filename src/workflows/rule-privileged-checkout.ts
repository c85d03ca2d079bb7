/**
 * Rule `pull-request-target-checkout`: workflows started by `pull_request_target`, `workflow_run` or
 * `issue_comment` run with a write token and the repository's secrets, even for fork PRs. Checking
 * out the PR's code there (its head ref or SHA, `refs/pull/N/...`, `gh pr checkout`) lets the PR run
 * anything with them: build scripts, npm install hooks, test files. Untrusted code belongs in a
 * `pull_request` job without secrets; its results reach the privileged side as data (artifacts).
 */
import type { Node } from 'yaml';
import { contextPaths, findExpressions } from './expressions.js';
import type { WorkflowFinding } from './finding.js';
import { asMap, entryValue, scalarText } from './workflow-document.js';
import { findingAt, stepAction, type WorkflowView } from './workflow-model.js';

/** Triggers whose jobs hold a write token and secrets even when a fork PR caused them. */
export const PRIVILEGED_TRIGGERS: readonly string[] = [
  'pull_request_target',
  'workflow_run',
  'issue_comment',
];

const PR_SEGMENTS = new Set([
  'head',
  'head_ref',
  'head_sha',
  'head_branch',
  'head_repository',
  'head_commit',
  'merge_commit_sha',
]);

/** Whether a ref/repository value (or script) points at pull request code. */
export function pointsAtPullRequestCode(value: string): boolean {
  if (/refs\/pull\/|(^|[\s/:])pull\/[^\s]*\/(head|merge)\b/i.test(value)) return true;
  return findExpressions(value).some((span) =>
    contextPaths(span.inner).some((path) => {
      const segments = path.split('.');
      if (segments.some((seg) => PR_SEGMENTS.has(seg))) return true;
      // github.event.number / pull_request.number / issue.number build refs/pull/<n>/...
      return path.startsWith('github.event.') && segments.at(-1) === 'number';
    }),
  );
}

/** Runs the rule. */
export function checkPrivilegedCheckout(view: WorkflowView): WorkflowFinding[] {
  const trigger = PRIVILEGED_TRIGGERS.find((t) => view.triggers.has(t));
  if (trigger === undefined) return [];
  const findings: WorkflowFinding[] = [];
  for (const job of view.jobs) {
    for (const step of job.steps) {
      const action = stepAction(view, step);
      let culprit: Node | undefined;
      let what = '';
      if (action?.name === 'actions/checkout') {
        const withMap = asMap(entryValue(view.doc, step, 'with'));
        for (const key of ['ref', 'repository']) {
          const node = entryValue(view.doc, withMap, key);
          const value = scalarText(node);
          if (value !== undefined && pointsAtPullRequestCode(value)) {
            culprit = node;
            what = `actions/checkout with ${key}: ${value}`;
            break;
          }
        }
      }
      const runNode = entryValue(view.doc, step, 'run');
      const run = scalarText(runNode);
      if (
        !culprit &&
        run !== undefined &&
        (/\bgh\s+pr\s+checkout\b/.test(run) || (/\bgit\b/.test(run) && pointsAtPullRequestCode(run)))
      ) {
        culprit = runNode;
        what = 'a script that fetches the pull request';
      }
      if (!culprit) continue;
      findings.push(
        findingAt(
          view,
          'pull-request-target-checkout',
          culprit,
          `job "${job.id}" runs on ${trigger} (write token and secrets, even for forks) and checks out ` +
            `pull request code (${what}); the PR can then run anything with them. Build and test PR code ` +
            'in an on: pull_request job without secrets and pass results here as artifacts (data only).',
          job.id,
        ),
      );
    }
  }
  return findings;
}
