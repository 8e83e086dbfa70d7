//! The features of the model: what it looks at around each gap between two tokens.
//!
//! A sentence of `n` tokens has gaps `1..n` (gap `g` sits between tokens `g - 1` and `g`);
//! the model decides for each gap whether it joins the two tokens into one word. It looks at:
//!
//! - syllable n-grams in a window around the gap (unigrams at offsets −3..+2, bigrams and
//!   trigrams that touch it), as lower-case folded keys;
//! - the shapes of the tokens around the gap and their conjunctions, fine (known syllable,
//!   Vietnamese-looking, other) and coarse (case and kind only, so that the few names of
//!   the training data teach one lesson: capitalized runs are names, "Đại hội XIII" is not);
//! - the lexicon: the longest lexicon word that ends, starts, or spans the gap, and how far
//!   the two syllables at the gap trust such a match ("nhất là" is in the lexicon, and VTB
//!   splits it);
//! - the training words ("dict"): the same over the multi-syllable words of the training
//!   data. While training, a sentence only sees the words of the *other* folds, so the model
//!   learns how far to trust the list for words it has not seen in context, instead of
//!   learning that it is always right (which it is on its own training sentences);
//! - whether greedy longest matching, forward and backward, over the lexicon and over the
//!   lexicon plus training words, puts a boundary here: a cheap view of how the words
//!   around the gap compete.
//!
//! Every feature maps to a slot in one flat weight vector. [`Tables::visit`] enumerates
//! `(gap, slot)` pairs; training collects them, the segmenter adds up the weights. Each
//! n-gram is looked up once per occurrence and then reaches all the gaps it touches through
//! consecutive slots, so the cost is a few lookups per token, not per feature.

use super::token::{self, Shape, COARSE, FIRST_WORD_ID, PAD, SHAPES};
use rustc_hash::FxHashMap;

/// Flag bit of a vocabulary entry or trie node: from the lexicon. The low bits are folds.
pub(crate) const LEXICON: u32 = 1 << 31;
/// All fold bits: what a word or syllable from the training data carries at run time.
pub(crate) const ALL_FOLDS: u32 = LEXICON - 1;

/// Token offsets (token index minus gap index) at which unigrams, bigrams (by their first
/// token) and trigrams are seen. Token `g - 1` is at −1, token `g` at 0. Measured on dev:
/// unigrams at −2..+1 or −4..+3 both do worse than −3..+2.
const UNI: (isize, isize) = (-3, 2);
const BI: (isize, isize) = (-3, 1);
const TRI: (isize, isize) = (-3, 0);
pub(crate) const UNI_W: usize = (UNI.1 - UNI.0 + 1) as usize;
pub(crate) const BI_W: usize = (BI.1 - BI.0 + 1) as usize;
pub(crate) const TRI_W: usize = (TRI.1 - TRI.0 + 1) as usize;
/// Padding tokens on each side of a sentence, so every window is inside the arrays.
const PADDING: usize = 3;

/// The keyed tables: bigrams, trigrams, and (syllable, side, lexicon match) triples.
pub(crate) const BIGRAM: usize = 0;
pub(crate) const TRIGRAM: usize = 1;
pub(crate) const LEX_ID: usize = 2;
/// Slots per row of each keyed table.
pub(crate) const ROW_WIDTH: [usize; 3] = [BI_W, TRI_W, 1];

/// Word lengths as features: none, 2, 3, 4, 5 or more syllables.
const L: usize = 5;
const S: usize = SHAPES;
/// Longest-match boundaries: 4 bits.
const M: usize = 16;

/// Per-gap templates with a dense table each, in slot order: their sizes.
const DENSE: [usize; 15] = [
    1,             // bias
    S * S,         // shapes of the two tokens at the gap
    S * S * S,     // shapes −2, −1, 0
    S * S * S,     // shapes −1, 0, +1
    S * S * S * S, // shapes −2..+1
    S * S,         // coarse shapes of the two tokens at the gap
    S * S * S * S, // coarse shapes −2..+1
    L * L * L,     // lexicon word ending / starting / spanning here
    L * L * L,     // the same over training words
    L * L,         // lexicon and training word spanning here
    L * S * S,     // lexicon word spanning here, with the two shapes
    L * S * S,     // lexicon word spanning here, with the two coarse shapes
    M,             // longest-match boundaries
    M * S * S,     // longest-match boundaries, with the two coarse shapes
    M * L * L * L, // longest-match boundaries, with the lexicon words here
];

/// The syllable vocabulary: folded keys with dense ids from [`FIRST_WORD_ID`] on, and for
/// each the folds of the training data it occurs in and whether the lexicon has it.
#[derive(Default, Clone)]
pub(crate) struct Vocab {
    ids: FxHashMap<Box<str>, u32>,
    pub(crate) words: Vec<Box<str>>,
    flags: Vec<u32>,
}

impl Vocab {
    pub(crate) fn get(&self, key: &str) -> Option<u32> {
        self.ids.get(key).copied()
    }

    /// The id of `key`, added if new; `flag` is or-ed into its flags. `None` when the
    /// vocabulary is full (ids must fit in [`ID_BITS`]).
    pub(crate) fn add(&mut self, key: &str, flag: u32) -> Option<u32> {
        let id = match self.ids.get(key) {
            Some(&id) => id,
            None if self.end() >= (1 << ID_BITS) - 1 => return None,
            None => {
                let id = self.end();
                self.ids.insert(key.into(), id);
                self.words.push(key.into());
                self.flags.push(0);
                id
            }
        };
        if let Some(f) = self.flags.get_mut((id - FIRST_WORD_ID) as usize) {
            *f |= flag;
        }
        Some(id)
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
    flags: Vec<u32>,
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
        // Depth-first without recursion (a word may be long): (node, depth, id into it).
        let mut stack = vec![(0u32, 0usize, 0u32)];
        while let Some((node, depth, id)) = stack.pop() {
            path.truncate(depth.saturating_sub(1));
            if depth > 0 {
                path.push(id);
            }
            let flag = self.flags.get(node as usize).copied().unwrap_or(0);
            if flag != 0 {
                out.push((path.clone(), flag));
            }
            let from = kids.partition_point(|k| k.0 < node);
            let mine = kids[from..].iter().take_while(|k| k.0 == node);
            let at = stack.len();
            stack.extend(mine.map(|&(_, id, child)| (child, depth + 1, id)));
            stack[at..].reverse();
        }
        out
    }
}

#[inline]
pub(crate) fn pack2(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Three ids of at most [`ID_BITS`] bits in one key.
#[inline]
fn pack3(a: u32, b: u32, c: u32) -> u64 {
    (u64::from(a) << (2 * ID_BITS)) | (u64::from(b) << ID_BITS) | u64::from(c)
}

/// Ids must fit in this many bits (two million syllables: far more than any vocabulary).
pub(crate) const ID_BITS: u32 = 21;

/// Looks up the row of a key in one of the keyed tables. At run time a plain lookup; while
/// training, the first pass adds every key it meets.
pub(crate) trait Rows {
    fn row(&mut self, table: usize, key: u64) -> Option<u32>;
}

/// The keyed tables: key → row, per table.
pub(crate) type Keyed = [FxHashMap<u64, u32>; 3];

impl Rows for &Keyed {
    #[inline]
    fn row(&mut self, table: usize, key: u64) -> Option<u32> {
        self[table].get(&key).copied()
    }
}

/// Adds every key it is asked about (training's first pass).
pub(crate) struct Grow<'a>(pub(crate) &'a mut Keyed);

impl Rows for Grow<'_> {
    fn row(&mut self, table: usize, key: u64) -> Option<u32> {
        let map = &mut self.0[table];
        let next = map.len() as u32;
        Some(*map.entry(key).or_insert(next))
    }
}

/// Everything that turns tokens into slots: vocabulary, keyed rows, word trie.
#[derive(Clone, Default)]
pub(crate) struct Tables {
    pub(crate) vocab: Vocab,
    pub(crate) keyed: Keyed,
    pub(crate) trie: Trie,
    /// Number of ids that have unigram weights (the class ids and the training vocabulary;
    /// syllables only the lexicon has come after).
    pub(crate) uni_ids: u32,
}

/// Where each template's slots start in the weight vector.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    pub(crate) keyed: [usize; 3],
    pub(crate) dense: usize,
    /// The 4 transition weights (previous gap joined?, this gap joined?).
    pub(crate) trans: usize,
    /// Total number of slots.
    pub(crate) len: usize,
}

impl Tables {
    pub(crate) fn layout(&self) -> Layout {
        let mut at = self.uni_ids as usize * UNI_W;
        let mut keyed = [0; 3];
        for (t, base) in keyed.iter_mut().enumerate() {
            *base = at;
            at += self.keyed[t].len() * ROW_WIDTH[t];
        }
        let dense = at;
        let trans = dense + DENSE.iter().sum::<usize>();
        Layout {
            keyed,
            dense,
            trans,
            len: trans + 4,
        }
    }

    /// Fills `s` with the ids, shapes and word matches of `tokens`. `folds` selects which
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
        self.matches(folds, s);
    }

    /// Finds the lexicon and training words in the sentence: for each gap the longest of
    /// each ending, starting and spanning there (as length buckets), and the boundaries of
    /// greedy longest matching.
    fn matches(&self, folds: u32, s: &mut Scratch) {
        let n = s.n;
        s.spans.clear();
        s.spans.resize(n + 1, [0; 6]);
        // Per position: longest lexicon word starting / ending here, then the same for
        // lexicon or training words.
        s.longest.clear();
        s.longest.resize(n + 1, [0; 4]);
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
                let (lex, dict) = (flag & LEXICON != 0, flag & folds != 0);
                let bucket = len.min(L) as u8 - 1;
                let len = len.min(255) as u8;
                for (on, which) in [(lex, 0), (dict, 3)] {
                    if on {
                        let sp = &mut s.spans;
                        sp[end][which] = sp[end][which].max(bucket);
                        sp[start][which + 1] = sp[start][which + 1].max(bucket);
                        for gap in &mut sp[start + 1..end] {
                            gap[which + 2] = gap[which + 2].max(bucket);
                        }
                    }
                }
                for (on, which) in [(lex, 0), (lex || dict, 2)] {
                    if on {
                        let lo = &mut s.longest;
                        lo[start][which] = lo[start][which].max(len);
                        lo[end][which + 1] = lo[end][which + 1].max(len);
                    }
                }
            }
        }
        // Greedy longest matching, forward and backward; bit set = boundary at this gap.
        s.mm.clear();
        s.mm.resize(n + 1, 0);
        for which in [0, 2] {
            let mut i = 0;
            while i < n {
                i += usize::from(s.longest[i][which].max(1));
                if i < n {
                    s.mm[i] |= 1 << which;
                }
            }
            let mut j = n;
            while j > 0 {
                j -= usize::from(s.longest[j][which + 1].max(1)).min(j);
                s.mm[j] |= 2 << which;
            }
        }
    }

    /// Calls `emit(gap, slot)` for every feature of every gap of the prepared sentence,
    /// finding keyed rows through `rows`.
    #[inline]
    pub(crate) fn visit(
        &self,
        mut rows: impl Rows,
        layout: &Layout,
        s: &Scratch,
        mut emit: impl FnMut(usize, usize),
    ) {
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
        let mut put = |base: usize, j: isize, window: (isize, isize)| {
            for (g, r) in gaps(j, window) {
                emit(g, base + r);
            }
        };
        for p in 0..ids.len() {
            let j = p as isize - PADDING as isize;
            let id = ids[p];
            // Unigram rows are dense, indexed by id: no lookup.
            if id < self.uni_ids {
                put(id as usize * UNI_W, j, UNI);
            }
            // N-grams that reach no gap (in the padding) need no lookup.
            if j - BI.0 < 1 || j - BI.1 > n as isize - 1 {
                continue;
            }
            let Some(&next) = ids.get(p + 1) else {
                continue;
            };
            if let Some(row) = rows.row(BIGRAM, pack2(id, next)) {
                put(layout.keyed[BIGRAM] + row as usize * BI_W, j, BI);
            }
            let Some(&third) = ids.get(p + 2) else {
                continue;
            };
            if let Some(row) = rows.row(TRIGRAM, pack3(id, next, third)) {
                put(layout.keyed[TRIGRAM] + row as usize * TRI_W, j, TRI);
            }
        }
        let sh = &s.shapes;
        for g in 1..n {
            let p = g + PADDING;
            let [a, b, c, e] = [sh[p - 2], sh[p - 1], sh[p], sh[p + 1]].map(usize::from);
            let [ca, cb, cc, ce] = [a, b, c, e].map(|x| usize::from(COARSE[x]));
            let [lex_end, lex_start, lex_in, dict_end, dict_start, dict_in] =
                s.spans[g].map(usize::from);
            let lex = (lex_end * L + lex_start) * L + lex_in;
            let mm = usize::from(s.mm[g]);
            // In the order of `DENSE`.
            let f = [
                0,
                b * S + c,
                (a * S + b) * S + c,
                (b * S + c) * S + e,
                ((a * S + b) * S + c) * S + e,
                cb * S + cc,
                ((ca * S + cb) * S + cc) * S + ce,
                lex,
                (dict_end * L + dict_start) * L + dict_in,
                lex_in * L + dict_in,
                (lex_in * S + b) * S + c,
                (lex_in * S + cb) * S + cc,
                mm,
                (mm * S + cb) * S + cc,
                mm * L * L * L + lex,
            ];
            let mut at = layout.dense;
            for (index, size) in f.into_iter().zip(DENSE) {
                emit(g, at + index);
                at += size;
            }
            // How far the syllables at the gap trust the lexicon's match here.
            for (side, id) in [(0u64, ids[p - 1]), (1, ids[p])] {
                let key = (u64::from(id) << 16) | (side << 12) | lex as u64;
                if let Some(row) = rows.row(LEX_ID, key) {
                    emit(g, layout.keyed[LEX_ID] + row as usize);
                }
            }
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
    longest: Vec<[u8; 4]>,
    mm: Vec<u8>,
    pub(crate) scores: Vec<i32>,
    pub(crate) back: Vec<[bool; 2]>,
    pub(crate) labels: Vec<bool>,
}
