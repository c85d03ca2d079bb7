/**
 * The Handlebars helpers model card templates use. The escaping helpers (`md`, `cell`, `mdBlock`,
 * `code`, `codeCell`, `yaml`) return text that is safe where it is placed; the formatting helpers
 * (`num`, `int`, `bytes`, `join`) escape what they print. Every other `{{value}}` is markdown-escaped
 * by {@link compileCardTemplate}; only triple-stash `{{{value}}}` prints raw text.
 */
import type { HelperOptions } from 'handlebars';
import { formatMetric } from '../runs/format.js';
import { markdownBlock, markdownCode, markdownText, toText } from './escape-markdown.js';
import { yamlScalar } from './escape-yaml.js';

type Helper = (...args: unknown[]) => unknown;

/** A template printed a value that does not exist (a misspelt field): names the field and the template line. */
export class CardFieldError extends Error {
  /** 1-based template line, when known (read by the template error reporting). */
  readonly lineNumber: number | undefined;
  constructor(field: string | undefined, line: number | undefined) {
    super(field ? `"${field}" is not defined` : 'a value printed by the template is not defined');
    this.name = 'CardFieldError';
    this.lineNumber = line;
  }
}

/** Splits a helper call's arguments into the positional values and Handlebars' options object. */
function split(args: unknown[]): { values: unknown[]; hash: Record<string, unknown> } {
  const options = args[args.length - 1] as HelperOptions | undefined;
  return { values: args.slice(0, -1), hash: (options?.hash ?? {}) as Record<string, unknown> };
}

/**
 * The value a printing helper prints: its first argument, which must be defined. Every field of the
 * card context is present (null when unknown), so `undefined` means the template names a field that
 * does not exist; the error names it (`_field`, added by the compiler) and the template line.
 */
function printed(args: unknown[]): { value: unknown; values: unknown[]; hash: Record<string, unknown> } {
  const { values, hash } = split(args);
  const value = values[0];
  if (value === undefined) {
    const options = args[args.length - 1] as { loc?: { start?: { line?: number } } } | undefined;
    const field = typeof hash['_field'] === 'string' ? hash['_field'] : undefined;
    throw new CardFieldError(field, options?.loc?.start?.line);
  }
  return { value, values, hash };
}

/** Formats a number: `digits` fixed decimals when given, else 4 decimals as run tables do; text is escaped. */
function formatNumber(value: unknown, digits: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? 'n/a' : markdownText(value);
  if (typeof digits === 'number' && Number.isFinite(value))
    return value.toFixed(Math.max(0, Math.min(20, digits)));
  return formatMetric(value);
}

/** A byte count in words (`1.1 MB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Names of the helpers whose output is already safe (used as is by {@link compileCardTemplate}). */
export const SAFE_OUTPUT_HELPERS: ReadonlySet<string> = new Set([
  'md',
  'cell',
  'mdBlock',
  'code',
  'codeCell',
  'yaml',
  'num',
  'int',
  'bytes',
  'join',
]);

/** The card helpers, by name. The printing ones throw {@link CardFieldError} for an undefined value. */
export const CARD_HELPERS: Readonly<Record<string, Helper>> = {
  /** Inline markdown text, safe in table cells. */
  md: (...args) => markdownText(printed(args).value),
  /** Alias of `md`, for table cells. */
  cell: (...args) => markdownText(printed(args).value),
  /** Multi-paragraph markdown text. */
  mdBlock: (...args) => markdownBlock(printed(args).value),
  /** An inline code span. */
  code: (...args) => markdownCode(printed(args).value),
  /** An inline code span inside a table cell. */
  codeCell: (...args) => markdownCode(printed(args).value, { cell: true }),
  /** A YAML scalar (double-quoted string, number, boolean or null). */
  yaml: (...args) => yamlScalar(printed(args).value),
  /** `{{num value}}` or `{{num value digits=2}}`: a formatted number, `n/a` for null. */
  num: (...args) => {
    const { value, hash } = printed(args);
    return formatNumber(value, hash['digits']);
  },
  /** An integer with thousands separators (`20,000`). */
  int: (...args) => {
    const { value } = printed(args);
    return typeof value === 'number' && Number.isFinite(value)
      ? value.toLocaleString('en-US')
      : formatNumber(value, undefined);
  },
  /** A byte count in words. */
  bytes: (...args) => {
    const { value } = printed(args);
    return typeof value === 'number' ? formatBytes(value) : formatNumber(value, undefined);
  },
  /**
   * `{{join list ", "}}`: the items, each escaped with `md` (or `code=true`: code spans; `cell=true`
   * with code: code spans for table cells), joined by the separator (default ", "). The separator is
   * template text (not escaped).
   */
  join: (...args) => {
    const { value, values, hash } = printed(args);
    const list = Array.isArray(value) ? value : value === null ? [] : [value];
    const sep = values[1] === undefined ? ', ' : toText(values[1]);
    const item = hash['code']
      ? (v: unknown) => markdownCode(v, { cell: Boolean(hash['cell']) })
      : (v: unknown) => markdownText(v);
    return list.map(item).join(sep);
  },
  /** `(eq a b)`: strict equality, for `{{#if (eq model.task "binary")}}`. */
  eq: (...args) => {
    const { values } = split(args);
    return values[0] === values[1];
  },
  /** `(ne a b)`: strict inequality. */
  ne: (...args) => {
    const { values } = split(args);
    return values[0] !== values[1];
  },
  /** `(not a)`: logical negation (empty lists are false). */
  not: (...args) => {
    const v = split(args).values[0];
    return Array.isArray(v) ? v.length === 0 : !v;
  },
};
