import { describe, expect, it } from 'vitest';
import type { Examples, GateResult, MetricDelta, RunDiff } from '../../src/diff/types.js';
import { REPORT_CSP, renderHtmlReport } from '../../src/report/html.js';
import { binaryExamples, binaryReportInput } from '../fixtures/report-html/build-fixture.js';

const HOSTILE = `<img src=x onerror=alert(1)></script>"><svg onload=alert(2)>'&`;

/** Elements the report may contain (HTML and inline SVG). */
const ALLOWED = new Set([
  'html',
  'head',
  'meta',
  'title',
  'link',
  'style',
  'body',
  'main',
  'header',
  'footer',
  'section',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'div',
  'span',
  'strong',
  'em',
  'code',
  'pre',
  'ul',
  'ol',
  'li',
  'table',
  'caption',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'br',
  'hr',
  'blockquote',
  'figure',
  'figcaption',
  'svg',
  'desc',
  'g',
  'text',
  'line',
  'path',
  'rect',
  'circle',
]);

/** Every tag, with quoted attribute values blanked out. */
function tags(html: string): string[] {
  return [...html.matchAll(/<\/?[a-zA-Z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
}

function expectSafeMarkup(html: string): void {
  for (const tag of tags(html)) {
    const name = (/^<\/?([a-zA-Z][\w-]*)/.exec(tag)?.[1] ?? '').toLowerCase();
    expect(ALLOWED.has(name), `unexpected element ${tag}`).toBe(true);
    expect(tag, 'event handler attribute').not.toMatch(/\son[a-z]+\s*=/i);
  }
  // The only URL-bearing attribute is the empty data: favicon (which keeps browsers from asking for one).
  const urls = [...html.matchAll(/\s(?:href|src|xlink:href|action|srcset)="([^"]*)"/gi)].map((m) => m[1]);
  expect(urls).toEqual(['data:,']);
}

function metricRows(html: string): string[] {
  const table = /<table id="metric-table"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return [...table.matchAll(/data-metric="([^"]*)"/g)].map((m) => m[1] as string);
}

describe('renderHtmlReport (binary, realistic)', () => {
  const input = binaryReportInput({ rows: 2000 });
  const html = renderHtmlReport(input);

  it('is one self-contained document with a strict CSP and no scripts', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replaceAll("'", '&#39;')}">`,
    );
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script/i);
    expectSafeMarkup(html);
  });

  it('shows the verdict, its reasons, the bump and the runs', () => {
    expect(html).toContain('<header class="verdict verdict-needs-approval" id="verdict">');
    expect(html).toContain('id="verdict-text">Needs approval</span>');
    expect(html).toContain('equal_opportunity_difference on gender is 0.132, over its limit 0.1');
    expect(html).toContain('<code class="muted">fairness-gap</code>');
    expect(html).toContain('Release bump: <strong>minor</strong> (label model:minor)');
    expect(html).toContain('risk-20261120T101500Z-1a2b');
    expect(html).toContain('>bbbdc11e541a<');
    expect(html).toContain('candidate against baseline v1.4.0');
  });

  it('has the metric table with every overall metric, deltas, CIs and statuses', () => {
    expect(metricRows(html)).toEqual([
      'accuracy',
      'precision',
      'recall',
      'f1',
      'roc_auc',
      'average_precision',
      'log_loss',
      'brier',
      'ece',
    ]);
    const roc = input.diff.metrics.find((m) => m.name === 'roc_auc' && m.slice === null)!;
    expect(html).toContain(`>${roc.candidate!.toFixed(4)}</td>`);
    expect(html).toContain('<th scope="col">95% CI</th>');
    expect(html).toMatch(/\[\+0\.\d{4}, \+0\.\d{4}\]/);
    expect(html).toContain('<span class="badge status-improved">improved</span>');
  });

  it('draws the metric comparison, ROC, PR, calibration and learning curves', () => {
    for (const title of [
      'Metric comparison',
      'ROC curve',
      'Precision-recall curve',
      'Calibration',
      'Learning curves',
    ]) {
      expect(html).toContain(`<title>${title}</title>`);
    }
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).toMatch(/baseline v1\.4\.0 \(AUC 0\.\d{4}\)/);
    expect(html).toContain('candidate val_loss');
  });

  it('has the slices, fairness, params, data, environment and model card sections', () => {
    for (const id of ['metrics', 'curves', 'training', 'slices', 'fairness', 'changes', 'model-card']) {
      expect(html).toContain(`<section id="${id}"`);
    }
    expect(html).toContain('<caption>Slice column: gender</caption>');
    expect(html).toContain('<span class="badge status-regressed">over limit</span>');
    expect(html).toContain('<code>trainer.hidden</code>');
    expect(html).toContain('<code>[64,32]</code>');
    expect(html).toContain('added: tenure (number); region: string \u2192 string?');
    expect(html).toContain('{&quot;name&quot;:&quot;NVIDIA H100&quot;,&quot;memoryMiB&quot;:81559}');
    expect(html).toContain('<h3>Model card: risk</h3>');
    expect(html).toContain('&lt;b&gt;raw html&lt;/b&gt;');
  });

  it('is deterministic and small', () => {
    expect(renderHtmlReport(input)).toBe(html);
    const big = renderHtmlReport(binaryReportInput({ rows: 5000 }));
    expect(Buffer.byteLength(big)).toBeLessThan(1_000_000);
    expect(Buffer.byteLength(big)).toBeLessThan(200_000);
  });
});

describe('renderHtmlReport with hostile names', () => {
  const input = binaryReportInput({ rows: 300, hostile: HOSTILE, verdict: 'fail' });
  const html = renderHtmlReport(input);

  it('renders every hostile string as text', () => {
    expectSafeMarkup(html);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html).not.toContain('<svg onload');
    expect(html).toContain(
      '<title>Report &lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&quot;&gt;&lt;svg onload=alert(2)&gt;&#39;&amp;</title>',
    );
    expect(html).toContain('id="verdict-text">Fail</span>');
    // the model, a metric, a slice, a param path, an approver, the card: all present as escaped text
    const escaped = '&lt;img src=x onerror=alert(1)&gt;';
    expect(html.split(escaped).length).toBeGreaterThan(20);
  });
});

describe('renderHtmlReport edge cases', () => {
  function metric(name: string, baseline: number | null, candidate: number | null): MetricDelta {
    return {
      name,
      slice: null,
      direction: name === 'mae' || name === 'rmse' || name === 'mse' || name === 'mape' ? 'lower' : 'higher',
      baseline,
      candidate,
      delta: baseline === null || candidate === null ? null : candidate - baseline,
      relative: null,
      ci: null,
      status: baseline === null ? 'new' : 'improved',
    };
  }
  const gate: GateResult = { verdict: 'pass', reasons: [], bump: { bump: 'patch', reason: 'default' } };
  const candidate = {
    id: 'house-1',
    model: 'house',
    git_sha: null,
    branch: null,
    created_at: '2026-01-01T00:00:00Z',
  };

  it('handles the first version (no baseline) without examples or history', () => {
    const diff: RunDiff = {
      model: 'house',
      task: 'regression',
      baseline: null,
      candidate,
      metrics: [metric('mae', null, 12.5), metric('r2', null, 0.81)],
      fairness: [],
      params: [],
      data: [],
      environment: [],
      bootstrap: null,
    };
    const html = renderHtmlReport({ diff, gate });
    expect(html).toContain('id="verdict-text">Pass</span>');
    expect(html).toContain('first version: there is no baseline to compare with');
    expect(html).toContain('No gate rule was triggered.');
    expect(html).toContain('<span class="badge status-new">new</span>');
    expect(html).not.toContain('<section id="curves"');
    expect(html).not.toContain('<section id="training"');
    expect(html).not.toContain('<section id="model-card"');
    expect(html).not.toContain('>baseline</text>');
    expect(html).toContain('No parameter changed.');
    // r2 in [0, 1] goes to the shared chart, mae (12.5) gets a chart of its own
    expect(html.match(/<svg /g)).toHaveLength(2);
    expectSafeMarkup(html);
  });

  it('draws predicted-vs-actual and residuals for regression examples', () => {
    const n = 3000;
    const yTrue = Float64Array.from({ length: n }, (_, i) => 100 + (i % 97));
    const make = (noise: number): Examples => ({
      task: 'regression',
      ids: null,
      yTrue,
      yPred: Float64Array.from(yTrue, (v, i) => v + noise * Math.sin(i)),
      threshold: 0.5,
      slices: {},
    });
    const diff: RunDiff = {
      model: 'house',
      task: 'regression',
      baseline: { ...candidate, id: 'house-0', version: '0.1.0' },
      candidate,
      metrics: [metric('mae', 6, 4), metric('r2', 0.7, 0.8)],
      fairness: [],
      params: [],
      data: [],
      environment: [],
      bootstrap: null,
    };
    const html = renderHtmlReport({ diff, gate, examples: { baseline: make(8), candidate: make(5) } });
    expect(html).toContain(
      '<section id="curves" aria-labelledby="curves-title"><h2 id="curves-title">Predictions</h2>',
    );
    expect(html).toContain('<title>Predicted vs actual</title>');
    expect(html).toContain('<title>Residuals</title>');
    const scatter = /<title>Predicted vs actual<\/title>[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(scatter.match(/<circle cx/g)).toHaveLength(1000);
  });

  it('draws one-vs-rest ROC curves for multiclass examples', () => {
    const n = 600;
    const classes = ['cat', 'dog', 'emu'];
    const yTrue = Float64Array.from({ length: n }, (_, i) => i % 3);
    const proba = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const noise = ((i * 7919) % 100) / 100;
      for (let c = 0; c < 3; c++)
        proba[i * 3 + c] = c === yTrue[i] ? 0.4 + 0.3 * noise : (0.6 - 0.3 * noise) / 2;
    }
    const examples: Examples = {
      task: 'multiclass',
      ids: null,
      yTrue,
      proba,
      classes,
      threshold: 0.5,
      slices: {},
    };
    const diff: RunDiff = {
      model: 'animals',
      task: 'multiclass',
      baseline: null,
      candidate,
      metrics: [metric('accuracy', null, 0.9)],
      fairness: [],
      params: [],
      data: [],
      environment: [],
      bootstrap: null,
    };
    const html = renderHtmlReport({ diff, gate, examples: { candidate: examples } });
    expect(html).toContain('<title>One-vs-rest ROC curves, candidate</title>');
    expect(html).toMatch(/>emu \(AUC [\d.]+\)<\/text>/);
    expect(html).toMatch(/>cat \(AUC [\d.]+\)<\/text>/);
  });

  it('turns bad per-example data into a note instead of failing', () => {
    const { candidate: examples } = binaryExamples(50, 1);
    examples.score![3] = 1.5;
    const input = binaryReportInput({ rows: 50 });
    const html = renderHtmlReport({ ...input, examples: { candidate: examples } });
    expect(html).toMatch(
      /<p class="note">The ROC, precision-recall and calibration curves could not be drawn: [^<]*score/,
    );
    expect(html).toContain('<section id="metrics"');
  });

  it('names the approver and shows every verdict', () => {
    const input = binaryReportInput({ rows: 50 });
    const approved = renderHtmlReport({ ...input, gate: { ...input.gate, approver: 'octocat' } });
    expect(approved).toContain('approved by <strong>octocat</strong>');
    const failed = renderHtmlReport(binaryReportInput({ rows: 50, verdict: 'fail' }));
    expect(failed).toContain('<header class="verdict verdict-fail" id="verdict">');
    expect(failed).toContain('<span class="badge level-fail">fail</span>');
  });
});
