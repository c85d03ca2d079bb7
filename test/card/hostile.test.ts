import { describe, expect, it } from 'vitest';
import { type CardFormat, renderCard } from '../../src/card/index.js';
import type { GateResult } from '../../src/diff/types.js';
import { ZERO_WIDTH_SPACE } from '../../src/report/escape.js';
import { HOSTILE, hostileFixture, markdownTables, NOW, outsideCode, splitCard } from './helpers.js';

const hostileGate: GateResult = {
  verdict: 'fail',
  reasons: [{ level: 'fail', code: 'metric-below-min', message: `${HOSTILE.img} | ${HOSTILE.everyone}` }],
  bump: { bump: 'patch', reason: 'default' },
  approver: HOSTILE.everyone,
};

function render(format: CardFormat): string {
  const { run, model } = hostileFixture();
  return renderCard({ format, run, model, gate: hostileGate, version: '1.0.0', now: NOW });
}

describe.each(['markdown', 'huggingface'] as const)('hostile text in a %s card', (format) => {
  const card = render(format);
  const body = format === 'huggingface' ? splitCard(card).body : card;
  const live = outsideCode(body);

  it('injects no HTML', () => {
    expect(live).not.toMatch(/<\s*(script|img|\/script)/i);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('pings nobody', () => {
    expect(live).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/m);
    expect(body).toContain(`@${ZERO_WIDTH_SPACE}everyone`);
  });

  it('keeps every table row as wide as its header', () => {
    const tables = markdownTables(body);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      const width = table[0]!.length;
      for (const row of table) expect(row, JSON.stringify(row)).toHaveLength(width);
    }
  });

  it('starts no block from user text (headings, lists, fences, rules)', () => {
    const lines = body.split('\n');
    expect(lines).not.toContain('# not a heading');
    // Every heading is the template's: user text only ever follows "By" in a slice heading.
    const headings = lines.filter((l) => l.startsWith('#'));
    expect(headings.every((l) => /^#{1,4} (Model|By|[A-Z][a-z])/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('```') || l === '---' || l.startsWith('- [evil'))).toBe(false);
  });

  it('shows column names with backticks as code spans with a longer fence', () => {
    expect(body).toContain('```col`umn``x```');
  });
});

describe('hostile text in the Hugging Face front matter', () => {
  it('stays valid YAML with exactly the expected keys and values', () => {
    const { run } = hostileFixture();
    const { meta } = splitCard(render('huggingface'));
    expect(Object.keys(meta).sort()).toEqual(['library_name', 'license', 'model-index', 'tags']);
    expect(meta['license']).toBe('other');
    const index = meta['model-index'] as {
      results: { dataset: { name: string; type: string }; metrics: { type: string; value: number }[] }[];
    }[];
    const result = index[0]!.results[0]!;
    expect(result.dataset.type).toBe(run.data.eval!.path);
    expect(result.dataset.name).toBe(run.data.eval!.path.split('/').pop());
    const types = result.metrics.map((m) => m.type);
    expect(types).toContain(HOSTILE.yaml);
    expect(result.metrics.find((m) => m.type === HOSTILE.yaml)?.value).toBe(0.5);
    expect(types).toContain(`${HOSTILE.cell}${HOSTILE.img}`);
  });
});
