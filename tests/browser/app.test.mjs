// The page as a person uses it, in real headless Chromium: open it, see the sample corpus
// analyzed, add files by the picker, by dropping and by pasting, remove them, read one,
// switch language, cancel a long job. Every test fails on a page error, a Rust panic or a
// request that leaves 127.0.0.1. Run with: node --test tests/browser/ (after trunk build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, waitIdle, stat, dropFiles, pageSuite } from './harness.mjs';

const SOI = process.env.SOI_BIN || path.join(ROOT, 'target', 'release', 'soi');
const CORPUS = path.join(ROOT, 'www', 'corpus');
const SAMPLE_FILES = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(CORPUS, f));

/** The native CLI's overview of `files`: the same engine, so the page must agree with it. */
function cli(files) {
  return JSON.parse(execFileSync(SOI, ['stats', '--top', '50', ...files], { encoding: 'utf8' }));
}
function cliText(name, text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soi-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return cli([file]);
}

const NEW_DOC = 'Bộ trưởng Ngoại giao Bùi Thanh Sơn tiếp Đại sứ Nhật Bản tại Hà Nội.\n\nHai bên nhất trí thúc đẩy hợp tác kinh tế, thương mại và đầu tư. Quan hệ đối tác chiến lược toàn diện tiếp tục phát triển.\n';
const XSS = '<img src=x onerror=alert(1)>';

const suite = pageSuite();
const open = (options) => suite.open(options);

test('opens with the sample corpus analyzed, the same numbers as the CLI', async () => {
  const page = await open();
  const expected = cli(SAMPLE_FILES);
  assert.equal(await stat(page, 'documents'), 5);
  for (const key of ['paragraphs', 'sentences', 'syllables', 'types', 'chars', 'words', 'word_types']) {
    assert.equal(await stat(page, key), expected[key], key);
  }
  const terms = await page.$$eval('#top-terms tbody .term', (tds) => tds.map((td) => td.textContent));
  const counts = await page.$$eval('#top-terms tbody .count', (tds) => tds.map((td) => Number(td.textContent.replace(/\D/g, ''))));
  assert.deepEqual(terms, expected.top.map((t) => t.term));
  assert.deepEqual(counts, expected.top.map((t) => t.count));
  // Words, not syllables: "đối ngoại" and "ngoại giao" are among the most frequent words.
  const words = await page.$$eval('#top-words tbody .term', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(words, expected.top_words.slice(0, 30).map((t) => t.term));
  for (const w of ['đối ngoại', 'ngoại giao']) assert.ok(words.slice(0, 30).includes(w), `${w} in ${words}`);
  // The most frequent syllables of five foreign-policy articles: "đối" (of "đối ngoại") among them.
  assert.ok(terms.slice(0, 15).includes('đối'), terms.join(' '));
  // Each document shows its title (first meaningful line, not the date line) and file name.
  const titles = await page.$$eval('#doc-list .doc-title', (els) => els.map((e) => e.textContent));
  const names = await page.$$eval('#doc-list .doc-name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(names, SAMPLE_FILES.map((f) => path.basename(f)));
  assert.equal(titles[1], 'Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương');
  // Vietnamese interface by default for a Vietnamese browser.
  assert.equal(await page.textContent('[data-tab="overview"]'), 'Tổng quan');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
});

test('adds a file with the "Add files" picker and counts it', async () => {
  const page = await open();
  const before = await stat(page, 'syllables');
  await page.setInputFiles('#file-input', { name: 'ngoai-giao.txt', mimeType: 'text/plain', buffer: Buffer.from(NEW_DOC) });
  await waitIdle(page, 6);
  const added = cliText('ngoai-giao.txt', NEW_DOC);
  assert.equal(await stat(page, 'documents'), 6);
  assert.equal(await stat(page, 'syllables'), before + added.syllables);
  const last = page.locator('#doc-list li.doc').last();
  assert.equal(await last.locator('.doc-name').textContent(), 'ngoai-giao.txt');
  assert.equal(await last.locator('.doc-title').textContent(), 'Bộ trưởng Ngoại giao Bùi Thanh Sơn tiếp Đại sứ Nhật Bản tại Hà Nội.');
});

test('a finished job is told in plain words, once: the next one replaces it', async () => {
  // Issue 20.8: "Analyzed 1 document(s) (264 B) in 0.02 s — 0.0 MB/s.", one banner per job.
  const page = await open({ locale: 'en-US' });
  for (const [i, name] of ['one.txt', 'two.txt'].entries()) {
    await page.setInputFiles('#file-input', { name, mimeType: 'text/plain', buffer: Buffer.from(NEW_DOC + i) });
    await waitIdle(page, 6 + i);
  }
  const done = await page.$$eval('.notice.done span', (els) => els.map((e) => e.textContent));
  assert.equal(done.length, 1, `one line for finished jobs: ${JSON.stringify(done)}`);
  assert.match(done[0], /^Analyzed 1 document \([\d.,]+ (B|KB)\) in [\d.]+ s\./);
  assert.doesNotMatch(done[0], /\(s\)|MB\/s/, 'no log-style plural, no speed for a small file');
});

test('adds dropped files anywhere on the page; refuses a binary one by name and keeps the rest', async () => {
  const page = await open();
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
  await dropFiles(page, [
    { name: 'anh-chup.png', bytes: png, type: 'image/png' },
    { name: 'keo-tha.txt', text: NEW_DOC },
    { name: 'trong.txt', text: '' },
  ], '.view');
  await waitIdle(page, 6);
  assert.equal(await stat(page, 'documents'), 6);
  assert.equal(await page.locator('#doc-list li.doc').last().locator('.doc-name').textContent(), 'keo-tha.txt');
  const refused = await page.$$eval('.notice.refused', (els) => els.map((e) => e.textContent));
  assert.equal(refused.length, 2, refused.join('\n'));
  assert.ok(refused.some((t) => t.includes('anh-chup.png') && t.includes('PNG')), refused.join('\n'));
  assert.ok(refused.some((t) => t.includes('trong.txt')), refused.join('\n'));
});

test('pasted text becomes a document; documents can be removed', async () => {
  const page = await open();
  await page.click('text=Dán văn bản');
  await page.fill('#paste-text', NEW_DOC);
  await page.click('#paste-add');
  await waitIdle(page, 6);
  assert.match(await page.locator('#doc-list li.doc').last().locator('.doc-name').textContent(), /^văn-bản-dán-\d+\.txt$/);
  const expected = cli(SAMPLE_FILES.slice(1));
  await page.locator('#doc-list li.doc').first().locator('.doc-remove').click();
  await page.locator('#doc-list li.doc').last().locator('.doc-remove').click();
  await waitIdle(page, 4);
  assert.equal(await stat(page, 'documents'), 4);
  assert.equal(await stat(page, 'syllables'), expected.syllables);
  assert.equal(await stat(page, 'types'), expected.types);
  // Reset brings back the sample corpus.
  await page.click('text=Về bộ văn bản mẫu');
  await waitIdle(page, 5);
  assert.equal(await stat(page, 'syllables'), cli(SAMPLE_FILES).syllables);
});

test('file names and text that look like HTML are shown as text, never run', async () => {
  const page = await open();
  const name = `${XSS}.txt`;
  const text = `${XSS} Tiêu đề có thẻ HTML nguy hiểm <script>alert(2)</script>\n\nĐoạn thứ hai ${XSS}.`;
  await dropFiles(page, [{ name, text }]);
  await waitIdle(page, 6);
  const doc = page.locator('#doc-list li.doc').last();
  assert.equal(await doc.locator('.doc-name').textContent(), name);
  assert.equal(await doc.locator('.doc-title').textContent(), `${XSS} Tiêu đề có thẻ HTML nguy hiểm <script>alert(2)</script>`);
  await doc.locator('.doc-open').click();
  await page.waitForSelector('.reader-text p');
  const paras = await page.$$eval('.reader-text p', (ps) => ps.map((p) => p.textContent));
  assert.deepEqual(paras, text.split('\n\n'));
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.equal(await page.locator('body script').count(), 0, 'no <script> element was created');
  await page.waitForTimeout(200);
});

test('the Reader shows a document page by page', async () => {
  const page = await open();
  await page.locator('#doc-list li.doc').nth(1).locator('.doc-open').click();
  await page.waitForSelector('.reader-text p');
  assert.equal(await page.textContent('.reader-title'), 'Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương');
  const paras = await page.$$eval('.reader-text p', (ps) => ps.map((p) => p.textContent));
  // The Reader shows the normalized text: what `soi normalize` prints.
  const normalized = execFileSync(SOI, ['normalize', SAMPLE_FILES[1]], { encoding: 'utf8' });
  const lines = normalized.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.deepEqual(paras, lines);
  assert.equal(paras[0], 'Thứ hai, 08/08/2022', 'the no-break space and the double space are one space');
});

test('English interface on switch, and by default for an English browser', async () => {
  let page = await open();
  await page.selectOption('#lang', 'en');
  assert.equal(await page.textContent('[data-tab="overview"]'), 'Overview');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.isVisible('text=Add files'));
  await suite.session.context.close();
  suite.session = null;
  page = await open({ locale: 'en-US' });
  assert.equal(await page.textContent('[data-tab="keywords"]'), 'Keywords');
});

test('a large file shows progress, the page stays usable, and cancel stops it', async () => {
  const page = await open();
  // About 60 MB of real Vietnamese: the sample corpus repeated.
  await page.evaluate(async () => {
    const parts = await Promise.all(['000_1b4edb2404a232dc', '001_dd71080901982e6d'].map((n) => fetch(`./corpus/${n}.txt`).then((r) => r.text())));
    const text = parts.join('\n').repeat(4200);
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'lon.txt', { type: 'text/plain' }));
    document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  });
  await page.waitForSelector('.job progress');
  // The page still responds while the worker works: switching views renders at once.
  await page.click('[data-tab="reader"]');
  assert.equal(await page.getAttribute('[data-tab="reader"]', 'aria-selected'), 'true');
  assert.equal(await page.locator('.job').count(), 1, 'the job is still running');
  await page.click('.job .cancel');
  await page.waitForSelector('.notice.cancelled');
  await waitIdle(page, 5);
  assert.equal(await page.locator('[data-stat]').count(), 0, 'Overview is not the current view');
  await page.click('[data-tab="overview"]');
  assert.equal(await stat(page, 'documents'), 5, 'the cancelled file was not added');
});
