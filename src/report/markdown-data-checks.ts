/**
 * The "Data checks" block of the pull-request report: the data contract checks recorded in the
 * candidate run (`run.json`'s `validation`), one table per split, errors first.
 */
import type { RunRecord } from '../config/run-record.js';
import { codeSpan, escapeMarkdown, escapeTableCell, shorten } from './escape.js';
import type { ReportBlock } from './truncate.js';

const MAX_ROWS = 20;

const text = (v: unknown) => escapeTableCell(shorten(v === null || v === undefined ? '' : String(v), 120));

/** The block for a run's data checks ('' when the run has none). */
export function dataChecksBlock(validation: RunRecord['validation']): ReportBlock {
  if (!validation || validation.splits.length === 0) return { id: 'data-checks', text: '' };
  const summary = validation.splits
    .map(
      (s) =>
        `${s.split}: ${s.ok ? (s.warnings > 0 ? '⚠️' : '✅') : '❌'} ${s.errors} errors, ${s.warnings} warnings (${s.rows} rows)`,
    )
    .join('; ');
  const head = `#### Data checks\n\nContract ${codeSpan(validation.contract)}: ${escapeMarkdown(summary)}.`;
  const tables: string[] = [];
  for (const s of validation.splits) {
    const rows = [...s.violations].sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
    if (rows.length === 0) continue;
    const lines = rows.slice(0, MAX_ROWS).map((v) => {
      const examples = Array.isArray(v.examples) ? (v.examples as unknown[]).slice(0, 5).join(', ') : '';
      return `| ${text(v.level)} | ${text(v.column ?? '(dataset)')} | ${text(v.rule)} | ${text(v.observed)} | ${text(v.expected)} | ${text(examples)} |`;
    });
    const more = rows.length > MAX_ROWS ? `\n\n… ${rows.length - MAX_ROWS} more violations in run.json` : '';
    tables.push(
      `<details${s.ok ? '' : ' open'}>\n<summary>${s.split} data: ${rows.length} violation${rows.length === 1 ? '' : 's'}</summary>\n\n| level | column | rule | observed | expected | example rows |\n| --- | --- | --- | --- | --- | --- |\n${lines.join('\n')}${more}\n\n</details>`,
    );
  }
  const full = [head, ...tables].join('\n\n');
  return {
    id: 'data-checks',
    text: full,
    reductions: [{ stage: 'data-schema', render: () => `${head}\n\nThe violations are listed in run.json.` }],
  };
}
