//! The `soi` command-line interface: argument parsing and output formats, nothing else.
//!
//! Exit codes: 0 success; 1 some input could not be used (the rest is still processed and
//! printed; each problem is on stderr); 2 wrong usage.

mod collocates;
mod entities;
mod index;
mod inputs;
mod keywords;
mod kwic;
mod new;
mod normalize;
mod offsets;
mod par;
mod parquet;
mod segment;
mod stats;
pub mod train_entities;
pub mod train_segmenter;
mod trends;

use collocates::collocates_cmd;
use entities::entities_cmd;
use keywords::keywords_cmd;
use kwic::kwic_cmd;
use normalize::normalize_cmd;
use segment::segment_cmd;
use stats::stats;

use crate::corpus::Corpus;
use crate::protocol::cli::{DocOut, EntityOut, LineOut, RefusedFile, StatsOutput};
use crate::protocol::{views, RefuseReason};
use std::ffi::OsString;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

pub(super) const HELP: &str = "\
soi — Vietnamese text analysis (the engine of the Soi web app)

USAGE:
    soi <COMMAND> [OPTIONS] [FILE...]

COMMANDS:
    stats [--top N] FILE...    Analyze the files as one corpus and print the overview as JSON:
                               counts of documents, paragraphs, sentences, syllables and
                               distinct syllables, the N most frequent syllables (default 50),
                               one summary per document and each document's metadata (date,
                               inferred or not, source, group, row, id, url). FILE may be '-'
                               for stdin.
    normalize [OPTIONS] FILE   Decode FILE (any Vietnamese encoding: UTF-8/16, Windows-1258,
                               TCVN3, VNI, VIQR; .txt, .md, .html, .docx) and write its
                               normalized UTF-8 text to stdout.
        --tone traditional|modern   where tone marks go: hòa, thủy (default) or hoà, thuỷ
        --encoding LABEL            decode as LABEL instead of detecting (UTF-8, UTF-16LE,
                                    UTF-16BE, Windows-1258, TCVN3, VNI-Windows, VIQR)
        --report[=FILE]             also write a JSON report of every change (offsets in
                                    code points of the decoded original), the encoding
                                    detected and the tokens that are not Vietnamese
                                    syllables, to stderr or FILE
        --no-RULE                   turn a rule off: --no-tone-marks, --no-glued,
                                    --no-punctuation, --no-d-stroke, --no-spaces
    segment [--dict FILE] [FILE]
                               Word segmentation: read lines (stdin if no FILE), write each
                               with the syllables of a word joined by '_' and words separated
                               by spaces; a line keeps exactly its tokens, in order. --dict
                               applies a user dictionary (+ Đại hội Đảng joins, - đường lối
                               splits, one entry a line). Streams: memory stays flat.
    keywords [OPTIONS] FILE... The corpus word list, most frequent first, as TSV
                               (word, frequency, documents, per_million, dp) or JSON. Words
                               have spaces between their syllables; stopwords, punctuation and
                               numbers are left out.
        --top N                     rows (default 100; 0: all)
        --ngrams N                  sequences of N words (2-5) instead of single words
        --all                       keep stopwords
        --json                      JSON instead of TSV
        --keyness FILE --against FILE...
                                    keywords of FILE against the others: word, target and
                                    reference frequencies, log-likelihood G2, its p-value and
                                    Log Ratio (positive: more frequent in FILE)
        --from D, --to D, --source S, --group G
                                    instead, the keywords of the documents dated from D to
                                    D (a year 2024, a month 2024-03 or a day), of source S,
                                    of group G (a zip folder, a record file) against the
                                    rest, as --keyness prints them
    kwic [OPTIONS] QUERY FILE...
                               Concordance lines of QUERY (a word, a phrase, or syllable
                               patterns with * wildcards: 'đối ngoại', 'ngoại*', 'đối *'),
                               as TSV: file, offset (code points into the decoded file),
                               left context, match, right context.
        --accents                   ignore accents (doi ngoai finds đối ngoại)
        --case                      match case (default: ignore case)
        --width N                   characters of context each side (default 40)
        --sort left|right           sort by the context before or after (default: text order)
    collocates [OPTIONS] WORD FILE...
                               Words found near WORD (within sentences), as TSV: word,
                               co-occurrences, frequency, MI, t-score, logDice.
        --window N                  words each side (default 5)
        --by freq|mi|t|logdice      sort order (default logdice)
        --min N                     leave out collocates seen fewer than N times (default 2)
        --top N                     rows (default 50)
        --all                       keep stopwords
    entities [--lines] [--year Y] [FILE...]
                               Named entities (PER, ORG, LOC, DATE, TIME, NUMBER, PERCENT,
                               MONEY, QUANTITY, EVENT, ROLE, ACRONYM) as JSON lines, one per
                               document: {'file', 'entities': [{'type', 'text', 'canonical',
                               'start', 'end', 'iso', 'inferred', 'role_of', 'org',
                               'expansion'}]}, start/end in code points of the decoded file.
                               A document's paragraphs share a memory (a full name seen
                               earlier names 'ông Trọng'). stdin if no FILE.
        --lines                     one object per input line, each line its own document:
                                    {'entities': [{'start', 'end', 'type', 'text',
                                    'canonical'}]}, start/end in code points of that line as
                                    given; an empty line gives {'entities':[]}. Streams.
        --year Y                    the documents' year, for dates without one (inferred);
                                    without it, a file takes the year of a full date near
                                    its start (its dateline)
        --gazetteer FILE            more names, one a line: PER|ORG|LOC|EVENT name
        --table                     instead, the corpus's entity table as TSV (type,
                                    canonical, mentions, documents), from the same analysis
                                    as stats and keywords (duplicates and boilerplate left
                                    out), most mentioned first
        --from D, --to D, --source S, --group G
                                    with --table: over the documents selected only
    trends [OPTIONS] WORDS FILE...
                               WORDS (comma-separated: 'đối ngoại, ngoại giao') per period
                               over the documents' dates (a date column, else the date of
                               the document's dateline), as TSV: period, documents, words,
                               then each word's count and count per 10,000 words; every
                               period from the first to the last, empty ones included; the
                               documents without a date last, as 'undated'.
        --by day|week|month|year    the period (default month; weeks are ISO, 2024-W10)
        --word W                    a word (repeatable), instead of WORDS
        --from D, --to D, --source S, --group G
                                    only the documents selected
        --csv, --json               the table as CSV or JSON instead
    new --from D --to D [OPTIONS] FILE...
                               What is new from D to D (a year, a month or a day): the
                               words and entities (PER, ORG, LOC, EVENT, ACRONYM) whose share
                               rose against the period of the same length just before, as
                               TSV: kind, term, now, before, each per 10,000 words, G2, Log
                               Ratio; significant rises only, highest G2 first. The two
                               periods' documents and words go to stderr.
        --source S, --group G       only the documents of source S, of group G
        --top N                     rows of words and of entities each (default 50; 0: all)
        --min-g2 X                  leave out rises with a G2 below X (default 10.83,
                                    p < 0.001)
        --csv, --json               the table as CSV or JSON instead
    index [OPTIONS] INPUT... --out DIR
                               Analyze files and folders (walked recursively: .txt, .md,
                               .html, .docx; .csv, .tsv and .jsonl/.ndjson with one document
                               a row) into Parquet tables in DIR: documents, terms,
                               syllables, entities, pairs, then manifest.json (see
                               docs/shards.md; DuckDB or Spark combine shards with SQL).
                               Streams: documents are written and dropped. The same input
                               gives the same bytes whatever -j is. Bad files and rows are
                               reported with their path and line and skipped.
        --out DIR, -o DIR           the shard's folder (created; its tables replaced)
        -j N, --jobs N              threads (default: all cores)
        --text-column NAME, …       a record's columns (see RECORDS)
    help                       Print this help.

OPTIONS:
    -j, --jobs N               Threads for the commands that read many files or lines
                               (stats, keywords, kwic, collocates, entities, trends, new,
                               index); default: one per core. The output is the same
                               whatever N is.
    -h, --help                 Print this help.
    -V, --version              Print the version.

Files are decoded (UTF-8 with or without BOM, UTF-16 with BOM) and normalized (NFC).
Binary or empty files are refused with a message on stderr.

RECORDS AND ARCHIVES:
    stats, keywords, kwic, collocates, entities, trends, new and index read .csv, .tsv and
    .jsonl/.ndjson files one document a row, and .zip archives one document an entry (its
    folders become each document's group; record files inside are read a row a document;
    folders, hidden files and __MACOSX are skipped). The columns are guessed from the
    header: text (text, content, body, nội dung, …), date (date, published, ngày, …),
    source (source, site, nguồn, …), title (title, headline, tiêu đề, …), id, url.
        --text-column NAME, --date-column NAME, --source-column NAME, --title-column NAME,
        --id-column NAME, --url-column NAME
                                    choose a column instead of the guess
    A bad row (malformed, no text, text over 4 MB) or a zip entry that cannot be read is
    reported on stderr with its file and line and skipped; a date that does not read is a
    warning (the row is kept and its date inferred from its dateline). A date column reads
    ISO (with a time), dd/mm/yyyy, d-m-yyyy, d.m.yyyy, yyyy/mm/dd, 'ngày 5 tháng 3 năm
    2024', '5 tháng 3, 2024', 'Thứ Hai, 04/03/2024 08:15 (GMT+7)'.

EXIT CODES:
    0  success
    1  some input could not be read or was refused (the rest is still printed)
    2  wrong usage
";

/// Why a command could not run: wrong usage (exit code 2). Problems with one input are
/// not errors: they are reported on stderr and the command goes on (exit code 1).
#[derive(Debug)]
pub enum CliError {
    /// A flag or value lexopt could not take.
    Args(lexopt::Error),
    /// Arguments that do not make a command, or an input a command cannot go on without.
    Usage(String),
    /// Writing the output failed.
    Io(std::io::Error),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Args(e) => write!(f, "{e}"),
            CliError::Usage(m) => f.write_str(m),
            CliError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<lexopt::Error> for CliError {
    fn from(e: lexopt::Error) -> Self {
        CliError::Args(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Io(e)
    }
}

impl From<&str> for CliError {
    fn from(m: &str) -> Self {
        CliError::Usage(m.to_owned())
    }
}

impl From<String> for CliError {
    fn from(m: String) -> Self {
        CliError::Usage(m)
    }
}

impl CliError {
    /// The exit code for it.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Io(_) => ExitCode::from(1),
            _ => ExitCode::from(2),
        }
    }
}

/// Run the CLI with the process's arguments.
pub fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run(
        std::env::args_os().skip(1).collect(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    )
}

/// Run the CLI on `args` (without the program name), writing to `out` and `err`.
pub fn run(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    match dispatch(args, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "soi: {e}\nTry 'soi --help'.");
            e.exit_code()
        }
    }
}

fn dispatch(
    args: Vec<OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let command = match p.next()? {
        None => return Err("no command given".into()),
        Some(Long("help") | Short('h')) => "help".to_owned(),
        Some(Long("version") | Short('V')) => {
            let _ = writeln!(out, "soi {}", env!("CARGO_PKG_VERSION"));
            return Ok(ExitCode::SUCCESS);
        }
        Some(Value(v)) => v
            .string()
            .map_err(|_| "the command is not valid UTF-8".to_owned())?,
        Some(other) => return Err(other.unexpected().into()),
    };
    match command.as_str() {
        "help" => {
            let _ = out.write_all(HELP.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        "stats" => {
            let mut top = crate::protocol::TOP_N;
            let mut jobs = par::default_jobs();
            let mut files: Vec<OsString> = Vec::new();
            let mut over = crate::ingest::collection::ColumnMap::default();
            while let Some(arg) = p.next()? {
                match arg {
                    Long(f) if inputs::is_column_flag(f) => {
                        let f = f.to_owned();
                        inputs::set_column(&f, &mut over, p.value()?.string()?);
                    }
                    Long("jobs") | Short('j') => jobs = par::jobs_value(p.value()?)?,
                    Long("top") | Short('n') => {
                        top = p.value()?.parse()?;
                    }
                    Long("help") | Short('h') => {
                        let _ = out.write_all(HELP.as_bytes());
                        return Ok(ExitCode::SUCCESS);
                    }
                    Value(v) => files.push(v),
                    other => return Err(other.unexpected().into()),
                }
            }
            if files.is_empty() {
                return Err("stats needs at least one FILE ('-' for stdin)".into());
            }
            Ok(stats(&files, top, jobs, &over, out, err))
        }
        "normalize" => normalize_cmd(&mut p, out, err),
        "segment" => segment_cmd(&mut p, out, err),
        "keywords" => keywords_cmd(&mut p, out, err),
        "kwic" => kwic_cmd(&mut p, out, err),
        "collocates" => collocates_cmd(&mut p, out, err),
        "entities" => entities_cmd(&mut p, out, err),
        "index" => index::index_cmd(&mut p, out, err),
        "trends" => trends::trends_cmd(&mut p, out, err),
        "new" => new::new_cmd(&mut p, out, err),
        other => Err(CliError::Usage(format!("unknown command '{other}'"))),
    }
}

/// Read and analyze `files` as one corpus; problems go to `err`. Returns the corpus and
/// whether any file failed.
pub(super) fn load(files: &[OsString], jobs: usize, err: &mut dyn Write) -> (Corpus, bool) {
    load_with(files, jobs, &Default::default(), err)
}

/// [`load`] with the record columns `over` chose (`--text-column`, …): record files and
/// zips give a document a row or an entry; bad rows are reported by file and line and
/// skipped (and make the run fail), unreadable dates are warnings.
pub(super) fn load_with(
    files: &[OsString],
    jobs: usize,
    over: &crate::ingest::collection::ColumnMap,
    err: &mut dyn Write,
) -> (Corpus, bool) {
    let problems = inputs::Shared::default();
    let mut corpus = Corpus::new();
    let mut failed = false;
    let stream = inputs::Inputs::of_args(files, over.clone(), problems.clone());
    let opts = crate::corpus::AnalysisOptions::default();
    corpus.add_each(stream, jobs, &opts, |_, _, name, outcome| {
        failed |= inputs::report(&problems, err) > 0;
        if let Err(e) = outcome {
            let _ = writeln!(err, "soi: {name}: {e}");
            failed = true;
        }
    });
    failed |= inputs::report(&problems, err) > 0;
    (corpus, failed)
}

/// How much of a streamed input is looked at before deciding how to read it.
const HEAD_BYTES: usize = 64 * 1024;

/// Open `path` ('-': stdin) to be read line by line, through the same ingest as every other
/// command: a binary file or an unsupported format is refused by name, HTML, DOCX, UTF-16
/// and legacy encodings are decoded in full, and plain UTF-8 (the usual case) is streamed,
/// so memory stays flat however long it is. Problems go to `err`; `None` when refused.
pub(super) fn open_lines(path: &OsString, err: &mut dyn Write) -> Option<Box<dyn BufRead>> {
    let name = path.to_string_lossy().into_owned();
    let mut reader: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(path) {
            Ok(h) => Box::new(h),
            Err(e) => {
                let _ = writeln!(err, "soi: {name}: {e}");
                return None;
            }
        }
    };
    let mut head = Vec::with_capacity(HEAD_BYTES);
    if let Err(e) = (&mut reader).take(HEAD_BYTES as u64).read_to_end(&mut head) {
        let _ = writeln!(err, "soi: {name}: {e}");
        return None;
    }
    let whole = head.len() < HEAD_BYTES;
    // stdin has no name: it is read as text.
    let ingest_name = if path == "-" { "stdin.txt" } else { &name };
    let refuse = |err: &mut dyn Write, r: crate::ingest::Refusal| {
        let _ = writeln!(err, "soi: {name}: refused: {r}");
        None
    };
    let probe = match crate::ingest::decode_file(ingest_name, &head, None) {
        Ok(d) => d,
        Err(r) => return refuse(err, r),
    };
    let plain = matches!(
        probe.encoding,
        crate::ingest::Encoding::Utf8 | crate::ingest::Encoding::Utf8Bom
    ) && probe.text.len() + 3 >= head.len()
        && !probe.text.trim_start().starts_with('<');
    if plain && !whole {
        let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
        let rest = std::io::BufReader::with_capacity(1 << 16, reader);
        return Some(Box::new(std::io::Cursor::new(body).chain(rest)));
    }
    // A file shorter than the probe was decoded whole already.
    let decoded = if whole {
        probe
    } else {
        let mut bytes = head;
        if let Err(e) = reader.read_to_end(&mut bytes) {
            let _ = writeln!(err, "soi: {name}: {e}");
            return None;
        }
        match crate::ingest::decode_file(ingest_name, &bytes, None) {
            Ok(d) => d,
            Err(r) => return refuse(err, r),
        }
    };
    for w in &decoded.warnings {
        let _ = writeln!(err, "soi: warning: {name}: {w}");
    }
    Some(Box::new(std::io::Cursor::new(decoded.text.into_bytes())))
}

pub(super) fn read_input(path: &OsString) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}
