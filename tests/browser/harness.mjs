// Shared set-up for Soi's browser tests: serve dist/ on 127.0.0.1, drive Debian's Chromium
// with Playwright, and record everything that must never happen (page errors, Rust panics,
// requests that leave the machine).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.SOI_DIST || path.join(ROOT, 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serve `dir` on 127.0.0.1 at a free port, under `prefix` (a project site such as "/soi/" is
 * served the way GitHub or GitLab Pages serve one: nothing outside the prefix exists).
 * Resolves to { url, close, misses } — `misses` lists the paths asked for and not found.
 * `routes` answers some paths itself: { '/path': (url, res) => … } (a test's stand-in files).
 */
export function serve(dir = DIST, prefix = '/', routes = {}) {
  const misses = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (routes[url.pathname]) {
      routes[url.pathname](url, res);
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      misses.push(url.pathname);
      res.writeHead(404).end('not found');
      return;
    }
    const rel = '/' + url.pathname.slice(prefix.length);
    let file = path.normalize(path.join(dir, decodeURIComponent(rel)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (rel.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        misses.push(url.pathname);
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-cache',
      });
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        misses,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

/** Flags Debian's Chromium needs as root on a closed network (see shared/TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/**
 * A fresh context and page whose failures are recorded: `problems` collects page errors,
 * console errors (a Rust panic logs one) and dialogs (an injected alert would open one);
 * `requests` every URL the page or its workers asked for.
 */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ locale: options.locale || 'vi-VN', ...options.context });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  page.on('worker', (w) => w.on('console', (m) => {
    if (m.type() === 'error') problems.push(`worker console.error: ${m.text()}`);
  }));
  await page.goto(url);
  return { context, page, problems, requests };
}

/** Wait until the sample corpus (or whatever is loading) is analyzed and no job runs. */
export async function waitIdle(page, docs) {
  if (docs !== undefined) {
    // The corpus's documents (a long list draws only a window of them).
    await page.waitForFunction((n) => Number(document.querySelector('#doc-list')?.dataset.total) === n, docs, { timeout: 60000 });
  }
  await page.waitForFunction(() => document.querySelectorAll('.job').length === 0, null, { timeout: 120000 });
}

/** The overview's number for `stat` ("documents", "syllables", …), parsed from the page. */
export async function stat(page, name) {
  const text = await page.textContent(`[data-stat="${name}"] .stat-value`);
  return Number(text.replace(/[.,\s]/g, ''));
}

/** Drop `files` ([{ name, text | bytes(array of numbers), type }]) on the page like a person would. */
export async function dropFiles(page, files, target = 'body') {
  await page.evaluate(({ files, target }) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const body = f.bytes ? new Uint8Array(f.bytes) : f.text;
      dt.items.add(new File([body], f.name, { type: f.type || 'text/plain' }));
    }
    const el = document.querySelector(target);
    el.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    el.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    el.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, { files, target });
}

/** The requests in `urls` that left this machine. */
export const offsite = (urls) => urls.filter((u) => !/^(http:\/\/127\.0\.0\.1:|blob:|data:)/.test(u));

/**
 * The set-up every page test file shares: a server and a browser for the file, and after
 * each test the checks that nothing went wrong (no page error, panic or dialog) and nothing
 * left 127.0.0.1. `suite.open(options)` opens a fresh page and waits for the sample corpus.
 */
export function pageSuite() {
  const suite = { server: null, browser: null, session: null };
  before(async () => {
    suite.server = await serve();
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  afterEach(async () => {
    if (!suite.session) return;
    const { context, problems, requests } = suite.session;
    suite.session = null;
    await context.close();
    assert.deepEqual(problems, [], 'no page errors, panics or dialogs');
    assert.deepEqual(offsite(requests), [], 'no request leaves 127.0.0.1');
  });
  suite.open = async (options = {}) => {
    suite.session = await openPage(suite.browser, suite.server.url, options);
    await waitIdle(suite.session.page, options.docs ?? 5);
    return suite.session.page;
  };
  return suite;
}
