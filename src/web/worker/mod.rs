//! The analysis worker: owns the corpus, keeps it in IndexedDB, and runs every job in
//! bounded slices.
//!
//! A job is a queue of items (files to read, texts to analyze). Each tick works for at most
//! [`TICK_MS`] and then returns to the event loop through a zero timeout, so a `Cancel` or
//! `Remove` sent meanwhile is handled between slices, and progress is posted as it goes.
//! Files are read here, in slices, with `FileReaderSync`, so the page never holds their bytes.
//!
//! Persistence ([`super::store`]): a document is written once it decoded as text, in its own
//! transaction; a failure is reported by name and leaves earlier records intact. After every
//! write the worker says "changed" on a `BroadcastChannel`; the workers of other tabs then
//! re-read the store's keys and add or drop documents to match, so tabs stay in sync.

use crate::web::console::{console_error, console_warn};
pub mod store;

use crate::corpus::{Corpus, DocBuilder, DocId};
use crate::ingest::Encoding;
use crate::protocol::{
    export, views, CorpusView, JobId, RefuseReason, Request, Response, SaveFailure, Settings, TOP_N,
};
use crate::words::UserDict;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;
use store::{Content, SaveError, Store, StoredDoc};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Blob, BroadcastChannel, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

/// Longest slice of work between two returns to the event loop. Short enough that a cancel
/// feels immediate, long enough that the timer overhead is negligible.
const TICK_MS: f64 = 40.0;
/// Bytes read from a file per slice.
const READ_SLICE: f64 = (4 << 20) as f64;
/// Bytes of text analyzed per step (a step ends at a line break).
const ANALYZE_STEP: usize = 256 << 10;
/// Minimum time between two progress or corpus messages, so thousands of small files do not
/// flood the page.
const REPORT_MS: f64 = 100.0;
/// The channel on which the workers of all open tabs announce store changes.
const CHANNEL: &str = "soi-store";
/// Job id for work the worker starts itself (restores, syncs). The page's ids start at 1.
const SELF_JOB: JobId = 0;

/// The built-in sample corpus: five news articles on Vietnam's foreign policy.
const SAMPLE: [(&str, &str); 5] = [
    (
        "000_1b4edb2404a232dc.txt",
        include_str!("../../../www/corpus/000_1b4edb2404a232dc.txt"),
    ),
    (
        "001_dd71080901982e6d.txt",
        include_str!("../../../www/corpus/001_dd71080901982e6d.txt"),
    ),
    (
        "002_3f8f23d05b7f99f5.txt",
        include_str!("../../../www/corpus/002_3f8f23d05b7f99f5.txt"),
    ),
    (
        "003_4ed73204bbf8ad32.txt",
        include_str!("../../../www/corpus/003_4ed73204bbf8ad32.txt"),
    ),
    (
        "004_70bcad869be01b1b.txt",
        include_str!("../../../www/corpus/004_70bcad869be01b1b.txt"),
    ),
];

/// Where a document's input comes from and whether it still has to be stored.
#[derive(Clone)]
struct Origin {
    key: String,
    name: String,
    /// When it was first added; restores keep this order.
    added: f64,
    /// The user's encoding override.
    encoding: Option<Encoding>,
    /// The id it had, when it is analyzed again.
    doc: Option<DocId>,
    /// Store it once it decodes (new files and texts); restored documents are stored already.
    save: bool,
}

enum Item {
    Read {
        origin: Origin,
        blob: Blob,
        buf: Vec<u8>,
        pos: f64,
    },
    Bytes {
        origin: Origin,
        bytes: Vec<u8>,
        blob: Option<Blob>,
    },
    Text {
        origin: Origin,
        text: String,
    },
    Analyze {
        origin: Origin,
        builder: Box<DocBuilder>,
        input: u64,
        /// What it was made from, kept so a changed setting or encoding can re-run its
        /// analysis without asking the user for the file again.
        source: Content,
    },
}

struct Job {
    id: JobId,
    items: VecDeque<Item>,
    started: f64,
    total: u64,
    /// Input bytes whose work is complete (read and analyzed).
    done: u64,
    added: u32,
    /// Time spent decoding and normalizing, ms.
    prepare_ms: f64,
}

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    corpus: Corpus,
    jobs: VecDeque<Job>,
    scheduled: bool,
    last_report: f64,
    corpus_dirty: bool,
    store: Option<Rc<Store>>,
    channel: Option<BroadcastChannel>,
    /// The store key of every document in the corpus.
    keys: HashMap<DocId, String>,
    /// Keys of documents queued but not yet in the corpus.
    pending: HashSet<String>,
    /// Keys of documents that could not be stored.
    unsaved: HashSet<String>,
    /// Every document's source, by key.
    sources: HashMap<String, (Origin, Content)>,
    /// The analysis settings in force.
    settings: Settings,
    /// The user dictionary, as entered and parsed.
    dictionary: (Vec<String>, UserDict),
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
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.to_string();
            console_error(&format!("soi worker panicked: {message}"));
            post(&scope, &Response::Crashed { message });
        }));
    }
    let worker: Shared = Rc::new(RefCell::new(Worker {
        scope: scope.clone(),
        corpus: Corpus::new(),
        jobs: VecDeque::new(),
        scheduled: false,
        last_report: 0.0,
        corpus_dirty: false,
        store: None,
        channel: None,
        keys: HashMap::new(),
        pending: HashSet::new(),
        unsaved: HashSet::new(),
        sources: HashMap::new(),
        settings: Settings::default(),
        dictionary: (Vec::new(), UserDict::default()),
    }));
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
        let settings = match &store {
            Some(s) => s
                .meta("settings")
                .await
                .and_then(|v| v.as_string())
                .and_then(|j| serde_json::from_str::<Settings>(&j).ok()),
            None => None,
        };
        let dictionary = match &store {
            Some(s) => s.dictionary().await,
            None => Vec::new(),
        };
        let stopwords = match &store {
            Some(s) => s.meta("stopwords").await.and_then(|v| v.as_string()),
            None => None,
        };
        let entity_entries = match &store {
            Some(s) => s.meta("entity-entries").await.and_then(|v| v.as_string()),
            None => None,
        };
        let initialized = match &store {
            Some(s) => s.meta("initialized").await.is_some(),
            None => false,
        };
        let stored = match (&store, initialized) {
            (Some(s), true) => s.load_docs().await.unwrap_or_else(|e| {
                console_error(&format!("soi worker: cannot read the stored corpus: {e}"));
                Vec::new()
            }),
            _ => Vec::new(),
        };
        {
            let mut w = worker.borrow_mut();
            w.store = store.clone();
            w.channel = BroadcastChannel::new(CHANNEL).ok();
            if let Some(s) = &settings {
                w.settings = s.clone();
            }
            w.dictionary = (dictionary.clone(), UserDict::parse(&dictionary.join("\n")));
            w.corpus.dictionary = w.dictionary.1.clone();
            if let Some(list) = &stopwords {
                w.corpus.stopwords = crate::words::stopwords::Stopwords::parse(list);
            }
            post(&w.scope, &stopwords_view(&w.corpus));
            let lines = entity_entries.unwrap_or_default();
            let errors = w.corpus.set_entity_entries(&lines);
            post(&w.scope, &entity_entries_view(lines, &errors));
            post(
                &w.scope,
                &Response::Ready {
                    settings,
                    persistent: store.is_some(),
                    dictionary,
                },
            );
            if initialized {
                let items: VecDeque<Item> = stored.into_iter().map(restore_item).collect();
                let total = items.iter().map(item_size).sum();
                if items.is_empty() {
                    w.corpus_dirty = true;
                }
                w.enqueue(SELF_JOB, items, total);
            }
        }
        if !initialized {
            reset_sample(&worker, SELF_JOB);
        }
        install_handlers(&worker);
        report_storage(&worker);
        schedule(&worker);
    });
}

fn install_handlers(worker: &Shared) {
    let w = worker.borrow();
    let handler = {
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| on_message(&worker, e))
    };
    w.scope
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

/// The first work item for a document made of `content`.
fn item_for(origin: Origin, content: Content) -> Item {
    match content {
        Content::Blob(blob) => Item::Read {
            origin,
            blob,
            buf: Vec::new(),
            pos: 0.0,
        },
        Content::Text(text) => Item::Text { origin, text },
    }
}

fn restore_item(d: StoredDoc) -> Item {
    let origin = Origin {
        doc: None,
        key: d.key,
        name: d.name,
        added: d.added,
        encoding: d.encoding.as_deref().and_then(Encoding::from_label),
        save: false,
    };
    item_for(origin, d.content)
}

fn item_size(i: &Item) -> u64 {
    match i {
        Item::Read { blob, .. } => blob.size() as u64,
        Item::Bytes { bytes, .. } => bytes.len() as u64,
        Item::Text { text, .. } => text.len() as u64,
        Item::Analyze { input, .. } => *input,
    }
}

fn origin_of(i: &Item) -> &Origin {
    match i {
        Item::Read { origin, .. }
        | Item::Bytes { origin, .. }
        | Item::Text { origin, .. }
        | Item::Analyze { origin, .. } => origin,
    }
}

fn on_message(worker: &Shared, e: MessageEvent) {
    let data = e.data();
    let (req, files) = if let Some(arr) = data.dyn_ref::<js_sys::Array>() {
        (arr.get(0), arr.get(1))
    } else {
        (data, JsValue::UNDEFINED)
    };
    let req: Request = match serde_wasm_bindgen::from_value(req) {
        Ok(r) => r,
        Err(e) => {
            console_error(&format!("soi worker: bad request: {e}"));
            return;
        }
    };
    match req {
        Request::AddFiles { job, names } => {
            let files: Vec<Blob> = files
                .dyn_into::<js_sys::Array>()
                .map(|a| a.iter().filter_map(|f| f.dyn_into::<Blob>().ok()).collect())
                .unwrap_or_default();
            let items: VecDeque<Item> = files
                .into_iter()
                .zip(names.into_iter().chain(std::iter::repeat_with(String::new)))
                .map(|(blob, name)| Item::Read {
                    origin: Origin {
                        doc: None,
                        key: store::new_key(),
                        name,
                        added: store::stamp(),
                        encoding: None,
                        save: true,
                    },
                    blob,
                    buf: Vec::new(),
                    pos: 0.0,
                })
                .collect();
            let total = items.iter().map(item_size).sum();
            worker.borrow_mut().enqueue(job, items, total);
        }
        Request::AddText { job, name, text } => {
            let total = text.len() as u64;
            let origin = Origin {
                doc: None,
                key: store::new_key(),
                name,
                added: store::stamp(),
                encoding: None,
                save: true,
            };
            worker
                .borrow_mut()
                .enqueue(job, VecDeque::from([Item::Text { origin, text }]), total);
        }
        Request::ResetSample { job } => reset_sample(worker, job),
        Request::Remove { doc } => {
            let mut w = worker.borrow_mut();
            if w.corpus.remove(doc) {
                w.corpus_dirty = true;
                w.post_corpus();
                if let Some(key) = w.keys.remove(&doc) {
                    w.unsaved.remove(&key);
                    w.sources.remove(&key);
                    if let Some(store) = w.store.clone() {
                        let worker = worker.clone();
                        spawn_local(async move {
                            if store.delete_doc(&key).await.is_ok() {
                                announce(&worker);
                            }
                            report_storage(&worker);
                        });
                    }
                }
            }
        }
        Request::Cancel { job } => worker.borrow_mut().finish_job(job, true),
        Request::Read { doc, page } => {
            let w = worker.borrow();
            if let Some(p) = views::reader_page(&w.corpus, doc, page, &w.dictionary.1) {
                post(&w.scope, &Response::Page(p));
            }
        }
        Request::SetDictionary { entries } => {
            let store = {
                let mut w = worker.borrow_mut();
                let dict = UserDict::parse(&entries.join("\n"));
                w.dictionary = (entries.clone(), dict.clone());
                w.corpus.dictionary = dict;
                w.store.clone()
            };
            // Word counts depend on the dictionary: analyze again.
            reanalyze(worker, None);
            if let Some(store) = store {
                let worker = worker.clone();
                spawn_local(async move {
                    if let Err(e) = store.set_dictionary(&entries).await {
                        let w = worker.borrow();
                        post(
                            &w.scope,
                            &Response::NotSaved {
                                name: "dictionary".into(),
                                reason: failure(&e),
                            },
                        );
                    }
                });
            }
        }
        Request::SaveSettings { settings } => {
            let changed = worker.borrow().settings.analysis != settings.analysis;
            worker.borrow_mut().settings = settings.clone();
            if changed {
                reanalyze(worker, None);
            }
            let store = worker.borrow().store.clone();
            if let (Some(store), Ok(json)) = (store, serde_json::to_string(&settings)) {
                spawn_local(async move {
                    let _ = store.set_meta("settings", &JsValue::from_str(&json)).await;
                });
            }
        }
        Request::SetEncoding { doc, encoding } => {
            let encoding = encoding.as_deref().and_then(Encoding::from_label);
            reanalyze(worker, Some((doc, encoding)));
        }
        Request::Normalization { doc, page } => {
            let w = worker.borrow();
            if let Some(v) = views::normalization(&w.corpus, doc, page) {
                post(&w.scope, &Response::Normalization(v));
            }
        }
        Request::Keywords(q) => {
            let w = worker.borrow();
            post(
                &w.scope,
                &Response::Keywords(crate::query::keywords(&w.corpus, &q)),
            );
        }
        Request::Trends { terms } => {
            let w = worker.borrow();
            post(
                &w.scope,
                &Response::Trends(crate::query::trends(&w.corpus, &terms)),
            );
        }
        Request::Kwic(q) => {
            let w = worker.borrow();
            let t0 = now(&w.scope);
            let mut v = crate::query::kwic(&w.corpus, &q);
            v.elapsed_ms = now(&w.scope) - t0;
            post(&w.scope, &Response::Kwic(v));
        }
        Request::Collocates(q) => {
            let w = worker.borrow();
            post(
                &w.scope,
                &Response::Collocates(crate::query::collocates(&w.corpus, &q)),
            );
        }
        Request::Entities(q) => {
            let w = worker.borrow();
            let scope = w.scope.clone();
            let v = crate::protocol::views::entities(&w.corpus, &q, || now(&scope));
            post(&w.scope, &Response::Entities(Box::new(v)));
        }
        Request::SetEntityEntries { lines } => {
            let (store, view) = {
                let mut w = worker.borrow_mut();
                let errors = w.corpus.set_entity_entries(&lines);
                (w.store.clone(), entity_entries_view(lines.clone(), &errors))
            };
            post(&worker.borrow().scope, &view);
            // Mentions depend on the entries: analyze again.
            reanalyze(worker, None);
            if let Some(store) = store {
                spawn_local(async move {
                    let _ = store
                        .set_meta("entity-entries", &JsValue::from_str(&lines))
                        .await;
                });
            }
        }
        Request::ExportTable { table, format } => {
            let w = worker.borrow();
            let (name, mime, content) = crate::protocol::table_file(&w.corpus, &table, format);
            post(
                &w.scope,
                &Response::Download {
                    name,
                    mime: mime.to_owned(),
                    content,
                },
            );
        }
        Request::SetStopwords { words } => {
            let (store, view) = {
                let mut w = worker.borrow_mut();
                w.corpus.stopwords = match &words {
                    Some(list) => crate::words::stopwords::Stopwords::parse(&list.join("\n")),
                    None => crate::words::stopwords::Stopwords::builtin().clone(),
                };
                // The overview's top words leave stopwords out: it changes too.
                w.corpus_dirty = true;
                (w.store.clone(), stopwords_view(&w.corpus))
            };
            post(&worker.borrow().scope, &view);
            if let Some(store) = store {
                let value = words.map(|l| l.join("\n"));
                spawn_local(async move {
                    let v = value.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
                    let _ = store.set_meta("stopwords", &v).await;
                });
            }
        }
        Request::Export => {
            let w = worker.borrow();
            let date = js_sys::Date::new_0()
                .to_iso_string()
                .as_string()
                .unwrap_or_default();
            let name = format!("soi-corpus-{}.json", date.get(..10).unwrap_or("export"));
            post(
                &w.scope,
                &Response::Exported {
                    name,
                    json: export::to_json(&w.corpus),
                },
            );
        }
    }
    schedule(worker);
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
        builtin: c.stopwords == *crate::words::stopwords::Stopwords::builtin(),
    }
}

/// Analyze documents again from their sources: all of them (a setting changed), or one with
/// a new encoding (stored with it, so the choice survives a reload).
fn reanalyze(worker: &Shared, one: Option<(DocId, Option<Encoding>)>) {
    let mut w = worker.borrow_mut();
    let ids: Vec<DocId> = match one {
        Some((doc, _)) => vec![doc],
        None => w.corpus.docs().iter().map(|d| d.id).collect(),
    };
    let mut items = VecDeque::new();
    let mut resave = Vec::new();
    for id in ids {
        let Some(key) = w.keys.get(&id).cloned() else {
            continue;
        };
        let Some((mut origin, source)) = w.sources.get(&key).cloned() else {
            continue;
        };
        w.corpus.remove(id);
        w.keys.remove(&id);
        if let Some((_, enc)) = one {
            origin.encoding = enc;
            if let Content::Blob(b) = &source {
                resave.push(StoredDoc {
                    key: origin.key.clone(),
                    name: origin.name.clone(),
                    added: origin.added,
                    encoding: enc.map(|e| e.label().to_owned()),
                    content: Content::Blob(b.clone()),
                });
            }
        }
        origin.save = false;
        origin.doc = Some(id);
        items.push_back(item_for(origin, source));
    }
    // Later documents may have left out paragraphs that the removed ones held: with all of
    // them re-run in order, ownership is settled again as if they were added now.
    w.corpus_dirty = true;
    let total = items.iter().map(item_size).sum();
    w.enqueue(SELF_JOB, items, total);
    drop(w);
    for doc in resave {
        let Some(store) = worker.borrow().store.clone() else {
            break;
        };
        spawn_local(async move {
            let _ = store.put_doc(&doc).await;
        });
    }
}

/// Replace the corpus (and the store) with the sample corpus.
fn reset_sample(worker: &Shared, job: JobId) {
    let mut w = worker.borrow_mut();
    let running: Vec<JobId> = w.jobs.iter().map(|j| j.id).collect();
    for id in running {
        w.finish_job(id, true);
    }
    w.corpus.clear();
    w.keys.clear();
    w.pending.clear();
    w.unsaved.clear();
    w.sources.clear();
    w.corpus_dirty = true;
    let docs: Vec<StoredDoc> = SAMPLE
        .iter()
        .map(|(name, text)| StoredDoc {
            key: store::new_key(),
            name: (*name).to_owned(),
            encoding: None,
            added: store::stamp(),
            content: Content::Text((*text).to_owned()),
        })
        .collect();
    let items: VecDeque<Item> = docs
        .iter()
        .map(|d| {
            let Content::Text(text) = &d.content else {
                unreachable!("sample documents are texts")
            };
            Item::Text {
                origin: Origin {
                    doc: None,
                    key: d.key.clone(),
                    name: d.name.clone(),
                    added: d.added,
                    encoding: None,
                    save: false,
                },
                text: text.clone(),
            }
        })
        .collect();
    let total = items.iter().map(item_size).sum();
    w.enqueue(job, items, total);
    if let Some(store) = w.store.clone() {
        let worker = worker.clone();
        spawn_local(async move {
            let saved = store.replace_docs(&docs).await;
            let _ = store.set_meta("initialized", &JsValue::TRUE).await;
            match saved {
                Ok(()) => announce(&worker),
                Err(e) => {
                    let w = worker.borrow();
                    for d in &docs {
                        post(
                            &w.scope,
                            &Response::NotSaved {
                                name: d.name.clone(),
                                reason: failure(&e),
                            },
                        );
                    }
                }
            }
            report_storage(&worker);
        });
    }
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
        let missing: Vec<String> = {
            let mut w = worker.borrow_mut();
            let gone: Vec<DocId> = w
                .keys
                .iter()
                .filter(|(_, k)| !stored.contains(*k) && !w.unsaved.contains(*k))
                .map(|(&id, _)| id)
                .collect();
            for id in gone {
                w.corpus.remove(id);
                if let Some(k) = w.keys.remove(&id) {
                    w.sources.remove(&k);
                }
                w.corpus_dirty = true;
            }
            let known: HashSet<&String> = w.keys.values().chain(w.pending.iter()).collect();
            stored
                .iter()
                .filter(|k| !known.contains(k))
                .cloned()
                .collect()
        };
        let mut items = VecDeque::new();
        for key in missing {
            if let Ok(Some(doc)) = store.load_doc(&key).await {
                items.push_back(restore_item(doc));
            }
        }
        {
            let mut w = worker.borrow_mut();
            // Keys that arrived meanwhile through this tab's own work are not loaded twice.
            items.retain(|i| {
                let k = &origin_of(i).key;
                !w.pending.contains(k) && !w.keys.values().any(|v| v == k)
            });
            let total = items.iter().map(item_size).sum();
            if items.is_empty() {
                w.post_corpus();
            } else {
                w.enqueue(SELF_JOB, items, total);
            }
        }
        schedule(&worker);
        report_storage(&worker);
    });
}

/// Post how much the browser stores for this origin.
fn report_storage(worker: &Shared) {
    let scope = worker.borrow().scope.clone();
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

fn schedule(worker: &Shared) {
    let mut w = worker.borrow_mut();
    if w.scheduled || w.jobs.is_empty() {
        if w.jobs.is_empty() {
            w.post_corpus();
        }
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
    if w.scope
        .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 0)
        .is_err()
    {
        w.scheduled = false;
        console_error("soi worker: setTimeout failed");
    }
}

fn tick(worker: &Shared) {
    let mut saves = Vec::new();
    {
        let mut w = worker.borrow_mut();
        let start = now(&w.scope);
        while now(&w.scope) - start < TICK_MS {
            match w.step() {
                Step::Idle => break,
                Step::Worked => {}
                Step::Save(doc) => saves.push(doc),
            }
        }
        let t = now(&w.scope);
        if t - w.last_report >= REPORT_MS {
            w.last_report = t;
            w.report_progress();
        }
    }
    for doc in saves {
        save(worker, doc);
    }
}

/// Store a newly added document; report by name if it does not fit.
fn save(worker: &Shared, doc: StoredDoc) {
    let Some(store) = worker.borrow().store.clone() else {
        let mut w = worker.borrow_mut();
        w.unsaved.insert(doc.key);
        post(
            &w.scope,
            &Response::NotSaved {
                name: doc.name,
                reason: SaveFailure::Unavailable,
            },
        );
        return;
    };
    let worker = worker.clone();
    spawn_local(async move {
        let result = store.put_doc(&doc).await;
        if result.is_ok() {
            let _ = store.set_meta("initialized", &JsValue::TRUE).await;
        }
        {
            let mut w = worker.borrow_mut();
            match &result {
                Ok(()) => {}
                Err(e) => {
                    w.unsaved.insert(doc.key.clone());
                    w.corpus_dirty = true;
                    post(
                        &w.scope,
                        &Response::NotSaved {
                            name: doc.name.clone(),
                            reason: failure(e),
                        },
                    );
                }
            }
            if w.jobs.is_empty() {
                w.post_corpus();
            }
        }
        if result.is_ok() {
            announce(&worker);
        }
        report_storage(&worker);
    });
}

enum Step {
    Idle,
    Worked,
    Save(StoredDoc),
}

impl Worker {
    fn enqueue(&mut self, id: JobId, items: VecDeque<Item>, total: u64) {
        for i in &items {
            self.pending.insert(origin_of(i).key.clone());
        }
        let started = now(&self.scope);
        self.jobs.push_back(Job {
            id,
            items,
            started,
            total,
            done: 0,
            added: 0,
            prepare_ms: 0.0,
        });
    }

    fn view(&self) -> CorpusView {
        let mut view = views::corpus_view(&self.corpus, TOP_N);
        for d in &mut view.docs {
            d.saved = self.store.is_some()
                && self
                    .keys
                    .get(&d.id)
                    .is_some_and(|k| !self.unsaved.contains(k));
        }
        view
    }

    fn post_corpus(&mut self) {
        if self.corpus_dirty {
            self.corpus_dirty = false;
            post(&self.scope, &Response::Corpus(self.view()));
        }
    }

    fn report_progress(&mut self) {
        if let Some(job) = self.jobs.front() {
            let (name, partial) = match job.items.front() {
                Some(Item::Read { origin, pos, .. }) => (origin.name.clone(), (*pos as u64) / 2),
                Some(Item::Analyze {
                    origin,
                    builder,
                    input,
                    ..
                }) => {
                    let (done, all) = builder.progress();
                    let frac = if all == 0 {
                        1.0
                    } else {
                        done as f64 / all as f64
                    };
                    (
                        origin.name.clone(),
                        input / 2 + (frac * (*input as f64) / 2.0) as u64,
                    )
                }
                Some(i) => (origin_of(i).name.clone(), 0),
                None => (String::new(), 0),
            };
            let r = Response::Progress {
                job: job.id,
                name,
                done: job.done + partial,
                total: job.total,
            };
            post(&self.scope, &r);
        }
        self.post_corpus();
    }

    /// End job `id` (cancelled or complete) and tell the page. Unknown ids are ignored.
    fn finish_job(&mut self, id: JobId, cancelled: bool) {
        let Some(i) = self.jobs.iter().position(|j| j.id == id) else {
            return;
        };
        // OK to unwrap: `i` was just found.
        let job = self.jobs.remove(i).expect("job index");
        for item in &job.items {
            self.pending.remove(&origin_of(item).key);
        }
        let elapsed_ms = now(&self.scope) - job.started;
        self.post_corpus();
        post(
            &self.scope,
            &Response::JobDone {
                job: id,
                cancelled,
                added: job.added,
                bytes: job.done,
                elapsed_ms,
                prepare_ms: job.prepare_ms,
            },
        );
    }

    fn refuse(&mut self, job: JobId, origin: Origin, reason: RefuseReason) {
        self.pending.remove(&origin.key);
        post(
            &self.scope,
            &Response::Refused {
                job,
                name: origin.name,
                reason,
            },
        );
    }

    /// Do one bounded piece of work.
    fn step(&mut self) -> Step {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        let job_id = job.id;
        let Some(item) = job.items.pop_front() else {
            self.finish_job(job_id, false);
            return if self.jobs.is_empty() {
                Step::Idle
            } else {
                Step::Worked
            };
        };
        match item {
            Item::Read {
                origin,
                blob,
                mut buf,
                pos,
            } => {
                let size = blob.size();
                if pos < size {
                    let end = (pos + READ_SLICE).min(size);
                    match read_slice(&blob, pos, end) {
                        Ok(bytes) => {
                            if buf.capacity() == 0 {
                                buf.reserve_exact(size as usize);
                            }
                            buf.extend_from_slice(&bytes);
                            job.items.push_front(Item::Read {
                                origin,
                                blob,
                                buf,
                                pos: end,
                            });
                        }
                        Err(detail) => {
                            job.done += size as u64;
                            self.refuse(job_id, origin, RefuseReason::Unreadable { detail });
                        }
                    }
                } else {
                    job.items.push_front(Item::Bytes {
                        origin,
                        bytes: buf,
                        blob: Some(blob),
                    });
                }
                Step::Worked
            }
            Item::Bytes {
                origin,
                bytes,
                blob,
            } => {
                let input = bytes.len() as u64;
                // A corpus exported from Soi comes back as its documents.
                if origin.name.to_lowercase().ends_with(".json") {
                    if let Some(docs) = export::from_json(&bytes) {
                        job.done += input;
                        self.pending.remove(&origin.key);
                        for (name, text) in docs.into_iter().rev() {
                            let key = store::new_key();
                            self.pending.insert(key.clone());
                            job.items.push_front(Item::Text {
                                origin: Origin {
                                    doc: None,
                                    key,
                                    name,
                                    added: store::stamp(),
                                    encoding: None,
                                    save: true,
                                },
                                text,
                            });
                        }
                        return Step::Worked;
                    }
                }
                let mut opts = self.settings.analysis.options();
                opts.encoding = origin.encoding;
                let t0 = now(&self.scope);
                let built = DocBuilder::from_bytes(origin.name.clone(), &bytes, &opts);
                job.prepare_ms += now(&self.scope) - t0;
                match built {
                    Ok(builder) => {
                        let blob = blob.unwrap_or_else(|| bytes_blob(&bytes));
                        queue_analysis(job, origin, builder, input, Content::Blob(blob))
                    }
                    Err(r) => {
                        job.done += input;
                        self.refuse(job_id, origin, RefuseReason::from(&r));
                        Step::Worked
                    }
                }
            }
            Item::Text { origin, text } => {
                let input = text.len() as u64;
                let opts = self.settings.analysis.options();
                let t0 = now(&self.scope);
                let built = DocBuilder::from_text(origin.name.clone(), &text, &opts);
                job.prepare_ms += now(&self.scope) - t0;
                match built {
                    Ok(builder) => queue_analysis(job, origin, builder, input, Content::Text(text)),
                    Err(r) => {
                        job.done += input;
                        self.refuse(job_id, origin, RefuseReason::from(&r));
                        Step::Worked
                    }
                }
            }
            Item::Analyze {
                origin,
                mut builder,
                input,
                source,
            } => {
                if builder.step(&mut self.corpus, ANALYZE_STEP) {
                    job.done += input;
                    job.added += 1;
                    let id = match origin.doc {
                        Some(old) => self.corpus.add_as(*builder, old),
                        None => self.corpus.add(*builder),
                    };
                    self.pending.remove(&origin.key);
                    self.keys.insert(id, origin.key.clone());
                    self.sources.insert(origin.key.clone(), (origin, source));
                    self.corpus_dirty = true;
                } else {
                    job.items.push_front(Item::Analyze {
                        origin,
                        builder,
                        input,
                        source,
                    });
                }
                Step::Worked
            }
        }
    }
}

/// Queue the analysis of a document that decoded from `source`, and (when it is new) the
/// write of its record.
fn queue_analysis(
    job: &mut Job,
    origin: Origin,
    builder: DocBuilder,
    input: u64,
    source: Content,
) -> Step {
    let save = origin.save.then(|| StoredDoc {
        key: origin.key.clone(),
        name: origin.name.clone(),
        added: origin.added,
        encoding: origin.encoding.map(|e| e.label().to_owned()),
        content: source.clone(),
    });
    job.items.push_front(Item::Analyze {
        origin,
        builder: Box::new(builder),
        input,
        source,
    });
    save.map_or(Step::Worked, Step::Save)
}

fn bytes_blob(bytes: &[u8]) -> Blob {
    let arr = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    // OK to fall back to an empty blob: constructing one from bytes only fails on OOM.
    Blob::new_with_u8_array_sequence(&arr).unwrap_or_else(|_| Blob::new().expect("empty blob"))
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
