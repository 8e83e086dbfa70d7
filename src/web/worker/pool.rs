//! The pool of analysis workers: both of its sides.
//!
//! The corpus worker ([`super`]) owns the corpus and the store; beside it run as many
//! analysis workers as the machine has cores (at most [`MAX_POOL`]), each started from
//! `pool-boot.js` with the same wasm. [`Slots`] is the corpus worker's handle on them: it
//! starts them, sends them the queue's [`Task`]s and starts one again when it dies (at most
//! [`RESTARTS`] times per slot). [`serve`] is a pool worker's whole life: it decodes and
//! keeps the documents it is given, answers with their paragraphs' fingerprints, and, once
//! the corpus worker has settled which paragraphs repeat an earlier document's, analyzes
//! them and sends them back packed ([`Analyzed::to_bytes`]) in a transferred buffer.
//!
//! The messages are plain objects with a `t` field, built and read here (the protocol's
//! serde types ride inside them where they exist: the analysis settings, a refusal):
//!
//! | to a pool worker | answer |
//! |---|---|
//! | `config {dictionary: [string], entities: string}` | — |
//! | `prepare {task, name, bytes \| text, settings, encoding?, meta…}` | `prepared {task, fps, ms}` or `refused {task, reason}` |
//! | `analyze {task, id, owned}` | `done {task, bytes}` |
//! | `forget {task}` | — |
//!
//! and a pool worker says `ready` once it has loaded the models, `crashed` if it panics.
//! `fps` is 9 bytes per paragraph (fingerprint, little-endian, and 1 if flagged within the
//! document); `owned` 12 bytes per paragraph (fingerprint, then the owner's id).

use super::store::{meta_of, put_meta, set};
use crate::corpus::{Analyzed, DocBuilder, DocId};
use crate::entities::Recognizer;
use crate::ingest::Encoding;
use crate::protocol::{AnalysisSettings, RefuseReason};
use crate::web::console::console_error;
use crate::web::jobs::{Input, Task, TaskId};
use crate::words::UserDict;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Where a pool worker's boot script is served (beside the corpus worker's).
const POOL_URL: &str = "./pool-boot.js";
/// The most pool workers a tab starts: past this, merging in the one corpus worker is the
/// bottleneck and every worker costs its models' memory.
pub(super) const MAX_POOL: usize = 8;
/// Times a slot's worker is started again after it died, before the slot stays empty.
const RESTARTS: u32 = 5;

/// One pool worker as the corpus worker sees it.
struct Slot {
    worker: Option<web_sys::Worker>,
    /// It has loaded its models and takes tasks.
    ready: bool,
    /// Counts the workers started in this slot, so that a dead one's late messages are
    /// told from its replacement's.
    generation: u32,
}

/// What a pool worker said (see the module's table).
pub(super) enum Answer {
    Ready,
    Prepared(TaskId, Result<Vec<(u64, bool)>, RefuseReason>, f64),
    Done(TaskId, Result<Box<Analyzed>, String>),
    /// It died: a panic, an uncaught error, a message it could not read.
    Died,
}

/// The corpus worker's pool workers.
#[derive(Default)]
pub(super) struct Slots {
    slots: Vec<Slot>,
    /// What every pool worker is sent first, and again when it changes.
    config: Option<(Vec<String>, String)>,
}

impl Slots {
    /// Slots for `n` pool workers, none started yet ([`Slots::start`]).
    pub(super) fn new(n: usize) -> Slots {
        Slots {
            slots: (0..n)
                .map(|_| Slot {
                    worker: None,
                    ready: false,
                    generation: 0,
                })
                .collect(),
            config: None,
        }
    }

    /// How many slots can still work: 0 once every one has died too often.
    pub(super) fn size(&self) -> usize {
        if self.slots.iter().any(|s| s.worker.is_some()) {
            self.slots.len()
        } else {
            0
        }
    }

    pub(super) fn ready(&self, w: usize) -> bool {
        self.slots.get(w).is_some_and(|s| s.ready)
    }

    /// Start the worker of slot `w`; `on` gets its answers with the slot and generation.
    /// `false` if it cannot be started (or has died too often).
    pub(super) fn start(
        &mut self,
        w: usize,
        on: impl Fn(usize, u32, Answer) + Clone + 'static,
    ) -> bool {
        let Some(slot) = self.slots.get_mut(w) else {
            return false;
        };
        if slot.generation > RESTARTS {
            return false;
        }
        slot.generation += 1;
        slot.ready = false;
        let generation = slot.generation;
        let options = web_sys::WorkerOptions::new();
        options.set_name(&format!("soi-pool-{w}"));
        let worker = match web_sys::Worker::new_with_options(POOL_URL, &options) {
            Ok(worker) => worker,
            Err(e) => {
                console_error(&format!("soi worker: cannot start pool worker {w}: {e:?}"));
                return false;
            }
        };
        let message = {
            let on = on.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                if let Some(a) = answer_of(&e.data()) {
                    on(w, generation, a);
                }
            })
        };
        let died = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let detail = Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            console_error(&format!("soi worker: pool worker {w} failed: {detail}"));
            // Handled here: it goes no further up (to the page, as an error of this worker).
            if let Some(event) = e.dyn_ref::<web_sys::Event>() {
                event.prevent_default();
            }
            on(w, generation, Answer::Died);
        });
        worker.set_onmessage(Some(message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(died.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(died.as_ref().unchecked_ref()));
        // A handler may be the one running when its worker is replaced, so it is never
        // dropped; a slot starts at most RESTARTS + 1 workers.
        message.forget();
        died.forget();
        slot.worker = Some(worker);
        true
    }

    /// Whether an answer from slot `w`'s worker of `generation` is from the one running.
    pub(super) fn current(&self, w: usize, generation: u32) -> bool {
        self.slots
            .get(w)
            .is_some_and(|s| s.generation == generation && s.worker.is_some())
    }

    /// Slot `w`'s worker loaded its models: send it the configuration.
    pub(super) fn started(&mut self, w: usize) {
        if let Some(slot) = self.slots.get_mut(w) {
            slot.ready = true;
        }
        if let Some((dictionary, entities)) = self.config.clone() {
            self.post(w, &config_message(&dictionary, &entities), None);
        }
    }

    /// Slot `w`'s worker died: stop it (it is started again by the caller).
    pub(super) fn stop(&mut self, w: usize) {
        if let Some(slot) = self.slots.get_mut(w) {
            if let Some(worker) = slot.worker.take() {
                worker.terminate();
            }
            slot.ready = false;
        }
    }

    /// The user dictionary and entity entries every pool worker analyzes with.
    pub(super) fn configure(&mut self, dictionary: Vec<String>, entities: String) {
        let message = config_message(&dictionary, &entities);
        self.config = Some((dictionary, entities));
        for w in 0..self.slots.len() {
            if self.ready(w) {
                self.post(w, &message, None);
            }
        }
    }

    /// Send `task` to slot `w`'s worker.
    pub(super) fn send(&mut self, w: usize, task: Task<'_>) {
        let o = Object::new();
        let mut transfer = None;
        match task {
            Task::Prepare {
                task,
                name,
                input,
                options,
                meta,
            } => {
                set(&o, "t", &"prepare".into());
                set(&o, "task", &task.into());
                set(&o, "name", &name.into());
                match input {
                    Input::Bytes(b) => {
                        let bytes = Uint8Array::from(b);
                        transfer = Some(bytes.buffer());
                        set(&o, "bytes", &bytes);
                    }
                    Input::Text(t) => set(&o, "text", &t.into()),
                }
                let settings = AnalysisSettings::from(&options);
                match serde_wasm_bindgen::to_value(&settings) {
                    Ok(v) => set(&o, "settings", &v),
                    Err(e) => console_error(&format!("soi worker: settings: {e}")),
                }
                if let Some(e) = options.encoding {
                    set(&o, "encoding", &e.label().into());
                }
                let m = Object::new();
                put_meta(&m, meta);
                set(&o, "meta", &m);
            }
            Task::Analyze { task, id, owned } => {
                set(&o, "t", &"analyze".into());
                set(&o, "task", &task.into());
                set(&o, "id", &id.into());
                let mut bytes = Vec::with_capacity(owned.len() * 12);
                for &(fp, owner) in owned {
                    bytes.extend_from_slice(&fp.to_le_bytes());
                    bytes.extend_from_slice(&owner.to_le_bytes());
                }
                set(&o, "owned", &Uint8Array::from(&bytes[..]));
            }
            Task::Forget { task } => {
                set(&o, "t", &"forget".into());
                set(&o, "task", &task.into());
            }
        }
        self.post(w, &o, transfer.as_ref());
    }

    fn post(&self, w: usize, message: &JsValue, transfer: Option<&ArrayBuffer>) {
        let Some(worker) = self.slots.get(w).and_then(|s| s.worker.as_ref()) else {
            return;
        };
        let sent = match transfer {
            Some(buffer) => worker.post_message_with_transfer(message, &Array::of1(buffer)),
            None => worker.post_message(message),
        };
        if let Err(e) = sent {
            console_error(&format!("soi worker: cannot reach pool worker {w}: {e:?}"));
        }
    }
}

fn config_message(dictionary: &[String], entities: &str) -> JsValue {
    let o = Object::new();
    set(&o, "t", &"config".into());
    let list: Array = dictionary.iter().map(|d| JsValue::from_str(d)).collect();
    set(&o, "dictionary", &list);
    set(&o, "entities", &entities.into());
    o.into()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn task_of(o: &JsValue) -> Option<TaskId> {
    get(o, "task").as_f64().map(|t| t as TaskId)
}

fn bytes_of(v: &JsValue) -> Vec<u8> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        a.to_vec()
    } else if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(b).to_vec()
    } else {
        Vec::new()
    }
}

/// A pool worker's message, read on the corpus worker's side.
fn answer_of(data: &JsValue) -> Option<Answer> {
    let kind = get(data, "t").as_string()?;
    Some(match kind.as_str() {
        "ready" => Answer::Ready,
        "crashed" => Answer::Died,
        "prepared" => {
            let fps = bytes_of(&get(data, "fps"))
                .chunks_exact(9)
                .map(|c| {
                    let mut fp = [0; 8];
                    fp.copy_from_slice(&c[..8]);
                    (u64::from_le_bytes(fp), c[8] != 0)
                })
                .collect();
            let ms = get(data, "ms").as_f64().unwrap_or(0.0);
            Answer::Prepared(task_of(data)?, Ok(fps), ms)
        }
        "refused" => {
            let reason = serde_wasm_bindgen::from_value(get(data, "reason"))
                .unwrap_or(RefuseReason::Crashed);
            Answer::Prepared(task_of(data)?, Err(reason), 0.0)
        }
        "done" => {
            let bytes = bytes_of(&get(data, "bytes"));
            let analyzed = Analyzed::from_bytes(&bytes)
                .map(Box::new)
                .map_err(|e| e.to_string());
            Answer::Done(task_of(data)?, analyzed)
        }
        _ => return None,
    })
}

thread_local! {
    static WORK: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Count a document analyzed by slot `w`'s workers (see [`pool_work`]).
pub(super) fn count_work(w: usize) {
    count_ready(w);
    WORK.with(|c| c.borrow_mut()[w] += 1);
}

/// How many documents each pool slot's workers have analyzed, as the corpus worker counts
/// their answers: one entry per ready slot at least. Exported for the browser tests and the
/// benchmark, which check that the pool did the work and in parallel.
#[wasm_bindgen]
pub fn pool_work() -> Vec<u32> {
    WORK.with(|c| c.borrow().clone())
}

/// Make room in [`pool_work`] for a slot whose worker is ready.
pub(super) fn count_ready(w: usize) {
    WORK.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() <= w {
            c.resize(w + 1, 0);
        }
    });
}

/// A pool worker's state.
struct Analyst {
    scope: DedicatedWorkerGlobalScope,
    dictionary: UserDict,
    recognizer: Option<Arc<Recognizer>>,
    /// Prepared documents waiting to be analyzed, by task.
    held: HashMap<TaskId, DocBuilder>,
}

/// Be a pool worker: the models are loaded; say so, then answer the corpus worker.
pub(super) fn serve(scope: DedicatedWorkerGlobalScope) {
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            console_error(&format!("soi pool worker panicked: {info}"));
            let o = Object::new();
            set(&o, "t", &"crashed".into());
            let _ = scope.post_message(&o);
        }));
    }
    let analyst = Rc::new(RefCell::new(Analyst {
        scope: scope.clone(),
        dictionary: UserDict::default(),
        recognizer: None,
        held: HashMap::new(),
    }));
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        analyst.borrow_mut().on_message(&e.data());
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The worker lives as long as the page.
    handler.forget();
    let o = Object::new();
    set(&o, "t", &"ready".into());
    let _ = scope.post_message(&o);
}

impl Analyst {
    fn on_message(&mut self, data: &JsValue) {
        let Some(kind) = get(data, "t").as_string() else {
            return;
        };
        match kind.as_str() {
            "config" => {
                let entries: Vec<String> = get(data, "dictionary")
                    .dyn_into::<Array>()
                    .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
                    .unwrap_or_default();
                self.dictionary = UserDict::parse(&entries.join("\n"));
                let lines = get(data, "entities").as_string().unwrap_or_default();
                self.recognizer = (!lines.trim().is_empty())
                    .then(|| Arc::new(Recognizer::with_user_entries(&lines).0));
            }
            "prepare" => self.prepare(data),
            "analyze" => self.analyze(data),
            "forget" => {
                if let Some(task) = task_of(data) {
                    self.held.remove(&task);
                }
            }
            _ => {}
        }
    }

    fn prepare(&mut self, data: &JsValue) {
        let Some(task) = task_of(data) else {
            return;
        };
        let t0 = self.now();
        let name = get(data, "name").as_string().unwrap_or_default();
        let settings: AnalysisSettings =
            serde_wasm_bindgen::from_value(get(data, "settings")).unwrap_or_default();
        let mut options = settings.options();
        options.encoding = get(data, "encoding")
            .as_string()
            .and_then(|l| Encoding::from_label(&l));
        let text = get(data, "text");
        let built = match text.as_string() {
            Some(t) => DocBuilder::from_text(name, &t, &options),
            None => DocBuilder::from_bytes(name, &bytes_of(&get(data, "bytes")), &options),
        };
        let o = Object::new();
        set(&o, "task", &task.into());
        match built {
            Ok(b) => {
                let b = b.with_meta(meta_of(&get(data, "meta")));
                let mut fps = Vec::new();
                for (fp, flagged) in b.own_paragraphs() {
                    fps.extend_from_slice(&fp.to_le_bytes());
                    fps.push(u8::from(flagged));
                }
                self.held.insert(task, b);
                set(&o, "t", &"prepared".into());
                set(&o, "fps", &Uint8Array::from(&fps[..]));
                set(&o, "ms", &(self.now() - t0).into());
            }
            Err(r) => {
                set(&o, "t", &"refused".into());
                let reason = serde_wasm_bindgen::to_value(&RefuseReason::from(&r));
                set(&o, "reason", &reason.unwrap_or(JsValue::NULL));
            }
        }
        let _ = self.scope.post_message(&o);
    }

    fn analyze(&mut self, data: &JsValue) {
        let Some(task) = task_of(data) else {
            return;
        };
        let o = Object::new();
        set(&o, "t", &"done".into());
        set(&o, "task", &task.into());
        let Some(mut b) = self.held.remove(&task) else {
            // Not prepared here (it cannot happen but through a bug): the corpus worker
            // counts an unreadable answer as a failure of the task.
            let _ = self.scope.post_message(&o);
            return;
        };
        let id = get(data, "id").as_f64().map_or(0, |i| i as DocId);
        let owned: HashMap<u64, DocId> = bytes_of(&get(data, "owned"))
            .chunks_exact(12)
            .map(|c| {
                let mut fp = [0; 8];
                fp.copy_from_slice(&c[..8]);
                let mut owner = [0; 4];
                owner.copy_from_slice(&c[8..]);
                (u64::from_le_bytes(fp), DocId::from_le_bytes(owner))
            })
            .collect();
        b.settle(|fp| owned.get(&fp).copied());
        let recognizer = self
            .recognizer
            .as_deref()
            .unwrap_or_else(|| Recognizer::embedded());
        b.analyze(&self.dictionary, recognizer, usize::MAX);
        let packed = b.seal(id).to_bytes();
        let bytes = Uint8Array::from(&packed[..]);
        drop(packed);
        set(&o, "bytes", &bytes);
        let sent = self
            .scope
            .post_message_with_transfer(&o, &Array::of1(&bytes.buffer()));
        if let Err(e) = sent {
            console_error(&format!("soi pool worker: cannot answer: {e:?}"));
        }
    }

    fn now(&self) -> f64 {
        self.scope.performance().map_or(0.0, |p| p.now())
    }
}
