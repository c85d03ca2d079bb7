/**
 * Approvals: `pull_request_review` submitted / dismissed / edited (and `/modelgate approve`)
 * re-decide every `needs-approval` check of the pull request's head commit. When the standing
 * approver changes (an approval by an eligible writer on the head SHA turns the check green; a
 * dismissal takes it back), the model's report is re-rendered from its run artifact with the
 * approver in the report and the card, and the check run completed again. Nothing changes when the
 * outcome is the same (a redelivery, a comment-only review).
 */
import type { RepoModel } from '../config/repo-config.js';
import { escapeMarkdown, shorten } from '../report/escape.js';
import { gateRulesChanged } from './affected-models.js';
import {
  type AppDeps,
  type HandlerContext,
  type HandlerResult,
  ignored,
  runHandler,
  validConfigAt,
  withScratch,
} from './app-deps.js';
import type { ApprovalDecision } from './approval.js';
import {
  type ConfigStamp,
  checkStateText,
  completeCheckRun,
  conclusionOf,
  modelCheckRuns,
  parseCheckState,
} from './check-runs.js';
import { parsePayload, ReviewEventSchema } from './events.js';
import {
  approvalSources,
  baseConfigOf,
  decideApproval,
  type PrInfo,
  prInfoOf,
  reportModel,
  withApprovalNotes,
} from './model-gate.js';
import { fetchRunArtifact, findArtifactForCommit } from './pr-artifacts.js';

/** What {@link refreshApprovals} found and did per model. */
export interface ApprovalRefresh {
  model: string;
  approver: string | null;
  changed: boolean;
  decision: ApprovalDecision;
}

/** The pull request as {@link PrInfo}, or null when it is closed. */
export async function openPr(deps: AppDeps, number: number): Promise<PrInfo | null> {
  const p = await deps.forge.getPullRequest(number);
  return p.state === 'open' ? prInfoOf(p) : null;
}

async function rerender(
  ctx: HandlerContext,
  input: {
    pr: PrInfo;
    model: RepoModel;
    config: NonNullable<Awaited<ReturnType<typeof validConfigAt>>>;
    sourceRunId: number | null;
    decision: ApprovalDecision;
    commandApprovals: { user: string; headSha: string }[];
    configChanged: boolean;
    configStamp: ConfigStamp | null;
  },
): Promise<boolean> {
  const { deps } = ctx;
  const located = await findArtifactForCommit(
    deps.forge,
    input.pr.headSha,
    input.model.name,
    input.sourceRunId,
  );
  if (!located) return false;
  return withScratch(deps, async (scratch) => {
    const fetched = await fetchRunArtifact(deps.forge, located.artifact, {
      scratch,
      model: input.model.name,
      headSha: input.pr.headSha,
      limits: ctx.limits,
    });
    await reportModel(ctx, {
      pr: input.pr,
      config: input.config,
      model: input.model,
      dir: fetched.dir,
      sourceRunId: located.runId,
      configChanged: input.configChanged,
      decision: input.decision,
      commandApprovals: input.commandApprovals,
      configStamp: input.configStamp,
    });
    return true;
  });
}

/**
 * Re-decides the approval of every `needs-approval` model check on the pull request's head commit,
 * optionally recording a new `/modelgate approve` approval (`commandApproval`, already checked by
 * the caller) on the checks of `models` (default: all needing approval).
 */
export async function refreshApprovals(
  ctx: HandlerContext,
  prNumber: number,
  options: { commandApproval?: string; models?: readonly string[] } = {},
): Promise<ApprovalRefresh[]> {
  const { deps } = ctx;
  const pr = await openPr(deps, prNumber);
  if (!pr) return [];
  const config = await validConfigAt(deps, pr.headSha);
  if (!config) return [];
  const out: ApprovalRefresh[] = [];
  const checks = (await modelCheckRuns(deps.forge, pr.headSha, deps.appId)).filter((c) => {
    const s = parseCheckState(c.check.text);
    return s.verdict === 'needs-approval' && s.headSha === pr.headSha;
  });
  if (checks.length === 0) return out;
  const base = await baseConfigOf(ctx, pr.baseRef);
  const sources = await approvalSources(ctx, pr, base);
  let files: string[] | null = null;
  for (const { model: name, check } of checks) {
    ctx.deadline.check(`the approval of ${name}`);
    const model = config.models.find((m) => m.name === name);
    if (!model) continue;
    const state = parseCheckState(check.text);
    const commandApprovals = [...state.commandApprovals];
    if (options.commandApproval && (!options.models || options.models.includes(name)))
      if (!commandApprovals.some((a) => a.user.toLowerCase() === options.commandApproval!.toLowerCase()))
        commandApprovals.push({ user: options.commandApproval, headSha: pr.headSha });
    const decision = await decideApproval(ctx, pr, sources, model, commandApprovals);
    const approver = decision.approver ?? null;
    const same =
      (approver ?? '').toLowerCase() === (state.approver ?? '').toLowerCase() &&
      commandApprovals.length === state.commandApprovals.length &&
      check.status === 'completed';
    if (same) {
      // Same approver: only the list of approvals that do not count may have changed.
      const summary = withApprovalNotes(check.summary, decision);
      if (summary !== check.summary && check.conclusion) {
        await completeCheckRun(
          deps.forge,
          pr.headSha,
          check.name,
          {
            conclusion: check.conclusion,
            title: check.title,
            summary,
            ...(check.text !== undefined ? { text: check.text } : {}),
            externalId: name,
          },
          undefined,
          deps.appId,
        );
        ctx.actions.push(`check ${check.name}: notes updated`);
      }
      out.push({ model: name, approver, changed: false, decision });
      continue;
    }
    const stamp = state.config?.headSha === pr.headSha ? state.config : null;
    if (!stamp) files ??= await deps.forge.listPullRequestFiles(pr.number);
    let rendered = false;
    try {
      rendered = await rerender(ctx, {
        pr,
        model,
        config,
        sourceRunId: state.sourceRunId,
        decision,
        commandApprovals,
        configChanged: stamp ? stamp.rulesChanged : gateRulesChanged(model, files ?? [], base),
        configStamp: stamp,
      });
    } catch (e) {
      ctx.log.warn(`${name}: could not re-render the report: ${(e as Error).message}`);
    }
    if (!rendered) {
      // The artifact is gone: keep the comment, but the check still follows the approval.
      const { conclusion, title } = conclusionOf('needs-approval', approver ?? undefined);
      const note = approver
        ? `Approved by ${escapeMarkdown(approver)} for this head commit.`
        : 'Needs the approval of a reviewer with write access.';
      await completeCheckRun(
        deps.forge,
        pr.headSha,
        check.name,
        {
          conclusion,
          title,
          summary: `${note}\n\n${escapeMarkdown(shorten(check.summary, 2000))}`,
          text: checkStateText({
            verdict: 'needs-approval',
            headSha: pr.headSha,
            sourceRunId: state.sourceRunId,
            commandApprovals,
            approver,
            config: stamp,
            labels: [{ pr: pr.number, labels: pr.labels }, ...state.labels.filter((l) => l.pr !== pr.number)],
          }),
          externalId: name,
        },
        undefined,
        deps.appId,
      );
      ctx.actions.push(`check ${check.name}: ${conclusion}`);
    }
    out.push({ model: name, approver, changed: true, decision });
  }
  return out;
}

const ACTIONS = new Set(['submitted', 'dismissed', 'edited']);

/** Handles `pull_request_review` submitted, dismissed and edited. Never throws. */
export function onReview(deps: AppDeps, event: unknown): Promise<HandlerResult> {
  return runHandler('pull_request_review', deps, async (ctx) => {
    const payload = parsePayload(ReviewEventSchema, event, 'pull_request_review');
    if (!ACTIONS.has(payload.action)) return ignored(`action ${payload.action} ignored`);
    const refreshed = await refreshApprovals(ctx, payload.pull_request.number);
    if (refreshed.length === 0) return ignored(`#${payload.pull_request.number}: nothing needs approval`);
    const parts = refreshed.map(
      (r) => `${r.model} ${r.approver ? `approved by ${r.approver}` : 'not approved'}`,
    );
    return { handled: true, summary: `#${payload.pull_request.number}: ${parts.join(', ')}` };
  });
}
