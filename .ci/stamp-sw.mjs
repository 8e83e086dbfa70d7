// Trunk post-build hook: writes the build's file list and a hash of their contents into the
// staged sw.js, so every deployment that changes any file gets a new service worker (and a
// new cache), and the worker pre-caches exactly the files the build produced.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run me from trunk');

const files = [];
(function walk(sub) {
  for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) walk(rel);
    else if (rel !== 'sw.js' && !rel.endsWith('.md')) files.push(rel);
  }
})('');
files.sort();
const hash = crypto.createHash('sha256');
for (const f of files) {
  hash.update(f);
  hash.update(fs.readFileSync(path.join(dir, f)));
}
const build = hash.digest('hex').slice(0, 16);
const shell = ['./', ...files.map((f) => `./${f}`)];
const swPath = path.join(dir, 'sw.js');
const sw = fs.readFileSync(swPath, 'utf8')
  .replace("'__SOI_BUILD__'", JSON.stringify(build))
  .replace("['__SOI_SHELL__']", JSON.stringify(shell));
fs.writeFileSync(swPath, sw);
console.log(`sw.js: build ${build}, ${shell.length} files`);
