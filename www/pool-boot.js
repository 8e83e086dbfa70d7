// Boots a pool (analysis) worker: the corpus worker's wasm, marked as a pool worker before it
// starts, so that it serves the corpus worker's analysis tasks instead of owning a corpus.
self.soiPool = true;
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' }).catch((e) => {
  console.error('soi pool worker: failed to start', e);
  // The corpus worker starts another in its place (up to a limit) and sends its documents
  // again.
  self.postMessage({ t: 'crashed' });
});
