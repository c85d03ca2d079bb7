/**
 * The HTML report in a real browser: served over HTTP from 127.0.0.1 and opened in headless
 * Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core, through the harness in
 * `test/helpers/browser.ts`). Checks that the page loads with no console error, page error or
 * failed/blocked request, that the verdict, the charts and the metric table render, and that
 * hostile names stay text. Fails (never skips) without Chromium.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html.js';
import { binaryReportInput } from '../fixtures/report-html/build-fixture.js';
import {
  type BrowserHarness,
  CHROMIUM,
  expectNoProblems,
  HOSTILE,
  MISSING_CHROMIUM,
  openPage,
  startBrowser,
} from '../helpers/browser.js';

// Browser globals used inside `page.evaluate` callbacks (module-scoped: the project compiles without the DOM lib).
declare const document: { body: unknown; querySelectorAll(selector: string): { length: number } };
declare function getComputedStyle(element: unknown): { backgroundColor: string; color: string };
declare const DOMParser: new () => {
  parseFromString(text: string, type: string): { getElementsByTagName(name: string): { length: number } };
};

let harness: BrowserHarness;

it('finds Chromium (the browser tests fail, never skip, without it)', () => {
  expect(existsSync(CHROMIUM), MISSING_CHROMIUM).toBe(true);
});

describe('the HTML report in headless Chromium', () => {
  beforeAll(async () => {
    harness = await startBrowser({
      '/report.html': renderHtmlReport(binaryReportInput({ rows: 2000, seed: 11 })),
      '/hostile.html': renderHtmlReport(binaryReportInput({ rows: 300, hostile: HOSTILE, verdict: 'fail' })),
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('renders the verdict, the metric table and the charts, with no error and no extra request', async () => {
    harness.served.length = 0;
    const { page, problems } = await openPage(harness, '/report.html');
    await expect.poll(() => page.locator('#verdict-text').textContent()).toBe('Needs approval');
    expect(await page.locator('#verdict-text').isVisible()).toBe(true);
    expect(await page.title()).toBe('modelgate report: risk');

    const metricRows = await page
      .locator('#metric-table tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-metric')));
    expect(metricRows).toEqual([
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
    expect(await page.locator('#metric-table thead th').allTextContents()).toEqual([
      'metric',
      'baseline',
      'candidate',
      'delta',
      '95% CI',
      'status',
    ]);

    const charts = page.locator('figure.chart > svg');
    expect(await charts.count()).toBe(5);
    const names = await charts.evaluateAll((svgs) =>
      svgs.map((s) => s.getAttribute('aria-label')?.split(':')[0]),
    );
    expect(names).toEqual([
      'Metric comparison',
      'ROC curve',
      'Precision-recall curve',
      'Calibration',
      'Learning curves',
    ]);
    for (let i = 0; i < 5; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box, `chart ${names[i]}`).not.toBeNull();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(200);
      // The curves themselves have ink, not only the frame.
      const series = await charts.nth(i).locator('[data-series]').first().boundingBox();
      expect(series!.width * series!.height, `series of ${names[i]}`).toBeGreaterThan(100);
    }
    // Every chart is well-formed XML on its own (usable outside the page).
    const xmlErrors = await charts.evaluateAll((svgs) =>
      svgs.map(
        (s) =>
          new DOMParser().parseFromString(s.outerHTML, 'image/svg+xml').getElementsByTagName('parsererror')
            .length,
      ),
    );
    expect(xmlErrors).toEqual([0, 0, 0, 0, 0]);

    expect(await page.locator('section > h2').allTextContents()).toEqual([
      'Metrics',
      'Curves',
      'Learning curves',
      'Slices',
      'Fairness gaps',
      'What changed',
      'Model card',
    ]);
    expect(await page.locator('#model-card').isVisible()).toBe(true);
    expect(await page.locator('#fairness-table tbody tr').count()).toBe(2);
    expect(await page.locator('table.slices tbody tr').count()).toBe(9);

    const shot = join(tmpdir(), 'modelgate-html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(20_000);

    expectNoProblems(problems);
    expect(harness.served).toEqual(['/report.html']);
    await page.context().close();
  });

  it('uses the dark colour scheme when the system prefers it', async () => {
    const { page, problems } = await openPage(harness, '/report.html', 'dark');
    const [bg, fg] = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return [s.backgroundColor, s.color];
    });
    expect(bg).toBe('rgb(13, 17, 23)');
    expect(fg).toBe('rgb(230, 237, 243)');
    const candidate = await page
      .locator('.mg-chart .mg-c1')
      .first()
      .evaluate((e) => getComputedStyle(e).color);
    expect(candidate).toBe('rgb(255, 154, 82)');
    await page.screenshot({ path: join(tmpdir(), 'modelgate-html-report-dark.png') });
    expectNoProblems(problems);
    await page.context().close();
  });

  it('shows hostile names as text: no injected element runs or renders', async () => {
    const { page, problems } = await openPage(harness, '/hostile.html');
    expect(
      await page.evaluate(() => document.querySelectorAll('img, script, iframe, object, embed').length),
    ).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('[onload], [onerror]').length)).toBe(0);
    // Only the report's own charts are SVGs (none came from a name).
    expect(await page.evaluate(() => document.querySelectorAll('svg:not(.mg-chart)').length)).toBe(0);
    expect(await page.locator('#verdict-text').textContent()).toBe('Fail');
    expect(await page.title()).toBe(`Report ${HOSTILE}`);
    expect(await page.locator('h1').textContent()).toBe(`Report ${HOSTILE}`);
    expect(await page.locator('#metric-table tbody tr').last().getAttribute('data-metric')).toBe(
      `custom${HOSTILE}`,
    );
    expect(await page.getByText(`approved by octocat${HOSTILE}`).isVisible()).toBe(true);
    await page.waitForTimeout(200);
    expectNoProblems(problems);
    await page.context().close();
  });
});
