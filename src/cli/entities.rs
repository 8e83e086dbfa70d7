//! `soi entities`: named entities as JSON Lines, per file or per line.

use super::offsets::CharOffsets;
use super::*;

/// Mentions of `normalized` (whose paragraphs were analyzed) as output entities with
/// offsets in code points of `original`; `mentions` have byte ranges into the normalized
/// text.
pub(super) fn entities_out<'a>(
    original: &'a str,
    n: &crate::text::normalize::Normalized,
    mentions: &'a [crate::entities::Mention],
    full: bool,
) -> Vec<EntityOut<'a>> {
    let chars = CharOffsets::new(original);
    mentions
        .iter()
        .map(|m| {
            let r = n.range_to_original(m.range.clone());
            let r = r.start.min(original.len())..r.end.min(original.len());
            EntityOut {
                start: chars.get(r.start),
                end: chars.get(r.end),
                kind: m.kind.id(),
                text: original.get(r).unwrap_or_default(),
                canonical: &m.canonical,
                iso: if full { m.iso.as_deref() } else { None },
                inferred: full && m.inferred,
                role_of: if full { m.role_of } else { None },
                org: if full { m.org_of_role.as_deref() } else { None },
                expansion: if full { m.expansion.as_deref() } else { None },
            }
        })
        .collect()
}

/// Lines handed to a thread at a time by `--lines`: enough to outweigh the hand-over.
const LINES_PER_CHUNK: usize = 256;

pub(super) fn entities_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::entities::{DocMemory, Recognizer};
    use crate::text::normalize::{normalize_with, Options};
    use crate::words::{words_into, Scratch, UserDict};
    use lexopt::prelude::*;
    use std::io::BufRead;
    let mut lines = false;
    let mut year: Option<i32> = None;
    let mut files: Vec<OsString> = Vec::new();
    let mut user: Option<Recognizer> = None;
    let mut table = false;
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
            Long("lines") => lines = true,
            Long("table") => table = true,
            Long("year") => year = Some(p.value()?.parse()?),
            Long("gazetteer") => {
                let path = p.value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
                let (r, errors) = Recognizer::with_user_entries(&text);
                for e in errors {
                    let _ = writeln!(err, "soi: {}: {e}", path.to_string_lossy());
                }
                user = Some(r);
            }
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) => files.push(v),
            other => return Err(other.unexpected().into()),
        }
    }
    if files.is_empty() {
        files.push("-".into());
    }
    if table {
        return Ok(entity_table(&files, jobs, &over, &sel, out, err));
    }
    if !sel.is_all() {
        return Err("--from/--to/--source/--group select the documents of --table".into());
    }
    let rec = user.as_ref().unwrap_or_else(|| Recognizer::embedded());
    let seg = crate::wordseg::Segmenter::embedded();
    let dict = UserDict::default();
    let opts = Options::default();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut failed = false;
    let mut closed = false;
    // Each line alone: the output of a chunk of lines as one string.
    let lines_json = |chunk: Vec<String>| {
        let mut memory = DocMemory::new();
        let mut scratch = Scratch::default();
        let mut words = Vec::new();
        let mut mentions = Vec::new();
        let mut json = String::new();
        for text in &chunk {
            let n = normalize_with(text, &opts);
            memory.clear();
            if let Some(y) = year {
                memory = DocMemory::with_year(y);
            }
            words_into(&n.text, seg, &dict, &mut scratch, &mut words);
            rec.paragraph(&n.text, &words, &mut memory, &mut mentions);
            let o = LineOut {
                entities: entities_out(text, &n, &mentions, false),
            };
            json.push_str(&crate::protocol::cli::line(&o));
            json.push('\n');
        }
        json
    };
    // A whole file (or a record's row, a zip's entry) as one document: its JSON line, or
    // why it was skipped.
    let file_json =
        |input: crate::corpus::batch::Input<super::inputs::Origin>| -> Result<String, String> {
            use crate::corpus::batch::Source;
            let name = input.name;
            let text = match input.source {
                Source::Bytes(Ok(bytes)) => {
                    crate::ingest::decode_file(&name, &bytes, None)
                        .map_err(|r| format!("soi: {name}: refused: {r}"))?
                        .text
                }
                Source::Bytes(Err(e)) => return Err(format!("soi: {name}: {e}")),
                Source::Text(t) => {
                    if t.trim().is_empty() {
                        return Err(format!(
                            "soi: {name}: refused: {}",
                            crate::ingest::Refusal::Empty
                        ));
                    }
                    t
                }
            };
            let n = normalize_with(&text, &opts);
            // Without --year, a file's dates without a year take the year of its date column,
            // else of its dateline, as in the app.
            let given = input.meta.date.map(|d| i32::from(d.y));
            let mut memory = match year
                .or(given)
                .or_else(|| crate::entities::year::document_year(&n.text))
            {
                Some(y) => DocMemory::with_year(y),
                None => DocMemory::new(),
            };
            let mut scratch = Scratch::default();
            let mut words = Vec::new();
            let mut mentions = Vec::new();
            let mut all = Vec::new();
            for (range, para) in crate::text::segment::paragraphs(&n.text) {
                words_into(para, seg, &dict, &mut scratch, &mut words);
                rec.paragraph(para, &words, &mut memory, &mut mentions);
                let base = all.len();
                all.extend(mentions.drain(..).map(|mut m| {
                    m.range = m.range.start + range.start..m.range.end + range.start;
                    m.role_of = m.role_of.map(|k| k + base);
                    m
                }));
            }
            let o = DocOut {
                file: &name,
                entities: entities_out(&text, &n, &all, true),
            };
            Ok(crate::protocol::cli::line(&o))
        };
    if lines {
        for path in &files {
            let name = path.to_string_lossy().into_owned();
            let Some(mut input) = open_lines(path, err) else {
                failed = true;
                continue;
            };
            let mut read_error = None;
            // Chunks of lines read here, analyzed on the threads, written in order: memory
            // stays flat however long the input is.
            let chunks = std::iter::from_fn(|| {
                if read_error.is_some() {
                    return None;
                }
                let mut chunk = Vec::new();
                let mut line = Vec::new();
                while chunk.len() < LINES_PER_CHUNK {
                    line.clear();
                    match input.read_until(b'\n', &mut line) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) => {
                            read_error = Some(e);
                            break;
                        }
                    }
                    let text = String::from_utf8_lossy(&line);
                    chunk.push(text.trim_end_matches(['\n', '\r']).to_owned());
                }
                (!chunk.is_empty()).then_some(chunk)
            });
            super::par::ordered(chunks, jobs, lines_json, |json| {
                closed = w.write_all(json.as_bytes()).is_err();
                !closed
            });
            if closed {
                return Ok(ExitCode::from(1));
            }
            if let Some(e) = read_error {
                let _ = writeln!(err, "soi: {name}: read error: {e}");
                failed = true;
            }
        }
    } else {
        let problems = super::inputs::Shared::default();
        let inputs = super::inputs::Inputs::of_args(&files, over, problems.clone());
        super::par::ordered(inputs, jobs, file_json, |r| {
            failed |= super::inputs::report(&problems, err) > 0;
            match r {
                Ok(json) => {
                    closed = writeln!(w, "{json}").is_err();
                    !closed
                }
                Err(message) => {
                    let _ = writeln!(err, "{message}");
                    failed = true;
                    true
                }
            }
        });
        failed |= super::inputs::report(&problems, err) > 0;
        if closed {
            return Ok(ExitCode::from(1));
        }
    }
    if w.flush().is_err() {
        return Ok(ExitCode::from(1));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `soi entities --table`: the corpus's entity table (every type), as the shards' SQL
/// rebuilds it: type, canonical name, mentions, documents; most mentioned first, then by
/// type and name.
fn entity_table(
    files: &[OsString],
    jobs: usize,
    over: &crate::ingest::collection::ColumnMap,
    sel: &crate::query::Selection,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let (corpus, failed) = load_with(files, jobs, over, err);
    let t = corpus.entities();
    // The selected documents' counts (all of them without --from/--to/--source/--group).
    let tally = crate::query::selection_tally(&corpus, sel);
    let mut rows: Vec<(&str, &str, u64, u64)> = (0..t.len())
        .filter_map(|i| {
            let info = t.info(i as crate::corpus::mentions::EntityId)?;
            let mentions = tally.mentions.get(i).copied().unwrap_or(0);
            let docs = tally.docs.get(i).copied().unwrap_or(0);
            (mentions > 0).then_some((info.kind.id(), info.canonical.as_str(), mentions, docs))
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (a.0, a.1).cmp(&(b.0, b.1))));
    let mut w = std::io::BufWriter::new(out);
    let _ = writeln!(w, "type\tcanonical\tmentions\tdocuments");
    for (kind, name, mentions, docs) in rows {
        let _ = writeln!(w, "{kind}\t{name}\t{mentions}\t{docs}");
    }
    if w.flush().is_err() || failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
