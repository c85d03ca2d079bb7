/**
 * The bundled `train` action (actions/train/dist/index.js, the committed bundle) run as the runner
 * runs it, on Node 24: the built-in trainer on the example repository, the artifact upload through
 * a stand-in artifact service, bad inputs, and a training command that is killed mid-run.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRecordSchema } from '../../src/config/run-record.js';
import { type ArtifactService, startArtifactService } from './artifact-service.js';
import { makeWorkspace, node24Path, pullRequestEvent, ROOT, runActionProcess } from './helpers.js';

const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
let workspace: string;
let service: ArtifactService;

beforeAll(async () => {
  await node24Path();
  workspace = await makeWorkspace();
  service = await startArtifactService({ taken: ['modelgate-run-crashy'] });
  // A command-mode model whose training is killed (SIGKILL, as the OOM killer or a lost runner does).
  await mkdir(join(workspace, 'models', 'crashy'));
  await writeFile(
    join(workspace, 'models', 'crashy', 'model.yml'),
    [
      'name: crashy',
      'task: binary',
      'data:',
      '  train: ../../data/policies.csv',
      '  label: claim',
      'command:',
      '  run: echo "epoch 1 of 3"; kill -KILL $$',
      '  predictions: predictions.csv',
      '',
    ].join('\n'),
  );
  const config = join(workspace, '.github', 'modelgate.yml');
  await writeFile(config, `${await readFile(config, 'utf8')}\n  - name: crashy\n    path: models/crashy\n`);
});
afterAll(async () => {
  await service?.close();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('train action (node24, as the runner runs it)', () => {
  it('trains the model, records the PR head commit and the runner, and uploads the run folder', async () => {
    const res = await runActionProcess('train', {
      workspace,
      inputs: { model: 'risk', backend: 'wasm' },
      eventName: 'pull_request',
      eventPayload: pullRequestEvent(HEAD),
      env: {
        ACTIONS_RUNTIME_TOKEN: service.token,
        ACTIONS_RESULTS_URL: service.url,
        // @actions/artifact only talks to github.com's artifact service (GHES is refused).
        GITHUB_SERVER_URL: 'https://github.com',
      },
    });
    expect(res.stderr + res.stdout).not.toMatch(/::error::/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^modelgate train \(node v24\./m);

    const runDir = join(workspace, '.modelgate', 'runs', 'risk');
    const record = RunRecordSchema.parse(JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')));
    expect(record.status).toBe('succeeded');
    // The checkout of a pull request is a merge commit: the run belongs to the head commit.
    expect(record.git.sha).toBe(HEAD);
    expect(record.environment.runner).toBe('test-runner-1');
    expect(record.environment.backend).toBe('wasm');
    expect(record.environment.node).toMatch(/^v24\./);
    expect(record.data.train?.rows).toBe(600);

    expect(res.outputs).toEqual({
      'run-dir': '.modelgate/runs/risk',
      'run-id': record.id,
      'artifact-name': 'modelgate-run-risk',
      backend: 'wasm',
      gpu: record.environment.gpu?.name ?? '',
      metrics: JSON.stringify(record.metrics.overall),
    });
    expect(JSON.parse(res.outputs.metrics!).roc_auc).toBe(record.metrics.overall.roc_auc);

    expect(res.summary).toMatch(/^## ✅ modelgate train: risk/);
    expect(res.summary).toContain(`| Run | ${record.id.replaceAll('_', '\\_')} |`);
    expect(res.summary).toMatch(/\| Backend \| wasm \|/);
    expect(res.summary).toMatch(/\| Runner \| test-runner-1 \(Linux\/X64\); runs-on: self-hosted, gpu \|/);
    expect(res.summary).toMatch(/\| roc\\_auc \| 0\.\d{4} \| min 0\.7, max regression 0\.01, required \|/);
    expect(res.summary).toMatch(/\| Artifact \| modelgate-run-risk \(uploaded, \d+ bytes\) \|/);

    // The artifact: the run folder as `modelgate train` writes it (contract 3), zipped.
    expect(service.artifacts.map((a) => a.name)).toEqual(['modelgate-run-risk']);
    const zip = unzipSync(service.artifacts[0]!.bytes);
    const names = Object.keys(zip).sort();
    expect(names).toEqual(
      expect.arrayContaining(['run.json', 'model.yml', 'data.contract.yml', 'predictions.csv']),
    );
    expect(names.some((n) => n.startsWith('model/'))).toBe(true);
    // The repository config as trained with, byte for byte (the App may use it instead of reading
    // .github/modelgate.yml at the head commit when the SHA-256 matches).
    expect(new TextDecoder().decode(zip['repo-config.yml']!)).toBe(
      await readFile(join(workspace, '.github', 'modelgate.yml'), 'utf8'),
    );
    expect(JSON.parse(new TextDecoder().decode(zip['run.json']!))).toEqual(
      JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')),
    );
    expect(service.artifacts[0]!.size).toBe(service.artifacts[0]!.bytes.length);
  });

  it('runs on the node this process runs too, and replaces a previous run folder', async () => {
    const runDir = join(workspace, 'out', 'risk');
    await mkdir(join(runDir, 'stale'), { recursive: true });
    await writeFile(join(runDir, 'run.json'), '{}');
    const res = await runActionProcess('train', {
      workspace,
      node: 'node',
      inputs: { model: 'risk', output: 'out/risk', data: 'data/policies_eval.csv', upload: 'false' },
    });
    expect(res.code).toBe(0);
    expect(existsSync(join(runDir, 'stale'))).toBe(false);
    const record = RunRecordSchema.parse(JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')));
    // The data input replaced data.train: 500 rows of the eval file, recorded by its path.
    expect(record.data.train).toMatchObject({ rows: 500, path: 'data/policies_eval.csv' });
    expect(await readFile(join(runDir, 'model.yml'), 'utf8')).toMatch(
      /train: \.\.\/\.\.\/data\/policies_eval\.csv/,
    );
    // No override file is left next to model.yml.
    const left = (await import('node:fs')).readdirSync(join(workspace, 'models', 'risk'));
    expect(left.sort()).toEqual(['data.contract.yml', 'model.yml']);
    expect(res.outputs['run-dir']).toBe('out/risk');
    expect(res.summary).toMatch(/not uploaded: input upload is false/);
    expect(res.stdout).not.toMatch(/upload the run folder/);
  });

  it('loads a native tfjs package from the workspace, never from the bundle', async () => {
    const missing = await runActionProcess('train', {
      workspace,
      inputs: { model: 'risk', backend: 'tensorflow', upload: 'false' },
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(
      /::error::modelgate train: backend "tensorflow" needs the package @tensorflow\/tfjs-node, which is not installed/,
    );
    // A stand-in @tensorflow/tfjs-node installed in the workspace (tfjs on its cpu kernels): found there.
    const pkg = join(workspace, 'node_modules', '@tensorflow', 'tfjs-node');
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@tensorflow/tfjs-node', type: 'module', main: 'index.js' }),
    );
    await writeFile(
      join(pkg, 'index.js'),
      [
        "import { createRequire } from 'node:module';",
        `const tf = createRequire(import.meta.url)(${JSON.stringify(join(ROOT, 'node_modules', '@tensorflow', 'tfjs'))});`,
        "export default { ...tf, setBackend: (name) => tf.setBackend(name === 'tensorflow' ? 'cpu' : name) };",
      ].join('\n'),
    );
    try {
      const res = await runActionProcess('train', {
        workspace,
        inputs: { model: 'risk', backend: 'tensorflow', output: 'runs/native', upload: 'false' },
      });
      expect(res.stdout).not.toMatch(/::error::/);
      expect(res.outputs.backend).toBe('tensorflow');
    } finally {
      await rm(join(workspace, 'node_modules'), { recursive: true, force: true });
    }
  });

  it('fails with the bad input named, before any work', async () => {
    const res = await runActionProcess('train', {
      workspace,
      inputs: { model: 'risk', backend: 'cuda', 'timeout-minutes': '0' },
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/::error::modelgate train: Invalid action inputs:/);
    expect(res.stdout).toMatch(/input "backend" \(INPUT_BACKEND\): .*\(got "cuda"\)/);
    expect(res.stdout).toMatch(
      /input "timeout-minutes" \(INPUT_TIMEOUT-MINUTES\): must be at least 1 \(got "0"\)/,
    );
    expect(res.outputs).toEqual({});
  });

  it('names the config file and the models it has when the model is unknown', async () => {
    const res = await runActionProcess('train', { workspace, inputs: { model: 'fraud' } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(
      /::error::.*\.github\/modelgate\.yml: models: has no model named "fraud" \(it lists: risk, risk-torch, crashy\)/,
    );
  });

  it('refuses to write outside the workspace or over a folder that is not a run', async () => {
    const outside = await runActionProcess('train', { workspace, inputs: { model: 'risk', output: '../x' } });
    expect(outside.code).toBe(1);
    expect(outside.stdout).toMatch(/input "output" \(INPUT_OUTPUT\): must be a folder inside the workspace/);
    const models = await runActionProcess('train', {
      workspace,
      inputs: { model: 'risk', output: 'models' },
    });
    expect(models.code).toBe(1);
    expect(models.stdout).toMatch(/not a modelgate run folder \(no run\.json\); refusing to overwrite it/);
    expect(existsSync(join(workspace, 'models', 'risk', 'model.yml'))).toBe(true);
  });

  it('marks a killed training failed: the record is kept and the step fails with the reason', async () => {
    const res = await runActionProcess('train', {
      workspace,
      inputs: { model: 'crashy' },
      env: {
        ACTIONS_RUNTIME_TOKEN: service.token,
        ACTIONS_RESULTS_URL: service.url,
        GITHUB_SERVER_URL: 'https://github.com',
      },
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/epoch 1 of 3/);
    expect(res.stdout).toMatch(/::error::modelgate train: the command exited with signal SIGKILL/);
    const record = RunRecordSchema.parse(
      JSON.parse(await readFile(join(workspace, '.modelgate', 'runs', 'crashy', 'run.json'), 'utf8')),
    );
    expect(record.status).toBe('failed');
    expect(record.command?.signal).toBe('SIGKILL');
    expect(res.outputs['run-id']).toBe(record.id);
    expect(res.outputs['artifact-name']).toBe('modelgate-run-crashy');
    expect(res.summary).toMatch(/^## ❌ modelgate train: crashy/);
    expect(res.summary).toMatch(/\| Status \| failed \|/);
    expect(res.summary).toMatch(/### Error\n\n```text\nthe command exited with signal SIGKILL/);
    // The service already holds an artifact of that name (a re-run): not an error of its own.
    expect(res.summary).toMatch(/modelgate-run-crashy \(already uploaded\)/);
  });

  it('stops training when the runner cancels the job (SIGINT) and records the command as failed', async () => {
    await writeFile(
      join(workspace, 'models', 'crashy', 'model.yml'),
      (await readFile(join(workspace, 'models', 'crashy', 'model.yml'), 'utf8')).replace(
        /run: .*/,
        // The quotes keep the marker out of the logged command line: it appears once the command runs.
        'run: echo "training st""arted"; sleep 30',
      ),
    );
    const res = await runActionProcess('train', {
      workspace,
      inputs: { model: 'crashy', upload: 'false' },
      signal: { when: 'training started', signal: 'SIGINT' },
    });
    expect(res.code).toBe(1);
    expect(res.wallMs).toBeLessThan(25_000);
    expect(res.stdout).toMatch(/::error::modelgate train: training was cancelled/);
    const record = RunRecordSchema.parse(
      JSON.parse(await readFile(join(workspace, '.modelgate', 'runs', 'crashy', 'run.json'), 'utf8')),
    );
    expect(record.status).toBe('failed');
  });
});
