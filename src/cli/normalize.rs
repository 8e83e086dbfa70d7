//! `soi normalize`: decode, normalize, print the canonical text, and report every change.

use super::offsets::CharOffsets;
use super::*;

pub(super) fn normalize_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use crate::text::normalize::{normalize_with, Options};
    use crate::text::syllable::ToneStyle;
    use lexopt::prelude::*;
    let mut opts = Options::default();
    let mut encoding = None;
    let mut report: Option<Option<OsString>> = None;
    let mut file: Option<OsString> = None;
    while let Some(arg) = p.next()? {
        match arg {
            Long("tone") => {
                opts.tone_style = match p.value()?.to_string_lossy().as_ref() {
                    "traditional" => ToneStyle::Traditional,
                    "modern" => ToneStyle::Modern,
                    other => {
                        return Err(CliError::Usage(format!(
                            "--tone takes 'traditional' or 'modern', not '{other}'"
                        )))
                    }
                }
            }
            Long("encoding") => {
                let label = p.value()?.to_string_lossy().into_owned();
                encoding = Some(
                    crate::ingest::Encoding::from_label(&label)
                        .ok_or_else(|| format!("unknown encoding '{label}'"))?,
                );
            }
            Long("report") => report = Some(p.optional_value()),
            Long("no-tone-marks") => opts.tone_marks = false,
            Long("no-glued") => opts.glued = false,
            Long("no-punctuation") => opts.punctuation = false,
            Long("no-d-stroke") => opts.d_stroke = false,
            Long("no-spaces") => opts.spaces = false,
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if file.is_none() => file = Some(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let Some(path) = file else {
        return Err("normalize needs a FILE ('-' for stdin)".into());
    };
    let name = path.to_string_lossy().into_owned();
    let bytes = match read_input(&path) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "soi: {name}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let decoded = match crate::ingest::decode_file(&name, &bytes, encoding) {
        Ok(d) => d,
        Err(r) => {
            let _ = writeln!(err, "soi: {name}: refused: {r}");
            return Ok(ExitCode::from(1));
        }
    };
    for w in &decoded.warnings {
        let _ = writeln!(err, "soi: warning: {name}: {w}");
    }
    let n = normalize_with(&decoded.text, &opts);
    if out.write_all(n.text.as_bytes()).is_err() {
        return Ok(ExitCode::from(1));
    }
    if let Some(target) = report {
        let json = normalize_report(&name, &decoded, &n);
        match target {
            Some(f) => {
                if let Err(e) = std::fs::write(&f, json) {
                    let _ = writeln!(err, "soi: {}: {e}", f.to_string_lossy());
                    return Ok(ExitCode::from(1));
                }
            }
            None => {
                let _ = writeln!(err, "{json}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The report of `soi normalize --report`: offsets in code points of the decoded original.
pub(super) fn normalize_report(
    name: &str,
    d: &crate::ingest::Decoded,
    n: &crate::text::normalize::Normalized,
) -> String {
    let to_chars = CharOffsets::new(&d.text);
    crate::protocol::cli::normalize_report(name, d, n, &|b| to_chars.get(b))
}
