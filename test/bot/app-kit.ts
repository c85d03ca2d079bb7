/**
 * The kit of the App's HTTP tests and benchmark (no vitest in it; `harness.ts` adds the cleanup): the GitHub test double, the App behind a real `node:http` server
 * (the Node middleware, an RSA key made for the test), GitHub's example payloads adjusted to the
 * double's pull requests, and real run artifacts made by `runTraining` (command mode: a tiny
 * training script on generated data) and zipped as upload-artifact does.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { createModelgateMiddleware, type ModelgateMiddlewareOptions } from '../../bot/middleware.js';
import type { DeliveryReport } from '../../bot/options.js';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { releaseRun } from '../../src/release/release-run.js';
import { runTraining } from '../../src/runs/run-training.js';
import {
  adjustExample,
  deliverWebhook,
  type GitHubDouble,
  loadExample,
  type PullRecord,
  type RepoState,
  type WebhookPayload,
  type WebhookResponse,
} from '../github-double/index.js';

const created: string[] = [];

/** Removes every folder {@link tempDir} made. */
export async function removeTempDirs(): Promise<void> {
  const dirs = created.splice(0);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

/** A fresh temporary folder, removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'modelgate-bot-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** The webhook secret of the test App. */
export const SECRET = 'modelgate-test-secret';

let privateKey: string | undefined;

/** An RSA private key (PKCS#8 PEM) for the App's JWTs, made once per test file. */
export function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return privateKey;
}

/** A running App. */
export interface RunningApp {
  /** The webhook endpoint, `http://127.0.0.1:<port>/api/github/webhooks`. */
  url: string;
  /** Every handled delivery, in completion order. */
  deliveries: DeliveryReport[];
  /** POSTs a signed delivery of `event` with `payload`. */
  deliver(
    event: string,
    payload: unknown,
    options?: { id?: string; secret?: string },
  ): Promise<WebhookResponse>;
  close(): Promise<void>;
}

/** Starts the App (the Node middleware on a `node:http` server) against the double. */
export async function startApp(
  double: GitHubDouble,
  options: Partial<ModelgateMiddlewareOptions> = {},
): Promise<RunningApp> {
  const deliveries: DeliveryReport[] = [];
  const middleware = await createModelgateMiddleware({
    appId: double.state.appId,
    privateKey: testPrivateKey(),
    secret: SECRET,
    baseUrl: double.url,
    logLevel: (process.env.LOG_LEVEL as ModelgateMiddlewareOptions['logLevel']) ?? 'fatal',
    env: {},
    limits: { resamples: 200 },
    client: { pace: false, retryAfterBaseValue: 5, requestTimeoutMs: 10_000 },
    ...options,
    onDelivery: (report) => {
      deliveries.push(report);
      options.onDelivery?.(report);
    },
  });
  const server: Server = createServer((req, res) => {
    middleware(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${middleware.webhooksPath}`;
  return {
    url,
    deliveries,
    deliver: (event, payload, o = {}) =>
      deliverWebhook(url, {
        event,
        payload,
        secret: o.secret ?? SECRET,
        ...(o.id ? { id: o.id } : {}),
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// --- the repository -----------------------------------------------------------------------------

/** The repository config of the tests: roc_auc may drop by 0.02 before approval is needed. */
export const CONFIG = `version: 1
registry:
  type: github
models:
  - name: risk
    path: models/risk
    metrics:
      - name: roc_auc
        max_regression: 0.02
    drift:
      schedule: "0 6 * * *"
      retrain: true
`;

/** Seeds `acme/models` with the config on main, people and their permissions. */
export function seedRepo(
  double: GitHubDouble,
  owner = 'acme',
  name = 'models',
  installationId?: number,
): RepoState {
  const repo = double.state.addRepo({
    owner,
    repo: name,
    ...(installationId !== undefined ? { installationId } : {}),
  });
  const main = 'f'.repeat(40);
  repo.setBranch('main', main);
  repo.setFile('.github/modelgate.yml', 'main', CONFIG);
  repo.setPermission('alice', 'write');
  repo.setPermission('bob', 'write');
  repo.setPermission('rita', 'read');
  return repo;
}

/** Opens a pull request changing the model (config at its head). */
export function openPr(
  repo: RepoState,
  options: { headSha: string; user?: string; headRepo?: string; config?: string; number?: number },
): PullRecord {
  repo.setFile('.github/modelgate.yml', options.headSha, options.config ?? CONFIG);
  return repo.addPullRequest({
    headSha: options.headSha,
    user: options.user ?? 'alice',
    files: ['models/risk/model.yml'],
    ...(options.headRepo ? { headRepo: options.headRepo } : {}),
    ...(options.number ? { number: options.number } : {}),
  });
}

/** Merges a pull request in the double (merge commit on main, the config there). */
export function mergePr(repo: RepoState, pr: PullRecord, mergeSha: string): void {
  pr.state = 'closed';
  pr.merged = true;
  pr.mergeCommitSha = mergeSha;
  pr.closedAt = pr.mergedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  repo.setBranch('main', mergeSha);
  repo.setFile(
    '.github/modelgate.yml',
    mergeSha,
    repo.getFile('.github/modelgate.yml', pr.headSha) ?? CONFIG,
  );
}

// --- payloads (GitHub's examples, adjusted) -----------------------------------------------------

function base(event: string, repo: RepoState, predicate?: (p: WebhookPayload) => boolean): WebhookPayload {
  const payload = adjustExample(loadExample(event, predicate), {
    owner: repo.owner,
    repo: repo.name,
    installationId: repo.installationId,
  });
  // The examples' repository uses `master`; the double's uses its own default branch.
  (payload.repository as Record<string, unknown>).default_branch = repo.defaultBranch;
  return payload;
}

type Json = Record<string, unknown>;

function prObject(target: Json, pr: PullRecord, repo: RepoState): void {
  target.number = pr.number;
  target.html_url = `https://github.com/${repo.fullName}/pull/${pr.number}`;
  target.state = pr.state;
  target.merged = pr.merged;
  target.merge_commit_sha = pr.mergeCommitSha;
  target.labels = pr.labels.map((name) => ({ name }));
  (target.user as Json).login = pr.user;
  const head = target.head as Json;
  head.sha = pr.headSha;
  head.ref = pr.headRef;
  if (pr.headRepo) (head.repo as Json).full_name = pr.headRepo;
  else head.repo = null;
  (target.base as Json).ref = pr.baseRef;
}

/** A `pull_request` delivery (`opened`, `synchronize`, `closed`, ...) for a pull request of the double. */
export function pullRequestPayload(repo: RepoState, pr: PullRecord, action: string): WebhookPayload {
  const payload = base('pull_request', repo, (p) => p.action === action && 'installation' in p);
  payload.number = pr.number;
  prObject(payload.pull_request as Json, pr, repo);
  return payload;
}

/** A `workflow_run` completed delivery (the pull-request workflow), with or without `pull_requests`. */
export function workflowRunPayload(
  repo: RepoState,
  run: { id: number; headSha: string; conclusion?: string; pullRequests: number[] },
): WebhookPayload {
  const payload = base('workflow_run.completed', repo, (p) => {
    const r = p.workflow_run as { pull_requests: unknown[] };
    return r.pull_requests.length === 1;
  });
  const r = payload.workflow_run as Json;
  const template = (r.pull_requests as Json[])[0]!;
  r.id = run.id;
  r.name = 'modelgate-pr';
  r.path = '.github/workflows/modelgate-pr.yml';
  r.head_sha = run.headSha;
  r.event = 'pull_request';
  r.conclusion = run.conclusion ?? 'success';
  r.pull_requests = run.pullRequests.map((number) => ({
    ...structuredClone(template),
    number,
    head: { ...(template.head as Json), sha: run.headSha },
  }));
  return payload;
}

/** A `pull_request_review` delivery by `user` on the pull request's head. */
export function reviewPayload(
  repo: RepoState,
  pr: PullRecord,
  user: string,
  action: 'submitted' | 'dismissed' = 'submitted',
): WebhookPayload {
  const payload = base('pull_request_review', repo, (p) => p.action === action && 'installation' in p);
  prObject(payload.pull_request as Json, pr, repo);
  const review = payload.review as Json;
  (review.user as Json).login = user;
  review.state = action === 'dismissed' ? 'dismissed' : 'approved';
  review.commit_id = pr.headSha;
  return payload;
}

let commentIds = 5000;

/** An `issue_comment` created delivery by `user` on an issue or pull request. */
export function commentPayload(
  repo: RepoState,
  number: number,
  body: string,
  user: string,
  options: { pullRequest?: boolean; issueBody?: string; id?: number } = {},
): WebhookPayload {
  const payload = base('issue_comment.created', repo);
  const comment = payload.comment as Json;
  comment.id = options.id ?? ++commentIds;
  comment.body = body;
  (comment.user as Json).login = user;
  (comment.user as Json).type = 'User';
  const issue = payload.issue as Json;
  issue.number = number;
  issue.body = options.issueBody ?? null;
  if (options.pullRequest === false) delete issue.pull_request;
  else issue.pull_request = { url: `https://api.github.com/repos/${repo.fullName}/pulls/${number}` };
  return payload;
}

/** An `issues` labeled delivery. */
export function labeledPayload(repo: RepoState, number: number, label: string, body: string): WebhookPayload {
  const payload = base('issues.labeled', repo);
  (payload.label as Json).name = label;
  const issue = payload.issue as Json;
  issue.number = number;
  issue.body = body;
  issue.labels = [{ name: label }];
  delete issue.pull_request;
  return payload;
}

// --- run artifacts --------------------------------------------------------------------------------

const TRAIN_SCRIPT = `// A tiny training command: scores each eval row from x; QUALITY=bad adds heavy noise.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const rows = readFileSync(process.env.MODELGATE_EVAL_DATA, 'utf8').trim().split('\\n').slice(1);
const bad = process.env.QUALITY === 'bad';
const lines = ['id,label,score,group'];
rows.forEach((line, i) => {
  const [id, x, group, label] = line.split(',');
  const noise = ((i * 7919) % 101) / 100;
  const clean = 1 / (1 + Math.exp(-2 * Number(x)));
  const score = bad ? 0.3 * clean + 0.7 * noise : clean;
  lines.push(id + ',' + label + ',' + score.toFixed(6) + ',' + group);
});
writeFileSync(join(process.env.MODELGATE_OUTPUT, 'predictions.csv'), lines.join('\\n') + '\\n');
mkdirSync(process.env.MODELGATE_MODEL_DIR, { recursive: true });
writeFileSync(join(process.env.MODELGATE_MODEL_DIR, 'weights.txt'), 'w=2\\n');
`;

function dataCsv(prefix: string, n: number, seed: number): string {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const lines = ['id,x,group,label'];
  for (let i = 0; i < n; i++) {
    const x = (rand() * 4 - 2).toFixed(3);
    const p = 1 / (1 + Math.exp(-2 * Number(x)));
    lines.push(`${prefix}${i},${x},${i % 2 ? 'a' : 'b'},${rand() < p ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

let modelRepo: Promise<string> | undefined;

/** A model repository folder (config, models/risk with the script and data), made once per file. */
function trainingRepo(): Promise<string> {
  modelRepo ??= (async () => {
    const root = await tempDir('modelgate-bot-repo-');
    await mkdir(join(root, '.github'), { recursive: true });
    await writeFile(join(root, '.github', 'modelgate.yml'), CONFIG);
    const model = join(root, 'models', 'risk');
    await mkdir(join(model, 'data'), { recursive: true });
    await writeFile(join(model, 'train.mjs'), TRAIN_SCRIPT);
    await writeFile(join(model, 'data', 'train.csv'), dataCsv('train', 200, 7));
    await writeFile(join(model, 'data', 'eval.csv'), dataCsv('eval', 200, 11));
    return root;
  })();
  return modelRepo;
}

function modelYml(quality: 'good' | 'bad'): string {
  return [
    'name: risk',
    'task: binary',
    'data:',
    '  train: data/train.csv',
    '  eval: data/eval.csv',
    '  label: label',
    '  id: id',
    '  slices: [group]',
    'command:',
    '  run: node train.mjs',
    '  predictions: predictions.csv',
    '  model_dir: model',
    '  timeout_minutes: 1',
    '  env:',
    `    QUALITY: ${quality}`,
    '',
  ].join('\n');
}

async function filesOf(dir: string, root = dir): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await filesOf(path, root));
    else out[relative(root, path).split('\\').join('/')] = new Uint8Array(await readFile(path));
  }
  return out;
}

/** Zips a folder's files (paths relative to it), as actions/upload-artifact does. */
export async function zipFolder(dir: string): Promise<Uint8Array> {
  return zipSync(await filesOf(dir), { level: 6 });
}

/** The files of a folder, for hostile variants of an artifact. */
export function folderFiles(dir: string): Promise<Record<string, Uint8Array>> {
  return filesOf(dir);
}

/**
 * Trains the test model with `runTraining` for commit `sha` (a real run folder: run.json,
 * model.yml, predictions.csv, model/, train.log) and returns the folder and its artifact zip.
 */
export async function trainRun(
  sha: string,
  quality: 'good' | 'bad',
): Promise<{ dir: string; zip: Uint8Array }> {
  const root = await trainingRepo();
  const modelFile = join(root, 'models', 'risk', `model-${quality}.yml`);
  await writeFile(modelFile, modelYml(quality));
  const outDir = await tempDir('modelgate-bot-run-');
  const { dir } = await runTraining({
    modelFile,
    outDir,
    cwd: root,
    env: { GITHUB_SHA: sha, GITHUB_HEAD_REF: 'feature', RUNNER_NAME: 'test' },
    log: () => {},
    isTTY: false,
    write: () => {},
  });
  return { dir, zip: await zipFolder(dir) };
}

/** Adds a completed pull-request workflow run with the model's artifact to the double. */
export function addTrainingRun(
  repo: RepoState,
  headSha: string,
  zip: Uint8Array | null,
  options: { pullRequests?: number[]; conclusion?: string; headRepo?: string } = {},
) {
  const run = repo.addWorkflowRun({
    headSha,
    name: 'modelgate-pr',
    path: '.github/workflows/modelgate-pr.yml',
    conclusion: options.conclusion ?? 'success',
    pullRequests: options.pullRequests ?? [],
    ...(options.headRepo ? { headRepo: options.headRepo } : {}),
  });
  if (zip) repo.addArtifact(run.id, 'modelgate-run-risk', zip);
  return run;
}

/** A forge on the double acting as a workflow (`GITHUB_TOKEN`), to seed releases the way CI makes them. */
export function workflowForge(double: GitHubDouble, repo: RepoState): OctokitForge {
  const octokit = createOctokit({
    token: 'ghs_workflow',
    baseUrl: double.url,
    pace: false,
    retryAfterBaseValue: 5,
  });
  return new OctokitForge(octokit, { owner: repo.owner, repo: repo.name });
}

/** Releases a good run as `risk@v1.0.0` on main (the baseline of later pull requests). */
export async function seedBaseline(double: GitHubDouble, repo: RepoState): Promise<string> {
  const mainSha = repo.resolveRef('main')!;
  const { dir } = await trainRun(mainSha, 'good');
  const outcome = await releaseRun({
    forge: workflowForge(double, repo),
    runDir: dir,
    model: 'risk',
    sha: mainSha,
    bump: 'major',
    configBump: 'minor',
  });
  return outcome.tag;
}
