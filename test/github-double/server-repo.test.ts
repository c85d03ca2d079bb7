import { generateKeyPairSync, sign } from 'node:crypto';
import { Octokit } from '@octokit/core';
import { throttling } from '@octokit/plugin-throttling';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { clientFor, failure } from './clients.js';
import { type GitHubDouble, startGitHubDouble } from './server.js';
import { GITHUB_ACTIONS_APP_ID } from './state.js';

let double: GitHubDouble;
const repo = { owner: 'acme', repo: 'models' };
const SHA = 'a'.repeat(40);

beforeEach(async () => {
  double = await startGitHubDouble({ appId: 4242 });
  double.state.addRepo({ owner: 'acme', repo: 'models' }).addCommit(SHA, 'Train risk\n\nmore');
});

afterEach(async () => {
  await double.close();
});

function jwt(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const head = `${part({ alg: 'ES256', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${sign('sha256', Buffer.from(head), privateKey).toString('base64url')}`;
}

describe('check runs', () => {
  test('a check run belongs to the app of the token that created it; only that app may update it', async () => {
    double.state.addToken('app-token', double.state.botLogin);
    const app = clientFor(double, 'app-token');
    const job = clientFor(double, 'job-token');
    const own = await app.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'modelgate/risk',
      head_sha: SHA,
      status: 'in_progress',
    });
    expect(own.data.app).toMatchObject({ id: 4242, slug: 'modelgate' });
    const forged = await job.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'modelgate/risk',
      head_sha: SHA,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Passed', summary: 'forged' },
    });
    expect(forged.data.app).toMatchObject({ id: GITHUB_ACTIONS_APP_ID, slug: 'github-actions' });
    expect(
      (
        await failure(
          app.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
            ...repo,
            check_run_id: forged.data.id,
            conclusion: 'failure',
          }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await failure(
          job.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
            ...repo,
            check_run_id: own.data.id,
            conclusion: 'success',
          }),
        )
      ).status,
    ).toBe(403);
    const unchanged = double.state.repo().checkRuns.find((r) => r.id === own.data.id)!;
    expect(unchanged.status).toBe('in_progress');
    const all = await app.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: SHA,
      filter: 'all',
      app_id: 4242,
    });
    expect(all.data.check_runs.map((r) => r.id)).toEqual([own.data.id]);
    double.assertClean();
  });

  test('create, update with a conclusion, list the latest per name newest first', async () => {
    const octokit = clientFor(double);
    const first = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'modelgate/risk',
      head_sha: SHA,
      status: 'in_progress',
      external_id: 'risk',
      output: { title: 'Training', summary: 'running' },
    });
    expect(first.data).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      external_id: 'risk',
      // A plain token is a workflow's job token: its check runs belong to github-actions.
      app: { id: GITHUB_ACTIONS_APP_ID, slug: 'github-actions' },
    });
    const updated = await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: first.data.id,
      conclusion: 'failure',
      output: {
        title: 'Gate failed',
        summary: 'auc dropped',
        annotations: [
          {
            path: 'models/risk/model.yml',
            start_line: 1,
            end_line: 1,
            annotation_level: 'failure',
            message: 'auc',
          },
        ],
      },
    });
    expect(updated.data).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Gate failed', annotations_count: 1 },
    });
    expect(updated.data.completed_at).not.toBeNull();
    const second = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'modelgate/risk',
      head_sha: SHA,
    });
    await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'modelgate/churn',
      head_sha: SHA,
    });
    const latest = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: SHA,
    });
    expect(latest.data.total_count).toBe(2);
    expect(latest.data.check_runs.map((r) => r.name)).toEqual(['modelgate/churn', 'modelgate/risk']);
    const all = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: SHA,
      check_name: 'modelgate/risk',
      filter: 'all',
    });
    expect(all.data.check_runs.map((r) => r.id)).toEqual([second.data.id, first.data.id]);
    double.assertClean();
  });

  test('a check run on an unknown commit is 422; completed without a conclusion is 422', async () => {
    const octokit = clientFor(double);
    const unknown = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'x',
        head_sha: 'f'.repeat(40),
      }),
    );
    expect(unknown.status).toBe(422);
    const incomplete = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'x',
        head_sha: SHA,
        status: 'completed',
      }),
    );
    expect(incomplete.status).toBe(422);
    expect(double.state.repo().checkRuns).toHaveLength(0);
    double.assertClean();
  });
});

describe('people and files', () => {
  test('collaborator permission: legacy permission plus role_name', async () => {
    const state = double.state.repo();
    state.setPermission('maya', 'maintain');
    state.setPermission('tom', 'triage');
    state.setPermission('ada', 'admin');
    const octokit = clientFor(double);
    const read = async (username: string) =>
      (
        await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
          ...repo,
          username,
        })
      ).data;
    expect(await read('maya')).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
      user: { login: 'maya' },
    });
    expect(await read('tom')).toMatchObject({ permission: 'read', role_name: 'triage' });
    expect(await read('ada')).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect(await read('stranger')).toMatchObject({ permission: 'none' });
    double.assertClean();
  });

  test('team membership: active, pending, and 404 for non-members', async () => {
    double.state.addTeamMember('acme', 'ml-leads', 'alice');
    double.state.addTeamMember('acme', 'ml-leads', 'bob', { state: 'pending' });
    const octokit = clientFor(double);
    const get = (username: string) =>
      octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
        org: 'acme',
        team_slug: 'ml-leads',
        username,
      });
    expect((await get('alice')).data).toMatchObject({ state: 'active', role: 'member' });
    expect((await get('bob')).data.state).toBe('pending');
    expect((await failure(get('carol'))).status).toBe(404);
    double.assertClean();
  });

  test('contents: a file as base64 JSON or raw, a directory listing, a missing file 404', async () => {
    const state = double.state.repo();
    state.setFile('.github/modelgate.yml', 'main', 'models:\n  risk: {}\n');
    state.setFile('.github/modelgate.yml', SHA, 'models: {}\n');
    state.setFile('.github/workflows/ci.yml', 'main', 'on: push\n');
    const octokit = clientFor(double);
    const file = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: '.github/modelgate.yml',
    });
    const data = file.data as { type: string; encoding: string; content: string };
    expect(data.type).toBe('file');
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe('models:\n  risk: {}\n');
    const atSha = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: '.github/modelgate.yml',
      ref: SHA,
    });
    expect(Buffer.from((atSha.data as { content: string }).content, 'base64').toString()).toBe(
      'models: {}\n',
    );
    const raw = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: '.github/modelgate.yml',
      mediaType: { format: 'raw' },
    });
    expect(raw.data).toBe('models:\n  risk: {}\n');
    const dir = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: '.github',
    });
    expect((dir.data as { name: string; type: string }[]).map((e) => [e.name, e.type])).toEqual([
      ['modelgate.yml', 'file'],
      ['workflows', 'dir'],
    ]);
    const missing = await failure(
      octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: 'nope.yml' }),
    );
    expect(missing.status).toBe(404);
    double.assertClean();
  });
});

describe('deployments and dispatch', () => {
  test('deployments resolve refs; a success status makes the older deployment inactive', async () => {
    double.state.repo().addTag('risk@v1.0.0', SHA);
    const octokit = clientFor(double);
    const deploy = (ref: string) =>
      octokit.request('POST /repos/{owner}/{repo}/deployments', {
        ...repo,
        ref,
        environment: 'production',
        description: 'risk',
        payload: { model: 'risk', version: ref },
        auto_merge: false,
        required_contexts: [],
      });
    const first = await deploy('risk@v1.0.0');
    expect(first.status).toBe(201);
    const firstId = (first.data as { id: number }).id;
    expect(first.data).toMatchObject({
      sha: SHA,
      ref: 'risk@v1.0.0',
      payload: { model: 'risk' },
      production_environment: true,
    });
    await octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...repo,
      deployment_id: firstId,
      state: 'success',
      environment_url: 'http://127.0.0.1:9/',
      description: 'live',
    });
    const second = await deploy('main');
    const secondId = (second.data as { id: number }).id;
    await octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...repo,
      deployment_id: secondId,
      state: 'success',
    });
    expect(double.state.repo().latestDeploymentStatus(firstId)?.state).toBe('inactive');
    const statuses = await octokit.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...repo,
      deployment_id: firstId,
    });
    expect(statuses.data.map((s) => s.state)).toEqual(['inactive', 'success']);
    const badRef = await failure(deploy('nope'));
    expect(badRef.status).toBe(422);
    const tooLong = await failure(
      octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        ...repo,
        deployment_id: secondId,
        state: 'failure',
        description: 'x'.repeat(141),
      }),
    );
    expect(tooLong.status).toBe(422);
    double.assertClean();
  });

  test('workflow dispatch is recorded; an unknown ref is 422', async () => {
    const octokit = clientFor(double);
    const ok = await octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        ...repo,
        workflow_id: 'retrain.yml',
        ref: 'main',
        inputs: { model: 'risk', reason: 'drift' },
      },
    );
    expect(ok.status).toBe(204);
    expect(double.state.repo().dispatches).toMatchObject([
      { workflowId: 'retrain.yml', ref: 'main', inputs: { model: 'risk' } },
    ]);
    const bad = await failure(
      octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...repo,
        workflow_id: 'x.yml',
        ref: 'nope',
      }),
    );
    expect(bad.status).toBe(422);
    double.assertClean();
  });
});

describe('workflow runs and artifacts', () => {
  test('runs by head SHA (newest first), artifacts, zip by 302, expired 410', async () => {
    const state = double.state.repo();
    state.addPullRequest({ number: 5, headSha: SHA });
    const older = state.addWorkflowRun({
      headSha: SHA,
      name: 'model-pr',
      conclusion: 'failure',
      pullRequests: [5],
    });
    const run = state.addWorkflowRun({ headSha: SHA, name: 'model-pr', pullRequests: [5] });
    state.addWorkflowRun({ headSha: 'b'.repeat(40), name: 'other' });
    const zip = zipSync({ 'run.json': new TextEncoder().encode('{"git":{"sha":"x"}}') });
    const artifact = state.addArtifact(run.id, 'modelgate-run-risk', zip);
    const expired = state.addArtifact(run.id, 'old', zip, { expired: true });
    const octokit = clientFor(double);
    const runs = await octokit.request('GET /repos/{owner}/{repo}/actions/runs', { ...repo, head_sha: SHA });
    expect(runs.data.total_count).toBe(2);
    expect(
      runs.data.workflow_runs.map((r) => [r.id, r.conclusion, r.pull_requests?.map((p) => p.number)]),
    ).toEqual([
      [run.id, 'success', [5]],
      [older.id, 'failure', [5]],
    ]);
    expect(runs.data.workflow_runs[0]?.display_title).toBe('Train risk');
    const artifacts = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
      ...repo,
      run_id: run.id,
    });
    expect(artifacts.data.artifacts.map((a) => [a.name, a.size_in_bytes, a.expired])).toEqual([
      ['old', zip.byteLength, true],
      ['modelgate-run-risk', zip.byteLength, false],
    ]);
    const download = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      {
        ...repo,
        artifact_id: artifact.id,
        archive_format: 'zip',
      },
    );
    expect(new Uint8Array(download.data as ArrayBuffer)).toEqual(zip);
    expect(double.requests.at(-1)).toMatchObject({ host: 'blobs', status: 200 });
    const gone = await failure(
      octokit.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
        ...repo,
        artifact_id: expired.id,
        archive_format: 'zip',
      }),
    );
    expect(gone.status).toBe(410);
    double.assertClean();
  });
});

describe('GitHub App authentication', () => {
  test('an App JWT gets an installation token, which then acts as the App’s bot', async () => {
    const now = Math.floor(Date.now() / 1000);
    const app = new Octokit({ baseUrl: double.url, auth: jwt({ iss: 4242, iat: now - 60, exp: now + 540 }) });
    const installation = await app.request('GET /repos/{owner}/{repo}/installation', repo);
    expect(installation.data).toMatchObject({ id: 1, app_id: 4242, account: { login: 'acme' } });
    const token = await app.request('POST /app/installations/{installation_id}/access_tokens', {
      installation_id: 1,
    });
    expect(token.status).toBe(201);
    expect(token.data.token).toMatch(/^ghs_/);
    const octokit = clientFor(double, token.data.token);
    const comment = await octokit.request('POST /repos/{owner}/{repo}/issues', {
      ...repo,
      title: 'by the app',
    });
    expect(comment.data.user?.login).toBe('modelgate[bot]');
    const jwtOnRepo = await failure(app.request('GET /repos/{owner}/{repo}/issues', repo));
    expect(jwtOnRepo.status).toBe(401);
    const tokenOnApp = await failure(
      octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 1 }),
    );
    expect(tokenOnApp.status).toBe(401);
    const wrongApp = new Octokit({ baseUrl: double.url, auth: jwt({ iss: 1, iat: now, exp: now + 60 }) });
    expect((await failure(wrongApp.request('GET /repos/{owner}/{repo}/installation', repo))).status).toBe(
      401,
    );
    const unknown = await failure(
      app.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 99 }),
    );
    expect(unknown.status).toBe(404);
    double.assertClean();
  });
});

describe('rate limits', () => {
  const Throttled = Octokit.plugin(throttling);

  test('primary: 403 with x-ratelimit-remaining 0; the throttling plugin waits and retries', async () => {
    double.rateLimitNext(1, { resetSeconds: 0 });
    const hits: number[] = [];
    const octokit = new Throttled({
      auth: 't',
      baseUrl: double.url,
      throttle: {
        retryAfterBaseValue: 10,
        onRateLimit: (retryAfter: number) => {
          hits.push(retryAfter);
          return true;
        },
        onSecondaryRateLimit: () => false,
      },
    });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/releases', repo);
    expect(data).toEqual([]);
    expect(hits).toHaveLength(1);
    expect(double.requests.map((r) => r.status)).toEqual([403, 200]);
    double.assertClean();
  });

  test('secondary: 429 with retry-after; the throttling plugin reports it', async () => {
    double.rateLimitNext(2, { kind: 'secondary', resetSeconds: 1 });
    const waits: number[] = [];
    const octokit = new Throttled({
      auth: 't',
      baseUrl: double.url,
      throttle: {
        retryAfterBaseValue: 10,
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          waits.push(retryAfter);
          return waits.length < 5;
        },
      },
    });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/releases', repo);
    expect(data).toEqual([]);
    expect(waits).toEqual([1, 1]);
    expect(double.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    const raw = await fetch(`${double.url}/repos/acme/models/releases`, {
      headers: { authorization: 'token t' },
    });
    expect(raw.status).toBe(200);
    double.assertClean();
  });
});
