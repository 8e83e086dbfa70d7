//! `soi index` and its SQL: shards of the sample corpus and of the vntc news, combined by
//! DuckDB (`docs/sql/*.sql` through `examples/duckdb/run.py`) and by Spark in local mode
//! (`examples/spark/soi_spark.py`), must print exactly what `soi stats`, `soi keywords`
//! and `soi entities --table` print for the same files. Also: the same bytes whatever `-j`
//! is, bad files and rows skipped with their path and line, an interrupted run never left
//! looking complete, and the record reader fuzzed.
//!
//! The Python packages (`duckdb`, `pyspark`) come from `.ci/setup`; when missing, the test
//! installs them with pip, and skips with a "skipped: …" line only if that fails.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

const SOI: &str = env!("CARGO_BIN_EXE_soi");

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("soi-shards-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether `module` imports in python3, after installing `package` with pip if it did not.
fn python_has(test: &str, module: &str, package: &str) -> bool {
    let imports = || {
        Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if imports() {
        return true;
    }
    let _ = Command::new("python3")
        .args(["-m", "pip", "install", "-q", package])
        .status();
    if imports() {
        return true;
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {test}: python3 cannot import {module} and `pip install {package}` failed"
    );
    false
}

fn soi(args: &[&str], cwd: &Path) -> (String, String, i32) {
    let o = Command::new(SOI)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
        o.status.code().unwrap_or(-1),
    )
}

fn index(inputs: &[String], out: &Path, jobs: usize, cwd: &Path) -> String {
    let mut args = vec!["index".to_owned(), "-j".to_owned(), jobs.to_string()];
    args.push("--out".to_owned());
    args.push(out.display().to_string());
    args.extend(inputs.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, err, code) = soi(&args, cwd);
    assert_eq!(code, 0, "soi index failed: {err}");
    err
}

/// Run SQL files (paths from the crate's root, or `--sql TEXT`) with DuckDB in `cwd` (the
/// folder holding `shards/`); the last result as rows of fields.
fn duckdb(cwd: &Path, steps: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("python3");
    cmd.arg(support::root().join("examples/duckdb/run.py"));
    for s in steps {
        if let Some(sql) = s.strip_prefix("--sql ") {
            cmd.args(["--sql", sql]);
        } else {
            cmd.arg(support::root().join(s));
        }
    }
    let o = cmd.current_dir(cwd).output().unwrap();
    assert!(
        o.status.success(),
        "duckdb: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    tsv(&String::from_utf8(o.stdout).unwrap())
}

fn tsv(s: &str) -> Vec<Vec<String>> {
    s.lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// The totals `soi stats` prints, in totals.sql's column order.
const TOTALS: [&str; 9] = [
    "documents",
    "paragraphs",
    "sentences",
    "syllables",
    "types",
    "chars",
    "words",
    "word_types",
    "hapaxes",
];

/// The SQL's answers against the CLI's, for `files` indexed as the shards under `cwd`.
fn check_against_cli(cwd: &Path, files: &[String]) {
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    // Totals.
    let (stats, _, _) = soi(&[&["stats"], &refs[..]].concat(), cwd);
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    let sql = duckdb(cwd, &["docs/sql/views.sql", "docs/sql/totals.sql"]);
    assert_eq!(sql[0], TOTALS);
    for (k, v) in TOTALS.iter().zip(&sql[1]) {
        assert_eq!(stats[k].as_u64(), Some(num(v) as u64), "{k}");
    }
    // The word list: top 100 with frequency, documents, per million and DP.
    let (cli, _, _) = soi(&[&["keywords"], &refs[..]].concat(), cwd);
    let sql = duckdb(cwd, &["docs/sql/views.sql", "docs/sql/wordlist.sql"]);
    let mut printed = String::from("word\tfrequency\tdocuments\tper_million\tdp\n");
    for r in &sql[1..] {
        printed += &format!(
            "{}\t{}\t{}\t{:.1}\t{:.3}\n",
            r[0],
            r[1],
            r[2],
            num(&r[3]),
            num(&r[4])
        );
    }
    assert_eq!(printed.lines().count(), 101);
    assert_eq!(printed, cli, "word list");
    // Keyness of the first file against the others.
    if files.len() > 1 {
        keyness_against_cli(cwd, files);
    }
    // The entity table.
    let (cli, _, _) = soi(&[&["entities", "--table"], &refs[..]].concat(), cwd);
    let sql = duckdb(cwd, &["docs/sql/views.sql", "docs/sql/entities.sql"]);
    let printed: String = sql.iter().map(|r| r.join("\t") + "\n").collect();
    assert!(sql.len() > 10);
    assert_eq!(printed, cli, "entity table");
}

fn keyness_against_cli(cwd: &Path, files: &[String]) {
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let (cli, _, _) = soi(
        &[&["keywords", "--keyness", refs[0], "--against"], &refs[1..]].concat(),
        cwd,
    );
    let subset = format!(
        "--sql CREATE OR REPLACE TEMP VIEW subset AS SELECT doc_id FROM documents WHERE path = '{}'",
        files[0].replace('\'', "''")
    );
    let sql = duckdb(
        cwd,
        &["docs/sql/views.sql", &subset, "docs/sql/keyness.sql"],
    );
    let mut printed = String::from("word\ttarget\treference\tg2\tp\tlog_ratio\n");
    for r in sql[1..].iter().take(100) {
        printed += &format!(
            "{}\t{}\t{}\t{:.3}\t{:.3e}\t{:.3}\n",
            r[0],
            r[1],
            r[2],
            num(&r[3]),
            num(&r[4]),
            num(&r[5])
        );
    }
    assert_eq!(printed, cli, "keyness");
}

fn same_files(a: &Path, b: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "five tables and the manifest: {names:?}");
    for n in names {
        let (x, y) = (
            std::fs::read(a.join(&n)).unwrap(),
            std::fs::read(b.join(&n)).unwrap(),
        );
        assert!(x == y, "{n:?} differs between {a:?} and {b:?}");
    }
}

#[test]
fn sample_corpus_shards_give_what_the_cli_prints() {
    if !python_has("sample_corpus_shards", "duckdb", "duckdb") {
        return;
    }
    let dir = scratch("sample");
    let files: Vec<String> = support::sample_corpus()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    index(&files, &dir.join("shards/sample"), 2, &dir);
    check_against_cli(&dir, &files);
    // The same bytes with one thread, and again.
    index(&files, &dir.join("j1"), 1, &dir);
    same_files(&dir.join("shards/sample"), &dir.join("j1"));
    index(&files, &dir.join("j1"), 1, &dir);
    same_files(&dir.join("shards/sample"), &dir.join("j1"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn vntc_shards_give_what_the_cli_prints() {
    let Some(vntc) = support::restricted("vntc_shards", "vntc/dev.sample.txt") else {
        return;
    };
    if !python_has("vntc_shards", "duckdb", "duckdb") {
        return;
    }
    let dir = scratch("vntc");
    // The 8 MB file whole, as one document; and its 2,827 articles (blank-line separated)
    // in 40 files of about 70.
    index(
        &[vntc.display().to_string()],
        &dir.join("shards/whole"),
        2,
        &dir,
    );
    check_against_cli(&dir, &[vntc.display().to_string()]);
    std::fs::remove_dir_all(dir.join("shards")).unwrap();
    let text = std::fs::read_to_string(&vntc).unwrap();
    let articles: Vec<&str> = text.split("\n\n").collect();
    let per = articles.len().div_ceil(40);
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    let mut files = Vec::new();
    for (i, group) in articles.chunks(per).enumerate() {
        let path = format!("parts/{i:02}.txt");
        std::fs::write(dir.join(&path), group.join("\n\n")).unwrap();
        files.push(path);
    }
    index(&files, &dir.join("shards/parts"), 2, &dir);
    check_against_cli(&dir, &files);
    // Two shards of 20 files: the totals are the sums of each half's. (Duplicate detection
    // is per shard: a paragraph found in both halves counts in each, so these are not the
    // totals of the 40 files read as one corpus; docs/shards.md says so.)
    std::fs::remove_dir_all(dir.join("shards")).unwrap();
    let half = files.len() / 2;
    index(&files[..half], &dir.join("shards/a"), 2, &dir);
    index(&files[half..], &dir.join("shards/b"), 2, &dir);
    let sql = duckdb(&dir, &["docs/sql/views.sql", "docs/sql/totals.sql"]);
    let halves: Vec<serde_json::Value> = [&files[..half], &files[half..]]
        .iter()
        .map(|part| {
            let refs: Vec<&str> = part.iter().map(String::as_str).collect();
            let (stats, _, _) = soi(&[&["stats"], &refs[..]].concat(), &dir);
            serde_json::from_str(&stats).unwrap()
        })
        .collect();
    for (k, v) in TOTALS.iter().zip(&sql[1]).take(4) {
        let sum: u64 = halves.iter().map(|h| h[k].as_u64().unwrap()).sum();
        assert_eq!(sum, num(v) as u64, "{k}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spark_local_mode_gives_the_same_totals() {
    if !python_has("spark_local_mode", "duckdb", "duckdb")
        || !python_has("spark_local_mode", "pyspark", "pyspark")
    {
        return;
    }
    let dir = scratch("spark");
    let files: Vec<String> = support::sample_corpus()
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    index(&files, &dir.join("shards/sample"), 2, &dir);
    let want = duckdb(&dir, &["docs/sql/views.sql", "docs/sql/totals.sql"]);
    let words = duckdb(&dir, &["docs/sql/views.sql", "docs/sql/wordlist.sql"]);
    let o = Command::new("python3")
        .arg(support::root().join("examples/spark/soi_spark.py"))
        .args(["--soi", SOI, "--partitions", "3", "--out"])
        .arg(dir.join("spark"))
        .arg("--sql")
        .arg(support::root().join("docs/sql/totals.sql"))
        .arg("--sql")
        .arg(support::root().join("docs/sql/wordlist.sql"))
        .args(&files)
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    if !o.status.success() && (err.contains("JAVA_HOME") || err.contains("Java gateway")) {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: spark_local_mode: no Java: {err}"
        );
        return;
    }
    assert!(o.status.success(), "spark: {err}");
    let got = tsv(&String::from_utf8(o.stdout).unwrap());
    // Three shards of the five files, combined by Spark: the totals DuckDB gives for one.
    assert_eq!(got[..2], want[..], "totals");
    assert_eq!(got[2], words[0]);
    let round = |rows: &[Vec<String>]| -> Vec<String> {
        rows.iter()
            .map(|r| {
                format!(
                    "{} {} {} {:.1} {:.3}",
                    r[0],
                    r[1],
                    r[2],
                    num(&r[3]),
                    num(&r[4])
                )
            })
            .collect()
    };
    assert_eq!(round(&got[3..]), round(&words[1..]), "word list");
    assert_eq!(
        std::fs::read_dir(dir.join("spark")).unwrap().count(),
        3,
        "one shard a partition"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_files_and_rows_are_reported_and_skipped() {
    let dir = scratch("bad");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    let sample = support::sample_corpus();
    std::fs::write(input.join("a.txt"), &sample[0].bytes).unwrap();
    std::fs::write(input.join("sub/b.md"), &sample[1].bytes).unwrap();
    std::fs::write(input.join("photo.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(
        input.join("sub/rows.csv"),
        "id,date,text\n1,05/03/2024,Hà Nội đón khách du lịch.\n2,x,\"bad \"quote\n3,2024-01-02,Đà Nẵng mưa to.\n",
    )
    .unwrap();
    std::fs::write(
        input.join("sub/rows.jsonl"),
        "{\"text\": \"Huế nắng nhẹ.\", \"source\": \"tin\"}\n{\"text\": \"unclosed}\n{\"title\": \"no text\"}\n",
    )
    .unwrap();
    // The shard inside the folder it reads, run twice: its own tables are never input.
    let out = input.join("out");
    let args = [
        "index",
        "--out",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ];
    let (_, err, _) = soi(&args, &dir);
    assert!(err.contains("5 documents from 5 files"), "{err}");
    let (_, err, code) = soi(&args, &dir);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("photo.txt: refused"), "{err}");
    assert!(err.contains("rows.csv: line 3:"), "{err}");
    assert!(err.contains("rows.jsonl: line 2:"), "{err}");
    assert!(err.contains("rows.jsonl: line 3: no text column"), "{err}");
    assert!(err.contains("5 documents from 5 files"), "{err}");
    assert!(err.contains("4 skipped"), "{err}");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"documents\": 5"), "{manifest}");
    assert!(manifest.contains("\"skipped\": 4"), "{manifest}");
    if python_has("bad_files", "duckdb", "duckdb") {
        std::fs::rename(&out, dir.join("shards")).unwrap();
        let rows = duckdb(
            &dir,
            &[
                "docs/sql/views.sql",
                "--sql SELECT record_id, date, date_raw, year, source, row FROM documents WHERE row IS NOT NULL ORDER BY seq",
            ],
        );
        assert_eq!(
            rows[1..],
            [
                vec!["1", "2024-03-05", "05/03/2024", "2024", "", "2"],
                vec!["3", "2024-01-02", "2024-01-02", "2024", "", "4"],
                vec!["", "", "", "", "tin", "1"],
            ]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_interrupted_run_never_looks_complete() {
    let dir = scratch("interrupted");
    let sample = support::sample_corpus();
    let out = dir.join("out");
    let files: Vec<String> = sample
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    index(&files, &out, 1, &dir);
    assert!(out.join("manifest.json").is_file());
    // A bigger input (distinct copies, so each is analyzed), stopped while it runs.
    let input = dir.join("big");
    std::fs::create_dir_all(&input).unwrap();
    for k in 0..400 {
        let f = &sample[k % sample.len()];
        let text = f.text().replace('\n', &format!(" (bản {k})\n"));
        std::fs::write(input.join(format!("{k:04}.txt")), text).unwrap();
    }
    let mut child = Command::new(SOI)
        .args(["index", "-j", "1", "--out"])
        .arg(&out)
        .arg(&input)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    if !finished {
        assert!(
            !out.join("manifest.json").exists(),
            "a stopped run must not leave a manifest"
        );
    }
    // Run again to the end: complete, and no temporary file left.
    index(&[input.display().to_string()], &out, 2, &dir);
    assert!(out.join("manifest.json").is_file());
    let tmp: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "{tmp:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn record_reader_never_panics_and_ignores_chunking() {
    use soi::ingest::records::{RecordFormat, RecordReader};
    let mut rng = support::Rng::new(17);
    let pieces: [&[u8]; 16] = [
        b"\"",
        b",",
        b"\n",
        b"\r\n",
        b"\t",
        b"{",
        b"}",
        b":",
        b"\\u",
        b"d83d",
        b"\\",
        b"[",
        b"]",
        b"text",
        "Việt".as_bytes(),
        b"\xff",
    ];
    for case in 0..3000 {
        let mut bytes = Vec::new();
        for _ in 0..rng.below(60) {
            if rng.below(3) == 0 {
                bytes.push(rng.next() as u8);
            } else {
                bytes.extend_from_slice(pieces[rng.below(pieces.len())]);
            }
        }
        for format in [
            RecordFormat::Csv,
            RecordFormat::Tsv,
            RecordFormat::JsonLines,
        ] {
            let read = |chunk: usize| {
                let mut r = RecordReader::new(format);
                let mut out = Vec::new();
                for c in bytes.chunks(chunk) {
                    r.push(c, &mut out);
                }
                r.finish(&mut out);
                out
            };
            let whole = read(bytes.len().max(1));
            let lines: Vec<u64> = whole.iter().map(|r| r.line).collect();
            assert!(
                lines.windows(2).all(|w| w[0] < w[1]),
                "case {case} {format:?}: {lines:?}"
            );
            let chunk = 1 + rng.below(7);
            assert_eq!(
                read(chunk),
                whole,
                "case {case} {format:?} chunk {chunk}: {bytes:?}"
            );
        }
    }
}
