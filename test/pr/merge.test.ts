import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/pr/app-deps.js';
import { onMerged } from '../../src/pr/on-merged.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { onReview } from '../../src/pr/on-review.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import type { ReleaseOutcome, ReleaseRunOptions } from '../../src/release/release-run.js';
import {
  openPullRequest,
  prEvent,
  reviewEvent,
  runArtifact,
  sha,
  workflowRunEvent,
  world,
} from './helpers.js';

type World = Awaited<ReturnType<typeof world>>;

/** A pull request whose regressed run was approved by bob, then merged. */
async function approvedAndMerged(w: World, quality: 'good' | 'bad' = 'bad', approve = true) {
  const head = sha('c');
  const pr = openPullRequest(w, { headSha: head });
  w.forge.setPermission('bob', 'write');
  await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
  const { zip } = await runArtifact({ sha: head, quality });
  const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
  w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
  await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
  if (approve) {
    w.forge.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'bob'));
  }
  const merge = sha('e');
  const p = w.forge.pullRequests.find((x) => x.number === pr.number)!;
  Object.assign(p, { state: 'closed', merged: true, mergeCommitSha: merge });
  w.forge.setFile('.github/modelgate.yml', merge, w.config);
  return { number: pr.number, head, merge };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/** A model server admin API double on 127.0.0.1: records calls, answers like the real server. */
async function adminServer(): Promise<{
  url: string;
  calls: { path: string; auth: string; body: unknown }[];
}> {
  const calls: { path: string; auth: string; body: unknown }[] = [];
  const server = createServer(async (req, res) => {
    const json = JSON.parse((await body(req)) || '{}');
    calls.push({ path: req.url ?? '', auth: req.headers.authorization ?? '', body: json });
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ name: 'risk', stable: { version: json.version, state: 'AVAILABLE' }, canary: null }),
    );
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

describe('merge', () => {
  it('releases the approved run with the real releaseRun, records a deployment and starts drift monitoring, once', async () => {
    const w = await world();
    const { number, merge } = await approvedAndMerged(w);
    const first = await onMerged(w.deps, await prEvent(w.forge, number, 'closed'));
    expect(first.error).toBeUndefined();
    expect(first.handled).toBe(true);
    expect(w.forge.tags.map((t) => [t.name, t.sha])).toEqual([['risk@v1.0.0', merge]]);
    expect(w.forge.releases).toHaveLength(1);
    const release = w.forge.releases[0]!;
    expect(release.draft).toBe(false);
    expect(release.body).toContain('bob');
    expect(release.assets.map((a) => a.name)).toEqual(expect.arrayContaining(['run.json', 'model.zip']));
    expect(w.forge.deployments).toEqual([
      expect.objectContaining({ ref: 'risk@v1.0.0', environment: 'release', production: false }),
    ]);
    expect(w.forge.deploymentStatuses.map((s) => s.state)).toEqual(['queued', 'success']);
    expect(w.forge.dispatches).toEqual([
      { workflow: 'modelgate-drift.yml', ref: 'main', inputs: { model: 'risk', version: '1.0.0' } },
    ]);
    const record = w.forge.comments.find((c) => c.body.includes('<!-- modelgate:released:risk -->'))!;
    expect(record.body).toContain('released as `risk@v1.0.0`');
    expect(record.body).toContain('approved by `bob`');

    // redelivery: nothing new
    const snapshot = JSON.stringify([
      w.forge.releases,
      w.forge.deployments,
      w.forge.dispatches,
      w.forge.comments,
    ]);
    const second = await onMerged(w.deps, await prEvent(w.forge, number, 'closed'));
    expect(second.error).toBeUndefined();
    expect(
      JSON.stringify([w.forge.releases, w.forge.deployments, w.forge.dispatches, w.forge.comments]),
    ).toBe(snapshot);
  });

  it('rolls out through the deploy flow when deploy.url is configured and the App has the admin token', async () => {
    const admin = await adminServer();
    const config = `version: 1\nmodels:\n  - name: risk\n    path: models/risk\n    metrics:\n      - { name: roc_auc, max_regression: 0.01 }\n    deploy:\n      url: ${admin.url}\n`;
    const w = await world({ config });
    const calls: ReleaseRunOptions[] = [];
    const release = async (o: ReleaseRunOptions): Promise<ReleaseOutcome> => {
      calls.push(o);
      return {
        version: '1.1.0',
        tag: 'risk@v1.1.0',
        release: {
          id: 7,
          tag: 'risk@v1.1.0',
          name: 'risk 1.1.0',
          body: '',
          draft: false,
          prerelease: false,
          createdAt: '2026-03-01T00:00:00Z',
          uploadUrl: '',
          assets: [],
        },
        created: calls.length === 1,
        assets: [],
      };
    };
    const deps: AppDeps = { ...w.deps, release, adminToken: 's3cret' };
    const { number, merge } = await approvedAndMerged({ ...w, deps });
    const r = await onMerged(deps, await prEvent(w.forge, number, 'closed'));
    expect(r.error).toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ model: 'risk', sha: merge, approver: 'bob', configBump: 'minor' });
    expect(admin.calls).toEqual([
      { path: '/admin/models/risk/deploy', auth: 'Bearer s3cret', body: { version: '1.1.0' } },
    ]);
    expect(w.forge.deployments).toEqual([
      expect.objectContaining({ ref: 'risk@v1.1.0', environment: 'production', production: true }),
    ]);
    expect(w.forge.deploymentStatuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(w.forge.dispatches).toEqual([]); // no drift configured

    await onMerged(deps, await prEvent(w.forge, number, 'closed'));
    expect(calls).toHaveLength(2); // releaseRun is idempotent by itself
    expect(admin.calls).toHaveLength(1);
    expect(w.forge.deployments).toHaveLength(1);
  });

  it('queues the deployment when deploy.url is configured but the App has no admin token', async () => {
    const config = `version: 1\nmodels:\n  - name: risk\n    path: models/risk\n    deploy:\n      url: http://127.0.0.1:9\n      environments: [staging]\n`;
    const w = await world({ config });
    const { number } = await approvedAndMerged(w, 'good', false);
    await onMerged(w.deps, await prEvent(w.forge, number, 'closed'));
    expect(w.forge.deployments).toEqual([expect.objectContaining({ environment: 'staging' })]);
    expect(w.forge.deploymentStatuses.map((s) => s.state)).toEqual(['queued']);
  });

  it('does not release a model whose check was not green, and says so', async () => {
    const w = await world();
    let released = 0;
    const deps: AppDeps = {
      ...w.deps,
      release: async () => {
        released++;
        throw new Error('must not be called');
      },
    };
    const { number } = await approvedAndMerged({ ...w, deps }, 'bad', false);
    const r = await onMerged(deps, await prEvent(w.forge, number, 'closed'));
    expect(r.error).toBeUndefined();
    expect(released).toBe(0);
    expect(w.forge.deployments).toEqual([]);
    const record = w.forge.comments.find((c) => c.body.includes('<!-- modelgate:released:risk -->'))!;
    expect(record.body).toContain('was not released');
    expect(record.body).toContain('action_required');
  });

  it('ignores a pull request closed without merging', async () => {
    const w = await world();
    const pr = openPullRequest(w, { headSha: sha('c') });
    const event = await prEvent(w.forge, pr.number, 'closed');
    const r = await onMerged(w.deps, event);
    expect(r.handled).toBe(false);
  });
});
