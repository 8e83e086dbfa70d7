//! The features of the model: what it looks at around each gap between two tokens.
//!
//! A sentence of `n` tokens has gaps `1..n` (gap `g` sits between tokens `g - 1` and `g`);
//! the model decides for each gap whether it joins the two tokens into one word. It looks at:
//!
//! - syllable n-grams in a window around the gap (unigrams at offsets −3..+2, bigrams and
//!   trigrams that touch it), as lower-case folded keys;
//! - the shapes of the tokens next to the gap and their conjunctions (capitalized runs are
//!   names, "Đại hội XIII" is not one);
//! - the lexicon: the longest lexicon word that ends, starts, or spans the gap here;
//! - the training words ("dict"): the same, over the multi-syllable words of the training
//!   data. While training, a sentence only sees the words of the *other* folds, so the model
//!   learns how far to trust the list for words it has not seen in context, instead of
//!   learning that it is always right (which it is on its own training sentences).
//!
//! Every feature maps to a slot in one flat weight vector. [`Tables::visit`] enumerates
//! `(gap, slot)` pairs; training collects them, the segmenter adds up the weights. Each
//! n-gram is looked up once per occurrence and then reaches all the gaps it touches through
//! consecutive slots, so the cost is a few lookups per token, not per feature.

use super::token::{self, Shape, FIRST_WORD_ID, PAD, SHAPES};
use rustc_hash::FxHashMap;

/// Flag bit of a vocabulary entry or trie node: from the lexicon. The low bits are folds.
pub(crate) const LEXICON: u32 = 1 << 31;
/// All fold bits: what a word or syllable from the training data carries at run time.
pub(crate) const ALL_FOLDS: u32 = LEXICON - 1;

/// Token offsets (token index minus gap index) at which unigrams, bigrams (by their first
/// token) and trigrams are seen. Token `g - 1` is at −1, token `g` at 0.
const UNI: (isize, isize) = (-3, 2);
const BI: (isize, isize) = (-3, 1);
const TRI: (isize, isize) = (-3, 0);
pub(crate) const UNI_W: usize = (UNI.1 - UNI.0 + 1) as usize;
pub(crate) const BI_W: usize = (BI.1 - BI.0 + 1) as usize;
pub(crate) const TRI_W: usize = (TRI.1 - TRI.0 + 1) as usize;
/// Padding tokens on each side of a sentence, so every window is inside the arrays.
const PADDING: usize = 3;

/// Word lengths as features: none, 2, 3, 4, 5 or more syllables.
const LEN_BUCKETS: usize = 5;
const S: usize = SHAPES;
const L: usize = LEN_BUCKETS;

/// Per-gap templates with a dense table each, in slot order: their sizes.
const DENSE: [usize; 9] = [
    1,             // bias
    S * S,         // shapes of the two tokens at the gap
    S * S * S,     // shapes −2, −1, 0
    S * S * S,     // shapes −1, 0, +1
    S * S * S * S, // shapes −2..+1
    L * L * L,     // lexicon word ending / starting / spanning here
    L * L * L,     // the same over training words
    L * L,         // lexicon and training word spanning here
    L * S * S,     // lexicon word spanning here, with the two shapes
];

/// The syllable vocabulary: folded keys with dense ids from [`FIRST_WORD_ID`] on, and for
/// each the folds of the training data it occurs in and whether the lexicon has it.
#[derive(Default, Clone)]
pub(crate) struct Vocab {
    ids: FxHashMap<Box<str>, u32>,
    pub(crate) words: Vec<Box<str>>,
    pub(crate) flags: Vec<u32>,
}

impl Vocab {
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        self.ids.get(key).copied()
    }

    /// The id of `key`, added if new; `flag` is or-ed into its flags.
    pub(crate) fn add(&mut self, key: &str, flag: u32) -> u32 {
        let id = match self.ids.get(key) {
            Some(&id) => id,
            None => {
                let id = FIRST_WORD_ID + self.words.len() as u32;
                self.ids.insert(key.into(), id);
                self.words.push(key.into());
                self.flags.push(0);
                id
            }
        };
        if let Some(f) = self.flags.get_mut((id - FIRST_WORD_ID) as usize) {
            *f |= flag;
        }
        id
    }

    /// One past the largest id.
    pub(crate) fn end(&self) -> u32 {
        FIRST_WORD_ID + self.words.len() as u32
    }

    fn flags_of(&self, id: u32) -> u32 {
        id.checked_sub(FIRST_WORD_ID)
            .and_then(|i| self.flags.get(i as usize))
            .copied()
            .unwrap_or(0)
    }
}

/// Multi-syllable words (lexicon and training words) as a trie over syllable ids.
#[derive(Clone)]
pub(crate) struct Trie {
    children: FxHashMap<u64, u32>,
    /// Per node: [`LEXICON`] and fold bits of the word ending here (0: not a word).
    pub(crate) flags: Vec<u32>,
}

impl Default for Trie {
    fn default() -> Self {
        Trie {
            children: FxHashMap::default(),
            flags: vec![0],
        }
    }
}

impl Trie {
    pub(crate) fn insert(&mut self, ids: &[u32], flag: u32) {
        let mut node = 0u32;
        for &id in ids {
            let next = self.flags.len() as u32;
            node = *self.children.entry(pack2(node, id)).or_insert(next);
            if node == next {
                self.flags.push(0);
            }
        }
        if let Some(f) = self.flags.get_mut(node as usize) {
            *f |= flag;
        }
    }

    #[inline]
    fn child(&self, node: u32, id: u32) -> Option<u32> {
        self.children.get(&pack2(node, id)).copied()
    }

    /// Every word as (ids, flags), in a deterministic order (sorted by ids).
    pub(crate) fn words(&self) -> Vec<(Vec<u32>, u32)> {
        let mut kids: Vec<(u32, u32, u32)> = self
            .children
            .iter()
            .map(|(&k, &child)| ((k >> 32) as u32, k as u32, child))
            .collect();
        kids.sort_unstable();
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.walk(0, &kids, &mut path, &mut out);
        out
    }

    fn walk(
        &self,
        node: u32,
        kids: &[(u32, u32, u32)],
        path: &mut Vec<u32>,
        out: &mut Vec<(Vec<u32>, u32)>,
    ) {
        let flag = self.flags.get(node as usize).copied().unwrap_or(0);
        if flag != 0 {
            out.push((path.clone(), flag));
        }
        let from = kids.partition_point(|k| k.0 < node);
        for &(_, id, child) in kids[from..].iter().take_while(|k| k.0 == node) {
            path.push(id);
            self.walk(child, kids, path, out);
            path.pop();
        }
    }
}

#[inline]
pub(crate) fn pack2(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Three ids of at most [`ID_BITS`] bits in one key.
#[inline]
pub(crate) fn pack3(a: u32, b: u32, c: u32) -> u64 {
    (u64::from(a) << (2 * ID_BITS)) | (u64::from(b) << ID_BITS) | u64::from(c)
}

/// Ids must fit in this many bits (two million syllables: far more than any vocabulary).
pub(crate) const ID_BITS: u32 = 21;

/// Everything that turns tokens into slots: vocabulary, n-gram rows, word trie, layout.
#[derive(Clone, Default)]
pub(crate) struct Tables {
    pub(crate) vocab: Vocab,
    /// Bigram key → row; the row's weights are `BI_W` consecutive slots.
    pub(crate) bigrams: FxHashMap<u64, u32>,
    /// Trigram key → row.
    pub(crate) trigrams: FxHashMap<u64, u32>,
    pub(crate) trie: Trie,
    /// Number of ids that have unigram weights (the training vocabulary and the class ids).
    pub(crate) uni_ids: u32,
    pub(crate) bi_rows: u32,
    pub(crate) tri_rows: u32,
}

/// Where each template's slots start in the weight vector.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    pub(crate) bi: usize,
    pub(crate) tri: usize,
    pub(crate) dense: [usize; DENSE.len()],
    /// The 4 transition weights (previous gap joined?, this gap joined?).
    pub(crate) trans: usize,
    /// Total number of slots.
    pub(crate) len: usize,
}

impl Tables {
    pub(crate) fn layout(&self) -> Layout {
        let bi = self.uni_ids as usize * UNI_W;
        let tri = bi + self.bi_rows as usize * BI_W;
        let mut at = tri + self.tri_rows as usize * TRI_W;
        let mut dense = [0; DENSE.len()];
        for (d, size) in dense.iter_mut().zip(DENSE) {
            *d = at;
            at += size;
        }
        Layout {
            bi,
            tri,
            dense,
            trans: at,
            len: at + 4,
        }
    }

    /// Fills `s` with the ids, shapes and word spans of `tokens`. `folds` selects which
    /// training folds count as seen ([`ALL_FOLDS`] at run time).
    pub(crate) fn prepare<'t>(
        &self,
        tokens: impl ExactSizeIterator<Item = &'t str>,
        folds: u32,
        s: &mut Scratch,
    ) {
        let n = tokens.len();
        s.n = n;
        s.ids.clear();
        s.shapes.clear();
        s.ids.resize(PADDING, 0);
        s.shapes.resize(PADDING, PAD);
        let seen = folds | LEXICON;
        for t in tokens {
            let (class, vietnamese) = token::analyze(t, &mut s.key);
            let own = if token::has_own_id(class) {
                self.vocab.get(&s.key)
            } else {
                None
            };
            let known = own.is_some_and(|id| self.vocab.flags_of(id) & seen != 0);
            let shape = token::shape(class, vietnamese, known);
            s.ids
                .push(own.unwrap_or_else(|| token::class_id(class, shape)));
            s.shapes.push(shape);
        }
        s.ids.resize(n + 2 * PADDING, 0);
        s.shapes.resize(n + 2 * PADDING, PAD);
        self.spans(folds, s);
    }

    /// For each gap, the longest lexicon and training word ending, starting and spanning
    /// there, as length buckets.
    fn spans(&self, folds: u32, s: &mut Scratch) {
        let n = s.n;
        s.spans.clear();
        s.spans.resize(n + 1, [0; 6]);
        for start in 0..n {
            let mut node = 0;
            for end in start + 1..=n {
                let Some(next) = self.trie.child(node, s.ids[end - 1 + PADDING]) else {
                    break;
                };
                node = next;
                let flag = self.trie.flags.get(node as usize).copied().unwrap_or(0);
                let len = end - start;
                if flag == 0 || len < 2 {
                    continue;
                }
                let b = len.min(L) as u8 - 1;
                for (which, on) in [(0, flag & LEXICON != 0), (3, flag & folds != 0)] {
                    if !on {
                        continue;
                    }
                    let e = &mut s.spans[end][which];
                    *e = (*e).max(b);
                    let st = &mut s.spans[start][which + 1];
                    *st = (*st).max(b);
                    for gap in &mut s.spans[start + 1..end] {
                        gap[which + 2] = gap[which + 2].max(b);
                    }
                }
            }
        }
    }

    /// Calls `emit(gap, slot)` for every feature of every gap of the prepared sentence.
    #[inline]
    pub(crate) fn visit(&self, layout: &Layout, s: &Scratch, mut emit: impl FnMut(usize, usize)) {
        let n = s.n;
        if n < 2 {
            return;
        }
        let ids = &s.ids;
        // Token j (padded position p = j + PADDING) at offset r feeds gap g = j - r; only
        // gaps 1..n exist.
        let gaps = |j: isize, (lo, hi): (isize, isize)| {
            let first = (j - hi).max(1);
            let last = (j - lo).min(n as isize - 1);
            (first..=last).map(move |g| (g as usize, (j - g - lo) as usize))
        };
        for p in 0..ids.len() {
            let j = p as isize - PADDING as isize;
            let id = ids[p];
            if id < self.uni_ids {
                let base = id as usize * UNI_W;
                for (g, r) in gaps(j, UNI) {
                    emit(g, base + r);
                }
            }
            if let Some(&next) = ids.get(p + 1) {
                if let Some(&row) = self.bigrams.get(&pack2(id, next)) {
                    let base = layout.bi + row as usize * BI_W;
                    for (g, r) in gaps(j, BI) {
                        emit(g, base + r);
                    }
                }
                if let Some(&third) = ids.get(p + 2) {
                    if let Some(&row) = self.trigrams.get(&pack3(id, next, third)) {
                        let base = layout.tri + row as usize * TRI_W;
                        for (g, r) in gaps(j, TRI) {
                            emit(g, base + r);
                        }
                    }
                }
            }
        }
        let sh = &s.shapes;
        let d = &layout.dense;
        for g in 1..n {
            let p = g + PADDING;
            let (a, b, c, e) = (
                sh[p - 2] as usize,
                sh[p - 1] as usize,
                sh[p] as usize,
                sh[p + 1] as usize,
            );
            let sp = s.spans[g].map(usize::from);
            let (lex_end, lex_start, lex_in) = (sp[0], sp[1], sp[2]);
            let (dict_end, dict_start, dict_in) = (sp[3], sp[4], sp[5]);
            emit(g, d[0]);
            emit(g, d[1] + b * S + c);
            emit(g, d[2] + (a * S + b) * S + c);
            emit(g, d[3] + (b * S + c) * S + e);
            emit(g, d[4] + ((a * S + b) * S + c) * S + e);
            emit(g, d[5] + (lex_end * L + lex_start) * L + lex_in);
            emit(g, d[6] + (dict_end * L + dict_start) * L + dict_in);
            emit(g, d[7] + lex_in * L + dict_in);
            emit(g, d[8] + (lex_in * S + b) * S + c);
        }
    }
}

/// Per-sentence working memory, reused from one sentence to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    key: String,
    pub(crate) n: usize,
    ids: Vec<u32>,
    shapes: Vec<Shape>,
    spans: Vec<[u8; 6]>,
    pub(crate) scores: Vec<i32>,
    pub(crate) back: Vec<[bool; 2]>,
    pub(crate) labels: Vec<bool>,
}

impl Scratch {
    /// The ids of the prepared sentence with their padding.
    pub(crate) fn padded_ids(&self) -> &[u32] {
        &self.ids
    }
}
