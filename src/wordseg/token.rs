//! What the model sees of one token: a lookup key and a shape.
//!
//! The key is the token in lower case with its spelling variants folded together, so the
//! same syllable written two ways shares its statistics: the tone mark of a final "oa", "oe",
//! "uy" may sit on either vowel ("hòa"/"hoà", "thủy"/"thuỷ"), a final "y" after a consonant
//! is often written "i" ("lý"/"lí", "Quy"/"Qui Nhơn"), and "Ð" (U+00D0, Icelandic eth) stands
//! in for "Đ" in some fonts and keyboards. The lexicon, the training data and new text all go
//! through the same folding, so they meet on one form.
//!
//! The shape is what the spelling says without the word itself: case pattern (proper nouns
//! and acronyms), digits (numbers and dates), punctuation, and whether a letter token is a
//! known syllable, an unknown but Vietnamese-looking one, or neither (foreign names).

/// Shape of a token: a small integer, `< SHAPES`. `PAD` marks positions outside the sentence.
pub(crate) type Shape = u8;

pub(crate) const PAD: Shape = 0;
pub(crate) const LOWER_KNOWN: Shape = 1;
pub(crate) const LOWER_VN: Shape = 2;
pub(crate) const LOWER_OTHER: Shape = 3;
pub(crate) const TITLE_KNOWN: Shape = 4;
pub(crate) const TITLE_VN: Shape = 5;
pub(crate) const TITLE_OTHER: Shape = 6;
pub(crate) const CAPS_KNOWN: Shape = 7;
pub(crate) const CAPS_OTHER: Shape = 8;
pub(crate) const MIXED_CASE: Shape = 9;
pub(crate) const NUMBER: Shape = 10;
pub(crate) const NUMBER_PUNCT: Shape = 11;
pub(crate) const ALNUM: Shape = 12;
pub(crate) const LETTER_PUNCT: Shape = 13;
pub(crate) const PUNCT: Shape = 14;
pub(crate) const OTHER: Shape = 15;
/// Number of shapes.
pub(crate) const SHAPES: usize = 16;

/// Shapes without the known / Vietnamese-looking / other distinction: case and kind only.
pub(crate) const COARSE: [Shape; SHAPES] = [
    PAD,
    LOWER_KNOWN,
    LOWER_KNOWN,
    LOWER_KNOWN,
    TITLE_KNOWN,
    TITLE_KNOWN,
    TITLE_KNOWN,
    CAPS_KNOWN,
    CAPS_KNOWN,
    MIXED_CASE,
    NUMBER,
    NUMBER_PUNCT,
    ALNUM,
    LETTER_PUNCT,
    PUNCT,
    OTHER,
];

/// The class of a token before the vocabulary is consulted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Class {
    /// Letters only, all lower case.
    Lower,
    /// Letters only, the first upper case, the rest lower ("Hà", "A").
    Title,
    /// Two or more letters, all upper case ("TTXVN", "XIII").
    Caps,
    /// Letters only, any other case pattern ("iPhone").
    Mixed,
    /// Digits only; the payload is the number of digits, capped.
    Number(u8),
    /// Digits and punctuation, no letters ("3,5", "23/12/2023").
    NumberPunct,
    /// Letters and digits ("A5", "m2").
    Alnum,
    /// Letters and punctuation, no digits ("TP.", "H.", "v.v").
    LetterPunct,
    /// Punctuation only.
    Punct,
    /// Anything else: symbols, emoji, control characters.
    Other,
}

/// Reads `token` once: its class, whether it has a letter only Vietnamese uses, and its
/// folded key (written into `key`, which is cleared first).
pub(crate) fn analyze(token: &str, key: &mut String) -> (Class, bool) {
    key.clear();
    let (mut letters, mut uppers, mut digits, mut puncts, mut others) = (0u32, 0u32, 0u32, 0, 0);
    let mut first_upper = false;
    let mut vietnamese = false;
    for c in token.chars() {
        let case = if c == 'Ð' || c == 'ð' {
            Some(('đ', c == 'Ð'))
        } else {
            fast_case(c)
        };
        if case.is_some() || c.is_alphabetic() {
            let upper = case.map_or_else(|| c.is_uppercase(), |(_, u)| u);
            if upper {
                if letters == 0 {
                    first_upper = true;
                }
                uppers += 1;
            }
            letters += 1;
            match case {
                Some((l, _)) => {
                    vietnamese |= is_vietnamese_letter(l);
                    key.push(l);
                }
                None => {
                    for l in c.to_lowercase() {
                        vietnamese |= is_vietnamese_letter(l);
                        key.push(l);
                    }
                }
            }
        } else {
            if c.is_ascii_digit() {
                digits += 1;
            } else if c.is_ascii_punctuation() || is_unicode_punct(c) {
                puncts += 1;
            } else {
                others += 1;
            }
            key.push(c);
        }
    }
    fold_spelling(key);
    let class = if others > 0 {
        Class::Other
    } else if digits > 0 {
        if letters > 0 {
            Class::Alnum
        } else if puncts > 0 {
            Class::NumberPunct
        } else {
            Class::Number(digits.min(5) as u8)
        }
    } else if letters == 0 {
        if puncts > 0 {
            Class::Punct
        } else {
            Class::Other
        }
    } else if puncts > 0 {
        Class::LetterPunct
    } else if uppers == 0 {
        Class::Lower
    } else if first_upper && uppers == 1 {
        Class::Title
    } else if uppers == letters {
        Class::Caps
    } else {
        Class::Mixed
    };
    (class, vietnamese)
}

/// The lower case of a letter of the scripts Vietnamese text is mostly written in (ASCII,
/// Latin-1, the Vietnamese letters of Latin Extended-A/B and Latin Extended Additional),
/// and whether it was upper case; `None` for anything else, which the caller then looks up
/// in the Unicode tables. A shortcut only: the answers are the tables' (tested below).
fn fast_case(c: char) -> Option<(char, bool)> {
    let u = c as u32;
    let upper = |l: u32| char::from_u32(l).map(|l| (l, true));
    match u {
        0x41..=0x5A | 0xC0..=0xDE if u != 0xD7 => upper(u + 0x20),
        0x61..=0x7A | 0xDF..=0xFF if u != 0xF7 => Some((c, false)),
        0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 => upper(u + 1),
        0x1AF => upper(0x1B0),
        0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0 => Some((c, false)),
        0x1EA0..=0x1EF9 if u.is_multiple_of(2) => upper(u + 1),
        0x1EA0..=0x1EF9 => Some((c, false)),
        _ => None,
    }
}

/// Punctuation outside ASCII that news text uses: dashes, quotes, ellipsis, bullets.
fn is_unicode_punct(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '«' | '»' | '¡' | '¿' | '·' | '§'
    )
}

/// A letter that only Vietnamese (among languages written in Latin script that show up in
/// Vietnamese news) uses: đ, ă, ơ, ư, and the vowels with both a hat and a tone or with
/// the hook or dot below.
fn is_vietnamese_letter(c: char) -> bool {
    matches!(c, 'đ' | 'ă' | 'ơ' | 'ư' | 'ĩ' | 'ũ') || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
}

/// Vowels that carry a tone mark, by base vowel, in tone order: none, grave, acute, hook,
/// tilde, dot below.
const TONED: [[char; 6]; 6] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];
const A: usize = 0;
const E: usize = 1;
const I: usize = 2;
const O: usize = 3;
const U: usize = 4;
const Y: usize = 5;

/// (base vowel, tone) of a plain vowel.
fn split_tone(c: char) -> Option<(usize, usize)> {
    if c.is_ascii() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
        return None;
    }
    TONED
        .iter()
        .enumerate()
        .find_map(|(v, row)| row.iter().position(|&x| x == c).map(|t| (v, t)))
}

/// Folds spelling variants of a lower-case syllable in place (see the module docs):
/// the tone of a final "oa", "oe", "uy" moves to the second vowel, and a final "y" after a
/// consonant (or after "qu") becomes "i".
fn fold_spelling(key: &mut String) {
    let mut rev = key.chars().rev();
    let (Some(last), prev) = (rev.next(), rev.next()) else {
        return;
    };
    let Some((v2, t2)) = split_tone(last) else {
        return;
    };
    let before = rev.next();
    let new_last = match prev.and_then(split_tone) {
        // Tone on the first vowel of a final oa/oe/uy: put it on the second.
        Some((v1, t1)) if t1 != 0 && t2 == 0 && matches!((v1, v2), (O, A) | (O, E) | (U, Y)) => {
            let cut = key.len() - last.len_utf8() - prev.map_or(0, char::len_utf8);
            key.truncate(cut);
            key.push(TONED[v1][0]);
            key.push(TONED[v2][t1]);
            return;
        }
        // "qu" + y: the u belongs to the onset.
        Some((U, 0)) if v2 == Y && before == Some('q') => TONED[I][t2],
        None if v2 == Y && prev.is_some_and(is_consonant) => TONED[I][t2],
        _ => return,
    };
    key.truncate(key.len() - last.len_utf8());
    key.push(new_last);
}

fn is_consonant(c: char) -> bool {
    matches!(
        c,
        'b' | 'c'
            | 'd'
            | 'đ'
            | 'g'
            | 'h'
            | 'k'
            | 'l'
            | 'm'
            | 'n'
            | 'p'
            | 'q'
            | 'r'
            | 's'
            | 't'
            | 'v'
            | 'x'
    )
}

/// The shape of a token of class `class`; `known` says whether its key is in the vocabulary.
pub(crate) fn shape(class: Class, vietnamese: bool, known: bool) -> Shape {
    let pick = |k, v, o| {
        if known {
            k
        } else if vietnamese {
            v
        } else {
            o
        }
    };
    match class {
        Class::Lower => pick(LOWER_KNOWN, LOWER_VN, LOWER_OTHER),
        Class::Title => pick(TITLE_KNOWN, TITLE_VN, TITLE_OTHER),
        Class::Caps => {
            if known {
                CAPS_KNOWN
            } else {
                CAPS_OTHER
            }
        }
        Class::Mixed => MIXED_CASE,
        Class::Number(_) => NUMBER,
        Class::NumberPunct => NUMBER_PUNCT,
        Class::Alnum => ALNUM,
        Class::LetterPunct => LETTER_PUNCT,
        Class::Punct => PUNCT,
        Class::Other => OTHER,
    }
}

/// Ids below this stand for a whole class of tokens instead of one syllable: padding,
/// numbers by length, and unknown tokens by shape. Numbers never get their own id: "tháng
/// 10" and "tháng 11" should teach the model the same thing.
pub(crate) const FIRST_WORD_ID: u32 = 32;

/// The class id of a token that has no id of its own.
pub(crate) fn class_id(class: Class, shape: Shape) -> u32 {
    match class {
        // 1, 2, 3, 4, 5+ digits: days and months, hundreds, years, large numbers.
        Class::Number(d) => SHAPES as u32 + u32::from(d),
        _ => u32::from(shape),
    }
}

/// Does the token's key get an id of its own? Numbers and things with digits do not.
pub(crate) fn has_own_id(class: Class) -> bool {
    !matches!(
        class,
        Class::Number(_) | Class::NumberPunct | Class::Alnum | Class::Other
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        let mut k = String::new();
        analyze(s, &mut k);
        k
    }

    #[test]
    fn folds_spelling_variants() {
        assert_eq!(key("Hòa"), key("hoà"));
        assert_eq!(key("thủy"), key("thuỷ"));
        assert_eq!(key("khỏe"), key("khoẻ"));
        assert_eq!(key("Ủy"), key("uỷ"));
        assert_eq!(key("lý"), "lí");
        assert_eq!(key("Quy"), key("qui"));
        assert_eq!(key("quý"), "quí");
        assert_eq!(key("Ðặng"), "đặng");
        // Not a variant: "y" alone, "uy" after a consonant cluster, a coda after "oa".
        assert_eq!(key("ý"), "ý");
        assert_eq!(key("huy"), "huy");
        assert_eq!(key("hoàn"), "hoàn");
        assert_eq!(key("của"), "của");
    }

    #[test]
    fn fast_case_agrees_with_unicode() {
        for c in (0..0x2000).filter_map(char::from_u32) {
            if let Some((lower, upper)) = fast_case(c) {
                assert!(c.is_alphabetic(), "{c}");
                assert_eq!(upper, c.is_uppercase(), "{c}");
                assert!(c.to_lowercase().eq([lower]), "{c}");
            }
        }
    }

    #[test]
    fn classes() {
        let c = |s: &str| analyze(s, &mut String::new()).0;
        assert_eq!(c("đối"), Class::Lower);
        assert_eq!(c("Nguyễn"), Class::Title);
        assert_eq!(c("A"), Class::Title);
        assert_eq!(c("TTXVN"), Class::Caps);
        assert_eq!(c("iPhone"), Class::Mixed);
        assert_eq!(c("2023"), Class::Number(4));
        assert_eq!(c("23/12/2023"), Class::NumberPunct);
        assert_eq!(c("3,5"), Class::NumberPunct);
        assert_eq!(c("A5"), Class::Alnum);
        assert_eq!(c("TP."), Class::LetterPunct);
        assert_eq!(c("…"), Class::Punct);
        assert_eq!(c("😀"), Class::Other);
        assert_eq!(c(""), Class::Other);
        assert!(analyze("Đà", &mut String::new()).1);
        assert!(!analyze("Xinmei", &mut String::new()).1);
    }
}
