//! The page's state as a pure reducer: `(State, Action) -> State`.
//!
//! Components only dispatch actions and render; everything the page remembers changes here,
//! where it is tested natively without a browser.

use crate::protocol::DocId;
use crate::protocol::{
    AnalysisSettings, CorpusView, DocWarning, JobId, NormView, ReaderPage, RefuseReason, Response,
    SaveFailure,
};
use crate::protocol::{
    CollocatesQuery, CollocatesView, KeywordsQuery, KeywordsView, KwicQuery, KwicView, TrendsView,
};
use crate::protocol::{EntitiesQuery, EntitiesView, NewQuery, Selection, WhatIsNew};
use crate::ui::i18n::Lang;
use std::collections::BTreeMap;

/// The views of the main panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub enum Tab {
    #[default]
    Overview,
    Normalization,
    Keywords,
    Trends,
    Concordance,
    Collocates,
    Entities,
    Documents,
    Reader,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 9] = [
        Tab::Overview,
        Tab::Normalization,
        Tab::Keywords,
        Tab::Trends,
        Tab::Concordance,
        Tab::Collocates,
        Tab::Entities,
        Tab::Documents,
        Tab::Reader,
    ];

    /// Its id in the page (`data-tab`), which the browser tests and the stylesheet name.
    pub fn id(self) -> &'static str {
        match self {
            Tab::Overview => "overview",
            Tab::Normalization => "normalization",
            Tab::Keywords => "keywords",
            Tab::Trends => "trends",
            Tab::Concordance => "concordance",
            Tab::Collocates => "collocates",
            Tab::Entities => "entities",
            Tab::Documents => "documents",
            Tab::Reader => "reader",
        }
    }
}

/// A concordance hit to show marked in the Reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The document.
    pub doc: DocId,
    /// The paragraph.
    pub para: usize,
    /// Byte range within the paragraph.
    pub start: u32,
    /// End of that range.
    pub end: u32,
}

/// A job the worker is running.
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    /// The file being worked on.
    pub name: String,
    /// Bytes done.
    pub done: u64,
    /// Bytes in all.
    pub total: u64,
}

/// Something to tell the user until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A file was not added.
    Refused {
        /// File name.
        name: String,
        /// Why.
        reason: RefuseReason,
    },
    /// A file was added with problems.
    Warned {
        /// File name.
        name: String,
        /// What.
        warning: DocWarning,
    },
    /// A document could not be stored.
    NotSaved {
        /// File name.
        name: String,
        /// Why.
        reason: SaveFailure,
    },
    /// A row of a record file or an entry of a zip was skipped or kept with a warning.
    RowProblem {
        /// The record file or entry.
        file: String,
        /// The row's line.
        line: Option<u64>,
        /// What went wrong.
        issue: crate::protocol::RowIssue,
    },
    /// A job finished or was cancelled.
    JobDone {
        /// Documents added.
        added: u32,
        /// Bytes analyzed.
        bytes: u64,
        /// Milliseconds.
        elapsed_ms: f64,
        /// Of which decoding and normalizing.
        prepare_ms: f64,
        /// Cancelled?
        cancelled: bool,
    },
}

/// A record file whose columns the worker asks about.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnsAsk {
    /// The job waiting.
    pub job: JobId,
    /// The file.
    pub file: String,
    /// Its columns.
    pub header: Vec<String>,
    /// The columns to propose: the choice remembered for this header, else the guess.
    pub proposal: crate::protocol::Columns,
    /// The proposal is a remembered choice: the page answers without asking.
    pub remembered: bool,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// Interface language.
    pub lang: Lang,
    /// Current view.
    pub tab: Tab,
    /// Has the worker said it is ready?
    pub ready: bool,
    /// The corpus as last reported.
    /// (Shared: every component's props hold the state, and a corpus of 20,000 documents is
    /// not to be copied for each.)
    pub corpus: std::rc::Rc<CorpusView>,
    /// Running jobs.
    pub jobs: BTreeMap<JobId, JobProgress>,
    /// Notices, oldest first, with ids for dismissal.
    pub notices: Vec<(u32, Notice)>,
    /// The document open in the Reader.
    pub selected: Option<DocId>,
    /// The Reader's page, when it belongs to `selected`.
    pub page: Option<ReaderPage>,
    /// Files are being dragged over the page.
    pub dragging: bool,
    /// The paste panel is open.
    pub pasting: bool,
    /// The worker crashed with this message.
    pub crashed: Option<String>,
    /// Documents are stored in the browser.
    pub persistent: bool,
    /// Bytes the browser stores for this page, and its quota.
    pub storage: Option<(f64, f64)>,
    /// A new version of the app is installed and waits for a reload.
    pub update_ready: bool,
    /// The analysis settings in force.
    pub analysis: AnalysisSettings,
    /// What the Normalization view shows: one document, or the corpus.
    pub norm_scope: Option<DocId>,
    /// The Normalization view, when it belongs to `norm_scope`.
    pub norm: Option<NormView>,
    /// The user dictionary, one entry a line.
    pub dictionary: Vec<String>,
    /// The Reader marks word boundaries.
    pub show_words: bool,
    /// Counts the corpus updates, so views that depend on the corpus ask again.
    pub corpus_version: u64,
    /// The Reader's page was made before the latest corpus update.
    pub page_stale: bool,
    /// The Reader page to ask for next (a concordance hit's page).
    pub want_page: Option<usize>,
    /// A concordance hit marked in the Reader.
    pub mark: Option<Mark>,
    /// The Keywords view's request.
    pub kw_query: KeywordsQuery,
    /// The Keywords view, when it answers `kw_query` on the current corpus.
    pub keywords: Option<KeywordsView>,
    /// The words the Trends view follows, as typed.
    pub trend_terms: String,
    /// The Trends view.
    pub trends: Option<TrendsView>,
    /// Trends as bars instead of lines.
    pub trend_bars: bool,
    /// The Concordance view's request.
    pub kwic_query: KwicQuery,
    /// The Concordance view.
    pub kwic: Option<KwicView>,
    /// The Collocates view's request.
    pub coll_query: CollocatesQuery,
    /// The Collocates view.
    pub collocates: Option<CollocatesView>,
    /// The Keywords view shows the document checkboxes of a subset.
    pub kw_subset_open: bool,
    /// The stopword list in force, sorted.
    pub stopwords: Vec<String>,
    /// Whether it is the built-in list.
    pub stopwords_builtin: bool,
    /// The Entities view's request.
    pub ent_query: EntitiesQuery,
    /// The Entities view.
    pub entities: Option<Box<EntitiesView>>,
    /// The user's entity entries in force, as typed.
    pub ent_entries: String,
    /// Lines of them that are not entries (line number, line).
    pub ent_entry_errors: Vec<(usize, String)>,
    /// The Reader does not colour named entities.
    pub hide_entities: bool,
    /// A record file's columns to confirm.
    pub ask_columns: Option<ColumnsAsk>,
    /// The record columns chosen, by header key (stored with the settings).
    pub columns: Vec<(String, crate::protocol::Columns)>,
    /// Trends per period instead of per document.
    pub trend_period: Option<crate::protocol::Period>,
    /// The Trends view per period.
    pub period_trends: Option<crate::protocol::PeriodTrends>,
    /// The documents the views are about: a date range, sources, groups (empty: all).
    /// The Entities view and the trends by period count only these; the Keywords view
    /// compares them with the rest when its scope is "the selection".
    pub selection: Selection,
    /// The Keywords view's scope is the selection (and follows it).
    pub kw_on_selection: bool,
    /// What is new in the selection's date range.
    pub what_new: Option<WhatIsNew>,
    next_notice: u32,
}

/// Everything that changes [`State`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A message from the worker.
    Worker(Response),
    /// The page started a job (so progress can show before the worker's first report).
    JobStarted {
        /// Job id, chosen by the page.
        job: JobId,
        /// What it works on.
        name: String,
        /// Bytes in all, if known.
        total: u64,
    },
    /// Switch view.
    SetTab(Tab),
    /// Switch language.
    SetLang(Lang),
    /// Open a document in the Reader.
    Select(DocId),
    /// Hide a notice.
    Dismiss(u32),
    /// Files are (or no longer are) dragged over the page.
    Dragging(bool),
    /// Open or close the paste panel.
    Pasting(bool),
    /// The service worker installed a new version.
    UpdateReady,
    /// Show the Normalization view of a document, or of the corpus.
    NormScope(Option<DocId>),
    /// The user changed an analysis setting.
    SetAnalysis(AnalysisSettings),
    /// The user saved their dictionary.
    SetDictionary(Vec<String>),
    /// Show or hide word boundaries in the Reader.
    ShowWords(bool),
    /// Ask the Keywords view for this.
    Keywords(KeywordsQuery),
    /// Show (or hide) the Keywords view's document checkboxes.
    KeywordSubset(bool),
    /// Follow these words in the Trends view.
    Trends(String),
    /// Draw trends as bars (or lines).
    TrendBars(bool),
    /// Ask the Concordance view for this.
    Kwic(KwicQuery),
    /// Ask the Collocates view for this.
    Collocates(CollocatesQuery),
    /// Ask the Entities view for this.
    Entities(EntitiesQuery),
    /// Hide (or show) entity colours in the Reader.
    HideEntities(bool),
    /// Open a concordance hit in the Reader.
    OpenHit(Mark),
    /// Look a word up in another view (from a table row).
    Explore(Tab, String),
    /// The columns of the record file asked about were chosen (`None`: skip the file).
    ColumnsChosen(Option<crate::protocol::Columns>),
    /// Show trends per period (or, with `None`, per document).
    TrendPeriod(Option<crate::protocol::Period>),
    /// Select the documents the views are about.
    SetSelection(Selection),
    /// Compare the selection with the rest in the Keywords view (or stop).
    KeywordsOnSelection(bool),
}

/// How many notices are kept; a 500-file drop of images must not grow the page forever.
const MAX_NOTICES: usize = 200;

impl State {
    /// A fresh state in `lang`.
    pub fn new(lang: Lang) -> Self {
        State {
            lang,
            ..State::default()
        }
    }

    fn notify(&mut self, n: Notice) {
        // A finished job replaces the last one's line: what was added is in the document
        // list; the notices keep what still needs reading (refusals, warnings).
        if matches!(n, Notice::JobDone { .. }) {
            self.notices
                .retain(|(_, x)| !matches!(x, Notice::JobDone { .. }));
        }
        self.next_notice += 1;
        self.notices.push((self.next_notice, n));
        if self.notices.len() > MAX_NOTICES {
            let excess = self.notices.len() - MAX_NOTICES;
            self.notices.drain(..excess);
        }
    }

    /// Apply `action`.
    pub fn reduce(&mut self, action: Action) {
        match action {
            Action::Worker(r) => self.on_response(r),
            Action::JobStarted { job, name, total } => {
                self.jobs.insert(
                    job,
                    JobProgress {
                        name,
                        done: 0,
                        total,
                    },
                );
            }
            Action::SetTab(t) => {
                self.tab = t;
                self.fill_defaults();
            }
            Action::SetLang(l) => self.lang = l,
            Action::Select(id) => {
                if self.selected != Some(id) {
                    self.page = None;
                }
                self.selected = Some(id);
                self.mark = None;
                self.want_page = None;
                self.tab = Tab::Reader;
            }
            Action::Dismiss(id) => self.notices.retain(|(i, _)| *i != id),
            Action::Dragging(d) => self.dragging = d,
            Action::Pasting(p) => self.pasting = p,
            Action::UpdateReady => self.update_ready = true,
            Action::NormScope(scope) => {
                if self.norm_scope != scope {
                    self.norm = None;
                }
                self.norm_scope = scope;
            }
            Action::SetAnalysis(a) => self.analysis = a,
            Action::SetDictionary(d) => {
                self.dictionary = d;
                // The Reader's words change: ask again.
                self.page = None;
            }
            Action::ShowWords(on) => self.show_words = on,
            Action::Keywords(q) => {
                if q != self.kw_query {
                    self.kw_query = q;
                    self.keywords = None;
                }
            }
            Action::Trends(t) => {
                if t != self.trend_terms {
                    self.trend_terms = t;
                    self.trends = None;
                    self.period_trends = None;
                }
            }
            Action::TrendBars(b) => self.trend_bars = b,
            Action::KeywordSubset(open) => self.kw_subset_open = open,
            Action::Kwic(q) => {
                if q != self.kwic_query {
                    self.kwic_query = q;
                    self.kwic = None;
                }
            }
            Action::Collocates(q) => {
                if q != self.coll_query {
                    self.coll_query = q;
                    self.collocates = None;
                }
            }
            Action::Entities(q) => {
                if q != self.ent_query {
                    self.ent_query = q;
                    self.entities = None;
                }
            }
            Action::HideEntities(on) => self.hide_entities = on,
            Action::ColumnsChosen(choice) => {
                if let (Some(ask), Some(c)) = (self.ask_columns.take(), choice) {
                    let key = crate::protocol::Columns::header_key(&ask.header);
                    self.columns.retain(|(k, _)| *k != key);
                    self.columns.push((key, c));
                }
            }
            Action::TrendPeriod(p) => {
                if p != self.trend_period {
                    self.trend_period = p;
                    self.period_trends = None;
                }
            }
            Action::SetSelection(sel) => {
                if sel != self.selection {
                    self.selection = sel;
                    self.selection_changed();
                }
            }
            Action::KeywordsOnSelection(on) => {
                self.kw_on_selection = on;
                if on {
                    self.kw_subset_open = false;
                    self.kw_query.scope = self.selected_docs();
                    self.kw_query.page = 0;
                    self.keywords = None;
                }
            }
            Action::OpenHit(m) => {
                let page = m.para / crate::protocol::READER_PAGE;
                if self.selected != Some(m.doc)
                    || self.page.as_ref().is_some_and(|p| p.page != page)
                {
                    self.page = None;
                }
                self.selected = Some(m.doc);
                self.want_page = Some(page);
                self.mark = Some(m);
                self.tab = Tab::Reader;
            }
            Action::Explore(tab, term) => {
                match tab {
                    Tab::Concordance => self.reduce(Action::Kwic(KwicQuery {
                        query: term,
                        page: 0,
                        ..self.kwic_query.clone()
                    })),
                    Tab::Trends => self.reduce(Action::Trends(term)),
                    Tab::Entities => self.reduce(Action::Entities(EntitiesQuery {
                        filter: term,
                        page: 0,
                        selected: None,
                        mentions_page: 0,
                        ..self.ent_query.clone()
                    })),
                    Tab::Collocates => self.reduce(Action::Collocates(CollocatesQuery {
                        word: term,
                        page: 0,
                        ..self.coll_query.clone()
                    })),
                    _ => {}
                }
                self.tab = tab;
            }
        }
    }

    /// The ids of the documents the selection keeps, in corpus order (all of them when it
    /// is empty).
    pub fn selected_docs(&self) -> Vec<DocId> {
        self.corpus
            .docs
            .iter()
            .filter(|d| selects(&self.selection, d))
            .map(|d| d.id)
            .collect()
    }

    /// The views that depend on the selection are stale.
    fn selection_changed(&mut self) {
        self.ent_query.within = self.selection.clone();
        self.ent_query.page = 0;
        self.entities = None;
        self.period_trends = None;
        self.what_new = None;
        if self.kw_on_selection {
            let scope = self.selected_docs();
            if scope != self.kw_query.scope {
                self.kw_query.scope = scope;
                self.kw_query.page = 0;
                self.keywords = None;
            }
        }
    }

    /// The "what is new" question for the selection: its date range against the range
    /// of the same length before (`None` without both ends).
    pub fn what_new_query(&self) -> Option<NewQuery> {
        let (from, to) = (self.selection.from?, self.selection.to?);
        Some(NewQuery {
            from,
            to,
            within: Selection {
                from: None,
                to: None,
                ..self.selection.clone()
            },
            min_g2: crate::protocol::SIGNIFICANT_G2,
            top: 50,
        })
    }

    /// A view opened with nothing asked yet starts from the corpus's most frequent words.
    fn fill_defaults(&mut self) {
        let top: Vec<&str> = self
            .corpus
            .top_words
            .iter()
            .map(|t| t.term.as_str())
            .collect();
        let Some(first) = top.first() else { return };
        match self.tab {
            Tab::Trends if self.trend_terms.trim().is_empty() => {
                self.trend_terms = top.iter().take(3).copied().collect::<Vec<_>>().join(", ");
                self.trends = None;
            }
            Tab::Concordance if self.kwic_query.query.trim().is_empty() => {
                self.kwic_query.query = (*first).to_owned();
                self.kwic = None;
            }
            Tab::Collocates if self.coll_query.word.trim().is_empty() => {
                self.coll_query.word = (*first).to_owned();
                self.collocates = None;
            }
            _ => {}
        }
    }

    fn on_response(&mut self, r: Response) {
        match r {
            Response::Keywords(v) => {
                let asked = KeywordsQuery {
                    page: v.query.page,
                    ..self.kw_query.clone()
                };
                if v.query == asked {
                    self.kw_query.page = v.query.page;
                    self.keywords = Some(v);
                }
            }
            Response::Trends(v) => {
                if v.terms == crate::protocol::TrendTerms::parse(&self.trend_terms).words {
                    self.trends = Some(v);
                }
            }
            Response::WhatIsNew(v) => {
                if self
                    .what_new_query()
                    .is_some_and(|q| v.period == (q.from.min(q.to), q.from.max(q.to)))
                {
                    self.what_new = Some(v);
                }
            }
            Response::PeriodTrends(v) => {
                // An answer for other words, another period or an earlier selection is
                // stale: a newer question is on its way.
                if v.terms == crate::protocol::TrendTerms::parse(&self.trend_terms).words
                    && Some(v.by) == self.trend_period
                    && v.within == self.selection
                {
                    self.period_trends = Some(v);
                }
            }
            Response::AskColumns {
                job,
                file,
                header,
                guess,
            } => {
                let key = crate::protocol::Columns::header_key(&header);
                let remembered = self.columns.iter().find(|(k, _)| *k == key);
                self.ask_columns = Some(ColumnsAsk {
                    job,
                    file,
                    header,
                    remembered: remembered.is_some(),
                    proposal: remembered.map_or(guess, |(_, c)| c.clone()),
                });
            }
            Response::RowProblem {
                file, line, issue, ..
            } => self.notify(Notice::RowProblem { file, line, issue }),
            // A view answers the request in force, or it is a late answer to an older one.
            Response::Kwic(v) => {
                let asked = KwicQuery {
                    page: v.query.page,
                    width: v.query.width,
                    ..self.kwic_query.clone()
                };
                if v.query == asked {
                    self.kwic_query.page = v.query.page;
                    self.kwic = Some(v);
                }
            }
            Response::Collocates(v) => {
                let asked = CollocatesQuery {
                    page: v.query.page,
                    ..self.coll_query.clone()
                };
                if v.query == asked {
                    self.coll_query.page = v.query.page;
                    self.collocates = Some(v);
                }
            }
            Response::Entities(v) => {
                // The worker drops a selection that no longer names anything.
                let asked = EntitiesQuery {
                    page: v.query.page,
                    selected: v.query.selected.and(self.ent_query.selected),
                    ..self.ent_query.clone()
                };
                if v.query == asked {
                    self.ent_query = asked;
                    self.entities = Some(v);
                }
            }
            Response::EntityEntries { lines, errors } => {
                self.ent_entries = lines;
                self.ent_entry_errors = errors;
            }
            Response::Download { .. } => {}
            Response::Stopwords { words, builtin } => {
                self.stopwords = words;
                self.stopwords_builtin = builtin;
                // Every table leaves stopwords out: ask again.
                self.keywords = None;
                self.collocates = None;
            }
            Response::Ready {
                settings,
                persistent,
                dictionary,
            } => {
                self.ready = true;
                self.persistent = persistent;
                self.dictionary = dictionary;
                if let Some(s) = settings {
                    if let Some(lang) = s.lang {
                        self.lang = lang;
                    }
                    self.analysis = s.analysis;
                    self.columns = s.columns;
                }
            }
            Response::NotSaved { name, reason } => self.notify(Notice::NotSaved { name, reason }),
            Response::Storage { usage, quota } => self.storage = Some((usage, quota)),
            // The page turns the export into a download; nothing to remember.
            Response::Exported { .. } => {}
            Response::Progress {
                job,
                name,
                done,
                total,
            } => {
                self.jobs.insert(job, JobProgress { name, done, total });
            }
            Response::Refused { name, reason, .. } => self.notify(Notice::Refused { name, reason }),
            Response::JobDone {
                job,
                cancelled,
                added,
                bytes,
                elapsed_ms,
                prepare_ms,
            } => {
                self.jobs.remove(&job);
                if self.ask_columns.as_ref().is_some_and(|a| a.job == job) {
                    self.ask_columns = None;
                }
                self.notify(Notice::JobDone {
                    added,
                    bytes,
                    elapsed_ms,
                    prepare_ms,
                    cancelled,
                });
            }
            Response::Corpus(view) => {
                let known: std::collections::HashSet<DocId> =
                    self.corpus.docs.iter().map(|d| d.id).collect();
                for d in view.docs.iter().filter(|d| !known.contains(&d.id)) {
                    for w in &d.warnings {
                        self.notify(Notice::Warned {
                            name: d.name.clone(),
                            warning: w.clone(),
                        });
                    }
                }
                if let Some(sel) = self.selected {
                    if !view.docs.iter().any(|d| d.id == sel) {
                        self.selected = None;
                        self.page = None;
                    }
                }
                if let Some(scope) = self.norm_scope {
                    if !view.docs.iter().any(|d| d.id == scope) {
                        self.norm_scope = None;
                    }
                }
                // The views are stale: the page asks again.
                self.norm = None;
                self.keywords = None;
                self.trends = None;
                self.period_trends = None;
                self.kwic = None;
                self.collocates = None;
                self.entities = None;
                // A set: a selection's scope may hold 20,000 documents.
                let now: std::collections::HashSet<DocId> =
                    view.docs.iter().map(|d| d.id).collect();
                self.kw_query.scope.retain(|id| now.contains(id));
                self.selection.docs.retain(|id| now.contains(id));
                self.what_new = None;
                self.page_stale = self.page.is_some();
                self.corpus_version += 1;
                self.corpus = std::rc::Rc::new(view);
                if self.kw_on_selection {
                    self.kw_query.scope = self.selected_docs();
                }
                self.ent_query.within = self.selection.clone();
                self.fill_defaults();
            }
            Response::Normalization(v) => {
                if v.doc == self.norm_scope {
                    self.norm = Some(v);
                }
            }
            Response::Page(p) => {
                if Some(p.doc) == self.selected {
                    if self.want_page.is_some_and(|w| w != p.page) {
                        return;
                    }
                    self.want_page = None;
                    self.page = Some(p);
                    self.page_stale = false;
                }
            }
            Response::Crashed { message } => {
                self.crashed = Some(message);
                self.jobs.clear();
            }
        }
    }
}

/// The months the documents are dated in ("2024-03"), in order, once each.
pub fn months(corpus: &crate::protocol::CorpusView) -> Vec<&str> {
    let mut months: Vec<&str> = corpus
        .docs
        .iter()
        .filter_map(|d| d.date.as_deref()?.get(..7))
        .collect();
    months.sort_unstable();
    months.dedup();
    months
}

/// Whether a document list's filter `needle` (lower case; empty: everything) is in `d`'s
/// title, name, date, source or group.
pub fn doc_matches(d: &crate::protocol::DocSummary, needle: &str) -> bool {
    needle.is_empty()
        || [
            Some(&d.title),
            Some(&d.name),
            d.date.as_ref(),
            d.source.as_ref(),
            d.group.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(|f| f.to_lowercase().contains(needle))
}

/// Whether selection `sel` keeps document `d`: the engine's own rule
/// ([`Selection::keeps`]) over the summary the page has. Its date is read only when the
/// selection has a date range.
pub fn selects(sel: &Selection, d: &crate::protocol::DocSummary) -> bool {
    let date = if sel.from.is_some() || sel.to.is_some() {
        d.date.as_deref().and_then(|x| x.parse().ok())
    } else {
        None
    };
    sel.keeps(date, d.source.as_deref(), d.group.as_deref(), d.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::DocSummary;

    fn doc(id: DocId, warnings: Vec<DocWarning>) -> DocSummary {
        DocSummary {
            id,
            name: format!("{id}.txt"),
            title: "t".into(),
            bytes: 1,
            encoding: None,
            paragraphs: 1,
            sentences: 1,
            syllables: 1,
            warnings,
            saved: true,
            changes: 0,
            excluded: 0,
            words: 1,
            distinctive: Vec::new(),
            date: None,
            date_inferred: false,
            source: None,
            group: None,
            row: None,
        }
    }

    #[test]
    fn progress_then_done_clears_the_job_and_leaves_a_notice() {
        let mut s = State::new(Lang::Vi);
        let job = 3;
        s.reduce(Action::JobStarted {
            job,
            name: "a.txt".into(),
            total: 10,
        });
        s.reduce(Action::Worker(Response::Progress {
            job,
            name: "a.txt".into(),
            done: 5,
            total: 10,
        }));
        assert_eq!(s.jobs[&job].done, 5);
        s.reduce(Action::Worker(Response::JobDone {
            job,
            cancelled: true,
            added: 0,
            bytes: 5,
            elapsed_ms: 1.0,
            prepare_ms: 0.5,
        }));
        assert!(s.jobs.is_empty());
        assert!(matches!(
            s.notices[0].1,
            Notice::JobDone {
                cancelled: true,
                ..
            }
        ));
        let id = s.notices[0].0;
        s.reduce(Action::Dismiss(id));
        assert!(s.notices.is_empty());
    }

    #[test]
    fn a_finished_job_replaces_the_last_ones_notice_and_keeps_the_refusals() {
        // Issue 20.8: one banner stacked up per job.
        let mut s = State::new(Lang::En);
        let done = |job, added| {
            Action::Worker(Response::JobDone {
                job,
                cancelled: false,
                added,
                bytes: 264,
                elapsed_ms: 20.0,
                prepare_ms: 1.0,
            })
        };
        s.reduce(done(1, 1));
        s.reduce(Action::Worker(Response::Refused {
            job: 2,
            name: "scan.pdf".into(),
            reason: RefuseReason::Binary {
                format: "PDF".into(),
            },
        }));
        s.reduce(done(2, 2));
        s.reduce(done(3, 3));
        let finished: Vec<u32> = s
            .notices
            .iter()
            .filter_map(|(_, n)| match n {
                Notice::JobDone { added, .. } => Some(*added),
                _ => None,
            })
            .collect();
        assert_eq!(finished, [3], "only the last job's line");
        assert!(s
            .notices
            .iter()
            .any(|(_, n)| matches!(n, Notice::Refused { name, .. } if name == "scan.pdf")));
    }

    #[test]
    fn warnings_are_announced_once_per_new_document() {
        let w = DocWarning::InvalidBytes {
            count: 1,
            first_at: 3,
        };
        let mut s = State::new(Lang::En);
        let view = CorpusView {
            docs: vec![doc(1, vec![w.clone()])],
            ..Default::default()
        };
        s.reduce(Action::Worker(Response::Corpus(view.clone())));
        s.reduce(Action::Worker(Response::Corpus(view)));
        assert_eq!(s.notices.len(), 1);
    }

    #[test]
    fn removing_the_selected_document_closes_the_reader() {
        let mut s = State::new(Lang::Vi);
        s.reduce(Action::Worker(Response::Corpus(CorpusView {
            docs: vec![doc(1, vec![]), doc(2, vec![])],
            ..Default::default()
        })));
        s.reduce(Action::Select(2));
        assert_eq!((s.selected, s.tab), (Some(2), Tab::Reader));
        // A page for another document is stale and ignored.
        s.reduce(Action::Worker(Response::Page(ReaderPage {
            doc: 1,
            page: 0,
            pages: 1,
            paragraphs: vec![],
            words: vec![],
            entities: vec![],
        })));
        assert!(s.page.is_none());
        s.reduce(Action::Worker(Response::Corpus(CorpusView {
            docs: vec![doc(1, vec![])],
            ..Default::default()
        })));
        assert_eq!(s.selected, None);
    }

    #[test]
    fn a_selection_scopes_entities_keywords_and_what_is_new() {
        let mut s = State::new(Lang::Vi);
        let dated = |id, date: &str, source: &str| DocSummary {
            date: Some(date.into()),
            source: Some(source.into()),
            ..doc(id, vec![])
        };
        s.reduce(Action::Worker(Response::Corpus(CorpusView {
            docs: vec![
                dated(1, "2024-01-10", "A"),
                dated(2, "2024-02-03", "B"),
                dated(3, "2024-02-20", "A"),
            ],
            ..Default::default()
        })));
        assert_eq!(s.selected_docs(), [1, 2, 3]);
        assert!(s.what_new_query().is_none());
        s.reduce(Action::KeywordsOnSelection(true));
        let (from, to) = crate::protocol::date_span("2024-02").unwrap();
        s.reduce(Action::SetSelection(Selection::between(from, to)));
        assert_eq!(s.selected_docs(), [2, 3]);
        assert_eq!(s.ent_query.within, s.selection);
        assert!(s.entities.is_none() && s.keywords.is_none());
        assert_eq!(s.kw_query.scope, [2, 3]);
        // What is new compares the dates, over every source.
        let q = s.what_new_query().expect("a date range");
        assert_eq!((q.from, q.to), (from, to));
        assert!(q.within.is_all());
        // A source narrows it further; a later corpus keeps the selection.
        s.reduce(Action::SetSelection(Selection {
            sources: vec!["A".into()],
            ..s.selection.clone()
        }));
        assert_eq!(s.kw_query.scope, [3]);
        s.reduce(Action::Worker(Response::Corpus(CorpusView {
            docs: vec![dated(2, "2024-02-03", "B"), dated(4, "2024-02-29", "A")],
            ..Default::default()
        })));
        assert_eq!(s.selected_docs(), [4]);
        assert_eq!(s.kw_query.scope, [4]);
        // Back to another scope: the keywords stop following it.
        s.reduce(Action::KeywordsOnSelection(false));
        s.reduce(Action::SetSelection(Selection::default()));
        assert_eq!(s.kw_query.scope, [4]);
        assert_eq!(s.selected_docs(), [2, 4]);
        // A trend by month for the selection before is stale once the selection changed.
        s.reduce(Action::Trends("sen".into()));
        s.reduce(Action::TrendPeriod(Some(crate::protocol::Period::Month)));
        let answer = |within: Selection| crate::protocol::PeriodTrends {
            terms: vec!["sen".into()],
            by: crate::protocol::Period::Month,
            within,
            buckets: Vec::new(),
            undated: crate::protocol::PeriodBucket {
                period: "undated".into(),
                start: None,
                docs: 0,
                words: 0,
                counts: vec![0],
                per_10k: vec![0.0],
            },
            truncated: false,
        };
        s.reduce(Action::SetSelection(Selection::between(from, to)));
        s.reduce(Action::Worker(Response::PeriodTrends(answer(
            Selection::default(),
        ))));
        assert!(
            s.period_trends.is_none(),
            "an answer for the whole corpus is stale"
        );
        s.reduce(Action::Worker(Response::PeriodTrends(answer(
            s.selection.clone(),
        ))));
        assert!(s.period_trends.is_some());
        s.reduce(Action::SetSelection(Selection::default()));
        assert!(s.period_trends.is_none());
        // The documents' filter looks in the title, name, date, source and group.
        let d = dated(7, "2024-02-03", "Báo Cà Mau");
        assert!(doc_matches(&d, "") && doc_matches(&d, "cà mau") && doc_matches(&d, "2024-02"));
        assert!(doc_matches(&d, "7.txt") && !doc_matches(&d, "hà nội"));
    }

    #[test]
    fn notices_are_bounded() {
        let mut s = State::new(Lang::Vi);
        for i in 0..(MAX_NOTICES as u32 + 50) {
            s.reduce(Action::Worker(Response::Refused {
                job: 1,
                name: format!("{i}.bin"),
                reason: RefuseReason::NotText,
            }));
        }
        assert_eq!(s.notices.len(), MAX_NOTICES);
        assert!(matches!(&s.notices[0].1, Notice::Refused { name, .. } if name == "50.bin"));
    }
}

#[cfg(test)]
mod explore_tests {
    use super::*;
    use crate::protocol::{CorpusView, TermCount};

    fn with_top() -> State {
        let mut s = State::new(Lang::Vi);
        s.reduce(Action::Worker(Response::Corpus(CorpusView {
            top_words: ["đối ngoại", "công tác", "đảng", "ngoại giao"]
                .iter()
                .map(|t| TermCount {
                    term: (*t).into(),
                    count: 1,
                })
                .collect(),
            ..Default::default()
        })));
        s
    }

    #[test]
    fn views_start_from_the_most_frequent_words() {
        let mut s = with_top();
        s.reduce(Action::SetTab(Tab::Trends));
        assert_eq!(s.trend_terms, "đối ngoại, công tác, đảng");
        s.reduce(Action::SetTab(Tab::Concordance));
        assert_eq!(s.kwic_query.query, "đối ngoại");
        s.reduce(Action::SetTab(Tab::Collocates));
        assert_eq!(s.coll_query.word, "đối ngoại");
        // What the user typed stays.
        s.reduce(Action::Kwic(KwicQuery {
            query: "ngoại*".into(),
            ..KwicQuery::default()
        }));
        s.reduce(Action::SetTab(Tab::Concordance));
        assert_eq!(s.kwic_query.query, "ngoại*");
    }

    #[test]
    fn a_new_corpus_makes_every_view_stale() {
        let mut s = with_top();
        s.keywords = Some(crate::protocol::KeywordsView {
            query: KeywordsQuery::default(),
            tokens: 0,
            total: 0,
            pages: 1,
            rows: vec![],
            cloud: vec![],
            builtin_stopwords: true,
        });
        s.reduce(Action::Worker(Response::Corpus(CorpusView::default())));
        assert!(s.keywords.is_none() && s.kwic.is_none() && s.trends.is_none());
    }

    #[test]
    fn a_hit_opens_its_page_in_the_reader() {
        let mut s = with_top();
        s.reduce(Action::OpenHit(Mark {
            doc: 4,
            para: crate::protocol::READER_PAGE + 2,
            start: 3,
            end: 9,
        }));
        assert_eq!(
            (s.tab, s.selected, s.want_page),
            (Tab::Reader, Some(4), Some(1))
        );
        // A page other than the one asked for is not shown.
        let page = |n| ReaderPage {
            doc: 4,
            page: n,
            pages: 3,
            paragraphs: vec![],
            words: vec![],
            entities: vec![],
        };
        s.reduce(Action::Worker(Response::Page(page(0))));
        assert!(s.page.is_none());
        s.reduce(Action::Worker(Response::Page(page(1))));
        assert_eq!(s.page.as_ref().map(|p| p.page), Some(1));
        assert!(s.mark.is_some() && s.want_page.is_none());
        // Opening the document from the list drops the mark.
        s.reduce(Action::Select(4));
        assert!(s.mark.is_none());
    }

    #[test]
    fn explore_a_word_elsewhere() {
        let mut s = with_top();
        s.reduce(Action::Explore(Tab::Collocates, "ngoại giao".into()));
        assert_eq!(
            (s.tab, s.coll_query.word.as_str()),
            (Tab::Collocates, "ngoại giao")
        );
        s.reduce(Action::Explore(Tab::Concordance, "ngoại giao".into()));
        assert_eq!(s.kwic_query.query, "ngoại giao");
    }

    #[test]
    fn entities_view_answers_only_the_request_in_force() {
        let mut s = with_top();
        s.reduce(Action::Explore(Tab::Entities, "Hà Nội".into()));
        assert_eq!(
            (s.tab, s.ent_query.filter.as_str()),
            (Tab::Entities, "Hà Nội")
        );
        let view = |q: EntitiesQuery| {
            let c = crate::corpus::Corpus::new();
            Box::new(crate::protocol::views::entities(&c, &q, || 0.0))
        };
        let asked = s.ent_query.clone();
        // A late answer to an older request is dropped.
        s.reduce(Action::Worker(Response::Entities(view(
            EntitiesQuery::default(),
        ))));
        assert!(s.entities.is_none());
        // The worker dropped a selection that names nothing any more: accepted.
        s.reduce(Action::Entities(EntitiesQuery {
            selected: Some(7),
            ..asked.clone()
        }));
        s.reduce(Action::Worker(Response::Entities(view(
            s.ent_query.clone(),
        ))));
        assert!(s.entities.is_some());
        assert_eq!(s.ent_query.selected, None);
        // A new corpus makes it stale.
        s.reduce(Action::Worker(Response::Corpus((*s.corpus).clone())));
        assert!(s.entities.is_none());
    }
}
