//! `soi collocates`: a word's collocates, from the same query as the Collocates view.

use super::*;

pub(super) fn collocates_cmd(
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
    let mut jobs = super::par::default_jobs();
    while let Some(arg) = p.next()? {
        match arg {
            Long("jobs") | Short('j') => jobs = super::par::jobs_value(p.value()?)?,
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
    let (corpus, failed) = load(&files, jobs, err);
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
