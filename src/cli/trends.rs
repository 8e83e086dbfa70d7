//! `soi trends`: chosen words per day, week, month or year over the documents' dates, from
//! the same query as the Trends view (`query::period_trends`).

use super::*;

pub(super) fn trends_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::ingest::dates::Period;
    use lexopt::prelude::*;
    let mut by = Period::Month;
    let mut csv = false;
    let mut json = false;
    let mut words: Vec<String> = Vec::new();
    let mut files: Vec<OsString> = Vec::new();
    let mut jobs = par::default_jobs();
    let mut over = crate::ingest::collection::ColumnMap::default();
    let mut sel = crate::query::Selection::default();
    while let Some(arg) = p.next()? {
        match arg {
            Long(f) if inputs::is_corpus_flag(f) => {
                let f = f.to_owned();
                inputs::set_corpus_flag(&f, p.value()?.string()?, &mut over, &mut sel)?;
            }
            Long("jobs") | Short('j') => jobs = par::jobs_value(p.value()?)?,
            Long("by") => {
                let v = p.value()?.string()?;
                by = Period::from_id(&v)
                    .ok_or_else(|| format!("--by takes day, week, month or year, not '{v}'"))?;
            }
            Long("word") | Short('w') => words.push(p.value()?.string()?),
            Long("csv") => csv = true,
            Long("json") => json = true,
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) => files.push(v),
            other => return Err(other.unexpected().into()),
        }
    }
    // The first value is the words (comma-separated, as the Trends view takes them) unless
    // they were given with --word.
    if words.is_empty() && !files.is_empty() {
        let first = files.remove(0);
        words.push(
            first
                .into_string()
                .map_err(|_| "WORDS is not valid UTF-8")?,
        );
    }
    let terms = crate::query::TrendTerms::parse(&words.join(","));
    if terms.words.is_empty() || files.is_empty() {
        return Err(
            "trends needs WORDS (comma-separated, or --word W) and at least one FILE".into(),
        );
    }
    if csv && json {
        return Err("--csv and --json do not go together".into());
    }
    let (corpus, failed) = load_with(&files, jobs, &over, err);
    let v = crate::query::period_trends(&corpus, &terms, by, &sel);
    if v.truncated {
        let _ = writeln!(
            err,
            "soi trends: only the last {} periods are shown; use a longer --by",
            crate::query::MAX_BUCKETS
        );
    }
    let table = crate::query::period_trends_table(&v);
    let mut w = std::io::BufWriter::new(out);
    if csv {
        let _ = w.write_all(table.csv().as_bytes());
    } else if json {
        let _ = writeln!(w, "{}", crate::protocol::table_json(&table));
    } else {
        let _ = writeln!(w, "{}", table.header.join("\t"));
        for b in v
            .buckets
            .iter()
            .chain((v.undated.docs > 0).then_some(&v.undated))
        {
            let _ = write!(w, "{}\t{}\t{}", b.period, b.docs, b.words);
            for (n, per) in b.counts.iter().zip(&b.per_10k) {
                let _ = write!(w, "\t{n}\t{per:.2}");
            }
            let _ = writeln!(w);
        }
    }
    if w.flush().is_err() || failed {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
