//! What the integration tests share: one deterministic random generator, one loader of the
//! sample corpus (`www/corpus/*.txt`), the vendored annotated data (`tests/data/`), and one
//! way to reach data that may not be redistributed (`../shared/data/…`, copyrighted news):
//! a test that needs it gets `None` when it is not there, says so on stderr and passes.
//!
//! Each test file includes it with `mod support;`. Not every file uses every helper.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// The crate's root (where `Cargo.toml` is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// xorshift64*: a small deterministic generator with no dependency, so a failure reproduces
/// from its seed and case number.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 would stay 0, so it is replaced by a fixed odd number).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One file of the sample corpus.
pub struct SampleFile {
    /// The full path.
    pub path: PathBuf,
    /// The file name, e.g. `000_1b4edb2404a232dc.txt`.
    pub name: String,
    /// The file as it is on disk.
    pub bytes: Vec<u8>,
}

impl SampleFile {
    /// The file as text (the sample corpus is UTF-8).
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).expect("the sample corpus is UTF-8")
    }

    /// The path relative to the crate's root, e.g. `www/corpus/000_….txt`.
    pub fn relative(&self) -> String {
        format!("www/corpus/{}", self.name)
    }
}

/// The sample corpus (`www/corpus/*.txt`, vendored), sorted by file name.
pub fn sample_corpus() -> Vec<SampleFile> {
    let dir = root().join("www/corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 5, "the sample corpus has five files");
    paths
        .into_iter()
        .map(|path| SampleFile {
            name: path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned(),
            bytes: std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            path,
        })
        .collect()
}

/// A file of the annotated data vendored in `tests/data/` (e.g. `ud-vtb/train.seg.txt`):
/// always there, in a clone too.
pub fn vendored(name: &str) -> PathBuf {
    let path = root().join("tests/data").join(name);
    assert!(
        path.is_file(),
        "{} is missing: it is part of the repository",
        path.display()
    );
    path
}

/// A file of data that may not be redistributed, under `../shared/data/` beside the crate
/// (`ner-dev/dev.jsonl`, `ner-train/train.jsonl`, `vntc/dev.sample.txt`: copyrighted news,
/// never copied into the repository). `None` when it is not there, after a line on stderr
/// naming the test that skips; the test then returns and passes.
///
/// With `SOI_REQUIRE_SHARED=1` a missing file fails the test instead (for machines that
/// must have the shared folder, so nothing is skipped there unnoticed).
pub fn restricted(test: &str, name: &str) -> Option<PathBuf> {
    let shown = format!("../shared/data/{name}");
    let path = root().join(&shown);
    if path.is_file() {
        return Some(path);
    }
    let why = format!("{shown} is not here (copyrighted news, never in the repo)");
    if std::env::var_os("SOI_REQUIRE_SHARED").is_some_and(|v| v != "0") {
        panic!("{test}: {why}, and SOI_REQUIRE_SHARED is set");
    }
    // Straight to stderr, not through `eprintln!`, which the test harness captures and
    // hides for a test that passes: the skip is seen in every run.
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
    None
}
