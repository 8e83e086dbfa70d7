//! The features of the model: what it looks at around each gap between two tokens.
//!
//! A sentence of `n` tokens has gaps `1..n` (gap `g` sits between tokens `g - 1` and `g`);
//! the model decides for each gap whether it joins the two tokens into one word. It looks at:
//!
//! - syllable unigrams and bigrams in a window around the gap (offsets −3..+2), as
//!   lower-case folded keys (trigrams were measured: no better on dev with the lexicon,
//!   worse without, and a lookup more per token);
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
//! - whether a lexicon or training word spans the gap, with the coarse shapes around it: at
//!   the start of a sentence VTB nearly always splits two capitalized syllables ("Ông |
//!   Nguyễn_Thế_Khanh"), and without this the model split "Việt Nam" and "Tổng Bí thư"
//!   there too;
//! - whether greedy longest matching, forward and backward, over the lexicon and over the
//!   lexicon plus training words, puts a boundary here: a cheap view of how the words
//!   around the gap compete.
//!
//! Every feature maps to a slot in one flat weight vector. [`Tables::visit_keyed`] and
//! [`Tables::visit_dense`] enumerate `(gap, slot)` pairs; training collects them. At run
//! time the segmenter adds up the weights: each syllable and pair of syllables is looked up
//! once and reaches all the gaps it touches through consecutive slots, and the per-gap
//! templates are folded into a few tables at load ([`Dense`]), so the cost is a few lookups
//! per token, not one per feature.

use super::token::{self, Shape, COARSE, FIRST_WORD_ID, PAD, SHAPES};
use rustc_hash::FxHashMap;

/// Flag bit of a vocabulary entry or word: from the lexicon. The low bits are folds.
pub(crate) const LEXICON: u32 = 1 << 31;
/// Flag bit of a word index node: longer words continue from here.
const EXTENDS: u32 = 1 << 30;
/// All fold bits: what a word or syllable from the training data carries at run time.
pub(crate) const ALL_FOLDS: u32 = EXTENDS - 1;

/// Token offsets (token index minus gap index) at which unigrams and bigrams (by their
/// first token) are seen. Token `g - 1` is at −1, token `g` at 0. Measured on dev: unigrams
/// at −2..+1 or −4..+3 both do worse than −3..+2.
const UNI: (isize, isize) = (-3, 2);
const BI: (isize, isize) = (-3, 1);
pub(crate) const UNI_W: usize = (UNI.1 - UNI.0 + 1) as usize;
pub(crate) const BI_W: usize = (BI.1 - BI.0 + 1) as usize;
/// Padding tokens on each side of a sentence, so every window is inside the arrays.
const PADDING: usize = 3;

/// Word lengths as features: none, 2, 3, 4, 5 or more syllables.
const L: usize = 5;
const S: usize = SHAPES;
/// Longest-match boundaries: 4 bits.
const M: usize = 16;

/// Per-gap templates with a dense table each, in slot order: their sizes.
const DENSE: [usize; 16] = [
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
    4 * S * S * S, // a lexicon / training word spans here?, with coarse shapes −2..0
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

/// A bigram without a row.
const NO_ROW: u32 = u32::MAX;

/// What the model knows about two adjacent syllables: their bigram row, and the node of
/// the word index they lead to, with its flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pair {
    row: u32,
    /// 0: no word starts with these two syllables.
    node: u32,
    /// [`LEXICON`] and fold bits of the two-syllable word, [`EXTENDS`] if longer words
    /// start with it.
    flags: u32,
}

impl Default for Pair {
    fn default() -> Self {
        Pair {
            row: NO_ROW,
            node: 0,
            flags: 0,
        }
    }
}

/// Syllable pairs and multi-syllable words (lexicon and training words): one map from a
/// pair of ids to its bigram row and the first node of a word trie, so that one lookup per
/// token serves both the bigram features and the word matching; longer words continue in
/// a second map.
#[derive(Clone, Default)]
pub(crate) struct Index {
    pairs: FxHashMap<u64, Pair>,
    /// Edges below the pairs: (node, id) → (node, flags).
    deeper: FxHashMap<u64, (u32, u32)>,
    nodes: u32,
    /// Number of pairs with a bigram row.
    pub(crate) bigrams: u32,
}

impl Index {
    /// Gives the pair `key` a bigram row if it has none.
    pub(crate) fn add_bigram(&mut self, key: u64) {
        let pair = self.pairs.entry(key).or_default();
        if pair.row == NO_ROW {
            pair.row = self.bigrams;
            self.bigrams += 1;
        }
    }

    /// Adds a word of two or more syllables (shorter ones are ignored) with `flag`.
    pub(crate) fn insert_word(&mut self, ids: &[u32], flag: u32) {
        let [a, b, rest @ ..] = ids else {
            return;
        };
        let pair = self.pairs.entry(pack2(*a, *b)).or_default();
        if pair.node == 0 {
            self.nodes += 1;
            pair.node = self.nodes;
        }
        pair.flags |= if rest.is_empty() { flag } else { EXTENDS };
        let mut node = pair.node;
        for (k, &id) in rest.iter().enumerate() {
            let edge = self.deeper.entry(pack2(node, id)).or_insert((0, 0));
            if edge.0 == 0 {
                self.nodes += 1;
                edge.0 = self.nodes;
            }
            edge.1 |= if k + 1 == rest.len() { flag } else { EXTENDS };
            node = edge.0;
        }
    }

    #[inline]
    fn pair(&self, a: u32, b: u32) -> Pair {
        self.pairs.get(&pack2(a, b)).copied().unwrap_or_default()
    }

    #[inline]
    fn deeper(&self, node: u32, id: u32) -> Option<(u32, u32)> {
        self.deeper.get(&pack2(node, id)).copied()
    }

    /// The pairs with a bigram row, as (key, row), sorted by key.
    pub(crate) fn bigram_rows(&self) -> Vec<(u64, u32)> {
        let mut rows: Vec<(u64, u32)> = self
            .pairs
            .iter()
            .filter(|(_, p)| p.row != NO_ROW)
            .map(|(&k, p)| (k, p.row))
            .collect();
        rows.sort_unstable();
        rows
    }

    /// Every word as (ids, flags without [`EXTENDS`]), sorted by ids.
    pub(crate) fn words(&self) -> Vec<(Vec<u32>, u32)> {
        let mut kids: Vec<(u32, u32, u32, u32)> = self
            .deeper
            .iter()
            .map(|(&k, &(child, flags))| ((k >> 32) as u32, k as u32, child, flags))
            .collect();
        kids.sort_unstable();
        let mut firsts: Vec<(u64, Pair)> = self
            .pairs
            .iter()
            .filter(|(_, p)| p.node != 0)
            .map(|(&k, &p)| (k, p))
            .collect();
        firsts.sort_unstable_by_key(|&(k, _)| k);
        let mut out = Vec::new();
        // Depth-first without recursion (a word may be long): (node, flags, path length,
        // id into the node).
        let mut stack = Vec::new();
        let mut path = Vec::new();
        for (key, pair) in firsts {
            stack.push((pair.node, pair.flags, 2, key as u32));
            path.clear();
            path.push((key >> 32) as u32);
            while let Some((node, flags, depth, id)) = stack.pop() {
                path.truncate(depth - 1);
                path.push(id);
                if flags & !EXTENDS != 0 {
                    out.push((path.clone(), flags & !EXTENDS));
                }
                if flags & EXTENDS != 0 {
                    let from = kids.partition_point(|k| k.0 < node);
                    let mine = kids[from..].iter().take_while(|k| k.0 == node);
                    let at = stack.len();
                    stack.extend(mine.map(|&(_, id, child, f)| (child, f, depth + 1, id)));
                    stack[at..].reverse();
                }
            }
        }
        out
    }
}

/// The lexicon buckets at a gap (ending, starting, spanning) as one number `< L³`.
#[inline]
fn lex_conj([end, start, span]: [usize; 3]) -> usize {
    (end * L + start) * L + span
}

/// What the syllable × lexicon-match rows see of the lexicon at a gap: whether a lexicon
/// word ends here, whether one starts here, and the length bucket of the longest one
/// spanning it; `< TRUST`. (The full `lex_conj`, 125 values instead of 20, measured the
/// same on dev and needs a hash lookup instead of an array index.)
#[inline]
fn lex_trust([end, start, span]: [u8; 3]) -> usize {
    (usize::from(end > 0) * 2 + usize::from(start > 0)) * L + usize::from(span)
}
const TRUST: usize = 4 * L;

/// Key of a syllable × lexicon-match row: the syllable, its side of the gap (0: before),
/// [`lex_trust`] at the gap.
fn lex_key(id: u32, side: usize, trust: usize) -> u64 {
    (u64::from(id) << 16) | ((side as u64) << 8) | trust as u64
}

#[inline]
pub(crate) fn pack2(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Ids must fit in this many bits: two million syllables, far more than any vocabulary,
/// and a bound on what a model file can make the loader allocate for arrays indexed by id.
pub(crate) const ID_BITS: u32 = 21;

/// Looks up the row of a syllable × lexicon-match key. At run time a plain lookup; while
/// training, the first pass adds every key it meets.
pub(crate) trait Rows {
    fn row(&mut self, key: u64) -> Option<u32>;
}

impl Rows for &FxHashMap<u64, u32> {
    #[inline]
    fn row(&mut self, key: u64) -> Option<u32> {
        self.get(&key).copied()
    }
}

/// Adds every key it is asked about (training's first pass).
pub(crate) struct Grow<'a>(pub(crate) &'a mut FxHashMap<u64, u32>);

impl Rows for Grow<'_> {
    fn row(&mut self, key: u64) -> Option<u32> {
        let next = self.0.len() as u32;
        Some(*self.0.entry(key).or_insert(next))
    }
}

/// Everything that turns tokens into slots: vocabulary, pairs and words, keyed rows.
#[derive(Clone, Default)]
pub(crate) struct Tables {
    pub(crate) vocab: Vocab,
    /// Run time only: the exact spellings (lower case, capitalized) of the known syllables
    /// with their id and shape, so most tokens skip [`token::analyze`]. Built from the
    /// vocabulary through `analyze` itself ([`Tables::index_for_run_time`]), so both paths
    /// agree.
    forms: FxHashMap<Box<str>, (u32, Shape)>,
    /// Run time only: the syllable × lexicon-match rows as an array, by `(2 * id + side) *
    /// TRUST + trust`, plus one (0: none): an index instead of a hash lookup per gap.
    lex_index: Vec<u32>,
    /// Whether `forms` and `lex_index` are built (at load; training looks everything up).
    indexed: bool,
    pub(crate) index: Index,
    /// Syllable × lexicon-match key → row.
    pub(crate) lex_rows: FxHashMap<u64, u32>,
    /// Number of ids that have unigram weights (the class ids and the training vocabulary;
    /// syllables only the lexicon has come after).
    pub(crate) uni_ids: u32,
}

/// Where each template's slots start in the weight vector.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    pub(crate) bigrams: usize,
    pub(crate) lex_rows: usize,
    pub(crate) dense: usize,
    /// The 4 transition weights (previous gap joined?, this gap joined?).
    pub(crate) trans: usize,
    /// Total number of slots.
    pub(crate) len: usize,
}

impl Tables {
    pub(crate) fn layout(&self) -> Layout {
        let bigrams = self.uni_ids as usize * UNI_W;
        let lex_rows = bigrams + self.index.bigrams as usize * BI_W;
        let dense = lex_rows + self.lex_rows.len();
        let trans = dense + DENSE.iter().sum::<usize>();
        Layout {
            bigrams,
            lex_rows,
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
        let fast = folds == ALL_FOLDS;
        for t in tokens {
            if let Some(&(id, shape)) = self.forms.get(t).filter(|_| fast) {
                s.ids.push(id);
                s.shapes.push(shape);
                continue;
            }
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
        s.pairs.clear();
        s.pairs
            .extend(s.ids.windows(2).map(|w| self.index.pair(w[0], w[1])));
        self.matches(folds, s);
    }

    /// Builds the run-time indexes once the model is complete: the spelling index (each
    /// syllable as is and capitalized, when `analyze` maps the spelling back to the
    /// syllable) and the rows of gaps without a lexicon match.
    pub(crate) fn index_for_run_time(&mut self) {
        let mut key = String::new();
        let mut forms = FxHashMap::default();
        forms.reserve(2 * self.vocab.words.len());
        for (i, word) in self.vocab.words.iter().enumerate() {
            let id = FIRST_WORD_ID + i as u32;
            let mut chars = word.chars();
            let capitalized: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            for form in [&**word, &capitalized] {
                let (class, vietnamese) = token::analyze(form, &mut key);
                if token::has_own_id(class) && key == **word {
                    let known = self.vocab.flags_of(id) & (ALL_FOLDS | LEXICON) != 0;
                    forms.insert(form.into(), (id, token::shape(class, vietnamese, known)));
                }
            }
        }
        self.forms = forms;
        // Only the training vocabulary (and the class ids) can have rows.
        self.lex_index = vec![0; 2 * self.uni_ids as usize * TRUST];
        for (&key, &row) in &self.lex_rows {
            let (id, side, trust) = ((key >> 16) as usize, (key >> 8) as u8, key as u8);
            let i = (2 * id + usize::from(side)) * TRUST + usize::from(trust);
            if let Some(slot) = self.lex_index.get_mut(i).filter(|_| side < 2) {
                *slot = row.saturating_add(1);
            }
        }
        self.indexed = true;
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
        let bucket = |len: usize| len.min(L) as u8 - 1;
        for start in 0..n.saturating_sub(1) {
            let pair = s.pairs[start + PADDING];
            if pair.node == 0 {
                continue;
            }
            // Every word ending somewhere updates that end; only the longest word of each
            // kind from this start matters for what starts here and what it spans.
            let (mut node, mut flags) = (pair.node, pair.flags);
            let mut end = start + 2;
            let mut longest = [start; 3];
            loop {
                let kinds = [flags & LEXICON != 0, flags & folds != 0];
                for (k, on) in kinds.into_iter().enumerate() {
                    if on {
                        let e = &mut s.spans[end][3 * k];
                        *e = (*e).max(bucket(end - start));
                        longest[k] = end;
                    }
                }
                if kinds[0] || kinds[1] {
                    longest[2] = end;
                    let len = (end - start).min(255) as u8;
                    for (k, on) in [(0, kinds[0]), (2, true)] {
                        if on {
                            let e = &mut s.longest[end][k + 1];
                            *e = (*e).max(len);
                        }
                    }
                }
                if flags & EXTENDS == 0 || end >= n {
                    break;
                }
                let Some(next) = self.index.deeper(node, s.ids[end + PADDING]) else {
                    break;
                };
                (node, flags) = next;
                end += 1;
            }
            for k in 0..2 {
                let end = longest[k];
                if end > start {
                    let b = bucket(end - start);
                    s.spans[start][3 * k + 1] = b;
                    for gap in &mut s.spans[start + 1..end] {
                        gap[3 * k + 2] = gap[3 * k + 2].max(b);
                    }
                }
            }
            for (k, end) in [(0, longest[0]), (2, longest[2])] {
                s.longest[start][k] = (end - start).min(255) as u8;
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

    /// Calls `emit(gap, slot)` for the syllable features (unigrams, bigrams, syllable ×
    /// lexicon match) of every gap of the prepared sentence, finding syllable × match rows
    /// through `rows`. [`Tables::visit_dense`] gives the rest.
    #[inline]
    pub(crate) fn visit_keyed(
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
        for (p, &id) in ids.iter().enumerate() {
            let j = p as isize - PADDING as isize;
            // Unigram rows are dense, indexed by id: no lookup.
            if id < self.uni_ids {
                put(id as usize * UNI_W, j, UNI);
            }
            // Bigrams that reach no gap (in the padding) are skipped.
            if j - BI.0 < 1 || j - BI.1 > n as isize - 1 {
                continue;
            }
            if let Some(pair) = s.pairs.get(p).filter(|pair| pair.row != NO_ROW) {
                put(layout.bigrams + pair.row as usize * BI_W, j, BI);
            }
        }
        for g in 1..n {
            // How far the syllables at the gap trust the lexicon's match here.
            let [end, start, span, ..] = s.spans[g];
            let trust = lex_trust([end, start, span]);
            let p = g + PADDING;
            for (side, id) in [(0, ids[p - 1]), (1, ids[p])] {
                let row = if self.indexed {
                    let i = (2 * id as usize + side) * TRUST + trust;
                    self.lex_index.get(i).and_then(|&r| r.checked_sub(1))
                } else {
                    rows.row(lex_key(id, side, trust))
                };
                if let Some(row) = row {
                    emit(g, layout.lex_rows + row as usize);
                }
            }
        }
    }

    /// Calls `emit(gap, slot)` for every per-gap template feature (training; at run time
    /// [`Dense`] adds them up group by group).
    pub(crate) fn visit_dense(layout: &Layout, s: &Scratch, mut emit: impl FnMut(usize, usize)) {
        for g in 1..s.n {
            let mut at = layout.dense;
            for (index, size) in GapView::at(s, g).indices().into_iter().zip(DENSE) {
                emit(g, at + index);
                at += size;
            }
        }
    }
}

/// What the per-gap templates read at one gap: the shapes of tokens −2..+1, the lexicon and
/// training-word buckets (ending, starting, spanning), the longest-match bits.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
struct GapView {
    sh: [usize; 4],
    lex: [usize; 3],
    dict: [usize; 3],
    mm: usize,
}

impl GapView {
    fn at(s: &Scratch, g: usize) -> GapView {
        let p = g + PADDING;
        let sp = s.spans[g].map(usize::from);
        GapView {
            sh: [
                s.shapes[p - 2],
                s.shapes[p - 1],
                s.shapes[p],
                s.shapes[p + 1],
            ]
            .map(usize::from),
            lex: [sp[0], sp[1], sp[2]],
            dict: [sp[3], sp[4], sp[5]],
            mm: usize::from(s.mm[g]),
        }
    }

    /// The feature of each template (in the order of [`DENSE`]) within its table.
    fn indices(&self) -> [usize; DENSE.len()] {
        let [a, b, c, e] = self.sh;
        let [ca, cb, cc, ce] = self.sh.map(|x| usize::from(COARSE[x]));
        let lex = lex_conj(self.lex);
        let lex_in = self.lex[2];
        let [dict_end, dict_start, dict_in] = self.dict;
        let mm = self.mm;
        [
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
            (((usize::from(lex_in > 0) * 2 + usize::from(dict_in > 0)) * S + ca) * S + cb) * S + cc,
        ]
    }

    /// The index of this view in the table of `group` (see [`GROUP`]).
    fn group_index(&self, group: usize) -> usize {
        let [_, b, c, _] = self.sh;
        let [lex_end, lex_start, lex_in] = self.lex;
        match group {
            0 => self.sh.iter().fold(0, |i, &x| i * S + x),
            1 => ((self.mm * L + lex_end) * L + lex_start) * L + lex_in,
            2 => self.dict.iter().fold(lex_in, |i, &x| i * L + x),
            3 => ((self.mm * L + lex_in) * S + b) * S + c,
            _ => (((lex_in * L + self.dict[2]) * S + self.sh[0]) * S + b) * S + c,
        }
    }

    /// The view with only the inputs of `group` set, from its index in the group's table.
    fn of_group(group: usize, mut index: usize) -> GapView {
        let mut take = |radix: usize| {
            let d = index % radix;
            index /= radix;
            d
        };
        let mut v = GapView::default();
        match group {
            0 => {
                for k in (0..4).rev() {
                    v.sh[k] = take(S);
                }
            }
            1 => {
                for k in (0..3).rev() {
                    v.lex[k] = take(L);
                }
                v.mm = take(M);
            }
            2 => {
                for k in (0..3).rev() {
                    v.dict[k] = take(L);
                }
                v.lex[2] = take(L);
            }
            3 => {
                v.sh[2] = take(S);
                v.sh[1] = take(S);
                v.lex[2] = take(L);
                v.mm = take(M);
            }
            _ => {
                for k in (0..3).rev() {
                    v.sh[k] = take(S);
                }
                v.dict[2] = take(L);
                v.lex[2] = take(L);
            }
        }
        v
    }
}

/// Which inputs of [`GapView`] each template reads, as a group: 0 shapes, 1 lexicon and
/// longest match, 2 lexicon spanning and training words, 3 lexicon spanning, longest match
/// and the shapes at the gap, 4 lexicon and training word spanning and the shapes −2..0.
/// At load, each group's templates are summed into one table.
const GROUP: [usize; DENSE.len()] = [0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 1, 3, 1, 4];
const GROUP_SIZE: [usize; 5] = [
    S * S * S * S,
    M * L * L * L,
    L * L * L * L,
    M * L * S * S,
    L * L * S * S * S,
];

/// The per-gap templates folded into one table per group: four lookups per gap instead of
/// one per template, with the same sums.
#[derive(Clone, Default)]
pub(crate) struct Dense([Vec<i32>; GROUP_SIZE.len()]);

impl Dense {
    pub(crate) fn new(layout: &Layout, weights: &[i16]) -> Dense {
        let mut starts = [0; DENSE.len()];
        let mut at = layout.dense;
        for (s, size) in starts.iter_mut().zip(DENSE) {
            *s = at;
            at += size;
        }
        Dense(std::array::from_fn(|group| {
            (0..GROUP_SIZE[group])
                .map(|i| {
                    let idx = GapView::of_group(group, i).indices();
                    (0..DENSE.len())
                        .filter(|&t| GROUP[t] == group)
                        .map(|t| weights.get(starts[t] + idx[t]).map_or(0, |&w| i32::from(w)))
                        .sum()
                })
                .collect()
        }))
    }

    /// Adds the per-gap template weights of every gap to `scores` (indexed by gap).
    pub(crate) fn score(&self, s: &Scratch, scores: &mut [i64]) {
        for g in 1..s.n {
            let v = GapView::at(s, g);
            let sum: i32 = (0..GROUP_SIZE.len())
                .map(|k| self.0[k].get(v.group_index(k)).copied().unwrap_or(0))
                .sum();
            if let Some(sc) = scores.get_mut(g) {
                *sc += i64::from(sum);
            }
        }
    }
}

impl Scratch {
    /// Whether two prepared sentences have the same ids and shapes.
    #[cfg(test)]
    pub(crate) fn same_tokens(&self, other: &Scratch) -> bool {
        self.ids == other.ids && self.shapes == other.shapes
    }

    /// The ids of the prepared sentence with their padding.
    pub(crate) fn padded_ids(&self) -> &[u32] {
        &self.ids
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
    /// Per padded position p: the pair of tokens p, p + 1.
    pairs: Vec<Pair>,
    mm: Vec<u8>,
    /// Per gap: the score of joining (64 bits: Viterbi adds up a whole sentence, and a
    /// sentence may be a whole file).
    pub(crate) scores: Vec<i64>,
    pub(crate) back: Vec<[bool; 2]>,
    pub(crate) labels: Vec<bool>,
}

/// Adds the lexicon to the vocabulary and the word trie (shared with model loading, so a
/// loaded model assigns the same ids as the trained one).
pub(crate) fn add_lexicon<'a>(tables: &mut Tables, lexicon: impl Iterator<Item = &'a str>) {
    let mut key = String::new();
    let mut ids = Vec::new();
    for entry in lexicon {
        ids.clear();
        for syllable in entry.split_whitespace() {
            ids.push(lexicon_id(tables, syllable, &mut key));
        }
        if ids.len() >= 2 {
            tables.index.insert_word(&ids, LEXICON);
        }
    }
}

fn lexicon_id(tables: &mut Tables, syllable: &str, key: &mut String) -> u32 {
    let (class, vietnamese) = token::analyze(syllable, key);
    let own = token::has_own_id(class).then(|| tables.vocab.add(key, LEXICON));
    own.flatten()
        .unwrap_or_else(|| token::class_id(class, token::shape(class, vietnamese, false)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_tables_index_every_view_once() {
        for (group, &size) in GROUP_SIZE.iter().enumerate() {
            for i in 0..size {
                assert_eq!(
                    GapView::of_group(group, i).group_index(group),
                    i,
                    "group {group}"
                );
            }
        }
    }

    #[test]
    fn words_come_back_out_of_the_index() {
        let mut index = Index::default();
        index.insert_word(&[40, 41], LEXICON);
        index.insert_word(&[40, 41, 42], 1);
        index.insert_word(&[40, 43, 44, 45], LEXICON | 2);
        index.insert_word(&[50], LEXICON);
        index.add_bigram(pack2(40, 41));
        assert_eq!(
            index.words(),
            vec![
                (vec![40, 41], LEXICON),
                (vec![40, 41, 42], 1),
                (vec![40, 43, 44, 45], LEXICON | 2),
            ]
        );
        assert_eq!(index.bigram_rows(), vec![(pack2(40, 41), 0)]);
    }
}
