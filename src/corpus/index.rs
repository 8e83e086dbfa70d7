//! The index of one document: its tokens and words as interned ids, in text order.
//!
//! Built while the document is analyzed (no second pass over the text), it answers the
//! questions that need positions rather than counts: concordance lines, their dispersion,
//! collocates in a window, n-grams. A query resolves its patterns against the vocabulary
//! once (a few thousand to a few hundred thousand strings), then scans `u32` ids, which is
//! what makes a concordance over 50 MB take milliseconds instead of a re-tokenization.

use crate::corpus::counts::TermId;
use crate::text::concordance::Query;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Marks a paragraph end in [`DocIndex::tokens`] and a sentence end in
/// [`DocIndex::words`]; no pattern matches it and no window crosses it.
pub const BREAK: TermId = TermId::MAX;

/// Every this many tokens, a start is kept in full (see [`DocIndex::start`]).
const BLOCK: usize = 16;

/// Positions of one document's counted paragraphs.
///
/// A token's start is kept as its distance from the start of the token before, one byte
/// (255: the distance is in `far`), and every [`BLOCK`]th start in full: 1.25 bytes a token
/// instead of 4, the index's largest part after the token ids. A start is found by adding
/// at most `BLOCK - 1` distances; the questions that need starts ask for a few (the hits
/// of a concordance), never for every token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocIndex {
    /// Every token, lower-cased and interned; [`BREAK`] after each paragraph.
    pub tokens: Vec<TermId>,
    /// Each token's distance in bytes from the start of the token before (0 for the first
    /// of a block; 255: look in `far`).
    steps: Vec<u8>,
    /// The start of every `BLOCK`th token (bytes into the canonical text).
    marks: Vec<u32>,
    /// (token, distance) for the distances of 255 bytes or more, by token.
    far: Vec<(u32, u32)>,
    /// The start of the last token added.
    last: u32,
    /// Each token's length in bytes, 255 for 255 or more (measured again when needed).
    pub lens: Vec<u8>,
    /// Word-like words (syllables joined by spaces, foreign words, acronyms), lower-cased
    /// and interned; [`BREAK`] after each sentence.
    pub words: Vec<TermId>,
}

/// Every array of a [`DocIndex`], owned (for [`crate::corpus::pack`], which reads them
/// back and hands them to [`DocIndex::from_parts`]).
pub(crate) struct IndexParts {
    pub tokens: Vec<TermId>,
    pub steps: Vec<u8>,
    pub marks: Vec<u32>,
    pub far: Vec<(u32, u32)>,
    pub last: u32,
    pub lens: Vec<u8>,
    pub words: Vec<TermId>,
}

/// A [`DocIndex`]'s private position arrays as they are: steps, marks, far distances
/// and the last start.
pub(crate) type Packed<'a> = (&'a [u8], &'a [u32], &'a [(u32, u32)], u32);

impl DocIndex {
    /// Append one paragraph. `offset` is where it starts in the document; `tokens` and
    /// `sentence_ends` come from [`crate::words::words_and_tokens_into`]; `intern` gives
    /// the id of a lower-cased string.
    pub fn push_paragraph(
        &mut self,
        para: &str,
        offset: usize,
        layout: &crate::words::Layout,
        words: &[crate::words::Word],
        mut intern: impl FnMut(&str) -> TermId,
    ) {
        let mut lower = String::new();
        let mut low = |s: &str, lower: &mut String| {
            lower.clear();
            crate::text::syllable::push_lower(s, lower);
            intern(lower)
        };
        for t in &layout.tokens {
            let id = low(&para[t.range.clone()], &mut lower);
            self.tokens.push(id);
            self.push_start((offset + t.range.start) as u32);
            self.lens.push(t.range.len().min(255) as u8);
        }
        self.tokens.push(BREAK);
        self.push_start((offset + para.len()) as u32);
        self.lens.push(0);
        let mut from = 0;
        for &end in &layout.sentence_ends {
            for w in words.get(from..end).unwrap_or_default() {
                if w.kind.is_wordlike() {
                    let id = low(&para[w.range.clone()], &mut lower);
                    self.words.push(id);
                }
            }
            self.words.push(BREAK);
            from = end;
        }
    }

    /// Keep the start of the next token (starts never decrease).
    fn push_start(&mut self, start: u32) {
        let i = self.steps.len();
        if i.is_multiple_of(BLOCK) {
            self.marks.push(start);
            self.steps.push(0);
        } else {
            let d = start.saturating_sub(self.last);
            if d < 255 {
                self.steps.push(d as u8);
            } else {
                self.steps.push(255);
                self.far.push((i as u32, d));
            }
        }
        self.last = start;
    }

    /// Where token `i` starts in the document's canonical text (bytes; 0 past the end).
    pub fn start(&self, i: usize) -> usize {
        let Some(&mark) = self.marks.get(i / BLOCK) else {
            return 0;
        };
        let first = i - i % BLOCK;
        let steps = self.steps.get(first + 1..=i).unwrap_or_default();
        let mut at = mark as usize;
        for (k, &d) in steps.iter().enumerate() {
            at += if d < 255 {
                usize::from(d)
            } else {
                let token = (first + 1 + k) as u32;
                self.far
                    .binary_search_by_key(&token, |f| f.0)
                    .map_or(0, |j| self.far[j].1 as usize)
            };
        }
        at
    }

    /// The private arrays as they are (for [`crate::corpus::pack`]).
    pub(crate) fn packed(&self) -> Packed<'_> {
        (&self.steps, &self.marks, &self.far, self.last)
    }

    /// The index of `parts` (for [`crate::corpus::pack`]), checked so that nothing read
    /// from it can panic or point outside `text`: its arrays agree in length, every start
    /// and token end is on a character boundary of `text`, starts never decrease, the
    /// far distances are the steps of 255 in order, and every term id but [`BREAK`] is
    /// below `terms` (the document's interner).
    pub(crate) fn from_parts(
        parts: IndexParts,
        text: &str,
        terms: usize,
    ) -> Result<DocIndex, &'static str> {
        let IndexParts {
            tokens,
            steps,
            marks,
            far,
            last,
            lens,
            words,
        } = parts;
        let n = tokens.len();
        if steps.len() != n || lens.len() != n || marks.len() != n.div_ceil(BLOCK) {
            return Err("index arrays differ in length");
        }
        let known = |t: TermId| t == BREAK || (t as usize) < terms;
        if !words.iter().all(|&t| known(t)) {
            return Err("word id out of range");
        }
        let mut far_at = far.iter();
        let mut at = 0usize;
        for i in 0..n {
            let step = steps[i];
            if i % BLOCK == 0 {
                let mark = marks[i / BLOCK] as usize;
                if step != 0 || mark < at {
                    return Err("index block start");
                }
                at = mark;
            } else if step == 255 {
                match far_at.next() {
                    Some(&(token, d)) if token as usize == i && d >= 255 => {
                        at = at.checked_add(d as usize).ok_or("index far distance")?;
                    }
                    _ => return Err("index far distance"),
                }
            } else {
                at += usize::from(step);
            }
            if at > text.len() || !text.is_char_boundary(at) {
                return Err("token start outside the text");
            }
            let (token, len) = (tokens[i], lens[i]);
            if !known(token) || (token == BREAK && len != 0) {
                return Err("token id out of range");
            }
            if len < 255 && !text.is_char_boundary(at + usize::from(len)) {
                return Err("token end outside the text");
            }
        }
        if far_at.next().is_some() || last as usize != at {
            return Err("index far distances or last start");
        }
        Ok(DocIndex {
            tokens,
            steps,
            marks,
            far,
            last,
            lens,
            words,
        })
    }

    /// Replace every term id `t` by `ids[t]` (a document's own ids by the corpus's).
    pub fn remap(&mut self, ids: &[TermId]) {
        for t in self.tokens.iter_mut().chain(self.words.iter_mut()) {
            if *t != BREAK {
                *t = ids.get(*t as usize).copied().unwrap_or(BREAK);
            }
        }
    }

    /// Give back the memory vectors grew into.
    pub fn shrink(&mut self) {
        self.tokens.shrink_to_fit();
        self.steps.shrink_to_fit();
        self.marks.shrink_to_fit();
        self.far.shrink_to_fit();
        self.lens.shrink_to_fit();
        self.words.shrink_to_fit();
    }

    /// Bytes this index holds.
    pub fn heap_bytes(&self) -> usize {
        self.tokens.capacity() * 4
            + self.steps.capacity()
            + self.marks.capacity() * 4
            + self.far.capacity() * 8
            + self.lens.capacity()
            + self.words.capacity() * 4
    }

    /// The byte range of token `i` in `text` (the document's canonical text).
    pub fn token_range(&self, i: usize, text: &str) -> Range<usize> {
        let start = self.start(i).min(text.len());
        let len = self.lens.get(i).map_or(0, |&l| usize::from(l));
        if len < 255 {
            return start..(start + len).min(text.len());
        }
        // A long token (a URL): tokenize from its start to find its end.
        let rest = text.get(start..).unwrap_or_default();
        let line_end = rest.find('\n').map_or(text.len(), |e| start + e);
        let mut toks = Vec::new();
        crate::text::token::tokenize(text.get(start..line_end).unwrap_or_default(), &mut toks);
        toks.first().map_or(start..line_end, |t| {
            start + t.range.start..start + t.range.end
        })
    }

    /// Where `query` matches: the index of each match's first token. Matches never cross a
    /// paragraph and do not overlap.
    pub fn find(&self, m: &Matcher) -> Vec<usize> {
        let n = m.sets.len();
        let mut out = Vec::new();
        if n == 0 || self.tokens.len() < n {
            return out;
        }
        let last = self.tokens.len() - n;
        let mut i = 0;
        while i <= last {
            if m.accepts(0, self.tokens[i]) && (1..n).all(|k| m.accepts(k, self.tokens[i + k])) {
                out.push(i);
                i += n;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// A query resolved against a vocabulary: which term ids each pattern accepts.
#[derive(Debug, Clone)]
pub struct Matcher {
    sets: Vec<Accept>,
    /// The query matches case exactly: hits must be checked against the text.
    pub case_sensitive: bool,
}

#[derive(Debug, Clone)]
enum Accept {
    One(TermId),
    Set(Vec<u64>),
}

impl Matcher {
    /// Resolve `query` over `vocabulary` (every interned string, id = position).
    pub fn new<'a>(query: &Query, vocabulary: impl Iterator<Item = &'a str> + Clone) -> Matcher {
        let n = vocabulary.clone().count();
        let sets = (0..query.len())
            .map(|k| {
                let mut bits = vec![0u64; n.div_ceil(64)];
                for (id, term) in vocabulary.clone().enumerate() {
                    if query.matches(k, term) {
                        bits[id / 64] |= 1 << (id % 64);
                    }
                }
                let ones: Vec<usize> = (0..n)
                    .filter(|&id| bits[id / 64] >> (id % 64) & 1 == 1)
                    .take(2)
                    .collect();
                match ones.as_slice() {
                    [one] => Accept::One(*one as TermId),
                    _ => Accept::Set(bits),
                }
            })
            .collect();
        Matcher {
            sets,
            case_sensitive: query.case_sensitive(),
        }
    }

    /// How many tokens a match spans.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether the query is empty.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    #[inline]
    fn accepts(&self, k: usize, id: TermId) -> bool {
        if id == BREAK {
            return false;
        }
        match &self.sets[k] {
            Accept::One(one) => *one == id,
            Accept::Set(bits) => bits
                .get(id as usize / 64)
                .is_some_and(|w| w >> (id % 64) & 1 == 1),
        }
    }
}

/// Co-occurrences of `node` with each word within `left` words before and `right` after,
/// never across a sentence end, added into `out`. Returns how often `node` occurred.
pub fn cooccurrences(
    words: &[TermId],
    node: TermId,
    left: usize,
    right: usize,
    out: &mut FxHashMap<TermId, u64>,
) -> u64 {
    let mut seen = 0;
    for (i, &w) in words.iter().enumerate() {
        if w != node {
            continue;
        }
        seen += 1;
        for &c in words[..i]
            .iter()
            .rev()
            .take(left)
            .take_while(|&&c| c != BREAK)
        {
            *out.entry(c).or_insert(0) += 1;
        }
        for &c in words[i + 1..]
            .iter()
            .take(right)
            .take_while(|&&c| c != BREAK)
        {
            *out.entry(c).or_insert(0) += 1;
        }
    }
    seen
}

/// Count the `n`-word sequences of `words` (never across a sentence end) into `out`, keyed
/// by their ids; `keep` decides which sequences count (given the first and last word).
pub fn ngrams(
    words: &[TermId],
    n: usize,
    mut keep: impl FnMut(TermId, TermId) -> bool,
    out: &mut FxHashMap<Box<[TermId]>, u64>,
) {
    if n == 0 {
        return;
    }
    for run in words.split(|&w| w == BREAK) {
        for g in run.windows(n) {
            if keep(g[0], g[n - 1]) {
                match out.get_mut(g) {
                    Some(c) => *c += 1,
                    None => {
                        out.insert(g.into(), 1);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use crate::text::concordance::{Options, Query};

    fn corpus(texts: &[&str]) -> Corpus {
        let mut c = Corpus::new();
        for (i, t) in texts.iter().enumerate() {
            c.add_bytes(format!("{i}.txt"), t.as_bytes()).unwrap();
        }
        c
    }

    #[test]
    fn starts_kept_as_distances_come_back_exactly() {
        // Distances of every size (0, small, 254, 255, far), across several blocks.
        let mut idx = DocIndex::default();
        let mut starts = Vec::new();
        let mut at = 7u32;
        for k in 0..200u32 {
            at += match k % 7 {
                0 => 0,
                1 => 254,
                2 => 255,
                3 => 70_000,
                _ => k % 5 + 1,
            };
            idx.push_start(at);
            starts.push(at as usize);
        }
        let back: Vec<usize> = (0..starts.len()).map(|i| idx.start(i)).collect();
        assert_eq!(back, starts);
        assert_eq!(idx.start(starts.len() + BLOCK), 0, "past the end");
        // About 1.25 bytes a start, and the far ones.
        assert!(idx.steps.len() + idx.marks.len() * 4 < starts.len() * 2);
    }

    #[test]
    fn the_index_covers_every_token_and_word_in_order() {
        let text = "Tổng Bí thư làm việc với Ban Đối ngoại Trung ương.\nNgày 23/12, đối ngoại!";
        let c = corpus(&[text]);
        let d = &c.docs()[0];
        let toks: Vec<&str> = (0..d.index.tokens.len())
            .filter(|&i| d.index.tokens[i] != BREAK)
            .map(|i| &d.text[d.index.token_range(i, &d.text)])
            .collect();
        assert_eq!(toks[..4], ["Tổng", "Bí", "thư", "làm"]);
        assert!(toks.contains(&"23/12") && toks.contains(&","));
        let words: Vec<&str> = d
            .index
            .words
            .iter()
            .map(|&w| if w == BREAK { "|" } else { c.term(w).unwrap() })
            .collect();
        assert_eq!(words.iter().filter(|w| **w == "|").count(), 2);
        assert!(words.contains(&"đối ngoại"), "{words:?}");
        // Word-like words only: the date and the punctuation are not in the word stream.
        assert!(!words.contains(&"23/12") && !words.contains(&","));
        // The stream's words are the counted words.
        let counted: u64 = d.counts.word_freq.values().sum();
        assert_eq!(counted as usize, words.len() - 2);
    }

    #[test]
    fn matcher_finds_what_search_finds() {
        let text = "Công tác đối ngoại và ngoại giao nhân dân; ĐỐI NGOẠI đa phương.\nDoi ngoai viết không dấu. Đối\nngoại.";
        let c = corpus(&[text]);
        let d = &c.docs()[0];
        for (q, opts) in [
            ("đối ngoại", Options::default()),
            (
                "doi ngoai",
                Options {
                    ignore_accents: true,
                    ..Options::default()
                },
            ),
            ("ngoại*", Options::default()),
            ("đối *", Options::default()),
            ("*ươn*", Options::default()),
        ] {
            let query = Query::parse(q, opts).unwrap();
            let m = Matcher::new(&query, c.vocabulary());
            let found: Vec<&str> = d
                .index
                .find(&m)
                .into_iter()
                .map(|i| {
                    let s = d.index.token_range(i, &d.text).start;
                    let e = d.index.token_range(i + m.len() - 1, &d.text).end;
                    &d.text[s..e]
                })
                .collect();
            let expected: Vec<String> = crate::text::concordance::search(&d.text, &query, 5)
                .into_iter()
                .map(|h| h.matched)
                .collect();
            assert_eq!(found, expected, "{q}");
        }
    }

    #[test]
    fn cooccurrence_windows_stop_at_sentence_ends() {
        let (a, b, x, y) = (1, 2, 3, 4);
        let words = [a, x, b, BREAK, x, y, x, BREAK];
        let mut out = FxHashMap::default();
        assert_eq!(cooccurrences(&words, x, 1, 1, &mut out), 3);
        // First x: a and b; second: y (not b, across the break); third: y.
        assert_eq!(out[&a], 1);
        assert_eq!(out[&b], 1);
        assert_eq!(out[&y], 2);
        assert!(!out.contains_key(&BREAK));
        let mut out = FxHashMap::default();
        cooccurrences(&words, x, 5, 5, &mut out);
        // Within a sentence the other x is a collocate of each: 2 + 2.
        assert_eq!(out[&x], 2);
    }

    #[test]
    fn ngrams_stay_in_sentences() {
        let words = [1, 2, 3, BREAK, 2, 3, BREAK];
        let mut out = FxHashMap::default();
        ngrams(&words, 2, |_, _| true, &mut out);
        assert_eq!(out[&[2, 3][..]], 2);
        assert_eq!(out[&[1, 2][..]], 1);
        assert_eq!(out.len(), 2);
        let mut out = FxHashMap::default();
        ngrams(&words, 2, |first, _| first != 1, &mut out);
        assert_eq!(out.len(), 1);
    }
}
