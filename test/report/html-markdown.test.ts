import { describe, expect, it } from 'vitest';
import { inlineMarkdown, markdownToHtml } from '../../src/report/html-markdown.js';

describe('markdownToHtml', () => {
  it('renders headings (shifted), paragraphs, lists, tables, code and rules', () => {
    const html = markdownToHtml(
      [
        '# Model card',
        '',
        'A **binary** model',
        'for *risk*.',
        '',
        '## Use',
        '- one',
        '- two',
        '  continued',
        '',
        '1. first',
        '2. second',
        '',
        '| metric | value |',
        '| :--- | ---: |',
        '| roc_auc | 0.91 |',
        '| a \\| b | |',
        '',
        '```yaml',
        'a: <b>',
        '```',
        '',
        '---',
        '> quoted **text**',
      ].join('\n'),
      { headingOffset: 2 },
    );
    expect(html).toBe(
      [
        '<h3>Model card</h3>',
        '<p>A <strong>binary</strong> model\nfor <em>risk</em>.</p>',
        '<h4>Use</h4>',
        '<ul><li>one</li><li>two continued</li></ul>',
        '<ol><li>first</li><li>second</li></ol>',
        '<div class="table-wrap"><table class="md-table"><thead><tr><th style="text-align:left">metric</th><th style="text-align:right">value</th></tr></thead>' +
          '<tbody><tr><td style="text-align:left">roc_auc</td><td style="text-align:right">0.91</td></tr>' +
          '<tr><td style="text-align:left">a | b</td><td style="text-align:right"></td></tr></tbody></table></div>',
        '<pre><code>a: &lt;b&gt;</code></pre>',
        '<hr>',
        '<blockquote><p>quoted <strong>text</strong></p></blockquote>',
      ].join('\n'),
    );
  });

  it('caps heading levels at h6', () => {
    expect(markdownToHtml('##### deep', { headingOffset: 2 })).toBe('<h6>deep</h6>');
  });

  it('shows raw HTML as text, drops comments, never emits links or images', () => {
    const html = markdownToHtml(
      [
        '<!-- modelgate:card:risk -->',
        '<script>alert(1)</script>',
        '<img src=x onerror=alert(1)>',
        '[click](javascript:alert(1)) and ![logo](https://example.com/a.png)',
        '"><svg onload=alert(1)>',
      ].join('\n'),
    );
    expect(html).not.toContain('modelgate:card');
    expect(html).not.toMatch(/<(script|img|svg|a)\b/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('click <span class="md-href">(javascript:alert(1))</span>');
    expect(html).toContain('<span class="md-image">[image: logo]</span>');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
  });

  it('keeps an unclosed comment as text, and deep quotes bounded', () => {
    expect(markdownToHtml('<!-- open')).toBe('<p>&lt;!-- open</p>');
    const deep = markdownToHtml(`${'>'.repeat(5000)} x`);
    expect(deep.match(/<blockquote>/g)).toHaveLength(8);
  });

  it('formats inline code without formatting its content', () => {
    expect(inlineMarkdown('use `**a** <b>` then **b**')).toBe(
      'use <code>**a** &lt;b&gt;</code> then <strong>b</strong>',
    );
    expect(inlineMarkdown('snake_case_names stay _as is_')).toBe('snake_case_names stay _as is_');
    expect(inlineMarkdown('2 * 3 * 4')).toBe('2 * 3 * 4');
  });

  it('handles Windows line endings and empty input', () => {
    expect(markdownToHtml('# a\r\n\r\nb\r\n')).toBe('<h1>a</h1>\n<p>b</p>');
    expect(markdownToHtml('')).toBe('');
  });
});
