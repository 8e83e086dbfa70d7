//! Trends: chosen words' relative frequency in each document.

use crate::corpus::counts::TermId;
use crate::corpus::{Corpus, DocId};
use crate::query::table::{header, Cell, Table};

/// Relative frequency of some words in each document.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendsView {
    /// The words asked for, as looked up (lower case, single spaces).
    pub terms: Vec<String>,
    /// One entry per document, in corpus order.
    pub docs: Vec<TrendDoc>,
}

/// One document's point of each series.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendDoc {
    /// The document.
    pub doc: DocId,
    /// Its name.
    pub name: String,
    /// Its words.
    pub words: u64,
    /// Frequency of each term (same order as [`TrendsView::terms`]).
    pub counts: Vec<u64>,
    /// Per 10,000 words.
    pub per_10k: Vec<f64>,
}

/// The words a Trends view follows: lookup keys, each once, at most [`TrendTerms::MAX`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrendTerms {
    /// Lower case, syllables separated by single spaces, in the order typed.
    pub words: Vec<String>,
}

impl TrendTerms {
    /// Lines a chart can tell apart.
    pub const MAX: usize = 8;

    /// A user's list ("đối ngoại, ngoại giao"; commas, semicolons or lines between words).
    pub fn parse(input: &str) -> TrendTerms {
        let mut words: Vec<String> = Vec::new();
        for part in input.split([',', ';', '\n']) {
            let key = word_key(part);
            if !key.is_empty() && !words.contains(&key) && words.len() < Self::MAX {
                words.push(key);
            }
        }
        TrendTerms { words }
    }
}

/// A word as the index keys it: lower case, syllables separated by single spaces ('_'
/// counts as a space).
pub fn word_key(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(crate::text::syllable::to_lower)
        .collect()
}

/// The Trends view of `terms`.
pub fn trends(c: &Corpus, terms: &TrendTerms) -> TrendsView {
    let terms = terms.words.clone();
    let ids: Vec<Option<TermId>> = terms.iter().map(|t| c.term_id(t)).collect();
    let docs = c
        .docs()
        .iter()
        .map(|d| {
            let counts: Vec<u64> = ids
                .iter()
                .map(|id| id.and_then(|id| d.counts.word_freq.get(&id)).unwrap_or(0))
                .collect();
            let per_10k = counts
                .iter()
                .map(|&n| {
                    if d.counts.words > 0 {
                        n as f64 * 1e4 / d.counts.words as f64
                    } else {
                        0.0
                    }
                })
                .collect();
            TrendDoc {
                doc: d.id,
                name: d.name.clone(),
                words: d.counts.words,
                counts,
                per_10k,
            }
        })
        .collect();
    TrendsView { terms, docs }
}

/// Trends as a table: one row per document.
pub fn trends_table(v: &TrendsView) -> Table {
    let mut h = header(&["document", "words"]);
    for t in &v.terms {
        h.push(t.clone());
        h.push(format!("{t} per 10k"));
    }
    Table {
        header: h,
        rows: v
            .docs
            .iter()
            .map(|d| {
                let mut r = vec![Cell::Text(d.name.clone()), Cell::Int(d.words)];
                for (n, p) in d.counts.iter().zip(&d.per_10k) {
                    r.push(Cell::Int(*n));
                    r.push(Cell::Num(*p));
                }
                r
            })
            .collect(),
    }
}
