import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../../src/config/model-config.js';
import type { Row } from '../../src/data/types.js';
import { riskRows } from '../../src/demo/risk-data.js';
import { RegistryError } from '../../src/errors.js';
import { LocalRegistry } from '../../src/registry/local-registry.js';
import { type ManagerEvent, ModelManager, ModelManagerError } from '../../src/serve/model-manager.js';
import { modelFolder, registryLoader } from '../../src/serve/registry-loader.js';
import { type Backend, selectBackend } from '../../src/train/backend.js';
import { arraySource } from '../../src/train/row-source.js';
import { saveModel } from '../../src/train/saved-model.js';
import { type TrainResult, trainTabular } from '../../src/train/trainer.js';
import { writeRunFolder } from '../registry/run-fixture.js';

const FEATURES = [
  { name: 'age', type: 'numeric' },
  { name: 'region', type: 'categorical' },
  { name: 'vehicle_type', type: 'categorical' },
  { name: 'vehicle_age', type: 'numeric' },
  { name: 'annual_mileage', type: 'numeric' },
  { name: 'prior_claims', type: 'numeric' },
  { name: 'credit_band', type: 'categorical' },
];

let root: string;
let backend: Backend;
let trained: TrainResult;
let registry: LocalRegistry;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-serve-'));
  backend = await selectBackend('wasm');
  const config = ModelConfigSchema.parse({
    name: 'risk',
    task: 'binary',
    seed: 42,
    threshold: 0.3,
    data: { train: 'policies.csv', label: 'claim', id: 'policy_id', features: FEATURES },
    trainer: { hidden: [8], epochs: 2, batch_size: 64, importance: { enabled: false } },
  });
  trained = await trainTabular({
    config,
    train: arraySource([...riskRows({ rows: 400, seed: 1 })]),
    backend,
  });
  // A run folder as `modelgate train` writes it: run.json naming the model folder, model/ inside.
  const runDir = await writeRunFolder(join(root, 'run'), { model: 'risk', artifacts: { model: 'model' } });
  await saveModel(join(runDir, 'model'), trained);
  registry = new LocalRegistry(join(root, 'registry'));
  await registry.register(runDir, { version: '1.0.0' });
  await registry.register(runDir, { version: '1.1.0' });
  // A version whose run record has no model artifact.
  const bare = await writeRunFolder(join(root, 'bare'), { model: 'risk', artifacts: {} });
  await registry.register(bare, { version: '0.9.0' });
});

afterAll(async () => {
  trained?.model.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('registryLoader with a real saved model', () => {
  it('deploys from the registry and predicts what the trained model predicts; hot swaps to latest', async () => {
    const events: ManagerEvent[] = [];
    const m = new ModelManager({
      loader: registryLoader(registry, { backend }),
      onEvent: (e) => events.push(e),
    });
    expect(await m.deploy('risk', 'v1.0.0')).toEqual({
      name: 'risk',
      stable: { version: '1.0.0', state: 'AVAILABLE' },
      canary: null,
    });
    const rows: Row[] = [...riskRows({ rows: 25, seed: 99, firstId: 900000 })];
    const lease = m.acquire('risk')!;
    expect(lease.model.signature.inputs.map((i) => i.name)).toEqual(FEATURES.map((f) => f.name));
    expect(lease.model.signature.output).toMatchObject({ task: 'binary', label: 'claim', threshold: 0.3 });
    const served = await lease.model.predict(rows);
    lease.release({ ok: true, latencyMs: 1 });
    expect(served).toEqual(trained.predict(rows));
    const v1 = lease.model;

    expect((await m.deploy('risk', 'latest')).stable?.version).toBe('1.1.0');
    const next = m.acquire('risk')!;
    expect(next.model.version).toBe('1.1.0');
    expect(await next.model.predict(rows)).toEqual(served);
    next.release({ ok: true, latencyMs: 1 });
    expect(events.map((e) => e.type)).toEqual(['deploy', 'deploy']);

    // Rolling back to 1.0.0 reuses the kept model, without loading it again.
    await m.rollback('risk');
    const back = m.acquire('risk')!;
    expect(back.model).toBe(v1);
    m.close();
    expect(await v1.predict(rows)).toEqual(served); // still held: not disposed yet
    back.release({ ok: true, latencyMs: 1 });
    expect(() => v1.predict(rows)).toThrow(/risk@v1.0.0 was used after dispose/);
    v1.dispose(); // idempotent
  });

  it('names the problem when a version cannot be served', async () => {
    const m = new ModelManager({ loader: registryLoader(registry, { backend }) });
    const missing = await m.deploy('risk', '3.0.0').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ModelManagerError);
    expect((missing as Error).message).toMatch(
      /cannot load risk@v3.0.0: risk@v3.0.0 not found in .*; nothing is served/,
    );
    expect((missing as ModelManagerError).cause).toBeInstanceOf(RegistryError);
    expect((missing as ModelManagerError).httpStatus).toBe(404);
    const bare = (await m.deploy('risk', '0.9.0').catch((e: unknown) => e)) as ModelManagerError;
    expect(bare.httpStatus).toBe(502);
    expect(bare.message).toMatch(/run.json: artifacts.model is not set; this run has no model to serve/);
    const none = await registryLoader(registry, { backend })('nothing', 'latest').catch(
      (e: Error) => e.message,
    );
    expect(none).toBe('nothing has no registered version');
    await expect(registryLoader(registry)('risk', 'newest')).rejects.toThrow(
      /expected X.Y.Z, vX.Y.Z or latest/,
    );
  });

  it('modelFolder keeps artifacts.model inside the version folder', () => {
    expect(modelFolder('/r/v', 'model', 'run.json')).toBe(join('/r/v', 'model'));
    expect(modelFolder('/r/v', './out/model', 'run.json')).toBe(join('/r/v', 'out', 'model'));
    for (const bad of ['../other', '/abs/model', '.', 'a/../../x']) {
      expect(() => modelFolder('/r/v', bad, 'run.json')).toThrow(
        /must be a folder inside the version folder/,
      );
    }
  });
});
