// Keywords, Trends, Concordance and Collocates on the sample corpus, used as a person would:
// switch tabs, sort, filter, search, follow a hit into the Reader, export tables and charts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { pageSuite } from './harness.mjs';

const suite = pageSuite();

/** Parse RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r') continue;
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const num = (s) => Number(s.replace(/\./g, '').replace(',', '.'));

async function tableColumn(page, table, col) {
  return page.$$eval(`${table} tbody tr`, (rows, col) => rows.map((r) => r.children[col].textContent), col);
}

async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), text: await fs.readFile(await d.path(), 'utf8') };
}

test('Keywords: words, not syllables, without stopwords; sortable; CSV export matches', async () => {
  const page = await suite.open();
  await page.click('[data-tab="keywords"]');
  await page.waitForSelector('#kw-table tbody tr');
  const terms = await tableColumn(page, '#kw-table', 1);
  const top10 = terms.slice(0, 10);
  assert.ok(top10.includes('đối ngoại') && top10.includes('ngoại giao'), top10.join(', '));
  for (const stop of ['của', 'và', 'các', 'được', 'trong']) assert.ok(!terms.includes(stop), stop);
  const freqs = (await tableColumn(page, '#kw-table', 2)).map(num);
  assert.deepEqual([...freqs].sort((a, b) => b - a), freqs, 'most frequent first');
  // The cloud and the bars are drawn from the same list; words in the cloud are focusable.
  const cloud = await page.$$eval('#cloud-svg text.cloud-word', (ts) => ts.map((t) => t.dataset.term));
  assert.ok(cloud.includes('đối ngoại'));
  assert.equal(await page.locator('#bars-svg g.bar').count(), 20);
  assert.equal(await page.getAttribute('#cloud-svg text.cloud-word >> nth=0', 'tabindex'), '0');

  // The CSV holds the whole list in the table's order, with the same numbers.
  const csv = await download(page, '#kw-export [data-export="csv"]');
  assert.equal(csv.name, 'soi-keywords.csv');
  const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0].slice(0, 5), ['term', 'frequency', 'per_million', 'documents', 'dp']);
  const total = Number(await page.getAttribute('#kw-total', 'data-total'));
  assert.equal(rows.length - 1, total);
  const shown = await page.$$eval('#kw-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  for (let i = 0; i < shown.length; i++) {
    assert.equal(rows[i + 1][0], shown[i][1]);
    assert.equal(Number(rows[i + 1][1]), num(shown[i][2]));
    assert.equal(Number(rows[i + 1][3]), num(shown[i][4]));
    assert.equal(Number(rows[i + 1][4]).toFixed(3), shown[i][5].replace(',', '.'));
  }
  const json = await download(page, '#kw-export [data-export="json"]');
  const parsed = JSON.parse(json.text);
  assert.equal(parsed.length, total);
  assert.equal(parsed[0].term, shown[0][1]);

  // Sort by term (A to Z, the Vietnamese way), then by DP.
  await page.click('#kw-table th[data-col="term"] button');
  await page.waitForFunction(() => document.querySelector('#kw-table th[data-col="term"]')?.getAttribute('aria-sort') === 'ascending');
  const az = await tableColumn(page, '#kw-table', 1);
  assert.ok(az[0].localeCompare(az[1], 'vi') <= 0, az.slice(0, 3).join(', '));
  // Filter, accent-insensitive.
  await page.fill('#kw-filter', 'ngoai');
  await page.press('#kw-filter', 'Enter');
  await page.waitForFunction(() => {
    const terms = [...document.querySelectorAll('#kw-table tbody .term')].map((t) => t.textContent);
    const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd');
    return terms.length > 0 && terms.length < 100 && terms.every((t) => fold(t).includes('ngoai'));
  });
});

test('Keywords of one document against the rest, a subset, syllables and n-grams', async () => {
  const page = await suite.open();
  await page.click('[data-tab="keywords"]');
  await page.waitForSelector('#kw-table tbody tr');
  const first = await page.$eval('#kw-scope option:nth-child(2)', (o) => o.value);
  await page.selectOption('#kw-scope', first);
  await page.waitForSelector('#kw-table th[data-col="g2"]');
  await page.waitForSelector('#kw-table th[data-col="tf_idf"]');
  // Sort by keyness: positive keywords (Log Ratio > 0) first, G2 falling.
  await page.click('#kw-table th[data-col="g2"] button');
  await page.waitForFunction(() => document.querySelector('#kw-table th[data-col="g2"]')?.getAttribute('aria-sort') === 'descending');
  const g2 = (await tableColumn(page, '#kw-table', 7)).slice(0, 10).map(num);
  assert.deepEqual([...g2].sort((a, b) => b - a), g2);
  assert.ok(g2[0] > 3.84, `top keyword significant: ${g2[0]}`);
  // A subset of two documents.
  await page.selectOption('#kw-scope', 'subset');
  await page.waitForSelector('#kw-subset');
  await page.check('#kw-subset input[type=checkbox] >> nth=1');
  await page.check('#kw-subset input[type=checkbox] >> nth=2');
  await page.waitForFunction(() => !document.querySelector('#kw-table th[data-col="tf_idf"]') && document.querySelector('#kw-table th[data-col="g2"]'));
  // Syllables and 2-grams.
  await page.selectOption('#kw-scope', '');
  await page.selectOption('#kw-unit', 'syllables');
  await page.waitForFunction(() => document.querySelectorAll('#kw-table tbody .term').length > 0 && [...document.querySelectorAll('#kw-table tbody .term')].every((t) => !t.textContent.includes(' ')));
  await page.selectOption('#kw-unit', '2');
  await page.waitForFunction(() => [...document.querySelectorAll('#kw-table tbody .term')].slice(0, 5).every((t) => t.textContent.split(' ').length >= 2));
});

test('the stopword list can be edited and is kept', async () => {
  const page = await suite.open();
  await page.click('[data-tab="keywords"]');
  await page.waitForSelector('#kw-table tbody tr');
  assert.ok((await tableColumn(page, '#kw-table', 1)).includes('đối ngoại'));
  await page.click('.stopwords summary');
  const list = await page.inputValue('#stopwords');
  assert.ok(list.split('\n').includes('của'));
  await page.fill('#stopwords', `${list}\nđối ngoại`);
  await page.click('#stopwords-save');
  await page.waitForFunction(() => ![...document.querySelectorAll('#kw-table tbody .term')].some((t) => t.textContent === 'đối ngoại') && document.querySelectorAll('#kw-table tbody tr').length > 0);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('#doc-list li.doc').length === 5);
  await page.click('[data-tab="keywords"]');
  await page.waitForSelector('#kw-table tbody tr');
  assert.ok(!(await tableColumn(page, '#kw-table', 1)).includes('đối ngoại'));
  await page.click('.stopwords summary');
  await page.click('#stopwords-reset');
  await page.waitForFunction(() => [...document.querySelectorAll('#kw-table tbody .term')].some((t) => t.textContent === 'đối ngoại'));
});

test('Trends: a word across the documents, lines or bars, from the data', async () => {
  const page = await suite.open();
  await page.click('[data-tab="trends"]');
  await page.waitForSelector('#trend-svg g.series');
  await page.fill('#trend-terms', 'đối ngoại, ngoại giao');
  await page.press('#trend-terms', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#trend-svg g.series').length === 2);
  assert.equal(await page.locator('#trend-svg polyline').count(), 2);
  const points = await page.$$eval('#trend-svg g.series[data-term="đối ngoại"] g.point', (ps) => ps.map((p) => Number(p.dataset.value)));
  assert.equal(points.length, 5);
  // Each point is the table's count per 10,000 words of its document.
  const table = await page.$$eval('#trend-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  for (let i = 0; i < 5; i++) {
    const words = num(table[i][1]);
    const count = num(table[i][2].split(' ')[0]);
    assert.ok(Math.abs(points[i] - (count * 1e4) / words) < 0.01, `${points[i]} vs ${count}/${words}`);
  }
  assert.ok(points.some((p) => p > 0));
  await page.click('#trend-bars');
  await page.waitForFunction(() => document.querySelectorAll('#trend-svg g.point rect').length === 10);
  assert.equal(await page.locator('#trend-svg polyline').count(), 0);
  // The chart exports as a standalone SVG and as a PNG.
  const svg = await download(page, '.trends .chart-exports [data-export="svg"]');
  assert.equal(svg.name, 'soi-trends.svg');
  assert.match(svg.text, /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.text.includes('ngoại giao'));
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('.trends .chart-exports [data-export="png"]')]);
  assert.equal(png.suggestedFilename(), 'soi-trends.png');
  const bytes = await fs.readFile(await png.path());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  // Keyboard: the points can be reached with Tab and are labelled.
  const label = await page.getAttribute('#trend-svg g.point >> nth=0', 'aria-label');
  assert.match(label, /đối ngoại — .+: \d/);
});

test('Trends: the legend and the document labels never overlap; labels are titles', async () => {
  // Issue 20.7: rotated file names ran into the legend row below the axis.
  const page = await suite.open();
  await page.click('[data-tab="trends"]');
  await page.waitForSelector('#trend-svg g.series');
  await page.fill('#trend-terms', 'đối ngoại, ngoại giao, hội nhập quốc tế, quan hệ đối tác chiến lược, Đảng');
  await page.press('#trend-terms', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#trend-svg g.series').length === 5);
  const boxes = await page.evaluate(() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return { l: r.left, t: r.top, r: r.right, b: r.bottom }; };
    return {
      svg: box(document.querySelector('#trend-svg')),
      legend: [...document.querySelectorAll('#trend-svg g.legend')].map(box),
      labels: [...document.querySelectorAll('#trend-svg .axis-label')].map(box),
      texts: [...document.querySelectorAll('#trend-svg .axis-label')].map((t) => t.childNodes[t.childNodes.length - 1].textContent),
      titles: [...document.querySelectorAll('#doc-list .doc-title')].map((t) => t.textContent),
    };
  });
  assert.equal(boxes.legend.length, 5);
  assert.equal(boxes.labels.length, 5);
  const meet = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
  for (const [i, g] of boxes.legend.entries()) {
    for (const [j, l] of boxes.labels.entries()) assert.ok(!meet(g, l), `legend ${i} overlaps label ${j}`);
  }
  const inside = (a) => a.l >= boxes.svg.l - 1 && a.r <= boxes.svg.r + 1 && a.t >= boxes.svg.t - 1 && a.b <= boxes.svg.b + 1;
  for (const b of [...boxes.legend, ...boxes.labels]) assert.ok(inside(b), `inside the chart: ${JSON.stringify(b)}`);
  // The documents are named by their titles (cut to fit), not their file names.
  for (const [i, t] of boxes.texts.entries()) {
    const title = boxes.titles[i];
    assert.ok(title.startsWith(t.replace(/…$/, '')), `label ${i} "${t}" is the title "${title}"`);
  }
});

test('Concordance: search, accents, sorting, dispersion, and a hit opens in the Reader', async () => {
  const page = await suite.open();
  await page.click('[data-tab="concordance"]');
  // The view opens on the most frequent word; then the user types their own query.
  await page.waitForSelector('#kwic-total[data-query="đối ngoại"]');
  await page.fill('#kwic-query', 'doi ngoai');
  await page.click('#kwic-search');
  await page.waitForSelector('#kwic-none[data-query="doi ngoai"]');
  await page.check('#kwic-accents');
  await page.waitForSelector('#kwic-total[data-accents="true"]');
  await page.waitForSelector('#kwic-table tbody tr');
  const total = Number(await page.getAttribute('#kwic-total', 'data-total'));
  assert.ok(total >= 100, `${total} hits of đối ngoại`);
  const matches = await page.$$eval('#kwic-table td.match', (ms) => ms.map((m) => m.textContent.toLowerCase()));
  assert.ok(matches.every((m) => m === 'đối ngoại'), matches.slice(0, 5).join(','));
  // Dispersion: a strip per document, hits summing to the total.
  const hits = await page.$$eval('#dispersion-svg g.strip', (gs) => gs.map((g) => Number(g.dataset.hits)));
  assert.equal(hits.length, 5);
  assert.equal(hits.reduce((a, b) => a + b, 0), total);
  // Sorted by right context: the next words are in order.
  await page.selectOption('#kwic-sort', 'right');
  await page.waitForFunction(() => document.querySelector('#kwic-sort').value === 'right');
  await page.waitForTimeout(300);
  const next = await page.$$eval('#kwic-table td.right', (ts) => ts.map((t) => t.textContent.trim().split(/\s+/)[0].toLowerCase()));
  const collator = new Intl.Collator('vi');
  const words = next.filter((w) => /^\p{L}/u.test(w)).map((w) => w.replace(/[^\p{L}]/gu, ''));
  let unordered = 0;
  for (let i = 1; i < words.length; i++) if (collator.compare(words[i - 1], words[i]) > 0) unordered++;
  assert.ok(unordered <= words.length / 20, `right contexts mostly ordered (${unordered} inversions)`);
  // Wildcards.
  await page.fill('#kwic-query', 'ngoại *');
  await page.click('#kwic-search');
  await page.waitForFunction(() => [...document.querySelectorAll('#kwic-table td.match')].some((m) => m.textContent.toLowerCase() === 'ngoại giao'));
  // A hit opens the Reader at its place, marked and focused.
  const row = page.locator('#kwic-table tbody tr').nth(3);
  const matched = await row.locator('.hit').textContent();
  await row.locator('.hit').click();
  await page.waitForSelector('.reader-text .w.hit');
  const marked = await page.$$eval('.reader-text .w.hit', (ws) => ws.map((w) => w.textContent).join(' '));
  assert.ok(marked.toLowerCase().includes(matched.toLowerCase().split(' ')[0]), `${marked} / ${matched}`);
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('hit')));
});

test('Collocates: the table for a word, sortable by each measure, exported', async () => {
  const page = await suite.open();
  await page.click('[data-tab="collocates"]');
  await page.waitForSelector('#coll-table tbody tr');
  await page.fill('#coll-word', 'đối ngoại');
  await page.click('#coll-search');
  await page.waitForSelector('#coll-table tbody tr');
  for (const col of ['observed', 'mi', 't', 'logdice']) {
    await page.click(`#coll-table th[data-col="${col}"] button`);
    await page.waitForFunction((c) => document.querySelector(`#coll-table th[data-col="${c}"]`)?.getAttribute('aria-sort') === 'descending', col);
    const idx = await page.$eval(`#coll-table th[data-col="${col}"]`, (th) => [...th.parentNode.children].indexOf(th));
    const values = (await tableColumn(page, '#coll-table', idx)).map(num);
    assert.deepEqual([...values].sort((a, b) => b - a), values, col);
  }
  const terms = await tableColumn(page, '#coll-table', 1);
  assert.ok(!terms.includes('của') && !terms.includes('và'));
  const csv = parseCsv((await download(page, '#coll-export [data-export="csv"]')).text.replace(/^\uFEFF/, ''));
  assert.equal(csv[0][0], 'collocate');
  assert.equal(csv[1][0], terms[0]);
  // A word not in the corpus says so.
  await page.fill('#coll-word', 'không có từ này');
  await page.click('#coll-search');
  await page.waitForSelector('#coll-none');
  // From a Keywords row to its collocates.
  await page.click('[data-tab="keywords"]');
  await page.waitForSelector('#kw-table tbody tr');
  const term = await page.textContent('#kw-table tbody tr:first-child .term');
  await page.click('#kw-table tbody tr:first-child .to-collocates');
  await page.waitForSelector('#coll-table tbody tr');
  assert.equal(await page.inputValue('#coll-word'), term);
});

test('the overview summarizes the corpus and each document\'s distinctive words', async () => {
  const page = await suite.open();
  const ttr = Number((await page.textContent('[data-stat="ttr"] .stat-value')).replace(',', '.'));
  assert.ok(ttr > 0 && ttr < 1);
  const rows = await page.$$eval('#distinctive tr', (trs) => trs.map((tr) => tr.querySelector('.terms').textContent));
  assert.equal(rows.length, 5);
  assert.ok(rows.every((r) => r.split(' · ').length >= 3), rows.join(' | '));
});
