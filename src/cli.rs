//! The `soi` command-line interface: argument parsing and output formats, nothing else.
//!
//! Exit codes: 0 success; 1 some input could not be used (the rest is still processed and
//! printed; each problem is on stderr); 2 wrong usage.

use crate::corpus::Corpus;
use crate::protocol::{views, CorpusView, RefuseReason};
use serde::Serialize;
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

#[derive(Serialize)]
struct StatsOutput {
    #[serde(flatten)]
    corpus: CorpusView,
    refused: Vec<RefusedFile>,
}

#[derive(Serialize)]
struct RefusedFile {
    name: String,
    reason: RefuseReason,
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
        Err(msg) => {
            let _ = writeln!(err, "soi: {msg}\nTry 'soi --help'.");
            ExitCode::from(2)
        }
    }
}

fn dispatch(
    args: Vec<OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, String> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let command = match p.next().map_err(|e| e.to_string())? {
        None => return Err("no command given".into()),
        Some(Long("help") | Short('h')) => "help".to_owned(),
        Some(Long("version") | Short('V')) => {
            let _ = writeln!(out, "soi {}", env!("CARGO_PKG_VERSION"));
            return Ok(ExitCode::SUCCESS);
        }
        Some(Value(v)) => v
            .string()
            .map_err(|_| "the command is not valid UTF-8".to_owned())?,
        Some(other) => return Err(other.unexpected().to_string()),
    };
    match command.as_str() {
        "help" => {
            let _ = out.write_all(HELP.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        "stats" => {
            let mut top = crate::protocol::TOP_N;
            let mut files: Vec<OsString> = Vec::new();
            while let Some(arg) = p.next().map_err(|e| e.to_string())? {
                match arg {
                    Long("top") | Short('n') => {
                        top = p
                            .value()
                            .map_err(|e| e.to_string())?
                            .parse()
                            .map_err(|e: lexopt::Error| e.to_string())?;
                    }
                    Long("help") | Short('h') => {
                        let _ = out.write_all(HELP.as_bytes());
                        return Ok(ExitCode::SUCCESS);
                    }
                    Value(v) => files.push(v),
                    other => return Err(other.unexpected().to_string()),
                }
            }
            if files.is_empty() {
                return Err("stats needs at least one FILE ('-' for stdin)".into());
            }
            Ok(stats(&files, top, out, err))
        }
        other => Err(format!("unknown command '{other}'")),
    }
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
    // OK to unwrap: these types always serialize.
    let json = serde_json::to_string_pretty(&output).expect("serializable");
    if writeln!(out, "{json}").is_err() {
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
