/**
 * Webhook deliveries over HTTP: signatures are verified before anything runs, oversized and
 * malformed bodies are refused, events the App does not handle do nothing, a redelivery changes
 * nothing, rate limits are waited out and retried, and several installations are served at once,
 * each with its own installation token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import {
  deliverWebhook,
  type GitHubDouble,
  loadExample,
  type RepoState,
  signWebhook,
  startGitHubDouble,
} from '../github-double/index.js';
import {
  addTrainingRun,
  openPr,
  pullRequestPayload,
  type RunningApp,
  SECRET,
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

describe('signatures and bodies', () => {
  it('refuses a delivery with a wrong or missing signature, and nothing happens', async () => {
    const pr = openPr(repo, { headSha: sha('c') });
    const payload = pullRequestPayload(repo, pr, 'opened');
    const wrong = await app.deliver('pull_request', payload, { secret: 'not-the-secret' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('signature does not match');
    const body = JSON.stringify(payload);
    const missing = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'x',
      },
      body,
    });
    expect(missing.status).toBe(400);
    // a signature of another body (a replayed header with a changed payload)
    const tampered = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'y',
        'x-hub-signature-256': signWebhook(body, SECRET),
      },
      body: body.replace('"opened"', '"reopened"'),
    });
    expect(tampered.status).toBe(400);
    expect(double.requests).toHaveLength(0);
    expect(app.deliveries).toHaveLength(0);
    expect(repo.checkRuns).toHaveLength(0);
    double.assertClean();
  });

  it('refuses bodies over 25 MiB before parsing, and bad JSON', async () => {
    const big = JSON.stringify({ action: 'opened', padding: 'x'.repeat(26 * 1024 * 1024) });
    const res = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'big',
        'x-hub-signature-256': signWebhook(big, SECRET),
      },
      body: big,
    });
    expect(res.status).toBe(413);
    const notJson = '{"action": "opened",';
    const bad = await fetch(app.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'bad',
        'x-hub-signature-256': signWebhook(notJson, SECRET),
      },
      body: notJson,
    });
    expect(bad.status).toBe(400);
    expect(double.requests).toHaveLength(0);
    // the App still serves
    const pr = openPr(repo, { headSha: sha('c') });
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
    expect(repo.checkRuns).toHaveLength(1);
    double.assertClean();
  });

  it('answers events and actions it does not handle with 200 and no request', async () => {
    const star = loadExample('star.created');
    expect((await app.deliver('star', star)).status).toBe(200);
    const pr = openPr(repo, { headSha: sha('c') });
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'assigned'))).status).toBe(200);
    expect(double.requests).toHaveLength(0);
    expect(app.deliveries).toHaveLength(0);
    // a payload that is not GitHub's shape is reported and answered 500 without a GitHub call
    const broken = { ...pullRequestPayload(repo, pr, 'opened'), pull_request: { number: 'one' } };
    const res = await app.deliver('pull_request', broken);
    expect(res.status).toBe(500);
    expect(app.deliveries.at(-1)?.result.error).toMatch(/invalid pull_request payload: pull_request\./);
    expect(double.requests).toHaveLength(0);
    double.assertClean();
  });
});

describe('redelivery', () => {
  it('changes nothing when the same deliveries come again', async () => {
    await seedBaseline(double, repo);
    const head = sha('c');
    const pr = openPr(repo, { headSha: head });
    const opened = pullRequestPayload(repo, pr, 'opened');
    const first = await app.deliver('pull_request', opened);
    expect((await app.deliver('pull_request', opened, { id: first.id })).status).toBe(200);
    expect(repo.checkRuns.filter((c) => c.name === 'modelgate/risk')).toHaveLength(1);

    const { zip } = await trainRun(head, 'good');
    const run = addTrainingRun(repo, head, zip, { pullRequests: [pr.number] });
    const completed = workflowRunPayload(repo, { id: run.id, headSha: head, pullRequests: [pr.number] });
    const r1 = await app.deliver('workflow_run', completed);
    expect(r1.status).toBe(200);
    const comment = repo.comments.find((c) => c.body.includes(REPORT_COMMENT_MARKER));
    const check = repo.checkRuns.find((c) => c.name === 'modelgate/risk');
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
    const before = {
      comments: repo.comments.map((c) => ({ ...c })),
      checks: repo.checkRuns.map((c) => ({ ...c, annotations: [...c.annotations] })),
    };
    const writes = double.requests.filter((r) => r.method !== 'GET').length;
    const r2 = await app.deliver('workflow_run', completed, { id: r1.id });
    expect(r2.status).toBe(200);
    expect(repo.comments.filter((c) => c.body.includes(REPORT_COMMENT_MARKER))).toHaveLength(1);
    expect(repo.comments.find((c) => c.id === comment?.id)?.body).toBe(comment?.body);
    expect(repo.checkRuns.filter((c) => c.name === 'modelgate/risk')).toHaveLength(1);
    expect(repo.comments.map((c) => c.body)).toEqual(before.comments.map((c) => c.body));
    expect(repo.checkRuns.map((c) => [c.id, c.status, c.conclusion, c.summary])).toEqual(
      before.checks.map((c) => [c.id, c.status, c.conclusion, c.summary]),
    );
    // the redelivery wrote nothing new to GitHub (the check may be refreshed, never duplicated)
    const newWrites = double.requests.filter((r) => r.method !== 'GET').slice(writes);
    expect(
      newWrites.filter(
        (r) => r.operationId !== 'checks/update' && r.operationId !== 'apps/create-installation-access-token',
      ),
    ).toEqual([]);
    double.assertClean();
  });
});

describe('rate limits', () => {
  it('waits out a primary and a secondary rate limit and retries', async () => {
    const first = openPr(repo, { headSha: sha('a') });
    expect((await app.deliver('pull_request', pullRequestPayload(repo, first, 'opened'))).status).toBe(200);
    for (const kind of ['primary', 'secondary'] as const) {
      const pr = openPr(repo, { headSha: kind === 'primary' ? sha('b') : sha('c') });
      const before = double.requests.length;
      double.rateLimitNext(1, { kind, resetSeconds: 1 });
      const res = await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'));
      expect(res.status).toBe(200);
      expect(app.deliveries.at(-1)?.result.error).toBeUndefined();
      const seen = double.requests.slice(before);
      expect(seen[0]?.status).toBe(kind === 'primary' ? 403 : 429);
      expect(seen[1]?.path).toBe(seen[0]?.path);
      expect(seen[1]?.status).toBe(200);
      expect(repo.checkRuns.filter((c) => c.headSha === pr.headSha)).toHaveLength(1);
    }
    double.assertClean();
  });
});

describe('many installations', () => {
  it('serves several installations at once, each with its own token', async () => {
    const other = seedRepo(double, 'beta', 'models', 77);
    const repos = [repo, other];
    const prs = repos.map((r, i) => openPr(r, { headSha: sha(String(i + 1)) }));
    const results = await Promise.all(
      repos.map((r, i) => app.deliver('pull_request', pullRequestPayload(r, prs[i]!, 'opened'))),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    for (const r of repos) expect(r.checkRuns).toHaveLength(1);
    const tokenOf = new Map(double.state.issuedTokens.map((t) => [t.token, t.installationId]));
    expect(new Set(tokenOf.values())).toEqual(new Set([1, 77]));
    for (const request of double.requests.filter((q) => q.path.startsWith('/repos/'))) {
      const token = request.headers.authorization?.split(' ')[1] ?? '';
      const installation = request.path.startsWith('/repos/beta/') ? 77 : 1;
      expect(tokenOf.get(token)).toBe(installation);
    }
    double.assertClean();
  });
});

// Make sure the webhook endpoint is the only thing served.
it('passes other paths to the next handler', async () => {
  const res = await fetch(app.url.replace('/api/github/webhooks', '/health'));
  expect(res.status).toBe(404);
  const get = await deliverWebhook(app.url, { event: 'ping', payload: {}, secret: SECRET }).catch(() => null);
  expect(get?.status).toBe(200);
});
