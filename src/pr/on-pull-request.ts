/**
 * `pull_request` opened / synchronize / reopened: one `modelgate/<model>` check run per affected
 * model, `in_progress` ("Waiting for training"), on the new head SHA. Approvals are tied to the head
 * SHA, so a new push resets them by itself (new SHA, new check runs); the report sections written
 * for an older commit are replaced by a short "waiting for training" note, so the comment never
 * shows an approval that no longer applies.
 *
 * Each check carries the pull request's labels as a hidden stamp (`labelsMarker`), so the
 * `workflow_run` that reports on it knows them (the release bump preview) without fetching the pull
 * request; `labeled` / `unlabeled` write the new labels onto the head commit's model checks (one
 * listing, one update per check whose stamp differs).
 */
import { REPORT_COMMENT_MARKER, readSection, upsertModelSection } from '../forge/sticky-comment.js';
import { codeSpan } from '../report/escape.js';
import { affectedModels, gateRulesChanged } from './affected-models.js';
import {
  type AppDeps,
  configHash,
  configSourceAt,
  type HandlerContext,
  type HandlerResult,
  ignored,
  runHandler,
  trustedOf,
} from './app-deps.js';
import {
  CONFIG_CHECK_NAME,
  type ConfigStamp,
  type LabelsStamp,
  listOwnCheckRuns,
  restampLabels,
  startCheckRuns,
} from './check-runs.js';
import { type PullRequestEvent, PullRequestEventSchema, parsePayload } from './events.js';
import { baseConfigOf, failConfig } from './model-gate.js';
import { headMarker } from './report-pull-request.js';

const ACTIONS = new Set(['opened', 'synchronize', 'reopened']);
const LABEL_ACTIONS = new Set(['labeled', 'unlabeled']);

/** The labels stamp of a `pull_request` payload. */
function labelsStampOf(pr: { number: number; labels: readonly { name: string }[] }): LabelsStamp {
  return { pr: pr.number, labels: pr.labels.map((l) => l.name) };
}

/** `labeled` / `unlabeled`: the new labels onto the model checks of the head commit (newest per name). */
async function restamp(
  ctx: HandlerContext,
  pr: PullRequestEvent['pull_request'],
): Promise<Omit<HandlerResult, 'actions'>> {
  if (pr.state !== undefined && pr.state !== 'open') return ignored(`#${pr.number}: not open`);
  const stamp = labelsStampOf(pr);
  const seen = new Set<string>();
  let updated = 0;
  for (const check of await listOwnCheckRuns(ctx.deps.forge, pr.head.sha, ctx.deps.appId)) {
    if (!check.name.startsWith('modelgate/') || check.name === CONFIG_CHECK_NAME || seen.has(check.name))
      continue;
    seen.add(check.name);
    if (await restampLabels(ctx.deps.forge, check, stamp)) {
      updated++;
      ctx.actions.push(`check ${check.name}: labels stamped`);
    }
  }
  if (seen.size === 0) return ignored(`#${pr.number}: no modelgate check on ${pr.head.sha.slice(0, 7)}`);
  return { handled: true, summary: `#${pr.number}: labels stamped on ${updated} of ${seen.size} check(s)` };
}

/** The section shown while a new head commit trains. */
export function waitingSection(model: string, headSha: string): string {
  return `${headMarker(headSha)}\n### ⏳ ${codeSpan(model)}: waiting for training of ${codeSpan(headSha.slice(0, 7))}\n\nThe previous report was for an older commit; its verdict and any approval no longer apply.`;
}

async function markStale(ctx: HandlerContext, prNumber: number, headSha: string, models: string[]) {
  const trusted = trustedOf(ctx.deps);
  const comment = (await ctx.deps.forge.listIssueComments(prNumber)).find(
    (c) => trusted(c.user) && c.body.includes(REPORT_COMMENT_MARKER),
  );
  if (!comment) return;
  for (const model of models) {
    const section = readSection(comment.body, model);
    if (section === null || section.includes(headMarker(headSha))) continue;
    await upsertModelSection(ctx.deps.forge, prNumber, model, waitingSection(model, headSha), {
      trustedAuthor: trusted,
    });
    ctx.actions.push(`comment ${comment.id}: section ${model} waiting`);
  }
}

/**
 * Handles `pull_request` opened, synchronize and reopened, and `labeled` / `unlabeled` (the labels
 * stamp); other actions are ignored (a merge is `onMerged`'s). Never throws.
 */
export function onPullRequest(deps: AppDeps, event: unknown): Promise<HandlerResult> {
  return runHandler('pull_request', deps, async (ctx) => {
    const payload = parsePayload(PullRequestEventSchema, event, 'pull_request');
    if (LABEL_ACTIONS.has(payload.action)) return restamp(ctx, payload.pull_request);
    if (!ACTIONS.has(payload.action)) return ignored(`action ${payload.action} ignored`);
    const pr = payload.pull_request;
    const headSha = pr.head.sha;
    const source = await configSourceAt(deps, headSha);
    if (source === null) return ignored('no .github/modelgate.yml');
    const config = source.result;
    if (!config.ok) {
      await failConfig(ctx, headSha, config);
      return { handled: true, summary: `#${pr.number}: invalid config` };
    }
    ctx.deadline.check('listing the changed files');
    const files = await deps.forge.listPullRequestFiles(pr.number);
    const base = await baseConfigOf(ctx, pr.base.ref);
    const affected = affectedModels(config.config, files, base);
    const models = affected.map((m) => m.name);
    if (models.length === 0) return ignored(`#${pr.number}: no model affected`);
    // What the workflow_run event needs of the files and the base config, kept on the checks.
    const hash = configHash(source.text);
    const stamps: Record<string, ConfigStamp> = {};
    for (const m of affected)
      stamps[m.name] = { headSha, hash, rulesChanged: gateRulesChanged(m, files, base) };
    const started = await startCheckRuns(deps.forge, headSha, models, {
      ...(pr.html_url ? { detailsUrl: pr.html_url } : {}),
      stamps,
      labels: labelsStampOf(pr),
      ...(deps.appId !== undefined ? { appId: deps.appId } : {}),
    });
    for (const s of started) if (s.created) ctx.actions.push(`check modelgate/${s.model}: in_progress`);
    if (payload.action !== 'opened') await markStale(ctx, pr.number, headSha, models);
    return { handled: true, summary: `#${pr.number}: ${models.length} model(s) waiting for training` };
  });
}
