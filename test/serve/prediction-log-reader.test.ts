/**
 * Reading the prediction log back: flat rows, file order (plain and gzipped), partial last lines,
 * filters, `isPredictionLog`, and the round trip into a drift profile equal to `profileRows`.
 */

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { riskRows } from '../../src/demo/risk-data.js';
import { profileRows } from '../../src/drift/profile-builder.js';
import { profileFile } from '../../src/drift/profile-io.js';
import { DataError } from '../../src/errors.js';
import {
  formatPredictionLine,
  PredictionLog,
  type PredictionLogEntry,
} from '../../src/serve/prediction-log.js';
import {
  emptyReadStats,
  isPredictionLog,
  profilePredictionLog,
  readPredictionLog,
} from '../../src/serve/prediction-log-reader.js';

let root = '';
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-plog-read-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const dir = join(root, `log-${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

function entry(id: string, extra: Partial<PredictionLogEntry> = {}): PredictionLogEntry {
  return {
    ts: '2025-01-01T00:00:00.000Z',
    request_id: id,
    model: 'risk',
    version: '1.0.0',
    role: 'stable',
    inputs: { x: 1, city: 'Oslo' },
    outputs: 0.5,
    latency_ms: 2,
    ...extra,
  };
}

const lines = (...entries: PredictionLogEntry[]): string => entries.map(formatPredictionLine).join('');

/** A deterministic stand-in for the model: a score in [0, 1] from a few features. */
function score(row: Row): number {
  const age = typeof row.age === 'number' ? row.age : 40;
  const miles = typeof row.annual_mileage === 'number' ? row.annual_mileage : 10000;
  return Math.round((1 / (1 + Math.exp(-(0.02 * (50 - age) + miles / 20000 - 1)))) * 1e6) / 1e6;
}

describe('readPredictionLog', () => {
  it('flattens entries: features, prediction (proba_<i> and argmax for class probabilities), metadata', async () => {
    const dir = await freshDir();
    await writeFile(
      join(dir, 'predictions-20250101T000000-000001.jsonl'),
      lines(
        entry('a', { inputs: { x: 1, city: 'Oslo' }, outputs: 0.25 }),
        entry('b', { index: 3, outputs: [0.1, 0.7, 0.2], role: 'canary', version: '2.0.0' }),
        entry('c', { outputs: [0.9] }),
        entry('d', { outputs: [0.4, 0.4, 0.2] }),
      ) +
        '{"ts":"2025-01-01T00:00:00.000Z","request_id":"e","model":"risk","version":"1.0.0","role":"stable","latency_ms":null,"inputs":{"x":null,"nested":{"a":1}},"outputs":null}\n',
    );
    const rows = await collect(readPredictionLog(dir));
    expect(rows[0]).toEqual({
      x: 1,
      city: 'Oslo',
      prediction: 0.25,
      model: 'risk',
      version: '1.0.0',
      role: 'stable',
      request_id: 'a',
      index: 0,
      ts: '2025-01-01T00:00:00.000Z',
      latency_ms: 2,
    });
    expect(Object.keys(rows[0]!)).toEqual([
      'x',
      'city',
      'prediction',
      'model',
      'version',
      'role',
      'request_id',
      'index',
      'ts',
      'latency_ms',
    ]);
    expect(rows[1]).toMatchObject({ prediction: 1, proba_0: 0.1, proba_1: 0.7, proba_2: 0.2, index: 3 });
    expect(rows[1]).toMatchObject({ role: 'canary', version: '2.0.0' });
    expect(rows[2]).toMatchObject({ prediction: 0.9 });
    expect(rows[2]).not.toHaveProperty('proba_0');
    expect(rows[3]).toMatchObject({ prediction: 0 }); // ties: the first
    expect(rows[4]).toMatchObject({ x: null, nested: '{"a":1}', prediction: null, latency_ms: null });
  });

  it('reads every log file of a folder in time then sequence order, plain and gzipped, ignoring others', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'predictions-20250102T000000-000003.jsonl'), lines(entry('4'), entry('5')));
    await writeFile(
      join(dir, 'predictions-20250101T000000-000002.jsonl.gz'),
      gzipSync(lines(entry('2'), entry('3'))),
    );
    await writeFile(join(dir, 'predictions-20250101T000000-000001.jsonl'), lines(entry('1')));
    await writeFile(join(dir, 'other-20241231T000000-000009.jsonl'), lines(entry('0')));
    await writeFile(join(dir, 'notes.jsonl'), '{"not":"a log"}\n');
    await writeFile(join(dir, 'predictions-20250103T000000-000004.jsonl.gz.tmp'), 'half a gzip');
    const ids = async (options = {}) =>
      (await collect(readPredictionLog(dir, options))).map((r) => r.request_id);
    expect(await ids()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(await ids({ prefix: 'predictions' })).toEqual(['1', '2', '3', '4', '5']);
    // One file by path.
    expect(
      (await collect(readPredictionLog(join(dir, 'predictions-20250101T000000-000002.jsonl.gz')))).map(
        (r) => r.request_id,
      ),
    ).toEqual(['2', '3']);
  });

  it('reads a file present both plain and gzipped (mid-compression) once', async () => {
    const dir = await freshDir();
    const text = lines(entry('1'), entry('2'));
    await writeFile(join(dir, 'predictions-20250101T000000-000001.jsonl'), text);
    await writeFile(join(dir, 'predictions-20250101T000000-000001.jsonl.gz'), gzipSync(text));
    expect((await collect(readPredictionLog(dir))).map((r) => r.request_id)).toEqual(['1', '2']);
  });

  it('skips a partial last line (the active file mid-write) and counts it', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'predictions-20250101T000000-000001.jsonl'), lines(entry('1'), entry('2')));
    const partial = formatPredictionLine(entry('4'));
    await writeFile(
      join(dir, 'predictions-20250101T010000-000002.jsonl'),
      lines(entry('3')) + partial.slice(0, partial.length - 10),
    );
    const stats = emptyReadStats();
    const rows = await collect(readPredictionLog(dir, { stats }));
    expect(rows.map((r) => r.request_id)).toEqual(['1', '2', '3']);
    expect(stats).toMatchObject({ files: 2, entries: 3, rows: 3, partialLines: 1 });
  });

  it('reads a log while the writer is still writing, without errors', async () => {
    const dir = await freshDir();
    const log = new PredictionLog({ dir, maxBytes: 16 * 1024, maxFiles: 1000 });
    let reads = 0;
    for (let i = 0; i < 2000; i++) {
      log.write(entry(String(i), { inputs: { i, pad: 'z'.repeat(i % 300) } }));
      if (i % 400 === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const rows = await collect(readPredictionLog(dir));
        expect(rows.map((r) => r.i)).toEqual(Array.from({ length: rows.length }, (_, k) => k));
        reads++;
      }
    }
    await log.close();
    expect(reads).toBe(5);
    expect(await collect(readPredictionLog(dir))).toHaveLength(2000);
  });

  it('rejects a bad line in the middle with a DataError naming the file, line and field', async () => {
    const dir = await freshDir();
    const file = join(dir, 'predictions-20250101T000000-000001.jsonl');
    await writeFile(file, `${lines(entry('1'))}{"oops"\n${lines(entry('2'))}`);
    await expect(collect(readPredictionLog(dir))).rejects.toThrow(DataError);
    await expect(collect(readPredictionLog(dir))).rejects.toThrow(/000001\.jsonl:2/);
    await writeFile(file, lines(entry('1'), { ...entry('2'), role: 'shadow' as 'stable' }));
    await expect(collect(readPredictionLog(dir))).rejects.toThrow(/:2 column "role"/);
    await writeFile(file, lines({ ...entry('1'), inputs: [1, 2] as unknown as Row }));
    await expect(collect(readPredictionLog(dir))).rejects.toThrow(/column "inputs"/);
    await expect(collect(readPredictionLog(join(dir, 'missing')))).rejects.toThrow(/no such file/);
  });

  it('filters by model, version, role and a [from, to) time window', async () => {
    const dir = await freshDir();
    const log = new PredictionLog({
      dir,
      now: () => new Date('2025-01-01T00:00:00Z'),
    });
    for (let h = 0; h < 48; h++) {
      const ts = new Date(Date.UTC(2025, 0, 1, h)).toISOString();
      log.write(entry(`s${h}`, { ts, version: h < 24 ? '1.0.0' : '1.1.0' }));
      log.write(entry(`c${h}`, { ts, role: 'canary', model: h % 2 === 0 ? 'risk' : 'other' }));
    }
    await log.close();
    const ids = async (options: Parameters<typeof readPredictionLog>[1]) =>
      (await collect(readPredictionLog(dir, options))).map((r) => r.request_id);
    expect(await ids({ version: '1.1.0', role: 'stable' })).toHaveLength(24);
    expect(await ids({ model: 'other' })).toHaveLength(24);
    expect(
      await ids({
        from: new Date('2025-01-01T10:00:00Z'),
        to: new Date('2025-01-01T12:00:00Z'),
        role: 'stable',
      }),
    ).toEqual(['s10', 's11']);
  });

  it('skips whole files outside the time window by their names', async () => {
    const dir = await freshDir();
    for (let d = 1; d <= 5; d++) {
      const ts = `2025-01-0${d}T12:00:00.000Z`;
      await writeFile(
        join(dir, `predictions-2025010${d}T000000-00000${d}.jsonl`),
        lines(entry(`d${d}`, { ts })),
      );
    }
    const stats = emptyReadStats();
    const rows = await collect(
      readPredictionLog(dir, {
        from: new Date('2025-01-03T00:00:00Z'),
        to: new Date('2025-01-04T00:00:00Z'),
        stats,
      }),
    );
    expect(rows.map((r) => r.request_id)).toEqual(['d3']);
    // Days 1 and 5 are skipped; the neighbours of the window are read, within the margin of their names.
    expect(stats).toMatchObject({ files: 3, filesSkipped: 2 });
  });
});

describe('isPredictionLog', () => {
  it('tells log folders and log files from data files', async () => {
    const dir = await freshDir();
    expect(await isPredictionLog(dir)).toBe(false); // empty folder
    await writeFile(join(dir, 'predictions-20250101T000000-000001.jsonl'), lines(entry('1')));
    expect(await isPredictionLog(dir)).toBe(true);
    expect(await isPredictionLog(join(dir, 'predictions-20250101T000000-000001.jsonl'))).toBe(true);
    const copy = join(root, `today-${++counter}.jsonl.gz`);
    await writeFile(copy, gzipSync(lines(entry('1'))));
    expect(await isPredictionLog(copy)).toBe(true);
    const data = join(root, `data-${++counter}.jsonl`);
    await writeFile(data, '{"age":40,"region":"urban"}\n');
    expect(await isPredictionLog(data)).toBe(false);
    const csv = join(root, `data-${++counter}.csv`);
    await writeFile(csv, 'a,b\n1,2\n');
    expect(await isPredictionLog(csv)).toBe(false);
    expect(await isPredictionLog(join(root, 'nowhere'))).toBe(false);
  });
});

describe('profilePredictionLog', () => {
  it('round-trips 5,000 logged predictions into the drift profile of the same rows + prediction', async () => {
    const dir = await freshDir();
    const rows = [...riskRows({ rows: 5000, seed: 7 })];
    const start = Date.parse('2025-02-01T00:00:00Z');
    let t = start;
    const log = new PredictionLog({ dir, maxBytes: 256 * 1024, compress: true, now: () => new Date(t) });
    // Requests of 1 to 8 rows, one second apart.
    for (let i = 0, r = 0; i < rows.length; r++) {
      const n = Math.min(1 + (r % 8), rows.length - i);
      const instances = rows.slice(i, i + n);
      log.writeRequest({
        ts: new Date(t).toISOString(),
        request_id: `req-${r}`,
        model: 'risk',
        version: '1.0.0',
        role: r % 10 === 0 ? 'canary' : 'stable',
        latency_ms: 3 + (r % 5),
        instances,
        outputs: instances.map(score),
      });
      i += n;
      t += 1000;
    }
    await log.close();
    expect(log.stats.written).toBe(5000);
    expect(log.stats.rotations).toBeGreaterThan(2);

    const expected = await profileRows(rows.map((row) => ({ ...row, prediction: score(row) })));
    const got = await profilePredictionLog(dir);
    expect(got.profile.rows).toBe(5000);
    expect(got.profile.columns.map((c) => c.name)).toEqual([...Object.keys(rows[0]!), 'prediction']);
    expect(got.profile.columns).toEqual(expected.columns);
    expect(got.profile.settings).toEqual(expected.settings);
    expect(got.profile.source).toBe(dir);
    expect(got.window.from).toBe('2025-02-01T00:00:00.000Z');
    expect(Date.parse(got.window.to!)).toBe(t - 1000);
    expect(got.stats).toMatchObject({ rows: 5000, partialLines: 0 });

    // The same through a JSONL file of the flat rows: profileFile sees the same features.
    const flat = join(root, `flat-${++counter}.jsonl`);
    await writeFile(
      flat,
      (await collect(readPredictionLog(dir))).map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
    const fromFile = await profileFile(flat);
    for (const col of expected.columns) {
      expect(fromFile.columns.find((c) => c.name === col.name)).toEqual(col);
    }

    // Metadata columns on request, and filters.
    const canary = await profilePredictionLog(dir, { role: 'canary', include: ['version', 'latency_ms'] });
    expect(canary.profile.columns.map((c) => c.name).slice(-3)).toEqual([
      'prediction',
      'version',
      'latency_ms',
    ]);
    expect(canary.profile.rows).toBeGreaterThan(0);
    expect(canary.profile.rows).toBeLessThan(1000);
    const noPrediction = await profilePredictionLog(dir, { prediction: false, columns: ['age', 'region'] });
    expect(noPrediction.profile.columns.map((c) => c.name)).toEqual(['age', 'region']);
  });

  it('profiles an empty log to an empty profile with no window', async () => {
    const dir = await freshDir();
    const got = await profilePredictionLog(dir);
    expect(got.profile.rows).toBe(0);
    expect(got.window).toEqual({});
  });
});
