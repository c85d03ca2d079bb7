/**
 * `issues` labeled `retrain` on a drift issue (its body carries the drift marker
 * `<!-- modelgate:drift:<model>@<version> -->`): dispatch the retraining workflow once, on the
 * default branch, with inputs `model`, `version` and `reason: drift`. A record comment with
 * `<!-- modelgate:retrain:<model>@<version> -->` makes it idempotent: a redelivered event, or the
 * label removed and added again, dispatches nothing more.
 */
import { upsertStickyComment } from '../forge/sticky-comment.js';
import { codeSpan, MARKER_PREFIX, markerName } from '../report/escape.js';
import {
  type AppDeps,
  type HandlerResult,
  ignored,
  runHandler,
  trustedOf,
  validConfigAt,
  workflowsOf,
} from './app-deps.js';
import { IssueLabeledEventSchema, parsePayload } from './events.js';
import { driftMarkerOf } from './on-issue-comment.js';

/** The label that asks for retraining. */
export const RETRAIN_LABEL = 'retrain';

/** The marker of the record comment of a retraining dispatched for a drift issue. */
export function retrainMarker(model: string, version: string): string {
  return `${MARKER_PREFIX}retrain:${markerName(model)}@${markerName(version)} -->`;
}

/** Handles `issues` labeled (see the module comment). Never throws. */
export function onIssueLabeled(deps: AppDeps, event: unknown): Promise<HandlerResult> {
  return runHandler('issues.labeled', deps, async (ctx) => {
    const payload = parsePayload(IssueLabeledEventSchema, event, 'issues');
    if (payload.action !== 'labeled') return ignored(`action ${payload.action} ignored`);
    if (payload.label?.name.toLowerCase() !== RETRAIN_LABEL) return ignored('not the retrain label');
    if (payload.issue.pull_request) return ignored('a pull request, not a drift issue');
    const drift = driftMarkerOf(payload.issue.body);
    if (!drift) return ignored(`#${payload.issue.number}: not a drift issue`);
    const number = payload.issue.number;
    const marker = retrainMarker(drift.model, drift.version);
    const trusted = trustedOf(deps);
    const comments = await deps.forge.listIssueComments(number);
    if (comments.some((c) => trusted(c.user) && c.body.includes(marker)))
      return ignored(`#${number}: retraining was dispatched already`);
    const branch = payload.repository.default_branch ?? deps.defaultBranch ?? 'main';
    const config = await validConfigAt(deps, branch);
    if (config && !config.models.some((m) => m.name === drift.model))
      return ignored(`#${number}: model ${drift.model} is not in .github/modelgate.yml`);
    const workflow = workflowsOf(deps).retrain;
    await deps.forge.dispatchWorkflow({
      workflow,
      ref: branch,
      inputs: { model: drift.model, version: drift.version, reason: 'drift' },
    });
    ctx.actions.push(`dispatch ${workflow} ${drift.model}`);
    const body = `${marker}\nRetraining of ${codeSpan(drift.model)} started (${codeSpan(workflow)} on ${codeSpan(branch)}) because this drift issue was labelled ${codeSpan(RETRAIN_LABEL)}.`;
    const r = await upsertStickyComment(deps.forge, number, marker, body, { trustedAuthor: trusted });
    ctx.actions.push(`comment ${r.id}: retrain record`);
    return { handled: true, summary: `#${number}: retraining ${drift.model}@${drift.version} dispatched` };
  });
}
