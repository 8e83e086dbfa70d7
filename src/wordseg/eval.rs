//! Reading segmented text and scoring a segmenter against it.
//!
//! The `.seg.txt` format has one sentence a line, words separated by spaces and the
//! syllables of a word joined by `_`. The score is the usual word-span F1, defined exactly
//! as `ws_score.py` of the evaluation kit defines it: a predicted word is right when a gold
//! word starts and ends at the same syllables.

use super::Segmenter;

/// One sentence: its words, each a list of syllables.
pub type Sentence = Vec<Vec<String>>;

/// Parses `.seg.txt` text: one sentence a line (blank lines are empty sentences, so line
/// numbers stay aligned with the file).
pub fn read_seg(text: &str) -> Vec<Sentence> {
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .map(|w| {
                    w.split('_')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .filter(|w: &Vec<String>| !w.is_empty())
                .collect()
        })
        .collect()
}

/// Word counts behind precision, recall and F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    /// Words in the gold segmentation.
    pub gold: usize,
    /// Words the segmenter produced.
    pub predicted: usize,
    /// Predicted words that match a gold word exactly.
    pub correct: usize,
}

impl Scores {
    /// Share of predicted words that are right.
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    /// Share of gold words found.
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Segments the syllables of every gold sentence and scores the result.
pub fn score(segmenter: &Segmenter, gold: &[Sentence]) -> Scores {
    let mut scores = Scores::default();
    let mut starts = Vec::new();
    let mut tokens: Vec<&str> = Vec::new();
    let mut gold_starts = Vec::new();
    for sentence in gold {
        tokens.clear();
        gold_starts.clear();
        for word in sentence {
            gold_starts.push(tokens.len());
            tokens.extend(word.iter().map(String::as_str));
        }
        segmenter.segment_into(&tokens, &mut starts);
        // Both lists are sorted: walk them together. A word matches when its start and
        // its end (the next start) both match.
        let ends = |v: &[usize], i: usize| v.get(i + 1).copied().unwrap_or(tokens.len());
        let (mut i, mut j) = (0, 0);
        while i < gold_starts.len() && j < starts.len() {
            match gold_starts[i].cmp(&starts[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    if ends(&gold_starts, i) == ends(&starts, j) {
                        scores.correct += 1;
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        scores.gold += gold_starts.len();
        scores.predicted += starts.len();
    }
    scores
}

/// Writes a sentence of `tokens` segmented at `starts` in `.seg.txt` form.
pub fn format_seg(tokens: &[&str], starts: &[usize]) -> String {
    let mut out = String::new();
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 {
            out.push(if starts.binary_search(&k).is_ok() {
                ' '
            } else {
                '_'
            });
        }
        out.push_str(t);
    }
    out
}
