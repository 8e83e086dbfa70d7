//! Ingestion: the bytes of a file in, Unicode text out, or a clear refusal.
//!
//! This is the only stage that sees raw bytes. It decides whether a file is text at all
//! (binary formats are refused by their magic number or by NUL bytes, naming what they look
//! like; unknown extensions are refused by name), takes the text out of HTML and DOCX, and
//! finds the encoding: a BOM wins; valid UTF-8 is UTF-8 (or VIQR, when its ASCII spells
//! Vietnamese that way); anything else is decoded as each legacy Vietnamese encoding
//! (Windows-1258, TCVN3, VNI-Windows) and the one whose words read best as Vietnamese
//! syllables wins. The choice is reported with the runners-up and can be overridden.
//! Nothing is dropped silently: invalid sequences become U+FFFD and are reported with the
//! byte offset of the first one and their count.

pub mod collection;
pub mod dates;
pub mod formats;
pub mod legacy;
pub mod records;
pub mod zip;

use std::fmt;

/// How the bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 that started with the (stripped) byte-order mark EF BB BF.
    Utf8Bom,
    /// UTF-16 little endian (BOM FF FE, or detected by its zero bytes).
    Utf16Le,
    /// UTF-16 big endian (BOM FE FF, or detected by its zero bytes).
    Utf16Be,
    /// Windows-1258 (Vietnamese code page, combining tone marks).
    Windows1258,
    /// TCVN 5712 / TCVN3 (ABC, the ".Vn" fonts).
    Tcvn3,
    /// VNI-Windows (the "VNI-Times" fonts).
    Vni,
    /// VIQR: Vietnamese in ASCII ("Vie^.t Nam").
    Viqr,
}

impl Encoding {
    /// Every encoding, for the override menu.
    pub const ALL: [Encoding; 8] = [
        Encoding::Utf8,
        Encoding::Utf8Bom,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1258,
        Encoding::Tcvn3,
        Encoding::Vni,
        Encoding::Viqr,
    ];

    /// A stable, human-readable label ("UTF-8", "TCVN3", …).
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1258 => "Windows-1258",
            Encoding::Tcvn3 => "TCVN3",
            Encoding::Vni => "VNI-Windows",
            Encoding::Viqr => "VIQR",
        }
    }

    /// The encoding with `label`.
    pub fn from_label(label: &str) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.label() == label)
    }
}

/// How the encoding was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The share of words that read as Vietnamese syllables (1.0 when a BOM decided).
    pub confidence: f32,
    /// The other candidates tried, with their scores, best first.
    pub alternatives: Vec<(Encoding, f32)>,
    /// The user chose the encoding.
    pub overridden: bool,
}

/// Something the user should know about a file that was still accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Invalid byte sequences were replaced by U+FFFD.
    InvalidBytes {
        /// Number of replaced sequences.
        count: usize,
        /// Byte offset, in the file, of the first invalid sequence.
        first_at: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::InvalidBytes { count, first_at } => write!(
                f,
                "{count} invalid byte sequence(s) replaced by U+FFFD (first at byte {first_at})"
            ),
        }
    }
}

/// Why a file was refused. The file name is added by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Zero bytes, or nothing but whitespace.
    Empty,
    /// A known binary format, by its magic number ("PDF", "PNG", …).
    Binary {
        /// What the bytes look like.
        kind: &'static str,
    },
    /// NUL bytes or mostly control bytes: not text in any encoding we read.
    NotText,
    /// An extension we do not read (".xlsx", ".pptx", …).
    UnsupportedFormat {
        /// The extension, lower case, without the dot.
        ext: String,
    },
    /// A .docx whose text could not be taken out.
    DamagedDocx,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Empty => write!(f, "the file is empty"),
            Refusal::Binary { kind } => write!(f, "this is a {kind} file, not plain text"),
            Refusal::NotText => write!(f, "the file is binary, not text"),
            Refusal::UnsupportedFormat { ext } => write!(
                f,
                "Soi does not read .{ext} files (it reads .txt, .md, .html, .docx, .csv, .tsv, .jsonl and .zip)"
            ),
            Refusal::DamagedDocx => {
                write!(f, "this .docx file is damaged: its text could not be read")
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// Decoded text with what was learned on the way.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, without a leading BOM.
    pub text: String,
    /// The encoding that was used.
    pub encoding: Encoding,
    /// How it was chosen.
    pub detection: Detection,
    /// Non-fatal problems.
    pub warnings: Vec<Warning>,
}

/// What kind of file, by extension (and, for HTML without one, by content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, Markdown, CSV…: read as it is.
    Text,
    /// HTML: its text content.
    Html,
    /// Word .docx: the text of its paragraphs.
    Docx,
}

/// Extensions read as plain text.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "csv", "tsv", "srt", "vtt", "json", "xml", "log", "rst",
    "org", "tex",
];

/// The format of a file named `name`, or a refusal for extensions we do not read.
pub fn format_of(name: &str) -> Result<Format, Refusal> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let Some((stem, ext)) = base.rsplit_once('.') else {
        return Ok(Format::Text);
    };
    if stem.is_empty() {
        return Ok(Format::Text); // ".bashrc"-like names: try as text
    }
    let ext = ext.to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" | "xhtml" => Ok(Format::Html),
        "docx" => Ok(Format::Docx),
        e if TEXT_EXTENSIONS.contains(&e) => Ok(Format::Text),
        // A name with a dot but a long or numeric "extension" ("Báo cáo v1.2", "ngày 23.12")
        // is a dotted name, not a format.
        e if e.len() > 5
            || !e.chars().all(|c| c.is_ascii_alphanumeric())
            || !e.chars().any(|c| c.is_ascii_alphabetic()) =>
        {
            Ok(Format::Text)
        }
        _ => Err(Refusal::UnsupportedFormat { ext }),
    }
}

/// Decode a file: its format by `name`, its encoding detected unless `force` names one.
pub fn decode_file(name: &str, bytes: &[u8], force: Option<Encoding>) -> Result<Decoded, Refusal> {
    let format = format_of(name);
    // What the bytes are says more than the name: "scan.pdf" is refused as a PDF.
    if let Some(kind) = sniff_binary(bytes) {
        if format != Ok(Format::Docx) {
            return Err(Refusal::Binary { kind });
        }
    }
    match format? {
        Format::Docx => {
            let text = formats::docx_to_text(bytes).map_err(|_| Refusal::DamagedDocx)?;
            if text.trim().is_empty() {
                return Err(Refusal::Empty);
            }
            let detection = Detection {
                confidence: 1.0,
                alternatives: Vec::new(),
                overridden: false,
            };
            Ok(Decoded {
                text,
                encoding: Encoding::Utf8,
                detection,
                warnings: Vec::new(),
            })
        }
        Format::Html => {
            let mut d = decode_with(bytes, force)?;
            d.text = formats::html_to_text(&d.text);
            if d.text.trim().is_empty() {
                return Err(Refusal::Empty);
            }
            Ok(d)
        }
        Format::Text => {
            let mut d = decode_with(bytes, force)?;
            // HTML saved as .txt, or with no extension, is still HTML.
            let head = d
                .text
                .trim_start()
                .get(..15)
                .unwrap_or("")
                .to_ascii_lowercase();
            if head.starts_with("<!doctype html") || head.starts_with("<html") {
                d.text = formats::html_to_text(&d.text);
            }
            Ok(d)
        }
    }
}

/// Magic numbers of formats people drop by mistake. Order matters only for shared prefixes.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xFF\xD8\xFF", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP (or DOCX/XLSX)"),
    (b"\x1F\x8B", "gzip"),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "Microsoft Office 97-2003",
    ),
    (b"\x7FELF", "executable (ELF)"),
    (b"MZ", "executable (Windows)"),
    (b"\0asm", "WebAssembly"),
    (b"Rar!", "RAR"),
    (b"7z\xBC\xAF\x27\x1C", "7-Zip"),
    (b"RIFF", "audio/video (RIFF)"),
    (b"ID3", "MP3"),
];

/// Decode a whole text file, detecting its encoding.
///
/// ```
/// let d = soi::ingest::decode("Hòa bình".as_bytes()).unwrap();
/// assert_eq!(d.text, "Hòa bình");
/// ```
pub fn decode(bytes: &[u8]) -> Result<Decoded, Refusal> {
    decode_with(bytes, None)
}

/// Decode text bytes with `force`, or detect the encoding.
pub fn decode_with(bytes: &[u8], force: Option<Encoding>) -> Result<Decoded, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let certain =
        |text: String, encoding: Encoding, warnings: Vec<Warning>, overridden: bool| Decoded {
            text,
            encoding,
            detection: Detection {
                confidence: 1.0,
                alternatives: Vec::new(),
                overridden,
            },
            warnings,
        };
    let decoded = if let Some(enc) = force {
        let (text, warnings) = decode_as(bytes, enc);
        let mut d = certain(text, enc, warnings, true);
        d.detection.confidence = score(&d.text);
        d
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, w) = utf8_lossy(rest, 3);
        certain(text, Encoding::Utf8Bom, w, false)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, w) = utf16(rest, true, 2);
        certain(text, Encoding::Utf16Le, w, false)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, w) = utf16(rest, false, 2);
        certain(text, Encoding::Utf16Be, w, false)
    } else if let Some(le) = bomless_utf16(bytes) {
        let (text, w) = utf16(bytes, le, 0);
        certain(
            text,
            if le {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            },
            w,
            false,
        )
    } else {
        if let Some(kind) = sniff_binary(bytes) {
            return Err(Refusal::Binary { kind });
        }
        if looks_binary(bytes) {
            return Err(Refusal::NotText);
        }
        detect(bytes)
    };
    if decoded.text.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    Ok(decoded)
}

/// Decode `bytes` as `enc` (a BOM of that encoding is skipped).
pub fn decode_as(bytes: &[u8], enc: Encoding) -> (String, Vec<Warning>) {
    match enc {
        Encoding::Utf8 | Encoding::Utf8Bom => match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => utf8_lossy(rest, 3),
            None => utf8_lossy(bytes, 0),
        },
        Encoding::Utf16Le => match bytes.strip_prefix(b"\xFF\xFE") {
            Some(rest) => utf16(rest, true, 2),
            None => utf16(bytes, true, 0),
        },
        Encoding::Utf16Be => match bytes.strip_prefix(b"\xFE\xFF") {
            Some(rest) => utf16(rest, false, 2),
            None => utf16(bytes, false, 0),
        },
        Encoding::Windows1258 => (legacy::decode_cp1258(bytes), Vec::new()),
        Encoding::Tcvn3 => (legacy::decode_tcvn3(bytes), Vec::new()),
        Encoding::Vni => (legacy::decode_vni(bytes), Vec::new()),
        Encoding::Viqr => {
            let (t, w) = utf8_lossy(bytes, 0);
            (legacy::decode_viqr(&t), w)
        }
    }
}

/// How many bytes detection reads: enough words to judge, little time on a 200 MB file.
const SAMPLE_BYTES: usize = 64 << 10;

/// The share of the words of `text` that are Vietnamese syllables, lowered by replacement
/// characters and C1 controls (the marks of a wrong guess).
fn score(text: &str) -> f32 {
    use unicode_normalization::UnicodeNormalization;
    let sample: String = text.chars().take(SAMPLE_BYTES / 2).nfc().collect();
    let mut words = 0u32;
    let mut good = 0u32;
    for (_, w) in crate::text::segment::syllables(&sample) {
        words += 1;
        if crate::text::syllable::is_valid(w) {
            good += 1;
        }
    }
    let bad = sample
        .chars()
        .filter(|&c| c == '\u{FFFD}' || ('\u{80}'..='\u{9F}').contains(&c))
        .count() as f32;
    if words == 0 {
        return 0.0;
    }
    ((good as f32 - 2.0 * bad) / words as f32).max(0.0)
}

/// Detect the encoding of BOM-less text bytes.
fn detect(bytes: &[u8]) -> Decoded {
    let head = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    let mut candidates: Vec<(Encoding, f32)> = Vec::new();
    if let Ok(text) = std::str::from_utf8(bytes) {
        // UTF-8 it is, unless it is ASCII spelling Vietnamese the VIQR way.
        if text.is_ascii() && looks_viqr(head) {
            let plain = score(text);
            let viqr = score(&legacy::decode_viqr(&text[..text.len().min(SAMPLE_BYTES)]));
            if viqr > plain + 0.2 {
                return Decoded {
                    text: legacy::decode_viqr(text),
                    encoding: Encoding::Viqr,
                    detection: Detection {
                        confidence: viqr,
                        alternatives: vec![(Encoding::Utf8, plain)],
                        overridden: false,
                    },
                    warnings: Vec::new(),
                };
            }
        }
        return Decoded {
            text: text.to_owned(),
            encoding: Encoding::Utf8,
            detection: Detection {
                confidence: 1.0,
                alternatives: Vec::new(),
                overridden: false,
            },
            warnings: Vec::new(),
        };
    }
    // UTF-8 with a few damaged sequences is still UTF-8: legacy 8-bit text almost never
    // forms valid multi-byte sequences, let alone many.
    // Counted in bytes: in 8-bit text most high bytes fail to form sequences, so well-formed
    // multi-byte sequences outnumbering the bad bytes two to one is UTF-8 ("Bộ Ngoại giao
    // <FF FE FD> Việt Nam": 9 bytes of good sequences, 3 bad).
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    for chunk in head.utf8_chunks() {
        valid_multibyte += chunk.valid().bytes().filter(|b| !b.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if valid_multibyte >= 2 && invalid * 2 <= valid_multibyte {
        let (text, warnings) = utf8_lossy(bytes, 0);
        let detection = Detection {
            confidence: score(&text),
            alternatives: Vec::new(),
            overridden: false,
        };
        return Decoded {
            text,
            encoding: Encoding::Utf8,
            detection,
            warnings,
        };
    }
    for enc in [
        Encoding::Windows1258,
        Encoding::Tcvn3,
        Encoding::Vni,
        Encoding::Utf8,
    ] {
        let (text, _) = decode_as(head, enc);
        candidates.push((enc, score(&text)));
    }
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, confidence) = candidates[0];
    let (text, warnings) = decode_as(bytes, best);
    Decoded {
        text,
        encoding: best,
        detection: Detection {
            confidence,
            alternatives: candidates[1..].to_vec(),
            overridden: false,
        },
        warnings,
    }
}

/// ASCII with VIQR's marks after vowels ("Vie^.t", "tu+o+'ng", "Ha` No^.i").
fn looks_viqr(head: &[u8]) -> bool {
    let mut marks = 0;
    let mut words = 1;
    for w in head.windows(3) {
        let vowel = matches!(
            w[0].to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        );
        if vowel
            && (matches!(w[1], b'^' | b'(' | b'+')
                || (matches!(w[1], b'`' | b'~' | b'\'') && w[2].is_ascii_alphabetic()))
        {
            marks += 1;
        }
        if w[0] == b' ' {
            words += 1;
        }
    }
    marks * 10 > words
}

/// UTF-16 without a BOM: text in the Latin and Vietnamese ranges has a zero in most high bytes.
fn bomless_utf16(bytes: &[u8]) -> Option<bool> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let odd_zero = head.chunks(2).filter(|p| p[1] == 0 && p[0] != 0).count();
    let even_zero = head.chunks(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    if odd_zero * 10 > pairs * 4 && even_zero * 20 < pairs {
        Some(true)
    } else if even_zero * 10 > pairs * 4 && odd_zero * 20 < pairs {
        Some(false)
    } else {
        None
    }
}

fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    MAGIC
        .iter()
        // "MZ" and "ID3" are short: a text file may start with them ("MZ" is rare, "ID3" is
        // not Vietnamese). Require a NUL nearby for the two-byte ones to avoid false refusals.
        .find(|(magic, _)| {
            bytes.starts_with(magic) && (magic.len() > 2 || bytes.iter().take(512).any(|&b| b == 0))
        })
        .map(|&(_, kind)| kind)
}

/// Text never contains NUL; a high share of C0 control bytes also means binary.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    // Why 10%: legacy files carry the odd form feed or escape; real binaries are far above.
    controls * 10 > head.len()
}

/// UTF-8 with invalid sequences replaced; `offset` is where `bytes` start in the file.
fn utf8_lossy(bytes: &[u8], offset: usize) -> (String, Vec<Warning>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), Vec::new()),
        Err(_) => {
            let mut text = String::with_capacity(bytes.len() + 16);
            let mut count = 0;
            let mut first_at = None;
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    let pos = chunk.valid().as_ptr() as usize - bytes.as_ptr() as usize
                        + chunk.valid().len();
                    first_at.get_or_insert(pos + offset);
                    count += 1;
                    text.push('\u{FFFD}');
                }
            }
            (
                text,
                vec![Warning::InvalidBytes {
                    count,
                    first_at: first_at.unwrap_or(offset),
                }],
            )
        }
    }
}

/// UTF-16 with unpaired surrogates replaced; `offset` is where `bytes` start in the file.
fn utf16(bytes: &[u8], little_endian: bool, offset: usize) -> (String, Vec<Warning>) {
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] if little_endian => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        // A dangling odd byte cannot be a code unit: force a replacement.
        _ => 0xDC00,
    });
    let mut text = String::with_capacity(bytes.len());
    let mut count = 0;
    let mut first_at = None;
    let mut unit_index = 0usize;
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => {
                unit_index += c.len_utf16();
                text.push(c);
            }
            Err(_) => {
                first_at.get_or_insert(offset + unit_index * 2);
                unit_index += 1;
                count += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    let warnings = match first_at {
        Some(first_at) => vec![Warning::InvalidBytes { count, first_at }],
        None => Vec::new(),
    };
    (text, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương";

    #[test]
    fn utf8_plain_and_with_bom() {
        let d = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, Encoding::Utf8));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&bom).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, Encoding::Utf8Bom));
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn utf16_both_byte_orders_round_trip() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in SAMPLE.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, Encoding::Utf16Le));
        let d = decode(&be).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, Encoding::Utf16Be));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_reported_with_its_position() {
        // "Hà Nội là thủ đô của Việt Nam" with the second byte of "à" (C3 A0) cut out and a
        // stray 0xFF at the end.
        let mut bytes = b"H\xC3 N".to_vec();
        bytes.extend_from_slice("ội là thủ đô của Việt Nam ".as_bytes());
        bytes.push(0xFF);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.text, "H\u{FFFD} Nội là thủ đô của Việt Nam \u{FFFD}");
        assert_eq!(
            d.warnings,
            vec![Warning::InvalidBytes {
                count: 2,
                first_at: 1
            }]
        );
    }

    #[test]
    fn a_short_utf8_line_with_three_bad_bytes_is_utf8_not_a_code_page() {
        // Issue 20.1: it came out as "Bá»™ Ngoáº¡i giao ÿ₫ư Vía»‡t Nam" (Windows-1258).
        let mut bytes = "Bộ Ngoại giao ".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFE, 0xFD]);
        bytes.extend_from_slice(" Việt Nam".as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.text, "Bộ Ngoại giao \u{FFFD}\u{FFFD}\u{FFFD} Việt Nam");
        assert_eq!(
            d.warnings,
            vec![Warning::InvalidBytes {
                count: 3,
                first_at: "Bộ Ngoại giao ".len()
            }]
        );
    }

    #[test]
    fn empty_and_blank_files_are_refused() {
        assert_eq!(decode(b"").unwrap_err(), Refusal::Empty);
        assert_eq!(decode(b" \n\t\r\n").unwrap_err(), Refusal::Empty);
        assert_eq!(decode(b"\xEF\xBB\xBF\n").unwrap_err(), Refusal::Empty);
    }

    #[test]
    fn legacy_encodings_are_detected() {
        let text = "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương về công tác đối ngoại của Đảng và Nhà nước";
        // Windows-1258 spells a toned vowel as the vowel (with its own mark) + a combining tone.
        let cp: String = text
            .chars()
            .flat_map(|c| match crate::text::syllable::letter(c) {
                Some(l) if l.tone != crate::text::syllable::Tone::Level => {
                    let tone = match l.tone {
                        crate::text::syllable::Tone::Grave => '\u{300}',
                        crate::text::syllable::Tone::Acute => '\u{301}',
                        crate::text::syllable::Tone::Hook => '\u{309}',
                        crate::text::syllable::Tone::Tilde => '\u{303}',
                        _ => '\u{323}',
                    };
                    vec![
                        crate::text::syllable::compose(
                            l.base,
                            crate::text::syllable::Tone::Level,
                            l.upper,
                        ),
                        tone,
                    ]
                }
                _ => vec![c],
            })
            .collect();
        let cp = encoding_rs::WINDOWS_1258.encode(&cp).0;
        assert!(
            !cp.contains(&b'&'),
            "every character has a Windows-1258 byte"
        );
        let d = decode(&cp).unwrap();
        assert_eq!(d.encoding, Encoding::Windows1258);
        assert_eq!(crate::text::normalize::normalize(&d.text), text);

        let vni = encoding_rs::WINDOWS_1252.encode("Toång Bí thö Nguyeãn Phuù Troïng laøm vieäc vôùi Ban Ñoái ngoaïi Trung öông veà coâng taùc ñoái ngoaïi").0;
        let d = decode(&vni).unwrap();
        assert_eq!(d.encoding, Encoding::Vni);
        assert!(
            d.text
                .starts_with("Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại"),
            "{}",
            d.text
        );
        assert!(d.detection.confidence > 0.9);

        let viqr = "To^?ng Bi' thu+ Nguye^~n Phu' Tro.ng la`m vie^.c vo+'i Ban DDo^'i ngoa.i Trung u+o+ng.";
        let d = decode(viqr.as_bytes()).unwrap();
        assert_eq!(d.encoding, Encoding::Viqr);
        assert_eq!(
            d.text,
            "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương."
        );

        // The user can override.
        let d = decode_with(viqr.as_bytes(), Some(Encoding::Utf8)).unwrap();
        assert_eq!((d.text.as_str(), d.detection.overridden), (viqr, true));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of("a.TXT"), Ok(Format::Text));
        assert_eq!(format_of("trang.htm"), Ok(Format::Html));
        assert_eq!(format_of("bao-cao.docx"), Ok(Format::Docx));
        assert_eq!(format_of("README"), Ok(Format::Text));
        assert_eq!(format_of("Báo cáo v1.2"), Ok(Format::Text));
        assert_eq!(format_of("Tin ngày 23.12"), Ok(Format::Text));
        assert_eq!(
            format_of("bang.xlsx"),
            Err(Refusal::UnsupportedFormat { ext: "xlsx".into() })
        );
        let html = "<html><body><p>Bộ Ngoại giao</p><script>x()</script></body></html>";
        assert_eq!(
            decode_file("tin.html", html.as_bytes(), None).unwrap().text,
            "Bộ Ngoại giao\n"
        );
        let docx = formats::tests::docx(&["Đối ngoại", "Hà Nội"], true);
        assert_eq!(
            decode_file("a.docx", &docx, None).unwrap().text,
            "Đối ngoại\nHà Nội\n"
        );
        assert_eq!(
            decode_file("a.docx", b"PK\x03\x04garbage", None).unwrap_err(),
            Refusal::DamagedDocx
        );
    }

    #[test]
    fn bomless_utf16_is_recognised() {
        let le: Vec<u8> = SAMPLE.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, Encoding::Utf16Le));
    }

    #[test]
    fn binary_files_are_refused_by_kind() {
        assert_eq!(
            decode(b"%PDF-1.7\n%\xE2\xE3").unwrap_err(),
            Refusal::Binary { kind: "PDF" }
        );
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
            Refusal::Binary { kind: "PNG" }
        );
        assert_eq!(decode(b"abc\0def").unwrap_err(), Refusal::NotText);
        // Text that merely starts like a short magic is still text.
        assert!(decode("MZ là viết tắt".as_bytes()).is_ok());
    }
}
