/**
 * Rule `self-hosted-on-fork`: a job that runs pull request code on a self-hosted runner lets anyone
 * who opens a fork PR run code on that machine (and keep it: self-hosted runners are not wiped
 * between jobs). In workflows started by pull_request events — or reusable ones (`workflow_call`),
 * which any caller may start from one — a job whose `runs-on` is self-hosted, a runner group, or an
 * expression (it might be self-hosted) must carry a fork guard as a top-level `&&` term of its `if:`:
 *   github.event.pull_request.head.repo.full_name == github.repository
 * or a test that limits the event to non-PR events (`github.event_name == 'push' || ...`).
 * `!github.event.pull_request.head.repo.fork` is NOT accepted: a PR whose fork was deleted has
 * `head.repo: null`, so that test passes for it.
 */
import { isMap, isSeq, type Node } from 'yaml';
import type { WorkflowFinding } from './finding.js';
import { entryValue, scalarText } from './workflow-document.js';
import { findingAt, type WorkflowView } from './workflow-model.js';

/** Events whose jobs run pull request code. */
export const PULL_REQUEST_EVENTS: readonly string[] = [
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'pull_request_target',
];

const SCOPE = ['pull_request', 'pull_request_review', 'pull_request_review_comment', 'workflow_call'];

/** Splits an expression at top-level occurrences of `op` (outside parentheses and strings). */
function splitTopLevel(expression: string, op: '&&' | '||'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (inString) {
      if (c === "'") {
        if (expression[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (c === "'") inString = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && expression.startsWith(op, i)) {
      parts.push(expression.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(expression.slice(start));
  return parts.map(stripParens);
}

function stripParens(term: string): string {
  let t = term.trim();
  // Strip an outer pair of parentheses only when it encloses the whole term (not `(a) || (b)`).
  while (t.startsWith('(') && t.endsWith(')')) {
    let depth = 0;
    let whole = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')') depth--;
      if (depth === 0 && i < t.length - 1) {
        whole = false;
        break;
      }
    }
    if (!whole) break;
    t = t.slice(1, -1).trim();
  }
  return t;
}

const SAME_REPO = [
  /^github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository$/i,
  /^github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name$/i,
];
const EVENT_IS = [/^github\.event_name\s*==\s*'([^']+)'$/i, /^'([^']+)'\s*==\s*github\.event_name$/i];

function isSameRepo(term: string): boolean {
  return SAME_REPO.some((re) => re.test(term));
}

function isNonPullRequestEvent(term: string): boolean {
  for (const re of EVENT_IS) {
    const m = re.exec(term);
    if (m) return !PULL_REQUEST_EVENTS.includes(m[1]!.toLowerCase());
  }
  return false;
}

/** Whether a job `if:` condition keeps fork pull requests out (see the module comment). */
export function hasForkGuard(condition: string | undefined): boolean {
  if (condition === undefined) return false;
  let expr = condition.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(expr);
  if (wrapped) expr = wrapped[1]!.trim();
  return splitTopLevel(expr, '&&').some((conjunct) => {
    const alternatives = splitTopLevel(conjunct, '||');
    if (alternatives.length === 1) return isSameRepo(conjunct) || isNonPullRequestEvent(conjunct);
    return alternatives.every((alt) => isSameRepo(alt) || isNonPullRequestEvent(alt));
  });
}

/** What kind of runner `runs-on` names: GitHub-hosted labels only, self-hosted, or unknown until run time. */
export function runnerKind(
  view: WorkflowView,
  runsOn: Node | undefined,
): 'hosted' | 'self-hosted' | 'dynamic' {
  const labels: string[] = [];
  let dynamic = false;
  const visit = (node: unknown) => {
    const resolved = view.doc.resolve(node);
    const text = scalarText(resolved);
    if (text !== undefined) {
      if (text.includes('${{')) dynamic = true;
      labels.push(text.toLowerCase());
    } else if (isSeq(resolved)) for (const item of resolved.items) visit(item);
    else if (isMap(resolved)) {
      // A runner group (`group:`) is self-hosted or a larger runner; either way, not a throwaway VM we know.
      if (entryValue(view.doc, resolved, 'group') !== undefined) labels.push('self-hosted');
      visit(entryValue(view.doc, resolved, 'labels'));
    }
  };
  visit(runsOn);
  if (labels.includes('self-hosted')) return 'self-hosted';
  return dynamic ? 'dynamic' : 'hosted';
}

/** Runs the rule. */
export function checkSelfHostedForks(view: WorkflowView): WorkflowFinding[] {
  const events = SCOPE.filter((t) => view.triggers.has(t));
  if (events.length === 0) return [];
  const findings: WorkflowFinding[] = [];
  for (const job of view.jobs) {
    const runsOn = entryValue(view.doc, job.map, 'runs-on');
    if (runsOn === undefined) continue;
    const kind = runnerKind(view, runsOn);
    if (kind === 'hosted') continue;
    if (hasForkGuard(scalarText(entryValue(view.doc, job.map, 'if')))) continue;
    const what =
      kind === 'self-hosted' ? 'a self-hosted runner' : 'a runner chosen at run time (it may be self-hosted)';
    findings.push(
      findingAt(
        view,
        'self-hosted-on-fork',
        runsOn,
        `job "${job.id}" runs on ${what} in a workflow started by ${events.join('/')}, without a fork guard: ` +
          'a fork PR would run its code on your machine. Add to its if: ' +
          '`github.event.pull_request.head.repo.full_name == github.repository` (or limit it to non-PR events, ' +
          "e.g. `github.event_name == 'push'`).",
        job.id,
      ),
    );
  }
  return findings;
}
