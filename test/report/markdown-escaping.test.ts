import { describe, expect, it } from 'vitest';
import type { RunDiff } from '../../src/diff/types.js';
import { ZERO_WIDTH_SPACE as ZW } from '../../src/report/escape.js';
import { COMMENT_MARKER, renderModelReport, renderPrComment } from '../../src/report/markdown.js';
import { markers, OWN_TAGS, renderedText, structureProblems } from '../fixtures/report/check.js';
import { HOSTILE, HOSTILE_ALL, hostile, metric, regression } from '../fixtures/report/diffs.js';

const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/** Checks that no hostile text is live in the rendered markdown. */
function expectInert(markdown: string): void {
  expect(structureProblems(markdown)).toEqual([]);
  expect(markdown).not.toMatch(BIDI);
  const text = renderedText(markdown);
  // No raw HTML but our own tags (and our own marker on line 1).
  const withoutOwn = text.replace(OWN_TAGS, '').replace(/^<!-- modelgate:(report|comment)[^\n]*-->$/gm, '');
  expect(withoutOwn).not.toMatch(/<[a-z/!]/i);
  // No live mention, issue reference, autolink or markdown link.
  expect(text).not.toMatch(/@(?!\u200B)/);
  expect(text).not.toMatch(/(?<!&)#\d/);
  expect(text).not.toMatch(/https?:\/\/(?!github\.com\/acme)/);
  expect(text).not.toMatch(/(?<!\\)\]\((?!https:\/\/github\.com\/acme\/)/);
  expect(text).not.toMatch(/(?<!\\)\[link/);
}

describe('hostile names in every user-controlled position', () => {
  const input = hostile();
  const out = renderModelReport(input);

  it('keeps the structure intact and every hostile string inert', () => {
    expectInert(out);
  });

  it('writes exactly one marker, with a sanitised model name', () => {
    const found = markers(out);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^<!-- modelgate:report:[a-z0-9._-]+ -->$/);
    expect(out.startsWith(found[0]!)).toBe(true);
    expect(out.split(/<!--\s*modelgate/i)).toHaveLength(2);
  });

  it('escapes the model, branch and version in the verdict line', () => {
    const verdict = out.split('\n')[1]!;
    expect(verdict.startsWith('### ⚠️ `Risk <script>alert(1)</script> <!')).toBe(true);
    expect(verdict).not.toContain('\n');
    expect(verdict).not.toContain('<!-- modelgate');
  });

  it('escapes metric names in the table and the chart', () => {
    expect(out).toContain(
      '**metric &lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- modelgate:report:victim --&gt;',
    );
    const mermaid = out.slice(out.indexOf('```mermaid'), out.indexOf('```', out.indexOf('```mermaid') + 3));
    for (const line of mermaid.split('\n').filter((l) => l.includes('x-axis'))) {
      expect(line).toMatch(/^ {2}x-axis (?:"[^"]*" )?\[(?:"[\p{L}\p{N} _.\-/+%…]*"(?:, )?)*\]$/u);
    }
    for (const line of mermaid.split('\n').filter((l) => /^ {2}(title|x-axis)/.test(l))) {
      expect(line).not.toMatch(/[<>`#;:{}()]/);
    }
  });

  it('escapes slice columns and values', () => {
    expect(out).toContain('| col &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain(
      `val &lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- modelgate:report:victim --&gt; @${ZW}org/team a\\|b`,
    );
  });

  it('escapes parameter paths and values, data paths and hashes, environment fields', () => {
    expect(out).toContain(
      '- `trainer.<script>alert(1)</script> <!\u200B-- modelgate:report:victim --> @org/team a|b line1 # heading',
    );
    expect(out).toContain('<code>data/&lt;!-- modelgate:report:victim --&gt;.csv</code>');
    expect(out).toContain('removed `<!\u200B-- modelgate:report:victim -->` (number)');
    expect(out).toContain('<code>runner &lt;script&gt;');
  });

  it('neutralises markers in the model card', () => {
    const card = out.slice(out.indexOf('<summary>Model card</summary>'));
    expect(card).toContain(`<!${ZW}-- modelgate:report:victim -->`);
    expect(card).toContain(`<!${ZW}--modelgate:comment -->`);
  });

  it('shortens very long names', () => {
    expect(out).not.toContain('L'.repeat(200));
    expect(out.length).toBeLessThan(40_000);
  });

  it('ignores links that are not http(s)', () => {
    const linked = renderModelReport({
      ...input,
      links: {
        run: 'javascript:alert(1)',
        baselineRelease: 'https://github.com/acme/x/releases/tag/a (b) "c" <d>',
      },
    });
    expect(linked).not.toMatch(/(?<!\\)\]\(javascript/);
    expect(linked).not.toContain('Full report and artifacts');
    expect(linked).toContain('](https://github.com/acme/x/releases/tag/a%20%28b%29%20%22c%22%20%3Cd%3E)');
    expectInert(linked);
  });

  it('a PR comment of hostile sections holds one comment marker and one marker per model', () => {
    const comment = renderPrComment([input, regression(), input], { title: HOSTILE_ALL });
    expectInert(comment);
    const found = markers(comment);
    expect(found.filter((m) => m === COMMENT_MARKER)).toHaveLength(1);
    expect(found.filter((m) => m.startsWith('<!-- modelgate:report:'))).toHaveLength(3);
    expect(found).toHaveLength(4);
  });

  it('hostile text alone never produces a marker in any position', () => {
    for (const value of Object.values(HOSTILE)) {
      const diff: RunDiff = {
        ...regression().diff,
        model: value,
        metrics: [metric(value, 0.1, 0.2, { slice: { column: value, value } }), metric(value, 0.1, 0.2)],
        params: [{ path: value, kind: 'changed', baseline: value, candidate: value }],
        environment: [{ field: value, baseline: value, candidate: value }],
      };
      const report = renderModelReport({ diff, gate: regression().gate, approvers: [value] });
      expect(markers(report)).toHaveLength(1);
      expectInert(report);
    }
  });

  it('escapes slice columns in the <summary> of a collapsed slice table', () => {
    const column = `${HOSTILE.details} ${HOSTILE.mention} ${HOSTILE.issue}`;
    const metrics = Array.from({ length: 12 }, (_, g) =>
      metric('roc_auc', 0.5, 0.4, { slice: { column, value: `${HOSTILE.marker} ${g}` }, count: g }),
    );
    const report = renderModelReport({ ...regression(), diff: { ...regression().diff, metrics } });
    expectInert(report);
    const summary = report.split('\n').find((l) => l.startsWith('<summary>&lt;/details'));
    expect(summary).toBe(
      `<summary>&lt;/details&gt;&lt;details open&gt; @${ZW}org/team #${ZW}123: 12 groups, 12 with a regression</summary>`,
    );
  });
});
