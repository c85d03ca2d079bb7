import { describe, expect, it } from 'vitest';
import {
  cleanText,
  codeSpan,
  escapeHtml,
  escapeMarkdown,
  escapeTableCell,
  guardMarkers,
  markerName,
  shorten,
  stickyMarker,
  tableCode,
  ZERO_WIDTH_SPACE as ZW,
} from '../../src/report/escape.js';
import { escapeMermaidLabel } from '../../src/report/mermaid.js';

const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const MARKER = /<!--[\s-]*modelgate/i;

/** True when every `ch` in `text` is preceded by an odd number of backslashes (escaped). */
function allEscaped(text: string, ch: string): boolean {
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) {
    let n = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) n++;
    if (n % 2 === 0) return false;
  }
  return true;
}

describe('cleanText', () => {
  it('strips bidi overrides and isolates, and control characters', () => {
    expect(cleanText('a\u202Eb\u202Ac\u2066d\u2069e\u0000f\u001Bg\u009Bh')).toBe('abcdefgh');
  });
  it('normalises line breaks and tabs, keeps other text', () => {
    expect(cleanText('a\r\nb\rc\td')).toBe('a\nb\nc d');
    expect(cleanText('plain ünïcødé 🙂')).toBe('plain ünïcødé 🙂');
  });
  it('replaces lone surrogates', () => {
    expect(cleanText('a\uD800b\uDC00c')).toBe('a\uFFFDb\uFFFDc');
  });
});

describe('escapeMarkdown', () => {
  it('entity-encodes HTML so no tag, comment or details can be injected', () => {
    expect(escapeMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeMarkdown('</details><details open>')).toBe('&lt;/details&gt;&lt;details open&gt;');
    expect(escapeMarkdown('<!-- modelgate:report:x -->')).toBe('&lt;!-- modelgate:report:x --&gt;');
    expect(escapeMarkdown('&#8238;&lt;')).toBe(`&amp;#${ZW}8238;&amp;lt;`);
  });

  it('neutralises mentions, issue references and autolinks', () => {
    expect(escapeMarkdown('@org/team')).toBe(`@${ZW}org/team`);
    expect(escapeMarkdown('ping @alice')).toBe(`ping @${ZW}alice`);
    expect(escapeMarkdown('see #123')).toBe(`see #${ZW}123`);
    expect(escapeMarkdown('#123')).toBe(`\\#${ZW}123`);
    expect(escapeMarkdown('https://evil.example')).toBe(`https:${ZW}//evil.example`);
    expect(escapeMarkdown('www.evil.example')).toBe(`www${ZW}.evil.example`);
    expect(escapeMarkdown('x@evil.example')).toBe(`x@${ZW}evil.example`);
    expect(escapeMarkdown('<https://evil.example>')).not.toContain('<');
  });

  it('backslash-escapes inline markdown', () => {
    expect(escapeMarkdown('[link](javascript:alert(1))')).toBe('\\[link\\](javascript:alert(1))');
    expect(escapeMarkdown('![img](x)')).toBe('!\\[img\\](x)');
    expect(escapeMarkdown('*a* _b_ ~~c~~ `d` $e$ a|b \\')).toBe(
      '\\*a\\* \\_b\\_ \\~\\~c\\~\\~ \\`d\\` \\$e\\$ a\\|b \\\\',
    );
  });

  it('escapes block syntax at the start', () => {
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('+ item')).toBe('\\+ item');
    expect(escapeMarkdown('=== x')).toBe('\\=== x');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('12) item')).toBe('12\\) item');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('a - b')).toBe('a - b');
    expect(escapeMarkdown('risk-v2.1')).toBe('risk-v2.1');
  });

  it('turns line breaks into spaces, so no new block can start', () => {
    expect(escapeMarkdown('line1\n# heading\n- item\r\n> q')).toBe('line1 # heading - item &gt; q');
  });

  it('encodes leading and trailing spaces', () => {
    expect(escapeMarkdown('    code')).toBe('&#32;&#32;&#32;&#32;code');
    expect(escapeMarkdown('a  ')).toBe('a&#32;&#32;');
    expect(escapeMarkdown('a b')).toBe('a b');
  });

  it('strips bidi override characters', () => {
    expect(escapeMarkdown('abc\u202Edcba\u2066x\u2069')).toBe('abcdcbax');
  });

  it('keeps very long strings whole (shortening is the caller’s choice)', () => {
    const long = 'x'.repeat(100_000);
    expect(escapeMarkdown(long)).toBe(long);
  });

  it('is safe on random hostile text', () => {
    const alphabet = [
      '<',
      '>',
      '&',
      '@',
      '#',
      '1',
      '|',
      '\\',
      '`',
      '[',
      ']',
      '(',
      ')',
      '!',
      '-',
      '*',
      '_',
      '\n',
      ' ',
      'a',
      '\u202E',
      ':',
      '/',
      'w',
      '.',
      '$',
      '~',
    ];
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 2000; k++) {
      const s = Array.from(
        { length: 1 + Math.floor(rnd() * 30) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join('');
      for (const out of [escapeMarkdown(s), escapeTableCell(s)]) {
        expect(out.replaceAll('<br>', '')).not.toMatch(/[<>]/);
        expect(out).not.toMatch(BIDI);
        expect(out).not.toContain('\n');
        expect(out).not.toMatch(/@(?!\u200B)/);
        expect(out).not.toMatch(/(?<!&)#\d/);
        expect(out).not.toContain('://');
        for (const ch of ['|', '`', '[', ']', '*', '_', '~', '$']) expect(allEscaped(out, ch)).toBe(true);
      }
    }
  });
});

describe('escapeTableCell', () => {
  it('escapes pipes and turns line breaks into <br>', () => {
    expect(escapeTableCell('a|b')).toBe('a\\|b');
    expect(escapeTableCell('a\nb')).toBe('a<br>b');
    expect(escapeTableCell('a\\|b')).toBe('a\\\\\\|b');
  });
  it('escapes HTML and mentions like inline text', () => {
    expect(escapeTableCell('<b>@x</b>')).toBe(`&lt;b&gt;@${ZW}x&lt;/b&gt;`);
  });
});

describe('escapeHtml', () => {
  it('encodes HTML and quotes without markdown backslashes', () => {
    expect(escapeHtml('<a href="x">_b_ @c #1</a>')).toBe(
      `&lt;a href=&quot;x&quot;&gt;_b_ @${ZW}c #${ZW}1&lt;/a&gt;`,
    );
  });
});

describe('codeSpan', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(codeSpan('abc')).toBe('`abc`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('a``b`c')).toBe('```a``b`c```');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });
  it('pads text that starts and ends with a space, and handles empty text', () => {
    expect(codeSpan(' x ')).toBe('`  x  `');
    expect(codeSpan('')).toBe('` `');
  });
  it('keeps text on one line and breaks comment openers', () => {
    expect(codeSpan('a\nb')).toBe('`a b`');
    expect(codeSpan('<!-- modelgate:report:x -->')).toBe(`\`<!${ZW}-- modelgate:report:x -->\``);
    expect(codeSpan('<!-- modelgate:x')).not.toMatch(MARKER);
  });
  it('strips bidi characters', () => {
    expect(codeSpan('a\u202Eb')).toBe('`ab`');
  });
});

describe('tableCode', () => {
  it('wraps table-escaped text in <code>', () => {
    expect(tableCode('a|b<c>')).toBe('<code>a\\|b&lt;c&gt;</code>');
  });
});

describe('markers', () => {
  it('keeps valid model names and sanitises others to [a-z0-9._-]', () => {
    expect(markerName('risk')).toBe('risk');
    expect(markerName('risk-v2.1_x')).toBe('risk-v2.1_x');
    expect(markerName('Risk')).toBe('risk');
    expect(markerName('<!-- modelgate:report:x -->')).toMatch(/^[a-z0-9._-]+$/);
    expect(markerName('a b\u202E/c')).toBe('a-b-c');
    expect(markerName('')).toBe('unnamed');
    expect(markerName('<<>>')).toBe('unnamed');
    expect(markerName('x'.repeat(500))).toHaveLength(64);
  });
  it('writes the sticky marker', () => {
    expect(stickyMarker('report', 'risk')).toBe('<!-- modelgate:report:risk -->');
    expect(stickyMarker('report', 'x --> <b>')).toBe('<!-- modelgate:report:x----b- -->');
  });
  it('guards marker look-alikes in trusted markdown, leaving other comments', () => {
    const card =
      '<!-- modelgate:report:x -->\n<!--modelgate:comment-->\n<!-- ModelGate -->\n<!---- modelgate -->\n<!-- note -->';
    const out = guardMarkers(card);
    expect(out).not.toMatch(MARKER);
    expect(out).toContain('<!-- note -->');
  });
});

describe('shorten', () => {
  it('cuts with an ellipsis and never splits a surrogate pair', () => {
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(shorten('abc', 4)).toBe('abc');
    const s = shorten('ab🙂cd', 4);
    expect(s).toBe('ab…');
    expect(cleanText(s)).toBe(s);
  });
});

describe('escapeMermaidLabel', () => {
  it('keeps only safe characters and shortens', () => {
    expect(escapeMermaidLabel('roc_auc')).toBe('roc_auc');
    expect(escapeMermaidLabel('a"b[c]{d}(e);f:g#h<i>')).toBe('a_b_c__d__e__f_g_h_i_');
    expect(escapeMermaidLabel('x'.repeat(50), 10)).toBe('xxxxxxxxx…');
    expect(escapeMermaidLabel('a\nb\u202Ec')).toBe('a_bc');
  });
});
