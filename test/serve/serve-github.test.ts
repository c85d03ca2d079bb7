/**
 * Serving from GitHub release assets: a trained run released over HTTP to the GitHub test double
 * (OctokitForge, every request checked against GitHub's OpenAPI description), then loaded through
 * GithubRegistry + registryLoader in-process, and by `modelgate serve --github` as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Row } from '../../src/data/types.js';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { GithubRegistry } from '../../src/registry/github-registry.js';
import { releaseRun } from '../../src/release/release-run.js';
import { ModelManager } from '../../src/serve/model-manager.js';
import { registryLoader } from '../../src/serve/registry-loader.js';
import { loadModel } from '../../src/train/saved-model.js';
import { captureIo } from '../cli/helpers.js';
import { type GitHubDouble, startGitHubDouble } from '../github-double/server.js';
import { tempDir, trainedRepo } from '../release/fixtures.js';
import { requestRows, wasmBackend } from './helpers.js';

const TOKEN = 'ghs_servetoken';
const SHA = 'c0ffee00'.repeat(5);
const ROOT = resolve(import.meta.dirname, '..', '..');

let double: GitHubDouble;
let runDir: string;

const forgeFor = (d: GitHubDouble) =>
  new OctokitForge(createOctokit({ token: TOKEN, baseUrl: d.url, pace: false, retryAfterBaseValue: 0 }), {
    owner: 'acme',
    repo: 'models',
  });

beforeAll(async () => {
  double = await startGitHubDouble();
  const repo = double.state.addRepo({ owner: 'acme', repo: 'models' });
  repo.addCommit(SHA, 'Merge pull request #1');
  runDir = (await trainedRepo()).runDir;
  const out = await releaseRun({ forge: forgeFor(double), runDir, model: 'risk', sha: SHA });
  expect(out).toMatchObject({ version: '1.0.0', created: true });
}, 60_000);

afterAll(async () => {
  double?.assertClean();
  await double?.close();
});

/** Request rows with the fixture model's inputs (age, region, vehicle_type, prior_claims) and the id. */
function fixtureRows(n: number, seed = 11): Row[] {
  const keep = ['policy_id', 'age', 'region', 'vehicle_type', 'prior_claims'];
  return requestRows(n, seed).map((r) => Object.fromEntries(keep.map((k) => [k, r[k] ?? null])));
}

/** The scores the run's own model gives `rows`. */
async function offlineScores(rows: Row[]): Promise<number[]> {
  const model = await loadModel(join(runDir, 'model'), { backend: await wasmBackend() });
  try {
    const p = model.predict(rows);
    if (p.task !== 'binary') throw new Error('expected binary');
    return Array.from(p.score);
  } finally {
    model.dispose();
  }
}

describe('serving GitHub releases', () => {
  it('GithubRegistry over the REST API feeds registryLoader: same predictions as the run', async () => {
    const registry = new GithubRegistry(forgeFor(double), { cacheDir: await tempDir() });
    expect(await registry.models()).toEqual(['risk']);
    const manager = new ModelManager({ loader: registryLoader(registry, { backend: await wasmBackend() }) });
    try {
      expect((await manager.deploy('risk', 'latest')).stable).toEqual({
        version: '1.0.0',
        state: 'AVAILABLE',
      });
      const rows = fixtureRows(10);
      const lease = manager.acquire('risk')!;
      const p = await lease.model.predict(rows);
      lease.release({ ok: true, latencyMs: 1 });
      if (p.task !== 'binary') throw new Error('expected binary');
      expect(Array.from(p.score)).toEqual(await offlineScores(rows));
      // The data contract released with the model applies to requests.
      expect(lease.model.contract).toBeDefined();
    } finally {
      manager.close();
    }
  });

  it('`modelgate serve --github` serves the latest release over HTTP', async () => {
    const cache = await tempDir();
    const child: ChildProcess = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'src', 'cli.ts'),
        'serve',
        '--github',
        'acme/models',
        '--cache-dir',
        cache,
        '--port',
        '0',
        '--no-log',
      ],
      {
        cwd: cache,
        env: { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: double.url, MODELGATE_ADMIN_TOKEN: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (c) => {
      stderr += c;
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no listening line in 30 s: ${stderr}`)), 30_000);
        child.stdout!.on('data', (c) => {
          out += c;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        });
        child.on('exit', (code) => fail(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stderr).toContain('versions from the releases of acme/models');
      expect(stderr).toContain('serving risk 1.0.0');
      const rows = fixtureRows(5, 3);
      const res = await fetch(`${url}/v1/models/risk:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: rows }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-modelgate-version')).toBe('1.0.0');
      const body = (await res.json()) as { predictions: number[] };
      const want = await offlineScores(rows);
      expect(body.predictions).toHaveLength(want.length);
      for (const [i, p] of body.predictions.entries()) expect(p).toBeCloseTo(want[i]!, 6);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('refuses --github without a token, and with --registry', async () => {
    const cwd = await tempDir();
    const io = captureIo(cwd);
    io.env = { GITHUB_API_URL: double.url };
    expect(await main(['serve', '--github', 'acme/models'], io)).toBe(2);
    expect(io.text.err).toContain('needs a token: set GITHUB_TOKEN or GH_TOKEN');
    const both = captureIo(cwd);
    expect(await main(['serve', '--github', 'acme/models', '--registry', 'x'], both)).toBe(2);
    expect(both.text.err).toContain('give --registry or --github, not both');
    const bad = captureIo(cwd);
    bad.env = { GITHUB_TOKEN: TOKEN };
    expect(await main(['serve', '--github', 'not a repo'], bad)).toBe(2);
    expect(bad.text.err).toContain('--github "not a repo": expected <owner>/<repo>');
  });
});
