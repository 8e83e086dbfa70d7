//! `soi index`: analyze files, folders and record files into Parquet shards that DuckDB or
//! Spark combine with plain SQL (the tables and queries are in `docs/shards.md`).
//!
//! Documents stream through: each is analyzed (on `-j` threads by
//! [`crate::corpus::Corpus::add_each`]), its rows are written, and it is evicted from the
//! corpus, which only keeps what duplicate detection needs. Rows come out in input order and
//! each document's rows in a fixed order, and nothing depends on the clock or the thread
//! count, so the same input gives the same bytes whatever `-j` is. Tables are written as
//! `*.parquet.tmp` and renamed when complete; `manifest.json` is written last (and removed
//! first), so a folder with a manifest is a complete shard.

use super::inputs::{report, Inputs, Origin, Shared};
use super::parquet::{ByteArray, Kind, Rows, Table, V};
use super::*;
use crate::corpus::{Analyzed, Document};
use crate::ingest::collection::ColumnMap;
use std::io;
use std::path::{Path, PathBuf};

/// Bumped when a table's columns change (see `docs/shards.md`). 2: `date` also from the
/// dateline, with `date_inferred`; `group` and `url`.
const FORMAT_VERSION: u32 = 2;

const DOCUMENTS: &[(&str, Kind)] = &[
    ("doc_id", Kind::Text),
    ("seq", Kind::Int),
    ("path", Kind::Text),
    ("row", Kind::OptInt),
    ("folder", Kind::Text),
    ("record_id", Kind::OptText),
    ("source", Kind::OptText),
    ("title", Kind::Text),
    ("date", Kind::OptText),
    ("date_inferred", Kind::Bool),
    ("date_raw", Kind::OptText),
    ("year", Kind::OptInt),
    ("group", Kind::OptText),
    ("url", Kind::OptText),
    ("bytes", Kind::Int),
    ("chars", Kind::Int),
    ("paragraphs", Kind::Int),
    ("excluded_paragraphs", Kind::Int),
    ("sentences", Kind::Int),
    ("syllables", Kind::Int),
    ("words", Kind::Int),
    ("encoding", Kind::OptText),
    ("normalization_changes", Kind::Int),
];

const TERMS: &[(&str, Kind)] = &[
    ("doc_id", Kind::Text),
    ("word", Kind::Text),
    ("count", Kind::Int),
    ("stopword", Kind::Bool),
];

const SYLLABLES: &[(&str, Kind)] = &[
    ("doc_id", Kind::Text),
    ("syllable", Kind::Text),
    ("count", Kind::Int),
];

const ENTITIES: &[(&str, Kind)] = &[
    ("doc_id", Kind::Text),
    ("mention", Kind::Int),
    ("type", Kind::Text),
    ("canonical", Kind::Text),
    ("text", Kind::Text),
    ("start", Kind::Int),
    ("end", Kind::Int),
    ("paragraph", Kind::Int),
    ("sentence", Kind::Int),
    ("inferred", Kind::Bool),
];

const PAIRS: &[(&str, Kind)] = &[
    ("doc_id", Kind::Text),
    ("unit", Kind::Text),
    ("type_a", Kind::Text),
    ("canonical_a", Kind::Text),
    ("type_b", Kind::Text),
    ("canonical_b", Kind::Text),
    ("count", Kind::Int),
];

pub(super) fn index_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use lexopt::prelude::*;
    let mut dir: Option<PathBuf> = None;
    let mut jobs = super::par::default_jobs();
    let mut over = ColumnMap::default();
    let mut inputs: Vec<PathBuf> = Vec::new();
    while let Some(arg) = p.next()? {
        match arg {
            Long(f) if super::inputs::is_column_flag(f) => {
                let f = f.to_owned();
                super::inputs::set_column(&f, &mut over, p.value()?.string()?);
            }
            Long("out") | Short('o') => dir = Some(p.value()?.into()),
            Long("jobs") | Short('j') => jobs = super::par::jobs_value(p.value()?)?,
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) => inputs.push(v.into()),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(dir) = dir else {
        return Err("index needs --out DIR".into());
    };
    if inputs.is_empty() {
        return Err("index needs at least one FILE or FOLDER".into());
    }
    // What the manifest records: the text column asked for, or the names guessed from.
    let text_columns: Vec<String> = match &over.text {
        Some(c) => vec![c.clone()],
        None => crate::ingest::collection::TEXT_NAMES
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    };
    let problems: Shared = Shared::default();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // The shard's own folder is never input, even inside a folder being walked (a re-run
    // would otherwise read its previous tables as documents).
    let own = std::fs::canonicalize(&dir).ok();
    let mut files = Vec::new();
    for input in &inputs {
        walk(input, own.as_deref(), &mut files, &problems);
    }
    // A folder with a manifest is complete: remove it before anything else changes.
    match std::fs::remove_file(dir.join("manifest.json")) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", dir.display()).into()),
    }
    // With one job, one thread: the tables are written where the rows are made.
    let open = |name, cols| {
        Table::create(&dir, name, cols, jobs > 1).map_err(|e| format!("{}: {e}", dir.display()))
    };
    let mut w = Writers {
        documents: open("documents", DOCUMENTS)?,
        terms: open("terms", TERMS)?,
        syllables: open("syllables", SYLLABLES)?,
        entities: open("entities", ENTITIES)?,
        pairs: open("pairs", PAIRS)?,
        seen: rustc_hash::FxHashMap::default(),
        seq: 0,
    };
    let n_files = files.len() as u64;
    let stream = Inputs::new(files, over, problems.clone());
    let mut corpus = Corpus::new();
    let opts = crate::corpus::AnalysisOptions::default();
    let mut skipped = 0u64;
    let mut write_error: Option<std::io::Error> = None;
    let stopwords = corpus.stopwords.clone();
    let build = |a: &Analyzed| DocRows::build(a, &stopwords);
    corpus.add_each_then(
        stream,
        jobs,
        &opts,
        build,
        |corpus, origin, name, outcome| {
            skipped += report(&problems, err);
            match outcome {
                Err(f) => {
                    let _ = writeln!(err, "soi: {name}: {f}");
                    skipped += 1;
                }
                Ok((id, rows)) => {
                    let Some(doc) = corpus.evict(id) else { return };
                    for warning in &doc.warnings {
                        let _ = writeln!(err, "soi: warning: {name}: {warning}");
                    }
                    if write_error.is_none() {
                        if let Err(e) = w.document(&doc, &origin, rows) {
                            write_error = Some(e);
                        }
                    }
                }
            }
        },
    );
    skipped += report(&problems, err);
    if let Some(e) = write_error {
        let _ = writeln!(err, "soi: {}: {e}", dir.display());
        return Ok(ExitCode::from(1));
    }
    let documents = w.seq;
    let mut tables = Vec::new();
    for t in [w.documents, w.terms, w.syllables, w.entities, w.pairs] {
        let name = t.name();
        match t.finish() {
            Ok(rows) => tables.push(crate::protocol::cli::ShardTable {
                name,
                file: format!("{name}.parquet"),
                rows,
            }),
            Err(e) => {
                let _ = writeln!(err, "soi: {}: {name}: {e}", dir.display());
                return Ok(ExitCode::from(1));
            }
        }
    }
    let manifest = crate::protocol::cli::ShardManifest {
        format: "soi-shards",
        format_version: FORMAT_VERSION,
        soi_version: env!("CARGO_PKG_VERSION"),
        settings: crate::protocol::cli::ShardSettings {
            tone_style: match opts.normalize.tone_style {
                crate::text::syllable::ToneStyle::Traditional => "traditional".to_owned(),
                crate::text::syllable::ToneStyle::Modern => "modern".to_owned(),
            },
            exclude_boilerplate: opts.exclude_boilerplate,
            text_columns,
        },
        models: vec![
            crate::protocol::cli::ShardModel {
                name: "wordseg".to_owned(),
                fnv1a: format!(
                    "{:016x}",
                    fnv1a(&crate::wordseg::Segmenter::embedded().to_bytes())
                ),
            },
            crate::protocol::cli::ShardModel {
                name: "entities".to_owned(),
                fnv1a: format!("{:016x}", fnv1a(crate::entities::MODEL)),
            },
            crate::protocol::cli::ShardModel {
                name: "stopwords".to_owned(),
                fnv1a: format!(
                    "{:016x}",
                    fnv1a(corpus.stopwords.words().join("\n").as_bytes())
                ),
            },
        ],
        inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
        files: n_files,
        documents,
        skipped,
        tables,
    };
    let json = crate::protocol::cli::pretty(&manifest) + "\n";
    let tmp = dir.join("manifest.json.tmp");
    let written =
        std::fs::write(&tmp, json).and_then(|()| std::fs::rename(&tmp, dir.join("manifest.json")));
    if let Err(e) = written {
        let _ = writeln!(err, "soi: {}: {e}", dir.display());
        return Ok(ExitCode::from(1));
    }
    let _ = writeln!(
        err,
        "soi index: {documents} documents from {n_files} files into {}; {skipped} skipped",
        dir.display()
    );
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// FNV-1a 64: a document id that anyone can recompute from its text (see `docs/shards.md`).
fn fnv1a(bytes: &[u8]) -> u64 {
    crate::wordseg::fnv1a(bytes.iter().copied())
}

/// Every file under `path` (itself if a file), folders in name order so runs agree.
fn walk(path: &Path, skip: Option<&Path>, files: &mut Vec<PathBuf>, problems: &Shared) {
    let push = |m: String| {
        let mut p = problems.lock().unwrap_or_else(|e| e.into_inner());
        p.lines.push(m);
        p.skipped += 1;
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return push(format!("{}: {e}", path.display())),
    };
    if !meta.is_dir() {
        files.push(path.to_path_buf());
        return;
    }
    if skip.is_some() && std::fs::canonicalize(path).ok().as_deref() == skip {
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(r) => r,
        Err(e) => return push(format!("{}: {e}", path.display())),
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        // Hidden files and folders (.git, .DS_Store) are not documents.
        if c.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
        {
            continue;
        }
        walk(&c, skip, files, problems);
    }
}

/// The open tables and what ids were given.
struct Writers {
    documents: Table,
    terms: Table,
    syllables: Table,
    entities: Table,
    pairs: Table,
    /// How many documents had each content hash (a copy gets `-2`, `-3`, … after it).
    seen: rustc_hash::FxHashMap<u64, u32>,
    seq: u64,
}

/// One document's rows, built on the thread that analyzed it (in its own ids), for every
/// table but `documents`.
struct DocRows {
    /// The content hash its id is made from.
    hash: u64,
    /// The year of its dateline, if any.
    year: Option<i64>,
    terms: io::Result<Rows>,
    syllables: io::Result<Rows>,
    entities: io::Result<Rows>,
    pairs: io::Result<Rows>,
}

impl DocRows {
    fn build(a: &Analyzed, stopwords: &crate::words::stopwords::Stopwords) -> DocRows {
        let d = a.doc();
        DocRows {
            hash: fnv1a(d.original().as_bytes()),
            year: crate::entities::year::document_year(&d.text).map(i64::from),
            terms: terms(a, stopwords),
            syllables: syllables(a),
            entities: mentions(a),
            pairs: pairs(a),
        }
    }
}

/// A document's counts of `freq` (in its own ids) by term, in the order of terms.
fn by_term<'a>(a: &'a Analyzed, freq: &crate::corpus::counts::Freqs) -> Vec<(&'a str, u64)> {
    let mut counts: Vec<(&str, u64)> = freq
        .iter()
        .filter_map(|(t, n)| Some((a.term(t)?, n)))
        .collect();
    counts.sort_unstable();
    counts
}

fn terms(a: &Analyzed, stopwords: &crate::words::stopwords::Stopwords) -> io::Result<Rows> {
    let mut rows = Table::keyed_rows(TERMS);
    for (word, n) in by_term(a, &a.doc().counts.word_freq) {
        rows.row(&[V::T(word), V::I(n as i64), V::B(stopwords.contains(word))])?;
    }
    Ok(rows)
}

fn syllables(a: &Analyzed) -> io::Result<Rows> {
    let mut rows = Table::keyed_rows(SYLLABLES);
    for (syl, n) in by_term(a, &a.doc().counts.syllable_freq) {
        rows.row(&[V::T(syl), V::I(n as i64)])?;
    }
    Ok(rows)
}

fn mentions(a: &Analyzed) -> io::Result<Rows> {
    let d = a.doc();
    let mut rows = Table::keyed_rows(ENTITIES);
    if d.entities.mentions.is_empty() {
        return Ok(rows);
    }
    let original = d.original();
    let chars = super::offsets::CharOffsets::new(&original);
    let paragraphs: Vec<std::ops::Range<usize>> = crate::text::segment::paragraphs(&d.text)
        .map(|(r, _)| r)
        .collect();
    let mut sentences: Vec<std::ops::Range<usize>> = Vec::new();
    let mut sentences_of = usize::MAX;
    for (k, m) in d.entities.mentions.iter().enumerate() {
        let Some(info) = a.entity(m.entity) else {
            continue;
        };
        let para = m.para as usize;
        let base = paragraphs.get(para).map_or(0, |r| r.start);
        if sentences_of != para {
            sentences_of = para;
            let text = paragraphs
                .get(para)
                .and_then(|r| d.text.get(r.clone()))
                .unwrap_or_default();
            crate::text::segment::sentences_into(text, &mut sentences);
        }
        let at = (m.start as usize).saturating_sub(base);
        let sentence = sentences.iter().position(|s| at < s.end).unwrap_or(0);
        let r = d.normalization.range_to_original(m.range());
        let r = r.start.min(original.len())..r.end.min(original.len());
        rows.row(&[
            V::I(k as i64),
            V::T(info.kind.id()),
            V::T(&info.canonical),
            V::T(original.get(r.clone()).unwrap_or_default()),
            V::I(chars.get(r.start) as i64),
            V::I(chars.get(r.end) as i64),
            V::I(para as i64),
            V::I(sentence as i64),
            V::B(m.inferred),
        ])?;
    }
    Ok(rows)
}

fn pairs(a: &Analyzed) -> io::Result<Rows> {
    let d = a.doc();
    let mut found: Vec<(&str, &str, &str, &str, &str, u64)> = Vec::new();
    for (unit, pairs) in [
        ("sentence", &d.entities.sentence_pairs),
        ("paragraph", &d.entities.paragraph_pairs),
    ] {
        for ((x, y), n) in pairs.iter() {
            let (Some(x), Some(y)) = (a.entity(x), a.entity(y)) else {
                continue;
            };
            let (x, y) = ((x.kind.id(), &*x.canonical), (y.kind.id(), &*y.canonical));
            let (x, y) = if x <= y { (x, y) } else { (y, x) };
            found.push((unit, x.0, x.1, y.0, y.1, n));
        }
    }
    found.sort_unstable();
    let mut rows = Table::keyed_rows(PAIRS);
    for (unit, ta, ca, tb, cb, n) in found {
        rows.row(&[
            V::T(unit),
            V::T(ta),
            V::T(ca),
            V::T(tb),
            V::T(cb),
            V::I(n as i64),
        ])?;
    }
    Ok(rows)
}

impl Writers {
    /// Write one document's rows to every table.
    fn document(&mut self, d: &Document, origin: &Origin, rows: DocRows) -> io::Result<()> {
        let h = rows.hash;
        let n = self.seen.entry(h).or_insert(0);
        *n += 1;
        let id = if *n == 1 {
            format!("{h:016x}")
        } else {
            format!("{h:016x}-{n}")
        };
        let id = id.as_str();
        // One buffer for the id on every row of the document (a clone shares it).
        let shared = ByteArray::from(id.as_bytes().to_vec());
        let meta = &d.meta;
        let date = meta.date.map(|d| d.to_string());
        let year = meta.date.map(|d| i64::from(d.y)).or(rows.year);
        let int = |n: u64| V::I(n as i64);
        self.documents.row(&[
            V::T(id),
            int(self.seq),
            V::T(&origin.path),
            V::OI(meta.row.map(|r| r as i64)),
            V::T(&origin.folder),
            V::OT(meta.record_id.as_deref()),
            V::OT(meta.source.as_deref()),
            V::T(&d.title),
            V::OT(date.as_deref()),
            V::B(meta.date_inferred),
            V::OT(meta.date_raw.as_deref()),
            V::OI(year),
            V::OT(meta.group.as_deref()),
            V::OT(meta.url.as_deref()),
            int(d.bytes as u64),
            int(d.counts.chars),
            int(d.counts.paragraphs),
            int(d.flags.iter().filter(|f| f.2).count() as u64),
            int(d.counts.sentences),
            int(d.counts.syllables),
            int(d.counts.words),
            V::OT(d.encoding.map(|e| e.label())),
            int(d.normalization.counts.iter().sum()),
        ])?;
        self.seq += 1;
        self.terms.append(&shared, rows.terms?)?;
        self.syllables.append(&shared, rows.syllables?)?;
        self.entities.append(&shared, rows.entities?)?;
        self.pairs.append(&shared, rows.pairs?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_reference_values() {
        // The published FNV-1a 64 test vectors: anyone can recompute a doc id.
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }
}
