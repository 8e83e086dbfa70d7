//! Words of canonical text: sentences → tokens → the learned segmenter → the user's
//! dictionary on top.
//!
//! The segmenter ([`crate::wordseg`]) decides where words begin from data; the user can
//! overrule it for their own texts: join a phrase into one word ("Đại hội Đảng") or split a
//! word back into syllables. The dictionary is applied after the model, so it always wins.

pub mod stopwords;

use crate::text::segment;
use crate::text::token::{tokenize, Token, TokenKind};
use crate::wordseg::Segmenter;
use rustc_hash::FxHashSet;
use std::ops::Range;

/// The user's corrections to word segmentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDict {
    /// Phrases to join, as lower-case syllables, longest first.
    join: Vec<Vec<String>>,
    /// Words to split into syllables, as lower-case syllables joined by spaces.
    split: FxHashSet<String>,
}

/// One line of a user dictionary: `+ Đại hội Đảng` joins, `- đường lối` splits; a line
/// without a sign joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Make these syllables one word.
    Join(String),
    /// Make this word separate syllables.
    Split(String),
}

impl Entry {
    /// Parse one line; `None` for blank lines and comments (`#`).
    pub fn parse(line: &str) -> Option<Entry> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (split, rest) = match line.as_bytes()[0] {
            b'-' => (true, &line[1..]),
            b'+' => (false, &line[1..]),
            _ => (false, line),
        };
        let phrase = rest
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if phrase.is_empty() {
            return None;
        }
        Some(if split {
            Entry::Split(phrase)
        } else {
            Entry::Join(phrase)
        })
    }

    /// The line that [`Entry::parse`] reads back.
    pub fn to_line(&self) -> String {
        match self {
            Entry::Join(p) => format!("+ {p}"),
            Entry::Split(p) => format!("- {p}"),
        }
    }
}

fn lower(s: &str) -> String {
    s.chars().map(crate::text::syllable::to_lower).collect()
}

impl UserDict {
    /// A dictionary of `entries`.
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> UserDict {
        let mut d = UserDict::default();
        for e in entries {
            match e {
                Entry::Join(p) => {
                    let syl: Vec<String> = p.split(' ').map(lower).collect();
                    if syl.len() >= 2 {
                        d.join.push(syl);
                    }
                }
                Entry::Split(p) => {
                    d.split.insert(lower(p));
                }
            }
        }
        d.join
            .sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        d.join.dedup();
        d
    }

    /// Parse a dictionary file (one [`Entry`] a line).
    pub fn parse(text: &str) -> UserDict {
        let entries: Vec<Entry> = text.lines().filter_map(Entry::parse).collect();
        UserDict::new(&entries)
    }

    /// Is the dictionary empty?
    pub fn is_empty(&self) -> bool {
        self.join.is_empty() && self.split.is_empty()
    }

    /// Correct `starts` (word starts over `tokens`, as the segmenter gives them).
    pub fn apply(&self, tokens: &[&str], starts: &mut Vec<usize>) {
        if self.is_empty() || tokens.is_empty() {
            return;
        }
        let n = tokens.len();
        let mut boundary = vec![false; n + 1];
        for &s in starts.iter() {
            boundary[s] = true;
        }
        boundary[n] = true;
        if !self.split.is_empty() {
            let mut key = String::new();
            for (i, &s) in starts.iter().enumerate() {
                let e = starts.get(i + 1).copied().unwrap_or(n);
                if e - s < 2 {
                    continue;
                }
                key.clear();
                for (k, t) in tokens[s..e].iter().enumerate() {
                    if k > 0 {
                        key.push(' ');
                    }
                    key.extend(t.chars().map(crate::text::syllable::to_lower));
                }
                if self.split.contains(&key) {
                    boundary[s..e].iter_mut().for_each(|b| *b = true);
                }
            }
        }
        let mut i = 0;
        while i < n {
            let hit = self.join.iter().find(|p| {
                p.len() <= n - i
                    && p.iter()
                        .zip(&tokens[i..])
                        .all(|(a, t)| t.chars().map(crate::text::syllable::to_lower).eq(a.chars()))
            });
            match hit {
                Some(p) => {
                    boundary[i] = true;
                    boundary[i + 1..i + p.len()]
                        .iter_mut()
                        .for_each(|b| *b = false);
                    boundary[i + p.len()] = true;
                    i += p.len();
                }
                None => i += 1,
            }
        }
        starts.clear();
        starts.extend((0..n).filter(|&k| boundary[k]));
    }
}

/// A word of canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// Its tokens' kinds: the first token's kind for one-token words.
    pub kind: TokenKind,
    /// How many tokens (syllables) it has.
    pub tokens: usize,
}

/// Reusable buffers for [`words_into`].
#[derive(Default, Debug)]
pub struct Scratch {
    tokens: Vec<Token>,
    strs: Vec<Range<usize>>,
    starts: Vec<usize>,
    sentences: Vec<Range<usize>>,
}

/// The words of `paragraph`, sentence by sentence, appended to `out` (cleared first).
/// Punctuation and other non-word tokens come out as one-token words of their own kind.
pub fn words_into(
    paragraph: &str,
    seg: &Segmenter,
    dict: &UserDict,
    s: &mut Scratch,
    out: &mut Vec<Word>,
) {
    words_and_tokens_into(paragraph, seg, dict, s, out, None);
}

/// What [`words_into`] finds besides the words: the tokens, and where sentences end.
#[derive(Default, Debug)]
pub struct Layout {
    /// Every token of the paragraph, ranges into it.
    pub tokens: Vec<Token>,
    /// For each sentence, the index in the words just past its last word.
    pub sentence_ends: Vec<usize>,
}

/// [`words_into`], also filling `layout` (cleared first) so an index needs no second pass.
pub fn words_and_tokens_into(
    paragraph: &str,
    seg: &Segmenter,
    dict: &UserDict,
    s: &mut Scratch,
    out: &mut Vec<Word>,
    mut layout: Option<&mut Layout>,
) {
    out.clear();
    if let Some(l) = layout.as_deref_mut() {
        l.tokens.clear();
        l.sentence_ends.clear();
    }
    segment::sentences_into(paragraph, &mut s.sentences);
    for k in 0..s.sentences.len() {
        let sr = s.sentences[k].clone();
        let sentence = &paragraph[sr.clone()];
        tokenize(sentence, &mut s.tokens);
        s.strs.clear();
        s.strs.extend(s.tokens.iter().map(|t| t.range.clone()));
        let strs: Vec<&str> = s.strs.iter().map(|r| &sentence[r.clone()]).collect();
        seg.segment_into(&strs, &mut s.starts);
        dict.apply(&strs, &mut s.starts);
        for (k, &start) in s.starts.iter().enumerate() {
            let end = s.starts.get(k + 1).copied().unwrap_or(strs.len());
            let first = &s.tokens[start];
            let last = &s.tokens[end - 1];
            out.push(Word {
                range: sr.start + first.range.start..sr.start + last.range.end,
                kind: first.kind,
                tokens: end - start,
            });
        }
        if let Some(l) = layout.as_deref_mut() {
            l.tokens.extend(s.tokens.iter().map(|t| Token {
                kind: t.kind,
                range: sr.start + t.range.start..sr.start + t.range.end,
            }));
            l.sentence_ends.push(out.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, dict: &UserDict) -> Vec<String> {
        let mut out = Vec::new();
        words_into(
            text,
            Segmenter::embedded(),
            dict,
            &mut Scratch::default(),
            &mut out,
        );
        out.iter()
            .map(|w| text[w.range.clone()].replace(' ', "_"))
            .collect()
    }

    #[test]
    fn sample_corpus_words() {
        let none = UserDict::default();
        let w = words(
            "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương.",
            &none,
        );
        assert!(w.contains(&"Nguyễn_Phú_Trọng".to_string()), "{w:?}");
        assert!(w.contains(&"làm_việc".to_string()), "{w:?}");
        let w = words(
            "Tiếp tục bám sát đường lối đối ngoại của Đại hội XIII.",
            &none,
        );
        assert!(
            w.contains(&"đối_ngoại".to_string()) && w.contains(&"đường_lối".to_string()),
            "{w:?}"
        );
        assert_eq!(w.last().map(String::as_str), Some("."));
    }

    #[test]
    fn the_user_dictionary_wins() {
        let text = "Đại hội Đảng lần thứ XIII bàn về đường lối đối ngoại.";
        let dict = UserDict::parse("+ Đại hội Đảng\n- đường lối\n# comment\n");
        let w = words(text, &dict);
        assert!(w.contains(&"Đại_hội_Đảng".to_string()), "{w:?}");
        assert!(
            w.contains(&"đường".to_string()) && w.contains(&"lối".to_string()),
            "{w:?}"
        );
        assert_eq!(
            Entry::parse("- đường_lối"),
            Some(Entry::Split("đường lối".into()))
        );
        assert_eq!(Entry::parse("  "), None);
        assert_eq!(
            Entry::parse("+ Đại hội Đảng").unwrap().to_line(),
            "+ Đại hội Đảng"
        );
    }

    #[test]
    fn words_cover_the_tokens_in_order() {
        let text = "Ngày 23/12, UBND tỉnh (TTXVN) chi 3,5% — “đối ngoại”… ổn!";
        let mut out = Vec::new();
        words_into(
            text,
            Segmenter::embedded(),
            &UserDict::parse("+ ngày 23/12"),
            &mut Scratch::default(),
            &mut out,
        );
        let mut at = 0;
        for w in &out {
            assert!(text[at..w.range.start].trim().is_empty(), "{w:?}");
            at = w.range.end;
        }
        assert!(text[at..].trim().is_empty());
        assert_eq!(&text[out[0].range.clone()], "Ngày 23/12");
    }
}
