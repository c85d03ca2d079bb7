/**
 * The steps the handlers share: who may approve a model (config approvers or CODEOWNERS), reporting
 * one model's run and completing its check run from the verdict and the approval, failing a check
 * with a clear message, and failing everything on an invalid config.
 */
import type { RepoConfig, RepoModel } from '../config/repo-config.js';
import type { ForgeCheckRun, ForgePullRequest, ForgeReview } from '../forge/forge.js';
import { escapeMarkdown, shorten } from '../report/escape.js';
import { type HandlerContext, trustedOf, validConfigAt } from './app-deps.js';
import { type ApprovalDecision, evaluateApproval, readCodeowners } from './approval.js';
import {
  CONFIG_CHECK_NAME,
  type ConfigStamp,
  checkName,
  checkStateText,
  completeCheckRun,
  conclusionOf,
  modelCheckRuns,
  parseCheckState,
} from './check-runs.js';
import type { ConfigResult } from './load-config.js';
import { type ModelReportResult, reportPullRequest } from './report-pull-request.js';

/** The pull request as the handlers need it. */
export interface PrInfo {
  number: number;
  headSha: string;
  /** Author login. */
  user: string;
  baseRef: string;
  labels: string[];
  url?: string;
}

/** The pull request as the handlers need it, from the forge's record. */
export function prInfoOf(p: ForgePullRequest): PrInfo {
  return {
    number: p.number,
    headSha: p.headSha,
    user: p.user,
    baseRef: p.baseRef,
    labels: p.labels,
    ...(p.url ? { url: p.url } : {}),
  };
}

/** What reporting a model needs of the pull request (no author, no base branch). */
export type ReportedPr = Pick<PrInfo, 'number' | 'headSha' | 'labels' | 'url'>;

/** What approval decisions need, read once per event. */
export interface ApprovalSources {
  reviews: ForgeReview[];
  codeowners: string | null;
  /** The approvers of a model: from the base branch's config when it has the model (a pull request cannot name its own approvers), else the head's. */
  approversOf(model: RepoModel): string[];
}

/**
 * The config of the pull request's base branch (what a pull request's own config change is compared
 * with), or null when unknown: missing or invalid there, or the caller passed one config text for all refs.
 */
export async function baseConfigOf(ctx: HandlerContext, baseRef: string): Promise<RepoConfig | null> {
  return ctx.deps.configText === undefined ? validConfigAt(ctx.deps, baseRef) : null;
}

/**
 * Reads reviews and CODEOWNERS (at the base branch) for a pull request; approvers come from the
 * base branch's config (`base`) when it has the model, else from the head's.
 */
export async function approvalSources(
  ctx: HandlerContext,
  pr: PrInfo,
  base: RepoConfig | null,
): Promise<ApprovalSources> {
  const forge = ctx.deps.forge;
  const [reviews, codeowners] = await Promise.all([
    forge.listReviews(pr.number),
    readCodeowners(forge, pr.baseRef),
  ]);
  return {
    reviews,
    codeowners,
    approversOf(model) {
      const fromBase = base?.models.find((m) => m.name === model.name);
      return [...(fromBase ?? model).approvers];
    },
  };
}

/** Decides the approval of one model, counting `/modelgate approve` approvals as approving reviews. */
export async function decideApproval(
  ctx: HandlerContext,
  pr: PrInfo,
  sources: ApprovalSources,
  model: RepoModel,
  commandApprovals: readonly { user: string; headSha: string }[],
): Promise<ApprovalDecision> {
  const synthetic: ForgeReview[] = commandApprovals.map((a, i) => ({
    id: -1 - i,
    user: a.user,
    state: 'APPROVED',
    commitId: a.headSha,
    submittedAt: null,
  }));
  return evaluateApproval({
    forge: ctx.deps.forge,
    pr: { number: pr.number, user: pr.user, headSha: pr.headSha },
    reviews: [...sources.reviews, ...synthetic],
    approvers: sources.approversOf(model),
    codeowners: sources.codeowners,
    model,
  });
}

/** The heading of the list of approvals that do not count, in a check summary. */
export const REJECTED_APPROVALS_HEADING = '\n\nApprovals that do not count:\n';

/** The list of approvals that do not count (and why), to append to a check summary; '' when none. */
export function approvalNotes(decision: ApprovalDecision | null): string {
  if (!decision || decision.rejected.length === 0) return '';
  const lines = decision.rejected
    .slice(0, 20)
    .map((r) => `- ${escapeMarkdown(r.user)}: ${escapeMarkdown(shorten(r.reason, 200))}`);
  return `${REJECTED_APPROVALS_HEADING}${lines.join('\n')}`;
}

/** A check summary with its approval notes replaced by those of `decision`. */
export function withApprovalNotes(summary: string, decision: ApprovalDecision): string {
  const at = summary.indexOf(REJECTED_APPROVALS_HEADING);
  return (at >= 0 ? summary.slice(0, at) : summary) + approvalNotes(decision);
}

/** Input of {@link reportModel}. */
export interface ReportModelInput {
  /** The pull request; its labels are kept on the check as its labels stamp. */
  pr: ReportedPr;
  config: RepoConfig;
  model: RepoModel;
  /** The extracted run folder. */
  dir: string;
  /** The workflow run the artifact came from (recorded on the check). */
  sourceRunId: number | null;
  /** Link to the workflow run. */
  runUrl?: string;
  configChanged: boolean;
  /**
   * The approval decision, or how to make it: called only when the verdict needs approval (so a
   * passing run reads no reviews, CODEOWNERS or base config).
   */
  decision: ApprovalDecision | (() => Promise<ApprovalDecision>);
  commandApprovals: readonly { user: string; headSha: string }[];
  /** The config stamp to keep on the check (see `ConfigStamp`). */
  configStamp?: ConfigStamp | null;
  /** The model's newest check run on the head commit, when the caller listed them (null: none). */
  existing?: ForgeCheckRun | null;
  /**
   * Re-read the comment after writing it, in case a concurrent writer replaced the section (default
   * true). Callers turn it off when no other writer can be at work on the comment.
   */
  verifyComment?: boolean;
}

/**
 * Reports one model's run (its section of the sticky comment) and completes its check run:
 * `success`, `action_required` ("Needs approval"), `success` ("Approved by ...") or `failure`, with
 * the verdict, source, approver and command-approval markers in the output text.
 */
export async function reportModel(ctx: HandlerContext, input: ReportModelInput): Promise<ModelReportResult> {
  const { pr, model } = input;
  ctx.deadline.check(`the report of ${model.name}`);
  const decide = input.decision;
  let decision: ApprovalDecision | null = typeof decide === 'function' ? null : decide;
  const { models, commentId } = await reportPullRequest({
    forge: ctx.deps.forge,
    registry: ctx.deps.registry,
    config: input.config,
    prNumber: pr.number,
    headSha: pr.headSha,
    runs: [{ model: model.name, dir: input.dir }],
    decideApproval: async () => {
      decision ??= await (decide as () => Promise<ApprovalDecision>)();
      const eligible = decision.eligible;
      return {
        ...(decision.approver ? { approver: decision.approver } : {}),
        approvers: eligible.length > 0 ? eligible : model.approvers,
      };
    },
    labels: pr.labels,
    configChanged: input.configChanged,
    ...(input.runUrl ? { links: { [model.name]: { run: input.runUrl } } } : {}),
    resamples: ctx.limits.resamples,
    comment: { trustedAuthor: trustedOf(ctx.deps), ...(input.verifyComment === false ? { retries: 0 } : {}) },
  });
  const result = models[0]!;
  ctx.actions.push(`comment ${commentId}: section ${model.name}`);
  const approver = result.verdict === 'needs-approval' ? (result.gate.approver ?? null) : null;
  const { conclusion, title } = conclusionOf(result.verdict, approver ?? undefined);
  const state = checkStateText({
    verdict: result.verdict,
    headSha: pr.headSha,
    sourceRunId: input.sourceRunId,
    commandApprovals: input.commandApprovals,
    approver,
    config: input.configStamp ?? null,
    labels: [
      { pr: pr.number, labels: pr.labels },
      ...parseCheckState(input.existing?.text).labels.filter((s) => s.pr !== pr.number),
    ],
  });
  await completeCheckRun(
    ctx.deps.forge,
    pr.headSha,
    checkName(model.name),
    {
      conclusion,
      title,
      summary: result.checkSummary + (result.verdict === 'needs-approval' ? approvalNotes(decision) : ''),
      text: `${state}\n\n${result.markdown}`,
      externalId: model.name,
      ...(pr.url ? { detailsUrl: pr.url } : {}),
    },
    input.existing,
    ctx.deps.appId,
  );
  ctx.actions.push(`check ${checkName(model.name)}: ${conclusion}`);
  return result;
}

/**
 * Completes a model's check run as `failure` with a title and a message (escaped by the caller);
 * `existing` as in `completeCheckRun`.
 */
export async function failModelCheck(
  ctx: HandlerContext,
  headSha: string,
  model: string,
  title: string,
  message: string,
  detailsUrl?: string,
  existing?: ForgeCheckRun | null,
): Promise<void> {
  await completeCheckRun(
    ctx.deps.forge,
    headSha,
    checkName(model),
    {
      conclusion: 'failure',
      title,
      summary: message,
      externalId: model,
      ...(detailsUrl ? { detailsUrl } : {}),
    },
    existing,
    ctx.deps.appId,
  );
  ctx.actions.push(`check ${checkName(model)}: failure (${title})`);
}

/**
 * An invalid `.github/modelgate.yml`: the `modelgate/config` check fails with the message and
 * annotations on the offending lines, and every model check still running on the commit fails
 * pointing at it.
 */
export async function failConfig(
  ctx: HandlerContext,
  headSha: string,
  result: Extract<ConfigResult, { ok: false }>,
): Promise<void> {
  const summary = `\`.github/modelgate.yml\` is invalid, so no model can be gated on this commit:\n\n\`\`\`\n${result.message
    .replace(/```/g, "'''")
    .slice(0, 20_000)}\n\`\`\``;
  await completeCheckRun(
    ctx.deps.forge,
    headSha,
    CONFIG_CHECK_NAME,
    {
      conclusion: 'failure',
      title: 'Invalid .github/modelgate.yml',
      summary,
      annotations: result.annotations,
    },
    undefined,
    ctx.deps.appId,
  );
  ctx.actions.push(`check ${CONFIG_CHECK_NAME}: failure`);
  for (const { model, check } of await modelCheckRuns(ctx.deps.forge, headSha, ctx.deps.appId)) {
    if (check.status === 'completed') continue;
    await failModelCheck(
      ctx,
      headSha,
      model,
      'Invalid .github/modelgate.yml',
      `The modelgate config is invalid; see the ${CONFIG_CHECK_NAME} check.\n\n${summary}`,
    );
  }
}
