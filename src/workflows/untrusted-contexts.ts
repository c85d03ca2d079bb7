/**
 * Context values an outsider can choose (GitHub's "untrusted input" list from its security
 * hardening guide, plus the same kind of fields on other events: labels, review comments,
 * discussions, workflow_run heads). Interpolated into a shell script with `${{ }}` they become code.
 */
import { contextPaths, pathMatches } from './expressions.js';

/** Dotted context paths (lower case; `*` is any one segment) whose values an outsider controls. */
export const UNTRUSTED_CONTEXT_PATHS: readonly string[] = [
  'github.head_ref',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.issue.labels.*.name',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.labels.*.name',
  'github.event.label.name',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.commits.*.committer.email',
  'github.event.commits.*.committer.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.head_commit.committer.email',
  'github.event.head_commit.committer.name',
  'github.event.release.name',
  'github.event.release.body',
  'github.event.check_suite.head_branch',
  'github.event.check_run.check_suite.head_branch',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.workflow_run.head_repository.description',
];

/** The untrusted context paths an expression reads (empty when it reads none). */
export function untrustedPathsIn(expression: string): string[] {
  return contextPaths(expression).filter((path) =>
    UNTRUSTED_CONTEXT_PATHS.some((pattern) => pathMatches(path, pattern)),
  );
}
