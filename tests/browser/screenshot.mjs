// Writes www/screenshot.png (the README's picture): the page with the sample corpus analyzed.
// Run: node tests/browser/screenshot.mjs (after trunk build).
import path from 'node:path';
import { ROOT, serve, launch, openPage, waitIdle } from './harness.mjs';

const server = await serve();
const browser = await launch();
try {
  const { page } = await openPage(browser, server.url, { context: { viewport: { width: 1280, height: 860 } } });
  await waitIdle(page, 5);
  const out = process.argv[2] || path.join(ROOT, 'www', 'screenshot.png');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
