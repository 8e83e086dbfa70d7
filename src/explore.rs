//! The questions people ask of a corpus, answered as one page of rows: word lists and
//! keyness, trends across documents, concordance lines with their dispersion, collocates.
//!
//! Each answer is computed from the per-document counts and indexes ([`crate::index`]), so
//! it costs a pass over ids, never over text. The same functions feed the worker's views and
//! the CLI, and each table can be written out whole as CSV or JSON ([`Table`]).

use crate::concordance::Query;
use crate::corpus::{Corpus, DocId, Document};
use crate::index::{Matcher, BREAK};
use crate::keywords::{collocation, gries_dp, log_likelihood, log_ratio, p_value, tf_idf};
use crate::stats::TermId;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

/// Rows in one page of a table.
pub const PAGE: usize = 100;

/// What a word list counts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
        .map(|c| crate::concordance::fold_char(c, false))
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
        Unit::Words => d.counts.word_freq.clone(),
        Unit::Syllables => d.counts.syllable_freq.clone(),
        Unit::Ngrams(n) => {
            let mut counts = std::mem::take(&mut grams.counts);
            counts.clear();
            let stop = |id: TermId| c.term(id).is_some_and(|t| c.stopwords.contains(t));
            crate::index::ngrams(
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
    let key = |r: &KeywordRow| crate::concordance::sort_text(&r.term);
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
        builtin_stopwords: c.stopwords == *crate::keywords::Stopwords::builtin(),
    }
}

/// The `top` most distinctive words of each document, in corpus order: highest TF-IDF
/// among its content words seen at least twice (once is too little to call a word typical
/// of a document).
pub fn distinctive(c: &Corpus, top: usize) -> Vec<Vec<String>> {
    let mut df: FxHashMap<TermId, u32> = FxHashMap::default();
    for d in c.docs() {
        for &id in d.counts.word_freq.keys() {
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
                .filter(|&(_, &f)| f >= 2)
                .filter_map(|(&id, &f)| {
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

/// Relative frequency of some words in each document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrendsView {
    /// The words asked for, as looked up (lower case, single spaces).
    pub terms: Vec<String>,
    /// One entry per document, in corpus order.
    pub docs: Vec<TrendDoc>,
}

/// One document's point of each series.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

/// Split a user's list ("đối ngoại, ngoại giao") into lookup keys.
pub fn terms_of(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in input.split([',', ';', '\n']) {
        let key = word_key(part);
        if !key.is_empty() && !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// A word as the index keys it: lower case, syllables separated by single spaces ('_'
/// counts as a space).
pub fn word_key(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(crate::syllable::to_lower)
        .collect()
}

/// The Trends view for up to eight words.
pub fn trends(c: &Corpus, input: &str) -> TrendsView {
    let mut terms = terms_of(input);
    terms.truncate(8);
    let ids: Vec<Option<TermId>> = terms.iter().map(|t| c.term_id(t)).collect();
    let docs = c
        .docs()
        .iter()
        .map(|d| {
            let counts: Vec<u64> = ids
                .iter()
                .map(|id| {
                    id.and_then(|id| d.counts.word_freq.get(&id).copied())
                        .unwrap_or(0)
                })
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

/// How concordance lines are ordered.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub enum KwicSort {
    /// Document and position.
    #[default]
    Position,
    /// The words before, read backwards.
    Left,
    /// The words after.
    Right,
}

/// A concordance request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct KwicQuery {
    /// A word, a phrase, or syllable patterns with `*`.
    pub query: String,
    /// Ignore accents.
    pub ignore_accents: bool,
    /// Match case.
    pub case_sensitive: bool,
    /// Order.
    pub sort: KwicSort,
    /// Page, from 0.
    pub page: usize,
    /// Characters of context on each side (default 60).
    pub width: usize,
}

/// A concordance line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KwicLine {
    /// The document.
    pub doc: DocId,
    /// The paragraph (index among the document's paragraphs).
    pub para: usize,
    /// The match's byte range within that paragraph (for the Reader's mark).
    pub start: u32,
    /// End of the match within the paragraph.
    pub end: u32,
    /// Characters (code points) from the start of the original text to the match.
    pub offset: u64,
    /// Context before.
    pub left: String,
    /// The match.
    pub matched: String,
    /// Context after.
    pub right: String,
}

/// Where the hits fall in one document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Dispersion {
    /// The document.
    pub doc: DocId,
    /// Its name.
    pub name: String,
    /// Hits in it.
    pub hits: u64,
    /// Per 10,000 words.
    pub per_10k: f64,
    /// Each hit's place in the document, 0 (start) to 1 (end); at most 2,000, evenly
    /// sampled.
    pub positions: Vec<f32>,
}

/// The Concordance view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KwicView {
    /// The request answered.
    pub query: KwicQuery,
    /// The query did not parse (empty).
    pub invalid: bool,
    /// Hits in all.
    pub total: usize,
    /// Pages.
    pub pages: usize,
    /// This page's lines.
    pub lines: Vec<KwicLine>,
    /// Dispersion per document (every document, hits or not).
    pub dispersion: Vec<Dispersion>,
    /// Gries' DP of the hits over the documents.
    pub dp: f64,
    /// How long the search took in the engine, milliseconds (filled in by the caller).
    pub elapsed_ms: f64,
}

/// A hit: the document's index in the corpus, its first token, how many tokens.
pub type HitAt = (usize, usize, usize);

/// Every hit of `q`: (document index, index of the first token), in corpus order.
pub fn kwic_hits(c: &Corpus, q: &Query) -> Vec<HitAt> {
    let m = Matcher::new(&q.ignoring_case(), c.vocabulary());
    let mut out = Vec::new();
    for (di, d) in c.docs().iter().enumerate() {
        for i in d.index.find(&m) {
            let n = m.len();
            if q.case_sensitive() {
                let ok = (0..n).all(|k| q.matches(k, &d.text[d.index.token_range(i + k, &d.text)]));
                if !ok {
                    continue;
                }
            }
            out.push((di, i, n));
        }
    }
    out
}

/// The hits of `q` in the order `sort` asks for.
pub fn ordered_hits(c: &Corpus, q: &Query, sort: KwicSort) -> Vec<HitAt> {
    let hits = kwic_hits(c, q);
    if sort == KwicSort::Position {
        return hits;
    }
    let docs = c.docs();
    // Order by the neighbouring tokens' terms, compared the Vietnamese way; each distinct
    // term's key is made once.
    let mut keys: FxHashMap<TermId, (String, String)> = FxHashMap::default();
    let mut key_of = |id: TermId| {
        keys.entry(id)
            .or_insert_with(|| crate::concordance::sort_text(c.term(id).unwrap_or("")))
            .clone()
    };
    let right = sort == KwicSort::Right;
    let mut keyed: Vec<(Vec<(String, String)>, HitAt)> = hits
        .iter()
        .map(|&(di, i, n)| {
            let toks = &docs[di].index.tokens;
            let mut k = Vec::with_capacity(3);
            for step in 0..3 {
                let id = if right {
                    toks.get(i + n + step).copied()
                } else {
                    i.checked_sub(step + 1).and_then(|j| toks.get(j).copied())
                };
                match id {
                    Some(id) if id != BREAK => k.push(key_of(id)),
                    _ => break,
                }
            }
            (k, (di, i, n))
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|k| k.1).collect()
}

/// One concordance line for a hit.
pub fn kwic_line(d: &Document, first: usize, n: usize, width: usize) -> KwicLine {
    let idx = &d.index;
    let s = idx.token_range(first, &d.text).start;
    let e = idx.token_range(first + n - 1, &d.text).end;
    context_line(d, s, e, width)
}

/// The line of bytes `s..e` of `d`'s canonical text with `width` characters of context on
/// each side, within its paragraph.
pub fn context_line(d: &Document, s: usize, e: usize, width: usize) -> KwicLine {
    let text = &d.text;
    let (s, e) = (s.min(text.len()), e.min(text.len()).max(s.min(text.len())));
    if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
        return KwicLine {
            doc: d.id,
            para: 0,
            start: 0,
            end: 0,
            offset: 0,
            left: String::new(),
            matched: String::new(),
            right: String::new(),
        };
    }
    let line_start = text[..s].rfind('\n').map_or(0, |p| p + 1);
    let line_end = text[e..].find('\n').map_or(text.len(), |p| e + p);
    let left_start = text[line_start..s]
        .char_indices()
        .rev()
        .nth(width.saturating_sub(1))
        .map_or(line_start, |(j, _)| line_start + j);
    let right_end = text[e..line_end]
        .char_indices()
        .nth(width)
        .map_or(line_end, |(j, _)| e + j);
    // The paragraph's index: paragraphs are the non-blank lines (see segment::paragraphs).
    let para = crate::segment::paragraphs(&text[..line_start]).count();
    let (pstart, _) = crate::segment::paragraphs(&text[line_start..line_end])
        .next()
        .map_or((line_start, ""), |(r, p)| (line_start + r.start, p));
    let orig = d.normalization.to_original(s);
    KwicLine {
        doc: d.id,
        para,
        start: s.saturating_sub(pstart) as u32,
        end: e.saturating_sub(pstart) as u32,
        offset: d.original.get(..orig).map_or(0, |p| p.chars().count()) as u64,
        left: text[left_start..s].to_owned(),
        matched: text[s..e].to_owned(),
        right: text[e..right_end].to_owned(),
    }
}

/// The Concordance view for `q`: one page of lines and the dispersion of every hit.
pub fn kwic(c: &Corpus, q: &KwicQuery) -> KwicView {
    let width = if q.width == 0 { 60 } else { q.width.min(500) };
    let opts = crate::concordance::Options {
        case_sensitive: q.case_sensitive,
        ignore_accents: q.ignore_accents,
    };
    let Some(parsed) = Query::parse(&q.query, opts) else {
        return KwicView {
            query: q.clone(),
            invalid: true,
            total: 0,
            pages: 1,
            lines: Vec::new(),
            dispersion: Vec::new(),
            dp: 0.0,
            elapsed_ms: 0.0,
        };
    };
    let hits = ordered_hits(c, &parsed, q.sort);
    let docs = c.docs();
    let total = hits.len();
    let pages = total.div_ceil(PAGE).max(1);
    let page = q.page.min(pages - 1);
    let lines = hits
        .iter()
        .skip(page * PAGE)
        .take(PAGE)
        .map(|&(di, i, n)| kwic_line(&docs[di], i, n, width))
        .collect();
    let mut per_doc: Vec<Vec<f32>> = vec![Vec::new(); docs.len()];
    for &(di, i, _) in &hits {
        let len = docs[di].index.tokens.len().max(1);
        per_doc[di].push(i as f32 / len as f32);
    }
    let words: f64 = docs.iter().map(|d| d.counts.words as f64).sum();
    let parts: Vec<(f64, f64)> = docs
        .iter()
        .zip(&per_doc)
        .map(|(d, p)| (d.counts.words as f64, p.len() as f64))
        .collect();
    let dispersion = docs
        .iter()
        .zip(per_doc)
        .map(|(d, p)| {
            let hits = p.len() as u64;
            let positions = if p.len() > 2000 {
                (0..2000).map(|k| p[k * p.len() / 2000]).collect()
            } else {
                p
            };
            Dispersion {
                doc: d.id,
                name: d.name.clone(),
                hits,
                per_10k: if d.counts.words > 0 {
                    hits as f64 * 1e4 / d.counts.words as f64
                } else {
                    0.0
                },
                positions,
            }
        })
        .collect();
    KwicView {
        query: KwicQuery {
            page,
            width,
            ..q.clone()
        },
        invalid: false,
        total,
        pages,
        lines,
        dispersion,
        dp: if words > 0.0 && total > 0 {
            gries_dp(&parts)
        } else {
            0.0
        },
        elapsed_ms: 0.0,
    }
}

/// A collocates request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
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
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
        crate::index::cooccurrences(&d.index.words, node, left, right, &mut co);
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
        rows.sort_by_cached_key(|r| crate::concordance::sort_text(&r.term));
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

/// A whole table, ready to write out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Cells, row by row.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Int(u64),
    /// A measure.
    Num(f64),
    /// Not applicable.
    None,
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::None, Cell::Num)
    }
}

fn num_text(v: f64) -> String {
    if v.is_finite() {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.to_owned()
        }
    } else if v > 0.0 {
        "inf".into()
    } else if v < 0.0 {
        "-inf".into()
    } else {
        String::new()
    }
}

impl Table {
    /// RFC 4180 CSV: comma-separated, fields with a comma, quote or line break quoted, CRLF
    /// line ends, numbers with a '.' decimal point. A cell that a spreadsheet would run as
    /// a formula (starting with = + - @) is prefixed with a quote mark.
    pub fn csv(&self) -> String {
        let field = |s: &str| -> String {
            let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
                format!("'{s}")
            } else {
                s.to_owned()
            };
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        };
        let mut out = String::new();
        let line = |cells: Vec<String>, out: &mut String| {
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(self.header.iter().map(|h| field(h)).collect(), &mut out);
        for r in &self.rows {
            line(
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => field(s),
                        Cell::Int(n) => n.to_string(),
                        Cell::Num(v) => num_text(*v),
                        Cell::None => String::new(),
                    })
                    .collect(),
                &mut out,
            );
        }
        out
    }

    /// JSON: an array of objects keyed by the header.
    pub fn json(&self) -> String {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = self
            .rows
            .iter()
            .map(|r| {
                self.header
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
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
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

/// Every concordance line of `q` as a table.
pub fn kwic_table(c: &Corpus, q: &KwicQuery) -> Table {
    let width = if q.width == 0 { 60 } else { q.width.min(500) };
    let opts = crate::concordance::Options {
        case_sensitive: q.case_sensitive,
        ignore_accents: q.ignore_accents,
    };
    let hits = Query::parse(&q.query, opts)
        .map(|parsed| ordered_hits(c, &parsed, q.sort))
        .unwrap_or_default();
    let docs = c.docs();
    Table {
        header: header(&["document", "offset", "left", "match", "right"]),
        rows: hits
            .into_iter()
            .map(|(di, i, n)| {
                let l = kwic_line(&docs[di], i, n, width);
                vec![
                    Cell::Text(docs[di].name.clone()),
                    Cell::Int(l.offset),
                    Cell::Text(l.left),
                    Cell::Text(l.matched),
                    Cell::Text(l.right),
                ]
            })
            .collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(texts: &[&str]) -> Corpus {
        let mut c = Corpus::new();
        for (i, t) in texts.iter().enumerate() {
            c.add_bytes(format!("{i}.txt"), t.as_bytes()).unwrap();
        }
        c
    }

    const A: &str = "Công tác đối ngoại được triển khai. Công tác đối ngoại của Đảng.";
    const B: &str = "Việt Nam mở rộng quan hệ ngoại giao. Công tác ngoại giao và đối ngoại.";

    fn row<'a>(rows: &'a [KeywordRow], t: &str) -> &'a KeywordRow {
        rows.iter()
            .find(|r| r.term == t)
            .unwrap_or_else(|| panic!("{t}: {rows:?}"))
    }

    #[test]
    fn word_list_by_hand() {
        let c = corpus(&[A, B]);
        let words_a = c.docs()[0].counts.words;
        let words_b = c.docs()[1].counts.words;
        let q = KeywordsQuery::default();
        let (rows, tokens, cloud) = keyword_rows(&c, &q);
        assert_eq!(tokens, words_a + words_b);
        let r = row(&rows, "đối ngoại");
        assert_eq!((r.frequency, r.documents), (3, 2));
        assert!((r.per_million - 3e6 / tokens as f64).abs() < 1e-6);
        // DP by hand: parts s = (wa, wb)/N, v = (2, 1)/3.
        let n = (words_a + words_b) as f64;
        let (sa, sb) = (words_a as f64 / n, words_b as f64 / n);
        let dp = 0.5 * ((2.0 / 3.0 - sa).abs() + (1.0 / 3.0 - sb).abs());
        assert!((r.dp - dp).abs() < 1e-9, "{} {dp}", r.dp);
        // Only in one document: DP = 1 − that document's share.
        let g = row(&rows, "ngoại giao");
        assert!((g.dp - (1.0 - sb)).abs() < 1e-9);
        // Stopwords are out by default, in when asked.
        assert!(rows.iter().all(|r| r.term != "của" && r.term != "và"));
        let (all, _, _) = keyword_rows(
            &c,
            &KeywordsQuery {
                stopwords: true,
                ..q.clone()
            },
        );
        assert!(all.iter().any(|r| r.term == "của"));
        // Most frequent first; the cloud agrees.
        // Ties (công tác, đối ngoại: 3 each) go alphabetically.
        assert_eq!(
            (rows[0].term.as_str(), rows[1].term.as_str()),
            ("công tác", "đối ngoại")
        );
        assert_eq!(cloud[0], ("công tác".to_owned(), 3));
        assert!(rows.iter().all(|r| r.g2.is_none() && r.tf_idf.is_none()));
    }

    #[test]
    fn keyness_of_one_document_against_the_rest() {
        let c = corpus(&[A, B]);
        let (wa, wb) = (
            c.docs()[0].counts.words as f64,
            c.docs()[1].counts.words as f64,
        );
        let q = KeywordsQuery {
            scope: vec![c.docs()[1].id],
            sort: KeyColumn::G2,
            ..KeywordsQuery::default()
        };
        let (rows, tokens, _) = keyword_rows(&c, &q);
        assert_eq!(tokens as f64, wb);
        let r = row(&rows, "ngoại giao");
        assert_eq!((r.frequency, r.reference), (2, Some(0)));
        assert_eq!(r.g2, Some(log_likelihood(2.0, 0.0, wb, wa)));
        assert_eq!(r.log_ratio, Some(log_ratio(2.0, 0.0, wb, wa)));
        // TF-IDF: 2 of wb words, in 1 of 2 documents: (2/wb)·ln(2/1).
        assert!((r.tf_idf.unwrap() - 2.0 / wb * 2f64.ln()).abs() < 1e-9);
        // In both documents: idf ln(2/2) = 0.
        assert_eq!(row(&rows, "đối ngoại").tf_idf, Some(0.0));
        // Sorted by G2, positive keywords first.
        assert_eq!(rows[0].term, "ngoại giao");
        assert!(rows.last().unwrap().log_ratio.unwrap() <= 0.0 || rows.len() < 3);
    }

    #[test]
    fn syllables_and_ngrams() {
        let c = corpus(&[A, B]);
        let q = KeywordsQuery {
            unit: Unit::Syllables,
            ..KeywordsQuery::default()
        };
        let (rows, _, _) = keyword_rows(&c, &q);
        assert_eq!(row(&rows, "ngoại").frequency, 5);
        let q = KeywordsQuery {
            unit: Unit::Ngrams(2),
            ..KeywordsQuery::default()
        };
        let (rows, tokens, _) = keyword_rows(&c, &q);
        assert_eq!(row(&rows, "công tác đối ngoại").frequency, 2);
        // No bigram starts or ends with a stopword, none crosses a sentence.
        assert!(rows
            .iter()
            .all(|r| !r.term.ends_with(" của") && !r.term.starts_with("và ")));
        assert!(rows.iter().all(|r| r.term != "triển khai công tác"));
        assert_eq!(tokens, rows.iter().map(|r| r.frequency).sum::<u64>());
        // Filter, accent-insensitive.
        let q = KeywordsQuery {
            filter: "NGOAI".into(),
            ..KeywordsQuery::default()
        };
        let (rows, _, _) = keyword_rows(&c, &q);
        assert!(!rows.is_empty() && rows.iter().all(|r| r.term.contains("ngoại")));
    }

    #[test]
    fn trends_per_document() {
        let c = corpus(&[A, B]);
        let t = trends(&c, "Đối ngoại, ngoại_giao, không có");
        assert_eq!(t.terms, ["đối ngoại", "ngoại giao", "không có"]);
        assert_eq!(t.docs[0].counts, [2, 0, 0]);
        assert_eq!(t.docs[1].counts, [1, 2, 0]);
        let wb = c.docs()[1].counts.words as f64;
        assert!((t.docs[1].per_10k[1] - 2e4 / wb).abs() < 1e-9);
        let table = trends_table(&t);
        assert_eq!(table.header[2], "đối ngoại");
        assert_eq!(table.rows.len(), 2);
    }

    #[test]
    fn concordance_lines_point_into_the_reader_and_the_original() {
        // The original has a double space and a decomposed accent before the second line's
        // hit: offsets count code points of the text as given.
        let text = "Mở đầu.\n\nCông  tác đối ngoại và ngoại giao.\nĐối ngoại đa phương.";
        let c = corpus(&[text, B]);
        let q = KwicQuery {
            query: "đối ngoại".into(),
            width: 10,
            ..KwicQuery::default()
        };
        let v = kwic(&c, &q);
        assert_eq!(v.total, 3);
        let l = &v.lines[0];
        assert_eq!((l.doc, l.para), (c.docs()[0].id, 1));
        let d = &c.docs()[0];
        let para = crate::segment::paragraphs(&d.text).nth(1).unwrap().1;
        assert_eq!(&para[l.start as usize..l.end as usize], "đối ngoại");
        assert_eq!(
            l.offset as usize,
            text.find("đối").map(|b| text[..b].chars().count()).unwrap()
        );
        assert_eq!(l.right, " và ngoại ");
        assert_eq!(v.lines[1].para, 2);
        // Dispersion: every document listed, hits counted.
        assert_eq!(v.dispersion.len(), 2);
        assert_eq!((v.dispersion[0].hits, v.dispersion[1].hits), (2, 1));
        assert!(v.dispersion[0]
            .positions
            .iter()
            .all(|p| (0.0..1.0).contains(p)));
        // Sorted by the right context: "đa" < "và" < "." (end of sentence sorts by ".").
        let v = kwic(
            &c,
            &KwicQuery {
                sort: KwicSort::Right,
                ..q.clone()
            },
        );
        let next: Vec<&str> = v
            .lines
            .iter()
            .map(|l| l.right.split_whitespace().next().unwrap_or(""))
            .collect();
        assert_eq!(next, [".", "đa", "và"]);
        // Accents.
        let v = kwic(
            &c,
            &KwicQuery {
                query: "doi ngoai".into(),
                ignore_accents: true,
                ..q.clone()
            },
        );
        assert_eq!(v.total, 3);
        let v = kwic(
            &c,
            &KwicQuery {
                query: "Đối ngoại".into(),
                case_sensitive: true,
                ..q.clone()
            },
        );
        assert_eq!(v.total, 1);
        assert!(kwic(&c, &KwicQuery::default()).invalid);
        let t = kwic_table(&c, &q);
        assert_eq!(t.rows.len(), 3);
    }

    #[test]
    fn collocates_by_hand() {
        let c = corpus(&[A, B]);
        let q = CollocatesQuery {
            word: "đối ngoại".into(),
            left: 2,
            right: 2,
            min: 1,
            ..CollocatesQuery::default()
        };
        let (rows, f_node) = collocate_rows(&c, &q);
        assert_eq!(f_node, 3);
        // "công tác" is right before "đối ngoại" twice.
        let r = rows.iter().find(|r| r.term == "công tác").unwrap();
        assert_eq!(r.observed, 2);
        let n = c.totals().words as f64;
        // E = f_node · f_coll · span / N with f_coll 3 (twice in A, once in B).
        let e = 3.0 * 3.0 * 4.0 / n;
        assert!((r.expected - e).abs() < 1e-9);
        assert!((r.log_dice - (14.0 + (4.0f64 / 6.0).log2())).abs() < 1e-9);
        assert!(rows.iter().all(|r| r.term != "của"));
        let t = collocates_table(&c, &q);
        assert_eq!(t.rows.len(), rows.len());
        assert_eq!(
            collocate_rows(
                &c,
                &CollocatesQuery {
                    word: "không có".into(),
                    ..q
                }
            )
            .1,
            0
        );
    }

    #[test]
    fn csv_is_rfc4180_and_safe_in_spreadsheets() {
        let t = Table {
            header: vec!["term".into(), "n".into(), "x".into()],
            rows: vec![
                vec![Cell::Text("a, \"b\"".into()), Cell::Int(3), Cell::Num(0.5)],
                vec![Cell::Text("=cmd()".into()), Cell::Int(1), Cell::None],
                vec![
                    Cell::Text("-1.5".into()),
                    Cell::Int(0),
                    Cell::Num(f64::NEG_INFINITY),
                ],
            ],
        };
        assert_eq!(
            t.csv(),
            "term,n,x\r\n\"a, \"\"b\"\"\",3,0.5\r\n'=cmd(),1,\r\n-1.5,0,-inf\r\n"
        );
        let j: serde_json::Value = serde_json::from_str(&t.json()).unwrap();
        assert_eq!(j[0]["term"], "a, \"b\"");
        assert_eq!(j[0]["n"], 3);
        assert!(j[2]["x"].is_null());
    }
}
