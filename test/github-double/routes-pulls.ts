/**
 * Pull requests, their changed files and reviews, and the pull requests of a commit, on the GitHub
 * test double.
 */
import {
  intParam,
  listReply,
  notFound,
  type RouteContext,
  type RouteHandler,
  repoOf,
  unprocessable,
} from './http-kit.js';

function pullOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const pull = repo.pull(intParam(ctx, 'pull_number'));
  if (!pull) throw notFound();
  return { repo, pull };
}

const get: RouteHandler = (ctx) => {
  const { repo, pull } = pullOf(ctx);
  return { status: 200, json: ctx.render.pull(repo, pull) };
};

const list: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  const pulls = repo.pulls
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => !base || p.baseRef === base)
    .filter((p) => {
      if (!head) return true;
      const [owner, ref] = head.includes(':') ? head.split(':') : [undefined, head];
      return p.headRef === ref && (!owner || (p.headRepo ?? '').split('/')[0] === owner);
    })
    .sort((a, b) => b.number - a.number);
  return listReply(ctx, pulls, (p) => ctx.render.pullSimple(repo, p));
};

const listFiles: RouteHandler = (ctx) => {
  const { repo, pull } = pullOf(ctx);
  return listReply(ctx, pull.files.slice(0, 3000), (f) => ctx.render.pullFile(repo, pull, f));
};

const listReviews: RouteHandler = (ctx) => {
  const { repo, pull } = pullOf(ctx);
  const reviews = repo.reviews.filter((r) => r.pullNumber === pull.number).sort((a, b) => a.id - b.id);
  return listReply(ctx, reviews, (r) => ctx.render.review(repo, r));
};

const forCommit: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const sha = ctx.params.commit_sha ?? '';
  const commit = repo.resolveRef(sha);
  if (!commit) throw unprocessable(`No commit found for SHA: ${sha}`);
  const pulls = repo.pulls
    .filter((p) => (p.state === 'open' && p.headSha === commit) || (p.merged && p.mergeCommitSha === commit))
    .sort((a, b) => b.number - a.number);
  return listReply(ctx, pulls, (p) => ctx.render.pullSimple(repo, p));
};

/** Pull request routes by operation id. */
export const pullRoutes: Record<string, RouteHandler> = {
  'pulls/get': get,
  'pulls/list': list,
  'pulls/list-files': listFiles,
  'pulls/list-reviews': listReviews,
  'repos/list-pull-requests-associated-with-commit': forCommit,
};
