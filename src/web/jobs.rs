//! The analysis worker's job queue, in plain Rust so that it runs (and is tested) natively.
//!
//! A job is a queue of items: files to read, texts to analyze, stored documents to restore.
//! Jobs run one after another, first come first served, and so do the items of a job. The
//! worker calls [`Queue::tick`] from a zero timeout; each tick works for at most [`TICK_MS`]
//! and returns, so a `Cancel` or `Remove` sent meanwhile is handled between ticks, and
//! progress is posted as it goes (at most every [`REPORT_MS`]).
//!
//! What only a browser can do is behind [`Host`]: the clock, reading a slice of a file,
//! posting a response, making store keys. Storing is asynchronous there, so the queue does not
//! store anything itself: a tick returns the [`Record`]s to write, and the worker reports how
//! each write went through [`Queue::saved`].

use crate::corpus::{Corpus, DocBuilder, DocId};
use crate::ingest::Encoding;
use crate::protocol::{
    export, views, CorpusView, JobId, RefuseReason, Response, SaveFailure, Settings, TOP_N,
};
use std::collections::{HashMap, HashSet, VecDeque};

/// Longest slice of work between two returns to the event loop. Short enough that a cancel
/// feels immediate, long enough that the timer overhead is negligible.
pub const TICK_MS: f64 = 40.0;
/// Bytes read from a file per step.
const READ_SLICE: u64 = 4 << 20;
/// Bytes of text analyzed per step (a step ends at a line break).
const ANALYZE_STEP: usize = 256 << 10;
/// Minimum time between two progress or corpus messages, so thousands of small files do not
/// flood the page.
pub const REPORT_MS: f64 = 100.0;
/// Job id for work the worker starts itself (restores, syncs). The page's ids start at 1.
pub const SELF_JOB: JobId = 0;

/// The built-in sample corpus: five news articles on Vietnam's foreign policy.
pub const SAMPLE: [(&str, &str); 5] = [
    (
        "000_1b4edb2404a232dc.txt",
        include_str!("../../www/corpus/000_1b4edb2404a232dc.txt"),
    ),
    (
        "001_dd71080901982e6d.txt",
        include_str!("../../www/corpus/001_dd71080901982e6d.txt"),
    ),
    (
        "002_3f8f23d05b7f99f5.txt",
        include_str!("../../www/corpus/002_3f8f23d05b7f99f5.txt"),
    ),
    (
        "003_4ed73204bbf8ad32.txt",
        include_str!("../../www/corpus/003_4ed73204bbf8ad32.txt"),
    ),
    (
        "004_70bcad869be01b1b.txt",
        include_str!("../../www/corpus/004_70bcad869be01b1b.txt"),
    ),
];

/// What the queue needs from its surroundings (in the browser: the worker's global scope).
pub trait Host {
    /// A handle to a file's bytes (a `Blob` in the browser), kept as a document's source.
    type File: Clone;
    /// Milliseconds on a monotonic clock.
    fn now(&mut self) -> f64;
    /// The size of `file` in bytes.
    fn size(&self, file: &Self::File) -> u64;
    /// Bytes `start..end` of `file`, or the reason they cannot be read.
    fn read(&mut self, file: &Self::File, start: u64, end: u64) -> Result<Vec<u8>, String>;
    /// Send `response` to the page.
    fn post(&mut self, response: &Response);
    /// A store key no other tab will produce.
    fn new_key(&mut self) -> String;
    /// A strictly increasing time stamp for a document's `added`.
    fn stamp(&mut self) -> f64;
}

/// A document's input as it is kept (and stored): the file, or the text that arrived as text.
#[derive(Clone, Debug, PartialEq)]
pub enum Source<F> {
    /// The file as dropped (original bytes).
    File(F),
    /// Text that arrived as text.
    Text(String),
}

/// A document as it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<F> {
    /// Unique key, from [`Host::new_key`].
    pub key: String,
    /// The document's name.
    pub name: String,
    /// When it was first added; restores keep this order.
    pub added: f64,
    /// The user's encoding override (a label), if any.
    pub encoding: Option<String>,
    /// Its content.
    pub content: Source<F>,
}

/// Where a document's input comes from and whether it still has to be stored.
#[derive(Clone)]
struct Origin {
    key: String,
    name: String,
    added: f64,
    /// The user's encoding override.
    encoding: Option<Encoding>,
    /// The id it had, when it is analyzed again.
    doc: Option<DocId>,
    /// Store it once it decodes (new files and texts); restored documents are stored already.
    save: bool,
}

impl Origin {
    fn record<F>(&self, content: Source<F>) -> Record<F> {
        Record {
            key: self.key.clone(),
            name: self.name.clone(),
            added: self.added,
            encoding: self.encoding.map(|e| e.label().to_owned()),
            content,
        }
    }
}

enum Item<F> {
    Read {
        origin: Origin,
        file: F,
        size: u64,
        buf: Vec<u8>,
        pos: u64,
    },
    Bytes {
        origin: Origin,
        bytes: Vec<u8>,
        file: F,
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
        source: Source<F>,
    },
}

impl<F> Item<F> {
    fn origin(&self) -> &Origin {
        match self {
            Item::Read { origin, .. }
            | Item::Bytes { origin, .. }
            | Item::Text { origin, .. }
            | Item::Analyze { origin, .. } => origin,
        }
    }

    /// Input bytes, what the job's progress counts.
    fn size(&self) -> u64 {
        match self {
            Item::Read { size, .. } => *size,
            Item::Bytes { bytes, .. } => bytes.len() as u64,
            Item::Text { text, .. } => text.len() as u64,
            Item::Analyze { input, .. } => *input,
        }
    }

    /// Input bytes of the front item already worked on: reading counts for the first half of
    /// a file, analyzing for the second.
    fn partial(&self) -> u64 {
        match self {
            Item::Read { pos, .. } => pos / 2,
            Item::Bytes { bytes, .. } => bytes.len() as u64 / 2,
            Item::Text { .. } => 0,
            Item::Analyze { builder, input, .. } => {
                let (done, all) = builder.progress();
                let frac = if all == 0 {
                    1.0
                } else {
                    done as f64 / all as f64
                };
                input / 2 + (frac * (*input as f64) / 2.0) as u64
            }
        }
    }
}

/// The first work item for a document made of `content`.
fn item_for<H: Host>(host: &H, origin: Origin, content: Source<H::File>) -> Item<H::File> {
    match content {
        Source::File(file) => Item::Read {
            size: host.size(&file),
            origin,
            file,
            buf: Vec::new(),
            pos: 0,
        },
        Source::Text(text) => Item::Text { origin, text },
    }
}

struct Job<F> {
    id: JobId,
    items: VecDeque<Item<F>>,
    started: f64,
    total: u64,
    /// Input bytes whose work is complete (read and analyzed).
    done: u64,
    added: u32,
    /// Time spent decoding and normalizing, ms.
    prepare_ms: f64,
}

enum Step<F> {
    Idle,
    Worked,
    Save(Record<F>),
}

/// The corpus and the jobs that fill it.
pub struct Queue<F> {
    /// The corpus the jobs fill.
    pub corpus: Corpus,
    /// The settings in force; `analysis` applies to every document analyzed from now on.
    pub settings: Settings,
    /// Whether documents are stored at all (the browser opened IndexedDB).
    pub persistent: bool,
    jobs: VecDeque<Job<F>>,
    last_report: f64,
    corpus_dirty: bool,
    /// The store key of every document in the corpus.
    keys: HashMap<DocId, String>,
    /// Keys of documents queued but not yet in the corpus.
    pending: HashSet<String>,
    /// Keys of documents that could not be stored.
    unsaved: HashSet<String>,
    /// Every document's source, by key.
    sources: HashMap<String, (Origin, Source<F>)>,
    read_slice: u64,
}

impl<F: Clone> Default for Queue<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Clone> Queue<F> {
    /// An empty corpus and no jobs.
    pub fn new() -> Self {
        Queue {
            corpus: Corpus::new(),
            settings: Settings::default(),
            persistent: false,
            jobs: VecDeque::new(),
            last_report: 0.0,
            corpus_dirty: false,
            keys: HashMap::new(),
            pending: HashSet::new(),
            unsaved: HashSet::new(),
            sources: HashMap::new(),
            read_slice: READ_SLICE,
        }
    }

    /// No job is queued.
    pub fn is_idle(&self) -> bool {
        self.jobs.is_empty()
    }

    /// The corpus changed in a way its view shows: post it at the next occasion.
    pub fn touch(&mut self) {
        self.corpus_dirty = true;
    }

    fn new_origin<H: Host>(host: &mut H, name: String) -> Origin {
        Origin {
            doc: None,
            key: host.new_key(),
            name,
            added: host.stamp(),
            encoding: None,
            save: true,
        }
    }

    /// Queue job `id`: new files, each with its name, to read, analyze and store.
    pub fn add_files<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        id: JobId,
        files: Vec<(F, String)>,
    ) {
        let items = files
            .into_iter()
            .map(|(file, name)| {
                let origin = Self::new_origin(host, name);
                item_for(host, origin, Source::File(file))
            })
            .collect();
        self.enqueue(host, id, items);
    }

    /// Queue job `id`: a new text to analyze and store.
    pub fn add_text<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        id: JobId,
        name: String,
        text: String,
    ) {
        let origin = Self::new_origin(host, name);
        self.enqueue(host, id, VecDeque::from([Item::Text { origin, text }]));
    }

    /// Queue the documents stored when the worker started (they are not stored again).
    pub fn restore<H: Host<File = F>>(&mut self, host: &mut H, docs: Vec<Record<F>>) {
        if docs.is_empty() {
            // The page waits for a first corpus, empty or not.
            self.corpus_dirty = true;
        }
        let items = docs.into_iter().map(|d| restore_item(host, d)).collect();
        self.enqueue(host, SELF_JOB, items);
    }

    /// Another tab changed the store: drop the documents whose records are gone (the ones
    /// that were never stored stay), and return the stored keys this corpus lacks.
    pub fn forget_missing(&mut self, stored: &HashSet<String>) -> Vec<String> {
        let gone: Vec<DocId> = self
            .keys
            .iter()
            .filter(|(_, k)| !stored.contains(*k) && !self.unsaved.contains(*k))
            .map(|(&id, _)| id)
            .collect();
        for id in gone {
            self.corpus.remove(id);
            if let Some(k) = self.keys.remove(&id) {
                self.sources.remove(&k);
            }
            self.corpus_dirty = true;
        }
        let known: HashSet<&String> = self.keys.values().chain(self.pending.iter()).collect();
        stored
            .iter()
            .filter(|k| !known.contains(k))
            .cloned()
            .collect()
    }

    /// Queue the records another tab stored (loaded after [`Queue::forget_missing`]).
    pub fn add_synced<H: Host<File = F>>(&mut self, host: &mut H, docs: Vec<Record<F>>) {
        // Keys that arrived meanwhile through this tab's own work are not loaded twice.
        let items: VecDeque<Item<F>> = docs
            .into_iter()
            .filter(|d| !self.pending.contains(&d.key) && !self.keys.values().any(|v| *v == d.key))
            .map(|d| restore_item(host, d))
            .collect();
        if items.is_empty() {
            self.post_corpus(host);
        } else {
            self.enqueue(host, SELF_JOB, items);
        }
    }

    /// Replace the corpus with the sample corpus under job `job`, cancelling every job; returns
    /// the records that replace the stored ones.
    pub fn reset<H: Host<File = F>>(&mut self, host: &mut H, job: JobId) -> Vec<Record<F>> {
        let running: Vec<JobId> = self.jobs.iter().map(|j| j.id).collect();
        for id in running {
            self.finish_job(host, id, true);
        }
        self.corpus.clear();
        self.keys.clear();
        self.pending.clear();
        self.unsaved.clear();
        self.sources.clear();
        self.corpus_dirty = true;
        let mut records = Vec::new();
        let mut items = VecDeque::new();
        for (name, text) in SAMPLE {
            let origin = Origin {
                save: false,
                ..Self::new_origin(host, name.to_owned())
            };
            records.push(origin.record(Source::Text(text.to_owned())));
            items.push_back(Item::Text {
                origin,
                text: text.to_owned(),
            });
        }
        self.enqueue(host, job, items);
        records
    }

    /// Take document `doc` out of the corpus; returns its store key, to delete its record.
    pub fn remove<H: Host<File = F>>(&mut self, host: &mut H, doc: DocId) -> Option<String> {
        if !self.corpus.remove(doc) {
            return None;
        }
        self.corpus_dirty = true;
        self.post_corpus(host);
        let key = self.keys.remove(&doc)?;
        self.unsaved.remove(&key);
        self.sources.remove(&key);
        Some(key)
    }

    /// Analyze documents again from their sources: all of them (a setting changed), or one with
    /// a new encoding. Returns the records to store again (a file with its new encoding, so
    /// the choice survives a reload).
    pub fn reanalyze<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        one: Option<(DocId, Option<Encoding>)>,
    ) -> Vec<Record<F>> {
        let ids: Vec<DocId> = match one {
            Some((doc, _)) => vec![doc],
            None => self.corpus.docs().iter().map(|d| d.id).collect(),
        };
        let mut items = VecDeque::new();
        let mut resave = Vec::new();
        for id in ids {
            let Some(key) = self.keys.get(&id).cloned() else {
                continue;
            };
            let Some((mut origin, source)) = self.sources.get(&key).cloned() else {
                continue;
            };
            self.corpus.remove(id);
            self.keys.remove(&id);
            if let Some((_, enc)) = one {
                origin.encoding = enc;
                if let Source::File(f) = &source {
                    resave.push(origin.record(Source::File(f.clone())));
                }
            }
            origin.save = false;
            origin.doc = Some(id);
            items.push_back(item_for(host, origin, source));
        }
        // Later documents may have left out paragraphs that the removed ones held: with all of
        // them re-run in order, ownership is settled again as if they were added now.
        self.corpus_dirty = true;
        self.enqueue(host, SELF_JOB, items);
        resave
    }

    /// Cancel job `id`: its unfinished items are dropped, the documents it added stay.
    /// Unknown ids are ignored.
    pub fn cancel<H: Host<File = F>>(&mut self, host: &mut H, id: JobId) {
        self.finish_job(host, id, true);
    }

    /// How writing `record` went. A failure is reported by name and marks the document as not
    /// stored; it stays in the corpus.
    pub fn saved<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        record: &Record<F>,
        result: Result<(), SaveFailure>,
    ) {
        if let Err(reason) = result {
            self.unsaved.insert(record.key.clone());
            self.corpus_dirty = true;
            host.post(&Response::NotSaved {
                name: record.name.clone(),
                reason,
            });
        }
        if self.jobs.is_empty() {
            self.post_corpus(host);
        }
    }

    /// The corpus as the page shows it.
    pub fn view(&self) -> CorpusView {
        let mut view = views::corpus_view(&self.corpus, TOP_N);
        for d in &mut view.docs {
            d.saved = self.persistent
                && self
                    .keys
                    .get(&d.id)
                    .is_some_and(|k| !self.unsaved.contains(k));
        }
        view
    }

    /// Post the corpus view if it changed since it was last posted.
    pub fn post_corpus<H: Host<File = F>>(&mut self, host: &mut H) {
        if self.corpus_dirty {
            self.corpus_dirty = false;
            host.post(&Response::Corpus(self.view()));
        }
    }

    /// Work for at most [`TICK_MS`] by the host's clock, then post progress if it is due.
    /// Returns the records of the documents that decoded meanwhile and are to be stored.
    pub fn tick<H: Host<File = F>>(&mut self, host: &mut H) -> Vec<Record<F>> {
        let mut saves = Vec::new();
        let start = host.now();
        while host.now() - start < TICK_MS {
            match self.step(host) {
                Step::Idle => break,
                Step::Worked => {}
                Step::Save(record) => saves.push(record),
            }
        }
        let t = host.now();
        if t - self.last_report >= REPORT_MS {
            self.last_report = t;
            self.report_progress(host);
        }
        saves
    }

    fn enqueue<H: Host<File = F>>(&mut self, host: &mut H, id: JobId, items: VecDeque<Item<F>>) {
        for i in &items {
            self.pending.insert(i.origin().key.clone());
        }
        let total = items.iter().map(Item::size).sum();
        self.jobs.push_back(Job {
            id,
            items,
            started: host.now(),
            total,
            done: 0,
            added: 0,
            prepare_ms: 0.0,
        });
    }

    fn report_progress<H: Host<File = F>>(&mut self, host: &mut H) {
        if let Some(job) = self.jobs.front() {
            let (name, partial) = job.items.front().map_or((String::new(), 0), |i| {
                (i.origin().name.clone(), i.partial())
            });
            host.post(&Response::Progress {
                job: job.id,
                name,
                done: job.done + partial,
                total: job.total,
            });
        }
        self.post_corpus(host);
    }

    /// End job `id` (cancelled or complete) and tell the page. Unknown ids are ignored.
    fn finish_job<H: Host<File = F>>(&mut self, host: &mut H, id: JobId, cancelled: bool) {
        let Some(job) = self
            .jobs
            .iter()
            .position(|j| j.id == id)
            .and_then(|i| self.jobs.remove(i))
        else {
            return;
        };
        for item in &job.items {
            self.pending.remove(&item.origin().key);
        }
        let elapsed_ms = host.now() - job.started;
        self.post_corpus(host);
        host.post(&Response::JobDone {
            job: id,
            cancelled,
            added: job.added,
            bytes: job.done,
            elapsed_ms,
            prepare_ms: job.prepare_ms,
        });
    }

    fn refuse<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        job: JobId,
        origin: Origin,
        reason: RefuseReason,
    ) {
        self.pending.remove(&origin.key);
        host.post(&Response::Refused {
            job,
            name: origin.name,
            reason,
        });
    }

    /// Do one bounded piece of work on the front item of the front job.
    fn step<H: Host<File = F>>(&mut self, host: &mut H) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        let Some(item) = job.items.pop_front() else {
            let id = job.id;
            self.finish_job(host, id, false);
            return if self.jobs.is_empty() {
                Step::Idle
            } else {
                Step::Worked
            };
        };
        match item {
            Item::Read {
                origin,
                file,
                size,
                buf,
                pos,
            } => self.read(host, origin, file, size, buf, pos),
            Item::Bytes {
                origin,
                bytes,
                file,
            } => self.decode(host, origin, bytes, file),
            Item::Text { origin, text } => self.prepare_text(host, origin, text),
            Item::Analyze {
                origin,
                builder,
                input,
                source,
            } => self.analyze(origin, builder, input, source),
        }
    }

    /// Read the next slice of a file; once all of it is read, queue its decoding.
    fn read<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        file: F,
        size: u64,
        mut buf: Vec<u8>,
        pos: u64,
    ) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        if pos >= size {
            job.items.push_front(Item::Bytes {
                origin,
                bytes: buf,
                file,
            });
            return Step::Worked;
        }
        let end = (pos + self.read_slice).min(size);
        match host.read(&file, pos, end) {
            Ok(bytes) => {
                if buf.capacity() == 0 {
                    buf.reserve_exact(usize::try_from(size).unwrap_or(0));
                }
                buf.extend_from_slice(&bytes);
                job.items.push_front(Item::Read {
                    origin,
                    file,
                    size,
                    buf,
                    pos: end,
                });
            }
            Err(detail) => {
                job.done += size;
                let id = job.id;
                self.refuse(host, id, origin, RefuseReason::Unreadable { detail });
            }
        }
        Step::Worked
    }

    /// Decode a file's bytes into a document to analyze, or refuse it by name.
    fn decode<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        bytes: Vec<u8>,
        file: F,
    ) -> Step<F> {
        let input = bytes.len() as u64;
        // A corpus exported from Soi comes back as its documents.
        if origin.name.to_lowercase().ends_with(".json") {
            if let Some(docs) = export::from_json(&bytes) {
                self.pending.remove(&origin.key);
                let mut items = Vec::with_capacity(docs.len());
                for (name, text) in docs {
                    let origin = Self::new_origin(host, name);
                    self.pending.insert(origin.key.clone());
                    items.push(Item::Text { origin, text });
                }
                let Some(job) = self.jobs.front_mut() else {
                    return Step::Idle;
                };
                job.done += input;
                for item in items.into_iter().rev() {
                    job.items.push_front(item);
                }
                return Step::Worked;
            }
        }
        let mut opts = self.settings.analysis.options();
        opts.encoding = origin.encoding;
        let t0 = host.now();
        let built = DocBuilder::from_bytes(origin.name.clone(), &bytes, &opts);
        let prepare_ms = host.now() - t0;
        self.prepared(host, origin, built, input, Source::File(file), prepare_ms)
    }

    /// Normalize a text into a document to analyze, or refuse it (an empty text).
    fn prepare_text<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        text: String,
    ) -> Step<F> {
        let input = text.len() as u64;
        let opts = self.settings.analysis.options();
        let t0 = host.now();
        let built = DocBuilder::from_text(origin.name.clone(), &text, &opts);
        let prepare_ms = host.now() - t0;
        self.prepared(host, origin, built, input, Source::Text(text), prepare_ms)
    }

    /// Queue the analysis of a document that decoded from `source`, and (when it is new) ask
    /// for its record to be written; or refuse it.
    fn prepared<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        built: Result<DocBuilder, crate::ingest::Refusal>,
        input: u64,
        source: Source<F>,
        prepare_ms: f64,
    ) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        job.prepare_ms += prepare_ms;
        match built {
            Ok(builder) => {
                let save = origin.save.then(|| origin.record(source.clone()));
                job.items.push_front(Item::Analyze {
                    origin,
                    builder: Box::new(builder),
                    input,
                    source,
                });
                save.map_or(Step::Worked, Step::Save)
            }
            Err(r) => {
                job.done += input;
                let id = job.id;
                self.refuse(host, id, origin, RefuseReason::from(&r));
                Step::Worked
            }
        }
    }

    /// Analyze some more of a document; once it is done, add it to the corpus.
    fn analyze(
        &mut self,
        origin: Origin,
        mut builder: Box<DocBuilder>,
        input: u64,
        source: Source<F>,
    ) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        if !builder.step(&self.corpus, ANALYZE_STEP) {
            job.items.push_front(Item::Analyze {
                origin,
                builder,
                input,
                source,
            });
            return Step::Worked;
        }
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
        Step::Worked
    }
}

fn restore_item<H: Host>(host: &H, d: Record<H::File>) -> Item<H::File> {
    let origin = Origin {
        doc: None,
        key: d.key,
        name: d.name,
        added: d.added,
        encoding: d.encoding.as_deref().and_then(Encoding::from_label),
        save: false,
    };
    item_for(host, origin, d.content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// A file for the fake host: its bytes, or a read error.
    #[derive(Clone, Debug, PartialEq)]
    struct FakeFile {
        bytes: Rc<[u8]>,
        readable: bool,
    }

    /// A host whose clock advances by `per_call` ms at every reading, and that keeps what is
    /// posted.
    struct Fake {
        clock: f64,
        per_call: f64,
        posts: Vec<Response>,
        keys: u32,
        stamps: f64,
    }

    impl Fake {
        fn new(per_call: f64) -> Self {
            Fake {
                clock: 0.0,
                per_call,
                posts: Vec::new(),
                keys: 0,
                stamps: 0.0,
            }
        }

        fn jobs_done(&self) -> Vec<(JobId, bool, u32, u64)> {
            self.posts
                .iter()
                .filter_map(|r| match r {
                    Response::JobDone {
                        job,
                        cancelled,
                        added,
                        bytes,
                        ..
                    } => Some((*job, *cancelled, *added, *bytes)),
                    _ => None,
                })
                .collect()
        }

        fn progress(&self, of: JobId) -> Vec<(u64, u64)> {
            self.posts
                .iter()
                .filter_map(|r| match r {
                    Response::Progress {
                        job, done, total, ..
                    } if *job == of => Some((*done, *total)),
                    _ => None,
                })
                .collect()
        }
    }

    impl Host for Fake {
        type File = FakeFile;
        fn now(&mut self) -> f64 {
            self.clock += self.per_call;
            self.clock
        }
        fn size(&self, file: &FakeFile) -> u64 {
            file.bytes.len() as u64
        }
        fn read(&mut self, file: &FakeFile, start: u64, end: u64) -> Result<Vec<u8>, String> {
            if !file.readable {
                return Err("NotReadableError".into());
            }
            let range = usize::try_from(start).unwrap_or(usize::MAX)
                ..usize::try_from(end).unwrap_or(usize::MAX);
            file.bytes
                .get(range)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| "out of range".into())
        }
        fn post(&mut self, response: &Response) {
            self.posts.push(response.clone());
        }
        fn new_key(&mut self) -> String {
            self.keys += 1;
            format!("k{}", self.keys)
        }
        fn stamp(&mut self) -> f64 {
            self.stamps += 1.0;
            self.stamps
        }
    }

    fn file(bytes: &[u8]) -> FakeFile {
        FakeFile {
            bytes: bytes.into(),
            readable: true,
        }
    }

    /// Sample document `i` as a dropped file.
    fn sample(i: usize) -> (FakeFile, String) {
        let (name, text) = SAMPLE[i];
        (file(text.as_bytes()), name.to_owned())
    }

    fn name(i: usize) -> String {
        SAMPLE[i].0.to_owned()
    }

    /// Tick until no job is left, as the worker's timeouts do; returns the records to store.
    fn run(q: &mut Queue<FakeFile>, host: &mut Fake) -> Vec<Record<FakeFile>> {
        let mut saves = Vec::new();
        for _ in 0..10_000 {
            if q.is_idle() {
                q.post_corpus(host);
                return saves;
            }
            saves.extend(q.tick(host));
        }
        panic!("the jobs never finished");
    }

    fn names(q: &Queue<FakeFile>) -> Vec<String> {
        q.corpus.docs().iter().map(|d| d.name.clone()).collect()
    }

    #[test]
    fn jobs_and_their_items_run_first_come_first_served() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.add_files(&mut host, 1, vec![sample(0), sample(1)]);
        q.add_text(&mut host, 2, "dán.txt".into(), SAMPLE[2].1.into());
        q.add_files(&mut host, 3, vec![sample(3), sample(4)]);
        let saves = run(&mut q, &mut host);

        let expected = vec![name(0), name(1), "dán.txt".into(), name(3), name(4)];
        assert_eq!(names(&q), expected);
        let saved: Vec<String> = saves.iter().map(|r| r.name.clone()).collect();
        assert_eq!(saved, expected);
        let done = host.jobs_done();
        let order: Vec<(JobId, bool, u32)> = done.iter().map(|d| (d.0, d.1, d.2)).collect();
        assert_eq!(order, vec![(1, false, 2), (2, false, 1), (3, false, 2)]);
        // Progress is only ever about the job at the front: it never returns to a job.
        let reported: Vec<JobId> = host
            .posts
            .iter()
            .filter_map(|r| match r {
                Response::Progress { job, .. } | Response::JobDone { job, .. } => Some(*job),
                _ => None,
            })
            .collect();
        assert!(
            reported.windows(2).all(|w| w[0] <= w[1]),
            "jobs interleaved: {reported:?}"
        );
        // Restores keep this order: the stamps rise with it.
        assert!(saves.windows(2).all(|w| w[0].added < w[1].added));
    }

    #[test]
    fn progress_rises_to_the_total() {
        // A report after every tick, one step per tick, files read in several slices.
        let mut host = Fake::new(35.0);
        let mut q = Queue::new();
        q.read_slice = 2000;
        let files = vec![sample(0), sample(1), sample(3)];
        let total: u64 = files.iter().map(|(f, _)| f.bytes.len() as u64).sum();
        q.add_files(&mut host, 7, files);
        run(&mut q, &mut host);

        let progress = host.progress(7);
        assert!(progress.len() >= 10, "too few reports: {progress:?}");
        assert!(progress.iter().all(|&(_, t)| t == total));
        assert!(
            progress.windows(2).all(|w| w[0].0 <= w[1].0),
            "progress went back: {progress:?}"
        );
        assert!(progress.iter().all(|&(d, _)| d <= total));
        assert!(progress.iter().any(|&(d, _)| d > 0 && d < total));
        assert_eq!(host.jobs_done(), vec![(7, false, 3, total)]);
    }

    #[test]
    fn a_cancelled_job_stops_between_ticks_and_keeps_what_it_added() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.add_files(&mut host, 1, (0..5).map(sample).collect());
        q.add_text(&mut host, 2, "sau.txt".into(), SAMPLE[2].1.into());
        for _ in 0..100 {
            if !q.corpus.docs().is_empty() {
                break;
            }
            q.tick(&mut host);
        }
        assert_eq!(names(&q), vec![name(0)]);
        assert!(host.jobs_done().is_empty(), "job 1 ended early");

        q.cancel(&mut host, 1);
        let size0 = SAMPLE[0].1.len() as u64;
        assert_eq!(host.jobs_done(), vec![(1, true, 1, size0)]);
        let after = host.posts.len();
        run(&mut q, &mut host);

        assert_eq!(names(&q), vec![name(0), "sau.txt".into()]);
        assert_eq!(
            host.jobs_done().last().map(|d| (d.0, d.1, d.2)),
            Some((2, false, 1))
        );
        let late: Vec<&Response> = host.posts[after..]
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Response::Progress { job: 1, .. }
                        | Response::Refused { job: 1, .. }
                        | Response::JobDone { job: 1, .. }
                )
            })
            .collect();
        assert!(late.is_empty(), "job 1 went on after its cancel: {late:?}");
    }

    #[test]
    fn cancelling_a_queued_job_leaves_the_running_one_alone() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.add_files(&mut host, 1, vec![sample(0)]);
        q.add_files(&mut host, 2, vec![sample(1)]);
        q.tick(&mut host);
        q.cancel(&mut host, 2);
        q.cancel(&mut host, 99);
        run(&mut q, &mut host);

        assert_eq!(names(&q), vec![name(0)]);
        let done: Vec<(JobId, bool, u32)> =
            host.jobs_done().iter().map(|d| (d.0, d.1, d.2)).collect();
        assert_eq!(done, vec![(2, true, 0), (1, false, 1)]);
    }

    #[test]
    fn a_failed_save_is_reported_and_the_rest_are_kept() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.persistent = true;
        q.add_files(&mut host, 1, vec![sample(0), sample(1), sample(2)]);
        let saves = run(&mut q, &mut host);
        assert_eq!(saves.len(), 3);
        assert_eq!(
            saves[1].content,
            Source::File(file(SAMPLE[1].1.as_bytes())),
            "a file is stored as its bytes"
        );

        q.saved(&mut host, &saves[0], Ok(()));
        q.saved(&mut host, &saves[1], Err(SaveFailure::Quota));
        q.saved(&mut host, &saves[2], Ok(()));

        let not_saved: Vec<&Response> = host
            .posts
            .iter()
            .filter(|r| matches!(r, Response::NotSaved { .. }))
            .collect();
        assert_eq!(
            not_saved,
            vec![&Response::NotSaved {
                name: name(1),
                reason: SaveFailure::Quota
            }]
        );
        assert_eq!(names(&q), vec![name(0), name(1), name(2)]);
        let flags: Vec<bool> = q.view().docs.iter().map(|d| d.saved).collect();
        assert_eq!(flags, vec![true, false, true]);
        // The page is told: the last corpus it got shows the failure.
        let last = host.posts.iter().rev().find_map(|r| match r {
            Response::Corpus(v) => Some(v.docs.iter().map(|d| d.saved).collect::<Vec<_>>()),
            _ => None,
        });
        assert_eq!(last, Some(vec![true, false, true]));
    }

    #[test]
    fn a_binary_file_is_refused_by_name_and_the_job_goes_on() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        let png = file(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
        let broken = FakeFile {
            bytes: SAMPLE[3].1.as_bytes().into(),
            readable: false,
        };
        let files = vec![
            sample(0),
            (png, "ảnh.png".into()),
            (broken, "hỏng.txt".into()),
            sample(1),
        ];
        let total: u64 = files.iter().map(|(f, _)| f.bytes.len() as u64).sum();
        q.add_files(&mut host, 4, files);
        let saves = run(&mut q, &mut host);

        let refused: Vec<(String, RefuseReason)> = host
            .posts
            .iter()
            .filter_map(|r| match r {
                Response::Refused {
                    job: 4,
                    name,
                    reason,
                } => Some((name.clone(), reason.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            refused,
            vec![
                (
                    "ảnh.png".into(),
                    RefuseReason::Binary {
                        format: "PNG".into()
                    }
                ),
                (
                    "hỏng.txt".into(),
                    RefuseReason::Unreadable {
                        detail: "NotReadableError".into()
                    }
                ),
            ]
        );
        assert_eq!(names(&q), vec![name(0), name(1)]);
        let saved: Vec<String> = saves.iter().map(|r| r.name.clone()).collect();
        assert_eq!(saved, vec![name(0), name(1)]);
        assert_eq!(host.jobs_done(), vec![(4, false, 2, total)]);
    }

    #[test]
    fn restored_documents_are_not_stored_again_and_keep_their_order() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.persistent = true;
        let records: Vec<Record<FakeFile>> = (0..3)
            .map(|i| Record {
                key: format!("stored-{i}"),
                name: name(i),
                added: i as f64,
                encoding: None,
                content: if i == 1 {
                    Source::Text(SAMPLE[i].1.into())
                } else {
                    Source::File(file(SAMPLE[i].1.as_bytes()))
                },
            })
            .collect();
        q.restore(&mut host, records.clone());
        let saves = run(&mut q, &mut host);
        assert!(saves.is_empty());
        assert_eq!(names(&q), vec![name(0), name(1), name(2)]);
        assert!(q.view().docs.iter().all(|d| d.saved));
        assert_eq!(host.jobs_done().first().map(|d| d.0), Some(SELF_JOB));

        // Another tab dropped the second one and added a fourth.
        let stored: HashSet<String> = ["stored-0", "stored-2", "stored-3"]
            .map(String::from)
            .into();
        let missing = q.forget_missing(&stored);
        assert_eq!(missing, vec!["stored-3".to_owned()]);
        let fourth = Record {
            key: "stored-3".into(),
            name: name(3),
            added: 3.0,
            encoding: None,
            content: Source::Text(SAMPLE[3].1.into()),
        };
        // A record this tab has already is not loaded twice.
        q.add_synced(&mut host, vec![records[0].clone(), fourth]);
        run(&mut q, &mut host);
        assert_eq!(names(&q), vec![name(0), name(2), name(3)]);
    }

    #[test]
    fn reanalysis_keeps_ids_and_order_and_restores_a_new_encoding() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.add_files(&mut host, 1, vec![sample(0), sample(1)]);
        q.add_text(&mut host, 2, "dán.txt".into(), SAMPLE[2].1.into());
        run(&mut q, &mut host);
        let ids: Vec<DocId> = q.corpus.docs().iter().map(|d| d.id).collect();

        q.settings.analysis.spaces = !q.settings.analysis.spaces;
        assert!(q.reanalyze(&mut host, None).is_empty());
        assert!(
            run(&mut q, &mut host).is_empty(),
            "reanalysis stores nothing new"
        );
        let again: Vec<DocId> = q.corpus.docs().iter().map(|d| d.id).collect();
        assert_eq!(again, ids);
        assert_eq!(names(&q), vec![name(0), name(1), "dán.txt".into()]);

        let resave = q.reanalyze(&mut host, Some((ids[1], Some(Encoding::Windows1258))));
        run(&mut q, &mut host);
        assert_eq!(resave.len(), 1);
        assert_eq!(resave[0].name, name(1));
        assert_eq!(resave[0].encoding.as_deref(), Some("Windows-1258"));
        let docs = q.view().docs;
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].id, ids[1]);
        assert_eq!(docs[1].encoding.as_deref(), Some("Windows-1258"));
    }

    #[test]
    fn an_exported_corpus_comes_back_as_its_documents() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.add_files(&mut host, 1, vec![sample(0), sample(1)]);
        run(&mut q, &mut host);
        let json = export::to_json(&q.corpus);

        let mut other = Queue::new();
        other.add_files(
            &mut host,
            2,
            vec![(file(json.as_bytes()), "soi-corpus.json".into())],
        );
        let saves = run(&mut other, &mut host);
        assert_eq!(names(&other), vec![name(0), name(1)]);
        let saved: Vec<String> = saves.iter().map(|r| r.name.clone()).collect();
        assert_eq!(saved, vec![name(0), name(1)]);
        assert!(saves.windows(2).all(|w| w[0].added < w[1].added));
        assert!(saves.iter().all(|r| matches!(r.content, Source::Text(_))));
    }

    #[test]
    fn removing_a_document_gives_its_key_once() {
        let mut host = Fake::new(10.0);
        let mut q = Queue::new();
        q.add_files(&mut host, 1, vec![sample(0), sample(1)]);
        let saves = run(&mut q, &mut host);
        let id = q.corpus.docs()[0].id;
        assert_eq!(q.remove(&mut host, id), Some(saves[0].key.clone()));
        assert_eq!(q.remove(&mut host, id), None);
        assert_eq!(names(&q), vec![name(1)]);
        assert!(matches!(host.posts.last(), Some(Response::Corpus(v)) if v.docs.len() == 1));
    }
}
