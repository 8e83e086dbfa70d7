//! Golden snapshots of the `soi` binary's outputs on the sample corpus (`www/corpus/*.txt`):
//! every command, its exit code, stdout and stderr, kept in `tests/snapshots/*.snap`.
//!
//! A change of output fails here with a diff. When the change is meant, update the snapshots
//! with the one command (no cargo-insta needed) and review the diff of `tests/snapshots/` in
//! the commit:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --release --test snapshots
//! ```
//!
//! The binary runs in the crate's root with relative file names, so no snapshot holds an
//! absolute path; no output holds a timing.

use std::process::Command;

mod support;

/// Runs `soi args…` in the crate's root and describes what it did: exit code, stdout and
/// stderr.
fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_soi"))
        .current_dir(support::root())
        .args(args)
        .output()
        .expect("run soi");
    let mut s = format!(
        "$ soi {}\nexit: {}\n",
        args.join(" "),
        out.status.code().unwrap_or(-1)
    );
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if !bytes.is_empty() {
            s.push_str(&format!(
                "--- {name}\n{}\n",
                String::from_utf8_lossy(bytes).trim_end()
            ));
        }
    }
    s
}

/// The sample corpus's files, relative to the crate's root.
fn files() -> Vec<String> {
    support::sample_corpus()
        .iter()
        .map(support::SampleFile::relative)
        .collect()
}

/// `soi command options… FILES…`.
fn on_corpus(command: &[&str]) -> String {
    let files = files();
    let args: Vec<&str> = command
        .iter()
        .copied()
        .chain(files.iter().map(String::as_str))
        .collect();
    run(&args)
}

#[test]
fn stats() {
    insta::assert_snapshot!("stats", on_corpus(&["stats", "--top", "20"]));
}

#[test]
fn normalize_with_report() {
    for (i, f) in files().iter().enumerate() {
        insta::assert_snapshot!(
            format!("normalize_report_{i}"),
            run(&["normalize", "--report", f])
        );
    }
    let first = &files()[0];
    insta::assert_snapshot!(
        "normalize_modern_tones",
        run(&["normalize", "--tone", "modern", "--no-glued", first])
    );
}

#[test]
fn segment() {
    for (i, f) in files().iter().enumerate() {
        insta::assert_snapshot!(format!("segment_{i}"), run(&["segment", f]));
    }
}

#[test]
fn keywords() {
    insta::assert_snapshot!("keywords", on_corpus(&["keywords", "--top", "40"]));
    insta::assert_snapshot!(
        "keywords_json",
        on_corpus(&["keywords", "--json", "--top", "15"])
    );
    insta::assert_snapshot!(
        "keywords_ngrams",
        on_corpus(&["keywords", "--ngrams", "2", "--top", "30"])
    );
    insta::assert_snapshot!(
        "keywords_all",
        on_corpus(&["keywords", "--all", "--top", "20"])
    );
    let files = files();
    let mut args = vec![
        "keywords",
        "--top",
        "30",
        "--keyness",
        &files[1],
        "--against",
    ];
    args.extend(files.iter().filter(|f| **f != files[1]).map(String::as_str));
    insta::assert_snapshot!("keywords_keyness", run(&args));
}

#[test]
fn kwic() {
    insta::assert_snapshot!("kwic", on_corpus(&["kwic", "đối ngoại"]));
    insta::assert_snapshot!(
        "kwic_accents",
        on_corpus(&["kwic", "--accents", "--width", "25", "doi ngoai"])
    );
    insta::assert_snapshot!(
        "kwic_sort_left",
        on_corpus(&["kwic", "--sort", "left", "--width", "30", "ngoại giao"])
    );
    insta::assert_snapshot!(
        "kwic_sort_right_wildcard",
        on_corpus(&["kwic", "--sort", "right", "--width", "30", "hội *"])
    );
    insta::assert_snapshot!(
        "kwic_case",
        on_corpus(&["kwic", "--case", "--width", "30", "Đảng"])
    );
}

#[test]
fn collocates() {
    insta::assert_snapshot!("collocates", on_corpus(&["collocates", "đối ngoại"]));
    for by in ["freq", "mi", "t"] {
        insta::assert_snapshot!(
            format!("collocates_by_{by}"),
            on_corpus(&["collocates", "--by", by, "--top", "20", "ngoại giao"])
        );
    }
    insta::assert_snapshot!(
        "collocates_window_min",
        on_corpus(&["collocates", "--window", "2", "--min", "3", "--all", "đảng"])
    );
}

#[test]
fn entities() {
    insta::assert_snapshot!("entities", on_corpus(&["entities"]));
    insta::assert_snapshot!(
        "entities_year",
        run(&["entities", "--year", "2019", &files()[2]])
    );
}

#[test]
fn errors() {
    insta::assert_snapshot!("error_usage", run(&["kwic"]));
    insta::assert_snapshot!("error_unknown_command", run(&["frobnicate"]));
    let files = files();
    insta::assert_snapshot!(
        "error_missing_file",
        run(&["stats", "--top", "3", &files[0], "tests/no-such-file.txt"])
    );
}
