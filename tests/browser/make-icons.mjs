// Renders www/icon.svg to the PNG icons the web manifest lists (192 and 512 px).
// Run once after changing the SVG: node tests/browser/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, launch } from './harness.mjs';

const svg = fs.readFileSync(path.join(ROOT, 'www', 'icon.svg'), 'utf8');
const browser = await launch();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    const out = path.join(ROOT, 'www', `icon-${size}.png`);
    await page.screenshot({ path: out, omitBackground: true });
    console.log(`wrote ${out}`);
    await page.close();
  }
} finally {
  await browser.close();
}
