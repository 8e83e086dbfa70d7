// Boots the analysis worker: trunk emits the worker's wasm-bindgen glue as a classic
// (no-modules) script that defines `wasm_bindgen`; load it, then its wasm.
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' }).catch((e) => {
  console.error('soi worker: failed to start', e);
});
