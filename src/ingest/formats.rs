//! File formats with text inside: HTML (its text content, scripts and styles dropped) and
//! DOCX (the text of its paragraphs). Plain text and Markdown need nothing.

use std::borrow::Cow;

/// The text of an HTML document: block elements become line breaks, `<script>`, `<style>`,
/// `<head>` and comments are dropped, character references are decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while !rest.is_empty() {
        if let Some(close) = skip_until {
            match find_ci(rest, close) {
                Some(i) => {
                    rest = &rest[i + close.len()..];
                    rest = rest.find('>').map_or("", |j| &rest[j + 1..]);
                    skip_until = None;
                }
                None => break,
            }
            continue;
        }
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest);
            break;
        };
        push_text(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |i| &rest[i + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match name.as_str() {
            "script" | "style" | "head" | "noscript" | "template" | "svg"
                if !closing && !tag.ends_with('/') =>
            {
                skip_until = Some(match name.as_str() {
                    "script" => "</script",
                    "style" => "</style",
                    "head" => "</head",
                    "noscript" => "</noscript",
                    "template" => "</template",
                    _ => "</svg",
                });
            }
            "p" | "div" | "br" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            | "tr" | "table" | "section" | "article" | "header" | "footer" | "blockquote"
            | "pre" | "hr" | "title" | "figcaption" | "dd" | "dt" | "main" | "aside" | "nav"
                if !out.ends_with('\n') && !out.is_empty() =>
            {
                out.push('\n');
            }
            "td" | "th" => out.push(' '),
            _ => {}
        }
    }
    // Collapse blank runs: at most one empty line between paragraphs.
    let mut clean = String::with_capacity(out.len());
    for line in out.lines().map(str::trim) {
        if line.is_empty() {
            if !clean.is_empty() && !clean.ends_with("\n\n") {
                clean.push('\n');
            }
        } else {
            clean.push_str(line);
            clean.push('\n');
        }
    }
    clean
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn push_text(out: &mut String, raw: &str) {
    let decoded = decode_entities(raw);
    // Whitespace in HTML source is layout, not text.
    let mut last_space = out.ends_with([' ', '\n']) || out.is_empty();
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{A0}' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

/// Decode HTML/XML character references.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{A0}'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Why a DOCX could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocxError {
    /// Not a zip, or no `word/document.xml` in it.
    NotDocx,
    /// The compressed data is damaged, or uses a compression we do not read.
    Damaged,
}

/// The paragraphs of a DOCX file, one per line.
pub fn docx_to_text(bytes: &[u8]) -> Result<String, DocxError> {
    let xml = zip_entry(bytes, "word/document.xml")?;
    let xml = String::from_utf8_lossy(&xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut rest: &str = &xml;
    while let Some(lt) = rest.find('<') {
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let after = &rest[lt + gt + 1..];
        let name = tag.split([' ', '/']).next().unwrap_or("");
        match name {
            "w:t" if !tag.ends_with('/') => {
                let end = after.find("</w:t>").unwrap_or(after.len());
                out.push_str(&decode_entities(&after[..end]));
                rest = &after[end..];
                continue;
            }
            "w:tab" => out.push('\t'),
            "w:br" | "w:cr" => out.push('\n'),
            _ if tag == "/w:p" => out.push('\n'),
            _ => {}
        }
        rest = after;
    }
    Ok(out)
}

/// The uncompressed bytes of entry `name` of a zip archive (stored or deflated).
fn zip_entry(zip: &[u8], name: &str) -> Result<Vec<u8>, DocxError> {
    let z = super::zip::Zip::open(zip).map_err(|_| DocxError::NotDocx)?;
    let e = z.find(name).ok_or(DocxError::NotDocx)?;
    // Twice the size the directory gives, so a lying directory cannot make it inflate more.
    let limit = usize::try_from(e.size)
        .unwrap_or(usize::MAX)
        .saturating_mul(2)
        .saturating_add(1024);
    z.read(e, limit).map_err(|_| DocxError::Damaged)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal DOCX (stored, not deflated) with `paragraphs`; also used by ingest's tests.
    pub fn docx(paragraphs: &[&str], deflate: bool) -> Vec<u8> {
        let body: String = paragraphs
            .iter()
            .map(|p| {
                format!(
                    "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                    p.replace('&', "&amp;")
                )
            })
            .collect();
        let xml = format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:body>{body}</w:body></w:document>"
        );
        let name = b"word/document.xml";
        let data = if deflate {
            miniz_oxide::deflate::compress_to_vec(xml.as_bytes(), 6)
        } else {
            xml.as_bytes().to_vec()
        };
        let method: u16 = if deflate { 8 } else { 0 };
        let mut z = Vec::new();
        z.extend_from_slice(b"PK\x03\x04");
        z.extend_from_slice(&[20, 0, 0, 0]);
        z.extend_from_slice(&method.to_le_bytes());
        z.extend_from_slice(&[0; 8]); // time, date, crc
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&(xml.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(name);
        z.extend_from_slice(&data);
        let cd = z.len();
        z.extend_from_slice(b"PK\x01\x02");
        z.extend_from_slice(&[20, 0, 20, 0, 0, 0]);
        z.extend_from_slice(&method.to_le_bytes());
        z.extend_from_slice(&[0; 8]);
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&(xml.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attrs
        z.extend_from_slice(&[0; 4]); // external attrs
        z.extend_from_slice(&0u32.to_le_bytes()); // local header offset
        z.extend_from_slice(name);
        let cd_len = z.len() - cd;
        z.extend_from_slice(b"PK\x05\x06");
        z.extend_from_slice(&[0; 4]);
        z.extend_from_slice(&1u16.to_le_bytes());
        z.extend_from_slice(&1u16.to_le_bytes());
        z.extend_from_slice(&(cd_len as u32).to_le_bytes());
        z.extend_from_slice(&(cd as u32).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z
    }

    #[test]
    fn html_text_content() {
        let html = "<!doctype html><html><head><title>x</title><style>p{}</style></head><body><script>alert('Hà')</script><h1>Bộ Ngoại giao</h1><p>Thông cáo &amp; tin   tức<br>ngày 23/12</p><!-- c --><p>Đối&nbsp;ngoại &#273;&#x1ea1;i</p></body></html>";
        assert_eq!(
            html_to_text(html),
            "Bộ Ngoại giao\nThông cáo & tin tức\nngày 23/12\nĐối\u{A0}ngoại đại\n"
        );
    }

    #[test]
    fn docx_paragraphs_stored_and_deflated() {
        for deflate in [false, true] {
            let d = docx(
                &["Tổng Bí thư làm việc", "với Ban Đối ngoại & Bộ Ngoại giao"],
                deflate,
            );
            assert_eq!(
                docx_to_text(&d).unwrap(),
                "Tổng Bí thư làm việc\nvới Ban Đối ngoại & Bộ Ngoại giao\n"
            );
        }
        assert_eq!(
            docx_to_text(b"PK\x03\x04 not really"),
            Err(DocxError::NotDocx)
        );
    }
}
