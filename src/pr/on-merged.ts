/**
 * `pull_request` closed with `merged: true`: for each affected model whose check on the head commit
 * is green (a pass, or an approved `needs-approval`), release its run (`releaseRun`: next version,
 * annotated tag on the merge commit, release with the assets; the approver recorded), create the
 * Deployment and schedule drift monitoring:
 *
 * - `deploy.url` configured and an admin token given: the deploy flow rolls the version out to the
 *   last of `deploy.environments` (canary when `deploy.canary` > 0), mirrored in a Deployment;
 * - `deploy.url` configured without a token: a Deployment in that environment with status `queued`
 *   (the deploy action or a person rolls it out);
 * - no `deploy.url`: a Deployment in the `release` environment with statuses `queued` then
 *   `success`, describing the release (nothing is served by the App);
 * - `drift` configured: the drift workflow (`modelgate-drift.yml`) is dispatched on the base branch
 *   with inputs `model` and `version`, so monitoring of the new version starts at once (its
 *   schedule keeps it going).
 *
 * A model whose check is not green (an admin merged past the gate) is not released; the record
 * comment says why. Idempotent: the release is found again by its run (`releaseRun`), and a sticky
 * record comment `<!-- modelgate:released:<model> -->` on the pull request marks the deployment and
 * dispatch as done, so a redelivery does neither twice.
 */
import type { RepoModel } from '../config/repo-config.js';
import { upsertStickyComment } from '../forge/sticky-comment.js';
import { versionTag } from '../registry/semver.js';
import { releaseRun } from '../release/release-run.js';
import { codeSpan, escapeMarkdown, MARKER_PREFIX, markerName, shorten } from '../report/escape.js';
import { deployVersion } from '../serve/deploy-flow.js';
import { affectedModels } from './affected-models.js';
import {
  type AppDeps,
  configAt,
  type HandlerContext,
  type HandlerResult,
  ignored,
  runHandler,
  trustedOf,
  validConfigAt,
  withScratch,
  workflowsOf,
} from './app-deps.js';
import { checkName, findCheckRun, modelCheckRuns, parseCheckState } from './check-runs.js';
import { PullRequestEventSchema, parsePayload } from './events.js';
import { fetchRunArtifact, findArtifactForCommit } from './pr-artifacts.js';

/** The marker of the record comment of a model's release from a pull request. */
export function releasedMarker(model: string): string {
  return `${MARKER_PREFIX}released:${markerName(model)} -->`;
}

interface MergedPr {
  number: number;
  headSha: string;
  mergeSha: string;
  baseRef: string;
  labels: string[];
}

async function recordExists(ctx: HandlerContext, prNumber: number, model: string): Promise<boolean> {
  const trusted = trustedOf(ctx.deps);
  return (await ctx.deps.forge.listIssueComments(prNumber)).some(
    (c) => trusted(c.user) && c.body.includes(releasedMarker(model)),
  );
}

async function record(ctx: HandlerContext, prNumber: number, model: string, lines: string[]): Promise<void> {
  const body = `${releasedMarker(model)}\n${lines.join('\n')}`;
  const r = await upsertStickyComment(ctx.deps.forge, prNumber, releasedMarker(model), body, {
    trustedAuthor: trustedOf(ctx.deps),
  });
  ctx.actions.push(`comment ${r.id}: release record ${model}`);
}

async function deploy(
  ctx: HandlerContext,
  model: RepoModel,
  version: string,
  releaseUrl: string | undefined,
): Promise<string> {
  const { forge } = ctx.deps;
  const tag = versionTag(model.name, version);
  const settings = model.deploy;
  if (settings?.url) {
    const environment = settings.environments.at(-1) ?? 'production';
    if (ctx.deps.adminToken) {
      const outcome = await (ctx.deps.deploy ?? deployVersion)({
        forge,
        admin: { url: settings.url, token: ctx.deps.adminToken },
        model: model.name,
        version,
        environment,
        ...(settings.canary > 0 ? { canary: settings.canary } : {}),
      });
      ctx.actions.push(`deployment ${outcome.deploymentId}: ${outcome.state}`);
      return outcome.state === 'success'
        ? `Deployed to ${codeSpan(environment)}${settings.canary > 0 ? ` as a ${settings.canary}% canary` : ''} (deployment ${outcome.deploymentId}).`
        : `Deployment to ${codeSpan(environment)} failed: ${escapeMarkdown(shorten(outcome.error ?? outcome.state, 300))}.`;
    }
    const d = await forge.createDeployment({
      ref: tag,
      environment,
      description: `${tag}: waiting to be rolled out`,
      payload: { model: model.name, version, release: releaseUrl ?? null },
      production: environment === 'production',
    });
    await forge.createDeploymentStatus(d.id, {
      state: 'queued',
      description: 'released; the App has no admin token, so the deploy action rolls it out',
    });
    ctx.actions.push(`deployment ${d.id}: queued`);
    return `Deployment ${d.id} to ${codeSpan(environment)} is queued (the App has no admin token for the server).`;
  }
  const d = await forge.createDeployment({
    ref: tag,
    environment: 'release',
    description: `${tag} released`,
    payload: { model: model.name, version, release: releaseUrl ?? null },
  });
  await forge.createDeploymentStatus(d.id, { state: 'queued', description: `${tag}: publishing` });
  await forge.createDeploymentStatus(d.id, {
    state: 'success',
    description: `${tag} released (no deploy.url configured: not served by the App)`,
    ...(releaseUrl ? { logUrl: releaseUrl } : {}),
  });
  ctx.actions.push(`deployment ${d.id}: success (release record)`);
  return `Deployment ${d.id} records the release (no \`deploy.url\` configured).`;
}

async function releaseModel(ctx: HandlerContext, pr: MergedPr, model: RepoModel): Promise<string> {
  const { deps } = ctx;
  const check = await findCheckRun(deps.forge, pr.headSha, checkName(model.name), deps.appId);
  const state = parseCheckState(check?.text);
  if (check?.conclusion !== 'success' || state.headSha !== pr.headSha) {
    const why = !check
      ? 'no modelgate check ran on the merged head commit'
      : `its check was ${check.conclusion ?? check.status}, not green`;
    await record(ctx, pr.number, model.name, [
      `### ⛔ ${codeSpan(model.name)} was not released`,
      '',
      `This pull request was merged, but ${why}. Release it by re-running the release workflow once the gate passes.`,
    ]);
    return `${model.name}: not released (${why})`;
  }
  ctx.deadline.check(`the release of ${model.name}`);
  const located = await findArtifactForCommit(deps.forge, pr.headSha, model.name, state.sourceRunId);
  if (!located) {
    await record(ctx, pr.number, model.name, [
      `### ⛔ ${codeSpan(model.name)} was not released`,
      '',
      'The run artifact of the merged head commit is gone (expired or deleted). Re-run the release workflow.',
    ]);
    return `${model.name}: not released (no artifact)`;
  }
  const alreadyRecorded = await recordExists(ctx, pr.number, model.name);
  return withScratch(deps, async (scratch) => {
    const fetched = await fetchRunArtifact(deps.forge, located.artifact, {
      scratch,
      model: model.name,
      headSha: pr.headSha,
      limits: ctx.limits,
    });
    const outcome = await (deps.release ?? releaseRun)({
      forge: deps.forge,
      runDir: fetched.dir,
      model: model.name,
      sha: pr.mergeSha,
      labels: pr.labels,
      ...(state.approver ? { approver: state.approver } : {}),
      notes: `Merged in pull request #${pr.number}.`,
      configBump: model.bump,
      ...(deps.now ? { now: deps.now } : {}),
      log: (line) => ctx.log.info(line),
    });
    ctx.actions.push(`release ${outcome.tag}: ${outcome.created ? 'created' : 'existing'}`);
    if (!outcome.created && alreadyRecorded) return `${model.name}: ${outcome.tag} (already released)`;
    const lines = [
      `### 🚀 ${codeSpan(model.name)} released as ${codeSpan(outcome.tag)}`,
      '',
      `Tagged on ${codeSpan(pr.mergeSha.slice(0, 12))}${state.approver ? `, approved by ${codeSpan(state.approver)}` : ''}.`,
    ];
    lines.push(await deploy(ctx, model, outcome.version, outcome.release.htmlUrl));
    if (model.drift) {
      const workflow = workflowsOf(deps).drift;
      await deps.forge.dispatchWorkflow({
        workflow,
        ref: pr.baseRef,
        inputs: { model: model.name, version: outcome.version },
      });
      ctx.actions.push(`dispatch ${workflow}`);
      lines.push(`Drift monitoring started (${codeSpan(workflow)}).`);
    }
    await record(ctx, pr.number, model.name, lines);
    return `${model.name}: ${outcome.tag}`;
  });
}

/** Handles `pull_request` closed with `merged: true` (see the module comment). Never throws. */
export function onMerged(deps: AppDeps, event: unknown): Promise<HandlerResult> {
  return runHandler('pull_request.closed', deps, async (ctx) => {
    const payload = parsePayload(PullRequestEventSchema, event, 'pull_request');
    if (payload.action !== 'closed' || payload.pull_request.merged !== true) return ignored('not a merge');
    const p = await deps.forge.getPullRequest(payload.pull_request.number);
    const mergeSha = p.mergeCommitSha ?? payload.pull_request.merge_commit_sha ?? null;
    if (!p.merged || !mergeSha) return ignored(`#${p.number}: not merged`);
    const config = await configAt(deps, mergeSha);
    if (config === null) return ignored('no .github/modelgate.yml');
    if (!config.ok) return { handled: true, summary: `#${p.number}: invalid config; nothing released` };
    // The models gated on the merged head commit, and any other the change affects (compared with
    // the config at the base commit the pull request was last compared with).
    const baseSha = payload.pull_request.base.sha;
    const previous = baseSha && deps.configText === undefined ? await validConfigAt(deps, baseSha) : null;
    const affected = affectedModels(config.config, await deps.forge.listPullRequestFiles(p.number), previous);
    const gated = new Set((await modelCheckRuns(deps.forge, p.headSha, deps.appId)).map((c) => c.model));
    const models = config.config.models.filter((m) => gated.has(m.name) || affected.includes(m));
    if (models.length === 0) return ignored(`#${p.number}: no model affected`);
    const pr: MergedPr = {
      number: p.number,
      headSha: p.headSha,
      mergeSha,
      baseRef: p.baseRef,
      labels: p.labels,
    };
    const lines: string[] = [];
    const errors: string[] = [];
    for (const model of models) {
      try {
        lines.push(await releaseModel(ctx, pr, model));
      } catch (e) {
        const message = `${model.name}: ${(e as Error).message}`;
        ctx.log.error(`release of ${message}`);
        errors.push(message);
        lines.push(`${model.name}: failed`);
      }
    }
    return {
      handled: true,
      summary: `#${p.number}: ${lines.join('; ')}`,
      ...(errors.length > 0 ? { error: errors.join('\n') } : {}),
    };
  });
}
