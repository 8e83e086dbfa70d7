//! Collocates of a word within a window of words in the same sentence: O, E, MI, t-score,
//! logDice.

use crate::corpus::counts::TermId;
use crate::corpus::Corpus;
use crate::query::measures::collocation;
use crate::query::table::{header, Cell, Table};
use crate::query::trends::word_key;
use crate::query::PAGE;
use rustc_hash::FxHashMap;

/// A collocates request.
#[derive(Debug, Clone, PartialEq)]
pub struct CollocatesQuery {
    /// The node word.
    pub word: String,
    /// Words before.
    pub left: usize,
    /// Words after.
    pub right: usize,
    /// Fewest co-occurrences shown.
    pub min: u64,
    /// Keep stopwords.
    pub stopwords: bool,
    /// Sort column.
    pub sort: CollColumn,
    /// Page, from 0.
    pub page: usize,
}

impl Default for CollocatesQuery {
    fn default() -> Self {
        CollocatesQuery {
            word: String::new(),
            left: 5,
            right: 5,
            min: 2,
            stopwords: false,
            sort: CollColumn::LogDice,
            page: 0,
        }
    }
}

/// A column of the collocates table (always sorted largest first, except the term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CollColumn {
    /// The collocate, alphabetically.
    Term,
    /// Co-occurrences.
    Observed,
    /// Its frequency in the corpus.
    Frequency,
    /// Mutual information.
    Mi,
    /// t-score.
    T,
    /// logDice.
    #[default]
    LogDice,
}

/// One collocate.
#[derive(Debug, Clone, PartialEq)]
pub struct CollocateRow {
    /// The collocate.
    pub term: String,
    /// Co-occurrences within the window.
    pub observed: u64,
    /// Expected by chance.
    pub expected: f64,
    /// Its corpus frequency.
    pub frequency: u64,
    /// MI.
    pub mi: f64,
    /// t-score.
    pub t_score: f64,
    /// logDice.
    pub log_dice: f64,
}

/// The Collocates view.
#[derive(Debug, Clone, PartialEq)]
pub struct CollocatesView {
    /// The request answered.
    pub query: CollocatesQuery,
    /// The node word's corpus frequency (0: not a word of this corpus).
    pub node_frequency: u64,
    /// Rows in all.
    pub total: usize,
    /// Pages.
    pub pages: usize,
    /// This page's rows.
    pub rows: Vec<CollocateRow>,
}

/// Every collocate row for `q`, sorted, and the node's frequency.
pub fn collocate_rows(c: &Corpus, q: &CollocatesQuery) -> (Vec<CollocateRow>, u64) {
    let key = word_key(&q.word);
    let Some(node) = c.term_id(&key) else {
        return (Vec::new(), 0);
    };
    let (left, right) = (q.left.min(20), q.right.min(20));
    let mut co: FxHashMap<TermId, u64> = FxHashMap::default();
    for d in c.docs() {
        crate::corpus::index::cooccurrences(&d.index.words, node, left, right, &mut co);
    }
    let totals = c.totals();
    let n = totals.words as f64;
    let f_node = totals.word_freq.get(&node).copied().unwrap_or(0);
    let mut rows: Vec<CollocateRow> = co
        .into_iter()
        .filter(|&(_, o)| o >= q.min.max(1))
        .filter_map(|(id, o)| {
            let t = c.term(id)?;
            if !q.stopwords && c.stopwords.contains(t) {
                return None;
            }
            let f = totals.word_freq.get(&id).copied().unwrap_or(0);
            let a = collocation(o as f64, f_node as f64, f as f64, (left + right) as f64, n);
            Some(CollocateRow {
                term: t.to_owned(),
                observed: o,
                expected: a.expected,
                frequency: f,
                mi: a.mi,
                t_score: a.t_score,
                log_dice: a.log_dice,
            })
        })
        .collect();
    let num = |r: &CollocateRow| match q.sort {
        CollColumn::Term => 0.0,
        CollColumn::Observed => r.observed as f64,
        CollColumn::Frequency => r.frequency as f64,
        CollColumn::Mi => r.mi,
        CollColumn::T => r.t_score,
        CollColumn::LogDice => r.log_dice,
    };
    if q.sort == CollColumn::Term {
        rows.sort_by_cached_key(|r| crate::text::concordance::sort_text(&r.term));
    } else {
        rows.sort_by(|x, y| {
            num(y)
                .total_cmp(&num(x))
                .then_with(|| y.observed.cmp(&x.observed))
                .then_with(|| x.term.cmp(&y.term))
        });
    }
    (rows, f_node)
}

/// The Collocates view for `q`: one page.
pub fn collocates(c: &Corpus, q: &CollocatesQuery) -> CollocatesView {
    let (rows, node_frequency) = collocate_rows(c, q);
    let total = rows.len();
    let pages = total.div_ceil(PAGE).max(1);
    let page = q.page.min(pages - 1);
    CollocatesView {
        query: CollocatesQuery { page, ..q.clone() },
        node_frequency,
        total,
        pages,
        rows: rows.into_iter().skip(page * PAGE).take(PAGE).collect(),
    }
}

/// Every collocate of `q` as a table.
pub fn collocates_table(c: &Corpus, q: &CollocatesQuery) -> Table {
    let (rows, _) = collocate_rows(c, q);
    Table {
        header: header(&[
            "collocate",
            "cooccurrences",
            "expected",
            "frequency",
            "mi",
            "t_score",
            "log_dice",
        ]),
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.term),
                    Cell::Int(r.observed),
                    Cell::Num(r.expected),
                    Cell::Int(r.frequency),
                    Cell::Num(r.mi),
                    Cell::Num(r.t_score),
                    Cell::Num(r.log_dice),
                ]
            })
            .collect(),
    }
}
