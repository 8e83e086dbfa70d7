//! Records: CSV, TSV and JSON Lines files as rows of named string fields.
//!
//! A newsroom export or a research corpus often comes as one big table, one document a row
//! (a text column and maybe an id, a date, a source, a title). This reads such bytes as they
//! arrive, in chunks of any size ([`RecordReader::push`]), so a file of many gigabytes is
//! never held whole: only the record being read is buffered. Each row carries the line it
//! starts on and either its fields or why it could not be read (a malformed row is one bad
//! row, never the end of the file). No file system here: the CLI feeds it from files, the
//! browser will feed it from `File` slices.
//!
//! CSV follows RFC 4180 strictly (quoted fields may hold separators, quotes doubled and line
//! breaks; the first record names the columns). JSON Lines is one JSON object a line, read
//! by a small strict parser (serde lives in the protocol layer only): strings with every
//! escape, `\uXXXX` surrogate pairs included; numbers, booleans and null kept as their text;
//! nested arrays and objects kept as their raw JSON text.

/// Which table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// Tab-separated values with a header line.
    Tsv,
    /// One JSON object a line.
    JsonLines,
}

/// The record format of a file, by its extension (`.csv`, `.tsv`, `.jsonl`, `.ndjson`).
pub fn record_format(name: &str) -> Option<RecordFormat> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(RecordFormat::Csv),
        "tsv" => Some(RecordFormat::Tsv),
        "jsonl" | "ndjson" => Some(RecordFormat::JsonLines),
        _ => None,
    }
}

/// A record longer than this is refused (and reading resumes at the next line): an
/// unclosed quote would otherwise swallow the rest of a file into memory.
pub const MAX_RECORD: usize = 16 << 20;

/// JSON nesting deeper than this is refused instead of recursing further.
const MAX_DEPTH: usize = 64;

/// One row: the line it starts on and its fields, or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Line number (from 1) where the record starts in the file.
    pub line: u64,
    /// (column name, value) in the record's order, or the problem.
    pub fields: Result<Vec<(String, String)>, String>,
}

impl Row {
    /// The value of the first field named `name` (ASCII case-insensitive), if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        let fields = self.fields.as_ref().ok()?;
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads records from bytes pushed in chunks.
#[derive(Debug)]
pub struct RecordReader {
    format: RecordFormat,
    buf: Vec<u8>,
    /// Bytes of `buf` already scanned for the end of the current record.
    scanned: usize,
    /// The scan is inside a quoted CSV field.
    in_quotes: bool,
    /// Skipping an over-long record up to the next line break.
    skipping: bool,
    /// Line number of the first byte of `buf`.
    line: u64,
    /// Lines the current record spans before its end (for the next record's number).
    breaks: u64,
    /// Column names (CSV/TSV), once the header line is read.
    header: Option<Vec<String>>,
    /// The first bytes were looked at (a UTF-8 byte-order mark is dropped).
    started: bool,
}

impl RecordReader {
    /// A reader for `format`.
    pub fn new(format: RecordFormat) -> Self {
        RecordReader {
            format,
            buf: Vec::new(),
            scanned: 0,
            in_quotes: false,
            skipping: false,
            line: 1,
            breaks: 0,
            header: None,
            started: false,
        }
    }

    /// The column names (CSV/TSV), once read.
    pub fn header(&self) -> Option<&[String]> {
        self.header.as_deref()
    }

    /// Take `chunk` and append to `out` every record it completes.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Row>) {
        self.buf.extend_from_slice(chunk);
        if !self.started && self.buf.len() >= 3 {
            self.started = true;
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
        }
        // Nothing is scanned before the byte-order mark is settled: dropping it would move
        // what was scanned.
        if self.started {
            self.drain(false, out);
        }
    }

    /// The input is over: append the last record (one without a final line break) to `out`.
    pub fn finish(&mut self, out: &mut Vec<Row>) {
        if !self.started {
            self.started = true;
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
        }
        self.drain(true, out);
    }

    fn drain(&mut self, last: bool, out: &mut Vec<Row>) {
        let mut start = 0;
        loop {
            let end = self.record_end(start);
            let rest = self.buf.len() - start;
            let (end, complete) = match end {
                Some(e) => (e, true),
                None if last && rest > 0 => (self.buf.len(), false),
                None => {
                    if rest > MAX_RECORD && !self.skipping {
                        out.push(Row {
                            line: self.line,
                            fields: Err(format!(
                                "a record longer than {} MB (an unclosed quote?)",
                                MAX_RECORD >> 20
                            )),
                        });
                        // Resume at the next line break, quotes or not.
                        self.skipping = true;
                        self.in_quotes = false;
                        self.line += self.breaks;
                        self.breaks = 0;
                    }
                    if self.skipping {
                        start = self.buf.len();
                        self.scanned = 0;
                    }
                    break;
                }
            };
            let record_line = self.line;
            let skipped = std::mem::replace(&mut self.skipping, false);
            self.line += self.breaks + u64::from(complete);
            self.breaks = 0;
            self.scanned = 0;
            let unclosed = !complete && self.in_quotes;
            self.in_quotes = false;
            let from = start;
            start = (end + 1).min(self.buf.len());
            if skipped {
                continue;
            }
            // Moved out for the call (no copy): `record` needs `self` for the header.
            let buf = std::mem::take(&mut self.buf);
            let row = self.record(record_line, &buf[from..end], unclosed);
            self.buf = buf;
            if let Some(row) = row {
                out.push(row);
            }
            if !complete {
                start = self.buf.len();
                break;
            }
        }
        self.buf.drain(..start.min(self.buf.len()));
    }

    /// Where the record starting at `start` ends (the index of its line break), scanning
    /// on from where the last push stopped.
    fn record_end(&mut self, start: usize) -> Option<usize> {
        let from = start + self.scanned;
        let quoted = !self.skipping && self.format != RecordFormat::JsonLines;
        for (i, &b) in self.buf[from..].iter().enumerate() {
            match b {
                b'"' if quoted => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => return Some(from + i),
                b'\n' => self.breaks += 1,
                _ => {}
            }
        }
        self.scanned = self.buf.len() - start;
        None
    }

    /// One record's bytes (without its line break) as a row; `None` for a blank line and
    /// for the header.
    fn record(&mut self, line: u64, bytes: &[u8], unclosed: bool) -> Option<Row> {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return None;
        }
        let fields = match self.format {
            RecordFormat::JsonLines => json_object(bytes),
            RecordFormat::Csv | RecordFormat::Tsv if unclosed => {
                Err("a quoted field is not closed before the end of the file".to_owned())
            }
            RecordFormat::Csv => self.named(csv_fields(bytes, b',')),
            RecordFormat::Tsv => self.named(csv_fields(bytes, b'\t')),
        };
        match fields {
            Ok(None) => None,
            Ok(Some(f)) => Some(Row {
                line,
                fields: Ok(f),
            }),
            Err(e) => Some(Row {
                line,
                fields: Err(e),
            }),
        }
    }

    /// Name the fields of a CSV record by the header (the first record becomes it).
    fn named(
        &mut self,
        fields: Result<Vec<String>, String>,
    ) -> Result<Option<Vec<(String, String)>>, String> {
        let fields = fields?;
        let Some(header) = &self.header else {
            self.header = Some(fields.into_iter().map(|f| f.trim().to_owned()).collect());
            return Ok(None);
        };
        if fields.len() != header.len() {
            return Err(format!(
                "{} fields where the header has {}",
                fields.len(),
                header.len()
            ));
        }
        Ok(Some(header.iter().cloned().zip(fields).collect()))
    }
}

/// The fields of one RFC 4180 record separated by `sep`.
fn csv_fields(bytes: &[u8], sep: u8) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut i = 0;
    loop {
        let mut field = Vec::new();
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Err("a quoted field is not closed".to_owned()),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        field.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        field.push(b);
                        i += 1;
                    }
                }
            }
            match bytes.get(i) {
                None => {}
                Some(&b) if b == sep => {}
                Some(_) => {
                    return Err(format!(
                        "text after a closing quote in field {}",
                        fields.len() + 1
                    ))
                }
            }
        } else {
            while let Some(&b) = bytes.get(i) {
                if b == sep {
                    break;
                }
                if b == b'"' {
                    return Err(format!(
                        "a quote inside the unquoted field {}",
                        fields.len() + 1
                    ));
                }
                field.push(b);
                i += 1;
            }
        }
        let text = String::from_utf8(field)
            .map_err(|_| format!("field {} is not UTF-8", fields.len() + 1))?;
        fields.push(text);
        if i >= bytes.len() {
            return Ok(fields);
        }
        // At a separator: another field follows (maybe an empty one at the end).
        i += 1;
    }
}

/// One JSON Lines record: an object whose values become strings.
fn json_object(bytes: &[u8]) -> Result<Option<Vec<(String, String)>>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (byte {} of the line)",
            e.valid_up_to().saturating_add(1)
        )
    })?;
    let mut p = Json {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    p.ws();
    if p.peek() != Some(b'{') {
        return Err("not a JSON object".to_owned());
    }
    p.i += 1;
    let mut fields = Vec::new();
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            if p.peek() != Some(b'"') {
                return Err(p.error("a key in quotes"));
            }
            let key = p.string()?;
            p.ws();
            if p.peek() != Some(b':') {
                return Err(p.error("':'"));
            }
            p.i += 1;
            p.ws();
            let value = p.value_text(0)?;
            fields.push((key, value));
            p.ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b'}') => {
                    p.i += 1;
                    break;
                }
                _ => return Err(p.error("',' or '}'")),
            }
        }
    }
    p.ws();
    if p.i < p.s.len() {
        return Err(p.error("the end of the line"));
    }
    Ok(Some(fields))
}

/// A strict JSON reader over one line.
struct Json<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Json<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn error(&self, expected: &str) -> String {
        match self.text.get(self.i..).and_then(|r| r.chars().next()) {
            Some(c) => format!(
                "expected {expected} at character {}, found {c:?}",
                self.col()
            ),
            None => format!("expected {expected} at the end of the line"),
        }
    }

    fn col(&self) -> usize {
        self.text
            .get(..self.i)
            .map_or(self.i, |t| t.chars().count())
            + 1
    }

    /// A value as text: a string unescaped, anything else as its JSON text.
    fn value_text(&mut self, depth: usize) -> Result<String, String> {
        if self.peek() == Some(b'"') {
            return self.string();
        }
        let start = self.i;
        self.skip_value(depth)?;
        Ok(self.text.get(start..self.i).unwrap_or_default().to_owned())
    }

    /// Check and pass over one value that is not kept unescaped.
    fn skip_value(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.error("a key in quotes"));
                    }
                    self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.error("':'"));
                    }
                    self.i += 1;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.error("',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(self.error("',' or ']'")),
                    }
                }
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("a value")),
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.error(word))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    /// A number by JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    fn number(&mut self) -> Result<(), String> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.error("a digit"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("a digit"));
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .text
            .get(self.i..self.i + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("four hex digits"))?;
        self.i += 4;
        u32::from_str_radix(h, 16).map_err(|_| self.error("four hex digits"))
    }

    /// A string at `self.i` (its opening quote), unescaped.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let run = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The line is valid UTF-8 and the run stops only at ASCII bytes: a char boundary.
            out.push_str(self.text.get(run..self.i).unwrap_or_default());
            match self.peek() {
                None => return Err("a string is not closed".to_owned()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let esc = self.peek();
                    self.i += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if !self.s[self.i..].starts_with(b"\\u") {
                                    return Err(self.error("the low half of a surrogate pair"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error("the low half of a surrogate pair"));
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else if (0xDC00..0xE000).contains(&hi) {
                                None
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.ok_or_else(|| "a lone surrogate escape".to_owned())?);
                        }
                        _ => {
                            self.i -= 1;
                            return Err(
                                self.error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)")
                            );
                        }
                    }
                }
                Some(_) => return Err(self.error("no control character in a string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: RecordFormat, bytes: &[u8], chunk: usize) -> Vec<Row> {
        let mut r = RecordReader::new(format);
        let mut out = Vec::new();
        for c in bytes.chunks(chunk.max(1)) {
            r.push(c, &mut out);
        }
        r.finish(&mut out);
        out
    }

    fn ok(rows: &[Row]) -> Vec<(u64, Vec<(&str, &str)>)> {
        rows.iter()
            .filter_map(|r| {
                let f = r.fields.as_ref().ok()?;
                Some((
                    r.line,
                    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                ))
            })
            .collect()
    }

    #[test]
    fn csv_quotes_line_breaks_and_bad_rows() {
        let csv = "\u{feff}id,text\r\n1,\"Hà Nội, \"\"thủ đô\"\"\nngày mới\"\n\n2,bad \"quote\"\n3,\"x\"y\n4,a,b\n5,cuối";
        for chunk in [1, 2, 3, 7, 1000] {
            let rows = read(RecordFormat::Csv, csv.as_bytes(), chunk);
            assert_eq!(
                ok(&rows),
                vec![
                    (
                        2,
                        vec![("id", "1"), ("text", "Hà Nội, \"thủ đô\"\nngày mới")]
                    ),
                    (8, vec![("id", "5"), ("text", "cuối")]),
                ],
                "chunk {chunk}"
            );
            let bad: Vec<u64> = rows
                .iter()
                .filter(|r| r.fields.is_err())
                .map(|r| r.line)
                .collect();
            assert_eq!(bad, [5, 6, 7], "chunk {chunk}");
        }
    }

    #[test]
    fn csv_unclosed_quote_at_the_end() {
        let rows = read(RecordFormat::Csv, b"text\n\"never closed\nmore\n", 4);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert!(rows[0].fields.is_err());
    }

    #[test]
    fn tsv() {
        let rows = read(RecordFormat::Tsv, b"text\tdate\nmot, hai\t2024-01-05\n", 5);
        assert_eq!(
            ok(&rows),
            vec![(2, vec![("text", "mot, hai"), ("date", "2024-01-05")])]
        );
    }

    #[test]
    fn json_lines_values_and_escapes() {
        let jl = concat!(
            r#"{"id": 7, "text": "Vi\u1ec7t Nam \ud83d\ude00 \"a\"\n", "ok": true, "x": null, "n": [1, {"a": 2}], "f": -1.5e3}"#,
            "\n\n",
            r#"{"text": "lone \udc00"}"#,
            "\n",
            r#"[1, 2]"#,
            "\n",
            r#"{"text": "trailing"} x"#,
            "\n",
            r#"{"text": 01}"#,
            "\n",
            "{\"text\": \"tab\tinside\"}\n",
            r#"{}"#,
        );
        let rows = read(RecordFormat::JsonLines, jl.as_bytes(), 3);
        assert_eq!(
            ok(&rows),
            vec![
                (
                    1,
                    vec![
                        ("id", "7"),
                        ("text", "Việt Nam 😀 \"a\"\n"),
                        ("ok", "true"),
                        ("x", "null"),
                        ("n", "[1, {\"a\": 2}]"),
                        ("f", "-1.5e3"),
                    ]
                ),
                (8, vec![]),
            ]
        );
        let bad: Vec<u64> = rows
            .iter()
            .filter(|r| r.fields.is_err())
            .map(|r| r.line)
            .collect();
        assert_eq!(bad, [3, 4, 5, 6, 7]);
        assert_eq!(rows[1].get("text"), None);
        assert_eq!(rows[0].get("TEXT"), Some("Việt Nam 😀 \"a\"\n"));
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed() {
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let rows = read(RecordFormat::JsonLines, deep.as_bytes(), 4096);
        assert!(rows[0].fields.is_err());
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(record_format("a/b.CSV"), Some(RecordFormat::Csv));
        assert_eq!(record_format("x.jsonl"), Some(RecordFormat::JsonLines));
        assert_eq!(record_format("x.txt"), None);
        assert_eq!(record_format("noext"), None);
    }
}
