//! The documents of a command's FILE arguments: plain files whole, record files
//! (`.csv`, `.tsv`, `.jsonl`, `.ndjson`) a row a document, read a chunk at a time, and
//! `.zip` archives an entry a document (their record files expanded too), each with its
//! metadata ([`crate::corpus::DocMeta`]). Bad rows and entries are reported by file and
//! line and skipped; the run goes on. Shared by `stats`, `keywords`, `entities`, `trends`,
//! `kwic`, `collocates` and `index`; `--text-column`, `--date-column`, `--source-column`,
//! `--title-column`, `--id-column` and `--url-column` override the columns guessed from a
//! header.

use crate::corpus::batch::{Input, Source};
use crate::corpus::DocMeta;
use crate::ingest::collection::{ColumnMap, Content, Item, RecordDocs, ZipDocs};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How much of a record file is read at a time.
const CHUNK: usize = 1 << 20;

/// What the CLI keeps about an input besides its metadata: the path it came from and the
/// folder it is in (for `soi index`'s `path` and `folder` columns).
#[derive(Debug, Default, Clone)]
pub(super) struct Origin {
    /// The file ("export.csv"), or the archive and entry ("tin.zip/2024/a.txt").
    pub path: String,
    /// The folder of `path`.
    pub folder: String,
}

/// Messages for stderr, shared with the callback that prints them as documents finish,
/// and how many inputs were skipped.
#[derive(Debug, Default)]
pub(super) struct Problems {
    pub lines: Vec<String>,
    pub skipped: u64,
}

pub(super) type Shared = Arc<Mutex<Problems>>;

/// Print (and clear) the problems gathered so far; returns how many inputs they skipped.
pub(super) fn report(problems: &Shared, err: &mut dyn std::io::Write) -> u64 {
    // OK to unwrap the lock's poison away: the list is only pushed to.
    let mut p = problems.lock().unwrap_or_else(|e| e.into_inner());
    for m in p.lines.drain(..) {
        let _ = writeln!(err, "soi: {m}");
    }
    std::mem::take(&mut p.skipped)
}

/// The flags that choose a record column: `--text-column NAME`, `--date-column`,
/// `--source-column`, `--title-column`, `--id-column`, `--url-column`.
pub(super) fn is_column_flag(flag: &str) -> bool {
    matches!(
        flag,
        "text-column"
            | "date-column"
            | "source-column"
            | "title-column"
            | "id-column"
            | "url-column"
    )
}

/// Set the column a flag of [`is_column_flag`] chooses.
pub(super) fn set_column(flag: &str, over: &mut ColumnMap, value: String) {
    let slot = match flag {
        "text-column" => &mut over.text,
        "date-column" => &mut over.date,
        "source-column" => &mut over.source,
        "id-column" => &mut over.id,
        "url-column" => &mut over.url,
        _ => &mut over.title,
    };
    *slot = Some(value);
}

/// The flags that select documents: `--from`, `--to` (a year "2024", a month "2024-03",
/// or a day), `--source`, `--group` (each may be given more than once).
pub(super) fn is_selection_flag(flag: &str) -> bool {
    matches!(flag, "from" | "to" | "source" | "group")
}

/// A flag of [`is_column_flag`] or [`is_selection_flag`]: what the commands over a corpus
/// (stats aside) all take.
pub(super) fn is_corpus_flag(flag: &str) -> bool {
    is_column_flag(flag) || is_selection_flag(flag)
}

/// Apply a flag of [`is_corpus_flag`].
pub(super) fn set_corpus_flag(
    flag: &str,
    value: String,
    over: &mut ColumnMap,
    sel: &mut crate::query::Selection,
) -> Result<(), super::CliError> {
    if is_column_flag(flag) {
        set_column(flag, over, value);
        Ok(())
    } else {
        set_selection(flag, sel, value)
    }
}

/// Apply a flag of [`is_selection_flag`] to `sel`.
pub(super) fn set_selection(
    flag: &str,
    sel: &mut crate::query::Selection,
    value: String,
) -> Result<(), super::CliError> {
    let span = || {
        crate::ingest::dates::date_span(&value).ok_or_else(|| {
            super::CliError::Usage(format!(
                "--{flag} takes a year (2024), a month (2024-03) or a date (2024-03-05), not '{value}'"
            ))
        })
    };
    match flag {
        "from" => sel.from = Some(span()?.0),
        "to" => sel.to = Some(span()?.1),
        "source" => sel.sources.push(value),
        _ => sel.groups.push(value),
    }
    Ok(())
}

fn folder_of(path: &str) -> String {
    Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// A record file being read.
struct Records {
    file: std::fs::File,
    docs: RecordDocs,
    path: String,
    folder: String,
    done: bool,
}

/// The inputs of a run, read as they are asked for.
pub(super) struct Inputs {
    files: VecDeque<PathBuf>,
    records: Option<Records>,
    zip: Option<(ZipDocs<Vec<u8>>, String)>,
    pending: VecDeque<Item>,
    over: ColumnMap,
    problems: Shared,
}

impl Inputs {
    /// The inputs of `files` ('-' is stdin, read whole as one text file).
    pub fn new(files: Vec<PathBuf>, over: ColumnMap, problems: Shared) -> Inputs {
        Inputs {
            files: files.into(),
            records: None,
            zip: None,
            pending: VecDeque::new(),
            over,
            problems,
        }
    }

    /// The inputs of a command's FILE arguments.
    pub fn of_args(files: &[OsString], over: ColumnMap, problems: Shared) -> Inputs {
        Inputs::new(files.iter().map(PathBuf::from).collect(), over, problems)
    }

    fn problem(&self, m: String, skipped: bool) {
        let mut p = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        if skipped {
            p.lines.push(m);
            p.skipped += 1;
        } else {
            p.lines.push(format!("warning: {m}"));
        }
    }

    /// The input of a collection's item (a problem is reported and gives none).
    fn item(&self, item: Item, folder: Option<String>) -> Option<Input<Origin>> {
        match item {
            Item::Problem(p) => {
                self.problem(p.to_string(), p.issue.skipped());
                None
            }
            Item::Doc(d) => {
                let path = match d.meta.row {
                    Some(_) => d.name.rsplit_once('#').map_or(&*d.name, |(p, _)| p),
                    None => &d.name,
                }
                .to_owned();
                Some(Input {
                    source: match d.content {
                        Content::Bytes(b) => Source::Bytes(Ok(b)),
                        Content::Text(t) => Source::Text(t),
                    },
                    meta: d.meta,
                    tag: Origin {
                        folder: folder.unwrap_or_else(|| folder_of(&path)),
                        path,
                    },
                    name: d.name,
                })
            }
        }
    }

    /// Read more of the open record file into `pending`; `false` when it is over.
    fn read_records(&mut self) -> bool {
        use std::io::Read;
        let Some(r) = self.records.as_mut() else {
            return false;
        };
        if r.done {
            return false;
        }
        let mut buf = vec![0u8; CHUNK];
        let mut out = Vec::new();
        match r.file.read(&mut buf) {
            Ok(0) => {
                r.docs.finish(&mut out);
                r.done = true;
            }
            Ok(n) => r.docs.push(&buf[..n], &mut out),
            Err(e) => {
                let m = format!("{}: {e}", r.path);
                r.done = true;
                self.problem(m, true);
            }
        }
        self.pending.extend(out);
        true
    }
}

impl Iterator for Inputs {
    type Item = Input<Origin>;

    fn next(&mut self) -> Option<Input<Origin>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                let folder = self.records.as_ref().map(|r| r.folder.clone());
                match self.item(item, folder) {
                    Some(i) => return Some(i),
                    None => continue,
                }
            }
            if self.read_records() {
                continue;
            }
            self.records = None;
            if let Some((z, _)) = self.zip.as_mut() {
                match z.next() {
                    Some(item) => {
                        self.pending.push_back(item);
                        continue;
                    }
                    None => self.zip = None,
                }
            }
            let path = self.files.pop_front()?;
            let name = path.display().to_string();
            let folder = folder_of(&name);
            if let Some(docs) = RecordDocs::for_file(&name, self.over.clone()) {
                match std::fs::File::open(&path) {
                    Ok(file) => {
                        self.records = Some(Records {
                            file,
                            docs,
                            path: name,
                            folder,
                            done: false,
                        })
                    }
                    Err(e) => self.problem(format!("{name}: {e}"), true),
                }
                continue;
            }
            let bytes = if path.as_os_str() == "-" {
                super::read_input(&OsString::from("-"))
            } else {
                std::fs::read(&path)
            };
            if name.to_ascii_lowercase().ends_with(".zip") {
                match bytes {
                    Ok(b) => match ZipDocs::open(&name, b, self.over.clone()) {
                        Ok(z) => self.zip = Some((z, name)),
                        Err(e) => self.problem(format!("{name}: {e}"), true),
                    },
                    Err(e) => self.problem(format!("{name}: {e}"), true),
                }
                continue;
            }
            return Some(Input {
                source: Source::Bytes(bytes.map_err(|e| e.to_string())),
                meta: DocMeta::default(),
                tag: Origin {
                    path: name.clone(),
                    folder,
                },
                name,
            });
        }
    }
}
