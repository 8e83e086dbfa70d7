//! Persistence in IndexedDB, used by the worker: the corpus, the settings, and (for the
//! segmentation issue) user dictionaries.
//!
//! Database `soi`, version 1:
//! - `docs` (key path `key`): one record per document, `{ key, name, added, blob | text }`.
//!   Files keep their original bytes as the `Blob` the user dropped; pasted and imported
//!   documents keep their text. Each document is written in a transaction of its own, so a
//!   failure (a full quota) loses that document's record only, never what was stored before.
//! - `meta`: `settings` (the page's settings as JSON) and `initialized` (set once the first
//!   corpus was stored, so an emptied corpus stays empty after a reload).
//! - `dictionaries`: reserved for user dictionaries.

use crate::web::jobs::{Record, Source};
use idb::{Database, DatabaseEvent, Factory, KeyPath, ObjectStoreParams, TransactionMode};
use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

const DB_NAME: &str = "soi";
const DB_VERSION: u32 = 1;
const DOCS: &str = "docs";
const META: &str = "meta";
const DICTIONARIES: &str = "dictionaries";

/// The keys of the `meta` store: one place for what the worker keeps beside the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    /// The page's settings (JSON of `protocol::Settings`).
    Settings,
    /// Set once the first corpus (the sample, or the user's) was stored.
    Initialized,
    /// The user's stopword list, one word a line (absent: the built-in list).
    Stopwords,
    /// The user's entity entries, one a line.
    EntityEntries,
}

impl MetaKey {
    /// The key as stored (existing databases hold these names).
    pub fn id(self) -> &'static str {
        match self {
            MetaKey::Settings => "settings",
            MetaKey::Initialized => "initialized",
            MetaKey::Stopwords => "stopwords",
            MetaKey::EntityEntries => "entity-entries",
        }
    }
}

/// A stored document's content: the `Blob` the user dropped, or the text.
pub type Content = Source<web_sys::Blob>;

/// One record of the `docs` store.
pub type StoredDoc = Record<web_sys::Blob>;

/// Why a write failed.
pub enum SaveError {
    /// The browser's storage quota for this origin is exhausted.
    Quota,
    /// Anything else, with the browser's message.
    Other(String),
}

/// A key no other tab will produce: time plus randomness.
pub fn new_key() -> String {
    let rand = (js_sys::Math::random() * 2f64.powi(52)) as u64;
    format!("{:x}-{rand:x}", js_sys::Date::now() as u64)
}

thread_local! {
    static LAST_STAMP: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// A strictly increasing time stamp (ms since the epoch) for `added`, so documents restore
/// in the order they were added even when many arrive within one millisecond.
pub fn stamp() -> f64 {
    LAST_STAMP.with(|last| {
        let t = js_sys::Date::now().max(last.get() + 0.001);
        last.set(t);
        t
    })
}

/// The open database.
pub struct Store {
    db: Database,
}

fn js_err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Store {
    /// Open (and on first use create) the database.
    pub async fn open() -> Result<Store, String> {
        let factory = Factory::new().map_err(js_err)?;
        let mut request = factory.open(DB_NAME, Some(DB_VERSION)).map_err(js_err)?;
        request.on_upgrade_needed(|event| {
            let Ok(db) = event.database() else { return };
            let names = db.store_names();
            if !names.iter().any(|n| n == DOCS) {
                let mut params = ObjectStoreParams::new();
                params.key_path(Some(KeyPath::new_single("key")));
                let _ = db.create_object_store(DOCS, params);
            }
            for name in [META, DICTIONARIES] {
                if !names.iter().any(|n| n == name) {
                    let _ = db.create_object_store(name, ObjectStoreParams::new());
                }
            }
        });
        let db = request.await.map_err(js_err)?;
        Ok(Store { db })
    }

    /// Every stored document, oldest first.
    pub async fn load_docs(&self) -> Result<Vec<StoredDoc>, String> {
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadOnly)
            .map_err(js_err)?;
        let store = tx.object_store(DOCS).map_err(js_err)?;
        let values = store
            .get_all(None, None)
            .map_err(js_err)?
            .await
            .map_err(js_err)?;
        let mut docs: Vec<StoredDoc> = values.into_iter().filter_map(|v| from_js(&v)).collect();
        docs.sort_by(|a, b| a.added.total_cmp(&b.added).then_with(|| a.key.cmp(&b.key)));
        Ok(docs)
    }

    /// The keys of every stored document.
    pub async fn doc_keys(&self) -> Result<Vec<String>, String> {
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadOnly)
            .map_err(js_err)?;
        let store = tx.object_store(DOCS).map_err(js_err)?;
        let keys = store
            .get_all_keys(None, None)
            .map_err(js_err)?
            .await
            .map_err(js_err)?;
        Ok(keys.into_iter().filter_map(|k| k.as_string()).collect())
    }

    /// One stored document.
    pub async fn load_doc(&self, key: &str) -> Result<Option<StoredDoc>, String> {
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadOnly)
            .map_err(js_err)?;
        let store = tx.object_store(DOCS).map_err(js_err)?;
        let v = store
            .get(JsValue::from_str(key))
            .map_err(js_err)?
            .await
            .map_err(js_err)?;
        Ok(v.as_ref().and_then(from_js))
    }

    /// Write one document in a transaction of its own.
    pub async fn put_doc(&self, doc: &StoredDoc) -> Result<(), SaveError> {
        self.write(DOCS, |store| store.put(&to_js(doc), None).map(|_| ()))
            .await
    }

    /// Replace every document by `docs` atomically (Reset to sample corpus).
    pub async fn replace_docs(&self, docs: &[StoredDoc]) -> Result<(), SaveError> {
        self.write(DOCS, |store| {
            store.clear()?;
            for d in docs {
                store.put(&to_js(d), None)?;
            }
            Ok(())
        })
        .await
    }

    /// Delete one document.
    pub async fn delete_doc(&self, key: &str) -> Result<(), SaveError> {
        let key = JsValue::from_str(key);
        self.write(DOCS, |store| store.delete(key).map(|_| ()))
            .await
    }

    /// A value of the `meta` store.
    pub async fn meta(&self, key: MetaKey) -> Option<JsValue> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .ok()?;
        let store = tx.object_store(META).ok()?;
        store
            .get(JsValue::from_str(key.id()))
            .ok()?
            .await
            .ok()
            .flatten()
    }

    /// Set a value of the `meta` store.
    pub async fn set_meta(&self, key: MetaKey, value: &JsValue) -> Result<(), SaveError> {
        let key = JsValue::from_str(key.id());
        self.write(META, |store| store.put(value, Some(&key)).map(|_| ()))
            .await
    }

    /// The user dictionary's entries (one a line).
    pub async fn dictionary(&self) -> Vec<String> {
        let Ok(tx) = self
            .db
            .transaction(&[DICTIONARIES], TransactionMode::ReadOnly)
        else {
            return Vec::new();
        };
        let Ok(store) = tx.object_store(DICTIONARIES) else {
            return Vec::new();
        };
        let Ok(req) = store.get(JsValue::from_str("user")) else {
            return Vec::new();
        };
        match req.await {
            Ok(Some(v)) => v
                .as_string()
                .map(|s| s.lines().map(String::from).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Replace the user dictionary.
    pub async fn set_dictionary(&self, entries: &[String]) -> Result<(), SaveError> {
        let value = JsValue::from_str(&entries.join("\n"));
        let key = JsValue::from_str("user");
        self.write(DICTIONARIES, |store| {
            store.put(&value, Some(&key)).map(|_| ())
        })
        .await
    }

    /// Run `f` in a read-write transaction on `store_name` and wait for it to commit.
    /// A transaction that aborts (quota!) reports why.
    async fn write(
        &self,
        store_name: &str,
        f: impl FnOnce(&idb::ObjectStore) -> Result<(), idb::Error>,
    ) -> Result<(), SaveError> {
        let tx = self
            .db
            .transaction(&[store_name], TransactionMode::ReadWrite)
            .map_err(|e| SaveError::Other(e.to_string()))?;
        let store = tx
            .object_store(store_name)
            .map_err(|e| SaveError::Other(e.to_string()))?;
        if let Err(e) = f(&store) {
            let _ = tx.abort();
            return Err(classify(&e.to_string(), None));
        }
        // Wait with our own handlers rather than idb's transaction future: that one drops its
        // `abort` closure when the `error` event settles it, and the `abort` event that follows
        // a failed write (quota!) then calls a dropped closure.
        let raw: web_sys::IdbTransaction = tx.into();
        let done = js_sys::Promise::new(&mut |resolve, reject| {
            let complete = Closure::once_into_js(move |_: web_sys::Event| {
                let _ = resolve.call0(&JsValue::NULL);
            });
            let abort = Closure::once_into_js(move |_: web_sys::Event| {
                let _ = reject.call0(&JsValue::NULL);
            });
            raw.set_oncomplete(Some(complete.unchecked_ref()));
            raw.set_onabort(Some(abort.unchecked_ref()));
        });
        match wasm_bindgen_futures::JsFuture::from(done).await {
            Ok(_) => Ok(()),
            Err(_) => Err(classify("the transaction was aborted", raw.error())),
        }
    }
}

fn classify(message: &str, error: Option<web_sys::DomException>) -> SaveError {
    let name = error.as_ref().map(|e| e.name()).unwrap_or_default();
    if name == "QuotaExceededError"
        || message.contains("QuotaExceeded")
        || message.contains("quota")
    {
        SaveError::Quota
    } else {
        let detail = error
            .map(|e| format!("{}: {}", e.name(), e.message()))
            .unwrap_or_else(|| message.to_owned());
        SaveError::Other(detail)
    }
}

pub(super) fn set(o: &Object, k: &str, v: &JsValue) {
    // OK to ignore: setting a property on a plain new object cannot fail.
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn to_js(d: &StoredDoc) -> JsValue {
    let o = Object::new();
    set(&o, "key", &JsValue::from_str(&d.key));
    set(&o, "name", &JsValue::from_str(&d.name));
    set(&o, "added", &JsValue::from_f64(d.added));
    if let Some(e) = &d.encoding {
        set(&o, "encoding", &JsValue::from_str(e));
    }
    match &d.content {
        Content::File(b) => set(&o, "blob", b),
        Content::Text(t) => set(&o, "text", &JsValue::from_str(t)),
    }
    put_meta(&o, &d.meta);
    o.into()
}

/// Set a document's metadata on `o`, a property each (absent when unknown); a date inferred
/// from the text is marked `date_inferred` (for the pool: records are stored without one).
pub(super) fn put_meta(o: &Object, m: &crate::corpus::DocMeta) {
    let text = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            set(o, k, &JsValue::from_str(v));
        }
    };
    text("title", &m.title);
    text("date", &m.date.map(|x| x.to_string()));
    text("date_raw", &m.date_raw);
    text("source", &m.source);
    text("group", &m.group);
    text("record_id", &m.record_id);
    text("url", &m.url);
    if let Some(r) = m.row {
        set(o, "row", &JsValue::from_f64(r as f64));
    }
    if m.date_inferred {
        set(o, "date_inferred", &JsValue::TRUE);
    }
}

/// The metadata [`put_meta`] set on `v`.
pub(super) fn meta_of(v: &JsValue) -> crate::corpus::DocMeta {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let text = |k: &str| get(k).and_then(|v| v.as_string());
    crate::corpus::DocMeta {
        title: text("title"),
        date: text("date").and_then(|d| d.parse().ok()),
        date_inferred: get("date_inferred").is_some_and(|v| v.is_truthy()),
        date_raw: text("date_raw"),
        source: text("source"),
        group: text("group"),
        row: get("row").and_then(|v| v.as_f64()).map(|r| r as u64),
        record_id: text("record_id"),
        url: text("url"),
    }
}

fn from_js(v: &JsValue) -> Option<StoredDoc> {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let key = get("key")?.as_string()?;
    let name = get("name")?.as_string().unwrap_or_default();
    let added = get("added").and_then(|a| a.as_f64()).unwrap_or(0.0);
    let content = if let Some(b) = get("blob").and_then(|b| b.dyn_into::<web_sys::Blob>().ok()) {
        Content::File(b)
    } else {
        Content::Text(get("text")?.as_string()?)
    };
    let encoding = get("encoding").and_then(|e| e.as_string());
    let meta = meta_of(v);
    Some(StoredDoc {
        key,
        name,
        added,
        encoding,
        content,
        meta,
    })
}
