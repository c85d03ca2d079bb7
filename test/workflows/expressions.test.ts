/** Finding `${{ }}` spans and the context paths they read. */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub Actions `${{ }}` expressions are literal text here. */
import { describe, expect, it } from 'vitest';
import { contextPaths, findExpressions, pathMatches } from '../../src/workflows/expressions.js';
import { untrustedPathsIn } from '../../src/workflows/untrusted-contexts.js';

describe('findExpressions', () => {
  it('finds each span with its offset and trimmed inner text', () => {
    const s = 'a ${{ github.sha }} b ${{inputs.x}}';
    expect(findExpressions(s)).toEqual([
      { text: '${{ github.sha }}', inner: 'github.sha', index: 2 },
      { text: '${{inputs.x}}', inner: 'inputs.x', index: 22 },
    ]);
  });

  it("does not close a span at '}}' inside a string literal, and stops at an unterminated one", () => {
    expect(findExpressions("${{ format('{0}}}', github.head_ref) }} tail")[0]!.inner).toBe(
      "format('{0}}}', github.head_ref)",
    );
    expect(findExpressions('ok ${{ a }} broken ${{ b')).toHaveLength(1);
  });
});

describe('contextPaths', () => {
  it('reads dotted paths and skips functions, literals and string contents', () => {
    expect(
      contextPaths("contains(github.event.pull_request.labels.*.name, 'github.head_ref') && true"),
    ).toEqual(['github.event.pull_request.labels.*.name']);
  });

  it('normalises index syntax and letter case', () => {
    expect(contextPaths("GitHub.Event['Issue'].title")).toEqual(['github.event.issue.title']);
    expect(contextPaths('github.event.commits[0].message')).toEqual(['github.event.commits.*.message']);
    expect(contextPaths('matrix[github.head_ref]')).toEqual(['github.head_ref', 'matrix.*']);
  });

  it('keeps hyphenated names whole', () => {
    expect(contextPaths("inputs.runs-on != '' && fromJSON(inputs.runs-on)")).toEqual([
      'inputs.runs-on',
      'inputs.runs-on',
    ]);
  });
});

describe('untrusted paths', () => {
  it('matches wildcards both ways and treats a prefix as reading the whole object', () => {
    expect(pathMatches('github.event.commits.*.message', 'github.event.commits.*.message')).toBe(true);
    expect(pathMatches('github.event.pull_request', 'github.event.pull_request.title')).toBe(true);
    expect(pathMatches('github.event.pull_request.number', 'github.event.pull_request.title')).toBe(false);
  });

  it("covers GitHub's documented list and leaves SHAs and numbers alone", () => {
    for (const bad of [
      'github.head_ref',
      'github.event.issue.title',
      'github.event.issue.body',
      'github.event.pull_request.title',
      'github.event.pull_request.body',
      'github.event.comment.body',
      'github.event.review.body',
      'github.event.pages[0].page_name',
      'github.event.commits[1].message',
      'github.event.head_commit.message',
      'github.event.head_commit.author.email',
      'github.event.head_commit.author.name',
      'github.event.commits[0].author.email',
      'github.event.commits[0].author.name',
      'github.event.pull_request.head.ref',
      'github.event.pull_request.head.label',
      'github.event.pull_request.head.repo.default_branch',
      'github.event.label.name',
      'toJSON(github)',
    ]) {
      expect(untrustedPathsIn(bad), bad).not.toEqual([]);
    }
    for (const ok of [
      'github.sha',
      'github.event.pull_request.head.sha',
      'github.event.pull_request.number',
      'github.repository',
      'inputs.title',
      'needs.a.outputs.b',
    ]) {
      expect(untrustedPathsIn(ok), ok).toEqual([]);
    }
  });
});
