// Starts the page's wasm and the service worker. A file of its own (not trunk's injected
// inline script) so the Content-Security-Policy can forbid inline scripts.
import init from './app.js';

init({ module_or_path: './app_bg.wasm' }).catch((e) => {
  console.error('soi: the app failed to start', e);
  document.body.textContent = 'Soi could not start: ' + e;
});

// Offline support. When a new build is installed while this page runs, the app shows
// "a new version is ready — reload" (it listens for `soi-update-ready`); its Reload button
// sends `soi-apply-update`, the waiting worker takes over and the page reloads once.
if ('serviceWorker' in navigator) {
  let applying = false;
  const announce = (worker) => {
    window.__soiWaiting = worker;
    window.dispatchEvent(new Event('soi-update-ready'));
  };
  navigator.serviceWorker.register('./sw.js').then((reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) announce(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) announce(worker);
      });
    });
  }).catch((e) => console.warn('soi: no offline support:', e));
  window.addEventListener('soi-apply-update', () => {
    applying = true;
    if (window.__soiWaiting) window.__soiWaiting.postMessage('SKIP_WAITING');
    else location.reload();
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The first install also changes the controller (clients.claim): reload only for updates.
    if (applying) location.reload();
  });
}
