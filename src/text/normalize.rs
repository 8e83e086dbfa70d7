//! Normalization: decoded text in, one canonical text out, every change recorded.
//!
//! Statistics are only as good as this step: "hoà bình" and "hòa bình" must count as one
//! word, "hòa" typed as `o + U+0300 + a` as the precomposed "ò". Two passes, each a list of
//! edits applied in one sweep:
//!
//! 1. characters: Unicode NFC (cluster by cluster), CRLF/CR → LF, invisible characters
//!    (soft hyphen, zero-width, stray BOM) removed, NBSP and runs of spaces → one space,
//!    spaces at line ends dropped (paragraph breaks are kept);
//! 2. tokens: "Ð" typed for "Đ", tone marks placed by the chosen [`ToneStyle`] (and misplaced
//!    marks fixed), syllables run together split apart ("mộtsố" → "một số"), spacing around
//!    punctuation. URLs and e-mail addresses are left exactly as they are.
//!
//! Every edit becomes a [`Change`] with its range in the ORIGINAL text, and an
//! [`OffsetMap`] maps any offset of the canonical text back to the original, so tokens and
//! entities found later point at what the user actually wrote. Tokens that are not
//! Vietnamese syllables are listed ([`Unknown`]), never changed.

use crate::text::syllable::{self, ToneStyle};
use rustc_hash::FxHashMap;
use std::ops::Range;
use unicode_normalization::{
    char::is_combining_mark, is_nfc_quick, IsNormalized, UnicodeNormalization,
};

/// Which rules run. All are on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Where tone marks go.
    pub tone_style: ToneStyle,
    /// Place tone marks consistently (and fix misplaced ones).
    pub tone_marks: bool,
    /// Split syllables run together.
    pub glued: bool,
    /// Fix spacing around punctuation.
    pub punctuation: bool,
    /// Replace "Ð"/"ð" used as Vietnamese "Đ"/"đ".
    pub d_stroke: bool,
    /// Collapse spaces, drop invisible characters.
    pub spaces: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tone_style: ToneStyle::Traditional,
            tone_marks: true,
            glued: true,
            punctuation: true,
            d_stroke: true,
            spaces: true,
        }
    }
}

/// Kinds of change, in the order the Normalization view lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Decomposed characters composed (NFC).
    Nfc,
    /// CRLF or CR made LF.
    LineBreak,
    /// Soft hyphen, zero-width character or stray BOM removed.
    Invisible,
    /// NBSP, tab or a run of spaces made one space; spaces at line ends dropped.
    Space,
    /// "Ð" (Icelandic eth) made "Đ".
    DStroke,
    /// Tone mark moved.
    ToneMark,
    /// Syllables run together split apart.
    Glued,
    /// Space added or removed around punctuation.
    Punctuation,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 8] = [
        ChangeKind::Nfc,
        ChangeKind::LineBreak,
        ChangeKind::Invisible,
        ChangeKind::Space,
        ChangeKind::DStroke,
        ChangeKind::ToneMark,
        ChangeKind::Glued,
        ChangeKind::Punctuation,
    ];

    /// A stable identifier ("tone_mark").
    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::Nfc => "nfc",
            ChangeKind::LineBreak => "line_break",
            ChangeKind::Invisible => "invisible",
            ChangeKind::Space => "space",
            ChangeKind::DStroke => "d_stroke",
            ChangeKind::ToneMark => "tone_mark",
            ChangeKind::Glued => "glued",
            ChangeKind::Punctuation => "punctuation",
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What kind.
    pub kind: ChangeKind,
    /// Byte range in the original text.
    pub range: Range<usize>,
    /// The original text of that range.
    pub before: String,
    /// What replaced it.
    pub after: String,
}

/// Why a token is not a Vietnamese syllable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnknownKind {
    /// Two or more capitals ("UBND", "COVID").
    Acronym,
    /// Plain ASCII letters: a foreign word or name ("Facebook", "rangers").
    Foreign,
    /// Vietnamese letters that do not form a syllable: likely a typo ("viẻn").
    Malformed,
}

impl UnknownKind {
    /// Its name in reports ("acronym", "foreign", "malformed").
    pub fn id(self) -> &'static str {
        match self {
            UnknownKind::Acronym => "acronym",
            UnknownKind::Foreign => "foreign",
            UnknownKind::Malformed => "malformed",
        }
    }
}

/// A token that failed the syllable check, with how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The token.
    pub token: String,
    /// Its class.
    pub kind: UnknownKind,
    /// Occurrences.
    pub count: u64,
}

/// Maps offsets of a transformed text back to the text it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// For each edit, sorted: (output start, input start, output length, input length).
    edits: Vec<(usize, usize, usize, usize)>,
    /// The input each edit replaced, one after another: with the output, the whole input
    /// (see [`OffsetMap::input_of`]), so a document need not keep its original beside its
    /// canonical text.
    replaced: String,
}

impl OffsetMap {
    /// The input offset of output offset `o`. Offsets inside a replaced span map to its
    /// start; offsets at its end map to the end of the input span.
    pub fn to_input(&self, o: usize) -> usize {
        let i = self.edits.partition_point(|e| e.0 <= o);
        if i == 0 {
            return o;
        }
        let (os, is, ol, il) = self.edits[i - 1];
        if o < os + ol {
            is
        } else {
            is + il + (o - os - ol)
        }
    }

    /// The input offset of output offset `o` taken as the end of a range: offsets inside
    /// a replaced span map to the end of its input span, so a range that ends inside a
    /// replacement covers all of it (never an empty range for a non-empty one).
    pub fn to_input_end(&self, o: usize) -> usize {
        let i = self.edits.partition_point(|e| e.0 < o);
        if i == 0 {
            return o;
        }
        let (os, is, ol, il) = self.edits[i - 1];
        if o <= os + ol {
            is + il
        } else {
            is + il + (o - os - ol)
        }
    }

    /// Map `self` (b → a) after `first` (a → original): b → original.
    fn then(&self, first: &OffsetMap, o: usize) -> usize {
        first.to_input(self.to_input(o))
    }

    /// The input that gave `output` (`None` if `output` is not what this map made).
    pub fn input_of(&self, output: &str) -> Option<String> {
        let grown: usize = self.edits.iter().map(|e| e.3).sum::<usize>();
        let cut: usize = self.edits.iter().map(|e| e.2).sum::<usize>();
        let mut input = String::with_capacity((output.len() + grown).saturating_sub(cut));
        let (mut pos, mut from) = (0, 0);
        for &(os, _, ol, il) in &self.edits {
            input.push_str(output.get(pos..os)?);
            input.push_str(self.replaced.get(from..from + il)?);
            pos = os + ol;
            from += il;
        }
        input.push_str(output.get(pos..)?);
        Some(input)
    }

    /// No edit.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The map of `edits` and `replaced` (as [`Normalized::maps`] gave them) that made
    /// `output`; for [`crate::corpus::pack`]. Checked so
    /// that [`Self::input_of`] gives the input back and every offset maps to a character
    /// boundary: edits in order without overlap, each on character boundaries of
    /// `output` and of `replaced`, their input offsets what their output offsets and
    /// the lengths before them make, and `replaced` exactly their inputs.
    fn from_parts((edits, replaced): MapParts, output: &str) -> Result<OffsetMap, &'static str> {
        const BAD: &str = "normalization offset map";
        let (mut out_end, mut in_end, mut from) = (0usize, 0usize, 0usize);
        for &(os, is, ol, il) in &edits {
            let end = os.checked_add(ol).ok_or(BAD)?;
            let to = from.checked_add(il).ok_or(BAD)?;
            let gap = os.checked_sub(out_end).ok_or(BAD)?;
            if is != in_end.checked_add(gap).ok_or(BAD)?
                || !output.is_char_boundary(os)
                || !output.is_char_boundary(end)
                || !replaced.is_char_boundary(to)
            {
                return Err(BAD);
            }
            out_end = end;
            in_end = is.checked_add(il).ok_or(BAD)?;
            from = to;
        }
        if from != replaced.len() {
            return Err(BAD);
        }
        Ok(OffsetMap { edits, replaced })
    }
}

/// An [`OffsetMap`]'s edits and replaced text, owned (see [`NormalizedParts`]).
pub(crate) type MapParts = (Vec<(usize, usize, usize, usize)>, String);

/// Every field of a [`Normalized`], owned: what [`crate::corpus::pack`] reads back and
/// hands to [`Normalized::from_parts`].
pub(crate) struct NormalizedParts {
    pub text: String,
    pub changes: Vec<Change>,
    pub counts: [u64; 8],
    pub unknown: Vec<Unknown>,
    pub first: MapParts,
    pub second: MapParts,
}

/// The result of normalization.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The canonical text.
    pub text: String,
    /// Changes, in text order, at most [`MAX_RECORDED`] of them (counts are always exact).
    pub changes: Vec<Change>,
    /// Exact number of changes of each kind (indexed like [`ChangeKind::ALL`]).
    pub counts: [u64; 8],
    /// Tokens that are not Vietnamese syllables, most frequent first (at most
    /// [`MAX_UNKNOWN`]).
    pub unknown: Vec<Unknown>,
    first: OffsetMap,
    second: OffsetMap,
}

impl Normalized {
    /// The text that was normalized into `canonical` (this normalization's output), or
    /// `None` when normalization changed nothing (or `canonical` is not its output).
    pub fn original_of(&self, canonical: &str) -> Option<String> {
        if self.first.is_empty() && self.second.is_empty() {
            return None;
        }
        self.first.input_of(&self.second.input_of(canonical)?)
    }

    /// Heap bytes held besides the text: the changes, the unknown tokens, the offset maps.
    pub fn heap_bytes(&self) -> usize {
        let edit = std::mem::size_of::<(usize, usize, usize, usize)>();
        self.changes.capacity() * std::mem::size_of::<Change>()
            + self
                .changes
                .iter()
                .map(|c| c.before.capacity() + c.after.capacity())
                .sum::<usize>()
            + self.unknown.capacity() * std::mem::size_of::<Unknown>()
            + self
                .unknown
                .iter()
                .map(|u| u.token.capacity())
                .sum::<usize>()
            + (self.first.edits.capacity() + self.second.edits.capacity()) * edit
            + self.first.replaced.capacity()
            + self.second.replaced.capacity()
    }

    /// The offset in the original text of offset `o` of the canonical text.
    pub fn to_original(&self, o: usize) -> usize {
        self.second.then(&self.first, o)
    }

    /// The original range of canonical range `r`.
    pub fn range_to_original(&self, r: Range<usize>) -> Range<usize> {
        let start = self.to_original(r.start);
        let end = if r.end > r.start {
            self.first.to_input_end(self.second.to_input_end(r.end))
        } else {
            start
        };
        start..end.max(start)
    }

    /// Count of changes of `kind`.
    pub fn count(&self, kind: ChangeKind) -> u64 {
        self.counts[kind as usize]
    }

    /// The two offset maps' edits and replaced text, the first pass's first (for
    /// [`crate::corpus::pack`]).
    #[allow(clippy::type_complexity)]
    pub(crate) fn maps(&self) -> [(&[(usize, usize, usize, usize)], &str); 2] {
        [
            (&self.first.edits, &self.first.replaced),
            (&self.second.edits, &self.second.replaced),
        ]
    }

    /// The normalization of `parts` whose output is `canonical` (for
    /// [`crate::corpus::pack`]): both maps checked (see [`OffsetMap`]) against the text
    /// each made, so that [`Self::original_of`] gives the original back, and the changes
    /// in order, their ranges on character boundaries of that original.
    pub(crate) fn from_parts(
        parts: NormalizedParts,
        canonical: &str,
    ) -> Result<Normalized, &'static str> {
        let second = OffsetMap::from_parts(parts.second, canonical)?;
        // The first pass's output is the second's input: rebuilt (a copy of the text) to
        // check the first map against, and the original the same way to check the
        // changes; only when there are edits to check.
        let between = if second.is_empty() {
            std::borrow::Cow::Borrowed(canonical)
        } else {
            std::borrow::Cow::Owned(second.input_of(canonical).ok_or("second map")?)
        };
        let first = OffsetMap::from_parts(parts.first, &between)?;
        let original = if first.is_empty() {
            between
        } else {
            std::borrow::Cow::Owned(first.input_of(&between).ok_or("first map")?)
        };
        let key = |c: &Change| (c.range.start, c.range.end);
        let ordered = parts.changes.windows(2).all(|w| key(&w[0]) <= key(&w[1]));
        let on_chars = parts.changes.iter().all(|c| {
            c.range.start <= c.range.end
                && original.is_char_boundary(c.range.start)
                && original.is_char_boundary(c.range.end)
        });
        if !ordered || !on_chars {
            return Err("normalization change outside the original");
        }
        Ok(Normalized {
            text: parts.text,
            changes: parts.changes,
            counts: parts.counts,
            unknown: parts.unknown,
            first,
            second,
        })
    }
}

/// How many changes are kept with their text; a 200 MB NFD file would otherwise hold
/// millions. Counts stay exact.
pub const MAX_RECORDED: usize = 20_000;
/// How many distinct unknown tokens are listed.
pub const MAX_UNKNOWN: usize = 2_000;

struct Edit {
    range: Range<usize>,
    after: String,
    kind: ChangeKind,
}

/// Apply sorted, non-overlapping `edits` to `text`.
fn apply(text: &str, edits: &[Edit]) -> (String, OffsetMap) {
    if edits.is_empty() {
        return (text.to_owned(), OffsetMap::default());
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut map = OffsetMap {
        edits: Vec::with_capacity(edits.len()),
        replaced: String::new(),
    };
    let mut pos = 0;
    for e in edits {
        out.push_str(&text[pos..e.range.start]);
        map.edits
            .push((out.len(), e.range.start, e.after.len(), e.range.len()));
        map.replaced.push_str(&text[e.range.clone()]);
        out.push_str(&e.after);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    (out, map)
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{A0}' | '\u{2007}' | '\u{202F}' | '\u{3000}' | '\u{2000}'..='\u{200A}'
    )
}

/// Does a combining mark start at byte `at`? The common marks (U+0300–U+036F) are two-byte
/// sequences starting with 0xCC or 0xCD, tested without decoding.
fn mark_at(text: &str, at: usize) -> bool {
    match text.as_bytes().get(at) {
        None => false,
        Some(&b) if b < 0x80 => false,
        Some(0xCC | 0xCD) => true,
        Some(_) => text[at..].chars().next().is_some_and(is_combining_mark),
    }
}

/// Characters NFC leaves alone whatever follows them is decided by a range test: Latin
/// letters and Vietnamese's precomposed ones, the most common non-ASCII text by far.
fn plainly_nfc(c: char) -> bool {
    matches!(c as u32, 0xA0..=0x24F | 0x1E00..=0x1EFF | 0x2010..=0x206F)
}

/// Pass 1: characters.
fn char_edits(text: &str, opts: &Options, edits: &mut Vec<Edit>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast path: only CR, tab and spaces matter, and a letter that combining
        // marks follow.
        if b < 0x80 && b != b'\r' && b != b' ' && b != b'\t' && !mark_at(text, i + 1) {
            i += 1;
            continue;
        }
        // OK: `i` is always at a char boundary (we advance by whole chars).
        let c = text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if c == '\r' {
            let end = if bytes.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            edits.push(Edit {
                range: i..end,
                after: "\n".into(),
                kind: ChangeKind::LineBreak,
            });
            i = end;
        } else if opts.spaces && is_invisible(c) && !mark_at(text, i + len) {
            // (An invisible character before a combining mark stays: removing it would hand
            // the mark to the letter before, and a second pass would compose them.)
            edits.push(Edit {
                range: i..i + len,
                after: String::new(),
                kind: ChangeKind::Invisible,
            });
            i += len;
        } else if opts.spaces && is_space(c) {
            // The run takes in invisible characters between its spaces.
            let mut end = i;
            let mut last_space_end = i;
            for ch in text[i..].chars() {
                if is_space(ch) {
                    end += ch.len_utf8();
                    last_space_end = end;
                } else if is_invisible(ch) && !mark_at(text, end + ch.len_utf8()) {
                    end += ch.len_utf8();
                } else {
                    break;
                }
            }
            let end = last_space_end;
            // Invisible characters around the run are removed too, so look past them.
            let after = text[end..].trim_start_matches(is_invisible);
            let before = text[..i].trim_end_matches(is_invisible);
            let at_line_end = after.is_empty() || after.starts_with(['\n', '\r']);
            let at_line_start = before.is_empty() || before.ends_with(['\n', '\r']);
            let want = if at_line_end || at_line_start {
                ""
            } else {
                " "
            };
            if &text[i..end] != want {
                edits.push(Edit {
                    range: i..end,
                    after: want.into(),
                    kind: ChangeKind::Space,
                });
            }
            i = end;
        } else if mark_at(text, i + len)
            || !plainly_nfc(c)
                && (is_combining_mark(c) || is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes)
        {
            // A letter with combining marks after it, a mark on its own, or a character NFC
            // replaces: compose the cluster.
            let mut end = i + len;
            for ch in text[end..].chars() {
                if is_combining_mark(ch) {
                    end += ch.len_utf8();
                } else {
                    break;
                }
            }
            let composed: String = text[i..end].nfc().collect();
            if composed != text[i..end] {
                edits.push(Edit {
                    range: i..end,
                    after: composed,
                    kind: ChangeKind::Nfc,
                });
            }
            i = end;
        } else {
            i += len;
        }
    }
}

/// Byte ranges of URLs and e-mail addresses: no rule touches them.
pub(crate) fn protected_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let is_url_char =
        |b: u8| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'<' | b'>' | b'(' | b')');
    let mut i = 0;
    while i < bytes.len() {
        // Only "h", "w" and "@" can start what we look for.
        match bytes[i..]
            .iter()
            .position(|&b| matches!(b, b'h' | b'w' | b'@'))
        {
            Some(skip) => i += skip,
            None => break,
        }
        let rest = &bytes[i..];
        let starts_url = rest.starts_with(b"http://")
            || rest.starts_with(b"https://")
            || (rest.starts_with(b"www.") && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()));
        if starts_url {
            let mut end = i;
            while end < bytes.len() && (is_url_char(bytes[end]) || bytes[end] >= 0x80) {
                end += 1;
            }
            // Trailing punctuation belongs to the sentence.
            while end > i && matches!(bytes[end - 1], b'.' | b',' | b';' | b':' | b'!' | b'?') {
                end -= 1;
            }
            while end < bytes.len() && !text.is_char_boundary(end) {
                end += 1;
            }
            spans.push(i..end);
            i = end.max(i + 1);
            continue;
        }
        if bytes[i] == b'@' && i > 0 {
            let mut start = i;
            while start > 0
                && (bytes[start - 1].is_ascii_alphanumeric()
                    || matches!(bytes[start - 1], b'.' | b'_' | b'-' | b'+'))
            {
                start -= 1;
            }
            let mut end = i + 1;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'-'))
            {
                end += 1;
            }
            while end > i + 1 && bytes[end - 1] == b'.' {
                end -= 1;
            }
            if start < i && text[i + 1..end].contains('.') {
                if spans.last().is_some_and(|s: &Range<usize>| s.end > start) {
                    spans.pop();
                }
                spans.push(start..end);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    spans
}

fn is_letter(c: char) -> bool {
    syllable::is_letter(c)
}

/// Split a run of syllables written without spaces, or `None` if it cannot be read as
/// Vietnamese syllables throughout. Fewest syllables wins; among equals, longer first
/// syllables (so "anhem" reads "anh em", not "a nhem").
pub fn split_glued(run: &str) -> Option<Vec<&str>> {
    let idx: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(run.len()))
        .collect();
    let n = idx.len() - 1;
    if n > 400 {
        return None; // not a glued paste of syllables; bound the work
    }
    // best[i] = (syllables, start of the last syllable) for the prefix of i chars.
    let mut best: Vec<Option<(u32, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(7)..end {
            let Some((count, _)) = best[start] else {
                continue;
            };
            let piece = &run[idx[start]..idx[end]];
            // A capital starts a syllable: "choĐại" is "cho Đại".
            if !syllable::is_valid(piece) {
                continue;
            }
            let cand = (count + 1, start);
            let better = match best[end] {
                None => true,
                Some((c, s)) => cand.0 < c || (cand.0 == c && start < s),
            };
            if better {
                best[end] = Some(cand);
            }
        }
    }
    best[n]?;
    let mut parts = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        parts.push(&run[idx[start]..idx[end]]);
        end = start;
    }
    parts.reverse();
    Some(parts)
}

fn classify_unknown(token: &str) -> UnknownKind {
    let uppers = token.chars().filter(|c| c.is_uppercase()).count();
    if uppers >= 2 && !token.chars().any(char::is_lowercase) {
        UnknownKind::Acronym
    } else if token.is_ascii() {
        UnknownKind::Foreign
    } else {
        UnknownKind::Malformed
    }
}

/// What to do with one token of letters.
#[derive(Clone)]
enum Verdict {
    Keep,
    Replace(String, ChangeKind),
    Unknown(UnknownKind),
}

fn token_verdict(token: &str, opts: &Options) -> Verdict {
    // Marks NFC could not compose (two tones on one vowel…) make no syllable; changing the
    // letters around them could let a later NFC compose them differently.
    if token.chars().any(is_combining_mark) {
        return Verdict::Unknown(UnknownKind::Malformed);
    }
    let mut t = std::borrow::Cow::Borrowed(token);
    let mut kind = None;
    if opts.d_stroke && token.contains(['Ð', 'ð']) {
        let fixed = token.replace('Ð', "Đ").replace('ð', "đ");
        let reads = syllable::is_valid(&fixed) || split_glued(&fixed).is_some_and(|p| p.len() >= 3);
        if reads {
            t = std::borrow::Cow::Owned(fixed);
            kind = Some(ChangeKind::DStroke);
        }
    }
    if syllable::is_valid(&t) {
        if opts.tone_marks {
            if let Some(r) = syllable::retone(&t, opts.tone_style) {
                return Verdict::Replace(r, kind.unwrap_or(ChangeKind::ToneMark));
            }
        }
        return match kind {
            Some(k) => Verdict::Replace(t.into_owned(), k),
            None => Verdict::Keep,
        };
    }
    // Only runs with letters only Vietnamese uses are split: "Hanoi", "rangers" stay.
    let long_enough = t.chars().count() >= 6;
    if opts.glued && long_enough && t.chars().any(syllable::is_vietnamese_specific) {
        if let Some(parts) = split_glued(&t) {
            // Two syllables glued could as well be a typo ("viẻn" = "vi ẻn"): ask for three,
            // or for a capital starting a later syllable.
            let inner_capital = parts
                .iter()
                .skip(1)
                .any(|p| p.starts_with(char::is_uppercase));
            if parts.len() >= 3 || inner_capital {
                let retoned: Vec<String> = parts
                    .iter()
                    .map(|p| {
                        if opts.tone_marks {
                            syllable::retone(p, opts.tone_style).unwrap_or_else(|| (*p).to_owned())
                        } else {
                            (*p).to_owned()
                        }
                    })
                    .collect();
                return Verdict::Replace(retoned.join(" "), ChangeKind::Glued);
            }
        }
    }
    match kind {
        Some(k) => Verdict::Replace(t.into_owned(), k),
        None => Verdict::Unknown(classify_unknown(token)),
    }
}

/// Pass 2: tokens and punctuation.
fn token_edits(
    text: &str,
    opts: &Options,
    edits: &mut Vec<Edit>,
    unknown: &mut FxHashMap<String, (UnknownKind, u64)>,
) {
    let protected = protected_spans(text);
    VERDICTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != Some(*opts) || cache.1.len() > MAX_VERDICTS {
            *cache = (Some(*opts), Verdicts::default());
        }
        token_edits_with(text, opts, &protected, &mut cache.1, edits, unknown);
    });
}

/// Verdicts kept between texts on this thread: a news corpus is many short documents that
/// share most of their words, and a verdict (tone placement, validity) costs far more than
/// a lookup. A pure function of the token and the options, so keeping them changes nothing.
type VerdictCache = (Option<Options>, Verdicts);
type Verdicts = hashbrown::HashMap<String, Verdict, rustc_hash::FxBuildHasher>;

/// Tokens remembered at most before the cache starts again (about 10 MB).
const MAX_VERDICTS: usize = 200_000;

thread_local! {
    static VERDICTS: std::cell::RefCell<VerdictCache> = Default::default();
}

fn token_edits_with(
    text: &str,
    opts: &Options,
    protected: &[std::ops::Range<usize>],
    cache: &mut Verdicts,
    edits: &mut Vec<Edit>,
    unknown: &mut FxHashMap<String, (UnknownKind, u64)>,
) {
    let bytes = text.as_bytes();
    let mut p = 0; // index into `protected`
    let mut i = 0;
    while i < bytes.len() {
        while p < protected.len() && protected[p].end <= i {
            p += 1;
        }
        if p < protected.len() && protected[p].start <= i {
            i = protected[p].end;
            continue;
        }
        let b = bytes[i];
        if b.is_ascii_alphabetic() || b >= 0x80 {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_letter(c) {
                if opts.punctuation {
                    quote_edit(text, i, c, edits);
                }
                i += c.len_utf8();
                continue;
            }
            let mut end = i;
            while end < bytes.len() {
                if bytes[end].is_ascii_alphabetic() {
                    end += 1;
                    continue;
                }
                if bytes[end] < 0x80 {
                    break;
                }
                let ch = text[end..].chars().next().unwrap_or(' ');
                if !is_letter(ch) {
                    break;
                }
                end += ch.len_utf8();
            }
            let token = &text[i..end];
            // Letters glued to digits ("COVID-19" is fine; "3km", "A1") are codes, not syllables.
            let next_digit = bytes.get(end).is_some_and(u8::is_ascii_digit);
            let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
            if !(next_digit || prev_digit) {
                let verdict = cache
                    .entry_ref(token)
                    .or_insert_with(|| token_verdict(token, opts));
                match verdict {
                    Verdict::Keep => {}
                    Verdict::Replace(after, kind) => edits.push(Edit {
                        range: i..end,
                        after: after.clone(),
                        kind: *kind,
                    }),
                    Verdict::Unknown(kind) => {
                        let kind = *kind;
                        if let Some(e) = unknown.get_mut(token) {
                            e.1 += 1;
                        } else if unknown.len() < MAX_UNKNOWN * 4 {
                            unknown.insert(token.to_owned(), (kind, 1));
                        }
                    }
                }
            }
            i = end;
            continue;
        }
        if opts.punctuation {
            // A URL or an address keeps the space after it: "xem tại http://a.vn/b ." must
            // not become a URL ending in a full stop.
            let after_protected = p > 0 && protected[p - 1].end + 1 == i;
            punctuation_edit(text, i, after_protected, edits);
        }
        i += 1;
    }
}

/// Characters that close what came before: a closing punctuation mark may hug them.
fn closes(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ')' | ']' | '"' | '”' | '»' | '%' | '…')
}

/// Opening quotation marks: no space after them, a space before them after a word.
fn opening_quote(c: char) -> bool {
    matches!(c, '“' | '«')
}

/// Closing quotation marks: no space before them, a space after them before a word.
fn closing_quote(c: char) -> bool {
    matches!(c, '”' | '»')
}

/// Where a sentence-final mark or an ellipsis may stand with no space before it: at the end,
/// before a space, or before closing punctuation.
fn ends_here(next: Option<char>) -> bool {
    next.is_none_or(|c| c.is_whitespace() || matches!(c, ')' | ']' | '"' | '”' | '»' | ',' | ';'))
}

/// Spacing around the punctuation at byte `i` (ASCII).
///
/// Vietnamese typography as the press writes it: no space before `, ; : ! ? . ) ]` and the
/// ellipsis, one space after `, ; :` before a word or an opening quotation mark ("nói: "…"),
/// no space inside parentheses, a space before "(" after a word. Numbers ("3,5", "8:30",
/// "1.000"), abbreviations ("TP.HCM", "v.v."), URLs and e-mails are left alone.
fn punctuation_edit(text: &str, i: usize, after_protected: bool, edits: &mut Vec<Edit>) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    let prev_char = |at: usize| text[..at].chars().next_back();
    let next_char = |at: usize| text[at..].chars().next();
    let remove_space_before = |edits: &mut Vec<Edit>| {
        // Only a single space after a word (the character pass collapsed runs), and not at
        // a line start.
        if i >= 2
            && !after_protected
            && bytes[i - 1] == b' '
            && prev_char(i - 1).is_some_and(closes)
            && edits.last().is_none_or(|e| e.range.end < i)
        {
            edits.push(Edit {
                range: i - 1..i,
                after: String::new(),
                kind: ChangeKind::Punctuation,
            });
        }
    };
    match b {
        b',' | b';' | b':' | b'!' | b'?' | b')' | b']' => {
            if !(b == b':' && bytes.get(i + 1) == Some(&b'/')) {
                remove_space_before(edits);
            }
            // A space after when a word follows directly: "việc,Đề" → "việc, Đề". Digits
            // do not count: "3,5", "8:30". After a comma, colon or semicolon an opening
            // quotation mark counts too: "nói:“Chúng ta" → "nói: “Chúng ta"; a straight
            // quote opens when a word follows it (`nói:"Chúng`), and closes before a space.
            let next = next_char(i + 1);
            let opens = matches!(b, b',' | b';' | b':')
                && next.is_some_and(|c| {
                    opening_quote(c)
                        || (c == '"' && next_char(i + 2).is_some_and(char::is_alphabetic))
                });
            if !matches!(b, b')' | b']') && (next.is_some_and(char::is_alphabetic) || opens) {
                edits.push(Edit {
                    range: i + 1..i + 1,
                    after: " ".into(),
                    kind: ChangeKind::Punctuation,
                });
            }
        }
        // A full stop or an ellipsis ending a sentence: "kết quả ." → "kết quả.". Only
        // before a space or the end, so ".NET", ".vn" and "TP. HCM" stay.
        b'.' if prev_char(i) != Some('.') => {
            let mut end = i;
            while bytes.get(end) == Some(&b'.') {
                end += 1;
            }
            if ends_here(next_char(end)) {
                remove_space_before(edits);
            }
        }
        b'(' | b'[' => {
            if bytes.get(i + 1) == Some(&b' ')
                && next_char(i + 2).is_some_and(|c| !c.is_whitespace())
            {
                edits.push(Edit {
                    range: i + 1..i + 2,
                    after: String::new(),
                    kind: ChangeKind::Punctuation,
                });
            }
            // "Thời đại(Đức)" → "Thời đại (Đức)": a word glued to an opening parenthesis.
            // Only a Vietnamese word, or a longer word before a capital; code and formulas
            // scraped with the text ("Trim(document", "Ca(ClO)2", "a(đ)") stay.
            let word_start = text[..i]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphabetic())
                .last()
                .map_or(i, |(k, _)| k);
            let word = &text[word_start..i];
            // What the parenthesis will hold once a space after it is gone (idempotence).
            let next = match bytes.get(i + 1) {
                Some(b' ') => next_char(i + 2),
                _ => next_char(i + 1),
            };
            if b == b'('
                && prev_char(i).is_some_and(|c| c.is_alphabetic() && c.is_lowercase())
                && next.is_some_and(char::is_alphabetic)
                && (!word.is_ascii()
                    || (word.chars().count() >= 3 && next.is_some_and(char::is_uppercase)))
            {
                edits.push(Edit {
                    range: i..i,
                    after: " ".into(),
                    kind: ChangeKind::Punctuation,
                });
            }
        }
        _ => {}
    }
}

/// Spacing around the non-ASCII mark `c` at byte `i`: curly quotes and guillemets hug what
/// they quote (“Hòa bình”, «Hòa bình») and stand apart from the words outside them; the
/// ellipsis "…" follows its word. The apostrophe ’ is left alone ("Xi’an").
fn quote_edit(text: &str, i: usize, c: char, edits: &mut Vec<Edit>) {
    let bytes = text.as_bytes();
    let len = c.len_utf8();
    let push = |edits: &mut Vec<Edit>, range: std::ops::Range<usize>, after: &str| {
        if edits.last().is_none_or(|e| e.range.end <= range.start) {
            edits.push(Edit {
                range,
                after: after.into(),
                kind: ChangeKind::Punctuation,
            });
        }
    };
    // The neighbours as they will be once the spaces removed here are gone, so that a
    // second pass changes nothing. A space is one byte: `i - 1` and `i + len + 1` are
    // character boundaries when there is one.
    let space_before = i >= 2 && bytes[i - 1] == b' ';
    let space_after = bytes.get(i + len) == Some(&b' ');
    let prev = text[..i].chars().next_back();
    let next = text[i + len..].chars().next();
    let before_space = if space_before {
        text[..i - 1].chars().next_back()
    } else {
        None
    };
    let after_space = if space_after {
        text[i + len + 1..].chars().next()
    } else {
        None
    };
    let hugged = |p: char| closes(p) || matches!(p, '.' | '!' | '?' | ',');
    if opening_quote(c) {
        let removes = space_after && after_space.is_some_and(|n| !n.is_whitespace());
        let inner = if removes { after_space } else { next };
        // Only when it opens something: "mình“." uses the mark to close.
        if prev.is_some_and(char::is_alphanumeric) && inner.is_some_and(char::is_alphanumeric) {
            push(edits, i..i, " ");
        }
        if removes {
            push(edits, i + len..i + len + 1, "");
        }
    } else if closing_quote(c) {
        let removes = space_before && before_space.is_some_and(hugged);
        if removes {
            push(edits, i - 1..i, "");
        }
        let inner = if removes { before_space } else { prev };
        // Only when it closes something: "xác định: ”Phùng" uses the mark to open.
        if next.is_some_and(char::is_alphabetic) && inner.is_some_and(hugged) {
            push(edits, i + len..i + len, " ");
        }
    } else if c == '…'
        && space_before
        && before_space.is_some_and(char::is_alphanumeric)
        && ends_here(next)
    {
        push(edits, i - 1..i, "");
    }
}

/// Normalize `text` with `opts`.
pub fn normalize_with(text: &str, opts: &Options) -> Normalized {
    let mut edits = Vec::new();
    char_edits(text, opts, &mut edits);
    let (first_text, first) = apply(text, &edits);
    let mut out = Normalized {
        first,
        ..Normalized::default()
    };
    record(&mut out, text, &edits, None);

    let mut edits2 = Vec::new();
    let mut unknown = FxHashMap::default();
    token_edits(&first_text, opts, &mut edits2, &mut unknown);
    // Punctuation edits were pushed in scan order with the tokens; keep them sorted.
    edits2.sort_by_key(|e| (e.range.start, e.range.end));
    edits2.dedup_by(|b, a| a.range == b.range || b.range.start < a.range.end);
    let (second_text, second) = apply(&first_text, &edits2);
    record(&mut out, &first_text, &edits2, Some(text));
    out.second = second;
    out.text = second_text;
    let mut unknown: Vec<Unknown> = unknown
        .into_iter()
        .map(|(token, (kind, count))| Unknown { token, kind, count })
        .collect();
    unknown.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.token.cmp(&b.token)));
    unknown.truncate(MAX_UNKNOWN);
    out.unknown = unknown;
    out.changes.sort_by_key(|c| (c.range.start, c.range.end));
    out
}

/// Count `edits` (made on `text`) and keep the first ones with their original ranges.
/// `original` is the user's text when `text` is already the output of the first pass.
fn record(out: &mut Normalized, text: &str, edits: &[Edit], original: Option<&str>) {
    for e in edits {
        out.counts[e.kind as usize] += 1;
        if out.changes.len() >= MAX_RECORDED {
            continue;
        }
        let (range, before) = match original {
            None => (e.range.clone(), text[e.range.clone()].to_owned()),
            Some(orig) => {
                let start = out.first.to_input(e.range.start);
                let end = out.first.to_input(e.range.end).max(start);
                (
                    start..end,
                    orig.get(start..end).unwrap_or_default().to_owned(),
                )
            }
        };
        out.changes.push(Change {
            kind: e.kind,
            range,
            before,
            after: e.after.clone(),
        });
    }
}

/// Canonical text with the default options.
///
/// ```
/// use soi::text::normalize::normalize;
/// // NFD "hòa" becomes NFC, "hoà" moves its mark (traditional style), CRLF becomes LF.
/// assert_eq!(normalize("ho\u{300}a\r\nhoà bình"), "hòa\nhòa bình");
/// ```
pub fn normalize(text: &str) -> String {
    normalize_with(text, &Options::default()).text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalize(s)
    }

    #[test]
    fn nfd_becomes_nfc() {
        let nfd: String = "Nguyễn Phú Trọng".nfd().collect();
        assert_ne!(nfd, "Nguyễn Phú Trọng");
        let n = normalize_with(&nfd, &Options::default());
        assert_eq!(n.text, "Nguyễn Phú Trọng");
        assert_eq!(n.count(ChangeKind::Nfc), 3);
    }

    #[test]
    fn line_breaks_invisibles_and_spaces() {
        assert_eq!(norm("a\r\nb\rc\n\u{FEFF}d"), "a\nb\nc\nd");
        assert_eq!(norm("\u{FEFF}Hà Nội"), "Hà Nội");
        assert_eq!(
            norm("đối\u{00A0}ngoại   Việt\tNam  \n\n  năm"),
            "đối ngoại Việt Nam\n\nnăm"
        );
        assert_eq!(norm("ngoại\u{AD}giao\u{200B} nhà"), "ngoạigiao nhà");
    }

    #[test]
    fn d_stroke() {
        assert_eq!(
            norm("Ðảng và Nhà nước, ðối ngoại"),
            "Đảng và Nhà nước, đối ngoại"
        );
        // Icelandic stays Icelandic.
        assert_eq!(norm("Ðorvaldsson"), "Ðorvaldsson");
    }

    #[test]
    fn tone_style_setting() {
        let modern = Options {
            tone_style: ToneStyle::Modern,
            ..Options::default()
        };
        assert_eq!(
            norm("hoà bình, thuỷ lợi, sức khoẻ, UỶ BAN"),
            "hòa bình, thủy lợi, sức khỏe, ỦY BAN"
        );
        assert_eq!(
            normalize_with("hòa bình, thủy lợi, sức khỏe", &modern).text,
            "hoà bình, thuỷ lợi, sức khoẻ"
        );
        for s in ["quý", "hoàn", "thuyền", "khuya", "giữa", "quả"] {
            assert_eq!(norm(s), s);
            assert_eq!(normalize_with(s, &modern).text, s);
        }
        assert_eq!(norm("tóan học, qủa cam"), "toán học, quả cam");
    }

    #[test]
    fn punctuation_spacing_from_real_typography() {
        // Issue 20.4: sentences as the press writes them, with the slips copy-paste makes.
        for (before, after) in [
            (
                "Tổng Bí thư nói:“Chúng ta phải đoàn kết”.",
                "Tổng Bí thư nói: “Chúng ta phải đoàn kết”.",
            ),
            (
                "Thủ tướng nhấn mạnh,\"không có vùng cấm\".",
                "Thủ tướng nhấn mạnh, \"không có vùng cấm\".",
            ),
            ("“ Hòa bình ” là khát vọng", "“Hòa bình” là khát vọng"),
            ("tinh thần « Đổi mới » đó", "tinh thần «Đổi mới» đó"),
            ("khẩu hiệu“Đổi mới”của Đảng", "khẩu hiệu “Đổi mới” của Đảng"),
            ("đạt kết quả tốt .", "đạt kết quả tốt."),
            ("còn chờ đợi ... Nhưng", "còn chờ đợi... Nhưng"),
            ("còn nữa … và", "còn nữa… và"),
            (
                "Ban Đối ngoại Trung ương(Ban Đối ngoại)",
                "Ban Đối ngoại Trung ương (Ban Đối ngoại)",
            ),
            ("( xem Phụ lục 2 )", "(xem Phụ lục 2)"),
            (
                "trận Bordeaux - Valencia(Lượt đi)",
                "trận Bordeaux - Valencia (Lượt đi)",
            ),
            ("“Ông ấy đến chưa ?” bà hỏi", "“Ông ấy đến chưa?” bà hỏi"),
        ] {
            assert_eq!(norm(before), after, "{before}");
            assert_eq!(norm(after), after, "idempotent: {after}");
        }
        for keep in [
            "giá 1.000.000 đồng, tăng 3,5% lúc 8:30",
            "các tỉnh, thành v.v. đều",
            "tại TP. HCM và TP.HCM",
            "nền tảng .NET của hãng",
            "thành phố Xi’an của Trung Quốc",
            "\"Hòa bình,\" ông nói.",
            "“Hòa bình”, ông nói.",
            "... và thế là",
            "COVID-19(SARS-CoV-2)",
            "Trim(document.Contact) và Ca(ClO)2, a(đ)",
            "xác định: ”Phùng Nguyên",
            "cố gắng hết mình“.",
            "xem tại http://www.oracle.com/soa .",
        ] {
            assert_eq!(norm(keep), keep, "{keep}");
        }
        // Spaces that one rule removes must not leave work for a second pass.
        for s in [
            "Đại hội( Đề xuất)",
            "nói“ Chúng ta”",
            "hòa bình ”Đề xuất",
            "kết quả … ”",
            "khẩu hiệu “ Đổi mới ” của Đảng",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s}");
        }
    }

    #[test]
    fn punctuation_spacing() {
        assert_eq!(
            norm("Tại cuộc làm việc,Đề xuất"),
            "Tại cuộc làm việc, Đề xuất"
        );
        assert_eq!(
            norm("bối cảnh , kết quả ; bài học : tốt !"),
            "bối cảnh, kết quả; bài học: tốt!"
        );
        assert_eq!(norm("( Ban Đối ngoại )"), "(Ban Đối ngoại)");
        for keep in [
            "tăng 3,5% lúc 8:30 ngày 23/12/2023",
            "TP.HCM",
            "xem https://baochinhphu.vn/a,b:c?d=1 nhé",
            "gửi tới ban.doi-ngoai@dangcongsan.vn,cảm ơn",
        ] {
            assert_eq!(
                &norm(keep)[..keep
                    .find(" nhé")
                    .or(keep.find(",cảm"))
                    .unwrap_or(keep.len())],
                &keep[..keep
                    .find(" nhé")
                    .or(keep.find(",cảm"))
                    .unwrap_or(keep.len())],
                "{keep}"
            );
        }
    }

    #[test]
    fn glued_run_from_the_sample_corpus() {
        let s = "Tại cuộc làm việc,ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihộiĐảthứ hạng";
        assert_eq!(
            norm(s),
            "Tại cuộc làm việc, Đề xuất một số nội hàm đường lối đối ngoại cho Đại hội Đả thứ hạng"
        );
        for keep in ["Hanoi", "Facebook", "rangers", "COVID-19", "viẻn"] {
            assert_eq!(norm(keep), keep);
        }
        // A word inside the split run maps back to a range that holds it, never an empty one.
        let n = normalize_with(s, &Options::default());
        let at = n.text.find("Đả thứ").unwrap();
        let r = n.range_to_original(at..at + "Đả".len());
        assert!(s[r.clone()].contains("Đả"), "{:?}", &s[r]);
        let at = n.text.find("cuộc").unwrap();
        let r = n.range_to_original(at..at + "cuộc".len());
        assert_eq!(&s[r], "cuộc");
    }

    #[test]
    fn unknown_tokens_are_listed_not_changed() {
        let n = normalize_with(
            "Ông viẻn dùng Facebook, UBND và COVID-19, viẻn",
            &Options::default(),
        );
        let got: Vec<(&str, UnknownKind, u64)> = n
            .unknown
            .iter()
            .map(|u| (u.token.as_str(), u.kind, u.count))
            .collect();
        assert_eq!(
            got,
            vec![
                ("viẻn", UnknownKind::Malformed, 2),
                ("COVID", UnknownKind::Acronym, 1),
                ("Facebook", UnknownKind::Foreign, 1),
                ("UBND", UnknownKind::Acronym, 1)
            ]
        );
    }

    #[test]
    fn changes_point_into_the_original() {
        let original = "Hoà\u{00A0}bình ,ho\u{300}a  hợp\r\n";
        let n = normalize_with(original, &Options::default());
        assert_eq!(n.text, "Hòa bình, hòa hợp\n");
        for c in &n.changes {
            assert_eq!(&original[c.range.clone()], c.before, "{c:?}");
        }
        // Every canonical syllable maps back to its original spelling's place.
        let hop = n.text.find("hợp").unwrap();
        let r = n.range_to_original(hop..hop + "hợp".len());
        assert_eq!(&original[r], "hợp");
        let hoa2 = n.text.rfind("hòa").unwrap();
        assert_eq!(n.to_original(hoa2), original.find("ho\u{300}a").unwrap());
    }

    #[test]
    fn idempotent() {
        for s in [
            "Hoà\u{00A0}bình ,ho\u{300}a  hợp\r\n",
            "ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihộiĐảthứ",
            "( a ) , b",
            "x ,y ; z",
        ] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s:?}");
        }
    }
}
