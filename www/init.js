// Starts the page's wasm. A file of its own (not trunk's injected inline script) so the
// Content-Security-Policy can forbid inline scripts.
import init from './app.js';

init({ module_or_path: './app_bg.wasm' }).catch((e) => {
  console.error('soi: the app failed to start', e);
  document.body.textContent = 'Soi could not start: ' + e;
});
