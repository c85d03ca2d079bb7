/** The in-memory forge behaves like GitHub where modelgate relies on it. */
import { describe, expect, it } from 'vitest';
import { ForgeConflictError, ForgeError, ForgeNotFoundError } from '../../src/forge/forge.js';
import { MemoryForge } from '../../src/forge/memory-forge.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('MemoryForge issues and comments', () => {
  it('numbers issues and pull requests from one counter and finds markers newest first', async () => {
    const forge = new MemoryForge();
    const a = await forge.createIssue({ title: 'a', body: 'x <!-- m -->', labels: ['drift'] });
    const pr = forge.addPullRequest({ headSha: 'abc' });
    const b = await forge.createIssue({ title: 'b', body: 'y <!-- m -->', labels: [] });
    expect([a.number, pr.number, b.number]).toEqual([1, 2, 3]);
    expect((await forge.findIssueByMarker('<!-- m -->'))?.number).toBe(3);
    await forge.updateIssue(1, { state: 'closed' });
    expect(await forge.findIssueByMarker('<!-- m -->')).toMatchObject({ number: 1, state: 'closed' });
    expect(await forge.findIssueByMarker('<!-- other -->')).toBeNull();
    await expect(forge.updateIssue(99, { body: '' })).rejects.toBeInstanceOf(ForgeNotFoundError);
  });

  it('keeps comments with ids and authors, on issues and pull requests, and updates them', async () => {
    const forge = new MemoryForge({ login: 'bot' });
    await forge.createIssue({ title: 't', body: '', labels: [] });
    const pr = forge.addPullRequest({ headSha: 'abc' });
    await forge.addIssueComment(1, 'first');
    const c = await forge.createIssueComment(pr.number, 'on the PR');
    const d = await forge.createIssueComment(pr.number, 'second');
    expect(c).toEqual({ id: 2, body: 'on the PR', user: 'bot' });
    expect(await forge.listIssueComments(pr.number)).toEqual([c, d]);
    expect(await forge.updateIssueComment(c.id, 'changed')).toEqual({ ...c, body: 'changed' });
    expect((await forge.listIssueComments(pr.number)).map((x) => x.body)).toEqual(['changed', 'second']);
    expect(forge.comments.map((x) => x.issue)).toEqual([1, 2, 2]);
    await expect(forge.createIssueComment(42, 'x')).rejects.toBeInstanceOf(ForgeNotFoundError);
    await expect(forge.updateIssueComment(42, 'x')).rejects.toBeInstanceOf(ForgeNotFoundError);
    await expect(forge.listIssueComments(42)).rejects.toBeInstanceOf(ForgeNotFoundError);
  });

  it('returns copies, so callers cannot change the stored state', async () => {
    const forge = new MemoryForge();
    const issue = await forge.createIssue({ title: 't', body: 'b', labels: ['a'] });
    issue.labels.push('mutated');
    expect(forge.issues[0]!.labels).toEqual(['a']);
  });
});

describe('MemoryForge pull requests, reviews and people', () => {
  it('serves pull requests, files, reviews and commit lookups', async () => {
    const forge = new MemoryForge({ repo: 'acme/models' });
    const open = forge.addPullRequest({ headSha: 'h1', files: ['models/risk/model.yml'], labels: ['x'] });
    forge.addPullRequest({ headSha: 'h2', state: 'closed', merged: true, mergeCommitSha: 'm2' });
    forge.addPullRequest({ headSha: 'h1', state: 'closed' });
    expect(await forge.getPullRequest(open.number)).toMatchObject({
      headSha: 'h1',
      headRepo: 'acme/models',
      baseRef: 'main',
      merged: false,
      labels: ['x'],
    });
    expect(await forge.listPullRequestFiles(open.number)).toEqual(['models/risk/model.yml']);
    expect((await forge.pullRequestsForCommit('h1')).map((p) => p.number)).toEqual([1]);
    expect((await forge.pullRequestsForCommit('m2')).map((p) => p.number)).toEqual([2]);
    expect(await forge.pullRequestsForCommit('nothing')).toEqual([]);
    const r1 = forge.addReview(1, { user: 'alice', state: 'APPROVED' });
    forge.addReview(2, { user: 'bob', state: 'APPROVED' });
    const r3 = forge.addReview(1, { user: 'carol', state: 'PENDING', commitId: 'old' });
    expect(r1.commitId).toBe('h1');
    expect(r3.submittedAt).toBeNull();
    expect(await forge.listReviews(1)).toEqual([r1, r3]);
    await expect(forge.getPullRequest(9)).rejects.toBeInstanceOf(ForgeNotFoundError);
    await expect(forge.listReviews(9)).rejects.toBeInstanceOf(ForgeNotFoundError);
    expect(() => forge.addPullRequest({ headSha: 'x', number: 1 })).toThrow(ForgeConflictError);
  });

  it('reports permissions (none for strangers) and active team membership', async () => {
    const forge = new MemoryForge();
    forge.setPermission('Alice', 'maintain');
    forge.addTeamMember('acme', 'ml-owners', 'Bob');
    expect(await forge.getPermission('alice')).toBe('maintain');
    expect(await forge.getPermission('mallory')).toBe('none');
    expect(await forge.isTeamMember('acme', 'ml-owners', 'bob')).toBe(true);
    expect(await forge.isTeamMember('acme', 'ml-owners', 'alice')).toBe(false);
    expect(await forge.isTeamMember('acme', 'other', 'bob')).toBe(false);
  });

  it('serves files by ref, tags resolving to their commit', async () => {
    const forge = new MemoryForge();
    forge.setFile('.github/modelgate.yml', 'main', 'models: []\n');
    forge.setFile('a.txt', 'c0ffee', 'at the commit');
    await forge.createTag('risk@v1.0.0', 'c0ffee', 'release');
    expect(await forge.getFile('.github/modelgate.yml', 'main')).toBe('models: []\n');
    expect(await forge.getFile('.github/modelgate.yml', 'dev')).toBeNull();
    expect(await forge.getFile('a.txt', 'risk@v1.0.0')).toBe('at the commit');
    expect(await forge.getFile('missing.txt', 'risk@v1.0.0')).toBeNull();
  });
});

describe('MemoryForge check runs', () => {
  it('creates, updates (appending annotations) and lists newest first, filtered by name', async () => {
    const forge = new MemoryForge();
    const a = await forge.createCheckRun({
      name: 'modelgate/risk',
      headSha: 's',
      status: 'in_progress',
      title: 'running',
      summary: '',
      annotations: [{ path: 'a', startLine: 1, endLine: 1, level: 'warning', message: 'm' }],
    });
    const b = await forge.createCheckRun({
      name: 'modelgate/churn',
      headSha: 's',
      status: 'queued',
      title: 'q',
      summary: '',
    });
    const c = await forge.createCheckRun({
      name: 'modelgate/risk',
      headSha: 's',
      status: 'completed',
      conclusion: 'success',
      title: 'ok',
      summary: 'fine',
      externalId: 'risk',
    });
    expect(c).toMatchObject({ status: 'completed', conclusion: 'success', externalId: 'risk' });
    expect((await forge.listCheckRuns('s')).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect((await forge.listCheckRuns('s', 'modelgate/risk')).map((r) => r.id)).toEqual([c.id, a.id]);
    expect(await forge.listCheckRuns('other')).toEqual([]);
    const done = await forge.updateCheckRun(a.id, {
      conclusion: 'failure',
      summary: 'worse',
      annotations: [{ path: 'b', startLine: 2, endLine: 3, level: 'failure', message: 'n' }],
    });
    expect(done).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      summary: 'worse',
      title: 'running',
    });
    expect(forge.checkRuns[0]!.annotations.map((x) => x.path)).toEqual(['a', 'b']);
    await expect(forge.updateCheckRun(b.id, { status: 'completed' })).rejects.toMatchObject({ status: 422 });
    expect(forge.checkRuns[1]!.status).toBe('queued');
    await expect(forge.updateCheckRun(99, { title: 'x' })).rejects.toBeInstanceOf(ForgeNotFoundError);
  });
});

describe('MemoryForge tags, releases and assets', () => {
  it('creates annotated tags once and lists them by prefix', async () => {
    const forge = new MemoryForge();
    await forge.createTag('risk@v1.0.0', 'a', 'm');
    await forge.createTag('churn@v1.0.0', 'b', 'm');
    await forge.createTag('risk@v1.1.0', 'c', 'm');
    await expect(forge.createTag('risk@v1.0.0', 'z', 'm')).rejects.toBeInstanceOf(ForgeConflictError);
    expect(await forge.listTags('risk@v')).toEqual([
      { name: 'risk@v1.0.0', sha: 'a' },
      { name: 'risk@v1.1.0', sha: 'c' },
    ]);
    expect(forge.tags[0]!.message).toBe('m');
  });

  it('needs the tag for a release, allows one release per tag, lists newest first', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const forge = new MemoryForge({ now: () => new Date((t += 1000)) });
    const missing = forge.createRelease({ tag: 'risk@v1.0.0', name: 'n', body: 'b' });
    await expect(missing).rejects.toMatchObject({ status: 422 });
    await expect(missing).rejects.not.toBeInstanceOf(ForgeConflictError);
    await forge.createTag('risk@v1.0.0', 'a', 'm');
    await forge.createTag('risk@v1.1.0', 'b', 'm');
    const r1 = await forge.createRelease({ tag: 'risk@v1.0.0', name: 'one', body: 'b', draft: true });
    const r2 = await forge.createRelease({ tag: 'risk@v1.1.0', name: 'two', body: 'b' });
    await expect(forge.createRelease({ tag: 'risk@v1.0.0', name: 'again', body: '' })).rejects.toBeInstanceOf(
      ForgeConflictError,
    );
    expect(r1.draft).toBe(true);
    expect(r1.uploadUrl).toContain('{?name,label}');
    expect((await forge.listReleases()).map((r) => r.name)).toEqual(['two', 'one']);
    expect((await forge.getReleaseByTag('risk@v1.0.0'))?.id).toBe(r1.id);
    expect(await forge.getReleaseByTag('risk@v9.0.0')).toBeNull();
    const published = await forge.updateRelease(r1.id, { draft: false, body: 'final' });
    expect(published).toMatchObject({ draft: false, body: 'final', name: 'one', tag: 'risk@v1.0.0' });
    expect(r2.prerelease).toBe(false);
    await expect(forge.updateRelease(99, { draft: false })).rejects.toBeInstanceOf(ForgeNotFoundError);
  });

  it('uploads assets once per name, downloads within a size limit, deletes', async () => {
    const forge = new MemoryForge();
    await forge.createTag('risk@v1.0.0', 'a', 'm');
    const release = await forge.createRelease({ tag: 'risk@v1.0.0', name: 'n', body: '' });
    const asset = await forge.uploadReleaseAsset(release, 'run.json', bytes('{"a":1}'), 'application/json');
    expect(asset).toMatchObject({ name: 'run.json', size: 7, contentType: 'application/json' });
    await expect(
      forge.uploadReleaseAsset(release, 'run.json', bytes('x'), 'application/json'),
    ).rejects.toBeInstanceOf(ForgeConflictError);
    expect((await forge.getReleaseByTag('risk@v1.0.0'))?.assets.map((a) => a.name)).toEqual(['run.json']);
    expect(new TextDecoder().decode(await forge.downloadReleaseAsset(asset.id, 7))).toBe('{"a":1}');
    const tooBig = forge.downloadReleaseAsset(asset.id, 6);
    await expect(tooBig).rejects.toBeInstanceOf(ForgeError);
    await expect(tooBig).rejects.toThrow(/more than the limit of 6 bytes/);
    await forge.deleteReleaseAsset(asset.id);
    expect((await forge.getReleaseByTag('risk@v1.0.0'))?.assets).toEqual([]);
    await expect(forge.downloadReleaseAsset(asset.id, 100)).rejects.toBeInstanceOf(ForgeNotFoundError);
    await expect(forge.deleteReleaseAsset(asset.id)).rejects.toBeInstanceOf(ForgeNotFoundError);
    const again = await forge.uploadReleaseAsset(release, 'run.json', bytes('{}'), 'application/json');
    expect(again.id).not.toBe(asset.id);
  });
});

describe('MemoryForge workflow runs and artifacts', () => {
  it('lists runs of a commit newest first and serves artifacts within a size limit', async () => {
    const forge = new MemoryForge();
    const r1 = forge.addWorkflowRun('sha1', 'PR', 'failure');
    const r2 = forge.addWorkflowRun('sha1', 'PR', null);
    forge.addWorkflowRun('sha2');
    expect(await forge.listWorkflowRunsForCommit('sha1')).toEqual([
      { id: r2, name: 'PR', conclusion: null },
      { id: r1, name: 'PR', conclusion: 'failure' },
    ]);
    const zip = new Uint8Array([80, 75, 3, 4, 1, 2, 3]);
    const art = forge.addArtifact(r2, 'modelgate-run-risk', zip);
    forge.addArtifact(r1, 'modelgate-run-old', zip, true);
    expect(await forge.listRunArtifacts(r2)).toEqual([
      { id: art.id, name: 'modelgate-run-risk', size: 7, expired: false },
    ]);
    expect(await forge.downloadArtifact(art.id, 7)).toEqual(zip);
    await expect(forge.downloadArtifact(art.id, 3)).rejects.toThrow(/more than the limit/);
    await expect(forge.downloadArtifact(2, 100)).rejects.toThrow(/expired/);
    await expect(forge.downloadArtifact(99, 100)).rejects.toBeInstanceOf(ForgeNotFoundError);
  });
});

describe('check runs of another app', () => {
  it('stamps its app id on its own runs and refuses to update a foreign one', async () => {
    const forge = new MemoryForge({ appId: 7 });
    const run = {
      name: 'modelgate/risk',
      headSha: 'a'.repeat(40),
      status: 'in_progress' as const,
      title: 't',
      summary: 's',
    };
    const own = await forge.createCheckRun(run);
    const foreign = await forge.addForeignCheckRun(run);
    expect(own.appId).toBe(7);
    expect(foreign.appId).toBe(15368);
    expect((await forge.listCheckRuns(run.headSha)).map((r) => r.appId)).toEqual([15368, 7]);
    await expect(forge.updateCheckRun(foreign.id, { conclusion: 'success' })).rejects.toMatchObject({
      status: 403,
    });
    expect((await forge.updateCheckRun(own.id, { conclusion: 'success' })).status).toBe('completed');
  });
});
