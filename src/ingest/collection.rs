//! Collections: record files (CSV, TSV, JSON Lines) and zip archives as documents with
//! their metadata, and per-row problems by row number.
//!
//! A scraped news corpus is one row per article (text, date, source, title, url, id) or a
//! zip of a folder tree. [`RecordDocs`] turns a record file's bytes, pushed in chunks of any
//! size, into one [`DocInput`] per row through a [`ColumnMap`] (guessed from the header by
//! [`ColumnMap::guess`] and overridable, so a dialog can show it and let a user change
//! it); [`ZipDocs`] turns an archive into one input per entry, folder names becoming the
//! `group` and record files inside it expanded too. A bad row or entry is a [`Problem`]
//! naming the file and line, and the rest goes on; an unreadable date keeps its row
//! (reported, and the date is then inferred from the text). No file system, no clock:
//! the browser's worker feeds these from `File` slices as the CLI does from files.

use super::dates::{parse_date, Date};
use super::records::{record_format, RecordFormat, RecordReader, Row};
use super::zip::{Zip, ZipError};
use std::collections::VecDeque;
use std::fmt;

/// What is known about a document besides its text: set when it is added (from a record's
/// columns, a zip's folders, a user's edit) and kept by the corpus with the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocMeta {
    /// A title given with the document (a title column); `None`: its first meaningful line.
    pub title: Option<String>,
    /// Its date, from a date column or a user's edit, or inferred from its text.
    pub date: Option<Date>,
    /// `date` was read from the document's own text (its dateline), not given.
    pub date_inferred: bool,
    /// The date column's text as given (kept when it could not be read too).
    pub date_raw: Option<String>,
    /// The publisher or site (a source column).
    pub source: Option<String>,
    /// The folder of a zip entry, or the record file of a row.
    pub group: Option<String>,
    /// The line its record starts on in its record file.
    pub row: Option<u64>,
    /// A record's own id (an id column).
    pub record_id: Option<String>,
    /// A url column.
    pub url: Option<String>,
}

/// A document's content as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A file's bytes (a zip entry): decoded by [`super::decode_file`] with its name.
    Bytes(Vec<u8>),
    /// Text that is already text (a record's text field).
    Text(String),
}

/// One document to add: a name (a path, or `file#line` for a row), its content and its
/// metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocInput {
    /// Its name.
    pub name: String,
    /// Its content.
    pub content: Content,
    /// Its metadata.
    pub meta: DocMeta,
}

/// What went wrong with one row or entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// The row could not be read (the reader's message: an unclosed quote, bad JSON, …).
    Malformed(String),
    /// The row has no text (no text column, or an empty one).
    NoText,
    /// The row's text is longer than the limit (its length in bytes).
    TooLong(usize),
    /// The date column holds something that is not a date; the row is kept.
    BadDate(String),
    /// A zip entry that could not be read, or an archive that is not one.
    Unreadable(String),
}

impl Issue {
    /// The row or entry was left out (all but [`Issue::BadDate`]).
    pub fn skipped(&self) -> bool {
        !matches!(self, Issue::BadDate(_))
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Issue::Malformed(m) => write!(f, "{m}; row skipped"),
            Issue::NoText => f.write_str("no text column, or an empty one; row skipped"),
            Issue::TooLong(n) => write!(f, "text of {n} bytes is over the limit; row skipped"),
            Issue::BadDate(d) => write!(
                f,
                "date '{d}' not read (kept the row; its date is inferred from the text)"
            ),
            Issue::Unreadable(m) => write!(f, "{m}; skipped"),
        }
    }
}

/// A problem with one row (by the line it starts on) or one entry of a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The record file or entry ("export.csv", "tin.zip/2024/a.csv").
    pub name: String,
    /// The line the row starts on, for a row.
    pub line: Option<u64>,
    /// What went wrong.
    pub issue: Issue,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}: line {l}: {}", self.name, self.issue),
            None => write!(f, "{}: {}", self.name, self.issue),
        }
    }
}

/// What a collection yields, in order: documents and problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A document to add.
    Doc(DocInput),
    /// A problem (a skipped row or entry, or a kept row's unreadable date).
    Problem(Problem),
}

/// Which record columns hold what. `None`: no such column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// The document's text.
    pub text: Option<String>,
    /// Its date.
    pub date: Option<String>,
    /// Its source (publisher, site).
    pub source: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its id.
    pub id: Option<String>,
    /// Its url.
    pub url: Option<String>,
}

/// Column names tried for each field, best first, compared after [`column_key`].
pub const TEXT_NAMES: &[&str] = &[
    "text",
    "content",
    "body",
    "noi_dung",
    "noidung",
    "fulltext",
    "full_text",
    "article",
    "van_ban",
    "bai_viet",
    "message",
];
const DATE_NAMES: &[&str] = &[
    "date",
    "published",
    "published_at",
    "publish_date",
    "pubdate",
    "date_published",
    "datetime",
    "ngay",
    "ngay_dang",
    "ngay_xuat_ban",
    "thoi_gian",
    "created_at",
    "time",
    "timestamp",
];
const SOURCE_NAMES: &[&str] = &[
    "source",
    "site",
    "publisher",
    "nguon",
    "domain",
    "newspaper",
    "bao",
    "outlet",
];
const TITLE_NAMES: &[&str] = &["title", "headline", "tieu_de", "tieude", "ten"];
const ID_NAMES: &[&str] = &["id", "doc_id", "article_id", "guid", "uid", "ma"];
const URL_NAMES: &[&str] = &["url", "link", "href", "permalink", "duong_dan"];

/// A column name as the guess compares it: lower case, accents off ("Nội dung" →
/// "noi_dung"), spaces and dashes as '_'.
pub fn column_key(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match crate::text::concordance::fold_char(c, false) {
            ' ' | '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl ColumnMap {
    /// The columns of `header` that most likely hold each field (text: "text", "content",
    /// "body", "nội dung", …; date: "date", "published", "ngày", …; and so on).
    pub fn guess(header: &[String]) -> ColumnMap {
        let keys: Vec<String> = header.iter().map(|h| column_key(h)).collect();
        let pick = |names: &[&str]| {
            names.iter().find_map(|n| {
                keys.iter()
                    .position(|k| k == n)
                    .and_then(|i| header.get(i).cloned())
            })
        };
        ColumnMap {
            text: pick(TEXT_NAMES),
            date: pick(DATE_NAMES),
            source: pick(SOURCE_NAMES),
            title: pick(TITLE_NAMES),
            id: pick(ID_NAMES),
            url: pick(URL_NAMES),
        }
    }

    /// This map with the fields `over` names replaced by its choices.
    pub fn overridden(self, over: &ColumnMap) -> ColumnMap {
        let or = |mine: Option<String>, theirs: &Option<String>| theirs.clone().or(mine);
        ColumnMap {
            text: or(self.text, &over.text),
            date: or(self.date, &over.date),
            source: or(self.source, &over.source),
            title: or(self.title, &over.title),
            id: or(self.id, &over.id),
            url: or(self.url, &over.url),
        }
    }
}

/// A row's text longer than this is refused by default: a news article is some 10 KB, and a
/// runaway field is a broken export, not a document.
pub const MAX_ROW_TEXT: usize = 4 << 20;

/// The document of one row, or why there is none; a kept row's unreadable date is the
/// second value.
pub fn row_document(
    file: &str,
    group: Option<&str>,
    row: &Row,
    map: &ColumnMap,
    limit: usize,
) -> (Option<DocInput>, Option<Problem>) {
    let problem = |issue| Problem {
        name: file.to_owned(),
        line: Some(row.line),
        issue,
    };
    if let Err(e) = &row.fields {
        return (None, Some(problem(Issue::Malformed(e.clone()))));
    }
    let field = |col: &Option<String>| {
        col.as_deref()
            .and_then(|c| row.get(c))
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "null")
    };
    let Some(text) = field(&map.text) else {
        return (None, Some(problem(Issue::NoText)));
    };
    if text.len() > limit {
        return (None, Some(problem(Issue::TooLong(text.len()))));
    }
    let date_raw = field(&map.date);
    let date = date_raw.and_then(parse_date);
    let bad_date = match (date_raw, date) {
        (Some(raw), None) => Some(problem(Issue::BadDate(raw.chars().take(80).collect()))),
        _ => None,
    };
    let meta = DocMeta {
        title: field(&map.title).map(str::to_owned),
        date,
        date_inferred: false,
        date_raw: date_raw.map(str::to_owned),
        source: field(&map.source).map(str::to_owned),
        group: group.map(str::to_owned),
        row: Some(row.line),
        record_id: field(&map.id).map(str::to_owned),
        url: field(&map.url).map(str::to_owned),
    };
    let doc = DocInput {
        name: format!("{file}#{}", row.line),
        content: Content::Text(text.to_owned()),
        meta,
    };
    (Some(doc), bad_date)
}

/// A record file read as documents, a chunk at a time.
#[derive(Debug)]
pub struct RecordDocs {
    file: String,
    group: Option<String>,
    reader: RecordReader,
    over: ColumnMap,
    map: Option<ColumnMap>,
    columns: Vec<String>,
    limit: usize,
    rows: Vec<Row>,
}

impl RecordDocs {
    /// A record file named `file` in `format`; each row's `group` is `file` (a folder's
    /// name may be given instead with [`RecordDocs::group`]). `over` names the columns the
    /// user chose; the others are guessed from the header.
    pub fn new(file: &str, format: RecordFormat, over: ColumnMap) -> RecordDocs {
        RecordDocs {
            file: file.to_owned(),
            group: Some(file.to_owned()),
            reader: RecordReader::new(format),
            over,
            map: None,
            columns: Vec::new(),
            limit: MAX_ROW_TEXT,
            rows: Vec::new(),
        }
    }

    /// The record file for `file`, if its extension names a record format.
    pub fn for_file(file: &str, over: ColumnMap) -> Option<RecordDocs> {
        Some(RecordDocs::new(file, record_format(file)?, over))
    }

    /// Rows with a text longer than `limit` bytes are refused.
    pub fn limit(mut self, limit: usize) -> RecordDocs {
        self.limit = limit;
        self
    }

    /// The rows' group instead of the file's name.
    pub fn group(mut self, group: Option<String>) -> RecordDocs {
        self.group = group;
        self
    }

    /// The columns in use, once the header (or a JSON Lines file's first row) is read.
    pub fn columns(&self) -> Option<&ColumnMap> {
        self.map.as_ref()
    }

    /// The column names seen: a CSV/TSV header, or the keys of a JSON Lines file's first
    /// row.
    pub fn header(&self) -> &[String] {
        &self.columns
    }

    /// Take `chunk`; append the documents and problems of the rows it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Item>) {
        let mut rows = std::mem::take(&mut self.rows);
        self.reader.push(chunk, &mut rows);
        self.emit(&mut rows, out);
        self.rows = rows;
    }

    /// The file is over: the last row.
    pub fn finish(&mut self, out: &mut Vec<Item>) {
        let mut rows = std::mem::take(&mut self.rows);
        self.reader.finish(&mut rows);
        self.emit(&mut rows, out);
        self.rows = rows;
    }

    fn emit(&mut self, rows: &mut Vec<Row>, out: &mut Vec<Item>) {
        for row in rows.drain(..) {
            if self.map.is_none() {
                let header: Option<Vec<String>> = match self.reader.header() {
                    Some(h) => Some(h.to_vec()),
                    None => row
                        .fields
                        .as_ref()
                        .ok()
                        .map(|f| f.iter().map(|(k, _)| k.clone()).collect()),
                };
                if let Some(h) = header {
                    self.map = Some(ColumnMap::guess(&h).overridden(&self.over));
                    self.columns = h;
                }
            }
            let map = self.map.clone().unwrap_or_else(|| self.over.clone());
            let (doc, problem) =
                row_document(&self.file, self.group.as_deref(), &row, &map, self.limit);
            out.extend(problem.map(Item::Problem));
            out.extend(doc.map(Item::Doc));
        }
    }
}

/// The documents of a whole record file held in memory (a zip entry).
pub fn record_documents(
    file: &str,
    group: Option<String>,
    bytes: &[u8],
    over: &ColumnMap,
) -> Vec<Item> {
    let mut out = Vec::new();
    if let Some(r) = RecordDocs::for_file(file, over.clone()) {
        let mut r = r.group(group);
        r.push(bytes, &mut out);
        r.finish(&mut out);
    }
    out
}

/// A zip entry larger than this (uncompressed) is refused by default: it would be held
/// whole in the worker's memory, and a text corpus's files are far smaller.
pub const MAX_ENTRY: usize = 256 << 20;

/// A zip archive read as documents, one entry at a time (each inflated only when its
/// turn comes): folders become each document's `group`, record files inside are
/// expanded one document a row, folders, hidden files and `__MACOSX` are skipped, and an
/// entry that is too big or cannot be read is a [`Problem`] by its name.
#[derive(Debug)]
pub struct ZipDocs<B> {
    zip: Zip<B>,
    archive: String,
    over: ColumnMap,
    limit: usize,
    next: usize,
    pending: VecDeque<Item>,
}

impl<B: AsRef<[u8]>> ZipDocs<B> {
    /// The archive `bytes` (borrowed or owned), named `archive` (entries are named
    /// `archive/path`).
    pub fn open(archive: &str, bytes: B, over: ColumnMap) -> Result<ZipDocs<B>, ZipError> {
        Ok(ZipDocs {
            zip: Zip::open(bytes)?,
            archive: archive.to_owned(),
            over,
            limit: MAX_ENTRY,
            next: 0,
            pending: VecDeque::new(),
        })
    }

    /// Entries larger than `limit` bytes uncompressed are refused.
    pub fn limit(mut self, limit: usize) -> ZipDocs<B> {
        self.limit = limit;
        self
    }

    /// Entries read so far, and in all (for progress).
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.zip.entries().len())
    }
}

impl<B: AsRef<[u8]>> Iterator for ZipDocs<B> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let e = self.zip.entries().get(self.next)?.clone();
            self.next += 1;
            if !e.is_document() {
                continue;
            }
            let name = format!("{}/{}", self.archive, e.name);
            let group = Some(e.folder().to_owned()).filter(|g| !g.is_empty());
            let bytes = match self.zip.read(&e, self.limit) {
                Ok(b) => b,
                Err(err) => {
                    return Some(Item::Problem(Problem {
                        name,
                        line: None,
                        issue: Issue::Unreadable(err.to_string()),
                    }))
                }
            };
            if record_format(&e.name).is_some() {
                // The rows of a record file in a folder are that folder's; at the top,
                // the file's.
                let group = group.or_else(|| Some(e.name.clone()));
                self.pending
                    .extend(record_documents(&name, group, &bytes, &self.over));
                continue;
            }
            return Some(Item::Doc(DocInput {
                name,
                content: Content::Bytes(bytes),
                meta: DocMeta {
                    group,
                    ..DocMeta::default()
                },
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(items: &[Item]) -> Vec<&DocInput> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some(d),
                Item::Problem(_) => None,
            })
            .collect()
    }

    fn problems(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Problem(p) => Some(p.to_string()),
                Item::Doc(_) => None,
            })
            .collect()
    }

    #[test]
    fn the_columns_are_guessed_from_vietnamese_and_english_headers() {
        let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        let m = ColumnMap::guess(&h("STT,Tiêu đề,Ngày đăng,Nguồn,Nội dung,Link"));
        assert_eq!(m.text.as_deref(), Some("Nội dung"));
        assert_eq!(m.date.as_deref(), Some("Ngày đăng"));
        assert_eq!(m.source.as_deref(), Some("Nguồn"));
        assert_eq!(m.title.as_deref(), Some("Tiêu đề"));
        assert_eq!(m.url.as_deref(), Some("Link"));
        assert_eq!(m.id, None);
        let m = ColumnMap::guess(&h("id,published_at,site,headline,body"));
        assert_eq!(
            (m.text.as_deref(), m.date.as_deref(), m.id.as_deref()),
            (Some("body"), Some("published_at"), Some("id"))
        );
        // A user's choice wins over the guess.
        let m = m.overridden(&ColumnMap {
            text: Some("headline".into()),
            ..ColumnMap::default()
        });
        assert_eq!(m.text.as_deref(), Some("headline"));
        assert_eq!(m.date.as_deref(), Some("published_at"));
    }

    #[test]
    fn csv_rows_become_documents_and_bad_rows_are_named() {
        let csv = "id,ngày,nguồn,tiêu đề,nội dung\n\
            1,05/03/2024,Báo Nông thôn,Lúa xuân,Bà con xã Tân Phú xuống giống lúa xuân sớm.\n\
            2,hôm kia,Báo Nông thôn,,Giá phân bón tăng khiến nông dân lo lắng.\n\
            3,12/03/2024,Báo Đồng bằng,Trống,\n\
            4,\"20/03/2024,Báo Đồng bằng,Dở,Hàng chưa đóng ngoặc\n";
        for chunk in [1, 7, csv.len()] {
            let mut r = RecordDocs::for_file("tin.csv", ColumnMap::default()).unwrap();
            let mut out = Vec::new();
            for c in csv.as_bytes().chunks(chunk) {
                r.push(c, &mut out);
            }
            r.finish(&mut out);
            let d = docs(&out);
            assert_eq!(d.len(), 2, "{out:?}");
            assert_eq!(d[0].name, "tin.csv#2");
            assert_eq!(
                d[0].content,
                Content::Text("Bà con xã Tân Phú xuống giống lúa xuân sớm.".into())
            );
            let m = &d[0].meta;
            assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2024-03-05"));
            assert_eq!(m.source.as_deref(), Some("Báo Nông thôn"));
            assert_eq!(m.title.as_deref(), Some("Lúa xuân"));
            assert_eq!((m.record_id.as_deref(), m.row), (Some("1"), Some(2)));
            assert_eq!(m.group.as_deref(), Some("tin.csv"));
            // The row with an unreadable date is kept, without a date; an empty title is none.
            assert_eq!((d[1].meta.date, d[1].meta.title.as_deref()), (None, None));
            assert_eq!(d[1].meta.date_raw.as_deref(), Some("hôm kia"));
            let p = problems(&out);
            assert_eq!(p.len(), 3, "{p:?}");
            assert!(
                p[0].starts_with("tin.csv: line 3: date 'hôm kia' not read"),
                "{p:?}"
            );
            assert!(p[1].starts_with("tin.csv: line 4: no text"), "{p:?}");
            assert!(p[2].starts_with("tin.csv: line 5: "), "{p:?}");
            assert_eq!(
                r.columns().and_then(|m| m.text.as_deref()),
                Some("nội dung")
            );
            assert_eq!(r.header().len(), 5);
        }
    }

    #[test]
    fn json_lines_by_key_with_a_limit() {
        let jsonl = "{\"title\":\"Mưa lớn\",\"date\":\"2024-06-02T07:00:00+07:00\",\"text\":\"Mưa lớn kéo dài ở vùng núi phía Bắc.\",\"url\":\"https://vi.example/mua\"}\n\
            {\"title\":\"Dài\",\"text\":\"Một bài rất dài về thời tiết.\"}\n\
            {\"title\": 3, \n";
        let mut r = RecordDocs::for_file("thoi-tiet.jsonl", ColumnMap::default())
            .unwrap()
            .limit(30);
        let mut out = Vec::new();
        r.push(jsonl.as_bytes(), &mut out);
        r.finish(&mut out);
        let d = docs(&out);
        assert_eq!(d.len(), 0, "{out:?}");
        let mut r = RecordDocs::for_file("thoi-tiet.jsonl", ColumnMap::default()).unwrap();
        let mut out = Vec::new();
        r.push(jsonl.as_bytes(), &mut out);
        r.finish(&mut out);
        let d = docs(&out);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].meta.url.as_deref(), Some("https://vi.example/mua"));
        assert_eq!(
            d[0].meta.date.map(|d| d.to_string()).as_deref(),
            Some("2024-06-02")
        );
        assert_eq!(d[1].meta.date, None);
        let p = problems(&out);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("thoi-tiet.jsonl: line 3: "));
    }

    #[test]
    fn a_zip_gives_its_files_and_rows_with_their_folders() {
        let csv = "date,text\n2024-01-15,Hội chợ xuân mở cửa ở quảng trường.\n2024-01-16,\n";
        let z = super::super::zip::write_zip(
            &[
                (
                    "tin/2024/hoi-cho.txt",
                    "Hội chợ hoa xuân năm nay đông khách.".as_bytes(),
                ),
                ("tin/bang.csv", csv.as_bytes()),
                ("__MACOSX/tin/._hoi-cho.txt", b"junk"),
                ("tin/.hidden", b"junk"),
                ("tin/", b""),
                ("goc.txt", "Lời mở đầu của bộ sưu tập.".as_bytes()),
            ],
            true,
        );
        let items: Vec<Item> = ZipDocs::open("kho.zip", &z[..], ColumnMap::default())
            .unwrap()
            .collect();
        let d = docs(&items);
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "kho.zip/tin/2024/hoi-cho.txt",
                "kho.zip/tin/bang.csv#2",
                "kho.zip/goc.txt"
            ]
        );
        let groups: Vec<Option<&str>> = d.iter().map(|d| d.meta.group.as_deref()).collect();
        assert_eq!(groups, [Some("tin/2024"), Some("tin"), None]);
        assert_eq!(
            d[1].meta.date.map(|d| d.to_string()).as_deref(),
            Some("2024-01-15")
        );
        assert_eq!(
            problems(&items),
            ["kho.zip/tin/bang.csv: line 3: no text column, or an empty one; row skipped"]
        );
        // Too big, by name.
        let items: Vec<Item> = ZipDocs::open("kho.zip", &z[..], ColumnMap::default())
            .unwrap()
            .limit(40)
            .collect();
        let p = problems(&items);
        assert!(
            p.iter()
                .any(|p| p.starts_with("kho.zip/tin/bang.csv: too big")),
            "{p:?}"
        );
        assert!(ZipDocs::open("x.zip", &b"not a zip"[..], ColumnMap::default()).is_err());
    }
}
