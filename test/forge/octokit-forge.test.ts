/**
 * OctokitForge over a real HTTP server that records every request, laid out like GitHub Enterprise
 * Server (`/api/v3` for the API, `/api/uploads` for release assets): methods, paths, queries,
 * headers and bodies, binary upload and download through 302 redirects, error mapping, pagination.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiUrlFromEnv, createOctokit, OctokitConfigError } from '../../src/forge/create-octokit.js';
import { ForgeConflictError, ForgeError, ForgeNotFoundError } from '../../src/forge/forge.js';
import { nextPageUrl, OctokitForge } from '../../src/forge/octokit-forge.js';
import { type FakeGitHub, type Recorded, startFakeGitHub } from './fake-github.js';

const R = '/api/v3/repos/acme/models';
let fake: FakeGitHub;
let warnings: string[];

function forge(options: { maxRetries?: number } = {}): OctokitForge {
  const octokit = createOctokit({
    token: 'secret-token',
    baseUrl: `${fake.origin}/api/v3`,
    pace: false,
    retryAfterBaseValue: 1,
    log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: () => {} },
    ...options,
  });
  return new OctokitForge(octokit, { owner: 'acme', repo: 'models' });
}

interface CheckBody {
  [key: string]: unknown;
  output: { title?: string; summary?: string; annotations: { message: string }[] };
}

function only(method: string, path: string): Recorded[] {
  return fake.requests.filter((r) => r.method === method && r.path === path);
}

function releaseJson(id: number, tag: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    tag_name: tag,
    name: tag,
    body: null,
    draft: false,
    prerelease: false,
    created_at: `2026-01-0${id}T00:00:00Z`,
    upload_url: `${fake.origin}/api/uploads/repos/acme/models/releases/${id}/assets{?name,label}`,
    html_url: `${fake.origin}/acme/models/releases/tag/${tag}`,
    assets: [],
    ...extra,
  };
}

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  warnings = [];
});
warnings = [];

describe('issues and comments', () => {
  it('finds a marker across pages, newest update first, skipping pull requests, stopping at the match', async () => {
    fake.route(`GET ${R}/issues`, (req) => {
      const page = Number(req.query.page ?? 1);
      const next = `${fake.origin}${R}/issues?state=all&sort=updated&direction=desc&per_page=100&page=${page + 1}`;
      const items =
        page === 1
          ? [
              { number: 9, title: 'pr', body: 'x <!-- m -->', state: 'open', labels: [], pull_request: {} },
              { number: 8, title: 'other', body: null, state: 'open', labels: [] },
            ]
          : page === 2
            ? [
                {
                  number: 3,
                  title: 'drift',
                  body: 'y <!-- m -->',
                  state: 'closed',
                  labels: [{ name: 'drift' }],
                },
              ]
            : [];
      return { json: items, headers: page < 3 ? { link: `<${next}>; rel="next"` } : {} };
    });
    const issue = await forge().findIssueByMarker('<!-- m -->');
    expect(issue).toEqual({
      number: 3,
      title: 'drift',
      body: 'y <!-- m -->',
      state: 'closed',
      labels: ['drift'],
    });
    const reqs = only('GET', `${R}/issues`);
    expect(reqs).toHaveLength(2);
    expect(reqs[0]!.query).toEqual({ state: 'all', sort: 'updated', direction: 'desc', per_page: '100' });
    expect(reqs[0]!.headers.authorization).toBe('token secret-token');
    expect(String(reqs[0]!.headers['user-agent'])).toMatch(/^modelgate/);
    expect(await forge().findIssueByMarker('<!-- absent -->')).toBeNull();
    expect(only('GET', `${R}/issues`)).toHaveLength(5);
  });

  it('stops scanning after issueScanLimit issues', async () => {
    fake.route(`GET ${R}/issues`, (req) => ({
      json: [{ number: 1, title: 't', body: 'nothing', state: 'open', labels: [] }],
      headers: { link: `<${fake.origin}${R}/issues?page=${Number(req.query.page ?? 1) + 1}>; rel="next"` },
    }));
    const octokit = createOctokit({ token: 't', baseUrl: `${fake.origin}/api/v3`, pace: false });
    const limited = new OctokitForge(octokit, { owner: 'acme', repo: 'models' }, { issueScanLimit: 5 });
    expect(await limited.findIssueByMarker('<!-- m -->')).toBeNull();
    expect(only('GET', `${R}/issues`)).toHaveLength(6);
  });

  it('creates and updates issues and comments with the right bodies', async () => {
    fake.route(`POST ${R}/issues`, (req) => ({
      status: 201,
      json: { number: 5, state: 'open', ...(req.json as object), labels: [{ name: 'drift' }] },
    }));
    fake.route(`PATCH ${R}/issues/:n`, (_req, p) => ({
      json: { number: Number(p.n), title: 't', body: 'b', state: 'closed', labels: ['drift'] },
    }));
    fake.route(`POST ${R}/issues/:n/comments`, (req) => ({
      status: 201,
      json: { id: 77, body: (req.json as { body: string }).body, user: { login: 'modelgate[bot]' } },
    }));
    fake.route(`PATCH ${R}/issues/comments/:id`, (req, p) => ({
      json: {
        id: Number(p.id),
        body: (req.json as { body: string }).body,
        user: { login: 'modelgate[bot]' },
      },
    }));
    const f = forge();
    const issue = await f.createIssue({ title: 'Drift', body: 'text', labels: ['drift'] });
    expect(issue).toMatchObject({ number: 5, title: 'Drift', labels: ['drift'] });
    expect(only('POST', `${R}/issues`)[0]!.json).toEqual({ title: 'Drift', body: 'text', labels: ['drift'] });
    await f.updateIssue(5, { state: 'closed' });
    expect(only('PATCH', `${R}/issues/5`)[0]!.json).toEqual({ state: 'closed' });
    expect(await f.createIssueComment(5, 'hello')).toEqual({ id: 77, body: 'hello', user: 'modelgate[bot]' });
    await f.addIssueComment(5, 'again');
    expect(only('POST', `${R}/issues/5/comments`).map((r) => r.json)).toEqual([
      { body: 'hello' },
      { body: 'again' },
    ]);
    expect(await f.updateIssueComment(77, 'new')).toEqual({ id: 77, body: 'new', user: 'modelgate[bot]' });
  });

  it('lists comments over Link-header pages', async () => {
    fake.route(`GET ${R}/issues/:n/comments`, (req) => {
      const page = Number(req.query.page ?? 1);
      const comments = Array.from({ length: page === 1 ? 100 : 3 }, (_, i) => ({
        id: (page - 1) * 100 + i + 1,
        body: `c${i}`,
        user: { login: 'u' },
      }));
      const link =
        page === 1
          ? `<${fake.origin}${R}/issues/4/comments?per_page=100&page=2>; rel="next", <${fake.origin}${R}/issues/4/comments?per_page=100&page=2>; rel="last"`
          : `<${fake.origin}${R}/issues/4/comments?per_page=100&page=1>; rel="prev"`;
      return { json: comments, headers: { link } };
    });
    const comments = await forge().listIssueComments(4);
    expect(comments).toHaveLength(103);
    expect(comments.at(-1)).toEqual({ id: 103, body: 'c2', user: 'u' });
    expect(only('GET', `${R}/issues/4/comments`).map((r) => r.query.page)).toEqual([undefined, '2']);
  });
});

describe('content, people, pull requests', () => {
  it('reads a file at a ref (base64, UTF-8), null when missing, refuses traversal', async () => {
    fake.route(`GET ${R}/contents/.github/:name`, (_req, p) =>
      p.name === 'modelgate.yml'
        ? { json: { type: 'file', encoding: 'base64', content: Buffer.from('név: ü\n').toString('base64') } }
        : { status: 404, json: { message: 'Not Found' } },
    );
    fake.route(`GET ${R}/contents/models/:dir/:file`, () => ({
      json: { type: 'file', encoding: 'base64', content: Buffer.from('ok').toString('base64') },
    }));
    const f = forge();
    expect(await f.getFile('.github/modelgate.yml', 'main')).toBe('név: ü\n');
    expect(only('GET', `${R}/contents/.github/modelgate.yml`)[0]!.query).toEqual({ ref: 'main' });
    expect(await f.getFile('.github/missing.yml', 'main')).toBeNull();
    expect(await f.getFile('models/my model/model.yml', 'abc123')).toBe('ok');
    expect(fake.requests.at(-1)!.path).toBe(`${R}/contents/models/my%20model/model.yml`);
    await expect(f.getFile('../secrets', 'main')).rejects.toBeInstanceOf(ForgeError);
  });

  it('reads permissions (role name first, none on 404) and active team membership', async () => {
    fake.route(`GET ${R}/collaborators/:u/permission`, (_req, p) =>
      p.u === 'alice'
        ? { json: { permission: 'write', role_name: 'maintain', user: { login: 'alice' } } }
        : p.u === 'carol'
          ? { json: { permission: 'read', role_name: 'custom-auditor' } }
          : { status: 404, json: { message: 'Not Found' } },
    );
    fake.route('GET /api/v3/orgs/:org/teams/:slug/memberships/:u', (_req, p) =>
      p.u === 'bob'
        ? { json: { state: 'active', role: 'member' } }
        : p.u === 'dave'
          ? { json: { state: 'pending', role: 'member' } }
          : { status: 404, json: { message: 'Not Found' } },
    );
    const f = forge();
    expect(await f.getPermission('alice')).toBe('maintain');
    expect(await f.getPermission('carol')).toBe('read');
    expect(await f.getPermission('mallory')).toBe('none');
    expect(await f.isTeamMember('acme', 'ml-owners', 'bob')).toBe(true);
    expect(await f.isTeamMember('acme', 'ml-owners', 'dave')).toBe(false);
    expect(await f.isTeamMember('acme', 'ml-owners', 'eve')).toBe(false);
    expect(fake.requests.at(-1)!.path).toBe('/api/v3/orgs/acme/teams/ml-owners/memberships/eve');
    expect(fake.requests.at(-1)!.query).toEqual({});
  });

  it('maps pull requests, files, reviews and the pull requests of a commit', async () => {
    const pr = (n: number, extra: Record<string, unknown> = {}) => ({
      number: n,
      title: `PR ${n}`,
      state: 'open',
      merged_at: null,
      merge_commit_sha: null,
      user: { login: 'octo' },
      head: { sha: 'h1', ref: 'feature', repo: { full_name: 'fork/models' } },
      base: { ref: 'main' },
      labels: [{ name: 'model' }],
      html_url: 'https://example.test/pr',
      ...extra,
    });
    fake.route(`GET ${R}/pulls/:n`, (_req, p) =>
      p.n === '7' ? { json: { ...pr(7), merged: false } } : { status: 404, json: { message: 'Not Found' } },
    );
    fake.route(`GET ${R}/pulls/:n/files`, () => ({
      json: [
        { filename: 'models/risk/model.yml' },
        { filename: 'src/new.py', previous_filename: 'src/old.py' },
      ],
    }));
    fake.route(`GET ${R}/pulls/:n/reviews`, () => ({
      json: [
        {
          id: 1,
          user: { login: 'alice' },
          state: 'APPROVED',
          commit_id: 'h1',
          submitted_at: '2026-01-01T00:00:00Z',
        },
        { id: 2, user: null, state: 'PENDING', commit_id: 'h1' },
      ],
    }));
    fake.route(`GET ${R}/commits/:sha/pulls`, () => ({
      json: [
        pr(7),
        pr(8, { head: { sha: 'older', ref: 'x', repo: null } }),
        pr(6, { state: 'closed', merged_at: '2026-01-01T00:00:00Z', merge_commit_sha: 'h1' }),
      ],
    }));
    const f = forge();
    expect(await f.getPullRequest(7)).toEqual({
      number: 7,
      title: 'PR 7',
      state: 'open',
      merged: false,
      mergeCommitSha: null,
      user: 'octo',
      headSha: 'h1',
      headRef: 'feature',
      headRepo: 'fork/models',
      baseRef: 'main',
      labels: ['model'],
      url: 'https://example.test/pr',
    });
    await expect(f.getPullRequest(99)).rejects.toBeInstanceOf(ForgeNotFoundError);
    await expect(f.getPullRequest(99)).rejects.toThrow(`GET /repos/acme/models/pulls/99: HTTP 404 Not Found`);
    expect(await f.listPullRequestFiles(7)).toEqual(['models/risk/model.yml', 'src/new.py']);
    expect(only('GET', `${R}/pulls/7/files`)[0]!.query).toEqual({ per_page: '100' });
    expect(await f.listReviews(7)).toEqual([
      { id: 1, user: 'alice', state: 'APPROVED', commitId: 'h1', submittedAt: '2026-01-01T00:00:00Z' },
      { id: 2, user: '', state: 'PENDING', commitId: 'h1', submittedAt: null },
    ]);
    expect((await f.pullRequestsForCommit('h1')).map((p) => [p.number, p.merged])).toEqual([
      [7, false],
      [6, true],
    ]);
  });
});

describe('check runs', () => {
  it('sends annotations 50 at a time and lists all runs of a name newest first', async () => {
    let output: Record<string, unknown> = {};
    fake.route(`POST ${R}/check-runs`, (req) => {
      const body = req.json as Record<string, unknown>;
      output = body.output as Record<string, unknown>;
      return {
        status: 201,
        json: {
          id: 11,
          name: body.name,
          head_sha: body.head_sha,
          status: body.status,
          conclusion: body.conclusion ?? null,
          output,
        },
      };
    });
    fake.route(`PATCH ${R}/check-runs/:id`, (req, p) => {
      const body = req.json as Record<string, unknown>;
      if (body.output) output = { ...output, ...(body.output as object) };
      return {
        json: {
          id: Number(p.id),
          name: 'modelgate/risk',
          head_sha: 's',
          status: body.status ?? 'completed',
          conclusion: body.conclusion ?? 'failure',
          output,
          external_id: 'risk',
        },
      };
    });
    fake.route(`GET ${R}/commits/:ref/check-runs`, () => ({
      json: {
        total_count: 3,
        check_runs: [
          {
            id: 4,
            name: 'modelgate/risk',
            head_sha: 's',
            status: 'completed',
            conclusion: 'success',
            output: { title: 'a', summary: 'b' },
          },
          {
            id: 9,
            name: 'modelgate/risk',
            head_sha: 's',
            status: 'in_progress',
            conclusion: null,
            output: { title: 'c', summary: null },
          },
        ],
      },
    }));
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: 'models/risk/model.yml',
      startLine: i + 1,
      endLine: i + 1,
      level: 'warning' as const,
      message: `m${i}`,
    }));
    const f = forge();
    const run = await f.createCheckRun({
      name: 'modelgate/risk',
      headSha: 's',
      status: 'completed',
      conclusion: 'failure',
      title: 'Gate failed',
      summary: 'auc dropped',
      externalId: 'risk',
      detailsUrl: 'https://example.test/run',
      annotations,
    });
    expect(run.id).toBe(11);
    const post = only('POST', `${R}/check-runs`)[0]!.json as CheckBody;
    expect(post).toMatchObject({
      name: 'modelgate/risk',
      head_sha: 's',
      status: 'completed',
      conclusion: 'failure',
      external_id: 'risk',
      details_url: 'https://example.test/run',
    });
    expect(post.output.annotations).toHaveLength(50);
    expect(post.output.annotations[0]).toEqual({
      path: 'models/risk/model.yml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning',
      message: 'm0',
    });
    const patches = only('PATCH', `${R}/check-runs/11`).map((r) => (r.json as CheckBody).output);
    expect(patches.map((o) => o.annotations.length)).toEqual([50, 20]);
    expect(patches[1]).toMatchObject({ title: 'Gate failed', summary: 'auc dropped' });
    expect(patches[1]!.annotations[19]!.message).toBe('m119');

    fake.requests.length = 0;
    await f.updateCheckRun(11, { title: 'Approved' });
    const updates = only('PATCH', `${R}/check-runs/11`).map((r) => r.json as CheckBody);
    expect(updates.at(-1)!.output).toEqual({ title: 'Approved', summary: 'auc dropped' });

    const runs = await f.listCheckRuns('s', 'modelgate/risk');
    expect(runs.map((r) => r.id)).toEqual([9, 4]);
    expect(runs[0]).toMatchObject({ status: 'in_progress', conclusion: null, summary: '' });
    expect(only('GET', `${R}/commits/s/check-runs`)[0]!.query).toEqual({
      check_name: 'modelgate/risk',
      filter: 'all',
      per_page: '100',
    });
  });
});

describe('tags and releases', () => {
  it('lists tags by prefix peeling annotated ones, and creates annotated tags', async () => {
    fake.route(`GET ${R}/git/matching-refs/tags/:prefix`, (_req, p) => ({
      json:
        p.prefix === 'risk@v'
          ? [
              { ref: 'refs/tags/risk@v1.0.0', object: { type: 'commit', sha: 'c1' } },
              { ref: 'refs/tags/risk@v1.1.0', object: { type: 'tag', sha: 't2' } },
            ]
          : [],
    }));
    fake.route(`GET ${R}/git/tags/:sha`, (_req, p) => ({
      json: { sha: p.sha, object: { type: 'commit', sha: 'c2' } },
    }));
    fake.route(`POST ${R}/git/tags`, () => ({
      status: 201,
      json: { sha: 'newtag', object: { sha: 'c3', type: 'commit' } },
    }));
    fake.route(`POST ${R}/git/refs`, (req) =>
      (req.json as { ref: string }).ref === 'refs/tags/risk@v1.1.0'
        ? { status: 422, json: { message: 'Reference already exists', documentation_url: 'x' } }
        : { status: 201, json: { ref: (req.json as { ref: string }).ref } },
    );
    const f = forge();
    expect(await f.listTags('risk@v')).toEqual([
      { name: 'risk@v1.0.0', sha: 'c1' },
      { name: 'risk@v1.1.0', sha: 'c2' },
    ]);
    expect(fake.requests[0]!.path).toBe(`${R}/git/matching-refs/tags/risk%40v`);
    expect(fake.requests[0]!.query).toEqual({});
    await f.listTags('risk@v');
    expect(only('GET', `${R}/git/tags/t2`)).toHaveLength(1);

    expect(await f.createTag('risk@v1.2.0', 'c3', 'Release risk 1.2.0')).toEqual({
      name: 'risk@v1.2.0',
      sha: 'c3',
    });
    expect(only('POST', `${R}/git/tags`)[0]!.json).toEqual({
      tag: 'risk@v1.2.0',
      message: 'Release risk 1.2.0',
      object: 'c3',
      type: 'commit',
    });
    expect(only('POST', `${R}/git/refs`)[0]!.json).toEqual({ ref: 'refs/tags/risk@v1.2.0', sha: 'newtag' });
    const dup = f.createTag('risk@v1.1.0', 'c3', 'again');
    await expect(dup).rejects.toBeInstanceOf(ForgeConflictError);
    await expect(dup).rejects.toThrow(
      /POST \/repos\/acme\/models\/git\/refs: HTTP 422 Reference already exists/,
    );
  });

  it('creates releases only for existing tags without one, finds drafts, updates', async () => {
    const releases = [releaseJson(1, 'risk@v1.0.0'), releaseJson(2, 'risk@v1.1.0', { draft: true })];
    fake.route(`GET ${R}/git/matching-refs/tags/:prefix`, (_req, p) => ({
      json: ['risk@v1.0.0', 'risk@v1.1.0', 'risk@v1.2.0', 'risk@v1.2.0-rc']
        .filter((t) => t.startsWith(p.prefix!))
        .map((t) => ({ ref: `refs/tags/${t}`, object: { type: 'commit', sha: 'c' } })),
    }));
    fake.route(`GET ${R}/releases/tags/:tag`, (_req, p) => {
      const r = releases.find((x) => x.tag_name === p.tag && !x.draft);
      return r ? { json: r } : { status: 404, json: { message: 'Not Found' } };
    });
    fake.route(`GET ${R}/releases`, () => ({ json: releases }));
    fake.route(`POST ${R}/releases`, (req) => {
      const body = req.json as { tag_name: string; draft: boolean };
      const r = releaseJson(3, body.tag_name, { draft: body.draft });
      releases.push(r);
      return { status: 201, json: r };
    });
    fake.route(`PATCH ${R}/releases/:id`, (req, p) => ({
      json: { ...releaseJson(Number(p.id), 'risk@v1.1.0'), ...(req.json as object) },
    }));
    const f = forge();
    expect((await f.getReleaseByTag('risk@v1.1.0'))?.id).toBe(2);
    expect(await f.getReleaseByTag('risk@v9.9.9')).toBeNull();
    expect((await f.listReleases()).map((r) => r.id)).toEqual([2, 1]);
    const missing = f.createRelease({ tag: 'risk@v2.0.0', name: 'n', body: 'b' });
    await expect(missing).rejects.toMatchObject({ status: 422 });
    await expect(missing).rejects.not.toBeInstanceOf(ForgeConflictError);
    await expect(f.createRelease({ tag: 'risk@v1.1.0', name: 'n', body: 'b' })).rejects.toBeInstanceOf(
      ForgeConflictError,
    );
    expect(only('POST', `${R}/releases`)).toHaveLength(0);
    const created = await f.createRelease({
      tag: 'risk@v1.2.0',
      name: 'risk 1.2.0',
      body: 'notes',
      draft: true,
    });
    expect(created).toMatchObject({ id: 3, tag: 'risk@v1.2.0', draft: true, body: '' });
    expect(only('POST', `${R}/releases`)[0]!.json).toEqual({
      tag_name: 'risk@v1.2.0',
      name: 'risk 1.2.0',
      body: 'notes',
      draft: true,
      prerelease: false,
      make_latest: 'false',
    });
    const published = await f.updateRelease(3, { draft: false, body: 'final' });
    expect(only('PATCH', `${R}/releases/3`)[0]!.json).toEqual({ draft: false, body: 'final' });
    expect(published).toMatchObject({ draft: false, body: 'final' });
  });

  it('uploads raw bytes to the upload URL and downloads them through a redirect', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 80, 75]);
    const stored = new Map<string, Buffer>();
    fake.route('POST /api/uploads/repos/acme/models/releases/:id/assets', (req) => {
      const name = req.query.name!;
      if (stored.has(name))
        return {
          status: 422,
          json: {
            message: 'Validation Failed',
            errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
          },
        };
      stored.set(name, req.body);
      return {
        status: 201,
        json: {
          id: 500 + stored.size,
          name,
          size: req.body.length,
          content_type: req.headers['content-type'],
        },
      };
    });
    fake.route(`GET ${R}/releases/assets/:id`, (req) =>
      req.headers.accept === 'application/octet-stream'
        ? { status: 302, headers: { location: `${fake.origin}/storage/blob-1?sig=abc` } }
        : { json: { id: 501, name: 'model.zip', size: bytes.length } },
    );
    fake.route('GET /storage/blob-1', () => ({
      body: stored.get('model.zip')!,
      headers: { 'content-type': 'application/json' },
    }));
    fake.route(`DELETE ${R}/releases/assets/:id`, () => ({ status: 204 }));
    const f = forge();
    const release = { ...releaseJson(1, 'risk@v1.0.0') } as const;
    const target = {
      id: 1,
      tag: 'risk@v1.0.0',
      name: '',
      body: '',
      draft: true,
      prerelease: false,
      createdAt: '',
      uploadUrl: release.upload_url,
      assets: [],
    };
    const asset = await f.uploadReleaseAsset(target, 'model.zip', new Uint8Array(bytes), 'application/zip');
    expect(asset).toEqual({ id: 501, name: 'model.zip', size: 10, contentType: 'application/zip' });
    const upload = fake.requests.find((r) => r.path.startsWith('/api/uploads/'))!;
    expect(upload.path).toBe('/api/uploads/repos/acme/models/releases/1/assets');
    expect(upload.query).toEqual({ name: 'model.zip' });
    expect(upload.headers['content-type']).toBe('application/zip');
    expect(upload.headers['content-length']).toBe('10');
    expect(upload.body.equals(bytes)).toBe(true);
    await expect(
      f.uploadReleaseAsset(target, 'model.zip', new Uint8Array(bytes), 'application/zip'),
    ).rejects.toBeInstanceOf(ForgeConflictError);
    await f.uploadReleaseAsset(target, 'model card.md', new TextEncoder().encode('# card'), 'text/markdown');
    expect(fake.requests.at(-1)!.query).toEqual({ name: 'model card.md' });

    const down = await f.downloadReleaseAsset(501, 10);
    expect(Buffer.from(down).equals(bytes)).toBe(true);
    const get = only('GET', `${R}/releases/assets/501`).at(-1)!;
    expect(get.headers.accept).toBe('application/octet-stream');
    expect(only('GET', '/storage/blob-1').at(-1)!.query).toEqual({ sig: 'abc' });

    fake.requests.length = 0;
    await expect(f.downloadReleaseAsset(501, 9)).rejects.toThrow(/10 bytes, more than the limit of 9/);
    expect(fake.requests).toHaveLength(0); // the listed size was enough to refuse
    await f.deleteReleaseAsset(501);
    expect(only('DELETE', `${R}/releases/assets/501`)).toHaveLength(1);
    // Size unknown now: the content-length of the answer stops it.
    await expect(f.downloadReleaseAsset(501, 9)).rejects.toThrow(/more than the limit of 9/);
  });
});

describe('artifacts and workflow runs', () => {
  it('lists artifacts and runs, downloads a zip through a redirect, enforces maxBytes on a stream', async () => {
    const zip = Buffer.alloc(3000, 7);
    fake.route(`GET ${R}/actions/runs/:id/artifacts`, () => ({
      json: {
        total_count: 1,
        artifacts: [{ id: 42, name: 'modelgate-run-risk', size_in_bytes: 3000, expired: false }],
      },
    }));
    fake.route(`GET ${R}/actions/artifacts/:id/zip`, (_req, p) => ({
      status: 302,
      headers: { location: `${fake.origin}/blobs/${p.id}.zip` },
    }));
    fake.route('GET /blobs/:file', () => ({
      body: zip,
      chunked: true,
      headers: { 'content-type': 'application/zip' },
    }));
    fake.route(`GET ${R}/actions/runs`, () => ({
      json: {
        total_count: 2,
        workflow_runs: [
          { id: 1, name: 'PR', conclusion: 'failure', created_at: '2026-01-01T00:00:00Z' },
          { id: 2, name: 'PR', conclusion: null, created_at: '2026-01-02T00:00:00Z' },
        ],
      },
    }));
    const f = forge();
    expect(await f.listWorkflowRunsForCommit('abc')).toEqual([
      { id: 2, name: 'PR', conclusion: null },
      { id: 1, name: 'PR', conclusion: 'failure' },
    ]);
    expect(only('GET', `${R}/actions/runs`)[0]!.query).toEqual({ head_sha: 'abc', per_page: '100' });
    // Not listed yet, no content-length: the stream is cut at the limit.
    await expect(f.downloadArtifact(43, 1000)).rejects.toThrow(
      /artifact 43 \(at least\) is \d+ bytes, more than the limit of 1000/,
    );
    expect(await f.listRunArtifacts(2)).toEqual([
      { id: 42, name: 'modelgate-run-risk', size: 3000, expired: false },
    ]);
    const got = await f.downloadArtifact(42, 3000);
    expect(Buffer.from(got).equals(zip)).toBe(true);
    fake.requests.length = 0;
    await expect(f.downloadArtifact(42, 2999)).rejects.toThrow(/3000 bytes/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('dispatch and deployments', () => {
  it('dispatches workflows and records deployments with statuses', async () => {
    fake.route(`POST ${R}/actions/workflows/:wf/dispatches`, () => ({ status: 204 }));
    fake.route(`POST ${R}/deployments`, (req) => ({
      status: 201,
      json: { id: 31, ...(req.json as object) },
    }));
    fake.route(`POST ${R}/deployments/:id/statuses`, () => ({ status: 201, json: { id: 1 } }));
    const f = forge();
    await f.dispatchWorkflow({ workflow: 'retrain.yml', ref: 'main', inputs: { model: 'risk' } });
    expect(only('POST', `${R}/actions/workflows/retrain.yml/dispatches`)[0]!.json).toEqual({
      ref: 'main',
      inputs: { model: 'risk' },
    });
    const d = await f.createDeployment({
      ref: 'risk@v1.0.0',
      environment: 'production',
      description: 'deploy',
      payload: { model: 'risk' },
      production: true,
    });
    expect(d).toEqual({
      id: 31,
      ref: 'risk@v1.0.0',
      environment: 'production',
      description: 'deploy',
      payload: { model: 'risk' },
    });
    expect(only('POST', `${R}/deployments`)[0]!.json).toMatchObject({
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
      transient_environment: false,
    });
    await f.createDeploymentStatus(31, {
      state: 'success',
      description: 'x'.repeat(300),
      environmentUrl: 'https://m.example',
    });
    const status = only('POST', `${R}/deployments/31/statuses`)[0]!.json as Record<string, string>;
    expect(status.description).toHaveLength(140);
    expect(status).toMatchObject({ state: 'success', environment_url: 'https://m.example' });
  });
});

describe('errors, retries and rate limits', () => {
  it('retries server errors up to maxRetries, then names the endpoint and status', async () => {
    fake.route(`GET ${R}/pulls/:n`, () => ({ status: 502, json: { message: 'Bad Gateway' } }));
    const err = await forge({ maxRetries: 2 })
      .getPullRequest(1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err).toMatchObject({ status: 502 });
    expect((err as Error).message).toContain('GET /repos/acme/models/pulls/1: HTTP 502 Bad Gateway');
    expect(only('GET', `${R}/pulls/1`)).toHaveLength(3);
  });

  it('does not retry client errors, and maps 422 without already_exists to a plain ForgeError', async () => {
    fake.route(`POST ${R}/issues`, () => ({
      status: 422,
      json: {
        message: 'Validation Failed',
        errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }],
      },
    }));
    const err = await forge()
      .createIssue({ title: '', body: '', labels: [] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect(err).not.toBeInstanceOf(ForgeConflictError);
    expect((err as Error).message).toMatch(/HTTP 422 Validation Failed \(Issue title missing_field\)/);
    expect(only('POST', `${R}/issues`)).toHaveLength(1);
  });

  it('waits out primary and secondary rate limits and retries, logging each wait', async () => {
    let calls = 0;
    fake.route(`GET ${R}/pulls/:n/files`, () => {
      calls++;
      if (calls === 1)
        return {
          status: 429,
          headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0' },
          json: { message: 'API rate limit exceeded' },
        };
      if (calls === 2)
        return {
          status: 403,
          headers: { 'retry-after': '1' },
          json: { message: 'You have exceeded a secondary rate limit.' },
        };
      return { json: [{ filename: 'a' }] };
    });
    expect(await forge().listPullRequestFiles(3)).toEqual(['a']);
    expect(calls).toBe(3);
    expect(warnings.some((w) => /primary rate limit.*retrying/.test(w))).toBe(true);
    expect(warnings.some((w) => /secondary rate limit.*retrying/.test(w))).toBe(true);
  });

  it('gives up after maxRetries rate-limited answers', async () => {
    fake.route(`GET ${R}/pulls/:n/reviews`, () => ({
      status: 403,
      headers: { 'retry-after': '1' },
      json: { message: 'You have exceeded a secondary rate limit' },
    }));
    await expect(forge({ maxRetries: 1 }).listReviews(3)).rejects.toMatchObject({ status: 403 });
    expect(only('GET', `${R}/pulls/3/reviews`)).toHaveLength(2);
    expect(warnings.at(-1)).toMatch(/giving up/);
  });
});

describe('createOctokit and apiUrlFromEnv', () => {
  it('takes the API URL from GITHUB_API_URL, without a trailing slash, and refuses junk', () => {
    expect(apiUrlFromEnv({})).toBe('https://api.github.com');
    expect(apiUrlFromEnv({ GITHUB_API_URL: ' https://ghes.example/api/v3/ ' })).toBe(
      'https://ghes.example/api/v3',
    );
    expect(() => apiUrlFromEnv({ GITHUB_API_URL: 'file:///etc/passwd' })).toThrow(/GITHUB_API_URL/);
    expect(() => createOctokit({ token: ' ' })).toThrow(OctokitConfigError);
    expect(() => createOctokit({ token: 't', baseUrl: 'nope' })).toThrow(/baseUrl/);
  });

  it('reads Link headers', () => {
    expect(nextPageUrl('<https://x/a?page=2>; rel="next", <https://x/a?page=5>; rel="last"')).toBe(
      'https://x/a?page=2',
    );
    expect(nextPageUrl('<https://x/a?page=1>; rel="prev"')).toBeNull();
    expect(nextPageUrl(undefined)).toBeNull();
  });
});
