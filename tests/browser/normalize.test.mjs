// Ingestion and normalization as a person meets them: files in other encodings are decoded
// and say how, the Normalization view shows each change in context, the settings re-run the
// analysis, and an encoding can be overridden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitIdle, stat, dropFiles, pageSuite } from './harness.mjs';

const suite = pageSuite();

const open = () => suite.open();

const TEXT = 'Thủ tướng Phạm Minh Chính làm việc với Bộ Ngoại giao về công tác đối ngoại năm 2023.';

/** UTF-16LE with BOM. */
function utf16(text) {
  const b = Buffer.from(text, 'utf16le');
  return [0xff, 0xfe, ...b];
}

/** Windows-1258: vowels with their own marks precomposed, tones as combining bytes. */
function cp1258(text) {
  const single = { 'ă': 0xe3, 'â': 0xe2, 'ê': 0xea, 'ô': 0xf4, 'ơ': 0xf5, 'ư': 0xfd, 'đ': 0xf0, 'Đ': 0xd0, 'Ă': 0xc3, 'Â': 0xc2, 'Ê': 0xca, 'Ô': 0xd4, 'Ơ': 0xd5, 'Ư': 0xdd };
  const tones = { '\u0300': 0xcc, '\u0301': 0xec, '\u0303': 0xde, '\u0309': 0xd2, '\u0323': 0xf2 };
  const out = [];
  for (const letter of text.normalize('NFC')) {
    const parts = [...letter.normalize('NFD')];
    const tone = parts.filter((c) => tones[c] !== undefined);
    const base = parts.filter((c) => tones[c] === undefined).join('').normalize('NFC');
    for (const ch of [base, ...tone]) {
      if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
      else if (single[ch] !== undefined) out.push(single[ch]);
      else if (tones[ch] !== undefined) out.push(tones[ch]);
      else throw new Error(`no Windows-1258 byte for ${ch}`);
    }
  }
  return out;
}

test('a UTF-16 file and a Windows-1258 file are decoded, and say how', async () => {
  const page = await open();
  await dropFiles(page, [
    { name: 'utf16.txt', bytes: utf16(TEXT) },
    { name: 'cp1258.txt', bytes: cp1258(TEXT) },
  ]);
  await waitIdle(page, 7);
  for (const [i, enc] of [[5, 'UTF-16LE'], [6, 'Windows-1258']]) {
    const doc = page.locator('#doc-list li.doc').nth(i);
    await doc.locator('.doc-open').click();
    await page.waitForSelector('.reader-text p');
    assert.equal(await page.textContent('.reader-text p'), TEXT);
    assert.match(await page.textContent('.reader .doc-name'), new RegExp(enc));
  }
  await page.click('[data-tab="normalization"]');
  await page.selectOption('#norm-scope', { label: 'cp1258.txt' });
  await page.waitForSelector('#encodings .encoding-label');
  assert.match(await page.textContent('#encodings .encoding-label'), /Windows-1258/);
  // The combining tone marks were composed: NFC changes are listed.
  assert.ok(Number((await page.textContent('#norm-counts [data-kind="nfc"] .num')).replace(/\D/g, '')) >= 10);
});

test('the Normalization view shows the sample corpus defects in context', async () => {
  const page = await open();
  await page.click('[data-tab="normalization"]');
  await page.waitForSelector('#changes li');
  const glued = await page.locator('#changes li[data-kind="glued"]').first();
  assert.equal(await glued.locator('del').textContent(), 'ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihộiĐảthứ');
  assert.equal(await glued.locator('ins').textContent(), 'Đề·xuất·một·số·nội·hàm·đường·lối·đối·ngoại·cho·Đại·hội·Đả·thứ');
  const tone = page.locator('#changes li[data-kind="tone_mark"]').first();
  assert.equal(await tone.locator('del').textContent(), 'hoà');
  assert.equal(await tone.locator('ins').textContent(), 'hòa');
  // The repeated lead and the site furniture are listed, and left out of the statistics.
  const flags = await page.$$eval('#flagged li', (lis) => lis.map((li) => li.dataset.flag));
  for (const f of ['near_duplicate', 'duplicate', 'byline', 'share', 'navigation', 'dateline']) assert.ok(flags.includes(f), `${f} in ${flags}`);
  const unknown = await page.$$eval('#unknown .term', (tds) => tds.map((td) => td.textContent));
  for (const t of ['viẻn', 'rangers', 'TTXVN']) assert.ok(unknown.includes(t), `${t} in ${unknown}`);
});

test('changing a setting re-runs the analysis', async () => {
  const page = await open();
  const before = await stat(page, 'paragraphs');
  await page.click('[data-tab="normalization"]');
  await page.waitForSelector('#changes li');
  // Counting page furniture again adds its paragraphs back.
  await page.uncheck('#rule-boilerplate');
  await page.click('[data-tab="overview"]');
  await page.waitForFunction((b) => Number(document.querySelector('[data-stat="paragraphs"] .stat-value').textContent.replace(/\D/g, '')) > b, before);
  // Modern tone style: "hòa" in the text becomes "hoà".
  await page.click('[data-tab="normalization"]');
  await page.selectOption('#tone-style', 'modern');
  await page.waitForFunction(() => [...document.querySelectorAll('#changes li[data-kind="tone_mark"] ins')].some((e) => e.textContent === 'hoà'));
  // The settings survive a reload.
  await page.reload();
  await waitIdle(page, 5);
  await page.click('[data-tab="normalization"]');
  assert.equal(await page.inputValue('#tone-style'), 'modern');
  assert.equal(await page.isChecked('#rule-boilerplate'), false);
});

test('the encoding can be overridden per document', async () => {
  const page = await open();
  await dropFiles(page, [{ name: 'cp1258.txt', bytes: cp1258(TEXT) }]);
  await waitIdle(page, 6);
  await page.click('[data-tab="normalization"]');
  await page.selectOption('#norm-scope', { label: 'cp1258.txt' });
  await page.waitForSelector('#encodings .encoding-override');
  await page.selectOption('#encodings .encoding-override', 'TCVN3');
  await page.waitForFunction(() => /TCVN3/.test(document.querySelector('#encodings .encoding-label')?.textContent || ''));
  await page.locator('#doc-list li.doc').last().locator('.doc-open').click();
  await page.waitForSelector('.reader-text p');
  assert.notEqual(await page.textContent('.reader-text p'), TEXT, 'decoded as TCVN3 it reads differently');
  assert.match(await page.textContent('.reader .doc-name'), /TCVN3/);
});
