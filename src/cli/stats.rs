//! `soi stats`: the corpus overview as JSON, with the files refused.

use super::*;

pub(super) fn stats(
    files: &[OsString],
    top: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
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
