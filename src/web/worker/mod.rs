//! The analysis worker: owns the corpus, keeps it in IndexedDB, and runs every job in
//! bounded slices.
//!
//! The job queue itself is [`crate::web::jobs`]; this module is its browser side: it reads
//! `File` slices with `FileReaderSync` (so the page never holds their bytes), posts the
//! queue's responses, runs a tick from a zero timeout while jobs remain, and writes what the
//! queue asks to store. Requests that change nothing are answered here from the corpus.
//!
//! Persistence ([`store`]): a document is written once it decoded as text, in its own
//! transaction; a failure is reported by name and leaves earlier records intact. After every
//! write the worker says "changed" on a `BroadcastChannel`; the workers of other tabs then
//! re-read the store's keys and add or drop documents to match, so tabs stay in sync.
//!
//! Analysis itself runs in a [`pool`] of workers beside this one, one per core, while this
//! one reads files, settles duplicates and merges finished documents in order; the same
//! wasm, started from `pool-boot.js`, is a pool worker instead ([`start`] tells them apart).
//! `?pool=N` on the page's address sets the pool's size (0: analyze here, as before).

use crate::web::console::{console_error, console_warn};
mod pool;
pub mod store;

use crate::corpus::{Corpus, DocId};
use crate::ingest::Encoding;
use crate::protocol::{export, views, JobId, Request, Response, SaveFailure, Settings};
use crate::web::jobs::{Host, Queue, SELF_JOB};
use crate::words::stopwords::Stopwords;
use crate::words::UserDict;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use store::{MetaKey, SaveError, Store, StoredDoc};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Blob, BroadcastChannel, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

/// The channel on which the workers of all open tabs announce store changes.
const CHANNEL: &str = "soi-store";

/// The queue's [`Host`] in a dedicated worker.
struct Browser {
    scope: DedicatedWorkerGlobalScope,
    pool: pool::Slots,
}

impl Host for Browser {
    type File = Blob;

    fn now(&mut self) -> f64 {
        now(&self.scope)
    }

    fn size(&self, file: &Blob) -> u64 {
        file.size() as u64
    }

    fn read(&mut self, file: &Blob, start: u64, end: u64) -> Result<Vec<u8>, String> {
        read_slice(file, start as f64, end as f64)
    }

    fn post(&mut self, response: &Response) {
        post(&self.scope, response);
    }

    fn new_key(&mut self) -> String {
        store::new_key()
    }

    fn stamp(&mut self) -> f64 {
        store::stamp()
    }

    fn file_of(&mut self, bytes: &[u8]) -> Blob {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        // A Blob of a byte array cannot fail to be made but for lack of memory; an empty
        // one then reads as an empty document, refused by name.
        Blob::new_with_u8_array_sequence(&parts)
            .unwrap_or_else(|_| Blob::new().unwrap_or_else(|_| JsValue::NULL.unchecked_into()))
    }

    fn pool_size(&self) -> usize {
        self.pool.size()
    }

    fn pool_ready(&self, w: usize) -> bool {
        self.pool.ready(w)
    }

    fn dispatch(&mut self, w: usize, task: crate::web::jobs::Task<'_>) {
        self.pool.send(w, task);
    }
}

struct Worker {
    host: Browser,
    queue: Queue<Blob>,
    /// A tick is waiting in a timeout.
    scheduled: bool,
    store: Option<Rc<Store>>,
    channel: Option<BroadcastChannel>,
    /// The user dictionary, as entered and parsed.
    dictionary: (Vec<String>, UserDict),
    /// The user's entity entries, as entered.
    entity_lines: String,
}

type Shared = Rc<RefCell<Worker>>;

thread_local! {
    static MODEL_LOAD_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(f64::NAN) };
}

/// How long loading the embedded word segmentation model (model + lexicon) took, in ms.
/// Exported for the in-browser benchmark (`tests/browser/bench.mjs`).
#[wasm_bindgen]
pub fn segmenter_load_ms() -> f64 {
    MODEL_LOAD_MS.with(|c| c.get())
}

/// Bytes of the worker's wasm memory (what the analyzed corpus costs the tab). Exported for
/// the in-browser benchmark.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// Start listening; called by the worker binary's `main`.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // Load the segmenter now, while the page starts, not on the first document.
    let t0 = now(&scope);
    crate::wordseg::Segmenter::embedded();
    MODEL_LOAD_MS.with(|c| c.set(now(&scope) - t0));
    // pool-boot.js marks a pool worker before it loads the wasm.
    let pooled =
        js_sys::Reflect::get(&scope, &JsValue::from_str("soiPool")).is_ok_and(|v| v.is_truthy());
    if pooled {
        crate::entities::Recognizer::embedded();
        return pool::serve(scope);
    }
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.to_string();
            console_error(&format!("soi worker panicked: {message}"));
            post(&scope, &Response::Crashed { message });
        }));
    }
    let size = pool_size(&scope);
    let worker: Shared = Rc::new(RefCell::new(Worker {
        host: Browser {
            scope,
            pool: pool::Slots::new(size),
        },
        queue: Queue::new(),
        scheduled: false,
        store: None,
        channel: None,
        dictionary: (Vec::new(), UserDict::default()),
        entity_lines: String::new(),
    }));
    {
        let on = pool_handler(&worker);
        let slots = &mut worker.borrow_mut().host.pool;
        for w in 0..size {
            slots.start(w, on.clone());
        }
    }
    // Messages that arrive while the store opens wait in the event queue: the handler is set
    // only after the stored corpus is queued, so a request never races the restore.
    spawn_local(async move {
        let store = Store::open().await;
        if let Err(e) = &store {
            console_warn(&format!(
                "soi worker: IndexedDB unavailable, nothing will be stored: {e}"
            ));
        }
        let store = store.ok().map(Rc::new);
        let stored = Stored::load(store.as_deref()).await;
        let initialized = stored.initialized;
        worker.borrow_mut().resume(store, stored);
        if !initialized {
            reset_sample(&worker, SELF_JOB);
        }
        install_handlers(&worker);
        report_storage(&worker);
        schedule(&worker);
    });
}

/// How many pool workers to start: `?pool=N` on the worker's address (the page passes its
/// own on), else one per core, at least 1 and at most [`pool::MAX_POOL`].
/// Whether the pool starts without `?pool=N` on the page.
const POOL_BY_DEFAULT: bool = false;

fn pool_size(scope: &DedicatedWorkerGlobalScope) -> usize {
    let search = scope.location().search();
    let asked = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix("pool="))
        .and_then(|n| n.parse::<usize>().ok());
    let cores = scope.navigator().hardware_concurrency() as usize;
    // Opt-in (`?pool=N`) until a 20,000-row CSV through the pool no longer stalls the page
    // (CI's records bench: Trends by month 1.4 s → 42 s); then every core by default.
    let default = if POOL_BY_DEFAULT { cores.max(1) } else { 0 };
    asked.unwrap_or(default).min(pool::MAX_POOL)
}

/// What to do with a pool worker's answers (see [`pool::Slots::start`]).
fn pool_handler(worker: &Shared) -> impl Fn(usize, u32, pool::Answer) + Clone + 'static {
    let worker = worker.clone();
    move |w, generation, answer| on_pool(&worker, w, generation, answer)
}

fn on_pool(worker: &Shared, w: usize, generation: u32, answer: pool::Answer) {
    let saves = {
        let k = &mut *worker.borrow_mut();
        if !k.host.pool.current(w, generation) {
            // From a worker already replaced.
            return;
        }
        match answer {
            pool::Answer::Ready => {
                pool::count_ready(w);
                k.host.pool.started(w);
                k.queue.pool_changed(&mut k.host);
                Vec::new()
            }
            pool::Answer::Prepared(task, result, ms) => {
                k.queue.pool_prepared(&mut k.host, task, result, ms)
            }
            pool::Answer::Done(task, result) => {
                if result.is_ok() {
                    pool::count_work(w);
                }
                k.queue.pool_done(&mut k.host, task, result.map(|a| *a));
                Vec::new()
            }
            pool::Answer::Died => {
                // Its replacement first, so that the pool is not empty meanwhile (an empty
                // pool refuses what waits for it).
                k.host.pool.stop(w);
                k.host.pool.start(w, pool_handler(worker));
                k.queue.pool_failed(&mut k.host, w);
                Vec::new()
            }
        }
    };
    for doc in saves {
        save(worker, doc);
    }
    schedule(worker);
}

/// What the store holds when the worker starts.
#[derive(Default)]
struct Stored {
    settings: Option<Settings>,
    dictionary: Vec<String>,
    stopwords: Option<String>,
    entity_entries: Option<String>,
    /// A corpus was stored once (so an emptied corpus stays empty).
    initialized: bool,
    docs: Vec<StoredDoc>,
}

impl Stored {
    async fn load(store: Option<&Store>) -> Stored {
        let Some(s) = store else {
            return Stored::default();
        };
        let settings = s
            .meta(MetaKey::Settings)
            .await
            .and_then(|v| v.as_string())
            .and_then(|j| serde_json::from_str::<Settings>(&j).ok());
        let initialized = s.meta(MetaKey::Initialized).await.is_some();
        let docs = if initialized {
            s.load_docs().await.unwrap_or_else(|e| {
                console_error(&format!("soi worker: cannot read the stored corpus: {e}"));
                Vec::new()
            })
        } else {
            Vec::new()
        };
        Stored {
            settings,
            dictionary: s.dictionary().await,
            stopwords: s.meta(MetaKey::Stopwords).await.and_then(|v| v.as_string()),
            entity_entries: s
                .meta(MetaKey::EntityEntries)
                .await
                .and_then(|v| v.as_string()),
            initialized,
            docs,
        }
    }
}

impl Worker {
    /// Take up what was stored, tell the page, and queue the stored corpus.
    fn resume(&mut self, store: Option<Rc<Store>>, stored: Stored) {
        let Stored {
            settings,
            dictionary,
            stopwords,
            entity_entries,
            initialized,
            docs,
        } = stored;
        let persistent = store.is_some();
        self.store = store;
        self.queue.persistent = persistent;
        self.channel = BroadcastChannel::new(CHANNEL).ok();
        if let Some(s) = &settings {
            self.queue.settings = s.clone();
        }
        self.dictionary = (dictionary.clone(), UserDict::parse(&dictionary.join("\n")));
        let lines = entity_entries.unwrap_or_default();
        self.host.pool.configure(dictionary.clone(), lines.clone());
        let corpus = &mut self.queue.corpus;
        corpus.dictionary = self.dictionary.1.clone();
        if let Some(list) = &stopwords {
            corpus.stopwords = Stopwords::parse(list);
        }
        let view = stopwords_view(corpus);
        self.host.post(&view);
        let errors = self.queue.corpus.set_entity_entries(&lines);
        self.host.post(&entity_entries_view(lines.clone(), &errors));
        self.entity_lines = lines;
        self.host.post(&Response::Ready {
            settings,
            persistent,
            dictionary,
        });
        if initialized {
            self.queue.restore(&mut self.host, docs);
        }
    }

    fn post(&self, r: &Response) {
        post(&self.host.scope, r);
    }
}

fn install_handlers(worker: &Shared) {
    let w = worker.borrow();
    let handler = {
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| on_message(&worker, e))
    };
    w.host
        .scope
        .set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handlers are never dropped.
    handler.forget();
    if let Some(channel) = &w.channel {
        let on_change = {
            let worker = worker.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |_| sync_from_store(&worker))
        };
        channel.set_onmessage(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
    }
}

fn post(scope: &DedicatedWorkerGlobalScope, r: &Response) {
    match serde_wasm_bindgen::to_value(r) {
        Ok(v) => {
            if let Err(e) = scope.post_message(&v) {
                console_error(&format!("soi worker: postMessage failed: {e:?}"));
            }
        }
        Err(e) => console_error(&format!("soi worker: cannot serialize a response: {e}")),
    }
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

/// A message's request and the `File`s that came with it.
fn request_of(e: &MessageEvent) -> Option<(Request, JsValue)> {
    let data = e.data();
    let (req, files) = if let Some(arr) = data.dyn_ref::<js_sys::Array>() {
        (arr.get(0), arr.get(1))
    } else {
        (data, JsValue::UNDEFINED)
    };
    match serde_wasm_bindgen::from_value(req) {
        Ok(r) => Some((r, files)),
        Err(e) => {
            console_error(&format!("soi worker: bad request: {e}"));
            None
        }
    }
}

fn on_message(worker: &Shared, e: MessageEvent) {
    let Some((req, files)) = request_of(&e) else {
        return;
    };
    match req {
        Request::AddFiles { job, names } => add_files(worker, job, names, files),
        Request::AddText { job, name, text } => {
            let w = &mut *worker.borrow_mut();
            w.queue.add_text(&mut w.host, job, name, text);
        }
        Request::ResetSample { job } => reset_sample(worker, job),
        Request::Remove { doc } => remove(worker, doc),
        Request::Cancel { job } => cancel(worker, job),
        Request::SetDictionary { entries } => set_dictionary(worker, entries),
        Request::SaveSettings { settings } => save_settings(worker, settings),
        Request::SetEncoding { doc, encoding } => {
            let encoding = encoding.as_deref().and_then(Encoding::from_label);
            reanalyze(worker, Some((doc, encoding)));
        }
        Request::SetEntityEntries { lines } => set_entity_entries(worker, lines),
        Request::SetStopwords { words } => set_stopwords(worker, words),
        Request::SetColumns { job, columns } => {
            worker.borrow_mut().queue.set_columns(job, columns);
        }
        Request::SetDate { doc, date } => {
            let date = date.as_deref().and_then(crate::ingest::dates::parse_date);
            let record = {
                let w = &mut *worker.borrow_mut();
                w.queue.set_date(&mut w.host, doc, date)
            };
            if let Some(r) = record {
                save(worker, r);
            }
        }
        query => {
            let w = worker.borrow();
            if let Some(r) = answer(&w, query) {
                w.post(&r);
            }
        }
    }
    schedule(worker);
}

/// The answer to a request that only reads the corpus (a view, an export); `None` for a
/// document that is gone, or a request [`on_message`] handles.
fn answer(w: &Worker, req: Request) -> Option<Response> {
    let corpus = &w.queue.corpus;
    Some(match req {
        Request::Read { doc, page } => {
            Response::Page(views::reader_page(corpus, doc, page, &w.dictionary.1)?)
        }
        Request::Normalization { doc, page } => {
            Response::Normalization(views::normalization(corpus, doc, page)?)
        }
        Request::Keywords(q) => Response::Keywords(crate::query::keywords(corpus, &q)),
        Request::Trends { terms } => Response::Trends(crate::query::trends(corpus, &terms)),
        Request::PeriodTrends(q) => Response::PeriodTrends(crate::query::time::period_trends(
            corpus, &q.terms, q.by, &q.within,
        )),
        Request::WhatIsNew(q) => Response::WhatIsNew(crate::query::time::what_is_new(corpus, &q)),
        Request::Kwic(q) => {
            let t0 = now(&w.host.scope);
            let mut v = crate::query::kwic(corpus, &q);
            v.elapsed_ms = now(&w.host.scope) - t0;
            Response::Kwic(v)
        }
        Request::Collocates(q) => Response::Collocates(crate::query::collocates(corpus, &q)),
        Request::Entities(q) => {
            let scope = &w.host.scope;
            let v = crate::protocol::views::entities(corpus, &q, || now(scope));
            Response::Entities(Box::new(v))
        }
        Request::ExportTable { table, format } => {
            let (name, mime, content) = crate::protocol::table_file(corpus, &table, format);
            Response::Download {
                name,
                mime: mime.to_owned(),
                content,
            }
        }
        Request::Export => {
            let date = js_sys::Date::new_0()
                .to_iso_string()
                .as_string()
                .unwrap_or_default();
            let name = format!("soi-corpus-{}.json", date.get(..10).unwrap_or("export"));
            Response::Exported {
                name,
                json: export::to_json(corpus),
            }
        }
        Request::AddFiles { .. }
        | Request::AddText { .. }
        | Request::ResetSample { .. }
        | Request::Remove { .. }
        | Request::Cancel { .. }
        | Request::SetDictionary { .. }
        | Request::SaveSettings { .. }
        | Request::SetEncoding { .. }
        | Request::SetEntityEntries { .. }
        | Request::SetStopwords { .. }
        | Request::SetColumns { .. }
        | Request::SetDate { .. } => return None,
    })
}

/// Queue the dropped files, named by `names` in order.
fn add_files(worker: &Shared, job: JobId, names: Vec<String>, files: JsValue) {
    let files: Vec<Blob> = files
        .dyn_into::<js_sys::Array>()
        .map(|a| a.iter().filter_map(|f| f.dyn_into::<Blob>().ok()).collect())
        .unwrap_or_default();
    let files = files
        .into_iter()
        .zip(names.into_iter().chain(std::iter::repeat_with(String::new)))
        .collect();
    let w = &mut *worker.borrow_mut();
    w.queue.add_files(&mut w.host, job, files);
}

/// Cancel job `job`, and delete the records it stored of documents it did not add.
fn cancel(worker: &Shared, job: JobId) {
    let (keys, store) = {
        let w = &mut *worker.borrow_mut();
        (w.queue.cancel(&mut w.host, job), w.store.clone())
    };
    let Some(store) = store.filter(|_| !keys.is_empty()) else {
        return;
    };
    let worker = worker.clone();
    spawn_local(async move {
        for key in keys {
            let _ = store.delete_doc(&key).await;
        }
        announce(&worker);
        report_storage(&worker);
    });
}

fn remove(worker: &Shared, doc: DocId) {
    let (key, store) = {
        let w = &mut *worker.borrow_mut();
        (w.queue.remove(&mut w.host, doc), w.store.clone())
    };
    if let (Some(key), Some(store)) = (key, store) {
        let worker = worker.clone();
        spawn_local(async move {
            if store.delete_doc(&key).await.is_ok() {
                announce(&worker);
            }
            report_storage(&worker);
        });
    }
}

fn set_dictionary(worker: &Shared, entries: Vec<String>) {
    let store = {
        let mut w = worker.borrow_mut();
        let dict = UserDict::parse(&entries.join("\n"));
        w.dictionary = (entries.clone(), dict.clone());
        w.queue.corpus.dictionary = dict;
        let lines = w.entity_lines.clone();
        w.host.pool.configure(entries.clone(), lines);
        w.store.clone()
    };
    // Word counts depend on the dictionary: analyze again.
    reanalyze(worker, None);
    if let Some(store) = store {
        let worker = worker.clone();
        spawn_local(async move {
            if let Err(e) = store.set_dictionary(&entries).await {
                worker.borrow().post(&Response::NotSaved {
                    name: "dictionary".into(),
                    reason: failure(&e),
                });
            }
        });
    }
}

fn save_settings(worker: &Shared, settings: Settings) {
    let changed = worker.borrow().queue.settings.analysis != settings.analysis;
    worker.borrow_mut().queue.settings = settings.clone();
    if changed {
        reanalyze(worker, None);
    }
    let store = worker.borrow().store.clone();
    if let (Some(store), Ok(json)) = (store, serde_json::to_string(&settings)) {
        spawn_local(async move {
            let _ = store
                .set_meta(MetaKey::Settings, &JsValue::from_str(&json))
                .await;
        });
    }
}

fn set_entity_entries(worker: &Shared, lines: String) {
    let (store, view) = {
        let mut w = worker.borrow_mut();
        let errors = w.queue.corpus.set_entity_entries(&lines);
        w.entity_lines = lines.clone();
        let entries = w.dictionary.0.clone();
        w.host.pool.configure(entries, lines.clone());
        (w.store.clone(), entity_entries_view(lines.clone(), &errors))
    };
    worker.borrow().post(&view);
    // Mentions depend on the entries: analyze again.
    reanalyze(worker, None);
    if let Some(store) = store {
        spawn_local(async move {
            let _ = store
                .set_meta(MetaKey::EntityEntries, &JsValue::from_str(&lines))
                .await;
        });
    }
}

fn set_stopwords(worker: &Shared, words: Option<Vec<String>>) {
    let (store, view) = {
        let mut w = worker.borrow_mut();
        w.queue.corpus.stopwords = match &words {
            Some(list) => Stopwords::parse(&list.join("\n")),
            None => Stopwords::builtin().clone(),
        };
        // The overview's top words leave stopwords out: it changes too.
        w.queue.touch();
        (w.store.clone(), stopwords_view(&w.queue.corpus))
    };
    worker.borrow().post(&view);
    if let Some(store) = store {
        let value = words.map(|l| l.join("\n"));
        spawn_local(async move {
            let v = value.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
            let _ = store.set_meta(MetaKey::Stopwords, &v).await;
        });
    }
}

fn entity_entries_view(lines: String, errors: &[crate::entities::UserEntryError]) -> Response {
    Response::EntityEntries {
        lines,
        errors: errors.iter().map(|e| (e.line, e.text.clone())).collect(),
    }
}

fn stopwords_view(c: &Corpus) -> Response {
    Response::Stopwords {
        words: c.stopwords.words().into_iter().map(String::from).collect(),
        builtin: c.stopwords == *Stopwords::builtin(),
    }
}

/// Analyze documents again from their sources: all of them (a setting changed), or one with
/// a new encoding (stored with it, so the choice survives a reload).
fn reanalyze(worker: &Shared, one: Option<(DocId, Option<Encoding>)>) {
    let (resave, store) = {
        let w = &mut *worker.borrow_mut();
        (w.queue.reanalyze(&mut w.host, one), w.store.clone())
    };
    let Some(store) = store else {
        return;
    };
    for doc in resave {
        let store = store.clone();
        spawn_local(async move {
            let _ = store.put_doc(&doc).await;
        });
    }
}

/// Replace the corpus (and the store) with the sample corpus.
fn reset_sample(worker: &Shared, job: JobId) {
    let (docs, store) = {
        let w = &mut *worker.borrow_mut();
        (w.queue.reset(&mut w.host, job), w.store.clone())
    };
    let Some(store) = store else {
        return;
    };
    let worker = worker.clone();
    spawn_local(async move {
        let saved = store.replace_docs(&docs).await;
        let _ = store.set_meta(MetaKey::Initialized, &JsValue::TRUE).await;
        match saved {
            Ok(()) => announce(&worker),
            Err(e) => {
                let w = worker.borrow();
                for d in &docs {
                    w.post(&Response::NotSaved {
                        name: d.name.clone(),
                        reason: failure(&e),
                    });
                }
            }
        }
        report_storage(&worker);
    });
}

fn failure(e: &SaveError) -> SaveFailure {
    match e {
        SaveError::Quota => SaveFailure::Quota,
        SaveError::Other(detail) => SaveFailure::Other {
            detail: detail.clone(),
        },
    }
}

/// Tell the other tabs' workers that the store changed.
fn announce(worker: &Shared) {
    if let Some(channel) = &worker.borrow().channel {
        let _ = channel.post_message(&JsValue::from_str("changed"));
    }
}

/// Another tab changed the store: drop documents whose records are gone, load new ones.
fn sync_from_store(worker: &Shared) {
    let Some(store) = worker.borrow().store.clone() else {
        return;
    };
    let worker = worker.clone();
    spawn_local(async move {
        let Ok(keys) = store.doc_keys().await else {
            return;
        };
        let stored: HashSet<String> = keys.into_iter().collect();
        let missing = worker.borrow_mut().queue.forget_missing(&stored);
        let mut docs = Vec::new();
        for key in missing {
            if let Ok(Some(doc)) = store.load_doc(&key).await {
                docs.push(doc);
            }
        }
        {
            let w = &mut *worker.borrow_mut();
            w.queue.add_synced(&mut w.host, docs);
        }
        schedule(&worker);
        report_storage(&worker);
    });
}

/// Post how much the browser stores for this origin.
fn report_storage(worker: &Shared) {
    let scope = worker.borrow().host.scope.clone();
    let Ok(promise) = scope.navigator().storage().estimate() else {
        return;
    };
    spawn_local(async move {
        if let Ok(est) = wasm_bindgen_futures::JsFuture::from(promise).await {
            let get = |k: &str| {
                js_sys::Reflect::get(&est, &JsValue::from_str(k))
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            if let (Some(usage), Some(quota)) = (get("usage"), get("quota")) {
                post(&scope, &Response::Storage { usage, quota });
            }
        }
    });
}

/// Run a tick from a zero timeout while there is work here; once there is none (every job
/// done, or waiting for the page or the pool), post the corpus when it is due.
fn schedule(worker: &Shared) {
    let w = &mut *worker.borrow_mut();
    if w.queue.is_idle() {
        w.queue.rest(&mut w.host);
        return;
    }
    if w.scheduled {
        return;
    }
    w.scheduled = true;
    let cb = {
        let worker = worker.clone();
        Closure::once_into_js(move || {
            worker.borrow_mut().scheduled = false;
            tick(&worker);
            schedule(&worker);
        })
    };
    if w.host
        .scope
        .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0)
        .is_err()
    {
        w.scheduled = false;
        console_error("soi worker: setTimeout failed");
    }
}

fn tick(worker: &Shared) {
    let saves = {
        let w = &mut *worker.borrow_mut();
        w.queue.tick(&mut w.host)
    };
    for doc in saves {
        save(worker, doc);
    }
}

/// Store a newly added document; the queue reports it by name if it does not fit.
fn save(worker: &Shared, doc: StoredDoc) {
    let Some(store) = worker.borrow().store.clone() else {
        let w = &mut *worker.borrow_mut();
        w.queue
            .saved(&mut w.host, &doc, Err(SaveFailure::Unavailable));
        return;
    };
    let worker = worker.clone();
    spawn_local(async move {
        let result = store.put_doc(&doc).await;
        if result.is_ok() {
            let _ = store.set_meta(MetaKey::Initialized, &JsValue::TRUE).await;
        }
        {
            let w = &mut *worker.borrow_mut();
            let outcome = result.as_ref().map(|_| ()).map_err(failure);
            w.queue.saved(&mut w.host, &doc, outcome);
        }
        if result.is_ok() {
            announce(&worker);
        }
        report_storage(&worker);
    });
}

fn read_slice(blob: &Blob, start: f64, end: f64) -> Result<Vec<u8>, String> {
    let part = blob
        .slice_with_f64_and_f64(start, end)
        .map_err(|e| format!("{e:?}"))?;
    let reader = FileReaderSync::new().map_err(|e| format!("{e:?}"))?;
    let buf = reader
        .read_as_array_buffer(&part)
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
