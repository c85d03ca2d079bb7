/**
 * OctokitForge against the GitHub test double (in-memory GitHub whose every request is checked
 * against GitHub's OpenAPI description), in both the api.github.com and the GHES URL layouts.
 * Each test ends with no OpenAPI violation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { ForgeConflictError, ForgeError, ForgeNotFoundError } from '../../src/forge/forge.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { readSection, upsertModelSection } from '../../src/forge/sticky-comment.js';
import { type GitHubDouble, type RepoState, startGitHubDouble } from '../github-double/index.js';

let double: GitHubDouble;
let counter = 0;
let warnings: string[] = [];

beforeAll(async () => {
  double = await startGitHubDouble();
});
afterAll(async () => {
  await double.close();
});
afterEach(() => {
  try {
    double.assertClean();
  } finally {
    double.clearLog();
    warnings = [];
  }
});

const sha = (c: string) => c.repeat(40);

describe.each(['dotcom', 'ghes'] as const)('OctokitForge on the GitHub double (%s layout)', (layout) => {
  function setup(): { repo: RepoState; forge: OctokitForge } {
    const name = `models-${layout}-${++counter}`;
    const repo = double.state.addRepo({ owner: 'acme', repo: name });
    repo.setBranch('main', sha('0'));
    const octokit = createOctokit({
      token: 'workflow-token',
      baseUrl: layout === 'ghes' ? double.ghesUrl : double.url,
      pace: false,
      retryAfterBaseValue: 1,
      log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: () => {} },
    });
    return { repo, forge: new OctokitForge(octokit, { owner: 'acme', repo: name }) };
  }

  it('finds, creates and updates marked issues, skipping pull requests', async () => {
    const { repo, forge } = setup();
    repo.addPullRequest({ headSha: sha('a'), body: 'PR body <!-- modelgate:drift:risk -->' });
    for (let i = 0; i < 120; i++) repo.addIssue({ title: `noise ${i}`, body: 'nothing' });
    expect(await forge.findIssueByMarker('<!-- modelgate:drift:risk -->')).toBeNull();
    const issue = await forge.createIssue({
      title: 'Drift',
      body: 'x <!-- modelgate:drift:risk -->',
      labels: ['drift'],
    });
    expect(issue).toMatchObject({ title: 'Drift', state: 'open', labels: ['drift'] });
    expect((await forge.findIssueByMarker('<!-- modelgate:drift:risk -->'))?.number).toBe(issue.number);
    const closed = await forge.updateIssue(issue.number, {
      state: 'closed',
      body: 'y <!-- modelgate:drift:risk -->',
    });
    expect(closed).toMatchObject({ state: 'closed', body: 'y <!-- modelgate:drift:risk -->' });
    expect(await forge.findIssueByMarker('<!-- modelgate:drift:risk -->')).toMatchObject({ state: 'closed' });
    const issuesPaths = double.requests.filter((r) => r.operationId === 'issues/list-for-repo');
    expect(issuesPaths.length).toBeGreaterThan(1);
  });

  it('keeps the sticky report comment and pages through comments', async () => {
    const { repo, forge } = setup();
    const pr = repo.addPullRequest({ headSha: sha('b') });
    for (let i = 0; i < 101; i++) repo.addComment(pr.number, `chatter ${i}`);
    repo.addComment(pr.number, '<!-- modelgate:report --> planted by a person', 'mallory');
    const a = await upsertModelSection(forge, pr.number, 'risk', '### risk\nAUC 0.81');
    const b = await upsertModelSection(forge, pr.number, 'churn', '### churn\nAUC 0.7');
    const c = await upsertModelSection(forge, pr.number, 'churn', '### churn\nAUC 0.7');
    expect([a.action, b.action, c.action]).toEqual(['created', 'updated', 'unchanged']);
    const comments = await forge.listIssueComments(pr.number);
    expect(comments).toHaveLength(103);
    const mine = comments.find((x) => x.id === a.id)!;
    expect(mine.user).toMatch(/\[bot\]$/);
    expect(readSection(mine.body, 'risk')).toBe('### risk\nAUC 0.81');
    expect(readSection(mine.body, 'churn')).toBe('### churn\nAUC 0.7');
    expect(await forge.updateIssueComment(a.id, `${mine.body}\n`)).toMatchObject({ id: a.id });
    await forge.addIssueComment(pr.number, 'plain');
    await expect(forge.listIssueComments(999_999)).rejects.toBeInstanceOf(ForgeNotFoundError);
  });

  it('reads files, permissions and team membership', async () => {
    const { repo, forge } = setup();
    repo.setFile('.github/modelgate.yml', 'main', 'models:\n  - name: risk # é\n');
    repo.setFile('models/my model/model.yml', 'main', 'name: risk\n');
    repo.setPermission('alice', 'maintain');
    repo.setPermission('tom', 'triage');
    double.state.addTeamMember('acme', 'ml-owners', 'bob');
    double.state.addTeamMember('acme', 'ml-owners', 'dave', { state: 'pending' });
    expect(await forge.getFile('.github/modelgate.yml', 'main')).toBe('models:\n  - name: risk # é\n');
    expect(await forge.getFile('models/my model/model.yml', 'main')).toBe('name: risk\n');
    expect(await forge.getFile('.github/missing.yml', 'main')).toBeNull();
    expect(await forge.getPermission('alice')).toBe('maintain');
    expect(await forge.getPermission('tom')).toBe('triage');
    expect(await forge.getPermission('stranger')).toBe('none');
    expect(await forge.isTeamMember('acme', 'ml-owners', 'bob')).toBe(true);
    expect(await forge.isTeamMember('acme', 'ml-owners', 'dave')).toBe(false);
    expect(await forge.isTeamMember('acme', 'ml-owners', 'eve')).toBe(false);
  });

  it('reads pull requests, files, reviews and runs checks with many annotations', async () => {
    const { repo, forge } = setup();
    const pr = repo.addPullRequest({
      headSha: sha('c'),
      headRepo: null,
      files: ['models/risk/model.yml', 'train.py'],
      labels: ['model'],
    });
    repo.addReview({ pullNumber: pr.number, user: 'alice', state: 'APPROVED' });
    expect(await forge.getPullRequest(pr.number)).toMatchObject({
      number: pr.number,
      headSha: sha('c'),
      headRepo: null,
      state: 'open',
      merged: false,
      labels: ['model'],
    });
    expect(await forge.listPullRequestFiles(pr.number)).toEqual(['models/risk/model.yml', 'train.py']);
    expect(await forge.listReviews(pr.number)).toMatchObject([
      { user: 'alice', state: 'APPROVED', commitId: sha('c') },
    ]);
    expect((await forge.pullRequestsForCommit(sha('c'))).map((p) => p.number)).toEqual([pr.number]);
    await expect(forge.getPullRequest(987_654)).rejects.toBeInstanceOf(ForgeNotFoundError);

    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: 'models/risk/model.yml',
      startLine: i + 1,
      endLine: i + 1,
      level: 'notice' as const,
      message: `note ${i}`,
    }));
    const first = await forge.createCheckRun({
      name: 'modelgate/risk',
      headSha: sha('c'),
      status: 'in_progress',
      title: 'Evaluating',
      summary: 'running',
      externalId: 'risk',
      annotations,
    });
    expect(
      double.state.repo(`acme/${repo.name}`).checkRuns.find((r) => r.id === first.id)?.annotations,
    ).toHaveLength(120);
    const done = await forge.updateCheckRun(first.id, {
      conclusion: 'success',
      title: 'Passed',
      summary: 'ok',
    });
    expect(done).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      title: 'Passed',
      externalId: 'risk',
    });
    const second = await forge.createCheckRun({
      name: 'modelgate/risk',
      headSha: sha('c'),
      status: 'queued',
      title: 'again',
      summary: '',
    });
    await forge.createCheckRun({
      name: 'other',
      headSha: sha('c'),
      status: 'queued',
      title: 't',
      summary: 's',
    });
    expect((await forge.listCheckRuns(sha('c'), 'modelgate/risk')).map((r) => r.id)).toEqual([
      second.id,
      first.id,
    ]);
    expect(await forge.listCheckRuns(sha('c'))).toHaveLength(3);
    const retitled = await forge.updateCheckRun(second.id, { summary: 'only the summary' });
    expect(retitled).toMatchObject({ title: 'again', summary: 'only the summary' });
  });

  it('tags, releases, uploads and downloads assets, refusing duplicates and oversize', async () => {
    const { repo, forge } = setup();
    repo.addCommit(sha('d'));
    repo.addTag('risk@v1.0.0', sha('d'));
    repo.addTag('risk@v1.1.0', sha('d'), 'annotated seed');
    const tag = await forge.createTag('risk@v1.2.0', sha('d'), 'Release risk 1.2.0');
    expect(tag).toEqual({ name: 'risk@v1.2.0', sha: sha('d') });
    await expect(forge.createTag('risk@v1.2.0', sha('d'), 'again')).rejects.toBeInstanceOf(
      ForgeConflictError,
    );
    expect(await forge.listTags('risk@v')).toEqual([
      { name: 'risk@v1.0.0', sha: sha('d') },
      { name: 'risk@v1.1.0', sha: sha('d') },
      { name: 'risk@v1.2.0', sha: sha('d') },
    ]);
    expect(await forge.listTags('churn@v')).toEqual([]);

    const missing = forge.createRelease({ tag: 'risk@v9.0.0', name: 'x', body: '' });
    await expect(missing).rejects.toBeInstanceOf(ForgeError);
    await expect(missing).rejects.not.toBeInstanceOf(ForgeConflictError);
    const draft = await forge.createRelease({
      tag: 'risk@v1.2.0',
      name: 'risk 1.2.0',
      body: 'notes',
      draft: true,
    });
    expect(draft).toMatchObject({ tag: 'risk@v1.2.0', draft: true, body: 'notes', assets: [] });
    expect(draft.uploadUrl).toContain(layout === 'ghes' ? '/api/uploads/' : '/uploads/');
    expect((await forge.getReleaseByTag('risk@v1.2.0'))?.id).toBe(draft.id);
    await expect(forge.createRelease({ tag: 'risk@v1.2.0', name: 'dup', body: '' })).rejects.toBeInstanceOf(
      ForgeConflictError,
    );

    const zip = new Uint8Array(2048).map((_, i) => (i * 31) % 256);
    const asset = await forge.uploadReleaseAsset(draft, 'model.zip', zip, 'application/zip');
    expect(asset).toMatchObject({ name: 'model.zip', size: 2048, contentType: 'application/zip' });
    const json = new TextEncoder().encode('{"run":"r1","métrique":1}');
    const runJson = await forge.uploadReleaseAsset(draft, 'run.json', json, 'application/json');
    await expect(forge.uploadReleaseAsset(draft, 'model.zip', zip, 'application/zip')).rejects.toBeInstanceOf(
      ForgeConflictError,
    );
    expect(await forge.downloadReleaseAsset(asset.id, 2048)).toEqual(zip);
    expect(await forge.downloadReleaseAsset(runJson.id, 1000)).toEqual(json);
    await expect(forge.downloadReleaseAsset(asset.id, 2047)).rejects.toThrow(/more than the limit of 2047/);
    await forge.deleteReleaseAsset(runJson.id);
    await expect(forge.downloadReleaseAsset(runJson.id, 1000)).rejects.toBeInstanceOf(ForgeNotFoundError);

    const published = await forge.updateRelease(draft.id, { draft: false });
    expect(published).toMatchObject({ draft: false, assets: [{ name: 'model.zip' }] });
    expect((await forge.getReleaseByTag('risk@v1.2.0'))?.draft).toBe(false);
    expect((await forge.listReleases()).map((r) => r.tag)).toEqual(['risk@v1.2.0']);
    expect(await forge.getReleaseByTag('risk@v1.0.0')).toBeNull();
  });

  it('lists workflow runs and artifacts of a commit and downloads a zip within a limit', async () => {
    const { repo, forge } = setup();
    const older = repo.addWorkflowRun({ headSha: sha('e'), name: 'model-pr', conclusion: 'failure' });
    const newer = repo.addWorkflowRun({
      headSha: sha('e'),
      name: 'model-pr',
      conclusion: null,
      status: 'in_progress',
    });
    repo.addWorkflowRun({ headSha: sha('f') });
    const zip = new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]);
    const art = repo.addArtifact(newer.id, 'modelgate-run-risk', zip);
    expect(await forge.listWorkflowRunsForCommit(sha('e'))).toEqual([
      { id: newer.id, name: 'model-pr', conclusion: null },
      { id: older.id, name: 'model-pr', conclusion: 'failure' },
    ]);
    expect(await forge.listRunArtifacts(newer.id)).toEqual([
      { id: art.id, name: 'modelgate-run-risk', size: zip.length, expired: false },
    ]);
    expect(await forge.downloadArtifact(art.id, 1000)).toEqual(zip);
    await expect(forge.downloadArtifact(art.id, 10)).rejects.toThrow(/more than the limit of 10/);
  });

  it('dispatches workflows and records deployments', async () => {
    const { repo, forge } = setup();
    repo.addTag('risk@v1.0.0', sha('9'));
    await forge.dispatchWorkflow({ workflow: 'retrain.yml', ref: 'main', inputs: { model: 'risk' } });
    expect(repo.dispatches).toMatchObject([
      { workflowId: 'retrain.yml', ref: 'main', inputs: { model: 'risk' } },
    ]);
    const dep = await forge.createDeployment({
      ref: 'risk@v1.0.0',
      environment: 'production',
      description: 'risk 1.0.0',
      payload: { model: 'risk', version: '1.0.0' },
      production: true,
    });
    expect(dep).toMatchObject({ ref: 'risk@v1.0.0', environment: 'production', payload: { model: 'risk' } });
    await forge.createDeploymentStatus(dep.id, {
      state: 'success',
      description: 'live',
      environmentUrl: 'http://127.0.0.1:1/v1/models/risk',
      logUrl: 'http://127.0.0.1:1/logs/1',
    });
    expect(repo.latestDeploymentStatus(dep.id)).toMatchObject({ state: 'success' });
  });

  it('waits out primary and secondary rate limits', async () => {
    const { repo, forge } = setup();
    const pr = repo.addPullRequest({ headSha: sha('7') });
    double.rateLimitNext(1, { kind: 'secondary', resetSeconds: 1 });
    expect((await forge.getPullRequest(pr.number)).number).toBe(pr.number);
    double.rateLimitNext(1, { kind: 'primary', resetSeconds: 0 });
    expect((await forge.getPullRequest(pr.number)).number).toBe(pr.number);
    expect(warnings.filter((w) => /rate limit/.test(w))).toHaveLength(2);
  });
});
