/**
 * Watching a canary on a real server (HTTP + the real ModelManager): a broken canary rolled back
 * automatically under traffic is recorded on its Deployment (`deploy --canary --watch`), a promoted
 * canary's Deployment becomes inactive, a healthy one is left alone, an unreachable server is
 * reported, and an older rollback is not mistaken for the canary's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/cli/serve-commands.js';
import { main } from '../../src/cli.js';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import { ModelManager } from '../../src/serve/model-manager.js';
import type { ModelStatus, ServedModel } from '../../src/serve/types.js';
import { deployAndWatch, newRollback, watchCanary } from '../../src/serve/watch-canary.js';
import { loadModel } from '../../src/train/saved-model.js';
import { captureIo } from '../cli/helpers.js';
import {
  post,
  type RunningServer,
  requestRows,
  startServer,
  type TrainedModel,
  trainRiskModel,
  wasmBackend,
} from './helpers.js';

const TOKEN = 'admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };

let v1: TrainedModel;
let server: RunningServer;
let manager: ModelManager;

/** 1.0.0 and 1.1.0 load the trained model; 2.0.0 loads and warms up, then fails every request. */
async function loader(name: string, version: string): Promise<ServedModel> {
  const loaded = await loadModel(v1.dir, { backend: await wasmBackend() });
  let calls = 0;
  return {
    name,
    version,
    signature: loaded.signature,
    predict(rows) {
      calls++;
      if (version === '2.0.0' && calls > 1) throw new Error('NaN weights');
      return loaded.predict(rows);
    },
    dispose: () => loaded.dispose(),
  };
}

beforeAll(async () => {
  v1 = await trainRiskModel('binary', 7);
  manager = new ModelManager({ loader, rollback: { minRequests: 5, window: 20 } });
  server = await startServer({ manager, adminToken: TOKEN, batch: { maxBatch: 16, maxWaitMs: 1 } });
  expect((await post(`${server.url}/admin/models/risk/deploy`, { version: '1.0.0' }, auth)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await server?.close();
  manager?.close();
  await v1?.cleanup();
});

/** Sends one-row predict requests until `stop()`; returns the statuses seen. */
function traffic(): { stop: () => Promise<number[]> } {
  let running = true;
  const statuses: number[] = [];
  const loop = (async () => {
    const rows = requestRows(1);
    while (running) {
      statuses.push((await post(`${server.url}/v1/models/risk:predict`, { instances: rows })).status);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return statuses;
    },
  };
}

describe('watching a canary', () => {
  it('records an automatic rollback on the canary Deployment (runDeploy with a watch)', async () => {
    const forge = new MemoryForge();
    const io = captureIo(process.cwd());
    const load = traffic();
    const ok = await runDeploy(
      {
        url: server.url,
        token: TOKEN,
        model: 'risk',
        version: '2.0.0',
        canary: 100,
        watchSeconds: 20,
        watchIntervalMs: 50,
      },
      io,
      forge,
    );
    const statuses = await load.stop();
    expect(ok).toBe(false);
    expect(statuses.filter((s) => s === 500)).toHaveLength(5);
    const canary = forge.deployments.find((d) => d.environment === 'production-canary')!;
    expect(canary).toMatchObject({ ref: 'risk@v2.0.0', transient: true });
    const mine = forge.deploymentStatuses.filter((s) => s.deploymentId === canary.id);
    expect(mine.map((s) => s.state)).toEqual(['in_progress', 'success', 'failure']);
    expect(mine[2]!.description).toMatch(/^rolled back automatically: error rate .* exceeds 5\.0%/);
    expect(mine[2]!.environmentUrl).toBe(server.url);
    expect(io.text.out).toMatch(
      /deployment production-canary risk@v2\.0\.0: failure - rolled back automatically: error rate/,
    );
    expect(io.text.out).toContain('risk: stable 1.0.0\n');
    expect(io.text.err).toContain('modelgate deploy: watching the canary risk 2.0.0 for 20 s');
  }, 30_000);

  it('`modelgate deploy --canary --watch` exits 1 when the canary is rolled back', async () => {
    const io = captureIo(process.cwd());
    io.env = { MODELGATE_ADMIN_TOKEN: TOKEN };
    const load = traffic();
    const code = await main(
      [
        'deploy',
        '--url',
        server.url,
        '--model',
        'risk',
        '--version',
        '2.0.0',
        '--canary',
        '100',
        '--watch',
        '15',
      ],
      io,
    );
    await load.stop();
    expect(code, io.text.err).toBe(1);
    expect(io.text.out).toMatch(/production-canary risk@v2\.0\.0: failure - rolled back automatically/);
    const usage = captureIo(process.cwd());
    usage.env = { MODELGATE_ADMIN_TOKEN: TOKEN };
    expect(
      await main(
        ['deploy', '--url', server.url, '--model', 'risk', '--version', '2.0.0', '--watch', '5'],
        usage,
      ),
    ).toBe(2);
    expect(usage.text.err).toContain('--watch watches a canary');
  }, 30_000);

  it('marks a promoted canary inactive and leaves a healthy one alone', async () => {
    const forge = new MemoryForge();
    const admin = { url: server.url, token: TOKEN };
    const watching = deployAndWatch({
      forge,
      admin,
      model: 'risk',
      version: '1.1.0',
      canary: 10,
      watchSeconds: 20,
      watchIntervalMs: 30,
    });
    // Promote once the canary runs (the watch sees it disappear into stable).
    for (let i = 0; i < 200; i++) {
      const st = (await (
        await fetch(`${server.url}/admin/models/risk`, { headers: auth })
      ).json()) as ModelStatus;
      if (st.canary?.version === '1.1.0') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await post(`${server.url}/admin/models/risk/promote`, {}, auth)).status).toBe(200);
    const promoted = await watching;
    expect(promoted).toMatchObject({ state: 'success', watch: { outcome: 'promoted' } });
    expect(forge.deploymentStatuses.map((s) => [s.state, s.description])).toEqual([
      ['in_progress', 'rolling out'],
      ['success', 'canary at 10%'],
      ['inactive', 'promoted to stable'],
    ]);
    // A canary that keeps running through the watch: nothing more is recorded.
    const quiet = new MemoryForge();
    const healthy = await deployAndWatch({
      forge: quiet,
      admin,
      model: 'risk',
      version: '1.0.0',
      canary: 10,
      watchSeconds: 0.2,
      watchIntervalMs: 50,
    });
    expect(healthy.watch).toMatchObject({
      outcome: 'healthy',
      status: { canary: { version: '1.0.0', weight: 10 } },
    });
    expect(quiet.deploymentStatuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect((await post(`${server.url}/admin/models/risk/rollback`, {}, auth)).status).toBe(200);
  }, 30_000);

  it('reports an unreachable server as unknown and writes nothing', async () => {
    const forge = new MemoryForge();
    const lines: string[] = [];
    const out = await watchCanary({
      forge,
      admin: { url: 'http://127.0.0.1:1', token: TOKEN, timeoutMs: 500 },
      model: 'risk',
      version: '2.0.0',
      deploymentId: 1,
      seconds: 0.1,
      intervalMs: 50,
      log: (l) => lines.push(l),
    });
    expect(out).toMatchObject({ outcome: 'unknown', error: expect.stringContaining('cannot reach') });
    expect(forge.deploymentStatuses).toEqual([]);
    expect(lines[0]).toMatch(/^watching risk: admin API \/admin\/models\/risk: cannot reach/);
  });

  it('newRollback: only a rollback of the canary version newer than the initial status counts', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const status = (lastRollback?: ModelStatus['lastRollback']): ModelStatus => ({
      name: 'risk',
      stable: { version: '1.0.0', state: 'AVAILABLE' },
      canary: null,
      ...(lastRollback ? { lastRollback } : {}),
    });
    const old = status({ version: '2.0.0', reason: 'old', at });
    expect(newRollback(status(), '2.0.0')).toBeNull();
    expect(newRollback(old, '2.0.0')).toEqual({ reason: 'old' });
    expect(newRollback(old, '2.0.0', old)).toBeNull();
    expect(newRollback(old, '3.0.0')).toBeNull();
    expect(
      newRollback(status({ version: '2.0.0', reason: 'new', at: '2026-01-02T00:00:00.000Z' }), '2.0.0', old),
    ).toEqual({
      reason: 'new',
    });
  });
});
