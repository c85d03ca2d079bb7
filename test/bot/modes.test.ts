/**
 * The App's other ways to run, against the GitHub test double: on GitHub Enterprise Server through
 * `GHE_HOST`/`GHE_PROTOCOL` (every request on `/api/v3`, asset uploads on the release's
 * `upload_url`), and Actions mode with a job token, in-process and as the `app` action's entry point
 * in a real child process. Plus the settings' validation.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runActionsMode } from '../../bot/actions-mode.js';
import { createModelgateMiddleware, gheBaseUrl } from '../../bot/middleware.js';
import { AppOptionsError, appOptionsFromEnv } from '../../bot/options.js';
import { REPORT_COMMENT_MARKER } from '../../src/forge/sticky-comment.js';
import { runActionProcess } from '../actions/helpers.js';
import {
  deliverWebhook,
  type GitHubDouble,
  type RepoState,
  startGitHubDouble,
} from '../github-double/index.js';
import {
  addTrainingRun,
  mergePr,
  openPr,
  pullRequestPayload,
  type RunningApp,
  SECRET,
  seedBaseline,
  seedRepo,
  startApp,
  tempDir,
  testPrivateKey,
  trainRun,
  workflowRunPayload,
} from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader, by absolute path (the child runs in a temporary folder). */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let double: GitHubDouble;
let repo: RepoState;
beforeEach(async () => {
  double = await startGitHubDouble();
  repo = seedRepo(double);
});
afterEach(async () => {
  await double.close();
});

describe('GitHub Enterprise Server', () => {
  let app: RunningApp;
  afterEach(async () => {
    await app.close();
  });

  it('talks only to the GHES API from GHE_HOST, and uploads assets to the upload_url', async () => {
    const host = new URL(double.url).host;
    app = await startApp(double, { baseUrl: undefined, env: { GHE_HOST: host, GHE_PROTOCOL: 'http' } });
    await seedBaseline(double, repo);
    double.clearLog();
    const head = 'c'.repeat(40);
    const pr = openPr(repo, { headSha: head });
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'opened'))).status).toBe(200);
    const { zip } = await trainRun(head, 'good');
    const run = addTrainingRun(repo, head, zip, { pullRequests: [pr.number] });
    const res = await app.deliver(
      'workflow_run',
      workflowRunPayload(repo, { id: run.id, headSha: head, pullRequests: [pr.number] }),
    );
    expect(res.status).toBe(200);
    mergePr(repo, pr, 'd'.repeat(40));
    expect((await app.deliver('pull_request', pullRequestPayload(repo, pr, 'closed'))).status).toBe(200);
    expect(repo.releases.find((r) => r.tagName === 'risk@v1.1.0')?.draft).toBe(false);
    const api = double.requests.filter((r) => r.host !== 'blobs');
    expect(api.length).toBeGreaterThan(10);
    expect(api.every((r) => r.layout === 'ghes')).toBe(true);
    const uploads = double.requestsFor('repos/upload-release-asset');
    expect(uploads.length).toBeGreaterThan(3);
    expect(
      uploads.every((r) => r.host === 'uploads' && new URL(r.url).pathname.startsWith('/api/uploads/')),
    ).toBe(true);
    expect(app.deliveries.every((d) => d.result.error === undefined)).toBe(true);
    double.assertClean();
  });
});

describe('Actions mode', () => {
  async function completedRun(dir: string) {
    const head = 'a'.repeat(40);
    const pr = openPr(repo, { headSha: head });
    const { zip } = await trainRun(head, 'good');
    const run = addTrainingRun(repo, head, zip, { pullRequests: [pr.number] });
    const event = join(dir, 'event.json');
    await writeFile(
      event,
      JSON.stringify(workflowRunPayload(repo, { id: run.id, headSha: head, pullRequests: [pr.number] })),
    );
    return { head, pr, event };
  }

  it('runs the handler of the job event with the job token', async () => {
    const dir = await tempDir();
    const { head, event } = await completedRun(dir);
    const report = await runActionsMode({
      env: {
        GITHUB_EVENT_NAME: 'workflow_run',
        GITHUB_EVENT_PATH: event,
        GITHUB_TOKEN: 'ghs_job_token',
        GITHUB_API_URL: double.url,
        GITHUB_RUN_ID: '42',
      },
      client: { pace: false },
      limits: { resamples: 200 },
    });
    expect(report?.result.error).toBeUndefined();
    expect(report?.id).toBe('actions-42-1');
    expect(repo.checkRuns.find((c) => c.headSha === head)?.conclusion).toBe('success');
    const comment = repo.comments.find((c) => c.body.includes(REPORT_COMMENT_MARKER));
    expect(comment?.user).toBe('github-actions[bot]');
    expect(double.requests.every((r) => r.host === 'blobs' || r.actor === 'github-actions[bot]')).toBe(true);
    // an event modelgate does not handle
    await writeFile(
      join(dir, 'star.json'),
      JSON.stringify({ action: 'created', repository: { full_name: 'acme/models' } }),
    );
    expect(
      await runActionsMode({
        env: {
          GITHUB_EVENT_NAME: 'star',
          GITHUB_EVENT_PATH: join(dir, 'star.json'),
          GITHUB_TOKEN: 't',
          GITHUB_API_URL: double.url,
        },
      }),
    ).toBeNull();
    await expect(runActionsMode({ env: { GITHUB_EVENT_PATH: event } })).rejects.toThrow(
      /GITHUB_EVENT_NAME is not set/,
    );
    await expect(
      runActionsMode({
        env: {
          GITHUB_EVENT_NAME: 'workflow_run',
          GITHUB_EVENT_PATH: join(dir, 'missing.json'),
          GITHUB_TOKEN: 't',
        },
      }),
    ).rejects.toThrow(/cannot read GITHUB_EVENT_PATH/);
    double.assertClean();
  });

  it('runs as the bundled app action, as the runner runs it: outputs, summary, masked token', async () => {
    const dir = await tempDir();
    const { head, event } = await completedRun(dir);
    const result = await runActionProcess('app', {
      workspace: dir,
      node: 'node',
      eventName: 'workflow_run',
      eventPayload: JSON.parse(await readFile(event, 'utf8')) as Record<string, unknown>,
      inputs: { token: 'ghs_job_token' },
      env: { GITHUB_API_URL: double.url, MODELGATE_PACE: 'false', MODELGATE_RESAMPLES: '200' },
    });
    const log = result.stdout + result.stderr;
    expect(result.code, log).toBe(0);
    // the token is masked for the runner (its add-mask command), never printed otherwise
    expect(log.split('\n').filter((l) => l.includes('ghs_job_token'))).toEqual(['::add-mask::ghs_job_token']);
    expect(result.outputs).toMatchObject({ handled: 'true' });
    expect(result.outputs.summary).toMatch(/1 of 1 model\(s\) reported/);
    expect(result.summary).toContain('modelgate: workflow\\_run.completed');
    expect(repo.checkRuns.find((c) => c.headSha === head)?.conclusion).toBe('success');
    double.assertClean();
  });
});

describe('npm run bot', () => {
  it('serves the App from bot/main.ts in a child process, with a health check', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'bot', 'main.ts')], {
      cwd: await tempDir(),
      env: {
        PATH: process.env.PATH,
        APP_ID: String(double.state.appId),
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
        HOST: '127.0.0.1',
        PORT: String(port),
        GHE_HOST: new URL(double.url).host,
        GHE_PROTOCOL: 'http',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        MODELGATE_PACE: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const listening = new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log += d.toString();
        if (log.includes('modelgate App listening')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`bot/main.ts exited with ${code}: ${log}`)));
    });
    try {
      await listening;
      const origin = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${origin}/ping`)).text()).toBe('PONG');
      const pr = openPr(repo, { headSha: 'c'.repeat(40) });
      const res = await deliverWebhook(`${origin}/api/github/webhooks`, {
        event: 'pull_request',
        payload: pullRequestPayload(repo, pr, 'opened'),
        secret: SECRET,
      });
      expect(res.status, log).toBe(200);
      expect(repo.checkRuns.filter((c) => c.name === 'modelgate/risk')).toHaveLength(1);
      expect(double.requests.every((r) => r.layout === 'ghes')).toBe(true);
      double.assertClean();
    } finally {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('settings', () => {
  it('reads MODELGATE_* variables and names a bad one', () => {
    expect(
      appOptionsFromEnv({
        MODELGATE_DEADLINE_MS: '1000',
        MODELGATE_PACE: 'false',
        MODELGATE_PR_WORKFLOW: 'train.yml',
      }),
    ).toMatchObject({
      limits: { deadlineMs: 1000 },
      client: { pace: false },
      workflows: { pr: 'train.yml' },
    });
    expect(() => appOptionsFromEnv({ MODELGATE_DEADLINE_MS: 'soon' })).toThrow(
      /MODELGATE_DEADLINE_MS="soon"/,
    );
    expect(() => appOptionsFromEnv({ MODELGATE_RETRAIN_WORKFLOW: '../x.yml' })).toThrow(AppOptionsError);
  });

  it('builds the GHES API address and refuses a bad host', () => {
    expect(gheBaseUrl({ GHE_HOST: 'github.example.com' })).toBe('https://github.example.com/api/v3');
    expect(gheBaseUrl({ GHE_HOST: 'ghe.local:8443', GHE_PROTOCOL: 'http' })).toBe(
      'http://ghe.local:8443/api/v3',
    );
    expect(gheBaseUrl({})).toBeNull();
    expect(() => gheBaseUrl({ GHE_HOST: 'https://github.example.com' })).toThrow(/GHE_HOST/);
    expect(() => gheBaseUrl({ GHE_HOST: 'x.example', GHE_PROTOCOL: 'ftp' })).toThrow(/GHE_PROTOCOL/);
  });

  it('refuses to start without a webhook secret or App id', async () => {
    await expect(
      createModelgateMiddleware({ env: {}, appId: 1, privateKey: testPrivateKey() }),
    ).rejects.toThrow(/webhook secret is missing/);
    await expect(
      createModelgateMiddleware({ env: {}, secret: 's', privateKey: testPrivateKey() }),
    ).rejects.toThrow(/App id is missing/);
  });
});
