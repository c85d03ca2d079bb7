/** Reading the parts of a workflow the security rules look at: its triggers, jobs and steps. */
import type { Pair, YAMLMap } from 'yaml';
import type { WorkflowFinding, WorkflowRuleId } from './finding.js';
import { asMap, asSeq, entryValue, keyOf, scalarText, type WorkflowDocument } from './workflow-document.js';

/** One job of a workflow. */
export interface WorkflowJob {
  /** The job id (its key under `jobs:`). */
  id: string;
  /** The `jobs.<id>` pair (for positions). */
  pair: Pair;
  /** The job's mapping. */
  map: YAMLMap;
  /** The job's steps (mappings only), empty for reusable-workflow jobs. */
  steps: YAMLMap[];
}

/** A parsed workflow as the rules see it. */
export interface WorkflowView {
  /** The document with positions. */
  doc: WorkflowDocument;
  /** Event names under `on:` (lower case). */
  triggers: Set<string>;
  /** The jobs, in file order. */
  jobs: WorkflowJob[];
}

/** Builds the rules' view of a parsed workflow. */
export function viewWorkflow(doc: WorkflowDocument): WorkflowView {
  const triggers = new Set<string>();
  const on = entryValue(doc, doc.root, 'on');
  const single = scalarText(on);
  if (single !== undefined) triggers.add(single.toLowerCase());
  for (const item of asSeq(on)?.items ?? []) {
    const name = scalarText(doc.resolve(item));
    if (name !== undefined) triggers.add(name.toLowerCase());
  }
  for (const pair of asMap(on)?.items ?? []) triggers.add(keyOf(pair).toLowerCase());

  const jobs: WorkflowJob[] = [];
  for (const pair of asMap(entryValue(doc, doc.root, 'jobs'))?.items ?? []) {
    const map = asMap(doc.resolve(pair.value));
    if (!map) continue;
    const steps: YAMLMap[] = [];
    for (const item of asSeq(entryValue(doc, map, 'steps'))?.items ?? []) {
      const step = asMap(doc.resolve(item));
      if (step) steps.push(step);
    }
    jobs.push({ id: keyOf(pair), pair, map, steps });
  }
  return { doc, triggers, jobs };
}

/** Builds a finding at a node's position. */
export function findingAt(
  view: WorkflowView,
  rule: WorkflowRuleId,
  at: Parameters<WorkflowDocument['position']>[0],
  message: string,
  job?: string,
): WorkflowFinding {
  return {
    rule,
    file: view.doc.file,
    ...view.doc.position(at),
    ...(job === undefined ? {} : { job }),
    message,
  };
}

/** The action a step uses (`owner/repo@ref`), lower-cased up to the `@`, or undefined. */
export function stepAction(view: WorkflowView, step: YAMLMap): { name: string; ref: string } | undefined {
  const uses = scalarText(entryValue(view.doc, step, 'uses'));
  if (uses === undefined) return undefined;
  const at = uses.lastIndexOf('@');
  return at < 0
    ? { name: uses.toLowerCase(), ref: '' }
    : { name: uses.slice(0, at).toLowerCase(), ref: uses.slice(at + 1) };
}
