/**
 * Slash commands over HTTP: `/modelgate compare <version>` posts a comparison with an older release
 * in the sticky report comment, `/modelgate retrain` dispatches the retraining workflow on the pull
 * request's branch or (on a drift issue) on the default branch; a redelivered command is answered
 * once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { driftMarker } from '../../src/drift/issue-lifecycle.js';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { type GitHubDouble, type RepoState, startGitHubDouble } from '../github-double/index.js';
import {
  addTrainingRun,
  commentPayload,
  openPr,
  pullRequestPayload,
  type RunningApp,
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

const replies = (commentId: number) =>
  repo.comments.filter((c) => c.body.includes(`<!-- modelgate:reply:${commentId} -->`));

describe('slash commands', () => {
  it('compares with a release, retrains a pull request and a drift issue, once per comment', async () => {
    await seedBaseline(double, repo);
    const head = 'c'.repeat(40);
    const pr = openPr(repo, { headSha: head });
    await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'));
    const { zip } = await trainRun(head, 'good');
    const run = addTrainingRun(repo, head, zip, { pullRequests: [pr.number] });
    await app.deliver(
      'workflow_run',
      workflowRunPayload(repo, { id: run.id, headSha: head, pullRequests: [pr.number] }),
    );

    const compare = commentPayload(repo, pr.number, '/modelgate compare risk@v1.0.0', 'bob');
    expect((await app.deliver('issue_comment', compare)).status).toBe(200);
    const id = (compare.comment as { id: number }).id;
    expect(replies(id)).toHaveLength(1);
    expect(replies(id)[0]!.body).toContain('Posted the comparison');
    const report = repo.comments.filter((c) => c.body.includes(REPORT_COMMENT_MARKER));
    expect(report).toHaveLength(1);
    expect(report[0]!.body).toContain('<!-- modelgate:section:compare-risk-v1.0.0 -->');

    // the same delivery again: no second reply
    const again = await app.deliver('issue_comment', compare);
    expect(again.status).toBe(200);
    expect(replies(id)).toHaveLength(1);

    const retrain = commentPayload(repo, pr.number, '/modelgate retrain', 'bob');
    expect((await app.deliver('issue_comment', retrain)).status).toBe(200);
    expect(repo.dispatches).toContainEqual(
      expect.objectContaining({
        workflowId: 'modelgate-retrain.yml',
        ref: pr.headRef,
        inputs: { model: 'risk', version: '', reason: 'command' },
      }),
    );

    const issue = repo.addIssue({
      title: 'Drift detected',
      body: `${driftMarker('risk', '1.0.0')}\nreport`,
      user: 'modelgate[bot]',
    });
    const onIssue = commentPayload(repo, issue.number, '/modelgate retrain', 'alice', {
      pullRequest: false,
      issueBody: issue.body ?? '',
    });
    expect((await app.deliver('issue_comment', onIssue)).status).toBe(200);
    expect(repo.dispatches).toContainEqual(
      expect.objectContaining({
        workflowId: 'modelgate-retrain.yml',
        ref: 'main',
        inputs: { model: 'risk', version: '1.0.0', reason: 'command' },
      }),
    );
    expect(repo.dispatches.filter((d) => d.workflowId === 'modelgate-retrain.yml')).toHaveLength(2);
    expect(app.deliveries.every((d) => d.result.error === undefined)).toBe(true);
    double.assertClean();
  });
});
