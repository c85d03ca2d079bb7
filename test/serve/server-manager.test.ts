/**
 * The HTTP server with the real model manager: deploys through the admin API, hot swaps under a
 * load loop, and a broken canary rolled back automatically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { ModelManager } from '../../src/serve/model-manager.js';
import type { ServedModel } from '../../src/serve/types.js';
import { type LoadedModel, loadModel } from '../../src/train/saved-model.js';
import {
  get,
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
let v2: TrainedModel;
const offline = new Map<string, LoadedModel>();
const disposed: string[] = [];

beforeAll(async () => {
  [v1, v2] = await Promise.all([trainRiskModel('binary', 7), trainRiskModel('binary', 8)]);
  const backend = await wasmBackend();
  offline.set('1.0.0', await loadModel(v1.dir, { backend }));
  offline.set('1.1.0', await loadModel(v2.dir, { backend }));
});

afterAll(async () => {
  for (const m of offline.values()) m.dispose();
  await v1?.cleanup();
  await v2?.cleanup();
});

const scores = (version: string, rows: Row[]): number[] => {
  const p = offline.get(version)!.predict(rows);
  if (p.task !== 'binary') throw new Error('expected binary');
  return Array.from(p.score);
};

/** Loads 1.0.0 and 1.1.0 from their folders; 2.0.0 loads (and warms up) but fails every request after. */
async function loader(name: string, version: string): Promise<ServedModel> {
  const dir = version === '1.1.0' ? v2.dir : v1.dir;
  const loaded = await loadModel(dir, { backend: await wasmBackend() });
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
    dispose() {
      disposed.push(version);
      loaded.dispose();
    },
  };
}

describe('server + ModelManager', () => {
  let server: RunningServer;
  let manager: ModelManager;

  beforeAll(async () => {
    manager = new ModelManager({ loader, rollback: { minRequests: 5, window: 20 }, keepPrevious: false });
    server = await startServer({ manager, adminToken: TOKEN, batch: { maxBatch: 32, maxWaitMs: 1 } });
  });
  afterAll(async () => {
    await server.close();
    manager.close();
  });

  it('deploys through the admin API and serves the offline predictions', async () => {
    expect((await get(`${server.url}/readyz`)).status).toBe(503);
    const deployed = await post(`${server.url}/admin/models/risk/deploy`, { version: '1.0.0' }, auth);
    expect(deployed).toMatchObject({
      status: 200,
      json: { name: 'risk', stable: { version: '1.0.0', state: 'AVAILABLE' } },
    });
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
    const rows = requestRows(20);
    const res = await post(`${server.url}/v1/models/risk:predict`, { instances: rows });
    expect(res.json).toEqual({ predictions: scores('1.0.0', rows) });
    expect(await get(`${server.url}/v1/models/risk`)).toEqual({
      status: 200,
      json: {
        model_version_status: [
          { version: '1.0.0', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        ],
      },
    });
  });

  it('loses no request across 3 hot swaps under a load loop', async () => {
    const rows = requestRows(64, 31);
    let stop = false;
    const seen = new Set<string>();
    let requests = 0;
    const failures: string[] = [];
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const batch = rows.slice((w * 4 + i) % 60, ((w * 4 + i) % 60) + 4);
        const res = await post(`${server.url}/v1/models/risk:predict`, { instances: batch });
        requests++;
        const version = res.headers.get('x-modelgate-version') ?? '?';
        seen.add(version);
        if (res.status !== 200) failures.push(`${res.status} ${JSON.stringify(res.json)}`);
        else if (JSON.stringify(res.json.predictions) !== JSON.stringify(scores(version, batch))) {
          failures.push(`wrong predictions for ${version}`);
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    for (const version of ['1.1.0', '1.0.0', '1.1.0']) {
      await new Promise((r) => setTimeout(r, 60));
      const swap = await post(`${server.url}/admin/models/risk/deploy`, { version }, auth);
      expect(swap.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 60));
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect([...seen].sort()).toEqual(['1.0.0', '1.1.0']);
    // Replaced versions were disposed once their requests finished (keepPrevious: false).
    expect(disposed.filter((v) => v === '1.0.0').length).toBeGreaterThanOrEqual(2);
  });

  it('rolls back a broken canary automatically after its 500s', async () => {
    const canary = await post(
      `${server.url}/admin/models/risk/canary`,
      { version: '2.0.0', weight: 100 },
      auth,
    );
    expect(canary).toMatchObject({ status: 200, json: { canary: { version: '2.0.0', weight: 100 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await post(`${server.url}/v1/models/risk:predict`, { instances: requestRows(1) });
      statuses.push(res.status);
    }
    // The first five fail on the canary (minRequests 5); then the canary is gone.
    expect(statuses).toEqual([500, 500, 500, 500, 500, 200, 200, 200]);
    const status = await get(`${server.url}/admin/models/risk`, auth);
    expect(status.json).toMatchObject({
      stable: { version: '1.1.0' },
      canary: null,
      lastRollback: { version: '2.0.0' },
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(
      'modelgate_errors_total{model="risk",version="2.0.0",role="canary",kind="predict"} 5',
    );
  });
});
