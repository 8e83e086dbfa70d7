//! The analysis worker: owns the corpus and runs every job in bounded slices.
//!
//! A job is a queue of items (files to read, texts to analyze). Each tick works for at most
//! [`TICK_MS`] and then returns to the event loop through a zero timeout, so a `Cancel` or
//! `Remove` sent meanwhile is handled between slices, and progress is posted as it goes.
//! Files are read here, in slices, with `FileReaderSync`, so the page never holds their bytes.

use crate::corpus::{Corpus, DocBuilder};
use crate::protocol::{views, JobId, RefuseReason, Request, Response, TOP_N};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

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

/// The built-in sample corpus: five news articles on Vietnam's foreign policy.
const SAMPLE: [(&str, &[u8]); 5] = [
    (
        "000_1b4edb2404a232dc.txt",
        include_bytes!("../../www/corpus/000_1b4edb2404a232dc.txt"),
    ),
    (
        "001_dd71080901982e6d.txt",
        include_bytes!("../../www/corpus/001_dd71080901982e6d.txt"),
    ),
    (
        "002_3f8f23d05b7f99f5.txt",
        include_bytes!("../../www/corpus/002_3f8f23d05b7f99f5.txt"),
    ),
    (
        "003_4ed73204bbf8ad32.txt",
        include_bytes!("../../www/corpus/003_4ed73204bbf8ad32.txt"),
    ),
    (
        "004_70bcad869be01b1b.txt",
        include_bytes!("../../www/corpus/004_70bcad869be01b1b.txt"),
    ),
];

enum Item {
    File {
        name: String,
        file: File,
        buf: Vec<u8>,
        pos: f64,
    },
    Bytes {
        name: String,
        bytes: Vec<u8>,
    },
    Text {
        name: String,
        text: String,
    },
    Analyze {
        builder: DocBuilder,
        input: u64,
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
}

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    corpus: Corpus,
    jobs: VecDeque<Job>,
    scheduled: bool,
    last_report: f64,
    corpus_dirty: bool,
}

type Shared = Rc<RefCell<Worker>>;

/// Start listening; called by the worker binary's `main`.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.to_string();
            super::console_error(&format!("soi worker panicked: {message}"));
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
    }));
    let handler = {
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| on_message(&worker, e))
    };
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The worker lives as long as the page: the handler is never dropped.
    handler.forget();
    post(&scope, &Response::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, r: &Response) {
    match serde_wasm_bindgen::to_value(r) {
        Ok(v) => {
            if let Err(e) = scope.post_message(&v) {
                super::console_error(&format!("soi worker: postMessage failed: {e:?}"));
            }
        }
        Err(e) => super::console_error(&format!("soi worker: cannot serialize a response: {e}")),
    }
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
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
            super::console_error(&format!("soi worker: bad request: {e}"));
            return;
        }
    };
    let mut w = worker.borrow_mut();
    match req {
        Request::AddFiles { job, names } => {
            let files: Vec<File> = files
                .dyn_into::<js_sys::Array>()
                .map(|a| a.iter().filter_map(|f| f.dyn_into::<File>().ok()).collect())
                .unwrap_or_default();
            let total = files.iter().map(|f| f.size() as u64).sum();
            let items = files
                .into_iter()
                .zip(names.into_iter().chain(std::iter::repeat_with(String::new)))
                .map(|(file, name)| Item::File {
                    name,
                    file,
                    buf: Vec::new(),
                    pos: 0.0,
                })
                .collect();
            w.enqueue(job, items, total);
        }
        Request::AddText { job, name, text } => {
            let total = text.len() as u64;
            w.enqueue(job, VecDeque::from([Item::Text { name, text }]), total);
        }
        Request::ResetSample { job } => {
            let pending: Vec<JobId> = w.jobs.iter().map(|j| j.id).collect();
            for id in pending {
                w.finish_job(id, true);
            }
            w.corpus.clear();
            w.corpus_dirty = true;
            let items: VecDeque<Item> = SAMPLE
                .iter()
                .map(|(name, bytes)| Item::Bytes {
                    name: (*name).to_owned(),
                    bytes: bytes.to_vec(),
                })
                .collect();
            let total = SAMPLE.iter().map(|(_, b)| b.len() as u64).sum();
            w.enqueue(job, items, total);
        }
        Request::Remove { doc } => {
            if w.corpus.remove(doc) {
                let view = views::corpus_view(&w.corpus, TOP_N);
                post(&w.scope, &Response::Corpus(view));
            }
        }
        Request::Cancel { job } => w.finish_job(job, true),
        Request::Read { doc, page } => {
            if let Some(p) = views::reader_page(&w.corpus, doc, page) {
                post(&w.scope, &Response::Page(p));
            }
        }
    }
    drop(w);
    schedule(worker);
}

fn schedule(worker: &Shared) {
    let mut w = worker.borrow_mut();
    if w.scheduled || w.jobs.is_empty() {
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
        super::console_error("soi worker: setTimeout failed");
    }
}

fn tick(worker: &Shared) {
    let mut w = worker.borrow_mut();
    let start = now(&w.scope);
    while now(&w.scope) - start < TICK_MS {
        if !w.step() {
            break;
        }
    }
    let t = now(&w.scope);
    if t - w.last_report >= REPORT_MS {
        w.last_report = t;
        w.report_progress();
    }
}

impl Worker {
    fn enqueue(&mut self, id: JobId, items: VecDeque<Item>, total: u64) {
        let started = now(&self.scope);
        self.jobs.push_back(Job {
            id,
            items,
            started,
            total,
            done: 0,
            added: 0,
        });
    }

    fn report_progress(&mut self) {
        if let Some(job) = self.jobs.front() {
            let (name, partial) = match job.items.front() {
                Some(Item::File { name, pos, .. }) => (name.clone(), (*pos as u64) / 2),
                Some(Item::Analyze { builder, input }) => {
                    let (done, all) = builder.progress();
                    let frac = if all == 0 {
                        1.0
                    } else {
                        done as f64 / all as f64
                    };
                    (
                        builder.name().to_owned(),
                        input / 2 + (frac * (*input as f64) / 2.0) as u64,
                    )
                }
                Some(Item::Bytes { name, .. } | Item::Text { name, .. }) => (name.clone(), 0),
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
        if self.corpus_dirty {
            self.corpus_dirty = false;
            post(
                &self.scope,
                &Response::Corpus(views::corpus_view(&self.corpus, TOP_N)),
            );
        }
    }

    /// End job `id` (cancelled or complete) and tell the page. Unknown ids are ignored.
    fn finish_job(&mut self, id: JobId, cancelled: bool) {
        let Some(i) = self.jobs.iter().position(|j| j.id == id) else {
            return;
        };
        // OK to unwrap: `i` was just found.
        let job = self.jobs.remove(i).expect("job index");
        let elapsed_ms = now(&self.scope) - job.started;
        if self.corpus_dirty {
            self.corpus_dirty = false;
            post(
                &self.scope,
                &Response::Corpus(views::corpus_view(&self.corpus, TOP_N)),
            );
        }
        post(
            &self.scope,
            &Response::JobDone {
                job: id,
                cancelled,
                added: job.added,
                bytes: job.done,
                elapsed_ms,
            },
        );
    }

    fn refuse(&self, job: JobId, name: String, reason: RefuseReason) {
        post(&self.scope, &Response::Refused { job, name, reason });
    }

    /// Do one bounded piece of work. Returns `false` when there is nothing left to do.
    fn step(&mut self) -> bool {
        let Some(job) = self.jobs.front_mut() else {
            return false;
        };
        let job_id = job.id;
        let Some(item) = job.items.pop_front() else {
            self.finish_job(job_id, false);
            return !self.jobs.is_empty();
        };
        match item {
            Item::File {
                name,
                file,
                mut buf,
                pos,
            } => {
                let size = file.size();
                if pos < size {
                    let end = (pos + READ_SLICE).min(size);
                    match read_slice(&file, pos, end) {
                        Ok(bytes) => {
                            if buf.capacity() == 0 {
                                buf.reserve_exact(size as usize);
                            }
                            buf.extend_from_slice(&bytes);
                            job.items.push_front(Item::File {
                                name,
                                file,
                                buf,
                                pos: end,
                            });
                        }
                        Err(detail) => {
                            job.done += size as u64;
                            self.refuse(job_id, name, RefuseReason::Unreadable { detail });
                        }
                    }
                } else {
                    job.items.push_front(Item::Bytes { name, bytes: buf });
                }
            }
            Item::Bytes { name, bytes } => {
                let input = bytes.len() as u64;
                match DocBuilder::from_bytes(name.clone(), &bytes) {
                    Ok(builder) => job.items.push_front(Item::Analyze { builder, input }),
                    Err(r) => {
                        job.done += input;
                        self.refuse(job_id, name, RefuseReason::from(&r));
                    }
                }
            }
            Item::Text { name, text } => {
                let input = text.len() as u64;
                match DocBuilder::from_text(name.clone(), &text) {
                    Ok(builder) => job.items.push_front(Item::Analyze { builder, input }),
                    Err(r) => {
                        job.done += input;
                        self.refuse(job_id, name, RefuseReason::from(&r));
                    }
                }
            }
            Item::Analyze { mut builder, input } => {
                if builder.step(self.corpus.interner_mut(), ANALYZE_STEP) {
                    job.done += input;
                    job.added += 1;
                    self.corpus.add(builder);
                    self.corpus_dirty = true;
                } else {
                    job.items.push_front(Item::Analyze { builder, input });
                }
            }
        }
        true
    }
}

fn read_slice(file: &File, start: f64, end: f64) -> Result<Vec<u8>, String> {
    let blob = file
        .slice_with_f64_and_f64(start, end)
        .map_err(|e| format!("{e:?}"))?;
    let reader = FileReaderSync::new().map_err(|e| format!("{e:?}"))?;
    let buf = reader
        .read_as_array_buffer(&blob)
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
