/**
 * A pull request's workflow can give itself `checks: write` and create `modelgate/risk` check runs
 * with forged markers (a config stamp saying the gate rules did not change, an approval). The App,
 * over HTTP against the double, reads and updates only the check runs it created itself (their
 * `app.id` is its own), so a regressed run of a pull request that loosens its gate still ends
 * `action_required` on the App's check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewCheckRun } from '../../src/forge/forge.js';
import { configHash } from '../../src/pr/app-deps.js';
import {
  approverMarker,
  checkStateText,
  commandApprovalMarker,
  configMarker,
  parseCheckState,
} from '../../src/pr/check-runs.js';
import {
  GITHUB_ACTIONS_APP_ID,
  type GitHubDouble,
  type RepoState,
  startGitHubDouble,
} from '../github-double/index.js';
import {
  addTrainingRun,
  CONFIG,
  openPr,
  pullRequestPayload,
  type RunningApp,
  seedBaseline,
  seedRepo,
  startApp,
  trainRun,
  workflowForge,
  workflowRunPayload,
} from './harness.js';

let double: GitHubDouble;
let app: RunningApp;
let repo: RepoState;
beforeEach(async () => {
  double = await startGitHubDouble();
  app = await startApp(double);
  repo = seedRepo(double);
  await seedBaseline(double, repo);
});
afterEach(async () => {
  await app.close();
  await double.close();
});

/** The config with roc_auc allowed to drop by 0.5 instead of 0.02 (a loosened gate). */
const LOOSE = CONFIG.replace('max_regression: 0.02', 'max_regression: 0.5');

/** A passing check whose markers claim an approval and an unchanged gate. */
function forged(headSha: string, summary: string): NewCheckRun {
  return {
    name: 'modelgate/risk',
    headSha,
    status: 'completed',
    conclusion: 'success',
    title: 'Approved by mallory',
    summary,
    text: [
      checkStateText({ verdict: 'needs-approval', headSha, approver: 'mallory' }),
      commandApprovalMarker('mallory', headSha),
      approverMarker('mallory'),
      configMarker({ headSha, hash: configHash(LOOSE), rulesChanged: false }),
    ].join('\n'),
  };
}

describe('check runs forged by a pull request workflow', () => {
  it('are ignored: the loosened gate still needs approval on the App check', async () => {
    expect(LOOSE).not.toBe(CONFIG);
    const head = '7'.repeat(40);
    const pr = openPr(repo, { headSha: head, config: LOOSE });
    pr.files.push({ filename: '.github/modelgate.yml', status: 'modified', additions: 1, deletions: 1 });
    // The workflow's job token (another app: github-actions) forges checks before and after the App's.
    const workflow = workflowForge(double, repo);
    const early = await workflow.createCheckRun(forged(head, 'early'));
    expect(early.appId).toBe(GITHUB_ACTIONS_APP_ID);
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
    expect(app.deliveries.at(-1)!.result.error).toBeUndefined();
    const own = () =>
      repo.checkRuns.filter((c) => c.name === 'modelgate/risk' && c.appId === double.state.appId);
    expect(own()).toHaveLength(1);
    expect(own()[0]).toMatchObject({ status: 'in_progress', title: 'Waiting for training' });
    const late = await workflow.createCheckRun(forged(head, 'late'));

    const { zip } = await trainRun(head, 'bad');
    const run = addTrainingRun(repo, head, zip, { pullRequests: [pr.number] });
    const payload = workflowRunPayload(repo, { id: run.id, headSha: head, pullRequests: [pr.number] });
    expect((await app.deliver('workflow_run', payload)).status).toBe(200);
    expect(app.deliveries.at(-1)!.result.error).toBeUndefined();

    expect(own()).toHaveLength(1);
    const check = own()[0]!;
    expect(check).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      title: 'Needs approval',
    });
    expect(check.summary).toContain('changes .github/modelgate.yml');
    const state = parseCheckState(check.text ?? undefined);
    expect(state).toMatchObject({
      verdict: 'needs-approval',
      headSha: head,
      approver: null,
      commandApprovals: [],
    });
    expect(state.config).toMatchObject({ headSha: head, rulesChanged: true });
    // The forged checks were never written to by the App.
    for (const f of [early, late]) {
      const stored = repo.checkRuns.find((c) => c.id === f.id)!;
      expect(stored).toMatchObject({ appId: GITHUB_ACTIONS_APP_ID, conclusion: 'success', text: f.text });
      expect(
        double.requests.filter((r) => r.operationId === 'checks/update' && r.path.endsWith(`/${f.id}`)),
      ).toEqual([]);
    }
    double.assertClean();
  });
});
