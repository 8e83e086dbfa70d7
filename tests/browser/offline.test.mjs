// Soi's promise, proven in real headless Chromium: documents persist (reload, browser
// restart), tabs stay in sync, a full quota is reported and damages nothing, the corpus
// exports and imports, the app works offline, a new deployment is offered as an update, the
// page is installable, inline script cannot run, and no request ever leaves 127.0.0.1.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { DIST, serve, launch, openPage, waitIdle, stat, offsite, CHROMIUM_ARGS } from './harness.mjs';

const NEW_DOC = 'Thủ tướng Chính phủ chủ trì hội nghị trực tuyến với các địa phương.\n\nHội nghị bàn về phát triển kinh tế và đối ngoại.\n';

let server, browser;
const cleanups = [];
const recorded = []; // every request of every page in this file
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  assert.deepEqual(offsite(recorded), [], 'no request of the whole run leaves 127.0.0.1');
  assert.ok(recorded.length > 0);
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()();
});

/** Open a page in a fresh context; on cleanup assert it had no errors. */
async function open(url = server.url, options = {}) {
  const s = await openPage(browser, url, options);
  cleanups.push(async () => {
    recorded.push(...s.requests);
    await s.context.close();
    assert.deepEqual(s.problems.filter((p) => !options.allow?.test(p)), [], 'no page errors, panics or dialogs');
  });
  await waitIdle(s.page, options.docs ?? 5);
  return s;
}

/** Record requests and failures of a page that is not from openPage. */
function watch(page, problems, requests) {
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
}

async function addFile(page, name, text) {
  await page.setInputFiles('#file-input', { name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

const names = (page) => page.$$eval('#doc-list .doc-name', (els) => els.map((e) => e.textContent));

async function waitStored(page) {
  // Documents are stored right after they decode; wait until the store holds `n` records.
  await page.waitForFunction(() => new Promise((resolve) => {
    const req = indexedDB.open('soi');
    req.onsuccess = () => {
      const tx = req.result.transaction('docs', 'readonly');
      const count = tx.objectStore('docs').count();
      count.onsuccess = () => resolve(count.result === document.querySelectorAll('#doc-list li.doc').length);
    };
    req.onerror = () => resolve(false);
  }));
}

async function waitControlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test('documents and settings survive a reload; removed ones stay removed', async () => {
  const { page } = await open();
  await addFile(page, 'thu-tuong.txt', NEW_DOC);
  await waitIdle(page, 6);
  await page.selectOption('#lang', 'en');
  await page.locator('#doc-list li.doc').first().locator('.doc-remove').click();
  await waitIdle(page, 5);
  await waitStored(page);
  const before = { names: await names(page), syllables: await stat(page, 'syllables') };
  await page.reload();
  await waitIdle(page, 5);
  assert.deepEqual(await names(page), before.names);
  assert.equal(await stat(page, 'syllables'), before.syllables);
  assert.equal(await page.textContent('[data-tab="overview"]'), 'Overview', 'the language was kept');
  assert.equal(await page.locator('.badge.unsaved').count(), 0);
});

test('documents survive a browser restart with the same profile', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soi-profile-'));
  const problems = [];
  const requests = [];
  const start = async () => {
    const ctx = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, locale: 'vi-VN' });
    const page = ctx.pages()[0] || await ctx.newPage();
    watch(page, problems, requests);
    await page.goto(server.url);
    return { ctx, page };
  };
  let { ctx, page } = await start();
  await waitIdle(page, 5);
  await addFile(page, 'khoi-dong-lai.txt', NEW_DOC);
  await waitIdle(page, 6);
  await waitStored(page);
  await ctx.close();
  ({ ctx, page } = await start());
  await waitIdle(page, 6);
  assert.equal((await names(page)).at(-1), 'khoi-dong-lai.txt');
  await ctx.close();
  recorded.push(...requests);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(problems, []);
});

test('two tabs stay in sync', async () => {
  const a = await open();
  const b = await a.context.newPage();
  const problems = [];
  watch(b, problems, a.requests);
  await b.goto(server.url);
  await waitIdle(b, 5);
  await addFile(a.page, 'tab-a.txt', NEW_DOC);
  await waitIdle(a.page, 6);
  await waitIdle(b, 6);
  assert.equal((await names(b)).at(-1), 'tab-a.txt');
  await b.locator('#doc-list li.doc').first().locator('.doc-remove').click();
  await waitIdle(b, 5);
  await waitIdle(a.page, 5);
  assert.deepEqual(await names(a.page), await names(b));
  assert.equal(await stat(a.page, 'syllables'), await stat(b, 'syllables'));
  assert.deepEqual(problems, []);
});

test('a full quota is reported by file name and damages nothing stored before', async () => {
  const { page } = await open();
  await waitStored(page);
  // Chromium 156 ignores CDP's Storage.overrideQuotaForOrigin, so make the browser fail the
  // way a full disk does: the write transaction aborts with a QuotaExceededError. Only
  // records over 100 KB hit the "quota".
  const worker = page.workers().find((w) => w.url().includes('worker-boot'));
  await worker.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      const req = put.call(this, value, key);
      const size = value?.blob?.size ?? value?.text?.length ?? 0;
      if (size > 100_000) {
        const tx = this.transaction;
        Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
        tx.abort();
      }
      return req;
    };
  });
  const big = 'Hội nghị Ngoại giao lần thứ 32 bàn về công tác đối ngoại.\n'.repeat(20_000); // ~1.3 MB
  await page.setInputFiles('#file-input', [
    { name: 'qua-lon.txt', mimeType: 'text/plain', buffer: Buffer.from(big) },
    { name: 'nho.txt', mimeType: 'text/plain', buffer: Buffer.from(NEW_DOC) },
  ]);
  await page.waitForSelector('.notice.not-saved');
  await waitIdle(page, 7);
  const messages = await page.$$eval('.notice.not-saved', (els) => els.map((e) => e.textContent));
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(messages[0], /qua-lon\.txt/);
  assert.match(messages[0], /đầy/);
  const unsaved = await page.$$eval('#doc-list li.doc', (lis) => lis.filter((li) => li.querySelector('.badge.unsaved')).map((li) => li.querySelector('.doc-name').textContent));
  assert.deepEqual(unsaved, ['qua-lon.txt']);
  await page.reload();
  await waitIdle(page, 6);
  const after = await names(page);
  assert.ok(!after.includes('qua-lon.txt'), 'the file that did not fit is gone after a reload');
  assert.equal(after.at(-1), 'nho.txt', 'the file that fitted is kept');
  assert.equal(after.length, 6, 'everything stored before is intact');
});

test('the corpus exports to JSON and imports back', async () => {
  const { page } = await open();
  await addFile(page, 'xuat.txt', NEW_DOC);
  await waitIdle(page, 6);
  const before = { names: await names(page), syllables: await stat(page, 'syllables'), types: await stat(page, 'types') };
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /^soi-corpus-\d{4}-\d{2}-\d{2}\.json$/);
  const file = await download.path();
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(json.format, 'soi-corpus');
  assert.deepEqual(json.documents.map((d) => d.name), before.names);
  // Empty the corpus, then import.
  for (let n = 6; n > 0; n--) {
    await page.locator('#doc-list li.doc').first().locator('.doc-remove').click();
    await page.waitForFunction((n) => document.querySelectorAll('#doc-list li.doc').length === n - 1, n);
  }
  await page.setInputFiles('#import-input', { name: 'soi-corpus.json', mimeType: 'application/json', buffer: fs.readFileSync(file) });
  await waitIdle(page, 6);
  assert.deepEqual(await names(page), before.names);
  assert.equal(await stat(page, 'syllables'), before.syllables);
  assert.equal(await stat(page, 'types'), before.types);
});

test('after one visit the app loads and works offline', async () => {
  const { page, context } = await open();
  await waitControlled(page);
  await context.setOffline(true);
  await page.reload();
  await waitIdle(page, 5);
  assert.equal(await stat(page, 'documents'), 5);
  await addFile(page, 'ngoai-tuyen.txt', NEW_DOC);
  await waitIdle(page, 6);
  assert.equal(await stat(page, 'documents'), 6);
  await page.locator('#doc-list li.doc').last().locator('.doc-open').click();
  await page.waitForSelector('.reader-text p');
  assert.equal(await page.textContent('.reader-text p'), NEW_DOC.split('\n')[0]);
  await context.setOffline(false);
});

test('deployed under a path (a project site), the page is styled, works and works offline', async () => {
  // Issue 20.2: served under /soi/, dist/index.html linked /style.css, which is not there.
  const site = await serve(DIST, '/soi/');
  cleanups.push(() => site.close());
  const { page, context } = await open(site.url);
  // The stylesheet applies: the top bar is laid out by it (a flex row, not a block).
  assert.equal(await page.$eval('.topbar', (el) => getComputedStyle(el).display), 'flex');
  assert.equal(await stat(page, 'documents'), 5, 'the worker started and analyzed the sample');
  await waitControlled(page);
  const scope = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.scope));
  assert.equal(new URL(scope).pathname, '/soi/', 'the service worker is scoped to the site');
  assert.deepEqual(site.misses, [], 'every file the page asked for is under /soi/ and there');
  await context.setOffline(true);
  await page.reload();
  await waitIdle(page, 5);
  assert.equal(await page.$eval('.topbar', (el) => getComputedStyle(el).display), 'flex');
  assert.equal(await stat(page, 'documents'), 5);
  await context.setOffline(false);
});

test('a new deployment is offered as an update and replaces the old cache', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soi-deploy-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const site = await serve(dir);
  cleanups.push(() => site.close());
  const { page } = await open(site.url);
  await waitControlled(page);
  const oldCaches = await page.evaluate(() => caches.keys());
  assert.equal(oldCaches.length, 1);
  // Deploy: a changed build has a changed sw.js (its build hash covers every file).
  const sw = path.join(dir, 'sw.js');
  fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(/const BUILD = "([0-9a-f]+)"/, 'const BUILD = "$1-next"'));
  fs.appendFileSync(path.join(dir, 'init.js'), '\n// next deployment\n');
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.waitForSelector('.update-banner');
  assert.match(await page.textContent('.update-banner'), /phiên bản mới/);
  await Promise.all([page.waitForEvent('framenavigated'), page.click('#reload')]);
  await waitIdle(page, 5);
  const caches = await page.evaluate(() => caches.keys());
  assert.deepEqual(caches, [`${oldCaches[0]}-next`], 'only the new cache is left');
  assert.equal(await page.locator('.update-banner').count(), 0);
});

test('the page is installable and carries its manifest', async () => {
  // Installability is judged outside incognito, so this one uses a real profile.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soi-install-'));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  cleanups.push(async () => {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const problems = [];
  const requests = [];
  watch(page, problems, requests);
  await page.goto(server.url);
  await waitIdle(page, 5);
  await waitControlled(page);
  const cdp = await ctx.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  const manifest = await page.evaluate(() => fetch('./manifest.webmanifest').then((r) => r.json()));
  assert.equal(manifest.display, 'standalone');
  assert.deepEqual(manifest.icons.map((i) => i.sizes), ['192x192', '512x512', 'any']);
  recorded.push(...requests);
  assert.deepEqual(problems, []);
});

test('the Content-Security-Policy blocks inline script', async () => {
  const { page } = await open(server.url, { allow: /Content Security Policy|Refused to execute inline script/ });
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true;';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return window.__inline === true;
  });
  assert.equal(ran, false);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
});

test('a 500-file drop is analyzed and stored in full', async () => {
  const { page } = await open();
  await page.evaluate(() => {
    const dt = new DataTransfer();
    for (let i = 0; i < 500; i++) {
      dt.items.add(new File([`Văn bản số ${i}: Bộ Ngoại giao họp báo thường kỳ về quan hệ đối ngoại.\n`], `tep-${String(i).padStart(3, '0')}.txt`, { type: 'text/plain' }));
    }
    document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  });
  await waitIdle(page, 505);
  await waitStored(page);
  await page.reload();
  await waitIdle(page, 505);
  // A list this long is drawn a window at a time: the first rows now, the last at the end
  // of a scroll, every name once under a filter.
  assert.ok((await names(page)).length < 505);
  await page.locator('#doc-list').evaluate((ul) => { ul.scrollTop = ul.scrollHeight; ul.dispatchEvent(new Event('scroll')); });
  await page.waitForFunction(() => [...document.querySelectorAll('#doc-list .doc-name')].some((e) => e.textContent === 'tep-499.txt'));
  assert.equal((await names(page)).at(-1), 'tep-499.txt');
  await page.fill('#doc-filter', 'tep-');
  await page.waitForFunction(() => document.querySelector('#doc-list').dataset.shown === '500');
  assert.equal(await page.locator('.badge.unsaved').count(), 0);
});
