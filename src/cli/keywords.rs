//! `soi keywords`: the word list or a file's keyness, from the same query as the Keywords view.

use super::*;

pub(super) fn keywords_cmd(
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
    let mut jobs = super::par::default_jobs();
    let mut over = crate::ingest::collection::ColumnMap::default();
    let mut sel = crate::query::Selection::default();
    while let Some(arg) = p.next()? {
        match arg {
            Long(f) if super::inputs::is_corpus_flag(f) => {
                let f = f.to_owned();
                super::inputs::set_corpus_flag(&f, p.value()?.string()?, &mut over, &mut sel)?;
            }
            Long("jobs") | Short('j') => jobs = super::par::jobs_value(p.value()?)?,
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
    if target.is_some() && !sel.is_all() {
        return Err("--keyness FILE and --from/--to/--source/--group do not go together".into());
    }
    let mut inputs: Vec<OsString> = target.iter().cloned().collect();
    inputs.extend(files);
    if inputs.is_empty() || (target.is_some() && inputs.len() < 2) {
        return Err(
            "keywords needs FILEs (and --keyness needs at least one FILE --against)".into(),
        );
    }
    let (corpus, failed) = load_with(&inputs, jobs, &over, err);
    let unit = match ngrams {
        1 => Unit::Words,
        n => Unit::Ngrams(n as u8),
    };
    // The same word list as the app's Keywords view: the corpus, or the first file against
    // the others.
    // Or, with --from/--to/--source/--group, the documents selected against the rest.
    let scope = match (&target, corpus.docs().first()) {
        (Some(_), Some(d)) => vec![d.id],
        (Some(_), None) => return Ok(ExitCode::from(1)),
        (None, _) => Vec::new(),
    };
    let keyness = !scope.is_empty() || !sel.is_all();
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
    let mut rows = if sel.is_all() {
        crate::query::keyword_rows(&corpus, &q).0
    } else {
        let (rows, _) = crate::query::selection_keyword_rows(&corpus, &q, &sel);
        let n = sel.doc_ids(&corpus).len();
        let _ = writeln!(
            err,
            "soi keywords: {n} of {} documents selected, against the rest",
            corpus.docs().len()
        );
        rows
    };
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
