import { describe, expect, it } from 'vitest';
import { driftMarker } from '../../src/drift/issue-lifecycle.js';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { parseCheckState } from '../../src/pr/check-runs.js';
import { onIssueComment } from '../../src/pr/on-issue-comment.js';
import { onIssueLabeled } from '../../src/pr/on-issue-labeled.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { onReview } from '../../src/pr/on-review.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import { parseSlashCommand } from '../../src/pr/slash-command.js';
import {
  commentEvent,
  labeledEvent,
  openPullRequest,
  prEvent,
  reviewEvent,
  runArtifact,
  sha,
  workflowRunEvent,
  world,
  writeRunFolder,
} from './helpers.js';

type World = Awaited<ReturnType<typeof world>>;
const HEAD = sha('c');

async function needingApproval(w: World) {
  const pr = openPullRequest(w, { headSha: HEAD });
  w.forge.setPermission('alice', 'write');
  w.forge.setPermission('bob', 'write');
  w.forge.setPermission('rita', 'read');
  await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
  const { zip } = await runArtifact({ sha: HEAD, quality: 'bad' });
  const runId = w.forge.addWorkflowRun(HEAD, 'modelgate-pr');
  w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
  await onWorkflowRunCompleted(w.deps, workflowRunEvent(runId, HEAD, 'success'));
  expect(check(w).conclusion).toBe('action_required');
  return pr.number;
}

function check(w: World) {
  const c = w.forge.checkRuns.filter((x) => x.name === 'modelgate/risk' && x.headSha === HEAD);
  expect(c).toHaveLength(1);
  return c[0]!;
}

function replies(w: World) {
  return w.forge.comments.filter((c) => c.body.includes('<!-- modelgate:reply:'));
}

describe('parseSlashCommand', () => {
  it('parses the commands on the first non-blank line only', () => {
    expect(parseSlashCommand('\n/modelgate retrain')).toEqual({ name: 'retrain' });
    expect(parseSlashCommand('/modelgate retrain Risk')).toEqual({ name: 'retrain', model: 'risk' });
    expect(parseSlashCommand('/modelgate compare risk@v1.2.0')).toEqual({
      name: 'compare',
      version: '1.2.0',
      model: 'risk',
    });
    expect(parseSlashCommand('/modelgate compare v1.2.0 churn')).toEqual({
      name: 'compare',
      version: '1.2.0',
      model: 'churn',
    });
    expect(parseSlashCommand('/modelgate compare latest')).toEqual({ name: 'compare', version: null });
    expect(parseSlashCommand('/MODELGATE approve')).toEqual({ name: 'approve' });
    expect(parseSlashCommand('/modelgate deploy')).toEqual({ name: 'help', unknown: 'deploy' });
    expect(parseSlashCommand('LGTM\n/modelgate approve')).toBeNull();
    expect(parseSlashCommand('/modelgateapprove')).toBeNull();
  });
});

describe('slash commands', () => {
  it('/modelgate approve by a writer who is not the author turns the check green, once', async () => {
    const w = await world();
    const number = await needingApproval(w);
    const event = commentEvent(number, '/modelgate approve', 'bob');
    const r = await onIssueComment(w.deps, event);
    expect(r.error).toBeUndefined();
    expect(check(w).conclusion).toBe('success');
    expect(check(w).title).toBe('Approved by bob');
    expect(parseCheckState(check(w).text).commandApprovals).toEqual([{ user: 'bob', headSha: HEAD }]);
    expect(w.forge.comments.find((c) => c.body.includes(REPORT_COMMENT_MARKER))!.body).toContain(
      'Approved by `bob`',
    );
    expect(replies(w)).toHaveLength(1);
    expect(replies(w)[0]!.body).toContain('Approved `risk`');
    // redelivery: no second reply, nothing changes
    const snapshot = JSON.stringify([w.forge.comments, w.forge.checkRuns]);
    const again = await onIssueComment(w.deps, event);
    expect(again.handled).toBe(false);
    expect(JSON.stringify([w.forge.comments, w.forge.checkRuns])).toBe(snapshot);
    // a later review dismissal by someone else keeps the command approval
    w.forge.addReview(number, { user: 'carol', state: 'DISMISSED' });
    await onReview(w.deps, await reviewEvent(w.forge, number, 'dismissed', 'carol'));
    expect(check(w).conclusion).toBe('success');
  });

  it('/modelgate approve by the author or a reader is refused politely and changes nothing', async () => {
    const w = await world();
    const number = await needingApproval(w);
    await onIssueComment(w.deps, commentEvent(number, '/modelgate approve', 'alice'));
    expect(check(w).conclusion).toBe('action_required');
    expect(replies(w).at(-1)!.body).toMatch(/your approval does not count here[\s\S]*author/);
    await onIssueComment(w.deps, commentEvent(number, '/modelgate approve', 'rita'));
    expect(check(w).conclusion).toBe('action_required');
    expect(replies(w).at(-1)!.body).toContain('only be run by people with write access');
    expect(replies(w).at(-1)!.body).not.toContain('@rita'); // no ping: the mention is broken
    expect(w.forge.dispatches).toEqual([]);
  });

  it('/modelgate retrain dispatches for the pull request branch; unauthorised users get a reply only', async () => {
    const w = await world();
    const pr = openPullRequest(w, { headSha: HEAD });
    w.forge.setPermission('bob', 'write');
    const refused = await onIssueComment(w.deps, commentEvent(pr.number, '/modelgate retrain', 'mallory'));
    expect(refused.handled).toBe(true);
    expect(w.forge.dispatches).toEqual([]);
    expect(replies(w)).toHaveLength(1);
    await onIssueComment(w.deps, commentEvent(pr.number, '/modelgate retrain', 'bob'));
    expect(w.forge.dispatches).toEqual([
      {
        workflow: 'modelgate-retrain.yml',
        ref: 'feature',
        inputs: { model: 'risk', version: '', reason: 'command' },
      },
    ]);
    expect(replies(w)).toHaveLength(2);
    await onIssueComment(w.deps, commentEvent(pr.number, '/modelgate retrain nosuch', 'bob'));
    expect(w.forge.dispatches).toHaveLength(1);
    expect(replies(w).at(-1)!.body).toContain('there is no model nosuch');
  });

  it('/modelgate retrain on a drift issue dispatches on the default branch; compare works on pull requests only', async () => {
    const w = await world();
    w.forge.setPermission('bob', 'write');
    const issue = await w.forge.createIssue({
      title: 'Drift detected',
      body: `${driftMarker('risk', '1.0.0')}\nreport`,
      labels: ['drift'],
    });
    await onIssueComment(
      w.deps,
      commentEvent(issue.number, '/modelgate retrain', 'bob', { pr: false, issueBody: issue.body }),
    );
    expect(w.forge.dispatches).toEqual([
      {
        workflow: 'modelgate-retrain.yml',
        ref: 'main',
        inputs: { model: 'risk', version: '1.0.0', reason: 'command' },
      },
    ]);
    await onIssueComment(
      w.deps,
      commentEvent(issue.number, '/modelgate compare 1.0.0', 'bob', { pr: false }),
    );
    expect(replies(w).at(-1)!.body).toContain('works on pull requests only');
  });

  it('/modelgate compare <version> posts a comparison section with that release', async () => {
    const w = await world();
    const older = await writeRunFolder(`${w.root}/older`, {
      sha: sha('9'),
      quality: 'bad',
      id: 'risk-older',
    });
    await w.registry.register(older, { version: '0.9.0' });
    const number = await needingApproval(w);
    const r = await onIssueComment(w.deps, commentEvent(number, '/modelgate compare v0.9.0', 'bob'));
    expect(r.error).toBeUndefined();
    const report = w.forge.comments.find((c) => c.body.includes(REPORT_COMMENT_MARKER))!;
    expect(report.body).toContain('<!-- modelgate:section:compare-risk-v0.9.0 -->');
    expect(report.body).toContain('<!-- modelgate:section:risk -->');
    expect(report.body).toContain('vs `risk@v0.9.0`');
    expect(replies(w).at(-1)!.body).toContain('Posted the comparison');
    // the gate and its check are untouched by a comparison
    expect(check(w).conclusion).toBe('action_required');
    await onIssueComment(w.deps, commentEvent(number, '/modelgate compare 3.0.0', 'bob'));
    expect(replies(w).at(-1)!.body).toContain('There is no release risk@​v3.0.0');
  });

  it('answers /modelgate help and ignores bots and plain comments', async () => {
    const w = await world();
    const pr = openPullRequest(w, { headSha: HEAD });
    w.forge.setPermission('bob', 'write');
    await onIssueComment(w.deps, commentEvent(pr.number, '/modelgate', 'bob'));
    expect(replies(w).at(-1)!.body).toContain('/modelgate retrain');
    const bot = commentEvent(pr.number, '/modelgate retrain', 'modelgate[bot]');
    expect((await onIssueComment(w.deps, bot)).handled).toBe(false);
    expect((await onIssueComment(w.deps, commentEvent(pr.number, 'looks good', 'bob'))).handled).toBe(false);
    expect(w.forge.dispatches).toEqual([]);
  });
});

describe('drift issues labelled retrain', () => {
  it('dispatch the retraining workflow once, even when delivered twice', async () => {
    const w = await world();
    const body = `${driftMarker('risk', '1.0.0')}\n## Drift report`;
    const issue = await w.forge.createIssue({ title: 'Drift detected', body, labels: ['drift'] });
    const event = labeledEvent(issue.number, 'retrain', body);
    const first = await onIssueLabeled(w.deps, event);
    const second = await onIssueLabeled(w.deps, event);
    expect(first.handled).toBe(true);
    expect(second.handled).toBe(false);
    expect(w.forge.dispatches).toEqual([
      {
        workflow: 'modelgate-retrain.yml',
        ref: 'main',
        inputs: { model: 'risk', version: '1.0.0', reason: 'drift' },
      },
    ]);
    expect(
      w.forge.comments.filter((c) => c.body.includes('<!-- modelgate:retrain:risk@1.0.0 -->')),
    ).toHaveLength(1);
  });

  it('ignore other labels, issues without the marker, and a marker comment forged by a person', async () => {
    const w = await world();
    const body = `${driftMarker('risk', '1.0.0')}\nreport`;
    const issue = await w.forge.createIssue({ title: 'Drift', body, labels: [] });
    expect((await onIssueLabeled(w.deps, labeledEvent(issue.number, 'bug', body))).handled).toBe(false);
    expect((await onIssueLabeled(w.deps, labeledEvent(issue.number, 'retrain', 'no marker'))).handled).toBe(
      false,
    );
    // a person pastes the record marker: it is not modelgate's, so the dispatch still happens
    w.forge.comments.push({
      id: 999,
      issue: issue.number,
      body: '<!-- modelgate:retrain:risk@1.0.0 -->',
      user: 'mallory',
    });
    await onIssueLabeled(w.deps, labeledEvent(issue.number, 'retrain', body));
    expect(w.forge.dispatches).toHaveLength(1);
  });
});
