/**
 * Joining late labels to the prediction log by request id and row index, and writing a predictions
 * file that `modelgate metrics` evaluates.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../src/data/types.js';
import { DataError, UsageError } from '../../src/errors.js';
import { computeMetrics } from '../../src/metrics/index.js';
import { evaluatePredictionsFile } from '../../src/runs/predictions.js';
import { joinLabels, writeLabelledPredictions } from '../../src/serve/label-join.js';
import { PredictionLog } from '../../src/serve/prediction-log.js';

let root = '';
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelgate-labels-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});
const path = (name: string): string => join(root, `${++counter}-${name}`);

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

/** The true label of request r, row k (deterministic). */
const truth = (r: number, k: number): number => ((r * 7 + k * 3) % 5 < 2 ? 1 : 0);
/** The model's score for it: right most of the time. */
const scoreOf = (r: number, k: number): number =>
  truth(r, k) === 1 ? 0.6 + ((r + k) % 4) / 10 : 0.1 + ((r * k) % 5) / 10;

/** Logs 100 requests of 1 to 3 rows (request ids `007-<r>`); returns the log folder. */
async function makeLog(): Promise<string> {
  const dir = path('log');
  const log = new PredictionLog({ dir, maxBytes: 4096 });
  for (let r = 0; r < 100; r++) {
    const n = 1 + (r % 3);
    const instances: Row[] = Array.from({ length: n }, (_, k) => ({
      age: 20 + r,
      region: k % 2 === 0 ? 'urban' : 'rural',
    }));
    log.writeRequest({
      ts: new Date(Date.UTC(2025, 0, 1, 0, r)).toISOString(),
      request_id: `007-${r}`,
      model: 'risk',
      version: r < 50 ? '1.0.0' : '1.1.0',
      role: 'stable',
      latency_ms: 2,
      instances,
      outputs: instances.map((_, k) => scoreOf(r, k)),
    });
  }
  await log.close();
  return dir;
}

/** A labels CSV for every other request (all its rows), plus noise: unknown ids, a duplicate, a blank label. */
async function makeLabels(): Promise<{ file: string; expected: Map<string, number> }> {
  const expected = new Map<string, number>();
  let csv = 'request_id,index,claim\n';
  for (let r = 0; r < 100; r += 2) {
    for (let k = 0; k < 1 + (r % 3); k++) {
      csv += `007-${r},${k},${truth(r, k)}\n`;
      expected.set(`007-${r}:${k}`, truth(r, k));
    }
  }
  csv += 'nope-1,0,1\nnope-2,,0\n'; // no such predictions
  csv += `007-0,0,${truth(0, 0)}\n`; // duplicate key: last wins (same value)
  csv += '007-1,0,\n'; // no label yet
  const file = path('labels.csv');
  await writeFile(file, csv);
  return { file, expected };
}

describe('joinLabels', () => {
  it('yields the labelled predictions with their labels, skipping and counting the rest', async () => {
    const log = await makeLog();
    const { file, expected } = await makeLabels();
    const join = joinLabels({ log, labels: file, label: 'claim' });
    const rows = await collect(join);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      expect(row.claim).toBe(expected.get(`${row.request_id as string}:${row.index as number}`));
      expect(row).toHaveProperty('prediction');
      expect(row).toHaveProperty('age');
    }
    // Request ids are text: the leading zeros of `007-` survive the CSV.
    expect(rows[0]!.request_id).toBe('007-0');
    const predictions = Array.from({ length: 100 }, (_, r) => 1 + (r % 3)).reduce((a, b) => a + b, 0);
    expect(join.stats).toMatchObject({
      labels: expected.size + 2,
      duplicateLabels: 1,
      missingLabelValues: 1,
      predictions,
      joined: expected.size,
      unlabelled: predictions - expected.size,
      unmatchedLabels: 2,
    });
    expect(join.stats.log.files).toBeGreaterThan(1);
  });

  it('applies the reader filters and restarts cleanly on a second iteration', async () => {
    const log = await makeLog();
    const { file } = await makeLabels();
    const join = joinLabels({ log, labels: file, label: 'claim', version: '1.1.0' });
    const first = await collect(join);
    expect(first.every((r) => r.version === '1.1.0')).toBe(true);
    const again = await collect(join);
    expect(again).toEqual(first);
    expect(join.stats.joined).toBe(first.length);
    expect(join.stats.predictions).toBeLessThan(200);
  });

  it('reads JSONL labels without an index column as row 0 of each request', async () => {
    const log = await makeLog();
    const file = path('labels.jsonl');
    await writeFile(file, '{"request_id":"007-3","y":1}\n{"request_id":"007-4","y":0}\n');
    const join = joinLabels({ log, labels: file, label: 'y' });
    const rows = await collect(join);
    expect(rows.map((r) => [r.request_id, r.index, r.y])).toEqual([
      ['007-3', 0, 1],
      ['007-4', 0, 0],
    ]);
    expect(join.stats.unmatchedLabels).toBe(0);
  });

  it('names the problem: a missing label column, a missing id, a bad index, a clashing label name', async () => {
    const log = await makeLog();
    const noLabel = path('labels.csv');
    await writeFile(noLabel, 'request_id,index,y\n007-0,0,1\n');
    await expect(collect(joinLabels({ log, labels: noLabel, label: 'claim' }))).rejects.toThrow(
      /label column "claim" is not in the file; available columns: "request_id", "index", "y"/,
    );
    const noId = path('labels.csv');
    await writeFile(noId, 'request_id,index,claim\n,0,1\n');
    await expect(collect(joinLabels({ log, labels: noId, label: 'claim' }))).rejects.toThrow(DataError);
    const badIndex = path('labels.csv');
    await writeFile(badIndex, 'request_id,index,claim\n007-0,1.5,1\n');
    await expect(collect(joinLabels({ log, labels: badIndex, label: 'claim' }))).rejects.toThrow(
      /:2 column "index"/,
    );
    expect(() => joinLabels({ log, labels: noLabel, label: 'prediction' })).toThrow(UsageError);
    expect(() => joinLabels({ log, labels: noLabel, label: 'version' })).toThrow(UsageError);
  });
});

describe('writeLabelledPredictions', () => {
  it('writes a predictions file that `metrics` evaluates to the metrics of the joined rows', async () => {
    const log = await makeLog();
    const { file, expected } = await makeLabels();
    const out = path('labelled.csv');
    const result = await writeLabelledPredictions(out, { log, labels: file, label: 'claim' });
    expect(result.rows).toBe(expected.size);
    expect(result.columns).toEqual([
      'request_id',
      'index',
      'ts',
      'model',
      'version',
      'role',
      'latency_ms',
      'age',
      'region',
      'prediction',
      'score',
      'claim',
    ]);
    expect(result.unmatchedLabels).toBe(2);
    const header = (await readFile(out, 'utf8')).split('\n')[0];
    expect(header).toBe(result.columns.join(','));

    const ev = await evaluatePredictionsFile(out, { task: 'binary', label: 'claim', slices: ['region'] });
    expect(ev.rows).toBe(expected.size);
    // The same metrics straight from the expected labels and scores.
    const keys = [...expected.keys()];
    const yTrue = Float64Array.from(keys, (k) => expected.get(k)!);
    const score = Float64Array.from(keys, (k) => {
      const [id, index] = k.split(':');
      return scoreOf(Number(id!.slice(4)), Number(index));
    });
    const direct = computeMetrics('binary', { yTrue, score });
    expect(ev.overall.roc_auc).toBeCloseTo(direct.roc_auc!, 12);
    expect(ev.overall.accuracy).toBeCloseTo(direct.accuracy!, 12);
    expect(ev.slices[0]?.column).toBe('region');
  });

  it('writes class probabilities for multiclass outputs, and only metadata without features', async () => {
    const dir = path('log');
    const log = new PredictionLog({ dir });
    for (let r = 0; r < 30; r++) {
      const p = [0.1, 0.1, 0.1];
      p[r % 3] = 0.8;
      log.write({
        ts: '2025-01-01T00:00:00.000Z',
        request_id: `m${r}`,
        model: 'kind',
        version: '1.0.0',
        role: 'stable',
        inputs: { f: r },
        outputs: p,
        latency_ms: 1,
      });
    }
    await log.close();
    const labels = path('labels.jsonl');
    await writeFile(
      labels,
      Array.from(
        { length: 30 },
        (_, r) => `{"request_id":"m${r}","index":0,"cls":${r % 5 === 0 ? (r + 1) % 3 : r % 3}}\n`,
      ).join(''),
    );
    const out = path('labelled.jsonl');
    const result = await writeLabelledPredictions(out, { log: dir, labels, label: 'cls', features: false });
    expect(result.columns).toEqual([
      'request_id',
      'index',
      'ts',
      'model',
      'version',
      'role',
      'latency_ms',
      'prediction',
      'proba_0',
      'proba_1',
      'proba_2',
      'cls',
    ]);
    const ev = await evaluatePredictionsFile(out, { task: 'multiclass', label: 'cls' });
    expect(ev.classes).toEqual(['0', '1', '2']);
    expect(ev.overall.accuracy).toBeCloseTo(24 / 30, 12);
    await expect(writeLabelledPredictions(out, { log: dir, labels, label: 'score' })).rejects.toThrow(
      UsageError,
    );
  });
});
