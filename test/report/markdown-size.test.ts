import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, renderModelReport, renderPrComment } from '../../src/report/markdown.js';
import {
  fitSections,
  GITHUB_COMMENT_LIMIT,
  type ReportSection,
  TRUNCATION_ORDER,
  type TruncationStage,
} from '../../src/report/truncate.js';
import { markers, structureProblems } from '../fixtures/report/check.js';
import { bigCard, hostile, largeDiff, regression, withinNoise } from '../fixtures/report/diffs.js';

function expectValid(markdown: string, limit = GITHUB_COMMENT_LIMIT): void {
  expect(markdown.length).toBeLessThan(limit);
  expect(structureProblems(markdown)).toEqual([]);
}

describe('one large model', () => {
  const big = { ...largeDiff(), card: bigCard(40) };

  it('50 metrics x 20 groups x 5 slice columns + 200 params + a 40 KB card fit under 65,536 with a note', () => {
    const out = renderModelReport(big);
    expectValid(out);
    expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 1024);
    expect(markers(out)).toEqual(['<!-- modelgate:report:big -->']);
    expect(out).toContain('_… model card omitted (');
    expect(out).toMatch(
      /_✂️ Shortened to fit GitHub's 65,536-character comment limit \(shortened: model card\); see/,
    );
    // The verdict, reasons and metric table survive.
    expect(out).toContain('### ⚠️ `big` needs approval');
    expect(out).toContain('- ⚠️ metric\\_00 regressed.');
    expect(out).toContain('| **metric\\_00** ↑ |');
  });

  it('says which rows it omitted, and keeps regressions first, under a tighter limit', () => {
    const out = renderModelReport({ ...big, maxLength: 12_000 });
    expectValid(out, 12_000);
    expect(out).toContain('model card omitted');
    expect(out).toContain('environment changes (`node`, `backend`) omitted');
    expect(out).toMatch(/_… `column_0`: table of 20 groups \(\d+ with a regression\) omitted/);
    expect(out).toContain('list of 200 parameter changes omitted');
    expect(out).toContain('_… metric chart omitted');
    expect(out).toContain('#### Regressions on slices');
    expect(out).toMatch(/_… [\d,]+ slice regressions omitted;/);
    expect(out).toContain('🔴 regressed');
    expect(out).toMatch(/shortened: model card, environment, slice tables, parameters, chart/);
  });

  it('keeps only the head when nothing else fits', () => {
    const out = renderModelReport({ ...big, maxLength: 1_000 });
    expect(out.length).toBeLessThan(1_000);
    expectValid(out, 1_000);
    expect(markers(out)).toHaveLength(1);
    expect(out).toContain('### ⚠️ `big` needs approval');
    expect(out).toContain('the metric table and the rest of this report omitted');
  });

  it('every limit between 1,000 and 70,000 is respected, with valid structure', () => {
    for (let max = 1_000; max <= 70_000; max += 3_001) {
      const out = renderModelReport({ ...big, maxLength: max });
      expect(out.length, `maxLength ${max}`).toBeLessThan(max);
      expect(structureProblems(out), `maxLength ${max}`).toEqual([]);
      expect(markers(out), `maxLength ${max}`).toHaveLength(1);
    }
  });

  it('counts UTF-16 code units (astral characters count twice)', () => {
    const emojiCard = '🙂'.repeat(40_000);
    const out = renderModelReport({ ...withinNoise(), card: emojiCard });
    expect(out.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(out).toContain('model card omitted (80,000 characters)');
  });

  it('hostile long names still fit the smallest limit', () => {
    for (const max of [1_000, 2_000, 5_000]) {
      const out = renderModelReport({ ...hostile(), maxLength: max });
      expectValid(out, max);
      expect(markers(out)).toHaveLength(1);
    }
    const comment = renderPrComment(
      Array.from({ length: 50 }, () => hostile()),
      { maxLength: 5_000 },
    );
    expectValid(comment, 5_000);
    expect(markers(comment)[0]).toBe(COMMENT_MARKER);
  });

  it('long run links in every omission note still fit', () => {
    const run = `https://github.com/acme/models/actions/runs/1?${'q'.repeat(1_900)}`;
    for (const max of [5_000, 20_000]) {
      const out = renderModelReport({ ...big, links: { run }, maxLength: max });
      expectValid(out, max);
      expect(out).toContain('Shortened to fit');
    }
  });

  it('rejects a maxLength below 1,000', () => {
    expect(() => renderModelReport({ ...withinNoise(), maxLength: 999 })).toThrow(RangeError);
    expect(() => renderPrComment([], { maxLength: 10 })).toThrow(RangeError);
  });
});

describe('many models in one comment', () => {
  it('shortens all models together, stage by stage', () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({
      ...largeDiff({ model: `model-${i}` }),
      card: bigCard(10),
    }));
    const out = renderPrComment(inputs);
    expectValid(out);
    expect(out.startsWith(`${COMMENT_MARKER}\n## modelgate\n\n6 models: ⚠️ 6 needing approval.`)).toBe(true);
    const found = markers(out);
    expect(found[0]).toBe(COMMENT_MARKER);
    expect(found.slice(1)).toEqual(inputs.map((_, i) => `<!-- modelgate:report:model-${i} -->`));
    // The card goes first, in every model.
    expect(out.match(/model card omitted/g)).toHaveLength(6);
    expect(out).toContain("_✂️ Shortened to fit GitHub's 65,536-character comment limit");
  });

  it('reduces sections to their verdict, then drops the last ones, with a note', () => {
    const inputs = Array.from({ length: 400 }, (_, i) =>
      largeDiff({ model: `m${i}`, metrics: 5, groups: 3, columns: 2, params: 5 }),
    );
    const out = renderPrComment(inputs);
    expectValid(out);
    const reports = markers(out).filter((m) => m.startsWith('<!-- modelgate:report:'));
    expect(new Set(reports).size).toBe(reports.length);
    expect(out).toMatch(/_… [\d,]+ more model reports omitted to fit the comment; see the run artifacts\._/);
    expect(out).toMatch(/[\d,]+ model reports? reduced to the verdict/);
  });

  it('string sections are kept whole or reduced to their head', () => {
    const sections = Array.from({ length: 12 }, (_, i) =>
      renderModelReport({ ...largeDiff({ model: `s${i}`, params: 20 }), maxLength: 20_000 }),
    );
    const out = renderPrComment(sections);
    expectValid(out);
    const found = markers(out).slice(1);
    expect(found).toEqual(sections.map((_, i) => `<!-- modelgate:report:s${i} -->`));
    expect(out).toContain('the rest of this report omitted to fit the comment');
  });

  it('a small comment is not touched', () => {
    const out = renderPrComment([regression(), withinNoise()]);
    expect(out).not.toContain('Shortened');
    expect(out).not.toContain('omitted');
  });
});

describe('fitSections', () => {
  const block = (id: string, size: number, stages: TruncationStage[]) => ({
    id,
    text: id.padEnd(size, '.'),
    reductions: stages.map((stage) => ({ stage, render: () => `${id}:${stage}` })),
  });
  const section = (blocks: ReturnType<typeof block>[]): ReportSection => ({
    blocks,
    minimal: () => 'minimal',
  });

  it('applies the stages in TRUNCATION_ORDER and stops as soon as the text fits', () => {
    const s = section([
      block('metrics', 1000, ['metrics-quiet', 'metrics']),
      block('card', 1000, ['card']),
      block('params', 1000, ['params-long', 'params']),
      block('env', 1000, ['environment']),
    ]);
    const fit = fitSections([s], 2200, '\n', () => '');
    expect(fit.stages).toEqual(['card', 'environment']);
    expect(fit.sections[0]).toContain('card:card');
    expect(fit.sections[0]).toContain('env:environment');
    expect(fit.sections[0]).toContain('metrics...');
    const tighter = fitSections([s], 100, '\n', () => '');
    const order = tighter.stages.map((st) => TRUNCATION_ORDER.indexOf(st));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(tighter.sections[0]).toBe(
      'metrics:metrics-quiet\n\ncard:card\n\nparams:params\n\nenv:environment',
    );
  });

  it('within a stage, shortens the largest blocks first', () => {
    const a = section([block('a', 500, ['card'])]);
    const b = section([block('b', 3000, ['card'])]);
    const fit = fitSections([a, b], 1000, '\n', () => '');
    expect(fit.sections).toEqual(['a'.padEnd(500, '.'), 'b:card']);
  });

  it('leaves text that fits alone', () => {
    const s = section([block('a', 10, ['card'])]);
    expect(fitSections([s], 100, '\n', () => '')).toEqual({
      sections: ['a'.padEnd(10, '.')],
      stages: [],
      minimised: 0,
      dropped: 0,
      truncated: false,
    });
  });

  it('minimises sections from the last, then drops them', () => {
    const sections = [0, 1, 2].map((i) => section([block(`s${i}`, 100, [])]));
    const fit = fitSections(sections, 230, '\n', () => '');
    expect(fit.sections).toEqual(['s0'.padEnd(100, '.'), 's1'.padEnd(100, '.'), 'minimal']);
    const dropped = fitSections(sections, 12, '\n', (n) => `-${n}`);
    expect(dropped.sections).toEqual(['minimal']);
    expect(dropped.dropped).toBe(2);
  });
});
