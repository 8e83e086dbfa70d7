// Every view stays inside the window from 1024 to 1920 px wide, and a phone (390 px) gets a
// page that stacks and does not scroll sideways, with a document list that folds away.
// Element boxes are compared with the viewport as a person would see them (issue 20.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageSuite, waitIdle } from './harness.mjs';

const suite = pageSuite();

const TABS = ['overview', 'normalization', 'keywords', 'trends', 'concordance', 'collocates', 'entities', 'reader'];

/** Fill in what a view needs to show its widest content, then wait until it is there. */
async function show(page, tab) {
  if (tab === 'reader') {
    await page.locator('#doc-list li.doc .doc-open').first().click();
    await page.waitForSelector('.reader-text p');
    return;
  }
  await page.click(`[data-tab="${tab}"]`);
  if (tab === 'concordance') {
    await page.fill('#kwic-query', 'đối ngoại');
    await page.press('#kwic-query', 'Enter');
    await page.waitForSelector('#kwic-table tbody tr');
  } else if (tab === 'keywords') {
    await page.waitForSelector('#kw-table tbody tr');
  } else if (tab === 'trends') {
    await page.waitForSelector('#trend-svg g.series');
  } else if (tab === 'entities') {
    await page.waitForSelector('#ent-table tbody tr');
  }
  await waitIdle(page);
  await page.waitForTimeout(200);
}

/** What of the page is not inside the window: elements past its right edge (the inside of
 *  a scrolling table excepted: it scrolls), and whether the page itself scrolls sideways. */
async function outside(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')]
      .filter((el) => !el.closest('.table-wrap') || el.classList.contains('table-wrap'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1);
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} → ${Math.round(el.getBoundingClientRect().right)}`);
    return { width, scroll: document.documentElement.scrollWidth, out: out.slice(0, 10) };
  });
}

for (const width of [1024, 1440, 1920]) {
  test(`every view stays inside a ${width} px window`, async () => {
    const page = await suite.open({ context: { viewport: { width, height: 900 } } });
    for (const tab of TABS) {
      await show(page, tab);
      const o = await outside(page);
      assert.deepEqual(o.out, [], `${tab} at ${width}px`);
      assert.ok(o.scroll <= o.width, `${tab}: the page scrolls sideways (${o.scroll} > ${o.width})`);
    }
    // The Concordance's contexts, sort and exports are on screen, not behind a scroll.
    await show(page, 'concordance');
    const wrap = await page.$eval('#kwic-table', (t) => {
      const w = t.closest('.table-wrap');
      return { scroll: w.scrollWidth, client: w.clientWidth };
    });
    assert.ok(wrap.scroll <= wrap.client + 1, `the concordance table fits (${wrap.scroll} > ${wrap.client})`);
    for (const sel of ['#kwic-sort', '#kwic-export', '#kwic-table th:last-child']) {
      const r = await page.$eval(sel, (el) => el.getBoundingClientRect().right);
      assert.ok(r <= width, `${sel} ends at ${r}, inside ${width}`);
    }
  });
}

test('on a 390 px phone the page stacks, does not scroll sideways, and the document list folds', async () => {
  const page = await suite.open({ context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
  for (const tab of ['overview', 'keywords', 'concordance', 'entities']) {
    await show(page, tab);
    const o = await outside(page);
    assert.deepEqual(o.out, [], `${tab} at 390px`);
    assert.ok(o.scroll <= o.width, `${tab}: the page scrolls sideways (${o.scroll} > ${o.width})`);
  }
  // Stacked: the views below the document list, not beside it.
  // Positions in the page, not the window (the page may have scrolled).
  const at = (sel) => page.$eval(sel, (el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY };
  });
  const side = await at('.sidebar');
  const main = await at('.main');
  assert.ok(main.top >= side.bottom - 1, 'the views come after the document list');
  // Folding the list brings the views up.
  await page.click('#doc-box > summary');
  assert.equal(await page.$eval('#doc-box', (d) => d.open), false);
  const folded = (await at('.main')).top;
  assert.ok(folded < main.top - 100, `the views move up when the list folds (${folded} vs ${main.top})`);
});
