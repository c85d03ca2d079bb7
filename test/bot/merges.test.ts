/**
 * Merges over HTTP: two pull requests merged at once get distinct versions, whether their events
 * reach two replicas of the App (the tag conflict is retried with the next version) or one (its
 * per-repository lock orders them); a redelivered merge releases, deploys and dispatches nothing
 * more.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type GitHubDouble,
  type PullRecord,
  type RepoState,
  startGitHubDouble,
} from '../github-double/index.js';
import {
  addTrainingRun,
  mergePr,
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
let replicas: RunningApp[];
let repo: RepoState;
beforeEach(async () => {
  double = await startGitHubDouble();
  replicas = [await startApp(double), await startApp(double)];
  repo = seedRepo(double);
});
afterEach(async () => {
  for (const app of replicas) await app.close();
  await double.close();
});

async function greenPr(headSha: string): Promise<PullRecord> {
  const app = replicas[0]!;
  const pr = openPr(repo, { headSha });
  expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
  const { zip } = await trainRun(headSha, 'good');
  const run = addTrainingRun(repo, headSha, zip, { pullRequests: [pr.number] });
  const res = await app.deliver(
    'workflow_run',
    workflowRunPayload(repo, { id: run.id, headSha, pullRequests: [pr.number] }),
  );
  expect(res.status).toBe(200);
  expect(repo.checkRuns.find((c) => c.headSha === headSha && c.name === 'modelgate/risk')?.conclusion).toBe(
    'success',
  );
  return pr;
}

function releaseOf(mergeSha: string) {
  const tags = [...repo.refs.values()].filter(
    (r) => r.ref.startsWith('refs/tags/risk@v') && repo.peel(r.sha) === mergeSha,
  );
  expect(tags).toHaveLength(1);
  const tag = tags[0]!.ref.slice('refs/tags/'.length);
  const release = repo.releases.find((r) => r.tagName === tag);
  expect(release?.draft).toBe(false);
  return tag;
}

describe('concurrent merges', () => {
  it('gives two merges distinct versions on two replicas and on one, and ignores a redelivery', async () => {
    await seedBaseline(double, repo);
    const prs = [await greenPr('a'.repeat(40)), await greenPr('b'.repeat(40))];
    const merges = ['1'.repeat(40), '2'.repeat(40)];
    for (const [i, pr] of prs.entries()) mergePr(repo, pr, merges[i]!);
    // two replicas, one merge each, at the same time
    const results = await Promise.all(
      prs.map((pr, i) => replicas[i]!.deliver('pull_request', pullRequestPayload(repo, pr, 'closed'))),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const tags = merges.map(releaseOf);
    expect(new Set(tags)).toEqual(new Set(['risk@v1.1.0', 'risk@v1.2.0']));
    // (when both replicas computed the same next version, the loser met the taken tag, 422, and
    // moved on to the next one; whether they overlap depends on timing, the outcome does not)
    const conflicts = double.requestsFor('git/create-ref').filter((r) => r.status === 422).length;
    expect(conflicts).toBeLessThanOrEqual(1);

    // one replica, two merges at the same time
    const more = [await greenPr('c'.repeat(40)), await greenPr('e'.repeat(40))];
    const moreMerges = ['3'.repeat(40), '4'.repeat(40)];
    for (const [i, pr] of more.entries()) mergePr(repo, pr, moreMerges[i]!);
    const again = await Promise.all(
      more.map((pr) => replicas[0]!.deliver('pull_request', pullRequestPayload(repo, pr, 'closed'))),
    );
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(new Set(moreMerges.map(releaseOf))).toEqual(new Set(['risk@v1.3.0', 'risk@v1.4.0']));

    // a redelivered merge changes nothing
    const counts = () => ({
      releases: repo.releases.length,
      deployments: repo.deployments.length,
      dispatches: repo.dispatches.length,
      comments: repo.comments.length,
      tags: [...repo.refs.keys()].filter((r) => r.startsWith('refs/tags/')).length,
    });
    const before = counts();
    const redelivered = await replicas[1]!.deliver(
      'pull_request',
      pullRequestPayload(repo, prs[0]!, 'closed'),
      {
        id: results[0]!.id,
      },
    );
    expect(redelivered.status).toBe(200);
    expect(counts()).toEqual(before);
    expect(repo.deployments).toHaveLength(4);
    for (const app of replicas) expect(app.deliveries.every((d) => d.result.error === undefined)).toBe(true);
    double.assertClean();
  });
});
