//! Ingestion: the bytes of a file in, Unicode text out, or a clear refusal.
//!
//! This is the only stage that sees raw bytes. It decides whether a file is text at all
//! (binary formats are refused by their magic number or by NUL bytes, naming what they look
//! like), which encoding it is in (a BOM wins; otherwise UTF-8), and it never drops data
//! silently: invalid byte sequences become U+FFFD and are reported with the byte offset of the
//! first one and their count. Legacy Vietnamese encodings (TCVN3, VNI, Windows-1258) are a
//! later stage of this module's growth; today such bytes show up as replaced sequences and
//! the warning says so.

use std::fmt;

/// How the bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 that started with the (stripped) byte-order mark EF BB BF.
    Utf8Bom,
    /// UTF-16 little endian, announced by FF FE.
    Utf16Le,
    /// UTF-16 big endian, announced by FE FF.
    Utf16Be,
}

impl Encoding {
    /// A stable, human-readable label ("UTF-8", "UTF-16LE", …).
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
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
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Empty => write!(f, "the file is empty"),
            Refusal::Binary { kind } => write!(f, "this is a {kind} file, not plain text"),
            Refusal::NotText => write!(f, "the file is binary, not text"),
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
    /// Non-fatal problems.
    pub warnings: Vec<Warning>,
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

/// Decode a whole file.
///
/// ```
/// let d = soi::ingest::decode("Hòa bình".as_bytes()).unwrap();
/// assert_eq!(d.text, "Hòa bình");
/// ```
pub fn decode(bytes: &[u8]) -> Result<Decoded, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        decode_utf8(rest, Encoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        decode_utf16(rest, Encoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        decode_utf16(rest, Encoding::Utf16Be)
    } else {
        if let Some(kind) = sniff_binary(bytes) {
            return Err(Refusal::Binary { kind });
        }
        if looks_binary(bytes) {
            return Err(Refusal::NotText);
        }
        decode_utf8(bytes, Encoding::Utf8)
    };
    if decoded.text.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    Ok(decoded)
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

fn decode_utf8(bytes: &[u8], encoding: Encoding) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_owned(),
            encoding,
            warnings: Vec::new(),
        },
        Err(_) => {
            let mut text = String::with_capacity(bytes.len() + 16);
            let mut count = 0;
            let mut first_at = None;
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    let pos = chunk.valid().as_ptr() as usize - bytes.as_ptr() as usize
                        + chunk.valid().len();
                    first_at.get_or_insert(pos);
                    count += 1;
                    text.push('\u{FFFD}');
                }
            }
            // Positions are reported in the file, so count the stripped BOM back in.
            let bom = if encoding == Encoding::Utf8Bom { 3 } else { 0 };
            Decoded {
                text,
                encoding,
                warnings: vec![Warning::InvalidBytes {
                    count,
                    first_at: first_at.unwrap_or(0) + bom,
                }],
            }
        }
    }
}

fn decode_utf16(bytes: &[u8], encoding: Encoding) -> Decoded {
    let units = bytes.chunks(2).map(|pair| match (encoding, pair) {
        (Encoding::Utf16Le, [a, b]) => u16::from_le_bytes([*a, *b]),
        (_, [a, b]) => u16::from_be_bytes([*a, *b]),
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
                first_at.get_or_insert(2 + unit_index * 2);
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
    Decoded {
        text,
        encoding,
        warnings,
    }
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
        // "Hà Nội" with the second byte of "à" (C3 A0) cut out, plus a stray 0xFF later.
        let mut bytes = b"H\xC3 N".to_vec();
        bytes.extend_from_slice("ội ".as_bytes());
        bytes.push(0xFF);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "H\u{FFFD} Nội \u{FFFD}");
        assert_eq!(
            d.warnings,
            vec![Warning::InvalidBytes {
                count: 2,
                first_at: 1
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
