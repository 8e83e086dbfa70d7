//! Segmentation of normalized text into paragraphs, sentences and syllables.
//!
//! Vietnamese is written one syllable at a time, separated by spaces; a syllable here is a
//! maximal run of letters (combining marks included, so text that escaped NFC still holds
//! together). Word segmentation, which joins syllables into words ("đối ngoại"), builds on
//! these spans. Every span is a byte range into the text it was given.

use std::ops::Range;

/// Paragraphs: non-blank lines, trimmed, with their byte ranges.
///
/// The sample corpus and most pasted news put one paragraph on a line; a blank line is
/// never a paragraph of its own.
pub fn paragraphs(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let base = text.as_ptr() as usize;
    text.split('\n').filter_map(move |line| {
        let t = line.trim();
        if t.is_empty() {
            None
        } else {
            let start = t.as_ptr() as usize - base;
            Some((start..start + t.len(), t))
        }
    })
}

/// Is `c` part of a syllable? Letters and combining marks.
#[inline]
pub fn is_syllable_char(c: char) -> bool {
    crate::text::syllable::is_letter(c)
}

/// Syllables: maximal runs of letters, as byte ranges with their text.
pub fn syllables(text: &str) -> Syllables<'_> {
    Syllables { text, pos: 0 }
}

/// Iterator returned by [`syllables`].
pub struct Syllables<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Syllables<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        // Skip to the start of a syllable. ASCII is tested byte-wise: most of the text is.
        loop {
            if i >= bytes.len() {
                self.pos = i;
                return None;
            }
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphabetic() {
                    break;
                }
                i += 1;
            } else {
                let c = self.text[i..].chars().next()?;
                if is_syllable_char(c) {
                    break;
                }
                i += c.len_utf8();
            }
        }
        let start = i;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if !b.is_ascii_alphabetic() {
                    break;
                }
                i += 1;
            } else {
                let c = self.text[i..].chars().next()?;
                if !is_syllable_char(c) {
                    break;
                }
                i += c.len_utf8();
            }
        }
        self.pos = i;
        Some((start, &self.text[start..i]))
    }
}

/// Abbreviations after which a period does not end a sentence ("TP. Hồ Chí Minh",
/// "PGS.TS. Nguyễn …"). Compared case-sensitively against the letters before the period.
const ABBREVIATIONS: &[&str] = &[
    "TP", "Tp", "GS", "PGS", "TS", "ThS", "BS", "KS", "CN", "TT", "Q", "P", "St", "Mr", "Mrs",
    "Dr", "Ths", "NXB", "vv", "v", "Tr", "tr", "Th", "TW",
];

/// Sentences of one paragraph, as byte ranges into it.
///
/// A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets after it)
/// when whitespace follows and the next word does not start in lower case. Periods inside
/// numbers ("1.000", "3.5") and after abbreviations or single initials do not end one.
pub fn sentences(paragraph: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    sentences_into(paragraph, &mut out);
    out
}

/// [`sentences`] into a reused buffer (cleared first). Scans bytes: every terminator and
/// closing mark is ASCII or a fixed UTF-8 sequence, so nothing is decoded in between.
pub fn sentences_into(paragraph: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    const ELLIPSIS: &[u8] = "…".as_bytes();
    const CLOSERS: [&[u8]; 4] = ["”".as_bytes(), "’".as_bytes(), "»".as_bytes(), b"\""];
    let b = paragraph.as_bytes();
    let terminator = |at: usize| -> usize {
        match b.get(at) {
            Some(b'.' | b'!' | b'?') => 1,
            Some(0xE2) if b[at..].starts_with(ELLIPSIS) => ELLIPSIS.len(),
            _ => 0,
        }
    };
    let closer = |at: usize| -> usize {
        match b.get(at) {
            Some(b'\'' | b')' | b']') => 1,
            Some(_) => CLOSERS
                .iter()
                .find(|c| b[at..].starts_with(c))
                .map_or(0, |c| c.len()),
            None => 0,
        }
    };
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let first = terminator(i);
        if first == 0 {
            i += 1;
            continue;
        }
        // Extend over the whole terminator run and closing punctuation.
        let mut j = i + first;
        let mut run = 1;
        while let n @ 1.. = terminator(j) {
            j += n;
            run += 1;
        }
        while let n @ 1.. = closer(j) {
            j += n;
        }
        let at_end = j >= b.len();
        let followed_by_space = !at_end && paragraph[j..].starts_with(char::is_whitespace);
        let c = if first == 1 { b[i] as char } else { '…' };
        if at_end || (followed_by_space && !is_abbreviation_period(paragraph, i, c, run)) {
            let next = paragraph[j..].chars().find(|c| !c.is_whitespace());
            if next.is_none_or(|n| !n.is_lowercase()) {
                push_nonblank(out, paragraph, start..j);
                start = j;
            }
        }
        i = j;
    }
    push_nonblank(out, paragraph, start..paragraph.len());
}

fn is_abbreviation_period(p: &str, pos: usize, c: char, run: usize) -> bool {
    if c != '.' || run != 1 {
        return false;
    }
    let before = &p[..pos];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic() && *c != '.')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let last = word.rsplit('.').next().unwrap_or(word);
    // A lone capital is an initial ("H.T.P."); dotted chains are abbreviations ("v.v.").
    let single_initial = last.chars().count() == 1 && last.chars().all(char::is_uppercase);
    single_initial || word.contains('.') || ABBREVIATIONS.contains(&last)
}

fn push_nonblank(out: &mut Vec<Range<usize>>, p: &str, r: Range<usize>) {
    let s = &p[r.clone()];
    if s.chars().any(char::is_alphanumeric) {
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        out.push(r.start + lead..r.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(p: &str) -> Vec<&str> {
        sentences(p).into_iter().map(|r| &p[r]).collect()
    }

    #[test]
    fn syllables_are_letter_runs_with_offsets() {
        let text = "Ngày 23/12, Tổng Bí thư (COVID-19) làm việc.";
        let got: Vec<(usize, &str)> = syllables(text).collect();
        let words: Vec<&str> = got.iter().map(|&(_, s)| s).collect();
        assert_eq!(words, ["Ngày", "Tổng", "Bí", "thư", "COVID", "làm", "việc"]);
        for (start, s) in got {
            assert_eq!(&text[start..start + s.len()], s);
        }
    }

    #[test]
    fn nfd_marks_stay_inside_the_syllable() {
        let got: Vec<&str> = syllables("ho\u{300}a bi\u{300}nh")
            .map(|(_, s)| s)
            .collect();
        assert_eq!(got, ["ho\u{300}a", "bi\u{300}nh"]);
    }

    #[test]
    fn paragraphs_skip_blank_lines() {
        let text = "Thứ hai,  08/08/2022\n\n  Tổng Bí thư làm việc  \n";
        let got: Vec<&str> = paragraphs(text).map(|(_, p)| p).collect();
        assert_eq!(got, ["Thứ hai,  08/08/2022", "Tổng Bí thư làm việc"]);
        let (r, p) = paragraphs(text).nth(1).unwrap();
        assert_eq!(&text[r], p);
    }

    #[test]
    fn sentences_split_on_terminators_not_numbers_or_abbreviations() {
        assert_eq!(
            sents("Ngày 23/12, Tổng Bí thư đã làm việc. Cùng tham dự có lãnh đạo nhiều ban!"),
            [
                "Ngày 23/12, Tổng Bí thư đã làm việc.",
                "Cùng tham dự có lãnh đạo nhiều ban!"
            ]
        );
        assert_eq!(
            sents("Kim ngạch đạt 1.000 tỷ USD, tăng 3.5%. Đây là kỷ lục."),
            ["Kim ngạch đạt 1.000 tỷ USD, tăng 3.5%.", "Đây là kỷ lục."]
        );
        assert_eq!(
            sents("Ông làm việc tại TP. Hồ Chí Minh. PGS.TS. Nguyễn Văn A phát biểu."),
            [
                "Ông làm việc tại TP. Hồ Chí Minh.",
                "PGS.TS. Nguyễn Văn A phát biểu."
            ]
        );
        // An ellipsis followed by lower case continues the sentence.
        assert_eq!(
            sents("chiến lược... và nhiều nữa"),
            ["chiến lược... và nhiều nữa"]
        );
        // A heading without final punctuation is one sentence.
        assert_eq!(
            sents("Tổng Bí thư làm việc với Ban Đối ngoại"),
            ["Tổng Bí thư làm việc với Ban Đối ngoại"]
        );
        assert!(sents("  ... ").is_empty());
    }

    #[test]
    fn closing_quotes_belong_to_the_sentence() {
        assert_eq!(
            sents("Ông nói: “Đối ngoại đi trước.” Sau đó ông rời đi."),
            ["Ông nói: “Đối ngoại đi trước.”", "Sau đó ông rời đi."]
        );
    }
}
