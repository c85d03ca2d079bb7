/**
 * Shared harness of the browser tests (`test/report/html-browser.test.ts`,
 * `test/drift/report-html-browser.test.ts`): serves fixed HTML pages over HTTP from 127.0.0.1,
 * launches headless Chromium (Debian's `/usr/bin/chromium`, driven by playwright-core) and opens
 * pages in fresh contexts while recording every problem a page has (console errors and warnings,
 * page errors, failed or blocked requests, error responses, requests to other origins, dialogs).
 * The tests fail, never skip, without Chromium.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Where the browser tests expect Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The error of a browser test run on a machine without Chromium. */
export const MISSING_CHROMIUM = `The browser tests need Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium (CI installs it)`;

/** A name that would inject markup (an image with an error handler, a script end, an SVG with onload) if not escaped. */
export const HOSTILE = `<img src=x onerror=alert(1)></script>"><svg onload=alert(2)>`;

/** Chromium's flags: headless, no sandbox or GPU, no background traffic of its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running page server and browser (see {@link startBrowser}). */
export interface BrowserHarness {
  /** The headless Chromium. */
  browser: Browser;
  /** `http://127.0.0.1:<port>` of the page server. */
  origin: string;
  /** Every request path the server received, in order (clear it with `served.length = 0`). */
  served: string[];
  /** Closes the browser and the server. */
  close(): Promise<void>;
}

/**
 * Serves `pages` (request path, e.g. `/report.html`, to the HTML) from 127.0.0.1 on a free port
 * (any other path is a 404) and launches headless Chromium. Throws {@link MISSING_CHROMIUM} when
 * there is no Chromium.
 */
export async function startBrowser(pages: Readonly<Record<string, string>>): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING_CHROMIUM);
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    served.push(path);
    const body = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (body === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (e) {
    await closeServer();
    throw e;
  }
  return {
    browser,
    origin,
    served,
    async close() {
      await browser.close();
      await closeServer();
    },
  };
}

/** What went wrong on a page opened with {@link openPage}; every list empty on a clean page. */
export interface PageProblems {
  /** Console errors and warnings, as `<type>: <text>`. */
  console: string[];
  /** Uncaught page errors. */
  pageErrors: string[];
  /** Failed or blocked requests, as `<url>: <error>`. */
  failed: string[];
  /** Responses with a status of 400 or more, as `<status> <url>`. */
  badResponses: string[];
  /** Requests to anything but the page server (data: URLs aside). */
  foreign: string[];
  /** Dialogs opened (alert, confirm, prompt), each dismissed. */
  dialogs: string[];
}

/**
 * Opens `path` of the harness's server in a fresh 1280×900 browser context with the given colour
 * scheme, records the page's problems from before the navigation, and expects a 200 response.
 * Close the page's context (`page.context().close()`) when done.
 */
export async function openPage(
  harness: BrowserHarness,
  path: string,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; problems: PageProblems }> {
  const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
  const page = await context.newPage();
  const problems: PageProblems = {
    console: [],
    pageErrors: [],
    failed: [],
    badResponses: [],
    foreign: [],
    dialogs: [],
  };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${harness.origin}/`) && !r.url().startsWith('data:')) {
      problems.foreign.push(r.url());
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.badResponses.push(`${r.status()} ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  const response = await page.goto(`${harness.origin}${path}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** Expects every list of `problems` to be empty, each with its own message. */
export function expectNoProblems(problems: PageProblems): void {
  expect(problems.console, 'console errors').toEqual([]);
  expect(problems.pageErrors, 'page errors').toEqual([]);
  expect(problems.failed, 'failed or blocked requests').toEqual([]);
  expect(problems.badResponses, 'error responses').toEqual([]);
  expect(problems.foreign, 'requests to other origins').toEqual([]);
  expect(problems.dialogs, 'dialogs').toEqual([]);
}
