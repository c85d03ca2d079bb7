/**
 * `workflow_run` completed: for each open pull request whose head is the run's commit, download each
 * model's run artifact (size-capped, no path traversal, validated), compare it with the model's
 * latest release, upsert the model's section of the sticky comment and complete its check run. A
 * failed run or a missing or bad artifact completes the check as `failure` with a clear message.
 *
 * Which runs count: a run that uploaded `modelgate-run-*` artifacts, or a run of the pull-request
 * workflow (file `modelgate-pr.yml` by default, or a workflow named `modelgate...`), so other
 * workflows (CI, lint) finishing never touch the modelgate checks.
 */
import type { RepoModel } from '../config/repo-config.js';
import type { ForgeArtifact } from '../forge/forge.js';
import { escapeMarkdown, shorten } from '../report/escape.js';
import { affectedModels, gateRulesChanged } from './affected-models.js';
import {
  type AppDeps,
  configAt,
  type HandlerContext,
  type HandlerResult,
  HandlerTimeoutError,
  ignored,
  runHandler,
  withScratch,
  workflowsOf,
} from './app-deps.js';
import { checkName, completeCheckRun, findCheckRun, modelCheckRuns, parseCheckState } from './check-runs.js';
import { parsePayload, type WorkflowRunEvent, WorkflowRunEventSchema } from './events.js';
import {
  approvalSources,
  baseConfigOf,
  decideApproval,
  failConfig,
  failModelCheck,
  type PrInfo,
  reportModel,
} from './model-gate.js';
import { fetchRunArtifact, runArtifactsOf } from './pr-artifacts.js';
import { artifactName } from './run-artifact.js';

type WorkflowRun = WorkflowRunEvent['workflow_run'];

/** Whether a workflow run is the pull-request training workflow (by file name or name). */
export function isPrWorkflow(run: Pick<WorkflowRun, 'name' | 'path'>, prWorkflow: string): boolean {
  const file = (run.path ?? '').split('@')[0]!.split('/').pop();
  if (file && file === prWorkflow) return true;
  return /^modelgate\b/i.test(run.name ?? '');
}

function describeRun(run: WorkflowRun): string {
  const name = escapeMarkdown(shorten(run.name ?? 'the training workflow', 100));
  const url = run.html_url && /^https:\/\/[^\s()<>"'`]+$/.test(run.html_url) ? run.html_url : null;
  const where = url ? ` ([run ${run.id}](${url}))` : ` (run ${run.id})`;
  return `${name}${where}`;
}

async function prsOf(deps: AppDeps, run: WorkflowRun): Promise<PrInfo[]> {
  const numbers = run.pull_requests.map((p) => p.number);
  const pulls =
    numbers.length > 0
      ? await Promise.all(numbers.map((n) => deps.forge.getPullRequest(n)))
      : await deps.forge.pullRequestsForCommit(run.head_sha);
  return pulls
    .filter((p) => p.state === 'open' && p.headSha === run.head_sha)
    .map((p) => ({
      number: p.number,
      headSha: p.headSha,
      user: p.user,
      baseRef: p.baseRef,
      labels: p.labels,
      ...(p.url ? { url: p.url } : {}),
    }));
}

async function gradePullRequest(
  ctx: HandlerContext,
  pr: PrInfo,
  run: WorkflowRun,
  artifacts: Map<string, ForgeArtifact>,
  recognised: boolean,
): Promise<string> {
  const { deps } = ctx;
  const config = await configAt(deps, pr.headSha);
  if (config === null) return `#${pr.number}: no config`;
  if (!config.ok) {
    await failConfig(ctx, pr.headSha, config);
    return `#${pr.number}: invalid config`;
  }
  const files = await deps.forge.listPullRequestFiles(pr.number);
  const base = await baseConfigOf(ctx, pr.baseRef);
  const affected = affectedModels(config.config, files, base);
  const models: RepoModel[] = [...affected];
  for (const name of artifacts.keys()) {
    const m = config.config.models.find((x) => x.name === name);
    if (m && !models.includes(m)) models.push(m);
    if (!m) ctx.log.warn(`artifact ${artifactName(name)}: model not in .github/modelgate.yml; ignored`);
  }
  const sources = await approvalSources(ctx, pr, base);
  let done = 0;
  await withScratch(deps, async (scratch) => {
    for (const model of models) {
      ctx.deadline.check(`grading ${model.name}`);
      const artifact = artifacts.get(model.name);
      if (!artifact) {
        if (!recognised) continue;
        // Another workflow run of the commit may have reported this model already.
        const existing = await findCheckRun(deps.forge, pr.headSha, checkName(model.name));
        const state = parseCheckState(existing?.text);
        if (existing?.status === 'completed' && state.sourceRunId !== null && state.sourceRunId !== run.id)
          continue;
        const why =
          run.conclusion === 'success'
            ? `${describeRun(run)} succeeded but uploaded no artifact \`${artifactName(model.name)}\`. Does the workflow train this model and upload its run folder?`
            : `${describeRun(run)} ended with **${escapeMarkdown(run.conclusion ?? 'no conclusion')}** and uploaded no artifact \`${artifactName(model.name)}\`. See the workflow run's log.`;
        await failModelCheck(
          ctx,
          pr.headSha,
          model.name,
          run.conclusion === 'success'
            ? 'Missing run artifact'
            : `Training workflow ${run.conclusion ?? 'failed'}`,
          why,
          run.html_url,
        );
        continue;
      }
      let fetched: Awaited<ReturnType<typeof fetchRunArtifact>>;
      try {
        fetched = await fetchRunArtifact(deps.forge, artifact, {
          scratch,
          model: model.name,
          headSha: pr.headSha,
          limits: ctx.limits,
        });
      } catch (e) {
        await failModelCheck(
          ctx,
          pr.headSha,
          model.name,
          'Invalid run artifact',
          `The run artifact could not be used:\n\n${escapeMarkdown(shorten((e as Error).message, 3000))}`,
          run.html_url,
        );
        continue;
      }
      const existing = await findCheckRun(deps.forge, pr.headSha, checkName(model.name));
      const state = parseCheckState(existing?.text);
      const commandApprovals = state.headSha === pr.headSha ? state.commandApprovals : [];
      const decision = await decideApproval(ctx, pr, sources, model, commandApprovals);
      try {
        await reportModel(ctx, {
          pr,
          config: config.config,
          model,
          dir: fetched.dir,
          sourceRunId: run.id,
          ...(run.html_url ? { runUrl: run.html_url } : {}),
          configChanged: gateRulesChanged(model, files, base),
          decision,
          commandApprovals,
        });
        done++;
      } catch (e) {
        await failModelCheck(
          ctx,
          pr.headSha,
          model.name,
          'Could not compare the run',
          `modelgate could not compare this run with its baseline:\n\n${escapeMarkdown(shorten((e as Error).message, 3000))}`,
          run.html_url,
        );
      }
    }
  });
  return `#${pr.number}: ${done} of ${models.length} model(s) reported`;
}

/** Completes the model checks still running on the commit as `timed_out`. */
async function timedOut(ctx: HandlerContext, headSha: string, why: string): Promise<void> {
  for (const { model, check } of await modelCheckRuns(ctx.deps.forge, headSha)) {
    if (check.status === 'completed') continue;
    await completeCheckRun(ctx.deps.forge, headSha, check.name, {
      conclusion: 'timed_out',
      title: 'Timed out',
      summary: `modelgate ${escapeMarkdown(why)}. Re-run the training workflow (or redeliver the webhook) to try again.`,
      externalId: model,
    });
    ctx.actions.push(`check ${check.name}: timed_out`);
  }
}

/**
 * Handles `workflow_run` completed (see the module comment). Never throws; problems with the
 * artifact, the config or the comparison end up on the check runs.
 */
export function onWorkflowRunCompleted(deps: AppDeps, event: unknown): Promise<HandlerResult> {
  return runHandler('workflow_run', deps, async (ctx) => {
    const payload = parsePayload(WorkflowRunEventSchema, event, 'workflow_run');
    if (payload.action !== 'completed') return ignored(`action ${payload.action} ignored`);
    const run = payload.workflow_run;
    const prs = await prsOf(deps, run);
    if (prs.length === 0) return ignored(`run ${run.id}: no open pull request has head ${run.head_sha}`);
    const artifacts = await runArtifactsOf(deps.forge, run.id);
    const recognised = isPrWorkflow(run, workflowsOf(deps).pr);
    if (artifacts.size === 0 && !recognised) return ignored(`run ${run.id}: not a modelgate workflow`);
    const lines: string[] = [];
    for (const pr of prs) {
      try {
        lines.push(await gradePullRequest(ctx, pr, run, artifacts, recognised));
      } catch (e) {
        if (e instanceof HandlerTimeoutError) await timedOut(ctx, pr.headSha, e.message);
        throw e;
      }
    }
    return { handled: true, summary: lines.join('; ') };
  });
}
