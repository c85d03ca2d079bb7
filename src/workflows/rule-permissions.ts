/**
 * Rules `job-without-permissions` and `permissions-write-all`. Without `permissions:` a job's
 * GITHUB_TOKEN gets the repository's default scopes, which on many repositories (and every
 * repository created before 2023) is read/write on everything. Each job must end up with an explicit
 * grant: its own `permissions:` or the workflow's top-level one (a job's own block replaces the
 * top-level one). `write-all` is never least privilege.
 */
import type { Node, Pair } from 'yaml';
import type { WorkflowFinding } from './finding.js';
import { pairOf, scalarText } from './workflow-document.js';
import { findingAt, type WorkflowView } from './workflow-model.js';

function writeAll(
  view: WorkflowView,
  pair: Pair | undefined,
  owner: string,
  job?: string,
): WorkflowFinding[] {
  if (!pair) return [];
  const value = scalarText(view.doc.resolve(pair.value));
  if (value?.toLowerCase() !== 'write-all') return [];
  return [
    findingAt(
      view,
      'permissions-write-all',
      pair.value as Node,
      `${owner} grants permissions: write-all; list only the scopes it needs (e.g. contents: read).`,
      job,
    ),
  ];
}

/** Runs both permission rules. */
export function checkPermissions(view: WorkflowView): WorkflowFinding[] {
  const top = pairOf(view.doc.root, 'permissions');
  const findings = writeAll(view, top, 'the workflow');
  for (const job of view.jobs) {
    const own = pairOf(job.map, 'permissions');
    findings.push(...writeAll(view, own, `job "${job.id}"`, job.id));
    if (!own && !top) {
      findings.push(
        findingAt(
          view,
          'job-without-permissions',
          job.pair,
          `job "${job.id}" has no permissions: and neither has the workflow, so its token gets the ` +
            "repository's default scopes (often write on everything). Add permissions: with only what it " +
            'needs (e.g. contents: read), on the job or at the top of the workflow.',
          job.id,
        ),
      );
    }
  }
  return findings;
}
