import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, renderModelReport, renderPrComment } from '../../src/report/markdown.js';
import { markers, structureProblems } from '../fixtures/report/check.js';
import { failure, firstModel, improvement, regression, withinNoise } from '../fixtures/report/diffs.js';

const LINKS = {
  run: 'https://github.com/acme/models/actions/runs/42',
  baselineRelease: 'https://github.com/acme/models/releases/tag/risk@v1.2.0',
};

function check(markdown: string): void {
  expect(structureProblems(markdown)).toEqual([]);
  expect(markdown.length).toBeLessThan(65_536);
}

describe('renderModelReport: standard cases', () => {
  it('first model (no baseline)', async () => {
    const out = renderModelReport(firstModel());
    check(out);
    expect(out.startsWith('<!-- modelgate:report:risk -->\n')).toBe(true);
    expect(out).toContain('### ✅ `risk` passes: candidate `bbbdc11` (`main`) vs first model (no baseline)');
    expect(out).toContain('| metric | value |  |');
    expect(out).toContain('🆕 new');
    expect(out).toContain('First model: no baseline');
    expect(out).not.toContain('Shortened');
    await expect(out).toMatchFileSnapshot('./__snapshots__/first-model.md');
  });

  it('improvement (CIs exclude 0), with history, card and links', async () => {
    const out = renderModelReport({ ...improvement(), links: LINKS });
    check(out);
    expect(out).toContain('### ✅ `risk` passes');
    expect(out).toContain(`vs [\`risk@v1.2.0\`](${LINKS.baselineRelease})`);
    expect(out).toContain(`[Full report and artifacts](${LINKS.run})`);
    expect(out).toContain(
      '| roc\\_auc ↑ | 0.6922 | 0.7311 | +0.0389 (+5.6%) | [+0.0210, +0.0570] | 🟢 improved |',
    );
    expect(out).toContain('| log\\_loss ↓ |');
    expect(out).toContain('```mermaid\nxychart-beta');
    expect(out).toContain('#### Learning curves');
    expect(out).toContain('<details>\n<summary>Model card</summary>\n\n# Model card: risk');
    expect(out).toContain('`trainer.hidden`: `[32,16]` → `[64,32]`');
    await expect(out).toMatchFileSnapshot('./__snapshots__/improvement.md');
  });

  it('regression: needs approval, names who may approve', async () => {
    const out = renderModelReport(regression());
    check(out);
    expect(out).toContain(
      '### ⚠️ `risk` needs approval: candidate `c0ffee1` (`feature/wider-mlp`) vs `risk@v1.2.0`',
    );
    expect(out).toContain(
      'Needs the approval of a reviewer with write access from `@org/ml-leads`, `alice`.',
    );
    expect(out).toContain('| **roc\\_auc** ↑ | 0.7311 | 0.7012 |');
    expect(out).toContain('🔴 regressed');
    expect(out).toContain('#### Regressions on slices');
    expect(out).toContain('❌ over limit');
    expect(out).toContain('+1 ~1 columns');
    expect(out).toContain('changed `postcode`: number → string');
    expect(out).toContain('#### Environment');
    await expect(out).toMatchFileSnapshot('./__snapshots__/regression.md');
  });

  it('regression approved by a reviewer', () => {
    const r = regression();
    const out = renderModelReport({ ...r, gate: { ...r.gate, approver: 'carol' } });
    expect(out).toContain('### ✅ `risk` approved by `carol`');
    expect(out).toContain('Approved by `carol` for this head commit.');
  });

  it('within noise (bootstrap CIs cross 0)', async () => {
    const out = renderModelReport(withinNoise());
    check(out);
    expect(out).toContain('### ✅ `churn` passes: candidate `1234567` (`tweak-seed`) vs `churn@v0.4.1`');
    expect(out.match(/⚪ within noise/g)).toHaveLength(3);
    expect(out).toContain('[-0.0042, +0.0061]');
    expect(out).toContain('paired by position');
    await expect(out).toMatchFileSnapshot('./__snapshots__/within-noise.md');
  });

  it('fail: failed run, missing required metric', async () => {
    const out = renderModelReport(failure());
    check(out);
    expect(out).toContain('### ❌ `price` fails');
    expect(out).toContain('Not releasable until the gate passes.');
    expect(out).toContain('- ❌ The training command exited with code 137');
    expect(out).toContain('| **rmse** ↓ | 1210.5000 | n/a | – | 🗑️ removed |'.replace('1210.5000', '1210.5'));
    expect(out).toContain('❔ undefined');
    expect(out).toContain('No confidence intervals');
    await expect(out).toMatchFileSnapshot('./__snapshots__/fail.md');
  });
});

describe('renderPrComment', () => {
  it('joins the sections of several models under one marker', async () => {
    const out = renderPrComment([
      firstModel(),
      { ...improvement(), links: LINKS },
      regression(),
      withinNoise(),
      failure(),
    ]);
    check(out);
    expect(
      out.startsWith(
        `${COMMENT_MARKER}\n## modelgate\n\n5 models: ✅ 3 passing, ⚠️ 1 needing approval, ❌ 1 failing.`,
      ),
    ).toBe(true);
    expect(markers(out)).toEqual([
      COMMENT_MARKER,
      '<!-- modelgate:report:risk -->',
      '<!-- modelgate:report:risk -->',
      '<!-- modelgate:report:risk -->',
      '<!-- modelgate:report:churn -->',
      '<!-- modelgate:report:price -->',
    ]);
    expect(out.split('\n\n---\n\n')).toHaveLength(5);
    await expect(out).toMatchFileSnapshot('./__snapshots__/pr-comment.md');
  });

  it('accepts rendered sections as strings', () => {
    const sections = [renderModelReport(withinNoise()), renderModelReport(failure())];
    const out = renderPrComment(sections, { title: 'Model changes' });
    expect(out).toBe(`${COMMENT_MARKER}\n## Model changes\n\n${sections.join('\n\n---\n\n')}`);
  });

  it('says so when there is no model', () => {
    expect(renderPrComment([])).toBe(`${COMMENT_MARKER}\n## modelgate\n\n_No model changed._`);
  });

  it('is deterministic', () => {
    const a = renderPrComment([regression(), improvement()]);
    const b = renderPrComment([regression(), improvement()]);
    expect(a).toBe(b);
  });
});
