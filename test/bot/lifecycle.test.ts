/**
 * The App's whole lifecycle over HTTP against the GitHub test double: a pull request opens, its
 * training workflow completes with a real run artifact, the App reports a regression on one sticky
 * comment and a check run that needs approval, a reviewer with write access approves, the merge
 * releases `risk@v1.1.0` (tag, release with assets, deployment, drift monitoring dispatched), a
 * drift issue labelled `retrain` dispatches retraining. Every request the App sent is valid per
 * GitHub's OpenAPI description.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { driftMarker } from '../../src/drift/issue-lifecycle.js';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { parseCheckState } from '../../src/pr/check-runs.js';
import { type GitHubDouble, type RepoState, startGitHubDouble } from '../github-double/index.js';
import {
  addTrainingRun,
  labeledPayload,
  mergePr,
  openPr,
  pullRequestPayload,
  type RunningApp,
  reviewPayload,
  seedBaseline,
  seedRepo,
  startApp,
  trainRun,
  workflowRunPayload,
} from './harness.js';

let double: GitHubDouble;
let app: RunningApp;
let repo: RepoState;
beforeEach(async () => {
  double = await startGitHubDouble();
  app = await startApp(double);
  repo = seedRepo(double);
});
afterEach(async () => {
  await app.close();
  await double.close();
});

const HEAD = 'c'.repeat(40);
const MERGE = 'd'.repeat(40);

function checks(sha: string) {
  return repo.checkRuns.filter((c) => c.headSha === sha && c.name === 'modelgate/risk');
}

function reportComments() {
  return repo.comments.filter((c) => c.body.includes(REPORT_COMMENT_MARKER));
}

describe('the App over HTTP', () => {
  it('runs the whole lifecycle: report, regression, approval, merge, release, deployment, retraining', async () => {
    expect(await seedBaseline(double, repo)).toBe('risk@v1.0.0');
    double.clearLog();

    // 1. pull request opened: one in-progress check on the head commit
    const pr = openPr(repo, { headSha: HEAD, user: 'alice' });
    let res = await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'));
    expect(res.status).toBe(200);
    expect(checks(HEAD)).toHaveLength(1);
    expect(checks(HEAD)[0]).toMatchObject({ status: 'in_progress', title: 'Waiting for training' });

    // 2. the training workflow uploaded a regressed run: one comment, the check needs approval
    const { zip } = await trainRun(HEAD, 'bad');
    const run = addTrainingRun(repo, HEAD, zip, { pullRequests: [pr.number] });
    res = await app.deliver(
      'workflow_run',
      workflowRunPayload(repo, { id: run.id, headSha: HEAD, pullRequests: [pr.number] }),
    );
    expect(res.status).toBe(200);
    expect(app.deliveries.at(-1)?.result.error).toBeUndefined();
    expect(reportComments()).toHaveLength(1);
    const comment = reportComments()[0]!;
    expect(comment.user).toBe('modelgate[bot]');
    expect(comment.body).toContain('<!-- modelgate:section:risk -->');
    expect(comment.body).toContain('risk@v1.0.0');
    expect(comment.body).toContain('roc\\_auc');
    expect(checks(HEAD)).toHaveLength(1);
    expect(checks(HEAD)[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(parseCheckState(checks(HEAD)[0]!.text ?? undefined)).toMatchObject({
      verdict: 'needs-approval',
      headSha: HEAD,
      sourceRunId: run.id,
      approver: null,
    });

    // 3. a reviewer with write access approves the head commit: the check passes, naming them
    repo.addReview({ pullNumber: pr.number, user: 'bob', state: 'APPROVED', commitId: HEAD });
    res = await app.deliver('pull_request_review', reviewPayload(repo, pr, 'bob'));
    expect(res.status).toBe(200);
    expect(checks(HEAD)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(parseCheckState(checks(HEAD)[0]!.text ?? undefined).approver).toBe('bob');

    // 4. merged: tag, published release with the run's assets, a deployment, drift monitoring
    mergePr(repo, pr, MERGE);
    res = await app.deliver('pull_request', pullRequestPayload(repo, pr, 'closed'));
    expect(res.status).toBe(200);
    expect(app.deliveries.at(-1)?.result.error).toBeUndefined();
    expect(repo.refs.has('refs/tags/risk@v1.1.0')).toBe(true);
    expect(repo.resolveRef('risk@v1.1.0')).toBe(MERGE);
    const release = repo.releases.find((r) => r.tagName === 'risk@v1.1.0');
    expect(release?.draft).toBe(false);
    const assets = repo.assets.filter((a) => a.releaseId === release?.id).map((a) => a.name);
    expect(assets).toEqual(expect.arrayContaining(['model.zip', 'run.json', 'model.yml', 'version.json']));
    const deployment = repo.deployments.find((d) => d.ref === 'risk@v1.1.0');
    expect(deployment).toBeDefined();
    expect(repo.deploymentStatuses.filter((s) => s.deploymentId === deployment?.id).at(-1)?.state).toBe(
      'success',
    );
    expect(repo.dispatches).toContainEqual(
      expect.objectContaining({
        workflowId: 'modelgate-drift.yml',
        inputs: { model: 'risk', version: '1.1.0' },
      }),
    );
    expect(repo.comments.some((c) => c.body.includes('<!-- modelgate:released:risk -->'))).toBe(true);

    // 5. the drift workflow opened an issue; labelling it `retrain` dispatches retraining
    const issue = repo.addIssue({
      title: 'Drift detected: risk@v1.1.0',
      body: `${driftMarker('risk', '1.1.0')}\nDrift report`,
      labels: ['modelgate', 'drift'],
      user: 'modelgate[bot]',
    });
    res = await app.deliver('issues', labeledPayload(repo, issue.number, 'retrain', issue.body ?? ''));
    expect(res.status).toBe(200);
    expect(repo.dispatches).toContainEqual(
      expect.objectContaining({
        workflowId: 'modelgate-retrain.yml',
        ref: 'main',
        inputs: { model: 'risk', version: '1.1.0', reason: 'drift' },
      }),
    );

    // every request the App sent was valid per GitHub's OpenAPI description, all as the App
    expect(double.requests.length).toBeGreaterThan(10);
    const apiCalls = double.requests.filter((r) => r.host !== 'blobs' && r.auth === 'token');
    expect(new Set(apiCalls.map((r) => r.actor))).toEqual(new Set(['modelgate[bot]']));
    double.assertClean();
  });
});
