/**
 * The GitHub API calls of a `workflow_run` on a pull request with a baseline, counted from the
 * double's request log (API requests only: the installation token and the downloads from the blob
 * host that artifact and asset redirects lead to are no API calls of the event): at most 8 for a
 * passing run, 7 once the baseline's files are in the App's cache and 8 the first time (one download
 * of the baseline's comparison.zip). The pull request is not fetched: its labels (the bump preview)
 * are stamped on its checks at opened and again at labeled / unlabeled. The cuts keep the gate: a pull request that loosens its gate rules still
 * needs approval, a run artifact's config copy that is not the head commit's file is not used,
 * and a redelivery changes nothing.
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { parseCheckState } from '../../src/pr/check-runs.js';
import {
  type GitHubDouble,
  type RecordedRequest,
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

const sha = (c: string) => c.repeat(40);

/** GitHub API calls among requests: no installation token, nothing on the blob host. */
function apiCalls(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.host !== 'blobs' && r.operationId !== 'apps/create-installation-access-token')
    .map((r) => `${r.method} ${r.operationId}`);
}

/** The config with roc_auc allowed to drop by 0.5 instead of 0.02 (a loosened gate). */
const LOOSE = CONFIG.replace('max_regression: 0.02', 'max_regression: 0.5');

/** A run artifact of `quality` for `headSha`, with `configCopy` as its `repo-config.yml` (or none). */
async function artifact(headSha: string, quality: 'good' | 'bad', configCopy: string | null) {
  const files = unzipSync((await trainRun(headSha, quality)).zip);
  if (configCopy !== null) files['repo-config.yml'] = strToU8(configCopy);
  return zipSync(files, { level: 6 });
}

/** Opens a pull request (its checks started by `opened`), then completes its training workflow. */
async function gradeRun(
  headSha: string,
  options: {
    quality: 'good' | 'bad';
    headConfig?: string;
    configCopy?: string | null;
    changesConfig?: boolean;
  },
) {
  const pr = openPr(repo, { headSha, config: options.headConfig ?? CONFIG });
  if (options.changesConfig)
    pr.files.push({ filename: '.github/modelgate.yml', status: 'modified', additions: 1, deletions: 1 });
  expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
  const zip = await artifact(
    headSha,
    options.quality,
    options.configCopy === undefined ? CONFIG : options.configCopy,
  );
  const run = addTrainingRun(repo, headSha, zip, { pullRequests: [pr.number] });
  const payload = workflowRunPayload(repo, { id: run.id, headSha, pullRequests: [pr.number] });
  const before = double.requests.length;
  expect((await app.deliver('workflow_run', payload)).status).toBe(200);
  expect(app.deliveries.at(-1)!.result.error).toBeUndefined();
  return { pr, payload, calls: apiCalls(double.requests.slice(before)) };
}

function check(headSha: string) {
  const found = repo.checkRuns.filter((c) => c.headSha === headSha && c.name === 'modelgate/risk');
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('REST calls of a workflow_run on a pull request with a baseline', () => {
  it('takes at most 8 for a passing run, cold or with the baseline cached', async () => {
    const cold = await gradeRun(sha('1'), { quality: 'good' });
    // The link to the pull request set when the check started stays.
    expect(check(sha('1'))).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      detailsUrl: `https://github.com/${repo.fullName}/pull/${cold.pr.number}`,
    });
    const warm = await gradeRun(sha('2'), { quality: 'good' });
    expect(check(sha('2'))).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(repo.comments.filter((c) => c.body.includes(REPORT_COMMENT_MARKER))).toHaveLength(2);

    // The pull request is not fetched: its number and head are the payload's, its labels the checks' stamp.
    expect(warm.calls).toEqual([
      'GET actions/list-workflow-run-artifacts',
      'GET checks/list-for-ref',
      'GET actions/download-artifact',
      'GET repos/list-releases',
      'GET issues/list-comments',
      'POST issues/create-comment',
      'PATCH checks/update',
    ]);
    expect(warm.calls.length).toBeLessThanOrEqual(8);
    // Cold: the same calls plus one download of the baseline's comparison.zip.
    const extra = [...cold.calls];
    for (const call of warm.calls) extra.splice(extra.indexOf(call), 1);
    expect(extra).toEqual(['GET repos/get-release-asset']);
    expect(cold.calls).toHaveLength(8);
    const downloaded = double.requests.filter((r) => r.operationId === 'repos/get-release-asset');
    expect(downloaded.map((r) => repo.assets.find((a) => r.path.endsWith(`/assets/${a.id}`))?.name)).toEqual([
      'comparison.zip',
    ]);
    // No reviews, CODEOWNERS, file list, config read or pull request for a passing run.
    expect(cold.calls.join('\n')).not.toMatch(
      /list-reviews|get-content|list-files|get-release-by-tag|pulls\/get/,
    );
  });

  it('shows the bump of labels changed after the checks started, still without fetching the pull request', async () => {
    const pr = openPr(repo, { headSha: sha('7') });
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
    pr.labels = ['model:major'];
    let before = double.requests.length;
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'labeled'))).status).toBe(200);
    expect(apiCalls(double.requests.slice(before))).toEqual([
      'GET checks/list-for-ref',
      'PATCH checks/update',
    ]);
    expect(check(sha('7'))).toMatchObject({ status: 'in_progress', title: 'Waiting for training' });
    // A redelivered label event finds the stamp current: nothing written.
    before = double.requests.length;
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'labeled'))).status).toBe(200);
    expect(apiCalls(double.requests.slice(before))).toEqual(['GET checks/list-for-ref']);
    const run = addTrainingRun(repo, sha('7'), await artifact(sha('7'), 'good', CONFIG), {
      pullRequests: [pr.number],
    });
    before = double.requests.length;
    const payload = workflowRunPayload(repo, { id: run.id, headSha: sha('7'), pullRequests: [pr.number] });
    expect((await app.deliver('workflow_run', payload)).status).toBe(200);
    const calls = apiCalls(double.requests.slice(before));
    expect(calls).not.toContain('GET pulls/get');
    expect(calls.length).toBeLessThanOrEqual(8);
    expect(check(sha('7')).summary).toContain('Release if merged: **major**');
    // The stamp outlives the completion: removing the label is seen by the next report.
    pr.labels = [];
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'unlabeled'))).status).toBe(200);
    expect(check(sha('7'))).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(parseCheckState(check(sha('7')).text ?? undefined).labels).toEqual([
      { pr: pr.number, labels: [] },
    ]);
    before = double.requests.length;
    const rerun = addTrainingRun(repo, sha('7'), await artifact(sha('7'), 'good', CONFIG), {
      pullRequests: [pr.number],
    });
    const again = workflowRunPayload(repo, { id: rerun.id, headSha: sha('7'), pullRequests: [pr.number] });
    expect((await app.deliver('workflow_run', again)).status).toBe(200);
    expect(apiCalls(double.requests.slice(before))).not.toContain('GET pulls/get');
    expect(check(sha('7')).summary).toContain('Release if merged: **minor**');
  });

  it('fetches the pull request when its checks carry no labels stamp, and skips one that moved on', async () => {
    // No opened event seen: no check, no stamp; the pull request is fetched as before.
    const pr = openPr(repo, { headSha: sha('8') });
    pr.labels = ['model:patch'];
    const run = addTrainingRun(repo, sha('8'), await artifact(sha('8'), 'good', CONFIG), {
      pullRequests: [pr.number],
    });
    let before = double.requests.length;
    const payload = workflowRunPayload(repo, { id: run.id, headSha: sha('8'), pullRequests: [pr.number] });
    expect((await app.deliver('workflow_run', payload)).status).toBe(200);
    expect(apiCalls(double.requests.slice(before))).toContain('GET pulls/get');
    expect(check(sha('8')).summary).toContain('Release if merged: **patch**');
    // A payload whose pull request head is another commit (pushed since) is not reported on.
    const stale = workflowRunPayload(repo, { id: run.id, headSha: sha('8'), pullRequests: [pr.number] });
    const entry = (stale.workflow_run as { pull_requests: { head: { sha: string } }[] }).pull_requests[0]!;
    entry.head.sha = sha('9');
    before = double.requests.length;
    expect((await app.deliver('workflow_run', stale)).status).toBe(200);
    expect(app.deliveries.at(-1)!.result.summary).toMatch(/no open pull request/);
    expect(apiCalls(double.requests.slice(before))).toEqual([]);
  });

  it('changes nothing on a redelivery', async () => {
    const { payload } = await gradeRun(sha('3'), { quality: 'good' });
    const first = check(sha('3'));
    const comments = repo.comments.map((c) => ({ id: c.id, body: c.body }));
    const before = double.requests.length;
    expect((await app.deliver('workflow_run', payload)).status).toBe(200);
    const calls = apiCalls(double.requests.slice(before));
    expect(check(sha('3'))).toEqual(first);
    expect(repo.comments.map((c) => ({ id: c.id, body: c.body }))).toEqual(comments);
    expect(calls.filter((c) => !c.startsWith('GET'))).toEqual([]);
    expect(calls.length).toBeLessThanOrEqual(8);
  });

  it('still needs approval when the pull request loosens the gate rules', async () => {
    const { calls } = await gradeRun(sha('4'), {
      quality: 'good',
      headConfig: LOOSE,
      configCopy: LOOSE,
      changesConfig: true,
    });
    const c = check(sha('4'));
    expect(c.conclusion).toBe('action_required');
    expect(c.summary).toContain('changes .github/modelgate.yml');
    expect(parseCheckState(c.text ?? undefined).config).toMatchObject({
      headSha: sha('4'),
      rulesChanged: true,
    });
    // Approval needed: reviews, CODEOWNERS and the base config (approvers) are read now.
    expect(calls).toContain('GET pulls/list-reviews');
  });

  it('does not use a config copy that is not the head commit file', async () => {
    // Control: graded with the looser rules (and no rule change to approve), the regressed run passes.
    await gradeRun(sha('6'), { quality: 'bad', headConfig: LOOSE, configCopy: LOOSE });
    expect(check(sha('6')).conclusion).toBe('success');
    // The head keeps the strict rules; the artifact claims looser ones and the run regressed.
    const { calls } = await gradeRun(sha('5'), { quality: 'bad', configCopy: LOOSE });
    expect(check(sha('5')).conclusion).toBe('action_required');
    const head = double.requests.filter(
      (r) => r.operationId === 'repos/get-content' && r.query.ref === sha('5'),
    );
    expect(head.length).toBeGreaterThan(0);
    expect(calls).toContain('GET repos/get-content');
  });
});
