/**
 * Check runs of the same name made by another app (a pull request's workflow that gave itself
 * `checks: write`) carry forged markers: a config stamp saying the gate rules did not change, an
 * approver, a verdict. With `AppDeps.appId` set, the App reads and updates only its own check runs,
 * so the forgery changes nothing; without it (Actions mode) the stamp is believed, which is why the
 * App is the mode to gate with.
 */
import { describe, expect, it } from 'vitest';
import type { NewCheckRun } from '../../src/forge/forge.js';
import { configHash } from '../../src/pr/app-deps.js';
import {
  approverMarker,
  checkStateText,
  commandApprovalMarker,
  configMarker,
  ownCheckRuns,
  parseCheckState,
} from '../../src/pr/check-runs.js';
import { onMerged } from '../../src/pr/on-merged.js';
import { onPullRequest } from '../../src/pr/on-pull-request.js';
import { onWorkflowRunCompleted } from '../../src/pr/on-workflow-run.js';
import { CONFIG, openPullRequest, prEvent, runArtifact, sha, workflowRunEvent, world } from './helpers.js';

/** CONFIG with roc_auc allowed to drop by 0.5 instead of 0.01: a loosened gate. */
const LOOSE = CONFIG.replace('max_regression: 0.01', 'max_regression: 0.5');
const ACTIONS_APP = 15368;

/** A completed, passing `modelgate/risk` check whose markers claim the config did not change. */
function forged(headSha: string): NewCheckRun {
  const markers = [
    checkStateText({ verdict: 'pass', headSha, approver: 'mallory' }),
    commandApprovalMarker('mallory', headSha),
    approverMarker('mallory'),
    configMarker({ headSha, hash: configHash(LOOSE), rulesChanged: false }),
  ].join('\n');
  return {
    name: 'modelgate/risk',
    headSha,
    status: 'completed',
    conclusion: 'success',
    title: 'Passed',
    summary: 'nothing to see',
    text: markers,
  };
}

describe('ownCheckRuns', () => {
  it('keeps the check runs of the app, or all of them without an app id', () => {
    const base = {
      name: 'modelgate/risk',
      headSha: sha('a'),
      status: 'completed' as const,
      conclusion: null,
    };
    const runs = [
      { ...base, id: 3, title: '', summary: '', appId: ACTIONS_APP },
      { ...base, id: 2, title: '', summary: '', appId: 1 },
      { ...base, id: 1, title: '', summary: '', appId: null },
    ];
    expect(ownCheckRuns(runs, 1).map((r) => r.id)).toEqual([2]);
    expect(ownCheckRuns(runs, 99)).toEqual([]);
    expect(ownCheckRuns(runs, undefined).map((r) => r.id)).toEqual([3, 2, 1]);
  });
});

describe('check runs of another app', () => {
  it('are ignored when checks start and when labels are restamped: the App starts its own', async () => {
    const w = await world();
    const deps = { ...w.deps, appId: w.forge.appId };
    const head = sha('d');
    const pr = openPullRequest(w, { headSha: head });
    const fake = await w.forge.addForeignCheckRun(forged(head));
    const opened = await onPullRequest(deps, await prEvent(w.forge, pr.number, 'opened'));
    expect(opened.error).toBeUndefined();
    const own = w.forge.checkRuns.filter((c) => c.name === 'modelgate/risk' && c.appId === w.forge.appId);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ status: 'in_progress', title: 'Waiting for training' });
    // A redelivery finds the App's own check: still one.
    await onPullRequest(deps, await prEvent(w.forge, pr.number, 'opened'));
    expect(w.forge.checkRuns.filter((c) => c.appId === w.forge.appId)).toHaveLength(1);
    w.forge.pullRequests.find((p) => p.number === pr.number)!.labels.push('major');
    const labeled = await onPullRequest(deps, await prEvent(w.forge, pr.number, 'labeled'));
    expect(labeled.error).toBeUndefined();
    expect(labeled.summary).toContain('on 1 of 1 check(s)');
    const after = w.forge.checkRuns.find((c) => c.id === fake.id)!;
    expect(after.text).toBe(fake.text);
    expect(parseCheckState(w.forge.checkRuns.find((c) => c.id === own[0]!.id)!.text).labels).toEqual([
      { pr: pr.number, labels: ['major'] },
    ]);
  });

  it('cannot claim that a loosened gate is unchanged: the regressed run needs approval', async () => {
    const w = await world();
    const deps = { ...w.deps, appId: w.forge.appId };
    const head = sha('e');
    const pr = openPullRequest(w, {
      headSha: head,
      config: LOOSE,
      files: ['models/risk/model.yml', '.github/modelgate.yml'],
    });
    expect((await onPullRequest(deps, await prEvent(w.forge, pr.number, 'opened'))).error).toBeUndefined();
    // The workflow forges its check after the App started its own (so it is the newest of the name).
    const fake = await w.forge.addForeignCheckRun(forged(head));
    const { zip } = await runArtifact({ sha: head, quality: 'bad' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const done = await onWorkflowRunCompleted(
      deps,
      workflowRunEvent(runId, head, 'success', { prs: [pr.number] }),
    );
    expect(done.error).toBeUndefined();
    const own = w.forge.checkRuns.filter((c) => c.name === 'modelgate/risk' && c.appId === w.forge.appId);
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      title: 'Needs approval',
    });
    const state = parseCheckState(own[0]!.text);
    expect(state).toMatchObject({ verdict: 'needs-approval', approver: null, commandApprovals: [] });
    expect(state.config).toMatchObject({ headSha: head, rulesChanged: true });
    // The forged check is left as it was.
    expect(w.forge.checkRuns.find((c) => c.id === fake.id)).toMatchObject({
      conclusion: 'success',
      text: fake.text,
    });
  });

  it('without an app id (Actions mode: one identity for the job and the workflow) the stamp is believed', async () => {
    // The control that shows the forgery works where checks cannot be told apart.
    const w = await world({ appId: ACTIONS_APP });
    const head = sha('f');
    const pr = openPullRequest(w, {
      headSha: head,
      config: LOOSE,
      files: ['models/risk/model.yml', '.github/modelgate.yml'],
    });
    await onPullRequest(w.deps, await prEvent(w.forge, pr.number, 'opened'));
    await w.forge.addForeignCheckRun(forged(head), ACTIONS_APP);
    const { zip } = await runArtifact({ sha: head, quality: 'bad' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    const done = await onWorkflowRunCompleted(
      w.deps,
      workflowRunEvent(runId, head, 'success', { prs: [pr.number] }),
    );
    expect(done.error).toBeUndefined();
    const newest = w.forge.checkRuns.filter((c) => c.name === 'modelgate/risk').at(-1)!;
    expect(newest.conclusion).toBe('success');
  });

  it("cannot release a merge: only the App's own green check counts", async () => {
    const w = await world();
    let released = 0;
    const deps = {
      ...w.deps,
      appId: w.forge.appId,
      release: async () => {
        released++;
        throw new Error('must not be called');
      },
    };
    const head = sha('f');
    const pr = openPullRequest(w, { headSha: head });
    await onPullRequest(deps, await prEvent(w.forge, pr.number, 'opened'));
    const { zip } = await runArtifact({ sha: head, quality: 'bad' });
    const runId = w.forge.addWorkflowRun(head, 'modelgate-pr');
    w.forge.addArtifact(runId, 'modelgate-run-risk', zip);
    await onWorkflowRunCompleted(deps, workflowRunEvent(runId, head, 'success', { prs: [pr.number] }));
    // Unapproved, the App's check needs approval; a workflow forges a green one next to it.
    await w.forge.addForeignCheckRun(forged(head));
    const merge = sha('9');
    Object.assign(w.forge.pullRequests.find((p) => p.number === pr.number)!, {
      state: 'closed',
      merged: true,
      mergeCommitSha: merge,
    });
    w.forge.setFile('.github/modelgate.yml', merge, w.config);
    const r = await onMerged(deps, await prEvent(w.forge, pr.number, 'closed'));
    expect(r.error).toBeUndefined();
    expect(released).toBe(0);
    expect(w.forge.deployments).toEqual([]);
    const record = w.forge.comments.find((c) => c.body.includes('<!-- modelgate:released:risk -->'))!;
    expect(record.body).toContain('was not released');
  });
});
