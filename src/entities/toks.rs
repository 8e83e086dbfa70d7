//! The tokens of one paragraph as the entity rules read them: each with its kind, case,
//! word and sentence starts, and lower-case text, built once per paragraph into reusable
//! buffers. Shared by the rules, the gazetteers and the date reader.

use crate::text::token::{tokenize, Token, TokenKind};
use crate::words::Word;
use std::ops::Range;

/// One token with what the rules ask of it.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub(super) range: Range<usize>,
    pub(super) kind: TokenKind,
    pub(super) cap: bool,
    pub(super) word_start: bool,
    pub(super) sent_start: bool,
    pub(super) low: Range<usize>,
    /// [`token_hash`] of the lower-case text: the gazetteers' keys are built from it.
    pub(super) hash: u64,
}

/// A fast hash of one token's lower-case text, eight bytes at a time.
pub(crate) fn token_hash(bytes: &[u8]) -> u64 {
    let h = mix_bytes(bytes, bytes.len() as u64 ^ 0x243f_6a88_85a3_08d3);
    h ^ (h >> 29)
}

/// `h` mixed with `bytes` eight at a time (the rest zero-padded): the body of the entity
/// layer's hashes, whose seeds and last steps differ.
pub(crate) fn mix_bytes(bytes: &[u8], mut h: u64) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut x = [0u8; 8];
        x.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(x)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut x = [0u8; 8];
        x[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(x)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h
}

/// The key of a phrase so far (`h`, 0 for none) extended by a token's [`token_hash`].
pub(crate) fn phrase_step(h: u64, token: u64) -> u64 {
    (h.rotate_left(17) ^ token).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Reusable buffers (kept in [`DocMemory`]).
#[derive(Debug, Default, Clone)]
pub(crate) struct Scratch {
    pub(super) tokens: Vec<Token>,
    pub(super) toks: Vec<Tok>,
    pub(super) lower: String,
    pub(super) sentences: Vec<Range<usize>>,
    /// The paragraph is sports news (the rules' cue words): a place may name a team.
    pub(super) sports: bool,
}

/// The tokens of a paragraph.
pub(crate) struct Toks<'a> {
    pub(super) text: &'a str,
    pub(super) toks: &'a [Tok],
    pub(super) lower: &'a str,
}

impl<'a> Toks<'a> {
    /// Lower-case text of token `i` ("" past the end).
    pub(super) fn low(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.lower.get(t.low.clone()))
            .unwrap_or("")
    }
    /// [`token_hash`] of token `i`'s lower-case text (0 past the end).
    pub(super) fn hash(&self, i: usize) -> u64 {
        self.toks.get(i).map_or(0, |t| t.hash)
    }
    /// Text of token `i` as written.
    pub(super) fn s(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.range.clone()))
            .unwrap_or("")
    }
    /// Is token `i` a capitalized word (or an acronym)?
    pub(super) fn cap(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.cap)
    }
    /// Does a word start at token `i`? (True past the end.)
    pub(super) fn word_start(&self, i: usize) -> bool {
        self.toks.get(i).is_none_or(|t| t.word_start)
    }
    pub(super) fn kind(&self, i: usize) -> Option<TokenKind> {
        self.toks.get(i).map(|t| t.kind)
    }
    /// Byte range of tokens `a..b`.
    pub(super) fn span(&self, a: usize, b: usize) -> Range<usize> {
        match (self.toks.get(a), self.toks.get(b.saturating_sub(1))) {
            (Some(x), Some(y)) if b > a => x.range.start..y.range.end,
            _ => 0..0,
        }
    }
    /// Is token `j` a hyphen glued to capitalized words on both sides ("Hirsh-Pasek")?
    pub(super) fn glued_hyphen(&self, j: usize) -> bool {
        match (
            self.toks.get(j.wrapping_sub(1)),
            self.toks.get(j),
            self.toks.get(j + 1),
        ) {
            (Some(a), Some(h), Some(b)) => {
                self.s(j) == "-"
                    && a.range.end == h.range.start
                    && h.range.end == b.range.start
                    && b.cap
            }
            _ => false,
        }
    }
    /// Lower-case text of tokens `a..b`, joined by single spaces.
    pub(super) fn lower_span(&self, a: usize, b: usize) -> String {
        let mut s = String::new();
        for k in a..b {
            if k > a {
                s.push(' ');
            }
            s.push_str(self.low(k));
        }
        s
    }
    pub(super) fn span_text(&self, a: usize, b: usize) -> &'a str {
        self.text.get(self.span(a, b)).unwrap_or("")
    }
    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }
    pub(super) fn letters(&self, i: usize) -> bool {
        matches!(
            self.kind(i),
            Some(TokenKind::Syllable | TokenKind::Foreign | TokenKind::Acronym)
        )
    }
    /// A capitalized word-like token.
    pub(super) fn capword(&self, i: usize) -> bool {
        self.cap(i) && self.letters(i)
    }
}

impl Scratch {
    pub(super) fn build(&mut self, text: &str, words: &[Word]) {
        tokenize(text, &mut self.tokens);
        crate::text::segment::sentences_into(text, &mut self.sentences);
        self.toks.clear();
        self.lower.clear();
        let mut w = 0;
        let mut s = 0;
        for t in &self.tokens {
            let st = t.range.start;
            while w < words.len() && words[w].range.start < st {
                w += 1;
            }
            let word_start = words.is_empty() || words.get(w).is_some_and(|x| x.range.start == st);
            let mut sent_start = false;
            while s < self.sentences.len() && self.sentences[s].start <= st {
                sent_start = true;
                s += 1;
            }
            let str_ = text.get(t.range.clone()).unwrap_or("");
            let cap = matches!(
                t.kind,
                TokenKind::Syllable | TokenKind::Foreign | TokenKind::Acronym
            ) && str_.chars().next().is_some_and(char::is_uppercase);
            let lo = self.lower.len();
            self.lower
                .extend(str_.chars().map(crate::text::syllable::to_lower));
            let hash = token_hash(&self.lower.as_bytes()[lo..]);
            self.toks.push(Tok {
                hash,
                range: t.range.clone(),
                kind: t.kind,
                cap,
                word_start: word_start || self.toks.is_empty() || sent_start,
                sent_start: sent_start || self.toks.is_empty(),
                low: lo..self.lower.len(),
            });
            // Tokens apart, so that the whole reads as lower-case text ("cặp đấu").
            self.lower.push(' ');
        }
    }
}
