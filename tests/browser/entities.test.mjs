// The Entities view and the Reader's entity colours on the sample corpus, used as a person
// would: pick a type, sort, filter, open an entity's mentions and follow one into the Reader,
// click the network and the timeline, export, and add an entity of one's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { pageSuite, waitIdle, dropFiles } from './harness.mjs';

const suite = pageSuite();
const num = (s) => Number(s.replace(/\./g, '').replace(',', '.'));

/** Rows of the entity table as {kind, name, variants, mentions, docs, roles}. */
async function rows(page) {
  return page.$$eval('#ent-table tbody tr', (trs) => trs.map((tr) => ({
    kind: tr.dataset.kind,
    id: tr.dataset.id,
    name: tr.querySelector('.ent-name').textContent,
    variants: tr.querySelector('.variants').textContent,
    mentions: tr.querySelector('[data-col="mentions"]').textContent,
    docs: tr.querySelector('[data-col="docs"]').textContent,
    roles: tr.querySelector('.roles').textContent,
  })));
}

async function openEntities(page) {
  await page.click('[data-tab="entities"]');
  await page.waitForSelector('#ent-table tbody tr');
}

/** Wait for the table to show a new answer (its total or first row changes). */
async function changed(page, before) {
  await page.waitForFunction((b) => {
    const t = document.querySelector('#ent-total')?.dataset.total;
    const first = document.querySelector('#ent-table tbody tr')?.dataset.id;
    return t !== undefined && `${t}/${first}` !== b;
  }, before);
}

const signature = (page) => page.evaluate(() => `${document.querySelector('#ent-total')?.dataset.total}/${document.querySelector('#ent-table tbody tr')?.dataset.id}`);

async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), text: await fs.readFile(await d.path(), 'utf8') };
}

test('Entities: persons with their titles, bodies, places, dates; by type, sorted, filtered', async () => {
  const page = await suite.open();
  await openEntities(page);
  const all = await rows(page);
  const by = (name) => all.find((r) => r.name === name);
  // The most named: the party's foreign-relations commission, the 13th congress in all its
  // spellings, the General Secretary with his title.
  assert.ok(by('Ban Đối ngoại Trung ương')?.kind === 'ORG');
  const congress = by('Đại hội XIII');
  assert.equal(congress?.kind, 'EVENT');
  for (const v of ['Đại hội 13 của Đảng', 'Đại hội Đảng lần thứ XIII']) assert.ok(congress.variants.includes(v), congress.variants);
  assert.match(by('Nguyễn Phú Trọng')?.roles ?? '', /Tổng Bí thư/);
  assert.match(by('Bùi Thanh Sơn')?.roles ?? '', /Bộ trưởng Bộ Ngoại giao/);
  assert.equal(by('Việt Nam')?.kind, 'LOC');
  assert.equal(Number(by('Việt Nam').docs), 5);
  // Mentions, most first.
  const mentions = all.map((r) => num(r.mentions));
  assert.deepEqual([...mentions].sort((a, b) => b - a), mentions);
  // No numbers or titles among the names.
  assert.ok(all.every((r) => !['NUMBER', 'ROLE', 'QUANTITY'].includes(r.kind)));

  // One type: persons.
  let sig = await signature(page);
  await page.click('#ent-types [data-kind="PER"]');
  await changed(page, sig);
  const persons = await rows(page);
  assert.ok(persons.length >= 10 && persons.every((r) => r.kind === 'PER'));
  const withTitle = persons.filter((r) => r.roles.trim() !== '').map((r) => r.name);
  for (const p of ['Nguyễn Phú Trọng', 'Bùi Thanh Sơn', 'Phạm Minh Chính', 'Nguyễn Xuân Phúc', 'Võ Văn Thưởng', 'Phan Đình Trạc', 'Hoàng Bình Quân', 'Nguyễn Bá Dũng']) {
    assert.ok(withTitle.includes(p), `${p} with a title: ${withTitle}`);
  }
  // Dates: ISO forms; "ngày 23/12" is a date, never a place.
  sig = await signature(page);
  await page.click('#ent-types [data-kind="DATE"]');
  await changed(page, sig);
  const dates = await rows(page);
  assert.ok(dates.some((r) => r.name === '2021-12-14' && r.variants.includes('14/12/2021')), JSON.stringify(dates));
  assert.ok(dates.some((r) => r.variants.includes('23/12')));
  sig = await signature(page);
  await page.click('#ent-types [data-kind="LOC"]');
  await changed(page, sig);
  const forms = (r) => r.variants.split(' · ').map((v) => v.replace(/ ×\d+$/, ''));
  assert.ok((await rows(page)).every((r) => forms(r).every((v) => !/\d/.test(v))));

  // Sorted by name, the Vietnamese way; filtered without accents.
  sig = await signature(page);
  await page.click('#ent-types [data-kind=""]');
  await changed(page, sig);
  await page.click('#ent-table th[data-col="name"] button');
  await page.waitForFunction(() => document.querySelector('#ent-table th[data-col="name"]')?.getAttribute('aria-sort') === 'ascending');
  const names = (await rows(page)).map((r) => r.name);
  const collator = new Intl.Collator('vi');
  const sorted = [...names].sort(collator.compare);
  assert.equal(names.filter((n, i) => n !== sorted[i]).length <= names.length / 10, true, names.join(', '));
  sig = await signature(page);
  await page.fill('#ent-filter', 'ngoai giao');
  await page.press('#ent-filter', 'Enter');
  await changed(page, sig);
  const filtered = (await rows(page)).map((r) => r.name);
  assert.ok(filtered.includes('Bộ Ngoại giao'), filtered.join(', '));
  const matches = await page.$$eval('#ent-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(matches.every((t) => /ngoại giao/i.test(t)), matches.join(' / '));
});

test('Entities: an entity’s mentions in context open in the Reader, coloured by type', async () => {
  const page = await suite.open();
  await openEntities(page);
  const row = page.locator('#ent-table tbody tr', { has: page.locator('.ent-name', { hasText: /^Nguyễn Phú Trọng$/ }) });
  const total = num(await row.locator('[data-col="mentions"]').textContent());
  await row.locator('.ent-name').click();
  await page.waitForSelector('#ent-selected #ent-mentions tbody tr');
  assert.equal(Number(await page.getAttribute('#ent-selected', 'data-mentions')), total);
  const matched = await page.$$eval('#ent-mentions .hit', (hs) => hs.map((h) => h.textContent));
  assert.equal(matched.length, Math.min(total, 50));
  assert.ok(matched.every((m) => ['Nguyễn Phú Trọng', 'Trọng', 'Phú Trọng'].includes(m)), matched.join(', '));
  // Named with him: the commission he worked with.
  assert.match(await page.textContent('.named-with'), /Ban Đối ngoại Trung ương/);
  // The network centres on him.
  assert.equal(await page.getAttribute('#network-svg g.node >> nth=0', 'aria-pressed'), 'true');

  // Follow a mention into the Reader: marked, focused, inside a PER mark.
  await page.click('#ent-mentions .hit >> nth=0');
  await page.waitForSelector('.reader-text .w.hit');
  const mark = await page.evaluate(() => {
    const hit = document.querySelector('.reader-text .w.hit');
    const m = hit.closest('mark.ent');
    return m && { type: m.dataset.type, canonical: m.dataset.canonical, focused: document.activeElement === hit };
  });
  assert.deepEqual(mark, { type: 'PER', canonical: 'Nguyễn Phú Trọng', focused: true });
  // The Reader colours every type; the title before the name is a ROLE, not part of it.
  const marks = await page.$$eval('.reader-text mark.ent', (ms) => ms.map((m) => [m.dataset.type, m.textContent]));
  assert.ok(marks.some(([t, s]) => t === 'ROLE' && s === 'Tổng Bí thư'));
  assert.ok(marks.some(([t, s]) => t === 'ORG' && s === 'Ban Đối ngoại Trung ương'));
  assert.ok(!marks.some(([t, s]) => t === 'LOC' && /\d/.test(s)));
  // Highlights never change the text.
  const textBefore = await page.textContent('.reader-text');
  await page.click('#toggle-entities');
  await page.waitForFunction(() => !document.querySelector('.reader-text mark.ent'));
  assert.equal(await page.textContent('.reader-text'), textBefore);
  await page.click('#toggle-entities');
  await page.waitForSelector('.reader-text mark.ent');
});

test('Entities: network and timeline answer clicks; tables and charts export', async () => {
  const page = await suite.open();
  await openEntities(page);
  // The network: the most named entities, edges between named nodes, weights positive.
  const nodes = await page.$$eval('#network-svg g.node', (gs) => gs.map((g) => g.dataset.id));
  assert.ok(nodes.length >= 10 && nodes.length <= 30, `${nodes.length} nodes`);
  const weights = await page.$$eval('#network-svg line.edge', (ls) => ls.map((l) => Number(l.dataset.weight)));
  assert.ok(weights.length > 0 && weights.every((w) => w > 0));
  // Keyboard: Enter on a node selects it.
  await page.focus('#network-svg g.node >> nth=1');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#ent-selected');
  const picked = await page.getAttribute('#ent-selected', 'data-id');
  assert.equal(picked, nodes[1]);
  // Paragraphs as the unit: at least as many pairs as sentences.
  const sentencePairs = await download(page, '#pairs-export [data-export="csv"]');
  await page.selectOption('#ent-unit', 'paragraph');
  await page.waitForFunction(() => document.querySelector('#ent-unit')?.value === 'paragraph' && document.querySelector('#network-svg'));
  const paragraphPairs = await download(page, '#pairs-export [data-export="csv"]');
  const lines = (t) => t.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.deepEqual(lines(sentencePairs.text)[0].split(','), ['type_a', 'entity_a', 'type_b', 'entity_b', 'sentences']);
  assert.deepEqual(lines(paragraphPairs.text)[0].split(','), ['type_a', 'entity_a', 'type_b', 'entity_b', 'paragraphs']);
  assert.ok(lines(paragraphPairs.text).length >= lines(sentencePairs.text).length);

  // The timeline: its bars add up to the dated mentions; a bar filters the dates.
  const bars = await page.$$eval('#timeline-svg g.bar', (gs) => gs.map((g) => [g.dataset.period, Number(g.dataset.mentions)]));
  const dated = bars.reduce((a, b) => a + b[1], 0);
  assert.ok(dated > 0);
  assert.equal(Number(await page.getAttribute('#timeline-note', 'data-dated')), dated);
  assert.match(await page.textContent('#timeline-note'), new RegExp(`^${dated} `));
  const [period] = bars.find((b) => b[1] > 0);
  const sig = await signature(page);
  await page.click(`#timeline-svg g.bar[data-period="${period}"]`);
  await changed(page, sig);
  const dateRows = await rows(page);
  assert.ok(dateRows.length > 0 && dateRows.every((r) => r.kind === 'DATE' && r.name.startsWith(period)), JSON.stringify(dateRows));

  // The table as CSV: every row, same numbers as the page.
  await page.click('#ent-types [data-kind=""]');
  await page.fill('#ent-filter', '');
  await page.press('#ent-filter', 'Enter');
  await page.waitForFunction(() => document.querySelector('#ent-types [data-kind=""]')?.getAttribute('aria-pressed') === 'true' && !document.querySelector('#ent-filter').value);
  await page.waitForSelector('#ent-table tbody tr');
  const shown = await rows(page);
  const csv = await download(page, '#ent-export [data-export="csv"]');
  assert.equal(csv.name, 'soi-entities.csv');
  const body = lines(csv.text);
  assert.equal(body[0], 'type,canonical,mentions,documents,variants,roles,expansion,inferred');
  assert.equal(body.length - 1, Number(await page.getAttribute('#ent-total', 'data-total')));
  const json = JSON.parse((await download(page, '#ent-export [data-export="json"]')).text);
  for (let i = 0; i < Math.min(shown.length, 20); i++) {
    assert.equal(json[i].canonical, shown[i].name);
    assert.equal(json[i].mentions, num(shown[i].mentions));
    assert.equal(json[i].documents, num(shown[i].docs));
  }
  // Charts as SVG.
  const svg = await download(page, '#network-svg ~ * [data-export="svg"], figure:has(#network-svg) [data-export="svg"]');
  assert.match(svg.text, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
});

test('Entities: your own entries are used, kept across a reload, and bad lines are named', async () => {
  const page = await suite.open();
  await openEntities(page);
  // "Vạn Thịnh Phát" (a company in the sample) is not a known organization.
  let all = await rows(page);
  assert.ok(!all.some((r) => r.name === 'Vạn Thịnh Phát' && r.kind === 'ORG'));
  await page.click('#ent-entries-panel summary');
  await page.fill('#ent-entries', 'ORG Vạn Thịnh Phát\nthis is not an entry\n# a comment');
  await page.click('#ent-entries-save');
  await page.waitForSelector('#ent-entry-errors');
  assert.match(await page.textContent('#ent-entry-errors'), /2: this is not an entry/);
  await waitIdle(page);
  await page.fill('#ent-filter', 'van thinh');
  await page.press('#ent-filter', 'Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('#ent-table tbody tr')].some((tr) => tr.dataset.kind === 'ORG' && tr.querySelector('.ent-name').textContent === 'Vạn Thịnh Phát'));
  await page.reload();
  await waitIdle(page, 5);
  await openEntities(page);
  await page.fill('#ent-filter', 'van thinh');
  await page.press('#ent-filter', 'Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('#ent-table tbody tr')].some((tr) => tr.dataset.kind === 'ORG'));
  assert.match(await page.inputValue('#ent-entries'), /ORG Vạn Thịnh Phát/);
});

test('Entities: a dropped document adds its entities; removing it takes them away', async () => {
  const page = await suite.open();
  await openEntities(page);
  const text = 'Hà Nội, ngày 3/3/2024\n\nSáng 2/3, Thủ tướng Phạm Minh Chính tiếp Bộ trưởng Ngoại giao Australia Penny Wong tại Trụ sở Chính phủ. <img src=x onerror=alert(1)>';
  await dropFiles(page, [{ name: 'wong.txt', text }]);
  await waitIdle(page, 6);
  await page.fill('#ent-filter', 'Penny');
  await page.press('#ent-filter', 'Enter');
  await page.waitForFunction(() => document.querySelector('#ent-table tbody tr .ent-name')?.textContent === 'Penny Wong');
  const wong = (await rows(page))[0];
  assert.equal(wong.kind, 'PER');
  assert.match(wong.roles, /Bộ trưởng Ngoại giao/);
  // "ngày 2/3" takes the year of the dateline.
  await page.fill('#ent-filter', '2024-03-02');
  await page.press('#ent-filter', 'Enter');
  await page.waitForFunction(() => document.querySelector('#ent-table tbody tr .ent-name')?.textContent === '2024-03-02');
  // Remove it again.
  await page.click('#doc-list li.doc:last-child .doc-remove');
  await waitIdle(page, 5);
  await page.fill('#ent-filter', 'Penny');
  await page.press('#ent-filter', 'Enter');
  await page.waitForSelector('#ent-none');
});
