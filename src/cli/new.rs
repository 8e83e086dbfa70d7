//! `soi new`: what is new in a period — the words and entities whose share rose against the
//! period of the same length just before, significant by G² — from the same query as the
//! Documents view's "what is new" (`query::time::what_is_new`).

use super::*;

pub(super) fn new_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::query::time::{what_is_new, what_is_new_table, NewQuery, SIGNIFICANT_G2};
    use lexopt::prelude::*;
    let (mut csv, mut json) = (false, false);
    let mut files: Vec<OsString> = Vec::new();
    let mut jobs = par::default_jobs();
    let mut over = crate::ingest::collection::ColumnMap::default();
    let mut sel = crate::query::Selection::default();
    let mut top = 50usize;
    let mut min_g2 = SIGNIFICANT_G2;
    while let Some(arg) = p.next()? {
        match arg {
            Long(f) if inputs::is_corpus_flag(f) => {
                let f = f.to_owned();
                inputs::set_corpus_flag(&f, p.value()?.string()?, &mut over, &mut sel)?;
            }
            Long("jobs") | Short('j') => jobs = par::jobs_value(p.value()?)?,
            Long("top") => top = p.value()?.parse()?,
            Long("min-g2") => {
                let v = p.value()?.string()?;
                min_g2 = v
                    .parse::<f64>()
                    .ok()
                    .filter(|g| g.is_finite() && *g >= 0.0)
                    .ok_or_else(|| format!("--min-g2 takes a number ≥ 0, not '{v}'"))?;
            }
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
    let (Some(from), Some(to)) = (sel.from, sel.to) else {
        return Err("new needs the period: --from D --to D (a year, a month or a day)".into());
    };
    if files.is_empty() {
        return Err("new needs at least one FILE".into());
    }
    if csv && json {
        return Err("--csv and --json do not go together".into());
    }
    let (corpus, failed) = load_with(&files, jobs, &over, err);
    let v = what_is_new(
        &corpus,
        &NewQuery {
            from,
            to,
            within: sel,
            min_g2,
            top,
        },
    );
    let _ = writeln!(
        err,
        "soi new: {} – {} ({} documents, {} words) against {} – {} ({} documents, {} words)",
        v.period.0,
        v.period.1,
        v.docs.0,
        v.words.0,
        v.previous.0,
        v.previous.1,
        v.docs.1,
        v.words.1
    );
    let table = what_is_new_table(&v);
    let mut w = std::io::BufWriter::new(out);
    if csv {
        let _ = w.write_all(table.csv().as_bytes());
    } else if json {
        let _ = writeln!(w, "{}", crate::protocol::table_json(&table));
    } else {
        let _ = writeln!(w, "{}", table.header.join("\t"));
        for r in v.words_rows.iter().chain(&v.entity_rows) {
            let _ = writeln!(
                w,
                "{}\t{}\t{}\t{}\t{:.2}\t{:.2}\t{:.2}\t{:.2}",
                r.kind.map_or("word", |k| k.id()),
                r.term,
                r.now,
                r.before,
                r.now_per_10k,
                r.before_per_10k,
                r.g2,
                r.log_ratio
            );
        }
    }
    if w.flush().is_err() || failed {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
