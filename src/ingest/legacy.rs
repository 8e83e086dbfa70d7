//! Vietnamese encodings from before Unicode: Windows-1258, TCVN3 (ABC, the ".Vn" fonts),
//! VNI-Windows and VIQR. Decoding only; every decoder is total (no byte sequence fails) so
//! detection can try them all and keep the one that reads best.
//!
//! The two Windows code pages are 128-entry tables here rather than encoding_rs: that crate
//! links every encoding's tables (CJK included) into the wasm, about 200 KB gzipped, for two
//! small tables. The tests check ours against encoding_rs byte by byte.

use crate::text::syllable::{compose, letter, Tone};

/// TCVN 5712:1993 ("TCVN3", the ABC fonts), bytes 0x80–0xFF. The lower half is ASCII.
/// (VN1's upper-case letters at 0x80–0x9F are included: VN3 files never use those bytes for
/// anything else.)
const TCVN3_HIGH: [char; 128] = [
    'À', 'Ả', 'Ã', 'Á', 'Ạ', 'Ặ', 'Ậ', 'È', 'Ẻ', 'Ẽ', 'É', 'Ẹ', 'Ệ', 'Ì', 'Ỉ', 'Ĩ', //
    'Í', 'Ị', 'Ò', 'Ỏ', 'Õ', 'Ó', 'Ọ', 'Ộ', 'Ờ', 'Ở', 'Ỡ', 'Ớ', 'Ợ', 'Ù', 'Ủ', 'Ũ', //
    '\u{A0}', 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ằ', //
    '\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}', 'à', 'ả', 'ã', 'á', 'ạ', 'Ẳ', 'ằ', 'ẳ',
    'ẵ', 'ắ', 'Ẵ', //
    'Ắ', 'Ầ', 'Ẩ', 'Ẫ', 'Ấ', 'Ề', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Ể', 'ẻ', 'ẽ', //
    'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', 'Ễ', 'Ế', 'Ồ', 'ĩ', 'í', 'ị', 'ò', //
    'Ổ', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù', //
    'Ỗ', 'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', 'Ố', //
];

/// TCVN3 bytes to text.
pub fn decode_tcvn3(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                TCVN3_HIGH[(b - 0x80) as usize]
            }
        })
        .collect()
}

/// Windows-1252, bytes 0x80–0x9F (0xA0–0xFF are Latin-1). Unassigned bytes map to the C1
/// control of the same value, as the WHATWG encoding standard does.
const CP1252_80: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
    '\u{8F}', //
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž',
    'Ÿ', //
];

/// Windows-1252 bytes to text.
pub fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_80[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// Windows-1258 bytes to text (its tone marks are combining characters: NFC composes them).
pub fn decode_cp1258(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x8A => '\u{8A}',
            0x8E => '\u{8E}',
            0x9A => '\u{9A}',
            0x9E => '\u{9E}',
            0x80..=0x9F => CP1252_80[(b - 0x80) as usize],
            0xC3 => 'Ă',
            0xCC => '\u{300}',
            0xD0 => 'Đ',
            0xD2 => '\u{309}',
            0xD5 => 'Ơ',
            0xDD => 'Ư',
            0xDE => '\u{303}',
            0xE3 => 'ă',
            0xEC => '\u{301}',
            0xF0 => 'đ',
            0xF2 => '\u{323}',
            0xF5 => 'ơ',
            0xFD => 'ư',
            0xFE => '₫',
            _ => b as char,
        })
        .collect()
}

/// VNI-Windows: a base letter followed by a modifier character of the Windows-1252 range
/// ("Vieät" = "Việt"), plus a few letters of their own ("ñ" = "đ", "ô" = "ơ", "ö" = "ư").
pub fn decode_vni(bytes: &[u8]) -> String {
    let latin = decode_cp1252(bytes);
    let chars: Vec<char> = latin.chars().collect();
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let (Some((base, upper)), Some(&m)) = (vni_base(c), chars.get(i + 1)) {
            if let Some((mark, tone)) = vni_modifier(m) {
                let marked = match (mark, base) {
                    (Mark::None, b) => Some(b),
                    (Mark::Circumflex, 'a') => Some('â'),
                    (Mark::Circumflex, 'e') => Some('ê'),
                    (Mark::Circumflex, 'o') => Some('ô'),
                    (Mark::Breve, 'a') => Some('ă'),
                    _ => None,
                };
                if let Some(b) = marked {
                    out.push(compose(b, tone, upper));
                    i += 2;
                    continue;
                }
            }
        }
        out.push(match c {
            'ñ' => 'đ',
            'Ñ' => 'Đ',
            'ô' => 'ơ',
            'Ô' => 'Ơ',
            'ö' => 'ư',
            'Ö' => 'Ư',
            'æ' => 'ỉ',
            'Æ' => 'Ỉ',
            'ó' => 'ĩ',
            'Ó' => 'Ĩ',
            'ò' => 'ị',
            'Ò' => 'Ị',
            'î' => 'ỵ',
            'Î' => 'Ỵ',
            other => other,
        });
        i += 1;
    }
    out
}

#[derive(Clone, Copy)]
enum Mark {
    None,
    Circumflex,
    Breve,
}

/// A VNI base: a plain vowel, or ơ / ư (written "ô" / "ö").
fn vni_base(c: char) -> Option<(char, bool)> {
    match c {
        'a' | 'e' | 'o' | 'u' | 'y' | 'i' => Some((c, false)),
        'A' | 'E' | 'O' | 'U' | 'Y' | 'I' => Some((c.to_ascii_lowercase(), true)),
        'ô' => Some(('ơ', false)),
        'Ô' => Some(('ơ', true)),
        'ö' => Some(('ư', false)),
        'Ö' => Some(('ư', true)),
        _ => None,
    }
}

fn vni_modifier(m: char) -> Option<(Mark, Tone)> {
    use Tone::*;
    Some(match m.to_lowercase().next()? {
        'ù' => (Mark::None, Acute),
        'ø' => (Mark::None, Grave),
        'û' => (Mark::None, Hook),
        'õ' => (Mark::None, Tilde),
        'ï' => (Mark::None, Dot),
        'â' => (Mark::Circumflex, Level),
        'á' => (Mark::Circumflex, Acute),
        'à' => (Mark::Circumflex, Grave),
        'å' => (Mark::Circumflex, Hook),
        'ã' => (Mark::Circumflex, Tilde),
        'ä' => (Mark::Circumflex, Dot),
        'ê' => (Mark::Breve, Level),
        'é' => (Mark::Breve, Acute),
        'è' => (Mark::Breve, Grave),
        'ú' => (Mark::Breve, Hook),
        'ü' => (Mark::Breve, Tilde),
        'ë' => (Mark::Breve, Dot),
        _ => return None,
    })
}

/// VIQR (RFC 1456): ASCII marks after the letter — `(` breve, `^` circumflex, `+` horn,
/// `'` `` ` `` `?` `~` `.` for the tones, `dd` for đ, `\` to escape. A tone mark is read as
/// one only after a vowel of a syllable that has no tone yet, so "Hà Nội." keeps its period;
/// `?` and `.` at the end of a line stay punctuation.
pub fn decode_viqr(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut syllable_has_tone = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() && "(^+'`?~.\\".contains(chars[i + 1]) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if (c == 'd' || c == 'D') && matches!(chars.get(i + 1), Some('d' | 'D')) {
            out.push(if c == 'D' { 'Đ' } else { 'đ' });
            i += 2;
            continue;
        }
        let Some(l) = letter(c).filter(|l| matches!(l.base, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
        else {
            if !c.is_alphabetic() {
                syllable_has_tone = false;
            }
            out.push(c);
            i += 1;
            continue;
        };
        let mut base = l.base;
        let mut j = i + 1;
        match (base, chars.get(j)) {
            ('a', Some('(')) => {
                base = 'ă';
                j += 1;
            }
            ('a' | 'e' | 'o', Some('^')) => {
                base = match base {
                    'a' => 'â',
                    'e' => 'ê',
                    _ => 'ô',
                };
                j += 1;
            }
            ('o' | 'u', Some('+' | '*')) => {
                base = if base == 'o' { 'ơ' } else { 'ư' };
                j += 1;
            }
            _ => {}
        }
        let mut tone = Tone::Level;
        if !syllable_has_tone {
            let t = match chars.get(j) {
                Some('\'') => Some(Tone::Acute),
                Some('`') => Some(Tone::Grave),
                Some('?') => Some(Tone::Hook),
                Some('~') => Some(Tone::Tilde),
                Some('.') => Some(Tone::Dot),
                _ => None,
            };
            if let Some(t) = t {
                let after = chars.get(j + 1).copied();
                let sentence_mark = matches!(t, Tone::Hook | Tone::Dot)
                    && after.is_none_or(|a| a == '\n' || a == '\r');
                if !sentence_mark {
                    tone = t;
                    syllable_has_tone = true;
                    j += 1;
                }
            }
        }
        out.push(compose(base, tone, l.upper));
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn tcvn3(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| {
                if c.is_ascii() {
                    c as u8
                } else {
                    0x80 + TCVN3_HIGH.iter().position(|&t| t == c).expect("in table") as u8
                }
            })
            .collect()
    }

    #[test]
    fn tcvn3_round_trip() {
        let text = "Tổng bí thư nguyễn phú trọng làm việc với Ban Đối ngoại trung ương";
        let bytes = tcvn3(text);
        assert!(bytes.iter().any(|&b| b >= 0x80));
        assert_eq!(decode_tcvn3(&bytes), text);
    }

    #[test]
    fn vni_words() {
        let bytes = encoding_rs::WINDOWS_1252
            .encode("Vieät Nam, Haø Noäi, Thuû töôùng, ñoái ngoaïi, Ñaûng, khoûe, Quoác hoäi, nghò quyeát, Kyø hoïp")
            .0;
        assert_eq!(
            decode_vni(&bytes),
            "Việt Nam, Hà Nội, Thủ tướng, đối ngoại, Đảng, khỏe, Quốc hội, nghị quyết, Kỳ họp"
        );
    }

    #[test]
    fn viqr_words() {
        assert_eq!(
            decode_viqr("Vie^.t Nam, Ha` No^.i, Thu? tu+o+'ng, ddo^'i ngoa.i."),
            "Việt Nam, Hà Nội, Thủ tướng, đối ngoại."
        );
        assert_eq!(
            decode_viqr("Co' kho^ng?\nDda^y la` \\. da^'u"),
            "Có không?\nĐây là . dấu"
        );
    }

    #[test]
    fn code_pages_match_encoding_rs() {
        for b in 0..=255u8 {
            let ours = decode_cp1252(&[b]);
            let theirs = encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[b])
                .0
                .into_owned();
            assert_eq!(ours, theirs, "cp1252 byte {b:#04x}");
            let ours = decode_cp1258(&[b]);
            let theirs = encoding_rs::WINDOWS_1258
                .decode_without_bom_handling(&[b])
                .0
                .into_owned();
            assert_eq!(ours, theirs, "cp1258 byte {b:#04x}");
        }
    }

    #[test]
    fn cp1258() {
        // Windows-1258 has "ô" and a combining dot below, not "ộ".
        let bytes = encoding_rs::WINDOWS_1258.encode("Hà Nô\u{323}i").0;
        assert_eq!(decode_cp1258(&bytes).nfc().collect::<String>(), "Hà Nội");
    }
}
