/** Sticky comments and the one per-PR report comment with a section per model. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ForgeComment } from '../../src/forge/forge.js';
import { MemoryForge } from '../../src/forge/memory-forge.js';
import {
  mergeSection,
  parseSections,
  REPORT_COMMENT_MARKER,
  readSection,
  removeSection,
  StickyCommentError,
  upsertModelSection,
  upsertStickyComment,
} from '../../src/forge/sticky-comment.js';

const modelName = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}$/);
/** Section text, including strings that look like markers, fences and details. */
const sectionText = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '<!-- /modelgate:section:a -->',
        '<!-- modelgate:section:b -->',
        '<!-- modelgate:report -->',
        '<!-- modelgate:truncated:99 -->',
        '<!-- modelgate:report:a -->',
        '```',
        '<details>',
        '\n',
        '\r\n',
        '| a | b |',
      ),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

function shuffleBy<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.item);
}

function mergeAll(entries: readonly [string, string][], maxLength?: number): string {
  let body: string | null = null;
  for (const [model, text] of entries) body = mergeSection(body, model, text, maxLength ? { maxLength } : {});
  return body!;
}

describe('mergeSection (pure)', () => {
  it('builds one marked comment with sorted, delimited sections and keeps the others on replace', () => {
    const one = mergeSection(null, 'risk', '### risk\nbody 1');
    const two = mergeSection(one, 'churn', '### churn\nbody');
    const three = mergeSection(two, 'risk', '### risk\nbody 2');
    expect(three.startsWith(`${REPORT_COMMENT_MARKER}\n## modelgate\n`)).toBe(true);
    expect(three.indexOf('<!-- modelgate:section:churn -->')).toBeLessThan(
      three.indexOf('<!-- modelgate:section:risk -->'),
    );
    expect(readSection(three, 'risk')).toBe('### risk\nbody 2');
    expect(readSection(three, 'churn')).toBe('### churn\nbody');
    expect(three).not.toContain('body 1');
    expect(three).toContain('<!-- /modelgate:section:risk -->');
    expect(readSection(removeSection(three, 'churn'), 'churn')).toBeNull();
    expect(readSection(removeSection(three, 'churn'), 'risk')).toBe('### risk\nbody 2');
  });

  it('gives the same body whatever the merge order, and is idempotent', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(modelName, sectionText), {
          minLength: 1,
          maxLength: 6,
          selector: (e) => e[0],
        }),
        fc.array(fc.integer(), { minLength: 6, maxLength: 6 }),
        (entries, keys) => {
          const a = mergeAll(entries);
          const b = mergeAll(shuffleBy(entries, keys));
          expect(b).toBe(a);
          for (const [model, text] of entries) expect(mergeSection(a, model, text)).toBe(a);
          expect(parseSections(a).size).toBe(entries.length);
          expect(a.split(REPORT_COMMENT_MARKER)).toHaveLength(2);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cannot be broken by section text that forges delimiters', () => {
    const evil = 'x\n<!-- /modelgate:section:risk -->\n<!-- modelgate:section:aaa -->\nfake';
    const body = mergeSection(mergeSection(null, 'risk', evil), 'zeta', 'z');
    expect([...parseSections(body).keys()]).toEqual(['risk', 'zeta']);
    expect(readSection(body, 'risk')).toContain('fake');
    expect(readSection(body, 'risk')).toContain('<!\u200B-- /modelgate:section:risk -->');
    // The report's own per-model marker is kept as is.
    expect(readSection(mergeSection(null, 'risk', '<!-- modelgate:report:risk -->\nok'), 'risk')).toBe(
      '<!-- modelgate:report:risk -->\nok',
    );
  });

  it('cuts the longest sections to fit, naming the model, closing fences, keeping markers', () => {
    const long = (word: string, n: number) =>
      `### ${word}\n\`\`\`\n${Array.from({ length: n }, (_, i) => `${word} line ${i}`).join('\n')}`;
    const body = mergeAll(
      [
        ['small', 'tiny section'],
        ['big', long('big', 9000)],
        ['huge', `<details><summary>s</summary>\n\n${long('huge', 12000)}`],
      ],
      undefined,
    );
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(readSection(body, 'small')).toBe('tiny section');
    const big = readSection(body, 'big')!;
    const huge = readSection(body, 'huge')!;
    expect(big).toMatch(/The \*\*big\*\* report was cut/);
    expect(huge).toMatch(/The \*\*huge\*\* report was cut/);
    expect(big.match(/```/g)).toHaveLength(2);
    expect(huge).toContain('</details>');
    for (const name of ['small', 'big', 'huge']) {
      expect(body).toContain(`<!-- modelgate:section:${name} -->`);
      expect(body).toContain(`<!-- /modelgate:section:${name} -->`);
    }
    // The two long sections share the room about equally.
    expect(Math.abs(big.length - huge.length)).toBeLessThan(200);
  });

  it('stays within maxLength and is idempotent even when it cuts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            modelName,
            fc.array(fc.string({ minLength: 1, maxLength: 60 }), { maxLength: 80 }).map((l) => l.join('\n')),
          ),
          { minLength: 1, maxLength: 4, selector: (e) => e[0] },
        ),
        fc.integer({ min: 2_000, max: 6_000 }),
        (entries, maxLength) => {
          const body = mergeAll(entries, maxLength);
          expect(body.length).toBeLessThanOrEqual(maxLength);
          expect(parseSections(body).size).toBe(entries.length);
          const [model, text] = entries.at(-1)!;
          expect(mergeSection(body, model, text, { maxLength })).toBe(body);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a maxLength outside 1000..65536 and too many sections for the room', () => {
    expect(() => mergeSection(null, 'a', 'x', { maxLength: 10 })).toThrow(StickyCommentError);
    expect(() => mergeSection(null, 'a', 'x', { maxLength: 70_000 })).toThrow(StickyCommentError);
    let body: string | null = null;
    expect(() => {
      for (let i = 0; i < 20; i++) body = mergeSection(body, `m${i}`, 'y'.repeat(500), { maxLength: 1_000 });
    }).toThrow(/too many report sections/);
  });
});

describe('upsertStickyComment', () => {
  it('creates, leaves alone, then updates the marked comment', async () => {
    const forge = new MemoryForge();
    const pr = forge.addPullRequest({ headSha: 'h' });
    await forge.createIssueComment(pr.number, 'unrelated');
    const marker = '<!-- modelgate:deploy:risk -->';
    const a = await upsertStickyComment(forge, pr.number, marker, `${marker}\none`);
    const b = await upsertStickyComment(forge, pr.number, marker, `${marker}\none`);
    const c = await upsertStickyComment(forge, pr.number, marker, `${marker}\ntwo`);
    expect(a.action).toBe('created');
    expect(b).toEqual({ id: a.id, action: 'unchanged' });
    expect(c).toEqual({ id: a.id, action: 'updated' });
    expect((await forge.listIssueComments(pr.number)).map((x) => x.body)).toEqual([
      'unrelated',
      `${marker}\ntwo`,
    ]);
    await expect(upsertStickyComment(forge, pr.number, marker, 'no marker')).rejects.toThrow(
      StickyCommentError,
    );
  });

  it('ignores a marker pasted by a person unless told to trust them', async () => {
    const human = new MemoryForge({ login: 'mallory' });
    const pr = human.addPullRequest({ headSha: 'h' });
    const planted = await human.createIssueComment(pr.number, `${REPORT_COMMENT_MARKER} gotcha`);
    const r = await upsertStickyComment(
      human,
      pr.number,
      REPORT_COMMENT_MARKER,
      `${REPORT_COMMENT_MARKER}\nx`,
    );
    expect(r.id).not.toBe(planted.id);
    expect(r.action).toBe('created');
    const t = await upsertStickyComment(
      human,
      pr.number,
      REPORT_COMMENT_MARKER,
      `${REPORT_COMMENT_MARKER}\ny`,
      {
        trustedAuthor: () => true,
      },
    );
    expect(t).toEqual({ id: planted.id, action: 'updated' });
  });
});

describe('upsertModelSection', () => {
  it('keeps one comment per pull request with a section per model', async () => {
    const forge = new MemoryForge();
    const pr = forge.addPullRequest({ headSha: 'h' });
    const a = await upsertModelSection(forge, pr.number, 'risk', 'risk v1');
    const b = await upsertModelSection(forge, pr.number, 'churn', 'churn v1');
    const c = await upsertModelSection(forge, pr.number, 'risk', 'risk v2');
    const d = await upsertModelSection(forge, pr.number, 'risk', 'risk v2');
    expect([a.action, b.action, c.action, d.action]).toEqual(['created', 'updated', 'updated', 'unchanged']);
    expect(new Set([a.id, b.id, c.id, d.id]).size).toBe(1);
    const comments = await forge.listIssueComments(pr.number);
    expect(comments).toHaveLength(1);
    expect(readSection(comments[0]!.body, 'risk')).toBe('risk v2');
    expect(readSection(comments[0]!.body, 'churn')).toBe('churn v1');
    expect(d.body).toBe(comments[0]!.body);
  });

  it('merges again when a concurrent writer overwrote its section', async () => {
    const forge = new MemoryForge();
    const pr = forge.addPullRequest({ headSha: 'h' });
    await upsertModelSection(forge, pr.number, 'churn', 'churn v1');
    // A second writer read the comment before us and writes its stale view right after our update.
    const stale = (await forge.listIssueComments(pr.number))[0]!;
    const racing = Object.create(forge) as MemoryForge;
    let raced = false;
    racing.updateIssueComment = async (id: number, body: string): Promise<ForgeComment> => {
      const written = await forge.updateIssueComment(id, body);
      if (!raced) {
        raced = true;
        await forge.updateIssueComment(id, mergeSection(stale.body, 'churn', 'churn v2'));
      }
      return written;
    };
    const result = await upsertModelSection(racing, pr.number, 'risk', 'risk v1');
    const body = (await forge.listIssueComments(pr.number))[0]!.body;
    expect(raced).toBe(true);
    expect(readSection(body, 'risk')).toBe('risk v1');
    expect(readSection(body, 'churn')).toBe('churn v2');
    expect(result.body).toBe(body);
  });
});

describe('section hygiene', () => {
  it('closes a code fence or <details> a section leaves open, so later markers stay hidden', () => {
    const body = mergeSection(mergeSection(null, 'a', 'text\n~~~~\ncode'), 'b', '<details>\nx');
    expect(readSection(body, 'a')).toBe('text\n~~~~\ncode\n~~~~');
    expect(readSection(body, 'b')).toBe('<details>\nx\n</details>');
    expect(mergeSection(body, 'a', 'text\n~~~~\ncode')).toBe(body);
  });
});
