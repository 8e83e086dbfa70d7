// Corpora as people have them, in real headless Chromium: a CSV, a JSON Lines file and a zip
// dropped on the page become one document a row or entry, with their dates, sources and
// groups; the columns of a record file are confirmed in a dialog (and remembered for the
// same header); bad rows are named by line and the rest loads; Trends by month agree with a
// count done here by hand; a month's keyness against the rest is a G² table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { waitIdle, dropFiles, pageSuite } from './harness.mjs';

const suite = pageSuite();
const open = (options) => suite.open(options);

// Articles of three months, one sentence pattern each, with "hợp tác" a known number of times.
const ARTICLES = [
  { date: '05/01/2024', source: 'Báo A', title: 'Tin một', text: 'Hai nước thúc đẩy hợp tác kinh tế. Việt Nam và Nhật Bản mở rộng hợp tác đầu tư.' },
  { date: '2024-01-20', source: 'Báo B', title: 'Tin hai', text: 'Thủ tướng tiếp đoàn doanh nghiệp. Các bên nhất trí tăng cường hợp tác.' },
  { date: 'ngày 3 tháng 2 năm 2024', source: 'Báo A', title: 'Tin ba', text: 'Mưa lớn kéo dài ở miền Trung. Người dân sơ tán khỏi vùng ngập lụt.' },
  { date: '15-03-2024', source: 'Báo B', title: 'Tin bốn', text: 'Bão số một đổ bộ vào miền Trung. Mưa lớn gây ngập lụt nhiều nơi. Chính quyền và người dân hợp tác khắc phục hậu quả.' },
  { date: '28/03/2024', source: 'Báo A', title: 'Tin năm', text: 'Ngập lụt ở miền Trung gây thiệt hại lớn. Mưa lớn còn kéo dài.' },
];

/** The hand count: how often `word` (lower case) occurs in the articles of each month, in any case. */
function byMonth(word) {
  const months = { '2024-01': 0, '2024-02': 0, '2024-03': 0 };
  const iso = ['2024-01', '2024-01', '2024-02', '2024-03', '2024-03'];
  ARTICLES.forEach((a, i) => { months[iso[i]] += a.text.toLowerCase().split(word).length - 1; });
  return months;
}

const csvField = (v) => `"${v.replace(/"/g, '""')}"`;
function csv(rows) {
  const head = 'Ngày,Nguồn,Tiêu đề,Nội dung\n';
  return head + rows.map((r) => [r.date, r.source, r.title, r.text].map(csvField).join(',')).join('\n') + '\n';
}

/** A zip archive of [name, text] files (stored, with their CRC-32), as an array of bytes. */
function zip(files) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const out = [];
  const central = [];
  const u16 = (n) => [n & 0xff, (n >>> 8) & 0xff];
  const u32 = (n) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  for (const [name, text] of files) {
    const data = [...Buffer.from(text)];
    const nm = [...Buffer.from(name)];
    const at = out.length;
    const common = [...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(crc(data)), ...u32(data.length), ...u32(data.length), ...u16(nm.length), ...u16(0)];
    out.push(0x50, 0x4b, 3, 4, ...common, ...nm, ...data);
    central.push(0x50, 0x4b, 1, 2, ...u16(20), ...common, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(at), ...nm);
  }
  const start = out.length;
  out.push(...central, 0x50, 0x4b, 5, 6, ...u16(0), ...u16(0), ...u16(files.length), ...u16(files.length), ...u32(central.length), ...u32(start), ...u16(0));
  return out;
}

const docMeta = (page) => page.$$eval('#doc-list li.doc', (lis) => lis.map((li) => ({
  title: li.querySelector('.doc-title')?.textContent,
  date: li.querySelector('.doc-date')?.textContent ?? null,
  inferred: li.querySelector('.doc-date')?.dataset.inferred === 'true',
  source: li.querySelector('.doc-source')?.textContent ?? null,
  group: li.querySelector('.doc-group')?.textContent ?? null,
})));

const problems = (page) => page.$$eval('.notice.row-problem span', (els) => els.map((e) => e.textContent));

test('a CSV: columns confirmed in a dialog, a row a document with its date and source, bad rows named', async () => {
  const page = await open({ locale: 'en-US' });
  const rows = [...ARTICLES.slice(0, 3), { date: '01/02/2024', source: 'Báo A', title: 'Trống', text: '' }, { date: 'hôm qua', source: 'Báo C', title: 'Tin lạ', text: ARTICLES[3].text }];
  await dropFiles(page, [{ name: 'tin.csv', text: csv(rows), type: 'text/csv' }], '.view');
  // The dialog proposes the columns guessed from the header.
  await page.waitForSelector('#columns-dialog');
  assert.equal(await page.inputValue('#col-text'), 'Nội dung');
  assert.equal(await page.inputValue('#col-date'), 'Ngày');
  assert.equal(await page.inputValue('#col-source'), 'Nguồn');
  assert.equal(await page.inputValue('#col-title'), 'Tiêu đề');
  await page.click('#columns-load');
  await waitIdle(page, 9);
  const docs = (await docMeta(page)).slice(5);
  assert.deepEqual(docs.map((d) => d.title), ['Tin một', 'Tin hai', 'Tin ba', 'Tin lạ']);
  assert.deepEqual(docs.slice(0, 3).map((d) => d.date), ['2024-01-05', '2024-01-20', '2024-02-03']);
  assert.deepEqual(docs.map((d) => d.source), ['Báo A', 'Báo B', 'Báo A', 'Báo C']);
  // A date that is no date: the row is kept, undated or dated from its text, and named.
  assert.ok(docs[3].date === null || docs[3].inferred, JSON.stringify(docs[3]));
  const named = await problems(page);
  assert.equal(named.length, 2, named.join('\n'));
  assert.ok(named.some((t) => t.includes('tin.csv') && t.includes('line 5') && /no text/.test(t)), named.join('\n'));
  assert.ok(named.some((t) => t.includes('line 6') && t.includes('hôm qua')), named.join('\n'));

  // The same header again: read with the remembered columns, no dialog.
  await dropFiles(page, [{ name: 'them.csv', text: csv(ARTICLES.slice(3)), type: 'text/csv' }], '.view');
  await waitIdle(page, 11);
  assert.equal(await page.locator('#columns-dialog').count(), 0);
  const more = (await docMeta(page)).slice(9);
  assert.deepEqual(more.map((d) => [d.title, d.date]), [['Tin bốn', '2024-03-15'], ['Tin năm', '2024-03-28']]);
  // The documents and their dates survive a reload.
  await page.reload();
  await waitIdle(page, 11);
  assert.deepEqual((await docMeta(page)).slice(9).map((d) => d.date), ['2024-03-15', '2024-03-28']);
});

test('JSON Lines and a zip: fields by key, folders as groups, bad lines and entries named', async () => {
  const page = await open({ locale: 'en-US' });
  const lines = ARTICLES.slice(0, 2).map((a) => JSON.stringify({ text: a.text, date: a.date, source: a.source, title: a.title }));
  lines.splice(1, 0, '{"text": "không đóng');
  await dropFiles(page, [{ name: 'tin.jsonl', text: lines.join('\n') + '\n' }], '.view');
  await page.waitForSelector('#columns-dialog');
  await page.click('#columns-load');
  await waitIdle(page, 7);
  const named = await problems(page);
  assert.ok(named.some((t) => t.includes('tin.jsonl') && t.includes('line 2')), named.join('\n'));
  assert.deepEqual((await docMeta(page)).slice(5).map((d) => [d.title, d.date, d.source]), [['Tin một', '2024-01-05', 'Báo A'], ['Tin hai', '2024-01-20', 'Báo B']]);

  const bytes = zip([
    ['2024/thoi-su/mot.txt', 'Ngày 3/2/2024\n' + ARTICLES[2].text],
    ['2024/kinh-te/hai.txt', ARTICLES[0].text],
    ['__MACOSX/._mot.txt', 'x'],
    ['anh.png', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR'],
  ]);
  await dropFiles(page, [{ name: 'luu-tru.zip', bytes, type: 'application/zip' }], '.view');
  await waitIdle(page, 9);
  const entries = (await docMeta(page)).slice(7);
  assert.deepEqual(entries.map((d) => d.group), ['2024/thoi-su', '2024/kinh-te']);
  // A file's date read from its dateline, marked as inferred.
  assert.equal(entries[0].date, '≈ 2024-02-03');
  assert.ok(entries[0].inferred);
  const refused = await page.$$eval('.notice.refused span', (els) => els.map((e) => e.textContent));
  assert.ok(refused.some((t) => t.includes('luu-tru.zip/anh.png')), refused.join('\n'));
});

test('Trends by month agree with a hand count; a month against the rest is a keyness table', async () => {
  const page = await open({ locale: 'en-US' });
  await dropFiles(page, [{ name: 'tin.csv', text: csv(ARTICLES), type: 'text/csv' }], '.view');
  await page.waitForSelector('#columns-dialog');
  await page.click('#columns-load');
  await waitIdle(page, 10);
  await page.click('[data-tab="trends"]');
  await page.fill('#trend-terms', 'hợp tác, ngập lụt');
  await page.press('#trend-terms', 'Enter');
  await page.selectOption('#trend-by', 'month');
  await page.waitForSelector('#period-table tbody tr');
  const rows = await page.$$eval('#period-table tbody tr', (trs) => trs.map((tr) => ({
    period: tr.dataset.period,
    docs: Number(tr.querySelector('[data-docs]').dataset.docs),
    counts: [...tr.querySelectorAll('[data-count]')].map((td) => Number(td.dataset.count)),
  })));
  const coop = byMonth('hợp tác');
  const flood = byMonth('ngập lụt');
  // The sample corpus's own dates (its datelines, 2021–2022) come before, with empty months.
  const dated = rows.filter((r) => r.period >= '2024-01' && r.period !== 'undated');
  assert.equal(rows.at(-1 - rows.filter((r) => r.period === 'undated').length).period, '2024-03');
  assert.deepEqual(dated.map((r) => r.period), ['2024-01', '2024-02', '2024-03']);
  assert.deepEqual(dated.map((r) => r.docs), [2, 1, 2]);
  assert.deepEqual(dated.map((r) => r.counts), Object.keys(coop).map((m) => [coop[m], flood[m]]));
  assert.ok(rows.every((r) => r.period === 'undated' || /^\d{4}-\d{2}$/.test(r.period)));
  assert.ok(rows.some((r) => r.docs === 0), 'empty months are shown');

  // March against the rest: "ngập lụt" and "mưa" rise, with G².
  await page.click('[data-tab="keywords"]');
  await page.selectOption('#kw-scope', 'month:2024-03');
  await page.waitForFunction(() => document.querySelectorAll('#kw-subset input:checked').length === 2);
  await page.waitForFunction(() => [...document.querySelectorAll('#kw-table thead th')].some((th) => /G²/.test(th.textContent)));
  const top = await page.$$eval('#kw-table tbody tr .term', (tds) => tds.slice(0, 10).map((td) => td.textContent));
  assert.ok(top.includes('ngập lụt'), top.join(', '));
});

// February about rice exports to Japan, March about a storm in Quảng Ninh: in March "bão"
// and "Quảng Ninh" are new against the days before it, "gạo" and "Nhật Bản" are not.
const FEB = ['05/02/2024', '2024-02-10', 'ngày 15 tháng 2 năm 2024', '20-02-2024'].map((date, i) => ({
  date, source: 'Báo Kinh tế', title: `Gạo ${i + 1}`,
  text: `Doanh nghiệp xuất khẩu gạo sang Nhật Bản. Giá gạo tăng trong tháng thứ ${i + 1}. Nhật Bản mua thêm gạo của Việt Nam, nông dân vui mừng.`,
}));
const MAR = ['03/03/2024', '2024-03-09', '14/3/2024', '2024-03-22'].map((date, i) => ({
  date, source: 'Báo Thời sự', title: `Bão ${i + 1}`,
  text: `Bão số ${i + 1} đổ bộ vào Quảng Ninh. Chính quyền Quảng Ninh sơ tán người dân trước bão. Sau bão, Quảng Ninh khắc phục hậu quả và hỗ trợ người dân.`,
}));

test('Documents: a month selected by date; its table, export, what is new; entities and keywords of the selection', async () => {
  const page = await open({ locale: 'en-US' });
  await dropFiles(page, [{ name: 'tin.csv', text: csv([...FEB, ...MAR]), type: 'text/csv' }], '.view');
  await page.waitForSelector('#columns-dialog');
  await page.click('#columns-load');
  await waitIdle(page, 13);
  await page.click('[data-tab="documents"]');
  await page.waitForSelector('#doc-table');
  assert.equal(await page.getAttribute('#doc-table', 'data-rows'), '13');
  // Nothing asked yet: what is new waits for a date range.
  assert.equal(await page.locator('#what-new table').count(), 0);

  await page.selectOption('#sel-period', '2024-03');
  await page.waitForSelector('#sel-count[data-selected="4"]');
  assert.equal(await page.inputValue('#sel-from'), '2024-03-01');
  assert.equal(await page.inputValue('#sel-to'), '2024-03-31');
  const titles = () => page.$$eval('#doc-table tbody tr[data-doc] .doc-title-cell', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(await titles(), ['Bão 1', 'Bão 2', 'Bão 3', 'Bão 4']);
  // Sorted by date, latest first.
  await page.click('#doc-table th[data-col="date"] button');
  await page.click('#doc-table th[data-col="date"] button');
  await page.waitForFunction(() => document.querySelector('#doc-table th[data-col="date"]').getAttribute('aria-sort') === 'descending');
  assert.deepEqual(await titles(), ['Bão 4', 'Bão 3', 'Bão 2', 'Bão 1']);
  // The filter narrows the selection's rows.
  await page.fill('#doc-table-filter', 'bão 3');
  await page.waitForSelector('#doc-table[data-rows="1"]');
  assert.deepEqual(await titles(), ['Bão 3']);
  await page.fill('#doc-table-filter', '');
  await page.waitForSelector('#doc-table[data-rows="4"]');

  // What is new in March against 30 January – 29 February, counted here by hand.
  await page.waitForSelector('#what-new[aria-busy="false"]');
  assert.match(await page.textContent('#what-new-periods'), /2024-03-01 – 2024-03-31 \(4 documents.*against 2024-01-30 – 2024-02-29 \(4 documents/);
  const newRows = (id) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => ({
    term: tr.dataset.term,
    now: Number(tr.querySelector('[data-col="now"]').textContent),
    before: Number(tr.querySelector('[data-col="before"]').textContent),
    g2: Number(tr.querySelector('[data-col="g2"]').textContent.replace(/,/g, '')),
  })));
  const words = await newRows('what-new-words');
  const bao = words.find((r) => r.term === 'bão');
  const hand = MAR.map((a) => a.text.toLowerCase().split(/[^\p{L}]+/u).filter((w) => w === 'bão').length).reduce((a, b) => a + b);
  assert.deepEqual(bao && [bao.now, bao.before], [hand, 0], JSON.stringify(words));
  assert.ok(bao.g2 >= 10.83, JSON.stringify(bao));
  assert.ok(!words.some((r) => r.term === 'gạo'), 'rice fell, it is not new');
  const ents = await newRows('what-new-entities');
  assert.ok(ents.some((r) => r.term === 'Quảng Ninh' && r.before === 0), JSON.stringify(ents));

  // The documents' export is the selection, with its metadata.
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#doc-exports [data-export="csv"]')]);
  const exported = (await fs.readFile(await d.path(), 'utf8')).trim().split(/\r?\n/);
  assert.equal(exported.length, 1 + MAR.length, exported.join('\n'));
  assert.match(exported[0], /date/);
  assert.ok(exported.slice(1).every((l) => l.includes('2024-03-') && l.includes('Báo Thời sự')), exported.join('\n'));

  // The Entities view counts the selection only, and says so.
  await page.click('[data-tab="entities"]');
  await page.waitForSelector('#selection-note');
  await page.waitForSelector('#ent-table tbody tr');
  const names = () => page.$$eval('#ent-table tbody tr .ent-name', (els) => els.map((e) => e.textContent));
  let shown = await names();
  assert.ok(shown.includes('Quảng Ninh'), shown.join(', '));
  assert.ok(!shown.includes('Nhật Bản') && !shown.includes('Nguyễn Phú Trọng'), shown.join(', '));
  await page.click('#selection-note button');
  await page.waitForFunction(() => [...document.querySelectorAll('#ent-table tbody tr .ent-name')].some((e) => e.textContent === 'Nhật Bản'));
  assert.equal(await page.locator('#selection-note').count(), 0);

  // By source, the Keywords view compares the selection with the rest.
  await page.click('[data-tab="documents"]');
  await page.selectOption('#sel-source', 'Báo Thời sự');
  await page.waitForSelector('#sel-count[data-selected="4"]');
  await page.click('[data-tab="keywords"]');
  await page.selectOption('#kw-scope', 'selection');
  await page.waitForFunction(() => [...document.querySelectorAll('#kw-table thead th')].some((th) => /G²/.test(th.textContent)));
  const top = await page.$$eval('#kw-table tbody tr .term', (tds) => tds.slice(0, 5).map((td) => td.textContent));
  assert.ok(top.includes('bão'), top.join(', '));
  // A title opens its document in the Reader.
  await page.click('[data-tab="documents"]');
  await page.click('#doc-table tbody tr[data-doc] .doc-title-cell button');
  await page.waitForSelector('[data-tab="reader"][aria-selected="true"]');
});
