//! `soi stats`: the corpus overview as JSON, with the files refused.

use super::*;

pub(super) fn stats(
    files: &[OsString],
    top: usize,
    jobs: usize,
    over: &crate::ingest::collection::ColumnMap,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    use crate::corpus::batch::Failure;
    let mut corpus = Corpus::new();
    let mut refused = Vec::new();
    let problems = super::inputs::Shared::default();
    let inputs = super::inputs::Inputs::of_args(files, over.clone(), problems.clone());
    let mut bad_rows = 0;
    let opts = crate::corpus::AnalysisOptions::default();
    corpus.add_each(inputs, jobs, &opts, |corpus, _, name, outcome| {
        bad_rows += super::inputs::report(&problems, err);
        match outcome {
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
        }
    });
    bad_rows += super::inputs::report(&problems, err);
    let output = StatsOutput {
        corpus: views::corpus_view(&corpus, top),
        metadata: corpus
            .docs()
            .iter()
            .map(crate::protocol::cli::DocumentMeta::of)
            .collect(),
        refused,
    };
    let failed = !output.refused.is_empty() || bad_rows > 0;
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
