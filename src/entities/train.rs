//! Training and scoring of the entity model (`model.rs`): a structured averaged perceptron
//! over the words of annotated paragraphs, with the rules' own mentions among the features.
//!
//! The rules were written against `ner-dev`, never against the training data, so their
//! proposals on the training paragraphs are as unseen as they will be on new text: the
//! model learns how far to trust them from honest examples, and no feature is computed from
//! a gold label (the document memory reads the rules' mentions, not the annotation).
//! Everything is deterministic: fixed folds, a seeded shuffle, no iteration over hash maps.

use super::model::{self, features, EntityModel, WInfo, LABELS, TYPES};
use super::{scan, DocMemory, EntityType, Recognizer};
use crate::words::{words_into, Scratch, UserDict, Word};
use crate::wordseg::Segmenter;
use std::ops::Range;

/// One annotated paragraph (its own document): canonical text and gold spans as byte ranges
/// into it.
#[derive(Debug, Clone, Default)]
pub struct TrainPara {
    /// Normalized text.
    pub text: String,
    /// Gold mentions of PER, ORG, LOC, DATE, sorted, not overlapping.
    pub gold: Vec<(Range<usize>, EntityType)>,
}

/// How to train. The defaults are the values of the shipped model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainOptions {
    /// Passes over the data.
    pub epochs: u32,
    /// The feature table has 2^bits rows.
    pub bits: u32,
    /// A feature row is kept when this many training positions have it.
    pub min_count: u32,
    /// Perceptrons trained with different shuffles and averaged.
    pub bags: u32,
    /// Seed of the shuffle.
    pub seed: u64,
    /// Bit k: the model decides type `TYPES[k]` (PER, ORG, LOC, DATE); the rules keep the
    /// others.
    pub owned: u8,
    /// The model's source and licence: the first line of its header.
    pub source: String,
}

impl Default for TrainOptions {
    /// Chosen by 5-fold cross-validation on the training data, never on ner-dev: see
    /// BENCHMARKS.md.
    fn default() -> Self {
        TrainOptions {
            epochs: 5,
            bits: 16,
            min_count: 2,
            bags: 3,
            seed: 0x5017_e417,
            owned: 0b1111,
            source: String::new(),
        }
    }
}

impl TrainOptions {
    /// The numeric options as one line, recorded in the model's header.
    pub fn describe(&self) -> String {
        format!(
            "epochs={} bits={} min_count={} bags={} seed={:#x} owned={:#06b}",
            self.epochs, self.bits, self.min_count, self.bags, self.seed, self.owned
        )
    }
}

/// A window of words as the perceptron sees it.
struct Example {
    /// `feats[offsets[i]..offsets[i + 1]]` are the rows of position i.
    feats: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<usize>,
}

/// What extraction found about the data, for the training report.
#[derive(Debug, Default, Clone, Copy)]
pub struct Coverage {
    /// Gold mentions.
    pub gold: usize,
    /// Gold mentions whose ends are not token ends.
    pub misaligned: usize,
    /// Gold mentions with a word outside every labelled window.
    pub outside: usize,
}

/// The words, the rules' view and the document memory of one paragraph (its own document).
fn read_para(
    rec: &Recognizer,
    p: &TrainPara,
    scratch: &mut Scratch,
    words: &mut Vec<Word>,
) -> DocMemory {
    words_into(
        &p.text,
        Segmenter::embedded(),
        &UserDict::default(),
        scratch,
        words,
    );
    let mut memory = DocMemory::new();
    let mut rules = Vec::new();
    scan::paragraph(rec, &p.text, words, &mut memory, &mut rules);
    let mut mm = std::mem::take(&mut memory.model);
    model::word_infos(&rec.index, &p.text, words, &memory.scratch, &rules, &mut mm);
    memory.model = mm;
    memory
}

/// Gold tag per token (`units` their ranges): B on the first a mention overlaps, I on the
/// others.
fn gold_labels(
    units: &[Range<usize>],
    gold: &[(Range<usize>, EntityType)],
    cov: &mut Coverage,
) -> Vec<usize> {
    let mut labels = vec![0; units.len()];
    for (r, kind) in gold {
        let Some(k) = TYPES.iter().position(|t| t == kind) else {
            continue;
        };
        cov.gold += 1;
        let mut first = true;
        let mut starts = false;
        let mut ends = false;
        for (i, w) in units.iter().enumerate() {
            if w.start < r.end && r.start < w.end {
                labels[i] = if first { 1 + 2 * k } else { 2 + 2 * k };
                first = false;
                starts |= w.start == r.start;
                ends |= w.end == r.end;
            }
        }
        if !(starts && ends) {
            cov.misaligned += 1;
        }
    }
    labels
}

fn examples(rec: &Recognizer, paras: &[&TrainPara], bits: u32, cov: &mut Coverage) -> Vec<Example> {
    let mut scratch = Scratch::default();
    let mut words = Vec::new();
    let mut wins = Vec::new();
    let mut out = Vec::new();
    for p in paras {
        let memory = read_para(rec, p, &mut scratch, &mut words);
        let infos: &[WInfo] = &memory.model.infos;
        let units: Vec<Range<usize>> = memory
            .scratch
            .toks
            .iter()
            .map(|t| t.range.clone())
            .collect();
        let labels = gold_labels(&units, &p.gold, cov);
        wins.clone_from(&memory.model.wins);
        let mut inside = vec![false; labels.len()];
        for w in &wins {
            inside[w.clone()].iter_mut().for_each(|x| *x = true);
        }
        // A mention is lost when one of its words lies outside every window.
        let mut i = 0;
        while i < labels.len() {
            if labels[i] != 0 && labels[i] % 2 == 1 {
                let mut j = i + 1;
                while j < labels.len() && labels[j] == labels[i] + 1 {
                    j += 1;
                }
                if (i..j).any(|k| !inside[k]) {
                    cov.outside += 1;
                }
                i = j;
            } else {
                i += 1;
            }
        }
        for w in &wins {
            let mut ex = Example {
                feats: Vec::new(),
                offsets: vec![0],
                gold: labels[w.clone()].to_vec(),
            };
            for i in w.clone() {
                features(infos, i, bits, &mut ex.feats);
                ex.offsets.push(ex.feats.len() as u32);
            }
            out.push(ex);
        }
    }
    out
}

/// The averaged perceptron; returns the averaged (emission, transition) weights.
fn perceptron(examples: &[Example], rows: usize, epochs: u32, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let n = rows * LABELS;
    let nt = LABELS * LABELS;
    let mut w = vec![0f64; n + nt];
    // Sum over steps of each update times its step: the average is w - acc / steps.
    let mut acc = vec![0f64; n + nt];
    let mut step = 1f64;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = crate::wordseg::Rng(seed | 1);
    let mut emissions = Vec::new();
    let mut trans;
    let mut back = Vec::new();
    let mut pred = Vec::new();
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        for &e in &order {
            let ex = &examples[e];
            emissions.clear();
            for r in ex.offsets.windows(2) {
                let mut s = [0f64; LABELS];
                for &f in &ex.feats[r[0] as usize..r[1] as usize] {
                    let base = f as usize * LABELS;
                    for (x, &v) in s.iter_mut().zip(&w[base..base + LABELS]) {
                        *x += v;
                    }
                }
                emissions.extend(s.iter().map(|&x| x as f32));
            }
            trans = model::masked(w[n..].iter().map(|&v| v as f32));
            model::viterbi(&emissions, &trans, &mut back, &mut pred);
            if pred != ex.gold {
                let mut update = |slot: usize, delta: f64| {
                    w[slot] += delta;
                    acc[slot] += delta * step;
                };
                let mut prev = (0usize, 0usize);
                for (i, (&p, &y)) in pred.iter().zip(&ex.gold).enumerate() {
                    if p != y {
                        for &f in &ex.feats[ex.offsets[i] as usize..ex.offsets[i + 1] as usize] {
                            let base = f as usize * LABELS;
                            update(base + y, 1.0);
                            update(base + p, -1.0);
                        }
                    }
                    if (prev.0, p) != (prev.1, y) {
                        update(n + prev.1 * LABELS + y, 1.0);
                        update(n + prev.0 * LABELS + p, -1.0);
                    }
                    prev = (p, y);
                }
            }
            step += 1.0;
        }
    }
    let avg: Vec<f64> = w.iter().zip(&acc).map(|(w, a)| w - a / step).collect();
    let (e, t) = avg.split_at(n);
    (e.to_vec(), t.to_vec())
}

/// Trains an entity model on `paras`; the coverage of the windows is returned beside it.
pub fn train(paras: &[TrainPara], options: &TrainOptions) -> (EntityModel, Coverage) {
    let refs: Vec<&TrainPara> = paras.iter().collect();
    train_refs(&refs, options)
}

fn train_refs(paras: &[&TrainPara], options: &TrainOptions) -> (EntityModel, Coverage) {
    let bits = options.bits.clamp(8, 20);
    let rows = 1usize << bits;
    let rec = Recognizer::rules_only();
    let mut cov = Coverage::default();
    let mut ex = examples(rec, paras, bits, &mut cov);
    // Rows seen fewer than min_count times are dropped: they would be memorized, not
    // learned, and they would crowd the table.
    let mut counts = vec![0u32; rows];
    for e in &ex {
        for &f in &e.feats {
            counts[f as usize] += 1;
        }
    }
    for e in &mut ex {
        let mut feats = Vec::with_capacity(e.feats.len());
        let mut offsets = vec![0];
        for r in e.offsets.windows(2) {
            feats.extend(
                e.feats[r[0] as usize..r[1] as usize]
                    .iter()
                    .filter(|&&f| counts[f as usize] >= options.min_count),
            );
            offsets.push(feats.len() as u32);
        }
        e.feats = feats;
        e.offsets = offsets;
    }
    let mut emit = vec![0f64; rows * LABELS];
    let mut trans = vec![0f64; LABELS * LABELS];
    for bag in 0..u64::from(options.bags.max(1)) {
        let seed = options
            .seed
            .wrapping_add(bag.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (e, t) = perceptron(&ex, rows, options.epochs, seed);
        for (s, x) in emit.iter_mut().zip(e) {
            *s += x;
        }
        for (s, x) in trans.iter_mut().zip(t) {
            *s += x;
        }
    }
    let header = format!(
        "source: {}\noptions: {}\ninputs: {:016x}\n",
        options.source,
        options.describe(),
        fingerprint(paras)
    );
    (
        EntityModel::from_trained(bits, options.owned, &emit, &trans, header),
        cov,
    )
}

/// A fingerprint of the training data, recorded in the header.
fn fingerprint(paras: &[&TrainPara]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |b: &[u8]| {
        for &x in b {
            h = (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for p in paras {
        eat(p.text.as_bytes());
        for (r, k) in &p.gold {
            eat(format!("\t{}:{}:{}", r.start, r.end, k.id()).as_bytes());
        }
        eat(b"\n");
    }
    h
}

/// Exact-span and overlap counts per type (PER, ORG, LOC, DATE), as `ner_score.py` counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NerScores {
    /// Gold mentions per type.
    pub gold: [usize; 4],
    /// Predicted mentions per type.
    pub pred: [usize; 4],
    /// Predicted with the gold span and type.
    pub exact: [usize; 4],
    /// Predicted overlapping an unused gold mention of the type.
    pub overlap: [usize; 4],
}

fn f1(tp: usize, pred: usize, gold: usize) -> f64 {
    if tp == 0 {
        return 0.0;
    }
    2.0 * tp as f64 / (pred + gold) as f64
}

impl NerScores {
    /// Adds one paragraph's gold and predicted spans.
    pub fn add(
        &mut self,
        gold: &[(Range<usize>, EntityType)],
        pred: &[(Range<usize>, EntityType)],
    ) {
        let k = |t: &EntityType| TYPES.iter().position(|x| x == t);
        let gold: Vec<_> = gold
            .iter()
            .filter_map(|(r, t)| Some((r.clone(), k(t)?)))
            .collect();
        let pred: Vec<_> = pred
            .iter()
            .filter_map(|(r, t)| Some((r.clone(), k(t)?)))
            .collect();
        for g in &gold {
            self.gold[g.1] += 1;
        }
        let mut used = vec![false; gold.len()];
        for p in &pred {
            self.pred[p.1] += 1;
            if gold.contains(p) {
                self.exact[p.1] += 1;
            }
            if let Some(j) = (0..gold.len()).find(|&j| {
                !used[j]
                    && gold[j].1 == p.1
                    && gold[j].0.start < p.0.end
                    && p.0.start < gold[j].0.end
            }) {
                used[j] = true;
                self.overlap[p.1] += 1;
            }
        }
    }

    /// Adds another score's counts.
    pub fn merge(&mut self, o: &NerScores) {
        for k in 0..4 {
            self.gold[k] += o.gold[k];
            self.pred[k] += o.pred[k];
            self.exact[k] += o.exact[k];
            self.overlap[k] += o.overlap[k];
        }
    }

    /// (exact, overlap) F1 of type k (the index in PER, ORG, LOC, DATE).
    pub fn type_f1(&self, k: usize) -> (f64, f64) {
        (
            f1(self.exact[k], self.pred[k], self.gold[k]),
            f1(self.overlap[k], self.pred[k], self.gold[k]),
        )
    }

    /// (exact, overlap) F1 over the four types.
    pub fn all_f1(&self) -> (f64, f64) {
        let s = |a: &[usize; 4]| a.iter().sum::<usize>();
        (
            f1(s(&self.exact), s(&self.pred), s(&self.gold)),
            f1(s(&self.overlap), s(&self.pred), s(&self.gold)),
        )
    }

    /// A table: one line per type and one for all.
    pub fn table(&self) -> String {
        let mut s = String::from("type   gold  pred  exact F1  overlap F1\n");
        for (k, t) in TYPES.iter().enumerate() {
            let (e, o) = self.type_f1(k);
            s.push_str(&format!(
                "{:<5} {:5} {:5}     {e:.3}       {o:.3}\n",
                t.id(),
                self.gold[k],
                self.pred[k]
            ));
        }
        let (e, o) = self.all_f1();
        s.push_str(&format!(
            "ALL   {:5} {:5}     {e:.3}       {o:.3}\n",
            self.gold.iter().sum::<usize>(),
            self.pred.iter().sum::<usize>()
        ));
        s
    }
}

/// Scores `rec` on `paras`, each paragraph its own document (as `soi entities --lines`).
pub fn evaluate(rec: &Recognizer, paras: &[TrainPara]) -> NerScores {
    let mut s = NerScores::default();
    let mut scratch = Scratch::default();
    let mut words = Vec::new();
    let mut out = Vec::new();
    for p in paras {
        words_into(
            &p.text,
            Segmenter::embedded(),
            &UserDict::default(),
            &mut scratch,
            &mut words,
        );
        let mut memory = DocMemory::new();
        rec.paragraph(&p.text, &words, &mut memory, &mut out);
        let pred: Vec<_> = out.iter().map(|m| (m.range.clone(), m.kind)).collect();
        s.add(&p.gold, &pred);
    }
    s
}

/// k-fold cross-validation: paragraph i is in fold i mod k; each fold is scored by a model
/// trained on the others. Returns the summed scores.
pub fn cross_validate(paras: &[TrainPara], folds: usize, options: &TrainOptions) -> NerScores {
    cross_validate_each(paras, folds, options, |_, _| {})
}

/// [`cross_validate`], calling `each` with every fold's recognizer and held-out paragraphs
/// (for error analysis).
pub fn cross_validate_each(
    paras: &[TrainPara],
    folds: usize,
    options: &TrainOptions,
    mut each: impl FnMut(&Recognizer, &[TrainPara]),
) -> NerScores {
    let folds = folds.max(2);
    let mut total = NerScores::default();
    for f in 0..folds {
        let train: Vec<&TrainPara> = paras
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != f)
            .map(|(_, p)| p)
            .collect();
        let test: Vec<TrainPara> = paras
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds == f)
            .map(|(_, p)| p.clone())
            .collect();
        let (m, _) = train_refs(&train, options);
        let rec = Recognizer::with_model(Some(m));
        total.merge(&evaluate(&rec, &test));
        each(&rec, &test);
    }
    total
}
