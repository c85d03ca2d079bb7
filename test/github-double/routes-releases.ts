/**
 * Releases and release assets on the GitHub test double, with GitHub's behaviour: one release per tag
 * (422 `already_exists` on `tag_name`), a published release creates its missing tag at
 * `target_commitish`, get-by-tag sees published releases only, uploads go to the release's `upload_url`
 * (422 `already_exists` on a taken asset name), and asset downloads answer 302 to the bytes.
 */
import {
  bodyBool,
  bodyString,
  intParam,
  listReply,
  notFound,
  type RouteContext,
  type RouteHandler,
  repoOf,
  validationFailed,
} from './http-kit.js';
import type { AssetRecord, ReleaseRecord, RepoState } from './state.js';

function makeLatest(ctx: RouteContext): ReleaseRecord['makeLatest'] | undefined {
  const value = bodyString(ctx, 'make_latest');
  return value === 'true' || value === 'false' || value === 'legacy' ? value : undefined;
}

/** Creates the tag of a release being published when it does not exist yet (as GitHub does). */
function ensureTag(repo: RepoState, release: ReleaseRecord): void {
  if (repo.refs.has(`refs/tags/${release.tagName}`)) return;
  const sha = repo.resolveRef(release.targetCommitish);
  if (!sha) {
    throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  }
  repo.refs.set(`refs/tags/${release.tagName}`, { ref: `refs/tags/${release.tagName}`, sha, type: 'commit' });
}

function assertTagFree(repo: RepoState, tag: string, except?: number): void {
  if (repo.releases.some((r) => r.tagName === tag && r.id !== except)) {
    throw validationFailed([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
  }
}

function newestFirst(a: ReleaseRecord, b: ReleaseRecord): number {
  return a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1;
}

const list: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  return listReply(ctx, [...repo.releases].sort(newestFirst), (r) => ctx.render.release(repo, r));
};

const getByTag: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const release = repo.releases.find((r) => r.tagName === ctx.params.tag && !r.draft);
  if (!release) throw notFound();
  return { status: 200, json: ctx.render.release(repo, release) };
};

function releaseOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'release_id');
  const release = repo.releases.find((r) => r.id === id);
  if (!release) throw notFound();
  return { repo, release };
}

const get: RouteHandler = (ctx) => {
  const { repo, release } = releaseOf(ctx);
  return { status: 200, json: ctx.render.release(repo, release) };
};

const getLatest: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const latest = [...repo.releases]
    .filter((r) => !r.draft && !r.prerelease && r.makeLatest !== 'false')
    .sort(newestFirst)[0];
  if (!latest) throw notFound();
  return { status: 200, json: ctx.render.release(repo, latest) };
};

const create: RouteHandler = (ctx) => {
  const repo = repoOf(ctx);
  const tagName = bodyString(ctx, 'tag_name') ?? '';
  if (!tagName) throw validationFailed([{ resource: 'Release', code: 'missing_field', field: 'tag_name' }]);
  assertTagFree(repo, tagName);
  const draft = bodyBool(ctx, 'draft') ?? false;
  const now = ctx.state.now();
  const record: ReleaseRecord = {
    id: ctx.state.nextId(),
    tagName,
    targetCommitish: bodyString(ctx, 'target_commitish') ?? repo.defaultBranch,
    name: bodyString(ctx, 'name') ?? null,
    body: bodyString(ctx, 'body') ?? null,
    draft,
    prerelease: bodyBool(ctx, 'prerelease') ?? false,
    makeLatest: makeLatest(ctx) ?? 'true',
    author: ctx.actor,
    createdAt: now,
    publishedAt: draft ? null : now,
  };
  if (!draft) ensureTag(repo, record);
  else if (!repo.refs.has(`refs/tags/${tagName}`) && !repo.resolveRef(record.targetCommitish)) {
    throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  }
  repo.releases.push(record);
  return { status: 201, json: ctx.render.release(repo, record) };
};

const update: RouteHandler = (ctx) => {
  const { repo, release } = releaseOf(ctx);
  const next: ReleaseRecord = { ...release };
  const tagName = bodyString(ctx, 'tag_name');
  if (tagName !== undefined && tagName !== release.tagName) {
    assertTagFree(repo, tagName, release.id);
    next.tagName = tagName;
  }
  const target = bodyString(ctx, 'target_commitish');
  if (target !== undefined) next.targetCommitish = target;
  if ('name' in ctx.body) next.name = bodyString(ctx, 'name') ?? null;
  if ('body' in ctx.body) next.body = bodyString(ctx, 'body') ?? null;
  const prerelease = bodyBool(ctx, 'prerelease');
  if (prerelease !== undefined) next.prerelease = prerelease;
  next.makeLatest = makeLatest(ctx) ?? next.makeLatest;
  const draft = bodyBool(ctx, 'draft');
  if (draft !== undefined) next.draft = draft;
  if (!next.draft) {
    ensureTag(repo, next);
    next.publishedAt = release.publishedAt ?? ctx.state.now();
  }
  Object.assign(release, next);
  return { status: 200, json: ctx.render.release(repo, release) };
};

const remove: RouteHandler = (ctx) => {
  const { repo, release } = releaseOf(ctx);
  repo.releases.splice(repo.releases.indexOf(release), 1);
  for (const asset of repo.assets.filter((a) => a.releaseId === release.id)) {
    repo.assets.splice(repo.assets.indexOf(asset), 1);
  }
  return { status: 204 };
};

const listAssets: RouteHandler = (ctx) => {
  const { repo, release } = releaseOf(ctx);
  const assets = repo.assets.filter((a) => a.releaseId === release.id);
  return listReply(ctx, assets, (a) => ctx.render.asset(repo, a));
};

const upload: RouteHandler = (ctx) => {
  const { repo, release } = releaseOf(ctx);
  const name = ctx.query.get('name') ?? '';
  if (!name) throw validationFailed([{ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' }]);
  const contentType = String(ctx.headers['content-type'] ?? '');
  if (!contentType) {
    throw validationFailed([{ resource: 'ReleaseAsset', code: 'missing_field', field: 'content_type' }]);
  }
  if (repo.assets.some((a) => a.releaseId === release.id && a.name === name)) {
    throw validationFailed([{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
  }
  const now = ctx.state.now();
  const record: AssetRecord = {
    id: ctx.state.nextId(),
    releaseId: release.id,
    name,
    label: ctx.query.get('label') ?? '',
    contentType,
    data: new Uint8Array(ctx.raw),
    uploader: ctx.actor,
    createdAt: now,
    updatedAt: now,
    downloadCount: 0,
  };
  repo.assets.push(record);
  return { status: 201, json: ctx.render.asset(repo, record) };
};

function assetOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const id = intParam(ctx, 'asset_id');
  const asset = repo.assets.find((a) => a.id === id);
  if (!asset) throw notFound();
  return { repo, asset };
}

const getAsset: RouteHandler = (ctx) => {
  const { repo, asset } = assetOf(ctx);
  if (String(ctx.headers.accept ?? '').includes('application/octet-stream')) {
    asset.downloadCount += 1;
    return { status: 302, headers: { location: `${ctx.urls.origin}/_blobs/asset-${asset.id}` } };
  }
  return { status: 200, json: ctx.render.asset(repo, asset) };
};

const deleteAsset: RouteHandler = (ctx) => {
  const { repo, asset } = assetOf(ctx);
  repo.assets.splice(repo.assets.indexOf(asset), 1);
  return { status: 204 };
};

/** Release routes by operation id. */
export const releaseRoutes: Record<string, RouteHandler> = {
  'repos/list-releases': list,
  'repos/get-release-by-tag': getByTag,
  'repos/get-release': get,
  'repos/get-latest-release': getLatest,
  'repos/create-release': create,
  'repos/update-release': update,
  'repos/delete-release': remove,
  'repos/list-release-assets': listAssets,
  'repos/upload-release-asset': upload,
  'repos/get-release-asset': getAsset,
  'repos/delete-release-asset': deleteAsset,
};
