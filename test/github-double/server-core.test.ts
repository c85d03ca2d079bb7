import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { clientFor, failure } from './clients.js';
import { type GitHubDouble, ROUTES, startGitHubDouble } from './server.js';

let double: GitHubDouble;

beforeEach(async () => {
  double = await startGitHubDouble();
  double.state.addRepo({ owner: 'acme', repo: 'models' });
});

afterEach(async () => {
  await double.close();
});

const repo = { owner: 'acme', repo: 'models' };

/** The REST endpoints of the forge contract (the brief's list), as `METHOD template`. */
const CONTRACT = [
  'GET /repos/{owner}/{repo}/issues',
  'POST /repos/{owner}/{repo}/issues',
  'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
  'POST /repos/{owner}/{repo}/deployments',
  'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  'GET /repos/{owner}/{repo}/contents/{path}',
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
  'POST /repos/{owner}/{repo}/check-runs',
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
  'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
  'GET /repos/{owner}/{repo}/git/tags/{tag_sha}',
  'POST /repos/{owner}/{repo}/git/tags',
  'POST /repos/{owner}/{repo}/git/refs',
  'GET /repos/{owner}/{repo}/releases',
  'GET /repos/{owner}/{repo}/releases/tags/{tag}',
  'POST /repos/{owner}/{repo}/releases',
  'PATCH /repos/{owner}/{repo}/releases/{release_id}',
  'POST /repos/{owner}/{repo}/releases/{release_id}/assets',
  'DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}',
  'GET /repos/{owner}/{repo}/releases/assets/{asset_id}',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
  'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
  'GET /repos/{owner}/{repo}/actions/runs',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /repos/{owner}/{repo}/installation',
];

describe('coverage', () => {
  test('every endpoint of the forge contract is a spec operation the double serves', () => {
    for (const endpoint of CONTRACT) {
      const [method = '', template = ''] = endpoint.split(' ');
      const example = template.replace(/\{[^}]+\}/g, '1');
      const match = double.spec.match(method, example);
      expect(match?.operation.template, endpoint).toBe(template);
      expect(ROUTES[match?.operation.operationId ?? ''], endpoint).toBeTypeOf('function');
    }
  });

  test('every served route is an operation of the spec', () => {
    for (const operationId of Object.keys(ROUTES)) {
      expect(double.spec.operation(operationId), operationId).toBeDefined();
    }
  });
});

describe('protocol', () => {
  test('requests need a token: 401 with GitHub’s error body', async () => {
    const response = await fetch(`${double.url}/repos/acme/models/issues`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Requires authentication', status: '401' });
    double.assertClean();
  });

  test('an unknown route is a 404 and a violation; assertClean lists it', async () => {
    const octokit = clientFor(double);
    const { status, data } = await failure(octokit.request('GET /repos/{owner}/{repo}/modelz', repo));
    expect(status).toBe(404);
    expect(data.message).toBe('Not Found');
    expect(double.violations).toMatchObject([{ kind: 'unknown-route', path: '/repos/acme/models/modelz' }]);
    expect(() => double.assertClean()).toThrow(/1 OpenAPI violation.*\n.*GET \/repos\/acme\/models\/modelz/);
  });

  test('a schema-invalid body is a 422 and a violation naming the operation and field', async () => {
    double.state.addCommit('c'.repeat(40));
    const octokit = clientFor(double);
    const { status } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'x',
        head_sha: 'c'.repeat(40),
        status: 'bogus' as 'queued',
      }),
    );
    expect(status).toBe(422);
    expect(double.violations).toMatchObject([
      { kind: 'body', operationId: 'checks/create', pointer: '/status' },
    ]);
    expect(double.state.repo().checkRuns).toHaveLength(0);
  });

  test('a valid operation the double does not serve is a 501 and a violation', async () => {
    const octokit = clientFor(double);
    const { status } = await failure(octokit.request('GET /repos/{owner}/{repo}/branches', repo));
    expect(status).toBe(501);
    expect(double.violations).toMatchObject([{ kind: 'unserved-route', operationId: 'repos/list-branches' }]);
  });

  test('requests are recorded with operation, status, body and actor', async () => {
    double.state.addToken('alice-token', 'alice');
    const octokit = clientFor(double, 'alice-token');
    await octokit.request('POST /repos/{owner}/{repo}/issues', {
      ...repo,
      title: 'Drift',
      body: 'b',
      labels: ['drift'],
    });
    const [recorded] = double.requestsFor('issues/create');
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/repos/acme/models/issues',
      status: 201,
      actor: 'alice',
      auth: 'token',
      body: { title: 'Drift', body: 'b', labels: ['drift'] },
    });
    expect(double.state.repo().issues[0]).toMatchObject({ number: 1, user: 'alice', labels: ['drift'] });
    double.assertClean();
  });

  test('the GHES layout answers at /api/v3 and its URLs stay on it', async () => {
    const octokit = clientFor(double, 'tok', 'ghes');
    const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues', { ...repo, title: 't' });
    expect(data.url).toBe(`${double.origin}/api/v3/repos/acme/models/issues/1`);
    expect(data.html_url).toBe(`${double.origin}/acme/models/issues/1`);
    expect(double.requests[0]).toMatchObject({ layout: 'ghes', path: '/repos/acme/models/issues' });
    double.assertClean();
  });
});

describe('issues, pull requests and comments', () => {
  test('issues and pull requests share numbers; the issue list includes pull requests', async () => {
    const state = double.state.repo();
    state.addIssue({ title: 'first' });
    state.addPullRequest({ headSha: 'a'.repeat(40), title: 'PR' });
    state.addIssue({ title: 'closed', state: 'closed' });
    const octokit = clientFor(double);
    const open = await octokit.request('GET /repos/{owner}/{repo}/issues', repo);
    expect(open.data.map((i) => [i.number, i.pull_request !== undefined])).toEqual([
      [2, true],
      [1, false],
    ]);
    const all = await octokit.request('GET /repos/{owner}/{repo}/issues', {
      ...repo,
      state: 'all',
      direction: 'asc',
    });
    expect(all.data.map((i) => i.number)).toEqual([1, 2, 3]);
    double.assertClean();
  });

  test('pagination: per_page pages with Link headers, followed by octokit.paginate', async () => {
    const state = double.state.repo();
    for (let i = 0; i < 45; i++) state.addIssue({ title: `issue ${i}` });
    const octokit = clientFor(double);
    const first = await octokit.request('GET /repos/{owner}/{repo}/issues', { ...repo, per_page: 20 });
    expect(first.data).toHaveLength(20);
    expect(first.headers.link).toContain('page=2');
    expect(first.headers.link).toMatch(/\?per_page=20&page=3>; rel="last"/);
    const third = await octokit.request('GET /repos/{owner}/{repo}/issues', {
      ...repo,
      per_page: 20,
      page: 3,
    });
    expect(third.data).toHaveLength(5);
    expect(third.headers.link).toContain('rel="first"');
    expect(third.headers.link).not.toContain('rel="next"');
    const all = await octokit.paginate('GET /repos/{owner}/{repo}/issues', { ...repo, per_page: 20 });
    expect(all.map((i) => i.number)).toEqual(Array.from({ length: 45 }, (_, i) => 45 - i));
    expect(double.requestsFor('issues/list-for-repo')).toHaveLength(5);
    double.assertClean();
  });

  test('comments: create, list oldest first, update; unknown issue is a 404', async () => {
    double.state.repo().addPullRequest({ number: 7, headSha: 'b'.repeat(40) });
    const octokit = clientFor(double);
    const created = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'one',
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('github-actions[bot]');
    expect(created.data.html_url).toContain('/pull/7#issuecomment-');
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'two',
    });
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      ...repo,
      comment_id: created.data.id,
      body: 'one, edited',
    });
    const list = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
    });
    expect(list.data.map((c) => c.body)).toEqual(['one, edited', 'two']);
    const missing = await failure(
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 99,
        body: 'x',
      }),
    );
    expect(missing.status).toBe(404);
    double.assertClean();
  });

  test('update issue: state, labels, body', async () => {
    double.state.repo().addIssue({ title: 'x', labels: ['a'] });
    const octokit = clientFor(double);
    const { data } = await octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...repo,
      issue_number: 1,
      state: 'closed',
      labels: ['b', 'c'],
      body: 'new',
    });
    expect(data).toMatchObject({ state: 'closed', body: 'new', state_reason: 'completed' });
    expect(data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['b', 'c']);
    expect(double.state.repo().issues[0]?.closedAt).not.toBeNull();
    double.assertClean();
  });

  test('pull requests: get (fork head), files, reviews, pull requests of a commit', async () => {
    const state = double.state.repo();
    const head = 'd'.repeat(40);
    state.addPullRequest({
      number: 3,
      headSha: head,
      headRef: 'patch-1',
      headRepo: 'mallory/models',
      user: 'mallory',
      labels: ['model'],
      files: [
        'models/risk/model.yml',
        { filename: 'b.py', status: 'renamed', additions: 0, deletions: 0, previousFilename: 'a.py' },
      ],
    });
    state.addReview({ pullNumber: 3, user: 'alice', state: 'APPROVED' });
    state.addReview({ pullNumber: 3, user: 'bob', state: 'CHANGES_REQUESTED', commitId: 'e'.repeat(40) });
    const octokit = clientFor(double);
    const pr = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 3,
    });
    expect(pr.data).toMatchObject({ number: 3, state: 'open', merged: false, user: { login: 'mallory' } });
    expect(pr.data.head).toMatchObject({
      sha: head,
      ref: 'patch-1',
      repo: { full_name: 'mallory/models', fork: true },
    });
    expect(pr.data.base.repo.full_name).toBe('acme/models');
    const files = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      ...repo,
      pull_number: 3,
    });
    expect(files.data.map((f) => [f.filename, f.status, f.previous_filename])).toEqual([
      ['models/risk/model.yml', 'modified', undefined],
      ['b.py', 'renamed', 'a.py'],
    ]);
    const reviews = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 3,
    });
    expect(reviews.data.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([
      ['alice', 'APPROVED', head],
      ['bob', 'CHANGES_REQUESTED', 'e'.repeat(40)],
    ]);
    const byCommit = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      ...repo,
      commit_sha: head,
    });
    expect(byCommit.data.map((p) => p.number)).toEqual([3]);
    const missing = await failure(
      octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 4 }),
    );
    expect(missing.status).toBe(404);
    double.assertClean();
  });

  test('a merged pull request is found by its merge commit; a deleted fork has a null head repo', async () => {
    const state = double.state.repo();
    state.addPullRequest({
      number: 1,
      headSha: '1'.repeat(40),
      merged: true,
      mergeCommitSha: 'f'.repeat(40),
    });
    state.addPullRequest({ number: 2, headSha: '2'.repeat(40), headRepo: null });
    const octokit = clientFor(double);
    const byMerge = await octokit.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
      ...repo,
      commit_sha: 'f'.repeat(40),
    });
    expect(byMerge.data.map((p) => [p.number, p.merged_at !== null, p.merge_commit_sha])).toEqual([
      [1, true, 'f'.repeat(40)],
    ]);
    const orphan = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 2,
    });
    expect(orphan.data.head.repo).toBeNull();
    double.assertClean();
  });
});
