//! The `train-segmenter` command: trains, evaluates and applies word segmentation models.
//! Flags and glue only; the work is in the parent module.

use super::CliError;
use crate::wordseg::{
    format_seg, lexicon_entries, read_seg, score, train, Segmenter, TrainOptions,
};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The training data when no `--train` or `--model` is given: UD_Vietnamese-VTB's train and
/// dev splits as vendored in the repository, relative to the crate's root (the shipped
/// model's recipe in `src/data/README.md`).
pub const DEFAULT_TRAIN: [&str; 2] = [
    "tests/data/ud-vtb/train.seg.txt",
    "tests/data/ud-vtb/dev.seg.txt",
];

const HELP: &str = "\
train-segmenter — train and evaluate Soi's word segmenter

USAGE:
    train-segmenter [--train FILE...] [--lexicon FILE] [--out FILE] [--eval FILE...]
    train-segmenter --model FILE [--eval FILE...] [--predict FILE]

OPTIONS:
    --train FILE      Training data (.seg.txt: words separated by spaces, syllables of a word
                      joined by '_'). Repeat to train on several files. Without --train and
                      --model: the UD_Vietnamese-VTB train and dev splits vendored in
                      tests/data/ud-vtb/ (paths from the crate's root).
    --lexicon FILE    Multi-syllable words, one a line, syllables separated by spaces.
    --out FILE        Write the trained model here.
    --model FILE      Load this model instead of training ('embedded': the built-in one).
    --eval FILE       Print word precision, recall and F1 against this .seg.txt file.
    --predict FILE    Segment each line of this file (tokens separated by spaces) and print it
                      in .seg.txt form.
    --source TEXT     What the model is trained on and under which licences (model header).
    --epochs N        Perceptron passes (default 20).
    --folds N         Folds for the cross-validated features (default 10).
    --bags N          Perceptrons (different shuffles) averaged into the model (default 5).
    --seed N          Shuffle seed.
    -h, --help        Print this help.
";

/// Runs the command with the process's arguments.
pub fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "train-segmenter: {e}");
            e.exit_code()
        }
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        if DEFAULT_TRAIN.iter().any(|d| path.as_os_str() == *d) {
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
    let (mut train_files, mut evals) = (Vec::<PathBuf>::new(), Vec::<PathBuf>::new());
    let (mut lexicon, mut out, mut model, mut predict) = (None, None, None, None);
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
            Long("train") => train_files.push(value(&mut p)?.into()),
            Long("eval") => evals.push(value(&mut p)?.into()),
            Long("lexicon") => lexicon = Some(PathBuf::from(value(&mut p)?)),
            Long("out") => out = Some(PathBuf::from(value(&mut p)?)),
            Long("model") => model = Some(PathBuf::from(value(&mut p)?)),
            Long("predict") => predict = Some(PathBuf::from(value(&mut p)?)),
            Long("source") => source = Some(value(&mut p)?.string()?),
            Long("epochs") => options.epochs = num(value(&mut p)?)? as u32,
            Long("folds") => options.folds = num(value(&mut p)?)? as u32,
            Long("bags") => options.bags = num(value(&mut p)?)? as u32,
            Long("seed") => options.seed = num(value(&mut p)?)?,
            Short('h') | Long("help") => {
                print!("{HELP}");
                return Ok(());
            }
            _ => return Err(format!("{}\n\n{HELP}", arg.unexpected()).into()),
        }
    }
    if model.is_none() && train_files.is_empty() {
        train_files = DEFAULT_TRAIN.iter().map(PathBuf::from).collect();
    }
    let segmenter = match (&model, train_files.is_empty()) {
        (Some(path), true) if path.as_os_str() == "embedded" => Segmenter::embedded().clone(),
        (Some(path), true) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Segmenter::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?
        }
        (None, false) => {
            let mut sentences = Vec::new();
            for f in &train_files {
                sentences.extend(read_seg(&read(f)?));
            }
            let lexicon: Vec<String> = match &lexicon {
                Some(path) => lexicon_entries(&read(path)?).map(str::to_owned).collect(),
                None => Vec::new(),
            };
            options.source = source.unwrap_or_else(|| {
                let names: Vec<String> = train_files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect();
                let lex = lexicon_name(&lexicon);
                format!("trained on {}{lex}", names.join(" + "))
            });
            let start = Instant::now();
            let m = train(&sentences, &lexicon, &options);
            eprintln!(
                "trained on {} sentences, {} lexicon words in {:.1} s",
                sentences.len(),
                lexicon.len(),
                start.elapsed().as_secs_f64()
            );
            m
        }
        _ => return Err(format!("give either --train or --model\n\n{HELP}").into()),
    };
    if let Some(path) = &out {
        let bytes = segmenter.to_bytes();
        std::fs::write(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    for path in &evals {
        let gold = read_seg(&read(path)?);
        let s = score(&segmenter, &gold);
        println!(
            "{}  sentences {}  precision {:.4}  recall {:.4}  F1 {:.4}",
            path.display(),
            gold.len(),
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    if let Some(path) = &predict {
        let text = read(path)?;
        let stdout = std::io::stdout();
        let mut o = stdout.lock();
        let mut starts = Vec::new();
        for line in text.lines() {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            segmenter.segment_into(&tokens, &mut starts);
            writeln!(o, "{}", format_seg(&tokens, &starts))?;
        }
    }
    Ok(())
}

fn value(p: &mut lexopt::Parser) -> Result<OsString, CliError> {
    Ok(p.value()?)
}

fn lexicon_name(lexicon: &[String]) -> String {
    if lexicon.is_empty() {
        String::new()
    } else {
        format!(" with a lexicon of {} words", lexicon.len())
    }
}
