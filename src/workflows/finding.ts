/**
 * What the workflow security linter reports: one {@link WorkflowFinding} per problem, with the rule
 * that found it and the 1-based line and column in the workflow file.
 */

/** The rules of the workflow security linter (see docs/workflows.md for each rule's rationale). */
export const WORKFLOW_RULES = [
  'invalid-workflow',
  'pull-request-target-checkout',
  'untrusted-context-in-run',
  'job-without-permissions',
  'permissions-write-all',
  'unpinned-third-party-action',
  'self-hosted-on-fork',
] as const;

/** One rule id of {@link WORKFLOW_RULES}. */
export type WorkflowRuleId = (typeof WORKFLOW_RULES)[number];

/** One problem found in a workflow file. */
export interface WorkflowFinding {
  /** The rule that found it. */
  rule: WorkflowRuleId;
  /** The file, as the caller named it. */
  file: string;
  /** 1-based line of the offending key or expression. */
  line: number;
  /** 1-based column of the offending key or expression. */
  column: number;
  /** The job id, when the finding belongs to a job. */
  job?: string;
  /** What is wrong and how to fix it, in words. */
  message: string;
}

/** Formats a finding as `file:line:column: [rule] message`, the shape editors and CI logs link. */
export function formatFinding(finding: WorkflowFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: [${finding.rule}] ${finding.message}`;
}

/** Orders findings by file, line, column and rule, so output is stable. */
export function sortFindings(findings: readonly WorkflowFinding[]): WorkflowFinding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule),
  );
}
