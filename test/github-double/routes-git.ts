/**
 * The git database on the GitHub test double: matching refs, one ref, creating refs (atomic: of two
 * concurrent creations of one name, one wins and the other gets `Reference already exists`), and
 * annotated tag objects.
 */
import {
  bodyString,
  notFound,
  type RouteHandler,
  repoOf,
  unprocessable,
  validationFailed,
} from './http-kit.js';
import type { RefRecord, TagObjectRecord } from './state.js';

const listMatching: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const prefix = `refs/${ctx.params.ref ?? ''}`;
  const refs = [...repo.refs.values()]
    .filter((r) => r.ref.startsWith(prefix))
    .sort((a, b) => (a.ref < b.ref ? -1 : 1));
  return { status: 200, json: refs.map((r) => ctx.render.ref(repo, r)) };
};

const getRef: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const ref = repo.refs.get(`refs/${ctx.params.ref ?? ''}`);
  if (!ref) throw notFound();
  return { status: 200, json: ctx.render.ref(repo, ref) };
};

const createRef: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const name = bodyString(ctx, 'ref') ?? '';
  const sha = bodyString(ctx, 'sha') ?? '';
  if (!name.startsWith('refs/') || name.split('/').length < 3) {
    throw unprocessable(`Reference name must start with 'refs/' and have at least two slashes.`);
  }
  if (!repo.commits.has(sha) && !repo.tagObjects.has(sha)) throw unprocessable('Object does not exist');
  if (repo.refs.has(name)) throw unprocessable('Reference already exists');
  const record: RefRecord = { ref: name, sha, type: repo.tagObjects.has(sha) ? 'tag' : 'commit' };
  repo.refs.set(name, record);
  return {
    status: 201,
    json: ctx.render.ref(repo, record),
    headers: { location: ctx.render.ref(repo, record).url as string },
  };
};

const getTag: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const tag = repo.tagObjects.get(ctx.params.tag_sha ?? '');
  if (!tag) throw notFound();
  return { status: 200, json: ctx.render.tagObject(repo, tag) };
};

const createTag: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const object = bodyString(ctx, 'object') ?? '';
  const type = (bodyString(ctx, 'type') ?? 'commit') as TagObjectRecord['objectType'];
  const tag = bodyString(ctx, 'tag');
  const message = bodyString(ctx, 'message');
  const missing = [
    ...(tag === undefined ? ['tag'] : []),
    ...(message === undefined ? ['message'] : []),
    ...(object === '' ? ['object'] : []),
  ];
  if (missing.length > 0) {
    throw validationFailed(missing.map((field) => ({ resource: 'Tag', code: 'missing_field', field })));
  }
  if (type === 'commit' && !repo.commits.has(object)) throw unprocessable('Object does not exist');
  const tagger = ctx.body.tagger as { name?: string; email?: string; date?: string } | undefined;
  const record = repo.createTagObject({
    tag: tag ?? '',
    message: message ?? '',
    objectSha: object,
    objectType: type,
    ...(tagger?.name && tagger.email
      ? { tagger: { name: tagger.name, email: tagger.email, date: tagger.date ?? ctx.state.now() } }
      : {}),
  });
  return { status: 201, json: ctx.render.tagObject(repo, record) };
};

/** Git database routes by operation id. */
export const gitRoutes: Record<string, RouteHandler> = {
  'git/list-matching-refs': listMatching,
  'git/get-ref': getRef,
  'git/create-ref': createRef,
  'git/get-tag': getTag,
  'git/create-tag': createTag,
};
