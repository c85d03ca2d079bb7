/**
 * The model card's markdown escaping: thin wrappers over the shared escaper in
 * `src/report/escape.ts` (see there for the rules: entities for `& < >`, backslash-escaped markdown
 * punctuation and block starts, a zero-width space after every `@`, control and bidi characters
 * removed, `<!--` broken in code spans). The card adds only what its templates need: any value is
 * accepted ({@link toText}), a value's line breaks are joined into one line, and code spans can sit
 * in table cells.
 */
import { cleanText, codeSpan, escapeMarkdown, escapeMarkdownBlock, joinLines } from '../report/escape.js';

/** Turns any value into text: null and undefined become '', numbers and booleans their string form. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A value as inline markdown, table cells included: one line (line breaks and the spaces around
 * them become one space, the ends trimmed) escaped with the shared {@link escapeMarkdown}.
 */
export function markdownText(value: unknown): string {
  return escapeMarkdown(joinLines(toText(value)));
}

/** A value as paragraphs (blank-line separated), each escaped as one line: the shared {@link escapeMarkdownBlock}. */
export function markdownBlock(value: unknown): string {
  return escapeMarkdownBlock(toText(value));
}

/**
 * Escapes every `|` that is not already escaped (preceded by an even number of backslashes). GFM
 * splits table cells before inline parsing, so a pipe ends the cell even inside a code span unless
 * it is written `\|` (which GFM then shows as `|`).
 */
function escapeCellPipes(text: string): string {
  let out = '';
  let backslashes = 0;
  for (const c of text) {
    if (c === '|' && backslashes % 2 === 0) out += '\\';
    backslashes = c === '\\' ? backslashes + 1 : 0;
    out += c;
  }
  return out;
}

/**
 * A value as an inline code span (the shared {@link codeSpan}: a fence longer than any backtick run
 * inside, line breaks as spaces). Blank text gives ''. In a table cell pass `cell: true` so `|` is
 * escaped; a `\|` already in the text then shows as `|` (a GFM table cannot show a backslash before
 * a pipe in a code span). Outside tables leave it off, or the backslashes would show.
 */
export function markdownCode(value: unknown, options: { cell?: boolean } = {}): string {
  const text = toText(value);
  if (cleanText(text).trim() === '') return '';
  return codeSpan(options.cell ? escapeCellPipes(text) : text);
}
