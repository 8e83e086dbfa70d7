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

use crate::corpus::{AnalysisOptions, Analyzed, Corpus, DocBuilder, DocId, DocMeta};
use crate::ingest::collection::{self, ColumnMap, Content, RecordDocs, ZipDocs};
use crate::ingest::dates::Date;
use crate::ingest::Encoding;
use crate::protocol::{
    export, views, Columns, CorpusView, JobId, RefuseReason, Response, RowIssue, SaveFailure,
    Settings, TOP_N,
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
    /// A file holding `bytes` (a zip entry, kept as its document's source).
    fn file_of(&mut self, bytes: &[u8]) -> Self::File;
    /// How many analysis workers the pool has; 0 (the default): documents are analyzed here.
    fn pool_size(&self) -> usize {
        0
    }
    /// Worker `w` of the pool has started and takes tasks.
    fn pool_ready(&self, _w: usize) -> bool {
        false
    }
    /// Send `task` to worker `w` of the pool. Its answer comes back through
    /// [`Queue::pool_prepared`], [`Queue::pool_done`] or, if the worker dies,
    /// [`Queue::pool_failed`].
    fn dispatch(&mut self, _w: usize, _task: Task<'_>) {}
}

/// A document's work in the pool, numbered by the queue.
pub type TaskId = u32;

/// Tasks in flight per pool worker: one analyzed while the next ones are decoded and wait,
/// so a worker does not idle on the round trip that settles duplicates, and a cancel wastes
/// little.
const PER_WORKER: usize = 3;

/// What the queue asks of a pool worker (see [`Host::dispatch`]).
pub enum Task<'a> {
    /// Decode (or take) and normalize a document, keep it, and answer with the fingerprint
    /// of each paragraph and whether it is flagged within the document
    /// ([`DocBuilder::own_paragraphs`]), or why it is refused.
    Prepare {
        /// The task, named again in every message about it.
        task: TaskId,
        /// The document's name (file name).
        name: &'a str,
        /// Its bytes or text.
        input: Input<'a>,
        /// How it is analyzed (encoding override, boilerplate, …).
        options: AnalysisOptions,
        /// What its container said of it (date, source, …).
        meta: &'a DocMeta,
    },
    /// Analyze the prepared document as document `id`: `owned` are its paragraphs (by
    /// fingerprint) that earlier documents hold, left out as copies. Answered with the
    /// sealed document ([`DocBuilder::seal`]).
    Analyze {
        /// The task [`Task::Prepare`] named.
        task: TaskId,
        /// The id the document takes in the corpus.
        id: DocId,
        /// Paragraph fingerprints and the earlier documents that hold them.
        owned: &'a [(u64, DocId)],
    },
    /// Forget a task (its job was cancelled).
    Forget {
        /// The task to forget.
        task: TaskId,
    },
}

/// A document's content as a pool worker gets it.
pub enum Input<'a> {
    /// A file's bytes, decoded there.
    Bytes(&'a [u8]),
    /// Text that arrived as text.
    Text(&'a str),
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
    /// Its metadata as given (a record's columns, a zip folder, the user's date); a date
    /// inferred from the text is not kept (it is inferred again).
    pub meta: DocMeta,
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
    /// What is known besides its content.
    meta: DocMeta,
}

impl Origin {
    fn record<F>(&self, content: Source<F>) -> Record<F> {
        Record {
            key: self.key.clone(),
            name: self.name.clone(),
            added: self.added,
            encoding: self.encoding.map(|e| e.label().to_owned()),
            content,
            meta: given(&self.meta),
        }
    }
}

/// `meta` as stored: without a date inferred from the text.
fn given(meta: &DocMeta) -> DocMeta {
    let mut m = meta.clone();
    if m.date_inferred {
        m.date = None;
        m.date_inferred = false;
    }
    m
}

/// Bytes of a record file read per step.
const RECORD_SLICE: u64 = 1 << 20;

/// Where a record file stands.
enum RecordState {
    /// Its header is being read.
    Probe,
    /// The page was asked which columns to read; nothing happens until it answers.
    Waiting,
    /// Rows are being read with the columns chosen.
    Rows,
}

enum Item<F> {
    /// A record file (CSV, TSV, JSON Lines): one document a row, read a slice at a time.
    Records {
        origin: Origin,
        file: F,
        size: u64,
        pos: u64,
        reader: Box<RecordDocs>,
        state: RecordState,
    },
    /// A zip archive's entries, one document each (record files inside: one a row).
    Zip {
        origin: Origin,
        entries: Box<ZipDocs<Vec<u8>>>,
        input: u64,
    },
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
        /// Input bytes its analysis counts for in the job's progress.
        input: u64,
    },
    Text {
        origin: Origin,
        text: String,
        /// Input bytes its analysis counts for in the job's progress.
        input: u64,
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
            | Item::Records { origin, .. }
            | Item::Zip { origin, .. }
            | Item::Bytes { origin, .. }
            | Item::Text { origin, .. }
            | Item::Analyze { origin, .. } => origin,
        }
    }

    /// Input bytes, what the job's progress counts.
    fn size(&self) -> u64 {
        match self {
            Item::Read { size, .. } | Item::Records { size, .. } => *size,
            Item::Zip { input, .. } => *input,
            Item::Bytes { input, .. } => *input,
            Item::Text { input, .. } => *input,
            Item::Analyze { input, .. } => *input,
        }
    }

    /// Input bytes of the front item already worked on: reading counts for the first half of
    /// a file, analyzing for the second.
    fn partial(&self) -> u64 {
        match self {
            Item::Read { pos, .. } => pos / 2,
            // A record file's and an archive's rows and entries count as they are done.
            Item::Records { .. } | Item::Zip { .. } => 0,
            Item::Bytes { input, .. } => input / 2,
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
        // A stored file is one document, whatever its name: a record file's rows are
        // stored one by one when it is first read.
        Source::File(file) => Item::Read {
            size: host.size(&file),
            origin,
            file,
            buf: Vec::new(),
            pos: 0,
        },
        Source::Text(text) => Item::Text {
            origin,
            input: text.len() as u64,
            text,
        },
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
    /// It analyzes again documents the page shows (a new dictionary or settings): the
    /// corpus view waits for its end, so that they do not vanish from the page meanwhile
    /// (and the Reader's document with them).
    replaces: bool,
}

/// Where a pooled document stands.
enum Stage {
    /// Sent to be decoded (or to be sent again after its worker died).
    Preparing,
    /// Decoded: each paragraph's fingerprint and whether it is flagged within the document.
    Prepared(Vec<(u64, bool)>),
    /// Its duplicates settled against every document before it; sent to be analyzed.
    Analyzing,
    /// Analyzed; it joins the corpus once every document before it has.
    Done(Box<Analyzed>),
}

/// A document analyzed in the pool.
struct Pooled<F> {
    task: TaskId,
    /// The pool worker that has it; `None`: to be sent (again).
    worker: Option<usize>,
    /// Times its worker died working on it.
    failures: u8,
    /// When it was last sent to its worker (the pool's count of tasks sent): a worker
    /// works on its tasks in the order they came, so the one it died on is its oldest
    /// unanswered one.
    sent: u64,
    origin: Origin,
    input: u64,
    source: Source<F>,
    /// A file's bytes, kept to send again if its worker dies (a text is its source).
    bytes: Option<Vec<u8>>,
    /// Its document id, taken when it is first settled and kept from then on.
    id: Option<DocId>,
    /// Its duplicates are settled: `owned` and `claims` hold (kept to send it again if its
    /// worker dies).
    settled: bool,
    /// Its paragraphs that earlier documents hold, by fingerprint.
    owned: Vec<(u64, DocId)>,
    /// The paragraphs it gives the corpus.
    claims: Vec<u64>,
    stage: Stage,
    /// Its record was handed out to be stored (when it decoded).
    stored: bool,
}

/// The documents of the front job that the pool works on, in the job's order: they are
/// settled (which paragraphs repeat an earlier document's) and merged in that order, so the
/// corpus is the one a single worker makes.
struct Pool<F> {
    next_task: TaskId,
    /// Prepare and Analyze tasks sent so far.
    sent: u64,
    docs: VecDeque<Pooled<F>>,
    /// The paragraphs settled documents not yet merged give the corpus, by fingerprint.
    claims: rustc_hash::FxHashMap<u64, DocId>,
    /// The queue waits for a pool worker's answer (nothing to do meanwhile).
    waiting: bool,
}

impl<F> Default for Pool<F> {
    fn default() -> Self {
        Pool {
            next_task: 0,
            sent: 0,
            docs: VecDeque::new(),
            claims: Default::default(),
            waiting: false,
        }
    }
}

impl<F> Pool<F> {
    /// Tasks worker `w` holds that it has not answered yet.
    fn load(&self, w: usize) -> usize {
        self.docs
            .iter()
            .filter(|d| d.worker == Some(w) && !matches!(d.stage, Stage::Done(_)))
            .count()
    }

    /// The ready worker with the fewest tasks, if one can take another.
    fn free<H: Host>(&self, host: &H) -> Option<usize> {
        (0..host.pool_size())
            .filter(|&w| host.pool_ready(w))
            .map(|w| (self.load(w), w))
            .filter(|&(n, _)| n < PER_WORKER)
            .min()
            .map(|(_, w)| w)
    }

    fn position(&self, task: TaskId) -> Option<usize> {
        self.docs.iter().position(|d| d.task == task)
    }

    /// The claims of the settled documents, from the start.
    fn reclaim(&mut self) {
        self.claims.clear();
        for d in self.docs.iter().filter(|d| d.settled) {
            if let Some(id) = d.id {
                for &fp in &d.claims {
                    self.claims.entry(fp).or_insert(id);
                }
            }
        }
    }
}

enum Step<F> {
    Idle,
    Worked,
    Save(Box<Record<F>>),
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
    /// While jobs run, the corpus is posted again no sooner than this: building and
    /// posting the view of 20,000 documents takes long, and must not take most of a load.
    corpus_due: f64,
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
    pool: Pool<F>,
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
            corpus_due: 0.0,
            corpus_dirty: false,
            keys: HashMap::new(),
            pending: HashSet::new(),
            unsaved: HashSet::new(),
            sources: HashMap::new(),
            read_slice: READ_SLICE,
            pool: Pool::default(),
        }
    }

    /// No job is queued.
    pub fn is_idle(&self) -> bool {
        self.jobs.is_empty() || self.waiting().is_some() || self.pool.waiting
    }

    /// The job waiting for the page to choose a record file's columns, if the front one is.
    pub fn waiting(&self) -> Option<JobId> {
        let job = self.jobs.front()?;
        matches!(
            job.items.front(),
            Some(Item::Records {
                state: RecordState::Waiting,
                ..
            })
        )
        .then_some(job.id)
    }

    /// The page chose the columns of job `job`'s waiting record file (`None`: skip the
    /// file). Ignored when that job is not waiting.
    pub fn set_columns(&mut self, job: JobId, columns: Option<Columns>) {
        if self.waiting() != Some(job) {
            return;
        }
        let Some(j) = self.jobs.front_mut() else {
            return;
        };
        let Some(Item::Records {
            origin,
            size,
            reader,
            state,
            ..
        }) = j.items.front_mut()
        else {
            return;
        };
        match columns.and_then(|c| RecordDocs::for_file(&origin.name, c.column_map())) {
            Some(r) => {
                **reader = r;
                *state = RecordState::Rows;
            }
            None => {
                j.done += *size;
                if let Some(item) = j.items.pop_front() {
                    self.pending.remove(&item.origin().key);
                }
            }
        }
    }

    /// Set (or clear) document `doc`'s date, as the user's edit. Returns the record to
    /// store again (so the date survives a reload), if the document has one.
    pub fn set_date<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        doc: DocId,
        date: Option<Date>,
    ) -> Option<Record<F>> {
        if !self.corpus.set_date(doc, date) {
            return None;
        }
        self.corpus_dirty = true;
        self.post_corpus(host);
        let key = self.keys.get(&doc)?;
        let (origin, source) = self.sources.get_mut(key)?;
        origin.meta.date = date;
        origin.meta.date_inferred = false;
        Some(origin.record(source.clone()))
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
            meta: DocMeta::default(),
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
                match RecordDocs::for_file(&origin.name, ColumnMap::default()) {
                    Some(reader) => Item::Records {
                        size: host.size(&file),
                        origin,
                        file,
                        pos: 0,
                        reader: Box::new(reader),
                        state: RecordState::Probe,
                    },
                    None => item_for(host, origin, Source::File(file)),
                }
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
        let input = text.len() as u64;
        self.enqueue(
            host,
            id,
            VecDeque::from([Item::Text {
                origin,
                text,
                input,
            }]),
        );
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
                input: text.len() as u64,
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
        if let Some(job) = self.jobs.back_mut() {
            job.replaces = true;
        }
        resave
    }

    /// Cancel job `id`: its unfinished items are dropped, the documents it added stay.
    /// Unknown ids are ignored.
    /// Returns the store keys of the documents the job had stored but not yet added (they
    /// were decoded, not analyzed): the worker deletes them, so the store keeps what the
    /// corpus shows.
    pub fn cancel<H: Host<File = F>>(&mut self, host: &mut H, id: JobId) -> Vec<String> {
        self.finish_job(host, id, true)
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

    /// Nothing is to be done here until the page or the pool answers: post the corpus view
    /// (and progress) when they are due. Every job done, or one waiting for the page, the view
    /// goes at once; while the pool works, at the pace and cost [`Queue::tick`] keeps.
    pub fn rest<H: Host<File = F>>(&mut self, host: &mut H) {
        if self.jobs.is_empty() || self.waiting().is_some() {
            self.post_corpus(host);
            return;
        }
        let t = host.now();
        if t - self.last_report >= REPORT_MS {
            self.last_report = t;
            self.report_progress(host);
        }
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
                Step::Save(record) => saves.push(*record),
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
            replaces: false,
        });
    }

    fn report_progress<H: Host<File = F>>(&mut self, host: &mut H) {
        if let Some(job) = self.jobs.front() {
            let (name, partial) = match (job.items.front(), self.pool.docs.front()) {
                (_, Some(d)) => (d.origin.name.clone(), 0),
                (Some(i), None) => (i.origin().name.clone(), i.partial()),
                (None, None) => (String::new(), 0),
            };
            host.post(&Response::Progress {
                job: job.id,
                name,
                done: job.done + partial,
                total: job.total,
            });
        }
        // The corpus as it grows, at a cost bounded to about a twentieth of the time.
        let t0 = host.now();
        let replacing = self.jobs.front().is_some_and(|j| j.replaces);
        if self.corpus_dirty && t0 >= self.corpus_due && !replacing {
            self.post_corpus(host);
            let t1 = host.now();
            self.corpus_due = t1 + (19.0 * (t1 - t0)).max(REPORT_MS);
        }
    }

    /// End job `id` (cancelled or complete) and tell the page. Unknown ids are ignored.
    /// End job `id`; returns the keys of the documents it stored and did not add.
    fn finish_job<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        id: JobId,
        cancelled: bool,
    ) -> Vec<String> {
        let Some(at) = self.jobs.iter().position(|j| j.id == id) else {
            return Vec::new();
        };
        let mut unadded = Vec::new();
        if at == 0 {
            // The pool works on the front job only, and only its front item is analyzed here.
            unadded = self.forget_pool(host);
            if let Some(Item::Analyze { origin, .. }) = self.jobs[0].items.front() {
                if origin.save {
                    unadded.push(origin.key.clone());
                }
            }
        }
        let Some(job) = self.jobs.remove(at) else {
            return unadded;
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
        unadded
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
        if self.waiting().is_some() {
            return Step::Idle;
        }
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        let Some(item) = job.items.pop_front() else {
            if !self.pool.docs.is_empty() {
                // The job ends when its last pooled document has joined the corpus.
                self.pool.waiting = true;
                return Step::Idle;
            }
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
                input,
            } => self.decode(host, origin, bytes, file, input),
            Item::Text {
                origin,
                text,
                input,
            } => self.prepare_text(host, origin, text, input),
            Item::Records {
                origin,
                file,
                size,
                pos,
                reader,
                state,
            } => self.records(host, origin, file, size, pos, reader, state),
            Item::Zip {
                origin,
                entries,
                input,
            } => self.zip_entry(host, origin, entries, input),
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
                input: buf.len() as u64,
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
        input: u64,
    ) -> Step<F> {
        // A .docx is a zip too: only an archive by name is read as one.
        if origin.name.to_lowercase().ends_with(".zip") {
            return match ZipDocs::open(&origin.name, bytes, ColumnMap::default()) {
                Ok(entries) => {
                    let Some(job) = self.jobs.front_mut() else {
                        return Step::Idle;
                    };
                    job.items.push_front(Item::Zip {
                        origin,
                        entries: Box::new(entries),
                        input,
                    });
                    Step::Worked
                }
                Err(e) => {
                    let Some(job) = self.jobs.front_mut() else {
                        return Step::Idle;
                    };
                    job.done += input;
                    let id = job.id;
                    let detail = e.to_string();
                    self.refuse(host, id, origin, RefuseReason::Unreadable { detail });
                    Step::Worked
                }
            };
        }
        // A corpus exported from Soi comes back as its documents.
        if origin.name.to_lowercase().ends_with(".json") {
            if let Some(docs) = export::from_json(&bytes) {
                self.pending.remove(&origin.key);
                let mut items = Vec::with_capacity(docs.len());
                for (name, text) in docs {
                    let origin = Self::new_origin(host, name);
                    self.pending.insert(origin.key.clone());
                    items.push(Item::Text {
                        origin,
                        input: text.len() as u64,
                        text,
                    });
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
        match self.route(host) {
            Route::Pool(w) => {
                return self.send(host, w, origin, input, Source::File(file), Some(bytes));
            }
            Route::Wait => {
                if let Some(job) = self.jobs.front_mut() {
                    job.items.push_front(Item::Bytes {
                        origin,
                        bytes,
                        file,
                        input,
                    });
                }
                self.pool.waiting = true;
                return Step::Idle;
            }
            Route::Here => {}
        }
        let mut opts = self.settings.analysis.options();
        opts.encoding = origin.encoding;
        let t0 = host.now();
        let built = DocBuilder::from_bytes(origin.name.clone(), &bytes, &opts)
            .map(|b| b.with_meta(origin.meta.clone()));
        let prepare_ms = host.now() - t0;
        self.prepared(host, origin, built, input, Source::File(file), prepare_ms)
    }

    /// Normalize a text into a document to analyze, or refuse it (an empty text).
    fn prepare_text<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        text: String,
        input: u64,
    ) -> Step<F> {
        match self.route(host) {
            Route::Pool(w) => return self.send(host, w, origin, input, Source::Text(text), None),
            Route::Wait => {
                if let Some(job) = self.jobs.front_mut() {
                    job.items.push_front(Item::Text {
                        origin,
                        text,
                        input,
                    });
                }
                self.pool.waiting = true;
                return Step::Idle;
            }
            Route::Here => {}
        }
        let opts = self.settings.analysis.options();
        let t0 = host.now();
        let built = DocBuilder::from_text(origin.name.clone(), &text, &opts)
            .map(|b| b.with_meta(origin.meta.clone()));
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
                save.map_or(Step::Worked, |r| Step::Save(Box::new(r)))
            }
            Err(r) => {
                job.done += input;
                let id = job.id;
                self.refuse(host, id, origin, RefuseReason::from(&r));
                Step::Worked
            }
        }
    }

    /// Read some more of a record file: its header first (then ask the page which columns
    /// to read and wait), then a slice of rows, queued ahead of the rest of the file as
    /// documents; bad rows are reported by line.
    #[allow(clippy::too_many_arguments)]
    fn records<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        file: F,
        size: u64,
        pos: u64,
        mut reader: Box<RecordDocs>,
        state: RecordState,
    ) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        let id = job.id;
        let mut out = Vec::new();
        let end = (pos + RECORD_SLICE).min(size);
        let slice = if pos < size {
            match host.read(&file, pos, end) {
                Ok(b) => Some(b),
                Err(detail) => {
                    job.done += size - pos;
                    self.refuse(host, id, origin, RefuseReason::Unreadable { detail });
                    return Step::Worked;
                }
            }
        } else {
            None
        };
        match state {
            RecordState::Probe => {
                // The header is in the first slice (or the file is shorter than one).
                if let Some(b) = &slice {
                    reader.push(b, &mut out);
                }
                if end >= size {
                    reader.finish(&mut out);
                }
                let header = reader.header().to_vec();
                let Some(map) = reader.columns().cloned() else {
                    job.done += size;
                    let reason = if size == 0 {
                        RefuseReason::Empty
                    } else {
                        RefuseReason::Unreadable {
                            detail: "no row of its first megabyte could be read".to_owned(),
                        }
                    };
                    self.refuse(host, id, origin, reason);
                    return Step::Worked;
                };
                host.post(&Response::AskColumns {
                    job: id,
                    file: origin.name.clone(),
                    header,
                    guess: Columns::from(&map),
                });
                job.items.push_front(Item::Records {
                    origin,
                    file,
                    size,
                    pos: 0,
                    reader,
                    state: RecordState::Waiting,
                });
                Step::Worked
            }
            RecordState::Waiting => {
                job.items.push_front(Item::Records {
                    origin,
                    file,
                    size,
                    pos,
                    reader,
                    state,
                });
                Step::Idle
            }
            RecordState::Rows => {
                match &slice {
                    Some(b) => reader.push(b, &mut out),
                    None => reader.finish(&mut out),
                }
                let read = end - pos;
                let more = slice.is_some();
                if more {
                    job.items.push_front(Item::Records {
                        origin: origin.clone(),
                        file,
                        size,
                        pos: end,
                        reader,
                        state,
                    });
                } else {
                    self.pending.remove(&origin.key);
                }
                self.queue_collection(host, id, out, read);
                Step::Worked
            }
        }
    }

    /// Queue the documents of some rows or entries ahead of the rest of their job, each
    /// counting for a share of `input` bytes of progress, and report their problems.
    fn queue_collection<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        job: JobId,
        out: Vec<collection::Item>,
        input: u64,
    ) {
        let docs = out
            .iter()
            .filter(|i| matches!(i, collection::Item::Doc(_)))
            .count() as u64;
        let mut items = Vec::with_capacity(docs as usize);
        let mut left = input;
        for item in out {
            match item {
                collection::Item::Problem(p) => host.post(&Response::RowProblem {
                    job,
                    file: p.name,
                    line: p.line,
                    issue: RowIssue::from(&p.issue),
                }),
                collection::Item::Doc(d) => {
                    let share = if items.len() as u64 + 1 == docs {
                        left
                    } else {
                        input / docs
                    };
                    left -= share;
                    let origin = Origin {
                        meta: d.meta,
                        ..Self::new_origin(host, d.name)
                    };
                    self.pending.insert(origin.key.clone());
                    items.push(match d.content {
                        Content::Text(text) => Item::Text {
                            origin,
                            text,
                            input: share,
                        },
                        Content::Bytes(bytes) => Item::Bytes {
                            file: host.file_of(&bytes),
                            origin,
                            bytes,
                            input: share,
                        },
                    });
                }
            }
        }
        let Some(j) = self.jobs.iter_mut().find(|j| j.id == job) else {
            return;
        };
        if docs == 0 {
            j.done += input;
        }
        for item in items.into_iter().rev() {
            j.items.push_front(item);
        }
    }

    /// Take the next entry of a zip archive (its rows, for a record file inside).
    fn zip_entry<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        origin: Origin,
        mut entries: Box<ZipDocs<Vec<u8>>>,
        input: u64,
    ) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        let id = job.id;
        let (done, all) = entries.progress();
        let next = entries.next();
        // Progress by entries: each one counts for its share of the archive.
        let at = |k: usize| input * k as u64 / all.max(1) as u64;
        let Some(item) = next else {
            job.done += input - at(done);
            self.pending.remove(&origin.key);
            return Step::Worked;
        };
        let share = at(entries.progress().0) - at(done);
        job.items.push_front(Item::Zip {
            origin,
            entries,
            input,
        });
        self.queue_collection(host, id, vec![item], share);
        Step::Worked
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

/// Where a document about to be decoded goes.
enum Route {
    /// To this pool worker.
    Pool(usize),
    /// Nowhere yet: every worker is busy, and earlier documents are in the pool, so it may
    /// not be analyzed here (it would join the corpus before them).
    Wait,
    /// Analyzed here: no pool, or no worker started yet and none has work.
    Here,
}

/// The pool: documents analyzed by other workers, in parallel, and merged here in order.
impl<F: Clone> Queue<F> {
    fn route<H: Host<File = F>>(&self, host: &H) -> Route {
        match self.pool.free(host) {
            Some(w) => Route::Pool(w),
            None if !self.pool.docs.is_empty() => Route::Wait,
            None => Route::Here,
        }
    }

    /// Hand a document to pool worker `w` to decode and keep.
    fn send<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        w: usize,
        origin: Origin,
        input: u64,
        source: Source<F>,
        bytes: Option<Vec<u8>>,
    ) -> Step<F> {
        let Some(job) = self.jobs.front_mut() else {
            return Step::Idle;
        };
        // Read, for a file: the first half of its progress.
        job.done += input / 2;
        let task = self.pool.next_task;
        self.pool.next_task = self.pool.next_task.wrapping_add(1);
        self.pool.sent += 1;
        let d = Pooled {
            task,
            worker: Some(w),
            failures: 0,
            sent: self.pool.sent,
            origin,
            input,
            source,
            bytes,
            id: None,
            settled: false,
            owned: Vec::new(),
            claims: Vec::new(),
            stage: Stage::Preparing,
            stored: false,
        };
        prepare(host, &self.settings, w, &d);
        self.pool.docs.push_back(d);
        Step::Worked
    }

    /// A pool worker decoded task `task` (each paragraph's fingerprint and whether it is
    /// flagged within the document), or refused it; `prepare_ms` is what decoding and
    /// normalizing took. Returns the record to store, for a new document.
    pub fn pool_prepared<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        task: TaskId,
        result: Result<Vec<(u64, bool)>, RefuseReason>,
        prepare_ms: f64,
    ) -> Vec<Record<F>> {
        self.pool.waiting = false;
        let mut saves = Vec::new();
        let Some(i) = self.pool.position(task) else {
            return saves;
        };
        match result {
            Ok(paragraphs) => {
                if let Some(job) = self.jobs.front_mut() {
                    job.prepare_ms += prepare_ms;
                }
                let d = &mut self.pool.docs[i];
                if d.origin.save {
                    // Stored once it decodes, as a document analyzed here is.
                    saves.push(d.origin.record(d.source.clone()));
                    d.origin.save = false;
                    d.stored = true;
                }
                match (d.settled, d.id, d.worker) {
                    // Settled before its worker died: analyzed as it was settled.
                    (true, Some(id), Some(w)) => {
                        d.stage = Stage::Analyzing;
                        self.pool.sent += 1;
                        d.sent = self.pool.sent;
                        let owned = &d.owned;
                        host.dispatch(w, Task::Analyze { task, id, owned });
                    }
                    _ => d.stage = Stage::Prepared(paragraphs),
                }
            }
            Err(reason) => self.refuse_pooled(host, i, reason),
        }
        self.advance(host);
        saves
    }

    /// A pool worker analyzed task `task` (or what it sent back could not be read: then it
    /// counts as a failure of that task).
    pub fn pool_done<H: Host<File = F>>(
        &mut self,
        host: &mut H,
        task: TaskId,
        result: Result<Analyzed, String>,
    ) {
        self.pool.waiting = false;
        let Some(i) = self.pool.position(task) else {
            return;
        };
        match result {
            Ok(a) => self.pool.docs[i].stage = Stage::Done(Box::new(a)),
            Err(_) => self.fail_pooled(host, i),
        }
        self.advance(host);
    }

    /// Pool worker `w` died (its replacement reports ready through
    /// [`Queue::pool_changed`]). The document it was working on is sent again once, then
    /// refused by name; the others it held are sent again as often as it takes, since they
    /// did nothing wrong.
    pub fn pool_failed<H: Host<File = F>>(&mut self, host: &mut H, w: usize) {
        self.pool.waiting = false;
        let held = |d: &Pooled<F>| d.worker == Some(w) && !matches!(d.stage, Stage::Done(_));
        // Prepared documents wait for the queue, not the worker: it died on another one.
        let culprit = self
            .pool
            .docs
            .iter()
            .filter(|d| held(d) && !matches!(d.stage, Stage::Prepared(_)))
            .min_by_key(|d| d.sent)
            .map(|d| d.task);
        for d in self.pool.docs.iter_mut().filter(|d| held(d)) {
            d.worker = None;
            d.stage = Stage::Preparing;
        }
        if let Some(i) = culprit.and_then(|task| self.pool.position(task)) {
            self.fail_pooled(host, i);
        }
        self.advance(host);
    }

    /// A pool worker started (or the pool changed): documents waiting for one go on.
    pub fn pool_changed<H: Host<File = F>>(&mut self, host: &mut H) {
        self.pool.waiting = false;
        self.advance(host);
    }

    /// Documents in the pool, sent and not yet merged.
    pub fn pooled(&self) -> usize {
        self.pool.docs.len()
    }

    /// The document at `i` was lost with its worker: send it again, or refuse it the second
    /// time.
    fn fail_pooled<H: Host<File = F>>(&mut self, host: &mut H, i: usize) {
        let d = &mut self.pool.docs[i];
        d.failures += 1;
        if d.failures >= 2 {
            self.refuse_pooled(host, i, RefuseReason::Crashed);
        } else {
            d.worker = None;
            d.stage = Stage::Preparing;
        }
    }

    /// Take the document at `i` out of the pool and refuse it by name.
    fn refuse_pooled<H: Host<File = F>>(&mut self, host: &mut H, i: usize, reason: RefuseReason) {
        let Some(d) = self.pool.docs.remove(i) else {
            return;
        };
        if d.settled {
            // Later documents were settled against the paragraphs it claimed.
            self.unsettle_from(host, i);
        }
        if let Some(job) = self.jobs.front_mut() {
            job.done += d.input - d.input / 2;
            let id = job.id;
            self.refuse(host, id, d.origin, reason);
        }
    }

    /// Settle again every document from `i` on: each is decoded again and its duplicates
    /// looked up anew (it keeps its id, so the order stays).
    fn unsettle_from<H: Host<File = F>>(&mut self, host: &mut H, i: usize) {
        for d in self.pool.docs.iter_mut().skip(i).filter(|d| d.settled) {
            d.settled = false;
            d.owned.clear();
            d.claims.clear();
            if let (Some(w), Stage::Prepared(_) | Stage::Preparing | Stage::Analyzing) =
                (d.worker, &d.stage)
            {
                host.dispatch(w, Task::Forget { task: d.task });
            }
            d.worker = None;
            d.stage = Stage::Preparing;
        }
        self.pool.reclaim();
    }

    /// Drop every pooled document (its job ended or was cancelled); returns the keys of
    /// those that were stored.
    fn forget_pool<H: Host<File = F>>(&mut self, host: &mut H) -> Vec<String> {
        let mut stored = Vec::new();
        for d in std::mem::take(&mut self.pool.docs) {
            if let (Some(w), false) = (d.worker, matches!(d.stage, Stage::Done(_))) {
                host.dispatch(w, Task::Forget { task: d.task });
            }
            self.pending.remove(&d.origin.key);
            if d.stored {
                stored.push(d.origin.key);
            }
        }
        self.pool.claims.clear();
        self.pool.waiting = false;
        stored
    }

    /// Settle what can be settled, send what waits for a worker, and merge what is done, all
    /// in the documents' order.
    fn advance<H: Host<File = F>>(&mut self, host: &mut H) {
        // A document is settled once every one before it is (their claims known).
        for i in 0..self.pool.docs.len() {
            let d = &self.pool.docs[i];
            if d.settled {
                continue;
            }
            if !matches!(d.stage, Stage::Prepared(_)) {
                break;
            }
            self.settle(host, i);
        }
        // Documents whose worker died go to the first free one, in order.
        for i in 0..self.pool.docs.len() {
            if self.pool.docs[i].worker.is_some() {
                continue;
            }
            let Some(w) = self.pool.free(host) else {
                if host.pool_size() == 0 {
                    // No pool left to analyze it.
                    self.refuse_pooled(host, i, RefuseReason::Crashed);
                    return self.advance(host);
                }
                break;
            };
            self.pool.sent += 1;
            let d = &mut self.pool.docs[i];
            d.worker = Some(w);
            d.stage = Stage::Preparing;
            d.sent = self.pool.sent;
            prepare(host, &self.settings, w, d);
        }
        while matches!(
            self.pool.docs.front(),
            Some(Pooled {
                stage: Stage::Done(_),
                ..
            })
        ) {
            if let Some(d) = self.pool.docs.pop_front() {
                self.merge(d);
            }
        }
        if self.pool.docs.is_empty() {
            self.pool.claims.clear();
        }
    }

    /// Decide which paragraphs of the prepared document at `i` repeat an earlier document's
    /// (the corpus's or a settled pooled one's), give it its id, and send it to be analyzed.
    fn settle<H: Host<File = F>>(&mut self, host: &mut H, i: usize) {
        let d = &mut self.pool.docs[i];
        let Stage::Prepared(paragraphs) = std::mem::replace(&mut d.stage, Stage::Analyzing) else {
            return;
        };
        let id = match d.id.or(d.origin.doc) {
            Some(id) => id,
            None => self.corpus.reserve_id(),
        };
        d.id = Some(id);
        d.settled = true;
        d.owned.clear();
        d.claims.clear();
        for (fp, flagged) in paragraphs {
            if flagged {
                continue;
            }
            let owner = self
                .corpus
                .paragraph_owner(fp)
                .or_else(|| self.pool.claims.get(&fp).copied());
            match owner {
                Some(o) => d.owned.push((fp, o)),
                None => d.claims.push(fp),
            }
        }
        for &fp in &d.claims {
            self.pool.claims.entry(fp).or_insert(id);
        }
        if let Some(w) = d.worker {
            self.pool.sent += 1;
            d.sent = self.pool.sent;
            let owned = &d.owned;
            host.dispatch(
                w,
                Task::Analyze {
                    task: d.task,
                    id,
                    owned,
                },
            );
        }
    }

    /// Add an analyzed pooled document to the corpus.
    fn merge(&mut self, d: Pooled<F>) {
        let Stage::Done(analyzed) = d.stage else {
            return;
        };
        let Some(job) = self.jobs.front_mut() else {
            return;
        };
        job.done += d.input - d.input / 2;
        job.added += 1;
        let id = self.corpus.add_analyzed(*analyzed);
        self.pending.remove(&d.origin.key);
        self.keys.insert(id, d.origin.key.clone());
        self.sources
            .insert(d.origin.key.clone(), (d.origin, d.source));
        self.corpus_dirty = true;
    }
}

/// Send the document `d` to pool worker `w` to decode.
fn prepare<H: Host, F>(host: &mut H, settings: &Settings, w: usize, d: &Pooled<F>) {
    let mut options = settings.analysis.options();
    options.encoding = d.origin.encoding;
    let input = match (&d.bytes, &d.source) {
        (Some(b), _) => Input::Bytes(b),
        (None, Source::Text(t)) => Input::Text(t),
        (None, Source::File(_)) => Input::Bytes(&[]),
    };
    host.dispatch(
        w,
        Task::Prepare {
            task: d.task,
            name: &d.origin.name,
            input,
            options,
            meta: &d.origin.meta,
        },
    );
}

fn restore_item<H: Host>(host: &H, d: Record<H::File>) -> Item<H::File> {
    let origin = Origin {
        doc: None,
        key: d.key,
        name: d.name,
        added: d.added,
        encoding: d.encoding.as_deref().and_then(Encoding::from_label),
        save: false,
        meta: d.meta,
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
        /// What each pool worker was sent and has not handled yet (no pool: none).
        inbox: Vec<VecDeque<Sent>>,
        ready: Vec<bool>,
    }

    /// A [`Task`] as a pool worker receives it (a copy: the message crossed threads).
    #[derive(Debug)]
    #[expect(clippy::large_enum_variant, reason = "a test's few messages")]
    enum Sent {
        Prepare {
            task: TaskId,
            name: String,
            bytes: Option<Vec<u8>>,
            text: Option<String>,
            options: AnalysisOptions,
            meta: DocMeta,
        },
        Analyze {
            task: TaskId,
            id: DocId,
            owned: Vec<(u64, DocId)>,
        },
        Forget {
            task: TaskId,
        },
    }

    impl Fake {
        fn new(per_call: f64) -> Self {
            Fake {
                clock: 0.0,
                per_call,
                posts: Vec::new(),
                keys: 0,
                stamps: 0.0,
                inbox: Vec::new(),
                ready: Vec::new(),
            }
        }

        /// A host with a pool of `n` started workers.
        fn with_pool(n: usize) -> Self {
            Fake {
                inbox: (0..n).map(|_| VecDeque::new()).collect(),
                ready: vec![true; n],
                ..Fake::new(10.0)
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
        fn file_of(&mut self, bytes: &[u8]) -> FakeFile {
            file(bytes)
        }
        fn pool_size(&self) -> usize {
            self.inbox.len()
        }
        fn pool_ready(&self, w: usize) -> bool {
            self.ready.get(w).copied().unwrap_or(false)
        }
        fn dispatch(&mut self, w: usize, task: Task<'_>) {
            let sent = match task {
                Task::Prepare {
                    task,
                    name,
                    input,
                    options,
                    meta,
                } => {
                    let (bytes, text) = match input {
                        Input::Bytes(b) => (Some(b.to_vec()), None),
                        Input::Text(t) => (None, Some(t.to_owned())),
                    };
                    Sent::Prepare {
                        task,
                        name: name.to_owned(),
                        bytes,
                        text,
                        options,
                        meta: meta.clone(),
                    }
                }
                Task::Analyze { task, id, owned } => Sent::Analyze {
                    task,
                    id,
                    owned: owned.to_vec(),
                },
                Task::Forget { task } => Sent::Forget { task },
            };
            self.inbox[w].push_back(sent);
        }
    }

    /// The pool workers of a [`Fake`] host, run natively one message at a time: what each one
    /// holds, and the documents that make a worker die (by name, how many times).
    #[derive(Default)]
    struct Workers {
        held: Vec<HashMap<TaskId, DocBuilder>>,
        names: HashMap<TaskId, String>,
        kill: HashMap<String, u32>,
        /// Which worker answers next (they take turns, the last one first, so documents
        /// finish out of order).
        turn: usize,
        /// Messages each worker handled.
        handled: Vec<usize>,
    }

    impl Workers {
        /// Let one worker handle its next message; `false` when no worker has one.
        fn deliver(
            &mut self,
            q: &mut Queue<FakeFile>,
            host: &mut Fake,
            saves: &mut Vec<Record<FakeFile>>,
        ) -> bool {
            let n = host.inbox.len();
            self.held.resize_with(n, HashMap::new);
            self.handled.resize(n, 0);
            let Some(w) = (0..n)
                .map(|k| (self.turn + n - k) % n)
                .find(|&w| !host.inbox[w].is_empty())
            else {
                return false;
            };
            self.turn += 1;
            let Some(msg) = host.inbox[w].pop_front() else {
                return false;
            };
            self.handled[w] += 1;
            let task = match &msg {
                Sent::Prepare { task, .. } | Sent::Analyze { task, .. } => *task,
                Sent::Forget { task } => {
                    self.held[w].remove(task);
                    return true;
                }
            };
            if let Sent::Prepare { name, .. } = &msg {
                self.names.insert(task, name.clone());
            }
            let name = self.names.get(&task).cloned().unwrap_or_default();
            if let Some(left) = self.kill.get_mut(&name).filter(|k| **k > 0) {
                // The worker dies with everything it held; a new one takes its place.
                *left -= 1;
                host.inbox[w].clear();
                self.held[w].clear();
                q.pool_failed(host, w);
                q.pool_changed(host);
                return true;
            }
            match msg {
                Sent::Prepare {
                    task,
                    name,
                    bytes,
                    text,
                    options,
                    meta,
                } => {
                    let built = match (bytes, text) {
                        (Some(b), _) => DocBuilder::from_bytes(name, &b, &options),
                        (None, Some(t)) => DocBuilder::from_text(name, &t, &options),
                        (None, None) => Err(crate::ingest::Refusal::Empty),
                    };
                    let result = built.map(|b| b.with_meta(meta));
                    let answer = match &result {
                        Ok(b) => Ok(b.own_paragraphs().collect()),
                        Err(r) => Err(RefuseReason::from(r)),
                    };
                    if let Ok(b) = result {
                        self.held[w].insert(task, b);
                    }
                    saves.extend(q.pool_prepared(host, task, answer, 1.0));
                }
                Sent::Analyze { task, id, owned } => {
                    let Some(mut b) = self.held[w].remove(&task) else {
                        q.pool_done(host, task, Err("not prepared here".into()));
                        return true;
                    };
                    let owned: HashMap<u64, DocId> = owned.into_iter().collect();
                    b.settle(|fp| owned.get(&fp).copied());
                    b.analyze(
                        &q.corpus.dictionary,
                        crate::entities::Recognizer::embedded(),
                        usize::MAX,
                    );
                    // As the browser hands it over: packed, moved, read back.
                    let packed = b.seal(id).to_bytes();
                    let back = Analyzed::from_bytes(&packed).map_err(|e| e.to_string());
                    q.pool_done(host, task, back);
                }
                Sent::Forget { .. } => {}
            }
            true
        }
    }

    /// Tick and let the pool answer until every job is done; returns the records to store.
    fn run_pool(
        q: &mut Queue<FakeFile>,
        host: &mut Fake,
        workers: &mut Workers,
    ) -> Vec<Record<FakeFile>> {
        let mut saves = Vec::new();
        for _ in 0..100_000 {
            // As the worker does: tick while there is work here, rest once there is none.
            if !q.is_idle() {
                saves.extend(q.tick(host));
                if q.is_idle() {
                    q.rest(host);
                }
            } else if workers.deliver(q, host, &mut saves) {
                if q.is_idle() {
                    q.rest(host);
                }
            } else {
                assert!(
                    q.waiting().is_some() || q.jobs.is_empty(),
                    "the pool is stuck"
                );
                q.rest(host);
                return saves;
            }
        }
        panic!("the jobs never finished");
    }

    /// Everything a corpus holds that a view can show, as text.
    fn contents(c: &Corpus) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}",
            c.docs(),
            c.totals(),
            c.vocabulary().collect::<Vec<_>>(),
            c.entities()
        )
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

    /// Sample document `i` with its line breaks escaped for a CSV or JSON field.
    fn field(i: usize) -> String {
        SAMPLE[i].1.replace('"', "'").replace('\n', " ")
    }

    /// The questions the worker asked about columns: (job, file, header, guess).
    fn asked(host: &Fake) -> Vec<(JobId, String, Vec<String>, Columns)> {
        host.posts
            .iter()
            .filter_map(|r| match r {
                Response::AskColumns {
                    job,
                    file,
                    header,
                    guess,
                } => Some((*job, file.clone(), header.clone(), guess.clone())),
                _ => None,
            })
            .collect()
    }

    fn row_problems(host: &Fake) -> Vec<(String, Option<u64>, RowIssue)> {
        host.posts
            .iter()
            .filter_map(|r| match r {
                Response::RowProblem {
                    file, line, issue, ..
                } => Some((file.clone(), *line, issue.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_csv_waits_for_its_columns_then_each_row_is_a_document_with_its_metadata() {
        let mut host = Fake::new(1.0);
        let mut q = Queue::new();
        q.persistent = true;
        let csv = format!(
            "Ngày,Nguồn,Tiêu đề,Nội dung\n05/03/2024,VnE,Một,\"{}\"\n31/02/2024,TN,Hai,\"{}\"\n2024-04-01,TN,Ba,\n\"12/04/2024\",VnE,Bốn,\"{}\"\n",
            field(0),
            field(1),
            field(2)
        );
        let total = csv.len() as u64;
        q.add_files(&mut host, 4, vec![(file(csv.as_bytes()), "tin.csv".into())]);
        // The worker reads the header, asks, and waits: nothing else happens meanwhile.
        for _ in 0..20 {
            q.tick(&mut host);
        }
        assert!(q.is_idle() && q.waiting() == Some(4));
        assert!(q.corpus.docs().is_empty());
        let ask = asked(&host);
        assert_eq!(ask.len(), 1);
        let (job, name, header, guess) = ask[0].clone();
        assert_eq!((job, name.as_str()), (4, "tin.csv"));
        assert_eq!(header, ["Ngày", "Nguồn", "Tiêu đề", "Nội dung"]);
        assert_eq!(guess.text.as_deref(), Some("Nội dung"));
        assert_eq!(guess.date.as_deref(), Some("Ngày"));
        assert_eq!(guess.source.as_deref(), Some("Nguồn"));
        assert_eq!(guess.title.as_deref(), Some("Tiêu đề"));
        // An answer for another job changes nothing.
        q.set_columns(9, Some(guess.clone()));
        assert_eq!(q.waiting(), Some(4));
        q.set_columns(4, Some(guess));
        let saves = run(&mut q, &mut host);

        let docs = q.corpus.docs();
        type Seen<'a> = (&'a str, Option<String>, bool, Option<&'a str>, Option<u64>);
        let seen: Vec<Seen> = docs
            .iter()
            .map(|d| {
                (
                    d.title.as_str(),
                    d.meta.date.map(|x| x.to_string()),
                    d.meta.date_inferred,
                    d.meta.source.as_deref(),
                    d.meta.row,
                )
            })
            .collect();
        // The row with a date that is no date stays, its date inferred from its dateline
        // (or none); the row without text is named and skipped.
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(
            seen[0],
            (
                "Một",
                Some("2024-03-05".into()),
                false,
                Some("VnE"),
                Some(2)
            )
        );
        assert_eq!(
            (seen[1].0, seen[1].3, seen[1].4),
            ("Hai", Some("TN"), Some(3))
        );
        assert!(seen[1].1.is_none() || seen[1].2, "{:?}", seen[1]);
        assert_eq!(
            seen[2],
            (
                "Bốn",
                Some("2024-04-12".into()),
                false,
                Some("VnE"),
                Some(5)
            )
        );
        assert_eq!(
            row_problems(&host),
            vec![
                (
                    "tin.csv".to_owned(),
                    Some(3),
                    RowIssue::BadDate {
                        date: "31/02/2024".into()
                    }
                ),
                ("tin.csv".to_owned(), Some(4), RowIssue::NoText),
            ]
        );
        // Each row is stored with its metadata; progress ends at the file's size.
        let stored: Vec<(&str, Option<String>)> = saves
            .iter()
            .map(|r| (r.name.as_str(), r.meta.date.map(|d| d.to_string())))
            .collect();
        assert_eq!(
            stored,
            vec![
                ("tin.csv#2", Some("2024-03-05".into())),
                ("tin.csv#3", None),
                ("tin.csv#5", Some("2024-04-12".into()))
            ]
        );
        assert_eq!(host.jobs_done(), vec![(4, false, 3, total)]);
        let view = q.view();
        assert_eq!(view.docs[0].date.as_deref(), Some("2024-03-05"));
        assert_eq!(
            view.facets.sources,
            vec![("TN".into(), 1), ("VnE".into(), 2)]
        );
    }

    #[test]
    fn a_skipped_record_file_and_a_cancelled_wait_leave_the_queue_running() {
        let mut host = Fake::new(1.0);
        let mut q = Queue::new();
        let jsonl = format!("{{\"text\": \"{}\"}}\n", field(0));
        q.add_files(
            &mut host,
            1,
            vec![(file(jsonl.as_bytes()), "a.jsonl".into())],
        );
        q.add_files(
            &mut host,
            2,
            vec![(file(jsonl.as_bytes()), "b.jsonl".into())],
        );
        q.add_text(&mut host, 3, "dán.txt".into(), SAMPLE[1].1.into());
        run(&mut q, &mut host);
        assert_eq!(q.waiting(), Some(1));
        q.set_columns(1, None);
        run(&mut q, &mut host);
        assert_eq!(q.waiting(), Some(2));
        q.cancel(&mut host, 2);
        run(&mut q, &mut host);
        assert_eq!(names(&q), vec!["dán.txt".to_owned()]);
        let done: Vec<(JobId, bool, u32)> =
            host.jobs_done().iter().map(|d| (d.0, d.1, d.2)).collect();
        assert_eq!(done, vec![(1, false, 0), (2, true, 0), (3, false, 1)]);
    }

    #[test]
    fn a_zip_is_its_entries_with_folders_as_groups_and_bad_entries_named() {
        let mut host = Fake::new(1.0);
        let mut q = Queue::new();
        let rows = format!("id\ttext\tdate\nx1\t{}\t2023-12-01\n", field(3));
        let zip = crate::ingest::zip::write_zip(
            &[
                ("2024/thoi-su/a.txt", SAMPLE[0].1.as_bytes()),
                ("2024/b.txt", SAMPLE[1].1.as_bytes()),
                ("__MACOSX/._a.txt", b"x"),
                ("anh.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
                ("bang.tsv", rows.as_bytes()),
            ],
            true,
        );
        q.add_files(&mut host, 5, vec![(file(&zip), "tin.zip".into())]);
        run(&mut q, &mut host);
        let seen: Vec<(String, Option<String>)> = q
            .corpus
            .docs()
            .iter()
            .map(|d| (d.name.clone(), d.meta.group.clone()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "tin.zip/2024/thoi-su/a.txt".to_owned(),
                    Some("2024/thoi-su".to_owned())
                ),
                ("tin.zip/2024/b.txt".to_owned(), Some("2024".to_owned())),
                ("tin.zip/bang.tsv#2".to_owned(), Some("bang.tsv".to_owned())),
            ]
        );
        let refused: Vec<String> = host
            .posts
            .iter()
            .filter_map(|r| match r {
                Response::Refused { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(refused, vec!["tin.zip/anh.png".to_owned()]);
        assert_eq!(
            q.corpus.docs()[2]
                .meta
                .date
                .map(|d| d.to_string())
                .as_deref(),
            Some("2023-12-01")
        );
        assert_eq!(host.jobs_done(), vec![(5, false, 3, zip.len() as u64)]);

        // A damaged archive is refused by name.
        q.add_files(
            &mut host,
            6,
            vec![(file(&zip[..zip.len() / 2]), "hong.zip".into())],
        );
        run(&mut q, &mut host);
        assert!(matches!(
            host.posts.iter().rev().find(|r| matches!(r, Response::Refused { .. })),
            Some(Response::Refused { name, reason: RefuseReason::Unreadable { .. }, .. }) if name == "hong.zip"
        ));
    }

    #[test]
    fn a_date_edit_is_kept_and_stored_and_restored() {
        let mut host = Fake::new(1.0);
        let mut q = Queue::new();
        q.persistent = true;
        q.add_text(&mut host, 1, "dán.txt".into(), SAMPLE[2].1.into());
        run(&mut q, &mut host);
        let id = q.corpus.docs()[0].id;
        let when: Date = "2021-07-09".parse().unwrap();
        let record = q
            .set_date(&mut host, id, Some(when))
            .expect("a record to store");
        assert_eq!(record.meta.date, Some(when));
        assert_eq!(q.view().docs[0].date.as_deref(), Some("2021-07-09"));
        assert!(!q.view().docs[0].date_inferred);
        // After a reload the stored date is the document's.
        let mut again = Queue::new();
        again.restore(&mut host, vec![record]);
        run(&mut again, &mut host);
        assert_eq!(again.corpus.docs()[0].meta.date, Some(when));
        assert!(q.set_date(&mut host, DocId::MAX, None).is_none());
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

    /// Files with copies across documents (a whole one, and a paragraph), a binary one and a
    /// text, as a pool test drops them.
    fn mixed_files() -> Vec<(FakeFile, String)> {
        let mut files: Vec<(FakeFile, String)> = (0..5).map(sample).collect();
        files.insert(2, (file(SAMPLE[0].1.as_bytes()), "bản sao.txt".into()));
        let para = SAMPLE[3].1.split("\n\n").nth(2).unwrap_or_default();
        let mixed = format!("Một đoạn mới về Hà Nội ngày 2/9/2024.\n\n{para}\n");
        files.insert(4, (file(mixed.as_bytes()), "trích.txt".into()));
        files.insert(
            5,
            (file(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "ảnh.png".into()),
        );
        files
    }

    fn refused(host: &Fake) -> Vec<(String, RefuseReason)> {
        host.posts
            .iter()
            .filter_map(|r| match r {
                Response::Refused { name, reason, .. } => Some((name.clone(), reason.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn documents_analyzed_in_the_pool_make_the_corpus_one_worker_makes() {
        let mut alone = Fake::new(10.0);
        let mut one = Queue::new();
        one.add_files(&mut alone, 1, mixed_files());
        one.add_text(&mut alone, 2, "dán.txt".into(), SAMPLE[1].1.into());
        let saved_alone = run(&mut one, &mut alone);
        let record_names =
            |r: &[Record<FakeFile>]| r.iter().map(|r| r.name.clone()).collect::<Vec<_>>();

        for n in [1, 2, 3] {
            let mut host = Fake::with_pool(n);
            let mut q = Queue::new();
            let mut workers = Workers::default();
            q.add_files(&mut host, 1, mixed_files());
            q.add_text(&mut host, 2, "dán.txt".into(), SAMPLE[1].1.into());
            let saved = run_pool(&mut q, &mut host, &mut workers);

            assert_eq!(contents(&q.corpus), contents(&one.corpus), "{n} workers");
            assert_eq!(q.corpus.totals(), one.corpus.totals());
            // The whole copy counts once, the copied paragraph too.
            let copy = q.corpus.docs().iter().find(|d| d.name == "bản sao.txt");
            assert!(copy.is_some_and(|d| d.counts.words == 0 && !d.flags.is_empty()));
            assert_eq!(record_names(&saved), record_names(&saved_alone));
            assert_eq!(refused(&host), refused(&alone));
            assert_eq!(refused(&host).len(), 1);
            let done = host.jobs_done();
            let total: u64 = mixed_files()
                .iter()
                .map(|(f, _)| f.bytes.len() as u64)
                .sum();
            assert_eq!(done, alone.jobs_done());
            assert_eq!((done[0].0, done[0].2, done[0].3), (1, 7, total));
            assert_eq!((done[1].0, done[1].2), (2, 1));
            assert!(
                workers.handled.iter().all(|&h| h > 0),
                "{:?}",
                workers.handled
            );
            let progress = host.progress(1);
            assert!(
                progress.windows(2).all(|p| p[0].0 <= p[1].0),
                "{progress:?}"
            );
        }
    }

    #[test]
    fn a_document_whose_pool_worker_dies_is_sent_again_then_refused_by_name() {
        let mut alone = Fake::new(10.0);
        let mut one = Queue::new();
        one.add_files(&mut alone, 1, mixed_files());
        run(&mut one, &mut alone);

        // Once: sent again, and the corpus is whole.
        let mut host = Fake::with_pool(2);
        let mut q = Queue::new();
        let mut workers = Workers::default();
        workers.kill.insert(name(1), 1);
        q.add_files(&mut host, 1, mixed_files());
        run_pool(&mut q, &mut host, &mut workers);
        assert_eq!(contents(&q.corpus), contents(&one.corpus));
        assert_eq!(
            refused(&host).len(),
            1,
            "only the PNG: {:?}",
            refused(&host)
        );

        // Twice: refused by name; the copy of document 0 that came after it is still a copy,
        // and nothing else is lost.
        let mut host = Fake::with_pool(2);
        let mut q = Queue::new();
        let mut workers = Workers::default();
        workers.kill.insert(name(0), 2);
        q.add_files(&mut host, 1, mixed_files());
        run_pool(&mut q, &mut host, &mut workers);
        assert!(refused(&host).contains(&(name(0), RefuseReason::Crashed)));
        let got: Vec<String> = names(&q);
        let mut want: Vec<String> = names(&one);
        want.retain(|n| *n != name(0));
        assert_eq!(got, want, "{:?}", refused(&host));
        assert_eq!(
            refused(&host).len(),
            2,
            "document 0 and the PNG: {:?}",
            refused(&host)
        );
        // Without document 0, its copy is the first of its paragraphs: counted in full.
        let copy = q.corpus.docs().iter().find(|d| d.name == "bản sao.txt");
        let orig = one.corpus.docs().iter().find(|d| d.name == name(0));
        assert_eq!(
            copy.map(|d| d.counts.words),
            orig.map(|d| d.counts.words),
            "the copy was settled against a document that never came"
        );
        assert_eq!(host.jobs_done().len(), 1);
    }

    #[test]
    fn cancelling_a_job_in_the_pool_forgets_its_documents_and_keeps_what_was_added() {
        let mut host = Fake::with_pool(2);
        let mut q = Queue::new();
        let mut workers = Workers::default();
        q.add_files(&mut host, 1, mixed_files());
        let mut saves = Vec::new();
        for _ in 0..1000 {
            if q.corpus.docs().len() >= 2 {
                break;
            }
            if !q.is_idle() {
                saves.extend(q.tick(&mut host));
            } else {
                workers.deliver(&mut q, &mut host, &mut saves);
            }
        }
        let kept = names(&q);
        assert!(
            kept.len() >= 2 && q.pooled() > 0,
            "{kept:?}, {} pooled",
            q.pooled()
        );
        let gone: HashSet<String> = q.cancel(&mut host, 1).into_iter().collect();
        // What was stored and not added is to be deleted, so the store keeps the corpus.
        let added: HashSet<&String> = q.keys.values().collect();
        let stored_not_added: HashSet<String> = saves
            .iter()
            .map(|r| r.key.clone())
            .filter(|k| !added.contains(k))
            .collect();
        assert!(
            !gone.is_empty(),
            "documents decoded in the pool were stored"
        );
        assert_eq!(gone, stored_not_added);
        assert_eq!(q.pooled(), 0);
        let forgets = host
            .inbox
            .iter()
            .flatten()
            .filter(|m| matches!(m, Sent::Forget { .. }))
            .count();
        assert!(forgets > 0, "the workers were not told");
        q.add_text(&mut host, 2, "sau.txt".into(), SAMPLE[2].1.into());
        run_pool(&mut q, &mut host, &mut workers);
        let mut want = kept.clone();
        want.push("sau.txt".into());
        assert_eq!(names(&q), want);
        let done = host.jobs_done();
        assert_eq!(
            done.iter().map(|d| (d.0, d.1)).collect::<Vec<_>>(),
            vec![(1, true), (2, false)]
        );
        assert!(
            workers.held.iter().all(HashMap::is_empty),
            "a worker kept a forgotten document"
        );
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
                meta: DocMeta::default(),
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
            meta: DocMeta::default(),
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
    fn documents_analyzed_again_never_vanish_from_the_page_meanwhile() {
        // Regression: a re-analysis removed every document first and the corpus view posted
        // while it ran lacked them, so the page closed the Reader's document.
        for n in [0, 2] {
            let mut host = Fake::with_pool(n);
            let mut q = Queue::new();
            let mut workers = Workers::default();
            q.add_files(&mut host, 1, (0..SAMPLE.len()).map(sample).collect());
            run_pool(&mut q, &mut host, &mut workers);
            let ids: Vec<DocId> = q.corpus.docs().iter().map(|d| d.id).collect();
            let before = host.posts.len();
            q.settings.analysis.spaces = !q.settings.analysis.spaces;
            q.reanalyze(&mut host, None);
            run_pool(&mut q, &mut host, &mut workers);
            let views: Vec<Vec<DocId>> = host.posts[before..]
                .iter()
                .filter_map(|r| match r {
                    Response::Corpus(v) => Some(v.docs.iter().map(|d| d.id).collect()),
                    _ => None,
                })
                .collect();
            assert!(!views.is_empty(), "{n} workers: the new corpus is shown");
            assert!(views.iter().all(|v| *v == ids), "{n} workers: {views:?}");
            let progress = host.progress(SELF_JOB);
            assert!(progress.len() > 1, "{n} workers: it took several reports");
        }
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
