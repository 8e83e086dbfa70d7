//! Concordance lines from the index, in text order or sorted by context, with Reader
//! positions, offsets into the original text, and the dispersion of hits per document.

use crate::corpus::counts::TermId;
use crate::corpus::index::{Matcher, BREAK};
use crate::corpus::{Corpus, DocId, Document};
use crate::query::measures::gries_dp;
use crate::query::table::{header, Cell, Table};
use crate::query::PAGE;
use crate::text::concordance::Query;
use rustc_hash::FxHashMap;

/// How concordance lines are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
#[derive(Debug, Clone, PartialEq, Default)]
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
#[derive(Debug, Clone, PartialEq, Default)]
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
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
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
            .or_insert_with(|| crate::text::concordance::sort_text(c.term(id).unwrap_or("")))
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

/// Concordance lines for hits (document, first token, tokens), in the order given.
pub fn kwic_lines<'a>(
    hits: impl IntoIterator<Item = (&'a Document, usize, usize)>,
    width: usize,
) -> Vec<KwicLine> {
    context_lines(
        hits.into_iter().map(|(d, first, n)| {
            let idx = &d.index;
            let s = idx.token_range(first, &d.text).start;
            let e = idx.token_range(first + n - 1, &d.text).end;
            (d, s, e)
        }),
        width,
    )
}

/// The line of bytes `s..e` of `d`'s canonical text with `width` characters of context on
/// each side, within its paragraph.
pub fn context_line(d: &Document, s: usize, e: usize, width: usize) -> KwicLine {
    context_lines([(d, s, e)], width).pop().unwrap_or_default()
}

/// [`context_line`] for many ranges at once, in the order given. Each line's offset counts
/// the characters of its document's original text before it; the original is rebuilt once
/// per document (it is not kept) and counted in one pass for all its lines.
pub fn context_lines<'a>(
    hits: impl IntoIterator<Item = (&'a Document, usize, usize)>,
    width: usize,
) -> Vec<KwicLine> {
    let mut lines = Vec::new();
    // Per document: (line, byte offset in the original).
    let mut marks: Vec<(&Document, Vec<(usize, usize)>)> = Vec::new();
    let mut slot: rustc_hash::FxHashMap<crate::corpus::DocId, usize> = Default::default();
    for (d, s, e) in hits {
        let (line, orig) = line_at(d, s, e, width);
        if let Some(orig) = orig {
            let k = *slot.entry(d.id).or_insert_with(|| {
                marks.push((d, Vec::new()));
                marks.len() - 1
            });
            marks[k].1.push((lines.len(), orig));
        }
        lines.push(line);
    }
    for (d, at) in marks {
        let original = d.original();
        let bytes = original.as_bytes();
        let mut order: Vec<(usize, usize)> = at;
        order.sort_unstable_by_key(|m| m.1);
        let (mut pos, mut chars) = (0usize, 0u64);
        for (line, b) in order {
            let b = b.min(bytes.len());
            // Characters starting in pos..b: the bytes that do not continue one.
            chars += bytes[pos..b].iter().filter(|&&x| x & 0xC0 != 0x80).count() as u64;
            pos = b;
            lines[line].offset = chars;
        }
    }
    lines
}

/// The line of `s..e` (offset left 0) and where `s` is in the original text (`None` for a
/// range that does not fall on characters).
fn line_at(d: &Document, s: usize, e: usize, width: usize) -> (KwicLine, Option<usize>) {
    let text = &d.text;
    let (s, e) = (s.min(text.len()), e.min(text.len()).max(s.min(text.len())));
    if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
        let none = KwicLine {
            doc: d.id,
            para: 0,
            start: 0,
            end: 0,
            offset: 0,
            left: String::new(),
            matched: String::new(),
            right: String::new(),
        };
        return (none, None);
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
    let para = crate::text::segment::paragraphs(&text[..line_start]).count();
    let (pstart, _) = crate::text::segment::paragraphs(&text[line_start..line_end])
        .next()
        .map_or((line_start, ""), |(r, p)| (line_start + r.start, p));
    let line = KwicLine {
        doc: d.id,
        para,
        start: s.saturating_sub(pstart) as u32,
        end: e.saturating_sub(pstart) as u32,
        offset: 0,
        left: text[left_start..s].to_owned(),
        matched: text[s..e].to_owned(),
        right: text[e..right_end].to_owned(),
    };
    (line, Some(d.normalization.to_original(s)))
}

/// The Concordance view for `q`: one page of lines and the dispersion of every hit.
pub fn kwic(c: &Corpus, q: &KwicQuery) -> KwicView {
    let width = if q.width == 0 { 60 } else { q.width.min(500) };
    let opts = crate::text::concordance::Options {
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
    let lines = kwic_lines(
        hits.iter()
            .skip(page * PAGE)
            .take(PAGE)
            .map(|&(di, i, n)| (&docs[di], i, n)),
        width,
    );
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

/// Every concordance line of `q` as a table.
pub fn kwic_table(c: &Corpus, q: &KwicQuery) -> Table {
    let width = if q.width == 0 { 60 } else { q.width.min(500) };
    let opts = crate::text::concordance::Options {
        case_sensitive: q.case_sensitive,
        ignore_accents: q.ignore_accents,
    };
    let hits = Query::parse(&q.query, opts)
        .map(|parsed| ordered_hits(c, &parsed, q.sort))
        .unwrap_or_default();
    let docs = c.docs();
    let lines = kwic_lines(hits.iter().map(|&(di, i, n)| (&docs[di], i, n)), width);
    Table {
        header: header(&["document", "offset", "left", "match", "right"]),
        rows: hits
            .into_iter()
            .zip(lines)
            .map(|((di, _, _), l)| {
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
