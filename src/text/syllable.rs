//! The Vietnamese syllable: its letters, its parts, whether it is well formed, and where
//! its tone mark belongs.
//!
//! A syllable is onset + rhyme + tone: an optional initial consonant ("ngh", "qu", "gi"…),
//! a vowel cluster (medial glide, nucleus, final semivowel: "oa", "ươi", "uyê"…), an
//! optional final consonant ("c", "ch", "m", "n", "ng", "nh", "p", "t") and one of six tones,
//! written as a mark on one vowel. Normalization uses this grammar three ways: to put tone
//! marks where the chosen style wants them ("hòa" / "hoà"), to split syllables run together
//! ("mộtsố" → "một số"), and to list tokens that are not Vietnamese syllables (typos such as
//! "viẻn", foreign words, acronyms).

/// The six tones; `Level` has no mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// ngang (no mark)
    Level,
    /// huyền (grave)
    Grave,
    /// sắc (acute)
    Acute,
    /// hỏi (hook above)
    Hook,
    /// ngã (tilde)
    Tilde,
    /// nặng (dot below)
    Dot,
}

/// Where the tone of an open "oa", "oe", "uy" goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToneStyle {
    /// "hòa, thủy, khỏe" — the style most news uses.
    #[default]
    Traditional,
    /// "hoà, thuỷ, khoẻ".
    Modern,
}

/// Vowels with their six toned forms, lower then upper case. Index 0 is the toneless letter.
const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];
const VOWELS_UPPER: [[char; 6]; 12] = [
    ['A', 'À', 'Á', 'Ả', 'Ã', 'Ạ'],
    ['Ă', 'Ằ', 'Ắ', 'Ẳ', 'Ẵ', 'Ặ'],
    ['Â', 'Ầ', 'Ấ', 'Ẩ', 'Ẫ', 'Ậ'],
    ['E', 'È', 'É', 'Ẻ', 'Ẽ', 'Ẹ'],
    ['Ê', 'Ề', 'Ế', 'Ể', 'Ễ', 'Ệ'],
    ['I', 'Ì', 'Í', 'Ỉ', 'Ĩ', 'Ị'],
    ['O', 'Ò', 'Ó', 'Ỏ', 'Õ', 'Ọ'],
    ['Ô', 'Ồ', 'Ố', 'Ổ', 'Ỗ', 'Ộ'],
    ['Ơ', 'Ờ', 'Ớ', 'Ở', 'Ỡ', 'Ợ'],
    ['U', 'Ù', 'Ú', 'Ủ', 'Ũ', 'Ụ'],
    ['Ư', 'Ừ', 'Ứ', 'Ử', 'Ữ', 'Ự'],
    ['Y', 'Ỳ', 'Ý', 'Ỷ', 'Ỹ', 'Ỵ'],
];
const TONES: [Tone; 6] = [
    Tone::Level,
    Tone::Grave,
    Tone::Acute,
    Tone::Hook,
    Tone::Tilde,
    Tone::Dot,
];

/// A letter split into its base (toneless, lower case), its tone and its case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Letter {
    /// The toneless lower-case letter ("ơ" for "Ở").
    pub base: char,
    /// The tone it carries.
    pub tone: Tone,
    /// Upper case?
    pub upper: bool,
}

/// Split a letter; `None` for anything that is not a letter of the Vietnamese alphabet
/// (f, j, w, z count: foreign words use them).
pub fn letter(c: char) -> Option<Letter> {
    if c.is_ascii_alphabetic() {
        let lower = c.to_ascii_lowercase();
        return Some(Letter {
            base: lower,
            tone: Tone::Level,
            upper: c.is_ascii_uppercase(),
        });
    }
    if c.is_ascii() {
        return None;
    }
    // Built once: every toned and marked vowel, both cases, and đ/Đ.
    static TABLE: std::sync::OnceLock<rustc_hash::FxHashMap<char, Letter>> =
        std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        m.insert(
            'đ',
            Letter {
                base: 'đ',
                tone: Tone::Level,
                upper: false,
            },
        );
        m.insert(
            'Đ',
            Letter {
                base: 'đ',
                tone: Tone::Level,
                upper: true,
            },
        );
        for (rows, upper) in [(&VOWELS, false), (&VOWELS_UPPER, true)] {
            for (r, row) in rows.iter().enumerate() {
                for (t, &v) in row.iter().enumerate() {
                    m.insert(
                        v,
                        Letter {
                            base: VOWELS[r][0],
                            tone: TONES[t],
                            upper,
                        },
                    );
                }
            }
        }
        m
    });
    table.get(&c).copied()
}

/// The letter `base` with `tone`, in upper case if `upper`. Consonants ignore the tone.
pub fn compose(base: char, tone: Tone, upper: bool) -> char {
    let t = TONES.iter().position(|&x| x == tone).unwrap_or(0);
    if let Some(i) = VOWELS.iter().position(|row| row[0] == base) {
        return if upper {
            VOWELS_UPPER[i][t]
        } else {
            VOWELS[i][t]
        };
    }
    match (base, upper) {
        ('đ', true) => 'Đ',
        (c, true) => c.to_uppercase().next().unwrap_or(c),
        (c, false) => c,
    }
}

/// Is `c` a letter (or a combining mark, which belongs to the letter before it)? Decided by
/// code point ranges for Latin and Vietnamese letters, the Unicode tables for the rest.
#[inline]
pub fn is_letter(c: char) -> bool {
    match c as u32 {
        0x41..=0x5A
        | 0x61..=0x7A
        | 0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x24F
        | 0x1EA0..=0x1EF9
        | 0x300..=0x36F => true,
        0..=0xBF => matches!(c, 'ª' | 'µ' | 'º'),
        _ => c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c),
    }
}

/// `c` in lower case, by arithmetic for Vietnamese's letters (the hot path of every
/// frequency count) and by the Unicode tables for the rest. Letters whose lower case is
/// more than one character keep their first.
#[inline]
pub fn to_lower(c: char) -> char {
    let u = c as u32;
    let l = match u {
        0x41..=0x5A => u + 0x20,
        0..=0x7F => u,
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        0xDF..=0xFF => u,
        // Vietnamese's precomposed letters alternate upper (even) and lower (odd).
        0x1EA0..=0x1EF9 => u | 1,
        0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 | 0x1AF => u + 1,
        0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0 => u,
        _ => return c.to_lowercase().next().unwrap_or(c),
    };
    char::from_u32(l).unwrap_or(c)
}

/// Append `s` in lower case ([`to_lower`] on each character) to `out`, copying the runs
/// that are lower case already as they are: most of a text is, and pushing it character by
/// character cost more than the rest of counting a syllable.
pub fn push_lower(s: &str, out: &mut String) {
    let mut from = 0;
    for (i, c) in s.char_indices() {
        let l = to_lower(c);
        if l != c {
            out.push_str(&s[from..i]);
            out.push(l);
            from = i + c.len_utf8();
        }
    }
    out.push_str(&s[from..]);
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_vowel_mark(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// Is `c` a letter only Vietnamese uses (đ, ă, â, ê, ô, ơ, ư, or any tone mark)?
pub fn is_vietnamese_specific(c: char) -> bool {
    !c.is_ascii() && letter(c).is_some()
}

const ONSETS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];
const CODAS: &[&str] = &["ng", "nh", "ch", "c", "m", "n", "p", "t"];

/// Vowel clusters that form a rhyme with no final consonant.
const OPEN: &[&str] = &[
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo",
    "êu", "ia", "iu", "oa", "oe", "oi", "ôi", "ơi", "ua", "uê", "ui", "uơ", "uy", "ưa", "ưi", "ưu",
    "ya", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi", "ươu",
    "uau", "ueo",
];
/// Vowel clusters that take a final consonant.
const CLOSED: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "yê", "oa", "oă", "oe", "oo",
    "uâ", "uê", "uô", "uy", "ươ", "uyê", "ưo",
];

/// The parts of a syllable, as lower-case toneless strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Initial consonant ("" if none).
    pub onset: String,
    /// Vowel cluster.
    pub vowels: String,
    /// Final consonant ("" if none).
    pub coda: String,
    /// The tone.
    pub tone: Tone,
    /// Char index (in the syllable) of the first vowel of `vowels`.
    pub vowel_start: usize,
}

/// Parse `s` as one Vietnamese syllable. `None` if it is not one (wrong letters, no vowel,
/// more than one tone mark, an impossible cluster, or a tone the final consonant forbids).
pub fn parse(s: &str) -> Option<Parts> {
    parse_with(s, |onset, vowels, coda, tone| Parts {
        onset: onset.to_owned(),
        vowels: vowels.to_owned(),
        coda: coda.to_owned(),
        tone,
        vowel_start: onset.chars().count(),
    })
}

/// The grammar check behind [`parse`], handing the parts to `f` without allocating.
fn parse_with<R>(s: &str, f: impl FnOnce(&str, &str, &str, Tone) -> R) -> Option<R> {
    let mut letters: [Letter; 8] = [Letter {
        base: ' ',
        tone: Tone::Level,
        upper: false,
    }; 8];
    let mut n = 0;
    for c in s.chars() {
        if n == 8 {
            return None;
        }
        letters[n] = letter(c)?;
        n += 1;
    }
    let letters = &letters[..n];
    if n == 0 {
        return None;
    }
    // A capital is fine at the start or everywhere (acronym-like "HÒA"), not mid-word ("hÒa").
    let uppers = letters.iter().filter(|l| l.upper).count();
    if uppers > 1 && uppers < n || (uppers == 1 && !letters[0].upper) {
        return None;
    }
    let mut tone = Tone::Level;
    for l in letters {
        if l.tone != Tone::Level {
            if tone != Tone::Level {
                return None;
            }
            tone = l.tone;
        }
    }
    // The toneless lower-case spelling, on the stack: 8 letters of at most 2 bytes.
    let mut buf = [0u8; 32];
    let mut len = 0;
    for l in letters {
        len += l.base.encode_utf8(&mut buf[len..]).len();
    }
    let base = std::str::from_utf8(&buf[..len]).ok()?;
    // Onset: the longest that leaves a vowel; "gi" and "qu" only when a vowel follows them.
    let mut onset = "";
    for o in ONSETS {
        if let Some(rest) = base.strip_prefix(o) {
            if rest.chars().next().is_some_and(is_vowel) {
                onset = o;
                break;
            }
        }
    }
    let rest = &base[onset.len()..];
    let vowel_len = rest
        .chars()
        .take_while(|&c| is_vowel(c))
        .map(char::len_utf8)
        .sum::<usize>();
    let (vowels, coda) = rest.split_at(vowel_len);
    if vowels.is_empty() {
        return None;
    }
    let valid = if coda.is_empty() {
        OPEN.contains(&vowels)
    } else {
        CODAS.contains(&coda) && CLOSED.contains(&vowels)
    };
    if !valid {
        return None;
    }
    // Stops take only the rising or the heavy tone.
    if matches!(coda, "c" | "ch" | "p" | "t") && !matches!(tone, Tone::Acute | Tone::Dot) {
        return None;
    }
    // Spelling: k, gh, ngh only before front vowels; c, ng never before them ("nghe", not
    // "nge"; "kê", not "cê").
    let front = vowels.starts_with(['e', 'ê', 'i', 'y']);
    if matches!(onset, "k" | "gh" | "ngh") && !front || matches!(onset, "c" | "ng") && front {
        return None;
    }
    Some(f(onset, vowels, coda, tone))
}

/// Is `s` a well-formed Vietnamese syllable?
pub fn is_valid(s: &str) -> bool {
    parse_with(s, |_, _, _, _| ()).is_some()
}

/// Index within `p.vowels` (in chars) of the vowel that carries the tone, in `style`.
pub fn tone_position(p: &Parts, style: ToneStyle) -> usize {
    let v: Vec<char> = p.vowels.chars().collect();
    // A vowel with its own mark takes the tone; in "ươ" the second.
    if let Some(i) = v.iter().rposition(|&c| has_vowel_mark(c)) {
        return i;
    }
    match v.len() {
        0 | 1 => 0,
        _ if !p.coda.is_empty() => v.len() - 1,
        3 => 1,
        _ => {
            // "oa", "oe", "uy" with a glide first: the style decides. ("qu"+"y" never gets here:
            // the u belongs to the onset.)
            let glide = matches!(p.vowels.as_str(), "oa" | "oe" | "uy");
            if glide && style == ToneStyle::Modern {
                1
            } else {
                0
            }
        }
    }
}

/// `s` with its tone mark where `style` puts it, or `None` if `s` is not a syllable or is
/// already right. Case is kept letter by letter.
pub fn retone(s: &str, style: ToneStyle) -> Option<String> {
    let p = parse(s)?;
    if p.tone == Tone::Level {
        return None;
    }
    let target = p.vowel_start + tone_position(&p, style);
    let mut changed = false;
    let out: String = s
        .chars()
        .enumerate()
        .map(|(i, c)| {
            // OK: parse() succeeded, so every char is a letter.
            let l = letter(c).unwrap_or(Letter {
                base: c,
                tone: Tone::Level,
                upper: false,
            });
            let want = if i == target { p.tone } else { Tone::Level };
            if l.tone != want {
                changed = true;
            }
            compose(l.base, want, l.upper)
        })
        .collect();
    changed.then_some(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn push_lower_is_to_lower_on_every_character() {
        for s in [
            "Hà Nội",
            "ĐẢNG",
            "đảng",
            "ƯƠNG",
            "İstanbul",
            "ǅ",
            "ΣΟΦΙΑ",
            "",
            "abc",
        ] {
            let mut out = String::from(">");
            push_lower(s, &mut out);
            let want: String = s.chars().map(to_lower).collect();
            assert_eq!(out, format!(">{want}"), "{s}");
        }
    }

    use super::*;

    #[test]
    fn is_letter_agrees_with_unicode() {
        for u in (0..0x400).chain(0x1E00..0x2100) {
            if let Some(c) = char::from_u32(u) {
                let unicode =
                    c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c);
                assert_eq!(is_letter(c), unicode, "U+{u:04X}");
            }
        }
    }

    #[test]
    fn to_lower_agrees_with_unicode() {
        for u in (0..0x250).chain(0x1E00..0x1F00) {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(to_lower(c), c.to_lowercase().next().unwrap(), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn valid_syllables() {
        for s in [
            "hòa",
            "hoà",
            "thủy",
            "thuỷ",
            "khỏe",
            "khoẻ",
            "quý",
            "hoàn",
            "thuyền",
            "khuya",
            "giữa",
            "quả",
            "nghiêng",
            "người",
            "Đảng",
            "đường",
            "lối",
            "ngoại",
            "gì",
            "gìn",
            "ước",
            "ĐỐI",
            "Nguyễn",
            "khuỷu",
            "oanh",
            "uỳnh",
            "xoong",
            "toán",
        ] {
            assert!(is_valid(s), "{s}");
        }
    }

    #[test]
    fn invalid_tokens() {
        for s in [
            "viẻn", "rangers", "Facebook", "COVID", "tsố", "hÒa", "áct", "ngè", "xyz", "", "ấtt",
            "nhàt",
        ] {
            assert!(!is_valid(s), "{s}");
        }
    }

    #[test]
    fn tone_styles() {
        assert_eq!(
            retone("hoà", ToneStyle::Traditional).as_deref(),
            Some("hòa")
        );
        assert_eq!(retone("hòa", ToneStyle::Modern).as_deref(), Some("hoà"));
        assert_eq!(
            retone("thuỷ", ToneStyle::Traditional).as_deref(),
            Some("thủy")
        );
        assert_eq!(retone("khỏe", ToneStyle::Modern).as_deref(), Some("khoẻ"));
        assert_eq!(retone("UỶ", ToneStyle::Traditional).as_deref(), Some("ỦY"));
        assert_eq!(
            retone("Hoà", ToneStyle::Traditional).as_deref(),
            Some("Hòa")
        );
        // Already right in the style: untouched.
        assert_eq!(retone("hòa", ToneStyle::Traditional), None);
        assert_eq!(retone("hoà", ToneStyle::Modern), None);
    }

    #[test]
    fn misplaced_marks_are_fixed_in_both_styles() {
        for style in [ToneStyle::Traditional, ToneStyle::Modern] {
            assert_eq!(retone("tóan", style).as_deref(), Some("toán"));
            assert_eq!(retone("qủa", style).as_deref(), Some("quả"));
            assert_eq!(retone("mùôi", style).as_deref(), Some("muồi"));
            assert_eq!(retone("thànhh", style), None, "not a syllable: left alone");
            assert_eq!(retone("ngòai", style).as_deref(), Some("ngoài"));
        }
    }

    #[test]
    fn right_in_both_styles_never_touched() {
        for s in [
            "quý", "hoàn", "thuyền", "khuya", "giữa", "quả", "người", "của", "mùa", "kìa", "ngoài",
            "khuỷu", "Quốc",
        ] {
            for style in [ToneStyle::Traditional, ToneStyle::Modern] {
                assert_eq!(retone(s, style), None, "{s} {style:?}");
            }
        }
    }
}
