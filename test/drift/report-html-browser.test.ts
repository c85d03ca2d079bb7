/**
 * The drift HTML page in a real browser: served over HTTP from 127.0.0.1 and opened in headless
 * Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core, launched as in
 * `test/report/html-browser.test.ts`). Checks that the page loads with no console error, page
 * error, dialog or request beyond the page itself, that the verdict, the column table and one
 * histogram per column render with ink, and that hostile column names stay text. Fails (never
 * skips) without Chromium.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/demo/rng.js';
import { detectDrift } from '../../src/drift/detect.js';
import { createProfiler } from '../../src/drift/profile-builder.js';
import { renderDriftHtml } from '../../src/drift/report-html.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = `<img src=x onerror=alert(1)></script>"><svg onload=alert(2)>`;

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

let browser: Browser;
let server: Server;
let origin: string;
const pages: Record<string, string> = {};

describe('the drift HTML page in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`The browser tests need Chromium at ${CHROMIUM}`);
    pages['/drift.html'] = page(false);
    pages['/hostile.html'] = page(true);
    server = createServer((req, res) => {
      const body = pages[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
      if (body === undefined) res.writeHead(404).end('not found');
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  for (const path of ['/drift.html', '/hostile.html']) {
    it(`renders ${path} with no error, no script and no extra request`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const tab = await context.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      tab.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      tab.on('request', (r) => {
        if (r.url() !== `${origin}${path}`) problems.push(`request: ${r.url()}`);
      });
      const response = await tab.goto(`${origin}${path}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
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
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
