//! The CLI's JSON records: what `soi stats`, `soi keywords --json`, `soi normalize
//! --report` and `soi entities` print. They are wire formats like the worker's, so their
//! serde is here; the CLI fills them and prints.

use crate::protocol::{CorpusView, RefuseReason};
use crate::query::KeywordRow;
use serde::Serialize;

/// Pretty JSON of a record (two-space indent), as the CLI prints whole answers.
pub fn pretty<T: Serialize>(v: &T) -> String {
    // These records hold strings, numbers and maps with string keys: they always serialize.
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// One-line JSON of a record, as the CLI prints streams (JSON Lines).
pub fn line<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// `soi keywords --json`: the word list (word, frequency, documents, per_million, dp) or,
/// with `keyness`, a file against the others (word, target, reference, g2, p, log_ratio).
pub fn keyword_rows_json(rows: &[KeywordRow], keyness: bool) -> String {
    use serde_json::json;
    let v: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            if keyness {
                json!({"word": r.term, "target": r.frequency, "reference": r.reference.unwrap_or(0), "g2": r.g2.unwrap_or(0.0), "p": r.p.unwrap_or(1.0), "log_ratio": r.log_ratio.unwrap_or(0.0)})
            } else {
                json!({"word": r.term, "frequency": r.frequency, "documents": r.documents, "per_million": r.per_million, "dp": r.dp})
            }
        })
        .collect();
    pretty(&v)
}

/// `soi stats`: the corpus overview and the files refused.
#[derive(Serialize)]
pub struct StatsOutput {
    /// Corpus.
    #[serde(flatten)]
    pub corpus: CorpusView,
    /// Each document's metadata, in the order of `docs`.
    pub metadata: Vec<DocumentMeta>,
    /// Refused.
    pub refused: Vec<RefusedFile>,
}

/// A document's metadata as `soi stats` prints it (`date` ISO; `date_inferred` when it
/// was read from the document's dateline; absent fields were not given).
#[derive(Serialize)]
pub struct DocumentMeta {
    /// The document's name (a path, `file#line` for a record's row).
    pub name: String,
    /// Its title (a title column, else its first meaningful line).
    pub title: String,
    /// Its date, ISO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The date was inferred from the text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub date_inferred: bool,
    /// Source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Group (a zip's folder, a record file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The line its record starts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// The record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Url.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl DocumentMeta {
    /// The metadata of `d`.
    pub fn of(d: &crate::corpus::Document) -> DocumentMeta {
        let m = &d.meta;
        DocumentMeta {
            name: d.name.clone(),
            title: d.title.clone(),
            date: m.date.map(|d| d.to_string()),
            date_inferred: m.date_inferred,
            source: m.source.clone(),
            group: m.group.clone(),
            row: m.row,
            record_id: m.record_id.clone(),
            url: m.url.clone(),
        }
    }
}

/// A file `soi stats` could not use, and why.
#[derive(Serialize)]
pub struct RefusedFile {
    /// Name.
    pub name: String,
    /// Reason.
    pub reason: RefuseReason,
}

/// One entity of `soi entities` output.
#[derive(Serialize)]
pub struct EntityOut<'a> {
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
    /// Kind.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Text.
    pub text: &'a str,
    /// Canonical.
    pub canonical: &'a str,
    /// Iso.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso: Option<&'a str>,
    /// Inferred.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    /// Role of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_of: Option<usize>,
    /// Org.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<&'a str>,
    /// Expansion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expansion: Option<&'a str>,
}

/// One line of `soi entities --lines`.
#[derive(Serialize)]
pub struct LineOut<'a> {
    /// Entities.
    pub entities: Vec<EntityOut<'a>>,
}

/// One file of `soi entities`.
#[derive(Serialize)]
pub struct DocOut<'a> {
    /// File.
    pub file: &'a str,
    /// Entities.
    pub entities: Vec<EntityOut<'a>>,
}

/// The JSON report of `soi normalize --report`: encoding and detection, warnings, counts
/// per kind, every change with its range in code points of the decoded original
/// (`to_chars` maps a byte offset), and the tokens that are not Vietnamese syllables.
pub fn normalize_report(
    name: &str,
    d: &crate::ingest::Decoded,
    n: &crate::text::normalize::Normalized,
    to_chars: &dyn Fn(usize) -> usize,
) -> String {
    use crate::text::normalize::ChangeKind;
    use serde_json::json;
    let counts: serde_json::Map<String, serde_json::Value> = ChangeKind::ALL
        .iter()
        .map(|k| (k.id().to_owned(), json!(n.count(*k))))
        .collect();
    let report = json!({
        "file": name,
        "encoding": d.encoding.label(),
        "detection": {
            "confidence": d.detection.confidence,
            "overridden": d.detection.overridden,
            "alternatives": d.detection.alternatives.iter().map(|(e, s)| json!({"encoding": e.label(), "score": s})).collect::<Vec<_>>(),
        },
        "warnings": d.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        "counts": counts,
        "changes": n.changes.iter().map(|c| json!({
            "kind": c.kind.id(),
            "start": to_chars(c.range.start),
            "end": to_chars(c.range.end),
            "before": c.before,
            "after": c.after,
        })).collect::<Vec<_>>(),
        "changes_truncated": n.changes.len() as u64 != n.counts.iter().sum::<u64>(),
        "not_syllables": n.unknown.iter().map(|u| json!({
            "token": u.token,
            "kind": u.kind.id(),
            "count": u.count,
        })).collect::<Vec<_>>(),
    });
    // OK to unwrap: a json! value always serializes.
    serde_json::to_string_pretty(&report).expect("serializable")
}

/// `soi index`: the `manifest.json` written last into a shard's folder. It holds nothing
/// that changes between two runs on the same input (no time, no host, no thread count), so
/// a re-run writes the same bytes.
#[derive(Serialize)]
pub struct ShardManifest {
    /// Always `soi-shards`.
    pub format: &'static str,
    /// The layout of the tables (see `docs/shards.md`); bumped when a column changes.
    pub format_version: u32,
    /// The `soi` that wrote it.
    pub soi_version: &'static str,
    /// What the analysis depended on.
    pub settings: ShardSettings,
    /// The embedded models and lists, by name and checksum.
    pub models: Vec<ShardModel>,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
    /// Files read (folders walked).
    pub files: u64,
    /// Documents written.
    pub documents: u64,
    /// Inputs skipped (unreadable or refused files, malformed or empty rows).
    pub skipped: u64,
    /// Each table with its file and rows.
    pub tables: Vec<ShardTable>,
}

/// The settings a shard was analyzed with.
#[derive(Serialize)]
pub struct ShardSettings {
    /// Where tone marks go: `traditional` or `modern`.
    pub tone_style: String,
    /// Boilerplate paragraphs left out of the statistics.
    pub exclude_boilerplate: bool,
    /// The column read as a record's text (CSV, JSON Lines), or the names tried in order.
    pub text_columns: Vec<String>,
}

/// An embedded model or list.
#[derive(Serialize)]
pub struct ShardModel {
    /// What it is (`wordseg`, `entities`, `stopwords`).
    pub name: String,
    /// Its FNV-1a 64 checksum in hex.
    pub fnv1a: String,
}

/// One table of a shard.
#[derive(Serialize)]
pub struct ShardTable {
    /// Table name (`documents`, `terms`, …).
    pub name: &'static str,
    /// Its file in the shard's folder.
    pub file: String,
    /// Rows.
    pub rows: u64,
}

/// Mentions of an annotated line as (start, end, type), offsets in code points.
pub type NerSpans = Vec<(usize, usize, String)>;

/// One line of annotated entity data (`ner-train/train.jsonl`, `ner-dev/dev.jsonl`): the
/// text and its mentions as (start, end, type) in code points, the type from `coarse` (or
/// `type`). `None` for a line that is not such a record.
pub fn ner_record(line: &str) -> Option<(String, NerSpans)> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let text = v.get("text")?.as_str()?.to_owned();
    let spans = v
        .get("entities")
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    let t = e.get("coarse").or_else(|| e.get("type"))?.as_str()?;
                    Some((
                        e.get("start")?.as_u64()? as usize,
                        e.get("end")?.as_u64()? as usize,
                        t.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    Some((text, spans))
}
