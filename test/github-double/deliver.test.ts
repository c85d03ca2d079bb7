import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Probot } from 'probot';
import { afterEach, describe, expect, test } from 'vitest';
import { adjustExample, deliverWebhook, exampleEventNames, loadExample, signWebhook } from './deliver.js';
import { type GitHubDouble, startGitHubDouble } from './server.js';

describe('examples', () => {
  test.each([
    ['pull_request.opened', 'pull_request'],
    ['pull_request.closed', 'pull_request'],
    ['workflow_run.completed', 'workflow_run'],
    ['pull_request_review.submitted', 'review'],
    ['issue_comment.created', 'comment'],
    ['issues.labeled', 'label'],
  ])('%s loads with its %s object', (event, key) => {
    const payload = loadExample(event);
    expect(payload.action).toBe(event.split('.')[1]);
    expect(payload[key]).toBeTypeOf('object');
    expect(payload.repository).toMatchObject({ full_name: expect.stringContaining('/') });
  });

  test('a predicate narrows, a copy is returned, a missing example names the actions that exist', () => {
    const withPr = loadExample(
      'workflow_run.completed',
      (p) => (p.workflow_run as { pull_requests: [] }).pull_requests.length > 0,
    );
    expect((withPr.workflow_run as { pull_requests: unknown[] }).pull_requests).toHaveLength(1);
    expect(
      (loadExample('workflow_run.completed').workflow_run as { pull_requests: unknown[] }).pull_requests,
    ).toEqual([]);
    withPr.action = 'changed';
    expect(loadExample('workflow_run.completed', (p) => p.action === 'completed').action).toBe('completed');
    expect(() =>
      loadExample('pull_request.closed', (p) => (p.pull_request as { merged: boolean }).merged),
    ).toThrow(/no example of 'pull_request.closed' matches/);
    expect(() => loadExample('workflow_run.in_progress')).toThrow(/examples exist for: completed, requested/);
    expect(() => loadExample('no_such_event')).toThrow(/no event 'no_such_event'/);
    expect(exampleEventNames()).toContain('check_run');
  });

  test('adjustExample renames the repository everywhere and sets ids, nothing else', () => {
    const original = loadExample('pull_request.opened');
    const adjusted = adjustExample(original, {
      owner: 'acme',
      repo: 'models',
      installationId: 77,
      repoId: 555,
      sender: 'alice',
      apiUrl: 'http://127.0.0.1:1234',
    });
    const text = JSON.stringify(adjusted);
    expect(text).not.toContain('Codertocat/Hello-World');
    expect(text).not.toContain('https://api.github.com');
    expect(adjusted.repository).toMatchObject({
      id: 555,
      name: 'models',
      full_name: 'acme/models',
      owner: { login: 'acme' },
      url: 'http://127.0.0.1:1234/repos/acme/models',
    });
    expect(adjusted.installation).toMatchObject({ id: 77 });
    expect(adjusted.sender).toMatchObject({ login: 'alice' });
    const pr = adjusted.pull_request as {
      base: { label: string; repo: { full_name: string } };
      title: string;
    };
    expect(pr.base.repo.full_name).toBe('acme/models');
    expect(pr.base.label).toMatch(/^acme:/);
    expect(pr.title).toBe((original.pull_request as { title: string }).title);
    expect(adjusted.number).toBe(original.number);
    expect((original.repository as { full_name: string }).full_name).toBe('Codertocat/Hello-World');
  });

  test('adjustExample sets further fields by dotted path and refuses a path through nothing', () => {
    const sha = 'c'.repeat(40);
    const merged = adjustExample(loadExample('pull_request.closed'), {
      owner: 'acme',
      repo: 'models',
      set: {
        'pull_request.merged': true,
        'pull_request.head.sha': sha,
        'pull_request.labels': [{ name: 'model' }],
      },
    });
    const pr = merged.pull_request as { merged: boolean; head: { sha: string }; labels: { name: string }[] };
    expect(pr).toMatchObject({ merged: true, head: { sha }, labels: [{ name: 'model' }] });
    expect(() =>
      adjustExample(loadExample('issues.labeled'), {
        owner: 'a',
        repo: 'b',
        set: { 'pull_request.merged': true },
      }),
    ).toThrow(/'pull_request.merged' goes through 'pull_request'/);
  });
});

describe('signatures', () => {
  test('signWebhook matches GitHub’s documented example and an independent HMAC', () => {
    // From GitHub's "Validating webhook deliveries" documentation.
    expect(signWebhook('Hello, World!', "It's a Secret to Everybody")).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
    const body = JSON.stringify(loadExample('issues.labeled'));
    expect(signWebhook(body, 's3cret')).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`,
    );
  });
});

describe('delivery to a running App', () => {
  let double: GitHubDouble | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await double?.close();
  });

  test('a signed pull_request.opened reaches Probot, which comments through the double as the App', async () => {
    double = await startGitHubDouble({ appId: 4242 });
    const example = loadExample('pull_request.opened');
    const repoState = double.state.addRepo({ owner: 'acme', repo: 'models' });
    repoState.addPullRequest({ number: example.number as number, headSha: 'a'.repeat(40) });
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const probot = new Probot({
      appId: 4242,
      privateKey,
      secret: 'hook-secret',
      baseUrl: double.url,
      logLevel: 'fatal',
    });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on('pull_request.opened', async (context) => {
          await context.octokit.request(
            'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
            context.issue({ body: 'Thanks!' }),
          );
        });
      },
      { probot },
    );
    server = createServer((req, res) => {
      void middleware(req, res, () => {
        res.writeHead(404);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
    const payload = adjustExample(example, { owner: 'acme', repo: 'models', installationId: 1 });

    const forged = await deliverWebhook(hook, {
      event: 'pull_request',
      payload,
      secret: 'hook-secret',
      headers: { 'x-hub-signature-256': signWebhook('{}', 'hook-secret') },
    });
    expect(forged.status).toBe(400);
    expect(repoState.comments).toHaveLength(0);

    const delivered = await deliverWebhook(hook, { event: 'pull_request', payload, secret: 'hook-secret' });
    expect(delivered.status).toBe(200);
    expect(delivered.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(repoState.comments).toMatchObject([
      { issueNumber: example.number, body: 'Thanks!', user: 'modelgate[bot]' },
    ]);
    expect(double.requests.map((r) => [r.operationId, r.auth, r.status])).toEqual([
      ['apps/create-installation-access-token', 'jwt', 201],
      ['issues/create-comment', 'token', 201],
    ]);
    double.assertClean();
  });
});
