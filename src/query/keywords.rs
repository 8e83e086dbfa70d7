//! Word, syllable and n-gram lists of the corpus, a document or a set of documents, with
//! dispersion (Gries' DP) and, against the rest of the corpus, keyness (G², p, Log Ratio,
//! TF-IDF); the corpus summary's most distinctive words.

use crate::corpus::counts::TermId;
use crate::corpus::{Corpus, DocId, Document};
use crate::query::measures::{log_likelihood, log_ratio, p_value, tf_idf};
use crate::query::table::{header, Cell, Table};
use crate::query::PAGE;
use rustc_hash::{FxHashMap, FxHashSet};

/// What a word list counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Words (after segmentation).
    #[default]
    Words,
    /// Syllables.
    Syllables,
    /// Sequences of 2–5 words.
    Ngrams(u8),
}

/// A column of the word list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyColumn {
    /// The term, alphabetically.
    Term,
    /// Raw frequency.
    #[default]
    Frequency,
    /// Documents containing it.
    Documents,
    /// Dispersion (Gries' DP).
    Dp,
    /// Log-likelihood against the rest of the corpus.
    G2,
    /// Hardie's Log Ratio against the rest.
    LogRatio,
    /// TF-IDF (one document).
    TfIdf,
}

/// A word-list request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeywordsQuery {
    /// The documents to describe; empty: the whole corpus. With some documents, keyness
    /// compares them against the rest.
    pub scope: Vec<DocId>,
    /// What to count.
    pub unit: Unit,
    /// Keep stopwords.
    pub stopwords: bool,
    /// Leave acronyms out.
    pub no_acronyms: bool,
    /// Only terms containing this (case- and accent-insensitive).
    pub filter: String,
    /// Sort column.
    pub sort: KeyColumn,
    /// Smallest first.
    pub ascending: bool,
    /// Page, from 0.
    pub page: usize,
}

/// One row of the word list.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordRow {
    /// The term (syllables separated by spaces).
    pub term: String,
    /// Frequency in the scope.
    pub frequency: u64,
    /// Per million words of the scope.
    pub per_million: f64,
    /// Documents of the scope containing it.
    pub documents: u32,
    /// Gries' DP over the scope's documents (0 even, 1 in one place).
    pub dp: f64,
    /// Frequency in the rest of the corpus (a scope only).
    pub reference: Option<u64>,
    /// Log-likelihood G² against the rest (a scope only).
    pub g2: Option<f64>,
    /// Its p-value.
    pub p: Option<f64>,
    /// Log Ratio against the rest; positive: more frequent in the scope.
    pub log_ratio: Option<f64>,
    /// TF-IDF in the corpus (one document only).
    pub tf_idf: Option<f64>,
}

/// The Keywords view.
#[derive(Debug, Clone, PartialEq)]
pub struct KeywordsView {
    /// The request answered.
    pub query: KeywordsQuery,
    /// Units counted in the scope (words, syllables or n-grams).
    pub tokens: u64,
    /// Rows after filtering, over all pages.
    pub total: usize,
    /// Pages.
    pub pages: usize,
    /// This page's rows.
    pub rows: Vec<KeywordRow>,
    /// The 60 most frequent terms of the scope (for the cloud), whatever the sort.
    pub cloud: Vec<(String, u64)>,
    /// The scope's stopword list is the built-in one.
    pub builtin_stopwords: bool,
}

pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .map(|c| crate::text::concordance::fold_char(c, false))
        .collect()
}

/// N-grams are not interned in the corpus: a table numbers them itself.
#[derive(Default)]
struct Grams {
    ids: FxHashMap<Box<[TermId]>, TermId>,
    list: Vec<Box<[TermId]>>,
    counts: FxHashMap<Box<[TermId]>, u64>,
}

impl Grams {
    fn id(&mut self, g: &[TermId]) -> TermId {
        if let Some(&id) = self.ids.get(g) {
            return id;
        }
        let id = self.list.len() as TermId;
        self.list.push(g.into());
        self.ids.insert(g.into(), id);
        id
    }

    fn text(&self, c: &Corpus, id: TermId) -> String {
        self.list
            .get(id as usize)
            .map(|g| {
                g.iter()
                    .filter_map(|&w| c.term(w))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
}

/// Frequencies by term of one document for `unit`; n-grams are counted from the index.
fn doc_freq(
    c: &Corpus,
    d: &Document,
    unit: Unit,
    keep_stop: bool,
    grams: &mut Grams,
) -> FxHashMap<TermId, u64> {
    match unit {
        Unit::Words => d.counts.word_freq.to_map(),
        Unit::Syllables => d.counts.syllable_freq.to_map(),
        Unit::Ngrams(n) => {
            let mut counts = std::mem::take(&mut grams.counts);
            counts.clear();
            let stop = |id: TermId| c.term(id).is_some_and(|t| c.stopwords.contains(t));
            crate::corpus::index::ngrams(
                &d.index.words,
                n.clamp(2, 5) as usize,
                |a, b| keep_stop || !(stop(a) || stop(b)),
                &mut counts,
            );
            let out = counts.iter().map(|(g, &n)| (grams.id(g), n)).collect();
            grams.counts = counts;
            out
        }
    }
}

/// Every row of the word list for `q` (filtered and sorted, not paged), the scope's size,
/// and the cloud.
pub fn keyword_rows(c: &Corpus, q: &KeywordsQuery) -> (Vec<KeywordRow>, u64, Vec<(String, u64)>) {
    let in_scope: FxHashSet<DocId> = q.scope.iter().copied().collect();
    let scoped = !in_scope.is_empty() && in_scope.len() < c.docs().len();
    let mut grams = Grams::default();
    let mut target: FxHashMap<TermId, u64> = FxHashMap::default();
    let mut rest: FxHashMap<TermId, u64> = FxHashMap::default();
    let mut docs_with: FxHashMap<TermId, u32> = FxHashMap::default();
    // DP = ½ Σ|v_i/f − s_i| over the scope's documents; absent documents add s_i, so keep
    // Σ over present documents of (|v_i/f − s_i| − s_i) and add Σ s_i = 1 at the end.
    let mut per_doc: Vec<(f64, FxHashMap<TermId, u64>)> = Vec::new();
    let (mut t_size, mut r_size) = (0u64, 0u64);
    let mut df_all: FxHashMap<TermId, u32> = FxHashMap::default();
    for d in c.docs() {
        let f = doc_freq(c, d, q.unit, q.stopwords, &mut grams);
        let size = match q.unit {
            Unit::Words => d.counts.words,
            Unit::Syllables => d.counts.syllables,
            Unit::Ngrams(_) => f.values().sum(),
        };
        for &id in f.keys() {
            *df_all.entry(id).or_insert(0) += 1;
        }
        if !scoped || in_scope.contains(&d.id) {
            t_size += size;
            for (&id, &n) in &f {
                *target.entry(id).or_insert(0) += n;
                *docs_with.entry(id).or_insert(0) += 1;
            }
            per_doc.push((size as f64, f));
        } else {
            r_size += size;
            for (&id, &n) in &f {
                *rest.entry(id).or_insert(0) += n;
            }
        }
    }
    let text = |id: TermId| match q.unit {
        Unit::Ngrams(_) => grams.text(c, id),
        _ => c.term(id).unwrap_or_default().to_owned(),
    };
    let total_size: f64 = per_doc.iter().map(|p| p.0).sum();
    let mut dp_acc: FxHashMap<TermId, f64> = FxHashMap::default();
    for (size, f) in &per_doc {
        let s = if total_size > 0.0 {
            size / total_size
        } else {
            0.0
        };
        for (&id, &n) in f {
            let total = target.get(&id).copied().unwrap_or(1).max(1) as f64;
            *dp_acc.entry(id).or_insert(0.0) += (n as f64 / total - s).abs() - s;
        }
    }
    let filter = fold(q.filter.trim());
    let keep = |id: TermId, t: &str| {
        (q.stopwords || matches!(q.unit, Unit::Ngrams(_)) || !c.stopwords.contains(t))
            && !(q.no_acronyms && q.unit == Unit::Words && c.acronyms.contains(&id))
            && (filter.is_empty() || fold(t).contains(&filter))
    };
    let one_doc = scoped && in_scope.len() == 1;
    let n_docs = c.docs().len() as f64;
    let mut rows: Vec<KeywordRow> = Vec::new();
    let mut cloud: Vec<(String, u64)> = Vec::new();
    for (&id, &freq) in &target {
        let t = text(id);
        if !keep(id, &t) {
            continue;
        }
        let reference = rest.get(&id).copied().unwrap_or(0);
        let (a, b, cs, ds) = (freq as f64, reference as f64, t_size as f64, r_size as f64);
        rows.push(KeywordRow {
            per_million: if t_size > 0 { a * 1e6 / cs } else { 0.0 },
            documents: docs_with.get(&id).copied().unwrap_or(0),
            dp: if per_doc.len() > 1 {
                (0.5 * (dp_acc.get(&id).copied().unwrap_or(0.0) + 1.0)).clamp(0.0, 1.0)
            } else {
                0.0
            },
            reference: scoped.then_some(reference),
            g2: scoped.then(|| log_likelihood(a, b, cs, ds)),
            p: scoped.then(|| p_value(log_likelihood(a, b, cs, ds))),
            log_ratio: scoped.then(|| log_ratio(a, b, cs, ds)),
            tf_idf: one_doc
                .then(|| tf_idf(a, cs, df_all.get(&id).copied().unwrap_or(1) as f64, n_docs)),
            term: t,
            frequency: freq,
        });
    }
    // The cloud: the most frequent terms of the list as filtered.
    let mut by_freq: Vec<&KeywordRow> = rows.iter().collect();
    by_freq.sort_by(|x, y| {
        y.frequency
            .cmp(&x.frequency)
            .then_with(|| x.term.cmp(&y.term))
    });
    cloud.extend(
        by_freq
            .iter()
            .take(60)
            .map(|r| (r.term.clone(), r.frequency)),
    );
    sort_rows(&mut rows, q.sort, q.ascending);
    (rows, t_size, cloud)
}

fn sort_rows(rows: &mut [KeywordRow], col: KeyColumn, ascending: bool) {
    let num = |r: &KeywordRow| -> f64 {
        match col {
            KeyColumn::Term => 0.0,
            KeyColumn::Frequency => r.frequency as f64,
            KeyColumn::Documents => r.documents as f64,
            KeyColumn::Dp => r.dp,
            // Negative keywords (less frequent in the scope) sort below positive ones.
            KeyColumn::G2 => r.g2.unwrap_or(0.0) * r.log_ratio.unwrap_or(0.0).signum(),
            KeyColumn::LogRatio => r.log_ratio.unwrap_or(0.0),
            KeyColumn::TfIdf => r.tf_idf.unwrap_or(0.0),
        }
    };
    let key = |r: &KeywordRow| crate::text::concordance::sort_text(&r.term);
    if col == KeyColumn::Term {
        rows.sort_by_cached_key(key);
        if !ascending {
            rows.reverse();
        }
        return;
    }
    rows.sort_by(|x, y| {
        let o = num(y).total_cmp(&num(x));
        let o = if ascending { o.reverse() } else { o };
        o.then_with(|| y.frequency.cmp(&x.frequency))
            .then_with(|| x.term.cmp(&y.term))
    });
}

/// The Keywords view for `q`: one page.
pub fn keywords(c: &Corpus, q: &KeywordsQuery) -> KeywordsView {
    let (rows, tokens, cloud) = keyword_rows(c, q);
    let total = rows.len();
    let pages = total.div_ceil(PAGE).max(1);
    let page = q.page.min(pages - 1);
    KeywordsView {
        query: KeywordsQuery { page, ..q.clone() },
        tokens,
        total,
        pages,
        rows: rows.into_iter().skip(page * PAGE).take(PAGE).collect(),
        cloud,
        builtin_stopwords: c.stopwords == *crate::words::stopwords::Stopwords::builtin(),
    }
}

/// The `top` most distinctive words of each document, in corpus order: highest TF-IDF
/// among its content words seen at least twice (once is too little to call a word typical
/// of a document).
pub fn distinctive(c: &Corpus, top: usize) -> Vec<Vec<String>> {
    let mut df: FxHashMap<TermId, u32> = FxHashMap::default();
    for d in c.docs() {
        for id in d.counts.word_freq.keys() {
            *df.entry(id).or_insert(0) += 1;
        }
    }
    let n = c.docs().len() as f64;
    c.docs()
        .iter()
        .map(|d| {
            let len = d.counts.words as f64;
            let mut scored: Vec<(f64, &str)> = d
                .counts
                .word_freq
                .iter()
                .filter(|&(_, f)| f >= 2)
                .filter_map(|(id, f)| {
                    let t = c.term(id)?;
                    if c.stopwords.contains(t) || c.acronyms.contains(&id) && t.len() < 2 {
                        return None;
                    }
                    let w = tf_idf(f as f64, len, df.get(&id).copied().unwrap_or(1) as f64, n);
                    (w > 0.0).then_some((w, t))
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            scored
                .into_iter()
                .take(top)
                .map(|(_, t)| t.to_owned())
                .collect()
        })
        .collect()
}

/// The whole word list of `q` as a table (every page).
pub fn keywords_table(c: &Corpus, q: &KeywordsQuery) -> Table {
    let (rows, _, _) = keyword_rows(c, q);
    Table {
        header: header(&[
            "term",
            "frequency",
            "per_million",
            "documents",
            "dp",
            "reference",
            "g2",
            "p",
            "log_ratio",
            "tf_idf",
        ]),
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.term),
                    Cell::Int(r.frequency),
                    Cell::Num(r.per_million),
                    Cell::Int(r.documents as u64),
                    Cell::Num(r.dp),
                    r.reference.map_or(Cell::None, Cell::Int),
                    r.g2.into(),
                    r.p.into(),
                    r.log_ratio.into(),
                    r.tf_idf.into(),
                ]
            })
            .collect(),
    }
}
