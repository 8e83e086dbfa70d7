//! A whole answer as a table of typed cells, and its CSV (RFC 4180, spreadsheet-safe).

/// A whole table, ready to write out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Cells, row by row.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Int(u64),
    /// A measure.
    Num(f64),
    /// Not applicable.
    None,
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::None, Cell::Num)
    }
}

fn num_text(v: f64) -> String {
    if v.is_finite() {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.to_owned()
        }
    } else if v > 0.0 {
        "inf".into()
    } else if v < 0.0 {
        "-inf".into()
    } else {
        String::new()
    }
}

impl Table {
    /// RFC 4180 CSV: comma-separated, fields with a comma, quote or line break quoted, CRLF
    /// line ends, numbers with a '.' decimal point. A cell that a spreadsheet would run as
    /// a formula (starting with = + - @) is prefixed with a quote mark.
    pub fn csv(&self) -> String {
        let field = |s: &str| -> String {
            let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
                format!("'{s}")
            } else {
                s.to_owned()
            };
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s
            }
        };
        let mut out = String::new();
        let line = |cells: Vec<String>, out: &mut String| {
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(self.header.iter().map(|h| field(h)).collect(), &mut out);
        for r in &self.rows {
            line(
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => field(s),
                        Cell::Int(n) => n.to_string(),
                        Cell::Num(v) => num_text(*v),
                        Cell::None => String::new(),
                    })
                    .collect(),
                &mut out,
            );
        }
        out
    }
}

pub(crate) fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}
