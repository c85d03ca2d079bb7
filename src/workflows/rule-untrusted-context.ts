/**
 * Rule `untrusted-context-in-run`: a `${{ }}` in a `run:` script (or an actions/github-script
 * `script:`) that reads a value an outsider controls — a PR title, a branch name, a comment — is
 * pasted into the script before it runs, so the outsider writes code. The fix is to pass the value
 * through `env:` and read it as `"$VAR"`. `${{ env.X }}` counts as untrusted when X is set from such a value.
 */
import type { Scalar, YAMLMap } from 'yaml';
import { contextPaths, findExpressions } from './expressions.js';
import type { WorkflowFinding } from './finding.js';
import { untrustedPathsIn } from './untrusted-contexts.js';
import { asMap, asScalar, entryValue, keyOf, locateInScalar, scalarText } from './workflow-document.js';
import { findingAt, stepAction, type WorkflowView } from './workflow-model.js';

/** A readable env var name for a context path: `github.event.issue.title` -> `TITLE`. */
function envName(path: string): string {
  const last =
    path
      .split('.')
      .filter((seg) => seg !== '*')
      .pop() ?? 'value';
  return last.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function taintedEnv(view: WorkflowView, map: YAMLMap | undefined, into: Map<string, string>): void {
  for (const pair of asMap(entryValue(view.doc, map, 'env'))?.items ?? []) {
    const value = scalarText(view.doc.resolve(pair.value)) ?? '';
    const bad = findExpressions(value).flatMap((span) => untrustedPathsIn(span.inner));
    if (bad.length > 0) into.set(keyOf(pair).toLowerCase(), bad[0]!);
  }
}

function checkScript(
  view: WorkflowView,
  scalar: Scalar,
  where: string,
  env: Map<string, string>,
  job: string,
): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const script = String(scalar.value ?? '');
  let cursor = 0;
  for (const span of findExpressions(script)) {
    const located = locateInScalar(view.doc, scalar, span.text, cursor);
    cursor = located.next;
    const direct = untrustedPathsIn(span.inner);
    const viaEnv = contextPaths(span.inner)
      .filter((p) => p.startsWith('env.') && env.has(p.slice(4)))
      .map((p) => `${p} (set from ${env.get(p.slice(4))})`);
    const bad = [...direct, ...viaEnv];
    if (bad.length === 0) continue;
    const name = envName(direct[0] ?? viaEnv[0]!.slice(0, viaEnv[0]!.indexOf(' ')));
    findings.push(
      findingAt(
        view,
        'untrusted-context-in-run',
        located.offset,
        `${span.text} in ${where} of job "${job}" reads ${bad.join(', ')}, which an outsider controls: ` +
          `it is pasted into the script before it runs. Pass it through env: (e.g. ${name}: ${span.text}) ` +
          `and use "$${name}" in the script.`,
        job,
      ),
    );
  }
  return findings;
}

/** Runs the rule over every job's steps. */
export function checkUntrustedContexts(view: WorkflowView): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const workflowEnv = new Map<string, string>();
  taintedEnv(view, view.doc.root, workflowEnv);
  for (const job of view.jobs) {
    const jobEnv = new Map(workflowEnv);
    taintedEnv(view, job.map, jobEnv);
    for (const step of job.steps) {
      const env = new Map(jobEnv);
      taintedEnv(view, step, env);
      const run = asScalar(entryValue(view.doc, step, 'run'));
      if (run) findings.push(...checkScript(view, run, 'run:', env, job.id));
      const action = stepAction(view, step);
      if (action?.name === 'actions/github-script') {
        const script = asScalar(entryValue(view.doc, asMap(entryValue(view.doc, step, 'with')), 'script'));
        if (script) findings.push(...checkScript(view, script, 'github-script script:', env, job.id));
      }
    }
  }
  return findings;
}
