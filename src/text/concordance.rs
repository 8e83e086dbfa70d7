//! Concordance (KWIC): every place a word, a phrase or a pattern occurs, with its context.
//!
//! A query is a sequence of syllable patterns matched against consecutive tokens:
//! "đối ngoại" (a phrase), "ngoại*" (a prefix), "*giao" (a suffix), "đối *" (any syllable).
//! Matching ignores case unless asked, and ignores accents if asked ("doi ngoai" finds "đối
//! ngoại"). Hits are byte ranges into the canonical text, sortable by left or right context.

use crate::text::token::{tokenize, Token};
use std::ops::Range;

/// How to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Match case exactly (default: ignore case).
    pub case_sensitive: bool,
    /// Ignore tone marks and vowel marks ("doi ngoai" finds "đối ngoại").
    pub ignore_accents: bool,
}

/// One syllable pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Any,
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    parts: Vec<Pattern>,
    opts: Options,
    raw: String,
}

/// `c` without tone or vowel marks, lower case unless `keep_case`: "Ố" → "o", "đ" → "d".
pub fn fold_char(c: char, keep_case: bool) -> char {
    match crate::text::syllable::letter(c) {
        Some(l) => {
            let base = match l.base {
                'ă' | 'â' => 'a',
                'ê' => 'e',
                'ô' | 'ơ' => 'o',
                'ư' => 'u',
                'đ' => 'd',
                b => b,
            };
            if keep_case && l.upper {
                base.to_ascii_uppercase()
            } else {
                base
            }
        }
        None if keep_case => c,
        None => crate::text::syllable::to_lower(c),
    }
}

fn prepare(s: &str, opts: Options) -> String {
    match (opts.ignore_accents, opts.case_sensitive) {
        (true, keep) => s.chars().map(|c| fold_char(c, keep)).collect(),
        (false, true) => s.to_owned(),
        (false, false) => s.chars().map(crate::text::syllable::to_lower).collect(),
    }
}

impl Query {
    /// Parse `q` (syllables separated by spaces or '_', `*` as a wildcard at either end of a
    /// syllable or alone). `None` for an empty query.
    pub fn parse(q: &str, opts: Options) -> Option<Query> {
        let parts: Vec<Pattern> = q
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|s| !s.is_empty())
            .map(|s| {
                let p = prepare(s, opts);
                match (p.starts_with('*'), p.ends_with('*') && p.len() > 1) {
                    _ if p.chars().all(|c| c == '*') => Pattern::Any,
                    (true, true) => Pattern::Contains(p.trim_matches('*').to_owned()),
                    (true, false) => Pattern::Suffix(p.trim_start_matches('*').to_owned()),
                    (false, true) => Pattern::Prefix(p.trim_end_matches('*').to_owned()),
                    (false, false) => Pattern::Exact(p),
                }
            })
            .collect();
        (!parts.is_empty()).then_some(Query {
            parts,
            opts,
            raw: q.to_owned(),
        })
    }

    /// How many tokens a match spans.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Never true: [`Query::parse`] refuses empty queries.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether matching keeps case.
    pub fn case_sensitive(&self) -> bool {
        self.opts.case_sensitive
    }

    /// The same query ignoring case (what an index of lower-cased terms can answer; hits of
    /// a case-sensitive query are then checked with [`Query::matches`]).
    pub fn ignoring_case(&self) -> Query {
        let opts = Options {
            case_sensitive: false,
            ..self.opts
        };
        Query::parse(&self.raw, opts).unwrap_or_else(|| self.clone())
    }

    /// Whether `token` matches pattern `k`.
    pub fn matches(&self, k: usize, token: &str) -> bool {
        if k >= self.parts.len() {
            return false;
        }
        let t = prepare(token, self.opts);
        match &self.parts[k] {
            // A wildcard stands for a word: letters or digits, not punctuation.
            Pattern::Any => t.chars().next().is_some_and(char::is_alphanumeric),
            Pattern::Exact(p) => t == *p,
            Pattern::Prefix(p) => t.starts_with(p.as_str()),
            Pattern::Suffix(p) => t.ends_with(p.as_str()),
            Pattern::Contains(p) => t.contains(p.as_str()),
        }
    }
}

/// A hit: the matched range and its context, in the text given to [`search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The matched text's byte range.
    pub range: Range<usize>,
    /// Up to `width` characters before it (on the same paragraph).
    pub left: String,
    /// The matched text.
    pub matched: String,
    /// Up to `width` characters after it.
    pub right: String,
}

/// Every hit of `query` in `text` (canonical text), in text order, with `width` characters
/// of context on each side. Matches never cross a line break.
pub fn search(text: &str, query: &Query, width: usize) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut tokens: Vec<Token> = Vec::new();
    let n = query.parts.len();
    for (range, para) in crate::text::segment::paragraphs(text) {
        tokenize(para, &mut tokens);
        if tokens.len() < n {
            continue;
        }
        let mut i = 0;
        while i + n <= tokens.len() {
            if (0..n).all(|k| query.matches(k, &para[tokens[i + k].range.clone()])) {
                let (s, e) = (tokens[i].range.start, tokens[i + n - 1].range.end);
                let left_start = para[..s]
                    .char_indices()
                    .rev()
                    .nth(width.saturating_sub(1))
                    .map_or(0, |(j, _)| j);
                let right_end = para[e..]
                    .char_indices()
                    .nth(width)
                    .map_or(para.len(), |(j, _)| e + j);
                hits.push(Hit {
                    range: range.start + s..range.start + e,
                    left: para[left_start..s].to_owned(),
                    matched: para[s..e].to_owned(),
                    right: para[e..right_end].to_owned(),
                });
                i += n;
            } else {
                i += 1;
            }
        }
    }
    hits
}

/// Sort hits by the words right after them (`by_right`), or by the words before them read
/// backwards. Alphabetical the Vietnamese way: letters first without their marks ("đa"
/// with the d's), then with them.
pub fn sort(hits: &mut [Hit], by_right: bool) {
    hits.sort_by_cached_key(|h| sort_key(h, by_right));
}

/// The key [`sort`] orders by.
pub fn sort_key(h: &Hit, by_right: bool) -> (String, String) {
    let context = if by_right {
        h.right.trim_start().to_owned()
    } else {
        h.left
            .split_whitespace()
            .rev()
            .collect::<Vec<_>>()
            .join(" ")
    };
    sort_text(&context)
}

/// The key Vietnamese alphabetical order compares: the letters without their marks, then
/// the lower-cased text.
pub fn sort_text(s: &str) -> (String, String) {
    (
        s.chars().map(|c| fold_char(c, false)).collect(),
        s.chars().map(crate::text::syllable::to_lower).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Tổng Bí thư làm việc với Ban Đối ngoại Trung ương.\nCông tác đối ngoại và ngoại giao nhân dân; ĐỐI NGOẠI đa phương.\nDoi ngoai viết không dấu.";

    fn found(q: &str, opts: Options) -> Vec<String> {
        let q = Query::parse(q, opts).unwrap();
        search(TEXT, &q, 10)
            .into_iter()
            .map(|h| h.matched)
            .collect()
    }

    #[test]
    fn phrases_ignore_case_by_default() {
        assert_eq!(
            found("đối ngoại", Options::default()),
            ["Đối ngoại", "đối ngoại", "ĐỐI NGOẠI"]
        );
        assert_eq!(
            found(
                "đối ngoại",
                Options {
                    case_sensitive: true,
                    ..Options::default()
                }
            ),
            ["đối ngoại"]
        );
    }

    #[test]
    fn accent_insensitive_if_asked() {
        let opts = Options {
            ignore_accents: true,
            ..Options::default()
        };
        assert_eq!(
            found("doi ngoai", opts),
            ["Đối ngoại", "đối ngoại", "ĐỐI NGOẠI", "Doi ngoai"]
        );
        assert_eq!(found("doi ngoai", Options::default()), ["Doi ngoai"]);
    }

    #[test]
    fn wildcards() {
        assert_eq!(
            found("ngoại*", Options::default()),
            ["ngoại", "ngoại", "ngoại", "NGOẠI"]
        );
        assert_eq!(found("*giao", Options::default()), ["giao"]);
        assert_eq!(
            found("đối *", Options::default()),
            ["Đối ngoại", "đối ngoại", "ĐỐI NGOẠI"]
        );
        assert_eq!(found("*ươn*", Options::default()), ["ương", "phương"]);
        assert!(Query::parse("  ", Options::default()).is_none());
    }

    #[test]
    fn context_and_offsets() {
        let q = Query::parse("ngoại giao", Options::default()).unwrap();
        let hits = search(TEXT, &q, 10);
        assert_eq!(hits.len(), 1);
        let h = &hits[0];
        assert_eq!(&TEXT[h.range.clone()], "ngoại giao");
        // Ten characters each side.
        assert_eq!(
            (h.left.as_str(), h.right.as_str()),
            (" ngoại và ", " nhân dân;")
        );
    }

    #[test]
    fn sorting_by_context() {
        let q = Query::parse("đối ngoại", Options::default()).unwrap();
        let mut hits = search(TEXT, &q, 20);
        sort(&mut hits, true);
        let next: Vec<&str> = hits
            .iter()
            .map(|h| h.right.split_whitespace().next().unwrap_or(""))
            .collect();
        assert_eq!(next, ["đa", "Trung", "và"]);
        sort(&mut hits, false);
        let before: Vec<&str> = hits
            .iter()
            .map(|h| h.left.split_whitespace().last().unwrap_or(""))
            .collect();
        assert_eq!(before, ["Ban", "dân;", "tác"]);
    }
}
