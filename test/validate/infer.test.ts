import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/load.js';
import { writeRows } from '../../src/data/write-rows.js';
import { RISK_COLUMNS, riskRows } from '../../src/demo/risk-data.js';
import { type Profile, profileFile } from '../../src/drift/profile.js';
import { DataError } from '../../src/errors.js';
import {
  contractToYaml,
  DataContractSchema,
  inferContract,
  type ValidationReport,
  validateFile,
} from '../../src/validate/index.js';
import { tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let trainPath = '';
let reference: Profile;

beforeAll(async () => {
  t = await tempDir();
  trainPath = join(t.dir, 'train.csv');
  await writeRows(trainPath, riskRows({ rows: 3000, seed: 7 }), RISK_COLUMNS);
  reference = await profileFile(trainPath);
});
afterAll(() => t.cleanup());

const warnings = (r: ValidationReport) => r.violations.filter((v) => v.level === 'warning');

describe('inferContract', () => {
  it('proposes types, ranges, categories, uniqueness, missing shares and label balance', () => {
    const c = inferContract(reference, { label: 'claim' });
    expect(c.columns.policy_id).toMatchObject({ type: 'string', unique: true, nullable: false });
    expect(c.columns.region).toMatchObject({ type: 'categorical', nullable: false });
    expect(c.columns.region?.categories).toEqual(
      expect.arrayContaining(['urban', 'rural', 'suburban', 'coastal']),
    );
    const age = c.columns.age!;
    expect(age.type).toBe('number');
    expect(age.min).toBeLessThanOrEqual(18);
    expect(age.min).toBeGreaterThanOrEqual(0);
    expect(age.max).toBeGreaterThanOrEqual(90);
    const tele = c.columns.telematics_score!;
    expect(tele.nullable).toBe(true);
    expect(tele.max_missing).toBeGreaterThan(0.35);
    expect(tele.max_missing).toBeLessThan(0.5);
    expect(c.dataset?.min_rows).toBe(300);
    expect(c.dataset?.label?.column).toBe('claim');
    expect(c.dataset?.label?.min_share).toBeGreaterThan(0);
    expect(c.dataset?.label?.max_share).toBeLessThan(1);
    expect(() => inferContract(reference, { label: 'nope' })).toThrow(DataError);
  });

  it('accepts the data it was inferred from, CSV and JSONL', async () => {
    const c = inferContract(reference, { label: 'claim' });
    const r = await validateFile(trainPath, c, { reference });
    expect(r.violations).toEqual([]);
    expect(r).toMatchObject({ ok: true, rows: 3000, checked: { columns: RISK_COLUMNS.length } });
    const jsonl = join(t.dir, 'train.jsonl');
    await writeRows(jsonl, riskRows({ rows: 3000, seed: 7 }), RISK_COLUMNS);
    expect((await validateFile(jsonl, c, { reference })).violations).toEqual([]);
  });

  it('round-trips through YAML with a review header', () => {
    const c = inferContract(reference, { label: 'claim' });
    const text = contractToYaml(c);
    expect(text.split('\n')[0]).toMatch(/^# Data contract inferred/);
    expect(text).toMatch(/Review it/);
    expect(parseYaml(text, 'data.contract.yml', DataContractSchema)).toEqual(c);
  });

  it('infers booleans and numbers without a range when there are none', () => {
    const c = inferContract({
      ...reference,
      rows: 2,
      columns: [
        {
          ...reference.columns[0]!,
          name: 'flag',
          type: 'categorical',
          missing: 0,
          count: 2,
          categories: { values: [false, true], counts: [1, 1], other: 0 },
        },
      ],
    });
    expect(c.columns.flag?.type).toBe('boolean');
  });
});

describe('statistical expectations', () => {
  it('no warnings for the same data, warnings for shifted data', async () => {
    const c = inferContract(reference);
    const same = await validateFile(trainPath, c, { reference });
    expect(warnings(same)).toEqual([]);
    const shiftedPath = join(t.dir, 'shifted.csv');
    await writeRows(shiftedPath, riskRows({ rows: 3000, seed: 8, shift: 1 }), RISK_COLUMNS);
    const shifted = await validateFile(shiftedPath, c, { reference });
    const rules = warnings(shifted).map((v) => `${v.column}/${v.rule}`);
    expect(rules).toContain('vehicle_age/mean');
    expect(rules).toContain('annual_mileage/mean');
    const mean = warnings(shifted).find((v) => v.column === 'vehicle_age' && v.rule === 'mean')!;
    expect(mean.message).toMatch(/reference standard deviations, more than 0\.5/);
    expect(rules.some((r) => r.endsWith('/quantile'))).toBe(true);
  });

  it('another sample of the same population stays within the defaults', async () => {
    const c = inferContract(reference);
    const path = join(t.dir, 'other.csv');
    await writeRows(path, riskRows({ rows: 3000, seed: 9, firstId: 500000 }), RISK_COLUMNS);
    const r = await validateFile(path, c, { reference });
    expect(warnings(r)).toEqual([]);
  });

  it('warns about values unseen in the reference above the share', async () => {
    const c = DataContractSchema.parse({
      version: 1,
      columns: { region: { type: 'string' } },
      statistics: { new_category_share: 0.2 },
    });
    const path = await t.file('regions.csv', 'region\nurban\nmoon\nrural\nmars\nurban\n');
    const r = await validateFile(path, c, { reference });
    const v = r.violations.find((x) => x.rule === 'new_category_share');
    expect(v).toMatchObject({ level: 'warning', observed: 0.4, expected: 0.2, count: 2, examples: [2, 4] });
    expect(v?.message).toMatch(/40% of the values were never seen in the reference.*"moon", "mars"/);
    expect(r.ok).toBe(true);
  });
});
