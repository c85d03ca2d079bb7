/**
 * The `release` action run as the runner runs it (`node actions/release/dist/index.js`, Node 24 and
 * Node 20) against the GitHub test double over HTTP: a push to main after a merge tags the next
 * version (bump from the merged pull request's label), publishes the release with its assets, records
 * the approver, skips attestation with a notice when the runner has no OIDC token, and a re-run
 * changes nothing. GHES layout (`/api/v3`): uploads go to the release's `upload_url`. The attestation
 * subjects (sha256 of each asset as users download it) are checked in-process with a stand-in signer.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  attestationSkipReason,
  attestationSubjects,
  attestSubjects,
  sha256Hex,
} from '../../src/actions/attest.js';
import { ReleaseInputsSchema } from '../../src/actions/inputs.js';
import { mergedPullRequest, releaseAction } from '../../src/actions/release.js';
import { actionContext, readInputs } from '../../src/actions/runtime.js';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { makeRun } from '../diff/helpers.js';
import { type GitHubDouble, startGitHubDouble } from '../github-double/server.js';
import type { RepoState } from '../github-double/state.js';
import { makeWorkspace, runActionProcess, webhookExample } from './helpers.js';

const MERGE_SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const HEAD_SHA = 'feed0000feed0000feed0000feed0000feed0000';
const TOKEN = 'ghs_workflowtoken';

let workspace: string;
let double: GitHubDouble;
let repo: RepoState;

/** A run folder as `train` writes it (model/, run.json, model.yml), made by hand. */
async function writeRunFolder(dir: string, id: string, sha: string): Promise<void> {
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'model', 'model.json'), `{"format":"layers-model","run":"${id}"}\n`);
  await writeFile(
    join(dir, 'model', 'weights.bin'),
    new Uint8Array(256).map((_, i) => (i * 7) % 251),
  );
  const run = makeRun({
    id,
    git: { sha, branch: 'main', dirty: false },
    metrics: { overall: { roc_auc: 0.82, log_loss: 0.41, accuracy: 0.8 }, slices: [] },
    artifacts: { model: 'model' },
  });
  await writeFile(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  await copyFile(join(workspace, 'models', 'risk', 'model.yml'), join(dir, 'model.yml'));
}

/** A push event to main for `sha` (GitHub's published example, adjusted). */
function pushEvent(sha: string): Record<string, unknown> {
  const payload = webhookExample('push', (p) => p.ref === 'refs/heads/master' && p.head_commit !== null);
  payload.ref = 'refs/heads/main';
  payload.after = sha;
  (payload.head_commit as { id: string }).id = sha;
  return payload;
}

function env(apiUrl = double.url): Record<string, string> {
  return { GITHUB_API_URL: apiUrl, GITHUB_SHA: MERGE_SHA, GITHUB_REF: 'refs/heads/main' };
}

beforeAll(async () => {
  workspace = await makeWorkspace({ trainRows: 20, evalRows: 20 });
  await writeRunFolder(join(workspace, '.modelgate', 'runs', 'risk'), 'risk-20260301T000000Z-r1', HEAD_SHA);
}, 60_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

beforeEach(async () => {
  double = await startGitHubDouble();
  repo = double.state.addRepo({ owner: 'acme', repo: 'models' });
  // An earlier version of the model, tagged on an older commit.
  repo.addTag('risk@v1.2.0', 'ab'.repeat(20), 'risk 1.2.0');
  repo.addCommit(MERGE_SHA, 'Merge pull request #7');
});

afterEach(async () => {
  double.assertClean();
  await double.close();
});

describe('release action (process)', () => {
  it('tags and publishes the merged run on Node 24 (bump from the PR label, the approver by the gate rules); a re-run changes nothing', async () => {
    const pr = repo.addPullRequest({
      number: 7,
      title: 'Deeper risk model',
      headSha: HEAD_SHA,
      merged: true,
      mergeCommitSha: MERGE_SHA,
      labels: ['model:major'],
    });
    // The example config's approvers are @acme/risk-modelling: bob (write access, not in the team)
    // approved first and does not count; alice (in the team) does.
    for (const user of ['alice', 'bob', 'carol']) repo.setPermission(user, 'write');
    double.state.addTeamMember('acme', 'risk-modelling', 'alice');
    repo.addReview({ pullNumber: pr.number, user: 'carol', state: 'CHANGES_REQUESTED' });
    repo.addReview({ pullNumber: pr.number, user: 'bob', state: 'APPROVED' });
    repo.addReview({ pullNumber: pr.number, user: 'alice', state: 'APPROVED' });

    const run = () =>
      runActionProcess('release', {
        workspace,
        inputs: { model: 'risk', token: TOKEN },
        env: env(),
        eventName: 'push',
        eventPayload: pushEvent(MERGE_SHA),
      });
    const first = await run();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ version: '2.0.0', tag: 'risk@v2.0.0', created: 'true' });
    const release = repo.releases.find((r) => r.tagName === 'risk@v2.0.0')!;
    expect(release.draft).toBe(false);
    expect(first.outputs['release-url']).toBe(`${double.origin}/acme/models/releases/tag/risk%40v2.0.0`);
    // The annotated tag is on the merge commit.
    expect(repo.resolveRef('risk@v2.0.0')).toBe(MERGE_SHA);
    const assets = repo.assets.filter((a) => a.releaseId === release.id).map((a) => a.name);
    expect(assets).toEqual(expect.arrayContaining(['model.zip', 'run.json', 'model.yml', 'version.json']));
    const versionJson = JSON.parse(
      Buffer.from(
        repo.assets.find((a) => a.releaseId === release.id && a.name === 'version.json')!.data,
      ).toString(),
    );
    expect(versionJson).toMatchObject({
      version: '2.0.0',
      approver: 'alice',
      run_id: 'risk-20260301T000000Z-r1',
    });
    expect(versionJson.notes).toContain('#7');
    expect(first.stdout).toContain('the approval of bob does not count: is not one of the approvers of risk');
    // No OIDC token on this runner: attestation skipped with a notice, the step still succeeds.
    expect(first.stdout).toMatch(
      /::notice::modelgate: attestation skipped: the runner provides no OIDC token/,
    );
    expect(first.summary).toContain('### modelgate release');
    expect(first.summary).toContain('Merged pull request: #7.');
    expect(first.summary).toContain('No attestation: attestation skipped');

    const again = await run();
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ version: '2.0.0', tag: 'risk@v2.0.0', created: 'false' });
    expect(repo.tagNames('risk@v')).toEqual(['risk@v1.2.0', 'risk@v2.0.0']);
    expect(repo.releases).toHaveLength(1);
    expect(
      repo.assets
        .filter((a) => a.releaseId === release.id)
        .map((a) => a.name)
        .sort(),
    ).toEqual([...assets].sort());
    expect(again.summary).toContain('was released already');
  }, 60_000);

  it('on Node 20 against GHES (/api/v3): a direct push, the bump input, uploads to the release upload_url', async () => {
    const result = await runActionProcess('release', {
      node: 'node',
      workspace,
      inputs: { model: 'risk', token: TOKEN, bump: 'patch', attest: 'false' },
      env: env(double.ghesUrl),
      eventName: 'push',
      eventPayload: pushEvent(MERGE_SHA),
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`node ${process.version}`);
    expect(result.outputs).toMatchObject({ version: '1.2.1', tag: 'risk@v1.2.1', created: 'true' });
    expect(result.summary).toContain('No merged pull request lists this commit.');
    expect(result.summary).toContain('attestation disabled');
    expect(result.stdout).not.toContain('::notice::');
    expect(double.requestsFor('repos/list-pull-requests-associated-with-commit')).toHaveLength(1);
    // No github.com address is assumed: the API calls use GITHUB_API_URL, uploads the upload_url.
    const uploads = double.requests.filter((r) => r.host === 'uploads');
    expect(uploads.map((r) => r.query.name).sort()).toEqual(repo.assets.map((a) => a.name).sort());
    for (const r of uploads)
      expect(new URL(r.url).pathname).toMatch(/^\/api\/uploads\/repos\/acme\/models\/releases\/\d+\/assets$/);
    expect(double.requests.filter((r) => r.host !== 'blobs').every((r) => r.layout === 'ghes')).toBe(true);
  }, 60_000);

  it('fails with the input named when run-dir holds no run', async () => {
    const result = await runActionProcess('release', {
      node: 'node',
      workspace,
      inputs: { model: 'risk', token: TOKEN, 'run-dir': 'nowhere' },
      env: env(),
      eventName: 'push',
      eventPayload: pushEvent(MERGE_SHA),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::modelgate release: .*input "run-dir" \(INPUT_RUN-DIR\): holds no run\.json/s,
    );
    expect(repo.releases).toHaveLength(0);
    expect(double.requests).toHaveLength(0);
  }, 30_000);
});

describe('release attestation', () => {
  it('subjects are the sha256 of each asset as downloaded, named <tag>/<asset>, sorted', () => {
    const files = [
      { name: 'run.json', data: new TextEncoder().encode('{"id":"r"}\n') },
      { name: 'model.zip', data: new Uint8Array([80, 75, 5, 6, 0, 0]) },
    ];
    const subjects = attestationSubjects('risk@v1.0.0', files);
    expect(subjects.map((s) => s.name)).toEqual(['risk@v1.0.0/model.zip', 'risk@v1.0.0/run.json']);
    expect(subjects[0]!.digest.sha256).toBe(createHash('sha256').update(files[1]!.data).digest('hex'));
    expect(subjects[1]!.digest.sha256).toBe(sha256Hex(files[0]!.data));
    expect(subjects[0]!.digest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(() => attestationSubjects('risk@v1.0.0', [files[0]!, files[0]!])).toThrow(/listed twice/);
  });

  it('runs only with OIDC: the skip reasons', () => {
    expect(attestationSkipReason(false, {})).toMatch(/disabled/);
    expect(attestationSkipReason(true, {})).toMatch(/no OIDC token.*id-token: write/);
    expect(attestationSkipReason(true, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' })).toMatch(/no OIDC/);
    expect(
      attestationSkipReason(true, {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
      }),
    ).toBeNull();
  });

  it('a signer failure is an AttestationError that says the release is published', async () => {
    const subjects = attestationSubjects('risk@v1.0.0', [{ name: 'a', data: new Uint8Array([1]) }]);
    await expect(
      attestSubjects(subjects, 't', async () => {
        throw new Error('Resource not accessible by integration');
      }),
    ).rejects.toThrow(/attestation of 1 asset\(s\) failed: Resource not accessible.*release is published/);
  });

  it('with OIDC: attests every released asset by its downloaded digest (in-process, stand-in signer)', async () => {
    repo.addPullRequest({ number: 3, headSha: HEAD_SHA, merged: true, mergeCommitSha: MERGE_SHA });
    const calls: { subjects: { name: string; digest: { sha256: string } }[]; token: string }[] = [];
    const oidc = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/x',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
    };
    const runEnv = {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_API_URL: double.url,
      GITHUB_SHA: MERGE_SHA,
      INPUT_MODEL: 'risk',
      INPUT_TOKEN: TOKEN,
      ...oidc,
    };
    const forge = new OctokitForge(createOctokit({ token: TOKEN, baseUrl: double.url, pace: false }), {
      owner: 'acme',
      repo: 'models',
    });
    expect((await mergedPullRequest(forge, MERGE_SHA))?.number).toBe(3);
    const result = await releaseAction({
      inputs: readInputs(ReleaseInputsSchema, runEnv),
      context: actionContext(runEnv),
      env: runEnv,
      log: () => {},
      forge: () => forge,
      attestProvenance: async (options) => {
        calls.push(options);
        return { attestationID: '4242', tlogID: '99' };
      },
    });
    expect(result.attestationSkipped).toBeNull();
    expect(result.attestation?.attestationId).toBe('4242');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.token).toBe(TOKEN);
    const release = repo.releases.find((r) => r.tagName === result.tag)!;
    const stored = repo.assets.filter((a) => a.releaseId === release.id);
    expect(calls[0]!.subjects).toEqual(
      stored
        .map((a) => ({
          name: `${result.tag}/${a.name}`,
          digest: { sha256: createHash('sha256').update(a.data).digest('hex') },
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    expect(calls[0]!.subjects.map((s) => s.name)).toContain(`${result.tag}/model.zip`);
    expect(result.summary).toContain('Build provenance attested for');
    expect(result.summary).toContain('4242');
  }, 30_000);
});
