import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import {
  type ManagerEvent,
  ModelManager,
  ModelManagerError,
  type ModelManagerOptions,
  normaliseVersion,
  syntheticRow,
} from '../../src/serve/model-manager.js';
import type { ModelLoader, ServedModel } from '../../src/serve/types.js';
import type { Prediction } from '../../src/train/predict.js';
import { createRng } from '../../src/train/random.js';
import type { ModelSignature } from '../../src/train/saved-model.js';

const signature = (name: string): ModelSignature => ({
  format: 'modelgate-signature',
  version: 1,
  model: name,
  inputs: [
    { name: 'x', type: 'numeric', nullable: false },
    { name: 'c', type: 'categorical', nullable: true, categories: ['a', 'b'] },
  ],
  output: { task: 'binary', label: 'y', positive_label: '1', negative_label: '0', threshold: 0.5 },
});

/** How a fake version behaves. */
interface Behaviour {
  /** Load time (ms). */
  loadMs?: number;
  /** The load rejects with this. */
  loadError?: Error;
  /** Predict time (ms); 0 answers synchronously. */
  predictMs?: number;
  /** Whether call `i` (0 is the warm-up) throws. */
  fails?: (i: number) => boolean;
}

/** A fake model: records calls; after dispose every predict throws "used after dispose". */
class FakeModel implements ServedModel {
  readonly signature: ModelSignature;
  calls: Row[][] = [];
  disposals = 0;
  usedAfterDispose = 0;
  constructor(
    readonly name: string,
    readonly version: string,
    private readonly behaviour: Behaviour,
  ) {
    this.signature = signature(name);
  }
  predict(rows: readonly Row[]): Prediction | Promise<Prediction> {
    const i = this.calls.length;
    this.calls.push([...rows]);
    const answer = (): Prediction => {
      if (this.disposals > 0) {
        this.usedAfterDispose++;
        throw new Error(`${this.name}@${this.version} used after dispose`);
      }
      if (this.behaviour.fails?.(i)) throw new Error(`${this.version} is broken`);
      return { task: 'binary', score: Float64Array.from(rows, () => Number(this.version.split('.')[0])) };
    };
    if (this.disposals > 0 || !this.behaviour.predictMs) return answer();
    return sleep(this.behaviour.predictMs).then(answer);
  }
  dispose(): void {
    this.disposals++;
  }
}

/** A loader of fake models, with per-version behaviour; remembers every model it made. */
function fakeLoader(behaviours: Record<string, Behaviour> = {}) {
  const made: FakeModel[] = [];
  const loads: { name: string; version: string; start: number; end: number }[] = [];
  let active = 0;
  let maxActive = 0;
  const loader: ModelLoader = async (name, version) => {
    const v = version === 'latest' ? '5.0.0' : version;
    const b = behaviours[v] ?? {};
    const record = { name, version: v, start: performance.now(), end: 0 };
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      if (b.loadMs) await sleep(b.loadMs);
      if (b.loadError) throw b.loadError;
      const model = new FakeModel(name, v, b);
      made.push(model);
      return model;
    } finally {
      active--;
      record.end = performance.now();
      loads.push(record);
    }
  };
  const byVersion = (v: string) => made.filter((m) => m.version === v);
  return { loader, made, loads, byVersion, maxActive: () => maxActive };
}

function manager(loader: ModelLoader, options: Partial<ModelManagerOptions> = {}) {
  const events: ManagerEvent[] = [];
  const m = new ModelManager({
    loader,
    onEvent: (e) => events.push(e),
    random: createRng(1),
    now: () => new Date('2024-05-01T12:00:00Z'),
    ...options,
  });
  return { m, events };
}

/** One request: acquire, predict, release with the outcome. */
async function request(m: ModelManager, name = 'risk', key?: string) {
  const lease = m.acquire(name, key);
  if (!lease) throw new Error('no model');
  let ok = true;
  try {
    await lease.model.predict([{ x: 1, c: 'a' }]);
  } catch {
    ok = false;
  }
  lease.release({ ok, latencyMs: 1 });
  return { ok, role: lease.role, version: lease.model.version };
}

const rejection = async (p: Promise<unknown>): Promise<ModelManagerError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelManagerError);
  return err as ModelManagerError;
};

describe('helpers', () => {
  it('normaliseVersion accepts X.Y.Z, vX.Y.Z and latest', () => {
    expect(normaliseVersion('1.2.3')).toBe('1.2.3');
    expect(normaliseVersion('v1.2.3')).toBe('1.2.3');
    expect(normaliseVersion(' latest ')).toBe('latest');
    expect(() => normaliseVersion('1.2')).toThrow(/invalid version "1.2": expected X.Y.Z, vX.Y.Z or latest/);
  });

  it('syntheticRow fills every input', () => {
    expect(syntheticRow(signature('risk'))).toEqual({ x: 0, c: 'a' });
    expect(syntheticRow({ inputs: [{ name: 'k', type: 'categorical', nullable: true }] })).toEqual({
      k: null,
    });
  });
});

describe('deploy (hot swap)', () => {
  it('serves nothing before the first deploy, LOADING during it, AVAILABLE after', async () => {
    const f = fakeLoader({ '1.0.0': { loadMs: 20 } });
    const { m, events } = manager(f.loader);
    expect(m.names()).toEqual([]);
    expect(m.ready()).toBe(false);
    expect(m.acquire('risk')).toBeNull();
    expect(m.status('risk')).toBeNull();
    const deploying = m.deploy('risk', 'v1.0.0');
    expect(m.names()).toEqual(['risk']);
    expect(m.status('risk')).toEqual({
      name: 'risk',
      stable: { version: '1.0.0', state: 'LOADING' },
      canary: null,
    });
    expect(m.acquire('risk')).toBeNull();
    expect(m.ready()).toBe(false);
    const status = await deploying;
    expect(status).toEqual({ name: 'risk', stable: { version: '1.0.0', state: 'AVAILABLE' }, canary: null });
    expect(m.ready()).toBe(true);
    expect(m.peek('risk')?.version).toBe('1.0.0');
    expect(m.peek('other')).toBeNull();
    // Warmed with one synthetic row before serving.
    expect(f.byVersion('1.0.0')[0]!.calls).toEqual([[{ x: 0, c: 'a' }]]);
    expect(await request(m)).toEqual({ ok: true, role: 'stable', version: '1.0.0' });
    expect(events).toEqual([
      { type: 'deploy', name: 'risk', version: '1.0.0', previous: null, at: '2024-05-01T12:00:00.000Z' },
    ]);
  });

  it('switches new requests at once; leases held finish on the old model, disposed after drain', async () => {
    const f = fakeLoader();
    const { m } = manager(f.loader, { keepPrevious: false });
    await m.deploy('risk', '1.0.0');
    const held = m.acquire('risk')!;
    await m.deploy('risk', '2.0.0');
    expect(await request(m)).toMatchObject({ version: '2.0.0' });
    const v1 = f.byVersion('1.0.0')[0]!;
    expect(v1.disposals).toBe(0);
    expect(m.details('risk')!.draining).toEqual([{ version: '1.0.0', inflight: 1 }]);
    expect(await held.model.predict([{ x: 1, c: 'b' }])).toMatchObject({ task: 'binary' });
    held.release({ ok: true, latencyMs: 3 });
    held.release({ ok: true, latencyMs: 3 }); // a second release is ignored
    expect(v1.disposals).toBe(1);
    expect(m.drainingCount()).toBe(0);
    expect(v1.usedAfterDispose).toBe(0);
  });

  it('keeps the replaced stable version loaded for instant rollback, and drops the one before', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.deploy('risk', '2.0.0');
    expect(m.details('risk')!.previous).toBe('1.0.0');
    expect(f.byVersion('1.0.0')[0]!.disposals).toBe(0);
    await m.deploy('risk', '3.0.0');
    expect(m.details('risk')!.previous).toBe('2.0.0');
    expect(f.byVersion('1.0.0')[0]!.disposals).toBe(1);
    // Rollback switches to the kept version without loading.
    const loadsBefore = f.made.length;
    expect((await m.rollback('risk')).stable).toEqual({ version: '2.0.0', state: 'AVAILABLE' });
    expect(f.made.length).toBe(loadsBefore);
    expect(f.byVersion('3.0.0')[0]!.disposals).toBe(1);
    expect(m.details('risk')!.previous).toBeNull();
    expect(events.at(-1)).toMatchObject({
      type: 'rollback',
      version: '3.0.0',
      serving: '2.0.0',
      automatic: false,
      reason: 'manual rollback',
    });
    expect(m.status('risk')!.lastRollback).toBeUndefined();
    const err = await rejection(m.rollback('risk'));
    expect(err.code).toBe('no-rollback-target');
    expect(err.httpStatus).toBe(409);
  });

  it('deploying the previous version swaps back without loading; the stable version is a no-op', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.deploy('risk', '2.0.0');
    await m.deploy('risk', 'v1.0.0');
    expect(f.made.map((x) => x.version)).toEqual(['1.0.0', '2.0.0']);
    expect(m.details('risk')!.previous).toBe('2.0.0');
    await m.deploy('risk', '1.0.0');
    expect(events.filter((e) => e.type === 'deploy')).toHaveLength(3);
    expect(f.made.every((x) => x.disposals === 0)).toBe(true);
  });

  it('latest: the loaded version is reported; one equal to the stable version changes nothing', async () => {
    const f = fakeLoader();
    const { m } = manager(f.loader);
    expect((await m.deploy('risk', 'latest')).stable?.version).toBe('5.0.0');
    expect((await m.deploy('risk', 'latest')).stable?.version).toBe('5.0.0');
    expect(f.byVersion('5.0.0').map((x) => x.disposals)).toEqual([0, 1]);
    expect(m.details('risk')!.previous).toBeNull();
  });

  it('a failed load keeps the old version serving and rejects with a clear error', async () => {
    const f = fakeLoader({
      '2.0.0': { loadError: new Error('risk@v2.0.0 not found in the registry') },
      '3.0.0': { fails: () => true },
    });
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    const err = await rejection(m.deploy('risk', '2.0.0'));
    expect(err.code).toBe('load-failed');
    expect(err.httpStatus).toBe(502);
    expect(err.message).toBe(
      'cannot load risk@v2.0.0: risk@v2.0.0 not found in the registry; risk@v1.0.0 keeps serving',
    );
    expect((err.cause as Error).message).toMatch(/not found/);
    // A model whose warm-up prediction throws is disposed and never served.
    const warm = await rejection(m.deploy('risk', '3.0.0'));
    expect(warm.message).toMatch(/cannot load risk@v3.0.0: 3.0.0 is broken; risk@v1.0.0 keeps serving/);
    expect(f.byVersion('3.0.0')[0]!.disposals).toBe(1);
    expect(m.status('risk')!.stable).toEqual({ version: '1.0.0', state: 'AVAILABLE' });
    expect(await request(m)).toMatchObject({ ok: true, version: '1.0.0' });
    expect(events.filter((e) => e.type === 'load-failed').map((e) => e.version)).toEqual(['2.0.0', '3.0.0']);
  });

  it('a failed first deploy leaves the model unknown', async () => {
    const f = fakeLoader({ '1.0.0': { loadError: new Error('no such model'), loadMs: 5 } });
    const { m } = manager(f.loader);
    const err = await rejection(m.deploy('ghost', '1.0.0'));
    expect(err.message).toBe('cannot load ghost@v1.0.0: no such model; nothing is served');
    expect(m.status('ghost')).toBeNull();
    expect(m.names()).toEqual([]);
    expect(m.ready()).toBe(false);
  });

  it('rejects a loader that returns another model or version', async () => {
    const wrongName: ModelLoader = async (_name, version) => new FakeModel('other', version, {});
    const err = await rejection(manager(wrongName).m.deploy('risk', '1.0.0'));
    expect(err.message).toMatch(/the loader returned model "other"/);
    const wrongVersion: ModelLoader = async (name) => new FakeModel(name, '9.9.9', {});
    const err2 = await rejection(manager(wrongVersion).m.deploy('risk', '1.0.0'));
    expect(err2.message).toMatch(/the loader returned version 9.9.9/);
  });

  it('serialises concurrent deploys of one model in call order; other models load in parallel', async () => {
    const f = fakeLoader({ '2.0.0': { loadMs: 40 }, '3.0.0': { loadMs: 5 }, '4.0.0': { loadMs: 1 } });
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    const all = await Promise.all([
      m.deploy('risk', '2.0.0'),
      m.deploy('risk', '3.0.0'),
      m.deploy('risk', '4.0.0'),
      m.deploy('other', '2.0.0'),
    ]);
    expect(all.map((s) => s.stable?.version)).toEqual(['2.0.0', '3.0.0', '4.0.0', '2.0.0']);
    const order = (v: string) => f.loads.find((l) => l.name === 'risk' && l.version === v)!;
    expect(order('3.0.0').start).toBeGreaterThanOrEqual(order('2.0.0').end);
    expect(order('4.0.0').start).toBeGreaterThanOrEqual(order('3.0.0').end);
    expect(f.maxActive()).toBe(2); // the other model's load overlapped
    expect(m.status('risk')!.stable?.version).toBe('4.0.0');
    expect(
      events.flatMap((e) => (e.type === 'deploy' && e.name === 'risk' ? [[e.version, e.previous]] : [])),
    ).toEqual([
      ['1.0.0', null],
      ['2.0.0', '1.0.0'],
      ['3.0.0', '2.0.0'],
      ['4.0.0', '3.0.0'],
    ]);
    expect(f.byVersion('2.0.0').find((x) => x.name === 'risk')!.disposals).toBe(1);
  });

  it('validates arguments and unknown models', async () => {
    const { m } = manager(fakeLoader().loader);
    expect((await rejection(m.deploy('risk', 'one'))).code).toBe('invalid-argument');
    expect((await rejection(m.setCanary('risk', '1.0.0', 10))).code).toBe('unknown-model');
    expect((await rejection(m.promote('risk'))).code).toBe('unknown-model');
    expect((await rejection(m.rollback('risk'))).httpStatus).toBe(404);
    await m.deploy('risk', '1.0.0');
    for (const w of [-1, 101, Number.NaN]) {
      const err = await rejection(m.setCanary('risk', '2.0.0', w));
      expect(err.code).toBe('invalid-argument');
      expect(err.message).toMatch(/canary weight/);
    }
    expect((await rejection(m.setCanary('risk', 'v1.0.0', 10))).code).toBe('conflict');
    expect((await rejection(m.promote('risk'))).code).toBe('no-canary');
  });
});

describe('canary and blue/green', () => {
  it('splits random traffic ~weight over 10k requests', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader, { random: createRng(42) });
    await m.deploy('risk', '1.0.0');
    const status = await m.setCanary('risk', '2.0.0', 20);
    expect(status.canary).toEqual({ version: '2.0.0', weight: 20 });
    expect(events.at(-1)).toMatchObject({ type: 'canary', version: '2.0.0', weight: 20 });
    let canary = 0;
    for (let i = 0; i < 10_000; i++) {
      const lease = m.acquire('risk')!;
      if (lease.role === 'canary') {
        canary++;
        expect(lease.model.version).toBe('2.0.0');
      } else {
        expect(lease.model.version).toBe('1.0.0');
      }
      lease.release({ ok: true, latencyMs: 1 });
    }
    expect(Math.abs(canary / 10_000 - 0.2)).toBeLessThan(0.015);
  });

  it('is sticky by key while the weight is unchanged, and deterministic across managers', async () => {
    const a = manager(fakeLoader().loader, { random: () => 0 });
    const b = manager(fakeLoader().loader, { random: () => 0.99 });
    for (const { m } of [a, b]) {
      await m.deploy('risk', '1.0.0');
      await m.setCanary('risk', '2.0.0', 30);
    }
    const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
    const roleOf = (m: ModelManager, k: string) => {
      const lease = m.acquire('risk', k)!;
      lease.release({ ok: true, latencyMs: 1 });
      return lease.role;
    };
    const first = keys.map((k) => roleOf(a.m, k));
    expect(keys.map((k) => roleOf(a.m, k))).toEqual(first);
    expect(keys.map((k) => roleOf(b.m, k))).toEqual(first);
    const share = first.filter((r) => r === 'canary').length / keys.length;
    expect(Math.abs(share - 0.3)).toBeLessThan(0.04);
    // The same version again only re-weights (no load); keys on the canary stay there.
    const loads = a.events.length;
    await a.m.setCanary('risk', '2.0.0', 60);
    expect(a.events.slice(loads)).toEqual([expect.objectContaining({ type: 'canary', weight: 60 })]);
    const after = keys.map((k) => roleOf(a.m, k));
    first.forEach((r, i) => {
      if (r === 'canary') expect(after[i]).toBe('canary');
    });
  });

  it('weight 0 removes the canary; a new canary version replaces the old, which drains', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 100);
    const held = m.acquire('risk')!;
    expect(held.role).toBe('canary');
    await m.setCanary('risk', '3.0.0', 100);
    expect(await request(m)).toMatchObject({ role: 'canary', version: '3.0.0' });
    expect(f.byVersion('2.0.0')[0]!.disposals).toBe(0);
    held.release({ ok: true, latencyMs: 1 });
    expect(f.byVersion('2.0.0')[0]!.disposals).toBe(1);
    expect((await m.setCanary('risk', '', 0)).canary).toBeNull();
    expect(f.byVersion('3.0.0')[0]!.disposals).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: 'canary', version: '3.0.0', weight: 0 });
    expect((await request(m)).version).toBe('1.0.0');
  });

  it('blue/green: weight 100 sends everything to the new version; rollback switches back instantly', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 100);
    for (let i = 0; i < 50; i++) expect(await request(m, 'risk', `k${i}`)).toMatchObject({ role: 'canary' });
    const status = await m.rollback('risk', 'smoke test failed');
    expect(status.canary).toBeNull();
    expect(status.lastRollback).toBeUndefined();
    expect(events.at(-1)).toEqual({
      type: 'rollback',
      name: 'risk',
      version: '2.0.0',
      reason: 'smoke test failed',
      automatic: false,
      serving: '1.0.0',
      at: '2024-05-01T12:00:00.000Z',
    });
    for (let i = 0; i < 50; i++)
      expect(await request(m, 'risk', `k${i}`)).toMatchObject({ version: '1.0.0' });
    expect(f.byVersion('2.0.0')[0]!.disposals).toBe(1);
    expect(f.byVersion('1.0.0')[0]!.disposals).toBe(0);
  });

  it('promote makes the canary stable without loading; the old stable is kept, then rollback restores it', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 10);
    const held = m.acquire('risk', 'x')!; // a stable request in flight across both switches
    const status = await m.promote('risk');
    expect(status).toEqual({ name: 'risk', stable: { version: '2.0.0', state: 'AVAILABLE' }, canary: null });
    expect(events.at(-1)).toMatchObject({ type: 'promote', version: '2.0.0', previous: '1.0.0' });
    expect(f.made).toHaveLength(2);
    expect(m.details('risk')!.previous).toBe('1.0.0');
    expect((await request(m)).version).toBe('2.0.0');
    await m.rollback('risk');
    expect((await request(m)).version).toBe('1.0.0');
    const v2 = f.byVersion('2.0.0')[0]!;
    expect(v2.disposals).toBe(1);
    held.release({ ok: true, latencyMs: 1 });
    expect(f.made.map((x) => x.usedAfterDispose)).toEqual([0, 0]);
  });

  it('promote with keepPrevious false disposes the old stable after drain', async () => {
    const f = fakeLoader();
    const { m } = manager(f.loader, { keepPrevious: false });
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 50);
    const held = m.acquire('risk', 'stable-key')!;
    const role = held.role;
    await m.promote('risk');
    const old = f.byVersion('1.0.0')[0]!;
    expect(old.disposals).toBe(role === 'stable' ? 0 : 1);
    held.release({ ok: true, latencyMs: 1 });
    expect(old.disposals).toBe(1);
    expect((await rejection(m.rollback('risk'))).code).toBe('no-rollback-target');
  });

  it('a canary can reuse the kept previous version; deploying the canary version ends the canary', async () => {
    const f = fakeLoader();
    const { m } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.deploy('risk', '2.0.0');
    await m.setCanary('risk', '1.0.0', 5);
    expect(f.made).toHaveLength(2);
    expect(m.details('risk')!.previous).toBeNull();
    await m.setCanary('risk', '3.0.0', 5);
    expect(f.byVersion('1.0.0')[0]!.disposals).toBe(1);
    const status = await m.deploy('risk', '3.0.0');
    expect(status).toMatchObject({ stable: { version: '3.0.0' }, canary: null });
    expect(f.made).toHaveLength(3);
    expect(m.details('risk')!.previous).toBe('2.0.0');
  });
});

describe('automatic rollback', () => {
  it('rolls back a canary that fails 30% of requests, emits the event and records lastRollback', async () => {
    // The broken version passes its warm-up (call 0) and then fails calls 3, 6 and 9 of every 10.
    const f = fakeLoader({ '2.0.0': { fails: (i) => i > 0 && i % 10 !== 0 && i % 3 === 0 } });
    const { m, events } = manager(f.loader, { random: createRng(9) });
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 30);
    const results = [];
    for (let i = 0; i < 400; i++) results.push(await request(m));
    const canary = results.filter((r) => r.role === 'canary');
    expect(canary.length).toBeGreaterThanOrEqual(20);
    expect(canary.length).toBeLessThan(60);
    expect(
      results.slice(results.lastIndexOf(canary.at(-1)!) + 1).every((r) => r.ok && r.role === 'stable'),
    ).toBe(true);
    const rollbacks = events.filter((e) => e.type === 'rollback');
    expect(rollbacks).toHaveLength(1);
    const event = rollbacks[0]!;
    expect(event).toMatchObject({
      type: 'rollback',
      name: 'risk',
      version: '2.0.0',
      automatic: true,
      serving: '1.0.0',
    });
    expect(event.type === 'rollback' && event.reason).toMatch(
      /^error rate \d+\.\d% \(\d+ of the last \d+ requests\) exceeds 5\.0%$/,
    );
    const status = m.status('risk')!;
    expect(status.canary).toBeNull();
    expect(status.lastRollback).toEqual({
      version: '2.0.0',
      reason: event.type === 'rollback' ? event.reason : '',
      at: '2024-05-01T12:00:00.000Z',
    });
    expect(f.byVersion('2.0.0')[0]!.disposals).toBe(1);
    // A new canary starts a fresh window.
    await m.setCanary('risk', '3.0.0', 50);
    for (let i = 0; i < 100; i++) await request(m);
    expect(m.status('risk')!.canary).toEqual({ version: '3.0.0', weight: 50 });
    expect(m.details('risk')!.canaryHealth).toMatchObject({ errors: 0 });
  });

  it('requests in flight on the canary finish on it after an automatic rollback', async () => {
    const f = fakeLoader({ '2.0.0': { predictMs: 5, fails: (i) => i > 0 } });
    const { m } = manager(f.loader, { rollback: { minRequests: 5, window: 20 } });
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 100);
    const results = await Promise.all(Array.from({ length: 40 }, () => request(m)));
    // All 40 were acquired before any finished: all on the canary, none on a disposed model.
    expect(results.every((r) => r.role === 'canary' && !r.ok)).toBe(true);
    const v2 = f.byVersion('2.0.0')[0]!;
    expect(v2.usedAfterDispose).toBe(0);
    expect(v2.disposals).toBe(1);
    expect(m.status('risk')!.lastRollback?.version).toBe('2.0.0');
    expect((await request(m)).version).toBe('1.0.0');
  });

  it('rolls back on the p99 rule from the latencies reported by release', async () => {
    const f = fakeLoader();
    const { m, events } = manager(f.loader, {
      rollback: { maxP99Ms: 100, minRequests: 20, window: 100 },
      random: createRng(4),
    });
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 50);
    let canaryRequests = 0;
    for (let i = 0; i < 200 && m.status('risk')!.canary; i++) {
      const lease = m.acquire('risk')!;
      if (lease.role === 'canary') canaryRequests++;
      lease.release({ ok: true, latencyMs: lease.role === 'canary' ? 250 : 5 });
    }
    expect(canaryRequests).toBe(20);
    expect(m.status('risk')!.lastRollback?.reason).toBe(
      'p99 latency 250.0 ms over the last 20 requests exceeds 100 ms',
    );
    expect(events.at(-1)).toMatchObject({ type: 'rollback', automatic: true, version: '2.0.0' });
  });

  it('a healthy canary is never rolled back, and stable outcomes are not judged', async () => {
    const f = fakeLoader({ '1.0.0': { fails: (i) => i > 0 } });
    const { m } = manager(f.loader, { rollback: { maxP99Ms: 100 } });
    await m.deploy('risk', '1.0.0');
    await m.setCanary('risk', '2.0.0', 50);
    for (let i = 0; i < 1000; i++) await request(m);
    expect(m.status('risk')!.canary).toEqual({ version: '2.0.0', weight: 50 });
    expect(m.status('risk')!.lastRollback).toBeUndefined();
  });
});

describe('listeners and shutdown', () => {
  it('a throwing onEvent listener does not break operations', async () => {
    const m = new ModelManager({
      loader: fakeLoader().loader,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect((await m.deploy('risk', '1.0.0')).stable?.state).toBe('AVAILABLE');
  });

  it('close forgets every model and disposes each version after its requests finish', async () => {
    const f = fakeLoader({ '3.0.0': { loadMs: 20 } });
    const { m } = manager(f.loader);
    await m.deploy('risk', '1.0.0');
    await m.deploy('risk', '2.0.0');
    await m.setCanary('risk', '4.0.0', 50);
    const held = m.acquire('risk')!;
    const loading = m.deploy('risk', '3.0.0');
    await sleep(1);
    m.close();
    expect(m.acquire('risk')).toBeNull();
    expect(m.names()).toEqual([]);
    expect(m.ready()).toBe(false);
    expect((await rejection(loading)).code).toBe('closed');
    expect((await rejection(m.deploy('risk', '1.0.0'))).code).toBe('closed');
    const heldModel = held.model as FakeModel;
    expect(heldModel.disposals).toBe(0);
    held.release({ ok: true, latencyMs: 1 });
    expect(f.made.map((x) => [x.version, x.disposals])).toEqual([
      ['1.0.0', 1],
      ['2.0.0', 1],
      ['4.0.0', 1],
      ['3.0.0', 1],
    ]);
  });
});
