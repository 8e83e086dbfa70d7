//! Word segmentation: which syllables of a sentence form one word.
//!
//! Vietnamese is written one syllable at a time, but a word may span several: "đối ngoại",
//! "Bộ Chính trị", "chủ nghĩa xã hội". Counting words instead of syllables is what makes
//! the analyses say something ("chính trị" is not "chính" + "trị"), and every later
//! analysis (collocations, names, keywords) builds on words.
//!
//! The segmenter is learned from data, not written as rules: a linear model scores each gap
//! between two tokens ("join" or "boundary") from the syllables around it, their shapes
//! (case, digits, punctuation), and whether a word of a lexicon or of the training data
//! ends, starts or spans there (see `features`); Viterbi picks the best sequence of
//! decisions for the whole sentence, and an averaged structured perceptron learns the
//! weights (see `train`). A lexicon alone cannot segment well — it does not know names,
//! numbers or which of two overlapping words is meant — and the annotated data alone is too
//! small to have seen most words; together they do both.
//!
//! The shipped model ([`Segmenter::embedded`]) is trained on UD_Vietnamese-VTB (train and
//! dev) with the vnvocab lexicon of RDRsegmenter; `src/data/README.md` says where each file
//! comes from and under which licence, and `train-segmenter` rebuilds it. Segmentation is
//! allocation-free after the first sentence and never panics: any tokens, however odd, come
//! back as words that cover every token once, in order.

mod eval;
mod features;
mod format;
mod token;
mod train;

pub use eval::{format_seg, read_seg, score, Scores, Sentence};
pub use format::ModelError;
pub use train::{train, TrainOptions};
// Shared with the entity model's file format and training, and with `soi index`'s ids.
pub(crate) use format::fnv1a;
pub(crate) use train::Rng;

use features::{Dense, Layout, Scratch, Tables, ALL_FOLDS};
use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

/// The vnvocab lexicon (RDRsegmenter, Apache-2.0): one multi-syllable word a line.
pub const VNVOCAB: &str = include_str!("../data/vnvocab.txt");

/// The shipped model file: UD_Vietnamese-VTB train+dev (CC BY-SA 4.0) + vnvocab
/// (Apache-2.0); see `src/data/wordseg-vtb.ATTRIBUTION.md`.
pub const MODEL: &[u8] = include_bytes!("../data/wordseg-vtb.model");

/// A trained word segmenter.
#[derive(Clone)]
pub struct Segmenter {
    tables: Tables,
    layout: Layout,
    /// One weight per feature slot, quantized; the transitions are the last four.
    weights: Vec<i16>,
    /// The per-gap template weights, folded for speed.
    dense: Dense,
    lexicon: LexiconSource,
    /// Header text: what the model was trained on, under which licences, with which options.
    header: String,
}

/// Where a model's lexicon comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LexiconSource {
    /// No lexicon.
    None,
    /// [`VNVOCAB`], embedded in the binary: the model file only names it.
    Vnvocab,
    /// Any other lexicon, stored in the model file.
    Inline(Vec<String>),
}

impl LexiconSource {
    fn of(lexicon: &[String]) -> Self {
        if lexicon.is_empty() {
            LexiconSource::None
        } else if lexicon.iter().map(String::as_str).eq(vnvocab_entries()) {
            LexiconSource::Vnvocab
        } else {
            LexiconSource::Inline(lexicon.to_vec())
        }
    }

    fn entries(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            LexiconSource::None => Box::new(std::iter::empty()),
            LexiconSource::Vnvocab => Box::new(vnvocab_entries().map(|e| -> &str { e })),
            LexiconSource::Inline(v) => Box::new(v.iter().map(String::as_str)),
        }
    }
}

/// The entries of [`VNVOCAB`].
pub fn vnvocab_entries() -> impl Iterator<Item = &'static str> {
    lexicon_entries(VNVOCAB)
}

/// The entries of a lexicon file: one word a line, blank lines skipped.
pub fn lexicon_entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Segmenter {
    /// The model embedded in the binary, parsed on first use.
    pub fn embedded() -> &'static Segmenter {
        static LOADED: OnceLock<Segmenter> = OnceLock::new();
        // The embedded model is tested to load (tests/wordseg.rs); should it ever fail, an
        // empty model still segments (one syllable a word) instead of taking the app down.
        LOADED.get_or_init(|| Segmenter::from_bytes(MODEL).unwrap_or_else(|_| Segmenter::empty()))
    }

    /// A model without features: every token is a word.
    fn empty() -> Segmenter {
        let tables = Tables::default();
        let layout = tables.layout();
        Segmenter {
            weights: vec![0; layout.len],
            dense: Dense::default(),
            tables,
            layout,
            lexicon: LexiconSource::None,
            header: String::new(),
        }
    }

    /// The model's header: sources, licences, training options.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// Word boundaries of one sentence given as its tokens (syllables, punctuation,
    /// numbers…: the whitespace-separated tokens of a line, original case). Writes into
    /// `starts` the index of the first token of every word, in order (`starts[0] == 0` when
    /// `tokens` is not empty). Reuses the buffer; allocation-free in the steady state.
    pub fn segment_into(&self, tokens: &[&str], starts: &mut Vec<usize>) {
        starts.clear();
        if tokens.is_empty() {
            return;
        }
        let run = |s: &mut Scratch, starts: &mut Vec<usize>| self.run(tokens, s, starts);
        let done = SCRATCH.try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => run(&mut s, starts),
            Err(_) => run(&mut Scratch::default(), starts),
        });
        if done.is_err() {
            run(&mut Scratch::default(), starts);
        }
    }

    /// Words of one sentence as ranges of token indices (see [`Segmenter::segment_into`]).
    pub fn segment(&self, tokens: &[&str]) -> Vec<Range<usize>> {
        let mut starts = Vec::new();
        self.segment_into(tokens, &mut starts);
        let ends = starts.iter().skip(1).copied().chain([tokens.len()]);
        starts.iter().zip(ends).map(|(&a, b)| a..b).collect()
    }

    fn run(&self, tokens: &[&str], s: &mut Scratch, starts: &mut Vec<usize>) {
        let n = tokens.len();
        self.tables.prepare(tokens.iter().copied(), ALL_FOLDS, s);
        let mut scores = std::mem::take(&mut s.scores);
        scores.clear();
        scores.resize(n, 0);
        let weights = &self.weights;
        self.tables
            .visit_keyed(&self.tables.lex_rows, &self.layout, s, |g, slot| {
                if let (Some(sc), Some(&w)) = (scores.get_mut(g), weights.get(slot)) {
                    *sc += i64::from(w);
                }
            });
        self.dense.score(s, &mut scores);
        let t = self.layout.trans;
        let trans = std::array::from_fn(|k| weights.get(t + k).map_or(0, |&w| i64::from(w)));
        decode(
            scores.get(1..).unwrap_or_default(),
            trans,
            &mut s.back,
            &mut s.labels,
        );
        s.scores = scores;
        starts.push(0);
        starts.extend(
            s.labels
                .iter()
                .enumerate()
                .filter(|&(_, &join)| !join)
                .map(|(g, _)| g + 1),
        );
    }
}

/// Viterbi over the gaps: `scores[g]` is the score of joining at gap `g + 1`, `trans[2 *
/// previous + current]` the weight of two neighbouring decisions (1 = join). The sentence
/// starts and ends with a boundary. Writes the best decisions into `out`.
pub(crate) fn decode<T>(scores: &[T], trans: [T; 4], back: &mut Vec<[bool; 2]>, out: &mut Vec<bool>)
where
    T: Copy + Default + PartialOrd + std::ops::Add<Output = T>,
{
    out.clear();
    back.clear();
    let Some((&first, rest)) = scores.split_first() else {
        return;
    };
    // Best score of a prefix ending in boundary / join.
    let mut v = [trans[0], trans[1] + first];
    back.push([false, false]);
    for &s in rest {
        let mut next = [T::default(); 2];
        let mut from = [false; 2];
        for (cur, add) in [(0, T::default()), (1, s)] {
            let via_b = v[0] + trans[cur];
            let via_j = v[1] + trans[2 + cur];
            from[cur] = via_j > via_b;
            next[cur] = if from[cur] { via_j } else { via_b } + add;
        }
        v = next;
        back.push(from);
    }
    let mut state = v[1] + trans[2] > v[0] + trans[0];
    out.resize(scores.len(), false);
    for (o, b) in out.iter_mut().zip(back.iter()).rev() {
        *o = state;
        state = b[usize::from(state)];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_follows_scores_without_transitions() {
        let (mut back, mut out) = (Vec::new(), Vec::new());
        decode(&[1, -1, 2], [0; 4], &mut back, &mut out);
        assert_eq!(out, [true, false, true]);
        decode::<i32>(&[], [0; 4], &mut back, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn decode_uses_transitions() {
        let (mut back, mut out) = (Vec::new(), Vec::new());
        // Joining twice in a row costs 10: the weaker join gives way.
        decode(&[3, 2], [0, 0, 0, -10], &mut back, &mut out);
        assert_eq!(out, [true, false]);
    }

    /// Sentences that exercise the features: names, numbers, lexicon words, odd tokens.
    const SAMPLES: &[&str] = &[
        "Tổng Bí thư Nguyễn Phú Trọng phát biểu tại Đại hội XIII .",
        "Theo TTXVN , ngày 23/12/2023 giá xăng tăng 3,5 % so với tháng 11 .",
        "chủ nghĩa xã hội và đường lối đối ngoại của Đảng",
        "Uỷ ban nhân dân TP. HCM hoà giải ; iPhone 😀 ... Li Xinmei",
        "a",
        "",
    ];

    #[test]
    fn folded_tables_give_the_template_sums() {
        let m = Segmenter::embedded();
        let mut s = Scratch::default();
        for text in SAMPLES {
            let tokens: Vec<&str> = text.split_whitespace().collect();
            m.tables.prepare(tokens.iter().copied(), ALL_FOLDS, &mut s);
            let mut by_template = vec![0i64; tokens.len()];
            Tables::visit_dense(&m.layout, &s, |g, slot| {
                by_template[g] += i64::from(m.weights[slot]);
            });
            let mut folded = vec![0i64; tokens.len()];
            m.dense.score(&s, &mut folded);
            assert_eq!(by_template, folded, "{text}");
        }
    }

    #[test]
    fn spelling_index_agrees_with_analysis() {
        // Dropping one fold from the run-time mask changes nothing but the path taken:
        // the spelling index is used only with the full mask.
        let m = Segmenter::embedded();
        let (mut fast, mut slow) = (Scratch::default(), Scratch::default());
        let words: Vec<&str> = VNVOCAB.split_whitespace().step_by(13).collect();
        let capitalized: Vec<String> = words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        let tokens = words
            .iter()
            .copied()
            .chain(capitalized.iter().map(String::as_str))
            .chain(SAMPLES.iter().flat_map(|t| t.split_whitespace()));
        let tokens: Vec<&str> = tokens.collect();
        m.tables
            .prepare(tokens.iter().copied(), ALL_FOLDS, &mut fast);
        m.tables
            .prepare(tokens.iter().copied(), ALL_FOLDS & !1, &mut slow);
        assert!(fast.same_tokens(&slow));
    }

    #[test]
    fn empty_model_splits_every_token() {
        let m = Segmenter::empty();
        assert_eq!(m.segment(&["a", "b", "c"]), vec![0..1, 1..2, 2..3]);
        assert!(m.segment(&[]).is_empty());
    }
}
