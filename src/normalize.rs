//! Normalization: decoded text in, one canonical text out.
//!
//! Statistics are only as good as this step: "hòa" typed as `o + U+0300 + a` and as the
//! precomposed "ò" must be one syllable. Today the canonical form is Unicode NFC with line
//! breaks unified to `\n` and stray byte-order marks removed. Tone-mark placement, spacing and
//! glued syllables are later rules of this module; each will record what it changed.

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Canonical text: NFC, `\n` line breaks, no U+FEFF.
///
/// Borrows when the input is already canonical, which is the common case and keeps the
/// pipeline at memory speed.
///
/// ```
/// use soi::normalize::normalize;
/// // "hòa" with a combining grave (NFD) becomes the precomposed form.
/// assert_eq!(normalize("ho\u{300}a\r\nbình"), "hòa\nbình");
/// ```
pub fn normalize(text: &str) -> Cow<'_, str> {
    let needs_line_fix = text.bytes().any(|b| b == b'\r') || text.contains('\u{FEFF}');
    let nfc = is_nfc_quick(text.chars()) == IsNormalized::Yes;
    if nfc && !needs_line_fix {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut String| {
        if nfc {
            out.push_str(pending);
        } else {
            out.extend(pending.nfc());
        }
        pending.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                flush(&mut pending, &mut out);
                out.push('\n');
            }
            '\u{FEFF}' => {}
            '\n' => {
                flush(&mut pending, &mut out);
                out.push('\n');
            }
            _ => pending.push(c),
        }
    }
    flush(&mut pending, &mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_is_borrowed() {
        let s = "Đối ngoại Việt Nam\nnăm 2022";
        assert!(matches!(normalize(s), Cow::Borrowed(_)));
    }

    #[test]
    fn nfd_becomes_nfc() {
        let nfd: String = "Nguyễn Phú Trọng".nfd().collect();
        assert_ne!(nfd, "Nguyễn Phú Trọng");
        assert_eq!(normalize(&nfd), "Nguyễn Phú Trọng");
    }

    #[test]
    fn line_breaks_and_boms() {
        assert_eq!(normalize("a\r\nb\rc\n\u{FEFF}d"), "a\nb\nc\nd");
        assert_eq!(normalize("\u{FEFF}Hà Nội"), "Hà Nội");
    }

    #[test]
    fn idempotent_on_mixed_input() {
        let input = "ho\u{300}a bi\u{300}nh\r\n\u{FEFF}Thu\u{309}y";
        let once = normalize(input).into_owned();
        assert_eq!(normalize(&once), once);
    }
}
