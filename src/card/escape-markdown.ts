/**
 * Escaping of untrusted text for GitHub-flavoured markdown (model descriptions, owners, column
 * names, slice values end up in pull-request comments and release notes). HTML escaping alone is
 * wrong for markdown: it leaves `|`, `*`, `[`, `@` and line breaks live. The rules here:
 *
 * - `&`, `<`, `>` become entities, so no raw HTML (`<script>`, `<img onerror>`, `<!-- -->`) survives;
 * - markdown punctuation (`\` `` ` `` `*` `_` `[` `]` `|` `~` `$`) is backslash-escaped, so text
 *   cannot open emphasis, links, images, code, math or a table column;
 * - a line break becomes a space in inline text (a table cell stays one cell, a paragraph cannot turn
 *   into a heading, a list or a fence), and block-starting characters are escaped;
 * - `@` is followed by a zero-width joiner (U+200D): `@everyone` still reads as `@everyone`, but
 *   GitHub does not turn it into a mention, so rendering a card never pings people or teams;
 * - C0 control characters and bidirectional overrides (the "Trojan Source" characters) are removed.
 */

/** The zero-width joiner inserted after every `@` so GitHub does not create mentions. */
export const MENTION_BREAK = '\u200D';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (they are removed).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
const MARKDOWN_PUNCTUATION = /[\\`*_[\]|~$]/g;
const LINE_BREAKS = /\s*(?:\r\n|\r|\n|\u2028|\u2029)\s*/g;

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

/** Removes C0 control characters (but tab and line breaks) and bidirectional override characters. */
export function stripControls(text: string): string {
  return text.replace(CONTROL, '');
}

/** Inserts a zero-width joiner after every `@`, so GitHub does not mention users or teams. */
export function breakMentions(text: string): string {
  return text.replaceAll('@', `@${MENTION_BREAK}`);
}

/**
 * Escapes what would make a line a block instead of text: an ATX heading (`# x`), a bullet (`- x`,
 * `+ x`), an ordered list item (`1. x`, `1) x`) or a setext underline / thematic break (`===`, `---`).
 * (`*`, `_`, `>` and `|` are escaped everywhere already.)
 */
function escapeLineStart(line: string): string {
  const ordered = /^(\d{1,9})([.)])(?=\s|$)/.exec(line);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${line.slice(ordered[0].length)}`;
  return /^(?:#{1,6}(?=\s|$)|[-+](?=\s|$)|=+\s*$|-+\s*$)/.test(line) ? `\\${line}` : line;
}

/**
 * Escapes text for inline markdown, table cells included: the result renders as the literal text
 * (mentions broken with a zero-width joiner), on one line, and cannot inject HTML or break a table.
 */
export function escapeMarkdown(value: unknown): string {
  const text = stripControls(toText(value)).replace(LINE_BREAKS, ' ').trim();
  const escaped = text
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
  return escapeLineStart(breakMentions(escaped));
}

/**
 * Escapes multi-paragraph text: paragraphs (separated by blank lines) are kept, each is escaped with
 * {@link escapeMarkdown} (so each is one plain paragraph), joined by a blank line.
 */
export function escapeMarkdownBlock(value: unknown): string {
  return stripControls(toText(value))
    .split(/\r?\n\s*\r?\n/)
    .map((p) => escapeMarkdown(p))
    .filter((p) => p !== '')
    .join('\n\n');
}

/**
 * Renders text as an inline code span: the fence is one backtick longer than the longest run of
 * backticks inside, padded with spaces when the text starts or ends with a backtick. Line breaks
 * become spaces. In a table cell, pass `cell: true` so `|` is escaped (GFM reads `\|` as a pipe even
 * inside code spans in tables; outside tables it would show the backslash); a `\|` already in the
 * text then shows as `|` (GFM tables cannot show a backslash before a pipe in a code span). Empty
 * text gives ''.
 */
export function markdownCode(value: unknown, options: { cell?: boolean } = {}): string {
  let text = stripControls(toText(value)).replace(LINE_BREAKS, ' ');
  if (text.trim() === '') return '';
  // GFM splits table cells before inline parsing, reading `\` + punctuation as an escaped pair: a pipe
  // is a cell boundary unless an odd number of backslashes precede it, so add one where it is even.
  if (options.cell)
    text = text.replace(/(\\*)\|/g, (m, bs: string) => (bs.length % 2 === 0 ? `${bs}\\|` : m));
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
