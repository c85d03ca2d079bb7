/**
 * The approval gate and the pull-request edge cases over HTTP: approvals by the author or by a
 * read-only user do not count (reviews and `/modelgate approve`), a write user's does; fork pull
 * requests (no `pull_requests` in `workflow_run`) are found through their head commit; an invalid
 * `.github/modelgate.yml` fails a check with an annotation on the offending line; user text in
 * replies is escaped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { parseCheckState } from '../../src/pr/check-runs.js';
import { type GitHubDouble, type RepoState, startGitHubDouble } from '../github-double/index.js';
import {
  addTrainingRun,
  CONFIG,
  commentPayload,
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

const sha = (c: string) => c.repeat(40);

function check(headSha: string, name = 'modelgate/risk') {
  const found = repo.checkRuns.filter((c) => c.headSha === headSha && c.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function regressedPr(headSha: string, options: { headRepo?: string; user?: string } = {}) {
  const pr = openPr(repo, { headSha, user: options.user ?? 'alice', ...options });
  expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
  const { zip } = await trainRun(headSha, 'bad');
  const run = addTrainingRun(repo, headSha, zip, { pullRequests: options.headRepo ? [] : [pr.number] });
  const res = await app.deliver(
    'workflow_run',
    workflowRunPayload(repo, { id: run.id, headSha, pullRequests: options.headRepo ? [] : [pr.number] }),
  );
  expect(res.status).toBe(200);
  return pr;
}

describe('approvals', () => {
  it('does not count the author nor a read-only user, by review or command; counts a writer', async () => {
    await seedBaseline(double, repo);
    const head = sha('c');
    const pr = await regressedPr(head);
    expect(check(head)).toMatchObject({ conclusion: 'action_required' });

    repo.addReview({ pullNumber: pr.number, user: 'alice', state: 'APPROVED', commitId: head });
    expect((await app.deliver('pull_request_review', reviewPayload(repo, pr, 'alice'))).status).toBe(200);
    expect(check(head).conclusion).toBe('action_required');
    expect(check(head).summary).toContain('cannot approve');

    repo.addReview({ pullNumber: pr.number, user: 'rita', state: 'APPROVED', commitId: head });
    expect((await app.deliver('pull_request_review', reviewPayload(repo, pr, 'rita'))).status).toBe(200);
    expect(check(head).conclusion).toBe('action_required');
    expect(check(head).summary).toContain('read access');

    const refused = commentPayload(repo, pr.number, '/modelgate approve', 'rita');
    expect((await app.deliver('issue_comment', refused)).status).toBe(200);
    expect(check(head).conclusion).toBe('action_required');
    const reply = repo.comments.find((c) =>
      c.body.includes(`<!-- modelgate:reply:${(refused.comment as { id: number }).id} -->`),
    );
    expect(reply?.body).toContain('write access');

    const accepted = commentPayload(repo, pr.number, '/modelgate approve', 'bob');
    expect((await app.deliver('issue_comment', accepted)).status).toBe(200);
    expect(check(head).conclusion).toBe('success');
    expect(parseCheckState(check(head).text ?? undefined).approver).toBe('bob');

    // a new push needs a new approval
    const next = sha('e');
    pr.headSha = next;
    repo.setFile('.github/modelgate.yml', next, CONFIG);
    repo.addCommit(next);
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'synchronize'))).status).toBe(200);
    expect(check(next)).toMatchObject({ status: 'in_progress' });
    expect(repo.comments.find((c) => c.body.includes(REPORT_COMMENT_MARKER))?.body).toContain(
      'waiting for training',
    );
    double.assertClean();
  });
});

describe('fork pull requests', () => {
  it('finds the pull request of a fork run through its head commit', async () => {
    await seedBaseline(double, repo);
    const head = sha('a');
    const pr = await regressedPr(head, { headRepo: 'forker/models', user: 'forker' });
    expect(double.requestsFor('repos/list-pull-requests-associated-with-commit').length).toBeGreaterThan(0);
    expect(check(head)).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    const comments = repo.comments.filter(
      (c) => c.issueNumber === pr.number && c.body.includes(REPORT_COMMENT_MARKER),
    );
    expect(comments).toHaveLength(1);
    double.assertClean();
  });
});

describe('bad config', () => {
  it('fails the config check with an annotation on the offending line, and never crashes', async () => {
    const head = sha('b');
    const broken = CONFIG.replace('max_regression: 0.02', 'max_regresion: 0.02');
    const line = broken.split('\n').findIndex((l) => l.includes('max_regresion')) + 1;
    const pr = openPr(repo, { headSha: head, config: broken });
    const res = await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'));
    expect(res.status).toBe(200);
    const config = check(head, 'modelgate/config');
    expect(config).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(config.summary).toContain('max_regresion');
    expect(config.annotations).toContainEqual(
      expect.objectContaining({
        path: '.github/modelgate.yml',
        start_line: line,
        end_line: line,
        annotation_level: 'failure',
      }),
    );
    // YAML that does not parse at all
    const worse = sha('9');
    const pr2 = openPr(repo, { headSha: worse, config: 'models:\n  - name: [risk\n' });
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr2, 'opened'))).status).toBe(200);
    expect(check(worse, 'modelgate/config').conclusion).toBe('failure');
    double.assertClean();
  });
});

describe('user text', () => {
  it('escapes what people write when it is echoed back', async () => {
    const pr = openPr(repo, { headSha: sha('d') });
    const hostile = '/modelgate <img src=x onerror=alert(1)>@everyone';
    const res = await app.deliver('issue_comment', commentPayload(repo, pr.number, hostile, 'bob'));
    expect(res.status).toBe(200);
    const reply = repo.comments.find((c) => c.body.includes('<!-- modelgate:reply:'));
    expect(reply?.body).toContain('Unknown command');
    expect(reply?.body).not.toContain('<img');
    expect(reply?.body).not.toMatch(/(^|[^\u200B])@everyone/);
    double.assertClean();
  });
});
