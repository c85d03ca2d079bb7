/**
 * Issues and issue comments on the GitHub test double. As on GitHub, pull requests are issues too:
 * they share the number sequence, appear in the issues list (with a `pull_request` key) and take comments.
 */
import {
  bodyString,
  intParam,
  listReply,
  notFound,
  type Reply,
  type RouteContext,
  type RouteHandler,
  repoOf,
  validationFailed,
} from './http-kit.js';
import type { IssueRecord, PullRecord, RepoState } from './state.js';

type IssueOrPull = { kind: 'issue'; record: IssueRecord } | { kind: 'pull'; record: PullRecord };

function findIssueOrPull(repo: RepoState, number: number): IssueOrPull | undefined {
  const issue = repo.issues.find((i) => i.number === number);
  if (issue) return { kind: 'issue', record: issue };
  const pull = repo.pull(number);
  return pull ? { kind: 'pull', record: pull } : undefined;
}

function renderEither(ctx: RouteContext, repo: RepoState, x: IssueOrPull): unknown {
  return x.kind === 'issue' ? ctx.render.issue(repo, x.record) : ctx.render.pullAsIssue(repo, x.record);
}

function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name ?? '')));
}

const listForRepo: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const state = ctx.query.get('state') ?? 'open';
  const wanted = (ctx.query.get('labels') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const since = ctx.query.get('since');
  const creator = ctx.query.get('creator');
  const all: IssueOrPull[] = [
    ...repo.issues.map((record) => ({ kind: 'issue' as const, record })),
    ...repo.pulls.map((record) => ({ kind: 'pull' as const, record })),
  ].filter(({ record }) => {
    if (state !== 'all' && record.state !== state) return false;
    if (wanted.some((l) => !record.labels.includes(l))) return false;
    if (since && record.updatedAt < since) return false;
    if (creator && record.user.toLowerCase() !== creator.toLowerCase()) return false;
    return true;
  });
  const sort = ctx.query.get('sort') ?? 'created';
  const direction = ctx.query.get('direction') ?? 'desc';
  const key = (x: IssueOrPull): string | number =>
    sort === 'updated'
      ? x.record.updatedAt
      : sort === 'comments'
        ? repo.comments.filter((c) => c.issueNumber === x.record.number).length
        : x.record.createdAt;
  all.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
    return (primary || a.record.number - b.record.number) * (direction === 'asc' ? 1 : -1);
  });
  return listReply(ctx, all, (x) => renderEither(ctx, repo, x));
};

const create: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const title = bodyString(ctx, 'title');
  if (!title) throw validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
  const now = ctx.state.now();
  const record: IssueRecord = {
    number: repo.takeNumber(),
    title,
    body: bodyString(ctx, 'body') ?? null,
    state: 'open',
    stateReason: null,
    labels: labelNames(ctx.body.labels) ?? [],
    user: ctx.actor,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  repo.issues.push(record);
  return { status: 201, json: ctx.render.issue(repo, record) };
};

const get: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const found = findIssueOrPull(repo, intParam(ctx, 'issue_number'));
  if (!found) throw notFound();
  return { status: 200, json: renderEither(ctx, repo, found) };
};

const update: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const found = findIssueOrPull(repo, intParam(ctx, 'issue_number'));
  if (!found) throw notFound();
  const record = found.record;
  const now = ctx.state.now();
  const title = bodyString(ctx, 'title');
  if (title !== undefined) record.title = title;
  if ('body' in ctx.body) record.body = bodyString(ctx, 'body') ?? null;
  const labels = labelNames(ctx.body.labels);
  if (labels) record.labels = labels;
  const state = bodyString(ctx, 'state');
  if ((state === 'open' || state === 'closed') && state !== record.state) {
    record.state = state;
    record.closedAt = state === 'closed' ? now : null;
    if (found.kind === 'issue') {
      const reason = bodyString(ctx, 'state_reason');
      found.record.stateReason =
        state === 'closed' ? (reason === 'not_planned' ? 'not_planned' : 'completed') : 'reopened';
    }
  }
  record.updatedAt = now;
  return { status: 200, json: renderEither(ctx, repo, found) };
};

const listComments: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const number = intParam(ctx, 'issue_number');
  if (!findIssueOrPull(repo, number)) throw notFound();
  const since = ctx.query.get('since');
  const comments = repo.comments
    .filter((c) => c.issueNumber === number && (!since || c.updatedAt >= since))
    .sort((a, b) => a.id - b.id);
  return listReply(ctx, comments, (c) => ctx.render.comment(repo, c));
};

const createComment: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const number = intParam(ctx, 'issue_number');
  const target = findIssueOrPull(repo, number);
  if (!target) throw notFound();
  const body = bodyString(ctx, 'body');
  if (body === undefined)
    throw validationFailed([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
  if (body.length > 65536) {
    throw validationFailed([
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 65536 characters)',
      },
    ]);
  }
  const now = ctx.state.now();
  const record = {
    id: ctx.state.nextId(),
    issueNumber: number,
    body,
    user: ctx.actor,
    createdAt: now,
    updatedAt: now,
  };
  repo.comments.push(record);
  target.record.updatedAt = now;
  return { status: 201, json: ctx.render.comment(repo, record) };
};

function commentOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'comment_id');
  const comment = repo.comments.find((c) => c.id === id);
  if (!comment) throw notFound();
  return { repo, comment };
}

const getComment: RouteHandler = (ctx) => {
  const { repo, comment } = commentOf(ctx);
  return { status: 200, json: ctx.render.comment(repo, comment) };
};

const updateComment: RouteHandler = (ctx): Reply => {
  const { repo, comment } = commentOf(ctx);
  const body = bodyString(ctx, 'body');
  if (body === undefined)
    throw validationFailed([{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
  if (body.length > 65536) {
    throw validationFailed([
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: 'body is too long (maximum is 65536 characters)',
      },
    ]);
  }
  comment.body = body;
  comment.updatedAt = ctx.state.now();
  return { status: 200, json: ctx.render.comment(repo, comment) };
};

const deleteComment: RouteHandler = (ctx) => {
  const { repo, comment } = commentOf(ctx);
  repo.comments.splice(repo.comments.indexOf(comment), 1);
  return { status: 204 };
};

/** Issue routes by operation id. */
export const issueRoutes: Record<string, RouteHandler> = {
  'issues/list-for-repo': listForRepo,
  'issues/create': create,
  'issues/get': get,
  'issues/update': update,
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
  'issues/get-comment': getComment,
  'issues/update-comment': updateComment,
  'issues/delete-comment': deleteComment,
};
