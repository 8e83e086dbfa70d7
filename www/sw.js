// Soi's service worker: keeps the app shell so the page loads and works offline.
//
// BUILD and SHELL are filled in at build time by .ci/stamp-sw.mjs (a trunk post-build hook):
// BUILD is a hash of every file of the build, SHELL the list of those files. A new
// deployment therefore has a new sw.js, which the browser installs beside the old one; the
// page then offers "a new version is ready — reload", and on reload the new worker takes over
// and deletes the old cache.
const BUILD = '__SOI_BUILD__';
const SHELL = ['__SOI_SHELL__'];
const CACHE = `soi-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('soi-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  // Only this origin's own files; the page never asks for anything else.
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = req.mode === 'navigate' ? './' : req;
    const hit = await cache.match(key, { ignoreSearch: true });
    if (!hit) return fetch(req);
    // A worker's location is its response's URL: the cached one lacks the query the page
    // started it with (worker-boot.js?pool=N), so hand it over as a fresh response, which
    // keeps the request's URL.
    return url.search && req.mode !== 'navigate' ? new Response(hit.body, hit) : hit;
  })());
});
