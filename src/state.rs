//! The page's state as a pure reducer: `(State, Action) -> State`.
//!
//! Components only dispatch actions and render; everything the page remembers changes here,
//! where it is tested natively without a browser.

use crate::corpus::DocId;
use crate::i18n::Lang;
use crate::protocol::{
    AnalysisSettings, CorpusView, DocWarning, JobId, NormView, ReaderPage, RefuseReason, Response,
    SaveFailure,
};
use std::collections::BTreeMap;

/// The views of the main panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub enum Tab {
    #[default]
    Overview,
    Normalization,
    Keywords,
    Concordance,
    Entities,
    Reader,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Normalization,
        Tab::Keywords,
        Tab::Concordance,
        Tab::Entities,
        Tab::Reader,
    ];
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
    pub corpus: CorpusView,
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
            Action::SetTab(t) => self.tab = t,
            Action::SetLang(l) => self.lang = l,
            Action::Select(id) => {
                if self.selected != Some(id) {
                    self.page = None;
                }
                self.selected = Some(id);
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
        }
    }

    fn on_response(&mut self, r: Response) {
        match r {
            Response::Ready {
                settings,
                persistent,
                dictionary,
            } => {
                self.ready = true;
                self.persistent = persistent;
                self.dictionary = dictionary;
                if let Some(s) = settings {
                    if let Some(lang) = Lang::from_tag(&s.lang) {
                        self.lang = lang;
                    }
                    self.analysis = s.analysis;
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
                self.page_stale = self.page.is_some();
                self.corpus_version += 1;
                self.corpus = view;
            }
            Response::Normalization(v) => {
                if v.doc == self.norm_scope {
                    self.norm = Some(v);
                }
            }
            Response::Page(p) => {
                if Some(p.doc) == self.selected {
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
        })));
        assert!(s.page.is_none());
        s.reduce(Action::Worker(Response::Corpus(CorpusView {
            docs: vec![doc(1, vec![])],
            ..Default::default()
        })));
        assert_eq!(s.selected, None);
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
