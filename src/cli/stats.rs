//! `soi stats`: the corpus overview as JSON, with the files refused.

use super::*;

pub(super) fn stats(
    files: &[OsString],
    top: usize,
    jobs: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    use crate::corpus::batch::{Failure, Input, Source};
    let mut corpus = Corpus::new();
    let mut refused = Vec::new();
    let inputs = files.iter().map(|path| Input {
        name: path.to_string_lossy().into_owned(),
        source: Source::Bytes(read_input(path).map_err(|e| e.to_string())),
        tag: (),
    });
    let opts = crate::corpus::AnalysisOptions::default();
    corpus.add_each(
        inputs,
        jobs,
        &opts,
        |corpus, (), name, outcome| match outcome {
            Ok(id) => {
                for w in corpus
                    .doc(id)
                    .map(|d| d.warnings.as_slice())
                    .unwrap_or_default()
                {
                    let _ = writeln!(err, "soi: warning: {name}: {w}");
                }
            }
            Err(f) => {
                let _ = writeln!(err, "soi: {name}: {f}");
                let reason = match &f {
                    Failure::Unreadable(detail) => RefuseReason::Unreadable {
                        detail: detail.clone(),
                    },
                    Failure::Refused(r) => RefuseReason::from(r),
                    Failure::Crashed => RefuseReason::Crashed,
                };
                refused.push(RefusedFile {
                    name: name.to_owned(),
                    reason,
                });
            }
        },
    );
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
