//! Which documents a question is about: a date range, sources, groups, chosen documents.
//! Its own file because both the time queries and the Entities view take one.

use crate::corpus::{Corpus, Date, DocId, Document};

/// Which documents a question is about. Every condition given must hold; an empty
/// selection is the whole corpus. A date range keeps only documents with a date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Documents dated on or after this day.
    pub from: Option<Date>,
    /// Documents dated on or before this day.
    pub to: Option<Date>,
    /// Documents whose source is one of these (exactly as given).
    pub sources: Vec<String>,
    /// Documents whose group (a zip folder, a record file) is one of these, or is inside
    /// one of these folders ("2024" holds "2024/thoi-su").
    pub groups: Vec<String>,
    /// These documents only.
    pub docs: Vec<DocId>,
}

impl Selection {
    /// Documents dated from `from` to `to`, both included.
    pub fn between(from: Date, to: Date) -> Selection {
        Selection {
            from: Some(from),
            to: Some(to),
            ..Selection::default()
        }
    }

    /// No condition: every document.
    pub fn is_all(&self) -> bool {
        *self == Selection::default()
    }

    /// Whether `d` is selected.
    pub fn contains(&self, d: &Document) -> bool {
        let m = &d.meta;
        self.keeps(m.date, m.source.as_deref(), m.group.as_deref(), d.id)
    }

    /// Whether a document with this date, source, group and id is selected (for a caller
    /// that has a document's summary, not the document: the page).
    pub fn keeps(
        &self,
        date: Option<Date>,
        source: Option<&str>,
        group: Option<&str>,
        id: DocId,
    ) -> bool {
        let dated = match (self.from, self.to) {
            (None, None) => true,
            (from, to) => {
                date.is_some_and(|x| from.is_none_or(|f| x >= f) && to.is_none_or(|t| x <= t))
            }
        };
        let in_group = |g: &str| {
            self.groups.iter().any(|s| {
                g == s
                    || g.strip_prefix(s.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        dated
            && (self.sources.is_empty()
                || source.is_some_and(|s| self.sources.iter().any(|x| x == s)))
            && (self.groups.is_empty() || group.is_some_and(in_group))
            && (self.docs.is_empty() || self.docs.contains(&id))
    }

    /// The ids of the selected documents, in corpus order.
    pub fn doc_ids(&self, c: &Corpus) -> Vec<DocId> {
        c.docs()
            .iter()
            .filter(|d| self.contains(d))
            .map(|d| d.id)
            .collect()
    }
}
