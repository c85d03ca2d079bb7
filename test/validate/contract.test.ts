import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { DataContractSchema, loadContract } from '../../src/validate/index.js';

function issuesOf(text: string) {
  try {
    parseYaml(text, 'data.contract.yml', DataContractSchema);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('data contract schema', () => {
  it('loads a contract file with defaults applied', async () => {
    const c = await loadContract('test/fixtures/validate/people.contract.yml');
    expect(c.columns.id).toMatchObject({ type: 'string', required: true, nullable: false, unique: true });
    expect(c.columns.age).toMatchObject({ required: true, nullable: true, min: 18, max: 90 });
    expect(c.columns.active?.required).toBe(false);
    expect(c.dataset?.unique_key).toEqual(['id']);
  });

  it('rejects unknown keys with file, line and field', () => {
    const issues = issuesOf('version: 1\ncolumns:\n  age:\n    type: number\n    minimum: 3\n');
    expect(issues[0]).toMatchObject({ file: 'data.contract.yml', line: 5, field: 'columns.age.minimum' });
    expect(issues[0]?.message).toMatch(/unknown field/);
  });

  it('names the field and value of a bad type, a bad share and a bad regex', () => {
    const issues = issuesOf(
      'version: 1\ncolumns:\n  a:\n    type: text\n  b:\n    type: number\n    max_missing: 2\n  c:\n    type: string\n    regex: "("\n',
    );
    const fields = issues.map((i) => `${i.field}@${i.line}`);
    expect(fields).toContain('columns.a.type@4');
    expect(fields).toContain('columns.b.max_missing@7');
    expect(fields).toContain('columns.c.regex@10');
    expect(issues.find((i) => i.field === 'columns.a.type')?.value).toBe('text');
  });

  it('rejects min above max, a wrong version and unknown dataset keys', () => {
    const issues = issuesOf(
      'version: 2\ncolumns:\n  a:\n    type: number\n    min: 5\n    max: 1\ndataset:\n  rows: 3\n',
    );
    const fields = issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['version', 'columns.a.min', 'dataset.rows']));
  });

  it('reports a missing file as a ConfigError', async () => {
    await expect(loadContract('test/fixtures/validate/nope.yml')).rejects.toThrow(/file not found/);
  });
});
