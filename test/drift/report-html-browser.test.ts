/**
 * The drift HTML page in a real browser: served over HTTP from 127.0.0.1 and opened in headless
 * Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core, through the harness in
 * `test/helpers/browser.ts` shared with `test/report/html-browser.test.ts`). Checks that the page
 * loads with no console error, page error, dialog or request beyond the page itself, that the
 * verdict, the column table and one histogram per column render with ink, and that hostile column
 * names stay text. Fails (never skips) without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/demo/rng.js';
import { detectDrift } from '../../src/drift/detect.js';
import { createProfiler } from '../../src/drift/profile-builder.js';
import { renderDriftHtml } from '../../src/drift/report-html.js';
import {
  type BrowserHarness,
  expectNoProblems,
  HOSTILE,
  openPage,
  startBrowser,
} from '../helpers/browser.js';

function page(hostile: boolean): string {
  const rng = new Rng(7);
  const name = hostile ? HOSTILE : 'region';
  const side = (shift: number) => {
    const p = createProfiler();
    for (let i = 0; i < 5000; i++) {
      p.add({
        age: rng.normal(40 + 10 * shift, 10),
        income: Math.exp(rng.normal(10 + shift, 1)),
        [name]: rng.choice(
          ['north', 'south', hostile ? HOSTILE : 'east'],
          [0.5 - 0.3 * shift, 0.3, 0.2 + 0.3 * shift],
        ),
      });
    }
    return p.finish({ source: hostile ? HOSTILE : 'data.csv' });
  };
  return renderDriftHtml(
    detectDrift({
      reference: side(0),
      current: side(0.5),
      model: hostile ? HOSTILE : 'risk',
      release: 'v1.2.0',
      now: new Date('2025-02-01T00:00:00Z'),
    }),
  );
}

let harness: BrowserHarness;

describe('the drift HTML page in headless Chromium', () => {
  beforeAll(async () => {
    harness = await startBrowser({ '/drift.html': page(false), '/hostile.html': page(true) });
  });

  afterAll(async () => {
    await harness?.close();
  });

  for (const path of ['/drift.html', '/hostile.html']) {
    it(`renders ${path} with no error, no script and no extra request`, async () => {
      harness.served.length = 0;
      const { page: tab, problems } = await openPage(harness, path);
      expect(await tab.locator('#verdict-text').textContent()).toBe('Dataset drift');
      expect(await tab.locator('#features tbody tr').count()).toBe(3);
      const charts = tab.locator('#distributions figure.chart > svg');
      expect(await charts.count()).toBe(3);
      for (let i = 0; i < 3; i++) {
        const box = await charts.nth(i).boundingBox();
        expect(box!.width).toBeGreaterThan(300);
        const ink = await charts.nth(i).locator('[data-series="current"]').boundingBox();
        expect(ink!.width * ink!.height).toBeGreaterThan(1000);
      }
      expect(await tab.locator('script, img, iframe, object').count()).toBe(0);
      if (path === '/hostile.html') {
        expect(await tab.locator('#features tbody').textContent()).toContain(HOSTILE);
        expect(await tab.title()).toContain(HOSTILE);
      }
      expectNoProblems(problems);
      expect(harness.served).toEqual([path]);
      await tab.context().close();
    });
  }
});
