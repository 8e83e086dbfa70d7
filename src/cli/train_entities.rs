//! The `train-entities` command: trains, cross-validates and scores Soi's entity model.
//! Flags and glue only; the work is in `crate::entities`.

use super::CliError;
use crate::entities::{
    cross_validate_each, evaluate, train, EntityModel, EntityType, Recognizer, TrainOptions,
    TrainPara,
};
use crate::text::normalize::{normalize_with, Options};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The training data when no `--train` is given, relative to the crate's root: the shared
/// ner-train set (copyrighted news, never in the repository; see its ATTRIBUTION.md).
pub const DEFAULT_TRAIN: &str = "../shared/data/ner-train/train.jsonl";

/// The source line of the shipped model's header.
pub const DEFAULT_SOURCE: &str = "ner-train (1,600 VNTC news paragraphs, 2006-2007; \
annotations CC0, text (c) the newspapers, used to train only: see its ATTRIBUTION.md)";

const HELP: &str = "\
train-entities — train and evaluate Soi's entity model (PER, ORG, LOC, DATE over the rules)

USAGE:
    train-entities [--train FILE] [--out FILE] [--eval FILE...] [--cv K]
    train-entities --model FILE|embedded|rules --eval FILE...

OPTIONS:
    --train FILE      Annotated paragraphs, JSON Lines {\"text\", \"entities\": [{\"start\",
                      \"end\", \"coarse\"}]} with code-point offsets (default:
                      ../shared/data/ner-train/train.jsonl from the crate's root).
    --out FILE        Write the trained model here.
    --model M         Score this model instead of training: a file, 'embedded' (the built-in
                      one) or 'rules' (the rules alone).
    --eval FILE       Print exact and overlap F1 per type against this file (same format),
                      each paragraph its own document.
    --errors          With --eval or --cv: print each span missed or wrong, by class
                      (boundary, type, type+boundary, missed, spurious).
    --cv K            Print K-fold cross-validation on the training data instead of training.
    --source TEXT     The model's source and licence (header).
    --epochs N        Perceptron passes (default 5).
    --bits N          log2 of the feature table's rows (default 16).
    --min-count N     Keep feature rows seen at least N times (default 2).
    --bags N          Perceptrons with different shuffles averaged (default 3).
    --owned TYPES     Types the model decides, e.g. PER,ORG,LOC (default); the rules keep
                      the others.
    --seed N          Shuffle seed.
    -h, --help        Print this help.
";

/// Runs the command with the process's arguments.
pub fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "train-entities: {e}");
            e.exit_code()
        }
    }
}

/// Annotated paragraphs from JSON Lines, normalized as `soi entities` normalizes its input,
/// with the gold code-point offsets carried to byte ranges of the normalized text.
pub fn read_paragraphs(text: &str) -> Vec<TrainPara> {
    let opts = Options::default();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((raw, spans)) = crate::protocol::cli::ner_record(line) else {
            continue;
        };
        // Code point → byte offset of the original line.
        let bytes: Vec<usize> = raw
            .char_indices()
            .map(|(b, _)| b)
            .chain([raw.len()])
            .collect();
        let n = normalize_with(&raw, &opts);
        // Normalized char boundaries with their original offsets (monotonic).
        let bounds: Vec<(usize, usize)> = n
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([n.text.len()])
            .map(|b| (b, n.to_original(b)))
            .collect();
        let to_norm = |o: usize| {
            bounds
                .iter()
                .find(|(_, orig)| *orig >= o)
                .map_or(n.text.len(), |(b, _)| *b)
        };
        let mut gold: Vec<(std::ops::Range<usize>, EntityType)> = spans
            .iter()
            .filter_map(|(s, e, t)| {
                let kind = EntityType::from_id(t)?;
                let (a, b) = (to_norm(*bytes.get(*s)?), to_norm(*bytes.get(*e)?));
                (a < b).then_some((a..b, kind))
            })
            .collect();
        gold.sort_by_key(|(r, _)| (r.start, r.end));
        out.push(TrainPara { text: n.text, gold });
    }
    out
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        if path.as_os_str() == DEFAULT_TRAIN {
            format!(
                "{}: {e} (the default training data: run from the crate's root or give --train)",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })
}

fn run(args: Vec<OsString>) -> Result<(), CliError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let (mut train_file, mut out, mut model) = (None::<PathBuf>, None::<PathBuf>, None);
    let mut evals = Vec::<PathBuf>::new();
    let mut cv = None;
    let mut errors = false;
    let mut source = None;
    let mut options = TrainOptions::default();
    let num = |v: OsString| -> Result<u64, CliError> {
        let s = v.string()?;
        let s = s.trim();
        match s.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16),
            None => s.parse(),
        }
        .map_err(|e| CliError::Usage(format!("{s}: {e}")))
    };
    while let Some(arg) = p.next()? {
        match arg {
            Long("train") => train_file = Some(p.value()?.into()),
            Long("eval") => evals.push(p.value()?.into()),
            Long("out") => out = Some(PathBuf::from(p.value()?)),
            Long("model") => model = Some(p.value()?.string()?),
            Long("errors") => errors = true,
            Long("cv") => cv = Some(num(p.value()?)? as usize),
            Long("source") => source = Some(p.value()?.string()?),
            Long("epochs") => options.epochs = num(p.value()?)? as u32,
            Long("bits") => options.bits = num(p.value()?)? as u32,
            Long("min-count") => options.min_count = num(p.value()?)? as u32,
            Long("bags") => options.bags = num(p.value()?)? as u32,
            Long("seed") => options.seed = num(p.value()?)?,
            Long("owned") => {
                let v = p.value()?.string()?;
                options.owned = 0;
                for t in v.split(',').filter(|t| !t.is_empty()) {
                    let k = ["PER", "ORG", "LOC", "DATE"]
                        .iter()
                        .position(|x| x.eq_ignore_ascii_case(t.trim()))
                        .ok_or_else(|| CliError::Usage(format!("--owned: unknown type {t}")))?;
                    options.owned |= 1 << k;
                }
            }
            Short('h') | Long("help") => {
                print!("{HELP}");
                return Ok(());
            }
            _ => return Err(format!("{}\n\n{HELP}", arg.unexpected()).into()),
        }
    }
    options.source = source.unwrap_or_else(|| DEFAULT_SOURCE.to_owned());
    let rec = match model.as_deref() {
        Some("rules") => Recognizer::with_model(None),
        Some("embedded") => Recognizer::with_model(Recognizer::embedded().model().cloned()),
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let m = EntityModel::from_bytes(&bytes).map_err(|e| format!("{path}: {e}"))?;
            Recognizer::with_model(Some(m))
        }
        None => {
            let path = train_file.unwrap_or_else(|| PathBuf::from(DEFAULT_TRAIN));
            let paras = read_paragraphs(&read(&path)?);
            let start = Instant::now();
            if let Some(k) = cv {
                let mut lines = Vec::new();
                let mut fold = 0;
                let s = cross_validate_each(&paras, k, &options, |rec, test| {
                    if errors {
                        errors_of(rec, test, (fold, k), &mut lines);
                    }
                    fold += 1;
                });
                if errors {
                    print_errors(lines);
                }
                println!(
                    "{k}-fold cross-validation on {} ({} paragraphs), {}",
                    path.display(),
                    paras.len(),
                    options.describe()
                );
                print!("{}", s.table());
                eprintln!("in {:.1} s", start.elapsed().as_secs_f64());
                return Ok(());
            }
            let (m, cov) = train(&paras, &options);
            eprintln!(
                "trained on {} paragraphs in {:.1} s; gold mentions {}, not on word ends {}, \
                 outside the labelled windows {}",
                paras.len(),
                start.elapsed().as_secs_f64(),
                cov.gold,
                cov.misaligned,
                cov.outside
            );
            if let Some(path) = &out {
                let bytes = m.to_bytes();
                std::fs::write(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
            }
            Recognizer::with_model(Some(m))
        }
    };
    for path in &evals {
        let paras = read_paragraphs(&read(path)?);
        if errors {
            let mut lines = Vec::new();
            errors_of(&rec, &paras, (0, 1), &mut lines);
            print_errors(lines);
        }
        let s = evaluate(&rec, &paras);
        println!("{} ({} paragraphs)", path.display(), paras.len());
        print!("{}", s.table());
    }
    Ok(())
}

/// The error classes of [`print_errors`], in the order printed.
const CLASSES: [&str; 5] = ["boundary", "type", "type+boundary", "missed", "spurious"];

/// The spans where `rec` and the gold differ, one line each with its class (`boundary`: the
/// type right, the span not; `type`: the span right, the type not; `type+boundary`: both
/// wrong over the same words; `missed`: nothing predicted there; `spurious`: nothing
/// there in the gold), for error analysis.
fn errors_of(
    rec: &Recognizer,
    paras: &[TrainPara],
    (first, stride): (usize, usize),
    out: &mut Vec<(usize, String)>,
) {
    use crate::entities::DocMemory;
    use crate::words::{words_into, Scratch, UserDict};
    let mut scratch = Scratch::default();
    let mut words = Vec::new();
    let mut found = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        words_into(
            &p.text,
            crate::wordseg::Segmenter::embedded(),
            &UserDict::default(),
            &mut scratch,
            &mut words,
        );
        let mut memory = DocMemory::new();
        rec.paragraph(&p.text, &words, &mut memory, &mut found);
        let pred: Vec<_> = found
            .iter()
            .filter(|m| {
                matches!(
                    m.kind,
                    EntityType::Per | EntityType::Org | EntityType::Loc | EntityType::Date
                )
            })
            .map(|m| (m.range.clone(), m.kind))
            .collect();
        let show = |r: &std::ops::Range<usize>| {
            let a = p.text[..r.start]
                .char_indices()
                .rev()
                .nth(20)
                .map_or(0, |x| x.0);
            let b = p.text[r.end..]
                .char_indices()
                .nth(20)
                .map_or(p.text.len(), |x| x.0 + r.end);
            format!(
                "{}[{}]{}",
                &p.text[a..r.start],
                &p.text[r.clone()],
                &p.text[r.end..b]
            )
        };
        let overlaps = |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| {
            a.start < b.end && b.start < a.end
        };
        let para = first + i * stride;
        for g in p.gold.iter().filter(|g| !pred.contains(g)) {
            let near: Vec<_> = pred.iter().filter(|x| overlaps(&x.0, &g.0)).collect();
            let class = if near.iter().any(|x| x.1 == g.1) {
                0
            } else if near.iter().any(|x| x.0 == g.0) {
                1
            } else if !near.is_empty() {
                2
            } else {
                3
            };
            let got: Vec<String> = near
                .iter()
                .map(|x| format!("{} {}", x.1.id(), &p.text[x.0.clone()]))
                .collect();
            out.push((
                class,
                format!(
                    "{para}\t{}\t{}\t→ {}",
                    g.1.id(),
                    show(&g.0),
                    if got.is_empty() {
                        "-".to_owned()
                    } else {
                        got.join(" | ")
                    }
                ),
            ));
        }
        for x in pred
            .iter()
            .filter(|x| !p.gold.iter().any(|g| overlaps(&g.0, &x.0)))
        {
            out.push((4, format!("{para}\t{}\t{}", x.1.id(), show(&x.0))));
        }
    }
}

/// Prints error lines grouped by class, each class with its count.
fn print_errors(mut lines: Vec<(usize, String)>) {
    lines.sort_by_key(|(c, _)| *c);
    for (k, class) in CLASSES.iter().enumerate() {
        let of: Vec<&String> = lines
            .iter()
            .filter(|(c, _)| *c == k)
            .map(|x| &x.1)
            .collect();
        println!("## {class} ({})", of.len());
        for l in of {
            println!("{class}\t{l}");
        }
    }
}
