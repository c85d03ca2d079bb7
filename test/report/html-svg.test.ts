import { describe, expect, it } from 'vitest';
import { barChart } from '../../src/report/svg-bar-chart.js';
import { calibrationChart } from '../../src/report/svg-calibration-chart.js';
import { clip, coord, escapeXml } from '../../src/report/svg-escape.js';
import { histogramChart } from '../../src/report/svg-histogram-chart.js';
import { lineChart } from '../../src/report/svg-line-chart.js';
import { colorAttrs, colorIndex, darkPaletteCss, SERIES_COLORS } from '../../src/report/svg-palette.js';
import { formatTick, linearScale, linearTicks, niceDomain, niceStep } from '../../src/report/svg-scale.js';
import { scatterChart } from '../../src/report/svg-scatter-chart.js';

const HOSTILE = `<img src=x onerror=alert(1)></script>"><svg onload=alert(2)>'&`;

/** Every tag of a markup string, with quoted attribute values blanked out. */
function tags(markup: string): string[] {
  return [...markup.matchAll(/<\/?[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
}

/** Asserts the markup holds only the given elements and no event-handler attribute. */
function expectOnly(markup: string, allowed: string[]): void {
  for (const tag of tags(markup)) {
    const name = /^<\/?([a-zA-Z][\w-]*)/.exec(tag)?.[1] ?? '';
    expect(allowed, `element in ${tag}`).toContain(name.toLowerCase());
    expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag).not.toMatch(/\s(href|src|xlink:href)\s*=/i);
  }
}

const SVG_ELEMENTS = ['svg', 'title', 'desc', 'g', 'text', 'line', 'path', 'rect', 'circle'];

describe('escapeXml and helpers', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('replaces characters XML forbids, keeps tabs, newlines and valid surrogate pairs', () => {
    expect(escapeXml('a\u0000b\u0007c\u001fd\ufffe')).toBe('a\ufffdb\ufffdc\ufffdd\ufffd');
    expect(escapeXml('t\tn\nr\r')).toBe('t\tn\nr\r');
    expect(escapeXml('\ud83d\ude00 ok')).toBe('\ud83d\ude00 ok');
    expect(escapeXml('lone \ud83d and \ude00')).toBe('lone \ufffd and \ufffd');
  });

  it('escapes the string form of non-strings', () => {
    expect(escapeXml(42)).toBe('42');
    expect(escapeXml(null)).toBe('null');
    expect(escapeXml({ toString: () => '<b>' })).toBe('&lt;b&gt;');
  });

  it('rounds coordinates and clips long text', () => {
    expect(coord(1.23456)).toBe('1.23');
    expect(coord(-0.001)).toBe('0');
    expect(coord(10)).toBe('10');
    expect(clip('abcdef', 4)).toBe('abc\u2026');
    expect(clip('abc', 4)).toBe('abc');
  });
});

describe('scales and ticks', () => {
  it('maps a domain linearly onto a range (inverted for y)', () => {
    const s = linearScale([0, 10], [100, 0]);
    expect(s(0)).toBe(100);
    expect(s(5)).toBe(50);
    expect(s(10)).toBe(0);
    expect(linearScale([3, 3], [0, 10])(3)).toBe(5);
  });

  it('picks nice steps, domains and ticks', () => {
    expect(niceStep(0.23)).toBe(0.2);
    expect(niceStep(4)).toBe(5);
    expect(niceStep(0)).toBe(1);
    expect(niceDomain(0.13, 0.87)).toEqual([0.1, 0.9]);
    expect(niceDomain(5, 5)).toEqual([4.4, 5.6]);
    expect(niceDomain(0, 0.7)).toEqual([0, 0.7]);
    expect(niceDomain(Number.NaN, 1)).toEqual([0, 1]);
    expect(linearTicks([0, 1], 5).map((t) => t.label)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(linearTicks([0, 1], 5).map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks([0, 7], 6, true).map((t) => t.label)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
    expect(linearTicks([0, 3], 6, true).every((t) => Number.isInteger(t.value))).toBe(true);
    expect(formatTick(2_500_000, 500_000)).toBe('2.5e6');
    expect(formatTick(-0.25, 0.05)).toBe('-0.25');
  });
});

describe('palette', () => {
  it('wraps indexes and gives each series a class and a colour', () => {
    expect(colorIndex(SERIES_COLORS.length + 1)).toBe(1);
    expect(colorIndex(-1)).toBe(SERIES_COLORS.length - 1);
    expect(colorAttrs(0)).toBe(`class="mg-c0" color="${SERIES_COLORS[0]}"`);
    expect(darkPaletteCss()).toContain('.mg-chart .mg-c1{color:');
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    title: 'ROC curve',
    description: 'TPR against FPR',
    xLabel: 'False positive rate',
    yLabel: 'True positive rate',
    xDomain: [0, 1],
    yDomain: [0, 1],
    series: [
      { label: 'baseline', x: [0, 0.2, 1], y: [0, 0.7, 1] },
      { label: 'candidate', x: [0, 0.1, Number.NaN, 1], y: [0, 0.8, 0.9, 1], dashed: true, color: 1 },
    ],
    reference: { label: 'chance', from: [0, 0], to: [1, 1] },
  });

  it('is one accessible SVG with a title, a description, axes labels and a legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="ROC curve: TPR against FPR"');
    expect(svg).toContain('<title>ROC curve</title>');
    expect(svg).toContain('<desc>TPR against FPR</desc>');
    for (const text of [
      'False positive rate',
      'True positive rate',
      'baseline',
      'candidate',
      'chance',
      '0.6',
    ]) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expectOnly(svg, SVG_ELEMENTS);
  });

  it('draws each series as a path in data coordinates, broken at non-finite points', () => {
    const paths = [...svg.matchAll(/<g class="mg-c(\d)"[^>]*><path d="([^"]+)"/g)];
    expect(paths.map((p) => p[1])).toEqual(['0', '1']);
    expect(paths[0]![2]!.match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    expect(paths[1]![2]!.match(/[ML]/g)).toEqual(['M', 'L', 'M']);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('class="mg-reference"');
  });

  it('computes nice domains from the data and whole-number epochs', () => {
    const s = lineChart({
      title: 'Learning curves',
      xLabel: 'Epoch',
      integerX: true,
      series: [{ label: 'loss', x: [1, 2, 3], y: [0.9, 0.5, 0.45] }],
    });
    const xTicks = [...s.matchAll(/text-anchor="middle" fill="currentColor">([^<]+)<\/text>/g)].map(
      (m) => m[1],
    );
    expect(xTicks.filter((t) => t !== 'Epoch').every((t) => /^\d+$/.test(t!))).toBe(true);
  });

  it('escapes every label', () => {
    const s = lineChart({
      title: HOSTILE,
      description: HOSTILE,
      xLabel: HOSTILE,
      yLabel: HOSTILE,
      series: [{ label: HOSTILE, x: [0, 1], y: [0, 1], markers: true, pointTitles: [HOSTILE, HOSTILE] }],
      reference: { label: HOSTILE, from: [0, 0], to: [1, 1] },
    });
    expect(s).not.toContain('<img');
    expect(s).not.toContain('<svg onload');
    expect(s).not.toContain('</script>');
    expect(s).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expectOnly(s, SVG_ELEMENTS);
  });
});

describe('barChart', () => {
  it('draws a bar per series and category, with values, n/a for nulls, and grows with categories', () => {
    const svg = barChart({
      title: 'Metric comparison',
      categories: ['accuracy', 'roc_auc', 'ece'],
      series: [
        { label: 'baseline', values: [0.8, 0.85, null] },
        { label: 'candidate', values: [0.82, 0.9, 0.05] },
      ],
      domain: [0, 1],
      format: (v) => v.toFixed(2),
    });
    expect(svg.match(/<rect /g)).toHaveLength(2 + 5);
    expect(svg).toContain('>0.90</text>');
    expect(svg).toContain('>n/a<title>');
    expect(svg).toContain('>roc_auc</text>');
    expectOnly(svg, SVG_ELEMENTS);
    const small = barChart({ title: 't', categories: ['a'], series: [{ label: 's', values: [1] }] });
    const height = (s: string) => Number(/height="(\d+)"/.exec(s)?.[1]);
    expect(height(svg)).toBeGreaterThan(height(small));
  });

  it('handles negative values with a zero line, and escapes names', () => {
    const svg = barChart({
      title: HOSTILE,
      categories: [HOSTILE],
      series: [{ label: HOSTILE, values: [-0.3] }],
    });
    expect(svg).toContain('&lt;img');
    expect(svg).not.toContain('<img');
    expectOnly(svg, SVG_ELEMENTS);
    expect(svg).toContain('>-0.3</text>');
  });
});

describe('scatter, histogram and calibration charts', () => {
  it('draws a point per finite pair and the identity line', () => {
    const svg = scatterChart({
      title: 'Predicted vs actual',
      series: [{ label: 'candidate', x: [1, 2, 3, Number.NaN], y: [1.1, 1.9, 3.2, 4] }],
      identity: 'predicted = actual',
      sameScale: true,
    });
    expect(svg.match(/<circle /g)).toHaveLength(4); // 3 points + the legend dot
    expect(svg).toContain('class="mg-reference"');
    expectOnly(svg, SVG_ELEMENTS);
  });

  it('overlays histograms on shared edges', () => {
    const svg = histogramChart({
      title: 'Residuals',
      edges: [-1, 0, 1, 2],
      series: [
        { label: 'baseline', counts: [1, 0, 3] },
        { label: 'candidate', counts: [2, 2, 0] },
      ],
    });
    expect(svg.match(/<rect x/g)).toHaveLength(2 + 2); // the non-empty bins
    expect(svg.match(/<rect class="mg-c/g)).toHaveLength(2); // the legend boxes
    expect(svg).toContain('>Residuals</text>');
    expectOnly(svg, SVG_ELEMENTS);
  });

  it('draws calibration bins with tooltips over the diagonal', () => {
    const svg = calibrationChart({
      series: [
        {
          label: 'candidate',
          bins: [
            { meanPredicted: 0.1, observed: 0.05, count: 40 },
            { meanPredicted: 0.6, observed: 0.7, count: 12 },
          ],
        },
      ],
    });
    expect(svg).toContain('<title>Calibration</title>');
    expect(svg).toContain('<title>candidate: predicted 0.600, observed 0.700, 12 rows</title>');
    expect(svg).toContain('>perfectly calibrated</text>');
    expectOnly(svg, SVG_ELEMENTS);
  });
});
