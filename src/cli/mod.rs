//! The `soi` command-line interface: argument parsing and output formats, nothing else.
//!
//! Exit codes: 0 success; 1 some input could not be used (the rest is still processed and
//! printed; each problem is on stderr); 2 wrong usage.

pub mod train_segmenter;

use crate::corpus::Corpus;
use crate::protocol::cli::{DocOut, EntityOut, LineOut, RefusedFile, StatsOutput};
use crate::protocol::{views, RefuseReason};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::process::ExitCode;

const HELP: &str = "\
soi — Vietnamese text analysis (the engine of the Soi web app)

USAGE:
    soi <COMMAND> [OPTIONS] [FILE...]

COMMANDS:
    stats [--top N] FILE...    Analyze the files as one corpus and print the overview as JSON:
                               counts of documents, paragraphs, sentences, syllables and
                               distinct syllables, the N most frequent syllables (default 50)
                               and one summary per document. FILE may be '-' for stdin.
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
    help                       Print this help.

OPTIONS:
    -h, --help                 Print this help.
    -V, --version              Print the version.

Files are decoded (UTF-8 with or without BOM, UTF-16 with BOM) and normalized (NFC).
Binary or empty files are refused with a message on stderr.

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
    /// Arguments that do not make a command.
    Usage(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Args(e) => write!(f, "{e}"),
            CliError::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CliError {}

impl From<lexopt::Error> for CliError {
    fn from(e: lexopt::Error) -> Self {
        CliError::Args(e)
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
        ExitCode::from(2)
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
            let mut files: Vec<OsString> = Vec::new();
            while let Some(arg) = p.next()? {
                match arg {
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
            Ok(stats(&files, top, out, err))
        }
        "normalize" => normalize_cmd(&mut p, out, err),
        "segment" => segment_cmd(&mut p, out, err),
        "keywords" => keywords_cmd(&mut p, out, err),
        "kwic" => kwic_cmd(&mut p, out, err),
        "collocates" => collocates_cmd(&mut p, out, err),
        "entities" => entities_cmd(&mut p, out, err),
        other => Err(CliError::Usage(format!("unknown command '{other}'"))),
    }
}

/// Read and analyze `files` as one corpus; problems go to `err`. Returns the corpus and
/// whether any file failed.
fn load(files: &[OsString], err: &mut dyn Write) -> (Corpus, bool) {
    let mut corpus = Corpus::new();
    let mut failed = false;
    for path in files {
        let name = path.to_string_lossy().into_owned();
        let added = read_input(path).map_err(|e| e.to_string()).and_then(|b| {
            corpus
                .add_bytes(name.clone(), &b)
                .map_err(|r| r.to_string())
        });
        if let Err(e) = added {
            let _ = writeln!(err, "soi: {name}: {e}");
            failed = true;
        }
    }
    (corpus, failed)
}

fn read_input(path: &OsString) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

fn stats(files: &[OsString], top: usize, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut corpus = Corpus::new();
    let mut refused = Vec::new();
    for path in files {
        let name = path.to_string_lossy().into_owned();
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(err, "soi: {name}: {e}");
                refused.push(RefusedFile {
                    name,
                    reason: RefuseReason::Unreadable {
                        detail: e.to_string(),
                    },
                });
                continue;
            }
        };
        match corpus.add_bytes(name.clone(), &bytes) {
            Ok(id) => {
                for w in corpus
                    .doc(id)
                    .map(|d| d.warnings.as_slice())
                    .unwrap_or_default()
                {
                    let _ = writeln!(err, "soi: warning: {name}: {w}");
                }
            }
            Err(r) => {
                let _ = writeln!(err, "soi: {name}: refused: {r}");
                refused.push(RefusedFile {
                    name,
                    reason: RefuseReason::from(&r),
                });
            }
        }
    }
    let output = StatsOutput {
        corpus: views::corpus_view(&corpus, top),
        refused,
    };
    let failed = !output.refused.is_empty();
    let json = crate::protocol::cli::pretty(&output);
    if writeln!(out, "{json}").is_err() {
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn normalize_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::text::normalize::{normalize_with, Options};
    use crate::text::syllable::ToneStyle;
    use lexopt::prelude::*;
    let mut opts = Options::default();
    let mut encoding = None;
    let mut report: Option<Option<OsString>> = None;
    let mut file: Option<OsString> = None;
    while let Some(arg) = p.next()? {
        match arg {
            Long("tone") => {
                opts.tone_style = match p.value()?.to_string_lossy().as_ref() {
                    "traditional" => ToneStyle::Traditional,
                    "modern" => ToneStyle::Modern,
                    other => {
                        return Err(CliError::Usage(format!(
                            "--tone takes 'traditional' or 'modern', not '{other}'"
                        )))
                    }
                }
            }
            Long("encoding") => {
                let label = p.value()?.to_string_lossy().into_owned();
                encoding = Some(
                    crate::ingest::Encoding::from_label(&label)
                        .ok_or_else(|| format!("unknown encoding '{label}'"))?,
                );
            }
            Long("report") => report = Some(p.optional_value()),
            Long("no-tone-marks") => opts.tone_marks = false,
            Long("no-glued") => opts.glued = false,
            Long("no-punctuation") => opts.punctuation = false,
            Long("no-d-stroke") => opts.d_stroke = false,
            Long("no-spaces") => opts.spaces = false,
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if file.is_none() => file = Some(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(path) = file else {
        return Err("normalize needs a FILE ('-' for stdin)".into());
    };
    let name = path.to_string_lossy().into_owned();
    let bytes = match read_input(&path) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "soi: {name}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let decoded = match crate::ingest::decode_file(&name, &bytes, encoding) {
        Ok(d) => d,
        Err(r) => {
            let _ = writeln!(err, "soi: {name}: refused: {r}");
            return Ok(ExitCode::from(1));
        }
    };
    for w in &decoded.warnings {
        let _ = writeln!(err, "soi: warning: {name}: {w}");
    }
    let n = normalize_with(&decoded.text, &opts);
    if out.write_all(n.text.as_bytes()).is_err() {
        return Ok(ExitCode::from(1));
    }
    if let Some(target) = report {
        let json = normalize_report(&name, &decoded, &n);
        match target {
            Some(f) => {
                if let Err(e) = std::fs::write(&f, json) {
                    let _ = writeln!(err, "soi: {}: {e}", f.to_string_lossy());
                    return Ok(ExitCode::from(1));
                }
            }
            None => {
                let _ = writeln!(err, "{json}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The report of `soi normalize --report`: offsets in code points of the decoded original.
fn normalize_report(
    name: &str,
    d: &crate::ingest::Decoded,
    n: &crate::text::normalize::Normalized,
) -> String {
    let to_chars = CharOffsets::new(&d.text);
    crate::protocol::cli::normalize_report(name, d, n, &|b| to_chars.get(b))
}

/// Byte offset → code point offset, for offsets given in increasing order or not.
struct CharOffsets {
    starts: Vec<usize>,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        CharOffsets {
            starts: text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect(),
        }
    }

    fn get(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s < byte)
    }
}

fn segment_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use lexopt::prelude::*;
    use std::io::BufRead;
    let mut file: Option<OsString> = None;
    let mut dict = crate::words::UserDict::default();
    while let Some(arg) = p.next()? {
        match arg {
            Long("dict") => {
                let path = p.value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
                dict = crate::words::UserDict::parse(&text);
            }
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if file.is_none() => file = Some(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let input: Box<dyn BufRead> = match &file {
        None => Box::new(std::io::BufReader::new(std::io::stdin())),
        Some(f) if f == "-" => Box::new(std::io::BufReader::new(std::io::stdin())),
        Some(f) => match std::fs::File::open(f) {
            Ok(h) => Box::new(std::io::BufReader::with_capacity(1 << 16, h)),
            Err(e) => {
                let _ = writeln!(err, "soi: {}: {e}", f.to_string_lossy());
                return Ok(ExitCode::from(1));
            }
        },
    };
    let seg = crate::wordseg::Segmenter::embedded();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut starts = Vec::new();
    let mut line = Vec::new();
    let mut input = input;
    // Line by line with reused buffers: memory stays flat however long the input is.
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "soi: read error: {e}");
                return Ok(ExitCode::from(1));
            }
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        let tokens: Vec<&str> = text.split_whitespace().collect();
        seg.segment_into(&tokens, &mut starts);
        dict.apply(&tokens, &mut starts);
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(tokens.len());
            if k > 0 {
                let _ = w.write_all(b" ");
            }
            for (j, t) in tokens[s..e].iter().enumerate() {
                if j > 0 {
                    let _ = w.write_all(b"_");
                }
                let _ = w.write_all(t.as_bytes());
            }
        }
        if w.write_all(b"\n").is_err() {
            return Ok(ExitCode::from(1));
        }
    }
    if w.flush().is_err() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn keywords_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::query::{KeyColumn, KeywordsQuery, Unit};
    use lexopt::prelude::*;
    let mut top = 100usize;
    let mut ngrams = 1usize;
    let mut all = false;
    let mut json_out = false;
    let mut target: Option<OsString> = None;
    let mut against = false;
    let mut files: Vec<OsString> = Vec::new();
    while let Some(arg) = p.next()? {
        match arg {
            Long("top") | Short('n') => top = p.value()?.parse()?,
            Long("ngrams") => {
                ngrams = p.value()?.parse()?;
                if !(1..=5).contains(&ngrams) {
                    return Err("--ngrams takes 1 to 5".into());
                }
            }
            Long("all") => all = true,
            Long("json") => json_out = true,
            Long("keyness") => target = Some(p.value()?),
            Long("against") => against = true,
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) => files.push(v),
            other => return Err(other.unexpected().into()),
        }
    }
    if target.is_some() != against {
        return Err("--keyness FILE needs --against FILE...".into());
    }
    let mut inputs: Vec<OsString> = target.iter().cloned().collect();
    inputs.extend(files);
    if inputs.is_empty() || (target.is_some() && inputs.len() < 2) {
        return Err(
            "keywords needs FILEs (and --keyness needs at least one FILE --against)".into(),
        );
    }
    let (corpus, failed) = load(&inputs, err);
    let unit = match ngrams {
        1 => Unit::Words,
        n => Unit::Ngrams(n as u8),
    };
    // The same word list as the app's Keywords view: the corpus, or the first file against
    // the others.
    let scope = match (&target, corpus.docs().first()) {
        (Some(_), Some(d)) => vec![d.id],
        (Some(_), None) => return Ok(ExitCode::from(1)),
        (None, _) => Vec::new(),
    };
    let keyness = !scope.is_empty();
    let q = KeywordsQuery {
        scope,
        unit,
        stopwords: all,
        sort: if keyness {
            KeyColumn::G2
        } else {
            KeyColumn::Frequency
        },
        ..KeywordsQuery::default()
    };
    let (mut rows, _, _) = crate::query::keyword_rows(&corpus, &q);
    if top > 0 {
        rows.truncate(top);
    }
    let json = if json_out {
        Some(crate::protocol::cli::keyword_rows_json(&rows, keyness))
    } else {
        None
    };
    if let Some(j) = json {
        let _ = writeln!(out, "{j}");
    } else if keyness {
        let _ = writeln!(out, "word\ttarget\treference\tg2\tp\tlog_ratio");
        for r in &rows {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{:.3}\t{:.3e}\t{:.3}",
                r.term,
                r.frequency,
                r.reference.unwrap_or(0),
                r.g2.unwrap_or(0.0),
                r.p.unwrap_or(1.0),
                r.log_ratio.unwrap_or(0.0)
            );
        }
    } else {
        let _ = writeln!(out, "word\tfrequency\tdocuments\tper_million\tdp");
        for r in &rows {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{:.1}\t{:.3}",
                r.term, r.frequency, r.documents, r.per_million, r.dp
            );
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn kwic_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::text::concordance::{search, sort_key, Options, Query};
    use lexopt::prelude::*;
    let mut opts = Options::default();
    let mut width = 40usize;
    let mut order: Option<bool> = None;
    let mut query: Option<String> = None;
    let mut files: Vec<OsString> = Vec::new();
    while let Some(arg) = p.next()? {
        match arg {
            Long("accents") => opts.ignore_accents = true,
            Long("case") => opts.case_sensitive = true,
            Long("width") => width = p.value()?.parse()?,
            Long("sort") => {
                order = Some(match p.value()?.to_string_lossy().as_ref() {
                    "right" => true,
                    "left" => false,
                    other => {
                        return Err(CliError::Usage(format!(
                            "--sort takes 'left' or 'right', not '{other}'"
                        )))
                    }
                })
            }
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if query.is_none() => {
                query = Some(
                    v.string()
                        .map_err(|_| "the query is not valid UTF-8".to_owned())?,
                )
            }
            Value(v) => files.push(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(q) = query.as_deref().and_then(|q| Query::parse(q, opts)) else {
        return Err("kwic needs a QUERY".into());
    };
    if files.is_empty() {
        return Err("kwic needs FILEs".into());
    }
    let (corpus, failed) = load(&files, err);
    let mut rows = Vec::new();
    for doc in corpus.docs() {
        let chars = CharOffsets::new(&doc.original);
        for h in search(&doc.text, &q, width) {
            let at = chars.get(doc.normalization.to_original(h.range.start));
            rows.push((doc.name.clone(), at, h));
        }
    }
    if let Some(by_right) = order {
        rows.sort_by_cached_key(|r| sort_key(&r.2, by_right));
    }
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    for (name, at, h) in &rows {
        let _ = writeln!(
            out,
            "{name}\t{at}\t{}\t{}\t{}",
            clean(&h.left),
            clean(&h.matched),
            clean(&h.right)
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn collocates_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::query::{collocate_rows, CollColumn, CollocatesQuery};
    use lexopt::prelude::*;
    let (mut window, mut min, mut top, mut all) = (5usize, 2u64, 50usize, false);
    let mut by = CollColumn::LogDice;
    let mut word: Option<String> = None;
    let mut files: Vec<OsString> = Vec::new();
    let num = |p: &mut lexopt::Parser| -> Result<usize, CliError> {
        p.value()?.parse().map_err(CliError::from)
    };
    while let Some(arg) = p.next()? {
        match arg {
            Long("window") => window = num(p)?,
            Long("min") => min = num(p)? as u64,
            Long("top") => top = num(p)?,
            Long("all") => all = true,
            Long("by") => {
                let v = p.value()?;
                by = match v.to_string_lossy().as_ref() {
                    "freq" => CollColumn::Observed,
                    "mi" => CollColumn::Mi,
                    "t" => CollColumn::T,
                    "logdice" => CollColumn::LogDice,
                    other => {
                        return Err(CliError::Usage(format!(
                            "--by takes freq, mi, t or logdice, not '{other}'"
                        )))
                    }
                };
            }
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if word.is_none() => {
                word = Some(
                    v.string()
                        .map_err(|_| "WORD is not valid UTF-8".to_owned())?,
                )
            }
            Value(v) => files.push(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(word) = word else {
        return Err("collocates needs a WORD".into());
    };
    if files.is_empty() {
        return Err("collocates needs FILEs".into());
    }
    let (corpus, failed) = load(&files, err);
    if corpus.term_id(&crate::query::word_key(&word)).is_none() {
        let _ = writeln!(err, "soi: '{word}' does not occur as a word in these files");
        return Ok(ExitCode::from(1));
    }
    // The app's Collocates view: windows over each document's indexed word stream.
    let q = CollocatesQuery {
        word,
        left: window,
        right: window,
        min,
        stopwords: all,
        sort: by,
        page: 0,
    };
    let (mut rows, _) = collocate_rows(&corpus, &q);
    rows.truncate(top);
    let _ = writeln!(out, "word\tcooccurrences\tfrequency\tmi\tt_score\tlog_dice");
    for r in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{:.3}\t{:.3}\t{:.3}",
            r.term, r.observed, r.frequency, r.mi, r.t_score, r.log_dice
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Mentions of `normalized` (whose paragraphs were analyzed) as output entities with
/// offsets in code points of `original`; `mentions` have byte ranges into the normalized
/// text.
fn entities_out<'a>(
    original: &'a str,
    n: &crate::text::normalize::Normalized,
    mentions: &'a [crate::entities::Mention],
    full: bool,
) -> Vec<EntityOut<'a>> {
    let chars = CharOffsets::new(original);
    mentions
        .iter()
        .map(|m| {
            let r = n.range_to_original(m.range.clone());
            let r = r.start.min(original.len())..r.end.min(original.len());
            EntityOut {
                start: chars.get(r.start),
                end: chars.get(r.end),
                kind: m.kind.id(),
                text: original.get(r).unwrap_or_default(),
                canonical: &m.canonical,
                iso: if full { m.iso.as_deref() } else { None },
                inferred: full && m.inferred,
                role_of: if full { m.role_of } else { None },
                org: if full { m.org_of_role.as_deref() } else { None },
                expansion: if full { m.expansion.as_deref() } else { None },
            }
        })
        .collect()
}

fn entities_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::entities::{DocMemory, Recognizer};
    use crate::text::normalize::{normalize_with, Options};
    use crate::words::{words_into, Scratch, UserDict};
    use lexopt::prelude::*;
    use std::io::BufRead;
    let mut lines = false;
    let mut year: Option<i32> = None;
    let mut files: Vec<OsString> = Vec::new();
    let mut user: Option<Recognizer> = None;
    while let Some(arg) = p.next()? {
        match arg {
            Long("lines") => lines = true,
            Long("year") => year = Some(p.value()?.parse()?),
            Long("gazetteer") => {
                let path = p.value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
                let (r, errors) = Recognizer::with_user_entries(&text);
                for e in errors {
                    let _ = writeln!(err, "soi: {}: {e}", path.to_string_lossy());
                }
                user = Some(r);
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
        files.push("-".into());
    }
    let rec = user.as_ref().unwrap_or_else(|| Recognizer::embedded());
    let seg = crate::wordseg::Segmenter::embedded();
    let dict = UserDict::default();
    let opts = Options::default();
    let mut memory = DocMemory::new();
    let mut scratch = Scratch::default();
    let mut words = Vec::new();
    let mut mentions = Vec::new();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut failed = false;
    for path in &files {
        let name = path.to_string_lossy().into_owned();
        if lines {
            let input: Box<dyn BufRead> = if path == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                match std::fs::File::open(path) {
                    Ok(h) => Box::new(std::io::BufReader::with_capacity(1 << 16, h)),
                    Err(e) => {
                        let _ = writeln!(err, "soi: {name}: {e}");
                        failed = true;
                        continue;
                    }
                }
            };
            let mut input = input;
            let mut line = Vec::new();
            // Line by line with reused buffers: memory stays flat however long the input is.
            loop {
                line.clear();
                match input.read_until(b'\n', &mut line) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        let _ = writeln!(err, "soi: {name}: read error: {e}");
                        failed = true;
                        break;
                    }
                }
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end_matches(['\n', '\r']);
                let n = normalize_with(text, &opts);
                memory.clear();
                if let Some(y) = year {
                    memory = DocMemory::with_year(y);
                }
                words_into(&n.text, seg, &dict, &mut scratch, &mut words);
                rec.paragraph(&n.text, &words, &mut memory, &mut mentions);
                let o = LineOut {
                    entities: entities_out(text, &n, &mentions, false),
                };
                let json = crate::protocol::cli::line(&o);
                if writeln!(w, "{json}").is_err() {
                    return Ok(ExitCode::from(1));
                }
            }
            continue;
        }
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(err, "soi: {name}: {e}");
                failed = true;
                continue;
            }
        };
        let decoded = match crate::ingest::decode_file(&name, &bytes, None) {
            Ok(d) => d,
            Err(r) => {
                let _ = writeln!(err, "soi: {name}: refused: {r}");
                failed = true;
                continue;
            }
        };
        let n = normalize_with(&decoded.text, &opts);
        // Without --year, a file's dates without a year take its dateline's, as in the app.
        memory = match year.or_else(|| crate::entities::year::document_year(&n.text)) {
            Some(y) => DocMemory::with_year(y),
            None => DocMemory::new(),
        };
        let mut all = Vec::new();
        for (range, para) in crate::text::segment::paragraphs(&n.text) {
            words_into(para, seg, &dict, &mut scratch, &mut words);
            rec.paragraph(para, &words, &mut memory, &mut mentions);
            let base = all.len();
            all.extend(mentions.drain(..).map(|mut m| {
                m.range = m.range.start + range.start..m.range.end + range.start;
                m.role_of = m.role_of.map(|k| k + base);
                m
            }));
        }
        let o = DocOut {
            file: &name,
            entities: entities_out(&decoded.text, &n, &all, true),
        };
        let json = crate::protocol::cli::line(&o);
        if writeln!(w, "{json}").is_err() {
            return Ok(ExitCode::from(1));
        }
    }
    if w.flush().is_err() {
        return Ok(ExitCode::from(1));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
