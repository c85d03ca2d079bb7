import { describe, expect, it } from 'vitest';
import {
  renderValidationJson,
  renderValidationMarkdown,
  type ValidationReport,
  type Violation,
} from '../../src/validate/index.js';

const base: Omit<Violation, 'level' | 'rule'> = {
  column: 'plan|tier',
  observed: '<b>gold</b>',
  expected: 'basic, plus',
  count: 2,
  examples: [2, 4],
  message: '2 rows not among the allowed categories, e.g. "<b>gold</b>" (rows 2, 4)',
};

const report: ValidationReport = {
  ok: false,
  rows: 10,
  violations: [
    { ...base, rule: 'mean', level: 'warning' },
    { ...base, rule: 'categories', level: 'error' },
  ],
  checked: { columns: 3, rules: 12 },
};

describe('validation report rendering', () => {
  it('renders a Data checks table, errors first, escaped', () => {
    const md = renderValidationMarkdown(report);
    expect(md.startsWith('## Data checks\n')).toBe(true);
    expect(md).toMatch(/❌ failed: 10 rows, 3 columns, 12 rules checked; 1 errors, 1 warnings\./);
    const rows = md.split('\n').filter((l) => l.startsWith('| error') || l.startsWith('| warning'));
    expect(rows.map((r) => r.slice(2, 7))).toEqual(['error', 'warni']);
    expect(md).toContain('plan\\|tier');
    expect(md).not.toContain('<b>');
    expect(rows[0]).toContain('| 2, 4 |');
  });

  it('uses the title, and says passed when there is nothing', () => {
    const md = renderValidationMarkdown(
      { ok: true, rows: 3, violations: [], checked: { columns: 1, rules: 2 } },
      { title: 'Training data' },
    );
    expect(md).toBe(
      '## Training data\n\n✅ passed: 3 rows, 1 columns, 2 rules checked; 0 errors, 0 warnings.\n',
    );
  });

  it('renders JSON with errors first', () => {
    const json = JSON.parse(renderValidationJson(report)) as ValidationReport;
    expect(json.violations.map((v) => v.level)).toEqual(['error', 'warning']);
    expect(json).toMatchObject({ ok: false, rows: 10, checked: { columns: 3, rules: 12 } });
  });
});
