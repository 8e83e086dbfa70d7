//! Document hygiene: paragraphs that are not the document's own content.
//!
//! News pages repeat themselves (a lead printed twice, a related-article title listed
//! twice) and carry site furniture (share buttons, bylines, photo captions, navigation,
//! footers, datelines). Counted as text, they inflate exactly the words a reader does not
//! care about. This module flags such paragraphs; the analysis keeps duplicates once and,
//! by a setting, leaves boilerplate out of the statistics. The Reader still shows them.

use rustc_hash::FxHashMap;

/// Why a paragraph is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// The same text (ignoring case and spacing) as paragraph `of`.
    Duplicate {
        /// The paragraph index it repeats.
        of: usize,
    },
    /// Contained whole in paragraph `of`, or nearly the same as it.
    NearDuplicate {
        /// The paragraph index it repeats.
        of: usize,
    },
    /// Site furniture.
    Boilerplate(Boilerplate),
}

/// Kinds of site furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Boilerplate {
    /// "Chia sẻ:", "Tin liên quan", "Xem thêm"…
    Share,
    /// "Theo CPV", "TTXVN/Báo Tin tức", an author's name alone at the end.
    Byline,
    /// "Ảnh: …", "(Ảnh: TTXVN)".
    Caption,
    /// Menus and footers: "Trang chủ | Thời sự | …", "Các đơn vị thông tin của TTXVN".
    Navigation,
    /// A date alone: "Thứ hai, 08/08/2022".
    Dateline,
}

impl Boilerplate {
    /// A stable identifier.
    pub fn id(self) -> &'static str {
        match self {
            Boilerplate::Share => "share",
            Boilerplate::Byline => "byline",
            Boilerplate::Caption => "caption",
            Boilerplate::Navigation => "navigation",
            Boilerplate::Dateline => "dateline",
        }
    }
}

/// `char::is_alphanumeric`, with Vietnamese letters answered without the Unicode tables
/// (slow outside ASCII, and most of a Vietnamese text is outside ASCII).
fn alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x1EA0..=0x1EF9 => true,
        _ => c.is_alphanumeric(),
    }
}

/// The key two paragraphs share when they are "the same": lower case, letters and digits
/// only, single spaces.
pub fn key(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut space = false;
    for c in p.chars() {
        if alphanumeric(c) {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(crate::text::syllable::to_lower(c));
        } else {
            space = true;
        }
    }
    out
}

/// A 64-bit FNV-1a hash of [`key`]`(p)`, computed without building the key (stable across
/// runs and platforms, unlike std's hasher).
pub fn fingerprint(p: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |b: u8| {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    };
    let mut space = false;
    let mut started = false;
    let mut buf = [0u8; 4];
    for c in p.chars() {
        if c.is_ascii_alphanumeric()
            || (!c.is_ascii() && (crate::text::syllable::is_letter(c) || c.is_numeric()))
        {
            if space && started {
                feed(b' ');
            }
            space = false;
            started = true;
            if c.is_ascii() {
                feed(c.to_ascii_lowercase() as u8);
            } else {
                crate::text::syllable::to_lower(c)
                    .encode_utf8(&mut buf)
                    .bytes()
                    .for_each(&mut feed);
            }
        } else {
            space = true;
        }
    }
    h
}

fn words(p: &str) -> usize {
    p.split_whitespace().count()
}

/// Shortest paragraph (in words) that counts as a repeat when contained in another: short
/// ones (headings, names) legitimately recur inside the body.
const CONTAINED_MIN_WORDS: usize = 20;
/// Longest line that can be a byline, caption label, share bar or menu.
const SHORT_LINE_WORDS: usize = 12;

/// Flags for `paragraphs` (in order).
pub fn check(paragraphs: &[&str]) -> Vec<Option<Flag>> {
    check_with_fingerprints(paragraphs).0
}

/// [`check`], plus each paragraph's [`fingerprint`] of its [`key`] (computed anyway).
pub fn check_with_fingerprints(paragraphs: &[&str]) -> (Vec<Option<Flag>>, Vec<u64>) {
    let n = paragraphs.len();
    let mut flags: Vec<Option<Flag>> = vec![None; n];
    let fingerprints: Vec<u64> = paragraphs.iter().map(|p| fingerprint(p)).collect();
    // The fingerprint of nothing: paragraphs of punctuation only are never "the same".
    let empty = fingerprint("");
    let mut seen: FxHashMap<u64, usize> = FxHashMap::default();
    for (i, &fp) in fingerprints.iter().enumerate() {
        if fp == empty {
            continue;
        }
        match seen.get(&fp) {
            Some(&of) => flags[i] = Some(Flag::Duplicate { of }),
            None => {
                seen.insert(fp, i);
            }
        }
    }
    // A paragraph repeated inside a longer one (a lead printed again with more after it).
    // Quadratic, so only for documents of article length: at 3,000 paragraphs a 0.5 MB
    // file took seconds; exact repeats are still found at any length.
    if n <= 400 {
        let keys: Vec<String> = paragraphs.iter().map(|p| key(p)).collect();
        for i in 0..n {
            if flags[i].is_some() || words(&keys[i]) < CONTAINED_MIN_WORDS {
                continue;
            }
            // Search for the key's first bytes, then compare the rest where they occur: one
            // small searcher per paragraph instead of one the size of the paragraph per pair
            // (setting that up cost as much as the search).
            let needle = keys[i].as_bytes();
            let head = memchr::memmem::Finder::new(&needle[..needle.len().min(16)]);
            if let Some(of) = (0..n).find(|&j| {
                let hay = keys[j].as_bytes();
                j != i
                    && hay.len() > needle.len()
                    && flags[j].is_none()
                    && head.find_iter(hay).any(|at| hay[at..].starts_with(needle))
            }) {
                flags[i] = Some(Flag::NearDuplicate { of });
            }
        }
    }
    for (i, p) in paragraphs.iter().enumerate() {
        if flags[i].is_none() {
            flags[i] = boilerplate(p, i, n).map(Flag::Boilerplate);
        }
    }
    (flags, fingerprints)
}

fn starts_with_ci(p: &str, prefixes: &[&str]) -> bool {
    let head: String = p.chars().take(24).flat_map(char::to_lowercase).collect();
    prefixes.iter().any(|x| head.starts_with(x))
}

fn ends_sentence(p: &str) -> bool {
    p.trim_end().ends_with(['.', '!', '?', '…', '"', '”', ')'])
}

/// Is `p` (paragraph `i` of `n`) site furniture?
pub fn boilerplate(p: &str, i: usize, n: usize) -> Option<Boilerplate> {
    let p = p.trim();
    // Every kind of furniture is short; most paragraphs are not, and stop here.
    let w = p.split_whitespace().take(41).count();
    if w > 40 {
        return None;
    }
    let lower = p.to_lowercase();
    if w <= SHORT_LINE_WORDS
        && starts_with_ci(
            p,
            &[
                "chia sẻ",
                "share",
                "tweet",
                "in bài",
                "gửi bài",
                "bình luận",
                "tin liên quan",
                "tin cùng chuyên mục",
                "xem thêm",
                "đọc thêm",
                "theo dõi",
                "tags:",
                "tag:",
                "từ khóa:",
                "từ khoá:",
                "bài liên quan",
            ],
        )
    {
        return Some(Boilerplate::Share);
    }
    if starts_with_ci(
        p,
        &[
            "ảnh:",
            "(ảnh:",
            "ảnh minh họa",
            "ảnh minh hoạ",
            "photo:",
            "video:",
            "clip:",
        ],
    ) || (w <= 40
        && (lower.ends_with(")") && (lower.contains("(ảnh:") || lower.contains("(ảnh "))))
    {
        return Some(Boilerplate::Caption);
    }
    if w <= 6
        && !ends_sentence(p)
        && (starts_with_ci(p, &["theo ", "nguồn:", "nguồn "])
            || (p.contains('/')
                && p.split('/')
                    .all(|s| s.trim_start().starts_with(char::is_uppercase))
                && !p.contains(char::is_numeric)))
    {
        return Some(Boilerplate::Byline);
    }
    // An author's name alone in the last lines: 2–4 capitalized words, nothing else.
    if i + 3 >= n
        && (2..=4).contains(&w)
        && !ends_sentence(p)
        && p.split_whitespace()
            .all(|s| s.starts_with(char::is_uppercase) && s.chars().all(char::is_alphabetic))
    {
        return Some(Boilerplate::Byline);
    }
    let footer_words = [
        "bản quyền",
        "©",
        "copyright",
        "đăng nhập",
        "trang chủ",
        "rao vặt",
        "liên hệ quảng cáo",
        "các đơn vị thông tin",
        "ghi rõ nguồn",
        "giấy phép",
    ];
    let separators = p.matches(" - ").count()
        + p.matches(" | ").count()
        + p.matches('›').count()
        + p.matches('»').count();
    if w <= 15
        && !ends_sentence(p)
        && (separators >= 2 || footer_words.iter().any(|f| lower.contains(f)))
    {
        return Some(Boilerplate::Navigation);
    }
    // A date alone: few letters, a d/m/y date.
    let letters = p.chars().filter(|c| c.is_alphabetic()).count();
    let has_date = p
        .split(|c: char| !(c.is_ascii_digit() || c == '/'))
        .any(|t| t.matches('/').count() == 2 && t.len() >= 6);
    if w <= 6 && has_date && letters <= 12 {
        return Some(Boilerplate::Dateline);
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_fast_alphanumeric_is_the_unicode_one() {
        for c in (0..=0x2FFFF).filter_map(char::from_u32) {
            assert_eq!(alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    use super::*;

    fn paras(path: &str) -> Vec<String> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("www/corpus")
            .join(path);
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect()
    }

    #[test]
    fn the_sample_corpus_repeated_lead_and_furniture() {
        let p = paras("001_dd71080901982e6d.txt");
        let refs: Vec<&str> = p.iter().map(String::as_str).collect();
        let f = check(&refs);
        assert_eq!(
            f[0],
            Some(Flag::Boilerplate(Boilerplate::Dateline)),
            "{}",
            p[0]
        );
        assert_eq!(f[1], None, "the heading is content");
        assert_eq!(
            f[3],
            Some(Flag::NearDuplicate { of: 2 }),
            "the lead is printed again inside paragraph 2"
        );
        assert_eq!(
            f.last().copied().flatten(),
            Some(Flag::Boilerplate(Boilerplate::Byline)),
            "Theo CPV"
        );
        let content = f.iter().filter(|x| x.is_none()).count();
        assert!(content >= 8, "most paragraphs are content");

        let p = paras("003_4ed73204bbf8ad32.txt");
        let refs: Vec<&str> = p.iter().map(String::as_str).collect();
        let f = check(&refs);
        let n = p.len();
        assert_eq!(f[16], Some(Flag::Duplicate { of: 15 }));
        assert_eq!(
            f[14],
            Some(Flag::Boilerplate(Boilerplate::Byline)),
            "{}",
            p[14]
        );
        assert_eq!(f[n - 3], Some(Flag::Boilerplate(Boilerplate::Share)));
        assert_eq!(f[n - 2], Some(Flag::Boilerplate(Boilerplate::Navigation)));
        assert_eq!(f[n - 1], Some(Flag::Boilerplate(Boilerplate::Navigation)));
        assert_eq!(f[0], None);

        for (file, last) in [
            ("002_3f8f23d05b7f99f5.txt", "Lâm Anh"),
            ("004_70bcad869be01b1b.txt", "HƯƠNG SEN"),
        ] {
            let p = paras(file);
            assert_eq!(p.last().unwrap(), last);
            let refs: Vec<&str> = p.iter().map(String::as_str).collect();
            assert_eq!(
                *check(&refs).last().unwrap(),
                Some(Flag::Boilerplate(Boilerplate::Byline))
            );
        }
    }

    #[test]
    fn fingerprint_is_the_hash_of_the_key() {
        for p in [
            "Hà Nội, ngày 23/12",
            "  ĐỐI   ngoại!! ",
            "",
            "...",
            "Ⅻ ǅ ß İ",
        ] {
            let k = key(p);
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for b in k.bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x100_0000_01b3);
            }
            assert_eq!(fingerprint(p), h, "{p:?}");
        }
        assert_eq!(fingerprint("Đối ngoại."), fingerprint("đối   NGOẠI"));
    }

    #[test]
    fn ordinary_paragraphs_are_not_furniture() {
        for p in [
            "Theo đó, Bộ Ngoại giao sẽ tiếp tục triển khai các nhiệm vụ trọng tâm trong năm tới.",
            "Hà Nội, ngày 23/12/2023, Hội nghị Ngoại giao lần thứ 32 đã bế mạc sau ba ngày làm việc.",
            "Tổng Bí thư Nguyễn Phú Trọng",
            "Chia sẻ kinh nghiệm về công tác đối ngoại nhân dân, các đại biểu đã thảo luận sôi nổi và đưa ra nhiều kiến nghị.",
        ] {
            assert_eq!(boilerplate(p, 0, 10), None, "{p}");
        }
        assert_eq!(boilerplate("Ảnh: TTXVN", 3, 10), Some(Boilerplate::Caption));
        assert_eq!(
            boilerplate("Trang chủ | Thời sự | Thế giới | Kinh tế", 0, 10),
            Some(Boilerplate::Navigation)
        );
    }
}
