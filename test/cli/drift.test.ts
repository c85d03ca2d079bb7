/**
 * `modelgate profile`, `profile merge` and `drift` through the CLI on real files: exit codes 0/3,
 * the JSON shape, shard profiles merging into the whole, reports written, bad input.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/args.js';
import { main } from '../../src/cli.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';
import { loadProfile } from '../../src/drift/profile.js';

let tmp: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false, env: {}, cwd: tmp };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

async function run(args: string[]) {
  const r = io();
  const code = await main(args, r.io);
  return { code, out: r.out(), err: r.err() };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelgate-drift-cli-'));
  await writeRows(join(tmp, 'ref.csv'), riskRows({ rows: 6000, seed: 1 }), RISK_COLUMNS);
  await writeRows(join(tmp, 'ref-a.csv'), riskRows({ rows: 6000, seed: 1 }), RISK_COLUMNS);
  await writeRows(join(tmp, 'same.csv'), riskRows({ rows: 6000, seed: 2 }), RISK_COLUMNS);
  await writeRows(join(tmp, 'shifted.jsonl'), riskRows({ rows: 6000, seed: 3, shift: 1 }), RISK_COLUMNS);
  // Two shards whose concatenation is ref.csv.
  const rows = [...riskRows({ rows: 6000, seed: 1 })];
  await writeRows(join(tmp, 'shard-1.csv'), rows.slice(0, 2500), RISK_COLUMNS);
  await writeRows(join(tmp, 'shard-2.csv'), rows.slice(2500), RISK_COLUMNS);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('modelgate profile', () => {
  it('profiles a file, and merged shard profiles equal the profile of the whole', async () => {
    expect((await run(['profile', '--data', 'ref.csv', '--out', 'ref.json'])).code).toBe(0);
    expect((await run(['profile', '--data', 'shard-1.csv', '--out', 's1.json'])).code).toBe(0);
    expect((await run(['profile', '--data', 'shard-2.csv', '--out', 's2.json'])).code).toBe(0);
    const merged = await run(['profile', 'merge', 's1.json', 's2.json', '--out', 'merged.json']);
    expect(merged.code, merged.err).toBe(0);
    const whole = await loadProfile(join(tmp, 'ref.json'));
    const parts = await loadProfile(join(tmp, 'merged.json'));
    expect(parts.rows).toBe(6000);
    for (const col of whole.columns) {
      const other = parts.columns.find((c) => c.name === col.name)!;
      // Counts, categories, HLL registers and the quantile sketch merge exactly.
      expect(other).toMatchObject({
        name: col.name,
        type: col.type,
        count: col.count,
        missing: col.missing,
        hll: col.hll,
      });
      expect(other.categories).toEqual(col.categories);
      expect(other.numeric.sketch).toEqual(col.numeric.sketch);
      expect([other.numeric.min, other.numeric.max]).toEqual([col.numeric.min, col.numeric.max]);
      if (col.numeric.mean !== null) expect(other.numeric.mean).toBeCloseTo(col.numeric.mean, 9);
    }
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await run(['profile', '--out', 'x.json'])).code).toBe(2);
    expect((await run(['profile', 'merge', '--out', 'x.json'])).code).toBe(2);
    const missing = await run(['profile', '--data', 'nope.csv', '--out', 'x.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope.csv');
  });
});

describe('modelgate drift', () => {
  it('exits 0 with no drift between two samples of one population', async () => {
    const r = await run(['drift', '--reference', 'ref.json', '--current', 'same.csv', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.dataset).toMatchObject({ drifted: false, method: 'auto' });
    for (const f of j.features) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(['name', 'type', 'method', 'statistic', 'pValue', 'threshold', 'drifted']),
      );
    }
    expect(j.skipped.map((s: { name: string }) => s.name)).toContain('policy_id');
  });

  it('exits 3 on a shifted population (JSONL current, CSV reference), writes markdown and HTML', async () => {
    const r = await run([
      'drift',
      '--reference',
      'ref-a.csv',
      '--current',
      'shifted.jsonl',
      '--model',
      'risk',
      '--release',
      '1.0.0',
      '--markdown',
      '--html',
      'out/drift.html',
    ]);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toContain('<!-- modelgate:drift:risk@1.0.0 -->');
    expect(r.out).toMatch(/annual_mileage/);
    const html = await readFile(join(tmp, 'out', 'drift.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
  });

  it('a forced method and threshold apply; bad values exit 2', async () => {
    const r = await run([
      'drift',
      '--reference',
      'ref.json',
      '--current',
      'same.csv',
      '--method',
      'psi',
      '--threshold',
      '0.2',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(
      j.features.every(
        (f: { method: string; threshold: number }) => f.method === 'psi' && f.threshold === 0.2,
      ),
    ).toBe(true);
    expect(
      (await run(['drift', '--reference', 'ref.json', '--current', 'same.csv', '--method', 'magic'])).code,
    ).toBe(2);
    expect(
      (await run(['drift', '--reference', 'ref.json', '--current', 'same.csv', '--threshold', '0.2'])).code,
    ).toBe(2);
    expect(
      (await run(['drift', '--reference', 'ref.json', '--current', 'same.csv', '--share', '2'])).code,
    ).toBe(2);
  });
});
