//! Counts and frequency tables that merge.
//!
//! Every document is analyzed on its own into a [`Counts`]; the corpus totals are the sum of
//! its documents' counts. Adding a document adds its counts, removing one subtracts them, so
//! nothing is ever re-analyzed, and two shards of a corpus combine the same way.

use rustc_hash::FxHashMap;

/// An interned term id (see [`crate::corpus::Interner`]).
pub type TermId = u32;

/// Counts of one document, or of many merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Documents counted (1 for a single document).
    pub documents: u64,
    /// Non-blank lines.
    pub paragraphs: u64,
    /// Sentences (see [`crate::text::segment::sentences`]).
    pub sentences: u64,
    /// Syllable tokens.
    pub syllables: u64,
    /// Characters (Unicode scalar values) of the normalized text.
    pub chars: u64,
    /// Frequency of each lower-cased syllable.
    pub syllable_freq: FxHashMap<TermId, u64>,
    /// Word tokens (syllables, foreign words, acronyms; punctuation and numbers are not
    /// words here).
    pub words: u64,
    /// Frequency of each lower-cased word (syllables separated by single spaces).
    pub word_freq: FxHashMap<TermId, u64>,
}

fn add(into: &mut FxHashMap<TermId, u64>, from: &FxHashMap<TermId, u64>) {
    for (&id, &n) in from {
        *into.entry(id).or_insert(0) += n;
    }
}

fn sub(from: &mut FxHashMap<TermId, u64>, what: &FxHashMap<TermId, u64>) {
    for (id, &n) in what {
        if let Some(have) = from.get_mut(id) {
            *have = have.saturating_sub(n);
            if *have == 0 {
                from.remove(id);
            }
        }
    }
}

/// The `n` most frequent terms of `freq`, most frequent first; ties by `key`.
pub fn top_of<K: Ord>(
    freq: &FxHashMap<TermId, u64>,
    n: usize,
    key: impl Fn(TermId) -> K,
) -> Vec<(TermId, u64)> {
    let mut all: Vec<(TermId, u64)> = freq.iter().map(|(&k, &v)| (k, v)).collect();
    let by_rank =
        |a: &(TermId, u64), b: &(TermId, u64)| b.1.cmp(&a.1).then_with(|| key(a.0).cmp(&key(b.0)));
    if all.len() > n {
        all.select_nth_unstable_by(n, by_rank);
        all.truncate(n);
    }
    all.sort_unstable_by(by_rank);
    all
}

/// `map` with its keys replaced by `ids[key]` (a key with no new id is dropped).
pub(crate) fn remap_keys(map: &mut FxHashMap<TermId, u64>, ids: &[TermId]) {
    let old = std::mem::take(map);
    map.reserve(old.len());
    for (k, n) in old {
        if let Some(&id) = ids.get(k as usize) {
            *map.entry(id).or_insert(0) += n;
        }
    }
}

impl Counts {
    /// Replace every term id `t` by `ids[t]` (a document's own ids by the corpus's).
    pub fn remap(&mut self, ids: &[TermId]) {
        remap_keys(&mut self.syllable_freq, ids);
        remap_keys(&mut self.word_freq, ids);
    }

    /// Add `other` into `self`.
    pub fn merge(&mut self, other: &Counts) {
        self.documents += other.documents;
        self.paragraphs += other.paragraphs;
        self.sentences += other.sentences;
        self.syllables += other.syllables;
        self.chars += other.chars;
        self.words += other.words;
        add(&mut self.syllable_freq, &other.syllable_freq);
        add(&mut self.word_freq, &other.word_freq);
    }

    /// Take `other` (previously merged in) back out. Terms that fall to zero are dropped, so
    /// the number of types stays exact.
    pub fn subtract(&mut self, other: &Counts) {
        self.documents = self.documents.saturating_sub(other.documents);
        self.paragraphs = self.paragraphs.saturating_sub(other.paragraphs);
        self.sentences = self.sentences.saturating_sub(other.sentences);
        self.syllables = self.syllables.saturating_sub(other.syllables);
        self.chars = self.chars.saturating_sub(other.chars);
        self.words = self.words.saturating_sub(other.words);
        sub(&mut self.syllable_freq, &other.syllable_freq);
        sub(&mut self.word_freq, &other.word_freq);
    }

    /// Distinct syllables.
    pub fn types(&self) -> usize {
        self.syllable_freq.len()
    }

    /// The `n` most frequent syllables (see [`top_of`]).
    pub fn top<K: Ord>(&self, n: usize, key: impl Fn(TermId) -> K) -> Vec<(TermId, u64)> {
        top_of(&self.syllable_freq, n, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(freq: &[(TermId, u64)]) -> Counts {
        Counts {
            documents: 1,
            paragraphs: 2,
            sentences: 3,
            syllables: freq.iter().map(|f| f.1).sum(),
            chars: 10,
            syllable_freq: freq.iter().copied().collect(),
            words: 2,
            word_freq: freq.iter().take(1).copied().collect(),
        }
    }

    #[test]
    fn merge_then_subtract_restores() {
        let a = counts(&[(0, 3), (1, 1)]);
        let b = counts(&[(1, 2), (2, 5)]);
        let mut total = Counts::default();
        total.merge(&a);
        total.merge(&b);
        assert_eq!(total.documents, 2);
        assert_eq!(total.syllables, 11);
        assert_eq!(total.syllable_freq[&1], 3);
        assert_eq!(total.types(), 3);
        total.subtract(&b);
        assert_eq!(total, a);
    }

    #[test]
    fn top_is_ranked_and_stable() {
        let c = counts(&[(5, 2), (1, 7), (3, 2), (9, 1)]);
        assert_eq!(c.top(3, |id| id), vec![(1, 7), (3, 2), (5, 2)]);
        // The tie-break key decides among equal counts.
        assert_eq!(c.top(3, std::cmp::Reverse), vec![(1, 7), (5, 2), (3, 2)]);
        assert_eq!(c.top(10, |id| id).len(), 4);
        assert!(c.top(0, |id| id).is_empty());
    }
}
