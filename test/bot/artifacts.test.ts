/**
 * Hostile and broken run artifacts over HTTP: too large, a path leaving the folder, a zip bomb, a
 * run of another commit, not a zip at all, a failed training run without an artifact. Each ends as
 * a failed `modelgate/risk` check naming the problem; nothing is written outside the delivery's
 * scratch folder, which is removed afterwards; the App keeps serving.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubDouble, type RepoState, startGitHubDouble } from '../github-double/index.js';
import {
  addTrainingRun,
  folderFiles,
  openPr,
  type RunningApp,
  seedRepo,
  startApp,
  tempDir,
  trainRun,
  workflowRunPayload,
} from './harness.js';

let double: GitHubDouble;
let app: RunningApp;
let repo: RepoState;
let workDir: string;
const LIMIT = 512 * 1024;
beforeEach(async () => {
  double = await startGitHubDouble();
  workDir = await tempDir('modelgate-bot-work-');
  app = await startApp(double, { workDir, limits: { resamples: 200, artifactBytes: LIMIT } });
  repo = seedRepo(double);
});
afterEach(async () => {
  await app.close();
  await double.close();
});

let counter = 0;
const nextSha = () => (++counter).toString(16).padStart(40, 'a');

async function deliverRun(headSha: string, zip: Uint8Array | null, conclusion = 'success') {
  const pr = openPr(repo, { headSha });
  const run = addTrainingRun(repo, headSha, zip, { pullRequests: [pr.number], conclusion });
  const res = await app.deliver(
    'workflow_run',
    workflowRunPayload(repo, { id: run.id, headSha, pullRequests: [pr.number], conclusion }),
  );
  expect(res.status).toBe(200);
  const checks = repo.checkRuns.filter((c) => c.headSha === headSha && c.name === 'modelgate/risk');
  expect(checks).toHaveLength(1);
  return checks[0]!;
}

describe('run artifacts', () => {
  it('turns every bad artifact into a failed check and keeps serving', async () => {
    const cases: {
      name: string;
      make: (sha: string) => Promise<Uint8Array | null>;
      expect: RegExp;
      conclusion?: string;
    }[] = [
      {
        name: 'larger than the limit',
        make: async (sha) => {
          const files = await folderFiles((await trainRun(sha, 'good')).dir);
          files['model/blob.bin'] = randomBytes(LIMIT + 1024);
          return zipSync(files, { level: 0 });
        },
        expect: /more than the limit of 524288/,
      },
      {
        name: 'an entry leaving the folder',
        make: async (sha) => {
          const files = await folderFiles((await trainRun(sha, 'good')).dir);
          files['../../escaped.txt'] = new TextEncoder().encode('owned');
          return zipSync(files);
        },
        expect: /"\.\." is not allowed/,
      },
      {
        name: 'a zip bomb',
        make: async (sha) => {
          const files = await folderFiles((await trainRun(sha, 'good')).dir);
          files['model/zeros.bin'] = new Uint8Array(8 * 1024 * 1024);
          return zipSync(files, { level: 9 });
        },
        expect: /more than 524288 bytes uncompressed/,
      },
      {
        name: 'a run of another commit',
        make: async () => (await trainRun('0'.repeat(40), 'good')).zip,
        expect: /not the pull request's head commit/,
      },
      { name: 'not a zip', make: async () => randomBytes(2000), expect: /not a zip archive/ },
      {
        name: 'a failed training run',
        make: async () => null,
        expect: /ended with \*\*failure\*\*/,
        conclusion: 'failure',
      },
    ];
    for (const c of cases) {
      const sha = nextSha();
      const check = await deliverRun(sha, await c.make(sha), c.conclusion);
      expect(check.status, c.name).toBe('completed');
      expect(check.conclusion, c.name).toBe('failure');
      expect(check.summary, c.name).toMatch(c.expect);
    }
    // nothing escaped the scratch folders, and they are gone
    expect(await readdir(workDir)).toEqual([]);
    expect((await readdir(dirname(workDir))).includes('escaped.txt')).toBe(false);
    // a good artifact still works
    const sha = nextSha();
    const good = await deliverRun(sha, (await trainRun(sha, 'good')).zip);
    expect(good.conclusion).toBe('success');
    expect(app.deliveries.every((d) => d.result.error === undefined)).toBe(true);
    double.assertClean();
  });
});
