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

/// A finished document's frequency table: (term, count) sorted by term, 8 bytes an entry.
/// A hash table of the same terms held 25–30 bytes an entry (its 16-byte entries, a control
/// byte each, and the room it keeps free), the largest part of a corpus's memory after the
/// texts and the index. A document counts fewer than 2³² of anything (counts saturate).
/// Keyed by anything small and ordered: entity ids, pairs of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freqs<K = TermId> {
    entries: Box<[(K, u32)]>,
}

impl<K> Default for Freqs<K> {
    fn default() -> Self {
        Freqs {
            entries: Box::default(),
        }
    }
}

impl<K: Copy + Ord + std::hash::Hash> Freqs<K> {
    /// The table of `counts` (any order; a key given twice is summed).
    pub fn new(counts: impl IntoIterator<Item = (K, u64)>) -> Freqs<K> {
        let mut v: Vec<(K, u64)> = counts.into_iter().collect();
        v.sort_unstable_by_key(|e| e.0);
        let mut entries: Vec<(K, u32)> = Vec::with_capacity(v.len());
        for (id, n) in v {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            match entries.last_mut() {
                Some(last) if last.0 == id => last.1 = last.1.saturating_add(n),
                _ => entries.push((id, n)),
            }
        }
        Freqs {
            entries: entries.into_boxed_slice(),
        }
    }

    /// The count of `id` (`None` if it does not occur).
    pub fn get(&self, id: &K) -> Option<u64> {
        self.entries
            .binary_search_by_key(id, |e| e.0)
            .ok()
            .map(|i| u64::from(self.entries[i].1))
    }

    /// Every (term, count), by term.
    pub fn iter(&self) -> impl Iterator<Item = (K, u64)> + '_ {
        self.entries.iter().map(|&(id, n)| (id, u64::from(n)))
    }

    /// Every term, in order.
    pub fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.entries.iter().map(|e| e.0)
    }

    /// Every count, in the order of the terms.
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.entries.iter().map(|e| u64::from(e.1))
    }

    /// Distinct terms.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No term.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The table as a hash map (for a caller that adds to it).
    pub fn to_map(&self) -> FxHashMap<K, u64> {
        self.iter().collect()
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.entries)
    }

    /// The entries as they are kept, sorted by key (for [`crate::corpus::pack`]).
    pub(crate) fn entries(&self) -> &[(K, u32)] {
        &self.entries
    }

    /// The table of `entries` as [`Self::entries`] gave them (for [`crate::corpus::pack`]);
    /// `None` unless their keys increase strictly, which [`Self::get`]'s binary search
    /// relies on.
    pub(crate) fn from_entries(entries: Vec<(K, u32)>) -> Option<Freqs<K>> {
        entries.windows(2).all(|w| w[0].0 < w[1].0).then(|| Freqs {
            entries: entries.into_boxed_slice(),
        })
    }

    /// Replace every key `k` by `f(k)` (a key it gives no new one is dropped; keys it
    /// makes equal are summed).
    pub fn remap_with(&mut self, f: impl Fn(K) -> Option<K>) {
        let old = std::mem::take(self);
        *self = Freqs::new(old.iter().filter_map(|(k, n)| Some((f(k)?, n))));
    }
}

impl Freqs<TermId> {
    /// Replace every term `t` by `ids[t]` (a term with no new id is dropped).
    pub fn remap(&mut self, ids: &[TermId]) {
        self.remap_with(|k| ids.get(k as usize).copied());
    }
}

/// Counts of one finished document: [`Counts`] with its tables compact ([`Freqs`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocCounts {
    /// 1.
    pub documents: u64,
    /// Non-blank lines.
    pub paragraphs: u64,
    /// Sentences.
    pub sentences: u64,
    /// Syllable tokens.
    pub syllables: u64,
    /// Characters of the normalized text.
    pub chars: u64,
    /// Frequency of each lower-cased syllable.
    pub syllable_freq: Freqs,
    /// Word tokens.
    pub words: u64,
    /// Frequency of each lower-cased word.
    pub word_freq: Freqs,
}

impl From<Counts> for DocCounts {
    fn from(c: Counts) -> DocCounts {
        DocCounts {
            documents: c.documents,
            paragraphs: c.paragraphs,
            sentences: c.sentences,
            syllables: c.syllables,
            chars: c.chars,
            syllable_freq: Freqs::new(c.syllable_freq),
            words: c.words,
            word_freq: Freqs::new(c.word_freq),
        }
    }
}

impl DocCounts {
    /// Replace every term id `t` by `ids[t]` (a document's own ids by the corpus's).
    pub fn remap(&mut self, ids: &[TermId]) {
        self.syllable_freq.remap(ids);
        self.word_freq.remap(ids);
    }

    /// Bytes held by the tables.
    pub fn heap_bytes(&self) -> usize {
        self.syllable_freq.heap_bytes() + self.word_freq.heap_bytes()
    }
}

fn add(into: &mut FxHashMap<TermId, u64>, from: &Freqs) {
    for (id, n) in from.iter() {
        *into.entry(id).or_insert(0) += n;
    }
}

fn sub(from: &mut FxHashMap<TermId, u64>, what: &Freqs) {
    for (id, n) in what.iter() {
        if let Some(have) = from.get_mut(&id) {
            *have = have.saturating_sub(n);
            if *have == 0 {
                from.remove(&id);
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

impl Counts {
    /// Add `other` into `self`.
    pub fn merge(&mut self, other: &DocCounts) {
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
    pub fn subtract(&mut self, other: &DocCounts) {
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

    fn counts(freq: &[(TermId, u64)]) -> DocCounts {
        DocCounts {
            documents: 1,
            paragraphs: 2,
            sentences: 3,
            syllables: freq.iter().map(|f| f.1).sum(),
            chars: 10,
            syllable_freq: Freqs::new(freq.iter().copied()),
            words: 2,
            word_freq: Freqs::new(freq.iter().take(1).copied()),
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
        assert_eq!(total.syllable_freq, a.syllable_freq.to_map());
        assert_eq!(total.word_freq, a.word_freq.to_map());
        assert_eq!(
            (total.documents, total.syllables, total.words, total.chars),
            (a.documents, a.syllables, a.words, a.chars)
        );
    }

    #[test]
    fn a_compact_table_sums_sorts_saturates_and_remaps() {
        let f = Freqs::new([(7, 2), (3, 1), (7, 5), (9, u64::MAX)]);
        assert_eq!(
            f.iter().collect::<Vec<_>>(),
            [(3, 1), (7, 7), (9, u32::MAX as u64)]
        );
        assert_eq!((f.get(&7), f.get(&4), f.len()), (Some(7), None, 3));
        assert_eq!(f.heap_bytes(), 3 * 8);
        // Two local ids for one corpus id merge; an id with no new one is dropped.
        let mut g = Freqs::new([(0, 1), (1, 2), (2, 4), (5, 8)]);
        g.remap(&[10, 4, 10]);
        assert_eq!(g.iter().collect::<Vec<_>>(), [(4, 2), (10, 5)]);
        assert!(Freqs::<TermId>::default().is_empty());
    }

    #[test]
    fn top_is_ranked_and_stable() {
        let mut c = Counts::default();
        c.merge(&counts(&[(5, 2), (1, 7), (3, 2), (9, 1)]));
        assert_eq!(c.top(3, |id| id), vec![(1, 7), (3, 2), (5, 2)]);
        // The tie-break key decides among equal counts.
        assert_eq!(c.top(3, std::cmp::Reverse), vec![(1, 7), (5, 2), (3, 2)]);
        assert_eq!(c.top(10, |id| id).len(), 4);
        assert!(c.top(0, |id| id).is_empty());
    }
}
