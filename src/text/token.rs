//! Tokens of canonical text, with kinds and offsets.
//!
//! The unit word segmentation works on: a Vietnamese syllable, a foreign word, a number, a
//! date or time ("23/12/2023", "8:30"), a percentage ("3,5%"), an amount of money ("5$",
//! "200₫"), an acronym ("UBND", "COVID-19", "TP.HCM", "H.T.P"), a URL, an e-mail address or
//! a punctuation mark. Each token is a byte range into the text it was given (canonical
//! text: `normalize::Normalized::range_to_original` maps it to what the user wrote).

use crate::text::syllable;
use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A Vietnamese syllable ("đối").
    Syllable,
    /// Letters that are not a Vietnamese syllable ("Facebook", "rangers").
    Foreign,
    /// Capitals, possibly with digits or dots ("UBND", "COVID-19", "TP.HCM").
    Acronym,
    /// A number ("2023", "1.000", "3,5").
    Number,
    /// A date or time ("23/12/2023", "12/2021", "8:30").
    DateTime,
    /// A percentage ("3,5%").
    Percent,
    /// An amount with a currency sign ("5$", "200₫").
    Money,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
    /// Punctuation ("," "…" "(").
    Punct,
    /// Anything else (symbols, emoji).
    Symbol,
}

impl TokenKind {
    /// A stable identifier ("syllable", "date_time"…).
    pub fn id(self) -> &'static str {
        match self {
            TokenKind::Syllable => "syllable",
            TokenKind::Foreign => "foreign",
            TokenKind::Acronym => "acronym",
            TokenKind::Number => "number",
            TokenKind::DateTime => "date_time",
            TokenKind::Percent => "percent",
            TokenKind::Money => "money",
            TokenKind::Url => "url",
            TokenKind::Email => "email",
            TokenKind::Punct => "punct",
            TokenKind::Symbol => "symbol",
        }
    }

    /// Is this a word-like token (it can be part of a multi-syllable word)?
    pub fn is_wordlike(self) -> bool {
        matches!(
            self,
            TokenKind::Syllable | TokenKind::Foreign | TokenKind::Acronym
        )
    }
}

/// A token: its kind and byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub range: Range<usize>,
}

/// The tokens of `text`, appended to `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let b = text.as_bytes();
    // URLs and addresses are rare: look for them only when a sign of one is there.
    // memchr's searchers: std's `str::contains` sets up a two-way searcher on every call,
    // and this runs once a sentence.
    let protected = if b.contains(&b'@')
        || memchr::memmem::find(b, b"://").is_some()
        || memchr::memmem::find(b, b"www.").is_some()
    {
        crate::text::normalize::protected_spans(text)
    } else {
        Vec::new()
    };
    let mut p = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        while p < protected.len() && protected[p].end <= i {
            p += 1;
        }
        if let Some(span) = protected.get(p).filter(|s| s.start == i) {
            let kind = if text[span.clone()].contains('@') && !text[span.clone()].contains("://") {
                TokenKind::Email
            } else {
                TokenKind::Url
            };
            out.push(Token {
                kind,
                range: span.clone(),
            });
            i = span.end;
            continue;
        }
        // OK: `i` is at a char boundary (we always advance by whole chars or ASCII bytes).
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let (kind, end) = if c.is_ascii_digit() {
            number(text, i)
        } else if syllable::is_letter(c) {
            letters(text, i)
        } else if matches!(c, '$' | '€' | '£' | '¥' | '₫')
            && b.get(i + c.len_utf8()).is_some_and(u8::is_ascii_digit)
        {
            let (_, end) = number(text, i + c.len_utf8());
            (TokenKind::Money, end)
        } else if c == '.' && text[i..].starts_with("...") {
            (TokenKind::Punct, i + 3)
        } else if c.is_ascii_punctuation()
            || matches!(c, '…' | '“' | '”' | '‘' | '’' | '–' | '—' | '«' | '»')
        {
            (TokenKind::Punct, i + c.len_utf8())
        } else {
            (TokenKind::Symbol, i + c.len_utf8())
        };
        out.push(Token {
            kind,
            range: i..end,
        });
        i = end;
    }
}

/// A number starting at `i`: digits with inner separators, then its kind by shape.
fn number(text: &str, i: usize) -> (TokenKind, usize) {
    let b = text.as_bytes();
    let mut end = i;
    let mut seps = Vec::new();
    while end < b.len() {
        if b[end].is_ascii_digit() {
            end += 1;
        } else if matches!(b[end], b'.' | b',' | b'/' | b':' | b'-')
            && b.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            seps.push(b[end]);
            end += 1;
        } else {
            break;
        }
    }
    let slashes = seps.iter().filter(|&&s| s == b'/').count();
    let colons = seps.iter().filter(|&&s| s == b':').count();
    let mut kind = if (slashes == 2 || slashes == 1) && seps.len() == slashes
        || colons >= 1 && seps.len() == colons
    {
        TokenKind::DateTime
    } else {
        TokenKind::Number
    };
    if b.get(end) == Some(&b'%') {
        kind = TokenKind::Percent;
        end += 1;
    } else if let Some(c) = text[end..]
        .chars()
        .next()
        .filter(|c| matches!(c, '$' | '€' | '£' | '¥' | '₫'))
    {
        kind = TokenKind::Money;
        end += c.len_utf8();
    }
    (kind, end)
}

/// Letters starting at `i`: a syllable, a foreign word, or an acronym ("COVID-19", "TP.HCM",
/// "H.T.P").
fn letters(text: &str, i: usize) -> (TokenKind, usize) {
    let b = text.as_bytes();
    let run_end = |from: usize| {
        let mut e = from;
        for c in text[from..].chars() {
            if syllable::is_letter(c) {
                e += c.len_utf8();
            } else {
                break;
            }
        }
        e
    };
    let mut end = run_end(i);
    let word = &text[i..end];
    let caps = word.chars().all(|c| c.is_uppercase());
    if caps {
        // Dotted capitals ("TP.HCM", "H.T.P") and a digit suffix ("COVID-19", "G20") stay
        // one acronym.
        loop {
            if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|&n| n.is_ascii_uppercase())
            {
                let next = run_end(end + 1);
                if text[end + 1..next].chars().all(char::is_uppercase) {
                    end = next;
                    continue;
                }
            }
            break;
        }
        let digits_from =
            if b.get(end) == Some(&b'-') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
                end + 1
            } else {
                end
            };
        if b.get(digits_from).is_some_and(u8::is_ascii_digit) {
            end = digits_from
                + b[digits_from..]
                    .iter()
                    .take_while(|d| d.is_ascii_digit())
                    .count();
        }
        let token = &text[i..end];
        let letters = token.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 2 && (!is_syllable(token) || token.len() != word.len()) {
            return (TokenKind::Acronym, end);
        }
        if letters == 1 && token.len() > word.len() {
            return (TokenKind::Acronym, end);
        }
    }
    let kind = if is_syllable(word) {
        TokenKind::Syllable
    } else if caps && word.chars().count() >= 2 {
        TokenKind::Acronym
    } else {
        TokenKind::Foreign
    };
    (kind, i + word.len())
}

thread_local! {
    /// Verdicts of the syllable grammar by word: a corpus repeats a few thousand syllables
    /// millions of times, and a hash lookup is several times cheaper than a parse.
    static SYLLABLES: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, bool>> = Default::default();
}

/// Bound on the cache: past it (a corpus of rare words), start afresh.
const SYLLABLE_CACHE: usize = 200_000;

fn is_syllable(word: &str) -> bool {
    SYLLABLES
        .try_with(|cell| {
            let Ok(mut cache) = cell.try_borrow_mut() else {
                return syllable::is_valid(word);
            };
            if let Some(&v) = cache.get(word) {
                return v;
            }
            let v = syllable::is_valid(word);
            if cache.len() >= SYLLABLE_CACHE {
                cache.clear();
            }
            cache.insert(word.into(), v);
            v
        })
        .unwrap_or_else(|_| syllable::is_valid(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(&str, TokenKind)> {
        let mut out = Vec::new();
        tokenize(text, &mut out);
        out.iter()
            .map(|t| (&text[t.range.clone()], t.kind))
            .collect()
    }

    #[test]
    fn kinds_from_real_sentences() {
        use TokenKind::*;
        assert_eq!(
            toks("Ngày 23/12/2023, UBND TP.HCM chi 3,5% (200$) cho COVID-19 lúc 8:30."),
            vec![
                ("Ngày", Syllable),
                ("23/12/2023", DateTime),
                (",", Punct),
                ("UBND", Acronym),
                ("TP.HCM", Acronym),
                ("chi", Syllable),
                ("3,5%", Percent),
                ("(", Punct),
                ("200$", Money),
                (")", Punct),
                ("cho", Syllable),
                ("COVID-19", Acronym),
                ("lúc", Syllable),
                ("8:30", DateTime),
                (".", Punct),
            ]
        );
        assert_eq!(
            toks("Ông H.T.P dùng Facebook, xem https://vnexpress.net/a-b hoặc gửi ban@dangcongsan.vn… 1.000 người"),
            vec![
                ("Ông", Syllable), ("H.T.P", Acronym), ("dùng", Syllable), ("Facebook", Foreign), (",", Punct),
                ("xem", Syllable), ("https://vnexpress.net/a-b", Url), ("hoặc", Syllable), ("gửi", Syllable),
                ("ban@dangcongsan.vn", Email), ("…", Punct), ("1.000", Number), ("người", Syllable),
            ]
        );
        assert_eq!(
            toks("Đại hội XIII, G20 và 2021-2023"),
            vec![
                ("Đại", Syllable),
                ("hội", Syllable),
                ("XIII", Acronym),
                (",", Punct),
                ("G20", Acronym),
                ("và", Syllable),
                ("2021-2023", Number)
            ]
        );
    }

    #[test]
    fn tokens_cover_every_non_space_character_in_order() {
        let text = "Tại cuộc làm việc, Đề xuất (một số) nội hàm đường lối… \"đối ngoại\" 😀 v.v.";
        let mut out = Vec::new();
        tokenize(text, &mut out);
        let mut at = 0;
        for t in &out {
            assert!(
                text[at..t.range.start].chars().all(char::is_whitespace),
                "gap before {t:?}"
            );
            at = t.range.end;
        }
        assert!(text[at..].trim().is_empty());
    }
}
