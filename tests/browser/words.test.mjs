// Words in the Reader: boundaries on demand, each word's syllables and kind on hover or
// focus, and the user's dictionary applied at once and kept across a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitIdle, pageSuite } from './harness.mjs';

const suite = pageSuite();

async function openReader(nth) {
  const page = await suite.open();
  await page.locator('#doc-list li.doc').nth(nth).locator('.doc-open').click();
  await page.waitForSelector('.reader-text p .w');
  return page;
}

test('the Reader shows word boundaries on demand, with syllables and kind', async () => {
  const page = await openReader(1);
  assert.equal(await page.locator('.reader.show-words').count(), 0);
  await page.click('#toggle-words');
  assert.equal(await page.locator('.reader.show-words').count(), 1);
  const multi = await page.$$eval('.reader-text .w.multi', (ws) => ws.map((w) => w.textContent));
  for (const w of ['Tổng Bí thư', 'Nguyễn Phú Trọng', 'làm việc', 'đối ngoại']) assert.ok(multi.includes(w), `${w} in ${multi.slice(0, 40)}`);
  const name = page.locator('.reader-text .w', { hasText: 'Nguyễn Phú Trọng' }).first();
  assert.equal(await name.getAttribute('data-tip'), 'Nguyễn · Phú · Trọng — tiếng Việt');
  await name.focus();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Nguyễn Phú Trọng');
  const dates = await page.$$eval('.reader-text .w[data-kind="date_time"]', (ws) => ws.map((w) => w.textContent));
  assert.ok(dates.includes('23/12'), dates.join(' '));
  // The words cover the text: the paragraph reads the same.
  const text = await page.textContent('.reader-text p:nth-child(2)');
  assert.ok(text.startsWith('Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương'), text);
});

test('the user dictionary joins and splits words at once and is kept', async () => {
  const page = await openReader(1);
  const before = await page.$$eval('.reader-text .w', (ws) => ws.map((w) => w.textContent));
  assert.ok(!before.includes('Ban Đối ngoại Trung ương'));
  await page.click('.dictionary summary');
  await page.fill('#dictionary', '+ Ban Đối ngoại Trung ương\n- làm việc');
  await page.click('#dictionary-save');
  await page.waitForFunction(() => [...document.querySelectorAll('.reader-text .w')].some((w) => w.textContent === 'Ban Đối ngoại Trung ương'));
  const after = await page.$$eval('.reader-text .w', (ws) => ws.map((w) => w.textContent));
  assert.ok(!after.includes('làm việc') && after.includes('làm') && after.includes('việc'));
  // The statistics follow: "ban đối ngoại trung ương" is now counted as a word.
  await page.click('[data-tab="overview"]');
  await waitIdle(page, 5);
  await page.waitForFunction(() => [...document.querySelectorAll('#top-words .term')].some((t) => t.textContent === 'ban đối ngoại trung ương'));
  await page.reload();
  await waitIdle(page, 5);
  await page.locator('#doc-list li.doc').nth(1).locator('.doc-open').click();
  await page.waitForSelector('.reader-text p .w');
  assert.equal(await page.inputValue('#dictionary'), '+ Ban Đối ngoại Trung ương\n- làm việc');
  assert.ok((await page.$$eval('.reader-text .w', (ws) => ws.map((w) => w.textContent))).includes('Ban Đối ngoại Trung ương'));
});
