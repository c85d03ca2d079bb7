import { describe, expect, it } from 'vitest';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { parseCheckState } from '../../src/pr/check-runs.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { onReview } from '../../src/pr/on-review.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import {
  openPullRequest,
  prEvent,
  reviewEvent,
  runArtifact,
  sha,
  workflowRunEvent,
  world,
} from './helpers.js';

function checksNamed(w: Awaited<ReturnType<typeof world>>, headSha: string, name = 'modelgate/risk') {
  return w.forge.checkRuns.filter((c) => c.headSha === headSha && c.name === name);
}

function reportComment(w: Awaited<ReturnType<typeof world>>) {
  const comments = w.forge.comments.filter((c) => c.body.includes(REPORT_COMMENT_MARKER));
  expect(comments).toHaveLength(1);
  return comments[0]!;
}

describe('pull request lifecycle', () => {
  it('opens checks, reports a regression as needs-approval, and follows approvals on the head SHA', async () => {
    const w = await world();
    const head = sha('c');
    const pr = openPullRequest(w, { headSha: head });
    w.forge.setPermission('alice', 'write');
    w.forge.setPermission('bob', 'write');
    w.forge.setPermission('rita', 'read');

    // opened: one in-progress check, "waiting for training"
    const opened = await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    expect(opened.error).toBeUndefined();
    expect(opened.handled).toBe(true);
    let checks = checksNamed(w, head);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.status).toBe('in_progress');
    expect(checks[0]!.title).toBe('Waiting for training');

    // the training workflow uploads a regressed run
    const { zip } = await runArtifact({ sha: head, quality: 'bad' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const done = await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    expect(done.error).toBeUndefined();
    checks = checksNamed(w, head);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.status).toBe('completed');
    expect(checks[0]!.conclusion).toBe('action_required');
    expect(checks[0]!.title).toBe('Needs approval');
    const state = parseCheckState(checks[0]!.text);
    expect(state).toMatchObject({
      verdict: 'needs-approval',
      headSha: head,
      sourceRunId: runId,
      approver: null,
    });
    let comment = reportComment(w);
    expect(comment.body).toContain('<!-- modelgate:section:risk -->');
    expect(comment.body).toContain('needs approval');
    expect(comment.body).toContain('roc\\_auc');
    expect(comment.body).toContain('risk@v1.0.0');

    // the author approves: does not count
    w.forge.addReview(pr.number, { user: 'alice', state: 'APPROVED' });
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'alice'));
    expect(checksNamed(w, head)[0]!.conclusion).toBe('action_required');
    expect(checksNamed(w, head)[0]!.summary).toContain('cannot approve');

    // a read-only user approves: does not count
    w.forge.addReview(pr.number, { user: 'rita', state: 'APPROVED' });
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'rita'));
    expect(checksNamed(w, head)[0]!.conclusion).toBe('action_required');
    expect(checksNamed(w, head)[0]!.summary).toContain('has read access');

    // a writer approves an older commit: ignored
    w.forge.addReview(pr.number, { user: 'bob', state: 'APPROVED', commitId: sha('9') });
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'bob'));
    expect(checksNamed(w, head)[0]!.conclusion).toBe('action_required');
    expect(checksNamed(w, head)[0]!.summary).toContain('older commit');

    // the writer approves the head commit: green, approver in the report and the card
    w.forge.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    const approved = await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'bob'));
    expect(approved.error).toBeUndefined();
    checks = checksNamed(w, head);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.conclusion).toBe('success');
    expect(checks[0]!.title).toBe('Approved by bob');
    expect(parseCheckState(checks[0]!.text).approver).toBe('bob');
    comment = reportComment(w);
    expect(comment.body).toContain('Approved by `bob` for this head commit.');
    expect(comment.body).toContain('| Approver | bob |'); // the model card

    // redelivering the review changes nothing
    const before = JSON.stringify({ c: w.forge.comments, k: w.forge.checkRuns });
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'bob'));
    expect(JSON.stringify({ c: w.forge.comments, k: w.forge.checkRuns })).toBe(before);

    // the approval is dismissed: back to needs approval, the approver gone from the report
    const bobReview = w.forge.reviews.filter((r) => r.user === 'bob').at(-1)!;
    bobReview.state = 'DISMISSED';
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'dismissed', 'bob'));
    checks = checksNamed(w, head);
    expect(checks[0]!.conclusion).toBe('action_required');
    expect(parseCheckState(checks[0]!.text).approver).toBeNull();
    expect(reportComment(w).body).not.toContain('Approved by `bob`');
  });

  it('is idempotent under redelivery: one comment, one check run, same ids', async () => {
    const w = await world();
    const head = sha('d');
    const pr = openPullRequest(w, { headSha: head });
    const event = await prEvent(w.forge, pr.number, 'opened');
    await onPullRequest(w.deps, event);
    await onPullRequest(w.deps, event);
    expect(checksNamed(w, head)).toHaveLength(1);
    const { zip } = await runArtifact({ sha: head, quality: 'good' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const first = await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    const id = reportComment(w).id;
    const snapshot = JSON.stringify({ c: w.forge.comments, k: w.forge.checkRuns });
    const second = await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(reportComment(w).id).toBe(id);
    expect(JSON.stringify({ c: w.forge.comments, k: w.forge.checkRuns })).toBe(snapshot);
    const check = checksNamed(w, head);
    expect(check).toHaveLength(1);
    expect(check[0]!.conclusion).toBe('success');
    expect(check[0]!.title).toBe('Passed');
    // a reopened pull request does not duplicate the completed check
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'reopened'));
    expect(checksNamed(w, head)).toHaveLength(1);
    expect(checksNamed(w, head)[0]!.conclusion).toBe('success');
  });

  it('a new push starts new checks and marks the old report as waiting; old approvals do not carry over', async () => {
    const w = await world();
    const head = sha('e');
    const pr = openPullRequest(w, { headSha: head });
    w.forge.setPermission('bob', 'write');
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const { zip } = await runArtifact({ sha: head, quality: 'bad' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, head, 'success'));
    w.forge.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    await onReview(w.deps, await reviewEvent(w.forge, pr.number, 'submitted', 'bob'));
    expect(checksNamed(w, head)[0]!.conclusion).toBe('success');

    // push
    const next = sha('f');
    w.forge.pullRequests.find((p) => p.number === pr.number)!.headSha = next;
    w.forge.setFile('.github/modelgate.yml', next, w.config);
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'synchronize'));
    expect(checksNamed(w, next)).toHaveLength(1);
    expect(checksNamed(w, next)[0]!.status).toBe('in_progress');
    const body = reportComment(w).body;
    expect(body).toContain('waiting for training');
    expect(body).not.toContain('Approved by `bob`');

    // the new run regresses too: bob's approval was for the old head, so it needs approval again
    const again = await runArtifact({ sha: next, quality: 'bad' });
    const run2 = w.forge.addWorkflowRun(next, 'modelgate-pr');
    w.forge.addArtifact(run2, 'modelgate-run-risk', again.zip);
    await onWorkflowRunCompleted(w.deps, workflowRunEvent(run2, next, 'success'));
    const check = checksNamed(w, next)[0]!;
    expect(check.conclusion).toBe('action_required');
    expect(check.summary).toContain('older commit');
  });

  it('an approval given before training finished counts when the verdict arrives', async () => {
    const w = await world();
    const head = sha('4');
    const pr = openPullRequest(w, { headSha: head });
    w.forge.setPermission('bob', 'write');
    w.forge.addReview(pr.number, { user: 'bob', state: 'APPROVED' });
    const { zip } = await runArtifact({ sha: head, quality: 'bad' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    // the pull request comes from the payload's pull_requests list; no opened event was seen
    const r = await onWorkflowRunCompleted(
      w.deps,
      workflowRunEvent(runId, head, 'success', { prs: [pr.number] }),
    );
    expect(r.error).toBeUndefined();
    const checks = checksNamed(w, head);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.conclusion).toBe('success');
    expect(checks[0]!.title).toBe('Approved by bob');
    expect(checks[0]!.detailsUrl).toBe('https://github.example/acme/models/pull/1');
  });

  it('a failed workflow run or a missing artifact completes the check as failure with a clear message', async () => {
    const w = await world();
    const head = sha('a');
    const pr = openPullRequest(w, { headSha: head });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const failed = w.forge.addWorkflowRun(head, 'modelgate-pr', 'failure');
    await onWorkflowRunCompleted(w.deps, workflowRunEvent(failed, head, 'failure'));
    let check = checksNamed(w, head)[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.title).toBe('Training workflow failure');
    expect(check.summary).toContain('ended with **failure**');
    expect(check.summary).toContain('modelgate-run-risk');

    const ok = w.forge.addWorkflowRun(head, 'modelgate-pr', 'success');
    await onWorkflowRunCompleted(w.deps, workflowRunEvent(ok, head, 'success'));
    check = checksNamed(w, head)[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.title).toBe('Missing run artifact');
    expect(checksNamed(w, head)).toHaveLength(1);
  });

  it('ignores other workflows and runs whose commit is no open pull request head', async () => {
    const w = await world();
    const head = sha('1');
    const pr = openPullRequest(w, { headSha: head });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const ci = w.forge.addWorkflowRun(head, 'CI', 'failure');
    const r = await onWorkflowRunCompleted(w.deps, {
      ...workflowRunEvent(ci, head, 'failure', { name: 'CI' }),
      workflow_run: {
        ...workflowRunEvent(ci, head, 'failure').workflow_run,
        name: 'CI',
        path: '.github/workflows/ci.yml',
      },
    });
    expect(r.handled).toBe(false);
    expect(checksNamed(w, head)[0]!.status).toBe('in_progress');
    const stray = await onWorkflowRunCompleted(w.deps, workflowRunEvent(99, sha('2'), 'success'));
    expect(stray.handled).toBe(false);
  });

  it('never throws on a malformed payload', async () => {
    const w = await world();
    const r = await onWorkflowRunCompleted(w.deps, { action: 'completed', workflow_run: { id: 'x' } });
    expect(r.error).toMatch(/invalid workflow_run payload/);
    const p = await onPullRequest(w.deps, null);
    expect(p.error).toMatch(/invalid pull_request payload/);
  });
});

describe('time bounds', () => {
  it('a cancelled handler stops at its next step and marks running checks timed out', async () => {
    const w = await world();
    const head = sha('3');
    const pr = openPullRequest(w, { headSha: head });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    const { zip } = await runArtifact({ sha: head, quality: 'good' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const r = await onWorkflowRunCompleted(
      { ...w.deps, signal: AbortSignal.abort() },
      workflowRunEvent(runId, head, 'success'),
    );
    expect(r.error).toMatch(/cancelled before grading risk/);
    const check = checksNamed(w, head)[0]!;
    expect(check.conclusion).toBe('timed_out');
    expect(check.summary).toContain('cancelled before grading risk');
    expect(w.forge.comments).toHaveLength(0);
  });
});
