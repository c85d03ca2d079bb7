/**
 * The bundled `drift` action run as the runner runs it (Node 24): against a local reference profile,
 * and against the GitHub registry on the GitHub test double (the release's profile.json), where it
 * opens the version's drift issue, dispatches retraining, then closes the issue when drift clears.
 * Every request the action sends is checked against GitHub's OpenAPI description by the double.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';
import { driftMarker } from '../../src/drift/issue-lifecycle.js';
import { profileFile, writeProfile } from '../../src/drift/profile.js';
import { createOctokit } from '../../src/forge/create-octokit.js';
import { OctokitForge } from '../../src/forge/octokit-forge.js';
import { releaseRun } from '../../src/release/release-run.js';
import { runTraining } from '../../src/runs/run-training.js';
import { type GitHubDouble, startGitHubDouble } from '../github-double/server.js';
import { makeWorkspace, node24Path, runActionProcess } from './helpers.js';

let workspace: string;

beforeAll(async () => {
  await node24Path();
  workspace = await makeWorkspace({ trainRows: 800, epochs: 1 });
  const current = (name: string, shift: number, seed: number) =>
    writeRows(
      join(workspace, 'data', name),
      riskRows({ rows: 600, seed, shift, firstId: 5_000_000 + seed * 10_000 }),
      RISK_COLUMNS,
    );
  await current('week-1.csv', 0, 11);
  await current('week-2.csv', 0.8, 12);
  await current('week-3.csv', 0, 13);
  await writeProfile(
    join(workspace, 'reference.json'),
    await profileFile(join(workspace, 'data', 'policies.csv'), {}, { source: 'data/policies.csv' }),
  );
});
afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('drift action with a local reference', () => {
  it('finds drift in shifted data, writes the reports and sets the outputs', async () => {
    const res = await runActionProcess('drift', {
      workspace,
      inputs: {
        model: 'risk',
        current: 'data/week-2.csv',
        reference: 'reference.json',
        version: '1.0.0',
        'open-issue': 'false',
      },
    });
    expect(res.stdout).not.toMatch(/::error::/);
    expect(res.code).toBe(0);
    expect(res.outputs.drifted).toBe('true');
    expect(Number(res.outputs.share)).toBeGreaterThanOrEqual(0.5);
    expect(res.outputs['issue-number']).toBe('');
    expect(res.outputs['report-path']).toBe('.modelgate/drift/risk/drift.html');
    // Drift is a warning annotation, not a failure (fail-on-drift is false).
    expect(res.stdout).toMatch(/::warning::risk@v1\.0\.0: \d+ of \d+ columns drifted/);
    const dir = join(workspace, '.modelgate', 'drift', 'risk');
    expect(await readFile(join(dir, 'drift.html'), 'utf8')).toMatch(/<html/i);
    const json = JSON.parse(await readFile(join(dir, 'drift.json'), 'utf8'));
    expect(json.dataset.drifted).toBe(true);
    expect(json.dataset.share).toBe(Number(res.outputs.share));
    const md = await readFile(join(dir, 'drift.md'), 'utf8');
    expect(md).toContain(driftMarker('risk', '1.0.0'));
    expect(res.summary).toMatch(/^## ⚠️ drift: risk@v1\.0\.0/);
    expect(res.summary).toMatch(/\| Reference \| reference\.json, 800 rows \|/);
    expect(res.summary).toMatch(/\| Current \| data\/week-2\.csv, 600 rows \|/);
    expect(res.summary).toMatch(/\| Issue \| not synced \|/);
    expect(res.summary).toContain(md.trim().split('\n')[1]!);
  });

  it('reports no drift on data like the reference, and fails on drift only when asked', async () => {
    const calm = await runActionProcess('drift', {
      workspace,
      inputs: {
        model: 'risk',
        current: 'data/week-1.csv',
        reference: 'reference.json',
        'open-issue': 'false',
      },
    });
    expect(calm.code).toBe(0);
    expect(calm.outputs.drifted).toBe('false');
    expect(calm.stdout).not.toMatch(/::warning::/);
    const strict = await runActionProcess('drift', {
      workspace,
      inputs: {
        model: 'risk',
        current: 'data/week-2.csv',
        reference: 'reference.json',
        'open-issue': 'false',
        'fail-on-drift': 'true',
        output: 'reports/strict',
      },
    });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      /::error::modelgate drift: risk \(local reference\): .* \(fail-on-drift is true\)/,
    );
    // The outputs and reports are still there for later steps.
    expect(strict.outputs.drifted).toBe('true');
    expect(existsSync(join(workspace, 'reports', 'strict', 'drift.html'))).toBe(true);
  });

  it('names what is missing: current data, a token for the issue, an unreadable file', async () => {
    const noCurrent = await runActionProcess('drift', {
      workspace,
      inputs: { model: 'risk', reference: 'reference.json', 'open-issue': 'false' },
    });
    expect(noCurrent.code).toBe(1);
    expect(noCurrent.stdout).toMatch(
      /input "current" \(INPUT_CURRENT\): is required: the config .* sets no drift\.data for risk/,
    );
    const noToken = await runActionProcess('drift', {
      workspace,
      inputs: { model: 'risk', current: 'data/week-1.csv', reference: 'reference.json' },
    });
    expect(noToken.code).toBe(1);
    expect(noToken.stdout).toMatch(/input "token" \(INPUT_TOKEN\): is required to sync the drift issue/);
    const missing = await runActionProcess('drift', {
      workspace,
      inputs: { model: 'risk', current: 'data/nope.csv', reference: 'reference.json', 'open-issue': 'false' },
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::modelgate drift: data\/nope\.csv: not found/);
  });
});

describe('drift action on the GitHub registry (test double)', () => {
  let github: GitHubDouble;
  let version: string;

  beforeAll(async () => {
    github = await startGitHubDouble();
    github.state.addRepo({ owner: 'acme', repo: 'models' });
    const sha = 'a'.repeat(40);
    github.state.addCommit(sha, 'train risk');
    // The repository publishes releases: the reference is the release's profile.json asset.
    const configFile = join(workspace, '.github', 'modelgate.yml');
    await writeFile(configFile, (await readFile(configFile, 'utf8')).replace(/type: local/, 'type: github'));
    const run = await runTraining({
      modelFile: join(workspace, 'models', 'risk', 'model.yml'),
      outDir: join(workspace, '.modelgate', 'runs', 'released'),
      cwd: workspace,
      backend: 'wasm',
      log: () => {},
      write: () => {},
      isTTY: false,
      env: { GITHUB_SHA: sha },
    });
    const forge = new OctokitForge(createOctokit({ token: 'release-token', baseUrl: github.url }), {
      owner: 'acme',
      repo: 'models',
    });
    const released = await releaseRun({ forge, runDir: run.dir, model: 'risk', sha });
    version = released.version;
    expect(released.assets).toContain('profile.json');
    github.clearLog();
  });
  afterAll(async () => {
    await github?.close();
  });

  const runDrift = (current: string) =>
    runActionProcess('drift', {
      workspace,
      inputs: { model: 'risk', current, token: 'ghs_workflowtoken', 'retrain-workflow': 'retrain.yml' },
      env: { GITHUB_API_URL: github.url },
    });

  it('opens the drift issue of the latest release and dispatches retraining, then closes it', async () => {
    const calm = await runDrift('data/week-1.csv');
    expect(calm.stdout).not.toMatch(/::error::/);
    expect(calm.code).toBe(0);
    expect(calm.outputs).toMatchObject({ drifted: 'false', 'issue-number': '' });
    expect(calm.summary).toMatch(new RegExp(`^## ✅ no drift: risk@v${version.replaceAll('.', '\\.')}`));
    expect(calm.summary).toMatch(/\| Issue \| no drift; no issue \|/);
    expect(calm.summary).toMatch(
      /\| Reference \| risk@\u200Bv[\d.]+ \(release asset profile\.json\), 800 rows \|/,
    );

    const drifted = await runDrift('data/week-2.csv');
    expect(drifted.code).toBe(0);
    expect(drifted.outputs.drifted).toBe('true');
    const repo = github.state.repo();
    const issue = repo.issues.find((i) => i.body?.includes(driftMarker('risk', version)));
    expect(issue).toBeDefined();
    expect(drifted.outputs['issue-number']).toBe(String(issue!.number));
    expect(issue!.state).toBe('open');
    expect(issue!.title).toMatch(new RegExp(`^Drift detected: risk@v${version.replaceAll('.', '\\.')} \\(`));
    expect(drifted.summary).toMatch(
      new RegExp(
        `\\| Issue \\| opened \\[#${issue!.number}\\]\\(http://127\\.0\\.0\\.1:\\d+/acme/models/issues/${issue!.number}\\) \\|`,
      ),
    );
    // The config sets drift.retrain: the retraining workflow is dispatched on the default branch.
    expect(repo.dispatches).toHaveLength(1);
    expect(repo.dispatches[0]).toMatchObject({
      ref: 'main',
      inputs: { model: 'risk', version, reason: 'drift' },
    });

    const cleared = await runDrift('data/week-3.csv');
    expect(cleared.code).toBe(0);
    expect(cleared.outputs).toMatchObject({ drifted: 'false', 'issue-number': String(issue!.number) });
    expect(repo.issues.find((i) => i.number === issue!.number)!.state).toBe('closed');
    expect(cleared.summary).toMatch(new RegExp(`\\| Issue \\| closed \\[#${issue!.number}\\]\\(`));

    // Every call used the API URL the runner gave, with the token, and matched GitHub's OpenAPI description.
    expect(github.requests.length).toBeGreaterThan(0);
    expect(github.requests.every((r) => r.headers.authorization === 'token ghs_workflowtoken')).toBe(true);
    github.assertClean();
    // Only the profile is downloaded, not the model.
    const downloads = github.requests.filter((r) => r.operationId === 'repos/get-release-asset');
    expect(downloads.length).toBeGreaterThan(0);
    // The token is masked (the runner hides it in every later log line) and never printed otherwise.
    expect(calm.stdout).toContain('::add-mask::ghs_workflowtoken');
    expect((calm.stdout + drifted.stdout).replaceAll('::add-mask::ghs_workflowtoken', '')).not.toContain(
      'ghs_workflowtoken',
    );
  });

  it('names a version that was never released', async () => {
    const res = await runActionProcess('drift', {
      workspace,
      inputs: {
        model: 'risk',
        current: 'data/week-1.csv',
        token: 't',
        version: '9.9.9',
        'open-issue': 'false',
      },
      env: { GITHUB_API_URL: github.url },
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/::error::modelgate drift: risk@v9\.9\.9 is not a released version of risk/);
  });
});
