/** Shared helpers of the App use-case tests: run folders, artifacts (real zips), payloads, a forge world. */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll } from 'vitest';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import type { AppDeps } from '../../src/pr/app-deps.js';
import { LocalRegistry } from '../../src/registry/local-registry.js';
import { binaryExamples, runFromExamples, syntheticBinary } from '../diff/helpers.js';

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed when the test file finishes. */
export async function tempDir(prefix = 'modelgate-pr-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A 40-hex SHA made of one repeated character (or a counter). */
export function sha(c: string | number): string {
  return typeof c === 'number' ? c.toString(16).padStart(40, '0') : c.repeat(40);
}

/** The model.yml of the test model. */
export const MODEL_YML = `name: risk
task: binary
threshold: 0.5
data:
  train: ../data/train.csv
  label: claim
  id: policy_id
  slices: [gender]
`;

/** The repository config: roc_auc may not drop by more than 0.01 without approval; drift monitored. */
export const CONFIG = `version: 1
models:
  - name: risk
    path: models/risk
    metrics:
      - name: roc_auc
        max_regression: 0.01
    drift:
      schedule: "0 6 * * *"
`;

const N = 300;
const data = syntheticBinary(
  N,
  [
    { signal: 1, noise: 0.2 },
    { signal: 0.2, noise: 1.5 },
  ],
  11,
);

/**
 * Writes a run folder (run.json with metrics computed from its predictions, model.yml,
 * predictions.csv, model/model.json). `good` scores well, `bad` regresses roc_auc by far.
 */
export async function writeRunFolder(
  dir: string,
  options: { sha: string; quality: 'good' | 'bad'; id?: string; model?: string },
): Promise<string> {
  const score = data.scores[options.quality === 'good' ? 0 : 1]!;
  const examples = binaryExamples(data.yTrue, score, { ids: data.ids, slices: { gender: data.group } });
  const run = runFromExamples(examples, {
    id: options.id ?? `risk-${options.quality}-${options.sha.slice(0, 8)}`,
    model: options.model ?? 'risk',
    git: { sha: options.sha, branch: 'feature', dirty: false },
  });
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  await writeFile(
    join(dir, 'model.yml'),
    MODEL_YML.replace('name: risk', `name: ${options.model ?? 'risk'}`),
  );
  const rows = data.ids.map((id, i) => `${id},${data.yTrue[i]},${score[i]},${data.group[i]}`);
  await writeFile(join(dir, 'predictions.csv'), `policy_id,claim,score,gender\n${rows.join('\n')}\n`);
  await writeFile(join(dir, 'model', 'model.json'), '{"format":"layers-model"}\n');
  return dir;
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

/** Zips a folder (as the upload-artifact action does: paths relative to the folder). */
export async function zipFolder(dir: string): Promise<Uint8Array> {
  return zipSync(await filesOf(dir), { level: 6 });
}

/** The files of a run folder, for building hostile variants. */
export async function runFiles(dir: string): Promise<Record<string, Uint8Array>> {
  return filesOf(dir);
}

/** A run artifact zip of a freshly written run folder. */
export async function runArtifact(options: { sha: string; quality: 'good' | 'bad'; id?: string }) {
  const dir = await writeRunFolder(await tempDir('modelgate-run-'), options);
  return { dir, zip: await zipFolder(dir) };
}

/**
 * A world: a memory forge with the config at `headSha`, a local registry holding risk@v1.0.0 (good).
 * `appId`: the app the forge's own check runs belong to (default the forge's, 1).
 */
export async function world(options: { config?: string; baseline?: boolean; appId?: number } = {}) {
  const root = await tempDir();
  const forge = new MemoryForge({
    repo: 'acme/models',
    now: () => new Date('2026-03-01T00:00:00Z'),
    ...(options.appId !== undefined ? { appId: options.appId } : {}),
  });
  const registry = new LocalRegistry(join(root, 'registry'), () => new Date('2026-02-01T00:00:00Z'));
  if (options.baseline !== false) {
    const base = await writeRunFolder(join(root, 'baseline'), {
      sha: sha('b'),
      quality: 'good',
      id: 'risk-base',
    });
    await registry.register(base, { version: '1.0.0' });
  }
  const config = options.config ?? CONFIG;
  forge.setFile('.github/modelgate.yml', 'main', config);
  const deps: AppDeps = {
    forge,
    registry,
    limits: { resamples: 200 },
    workDir: root,
  };
  return { root, forge, registry, deps, config };
}

/** Opens a pull request on the forge with the config at its head. */
export function openPullRequest(
  w: Awaited<ReturnType<typeof world>>,
  options: { headSha: string; user?: string; files?: string[]; config?: string },
) {
  w.forge.setFile('.github/modelgate.yml', options.headSha, options.config ?? w.config);
  return w.forge.addPullRequest({
    headSha: options.headSha,
    user: options.user ?? 'alice',
    files: options.files ?? ['models/risk/model.yml'],
    headRef: 'feature',
    url: 'https://github.example/acme/models/pull/1',
  });
}

const repository = { full_name: 'acme/models', default_branch: 'main' };

/** A `pull_request` payload for a forge pull request. */
export async function prEvent(forge: MemoryForge, number: number, action: string) {
  const p = await forge.getPullRequest(number);
  return {
    action,
    number,
    pull_request: {
      number,
      state: p.state,
      merged: p.merged,
      merge_commit_sha: p.mergeCommitSha,
      html_url: p.url,
      user: { login: p.user },
      head: { sha: p.headSha, ref: p.headRef, repo: { full_name: p.headRepo } },
      base: { ref: p.baseRef },
      labels: p.labels.map((name) => ({ name })),
    },
    repository,
  };
}

/** A `workflow_run` completed payload. */
export function workflowRunEvent(
  runId: number,
  headSha: string,
  conclusion: string | null,
  options: { name?: string; prs?: number[] } = {},
) {
  return {
    action: 'completed',
    workflow_run: {
      id: runId,
      name: options.name ?? 'modelgate-pr',
      path: '.github/workflows/modelgate-pr.yml',
      head_sha: headSha,
      head_branch: 'feature',
      event: 'pull_request',
      status: 'completed',
      conclusion,
      html_url: `https://github.example/acme/models/actions/runs/${runId}`,
      pull_requests: (options.prs ?? []).map((n) => ({ number: n, head: { sha: headSha } })),
    },
    repository,
  };
}

/** A `pull_request_review` payload. */
export async function reviewEvent(forge: MemoryForge, number: number, action: string, user: string) {
  const pr = await prEvent(forge, number, action);
  return {
    action,
    review: {
      user: { login: user },
      state: action === 'dismissed' ? 'dismissed' : 'approved',
      commit_id: pr.pull_request.head.sha,
    },
    pull_request: pr.pull_request,
    repository,
  };
}

let commentIds = 1000;

/** An `issue_comment` created payload. */
export function commentEvent(
  number: number,
  body: string,
  user: string,
  options: { pr?: boolean; id?: number; issueBody?: string } = {},
) {
  return {
    action: 'created',
    comment: { id: options.id ?? ++commentIds, body, user: { login: user, type: 'User' } },
    issue: {
      number,
      title: 'issue',
      body: options.issueBody ?? null,
      labels: [],
      ...(options.pr === false
        ? {}
        : { pull_request: { url: `https://api.github.example/pulls/${number}` } }),
    },
    repository,
  };
}

/** An `issues` labeled payload. */
export function labeledEvent(number: number, label: string, body: string) {
  return {
    action: 'labeled',
    label: { name: label },
    issue: { number, title: 'Drift detected', body, labels: [{ name: label }] },
    repository,
  };
}
