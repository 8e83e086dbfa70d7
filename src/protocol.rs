//! Messages between the page and the analysis worker.
//!
//! Wire types are not engine types: they are owned, serializable copies shaped for one view
//! (the top N, one page of text), built by [`views`] from the engine's state. The page never
//! receives the whole index. Refusals and warnings travel as data, not sentences, so the page
//! words them in the user's language.

use crate::corpus::{Corpus, DocId, Document};
use crate::ingest::{Refusal, Warning};
use serde::{Deserialize, Serialize};

/// A job's id, chosen by the page; progress, results and cancels refer to it.
pub type JobId = u32;

/// How many top syllables an overview carries.
pub const TOP_N: usize = 50;

/// Paragraphs per Reader page.
pub const READER_PAGE: usize = 40;

/// Page → worker.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type")]
pub enum Request {
    /// Add files. The `File` objects travel beside the message (they are not serde data);
    /// `names` lists them in the same order.
    AddFiles {
        /// Job id.
        job: JobId,
        /// The files' names.
        names: Vec<String>,
    },
    /// Add pasted text as a document.
    AddText {
        /// Job id.
        job: JobId,
        /// A name for the document.
        name: String,
        /// The text.
        text: String,
    },
    /// Replace the corpus with the built-in sample corpus.
    ResetSample {
        /// Job id.
        job: JobId,
    },
    /// Remove one document.
    Remove {
        /// The document.
        doc: DocId,
    },
    /// Stop a job; documents it already finished stay.
    Cancel {
        /// Job id.
        job: JobId,
    },
    /// Remember the page's settings.
    SaveSettings {
        /// The settings.
        settings: Settings,
    },
    /// Export the whole corpus as JSON (answered by [`Response::Exported`]).
    Export,
    /// One page of a document's text for the Reader.
    Read {
        /// The document.
        doc: DocId,
        /// Page number, from 0.
        page: usize,
    },
}

/// Worker → page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type")]
pub enum Response {
    /// The worker is running and listening; `settings` are the stored ones, if any.
    Ready {
        /// Stored settings.
        settings: Option<Settings>,
        /// Whether documents are stored in the browser (IndexedDB opened).
        persistent: bool,
    },
    /// A document is analyzed but could not be stored: it will be gone after a reload.
    NotSaved {
        /// The document.
        name: String,
        /// Why.
        reason: SaveFailure,
    },
    /// How much the browser stores for this page.
    Storage {
        /// Bytes used.
        usage: f64,
        /// Bytes allowed.
        quota: f64,
    },
    /// The exported corpus (see [`export`]).
    Exported {
        /// A suggested file name.
        name: String,
        /// The JSON.
        json: String,
    },
    /// A job advanced.
    Progress {
        /// Job id.
        job: JobId,
        /// The file being worked on.
        name: String,
        /// Bytes done over the whole job.
        done: u64,
        /// Bytes in the whole job.
        total: u64,
    },
    /// A file was not added.
    Refused {
        /// Job id.
        job: JobId,
        /// The file.
        name: String,
        /// Why.
        reason: RefuseReason,
    },
    /// A job ended (finished or cancelled); `corpus` is the new state.
    JobDone {
        /// Job id.
        job: JobId,
        /// Whether it was cancelled before the end.
        cancelled: bool,
        /// Documents added by this job.
        added: u32,
        /// Bytes of input analyzed by this job.
        bytes: u64,
        /// Wall time of the job in the worker, milliseconds.
        elapsed_ms: f64,
    },
    /// The corpus changed.
    Corpus(CorpusView),
    /// A page of a document.
    Page(ReaderPage),
    /// The worker hit a bug; the message is for a bug report.
    Crashed {
        /// The panic message.
        message: String,
    },
}

/// Why a file was refused, for the page to word.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind")]
pub enum RefuseReason {
    /// No text in it.
    Empty,
    /// A known binary format.
    Binary {
        /// What it looks like ("PDF").
        format: String,
    },
    /// Binary, unknown format.
    NotText,
    /// An extension Soi does not read.
    UnsupportedFormat {
        /// The extension.
        ext: String,
    },
    /// A damaged .docx.
    DamagedDocx,
    /// The browser could not read the file.
    Unreadable {
        /// The browser's message.
        detail: String,
    },
}

impl From<&Refusal> for RefuseReason {
    fn from(r: &Refusal) -> Self {
        match r {
            Refusal::Empty => RefuseReason::Empty,
            Refusal::Binary { kind } => RefuseReason::Binary {
                format: (*kind).to_owned(),
            },
            Refusal::NotText => RefuseReason::NotText,
            Refusal::UnsupportedFormat { ext } => {
                RefuseReason::UnsupportedFormat { ext: ext.clone() }
            }
            Refusal::DamagedDocx => RefuseReason::DamagedDocx,
        }
    }
}

/// Why a document could not be stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind")]
pub enum SaveFailure {
    /// The browser's storage quota for this page is used up.
    Quota,
    /// The browser refused for another reason.
    Other {
        /// The browser's message.
        detail: String,
    },
    /// Storage is not available at all (private mode, disabled).
    Unavailable,
}

/// The page's settings, stored with the corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Settings {
    /// Interface language tag ("vi", "en").
    pub lang: String,
}

/// A non-fatal problem with an added document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind")]
pub enum DocWarning {
    /// Invalid bytes were replaced.
    InvalidBytes {
        /// How many sequences.
        count: u64,
        /// Byte offset of the first.
        first_at: u64,
    },
}

impl From<&Warning> for DocWarning {
    fn from(w: &Warning) -> Self {
        match *w {
            Warning::InvalidBytes { count, first_at } => DocWarning::InvalidBytes {
                count: count as u64,
                first_at: first_at as u64,
            },
        }
    }
}

/// One line of the document list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocSummary {
    /// Id for Remove and Read.
    pub id: DocId,
    /// File name.
    pub name: String,
    /// First meaningful line.
    pub title: String,
    /// Input size.
    pub bytes: u64,
    /// Encoding label, or `None` for pasted text.
    pub encoding: Option<String>,
    /// Paragraphs.
    pub paragraphs: u64,
    /// Sentences.
    pub sentences: u64,
    /// Syllables.
    pub syllables: u64,
    /// Problems.
    pub warnings: Vec<DocWarning>,
    /// Stored in the browser (survives a reload)?
    pub saved: bool,
}

/// The corpus as the Overview shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct CorpusView {
    /// Every document, in order added.
    pub docs: Vec<DocSummary>,
    /// Documents.
    pub documents: u64,
    /// Paragraphs.
    pub paragraphs: u64,
    /// Sentences.
    pub sentences: u64,
    /// Syllable tokens.
    pub syllables: u64,
    /// Distinct syllables.
    pub types: u64,
    /// Characters.
    pub chars: u64,
    /// The most frequent syllables.
    pub top: Vec<TermCount>,
}

/// A term and its frequency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TermCount {
    /// The term, lower-cased.
    pub term: String,
    /// Occurrences.
    pub count: u64,
}

/// One page of a document for the Reader.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReaderPage {
    /// The document.
    pub doc: DocId,
    /// This page, from 0.
    pub page: usize,
    /// Pages in all.
    pub pages: usize,
    /// The paragraphs of this page.
    pub paragraphs: Vec<String>,
}

/// Building views from the engine.
pub mod views {
    use super::*;

    /// The document-list line of `d`.
    pub fn doc_summary(d: &Document) -> DocSummary {
        DocSummary {
            id: d.id,
            name: d.name.clone(),
            title: d.title.clone(),
            bytes: d.bytes as u64,
            encoding: d.encoding.map(|e| e.label().to_owned()),
            paragraphs: d.counts.paragraphs,
            sentences: d.counts.sentences,
            syllables: d.counts.syllables,
            warnings: d.warnings.iter().map(DocWarning::from).collect(),
            saved: true,
        }
    }

    /// The corpus view with the top `n` syllables.
    pub fn corpus_view(c: &Corpus, n: usize) -> CorpusView {
        let o = c.overview(n);
        CorpusView {
            docs: c.docs().iter().map(doc_summary).collect(),
            documents: o.documents,
            paragraphs: o.paragraphs,
            sentences: o.sentences,
            syllables: o.syllables,
            types: o.types,
            chars: o.chars,
            top: o
                .top_syllables
                .into_iter()
                .map(|(term, count)| TermCount { term, count })
                .collect(),
        }
    }

    /// Page `page` of document `doc`, clamped to the last page; `None` if there is no such
    /// document.
    pub fn reader_page(c: &Corpus, doc: DocId, page: usize) -> Option<ReaderPage> {
        let d = c.doc(doc)?;
        let paras: Vec<&str> = crate::segment::paragraphs(&d.text)
            .map(|(_, p)| p)
            .collect();
        let pages = paras.len().div_ceil(READER_PAGE).max(1);
        let page = page.min(pages - 1);
        Some(ReaderPage {
            doc,
            page,
            pages,
            paragraphs: paras
                .iter()
                .skip(page * READER_PAGE)
                .take(READER_PAGE)
                .map(|p| (*p).to_owned())
                .collect(),
        })
    }
}

/// The corpus as a portable JSON file, to move it to another browser.
///
/// `{"format": "soi-corpus", "version": 1, "documents": [{"name": …, "text": …}]}`; the
/// texts are the normalized texts the analysis used.
pub mod export {
    use super::*;

    /// The `format` field's value.
    pub const FORMAT: &str = "soi-corpus";

    #[derive(Serialize, Deserialize)]
    struct File {
        format: String,
        version: u32,
        documents: Vec<Doc>,
    }

    #[derive(Serialize, Deserialize)]
    struct Doc {
        name: String,
        text: String,
    }

    /// The JSON of every document in `c`.
    pub fn to_json(c: &Corpus) -> String {
        let file = File {
            format: FORMAT.into(),
            version: 1,
            documents: c
                .docs()
                .iter()
                .map(|d| Doc {
                    name: d.name.clone(),
                    text: d.text.clone(),
                })
                .collect(),
        };
        // OK to unwrap: strings and numbers always serialize.
        serde_json::to_string_pretty(&file).expect("serializable")
    }

    /// The documents of an export, or `None` if `bytes` is not one.
    pub fn from_json(bytes: &[u8]) -> Option<Vec<(String, String)>> {
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
        if bytes[start] != b'{' {
            return None;
        }
        let file: File = serde_json::from_slice(bytes).ok()?;
        (file.format == FORMAT && file.version == 1).then(|| {
            file.documents
                .into_iter()
                .map(|d| (d.name, d.text))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_round_trips_and_rejects_other_json() {
        let mut c = Corpus::new();
        c.add_bytes("a.txt".into(), "Đối ngoại\nHà Nội".as_bytes())
            .unwrap();
        c.add_bytes("b.txt".into(), "Ngoại giao".as_bytes())
            .unwrap();
        let json = export::to_json(&c);
        let docs = export::from_json(json.as_bytes()).unwrap();
        assert_eq!(
            docs,
            vec![
                ("a.txt".into(), "Đối ngoại\nHà Nội".into()),
                ("b.txt".into(), "Ngoại giao".into())
            ]
        );
        assert!(
            export::from_json(b"{\"format\": \"other\", \"version\": 1, \"documents\": []}")
                .is_none()
        );
        assert!(export::from_json(b"[1, 2]").is_none());
        assert!(export::from_json("Hà Nội".as_bytes()).is_none());
    }

    #[test]
    fn requests_round_trip_through_json() {
        let r = Request::AddText {
            job: 7,
            name: "dán.txt".into(),
            text: "Hà Nội".into(),
        };
        let s = serde_json::to_string(&r).unwrap();
        assert!(s.contains("\"type\":\"AddText\""), "{s}");
        assert_eq!(serde_json::from_str::<Request>(&s).unwrap(), r);
    }

    #[test]
    fn views_of_a_corpus() {
        let mut c = Corpus::new();
        let text: String = (0..100).map(|i| format!("Đối ngoại {i}\n")).collect();
        let id = c.add_bytes("a.txt".into(), text.as_bytes()).unwrap();
        let v = views::corpus_view(&c, 1);
        assert_eq!(v.docs[0].encoding.as_deref(), Some("UTF-8"));
        // "đối" and "ngoại" tie; ties go by text (code points), so "ngoại" comes first.
        assert_eq!(
            v.top,
            vec![TermCount {
                term: "ngoại".into(),
                count: 100
            }]
        );
        let p = views::reader_page(&c, id, 99).unwrap();
        assert_eq!((p.page, p.pages, p.paragraphs.len()), (2, 3, 20));
        assert!(views::reader_page(&c, id + 1, 0).is_none());
    }
}
