/**
 * The KServe v2 / Open Inference Protocol routes over real HTTP, against real trained models:
 * v2 predictions equal v1 predictions for the same rows, metadata follows the signature, every bad
 * request gets a clear 4xx, and version-pinned requests reach the pinned version under a canary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../../src/config/model-config.js';
import type { Row } from '../../src/data/types.js';
import { riskRows } from '../../src/demo/risk-data.js';
import type { RequestLogEntry } from '../../src/serve/http-types.js';
import { ModelManager } from '../../src/serve/model-manager.js';
import type { ServedModel } from '../../src/serve/types.js';
import { arraySource } from '../../src/train/row-source.js';
import { loadModel, saveModel } from '../../src/train/saved-model.js';
import { trainTabular } from '../../src/train/trainer.js';
import {
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

/** A small multiclass model predicting `region` from the other risk inputs. */
async function trainRegionModel(): Promise<TrainedModel> {
  const backend = await wasmBackend();
  const config = ModelConfigSchema.parse({
    name: 'region',
    task: 'multiclass',
    seed: 5,
    data: {
      train: 'train.csv',
      label: 'region',
      id: 'policy_id',
      features: [
        { name: 'age', type: 'numeric' },
        { name: 'vehicle_type', type: 'categorical' },
        { name: 'annual_mileage', type: 'numeric' },
      ],
    },
    trainer: { hidden: [8], epochs: 2, batch_size: 128, importance: { enabled: false } },
  });
  const result = await trainTabular({
    config,
    train: arraySource([...riskRows({ rows: 500, seed: 3 })]),
    backend,
  });
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-serve-'));
  await saveModel(dir, result);
  result.model.dispose();
  const loaded = await loadModel(dir, { backend });
  return {
    dir,
    loaded,
    async cleanup() {
      loaded.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The columnar v2 tensors of rows: numeric inputs FP64, the others BYTES. */
function tensors(rows: Row[], numeric: readonly string[]): Record<string, unknown>[] {
  const names = Object.keys(rows[0]!);
  return names.map((name) => ({
    name,
    datatype: numeric.includes(name) ? 'FP64' : 'BYTES',
    shape: [rows.length],
    data: rows.map((r) => r[name] ?? null),
  }));
}

const RISK_NUMERIC = [
  'age',
  'vehicle_age',
  'vehicle_value',
  'annual_mileage',
  'years_licensed',
  'prior_claims',
  'telematics_score',
];

let binary: TrainedModel;
let binary2: TrainedModel;
let regression: TrainedModel;
let multiclass: TrainedModel;

beforeAll(async () => {
  [binary, binary2, regression, multiclass] = await Promise.all([
    trainRiskModel('binary', 7),
    trainRiskModel('binary', 8),
    trainRiskModel('regression'),
    trainRegionModel(),
  ]);
});

afterAll(async () => {
  await Promise.all([binary, binary2, regression, multiclass].map((m) => m?.cleanup()));
});

describe('KServe v2 over HTTP (same scoring path as v1)', () => {
  let server: RunningServer;
  let manager: FakeManager;
  const logged: RequestLogEntry[] = [];

  beforeAll(async () => {
    manager = new FakeManager();
    const risk = servedModel('risk', '1.0.0', binary.loaded);
    const mileage = servedModel('mileage', '1.0.0', regression.loaded);
    const region = servedModel('region', '1.0.0', multiclass.loaded);
    manager.add(risk).add(mileage).add(region);
    manager.stable.set('risk', risk);
    manager.stable.set('mileage', mileage);
    manager.stable.set('region', region);
    server = await startServer({ manager, log: (e) => logged.push(e), maxBodyBytes: 64 * 1024 });
  });
  afterAll(() => server.close());

  it('serves health and server metadata', async () => {
    expect(await get(`${server.url}/v2/health/live`)).toEqual({ status: 200, json: { live: true } });
    expect(await get(`${server.url}/v2/health/ready`)).toEqual({ status: 200, json: { ready: true } });
    const meta = await get(`${server.url}/v2`);
    expect(meta.status).toBe(200);
    expect(meta.json['name']).toBe('modelgate');
    expect(meta.json['extensions']).toEqual([]);
    expect(typeof meta.json['version']).toBe('string');
  });

  it('binary: v2 scores equal v1 predictions for the same rows, id echoed, request logged', async () => {
    const rows = requestRows(25);
    const v1 = await post(`${server.url}/v1/models/risk:predict`, { instances: rows });
    expect(v1.status).toBe(200);
    const v2 = await post(
      `${server.url}/v2/models/risk/infer`,
      { id: 'abc', inputs: tensors(rows, RISK_NUMERIC) },
      { 'x-request-id': 'v2-req-1' },
    );
    expect(v2.status).toBe(200);
    expect(v2.headers.get('x-modelgate-version')).toBe('1.0.0');
    expect(v2.json).toEqual({
      model_name: 'risk',
      model_version: '1.0.0',
      id: 'abc',
      outputs: [{ name: 'score', datatype: 'FP64', shape: [25], data: v1.json['predictions'] }],
    });
    const entry = logged.find((e) => e.request_id === 'v2-req-1');
    expect(entry?.inputs).toHaveLength(25);
    expect(entry?.inputs[3]).toEqual(rows[3]);
    expect(entry?.outputs).toEqual(v1.json['predictions']);
  });

  it('accepts [n, 1] shapes with nested data, and answers only the requested outputs', async () => {
    const rows = requestRows(4, 3);
    const v1 = await post(`${server.url}/v1/models/risk:predict`, { instances: rows });
    const inputs = tensors(rows, RISK_NUMERIC).map((t) => ({
      ...t,
      shape: [4, 1],
      data: (t['data'] as unknown[]).map((v) => [v]),
    }));
    const v2 = await post(`${server.url}/v2/models/risk/infer`, { inputs, outputs: [{ name: 'score' }] });
    expect(v2.status).toBe(200);
    expect((v2.json['outputs'] as { data: number[] }[])[0]!.data).toEqual(v1.json['predictions']);
  });

  it('regression: a "prediction" tensor equal to v1', async () => {
    const rows = requestRows(10).map(({ annual_mileage: _m, ...r }) => r);
    const v1 = await post(`${server.url}/v1/models/mileage:predict`, { instances: rows });
    expect(v1.status).toBe(200);
    const numeric = RISK_NUMERIC.filter((n) => n !== 'annual_mileage');
    const v2 = await post(`${server.url}/v2/models/mileage/infer`, { inputs: tensors(rows, numeric) });
    expect(v2.status).toBe(200);
    expect(v2.json['outputs']).toEqual([
      { name: 'prediction', datatype: 'FP64', shape: [10], data: v1.json['predictions'] },
    ]);
  });

  it('multiclass: one proba_<class> per class and the predicted class, equal to v1', async () => {
    const rows = requestRows(12).map((r) => ({
      policy_id: r['policy_id'],
      age: r['age'],
      vehicle_type: r['vehicle_type'],
      annual_mileage: r['annual_mileage'],
    })) as Row[];
    const v1 = await post(`${server.url}/v1/models/region:predict`, { instances: rows });
    expect(v1.status).toBe(200);
    const probs = v1.json['predictions'] as number[][];
    const classes = multiclass.loaded.signature.output.classes!;
    expect(classes.length).toBeGreaterThan(2);
    const v2 = await post(`${server.url}/v2/models/region/infer`, {
      inputs: tensors(rows, ['age', 'annual_mileage']),
    });
    expect(v2.status).toBe(200);
    const outputs = v2.json['outputs'] as { name: string; datatype: string; data: unknown[] }[];
    expect(outputs.map((o) => o.name)).toEqual([...classes.map((c) => `proba_${c}`), 'prediction']);
    classes.forEach((_c, j) => {
      expect(outputs[j]!.data).toEqual(probs.map((p) => p[j]));
    });
    const argmax = probs.map((p) => classes[p.indexOf(Math.max(...p))]);
    expect(outputs.at(-1)).toMatchObject({ datatype: 'BYTES', data: argmax });
  });

  it('model metadata reflects the signature', async () => {
    const risk = await get(`${server.url}/v2/models/risk`);
    expect(risk.status).toBe(200);
    const sig = binary.loaded.signature;
    expect(risk.json).toEqual({
      name: 'risk',
      versions: ['1.0.0'],
      platform: 'modelgate',
      inputs: [
        ...sig.inputs.map((i) => ({
          name: i.name,
          datatype: i.type === 'numeric' ? 'FP64' : 'BYTES',
          shape: [-1],
        })),
        { name: 'policy_id', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [{ name: 'score', datatype: 'FP64', shape: [-1] }],
    });
    expect(sig.inputs.some((i) => i.type === 'categorical')).toBe(true);
    const region = await get(`${server.url}/v2/models/region/versions/1.0.0`);
    expect(region.status).toBe(200);
    const classes = multiclass.loaded.signature.output.classes!;
    expect(region.json['outputs']).toEqual([
      ...classes.map((c) => ({ name: `proba_${c}`, datatype: 'FP64', shape: [-1] })),
      { name: 'prediction', datatype: 'BYTES', shape: [-1] },
    ]);
    expect(await get(`${server.url}/v2/models/risk/ready`)).toEqual({
      status: 200,
      json: { name: 'risk', ready: true },
    });
    expect(await get(`${server.url}/v2/models/risk/versions/v1.0.0/ready`)).toEqual({
      status: 200,
      json: { name: 'risk', version: '1.0.0', ready: true },
    });
  });

  describe('errors', () => {
    const rows = requestRows(3);
    const good = () => tensors(rows, RISK_NUMERIC);
    const infer = (body: unknown) => post(`${server.url}/v2/models/risk/infer`, body);
    const expect400 = async (body: unknown, message: RegExp) => {
      const res = await infer(body);
      expect(res.status).toBe(400);
      expect(res.json['error']).toMatch(message);
    };

    it('bad JSON and a wrong top level', async () => {
      await expect400('{"inputs": [', /malformed JSON/);
      await expect400([1, 2], /expected a JSON object with "inputs"/);
      await expect400({ instances: rows }, /instances|unrecognized/i);
      await expect400({ inputs: [] }, /inputs: expected at least one input tensor/);
    });

    it('a missing input, an unknown input, a duplicated input', async () => {
      await expect400({ inputs: good().filter((t) => t['name'] !== 'age') }, /missing required input "age"/);
      await expect400(
        { inputs: [...good(), { name: 'agee', datatype: 'FP64', shape: [3], data: [1, 2, 3] }] },
        /inputs\[\d+\] \("agee"\): unknown input; the model's inputs are age, /,
      );
      await expect400({ inputs: [...good(), good()[0]] }, /\("policy_id"\): input "policy_id" sent twice/);
    });

    it('inconsistent shapes and a data length mismatch', async () => {
      const short = good().map((t) =>
        t['name'] === 'age' ? { ...t, shape: [2], data: (t['data'] as unknown[]).slice(0, 2) } : t,
      );
      await expect400({ inputs: short }, /\("age"\)\.shape: batch size 2 differs from inputs\[0\].*'s 3/);
      const wide = good().map((t) => (t['name'] === 'age' ? { ...t, shape: [3, 2] } : t));
      await expect400({ inputs: wide }, /\("age"\)\.shape: expected \[n\] or \[n, 1\].*got \[3,2\]/);
      const missingValue = good().map((t) =>
        t['name'] === 'region' ? { ...t, data: (t['data'] as unknown[]).slice(0, 2) } : t,
      );
      await expect400(
        { inputs: missingValue },
        /\("region"\)\.data: 2 values for shape \[3\] \(expected 3\)/,
      );
    });

    it('a wrong datatype, and values that do not fit it', async () => {
      const bytesAge = good().map((t) => (t['name'] === 'age' ? { ...t, datatype: 'BYTES' } : t));
      await expect400({ inputs: bytesAge }, /\("age"\)\.datatype: BYTES does not fit a numeric input/);
      const unknownType = good().map((t) => (t['name'] === 'age' ? { ...t, datatype: 'FLOAT' } : t));
      await expect400({ inputs: unknownType }, /inputs\[\d+\] \("age"\)\.datatype: .*\(got "FLOAT"\)/);
      const stringAge = good().map((t) => (t['name'] === 'age' ? { ...t, data: [30, 'forty', 50] } : t));
      await expect400({ inputs: stringAge }, /\("age"\)\.data\[1\]: expected a number \(FP64\), got "forty"/);
      const intAge = good().map((t) =>
        t['name'] === 'age' ? { ...t, datatype: 'INT8', data: [30, 40.5, 50] } : t,
      );
      await expect400(
        { inputs: intAge },
        /\("age"\)\.data\[1\]: expected an integer in \[-128, 127\] \(INT8\)/,
      );
    });

    it('an unknown requested output', async () => {
      await expect400(
        { inputs: good(), outputs: [{ name: 'proba' }] },
        /outputs\[0\]\.name: unknown output "proba"; the model's outputs are score/,
      );
    });

    it('404 for an unknown model, version or route; 405 and 413', async () => {
      const body = { inputs: good() };
      const unknown = await post(`${server.url}/v2/models/nope/infer`, body);
      expect(unknown.status).toBe(404);
      expect(unknown.json['error']).toMatch(/model "nope" not found/);
      const version = await post(`${server.url}/v2/models/risk/versions/9.9.9/infer`, body);
      expect(version.status).toBe(404);
      expect(version.json['error']).toMatch(/no version "9.9.9" \(serving: 1.0.0\)/);
      expect((await get(`${server.url}/v2/models/risk/versions/9.9.9`)).status).toBe(404);
      expect((await get(`${server.url}/v2/models/nope`)).status).toBe(404);
      expect((await get(`${server.url}/v2/models/risk/explain`)).status).toBe(404);
      expect((await get(`${server.url}/v2/models/risk/infer`)).status).toBe(405);
      const big = requestRows(2000);
      const tooLarge = await post(`${server.url}/v2/models/risk/infer`, {
        inputs: tensors(big, RISK_NUMERIC),
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json['error']).toMatch(/over the limit of 65536 bytes/);
    });
  });
});

describe('KServe v2 with the real model manager: version pinning under a canary', () => {
  let server: RunningServer;
  let manager: ModelManager;

  const offline = (model: TrainedModel, rows: Row[]): number[] => {
    const p = model.loaded.predict(rows);
    if (p.task !== 'binary') throw new Error('expected binary');
    return Array.from(p.score);
  };

  beforeAll(async () => {
    const backend = await wasmBackend();
    manager = new ModelManager({
      loader: async (name, version): Promise<ServedModel> => {
        const loaded = await loadModel(version === '1.1.0' ? binary2.dir : binary.dir, { backend });
        return {
          name,
          version,
          signature: loaded.signature,
          predict: (rows) => loaded.predict(rows),
          dispose: () => loaded.dispose(),
        };
      },
    });
    await manager.deploy('risk', '1.0.0');
    await manager.setCanary('risk', '1.1.0', 30);
    server = await startServer({ manager });
  });
  afterAll(async () => {
    await server.close();
    await manager.close();
  });

  it('lists both versions and pins infer requests to each', async () => {
    const meta = await get(`${server.url}/v2/models/risk`);
    expect(meta.json['versions']).toEqual(['1.0.0', '1.1.0']);
    const canaryMeta = await get(`${server.url}/v2/models/risk/versions/1.1.0`);
    expect(canaryMeta.status).toBe(200);
    expect(canaryMeta.json['versions']).toEqual(['1.0.0', '1.1.0']);
    const rows = requestRows(8, 21);
    const body = { inputs: tensors(rows, RISK_NUMERIC) };
    for (const [version, model, role] of [
      ['1.0.0', binary, 'stable'],
      ['1.1.0', binary2, 'canary'],
    ] as const) {
      for (let i = 0; i < 5; i++) {
        const res = await post(`${server.url}/v2/models/risk/versions/${version}/infer`, body, {
          'x-request-key': `user-${i}`,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-modelgate-role')).toBe(role);
        expect(res.json['model_version']).toBe(version);
        const data = (res.json['outputs'] as { data: number[] }[])[0]!.data;
        const expected = offline(model, rows);
        data.forEach((v, j) => {
          expect(v).toBeCloseTo(expected[j]!, 6);
        });
      }
    }
    // The two versions really differ, so the pinning above is observable.
    expect(offline(binary, rows)).not.toEqual(offline(binary2, rows));
  });

  it('pins the stable version even while the canary takes all the traffic', async () => {
    await manager.setCanary('risk', '1.1.0', 100);
    try {
      const rows = requestRows(4, 9);
      const body = { inputs: tensors(rows, RISK_NUMERIC) };
      const unpinned = await post(`${server.url}/v2/models/risk/infer`, body);
      expect(unpinned.json['model_version']).toBe('1.1.0');
      const pinned = await post(`${server.url}/v2/models/risk/versions/1.0.0/infer`, body);
      expect(pinned.status).toBe(200);
      expect(pinned.headers.get('x-modelgate-role')).toBe('stable');
      expect(pinned.json['model_version']).toBe('1.0.0');
      const unknown = await post(`${server.url}/v2/models/risk/versions/9.9.9/infer`, body);
      expect(unknown.status).toBe(404);
    } finally {
      await manager.setCanary('risk', '1.1.0', 30);
    }
  });

  it('unpinned requests are routed stickily by x-request-key like v1', async () => {
    const rows = requestRows(2, 5);
    for (const key of ['alice', 'bob', 'carol', 'dave']) {
      const v1 = await post(
        `${server.url}/v1/models/risk:predict`,
        { instances: rows },
        { 'x-request-key': key },
      );
      const v2 = await post(
        `${server.url}/v2/models/risk/infer`,
        { inputs: tensors(rows, RISK_NUMERIC) },
        { 'x-request-key': key },
      );
      expect(v2.headers.get('x-modelgate-version')).toBe(v1.headers.get('x-modelgate-version'));
      expect((v2.json['outputs'] as { data: number[] }[])[0]!.data).toEqual(v1.json['predictions']);
    }
  });
});
