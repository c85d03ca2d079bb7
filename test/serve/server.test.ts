import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import type { RequestLogEntry } from '../../src/serve/http-types.js';
import { PredictionLog } from '../../src/serve/prediction-log.js';
import { type LoadedModel, loadModel } from '../../src/train/saved-model.js';
import {
  type CountingModel,
  FakeManager,
  get,
  post,
  type RunningServer,
  requestRows,
  servedModel,
  startServer,
  type TrainedModel,
  trainRiskModel,
  wasmBackend,
} from './helpers.js';

let binary: TrainedModel;
let regression: TrainedModel;
/** The same saved models, loaded a second time: the offline reference. */
let offline: LoadedModel;
let offlineRegression: LoadedModel;

beforeAll(async () => {
  [binary, regression] = await Promise.all([trainRiskModel('binary'), trainRiskModel('regression')]);
  const backend = await wasmBackend();
  offline = await loadModel(binary.dir, { backend });
  offlineRegression = await loadModel(regression.dir, { backend });
});

afterAll(async () => {
  offline?.dispose();
  offlineRegression?.dispose();
  await binary?.cleanup();
  await regression?.cleanup();
});

const scores = (rows: Row[]): number[] => {
  const p = offline.predict(rows);
  if (p.task !== 'binary') throw new Error('expected a binary model');
  return Array.from(p.score);
};

/** A manager serving the binary model as risk@1.0.0 (and the regression model as mileage@1.0.0). */
function setup(): { manager: FakeManager; risk: CountingModel; mileage: CountingModel } {
  const manager = new FakeManager();
  const risk = servedModel('risk', '1.0.0', binary.loaded);
  const mileage = servedModel('mileage', '1.0.0', regression.loaded);
  manager.add(risk).add(mileage);
  manager.stable.set('risk', risk);
  manager.stable.set('mileage', mileage);
  return { manager, risk, mileage };
}

describe('predict over HTTP', () => {
  let server: RunningServer;
  let manager: FakeManager;
  const logged: RequestLogEntry[] = [];

  beforeAll(async () => {
    ({ manager } = setup());
    server = await startServer({ manager, log: (e) => logged.push(e) });
  });
  afterAll(() => server.close());

  it('answers predictions equal to the offline scoring of the same rows (binary)', async () => {
    const rows = requestRows(40);
    const res = await post(
      `${server.url}/v1/models/risk:predict`,
      { instances: rows },
      { 'x-request-id': 'req-1' },
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ predictions: scores(rows) });
    expect(res.headers.get('x-modelgate-version')).toBe('1.0.0');
    expect(res.headers.get('x-modelgate-role')).toBe('stable');
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(res.headers.get('content-type')).toBe('application/json');
    // The request id is the sticky routing key when no x-request-key is given.
    expect(manager.keys.at(-1)).toBe('req-1');
    const entry = logged.find((e) => e.request_id === 'req-1');
    expect(entry).toMatchObject({ model: 'risk', version: '1.0.0', role: 'stable', outputs: scores(rows) });
    expect(entry?.inputs).toEqual(rows);
    expect(entry?.latency_ms).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(entry?.ts ?? ''))).toBe(false);
  });

  it('answers a regression model and the columnar form', async () => {
    const rows = requestRows(12, 5).map(({ annual_mileage: _m, ...r }) => r);
    const expected = offlineRegression.predict(rows);
    if (expected.task !== 'regression') throw new Error('expected regression');
    const res = await post(`${server.url}/v1/models/mileage:predict`, { instances: rows });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ predictions: Array.from(expected.yPred) });

    const binaryRows = requestRows(5, 9);
    const columns: Record<string, unknown[]> = {};
    for (const r of binaryRows) for (const [k, v] of Object.entries(r)) (columns[k] ??= []).push(v);
    const columnar = await post(`${server.url}/v1/models/risk:predict`, { inputs: columns });
    expect(columnar.status).toBe(200);
    expect(columnar.json).toEqual({ outputs: scores(binaryRows) });
  });

  it('uses x-request-key for sticky routing and generates a request id', async () => {
    const res = await post(
      `${server.url}/v1/models/risk:predict`,
      { instances: requestRows(1) },
      { 'x-request-key': 'user-42' },
    );
    expect(res.status).toBe(200);
    expect(manager.keys.at(-1)).toBe('user-42');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers bad requests with a clear 4xx naming the problem', async () => {
    const url = `${server.url}/v1/models/risk:predict`;
    const good = requestRows(3);
    const cases: [
      string,
      Promise<{ status: number; json: Record<string, unknown> }>,
      number,
      string | RegExp,
    ][] = [
      [
        'wrong type',
        post(url, { instances: [good[0], { ...good[1], age: 'abc' }] }),
        400,
        'instances[1].age: expected a number, got "abc"',
      ],
      [
        'missing field',
        post(url, { instances: [{ ...good[0], region: undefined }] }),
        400,
        /instances\[0\]\.region: missing/,
      ],
      [
        'extra field',
        post(url, { instances: [{ ...good[0], gender: 'female' }] }),
        400,
        /instances\[0\]: unknown field "gender"/,
      ],
      ['not an object', post(url, { instances: [42] }), 400, /instances\[0\]: expected an object/],
      ['empty instances', post(url, { instances: [] }), 400, 'instances: empty, nothing to predict'],
      ['no instances', post(url, { rows: good }), 400, /unknown request field "rows"/],
      ['malformed JSON', post(url, '{"instances": [{"age": 4'), 400, /^malformed JSON: /],
      ['empty body', post(url, ''), 400, /empty request body/],
      [
        'wrong content type',
        post(url, { instances: good }, { 'content-type': 'text/plain' }),
        415,
        /unsupported content type "text\/plain"/,
      ],
      [
        'form content type',
        post(url, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        /send application\/json/,
      ],
      [
        'bad charset',
        post(url, { instances: good }, { 'content-type': 'application/json; charset=latin1' }),
        415,
        /charset "latin1"/,
      ],
      [
        'unknown model',
        post(`${server.url}/v1/models/nope:predict`, { instances: good }),
        404,
        'model "nope" not found',
      ],
      [
        'unsupported verb',
        post(`${server.url}/v1/models/risk:classify`, { instances: good }),
        404,
        /":classify"/,
      ],
      [
        'version path',
        post(`${server.url}/v1/models/risk/versions/1:predict`, { instances: good }),
        404,
        /version paths are not served/,
      ],
      [
        'too many instances',
        post(url, { instances: Array.from({ length: 10_001 }, () => ({})) }),
        413,
        /too many instances: 10001/,
      ],
      ['unknown route', post(`${server.url}/v2/models`, {}), 404, 'no route /v2/models'],
    ];
    for (const [what, pending, status, message] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(status);
      expect(Object.keys(res.json), what).toEqual(['error']);
      expect(res.json.error, what).toMatch(
        typeof message === 'string' ? new RegExp(`^${escapeRegExp(message)}$`) : message,
      );
    }
    const method = await fetch(url);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
    const charset = await post(
      url,
      { instances: good },
      { 'content-type': 'Application/JSON; charset=UTF-8' },
    );
    expect(charset.status).toBe(200);
  });

  it('refuses a 2 MiB body with 413 (declared or streamed) and keeps serving', async () => {
    const big = JSON.stringify({ instances: Array.from({ length: 12_000 }, () => requestRows(1)[0]) });
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const declared = await post(`${server.url}/v1/models/risk:predict`, big);
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatch(/request body of \d+ bytes is over the limit of 1048576 bytes/);

    // Chunked (no Content-Length): refused once the limit is passed.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${server.url}/v1/models/risk:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error).toBe('request body is larger than the limit of 1048576 bytes');

    const after = await post(`${server.url}/v1/models/risk:predict`, { instances: requestRows(2) });
    expect(after.status).toBe(200);
  });

  it('survives a client that aborts mid-body', async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(`${server.url}/v1/models/risk:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
      });
      req.on('error', () => resolve());
      req.write('{"instances": [');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    const after = await post(`${server.url}/v1/models/risk:predict`, { instances: requestRows(2) });
    expect(after.status).toBe(200);
  });

  it('serves the TF Serving model status and the metadata', async () => {
    const status = await get(`${server.url}/v1/models/risk`);
    expect(status).toEqual({
      status: 200,
      json: {
        model_version_status: [
          { version: '1.0.0', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        ],
      },
    });
    const metadata = await get(`${server.url}/v1/models/risk/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.json).toEqual({
      model_spec: { name: 'risk', signature_name: 'serving_default', version: '1.0.0' },
      metadata: { signature: JSON.parse(JSON.stringify(binary.loaded.signature)) },
    });
    expect((await get(`${server.url}/v1/models/nope`)).status).toBe(404);
    expect((await get(`${server.url}/v1/models/nope/metadata`)).status).toBe(404);
    const wrong = await post(`${server.url}/v1/models/risk`, {});
    expect(wrong.status).toBe(405);
  });

  it('answers /healthz and /readyz', async () => {
    expect(await get(`${server.url}/healthz`)).toEqual({ status: 200, json: { status: 'ok' } });
    expect(await get(`${server.url}/readyz`)).toEqual({ status: 200, json: { status: 'ready' } });
  });
});

describe('prediction log', () => {
  it('feeds the JSONL prediction log through the log hook: one line per row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelgate-serve-log-'));
    const predictionLog = new PredictionLog({ dir });
    const server = await startServer({
      manager: setup().manager,
      log: (e) => predictionLog.writeRequest({ ...e, instances: e.inputs }),
    });
    try {
      const rows = requestRows(3, 44);
      await post(`${server.url}/v1/models/risk:predict`, { instances: rows }, { 'x-request-id': 'log-1' });
      await predictionLog.close();
      const files = await readdir(dir);
      const lines = (await readFile(join(dir, files[0]!), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.request_id, l.index, l.model, l.version, l.role])).toEqual([
        ['log-1', 0, 'risk', '1.0.0', 'stable'],
        ['log-1', 1, 'risk', '1.0.0', 'stable'],
        ['log-1', 2, 'risk', '1.0.0', 'stable'],
      ]);
      expect(lines.map((l) => l.inputs)).toEqual(rows);
      expect(lines.map((l) => l.outputs)).toEqual(scores(rows));
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('micro-batching over HTTP', () => {
  const concurrent = async (url: string, rows: Row[]) =>
    Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(`${url}/v1/models/risk:predict`, { instances: rows.slice(2 * i, 2 * i + 2) }),
      ),
    );

  it('scores 50 concurrent requests in fewer predict calls, each with its own outputs', async () => {
    const { manager, risk } = setup();
    const server = await startServer({ manager, batch: { maxBatch: 64, maxWaitMs: 5, waitWhenIdle: true } });
    try {
      const rows = requestRows(100, 21);
      const expected = scores(rows);
      const results = await concurrent(server.url, rows);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(risk.calls.length).toBeLessThan(50);
      expect(risk.calls.reduce((a, b) => a + b, 0)).toBe(100);
      expect(Math.max(...risk.calls)).toBeLessThanOrEqual(64);
      // Each request gets exactly its own rows' scores.
      for (let i = 0; i < 50; i++) {
        expect(results[i]!.json).toEqual({ predictions: expected.slice(2 * i, 2 * i + 2) });
      }
    } finally {
      await server.close();
    }
  });

  it('batches adaptively (default settings): requests arriving together are scored together', async () => {
    const { manager, risk } = setup();
    const server = await startServer({ manager });
    try {
      const rows = requestRows(100, 22);
      // 50 connections opened (and accepted) first, then all 50 requests written at once.
      let accepted = 0;
      server.server.on('connection', () => accepted++);
      const port = Number(new URL(server.url).port);
      const sockets = await Promise.all(
        Array.from(
          { length: 50 },
          () =>
            new Promise<net.Socket>((resolve, reject) => {
              const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
              socket.on('error', reject);
            }),
        ),
      );
      while (accepted < 50) await new Promise((r) => setTimeout(r, 5));
      const answers = sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let text = '';
            socket.on('data', (d) => (text += d));
            socket.on('end', () => resolve(text));
          }),
      );
      sockets.forEach((socket, i) => {
        const body = JSON.stringify({ instances: rows.slice(2 * i, 2 * i + 2) });
        socket.write(
          `POST /v1/models/risk:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      const texts = await Promise.all(answers);
      const expected = scores(rows);
      texts.forEach((text, i) => {
        expect(text.startsWith('HTTP/1.1 200')).toBe(true);
        const body = text.slice(text.indexOf('\r\n\r\n') + 4);
        expect(JSON.parse(body)).toEqual({ predictions: expected.slice(2 * i, 2 * i + 2) });
      });
      // Full batches of 64 rows at most: two predict calls, give or take the arrival timing.
      expect(risk.calls.length).toBeLessThan(10);
      expect(Math.max(...risk.calls)).toBeLessThanOrEqual(64);
      expect(risk.calls.reduce((a, b) => a + b, 0)).toBe(100);
    } finally {
      await server.close();
    }
  });
});

describe('failures, readiness and metrics', () => {
  it('fails only the batch whose predict threw, counts it, and keeps serving', async () => {
    const manager = new FakeManager();
    let fail = false;
    const flaky = servedModel('risk', '1.0.0', {
      signature: binary.loaded.signature,
      predict: (rows) => {
        if (fail) throw new Error('out of memory');
        return binary.loaded.predict(rows);
      },
    });
    manager.add(flaky);
    const server = await startServer({ manager });
    try {
      // Before anything is deployed: not ready, predict is 503.
      expect(await get(`${server.url}/readyz`)).toEqual({
        status: 503,
        json: { status: 'no model available' },
      });
      const early = await post(`${server.url}/v1/models/risk:predict`, { instances: requestRows(1) });
      expect(early).toMatchObject({ status: 503, json: { error: 'model "risk" has no version available' } });
      expect(await get(`${server.url}/v1/models/risk`)).toEqual({
        status: 200,
        json: { model_version_status: [] },
      });

      manager.stable.set('risk', flaky);
      expect((await get(`${server.url}/readyz`)).status).toBe(200);
      fail = true;
      const broken = await post(`${server.url}/v1/models/risk:predict`, { instances: requestRows(3) });
      expect(broken.status).toBe(500);
      expect(broken.json).toEqual({ error: 'model risk@1.0.0 failed to predict: out of memory' });
      expect(broken.headers.get('x-modelgate-version')).toBe('1.0.0');
      fail = false;
      const rows = requestRows(3);
      const ok = await post(`${server.url}/v1/models/risk:predict`, { instances: rows });
      expect(ok.json).toEqual({ predictions: scores(rows) });
      const bad = await post(`${server.url}/v1/models/risk:predict`, { instances: [{}] });
      expect(bad.status).toBe(400);
      // The model's failure counts against it; the client's bad request does not.
      expect(manager.releases.map((r) => r.ok)).toEqual([false, true, true]);

      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));
      expect(line('modelgate_requests_total{model="risk",version="1.0.0",role="stable",code="200"}')).toMatch(
        / 1$/,
      );
      expect(line('modelgate_requests_total{model="risk",version="1.0.0",role="stable",code="500"}')).toMatch(
        / 1$/,
      );
      expect(line('modelgate_requests_total{model="risk",version="1.0.0",role="stable",code="400"}')).toMatch(
        / 1$/,
      );
      expect(line('modelgate_requests_total{model="risk",version="",role="",code="503"}')).toMatch(/ 1$/);
      expect(
        line('modelgate_errors_total{model="risk",version="1.0.0",role="stable",kind="predict"}'),
      ).toMatch(/ 1$/);
      expect(
        line('modelgate_errors_total{model="risk",version="1.0.0",role="stable",kind="client"}'),
      ).toMatch(/ 1$/);
      expect(line('modelgate_errors_total{model="risk",version="",role="",kind="unavailable"}')).toMatch(
        / 1$/,
      );
      expect(
        line('modelgate_request_duration_seconds_count{model="risk",version="1.0.0",role="stable"}'),
      ).toMatch(/ 3$/);
      expect(line('modelgate_batch_size_count{model="risk",version="1.0.0"}')).toMatch(/ 2$/);
      expect(line('modelgate_batch_size_sum{model="risk",version="1.0.0"}')).toMatch(/ 6$/);
      // The /metrics request itself is in flight while it renders.
      expect(line('modelgate_in_flight_requests')).toMatch(/ 1$/);

      await post(`${server.url}/v1/models/whatever-${Date.now()}:predict`, { instances: [{}] });
      const after = await (await fetch(`${server.url}/metrics`)).text();
      expect(after).toContain('modelgate_requests_total{model="_unknown",version="",role="",code="404"} 1');
    } finally {
      await server.close();
    }
  });

  it('routes to the canary with a sticky key and reports both versions', async () => {
    const { manager, risk } = setup();
    const next = servedModel('risk', '1.1.0', binary.loaded);
    manager.add(next);
    manager.canary.set('risk', { model: next, weight: 10 });
    const server = await startServer({ manager });
    try {
      const rows = requestRows(2);
      const canary = await post(
        `${server.url}/v1/models/risk:predict`,
        { instances: rows },
        { 'x-request-key': 'canary-7' },
      );
      expect(canary.headers.get('x-modelgate-version')).toBe('1.1.0');
      expect(canary.headers.get('x-modelgate-role')).toBe('canary');
      const stable = await post(
        `${server.url}/v1/models/risk:predict`,
        { instances: rows },
        { 'x-request-key': 'user-7' },
      );
      expect(stable.headers.get('x-modelgate-role')).toBe('stable');
      expect(next.calls).toEqual([2]);
      expect(risk.calls).toEqual([2]);
      const status = await get(`${server.url}/v1/models/risk`);
      expect((status.json.model_version_status as { version: string }[]).map((s) => s.version)).toEqual([
        '1.0.0',
        '1.1.0',
      ]);
    } finally {
      await server.close();
    }
  });

  it('runs two servers side by side with private metric registries', async () => {
    const a = await startServer({ manager: setup().manager });
    const b = await startServer({ manager: setup().manager });
    try {
      await post(`${a.url}/v1/models/risk:predict`, { instances: requestRows(1) });
      expect(await (await fetch(`${a.url}/metrics`)).text()).toContain('code="200"} 1');
      expect(await (await fetch(`${b.url}/metrics`)).text()).not.toContain('code="200"');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('drains in-flight requests on close and refuses new connections', async () => {
    const manager = new FakeManager();
    const slow = servedModel('risk', '1.0.0', {
      signature: binary.loaded.signature,
      predict: async (rows) => {
        await new Promise((r) => setTimeout(r, 300));
        return binary.loaded.predict(rows);
      },
    });
    manager.add(slow);
    manager.stable.set('risk', slow);
    const server = await startServer({ manager });
    const rows = requestRows(2);
    const inFlight = post(`${server.url}/v1/models/risk:predict`, { instances: rows });
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ predictions: scores(rows) });
    await closing;
    expect(server.server.listening).toBe(false);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
