import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelManagerError } from '../../src/serve/model-manager.js';
import type { Prediction } from '../../src/train/predict.js';
import type { ModelSignature } from '../../src/train/saved-model.js';
import { FakeManager, get, post, type RunningServer, servedModel, startServer } from './helpers.js';

const signature: ModelSignature = {
  format: 'modelgate-signature',
  version: 1,
  model: 'risk',
  inputs: [{ name: 'x', type: 'numeric', nullable: false }],
  output: { task: 'binary', label: 'y', positive_label: '1', negative_label: '0', threshold: 0.5 },
};

const constant = (version: string, score: number) =>
  servedModel('risk', version, {
    signature,
    predict: (rows): Prediction => ({ task: 'binary', score: new Float64Array(rows.length).fill(score) }),
  });

function manager(): FakeManager {
  return new FakeManager().add(constant('1.0.0', 0.25)).add(constant('1.1.0', 0.75));
}

const TOKEN = 's3cret-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API', () => {
  let server: RunningServer;
  let fake: FakeManager;
  beforeAll(async () => {
    fake = manager();
    server = await startServer({ manager: fake, adminToken: TOKEN });
  });
  afterAll(() => server.close());

  it('is not exposed without a token: every /admin path is 404', async () => {
    const plain = await startServer({ manager: manager() });
    try {
      for (const path of ['/admin', '/admin/models', '/admin/models/risk/deploy']) {
        const res = await post(`${plain.url}${path}`, { version: '1.0.0' }, auth);
        expect(res.status, path).toBe(404);
        expect(res.json).toEqual({ error: `no route ${path}` });
      }
    } finally {
      await plain.close();
    }
  });

  it('answers 401 without a token or with a wrong one', async () => {
    const url = `${server.url}/admin/models/risk/deploy`;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await post(url, { version: '1.0.0' }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.json).toEqual({ error: 'admin API: missing or wrong bearer token' });
    }
    expect(fake.calls).toEqual([]);
    // Unknown admin paths are 401 too without the token (nothing to probe).
    expect((await get(`${server.url}/admin/anything`)).status).toBe(401);
  });

  it('deploys, runs a canary, promotes and rolls back with the right token', async () => {
    const url = (op: string) => `${server.url}/admin/models/risk/${op}`;
    expect((await get(`${server.url}/readyz`)).status).toBe(503);
    const deployed = await post(url('deploy'), { version: '1.0.0' }, auth);
    expect(deployed).toMatchObject({
      status: 200,
      json: { name: 'risk', stable: { version: '1.0.0', state: 'AVAILABLE' }, canary: null },
    });
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
    const canary = await post(url('canary'), { version: '1.1.0', weight: 100 }, auth);
    expect(canary.json).toMatchObject({ canary: { version: '1.1.0', weight: 100 } });
    const served = await post(`${server.url}/v1/models/risk:predict`, { instances: [{ x: 1 }] });
    expect(served.json).toEqual({ predictions: [0.75] });
    expect(served.headers.get('x-modelgate-role')).toBe('canary');
    const promoted = await post(url('promote'), undefined, { ...auth, 'content-type': '' });
    expect(promoted.json).toMatchObject({ stable: { version: '1.1.0' }, canary: null });
    await post(url('canary'), { version: '1.0.0', weight: 5 }, auth);
    const rolled = await post(url('rollback'), { reason: 'p99 too high' }, auth);
    expect(rolled.json).toMatchObject({ stable: { version: '1.1.0' }, canary: null });
    expect(fake.calls).toEqual([
      'deploy risk 1.0.0',
      'canary risk 1.1.0 100',
      'promote risk',
      'canary risk 1.0.0 5',
      'rollback risk p99 too high',
    ]);
    expect(await get(`${server.url}/admin/models/risk`, auth)).toMatchObject({
      status: 200,
      json: { name: 'risk', stable: { version: '1.1.0' } },
    });
    expect(await get(`${server.url}/admin/models`, auth)).toMatchObject({
      status: 200,
      json: { models: [{ name: 'risk' }] },
    });
  });

  it('validates bodies with clear 400s and maps manager errors to statuses', async () => {
    const url = (op: string) => `${server.url}/admin/models/risk/${op}`;
    const cases: [string, unknown, number, RegExp][] = [
      ['deploy', {}, 400, /^deploy body: version: /],
      ['deploy', { version: 3 }, 400, /^deploy body: version: .*string/],
      ['deploy', { version: '1.0.0', force: true }, 400, /^deploy body: .*"force"/],
      ['canary', { version: '1.1.0' }, 400, /^canary body: weight: /],
      ['canary', { version: '1.1.0', weight: 101 }, 400, /^canary body: weight: .*100/],
      ['canary', { version: '1.1.0', weight: -1 }, 400, /^canary body: weight: /],
      ['promote', { now: true }, 400, /^promote body: .*"now"/],
      ['rollback', { reason: 5 }, 400, /^rollback body: reason: /],
      ['deploy', '{"version": ', 400, /^malformed JSON/],
      ['deploy', { version: '9.9.9' }, 404, /^risk@9\.9\.9 not found$/],
      ['promote', {}, 409, /^risk has no canary to promote$/],
      ['explode', {}, 404, /no admin route \/admin\/models\/risk\/explode/],
    ];
    for (const [op, body, status, message] of cases) {
      const res = await post(url(op), body, auth);
      expect(res.status, `${op} ${JSON.stringify(body)}`).toBe(status);
      expect(res.json.error).toMatch(message);
    }
    const wrongMethod = await get(url('deploy'), auth);
    expect(wrongMethod.status).toBe(405);
    const wrongType = await post(
      url('deploy'),
      { version: '1.0.0' },
      { ...auth, 'content-type': 'text/plain' },
    );
    expect(wrongType.status).toBe(415);
  });

  it("keeps a ModelManagerError's HTTP status and answers other failures with 500", async () => {
    const failing = manager();
    failing.deploy = async () => {
      throw new ModelManagerError('load-failed', 'risk@v2.0.0 failed to load: bad weights');
    };
    failing.rollback = async () => {
      throw new TypeError('cannot read properties of undefined');
    };
    const s = await startServer({ manager: failing, adminToken: TOKEN });
    try {
      const load = await post(`${s.url}/admin/models/risk/deploy`, { version: '2.0.0' }, auth);
      expect(load).toMatchObject({ status: 502, json: { error: 'risk@v2.0.0 failed to load: bad weights' } });
      const crash = await post(`${s.url}/admin/models/risk/rollback`, {}, auth);
      expect(crash).toMatchObject({
        status: 500,
        json: { error: 'admin operation failed: cannot read properties of undefined' },
      });
      expect((await get(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('timeouts', () => {
  it('answers 408 to a client that sends its body too slowly', async () => {
    const fake = manager();
    await fake.deploy('risk', '1.0.0');
    const s = await startServer({ manager: fake, timeouts: { requestMs: 300 } });
    try {
      const port = Number(new URL(s.url).port);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(
            'POST /v1/models/risk:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"inst',
          );
        });
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect((await get(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
