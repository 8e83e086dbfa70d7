// In-browser benchmark: the worker analyzes the sample corpus repeated to 50 MB, dropped as
// one file, in headless Chromium (decode, normalize, hygiene, sentences, tokens, word
// segmentation, counts), then the 8 MB of real news when ../shared is there. Prints MB/s as the worker measures it (read + decode +
// analyze) and as the page sees it (drop to result on screen).
// Run: node tests/browser/bench.mjs (after trunk build; SOI_BENCH=records for only the CSV
// figure). Figures go in BENCHMARKS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serve, launch, openPage, waitIdle } from './harness.mjs';

const MB = 1 << 20;
// SOI_BENCH=records runs only the CSV figure;
// SOI_BENCH=files only the 99 news files (analysis time, worker memory, the views).
if (process.env.SOI_BENCH === 'records') {
  const vntc = path.join(ROOT, '..', 'shared', 'data', 'vntc', 'dev.sample.txt');
  await recordsBench(fs.existsSync(vntc) ? vntc : null);
  process.exit(0);
}
if (process.env.SOI_BENCH === 'files') {
  const vntc = path.join(ROOT, '..', 'shared', 'data', 'vntc', 'dev.sample.txt');
  if (!fs.existsSync(vntc)) throw new Error(`SOI_BENCH=files needs ${vntc}`);
  await exploreBench(vntc);
  process.exit(0);
}
const server = await serve();
const browser = await launch();
try {
  const { page, problems } = await openPage(browser, server.url);
  await waitIdle(page, 5);
  // What the browser stores for a first visit: the sample corpus in IndexedDB, the app
  // shell in the service worker's cache.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => new Promise((resolve) => {
    const req = indexedDB.open('soi');
    req.onsuccess = () => {
      const c = req.result.transaction('docs', 'readonly').objectStore('docs').count();
      c.onsuccess = () => resolve(c.result === 5);
    };
  }));
  const est = await page.evaluate(() => navigator.storage.estimate());
  const records = await page.evaluate(() => new Promise((resolve) => {
    indexedDB.open('soi').onsuccess = (e) => {
      const all = e.target.result.transaction('docs', 'readonly').objectStore('docs').getAll();
      all.onsuccess = () => resolve(all.result.reduce((n, d) => n + new TextEncoder().encode(d.text || '').length + d.name.length + d.key.length, 0));
    };
  }));
  const worker = page.workers().find((w) => w.url().includes('worker-boot'));
  const loadMs = await worker.evaluate(() => wasm_bindgen.segmenter_load_ms());
  console.log(`word segmentation model + lexicon: loaded in ${loadMs.toFixed(1)} ms in the worker`);
  console.log(`stored sample corpus: ${records} B of record content; IndexedDB on disk ${est.usageDetails.indexedDB} B; app-shell cache ${est.usageDetails.caches} B`);
  const pageMs = await page.evaluate(async (target) => {
    const names = ['000_1b4edb2404a232dc', '001_dd71080901982e6d', '002_3f8f23d05b7f99f5', '003_4ed73204bbf8ad32', '004_70bcad869be01b1b'];
    const one = (await Promise.all(names.map((n) => fetch(`./corpus/${n}.txt`).then((r) => r.text())))).join('\n') + '\n';
    const bytes = new TextEncoder().encode(one).length;
    const file = new File([one.repeat(Math.ceil(target / bytes))], 'bench-50mb.txt', { type: 'text/plain' });
    const done = () => document.querySelector('.notice.done[data-bytes]:not(.seen)');
    document.querySelectorAll('.notice.done').forEach((n) => n.classList.add('seen'));
    const dt = new DataTransfer();
    dt.items.add(file);
    const t0 = performance.now();
    document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    while (!done()) await new Promise((r) => setTimeout(r, 20));
    return performance.now() - t0;
  }, 50 * MB);
  const report = async (label, pageMs) => {
    const notice = page.locator('.notice.done[data-bytes]').first();
    const bytes = Number(await notice.getAttribute('data-bytes'));
    const [workerMs, prepareMs] = (await notice.getAttribute('data-ms')).split(' ').map(Number);
    const line = (what, ms) => console.log(`${`${label}: ${what}`.padEnd(52)} ${(bytes / MB).toFixed(1).padStart(8)} MB  ${ms.toFixed(1).padStart(9)} ms  ${(bytes / MB / (ms / 1000)).toFixed(1).padStart(8)} MB/s`);
    line('worker decode + normalize', prepareMs);
    line('worker whole pipeline', workerMs);
    if (pageMs) line('drop to result on screen', pageMs);
  };
  await report('chromium, sample ×50 MB', pageMs);
  // Real news, when the shared data is beside the project.
  const vntc = path.join(ROOT, '..', 'shared', 'data', 'vntc', 'dev.sample.txt');
  if (fs.existsSync(vntc)) {
    await page.evaluate(() => document.querySelectorAll('.notice.done').forEach((n) => n.classList.add('seen')));
    await page.setInputFiles('#file-input', { name: 'vntc.txt', mimeType: 'text/plain', buffer: fs.readFileSync(vntc) });
    await page.waitForSelector('.notice.done[data-bytes]:not(.seen)', { timeout: 120000 });
    await report('chromium, vntc 8 MB real news');
  } else {
    console.log(`(skipped vntc: ${vntc} not found)`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  if (fs.existsSync(vntc)) await exploreBench(vntc);
  await recordsBench(fs.existsSync(vntc) ? vntc : null);
} finally {
  await browser.close();
  await server.close();
}

/**
 * A fresh tab analyzes 50 MB of distinct real news in 99 files; then the workers' memory,
 * the longest main-thread task, and how long the Keywords view, concordance queries and the
 * Entities view take. Run with the pool as the machine has cores, with one worker
 * (`?pool=0`), and, when SOI_BASE_DIST names another build's dist, with that build, all in
 * this one run (absolute times drift on a shared machine: the ratios are the figures); then
 * the native CLI on one core over the same files when SOI_BIN names a `soi`.
 */
async function exploreBench(vntc) {
  const text = fs.readFileSync(vntc, 'utf8');
  const files = [];
  let total = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soi-bench-'));
  const MiB = 50 * MB * Number(process.env.SOI_BENCH_SCALE || 1);
  for (let i = 0; total < MiB; i++) {
    // Each copy distinct, so duplicate detection keeps it all.
    const part = text.split('\n').slice((i % 16) * 2000, (i % 16) * 2000 + 2000).map((l) => (l ? `${l} (${i})` : l)).join('\n');
    const buffer = Buffer.from(part);
    total += buffer.length;
    const file = path.join(dir, `news-${String(i).padStart(3, '0')}.txt`);
    fs.writeFileSync(file, buffer);
    files.push(file);
  }
  const runs = [];
  if (process.env.SOI_BASE_DIST) runs.push({ label: 'base build', dist: process.env.SOI_BASE_DIST, query: '' });
  runs.push({ label: 'one worker (?pool=0)', query: '?pool=0' }, { label: 'pool', query: `?pool=${Math.min(os.cpus().length, 8)}` });
  const rounds = Number(process.env.SOI_BENCH_ROUNDS || 1);
  const results = {};
  try {
    for (let r = 0; r < rounds; r++) {
      for (const run of runs) {
        const got = await exploreOnce(run, files, total, r === 0);
        (results[run.label] ||= []).push(got.seconds);
      }
    }
    if (process.env.SOI_BIN) {
      for (let r = 0; r < rounds; r++) {
        const t0 = Date.now();
        const { execFileSync } = await import('node:child_process');
        execFileSync(process.env.SOI_BIN, ['stats', '-j', '1', '--top', '1', ...files], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
        (results['native soi stats -j 1'] ||= []).push((Date.now() - t0) / 1000);
      }
    }
    const pool = Math.min(...results.pool);
    for (const [label, secs] of Object.entries(results)) {
      const best = Math.min(...secs);
      console.log(`${`chromium, ${files.length} files: ${label}`.padEnd(50)} ${secs.map((x) => x.toFixed(1)).join(' / ').padStart(18)} s  pool ${(best / pool).toFixed(2)}× faster`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One drop of `files` on a fresh tab of `run`'s build and query; prints its figures. */
async function exploreOnce(run, files, total, views) {
  const server = await serve(run.dist);
  const browser = await launch();
  const tag = `chromium, ${run.label}`;
  try {
    const { context, page, problems } = await openPage(browser, server.url + run.query);
    // Documents on the page, and no job running (builds before the windowed list did not
    // give the total: they drew every document).
    const settled = (n) => page.waitForFunction((n) => {
      const list = document.querySelector('#doc-list');
      const docs = Number(list?.dataset.total ?? list?.querySelectorAll('li.doc').length);
      return docs === n && document.querySelectorAll('.job').length === 0;
    }, n, { timeout: 1200000, polling: 100 });
    await settled(5);
    // The longest task on the page's main thread from the drop on.
    await page.evaluate(() => {
      window.soiLongest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.soiLongest = Math.max(window.soiLongest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.setInputFiles('#file-input', files);
    await settled(5 + files.length);
    const seconds = (Date.now() - t0) / 1000;
    const longest = await page.evaluate(() => window.soiLongest);
    const corpus = page.workers().find((w) => w.url().includes('worker-boot'));
    const mem = await corpus.evaluate(() => wasm_bindgen.wasm_memory_bytes());
    const work = await corpus.evaluate(() => (wasm_bindgen.pool_work ? Array.from(wasm_bindgen.pool_work()) : []));
    const pooled = page.workers().filter((w) => w.url().includes('pool-boot'));
    const poolMem = (await Promise.all(pooled.map((w) => w.evaluate(() => wasm_bindgen.wasm_memory_bytes())))).reduce((a, b) => a + b, 0);
    console.log(`${tag}: ${files.length} news files, ${(total / MB).toFixed(1)} MB distinct text: analyzed in ${seconds.toFixed(1)} s (drop to screen, ${(total / MB / seconds).toFixed(1)} MB/s); corpus worker wasm memory ${(mem / MB).toFixed(0)} MB (${(mem / total).toFixed(2)} bytes a byte of text)${pooled.length ? `, pool workers ${(poolMem / MB).toFixed(0)} MB in all` : ''}; documents per pool worker [${work}]; longest main-thread task ${longest.toFixed(0)} ms`);
    if (views) {
      let k0 = Date.now();
      await page.click('[data-tab="keywords"]');
      await page.waitForSelector('#kw-table tbody tr', { timeout: 60000 });
      console.log(`${tag}, 50 MB: Keywords view (word list, cloud, bars) on screen in ${Date.now() - k0} ms`);
      await page.click('[data-tab="concordance"]');
      await page.waitForSelector('#kwic-total', { timeout: 60000 });
      for (const [q, accents] of [['việt nam', false], ['thị trường', false], ['ngoại *', false], ['doi ngoai', true]]) {
        if ((await page.isChecked('#kwic-accents')) !== accents) {
          await page.click('#kwic-accents');
          await page.waitForSelector(`#kwic-total[data-accents="${accents}"]`, { timeout: 60000 });
        }
        await page.fill('#kwic-query', q);
        k0 = Date.now();
        await page.click('#kwic-search');
        await page.waitForSelector(`#kwic-total[data-query="${q}"]`, { timeout: 60000 });
        const [hits, ms] = await page.$eval('#kwic-total', (e) => [e.dataset.total, e.dataset.ms]);
        console.log(`${tag}, 50 MB: concordance '${q}'${accents ? ' ignoring accents' : ''}: ${hits} hits, ${ms} ms in the worker, ${Date.now() - k0} ms to screen`);
      }
      // The Entities view: table, network and timeline; then one entity's mentions.
      let e0 = Date.now();
      await page.click('[data-tab="entities"]');
      await page.waitForSelector('#ent-table tbody tr', { timeout: 60000 });
      let ems = await page.getAttribute('#ent-total', 'data-ms');
      console.log(`${tag}, 50 MB: Entities view (table, network, timeline): ${ems} ms in the worker, ${Date.now() - e0} ms to screen`);
      e0 = Date.now();
      await page.click('#ent-table tbody tr:first-child .ent-name');
      await page.waitForSelector('#ent-selected #ent-mentions tbody tr', { timeout: 60000 });
      ems = await page.getAttribute('#ent-total', 'data-ms');
      const named = await page.getAttribute('#ent-selected', 'data-mentions');
      console.log(`${tag}, 50 MB: the most named entity (${named} mentions) in context: ${ems} ms in the worker, ${Date.now() - e0} ms to screen`);
    }
    if (problems.length) throw new Error(problems.join('\n'));
    await context.close();
    return { seconds };
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * A news export as people have it: a 50 MB CSV of 20,000 articles (date, source, title,
 * text) dropped on a fresh tab, its columns confirmed in the dialog; the time from drop to
 * the last document on screen, then a monthly trend. The articles are the vntc paragraphs
 * when ../shared is there (never written into the repository), else the sample corpus's,
 * each marked with its row so none is a duplicate.
 */
async function recordsBench(vntc) {
  const server = await serve();
  const browser = await launch();
  try {
    const { page, problems } = await openPage(browser, server.url);
    await waitIdle(page, 5);
    const source = vntc
      ? fs.readFileSync(vntc, 'utf8')
      : fs.readdirSync(path.join(ROOT, 'www', 'corpus')).filter((f) => f.endsWith('.txt')).map((f) => fs.readFileSync(path.join(ROOT, 'www', 'corpus', f), 'utf8')).join('\n');
    const paras = source.split('\n').filter((l) => l.trim().length > 40);
    const rows = 20000;
    const per = Math.ceil((50 * MB) / rows / (paras.reduce((n, p) => n + Buffer.byteLength(p), 0) / paras.length));
    const lines = ['date,source,title,text'];
    let k = 0;
    for (let r = 0; r < rows; r++) {
      const body = [];
      for (let j = 0; j < per; j++) body.push(`${paras[k++ % paras.length]} (${r})`);
      const date = `${String(1 + (r % 28)).padStart(2, '0')}/${String(1 + (r % 12)).padStart(2, '0')}/${2023 + (r % 2)}`;
      lines.push([date, `Báo ${'ABCDE'[r % 5]}`, `Bài ${r}`, body.join('\n')].map((v) => `"${v.replace(/"/g, '""')}"`).join(','));
    }
    const buffer = Buffer.from(lines.join('\n') + '\n');
    // Playwright passes files over 50 MB by path.
    var dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soi-bench-'));
    const csvFile = path.join(dir, 'export.csv');
    fs.writeFileSync(csvFile, buffer);
    await page.evaluate(() => document.querySelectorAll('.notice.done').forEach((n) => n.classList.add('seen')));
    const t0 = Date.now();
    await page.setInputFiles('#file-input', csvFile);
    await page.waitForSelector('#columns-dialog', { timeout: 60000 });
    const asked = Date.now() - t0;
    await page.click('#columns-load');
    await page.waitForFunction((n) => Number(document.querySelector('#doc-list')?.dataset.total) === n, 5 + rows, { timeout: 900000, polling: 500 });
    await page.waitForSelector('.notice.done[data-bytes]:not(.seen)', { timeout: 900000 });
    const total = (Date.now() - t0) / 1000;
    const [workerMs] = (await page.getAttribute('.notice.done[data-bytes]:not(.seen)', 'data-ms')).split(' ').map(Number);
    const worker = page.workers().find((w) => w.url().includes('worker-boot'));
    const mem = await worker.evaluate(() => wasm_bindgen.wasm_memory_bytes());
    console.log(`chromium, CSV of ${rows} rows, ${(buffer.length / MB).toFixed(1)} MB (${vntc ? 'vntc' : 'sample'} paragraphs): columns asked after ${asked} ms; ${rows} documents on screen ${total.toFixed(1)} s after the drop (${(buffer.length / MB / total).toFixed(1)} MB/s; the worker's job ${(workerMs / 1000).toFixed(1)} s); worker wasm memory ${(mem / MB).toFixed(0)} MB`);
    const m0 = Date.now();
    await page.click('[data-tab="trends"]');
    await page.selectOption('#trend-by', 'month');
    await page.waitForSelector('#period-table tbody tr', { timeout: 120000 });
    console.log(`chromium, CSV of ${rows} rows: Trends by month on screen in ${Date.now() - m0} ms`);
    // The Documents view of 20,000 rows; a month selected; what is new in it; its entities.
    const d0 = Date.now();
    await page.click('[data-tab="documents"]');
    await page.waitForSelector('#doc-table tbody tr[data-doc]', { timeout: 120000 });
    const shown = Date.now() - d0;
    const s0 = Date.now();
    await page.click('#doc-table th[data-col="date"] button');
    await page.waitForFunction(() => document.querySelector('#doc-table th[data-col="date"]').getAttribute('aria-sort') === 'ascending', null, { timeout: 120000 });
    const sorted = Date.now() - s0;
    const p0 = Date.now();
    await page.selectOption('#sel-period', '2023-03');
    await page.waitForFunction(() => Number(document.querySelector('#sel-count')?.dataset.selected) < 20000, null, { timeout: 120000 });
    const picked = Date.now() - p0;
    const selected = await page.getAttribute('#sel-count', 'data-selected');
    await page.waitForSelector('#what-new[aria-busy="false"]', { timeout: 120000 });
    const fresh = Date.now() - p0;
    const e0 = Date.now();
    await page.click('[data-tab="entities"]');
    await page.waitForSelector('#selection-note', { timeout: 120000 });
    await page.waitForSelector('#ent-table tbody tr', { timeout: 120000 });
    console.log(`chromium, CSV of ${rows} rows: Documents view on screen in ${shown} ms, sorted by date in ${sorted} ms; a month selected (${selected} documents) in ${picked} ms, what is new on screen ${fresh} ms after; the selection's Entities view in ${Date.now() - e0} ms`);
    if (problems.length) throw new Error(problems.join('\n'));
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await browser.close();
    await server.close();
  }
}
