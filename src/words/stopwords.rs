//! Soi's stopword list and user-edited sets of stopwords: the function words that word lists
//! leave out and that the entity rules never take as names.

use rustc_hash::FxHashSet;
use std::sync::OnceLock;

/// Soi's stopword list (see `src/data/stopwords-vi.txt`).
pub const STOPWORDS: &str = include_str!("../data/stopwords-vi.txt");

/// A set of stopwords: lower case, syllables separated by single spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stopwords(FxHashSet<String>);

impl Stopwords {
    /// The built-in list.
    pub fn builtin() -> &'static Stopwords {
        static LIST: OnceLock<Stopwords> = OnceLock::new();
        LIST.get_or_init(|| Stopwords::parse(STOPWORDS))
    }

    /// One word a line; `#` starts a comment.
    pub fn parse(text: &str) -> Stopwords {
        Stopwords(
            text.lines()
                .map(|l| l.split('#').next().unwrap_or(""))
                .map(|l| {
                    l.split_whitespace()
                        .map(|s| {
                            s.chars()
                                .map(crate::text::syllable::to_lower)
                                .collect::<String>()
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|l| !l.is_empty())
                .collect(),
        )
    }

    /// Is `word` (lower case) a stopword?
    pub fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }

    /// How many words.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The words, sorted.
    pub fn words(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.0.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Is the list empty?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
