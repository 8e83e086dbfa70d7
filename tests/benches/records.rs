//! A news export as people have it: a 50 MB CSV of 20,000 articles with dates over two
//! years and five sources, read by `ingest::collection::RecordDocs` a megabyte at a time
//! and analyzed through `Corpus::add_each` (one thread, as the worker runs, and two); then
//! the time queries over it (a monthly trend, a source's keyness, "what is new").
//!
//! Run: `cargo bench --bench records` (add `-- --quick` for one round). The rows are built
//! at bench time from the paragraphs of `../shared/data/vntc/dev.sample.txt` (news that
//! may not be redistributed: never written into the repository), each paragraph marked
//! with its row so no two rows repeat; without that file, from the sample corpus in
//! `www/corpus/`. The figures go in BENCHMARKS.md.

use soi::corpus::batch::Input;
use soi::corpus::{AnalysisOptions, Corpus};
use soi::ingest::collection::{ColumnMap, Item, RecordDocs};
use soi::ingest::dates::{Date, Period};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const ROWS: usize = 20_000;
const TARGET_BYTES: usize = 50 << 20;
const SOURCES: [&str; 5] = ["Báo A", "Báo B", "Báo C", "Tạp chí D", "Cổng E"];

/// The articles the rows are made of, and where they came from.
fn articles() -> (Vec<String>, &'static str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Ok(t) = std::fs::read_to_string(root.join("../shared/data/vntc/dev.sample.txt")) {
        let a: Vec<String> = t
            .split("\n\n")
            .filter(|a| !a.trim().is_empty())
            .map(str::to_owned)
            .collect();
        return (a, "vntc dev.sample paragraphs");
    }
    let mut files: Vec<_> = std::fs::read_dir(root.join("www/corpus"))
        .expect("www/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let a = files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .split("\n\n")
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|a| !a.trim().is_empty())
        .collect();
    (a, "sample corpus paragraphs (vntc not found)")
}

/// The CSV: id, date (three of the forms sites print, over 2023–2024), source, title, text.
fn csv(articles: &[String]) -> Vec<u8> {
    let per_row = TARGET_BYTES / ROWS;
    let start = Date::new(2023, 1, 1).expect("a date").days();
    let mut out = String::with_capacity(TARGET_BYTES + (1 << 20));
    out.push_str("id,ngày,nguồn,tiêu đề,nội dung\n");
    let mut next = 0;
    for row in 0..ROWS {
        let mut text = String::new();
        while text.len() < per_row {
            let a = &articles[next % articles.len()];
            next += 1;
            for line in a.lines() {
                text.push_str(line);
                text.push_str(&format!(" (dòng {row})\n"));
            }
        }
        let day = Date::from_days(start + (row * 730 / ROWS) as i64).expect("a date");
        let date = match row % 3 {
            0 => day.to_string(),
            1 => format!("{:02}/{:02}/{}", day.d, day.m, day.y),
            _ => format!(
                "\"Thứ Hai, {:02}/{:02}/{} 08:15 (GMT+7)\"",
                day.d, day.m, day.y
            ),
        };
        let title = text
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(60)
            .collect::<String>();
        out.push_str(&format!(
            "{row},{date},{},\"{}\",\"{}\"\n",
            SOURCES[row % SOURCES.len()],
            title.replace('"', "\"\""),
            text.replace('"', "\"\"")
        ));
    }
    out.into_bytes()
}

fn time<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    let mut t: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn report(name: &str, bytes: usize, docs: usize, d: Duration) {
    let s = d.as_secs_f64();
    println!(
        "{name:<44} {:>7.1} MB {:>7} docs {:>9.1} ms {:>7.1} MB/s {:>8.0} docs/s",
        bytes as f64 / (1 << 20) as f64,
        docs,
        s * 1e3,
        bytes as f64 / (1 << 20) as f64 / s,
        docs as f64 / s
    );
}

/// The CSV's documents, read a megabyte at a time as the worker reads `File` slices.
fn rows(bytes: &[u8]) -> (Vec<Input<()>>, usize) {
    let mut r = RecordDocs::new(
        "export.csv",
        soi::ingest::records::RecordFormat::Csv,
        ColumnMap::default(),
    );
    let mut items = Vec::new();
    for chunk in bytes.chunks(1 << 20) {
        r.push(chunk, &mut items);
    }
    r.finish(&mut items);
    let mut problems = 0;
    let docs = items
        .into_iter()
        .filter_map(|i| match i {
            Item::Doc(d) => Some(Input::from(d)),
            Item::Problem(_) => {
                problems += 1;
                None
            }
        })
        .collect();
    (docs, problems)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 1 } else { 3 };
    let (articles, from) = articles();
    let t = Instant::now();
    let bytes = csv(&articles);
    println!(
        "{ROWS} rows from {from}: {:.1} MB of CSV built in {:.0} ms",
        bytes.len() as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64() * 1e3
    );
    let d = time(rounds, || {
        black_box(rows(&bytes));
    });
    let (docs, problems) = rows(&bytes);
    assert_eq!((docs.len(), problems), (ROWS, 0), "every row is a document");
    report("read rows (RecordDocs, 1 MB chunks)", bytes.len(), ROWS, d);
    let mut corpus = Corpus::new();
    for jobs in [1, 2] {
        let d = time(rounds, || {
            let mut c = Corpus::new();
            let (inputs, _) = rows(&bytes);
            c.add_each(
                inputs.into_iter(),
                jobs,
                &AnalysisOptions::default(),
                |_, _, _, o| {
                    black_box(o.is_ok());
                },
            );
            corpus = c;
        });
        report(
            &format!("rows + analysis, add_each -j {jobs}"),
            bytes.len(),
            ROWS,
            d,
        );
    }
    assert_eq!(corpus.docs().len(), ROWS);
    let dated = corpus
        .docs()
        .iter()
        .filter(|d| d.meta.date.is_some())
        .count();
    assert_eq!(dated, ROWS, "every row's date was read");
    let terms = soi::query::TrendTerms::parse("kinh tế, bóng đá");
    let d = time(rounds * 3, || {
        black_box(soi::query::period_trends(
            &corpus,
            &terms,
            Period::Month,
            &Default::default(),
        ));
    });
    report("trend of 2 words by month", bytes.len(), ROWS, d);
    let sel = soi::query::Selection {
        sources: vec![SOURCES[1].to_owned()],
        ..Default::default()
    };
    let d = time(rounds, || {
        black_box(soi::query::selection_keyword_rows(
            &corpus,
            &Default::default(),
            &sel,
        ));
    });
    report(
        "keyness of one source against the rest",
        bytes.len(),
        ROWS,
        d,
    );
    let (from, to) = (
        Date::new(2024, 4, 1).expect("a date"),
        Date::new(2024, 6, 30).expect("a date"),
    );
    let d = time(rounds, || {
        black_box(soi::query::what_is_new(
            &corpus,
            &soi::query::NewQuery::new(from, to),
        ));
    });
    report("what is new in a quarter", bytes.len(), ROWS, d);
}
