//! Messages between the page and the analysis worker.
//!
//! Wire types are not engine types: they are owned, serializable copies shaped for one view
//! (the top N, one page of text), built by [`views`] from the engine's state. The page never
//! receives the whole index. Refusals and warnings travel as data, not sentences, so the page
//! words them in the user's language.

pub mod chart;
pub mod cli;
mod wire;

// The engine's types that travel on the wire, named here so that the UI and the page see
// the engine only through the protocol (their serde is in `wire`).
pub use crate::corpus::mentions::EntityId;
pub use crate::corpus::DocId;
pub use crate::entities::EntityType;
pub use crate::ingest::dates::{date_span, Date, Period};
pub use crate::ingest::Encoding;
pub use crate::query::entities::{
    EntColumn, EntitiesQuery, EntitiesView, EntityRow, Highlight, Neighbour, NetEdge, NetNode,
    PairUnit, Selected, TimeBar, TypeCount, NAME_TYPES, PAGE as ENTITY_PAGE,
};
pub use crate::query::time::{
    NewQuery, NewRow, PeriodBucket, PeriodTrends, Selection, WhatIsNew, SIGNIFICANT_G2,
};
pub use crate::query::{
    CollColumn, CollocateRow, CollocatesQuery, CollocatesView, Dispersion, KeyColumn, KeywordRow,
    KeywordsQuery, KeywordsView, KwicLine, KwicQuery, KwicSort, KwicView, TrendDoc, TrendTerms,
    TrendsView, Unit, PAGE,
};

use crate::corpus::{AnalysisOptions, Corpus, Document, ParaFlag};
use crate::ingest::{Refusal, Warning};
use crate::query::table::{Cell, Table};
use crate::text::normalize::{ChangeKind, Options as NormOptions};
use crate::text::syllable::ToneStyle;
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
    /// Replace the user dictionary (one entry a line: "+ phrase" joins, "- word" splits).
    SetDictionary {
        /// The entries.
        entries: Vec<String>,
    },
    /// Remember the page's settings.
    SaveSettings {
        /// The settings.
        settings: Settings,
    },
    /// Export the whole corpus as JSON (answered by [`Response::Exported`]).
    Export,
    /// Decode a document with another encoding (`None`: detect again).
    SetEncoding {
        /// The document.
        doc: DocId,
        /// An encoding label (see [`crate::ingest::Encoding::label`]).
        encoding: Option<String>,
    },
    /// The Normalization view of one document or (`doc: None`) the corpus.
    Normalization {
        /// The document, or the whole corpus.
        doc: Option<DocId>,
        /// Page of the change list, from 0.
        page: usize,
    },
    /// One page of a document's text for the Reader.
    Read {
        /// The document.
        doc: DocId,
        /// Page number, from 0.
        page: usize,
    },
    /// The Keywords view.
    Keywords(crate::query::KeywordsQuery),
    /// The Trends view of some words.
    Trends {
        /// The words.
        terms: crate::query::TrendTerms,
    },
    /// The Concordance view.
    Kwic(crate::query::KwicQuery),
    /// The Collocates view.
    Collocates(crate::query::CollocatesQuery),
    /// A whole table as a file (answered by [`Response::Download`]).
    ExportTable {
        /// Which table.
        table: TableRequest,
        /// CSV or JSON.
        format: TableFormat,
    },
    /// Replace the stopword list (`None`: the built-in one).
    SetStopwords {
        /// One word a line.
        words: Option<Vec<String>>,
    },
    /// The Entities view.
    Entities(crate::query::entities::EntitiesQuery),
    /// Replace the user's entity entries ("PER Nguyễn Văn A", one a line; see
    /// [`crate::entities::Recognizer::with_user_entries`]); the corpus is analyzed again.
    SetEntityEntries {
        /// The lines, as typed.
        lines: String,
    },
    /// The columns to read a record file with, answering [`Response::AskColumns`]; `None`
    /// skips the file.
    SetColumns {
        /// Job id.
        job: JobId,
        /// The columns, or `None` to skip the file.
        columns: Option<Columns>,
    },
    /// Set (or with `None` clear) a document's date: ISO `yyyy-mm-dd` or any form a date
    /// column may take.
    SetDate {
        /// The document.
        doc: DocId,
        /// The date as typed.
        date: Option<String>,
    },
    /// Words per period over the documents' dates (answered by [`Response::PeriodTrends`]).
    PeriodTrends(PeriodQuery),
    /// What rose in a period against the one before it (answered by
    /// [`Response::WhatIsNew`]).
    WhatIsNew(NewQuery),
}

/// A trend over time: words per day, week, month or year over the documents a selection
/// keeps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct PeriodQuery {
    /// The words.
    pub terms: crate::query::TrendTerms,
    /// The period length.
    pub by: crate::ingest::dates::Period,
    /// The documents counted.
    pub within: crate::query::time::Selection,
}

/// A table to export: the same request as its view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum TableRequest {
    /// The word list.
    Keywords(crate::query::KeywordsQuery),
    /// Trends of these words.
    Trends(crate::query::TrendTerms),
    /// Concordance lines.
    Kwic(crate::query::KwicQuery),
    /// Collocates.
    Collocates(crate::query::CollocatesQuery),
    /// The entity table.
    Entities(crate::query::entities::EntitiesQuery),
    /// Co-occurring entity pairs.
    EntityPairs(crate::query::entities::PairUnit),
    /// One entity's mentions in context.
    EntityMentions(crate::corpus::mentions::EntityId),
    /// Words per period.
    PeriodTrends(PeriodQuery),
    /// The documents a selection keeps, with their metadata.
    Documents(crate::query::time::Selection),
    /// What is new in a period: words, then entities.
    WhatIsNew(NewQuery),
}

/// A table file format.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values (RFC 4180).
    Csv,
    /// A JSON array of objects.
    Json,
}

/// A whole table as JSON: an array of objects keyed by the header (measures that are not
/// finite, and cells that do not apply, are `null`).
pub fn table_json(table: &Table) -> String {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = table
        .rows
        .iter()
        .map(|r| {
            table
                .header
                .iter()
                .zip(r)
                .map(|(h, c)| {
                    let v = match c {
                        Cell::Text(s) => serde_json::Value::from(s.as_str()),
                        Cell::Int(n) => serde_json::Value::from(*n),
                        Cell::Num(v) if v.is_finite() => serde_json::Value::from(*v),
                        Cell::Num(_) | Cell::None => serde_json::Value::Null,
                    };
                    (h.clone(), v)
                })
                .collect()
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
}

/// The whole table `t` of `c` as a file: (name, MIME type, content).
pub fn table_file(
    c: &Corpus,
    t: &TableRequest,
    format: TableFormat,
) -> (String, &'static str, String) {
    use crate::query as x;
    let (stem, table) = match t {
        TableRequest::Keywords(q) => ("soi-keywords", x::keywords_table(c, q)),
        TableRequest::Trends(terms) => ("soi-trends", x::trends_table(&x::trends(c, terms))),
        TableRequest::Kwic(q) => ("soi-concordance", x::kwic_table(c, q)),
        TableRequest::Collocates(q) => ("soi-collocates", x::collocates_table(c, q)),
        TableRequest::Entities(q) => ("soi-entities", crate::query::entities::entities_table(c, q)),
        TableRequest::EntityPairs(u) => (
            "soi-entity-pairs",
            crate::query::entities::pairs_table(c, *u),
        ),
        TableRequest::EntityMentions(id) => (
            "soi-entity-mentions",
            crate::query::entities::mentions_table(c, *id),
        ),
        TableRequest::PeriodTrends(q) => (
            "soi-trends-by-period",
            x::time::period_trends_table(&x::time::period_trends(c, &q.terms, q.by, &q.within)),
        ),
        TableRequest::Documents(sel) => ("soi-documents", x::time::documents_table(c, sel)),
        TableRequest::WhatIsNew(q) => (
            "soi-what-is-new",
            x::time::what_is_new_table(&x::time::what_is_new(c, q)),
        ),
    };
    match format {
        // A BOM so spreadsheet programs read the file as UTF-8.
        TableFormat::Csv => (
            format!("{stem}.csv"),
            "text/csv;charset=utf-8",
            format!("\u{FEFF}{}", table.csv()),
        ),
        TableFormat::Json => (
            format!("{stem}.json"),
            "application/json",
            table_json(&table),
        ),
    }
}

/// Worker → page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type")]
pub enum Response {
    /// The worker is running and listening; `settings` are the stored ones, if any.
    Ready {
        /// Stored settings.
        settings: Option<Settings>,
        /// The stored user dictionary.
        dictionary: Vec<String>,
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
        /// Of which decoding and normalizing, milliseconds.
        prepare_ms: f64,
    },
    /// The corpus changed.
    Corpus(CorpusView),
    /// A page of a document.
    Page(ReaderPage),
    /// The Normalization view.
    Normalization(NormView),
    /// The Keywords view.
    Keywords(crate::query::KeywordsView),
    /// The Trends view.
    Trends(crate::query::TrendsView),
    /// The Concordance view.
    Kwic(crate::query::KwicView),
    /// The Collocates view.
    Collocates(crate::query::CollocatesView),
    /// The Entities view.
    Entities(Box<crate::query::entities::EntitiesView>),
    /// The user's entity entries in force, and the lines that are not entries.
    EntityEntries {
        /// The lines, as typed.
        lines: String,
        /// (line number from 1, line) of each line that is not an entry.
        errors: Vec<(usize, String)>,
    },
    /// A file for the page to offer as a download.
    Download {
        /// A suggested file name.
        name: String,
        /// Its MIME type.
        mime: String,
        /// Its content.
        content: String,
    },
    /// The stopword list in force (after a change, or at start).
    Stopwords {
        /// The words, sorted.
        words: Vec<String>,
        /// Whether it is the built-in list.
        builtin: bool,
    },
    /// A record file's columns: the worker waits for [`Request::SetColumns`].
    AskColumns {
        /// Job id.
        job: JobId,
        /// The file.
        file: String,
        /// Its columns (a CSV header, a JSON Lines file's first keys).
        header: Vec<String>,
        /// The columns guessed from their names.
        guess: Columns,
    },
    /// A row of a record file or an entry of a zip was skipped, or kept with a warning.
    RowProblem {
        /// Job id.
        job: JobId,
        /// The record file or entry.
        file: String,
        /// The line the row starts on (`None` for an entry).
        line: Option<u64>,
        /// What went wrong.
        issue: RowIssue,
    },
    /// Words per period.
    PeriodTrends(crate::query::time::PeriodTrends),
    /// What is new in a period.
    WhatIsNew(crate::query::time::WhatIsNew),
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
    /// Its analysis failed twice (a bug in Soi); nothing else was lost.
    Crashed,
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

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag ("vi", "en"), as stored and as `<html lang>` takes it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parse a stored tag.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A chosen language as stored: its tag, or "" when none was chosen (the browser's then).
mod lang_tag {
    use super::Lang;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(l: &Option<Lang>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(l.map_or("", Lang::tag))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Lang>, D::Error> {
        Ok(Lang::from_tag(&String::deserialize(d)?))
    }
}

/// The page's settings, stored with the corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Settings {
    /// The interface language the user chose, if any.
    #[serde(with = "lang_tag", default)]
    pub lang: Option<Lang>,
    /// How documents are analyzed.
    #[serde(default)]
    pub analysis: AnalysisSettings,
    /// The record columns the user chose, by header (see [`Columns::header_key`]), so a
    /// file with the same columns is read the same way without asking again.
    #[serde(default)]
    pub columns: Vec<(String, Columns)>,
}

/// Which columns of a record file (CSV, TSV, JSON Lines) hold a document's text, date,
/// source and title: the worker's guess, or the user's choice. `None`: no such column.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct Columns {
    /// The text.
    pub text: Option<String>,
    /// The date.
    pub date: Option<String>,
    /// The source (publisher, site).
    pub source: Option<String>,
    /// The title.
    pub title: Option<String>,
}

impl From<&crate::ingest::collection::ColumnMap> for Columns {
    fn from(m: &crate::ingest::collection::ColumnMap) -> Columns {
        Columns {
            text: m.text.clone(),
            date: m.date.clone(),
            source: m.source.clone(),
            title: m.title.clone(),
        }
    }
}

impl Columns {
    /// The key a choice is remembered by: the header's names in order.
    pub fn header_key(header: &[String]) -> String {
        header.join("\u{1f}")
    }

    /// As the column map ingest reads rows with (id and url still guessed).
    pub fn column_map(&self) -> crate::ingest::collection::ColumnMap {
        crate::ingest::collection::ColumnMap {
            text: self.text.clone(),
            date: self.date.clone(),
            source: self.source.clone(),
            title: self.title.clone(),
            id: None,
            url: None,
        }
    }
}

/// What went wrong with one row of a record file or one entry of a zip, for the page to
/// word.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind")]
pub enum RowIssue {
    /// The row could not be read (the reader's message); skipped.
    Malformed {
        /// The reader's message.
        detail: String,
    },
    /// No text column, or an empty one; skipped.
    NoText,
    /// The text is over the limit; skipped.
    TooLong {
        /// Its length in bytes.
        bytes: u64,
    },
    /// The date column does not read as a date; the row is kept, its date inferred.
    BadDate {
        /// The date as given (at most 80 characters).
        date: String,
    },
    /// A zip entry that could not be read; skipped.
    Unreadable {
        /// Why.
        detail: String,
    },
}

impl From<&crate::ingest::collection::Issue> for RowIssue {
    fn from(i: &crate::ingest::collection::Issue) -> RowIssue {
        use crate::ingest::collection::Issue;
        match i {
            Issue::Malformed(m) => RowIssue::Malformed { detail: m.clone() },
            Issue::NoText => RowIssue::NoText,
            Issue::TooLong(n) => RowIssue::TooLong { bytes: *n as u64 },
            Issue::BadDate(d) => RowIssue::BadDate { date: d.clone() },
            Issue::Unreadable(m) => RowIssue::Unreadable { detail: m.clone() },
        }
    }
}

/// The analysis settings a user can change; changing one re-runs the analysis.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct AnalysisSettings {
    /// Modern tone placement ("hoà") instead of traditional ("hòa").
    pub modern_tones: bool,
    /// Place tone marks consistently.
    pub tone_marks: bool,
    /// Split glued syllables.
    pub glued: bool,
    /// Fix punctuation spacing.
    pub punctuation: bool,
    /// "Ð" → "Đ".
    pub d_stroke: bool,
    /// Collapse spaces, drop invisible characters.
    pub spaces: bool,
    /// Leave boilerplate paragraphs out of the statistics.
    pub exclude_boilerplate: bool,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        AnalysisSettings::from(&AnalysisOptions::default())
    }
}

impl From<&AnalysisOptions> for AnalysisSettings {
    fn from(o: &AnalysisOptions) -> Self {
        AnalysisSettings {
            modern_tones: o.normalize.tone_style == ToneStyle::Modern,
            tone_marks: o.normalize.tone_marks,
            glued: o.normalize.glued,
            punctuation: o.normalize.punctuation,
            d_stroke: o.normalize.d_stroke,
            spaces: o.normalize.spaces,
            exclude_boilerplate: o.exclude_boilerplate,
        }
    }
}

impl AnalysisSettings {
    /// The engine's options for these settings (no encoding override).
    pub fn options(&self) -> AnalysisOptions {
        AnalysisOptions {
            normalize: NormOptions {
                tone_style: if self.modern_tones {
                    ToneStyle::Modern
                } else {
                    ToneStyle::Traditional
                },
                tone_marks: self.tone_marks,
                glued: self.glued,
                punctuation: self.punctuation,
                d_stroke: self.d_stroke,
                spaces: self.spaces,
            },
            encoding: None,
            exclude_boilerplate: self.exclude_boilerplate,
        }
    }
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
    /// Normalization changes made.
    pub changes: u64,
    /// Paragraphs left out of the statistics (duplicates, boilerplate).
    pub excluded: u64,
    /// Word tokens counted.
    #[serde(default)]
    pub words: u64,
    /// Its most distinctive words (highest TF-IDF, seen at least twice).
    #[serde(default)]
    pub distinctive: Vec<String>,
    /// Its date, ISO `yyyy-mm-dd`.
    #[serde(default)]
    pub date: Option<String>,
    /// The date was read from its own text (its dateline), not given.
    #[serde(default)]
    pub date_inferred: bool,
    /// Its source (a source column).
    #[serde(default)]
    pub source: Option<String>,
    /// Its group (a zip folder, a record file).
    #[serde(default)]
    pub group: Option<String>,
    /// The line of its row in its record file.
    #[serde(default)]
    pub row: Option<u64>,
}

/// Changes per paragraph-flag and per change kind, for one document or the corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct NormView {
    /// The document, or `None` for the corpus.
    pub doc: Option<DocId>,
    /// (kind id, count) for every change kind, in [`ChangeKind::ALL`] order.
    pub counts: Vec<(String, u64)>,
    /// One page of changes, in text order.
    pub changes: Vec<ChangeView>,
    /// This page, from 0.
    pub page: usize,
    /// Pages of changes.
    pub pages: usize,
    /// Changes recorded (the counts may be higher for huge documents).
    pub recorded: u64,
    /// Tokens that are not Vietnamese syllables, most frequent first.
    pub unknown: Vec<UnknownView>,
    /// Flagged paragraphs.
    pub flagged: Vec<FlagView>,
    /// How each document was decoded.
    pub encodings: Vec<EncodingView>,
}

/// One change in context.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChangeView {
    /// The document.
    pub doc: DocId,
    /// Kind id ("tone_mark").
    pub kind: String,
    /// Original text before it.
    pub context_before: String,
    /// What was there.
    pub before: String,
    /// What is there now.
    pub after: String,
    /// Original text after it.
    pub context_after: String,
    /// Offset in the original text, in UTF-16 code units (JavaScript's string offsets).
    pub start_utf16: u64,
}

/// A token that is not a Vietnamese syllable.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UnknownView {
    /// The token.
    pub token: String,
    /// "acronym", "foreign" or "malformed".
    pub kind: String,
    /// Occurrences.
    pub count: u64,
}

/// A flagged paragraph.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FlagView {
    /// The document.
    pub doc: DocId,
    /// Paragraph index in the document.
    pub paragraph: usize,
    /// "duplicate", "near_duplicate", "other_document", or a boilerplate id ("byline"…).
    pub flag: String,
    /// Left out of the statistics?
    pub excluded: bool,
    /// The paragraph (cut at 200 characters).
    pub text: String,
}

/// How one document was decoded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EncodingView {
    /// The document.
    pub doc: DocId,
    /// Its name.
    pub name: String,
    /// The encoding used.
    pub encoding: String,
    /// Share of words that read as Vietnamese (0–1).
    pub confidence: f32,
    /// Other candidates and their scores.
    pub alternatives: Vec<(String, f32)>,
    /// Chosen by the user.
    pub overridden: bool,
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
    /// Word tokens.
    pub words: u64,
    /// Distinct words.
    pub word_types: u64,
    /// The most frequent words, stopwords left out.
    pub top_words: Vec<TermCount>,
    /// Words seen once.
    #[serde(default)]
    pub hapaxes: u64,
    /// The sources, groups and dates a selection can choose from.
    #[serde(default)]
    pub facets: CorpusFacets,
}

/// The sources, groups and date span of the corpus (see [`crate::query::time::facets`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct CorpusFacets {
    /// Each source with its number of documents, by name.
    pub sources: Vec<(String, u64)>,
    /// Each group with its number of documents, by name.
    pub groups: Vec<(String, u64)>,
    /// The first date, ISO.
    pub first: Option<String>,
    /// The last date, ISO.
    pub last: Option<String>,
    /// Documents with a date.
    pub dated: u64,
    /// Of which inferred from their text.
    pub inferred: u64,
    /// Documents without a date.
    pub undated: u64,
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
    /// The words of each paragraph.
    pub words: Vec<Vec<WordView>>,
    /// The named entities of each paragraph.
    pub entities: Vec<Vec<crate::query::entities::Highlight>>,
}

/// A word of a Reader paragraph.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WordView {
    /// Byte offset of its start in the paragraph string.
    pub start: u32,
    /// Byte offset of its end.
    pub end: u32,
    /// Its (first token's) kind id ("syllable", "acronym"…).
    pub kind: String,
    /// Tokens (syllables) in it.
    pub tokens: u32,
}

/// Building views from the engine.
pub mod views {
    use super::*;

    /// The Entities view of `q`, its network placed for the page (`now` times the query).
    pub fn entities(
        c: &Corpus,
        q: &crate::query::entities::EntitiesQuery,
        now: impl Fn() -> f64,
    ) -> crate::query::entities::EntitiesView {
        let mut v = crate::query::entities::view(c, q, now);
        chart::place_network(&mut v.nodes, &v.edges);
        v
    }

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
            changes: d.normalization.counts.iter().sum(),
            excluded: d.flags.iter().filter(|f| f.2).count() as u64,
            words: d.counts.words,
            distinctive: Vec::new(),
            date: d.meta.date.map(|x| x.to_string()),
            date_inferred: d.meta.date_inferred,
            source: d.meta.source.clone(),
            group: d.meta.group.clone(),
            row: d.meta.row,
        }
    }

    /// The corpus view with the top `n` syllables.
    pub fn corpus_view(c: &Corpus, n: usize) -> CorpusView {
        let o = c.overview(n);
        let mut docs: Vec<DocSummary> = c.docs().iter().map(doc_summary).collect();
        for (d, words) in docs.iter_mut().zip(crate::query::distinctive(c, 5)) {
            d.distinctive = words;
        }
        CorpusView {
            hapaxes: c.totals().word_freq.values().filter(|&&n| n == 1).count() as u64,
            facets: {
                let f = crate::query::time::facets(c);
                CorpusFacets {
                    sources: f.sources,
                    groups: f.groups,
                    first: f.dates.map(|d| d.0.to_string()),
                    last: f.dates.map(|d| d.1.to_string()),
                    dated: f.dated.0,
                    inferred: f.dated.1,
                    undated: f.undated,
                }
            },
            docs,
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
            words: o.words,
            word_types: o.word_types,
            top_words: o
                .top_words
                .into_iter()
                .map(|(term, count)| TermCount { term, count })
                .collect(),
        }
    }

    /// Changes per page of the Normalization view.
    pub const CHANGES_PAGE: usize = 100;

    /// The Normalization view of `doc` (or of the whole corpus), changes page `page`.
    pub fn normalization(c: &Corpus, doc: Option<DocId>, page: usize) -> Option<NormView> {
        let docs: Vec<&Document> = match doc {
            Some(id) => vec![c.doc(id)?],
            None => c.docs().iter().collect(),
        };
        let mut counts = [0u64; 8];
        let mut unknown: rustc_hash::FxHashMap<&str, (String, u64)> =
            rustc_hash::FxHashMap::default();
        let mut recorded = 0u64;
        for d in &docs {
            for (i, n) in d.normalization.counts.iter().enumerate() {
                counts[i] += n;
            }
            recorded += d.normalization.changes.len() as u64;
            for u in &d.normalization.unknown {
                let e = unknown
                    .entry(&u.token)
                    .or_insert_with(|| (u.kind.id().to_owned(), 0));
                e.1 += u.count;
            }
        }
        let pages = (recorded as usize).div_ceil(CHANGES_PAGE).max(1);
        let page = page.min(pages - 1);
        let mut changes = Vec::new();
        let mut skip = page * CHANGES_PAGE;
        for d in &docs {
            let n = d.normalization.changes.len();
            if skip >= n {
                skip -= n;
                continue;
            }
            let take = CHANGES_PAGE - changes.len();
            let slice = &d.normalization.changes[skip..n.min(skip + take)];
            skip = 0;
            let mut utf16 = 0u64;
            let mut at = 0usize;
            let original = d.original();
            for ch in slice {
                let (start, end) = (
                    ch.range.start.min(original.len()),
                    ch.range.end.min(original.len()),
                );
                utf16 += original
                    .get(at..start)
                    .map_or(0, |s| s.encode_utf16().count()) as u64;
                at = start;
                changes.push(ChangeView {
                    doc: d.id,
                    kind: ch.kind.id().to_owned(),
                    context_before: tail_chars(original.get(..start).unwrap_or_default(), 40),
                    before: ch.before.clone(),
                    after: ch.after.clone(),
                    context_after: head_chars(original.get(end..).unwrap_or_default(), 40),
                    start_utf16: utf16,
                });
            }
            if changes.len() >= CHANGES_PAGE {
                break;
            }
        }
        let mut unknown: Vec<UnknownView> = unknown
            .into_iter()
            .map(|(token, (kind, count))| UnknownView {
                token: token.to_owned(),
                kind,
                count,
            })
            .collect();
        unknown.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.token.cmp(&b.token)));
        unknown.truncate(300);
        let mut flagged = Vec::new();
        for d in &docs {
            let paras: Vec<&str> = crate::text::segment::paragraphs(&d.text)
                .map(|(_, p)| p)
                .collect();
            for &(i, flag, excluded) in d.flags.iter().take(500) {
                let flag = match flag {
                    ParaFlag::Own(crate::text::hygiene::Flag::Duplicate { .. }) => {
                        "duplicate".to_owned()
                    }
                    ParaFlag::Own(crate::text::hygiene::Flag::NearDuplicate { .. }) => {
                        "near_duplicate".to_owned()
                    }
                    ParaFlag::Own(crate::text::hygiene::Flag::Boilerplate(b)) => b.id().to_owned(),
                    ParaFlag::InOtherDocument(_) => "other_document".to_owned(),
                };
                flagged.push(FlagView {
                    doc: d.id,
                    paragraph: i,
                    flag,
                    excluded,
                    text: head_chars(paras.get(i).copied().unwrap_or(""), 200),
                });
            }
        }
        let encodings = docs
            .iter()
            .filter_map(|d| {
                let enc = d.encoding?;
                let det = d.detection.as_ref()?;
                Some(EncodingView {
                    doc: d.id,
                    name: d.name.clone(),
                    encoding: enc.label().to_owned(),
                    confidence: det.confidence,
                    alternatives: det
                        .alternatives
                        .iter()
                        .map(|(e, s)| (e.label().to_owned(), *s))
                        .collect(),
                    overridden: det.overridden,
                })
            })
            .collect();
        Some(NormView {
            doc,
            counts: ChangeKind::ALL
                .iter()
                .map(|k| (k.id().to_owned(), counts[*k as usize]))
                .collect(),
            changes,
            page,
            pages,
            recorded,
            unknown,
            flagged,
            encodings,
        })
    }

    fn tail_chars(s: &str, n: usize) -> String {
        let start = s
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        s[start..].replace('\n', " ⏎ ")
    }

    fn head_chars(s: &str, n: usize) -> String {
        let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
        s[..end].replace('\n', " ⏎ ")
    }

    /// Page `page` of document `doc`, clamped to the last page; `None` if there is no such
    /// document.
    pub fn reader_page(
        c: &Corpus,
        doc: DocId,
        page: usize,
        dict: &crate::words::UserDict,
    ) -> Option<ReaderPage> {
        let d = c.doc(doc)?;
        let paras: Vec<(usize, &str)> = crate::text::segment::paragraphs(&d.text)
            .map(|(r, p)| (r.start, p))
            .collect();
        let pages = paras.len().div_ceil(READER_PAGE).max(1);
        let page = page.min(pages - 1);
        let at: Vec<(usize, usize)> = paras
            .iter()
            .enumerate()
            .skip(page * READER_PAGE)
            .take(READER_PAGE)
            .map(|(i, (start, _))| (i, *start))
            .collect();
        let shown: Vec<&str> = paras
            .iter()
            .skip(page * READER_PAGE)
            .take(READER_PAGE)
            .map(|(_, p)| *p)
            .collect();
        let seg = crate::wordseg::Segmenter::embedded();
        let mut scratch = crate::words::Scratch::default();
        let mut buf = Vec::new();
        let words = shown
            .iter()
            .map(|p| {
                crate::words::words_into(p, seg, dict, &mut scratch, &mut buf);
                buf.iter()
                    .map(|w| WordView {
                        start: w.range.start as u32,
                        end: w.range.end as u32,
                        kind: w.kind.id().to_owned(),
                        tokens: w.tokens as u32,
                    })
                    .collect()
            })
            .collect();
        Some(ReaderPage {
            doc,
            page,
            pages,
            paragraphs: shown.iter().map(|p| (*p).to_owned()).collect(),
            words,
            entities: crate::query::entities::highlights(c, d, &at),
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
    fn stored_settings_keep_their_language_tag() {
        // Settings stored by earlier builds: a tag, or "" when none was chosen.
        let s: Settings = serde_json::from_str(r#"{"lang":"en"}"#).unwrap();
        assert_eq!(s.lang, Some(Lang::En));
        let s: Settings = serde_json::from_str(r#"{"lang":""}"#).unwrap();
        assert_eq!(s.lang, None);
        let s: Settings = serde_json::from_str("{}").unwrap();
        assert_eq!(s.lang, None);
        let json = serde_json::to_string(&Settings {
            lang: Some(Lang::Vi),
            ..Settings::default()
        })
        .unwrap();
        assert!(json.starts_with(r#"{"lang":"vi""#), "{json}");
    }

    #[test]
    fn a_table_as_json_keys_rows_by_the_header() {
        let t = Table {
            header: vec!["term".into(), "n".into(), "x".into()],
            rows: vec![
                vec![Cell::Text("a, \"b\"".into()), Cell::Int(3), Cell::Num(0.5)],
                vec![Cell::Text("c".into()), Cell::Int(0), Cell::Num(f64::NAN)],
                vec![Cell::Text("d".into()), Cell::Int(1), Cell::None],
            ],
        };
        let j: serde_json::Value = serde_json::from_str(&table_json(&t)).unwrap();
        assert_eq!(j[0]["term"], "a, \"b\"");
        assert_eq!(j[0]["n"], 3);
        assert_eq!(j[0]["x"], 0.5);
        assert!(j[1]["x"].is_null(), "not finite");
        assert!(j[2]["x"].is_null(), "not applicable");
    }

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
        let dict = crate::words::UserDict::default();
        let p = views::reader_page(&c, id, 99, &dict).unwrap();
        assert_eq!((p.page, p.pages, p.paragraphs.len()), (2, 3, 20));
        // "Đối ngoại 80" is two words: "Đối ngoại" and "80".
        assert_eq!(p.words[0].len(), 2);
        assert_eq!(
            &p.paragraphs[0][p.words[0][0].start as usize..p.words[0][0].end as usize],
            "Đối ngoại"
        );
        assert!(views::reader_page(&c, id + 1, 0, &dict).is_none());
    }
}
