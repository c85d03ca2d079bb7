/**
 * The drift report renderers (JSON, markdown issue body, HTML page) on hand-built reports: stable
 * JSON key order, markdown snapshots for no drift / drift, escaping of hostile names, the size
 * limit, and the HTML page's structure.
 */
import { describe, expect, it } from 'vitest';
import { driftMarker } from '../../src/drift/issue-lifecycle.js';
import { renderDriftHtml } from '../../src/drift/report-html.js';
import { driftReportJson, renderDriftJson } from '../../src/drift/report-json.js';
import { driftReportMarker, renderDriftMarkdown } from '../../src/drift/report-markdown.js';
import type { DriftReport, FeatureDrift } from '../../src/drift/types.js';
import { REPORT_CSP } from '../../src/report/html.js';

function feature(over: Partial<FeatureDrift> & Pick<FeatureDrift, 'name'>): FeatureDrift {
  return {
    type: 'numeric',
    method: 'wasserstein',
    statistic: 0.02,
    pValue: null,
    threshold: 0.1,
    drifted: false,
    severity: 0.2,
    referenceCount: 50_000,
    currentCount: 40_000,
    referenceMissing: 0,
    currentMissing: 0.01,
    reason:
      'numeric, a sample > 1000 (50000 and 40000 values), judged by effect size: wasserstein normed by the reference std (value >= 0.1)',
    bins: {
      labels: ['≤ -1.28', '-1.28 – 0', '0 – 1.28', '> 1.28'],
      reference: [0.1, 0.4, 0.4, 0.1],
      current: [0.08, 0.38, 0.42, 0.12],
    },
    ...over,
  };
}

function report(drift: boolean, extra: Partial<DriftReport> = {}): DriftReport {
  const features: FeatureDrift[] = drift
    ? [
        feature({ name: 'income', statistic: 0.31, drifted: true, severity: 3.1 }),
        feature({
          name: 'region',
          type: 'categorical',
          method: 'jensenshannon',
          statistic: 0.14,
          drifted: true,
          severity: 1.4,
          reason: 'categorical (4 categories), a sample > 1000: jensenshannon (distance >= 0.1)',
          bins: {
            labels: ['north', 'south', 'east', 'other'],
            reference: [0.25, 0.25, 0.25, 0.25],
            current: [0.4, 0.2, 0.2, 0.2],
          },
        }),
        feature({ name: 'age', statistic: 0.03, severity: 0.3 }),
      ]
    : [
        feature({ name: 'age', statistic: 0.03, severity: 0.3 }),
        feature({ name: 'income', statistic: 0.01, severity: 0.1 }),
        feature({
          name: 'tenure',
          method: 'ks',
          statistic: 0.05,
          pValue: 0.62,
          threshold: 0.05,
          severity: 0.16,
          referenceCount: 800,
          currentCount: 700,
          reason: 'numeric, both samples <= 1000 (800 and 700 values): ks (p < 0.05)',
        }),
      ];
  const drifted = features.filter((f) => f.drifted).length;
  return {
    format: 'modelgate-drift',
    version: 1,
    model: 'risk',
    release: 'v1.2.0',
    reference: { rows: 50_000, source: 'release risk@v1.2.0 profile' },
    current: {
      rows: 40_000,
      source: 'predictions.jsonl',
      window: { from: '2025-01-01T00:00:00Z', to: '2025-01-31T23:59:59Z' },
    },
    dataset: {
      drifted: drifted / features.length >= 0.5,
      share: drifted / features.length,
      threshold: 0.5,
      method: 'auto',
      correction: 'none',
      columns: features.length,
      driftedColumns: drifted,
    },
    features,
    model_drift: {
      prediction: feature({
        name: 'score',
        statistic: drift ? 0.2 : 0.01,
        drifted: drift,
        severity: drift ? 2 : 0.1,
      }),
      performance: drift
        ? [
            { metric: 'roc_auc', reference: 0.81, current: 0.76, delta: -0.05, degraded: true },
            { metric: 'log_loss', reference: 0.4, current: 0.41, delta: 0.01, degraded: false },
          ]
        : undefined,
    },
    skipped: drift
      ? [
          { name: 'customer_id', reason: 'only in the reference' },
          { name: 'promo', reason: 'all values missing in the current data' },
        ]
      : [],
    generated_at: '2025-02-01T06:00:00.000Z',
    ...extra,
  };
}

describe('JSON', () => {
  it('is the report with a stable key order', () => {
    const r = report(true);
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as unknown as DriftReport;
    expect(renderDriftJson(shuffled)).toBe(renderDriftJson(r));
    const json = driftReportJson(r);
    expect(Object.keys(json)).toEqual([
      'format',
      'version',
      'model',
      'release',
      'generated_at',
      'reference',
      'current',
      'dataset',
      'features',
      'model_drift',
      'skipped',
    ]);
    expect(Object.keys(json.dataset as object)).toEqual([
      'drifted',
      'share',
      'threshold',
      'method',
      'correction',
      'columns',
      'driftedColumns',
    ]);
    const first = (json.features as Record<string, unknown>[])[0]!;
    expect(Object.keys(first).slice(0, 8)).toEqual([
      'name',
      'type',
      'method',
      'statistic',
      'pValue',
      'threshold',
      'drifted',
      'severity',
    ]);
    expect(JSON.parse(renderDriftJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });
  it('writes non-finite numbers as null', () => {
    const r = report(false);
    r.features[0]!.statistic = Number.POSITIVE_INFINITY;
    expect((driftReportJson(r).features as { statistic: unknown }[])[0]!.statistic).toBeNull();
  });
});

describe('markdown', () => {
  it('no drift (snapshot)', async () => {
    await expect(renderDriftMarkdown(report(false))).toMatchFileSnapshot('__snapshots__/drift-none.md');
  });
  it('drift (snapshot)', async () => {
    await expect(renderDriftMarkdown(report(true))).toMatchFileSnapshot('__snapshots__/drift-detected.md');
  });
  it('starts with the sticky marker, then the summary', () => {
    const md = renderDriftMarkdown(report(true));
    expect(md.startsWith('<!-- modelgate:drift:risk@1.2.0 -->\n')).toBe(true);
    expect(md).toContain('**Dataset drift: yes.** 2 of 3 columns drifted (66.7%');
    expect(md).toContain('```mermaid\nxychart-beta');
    expect(md.indexOf('| income |')).toBeLessThan(md.indexOf('| region |'));
  });
  it('builds the marker from sanitised names', () => {
    const marker = '<!-- modelgate:drift:risk@1.2.0 -->';
    expect(driftReportMarker({ model: 'risk', release: 'risk@v1.2.0' })).toBe(marker);
    expect(driftReportMarker({ model: 'risk', release: 'v1.2.0' })).toBe(marker);
    expect(driftReportMarker({ model: 'risk', release: '1.2.0' })).toBe(marker);
    expect(driftMarker('risk', '1.2.0')).toBe(marker);
    expect(driftReportMarker({ model: 'Risk Model -->', release: 'v2 <b>' })).toBe(
      '<!-- modelgate:drift:risk-model----@2--b- -->',
    );
    expect(driftReportMarker({ model: 'risk' })).toBe('<!-- modelgate:drift:risk@unversioned -->');
    expect(driftReportMarker({ release: 'v1' })).toBe('<!-- modelgate:drift:unnamed@1 -->');
  });
  it('shows corrected p-values next to the raw ones', () => {
    const r = report(false, {});
    r.dataset.correction = 'fdr';
    r.features[2]!.adjustedPValue = 0.93;
    const md = renderDriftMarkdown(r);
    expect(md).toContain('0.6200 (adj. 0.9300)');
    expect(md).toContain('fdr correction');
  });
});

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  'a|b|c',
  '@team/owners',
  '<!-- modelgate:drift:risk@v1.2.0 -->',
  '</script><script>alert(2)</script>',
  '[link](https://evil.example)',
  '#123',
];

function hostileReport(): DriftReport {
  const r = report(true);
  r.model = '@org/risk <b>';
  r.release = 'v1 <!-- x -->';
  r.reference.source = '<img src=x onerror=alert(3)>';
  r.current.window = { from: '@someone', to: '| x |' };
  r.features = HOSTILE.map((name, i) =>
    feature({
      name,
      drifted: i % 2 === 0,
      severity: 10 - i,
      bins: { labels: [name, `${name}2`], reference: [0.5, 0.5], current: [0.4, 0.6] },
    }),
  );
  r.skipped = HOSTILE.map((name) => ({ name, reason: `${name} only in the reference` }));
  r.model_drift = { prediction: feature({ name: HOSTILE[0]! }) };
  return r;
}

describe('escaping hostile names', () => {
  it('markdown: no raw HTML, no pipes breaking tables, no mentions, one marker', () => {
    const md = renderDriftMarkdown(hostileReport());
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script');
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/(^|[^\u200B])@team/);
    expect(md).not.toMatch(/@someone/);
    expect(md.match(/<!-- modelgate:/g)).toHaveLength(1);
    expect(md.startsWith(driftMarker('@org/risk <b>', '1 <!-- x -->'))).toBe(true);
    // Every row of the column table has exactly the table's 7 cells.
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('wasserstein'));
    expect(rows.length).toBeGreaterThanOrEqual(HOSTILE.length);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length - 2).toBe(7);
    // Mermaid labels keep only safe characters.
    const axis = md.split('\n').find((l) => l.startsWith('  x-axis ['))!;
    expect(axis.slice('  x-axis ['.length, -1)).not.toMatch(/[<>|@[\]]/);
  });
  it('HTML: every name is text', () => {
    const html = renderDriftHtml(hostileReport());
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<!-- modelgate');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('markdown size limit', () => {
  it('stays under the limit with thousands of long column names, keeping the most severe rows', () => {
    const r = report(true);
    r.features = Array.from({ length: 3000 }, (_, i) =>
      feature({
        name: `column_${String(i).padStart(4, '0')}_${'x'.repeat(150)}`,
        drifted: i < 40,
        severity: 3000 - i,
      }),
    );
    r.skipped = Array.from({ length: 500 }, (_, i) => ({
      name: `gone_${i}`,
      reason: 'only in the reference',
    }));
    const md = renderDriftMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).toContain('column_0000');
    expect(md).toMatch(/_… \d+ more columns not shown \(0 of them drifted\)/);
    expect(md).toContain('### Skipped columns (500)');
    const small = renderDriftMarkdown(r, { maxLength: 5000 });
    expect(small.length).toBeLessThanOrEqual(5000);
    expect(small.startsWith('<!-- modelgate:drift:risk@1.2.0 -->')).toBe(true);
  });
  it('rejects a maxLength under 1000', () => {
    expect(() => renderDriftMarkdown(report(false), { maxLength: 10 })).toThrow(RangeError);
  });
});

describe('HTML', () => {
  it('is self-contained: CSP, no scripts, one svg per column sorted by severity', () => {
    const r = report(true);
    const html = renderDriftHtml(r);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replaceAll("'", '&#39;')}">`,
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const distributions = html.slice(
      html.indexOf('id="distributions"'),
      html.indexOf('</section>', html.indexOf('id="distributions"')),
    );
    expect(distributions.match(/<svg /g)).toHaveLength(r.features.length);
    const order = r.features.map((f) => distributions.indexOf(`<title>${f.name}</title>`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The prediction gets its chart too.
    expect(html.match(/<svg /g)).toHaveLength(r.features.length + 1);
    expect(html).toContain('Dataset drift');
    expect(html).toContain('id="performance"');
  });
  it('says so when nothing was compared', () => {
    const r = report(false, { features: [], model_drift: undefined });
    const html = renderDriftHtml(r);
    expect(html).toContain('No column was compared.');
    expect(html).not.toContain('<svg');
  });
});
