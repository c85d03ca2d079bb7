import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { ModelManager } from '../../src/serve/model-manager.js';
import type { ModelLoader, ServedModel } from '../../src/serve/types.js';
import type { Prediction } from '../../src/train/predict.js';
import { createRng, type Rng } from '../../src/train/random.js';
import type { ModelSignature } from '../../src/train/saved-model.js';

const signature: ModelSignature = {
  format: 'modelgate-signature',
  version: 1,
  model: 'risk',
  inputs: [{ name: 'x', type: 'numeric', nullable: false }],
  output: { task: 'regression', label: 'y' },
};

/** A fake model that answers after a short random delay and throws once disposed. */
class SlowModel implements ServedModel {
  readonly name = 'risk';
  readonly signature = signature;
  /** Leases the test harness holds on it right now. */
  holders = 0;
  served = 0;
  disposals = 0;
  usedAfterDispose = 0;
  holdersAtDispose: number[] = [];
  constructor(
    readonly version: string,
    private readonly rng: Rng,
  ) {}
  async predict(rows: readonly Row[]): Promise<Prediction> {
    if (this.disposals > 0) {
      this.usedAfterDispose++;
      throw new Error(`risk@${this.version} used after dispose`);
    }
    await sleep(this.rng() < 0.5 ? 0 : 1);
    if (this.disposals > 0) {
      this.usedAfterDispose++;
      throw new Error(`risk@${this.version} used after dispose`);
    }
    return { task: 'regression', yPred: Float64Array.from(rows, () => Number(this.version[0])) };
  }
  dispose(): void {
    this.disposals++;
    this.holdersAtDispose.push(this.holders);
  }
}

function slowLoader(seed: number, loadMs = 3) {
  const rng = createRng(seed);
  const made: SlowModel[] = [];
  const loader: ModelLoader = async (_name, version) => {
    await sleep(loadMs);
    const model = new SlowModel(version, rng);
    made.push(model);
    return model;
  };
  return { loader, made };
}

/** Runs `total` acquire/predict/release cycles on `concurrency` workers; `onCycle(i)` runs as cycle i starts. */
async function loadLoop(
  m: ModelManager,
  total: number,
  concurrency: number,
  onCycle: (i: number) => void,
  keyOf?: (i: number) => string,
) {
  let started = 0;
  const failures: string[] = [];
  const byVersion = new Map<string, number>();
  const worker = async () => {
    while (started < total) {
      const i = started++;
      onCycle(i);
      const lease = m.acquire('risk', keyOf?.(i));
      if (!lease) {
        failures.push(`cycle ${i}: no model`);
        continue;
      }
      const model = lease.model as SlowModel;
      model.holders++;
      const t0 = performance.now();
      let ok = true;
      try {
        await sleep(0); // e.g. reading the request body while holding the lease
        const p = await model.predict([{ x: i }]);
        if (p.task !== 'regression' || p.yPred[0] !== Number(model.version[0]))
          throw new Error('wrong answer');
        model.served++;
        byVersion.set(model.version, (byVersion.get(model.version) ?? 0) + 1);
      } catch (err) {
        ok = false;
        failures.push(`cycle ${i}: ${(err as Error).message}`);
      } finally {
        model.holders--;
        lease.release({ ok, latencyMs: performance.now() - t0 });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failures, byVersion };
}

describe.each([true, false])('hot swap under load (keepPrevious %s)', (keepPrevious) => {
  it('2,000 concurrent cycles across 3 swaps: zero failures, no use after dispose, old models disposed once after drain', async () => {
    const { loader, made } = slowLoader(keepPrevious ? 1 : 2);
    const m = new ModelManager({ loader, keepPrevious, random: createRng(3) });
    await m.deploy('risk', '1.0.0');
    const swaps: Promise<unknown>[] = [];
    const swapAt = new Map([
      [400, '2.0.0'],
      [900, '3.0.0'],
      [1400, '4.0.0'],
    ]);
    const { failures, byVersion } = await loadLoop(m, 2000, 64, (i) => {
      const v = swapAt.get(i);
      if (v) swaps.push(m.deploy('risk', v));
    });
    await Promise.all(swaps);
    expect(failures).toEqual([]);
    expect([...byVersion.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    // Every version served requests, so each swap happened while the loop ran.
    for (const v of ['1.0.0', '2.0.0', '3.0.0', '4.0.0']) expect(byVersion.get(v) ?? 0).toBeGreaterThan(0);
    expect(made.map((x) => x.version)).toEqual(['1.0.0', '2.0.0', '3.0.0', '4.0.0']);
    expect(made.map((x) => x.usedAfterDispose)).toEqual([0, 0, 0, 0]);
    // Retired versions: disposed exactly once, never while a request held them.
    const expected = keepPrevious ? [1, 1, 0, 0] : [1, 1, 1, 0];
    expect(made.map((x) => x.disposals)).toEqual(expected);
    for (const x of made) for (const h of x.holdersAtDispose) expect(h).toBe(0);
    expect(m.drainingCount()).toBe(0);
    expect(m.status('risk')?.stable).toEqual({ version: '4.0.0', state: 'AVAILABLE' });
    m.close();
    expect(made.map((x) => x.disposals)).toEqual([1, 1, 1, 1]);
  });
});

describe('admin operations racing a load loop', () => {
  it('random deploys, canaries, promotions and rollbacks never fail a request nor hand out a disposed model', async () => {
    const { loader, made } = slowLoader(7, 1);
    const rng = createRng(8);
    const m = new ModelManager({ loader, random: createRng(9) });
    await m.deploy('risk', '1.0.0');
    const ops: Promise<unknown>[] = [];
    let next = 2;
    const { failures } = await loadLoop(
      m,
      3000,
      32,
      (i) => {
        if (i % 50 !== 25) return;
        const r = rng();
        const v = `${(next++ % 9) + 1}.0.0`;
        let op: Promise<unknown>;
        if (r < 0.3) op = m.deploy('risk', v);
        else if (r < 0.6) op = m.setCanary('risk', v, Math.floor(rng() * 101));
        else if (r < 0.8) op = m.promote('risk');
        else op = m.rollback('risk');
        // Some operations are refused by design (no canary to promote, version already stable).
        ops.push(op.catch((e: Error) => e));
      },
      (i) => `user-${i % 97}`,
    );
    await Promise.all(ops);
    expect(failures).toEqual([]);
    expect(made.every((x) => x.usedAfterDispose === 0)).toBe(true);
    expect(made.every((x) => x.disposals <= 1 && x.holdersAtDispose.every((h) => h === 0))).toBe(true);
    const status = m.status('risk')!;
    const live = made.filter((x) => x.disposals === 0).map((x) => x.version);
    expect(live).toContain(status.stable!.version);
    expect(live.length).toBeLessThanOrEqual(3);
    m.close();
    expect(made.every((x) => x.disposals === 1)).toBe(true);
  });
});
