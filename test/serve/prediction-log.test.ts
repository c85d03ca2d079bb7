/**
 * The prediction log writer: whole lines, rotation by size and by age (injected clock), retention,
 * restarts, concurrent writers, the bounded buffer's drop counter, compression and disk errors.
 */

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { UsageError } from '../../src/errors.js';
import {
  formatPredictionLine,
  PredictionLog,
  type PredictionLogEntry,
  predictionOutputs,
} from '../../src/serve/prediction-log.js';
import { parsePredictionLogName, predictionLogFileName } from '../../src/serve/prediction-log-files.js';
import { readPredictionEntries } from '../../src/serve/prediction-log-reader.js';

let root = '';
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-plog-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
/** A fresh folder (not created) for one test. */
const freshDir = (): string => join(root, `log-${++counter}`);

function entry(i: number, extra: Partial<PredictionLogEntry> = {}): PredictionLogEntry {
  return {
    ts: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    request_id: `r${i}`,
    model: 'risk',
    version: '1.0.0',
    role: 'stable',
    inputs: { age: 20 + (i % 50), region: i % 3 === 0 ? 'urban' : 'rural', note: 'line\nbreak "quoted"' },
    outputs: (i % 100) / 100,
    latency_ms: 1.5,
    ...extra,
  };
}

/** Every file of a folder, sorted by name, with its raw text (gunzipped). */
async function filesOf(dir: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(dir)).sort();
  const out: { name: string; text: string }[] = [];
  for (const name of names) {
    const raw = await readFile(join(dir, name));
    out.push({ name, text: name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8') });
  }
  return out;
}

/** Every line of every file parses as JSON and every file ends with a line break. */
function expectWholeLines(files: { name: string; text: string }[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of files) {
    if (f.text.length === 0) continue;
    expect(f.text.endsWith('\n'), f.name).toBe(true);
    for (const line of f.text.slice(0, -1).split('\n')) out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

/** A clock the test moves. */
function clock(start: string): { now: () => Date; advance: (ms: number) => void } {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

describe('PredictionLog', () => {
  it('writes thousands of entries as one JSON line each and reads them back in order', async () => {
    const dir = freshDir();
    const log = new PredictionLog({ dir });
    for (let i = 0; i < 3000; i++) expect(log.write(entry(i))).toBe(true);
    // Requests with several instances: one line per row, sharing the request id, indexed.
    for (let r = 0; r < 200; r++) {
      const instances: Row[] = Array.from({ length: 10 }, (_, k) => ({
        age: k,
        region: 'coastal',
        note: null,
      }));
      const accepted = log.writeRequest({
        ts: '2025-01-02T00:00:00.000Z',
        request_id: `batch-${r}`,
        model: 'risk',
        version: '1.1.0',
        role: 'canary',
        latency_ms: 4,
        instances,
        outputs: instances.map((_, k) => k / 10),
      });
      expect(accepted).toBe(10);
    }
    await log.close();
    expect(log.stats).toMatchObject({ accepted: 5000, written: 5000, dropped: 0, rotations: 0, errors: 0 });
    expect(log.stats.bufferedBytes).toBe(0);

    const files = await filesOf(dir);
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toMatch(/^predictions-\d{8}T\d{6}-000001\.jsonl$/);
    const lines = expectWholeLines(files);
    expect(lines).toHaveLength(5000);
    expect(Object.keys(lines[0]!)).toEqual([
      'ts',
      'request_id',
      'index',
      'model',
      'version',
      'role',
      'latency_ms',
      'inputs',
      'outputs',
    ]);
    expect(lines[0]).toMatchObject({ request_id: 'r0', index: 0, inputs: { note: 'line\nbreak "quoted"' } });
    expect(lines[3000 + 37]).toMatchObject({ request_id: 'batch-3', index: 7, outputs: 0.7, role: 'canary' });

    const back = await collect(readPredictionEntries(dir));
    expect(back.map((e) => `${e.request_id}:${e.index}`)).toEqual(
      lines.map((l) => `${l.request_id as string}:${l.index as number}`),
    );
  });

  it('rotates by size: every file stays under maxBytes and holds whole lines, in order', async () => {
    const dir = freshDir();
    const maxBytes = 4096;
    const log = new PredictionLog({ dir, maxBytes, maxFiles: 1000 });
    for (let i = 0; i < 2000; i++) log.write(entry(i));
    await log.flush();
    const stats = log.stats;
    await log.close();
    const files = await filesOf(dir);
    expect(files.length).toBeGreaterThan(20);
    expect(stats.rotations).toBe(files.length - 1);
    for (const f of files) expect(Buffer.byteLength(f.text)).toBeLessThanOrEqual(maxBytes);
    const lines = expectWholeLines(files);
    expect(lines.map((l) => l.request_id)).toEqual(Array.from({ length: 2000 }, (_, i) => `r${i}`));
    // Sequence numbers grow from 1.
    const seqs = files.map((f) => parsePredictionLogName(f.name)!.seq);
    expect(seqs).toEqual(Array.from({ length: files.length }, (_, i) => i + 1));
  });

  it('rotates by age on the first write after maxAgeMs, naming files by the injected UTC clock', async () => {
    const dir = freshDir();
    const c = clock('2025-03-04T05:06:07.890Z');
    const log = new PredictionLog({ dir, maxAgeMs: 60 * 60 * 1000, now: c.now });
    for (let i = 0; i < 10; i++) log.write(entry(i));
    c.advance(30 * 60 * 1000);
    for (let i = 10; i < 20; i++) log.write(entry(i));
    c.advance(31 * 60 * 1000); // 61 minutes after the first file opened
    for (let i = 20; i < 30; i++) log.write(entry(i));
    c.advance(24 * 60 * 60 * 1000);
    log.write(entry(30));
    await log.close();
    expect(log.stats.rotations).toBe(2);
    const files = await filesOf(dir);
    expect(files.map((f) => f.name)).toEqual([
      'predictions-20250304T050607-000001.jsonl',
      'predictions-20250304T060707-000002.jsonl',
      'predictions-20250305T060707-000003.jsonl',
    ]);
    expect(files.map((f) => expectWholeLines([f]).length)).toEqual([20, 10, 1]);
  });

  it('keeps maxFiles files, deleting the oldest', async () => {
    const dir = freshDir();
    const log = new PredictionLog({ dir, maxBytes: 2048, maxFiles: 3 });
    for (let i = 0; i < 1000; i++) log.write(entry(i));
    await log.close();
    const files = await filesOf(dir);
    expect(files).toHaveLength(3);
    expect(log.stats.filesDeleted).toBe(log.stats.rotations + 1 - 3);
    const lines = expectWholeLines(files);
    // What is left is the newest lines, up to the last one written.
    expect(lines.at(-1)?.request_id).toBe('r999');
    const first = Number((lines[0]!.request_id as string).slice(1));
    expect(lines.map((l) => l.request_id)).toEqual(
      Array.from({ length: 1000 - first }, (_, i) => `r${first + i}`),
    );
  });

  it('after a restart, continues the sequence in a new file and never appends to an old one', async () => {
    const dir = freshDir();
    const c = clock('2025-01-01T00:00:00Z');
    const first = new PredictionLog({ dir, now: c.now });
    for (let i = 0; i < 5; i++) first.write(entry(i));
    await first.close();
    const before = await filesOf(dir);
    const second = new PredictionLog({ dir, now: c.now }); // same second: the seq tells the files apart
    for (let i = 5; i < 10; i++) second.write(entry(i));
    await second.close();
    const after = await filesOf(dir);
    expect(after.map((f) => f.name)).toEqual([
      'predictions-20250101T000000-000001.jsonl',
      'predictions-20250101T000000-000002.jsonl',
    ]);
    expect(after[0]!.text).toBe(before[0]!.text);
    const back = await collect(readPredictionEntries(dir));
    expect(back.map((e) => e.request_id)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
  });

  it('concurrent writers never interleave partial lines (rotating all the while)', async () => {
    const dir = freshDir();
    const log = new PredictionLog({ dir, maxBytes: 8192, maxFiles: 10_000 });
    const producers = 20;
    const perProducer = 500;
    await Promise.all(
      Array.from({ length: producers }, async (_, p) => {
        for (let i = 0; i < perProducer; i++) {
          const big = i % 97 === 0 ? 'x'.repeat(3000) : 'y';
          log.write(entry(i, { request_id: `p${p}-${i}`, inputs: { producer: p, i, pad: big } }));
          if (i % 7 === p % 7) await new Promise<void>((resolve) => setImmediate(resolve));
          if (i % 50 === 0) await log.flush();
        }
      }),
    );
    await log.close();
    expect(log.stats).toMatchObject({ written: producers * perProducer, dropped: 0, errors: 0 });
    const lines = expectWholeLines(await filesOf(dir));
    expect(lines).toHaveLength(producers * perProducer);
    // Each producer's lines come out in the order it wrote them.
    for (let p = 0; p < producers; p++) {
      const mine = lines.filter((l) => (l.inputs as Row).producer === p).map((l) => (l.inputs as Row).i);
      expect(mine).toEqual(Array.from({ length: perProducer }, (_, i) => i));
    }
  });

  it('drops and counts lines beyond a tiny buffer instead of growing memory', async () => {
    const dir = freshDir();
    const lineBytes = Buffer.byteLength(formatPredictionLine(entry(0)));
    const log = new PredictionLog({ dir, maxBufferBytes: lineBytes * 10 + 5 });
    const results: boolean[] = [];
    // Synchronously: the disk gets no chance to catch up.
    for (let i = 0; i < 1000; i++) results.push(log.write(entry(i)));
    const accepted = results.filter(Boolean).length;
    expect(accepted).toBeGreaterThanOrEqual(5);
    expect(accepted).toBeLessThan(20);
    expect(log.stats.bufferedBytes).toBeLessThanOrEqual(lineBytes * 10 + 5);
    expect(log.stats.dropped).toBe(1000 - accepted);
    expect(log.stats.accepted).toBe(accepted);
    await log.flush();
    expect(log.stats.written).toBe(accepted);
    // Once the disk caught up, writes are accepted again.
    expect(log.write(entry(5000))).toBe(true);
    await log.close();
    const lines = expectWholeLines(await filesOf(dir));
    expect(lines).toHaveLength(accepted + 1);
    expect(lines.at(-1)?.request_id).toBe('r5000');
  });

  it('drops writes after close; close is idempotent', async () => {
    const dir = freshDir();
    const log = new PredictionLog({ dir });
    log.write(entry(1));
    await Promise.all([log.close(), log.close()]);
    expect(log.write(entry(2))).toBe(false);
    await log.close();
    expect(log.stats).toMatchObject({ written: 1, dropped: 1 });
    expect(log.stats.file).toBeUndefined();
    expect(expectWholeLines(await filesOf(dir))).toHaveLength(1);
  });

  it('gzips rotated files with compress, and the reader reads them with the open file', async () => {
    const dir = freshDir();
    const log = new PredictionLog({ dir, maxBytes: 4096, compress: true, maxFiles: 1000 });
    for (let i = 0; i < 300; i++) log.write(entry(i));
    await log.flush();
    const names = (await readdir(dir)).sort();
    expect(names.filter((n) => n.endsWith('.jsonl.gz')).length).toBe(names.length - 1);
    expect(names.filter((n) => n.endsWith('.jsonl'))).toEqual([log.stats.file?.split(/[\\/]/).at(-1)]);
    const back = await collect(readPredictionEntries(dir));
    expect(back.map((e) => e.request_id)).toEqual(Array.from({ length: 300 }, (_, i) => `r${i}`));
    await log.close();
    expect((await readdir(dir)).every((n) => n.endsWith('.jsonl.gz'))).toBe(true);
  });

  it('never throws on disk errors: counts them and drops the lines', async () => {
    const blocker = join(root, `blocker-${++counter}`);
    await writeFile(blocker, 'not a folder');
    const errors: Error[] = [];
    const log = new PredictionLog({ dir: join(blocker, 'logs'), onError: (e) => errors.push(e) });
    for (let i = 0; i < 10; i++) expect(log.write(entry(i))).toBe(true);
    await log.close();
    expect(log.stats.written).toBe(0);
    expect(log.stats.dropped).toBe(10);
    expect(log.stats.errors).toBeGreaterThan(0);
    expect(log.stats.lastError).toBeDefined();
    expect(errors.length).toBe(log.stats.errors);
  });

  it('rejects bad options with a UsageError', () => {
    expect(() => new PredictionLog({ dir: '' })).toThrow(UsageError);
    expect(() => new PredictionLog({ dir: 'x', prefix: '../evil' })).toThrow(/prefix/);
    expect(() => new PredictionLog({ dir: 'x', maxFiles: 0 })).toThrow(/maxFiles/);
    expect(() => new PredictionLog({ dir: 'x', maxFiles: 1.5 })).toThrow(/maxFiles/);
    expect(() => new PredictionLog({ dir: 'x', maxBytes: -1 })).toThrow(/maxBytes/);
    expect(() => new PredictionLog({ dir: 'x', maxAgeMs: Number.NaN })).toThrow(/maxAgeMs/);
  });

  it('names files <prefix>-<UTC yyyymmddThhmmss>-<seq>.jsonl and parses them back', () => {
    const name = predictionLogFileName('risk-a', new Date('2025-12-31T23:59:58.999Z'), 42);
    expect(name).toBe('risk-a-20251231T235958-000042.jsonl');
    expect(parsePredictionLogName(`${name}.gz`)).toEqual({
      prefix: 'risk-a',
      time: Date.parse('2025-12-31T23:59:58Z'),
      seq: 42,
      gzip: true,
      base: name,
    });
    expect(parsePredictionLogName('data.jsonl')).toBeUndefined();
    expect(parsePredictionLogName(`${name}.gz.tmp`)).toBeUndefined();
  });

  it('turns batch predictions into per-row outputs', () => {
    expect(predictionOutputs({ task: 'binary', score: Float64Array.from([0.25, 0.5]) })).toEqual([0.25, 0.5]);
    expect(predictionOutputs({ task: 'regression', yPred: Float64Array.from([3]) })).toEqual([3]);
    expect(
      predictionOutputs({
        task: 'multiclass',
        classes: ['a', 'b'],
        proba: Float32Array.from([0.25, 0.75, 1, 0]),
      }),
    ).toEqual([
      [0.25, 0.75],
      [1, 0],
    ]);
  });
});
