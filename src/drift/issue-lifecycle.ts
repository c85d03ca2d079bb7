/**
 * The drift issue's lifecycle: ONE issue per model and version, found again by its hidden marker.
 * Drift found and no issue: open one (and, when configured, dispatch the retraining workflow).
 * Drift persists: refresh the body with the latest report and comment with the new window.
 * Drift back on a closed issue: reopen it with a comment (and dispatch again).
 * Drift cleared on an open issue: refresh the body, comment and close it. No drift and no open issue:
 * nothing. The decision is pure ({@link planDriftIssue}); {@link syncDriftIssue} applies it through
 * the {@link Forge}.
 */
import type { Forge, ForgeIssue, WorkflowDispatch } from '../forge/forge.js';
import type { DriftReport } from './types.js';

/** Settings of the drift issue for one model version. */
export interface DriftIssueOptions {
  /** Model name. */
  model: string;
  /** Deployed version `X.Y.Z`. */
  version: string;
  /** The drift report of this run. */
  report: DriftReport;
  /** The issue body: the rendered markdown report, which must contain {@link driftMarker}. */
  body: string;
  /** Labels (default `modelgate`, `drift`, `model:<name>`). */
  labels?: string[];
  /** Dispatch this workflow (e.g. the retraining workflow) when drift is newly found. */
  retrain?: { workflow: string; ref: string } | null;
}

/** What to do with the drift issue. */
export type DriftIssueAction =
  | { kind: 'none'; reason: string }
  | { kind: 'create'; title: string; body: string; labels: string[]; dispatch: WorkflowDispatch | null }
  | {
      kind: 'update';
      number: number;
      title: string;
      body: string;
      comment: string;
      reopen: boolean;
      labels: string[];
      dispatch: WorkflowDispatch | null;
    }
  | { kind: 'close'; number: number; body: string; comment: string };

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').slice(0, 200);

/** The hidden marker that identifies the drift issue of a model version. */
export function driftMarker(model: string, version: string): string {
  const safe = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .slice(0, 64);
  return `<!-- modelgate:drift:${safe(model)}@${safe(version)} -->`;
}

/** The issue title for a drifted model version. */
export function driftTitle(model: string, version: string, report: DriftReport): string {
  const d = report.dataset;
  return oneLine(
    `Drift detected: ${model}@v${version} (${d.driftedColumns} of ${d.columns} columns drifted)`,
  );
}

function windowText(report: DriftReport): string {
  const w = report.current.window;
  const span = w?.from || w?.to ? ` from ${w?.from ?? '?'} to ${w?.to ?? '?'}` : '';
  return `${report.current.rows} current rows${span}${report.current.source ? ` (${oneLine(report.current.source)})` : ''}`;
}

function summary(report: DriftReport): string {
  const d = report.dataset;
  const top = report.features
    .filter((f) => f.drifted)
    .slice(0, 5)
    .map((f) => `\`${f.name.replace(/`/g, "'")}\``)
    .join(', ');
  return `${d.driftedColumns} of ${d.columns} columns drifted (share ${d.share.toFixed(2)}, threshold ${d.threshold.toFixed(2)})${top ? `: ${top}` : ''}`;
}

/** Decides what to do with the drift issue, given the one found by its marker (or none). Pure. */
export function planDriftIssue(existing: ForgeIssue | null, options: DriftIssueOptions): DriftIssueAction {
  const { model, version, report } = options;
  const marker = driftMarker(model, version);
  if (!options.body.includes(marker)) {
    throw new Error(`the drift issue body must contain its marker ${marker}`);
  }
  const labels = options.labels ?? ['modelgate', 'drift', `model:${model}`];
  const dispatch: WorkflowDispatch | null = options.retrain
    ? {
        workflow: options.retrain.workflow,
        ref: options.retrain.ref,
        inputs: { model, version, reason: 'drift' },
      }
    : null;
  const drifted = report.dataset.drifted;
  if (drifted) {
    if (!existing) {
      return {
        kind: 'create',
        title: driftTitle(model, version, report),
        body: options.body,
        labels,
        dispatch,
      };
    }
    const reopen = existing.state === 'closed';
    return {
      kind: 'update',
      number: existing.number,
      title: driftTitle(model, version, report),
      body: options.body,
      comment: reopen
        ? `Drift is back in ${windowText(report)}: ${summary(report)}. Reopening.`
        : `Drift persists in ${windowText(report)}: ${summary(report)}.`,
      reopen,
      labels: [...new Set([...existing.labels, ...labels])],
      dispatch: reopen ? dispatch : null,
    };
  }
  if (existing && existing.state === 'open') {
    return {
      kind: 'close',
      number: existing.number,
      body: options.body,
      comment: `Drift cleared in ${windowText(report)}: ${summary(report)}. Closing.`,
    };
  }
  return {
    kind: 'none',
    reason: existing ? `no drift; issue #${existing.number} is already closed` : 'no drift; no issue',
  };
}

/** The outcome of {@link syncDriftIssue}. */
export interface DriftIssueResult {
  action: DriftIssueAction;
  /** The issue after the change (null when nothing was done and none exists). */
  issue: ForgeIssue | null;
}

/** Finds the drift issue by its marker, decides, and applies the decision through the forge. */
export async function syncDriftIssue(forge: Forge, options: DriftIssueOptions): Promise<DriftIssueResult> {
  const existing = await forge.findIssueByMarker(driftMarker(options.model, options.version));
  const action = planDriftIssue(existing, options);
  switch (action.kind) {
    case 'none':
      return { action, issue: existing };
    case 'create': {
      const issue = await forge.createIssue({
        title: action.title,
        body: action.body,
        labels: action.labels,
      });
      if (action.dispatch) await forge.dispatchWorkflow(action.dispatch);
      return { action, issue };
    }
    case 'update': {
      const issue = await forge.updateIssue(action.number, {
        title: action.title,
        body: action.body,
        labels: action.labels,
        ...(action.reopen ? { state: 'open' as const } : {}),
      });
      await forge.addIssueComment(action.number, action.comment);
      if (action.dispatch) await forge.dispatchWorkflow(action.dispatch);
      return { action, issue };
    }
    case 'close': {
      await forge.updateIssue(action.number, { body: action.body });
      await forge.addIssueComment(action.number, action.comment);
      const issue = await forge.updateIssue(action.number, { state: 'closed' });
      return { action, issue };
    }
  }
}
