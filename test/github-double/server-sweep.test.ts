import { Octokit } from '@octokit/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clientFor } from './clients.js';
import { type GitHubDouble, startGitHubDouble } from './server.js';

let double: GitHubDouble;
const SHA = 'a'.repeat(40);

beforeAll(async () => {
  double = await startGitHubDouble();
});

afterAll(async () => {
  await double.close();
});

/** A JWT-shaped token (the double checks shape, `iss` and `exp`, not the signature). */
function appJwt(): string {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 1, iat: now, exp: now + 300 })}.c2ln`;
}

test('every served route answers with a body valid against its response schema', async () => {
  const state = double.state.addRepo({ owner: 'acme', repo: 'models' });
  state.addCommit(SHA);
  state.addIssue({ title: 'issue', labels: ['drift'] });
  const pull = state.addPullRequest({ headSha: SHA, files: ['x.py'], labels: ['model'] });
  state.addReview({ pullNumber: pull.number, user: 'alice', state: 'APPROVED' });
  const comment = state.addComment(1, 'hello', 'alice');
  const run = state.addWorkflowRun({ headSha: SHA, pullRequests: [pull.number] });
  const artifact = state.addArtifact(run.id, 'modelgate-run-risk', new Uint8Array([80, 75, 5, 6]));
  state.setFile('README.md', 'main', '# models\n');
  state.setPermission('alice', 'write');
  double.state.addTeamMember('acme', 'leads', 'alice');
  const octokit = clientFor(double);
  const repo = { owner: 'acme', repo: 'models' };
  const check = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
    ...repo,
    name: 'c',
    head_sha: SHA,
  });
  const tagObject = await octokit.request('POST /repos/{owner}/{repo}/git/tags', {
    ...repo,
    tag: 'risk@v1.0.0',
    message: 'm',
    object: SHA,
    type: 'commit',
  });
  await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
    ...repo,
    ref: 'refs/tags/risk@v1.0.0',
    sha: tagObject.data.sha,
  });
  const release = await octokit.request('POST /repos/{owner}/{repo}/releases', {
    ...repo,
    tag_name: 'risk@v1.0.0',
  });
  const asset = await octokit.request({
    method: 'POST',
    url: release.data.upload_url,
    name: 'model.zip',
    data: new Uint8Array([1, 2, 3]),
    headers: { 'content-type': 'application/zip' },
  });
  const deployment = await octokit.request('POST /repos/{owner}/{repo}/deployments', {
    ...repo,
    ref: 'main',
    auto_merge: false,
  });
  const deploymentId = (deployment.data as { id: number }).id;
  await octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    ...repo,
    deployment_id: deploymentId,
    state: 'in_progress',
  });

  const reads: [string, Record<string, unknown>][] = [
    ['GET /repos/{owner}/{repo}', {}],
    ['GET /repos/{owner}/{repo}/issues/{issue_number}', { issue_number: 1 }],
    ['GET /repos/{owner}/{repo}/issues/{issue_number}', { issue_number: pull.number }],
    ['GET /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: comment.id }],
    ['GET /repos/{owner}/{repo}/pulls', { state: 'all' }],
    ['GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: check.data.id }],
    ['GET /repos/{owner}/{repo}/git/ref/{ref}', { ref: 'tags/risk@v1.0.0' }],
    ['GET /repos/{owner}/{repo}/releases/{release_id}', { release_id: release.data.id }],
    ['GET /repos/{owner}/{repo}/releases/latest', {}],
    ['GET /repos/{owner}/{repo}/releases/{release_id}/assets', { release_id: release.data.id }],
    ['GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { asset_id: asset.data.id }],
    ['GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: run.id }],
    ['GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { artifact_id: artifact.id }],
    ['GET /repos/{owner}/{repo}/deployments', { environment: 'production' }],
    ['GET /repos/{owner}/{repo}/deployments/{deployment_id}', { deployment_id: deploymentId }],
    ['GET /repos/{owner}/{repo}/contents/{path}', { path: 'README.md' }],
    ['GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ref: 'main' }],
  ];
  for (const [route, params] of reads) {
    const response = await octokit.request(route, { ...repo, ...params });
    expect(response.status, route).toBe(200);
  }
  const app = new Octokit({ baseUrl: double.url, auth: appJwt() });
  expect((await app.request('GET /app')).data).toMatchObject({ id: 1, slug: 'modelgate' });
  expect(
    (await app.request('GET /app/installations/{installation_id}', { installation_id: 1 })).data.id,
  ).toBe(1);
  await octokit.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
    ...repo,
    comment_id: comment.id,
  });
  await octokit.request('DELETE /repos/{owner}/{repo}/releases/{release_id}', {
    ...repo,
    release_id: release.data.id,
  });
  expect(state.comments).toHaveLength(0);
  expect(state.releases).toHaveLength(0);
  expect(state.assets).toHaveLength(0);

  expect(double.requests.filter((r) => r.status >= 400)).toEqual([]);
  double.assertClean();
});
