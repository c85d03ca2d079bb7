/**
 * Rule `unpinned-third-party-action`: `uses: owner/repo@v1` runs whatever the tag points at when the
 * job starts; whoever can move the tag can run code with the job's token and secrets. Actions and
 * reusable workflows must be pinned to a full commit SHA (40 hex, or 64 for SHA-256 repositories),
 * Docker images to a digest. Local actions (`./...`) and the repositories in `trusted` (by default
 * modelgate's own, referenced by its release tag) are exempt.
 */
import type { Node, YAMLMap } from 'yaml';
import type { WorkflowFinding } from './finding.js';
import { entryValue, scalarText } from './workflow-document.js';
import { findingAt, type WorkflowView } from './workflow-model.js';

/** Repositories whose actions may be referenced by tag unless the caller says otherwise. */
export const DEFAULT_TRUSTED_ACTION_REPOS: readonly string[] = ['modelgate/modelgate'];

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Why a `uses:` value is not pinned, or null when it is fine.
 * @param uses the value of `uses:`
 * @param trusted `owner/repo` entries (or `owner/*`) exempt from pinning, lower case
 */
export function unpinnedReason(uses: string, trusted: readonly string[]): string | null {
  const value = uses.trim();
  if (value.startsWith('./')) return null;
  if (value.startsWith('docker://')) {
    return /@sha256:[0-9a-f]{64}$/.test(value) ? null : 'a Docker image without an @sha256: digest';
  }
  const at = value.lastIndexOf('@');
  if (at < 0) return 'no @ref at all';
  const [owner = '', repo = ''] = value.slice(0, at).toLowerCase().split('/');
  if (trusted.some((t) => t === `${owner}/${repo}` || t === `${owner}/*`)) return null;
  const ref = value.slice(at + 1);
  return FULL_SHA.test(ref) ? null : `the ref "${ref}" is not a full commit SHA`;
}

/** Runs the rule over job-level (`jobs.<id>.uses`) and step-level `uses:`. */
export function checkPinnedActions(
  view: WorkflowView,
  trusted: readonly string[] = DEFAULT_TRUSTED_ACTION_REPOS,
): WorkflowFinding[] {
  const lower = trusted.map((t) => t.toLowerCase());
  const findings: WorkflowFinding[] = [];
  const check = (map: YAMLMap, job: string) => {
    const node = entryValue(view.doc, map, 'uses');
    const uses = scalarText(node);
    if (uses === undefined) return;
    const reason = unpinnedReason(uses, lower);
    if (reason === null) return;
    findings.push(
      findingAt(
        view,
        'unpinned-third-party-action',
        node as Node,
        `uses: ${uses} in job "${job}" is not pinned (${reason}); whoever can move that ref runs code ` +
          "with this job's token and secrets. Pin the full commit SHA and keep the version in a comment, " +
          'e.g. uses: owner/action@<40-hex sha> # v1.2.3.',
        job,
      ),
    );
  };
  for (const job of view.jobs) {
    check(job.map, job.id);
    for (const step of job.steps) check(step, job.id);
  }
  return findings;
}
