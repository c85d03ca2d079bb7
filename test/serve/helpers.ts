/**
 * Helpers of the serving HTTP tests: a small real model trained on the example's risk data, a
 * ServedModel wrapper that counts predict calls, a fake model manager, and a server on loopback.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelConfigSchema } from '../../src/config/model-config.js';
import type { Row } from '../../src/data/types.js';
import { riskRows } from '../../src/demo/risk-data.js';
import { HttpError } from '../../src/serve/http-errors.js';
import type { ServerOptions, ServingManager } from '../../src/serve/http-types.js';
import { createServer, type ModelServer } from '../../src/serve/server.js';
import type { Lease, ModelStatus, Role, ServedModel } from '../../src/serve/types.js';
import { type Backend, selectBackend } from '../../src/train/backend.js';
import type { Prediction } from '../../src/train/predict.js';
import { arraySource } from '../../src/train/row-source.js';
import { type LoadedModel, loadModel, saveModel } from '../../src/train/saved-model.js';
import { trainTabular } from '../../src/train/trainer.js';

let backend: Promise<Backend> | null = null;
/** The wasm backend (shared; selected once). */
export function wasmBackend(): Promise<Backend> {
  backend ??= selectBackend('wasm');
  return backend;
}

const FEATURES = [
  { name: 'age', type: 'numeric' },
  { name: 'region', type: 'categorical' },
  { name: 'vehicle_type', type: 'categorical' },
  { name: 'vehicle_age', type: 'numeric' },
  { name: 'vehicle_value', type: 'numeric' },
  { name: 'annual_mileage', type: 'numeric' },
  { name: 'years_licensed', type: 'numeric' },
  { name: 'prior_claims', type: 'numeric' },
  { name: 'credit_band', type: 'categorical' },
  { name: 'telematics_score', type: 'numeric' },
] as const;

/** Risk rows as a client sends them: the model's inputs and the id, without the label and slices. */
export function requestRows(n: number, seed = 11): Row[] {
  const rows: Row[] = [];
  for (const r of riskRows({ rows: n, seed, firstId: 900000 })) {
    const { claim: _claim, gender: _gender, ...inputs } = r;
    rows.push(inputs);
  }
  return rows;
}

/** A trained, saved and reloaded model. */
export interface TrainedModel {
  /** The saved model folder. */
  dir: string;
  /** The model loaded from `dir`. */
  loaded: LoadedModel;
  /** Removes the folder and frees the model. */
  cleanup(): Promise<void>;
}

/**
 * Trains a small model on ~500 risk rows (2 epochs, no importance), saves it to a temporary
 * folder and loads it back. `task: 'regression'` predicts `annual_mileage` from the other inputs.
 */
export async function trainRiskModel(
  task: 'binary' | 'regression' = 'binary',
  seed = 7,
): Promise<TrainedModel> {
  const wasm = await wasmBackend();
  const features = task === 'binary' ? FEATURES : FEATURES.filter((f) => f.name !== 'annual_mileage');
  const config = ModelConfigSchema.parse({
    name: task === 'binary' ? 'risk' : 'mileage',
    task,
    seed,
    data: {
      train: 'train.csv',
      label: task === 'binary' ? 'claim' : 'annual_mileage',
      id: 'policy_id',
      features,
    },
    trainer: { hidden: [8], epochs: 2, batch_size: 128, importance: { enabled: false } },
  });
  const rows = [...riskRows({ rows: 500, seed: 3 })];
  const result = await trainTabular({ config, train: arraySource(rows), backend: wasm });
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-serve-'));
  await saveModel(dir, result);
  result.model.dispose();
  const loaded = await loadModel(dir, { backend: wasm });
  return {
    dir,
    loaded,
    async cleanup() {
      loaded.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A ServedModel over a loaded model that records each predict call's row count. */
export interface CountingModel extends ServedModel {
  /** Rows of each predict call, in order. */
  calls: number[];
  /** Whether `dispose` was called. */
  disposed: boolean;
}

/** Wraps a loaded model (or any predict function) as a {@link CountingModel}. */
export function servedModel(
  name: string,
  version: string,
  source: Pick<LoadedModel, 'signature'> & {
    predict(rows: readonly Row[]): Prediction | Promise<Prediction>;
  },
): CountingModel {
  const model: CountingModel = {
    name,
    version,
    signature: source.signature,
    calls: [],
    disposed: false,
    predict(rows) {
      model.calls.push(rows.length);
      return source.predict(rows);
    },
    dispose() {
      model.disposed = true;
    },
  };
  return model;
}

/** A release the fake manager received. */
export interface Released {
  version: string;
  role: Role;
  ok: boolean;
  latencyMs: number;
}

/**
 * A fake model manager: `add` makes versions deployable, `deploy` swaps the stable one, and a
 * canary takes the requests whose key starts with `canary` (all of them at weight 100). It records
 * the routing keys, the lease releases and the admin calls.
 */
export class FakeManager implements ServingManager {
  readonly versions = new Map<string, Map<string, ServedModel>>();
  readonly stable = new Map<string, ServedModel>();
  readonly canary = new Map<string, { model: ServedModel; weight: number }>();
  readonly releases: Released[] = [];
  readonly keys: (string | undefined)[] = [];
  readonly calls: string[] = [];

  /** Makes `model` deployable (and the model name known). */
  add(model: ServedModel): this {
    let byVersion = this.versions.get(model.name);
    if (!byVersion) this.versions.set(model.name, (byVersion = new Map()));
    byVersion.set(model.version, model);
    return this;
  }

  names(): string[] {
    return [...this.versions.keys()].sort();
  }

  /** Canary when the key is `canary*` (or, without a key, when the weight is 100). */
  acquire(name: string, key?: string, options: { role?: Role } = {}): Lease | null {
    this.keys.push(key);
    const stable = this.stable.get(name);
    if (!stable) return null;
    const canary = this.canary.get(name);
    if (options.role === 'canary' && !canary) return null;
    const useCanary =
      options.role !== undefined
        ? options.role === 'canary'
        : canary !== undefined && (key?.startsWith('canary') || canary.weight === 100);
    const model = useCanary ? canary!.model : stable;
    const role: Role = useCanary ? 'canary' : 'stable';
    return {
      model,
      role,
      release: (outcome) => this.releases.push({ version: model.version, role, ...outcome }),
    };
  }

  status(name: string): ModelStatus | null {
    if (!this.versions.has(name)) return null;
    const stable = this.stable.get(name);
    const canary = this.canary.get(name);
    return {
      name,
      stable: stable ? { version: stable.version, state: 'AVAILABLE' } : null,
      canary: canary ? { version: canary.model.version, weight: canary.weight } : null,
    };
  }

  ready(): boolean {
    return this.stable.size > 0;
  }

  private find(name: string, version: string): ServedModel {
    const model = this.versions.get(name)?.get(version);
    if (!model) throw new HttpError(404, `${name}@${version} not found`);
    return model;
  }

  async deploy(name: string, version: string): Promise<ModelStatus> {
    this.calls.push(`deploy ${name} ${version}`);
    this.stable.set(name, this.find(name, version));
    return this.status(name)!;
  }

  async setCanary(name: string, version: string, weight: number): Promise<ModelStatus> {
    this.calls.push(`canary ${name} ${version} ${weight}`);
    const model = this.find(name, version);
    if (weight === 0) this.canary.delete(name);
    else this.canary.set(name, { model, weight });
    return this.status(name)!;
  }

  async promote(name: string): Promise<ModelStatus> {
    this.calls.push(`promote ${name}`);
    const canary = this.canary.get(name);
    if (!canary) throw Object.assign(new Error(`${name} has no canary to promote`), { httpStatus: 409 });
    this.stable.set(name, canary.model);
    this.canary.delete(name);
    return this.status(name)!;
  }

  async rollback(name: string, reason?: string): Promise<ModelStatus> {
    this.calls.push(`rollback ${name}${reason ? ` ${reason}` : ''}`);
    this.canary.delete(name);
    return this.status(name)!;
  }
}

/** A server listening on loopback. */
export interface RunningServer extends ModelServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
}

/** Creates a server and listens on 127.0.0.1, any free port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const s = createServer({ onError: () => {}, ...options });
  const { port } = await s.listen(0, '127.0.0.1');
  return Object.assign(s, { url: `http://127.0.0.1:${port}` });
}

/** POSTs JSON (or a raw string body) and returns the status, headers and parsed JSON body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}

/** GETs a URL and returns the status and parsed JSON body. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}
