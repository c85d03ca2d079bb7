import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  escapeMarkdown,
  escapeMarkdownBlock,
  MENTION_BREAK,
  markdownCode,
  yamlScalar,
} from '../../src/card/index.js';
import { tableCells } from './helpers.js';

describe('escapeMarkdown', () => {
  it('turns HTML into entities', () => {
    expect(escapeMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).not.toContain('<');
    expect(escapeMarkdown('a & b &lt;')).toBe('a &amp; b &amp;lt;');
  });

  it('escapes markdown punctuation so text cannot open emphasis, links, code, math or cells', () => {
    expect(escapeMarkdown('*a* _b_ [c](d) `e` ~f~ $g$ |h\\')).toBe(
      '\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\` \\~f\\~ \\$g\\$ \\|h\\\\',
    );
  });

  it('keeps a table cell one cell: pipes escaped, line breaks become spaces', () => {
    const cell = escapeMarkdown('a|b\nc\r\nd');
    expect(cell).toBe('a\\|b c d');
    expect(tableCells(`| ${cell} | x |`)).toHaveLength(2);
    // A backslash before a pipe cannot pair with our escape.
    expect(tableCells(`| ${escapeMarkdown('a\\|b')} | x |`)).toHaveLength(2);
  });

  it('breaks @mentions with a zero-width joiner', () => {
    expect(escapeMarkdown('@everyone and @acme/team')).toBe(
      `@${MENTION_BREAK}everyone and @${MENTION_BREAK}acme/team`,
    );
  });

  it('escapes what would start a block at the beginning of the text, and nothing else', () => {
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('===')).toBe('\\===');
    expect(escapeMarkdown('---')).toBe('\\---');
    expect(escapeMarkdown('1.3.0')).toBe('1.3.0');
    expect(escapeMarkdown('-0.5')).toBe('-0.5');
    expect(escapeMarkdown('#hashtag')).toBe('#hashtag');
  });

  it('removes control and bidirectional override characters', () => {
    expect(escapeMarkdown('a\u0000b\u202Ec\u0007')).toBe('abc');
  });

  it('renders null and undefined as empty text, numbers as text', () => {
    expect(escapeMarkdown(null)).toBe('');
    expect(escapeMarkdown(undefined)).toBe('');
    expect(escapeMarkdown(0.5)).toBe('0.5');
  });
});

describe('escapeMarkdownBlock', () => {
  it('keeps paragraphs, each escaped as one line', () => {
    expect(escapeMarkdownBlock('first\nline\n\n# second\n- x')).toBe('first line\n\n\\# second - x');
  });
});

describe('markdownCode', () => {
  it('uses a fence longer than any backtick run inside, padded when needed', () => {
    expect(markdownCode('plain')).toBe('`plain`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('col`umn``x')).toBe('```col`umn``x```');
    expect(markdownCode('`edge`')).toBe('`` `edge` ``');
    expect(markdownCode('')).toBe('');
    expect(markdownCode(null)).toBe('');
  });

  it('escapes pipes only for table cells, so a cell stays one cell', () => {
    expect(markdownCode('a | b')).toBe('`a | b`');
    expect(markdownCode('a|b', { cell: true })).toBe('`a\\|b`');
    for (const text of ['a|b', 'a\\|b', 'a\\\\|b', '|', '\\|']) {
      expect(tableCells(`| ${markdownCode(text, { cell: true })} | x |`)).toHaveLength(2);
    }
  });

  it('puts line breaks on one line', () => {
    expect(markdownCode('a\nb')).toBe('`a b`');
  });
});

describe('yamlScalar', () => {
  it('quotes strings so they parse back to themselves', () => {
    for (const text of [
      '": - [evil] {a: b} # &anchor *alias\n---\nlicense: mit',
      "it's",
      'null',
      'true',
      '0.5',
      '@everyone',
      'line\u2028separator\u0085next',
      '\uFEFFbom',
      '',
    ]) {
      const doc = parseYaml(`key: ${yamlScalar(text)}\nother: 1\n`) as Record<string, unknown>;
      expect(doc).toEqual({ key: text, other: 1 });
    }
  });

  it('writes numbers, booleans and null as plain scalars', () => {
    expect(yamlScalar(0.6922)).toBe('0.6922');
    expect(yamlScalar(Number.NaN)).toBe('null');
    expect(yamlScalar(true)).toBe('true');
    expect(yamlScalar(null)).toBe('null');
    expect(yamlScalar(undefined)).toBe('null');
  });
});
