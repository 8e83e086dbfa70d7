//! `soi segment`: word segmentation, line by line, streaming.

use super::*;

pub(super) fn segment_cmd(
    p: &mut lexopt::Parser,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    use lexopt::prelude::*;
    use std::io::BufRead;
    let mut file: Option<OsString> = None;
    let mut dict = crate::words::UserDict::default();
    while let Some(arg) = p.next()? {
        match arg {
            Long("dict") => {
                let path = p.value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
                dict = crate::words::UserDict::parse(&text);
            }
            Long("help") | Short('h') => {
                let _ = out.write_all(HELP.as_bytes());
                return Ok(ExitCode::SUCCESS);
            }
            Value(v) if file.is_none() => file = Some(v),
            other => return Err(other.unexpected().into()),
        }
    }
    let path = file.unwrap_or_else(|| "-".into());
    let Some(input) = open_lines(&path, err) else {
        return Ok(ExitCode::from(1));
    };
    let seg = crate::wordseg::Segmenter::embedded();
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut starts = Vec::new();
    let mut line = Vec::new();
    let mut input = input;
    // Line by line with reused buffers: memory stays flat however long the input is.
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "soi: read error: {e}");
                return Ok(ExitCode::from(1));
            }
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        let tokens: Vec<&str> = text.split_whitespace().collect();
        seg.segment_into(&tokens, &mut starts);
        dict.apply(&tokens, &mut starts);
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(tokens.len());
            if k > 0 {
                let _ = w.write_all(b" ");
            }
            for (j, t) in tokens[s..e].iter().enumerate() {
                if j > 0 {
                    let _ = w.write_all(b"_");
                }
                let _ = w.write_all(t.as_bytes());
            }
        }
        if w.write_all(b"\n").is_err() {
            return Ok(ExitCode::from(1));
        }
    }
    if w.flush().is_err() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
