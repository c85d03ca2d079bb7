/**
 * A deliberately small, safe Markdown-to-HTML converter for model cards inside the HTML report.
 *
 * Supported: ATX headings (`#` to `######`, shifted down by `headingOffset` so a card's `#` fits
 * under the report's own headings), paragraphs, `-`/`*`/`+` and `1.` lists (one level; nested items
 * are flattened), pipe tables with an alignment row, fenced code blocks, block quotes, `---` rules,
 * and inline `code`, `**bold**` and `*italic*`.
 *
 * Safety: every piece of source text is XML-escaped before it is wrapped in markup; raw HTML in the
 * card is shown as text, HTML comments (`<!-- ... -->`, e.g. sticky markers) are dropped, links are
 * written as their text followed by the address in parentheses (never an `<a href>`), and images as
 * `[image: alt]`, so a card can neither inject markup nor make the report fetch anything.
 */
import { escapeXml } from './svg-escape.js';

/** Options of {@link markdownToHtml}. */
export interface MarkdownOptions {
  /** Added to each heading level (capped at h6). Default 0. */
  headingOffset?: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const ORDERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

/** Formats inline Markdown in one line of (unescaped) text: code spans, bold, italic, links, images. */
export function inlineMarkdown(text: string): string {
  // Code spans first, so their content is never formatted.
  const parts = text.split(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/);
  let out = '';
  for (let i = 0; i < parts.length; i += 3) {
    out += formatText(parts[i] ?? '');
    const code = parts[i + 2];
    if (code !== undefined) out += `<code>${escapeXml(code.trim() || code)}</code>`;
  }
  return out;
}

function formatText(raw: string): string {
  // Images and links become text before escaping; their pieces are escaped on their own.
  const pieces: string[] = [];
  const link = /(!?)\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)/g;
  let last = 0;
  for (const m of raw.matchAll(link)) {
    pieces.push(emphasis(escapeXml(raw.slice(last, m.index))));
    const label = m[2] ?? '';
    const href = m[3] ?? '';
    if (m[1] === '!') pieces.push(`<span class="md-image">[image: ${escapeXml(label)}]</span>`);
    else
      pieces.push(
        `${emphasis(escapeXml(label))}${href ? ` <span class="md-href">(${escapeXml(href)})</span>` : ''}`,
      );
    last = (m.index ?? 0) + m[0].length;
  }
  pieces.push(emphasis(escapeXml(raw.slice(last))));
  return pieces.join('');
}

/** Bold and italic on already-escaped text (underscores are left alone: metric names use them). */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]*?\S)\*(?![*\w])/g, '$1<em>$2</em>');
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && s[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function alignments(separator: string): (string | null)[] {
  return splitRow(separator).map((c) => {
    const left = c.startsWith(':');
    const right = c.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
  });
}

function tableHtml(header: string, separator: string, rows: string[]): string {
  const align = alignments(separator);
  const cell = (tag: string, text: string, i: number) => {
    const a = align[i];
    return `<${tag}${a ? ` style="text-align:${a}"` : ''}>${inlineMarkdown(text)}</${tag}>`;
  };
  const head = splitRow(header);
  const body = rows.map((r) => {
    const cells = splitRow(r);
    return `<tr>${head.map((_, i) => cell('td', cells[i] ?? '', i)).join('')}</tr>`;
  });
  return `<div class="table-wrap"><table class="md-table"><thead><tr>${head.map((h, i) => cell('th', h, i)).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

function isBlockStart(line: string, next: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    BULLET.test(line) ||
    ORDERED.test(line) ||
    QUOTE.test(line) ||
    isTableStart(line, next)
  );
}

function isTableStart(line: string, next: string | undefined): next is string {
  if (next === undefined || !line.includes('|')) return false;
  return next.includes('-') && TABLE_SEPARATOR.test(next);
}

/**
 * Converts Markdown to safe HTML (see the module comment for what is supported and how it is kept
 * safe). The output contains only `h1`-`h6`, `p`, `ul`, `ol`, `li`, `table` parts, `pre`, `code`,
 * `blockquote`, `hr`, `strong`, `em`, `span` and `div` elements, with no attributes but `class` and
 * a fixed `style="text-align:..."` on table cells.
 */
export function markdownToHtml(markdown: string, options: MarkdownOptions = {}): string {
  return convert(markdown, options, 0);
}

/** Block quotes nest at most this deep; deeper `>` markers stay as text. */
const MAX_QUOTE_DEPTH = 8;

function convert(markdown: string, options: MarkdownOptions, depth: number): string {
  const offset = options.headingOffset ?? 0;
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const next = lines[i + 1];
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] as string;
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trimStart().startsWith(marker))
        code.push(lines[i++] as string);
      i++;
      out.push(`<pre><code>${escapeXml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, (heading[1] as string).length + offset);
      out.push(`<h${level}>${inlineMarkdown(heading[2] ?? '')}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (isTableStart(line, next)) {
      const rows: string[] = [];
      i += 2;
      while (i < lines.length && (lines[i] as string).includes('|') && (lines[i] as string).trim() !== '') {
        rows.push(lines[i++] as string);
      }
      out.push(tableHtml(line, next, rows));
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = !BULLET.test(line);
      const pattern = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const l = lines[i] as string;
        const m = pattern.exec(l);
        if (m) items.push(m[1] ?? '');
        else if (l.trim() !== '' && /^\s+/.test(l) && items.length > 0)
          items[items.length - 1] += ` ${l.trim()}`;
        else break;
        i++;
      }
      const tag = ordered ? 'ol' : 'ul';
      out.push(`<${tag}>${items.map((t) => `<li>${inlineMarkdown(t)}</li>`).join('')}</${tag}>`);
      continue;
    }
    if (QUOTE.test(line) && depth < MAX_QUOTE_DEPTH) {
      const quoted: string[] = [];
      while (i < lines.length) {
        const m = QUOTE.exec(lines[i] as string);
        if (!m) break;
        quoted.push(m[1] ?? '');
        i++;
      }
      out.push(`<blockquote>${convert(quoted.join('\n'), options, depth + 1)}</blockquote>`);
      continue;
    }
    const para: string[] = [line.trim()];
    i++;
    while (
      i < lines.length &&
      (lines[i] as string).trim() !== '' &&
      !isBlockStart(lines[i] as string, lines[i + 1])
    ) {
      para.push((lines[i++] as string).trim());
    }
    out.push(`<p>${inlineMarkdown(para.join('\n'))}</p>`);
  }
  return out.join('\n');
}
