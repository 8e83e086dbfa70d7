// The pool of analysis workers, used as a person would: many files dropped at once are
// analyzed in parallel and end in the corpus one worker makes (`?pool=0`); a cancel mid-way
// keeps what was added, in order, and stored; a pool worker that dies has its document sent
// again once, then refused by name, and nothing else is lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, DIST, serve, launch, openPage, waitIdle, stat, offsite } from './harness.mjs';

const SAMPLE = fs.readdirSync(path.join(ROOT, 'www', 'corpus'))
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => fs.readFileSync(path.join(ROOT, 'www', 'corpus', f), 'utf8'));

/** Sample article `i % 5`, made distinct (every line marked with `i`), `times` over. */
function variant(i, times = 1) {
  const parts = [];
  for (let k = 0; k < times; k++) {
    parts.push(SAMPLE[i % 5].split('\n').map((l) => (l.trim() ? `${l} (bản ${i}.${k})` : l)).join('\n'));
  }
  return parts.join('\n\n');
}

const txt = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

/** Files as a newsroom drops them: ten articles, a whole copy of one, one that copies a
 * paragraph of another, and an image. */
function newsroom() {
  const files = [];
  for (let i = 0; i < 10; i++) files.push(txt(`bai-${String(i).padStart(2, '0')}.txt`, variant(i)));
  files.splice(3, 0, txt('ban-sao.txt', variant(0)));
  const para = variant(3).split('\n').filter((l) => l.trim().length > 80)[2];
  files.splice(6, 0, txt('trich.txt', `Một đoạn mới về Hà Nội ngày 2/9/2024.\n\n${para}\n`));
  files.splice(8, 0, { name: 'anh.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) });
  return files;
}

/** Everything the views show of the corpus: documents in order, the overview's figures,
 * refusals, the keyword list, the entity table, a concordance. */
async function snapshot(page) {
  await page.click('[data-tab="overview"]');
  const docs = await page.$$eval('#doc-list .doc-name', (ns) => ns.map((n) => n.textContent));
  const stats = await page.$$eval('[data-stat]', (ss) => ss.map((s) => `${s.dataset.stat}=${s.querySelector('.stat-value')?.textContent}`));
  const refused = await page.$$eval('.notice.refused', (ns) => ns.map((n) => n.textContent).sort());
  await page.click('[data-tab="keywords"]');
  await page.waitForSelector('#kw-table tbody tr');
  const keywords = await page.$$eval('#kw-table tbody tr', (rs) => rs.slice(0, 40).map((r) => r.textContent));
  await page.click('[data-tab="entities"]');
  await page.waitForSelector('#ent-table tbody tr');
  const entities = await page.$$eval('#ent-table tbody tr', (rs) => rs.map((r) => r.textContent));
  await page.click('[data-tab="concordance"]');
  await page.fill('#kwic-query', 'ngoại giao');
  await page.click('#kwic-search');
  await page.waitForSelector('#kwic-total[data-query="ngoại giao"]');
  const hits = await page.getAttribute('#kwic-total', 'data-total');
  const lines = await page.$$eval('#kwic-table tbody tr', (rs) => rs.map((r) => r.textContent));
  await page.click('[data-tab="overview"]');
  return { docs, stats, refused, keywords, entities, hits, lines };
}

/** How many documents each pool slot analyzed, as the corpus worker counts them (one entry
 * per pool worker that became ready).
 */
async function poolWork(page) {
  const corpus = page.workers().find((w) => w.url().includes('worker-boot.js'));
  return Array.from(await corpus.evaluate(() => wasm_bindgen.pool_work()));
}

let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query, srv = server) {
  const session = await openPage(browser, srv.url + query);
  await waitIdle(session.page, 5);
  return session;
}

function clean(session, expected = []) {
  const left = session.problems.filter((p) => !expected.some((re) => re.test(p)));
  assert.deepEqual(left, [], 'no page errors, panics or dialogs');
  assert.deepEqual(offsite(session.requests), [], 'no request leaves 127.0.0.1');
}

test('documents analyzed by a pool of workers end in the corpus one worker makes, and are stored', async () => {
  const files = newsroom();
  const one = await open('?pool=0');
  assert.equal((await poolWork(one.page)).length, 0, '?pool=0 starts no pool worker');
  await one.page.setInputFiles('#file-input', files);
  await waitIdle(one.page, 5 + files.length - 1);
  const alone = await snapshot(one.page);
  // Regression: once the service worker served the page, the worker it started came from
  // the cache without its query and ran a pool after all.
  await one.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await one.page.reload();
  await waitIdle(one.page, 5 + files.length - 1);
  assert.deepEqual(await poolWork(one.page), [], '?pool=0 from the cache too');
  clean(one);
  await one.context.close();

  const pooled = await open('?pool=3');
  await pooled.page.setInputFiles('#file-input', files);
  await waitIdle(pooled.page, 5 + files.length - 1);
  const work = await poolWork(pooled.page);
  assert.equal(work.length, 3, 'three pool workers');
  assert.ok(work.reduce((a, b) => a + b, 0) >= files.length - 1, `the pool analyzed the drop: ${work}`);
  assert.ok(work.filter((n) => n > 0).length >= 2, `in parallel: ${work}`);
  const got = await snapshot(pooled.page);
  assert.deepEqual(got, alone);
  assert.equal(got.docs.length, 5 + files.length - 1);
  assert.equal(got.refused.length, 1, 'the image, by name');
  assert.match(got.refused[0], /anh\.png/);
  // The whole copy counts no words; the corpus was stored as it was made.
  await pooled.page.reload();
  await waitIdle(pooled.page, 5 + files.length - 1);
  const restored = await snapshot(pooled.page);
  assert.deepEqual({ ...restored, refused: [] }, { ...alone, refused: [] }, 'the same corpus after a reload');
  clean(pooled);
  await pooled.context.close();
});

test('cancelling a drop the pool works on keeps the documents added so far, in order, and stored', async () => {
  const session = await open('?pool=2');
  const { page } = session;
  const files = [];
  for (let i = 0; i < 40; i++) files.push(txt(`lon-${String(i).padStart(2, '0')}.txt`, variant(i, 12)));
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => Number(document.querySelector('#doc-list')?.dataset.total) >= 8, null, { timeout: 60000 });
  await page.click('.job .cancel');
  await page.waitForSelector('.notice.cancelled');
  await waitIdle(page);
  const names = await page.$$eval('#doc-list .doc-name', (ns) => ns.map((n) => n.textContent));
  const added = names.slice(5);
  assert.ok(added.length >= 3 && added.length < files.length, `cancelled mid-way: ${added.length} added`);
  assert.deepEqual(added, files.slice(0, added.length).map((f) => f.name), 'a prefix of the drop, in order');
  assert.equal(await stat(page, 'documents'), names.length);
  // The pool takes the next drop.
  await page.setInputFiles('#file-input', [txt('sau.txt', variant(41))]);
  await waitIdle(page, names.length + 1);
  const after = await page.$$eval('#doc-list .doc-name', (ns) => ns.map((n) => n.textContent));
  assert.deepEqual(after, [...names, 'sau.txt']);
  await page.reload();
  await waitIdle(page, after.length);
  assert.deepEqual(await page.$$eval('#doc-list .doc-name', (ns) => ns.map((n) => n.textContent)), after, 'stored as shown');
  clean(session);
  await session.context.close();
});

test('a pool worker that dies: its document is sent again once, then refused by name; nothing else is lost', async () => {
  // A pool worker that dies (an uncaught error) when it is given a document named crash-*:
  // crash-once only the first time (the test server counts), crash-always every time.
  const tickets = new Map();
  const boot = fs.readFileSync(path.join(DIST, 'pool-boot.js'), 'utf8').replace(
    "wasm_bindgen({ module_or_path: './worker_bg.wasm' })",
    `wasm_bindgen({ module_or_path: './worker_bg.wasm' }).then(() => {
      const serve = self.onmessage;
      self.onmessage = (e) => {
        const d = e.data;
        if (d && d.t === 'prepare' && /^crash/.test(d.name)) {
          const x = new XMLHttpRequest();
          x.open('GET', './crash-ticket?name=' + encodeURIComponent(d.name), false);
          x.send();
          if (x.responseText === 'die') throw new Error('test: the pool worker dies on ' + d.name);
        }
        serve(e);
      };
    })`,
  );
  assert.notEqual(boot, fs.readFileSync(path.join(DIST, 'pool-boot.js'), 'utf8'), 'the boot script was patched');
  const crashing = await serve(DIST, '/', {
    '/pool-boot.js': (_url, res) => res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(boot),
    '/crash-ticket': (url, res) => {
      const name = url.searchParams.get('name');
      const n = (tickets.get(name) || 0) + 1;
      tickets.set(name, n);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(name === 'crash-always.txt' || n === 1 ? 'die' : 'live');
    },
  });
  try {
    const files = [];
    for (let i = 0; i < 8; i++) files.push(txt(`bai-${i}.txt`, variant(i, 3)));
    files.splice(2, 0, txt('crash-once.txt', variant(20, 3)));
    files.splice(5, 0, txt('crash-always.txt', variant(21, 3)));
    const session = await open('?pool=2', crashing);
    await session.page.setInputFiles('#file-input', files);
    await waitIdle(session.page, 5 + files.length - 1);
    const got = await snapshot(session.page);
    // Sent twice: refused. (crash-once may be sent a third time if it was waiting in the
    // worker that died on crash-always.)
    assert.equal(tickets.get('crash-always.txt'), 2, 'crash-always sent twice');
    assert.ok(tickets.get('crash-once.txt') >= 2, 'crash-once sent again');
    assert.equal(got.refused.length, 1);
    assert.match(got.refused[0], /crash-always\.txt/);
    assert.match(got.refused[0], /lỗi của Soi/);
    clean(session, [/pool worker \d failed/, /the pool worker dies/]);
    await session.context.close();

    // The rest is the corpus one worker makes of the same files without the refused one.
    const one = await open('?pool=0');
    await one.page.setInputFiles('#file-input', files.filter((f) => f.name !== 'crash-always.txt'));
    await waitIdle(one.page, 5 + files.length - 1);
    const alone = await snapshot(one.page);
    assert.deepEqual({ ...got, refused: [] }, alone);
    clean(one);
    await one.context.close();
  } finally {
    await crashing.close();
  }
});
