/**
 * The `deploy` action run as the runner runs it (`node actions/deploy/dist/index.js`, Node 24 and
 * Node 20) against a REAL model server (`modelgate serve` in-process: a trained model registered at
 * two versions in a local registry, admin API on) and the GitHub test double over HTTP, whose
 * releases (made by the real release use case) say which version is latest. Checks the Deployment
 * (environment, payload with version and canary weight), its statuses (in_progress -> success with
 * the environment URL) and what the server then serves; a wrong admin token leaves a `failure`
 * status with the server's message and fails the step.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canaryWeight, normaliseVersion } from '../../src/actions/deploy.js';
import { startServing } from '../../src/cli/serve-commands.js';
import { RepoModelSchema } from '../../src/config/repo-config.js';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { LocalRegistry } from '../../src/registry/local-registry.js';
import { releaseRun } from '../../src/release/release-run.js';
import { type GitHubDouble, startGitHubDouble } from '../github-double/server.js';
import type { RepoState } from '../github-double/state.js';
import { writeRunFolder } from '../registry/run-fixture.js';
import { trainRiskModel } from '../serve/helpers.js';
import { makeWorkspace, runActionProcess } from './helpers.js';

const ADMIN_TOKEN = 'admin-s3cret-token';
const TOKEN = 'ghs_workflowtoken';
const SHAS = {
  '1.0.0': '1000000000000000000000000000000000000001',
  '1.1.0': '1100000000000000000000000000000000000011',
};

let root: string;
let workspace: string;
let registryDir: string;
const runDirs: Record<string, string> = {};
let double: GitHubDouble;
let repo: RepoState;
let serving: Awaited<ReturnType<typeof startServing>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-deploy-'));
  workspace = await makeWorkspace({ trainRows: 20, evalRows: 20 });
  // One real model, registered as two versions in the server's registry (as `modelgate register` does).
  const trained = await trainRiskModel();
  try {
    registryDir = join(root, 'registry');
    const registry = new LocalRegistry(registryDir);
    for (const version of ['1.0.0', '1.1.0'] as const) {
      const dir = await writeRunFolder(join(root, `run-${version}`), {
        id: `risk-run-${version}`,
        model: 'risk',
        git: { sha: SHAS[version], branch: 'main', dirty: false },
        artifacts: { model: 'model' },
      });
      await rm(join(dir, 'model'), { recursive: true, force: true });
      await cp(trained.dir, join(dir, 'model'), { recursive: true });
      await registry.register(dir, { version });
      runDirs[version] = dir;
    }
  } finally {
    await trained.cleanup();
  }
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(workspace, { recursive: true, force: true });
});

beforeEach(async () => {
  double = await startGitHubDouble();
  repo = double.state.addRepo({ owner: 'acme', repo: 'models' });
  const forge = new OctokitForge(createOctokit({ token: TOKEN, baseUrl: double.url, pace: false }), {
    owner: 'acme',
    repo: 'models',
  });
  // The GitHub side: both versions released from their runs, in order.
  for (const version of ['1.0.0', '1.1.0'] as const) {
    repo.addCommit(SHAS[version]);
    const out = await releaseRun({
      forge,
      runDir: runDirs[version]!,
      model: 'risk',
      sha: SHAS[version],
      bump: version === '1.0.0' ? 'major' : 'minor',
    });
    expect(out.version).toBe(version);
  }
  double.clearLog();
  serving = await startServing({
    registry: registryDir,
    models: [{ name: 'risk', version: '1.0.0' }],
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    logDir: null,
  });
}, 60_000);

afterEach(async () => {
  await serving.close();
  double.assertClean();
  await double.close();
});

const statusesOf = (id: number) => repo.deploymentStatuses.filter((s) => s.deploymentId === id);

describe('deploy action (process)', () => {
  it('Node 24: deploys the latest release as a canary at the config weight, mirrored into a Deployment', async () => {
    const result = await runActionProcess('deploy', {
      workspace,
      inputs: { model: 'risk', 'server-url': serving.url, 'admin-token': ADMIN_TOKEN, token: TOKEN },
      env: { GITHUB_API_URL: double.url },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(repo.deployments).toHaveLength(1);
    const deployment = repo.deployments[0]!;
    // The example config's deploy.canary is 10.
    expect(deployment).toMatchObject({
      ref: 'risk@v1.1.0',
      environment: 'production-canary',
      transientEnvironment: true,
      productionEnvironment: false,
      payload: { model: 'risk', version: '1.1.0', canary: 10 },
    });
    expect(deployment.sha).toBe(SHAS['1.1.0']);
    expect(statusesOf(deployment.id).map((s) => [s.state, s.environmentUrl])).toEqual([
      ['in_progress', serving.url],
      ['success', serving.url],
    ]);
    expect(statusesOf(deployment.id)[1]!.description).toBe('canary at 10%');
    expect(result.outputs).toEqual({
      'deployment-id': String(deployment.id),
      state: 'success',
      'environment-url': serving.url,
      'stage-tag': '', // a canary is not a stage assignment
    });
    // The server serves it: 1.0.0 stable, 1.1.0 as a 10% canary.
    expect(serving.manager.status('risk')).toMatchObject({
      stable: { version: '1.0.0' },
      canary: { version: '1.1.0', weight: 10 },
    });
    expect(result.summary).toContain('### modelgate deploy: success');
    expect(result.summary).toContain('as a canary at 10%');
  }, 60_000);

  it('Node 20: an explicit version with canary 0 replaces the stable version in another environment', async () => {
    const result = await runActionProcess('deploy', {
      node: 'node',
      workspace,
      inputs: {
        model: 'risk',
        version: 'v1.1.0',
        environment: 'staging',
        canary: '0',
        'stage-tag': 'true',
        'server-url': `${serving.url}/`,
        'admin-token': ADMIN_TOKEN,
        token: TOKEN,
      },
      env: { GITHUB_API_URL: double.url },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`node ${process.version}`);
    const deployment = repo.deployments[0]!;
    expect(deployment).toMatchObject({
      ref: 'risk@v1.1.0',
      environment: 'staging',
      transientEnvironment: false,
      productionEnvironment: false,
      payload: { model: 'risk', version: '1.1.0', canary: null },
    });
    expect(statusesOf(deployment.id).map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(statusesOf(deployment.id)[1]!.description).toBe('serving 1.1.0');
    expect(serving.manager.status('risk')).toMatchObject({ stable: { version: '1.1.0' }, canary: null });
    expect(result.outputs.state).toBe('success');
    // GTO's stage assignment: an annotated tag on the version's commit.
    expect(result.outputs['stage-tag']).toBe('risk#staging#1');
    expect(repo.resolveRef('refs/tags/risk#staging#1')).toBe(SHAS['1.1.0']);
  }, 60_000);

  it('a wrong admin token: failure status with the server message, the step fails, the server is unchanged', async () => {
    const result = await runActionProcess('deploy', {
      node: 'node',
      workspace,
      inputs: {
        model: 'risk',
        canary: '0',
        'server-url': serving.url,
        'admin-token': 'not-the-token',
        token: TOKEN,
      },
      env: { GITHUB_API_URL: double.url },
    });
    expect(result.code).toBe(1);
    const deployment = repo.deployments[0]!;
    const statuses = statusesOf(deployment.id);
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(statuses[1]!.description).toContain('HTTP 401: admin API: missing or wrong bearer token');
    expect(result.outputs).toMatchObject({ 'deployment-id': String(deployment.id), state: 'failure' });
    expect(result.stdout).toMatch(
      /::error::modelgate deploy: deploying risk@v1\.1\.0 to production failed: admin API .*HTTP 401: admin API: missing or wrong bearer token/,
    );
    expect(result.summary).toContain('### modelgate deploy: failure');
    expect(serving.manager.status('risk')).toMatchObject({ stable: { version: '1.0.0' }, canary: null });
  }, 60_000);

  it('refuses before any Deployment: an unreleased version, a missing server URL', async () => {
    const unreleased = await runActionProcess('deploy', {
      node: 'node',
      workspace,
      inputs: {
        model: 'risk',
        version: '9.9.9',
        'server-url': serving.url,
        'admin-token': ADMIN_TOKEN,
        token: TOKEN,
      },
      env: { GITHUB_API_URL: double.url },
    });
    expect(unreleased.code).toBe(1);
    expect(unreleased.stdout).toMatch(/::error::modelgate deploy: risk@v9\.9\.9 is not released/);
    const noServer = await runActionProcess('deploy', {
      node: 'node',
      workspace,
      inputs: { model: 'risk', 'admin-token': ADMIN_TOKEN, token: TOKEN },
      env: { GITHUB_API_URL: double.url },
    });
    expect(noServer.code).toBe(1);
    expect(noServer.stdout).toMatch(
      /input "server-url" \(INPUT_SERVER-URL\): is required: the config sets no deploy\.url for risk/,
    );
    expect(repo.deployments).toHaveLength(0);
    expect(serving.manager.status('risk')).toMatchObject({ stable: { version: '1.0.0' }, canary: null });
  }, 60_000);
});

describe('deploy inputs', () => {
  it('normalises versions and picks the canary weight (input, else config, 0 = full rollout)', () => {
    expect(normaliseVersion('risk', '1.2.3')).toBe('1.2.3');
    expect(normaliseVersion('risk', 'v1.2.3')).toBe('1.2.3');
    expect(normaliseVersion('risk', 'risk@v1.2.3')).toBe('1.2.3');
    expect(() => normaliseVersion('risk', 'latest')).toThrow(/input version: "latest" is not X\.Y\.Z/);
    const settings = RepoModelSchema.parse({ name: 'risk', path: 'models/risk', deploy: { canary: 15 } });
    expect(canaryWeight(undefined, settings)).toBe(15);
    expect(canaryWeight(40, settings)).toBe(40);
    expect(canaryWeight(0, settings)).toBeUndefined();
    expect(canaryWeight(undefined, undefined)).toBeUndefined();
    expect(() => canaryWeight(101, settings)).toThrow(/between 0 and 100/);
  });
});
