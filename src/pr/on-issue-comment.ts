/**
 * `issue_comment` created: `/modelgate` commands (see `slash-command.ts`) from people with write
 * access. `retrain` works on pull requests (the pull request's branch; not for forks) and on issues
 * (a drift issue names its model and version; otherwise the command names the model); `compare`
 * and `approve` only on pull requests. `approve` follows the review rules (not the author, write
 * access, listed approvers / code owners, head SHA). Anyone else gets a polite reply and nothing
 * happens. Every command gets one reply carrying `<!-- modelgate:reply:<comment id> -->`, which also
 * makes a redelivered command a no-op. Comments by bots are ignored.
 */
import type { RepoConfig, RepoModel } from '../config/repo-config.js';
import { escapeMarkdown, MARKER_PREFIX, shorten } from '../report/escape.js';
import { affectedModels } from './affected-models.js';
import {
  type AppDeps,
  type HandlerContext,
  type HandlerResult,
  ignored,
  runHandler,
  trustedOf,
  validConfigAt,
  withScratch,
  workflowsOf,
} from './app-deps.js';
import { WRITE_PERMISSIONS } from './approval.js';
import { modelCheckRuns, parseCheckState } from './check-runs.js';
import { type IssueCommentEvent, IssueCommentEventSchema, parsePayload } from './events.js';
import { approvalSources, baseConfigOf, decideApproval, type PrInfo, prInfoOf } from './model-gate.js';
import { refreshApprovals } from './on-review.js';
import { fetchRunArtifact, findArtifactForCommit } from './pr-artifacts.js';
import { reportPullRequest } from './report-pull-request.js';
import { parseSlashCommand, SLASH_HELP, type SlashCommand } from './slash-command.js';

/** The marker of modelgate's reply to comment `commentId`. */
export function replyMarker(commentId: number): string {
  return `${MARKER_PREFIX}reply:${commentId} -->`;
}

/** The model and version named by a drift issue's marker, or null. */
export function driftMarkerOf(body: string | null): { model: string; version: string } | null {
  const m = /<!-- modelgate:drift:([a-z0-9._-]{1,64})@([a-z0-9._-]{1,64}) -->/.exec(body ?? '');
  return m ? { model: m[1]!, version: m[2]! } : null;
}

interface CommandContext extends HandlerContext {
  payload: IssueCommentEvent;
  user: string;
  reply(text: string): Promise<void>;
}

function mention(user: string): string {
  return escapeMarkdown(`@${user}`);
}

function pickModels(
  config: RepoConfig,
  wanted: string | undefined,
  fallback: RepoModel[],
): { models: RepoModel[]; error?: string } {
  if (wanted) {
    const m = config.models.find((x) => x.name === wanted);
    return m
      ? { models: [m] }
      : { models: [], error: `there is no model ${escapeMarkdown(wanted)} in \`.github/modelgate.yml\`` };
  }
  return { models: fallback };
}

async function prInfo(deps: AppDeps, number: number): Promise<PrInfo & { open: boolean }> {
  const p = await deps.forge.getPullRequest(number);
  return { ...prInfoOf(p), open: p.state === 'open' };
}

async function retrain(ctx: CommandContext, command: Extract<SlashCommand, { name: 'retrain' }>) {
  const { deps, payload } = ctx;
  const workflow = workflowsOf(deps).retrain;
  const defaultBranch = payload.repository.default_branch ?? deps.defaultBranch ?? 'main';
  const dispatched: string[] = [];
  if (payload.issue.pull_request) {
    const p = await deps.forge.getPullRequest(payload.issue.number);
    if (p.headRepo !== payload.repository.full_name) {
      await ctx.reply(
        'This pull request comes from a fork; modelgate cannot start workflows on its branch. Push the branch to this repository to retrain it.',
      );
      return 'fork';
    }
    const config = await validConfigAt(deps, p.headSha);
    if (!config) {
      await ctx.reply(
        '`.github/modelgate.yml` is missing or invalid on the head commit; nothing to retrain.',
      );
      return 'no config';
    }
    const files = await deps.forge.listPullRequestFiles(p.number);
    const base = await baseConfigOf(ctx, p.baseRef);
    const { models, error } = pickModels(config, command.model, affectedModels(config, files, base));
    if (error || models.length === 0) {
      await ctx.reply(
        error
          ? `Sorry, ${error}.`
          : 'This pull request changes no model; name one: `/modelgate retrain <model>`.',
      );
      return 'no model';
    }
    for (const m of models) {
      await deps.forge.dispatchWorkflow({
        workflow,
        ref: p.headRef,
        inputs: { model: m.name, version: '', reason: 'command' },
      });
      ctx.actions.push(`dispatch ${workflow} ${m.name}`);
      dispatched.push(m.name);
    }
  } else {
    const drift = driftMarkerOf(payload.issue.body);
    const model = command.model ?? drift?.model;
    if (!model) {
      await ctx.reply('Name the model to retrain: `/modelgate retrain <model>`.');
      return 'no model';
    }
    const config = await validConfigAt(deps, defaultBranch);
    if (config && !config.models.some((m) => m.name === model)) {
      await ctx.reply(`Sorry, there is no model ${escapeMarkdown(model)} in \`.github/modelgate.yml\`.`);
      return 'unknown model';
    }
    const version = drift && drift.model === model ? drift.version : '';
    await deps.forge.dispatchWorkflow({
      workflow,
      ref: defaultBranch,
      inputs: { model, version, reason: 'command' },
    });
    ctx.actions.push(`dispatch ${workflow} ${model}`);
    dispatched.push(model);
  }
  await ctx.reply(
    `Started retraining of ${dispatched.map((m) => `\`${m}\``).join(', ')} (\`${workflow}\`), as asked by ${mention(ctx.user)}.`,
  );
  return `retrain ${dispatched.join(',')}`;
}

async function compare(ctx: CommandContext, command: Extract<SlashCommand, { name: 'compare' }>) {
  const { deps, payload } = ctx;
  if (!command.version) {
    await ctx.reply(
      'Name the release to compare with: `/modelgate compare <version> [model]`, e.g. `/modelgate compare risk@v1.2.0`.',
    );
    return 'no version';
  }
  const pr = await prInfo(deps, payload.issue.number);
  const config = await validConfigAt(deps, pr.headSha);
  if (!config) {
    await ctx.reply('`.github/modelgate.yml` is missing or invalid on the head commit.');
    return 'no config';
  }
  const files = await deps.forge.listPullRequestFiles(pr.number);
  const base = await baseConfigOf(ctx, pr.baseRef);
  const { models, error } = pickModels(config, command.model, affectedModels(config, files, base));
  if (error || models.length !== 1) {
    await ctx.reply(
      error ? `Sorry, ${error}.` : 'Name the model to compare: `/modelgate compare <model>@v<version>`.',
    );
    return 'no model';
  }
  const model = models[0]!;
  const version = command.version;
  if (!(await deps.registry.get(model.name, version))) {
    await ctx.reply(`There is no release ${escapeMarkdown(`${model.name}@v${version}`)}.`);
    return 'unknown version';
  }
  const located = await findArtifactForCommit(deps.forge, pr.headSha, model.name);
  if (!located) {
    await ctx.reply(
      `There is no run artifact of ${escapeMarkdown(model.name)} for the head commit ${pr.headSha.slice(0, 7)} yet; try again when training has finished.`,
    );
    return 'no artifact';
  }
  const section = `compare-${model.name}-v${version}`;
  await withScratch(deps, async (scratch) => {
    const fetched = await fetchRunArtifact(deps.forge, located.artifact, {
      scratch,
      model: model.name,
      headSha: pr.headSha,
      limits: ctx.limits,
    });
    ctx.deadline.check('the comparison');
    const { commentId } = await reportPullRequest({
      forge: deps.forge,
      registry: deps.registry,
      config,
      prNumber: pr.number,
      headSha: pr.headSha,
      runs: [{ model: model.name, dir: fetched.dir }],
      baselineVersions: { [model.name]: version },
      sectionNames: { [model.name]: section },
      preambles: {
        [model.name]: `> Comparison with ${escapeMarkdown(`${model.name}@v${version}`)} asked for by ${mention(ctx.user)} (head commit ${pr.headSha.slice(0, 7)}); the gate and its check use the latest release.`,
      },
      labels: pr.labels,
      resamples: ctx.limits.resamples,
      comment: { trustedAuthor: trustedOf(deps) },
    });
    ctx.actions.push(`comment ${commentId}: section ${section}`);
  });
  await ctx.reply(
    `Posted the comparison of ${escapeMarkdown(model.name)} with ${escapeMarkdown(`v${version}`)} in the modelgate report comment.`,
  );
  return `compare ${model.name}@v${version}`;
}

async function approve(ctx: CommandContext, command: Extract<SlashCommand, { name: 'approve' }>) {
  const { deps, payload } = ctx;
  const pr = await prInfo(deps, payload.issue.number);
  if (!pr.open) {
    await ctx.reply('This pull request is closed; there is nothing to approve.');
    return 'closed';
  }
  const config = await validConfigAt(deps, pr.headSha);
  const waiting = (await modelCheckRuns(deps.forge, pr.headSha, deps.appId)).filter((c) => {
    const s = parseCheckState(c.check.text);
    return (
      s.verdict === 'needs-approval' &&
      s.headSha === pr.headSha &&
      (!command.model || c.model === command.model)
    );
  });
  if (!config || waiting.length === 0) {
    await ctx.reply(
      `Nothing${command.model ? ` of ${escapeMarkdown(command.model)}` : ''} needs approval on the head commit ${pr.headSha.slice(0, 7)}.`,
    );
    return 'nothing to approve';
  }
  const sources = await approvalSources(ctx, pr, await baseConfigOf(ctx, pr.baseRef));
  const allowed: string[] = [];
  const refused: string[] = [];
  for (const { model: name } of waiting) {
    const model = config.models.find((m) => m.name === name);
    if (!model) continue;
    // The commenter alone, as if they had approved the head commit.
    const decision = await decideApproval(ctx, pr, { ...sources, reviews: [] }, model, [
      { user: ctx.user, headSha: pr.headSha },
    ]);
    if (decision.approved) allowed.push(name);
    else
      refused.push(
        `${escapeMarkdown(name)}: ${escapeMarkdown(shorten(decision.rejected[0]?.reason ?? 'not allowed to approve', 200))}`,
      );
  }
  if (allowed.length === 0) {
    await ctx.reply(
      `Sorry ${mention(ctx.user)}, your approval does not count here:\n\n- ${refused.join('\n- ')}`,
    );
    return 'refused';
  }
  await refreshApprovals(ctx, pr.number, { commandApproval: ctx.user, models: allowed });
  const more = refused.length > 0 ? `\n\nNot approved:\n\n- ${refused.join('\n- ')}` : '';
  await ctx.reply(
    `Approved ${allowed.map((m) => `\`${m}\``).join(', ')} for the head commit ${pr.headSha.slice(0, 7)} on behalf of ${mention(ctx.user)}. A new push needs a new approval.${more}`,
  );
  return `approve ${allowed.join(',')}`;
}

/** Handles `issue_comment` created (see the module comment). Never throws. */
export function onIssueComment(deps: AppDeps, event: unknown): Promise<HandlerResult> {
  return runHandler('issue_comment', deps, async (base) => {
    const payload = parsePayload(IssueCommentEventSchema, event, 'issue_comment');
    if (payload.action !== 'created') return ignored(`action ${payload.action} ignored`);
    const command = parseSlashCommand(payload.comment.body);
    if (!command) return ignored('not a command');
    const user = payload.comment.user.login;
    if (payload.comment.user.type === 'Bot' || user.endsWith('[bot]')) return ignored('comment by a bot');
    const number = payload.issue.number;
    const marker = replyMarker(payload.comment.id);
    const trusted = trustedOf(deps);
    const comments = await deps.forge.listIssueComments(number);
    if (comments.some((c) => trusted(c.user) && c.body.includes(marker)))
      return ignored(`comment ${payload.comment.id} was handled already`);
    const ctx: CommandContext = {
      ...base,
      payload,
      user,
      reply: async (text) => {
        const r = await deps.forge.createIssueComment(number, `${marker}\n${text}`);
        base.actions.push(`reply ${r.id}`);
      },
    };
    const permission = await deps.forge.getPermission(user);
    if (!WRITE_PERMISSIONS.includes(permission)) {
      await ctx.reply(
        `Thanks ${mention(user)}! modelgate commands can only be run by people with write access to this repository, so nothing was done.`,
      );
      return {
        handled: true,
        summary: `${user} (${permission}) not authorised for /modelgate ${command.name}`,
      };
    }
    if (command.name === 'help') {
      const head = command.unknown ? `Unknown command ${escapeMarkdown(command.unknown)}.\n\n` : '';
      await ctx.reply(`${head}${SLASH_HELP}`);
      return { handled: true, summary: 'help' };
    }
    if (command.name !== 'retrain' && !payload.issue.pull_request) {
      await ctx.reply(`\`/modelgate ${command.name}\` works on pull requests only.`);
      return { handled: true, summary: `${command.name} on an issue refused` };
    }
    const summary =
      command.name === 'retrain'
        ? await retrain(ctx, command)
        : command.name === 'compare'
          ? await compare(ctx, command)
          : await approve(ctx, command);
    return { handled: true, summary: `#${number}: ${summary}` };
  });
}
