import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { markdownBlock, markdownCode, markdownText, yamlScalar } from '../../src/card/index.js';
import { ZERO_WIDTH_SPACE as ZW } from '../../src/report/escape.js';
import { tableCells } from './helpers.js';

// The card wraps the shared escaper of src/report/escape.ts (tested in test/report/escape.test.ts);
// these check what a card relies on, through the card's wrappers.
describe('markdownText', () => {
  it('turns HTML into entities', () => {
    expect(markdownText('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(markdownText('<img src=x onerror=alert(1)>')).not.toContain('<');
    expect(markdownText('a & b &lt;')).toBe('a &amp; b &amp;lt;');
  });

  it('escapes markdown punctuation so text cannot open emphasis, links, code, math or cells', () => {
    expect(markdownText('*a* _b_ [c](d) `e` ~f~ $g$ |h\\')).toBe(
      '\\*a\\* \\_b\\_ \\[c\\](d) \\`e\\` \\~f\\~ \\$g\\$ \\|h\\\\',
    );
  });

  it('keeps a table cell one cell: pipes escaped, line breaks become spaces', () => {
    const cell = markdownText('a|b\nc\r\nd');
    expect(cell).toBe('a\\|b c d');
    expect(tableCells(`| ${cell} | x |`)).toHaveLength(2);
    // A backslash before a pipe cannot pair with our escape.
    expect(tableCells(`| ${markdownText('a\\|b')} | x |`)).toHaveLength(2);
  });

  it('joins lines and trims, so a YAML block scalar prints as one line', () => {
    expect(markdownText('  first\n   second  \n\n third\n')).toBe('first second third');
  });

  it('breaks @mentions with the shared zero-width space', () => {
    expect(markdownText('@everyone and @acme/team')).toBe(`@${ZW}everyone and @${ZW}acme/team`);
  });

  it('escapes what would start a block at the beginning of the text, and leaves numbers alone', () => {
    expect(markdownText('# title')).toBe('\\# title');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('1. item')).toBe('1\\. item');
    expect(markdownText('===')).toBe('\\===');
    expect(markdownText('---')).toBe('\\---');
    expect(markdownText('-- -')).toBe('\\-- -');
    expect(markdownText('1.3.0')).toBe('1.3.0');
    expect(markdownText('-0.5')).toBe('-0.5');
    // `#` first is always escaped (it renders the same: `#hashtag`).
    expect(markdownText('#hashtag')).toBe('\\#hashtag');
  });

  it('removes control and bidirectional override characters', () => {
    expect(markdownText('a\u0000b\u202Ec\u0007')).toBe('abc');
  });

  it('renders null and undefined as empty text, numbers as text', () => {
    expect(markdownText(null)).toBe('');
    expect(markdownText(undefined)).toBe('');
    expect(markdownText(0.5)).toBe('0.5');
  });
});

describe('markdownBlock', () => {
  it('keeps paragraphs, each escaped as one line', () => {
    expect(markdownBlock('first\nline\n\n# second\n- x')).toBe('first line\n\n\\# second - x');
    expect(markdownBlock('  a\r\n \r\n\n\n  b  \n')).toBe('a\n\nb');
    expect(markdownBlock(null)).toBe('');
  });
});

describe('markdownCode', () => {
  it('uses a fence longer than any backtick run inside, padded when needed', () => {
    expect(markdownCode('plain')).toBe('`plain`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('col`umn``x')).toBe('```col`umn``x```');
    expect(markdownCode('`edge`')).toBe('`` `edge` ``');
    expect(markdownCode('')).toBe('');
    expect(markdownCode(' \n ')).toBe('');
    expect(markdownCode(null)).toBe('');
  });

  it('escapes pipes only for table cells, so a cell stays one cell', () => {
    expect(markdownCode('a | b')).toBe('`a | b`');
    expect(markdownCode('a|b', { cell: true })).toBe('`a\\|b`');
    for (const text of ['a|b', 'a\\|b', 'a\\\\|b', '|', '\\|']) {
      expect(tableCells(`| ${markdownCode(text, { cell: true })} | x |`)).toHaveLength(2);
    }
  });

  it('puts line breaks on one line and breaks fake markers', () => {
    expect(markdownCode('a\nb')).toBe('`a b`');
    expect(markdownCode('<!-- modelgate:report:x -->')).not.toMatch(/<!--[\s-]*modelgate/i);
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
