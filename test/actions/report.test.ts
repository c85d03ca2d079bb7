/**
 * The `report` action run as the runner runs it (`node actions/report/dist/index.js`, Node 24 and
 * Node 20) against the GitHub test double over HTTP, with GitHub's published `pull_request` and
 * `workflow_run` payloads: the run is diffed against the model's latest release (seeded by a real
 * release), the ONE sticky comment is created then updated, the job summary holds the same report,
 * the verdict is an output, and only a `fail` verdict fails the step (unless fail-on-gate is false).
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReportInputsSchema } from '../../src/actions/inputs.js';
import {
  checkRunFolder,
  discoverRuns,
  locateRuns,
  pullRequestOfEvent,
  reportAction,
  reportExitCode,
  runDirCandidates,
  worstVerdict,
} from '../../src/actions/report.js';
import { actionContext, readInputs } from '../../src/actions/runtime.js';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { releaseRun } from '../../src/release/release-run.js';
import { makeRun } from '../diff/helpers.js';
import { type GitHubDouble, startGitHubDouble } from '../github-double/server.js';
import type { RepoState } from '../github-double/state.js';
import { makeWorkspace, pullRequestEvent, runActionProcess, webhookExample } from './helpers.js';

const HEAD_SHA = 'beef0000beef0000beef0000beef0000beef0000';
const MAIN_SHA = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const TOKEN = 'ghs_workflowtoken';

let workspace: string;
let double: GitHubDouble;
let repo: RepoState;

/** A run folder as `train` writes it (run.json, model.yml, model/), with the given overall metrics. */
async function writeRunFolder(
  dir: string,
  id: string,
  sha: string,
  metrics: Record<string, number>,
  artifacts: Record<string, string> = { model: 'model' },
): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'model', 'model.json'), `{"format":"layers-model","run":"${id}"}\n`);
  const run = makeRun({
    id,
    git: { sha, branch: 'better-risk', dirty: false },
    metrics: {
      overall: metrics,
      // The example config limits the gender gaps: the run reports them (small).
      slices: [
        {
          column: 'gender',
          groups: [
            { value: 'f', count: 48, metrics: { roc_auc: metrics.roc_auc ?? 0.8 } },
            { value: 'm', count: 52, metrics: { roc_auc: metrics.roc_auc ?? 0.8 } },
          ],
          gaps: { demographic_parity_difference: 0.03, equal_opportunity_difference: 0.04 },
        },
      ],
    },
    artifacts,
  });
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  await copyFile(join(workspace, 'models', 'risk', 'model.yml'), join(dir, 'model.yml'));
  return dir;
}

const BASELINE = { roc_auc: 0.8, log_loss: 0.45, ece: 0.02, accuracy: 0.8 };

/** A workflow_run.completed payload (GitHub's example that lists a pull request), for `sha` and `pr`. */
function workflowRunEvent(sha: string, pr: number | null): Record<string, unknown> {
  const payload = webhookExample(
    'workflow_run',
    (p) =>
      p.action === 'completed' &&
      (p.workflow_run as { pull_requests: unknown[] }).pull_requests.length > 0 === (pr !== null),
  );
  const run = payload.workflow_run as {
    head_sha: string;
    event: string;
    pull_requests: { number: number; head: { sha: string } }[];
  };
  run.head_sha = sha;
  run.event = 'pull_request';
  for (const p of run.pull_requests) {
    p.number = pr!;
    p.head.sha = sha;
  }
  return payload;
}

function commentsOn(number: number) {
  return repo.comments.filter((c) => c.issueNumber === number);
}

beforeAll(async () => {
  workspace = await makeWorkspace({ trainRows: 20, evalRows: 20 });
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

beforeEach(async () => {
  double = await startGitHubDouble();
  repo = double.state.addRepo({ owner: 'acme', repo: 'models' });
  repo.addCommit(MAIN_SHA, 'Merge the first risk model');
  // The baseline: risk@v1.0.0, released from a run by the real release use case.
  const forge = new OctokitForge(createOctokit({ token: TOKEN, baseUrl: double.url, pace: false }), {
    owner: 'acme',
    repo: 'models',
  });
  const baseline = await writeRunFolder(join(workspace, 'baseline-run'), 'risk-base', MAIN_SHA, BASELINE);
  await releaseRun({ forge, runDir: baseline, model: 'risk', sha: MAIN_SHA, bump: 'major' });
  double.clearLog();
}, 30_000);

afterEach(async () => {
  double.assertClean();
  await double.close();
});

describe('report action (process)', () => {
  it('pull_request on Node 24: reports against the latest release, one sticky comment updated on a re-run', async () => {
    const payload = pullRequestEvent(HEAD_SHA);
    const number = (payload.pull_request as { number: number }).number;
    repo.addPullRequest({ number, headSha: HEAD_SHA, files: ['models/risk/model.yml'] });
    await writeRunFolder(join(workspace, '.modelgate', 'runs', 'risk'), 'risk-cand-1', HEAD_SHA, {
      roc_auc: 0.83,
      log_loss: 0.43,
      ece: 0.02,
      accuracy: 0.82,
    });
    const run = () =>
      runActionProcess('report', {
        workspace,
        inputs: { model: 'risk', token: TOKEN },
        env: { GITHUB_API_URL: double.url },
        eventName: 'pull_request',
        eventPayload: payload,
      });
    const first = await run();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs.verdict).toBe('pass');
    const comments = commentsOn(number);
    expect(comments).toHaveLength(1);
    expect(first.outputs['comment-id']).toBe(String(comments[0]!.id));
    const body = comments[0]!.body;
    expect(body).toContain(REPORT_COMMENT_MARKER);
    expect(body).toContain('<!-- modelgate:section:risk -->');
    expect(body).toContain('risk@v1.0.0');
    expect(comments[0]!.user).toBe('github-actions[bot]');
    // The job summary is the same report as the comment's section.
    expect(first.summary).toContain('risk@v1.0.0');
    expect(first.summary).toContain('0.83');
    expect(body).toContain(first.summary.trim().split('\n')[0]!);
    // The baseline came from the release, the PR's files were read, nothing else was written.
    expect(double.requestsFor('repos/get-release-asset').length).toBeGreaterThan(0);
    expect(double.requestsFor('pulls/list-files')).toHaveLength(1);

    await writeRunFolder(join(workspace, '.modelgate', 'runs', 'risk'), 'risk-cand-2', HEAD_SHA, {
      roc_auc: 0.85,
      log_loss: 0.42,
      ece: 0.02,
      accuracy: 0.83,
    });
    const second = await run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(commentsOn(number)).toHaveLength(1);
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
    expect(commentsOn(number)[0]!.body).toContain('0.85');
    expect(commentsOn(number)[0]!.body).not.toContain('risk-cand-1');
  }, 60_000);

  it('workflow_run on Node 20: downloaded artifacts, a failing gate fails the step; fail-on-gate: false reports only', async () => {
    repo.addPullRequest({ number: 12, headSha: HEAD_SHA, files: ['models/risk/model.yml'] });
    // roc_auc is a required metric: a run without it breaks the gate (approval cannot help).
    await writeRunFolder(join(workspace, 'runs', 'modelgate-run-risk'), 'risk-bad', HEAD_SHA, {
      log_loss: 0.44,
      ece: 0.02,
      accuracy: 0.8,
    });
    const run = (inputs: Record<string, string>) =>
      runActionProcess('report', {
        node: 'node',
        workspace,
        inputs: { models: 'risk', 'run-dir': 'runs', token: TOKEN, ...inputs },
        env: { GITHUB_API_URL: double.url },
        eventName: 'workflow_run',
        eventPayload: workflowRunEvent(HEAD_SHA, 12),
      });
    const failed = await run({});
    expect(failed.stdout).toContain(`node ${process.version}`);
    expect(failed.code).toBe(1);
    expect(failed.outputs.verdict).toBe('fail');
    expect(failed.stdout).toMatch(/::error::modelgate report: the gate failed for risk on #12/);
    expect(commentsOn(12)).toHaveLength(1);
    expect(commentsOn(12)[0]!.body).toContain('missing-required-metric');
    expect(failed.summary).toContain('missing-required-metric');

    const reported = await run({ 'fail-on-gate': 'false' });
    expect(reported.code, reported.stdout + reported.stderr).toBe(0);
    expect(reported.outputs.verdict).toBe('fail');
    expect(commentsOn(12)).toHaveLength(1);
  }, 60_000);

  it('a fork PR (no pull request in the workflow_run payload) is found by its head; needs-approval passes the step', async () => {
    repo.addPullRequest({
      number: 21,
      headSha: HEAD_SHA,
      headRepo: 'someone/models',
      files: ['.github/modelgate.yml'],
    });
    await writeRunFolder(join(workspace, '.modelgate', 'runs', 'risk'), 'risk-fork', HEAD_SHA, {
      roc_auc: 0.81,
      log_loss: 0.44,
      ece: 0.02,
      accuracy: 0.8,
    });
    const result = await runActionProcess('report', {
      workspace,
      inputs: { model: 'risk', token: TOKEN },
      env: { GITHUB_API_URL: double.url },
      eventName: 'workflow_run',
      eventPayload: workflowRunEvent(HEAD_SHA, null),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The PR edits the gate rules: a passing run still needs a reviewer.
    expect(result.outputs.verdict).toBe('needs-approval');
    expect(result.stdout).toMatch(/::notice::modelgate: a reviewer must approve #21/);
    expect(commentsOn(21)[0]!.body).toContain('config-changed');
    expect(commentsOn(21)[0]!.body).toContain('.github/modelgate.yml');
    expect(double.requestsFor('repos/list-pull-requests-associated-with-commit')).toHaveLength(1);
  }, 60_000);

  it('the pr input overrides the event; an event without a pull request is a clear error', async () => {
    repo.addPullRequest({ number: 30, headSha: HEAD_SHA });
    await writeRunFolder(join(workspace, '.modelgate', 'runs', 'risk'), 'risk-dispatch', HEAD_SHA, BASELINE);
    const none = await runActionProcess('report', {
      node: 'node',
      workspace,
      inputs: { model: 'risk', token: TOKEN },
      env: { GITHUB_API_URL: double.url },
      eventName: 'workflow_dispatch',
    });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      /::error::modelgate report: the workflow_dispatch event names no pull request/,
    );
    expect(repo.comments).toHaveLength(0);

    const given = await runActionProcess('report', {
      node: 'node',
      workspace,
      inputs: { model: 'risk', token: TOKEN, pr: '30' },
      env: { GITHUB_API_URL: double.url },
      eventName: 'workflow_dispatch',
    });
    expect(given.code, given.stdout + given.stderr).toBe(0);
    expect(given.outputs.verdict).toBe('pass');
    expect(commentsOn(30)).toHaveLength(1);
  }, 60_000);
});

describe('report action (in-process, downloaded artifacts)', () => {
  const forge = () =>
    new OctokitForge(createOctokit({ token: TOKEN, baseUrl: double.url, pace: false }), {
      owner: 'acme',
      repo: 'models',
    });
  const options = (env: Record<string, string>) => {
    const full = {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_API_URL: double.url,
      GITHUB_EVENT_NAME: 'workflow_run',
      INPUT_TOKEN: TOKEN,
      ...env,
    };
    return {
      // No model named: every modelgate-run-* folder under run-dir is reported.
      inputs: {
        ...readInputs(ReportInputsSchema, { ...full, INPUT_MODEL: 'risk' }),
        model: undefined,
        runs: [],
      },
      context: actionContext(full),
      event: workflowRunEvent(HEAD_SHA, 40),
      env: full,
      log: () => {},
      forge,
    };
  };

  it('without a model name reports every downloaded run; refuses a stale or escaping run before writing', async () => {
    repo.addPullRequest({ number: 40, headSha: HEAD_SHA });
    const runs = join(workspace, 'downloaded');
    await writeRunFolder(join(runs, 'modelgate-run-risk'), 'risk-wr', HEAD_SHA, BASELINE);
    const result = await reportAction(options({ 'INPUT_RUN-DIR': runs }));
    expect(result.models.map((m) => m.model)).toEqual(['risk']);
    expect(result).toMatchObject({ prNumber: 40, headSha: HEAD_SHA, verdict: 'pass', error: null });
    expect(commentsOn(40)).toHaveLength(1);

    // A run made for another commit is not reported on this head.
    await writeRunFolder(join(runs, 'modelgate-run-risk'), 'risk-old', 'f'.repeat(40), BASELINE);
    await expect(reportAction(options({ 'INPUT_RUN-DIR': runs }))).rejects.toThrow(
      /git\.sha "f{40}" is not the pull request's head commit beef0000.* \(a stale or foreign run\)/,
    );
    // A run.json pointing outside its folder is refused.
    await writeRunFolder(join(runs, 'modelgate-run-risk'), 'risk-esc', HEAD_SHA, BASELINE, {
      model: 'model',
      predictions: '../../../etc/passwd',
    });
    await expect(reportAction(options({ 'INPUT_RUN-DIR': runs }))).rejects.toThrow(
      /artifacts\.predictions "\.\.\/\.\.\/\.\.\/etc\/passwd" must be a path inside the run folder/,
    );
    expect(commentsOn(40)).toHaveLength(1);
    expect(commentsOn(40)[0]!.body).not.toContain('risk-old');
  }, 30_000);
});

describe('report action (pure parts)', () => {
  it('reads the pull request of GitHub published payloads', () => {
    const opened = webhookExample('pull_request', (p) => p.action === 'opened');
    const pr = opened.pull_request as { number: number; head: { sha: string } };
    expect(pullRequestOfEvent('pull_request', opened)).toEqual({ number: pr.number, headSha: pr.head.sha });
    const run = webhookExample(
      'workflow_run',
      (p) =>
        p.action === 'completed' && (p.workflow_run as { pull_requests: unknown[] }).pull_requests.length > 0,
    );
    const wr = run.workflow_run as { head_sha: string; pull_requests: { number: number }[] };
    expect(pullRequestOfEvent('workflow_run', run)).toEqual({
      number: wr.pull_requests[0]!.number,
      headSha: wr.head_sha,
    });
    const comment = webhookExample('issue_comment');
    expect(pullRequestOfEvent('issue_comment', comment)).toEqual({ number: null, headSha: null });
    expect(pullRequestOfEvent('push', webhookExample('push'))).toEqual({ number: null, headSha: null });
    expect(pullRequestOfEvent('pull_request', null)).toEqual({ number: null, headSha: null });
  });

  it('takes the worst verdict and fails only a fail verdict with fail-on-gate', () => {
    expect(worstVerdict([])).toBe('pass');
    expect(worstVerdict(['pass', 'needs-approval', 'pass'])).toBe('needs-approval');
    expect(worstVerdict(['needs-approval', 'fail', 'pass'])).toBe('fail');
    expect(reportExitCode('fail', true)).toBe(1);
    expect(reportExitCode('fail', false)).toBe(0);
    expect(reportExitCode('needs-approval', true)).toBe(0);
    expect(reportExitCode('pass', true)).toBe(0);
  });

  it('finds run folders by the model their run.json names, and lists the folders tried', async () => {
    const root = join(workspace, 'locate');
    await writeRunFolder(join(root, 'runs', 'risk'), 'risk-a', HEAD_SHA, BASELINE);
    await writeRunFolder(join(root, 'single'), 'risk-b', HEAD_SHA, BASELINE);
    expect(locateRuns(['risk'], 'runs', root)).toEqual([{ model: 'risk', dir: join(root, 'runs', 'risk') }]);
    expect(locateRuns(['risk'], 'single', root)).toEqual([{ model: 'risk', dir: join(root, 'single') }]);
    expect(runDirCandidates('risk', undefined, root)).toEqual([
      join(root, '.modelgate', 'runs', 'risk'),
      join(root, 'modelgate-run-risk'),
    ]);
    expect(discoverRuns('runs', root)).toEqual([{ model: 'risk', dir: join(root, 'runs', 'risk') }]);
    expect(discoverRuns('single', root)).toEqual([{ model: 'risk', dir: join(root, 'single') }]);
    await writeRunFolder(join(root, 'wrong', 'modelgate-run-risk-torch'), 'risk-c', HEAD_SHA, BASELINE);
    expect(() => discoverRuns('wrong', root)).toThrow(
      /named for model "risk-torch" but holds a run of "risk"/,
    );
    expect(() => discoverRuns('nothing-here', root)).toThrow(/no run folders in/);
    await expect(checkRunFolder(join(root, 'single'), 'risk', HEAD_SHA)).resolves.toMatchObject({
      id: 'risk-b',
    });
    // A run of another model in the folder is not taken for this one.
    expect(() => locateRuns(['risk-torch'], 'single', root)).toThrow(
      /no run of model "risk-torch": none of .*single, .*single\/modelgate-run-risk-torch, .*single\/risk-torch/,
    );
  });
});
