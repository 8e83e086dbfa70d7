//! Training: an averaged structured perceptron over the gaps of each sentence.
//!
//! Each gap is "join" or "boundary"; a sentence's score is the sum of the weights of the
//! features of its joined gaps plus a weight for each pair of neighbouring decisions, and
//! Viterbi finds the best sequence. The perceptron decodes each training sentence with the
//! current weights and moves them towards the gold decisions where they differ; the average
//! of the weights over all steps is what ships (it generalizes far better than the last
//! weights). Everything is deterministic: fixed fold assignment, a seeded shuffle, no
//! iteration over hash maps.

use super::features::{add_lexicon, pack2, Grow, Scratch, Tables, ALL_FOLDS};
use super::format::fnv1a;
use super::token;
use super::{decode, LexiconSource, Segmenter};
use rustc_hash::FxHashMap;

/// How to train. The defaults are the tuned values used for the shipped model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: u32,
    /// Folds for the cross-validated training-word and known-syllable features (2..=30).
    pub folds: u32,
    /// Perceptrons trained with different shuffles and averaged.
    pub bags: u32,
    /// Seed of the shuffle between epochs.
    pub seed: u64,
    /// What the model is trained on and under which licences: the first line of the
    /// model's header.
    pub source: String,
}

impl Default for TrainOptions {
    /// Measured on VTB dev (train + vnvocab), all within noise of each other, so the
    /// choices are the cheap and steady ones: epochs 10 / 20 / 30 give F1 0.9726 / 0.9728 /
    /// 0.9728; folds 5 / 10 / 20 give 0.9730 / 0.9728 / 0.9727; one perceptron moves between
    /// 0.9718 and 0.9728 with the shuffle seed, five averaged stay within 0.9725–0.9727.
    fn default() -> Self {
        TrainOptions {
            epochs: 20,
            folds: 10,
            bags: 5,
            seed: 0x5017_5e6d,
            source: String::new(),
        }
    }
}

impl TrainOptions {
    /// The numeric options as one line, recorded in the model's header.
    pub fn describe(&self) -> String {
        format!(
            "epochs={} folds={} bags={} seed={:#x}",
            self.epochs, self.folds, self.bags, self.seed
        )
    }
}

/// The id a training syllable gets (its vocabulary entry exists by then).
fn word_id(tables: &Tables, syllable: &str, key: &mut String) -> u32 {
    let (class, vietnamese) = token::analyze(syllable, key);
    let own = token::has_own_id(class)
        .then(|| tables.vocab.get(key))
        .flatten();
    own.unwrap_or_else(|| token::class_id(class, token::shape(class, vietnamese, false)))
}

/// A small deterministic generator (xorshift64*), for the shuffle.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// One training sentence, reduced to what the perceptron needs.
struct Example {
    /// `slots[offsets[g - 1]..offsets[g]]` are the feature slots of gap `g`.
    slots: Vec<u32>,
    offsets: Vec<u32>,
    /// Gold decision per gap `1..n` (index `g - 1`): joined?
    gold: Vec<bool>,
}

/// Trains a segmenter on `sentences` (sentence → words → syllables) with `lexicon` (one
/// multi-syllable word per entry, syllables separated by spaces; may be empty).
pub fn train(
    sentences: &[Vec<Vec<String>>],
    lexicon: &[String],
    options: &TrainOptions,
) -> Segmenter {
    // Each fold is a bit of the flags next to LEXICON and EXTENDS: 30 at most.
    let folds = options.folds.clamp(2, ALL_FOLDS.count_ones());
    let fold_bit = |i: usize| 1u32 << (i % folds as usize);
    let mut tables = Tables::default();
    let mut key = String::new();

    // Vocabulary: training syllables first (they have unigram weights), then the lexicon's.
    for (i, sentence) in sentences.iter().enumerate() {
        for syllable in sentence.iter().flatten() {
            let (class, _) = token::analyze(syllable, &mut key);
            if token::has_own_id(class) {
                tables.vocab.add(&key, fold_bit(i));
            }
        }
    }
    tables.uni_ids = tables.vocab.end();
    add_lexicon(&mut tables, lexicon.iter().map(String::as_str));

    // Training words, each marked with the fold it came from.
    let mut ids = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        for word in sentence.iter().filter(|w| w.len() >= 2) {
            ids.clear();
            ids.extend(word.iter().map(|s| word_id(&tables, s, &mut key)));
            tables.index.insert_word(&ids, fold_bit(i));
        }
    }

    // Bigram and syllable × lexicon-match rows, in order of first occurrence: a first
    // pass over the data adds them.
    let mut scratch = Scratch::default();
    let token_lists: Vec<Vec<&str>> = sentences
        .iter()
        .map(|s| s.iter().flatten().map(String::as_str).collect())
        .collect();
    let mut lex_rows = FxHashMap::default();
    let layout = tables.layout();
    for (i, tokens) in token_lists.iter().enumerate() {
        tables.prepare(
            tokens.iter().copied(),
            ALL_FOLDS & !fold_bit(i),
            &mut scratch,
        );
        for w in scratch.padded_ids().windows(2) {
            tables.index.add_bigram(pack2(w[0], w[1]));
        }
        tables.visit_keyed(Grow(&mut lex_rows), &layout, &scratch, |_, _| {});
    }
    tables.lex_rows = lex_rows;
    let layout = tables.layout();

    // Features of every gap, extracted once.
    let examples: Vec<Example> = sentences
        .iter()
        .zip(&token_lists)
        .enumerate()
        .map(|(i, (sentence, tokens))| {
            tables.prepare(
                tokens.iter().copied(),
                ALL_FOLDS & !fold_bit(i),
                &mut scratch,
            );
            let mut per_gap: Vec<Vec<u32>> = vec![Vec::new(); tokens.len().saturating_sub(1)];
            let mut collect = |g: usize, slot: usize| {
                if let Some(f) = per_gap.get_mut(g - 1) {
                    f.push(slot as u32);
                }
            };
            tables.visit_keyed(&tables.lex_rows, &layout, &scratch, &mut collect);
            Tables::visit_dense(&layout, &scratch, &mut collect);
            let mut slots = Vec::new();
            let mut offsets = vec![0];
            for f in per_gap {
                slots.extend(f);
                offsets.push(slots.len() as u32);
            }
            // Gap g joins when token g is not the first of its word.
            let gold = sentence
                .iter()
                .flat_map(|w| (0..w.len()).map(|k| k > 0))
                .skip(1)
                .collect();
            Example {
                slots,
                offsets,
                gold,
            }
        })
        .collect();

    // Several perceptrons, each with its own shuffle, averaged: less dependent on the
    // order the sentences happened to come in.
    let mut weights = vec![0f64; layout.len];
    for bag in 0..u64::from(options.bags.max(1)) {
        let seed = options
            .seed
            .wrapping_add(bag.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let w = perceptron(&examples, layout.len, layout.trans, options.epochs, seed);
        for (sum, w) in weights.iter_mut().zip(w) {
            *sum += w;
        }
    }
    let header = format!(
        "source: {}\noptions: {}\ninputs: {:016x}\n",
        options.source,
        options.describe(),
        inputs_fingerprint(sentences, lexicon)
    );
    Segmenter::from_trained(tables, &weights, LexiconSource::of(lexicon), header)
}

/// A fingerprint of the training data and lexicon, recorded in the header so a model says
/// exactly what it was trained on.
fn inputs_fingerprint(sentences: &[Vec<Vec<String>>], lexicon: &[String]) -> u64 {
    let data = sentences.iter().flat_map(|s| {
        s.iter()
            .flat_map(|w| w.iter().flat_map(|x| x.bytes().chain([b'_'])).chain([b' ']))
            .chain([b'\n'])
    });
    let lex = lexicon.iter().flat_map(|e| e.bytes().chain([b'\n']));
    fnv1a(data.chain([0]).chain(lex))
}

/// The averaged perceptron; returns the averaged weights.
fn perceptron(examples: &[Example], len: usize, trans: usize, epochs: u32, seed: u64) -> Vec<f64> {
    let mut w = vec![0f64; len];
    // Sum over steps of each update times the step it happened at: the average is then
    // w - acc / steps, without touching every weight at every step.
    let mut acc = vec![0f64; len];
    let mut step = 1f64;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = Rng(seed | 1);
    let mut scores = Vec::new();
    let mut back = Vec::new();
    let mut pred = Vec::new();
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        for &e in &order {
            let ex = &examples[e];
            scores.clear();
            scores.extend(ex.offsets.windows(2).map(|r| {
                ex.slots[r[0] as usize..r[1] as usize]
                    .iter()
                    .map(|&s| w[s as usize])
                    .sum::<f64>()
            }));
            let t = [w[trans], w[trans + 1], w[trans + 2], w[trans + 3]];
            decode(&scores, t, &mut back, &mut pred);
            let mut update = |slot: usize, delta: f64| {
                w[slot] += delta;
                acc[slot] += delta * step;
            };
            let mut prev = (false, false);
            for (g, (&p, &y)) in pred
                .iter()
                .chain([&false])
                .zip(ex.gold.iter().chain([&false]))
                .enumerate()
            {
                if p != y && g < ex.gold.len() {
                    let delta = if y { 1.0 } else { -1.0 };
                    let r = ex.offsets[g] as usize..ex.offsets[g + 1] as usize;
                    for &s in &ex.slots[r] {
                        update(s as usize, delta);
                    }
                }
                if (prev.0, p) != (prev.1, y) {
                    update(trans + 2 * usize::from(prev.1) + usize::from(y), 1.0);
                    update(trans + 2 * usize::from(prev.0) + usize::from(p), -1.0);
                }
                prev = (p, y);
            }
            step += 1.0;
        }
    }
    w.iter().zip(&acc).map(|(w, a)| w - a / step).collect()
}
