//! `soi kwic`: concordance lines of a query, with offsets into each decoded file.

use super::offsets::CharOffsets;
use super::*;

pub(super) fn kwic_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::text::concordance::{search, sort_key, Options, Query};
    use lexopt::prelude::*;
    let mut opts = Options::default();
    let mut width = 40usize;
    let mut order: Option<bool> = None;
    let mut query: Option<String> = None;
    let mut files: Vec<OsString> = Vec::new();
    let mut jobs = super::par::default_jobs();
    while let Some(arg) = p.next()? {
        match arg {
            Long("jobs") | Short('j') => jobs = super::par::jobs_value(p.value()?)?,
            Long("accents") => opts.ignore_accents = true,
            Long("case") => opts.case_sensitive = true,
            Long("width") => width = p.value()?.parse()?,
            Long("sort") => {
                order = Some(match p.value()?.to_string_lossy().as_ref() {
                    "right" => true,
                    "left" => false,
                    other => {
                        return Err(CliError::Usage(format!(
                            "--sort takes 'left' or 'right', not '{other}'"
                        )))
                    }
                })
            }
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if query.is_none() => {
                query = Some(
                    v.string()
                        .map_err(|_| "the query is not valid UTF-8".to_owned())?,
                )
            }
            Value(v) => files.push(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(q) = query.as_deref().and_then(|q| Query::parse(q, opts)) else {
        return Err("kwic needs a QUERY".into());
    };
    if files.is_empty() {
        return Err("kwic needs FILEs".into());
    }
    let (corpus, failed) = load(&files, jobs, err);
    let mut rows = Vec::new();
    for doc in corpus.docs() {
        let chars = CharOffsets::new(&doc.original());
        for h in search(&doc.text, &q, width) {
            let at = chars.get(doc.normalization.to_original(h.range.start));
            rows.push((doc.name.clone(), at, h));
        }
    }
    if let Some(by_right) = order {
        rows.sort_by_cached_key(|r| sort_key(&r.2, by_right));
    }
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    for (name, at, h) in &rows {
        let _ = writeln!(
            out,
            "{name}\t{at}\t{}\t{}\t{}",
            clean(&h.left),
            clean(&h.matched),
            clean(&h.right)
        );
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
