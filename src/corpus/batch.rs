//! Many documents added at once, in input order, on as many threads as asked.
//!
//! A batch gives the same corpus whatever the number of threads: documents are analyzed
//! apart (each with its own interner) and merged in input order, so ids, counts, duplicate
//! detection and entity tables come out exactly as if they had been added one by one.

use super::{AnalysisOptions, Analyzed, Corpus, DocBuilder, DocId};
use crate::ingest::Refusal;

/// Where one input's text comes from.
#[derive(Debug)]
pub enum Source {
    /// A file's bytes (decoded and checked by ingest), or why they could not be read.
    Bytes(Result<Vec<u8>, String>),
    /// Text that is already text (a pasted text, a CSV or JSON Lines row).
    Text(String),
}

/// One input of a batch. `tag` travels with it and comes back with its outcome, so a
/// caller can keep what the corpus does not hold (a row number, a date column).
#[derive(Debug)]
pub struct Input<T> {
    /// The document's name (a path, a row's id).
    pub name: String,
    /// Its bytes or text.
    pub source: Source,
    /// Its metadata (date, source, group, …), kept by the corpus with the document.
    pub meta: super::DocMeta,
    /// The caller's own value for it.
    pub tag: T,
}

/// Why an input did not become a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Its bytes could not be read (the reader's message).
    Unreadable(String),
    /// Ingest refused it (binary, empty, unsupported format, …).
    Refused(Refusal),
    /// Its analysis failed (a bug); the other inputs are not affected.
    Crashed,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreadable(e) => f.write_str(e),
            Failure::Refused(r) => write!(f, "refused: {r}"),
            Failure::Crashed => f.write_str("the analysis failed (a bug in Soi); skipped"),
        }
    }
}

/// How one input ended: the new document's id, or why there is none.
pub type Outcome = Result<DocId, Failure>;

/// How one input ended when a batch also does work of its own on each document
/// ([`Corpus::add_each_then`]): the new document's id and what that work gave.
pub type WorkOutcome<P> = Result<(DocId, P), Failure>;

/// Where a settled input stands in a threaded batch.
enum Slot<P> {
    /// Being analyzed; it will have this id.
    Analyzing,
    /// Analyzed (or failed), waiting for the inputs before it.
    Done(Result<(Box<Analyzed>, P), Failure>),
}

/// Decode and normalize one input.
fn prepare(
    name: &str,
    source: Source,
    meta: super::DocMeta,
    opts: &AnalysisOptions,
) -> Result<Box<DocBuilder>, Failure> {
    let built = match source {
        Source::Bytes(Ok(bytes)) => DocBuilder::from_bytes(name.to_owned(), &bytes, opts),
        Source::Bytes(Err(e)) => return Err(Failure::Unreadable(e)),
        Source::Text(text) => DocBuilder::from_text(name.to_owned(), &text, opts),
    };
    built
        .map(|b| Box::new(b.with_meta(meta)))
        .map_err(Failure::Refused)
}

impl From<crate::ingest::collection::DocInput> for Input<()> {
    /// A collection's document (a record's row, a zip's entry) as a batch input.
    fn from(d: crate::ingest::collection::DocInput) -> Input<()> {
        use crate::ingest::collection::Content;
        Input {
            name: d.name,
            source: match d.content {
                Content::Bytes(b) => Source::Bytes(Ok(b)),
                Content::Text(t) => Source::Text(t),
            },
            meta: d.meta,
            tag: (),
        }
    }
}

/// `f`, with a panic (a bug: the engine does not panic on any input) turned into a
/// [`Failure::Crashed`] for that one input, so the rest of the batch goes on.
fn guarded<R>(f: impl FnOnce() -> Result<R, Failure>) -> Result<R, Failure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(Err(Failure::Crashed))
}

impl Corpus {
    /// Analyze `inputs` and add each to the corpus in input order; after each one, `each`
    /// gets the corpus, the input's tag and its name, and the new document's id or why it
    /// was refused. `each` may [`Corpus::evict`] the document to keep memory bounded.
    ///
    /// `jobs` is the number of threads (0 or 1: this thread only). The corpus is the same
    /// whatever `jobs` is.
    pub fn add_each<T, I, F>(&mut self, inputs: I, jobs: usize, opts: &AnalysisOptions, mut each: F)
    where
        I: Iterator<Item = Input<T>>,
        F: FnMut(&mut Corpus, T, &str, Outcome),
    {
        self.add_each_then(
            inputs,
            jobs,
            opts,
            |_| (),
            |c, tag, name, outcome| each(c, tag, name, outcome.map(|(id, ())| id)),
        );
    }

    /// [`Corpus::add_each`] with `work` done on each analyzed document on the thread that
    /// analyzed it, before it is merged (so in the document's own ids: see [`Analyzed`]);
    /// what it returns comes to `each` with the document's id. For per-document output that
    /// should not cost the merging thread (`soi index` builds its rows there).
    pub fn add_each_then<T, P, I, W, F>(
        &mut self,
        inputs: I,
        jobs: usize,
        opts: &AnalysisOptions,
        work: W,
        mut each: F,
    ) where
        P: Send,
        I: Iterator<Item = Input<T>>,
        W: Fn(&Analyzed) -> P + Sync,
        F: FnMut(&mut Corpus, T, &str, WorkOutcome<P>),
    {
        if jobs <= 1 || cfg!(target_arch = "wasm32") {
            for input in inputs {
                let outcome =
                    prepare(&input.name, input.source, input.meta, opts).and_then(|mut b| {
                        while !b.step(self, usize::MAX) {}
                        let analyzed = b.seal(self.next_id);
                        let p = guarded(|| Ok(work(&analyzed)))?;
                        Ok((self.add_analyzed(analyzed), p))
                    });
                each(self, input.tag, &input.name, outcome);
            }
            return;
        }
        self.add_threaded(inputs, jobs, opts, work, each);
    }

    /// [`Corpus::add_each_then`] on `jobs` threads. This thread reads the inputs, settles
    /// each document's duplicates against the documents before it (cheap, and it must go in
    /// order) and merges finished documents in input order; the threads decode, normalize,
    /// analyze and do `work`. At most a few documents per thread are in flight, so memory
    /// stays bounded however many inputs there are.
    fn add_threaded<T, P, I, W, F>(
        &mut self,
        inputs: I,
        jobs: usize,
        opts: &AnalysisOptions,
        work: W,
        mut each: F,
    ) where
        P: Send,
        I: Iterator<Item = Input<T>>,
        W: Fn(&Analyzed) -> P + Sync,
        F: FnMut(&mut Corpus, T, &str, WorkOutcome<P>),
    {
        use std::collections::BTreeMap;
        use std::sync::{mpsc, Arc, Mutex};

        enum Task {
            Prepare(usize, String, Source, Box<super::DocMeta>),
            Analyze(usize, DocId, Box<DocBuilder>),
        }
        enum Done<P> {
            Prepared(usize, Result<Box<DocBuilder>, Failure>),
            Analyzed(usize, Result<(Box<Analyzed>, P), Failure>),
        }

        let dictionary = self.dictionary.clone();
        let own = self.recognizer.clone();
        let recognizer: &crate::entities::Recognizer = own
            .as_deref()
            .unwrap_or_else(|| crate::entities::Recognizer::embedded());
        let window = jobs * 4;
        let mut inputs = inputs.enumerate();
        let work = &work;
        std::thread::scope(|scope| {
            let (task_tx, task_rx) = mpsc::channel::<Task>();
            let task_rx = Arc::new(Mutex::new(task_rx));
            let (done_tx, done_rx) = mpsc::channel::<Done<P>>();
            for _ in 0..jobs {
                let task_rx = Arc::clone(&task_rx);
                let done_tx = done_tx.clone();
                let dictionary = &dictionary;
                scope.spawn(move || loop {
                    let task = match task_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let done = match task {
                        Err(_) => return,
                        Ok(Task::Prepare(seq, name, source, meta)) => {
                            Done::Prepared(seq, guarded(|| prepare(&name, source, *meta, opts)))
                        }
                        Ok(Task::Analyze(seq, id, mut b)) => Done::Analyzed(
                            seq,
                            guarded(move || {
                                while !b.analyze(dictionary, recognizer, usize::MAX) {}
                                let analyzed = Box::new(b.seal(id));
                                let p = work(&analyzed);
                                Ok((analyzed, p))
                            }),
                        ),
                    };
                    if done_tx.send(done).is_err() {
                        return;
                    }
                });
            }
            drop(done_tx);

            // Each input from when it is read to when its outcome is given: its tag, its
            // name and where it stands.
            let mut waiting: BTreeMap<usize, (T, String)> = BTreeMap::new();
            let mut prepared: BTreeMap<usize, Result<Box<DocBuilder>, Failure>> = BTreeMap::new();
            let mut slots: BTreeMap<usize, Slot<P>> = BTreeMap::new();
            let (mut next_settle, mut next_merge) = (0, 0);
            let mut next_id = self.next_id;
            let mut exhausted = false;
            loop {
                while !exhausted && waiting.len() < window {
                    match inputs.next() {
                        Some((seq, input)) => {
                            waiting.insert(seq, (input.tag, input.name.clone()));
                            // A closed channel means every thread is gone: the receive
                            // below finds that out and reports what is left.
                            let _ = task_tx.send(Task::Prepare(
                                seq,
                                input.name,
                                input.source,
                                Box::new(input.meta),
                            ));
                        }
                        None => exhausted = true,
                    }
                }
                if waiting.is_empty() {
                    break;
                }
                let Ok(done) = done_rx.recv() else {
                    for (_, (tag, name)) in std::mem::take(&mut waiting) {
                        each(self, tag, &name, Err(Failure::Crashed));
                    }
                    break;
                };
                match done {
                    Done::Prepared(seq, r) => {
                        prepared.insert(seq, r);
                    }
                    Done::Analyzed(seq, r) => {
                        if let Some(Slot::Analyzing) = slots.get(&seq) {
                            slots.insert(seq, Slot::Done(r));
                        }
                    }
                }
                // Settle in input order: a document's duplicates are the paragraphs of the
                // documents before it, including those still being analyzed.
                while let Some(r) = prepared.remove(&next_settle) {
                    let seq = next_settle;
                    next_settle += 1;
                    match r {
                        Ok(mut b) => {
                            let owners = &mut self.paragraph_owner;
                            b.settle(|fp| owners.get(&fp).copied());
                            for fp in b.claims() {
                                owners.entry(fp).or_insert(next_id);
                            }
                            slots.insert(seq, Slot::Analyzing);
                            let _ = task_tx.send(Task::Analyze(seq, next_id, b));
                            next_id += 1;
                        }
                        Err(f) => {
                            slots.insert(seq, Slot::Done(Err(f)));
                        }
                    }
                }
                // Merge in input order.
                while matches!(slots.get(&next_merge), Some(Slot::Done(..))) {
                    let Some(Slot::Done(r)) = slots.remove(&next_merge) else {
                        break;
                    };
                    let Some((tag, name)) = waiting.remove(&next_merge) else {
                        break;
                    };
                    next_merge += 1;
                    let outcome = r.map(|(a, p)| (self.add_analyzed(*a), p));
                    each(self, tag, &name, outcome);
                }
            }
            drop(task_tx);
        });
    }

    /// Take a document's text, index and mentions out of the corpus while the corpus keeps
    /// counting it: its counts stay in the totals and its paragraphs still mark later
    /// copies as duplicates. For batch runs that write each document out and drop it.
    pub fn evict(&mut self, id: DocId) -> Option<super::Document> {
        let i = self.docs.binary_search_by_key(&id, |d| d.id).ok()?;
        Some(self.docs.remove(i))
    }
}
