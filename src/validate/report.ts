/**
 * Rendering a validation report: a markdown "Data checks" section (a table of violations, errors
 * first, user text escaped) and JSON.
 */
import { escapeMarkdown, escapeTableCell } from '../report/escape.js';
import type { ValidationReport, Violation } from './violation.js';

/** Options of {@link renderValidationMarkdown}. */
export interface ValidationMarkdownOptions {
  /** The section heading (default `Data checks`). */
  title?: string;
}

const cell = (v: string | number | null): string => (v === null ? '(dataset)' : escapeTableCell(String(v)));

/** Violations ordered errors first, keeping the check order within a level. */
export function sortViolations(violations: readonly Violation[]): Violation[] {
  return [...violations].sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
}

/** The report as a markdown section: a summary line, then a table of the violations (errors first). */
export function renderValidationMarkdown(
  report: ValidationReport,
  options: ValidationMarkdownOptions = {},
): string {
  const errors = report.violations.filter((v) => v.level === 'error').length;
  const warnings = report.violations.length - errors;
  const lines = [`## ${escapeMarkdown(options.title ?? 'Data checks')}`, ''];
  const verdict = errors > 0 ? '❌ failed' : warnings > 0 ? '⚠️ passed with warnings' : '✅ passed';
  lines.push(
    `${verdict}: ${report.rows} rows, ${report.checked.columns} columns, ${report.checked.rules} rules checked; ${errors} errors, ${warnings} warnings.`,
  );
  if (report.violations.length > 0) {
    lines.push(
      '',
      '| level | column | rule | observed | expected | count | example rows | details |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const v of sortViolations(report.violations)) {
      lines.push(
        `| ${v.level} | ${cell(v.column)} | ${cell(v.rule)} | ${cell(v.observed)} | ${cell(v.expected)} | ${v.count} | ${v.examples.join(', ')} | ${cell(v.message)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The report as pretty-printed JSON (violations errors first), ending with a newline. */
export function renderValidationJson(report: ValidationReport): string {
  return `${JSON.stringify({ ...report, violations: sortViolations(report.violations) }, null, 2)}\n`;
}
