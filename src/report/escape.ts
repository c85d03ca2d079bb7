/**
 * Escaping of user-controlled text (model, metric, parameter, slice and branch names, values, file
 * paths) for GitHub-flavoured markdown, so that no such string can format the report, inject raw
 * HTML, collapse or open a `<details>`, ping a user or team, link an issue, or forge one of
 * modelgate's sticky markers (`<!-- modelgate:...`).
 *
 * Every function first cleans the text ({@link cleanText}): C0/C1 control characters and the
 * Unicode bidi embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069, the
 * "Trojan Source" characters) are removed, lone surrogates become U+FFFD and line breaks become `\n`.
 *
 * This is modelgate's one markdown escaper: the pull-request report and the model cards
 * (`src/card/`, through thin wrappers that accept any value) both use it, so every `@` in either is
 * followed by the same {@link ZERO_WIDTH_SPACE}.
 */

/** The invisible character inserted to break mentions, issue references, autolinks and markers. */
export const ZERO_WIDTH_SPACE = '\u200B';

/** The prefix of every sticky marker modelgate writes; user text never contains it raw. */
export const MARKER_PREFIX = '<!-- modelgate:';

/** Characters backslash-escaped everywhere in inline markdown text. */
const INLINE_PUNCTUATION = new Set(['\\', '`', '*', '_', '[', ']', '|', '~', '$']);

function isStripped(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Cleans user text before any escaping: removes control characters (except tab and line breaks)
 * and the bidi override characters U+202A–U+202E and U+2066–U+2069, replaces lone surrogates with
 * U+FFFD, turns tabs into spaces and `\r\n` / `\r` into `\n`.
 */
export function cleanText(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let replacement: string | null = null;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = '\uFFFD';
    } else if (code >= 0xdc00 && code <= 0xdfff) replacement = '\uFFFD';
    else if (code === 0x09) replacement = ' ';
    else if (code === 0x0d) replacement = text.charCodeAt(i + 1) === 0x0a ? '' : '\n';
    else if (isStripped(code)) replacement = '';
    if (replacement !== null) {
      out += text.slice(start, i) + replacement;
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Breaks every HTML comment opener `<!--` (so no text can forge a sticky marker). */
function breakCommentOpeners(text: string): string {
  return text.includes('<!--') ? text.replaceAll('<!--', `<!${ZERO_WIDTH_SPACE}--`) : text;
}

/**
 * Neutralises sticky markers in trusted markdown (a model card rendered elsewhere): an HTML
 * comment that opens with `modelgate` (any case, any spacing or dashes) gets a zero-width space
 * inside its `<!--`, so it no longer matches a marker and renders as visible text. Other HTML
 * comments are left alone.
 */
export function guardMarkers(markdown: string): string {
  return markdown.replace(/<!--(?=[\s-]*modelgate)/gi, `<!${ZERO_WIDTH_SPACE}--`);
}

/** Inserts a zero-width space into `://` and `www.` so GitHub does not autolink the text. */
function breakAutolinks(text: string): string {
  let out = text;
  if (out.includes('://')) out = out.replaceAll('://', `:${ZERO_WIDTH_SPACE}//`);
  if (/www\./i.test(out)) out = out.replace(/(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`);
  return out;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** True when `text[i]` is past the end or whitespace. */
function spaceOrEnd(text: string, i: number): boolean {
  return i >= text.length || /\s/.test(text[i]!);
}

/**
 * Whether the character at `i`, the first of the text (after leading spaces), would start a block:
 * `=` (a setext underline) always, `+` and `-` when a space or the end follows (a list item), `-`
 * also when only dashes and spaces follow (a thematic break or setext underline). So `-0.5` and
 * `+1` stay as they are. (`#` is handled with issue references; `*`, `_`, `>` and `|` are escaped
 * everywhere.)
 */
function startsBlock(text: string, i: number): boolean {
  switch (text[i]) {
    case '=':
      return true;
    case '+':
      return spaceOrEnd(text, i + 1);
    case '-':
      return spaceOrEnd(text, i + 1) || /^[-\s]*$/.test(text.slice(i));
    default:
      return false;
  }
}

function escapeInline(text: string, newline: string, html: boolean): string {
  const clean = breakAutolinks(cleanText(text));
  let out = '';
  // A leading ordered-list marker (`1.` / `1)` before a space or the end): escape its punctuation.
  // (`1.3.0` is not a list item and stays as it is.)
  let listMarkerAt = -1;
  if (!html) {
    let d = 0;
    while (d < clean.length && isDigit(clean.charCodeAt(d))) d++;
    if (d > 0 && d < 10 && (clean[d] === '.' || clean[d] === ')') && spaceOrEnd(clean, d + 1))
      listMarkerAt = d;
  }
  let trailingFrom = clean.length;
  while (trailingFrom > 0 && clean[trailingFrom - 1] === ' ') trailingFrom--;
  let leading = true;
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    if (c === ' ' && (leading || i >= trailingFrom)) {
      out += '&#32;';
      continue;
    }
    const first = leading;
    leading = false;
    switch (c) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += html ? '&quot;' : c;
        break;
      case '\n':
        out += newline;
        break;
      case '@':
        out += `@${ZERO_WIDTH_SPACE}`;
        break;
      case '#':
        out += html || !first ? '#' : '\\#';
        if (isDigit(clean.charCodeAt(i + 1))) out += ZERO_WIDTH_SPACE;
        break;
      default:
        if (html) out += c;
        else if (INLINE_PUNCTUATION.has(c) || i === listMarkerAt || (first && startsBlock(clean, i)))
          out += `\\${c}`;
        else out += c;
    }
  }
  return out;
}

/**
 * Escapes user text for inline GitHub-flavoured markdown (a paragraph, a list item, a heading):
 * cleans it ({@link cleanText}), backslash-escapes markdown punctuation (`\ ` * _ [ ] | ~ $`, and
 * at the start `#`, `=`, and `+`, `-` or an ordered-list marker when they would start a list item
 * or a rule), entity-encodes `&`, `<` and `>` (no raw HTML,
 * no comments, no `<details>`, no `<autolink>`), breaks `@mentions`, `#123` issue references and
 * `https://` / `www.` autolinks with a zero-width space, encodes leading and trailing spaces, and
 * turns line breaks into spaces.
 */
export function escapeMarkdown(text: string): string {
  return escapeInline(text, ' ', false);
}

/**
 * Cleans text ({@link cleanText}) and joins its lines into one: each line is trimmed, blank lines
 * are dropped, the rest joined by one space (`"  a\n\n  b  "` -> `"a b"`). For text that is one
 * value (a description, an owner) rather than layout, before {@link escapeMarkdown}.
 */
export function joinLines(text: string): string {
  return lineParts(cleanText(text)).join(' ');
}

function lineParts(clean: string): string[] {
  const parts: string[] = [];
  for (const line of clean.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '') parts.push(trimmed);
  }
  return parts;
}

/**
 * Escapes multi-paragraph user text (a model description, a limitation): paragraphs (separated by
 * blank lines) are kept, each joined into one line ({@link joinLines}) and escaped with
 * {@link escapeMarkdown}, so each is one plain paragraph that cannot start a heading, list or
 * fence; they are joined by a blank line. Empty paragraphs are dropped; all-blank text gives ''.
 */
export function escapeMarkdownBlock(text: string): string {
  return cleanText(text)
    .split(/\n[^\S\n]*\n/)
    .map((paragraph) => lineParts(paragraph).join(' '))
    .filter((paragraph) => paragraph !== '')
    .map(escapeMarkdown)
    .join('\n\n');
}

/**
 * Escapes user text for one cell of a markdown table: like {@link escapeMarkdown} (which already
 * escapes `|`), with line breaks rendered as `<br>`.
 */
export function escapeTableCell(text: string): string {
  return escapeInline(text, '<br>', false);
}

/**
 * Escapes user text for HTML contexts inside markdown, where markdown is not parsed (the text of
 * a `<summary>`): entity-encodes `& < > "`, breaks mentions, issue references and autolinks, and
 * turns line breaks into spaces.
 */
export function escapeHtml(text: string): string {
  return escapeInline(text, ' ', true);
}

/**
 * A markdown code span showing `text` literally: the backtick fence is one longer than the longest
 * run of backticks inside, padded with spaces when the text starts or ends with a backtick. Line
 * breaks become spaces and `<!--` is broken with a zero-width space (code spans show text
 * literally, but a marker search reads the raw comment). Not for table cells: use
 * {@link tableCode} there.
 */
export function codeSpan(text: string): string {
  const body = breakCommentOpeners(cleanText(text).replaceAll('\n', ' '));
  if (body === '') return '` `';
  let longest = 0;
  let run = 0;
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) === 0x60) longest = Math.max(longest, ++run);
    else run = 0;
  }
  const fence = '`'.repeat(longest + 1);
  const pad =
    body.startsWith('`') ||
    body.endsWith('`') ||
    (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '')
      ? ' '
      : '';
  return fence + pad + body + pad + fence;
}

/**
 * Monospace text for a table cell: `<code>` around {@link escapeTableCell}'s output. (A backtick
 * code span cannot hold `|` or a backslash before `|` reliably inside a GFM table.)
 */
export function tableCode(text: string): string {
  return `<code>${escapeTableCell(text)}</code>`;
}

/**
 * The name used inside a sticky marker: lower case, every run of characters outside `[a-z0-9._-]`
 * replaced by `-`, at most 64 characters, `unnamed` when nothing is left. Valid model names (the
 * model.yml rule `^[a-z0-9][a-z0-9._-]{0,63}$`) are unchanged.
 */
export function markerName(model: string): string {
  const name = cleanText(model)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 64);
  return /[a-z0-9]/.test(name) ? name : 'unnamed';
}

/** The hidden sticky marker `<!-- modelgate:<kind>:<name> -->`, with `name` sanitised by {@link markerName}. */
export function stickyMarker(kind: string, name: string): string {
  return `${MARKER_PREFIX}${markerName(kind)}:${markerName(name)} -->`;
}

/**
 * Shortens `text` to at most `max` UTF-16 code units, ending it with `…` when cut; never splits a
 * surrogate pair. Apply before escaping, so an escape sequence is never cut.
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
