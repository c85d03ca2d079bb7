import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import {
  createValidator,
  type DataContract,
  DataContractSchema,
  loadContract,
  type ValidationReport,
  type Violation,
  validateFile,
} from '../../src/validate/index.js';
import { tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let contract: DataContract;

beforeAll(async () => {
  t = await tempDir();
  contract = await loadContract('test/fixtures/validate/people.contract.yml');
});
afterAll(() => t.cleanup());

const CLEAN = 'id,age,plan,active\nP001,30,basic,true\nP002,45,plus,false\nP003,,basic,true\nP004,61,plus,\n';

function find(report: ValidationReport, column: string | null, rule: string): Violation {
  const v = report.violations.find((x) => x.column === column && x.rule === rule);
  if (!v) throw new Error(`no ${column}/${rule} violation in ${JSON.stringify(report.violations, null, 1)}`);
  return v;
}

async function check(name: string, text: string, c: DataContract = contract): Promise<ValidationReport> {
  return validateFile(await t.file(name, text), c);
}

describe('validateFile: column rules', () => {
  it('passes clean data, CSV and JSONL alike', async () => {
    const csv = await check('clean.csv', CLEAN);
    expect(csv).toMatchObject({ ok: true, rows: 4, violations: [], checked: { columns: 4 } });
    expect(csv.checked.rules).toBeGreaterThan(10);
    const jsonl = await check(
      'clean.jsonl',
      '{"id":"P001","age":30,"plan":"basic","active":true}\n{"id":"P002","age":null,"plan":"plus"}\n' +
        '{"id":"P003","age":50,"plan":"plus"}\n{"id":"P004","age":70,"plan":"basic"}\n',
    );
    expect(jsonl.ok).toBe(true);
  });

  it('flags wrong types with the value and row numbers', async () => {
    const r = await check(
      'types.csv',
      'id,age,plan,active\nP001,thirty,basic,yes\nP002,40,plus,1\nP003,x,basic,TRUE\n',
    );
    expect(r.ok).toBe(false);
    const age = find(r, 'age', 'type');
    expect(age).toMatchObject({ count: 2, examples: [1, 3], expected: 'number', level: 'error' });
    expect(age.message).toMatch(/2 rows not of type number, e\.g\. "thirty", "x" \(rows 1, 3\)/);
    expect(find(r, 'active', 'type')).toMatchObject({ count: 1, examples: [1], observed: '"yes"' });
  });

  it('flags out-of-range numbers with the most extreme value', async () => {
    const r = await check(
      'range.csv',
      'id,age,plan\nP001,12,basic\nP002,95,plus\nP003,5,basic\nP004,200,plus\n',
    );
    expect(find(r, 'age', 'min')).toMatchObject({ count: 2, examples: [1, 3], observed: 5, expected: 18 });
    expect(find(r, 'age', 'max')).toMatchObject({ count: 2, examples: [2, 4], observed: 200, expected: 90 });
    expect(find(r, 'age', 'min').message).toMatch(/below the minimum 18/);
  });

  it('flags missing values: non-nullable and above max_missing', async () => {
    const r = await check('missing.csv', 'id,age,plan\n,30,basic\nP002,,plus\nP003,,basic\nP004,,plus\n');
    expect(find(r, 'id', 'nullable')).toMatchObject({ count: 1, examples: [1] });
    const m = find(r, 'age', 'max_missing');
    expect(m).toMatchObject({ observed: 0.75, expected: 0.25, count: 3, examples: [2, 3, 4] });
    expect(m.message).toMatch(/75% of the values are missing, more than the allowed 25%/);
  });

  it('flags new categories, regex mismatches and duplicates', async () => {
    const r = await check(
      'values.csv',
      'id,age,plan\nP001,30,basic\nP001,31,gold\nQ17,40,plus\nP004,41,gold\nP004,42,basic\n',
    );
    expect(find(r, 'plan', 'categories')).toMatchObject({ count: 2, examples: [2, 4], observed: '"gold"' });
    expect(find(r, 'id', 'regex')).toMatchObject({ count: 1, examples: [3], observed: '"Q17"' });
    expect(find(r, 'id', 'unique')).toMatchObject({ count: 2, examples: [2, 5] });
    const key = find(r, null, 'unique_key');
    expect(key).toMatchObject({ count: 2, examples: [2, 5] });
    expect(key.message).toMatch(
      /repeat the key \(id\) of an earlier row, e\.g\. "P001"; "P004" \(rows 2, 5\)/,
    );
  });

  it('reports a missing required column, but not an optional one', async () => {
    const r = await check('nocol.csv', 'id,plan\nP001,basic\n');
    expect(find(r, 'age', 'required').message).toMatch(
      /column "age" is missing \(the data has "id", "plan"\)/,
    );
    expect(r.violations.some((v) => v.column === 'active')).toBe(false);
  });

  it('stops uniqueness at the cap with a warning', async () => {
    const c = DataContractSchema.parse({ version: 1, columns: { id: { type: 'string', unique: true } } });
    const v = createValidator(c, { uniqueCap: 2 });
    v.addBatch([{ id: 'a' }, { id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'c' }]);
    const r = v.finish();
    expect(find(r, 'id', 'unique')).toMatchObject({ level: 'error', count: 1, examples: [2] });
    const note = r.violations.find((x) => x.level === 'warning');
    expect(note?.message).toMatch(/not checked from row 4/);
    expect(r.ok).toBe(false);
  });

  it('keeps at most maxExamples example rows', async () => {
    const path = await t.file(
      'many.csv',
      `id,age,plan\n${Array.from({ length: 20 }, (_, i) => `P${100 + i},1,basic`).join('\n')}\n`,
    );
    const r = await validateFile(path, contract, { maxExamples: 3 });
    expect(find(r, 'age', 'min')).toMatchObject({ count: 20, examples: [1, 2, 3] });
  });
});

describe('validateFile: dataset rules', () => {
  const labelled = DataContractSchema.parse({
    version: 1,
    columns: { x: { type: 'number' } },
    dataset: { min_rows: 5, max_rows: 6, label: { column: 'y', min_share: 0.3, max_share: 0.7 } },
  });

  it('checks row counts and label balance', async () => {
    const r = await check('label.csv', 'x,y\n1,0\n2,0\n3,0\n4,1\n', labelled);
    expect(find(r, null, 'min_rows')).toMatchObject({ observed: 4, expected: 5 });
    const shares = r.violations.filter((v) => v.rule === 'label_share');
    expect(shares.map((v) => [v.observed, v.expected])).toEqual([
      [0.75, '<= 0.7'],
      [0.25, '>= 0.3'],
    ]);
    expect(shares[0]?.message).toMatch(/class 0 is 75% of the labels, above the maximum 70%/);
    const balanced = await check('balanced.csv', 'x,y\n1,0\n2,0\n3,0\n4,1\n5,1\n', labelled);
    expect(balanced.ok).toBe(true);
    const many = await check('many-rows.csv', 'x,y\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n7,1\n', labelled);
    expect(find(many, null, 'max_rows')).toMatchObject({ observed: 7, expected: 6 });
  });

  it('reports a missing label column', async () => {
    const r = await check('nolabel.csv', 'x\n1\n2\n3\n4\n5\n', labelled);
    expect(find(r, 'y', 'label_share').message).toMatch(/label column "y" is missing/);
  });
});

describe('validateFile: bad files', () => {
  it('a truncated row is a DataError naming the line', async () => {
    const path = await t.file('truncated.csv', 'id,age,plan\nP001,30,basic\nP002,4');
    const err = await validateFile(path, contract).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(
      /truncated\.csv:3: expected 3 fields \(as in the header\), got 2/,
    );
  });

  it('a wrong delimiter shows as missing columns with a hint', async () => {
    const r = await check('semicolon.csv', 'id;age;plan\nP001;30;basic\n');
    expect(r.ok).toBe(false);
    expect(find(r, 'id', 'required').message).toMatch(/the data has "id;age;plan"; is the delimiter right\?/);
  });

  it('an empty CSV file is a DataError; an empty JSONL file has no rows', async () => {
    await expect(check('empty.csv', '')).rejects.toThrow(/the file is empty/);
    const r = await check('empty.jsonl', '');
    expect(r).toMatchObject({ ok: false, rows: 0 });
    expect(find(r, null, 'rows').message).toMatch(/no data rows/);
  });

  it('a header-only file reports no data rows, not missing columns', async () => {
    const r = await check('header.csv', 'id,age,plan\n');
    expect(r.ok).toBe(false);
    expect(r.violations.map((v) => v.rule)).toEqual(['rows', 'min_rows']);
  });

  it('a huge line is read without trouble', async () => {
    const r = await check('huge.csv', `id,age,plan\nP001,30,${'b'.repeat(200_000)}\n`);
    expect(find(r, 'plan', 'categories').observed).toMatch(/\.\.\.$/);
  });
});
