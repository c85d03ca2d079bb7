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
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoConfig, RepoModel } from '../config/repo-config.js';
import type { ForgeArtifact, ForgeCheckRun } from '../forge/forge.js';
import { escapeMarkdown, shorten } from '../report/escape.js';
import { affectedModels, gateRulesChanged } from './affected-models.js';
import {
  type AppDeps,
  type ConfigSource,
  configHash,
  configSourceAt,
  type HandlerContext,
  type HandlerResult,
  HandlerTimeoutError,
  ignored,
  runHandler,
  withScratch,
  workflowsOf,
} from './app-deps.js';
import {
  CONFIG_CHECK_NAME,
  type ConfigStamp,
  checkName,
  completeCheckRun,
  listOwnCheckRuns,
  modelCheckRuns,
  parseCheckState,
  stampedLabels,
} from './check-runs.js';
import { parsePayload, type WorkflowRunEvent, WorkflowRunEventSchema } from './events.js';
import { CONFIG_PATH, MAX_CONFIG_CHARS, parseRepoConfig } from './load-config.js';
import {
  type ApprovalSources,
  approvalSources,
  baseConfigOf,
  decideApproval,
  failConfig,
  failModelCheck,
  type PrInfo,
  prInfoOf,
  type ReportedPr,
  reportModel,
} from './model-gate.js';
import { fetchRunArtifact, runArtifactsOf } from './pr-artifacts.js';
import { artifactName, REPO_CONFIG_COPY } from './run-artifact.js';

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

/**
 * A pull request the run may report on. From the payload's `pull_requests` (each with its current
 * head) it is a number and the head, nothing fetched: the labels come from the checks' stamps, the
 * author and base branch from the pull request, fetched only when needed (`info` null). Without
 * `pull_requests` (forks) the open pull requests of the commit are listed, in full.
 */
interface Target {
  number: number;
  headSha: string;
  info: PrInfo | null;
}

async function targetsOf(deps: AppDeps, run: WorkflowRun): Promise<Target[]> {
  if (run.pull_requests.length > 0) {
    // A pull request whose head moved on since the run is not reported on (its new head will be).
    return run.pull_requests
      .filter((p) => p.head === undefined || p.head.sha.toLowerCase() === run.head_sha.toLowerCase())
      .map((p) => ({ number: p.number, headSha: run.head_sha, info: null }));
  }
  const pulls = await deps.forge.pullRequestsForCommit(run.head_sha);
  return pulls
    .filter((p) => p.state === 'open' && p.headSha === run.head_sha)
    .map((p) => ({ number: p.number, headSha: p.headSha, info: prInfoOf(p) }));
}

/** The labels of pull request `pr` stamped alike on every model check, or null (none, or they differ). */
function labelsFromStamps(modelChecks: ReadonlyMap<string, ForgeCheckRun>, pr: number): string[] | null {
  let labels: string[] | null = null;
  for (const check of modelChecks.values()) {
    const stamped = stampedLabels(check, pr);
    if (stamped === null) return null;
    if (labels !== null && JSON.stringify(labels) !== JSON.stringify(stamped)) return null;
    labels = stamped;
  }
  return labels;
}

/** An artifact fetched once per event: its extracted folder, or why it cannot be used. */
type Fetched = { ok: true; dir: string } | { ok: false; error: Error };

/** The run folder's copy of the config (see {@link REPO_CONFIG_COPY}), or null. */
async function readConfigCopy(dir: string): Promise<string | null> {
  const file = join(dir, REPO_CONFIG_COPY);
  try {
    const info = await lstat(file);
    if (!info.isFile() || info.size > 4 * MAX_CONFIG_CHARS) return null;
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The config at the pull request's head: the run artifact's copy when its SHA-256 is the one the
 * check runs were started with (byte for byte the head commit's file), else read through the API.
 */
async function configFor(
  ctx: HandlerContext,
  pr: { headSha: string },
  artifacts: Map<string, ForgeArtifact>,
  stamps: Map<string, ConfigStamp>,
  fetchOnce: (model: string) => Promise<Fetched>,
): Promise<ConfigSource | null> {
  const hashes = new Set([...stamps.values()].map((s) => s.hash));
  if (ctx.deps.configText === undefined && hashes.size === 1) {
    const hash = [...hashes][0]!;
    const names = [...artifacts.keys()].sort(
      (a, b) => Number(stamps.has(b)) - Number(stamps.has(a)) || a.localeCompare(b),
    );
    for (const name of names) {
      const fetched = await fetchOnce(name);
      if (!fetched.ok) continue;
      const text = await readConfigCopy(fetched.dir);
      if (text !== null && configHash(text) === hash)
        return { text, result: parseRepoConfig(text, CONFIG_PATH) };
      break;
    }
  }
  return configSourceAt(ctx.deps, pr.headSha);
}

/** The newest check run per name (the forge lists newest first). */
function newestByName(runs: readonly ForgeCheckRun[]): Map<string, ForgeCheckRun> {
  const out = new Map<string, ForgeCheckRun>();
  for (const r of runs) if (!out.has(r.name)) out.set(r.name, r);
  return out;
}

async function gradePullRequest(
  ctx: HandlerContext,
  target: Target,
  run: WorkflowRun,
  artifacts: Map<string, ForgeArtifact>,
  recognised: boolean,
): Promise<string> {
  const { deps } = ctx;
  // One listing of the commit's check runs serves the whole event: states, stamps, ids to update.
  const checks = newestByName(await listOwnCheckRuns(deps.forge, target.headSha, deps.appId));
  const modelChecks = new Map<string, ForgeCheckRun>();
  for (const [name, check] of checks)
    if (name.startsWith('modelgate/') && name !== CONFIG_CHECK_NAME)
      modelChecks.set(name.slice('modelgate/'.length), check);
  // The pull request itself (author, base branch) is fetched once, and only when needed: for an
  // approval, without the checks' stamps, or without their labels. Approvals count for the run's head.
  let full: Promise<PrInfo> | null = target.info ? Promise.resolve(target.info) : null;
  const fullPr = (): Promise<PrInfo> => {
    full ??= deps.forge
      .getPullRequest(target.number)
      .then((p) => ({ ...prInfoOf(p), headSha: target.headSha }));
    return full;
  };
  const stampedLabelList = target.info ? null : labelsFromStamps(modelChecks, target.number);
  let pr: ReportedPr;
  if (target.info) pr = target.info;
  else if (stampedLabelList !== null)
    pr = { number: target.number, headSha: target.headSha, labels: stampedLabelList };
  else {
    const fetched = await deps.forge.getPullRequest(target.number);
    if (fetched.state !== 'open' || fetched.headSha !== target.headSha)
      return `#${target.number}: not open at ${target.headSha.slice(0, 7)}`;
    const info = prInfoOf(fetched);
    full = Promise.resolve(info);
    pr = info;
  }
  const stamps = new Map<string, ConfigStamp>();
  for (const [model, check] of modelChecks) {
    const stamp = parseCheckState(check.text).config;
    if (stamp && stamp.headSha === pr.headSha) stamps.set(model, stamp);
  }
  return withScratch(deps, async (scratch) => {
    const fetches = new Map<string, Promise<Fetched>>();
    const fetchOnce = (name: string): Promise<Fetched> => {
      let pending = fetches.get(name);
      if (!pending) {
        pending = fetchRunArtifact(deps.forge, artifacts.get(name)!, {
          scratch,
          model: name,
          headSha: pr.headSha,
          limits: ctx.limits,
        }).then(
          (f): Fetched => ({ ok: true, dir: f.dir }),
          (e: unknown): Fetched => ({ ok: false, error: e instanceof Error ? e : new Error(String(e)) }),
        );
        fetches.set(name, pending);
      }
      return pending;
    };
    const source = await configFor(ctx, pr, artifacts, stamps, fetchOnce);
    if (source === null) return `#${pr.number}: no config`;
    const config = source.result;
    if (!config.ok) {
      await failConfig(ctx, pr.headSha, config);
      return `#${pr.number}: invalid config`;
    }
    const hash = configHash(source.text);
    for (const name of artifacts.keys())
      if (!config.config.models.some((m) => m.name === name))
        ctx.log.warn(`artifact ${artifactName(name)}: model not in .github/modelgate.yml; ignored`);
    // Fast path: the checks were started for this head with the config's stamp, so the affected
    // models and whether each one's gate rules changed are known without the file list or the base
    // config. Else (checks started before stamps existed, another config, models without a check)
    // they are worked out from the pull request's files and the base branch's config, as at start.
    const stamped =
      modelChecks.size > 0 &&
      [...modelChecks.keys()].every((m) => stamps.get(m)?.hash === hash) &&
      [...artifacts.keys()].every((m) => stamps.has(m) || !config.config.models.some((x) => x.name === m));
    let base: Promise<RepoConfig | null> | null = null;
    const baseConfig = () => {
      base ??= fullPr().then((p) => baseConfigOf(ctx, p.baseRef));
      return base;
    };
    let models: RepoModel[];
    let rulesChanged: (model: RepoModel) => boolean;
    if (stamped) {
      models = config.config.models.filter((m) => modelChecks.has(m.name) || artifacts.has(m.name));
      rulesChanged = (m) => stamps.get(m.name)?.rulesChanged ?? true;
    } else {
      const files = await deps.forge.listPullRequestFiles(pr.number);
      const previous = await baseConfig();
      models = [...affectedModels(config.config, files, previous)];
      for (const name of artifacts.keys()) {
        const m = config.config.models.find((x) => x.name === name);
        if (m && !models.includes(m)) models.push(m);
      }
      rulesChanged = (m) => gateRulesChanged(m, files, previous);
    }
    // Reviews and CODEOWNERS are read once, and only when a verdict needs approval.
    let sources: Promise<ApprovalSources> | null = null;
    const approval = () => {
      sources ??= Promise.all([fullPr(), baseConfig()]).then(([p, previous]) =>
        approvalSources(ctx, p, previous),
      );
      return sources;
    };
    // Another model's check still waiting may be written by another workflow run at the same
    // time: then the comment is read again after writing (see upsertModelSection).
    const graded = new Set(models.map((m) => m.name));
    const othersPending = [...modelChecks].some(([m, c]) => !graded.has(m) && c.status !== 'completed');
    let done = 0;
    for (const model of models) {
      ctx.deadline.check(`grading ${model.name}`);
      const existing = checks.get(checkName(model.name)) ?? null;
      const artifact = artifacts.get(model.name);
      if (!artifact) {
        if (!recognised) continue;
        // Another workflow run of the commit may have reported this model already.
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
          existing,
        );
        continue;
      }
      const fetched = await fetchOnce(model.name);
      if (!fetched.ok) {
        await failModelCheck(
          ctx,
          pr.headSha,
          model.name,
          'Invalid run artifact',
          `The run artifact could not be used:\n\n${escapeMarkdown(shorten(fetched.error.message, 3000))}`,
          run.html_url,
          existing,
        );
        continue;
      }
      const state = parseCheckState(existing?.text);
      const commandApprovals = state.headSha === pr.headSha ? state.commandApprovals : [];
      const changed = rulesChanged(model);
      try {
        await reportModel(ctx, {
          pr,
          config: config.config,
          model,
          dir: fetched.dir,
          sourceRunId: run.id,
          ...(run.html_url ? { runUrl: run.html_url } : {}),
          configChanged: changed,
          decision: async () =>
            decideApproval(ctx, await fullPr(), await approval(), model, commandApprovals),
          commandApprovals,
          configStamp: { headSha: pr.headSha, hash, rulesChanged: changed },
          existing,
          verifyComment: othersPending,
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
          existing,
        );
      }
    }
    return `#${pr.number}: ${done} of ${models.length} model(s) reported`;
  });
}

/** Completes the model checks still running on the commit as `timed_out`. */
async function timedOut(ctx: HandlerContext, headSha: string, why: string): Promise<void> {
  for (const { model, check } of await modelCheckRuns(ctx.deps.forge, headSha, ctx.deps.appId)) {
    if (check.status === 'completed') continue;
    await completeCheckRun(
      ctx.deps.forge,
      headSha,
      check.name,
      {
        conclusion: 'timed_out',
        title: 'Timed out',
        summary: `modelgate ${escapeMarkdown(why)}. Re-run the training workflow (or redeliver the webhook) to try again.`,
        externalId: model,
      },
      undefined,
      ctx.deps.appId,
    );
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
    const prs = await targetsOf(deps, run);
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
