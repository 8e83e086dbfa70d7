//! Throughput of the engine's whole pipeline (decode → normalize → paragraphs, sentences,
//! syllables → counts), in MB/s, against a `split_whitespace` baseline.
//!
//! Run: `cargo bench --bench pipeline` (add `-- --quick` for one round). Inputs: the sample
//! corpus repeated to 50 MB, and the real news in `../shared/data/vntc/dev.sample.txt` when
//! it is there. The figures go in BENCHMARKS.md.

use soi::corpus::Corpus;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const TARGET_BYTES: usize = 50 << 20;

fn sample_corpus() -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("www/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut one = Vec::new();
    for f in files {
        one.extend(std::fs::read(f).expect("corpus file"));
        one.push(b'\n');
    }
    let mut out = Vec::with_capacity(TARGET_BYTES + one.len());
    while out.len() < TARGET_BYTES {
        out.extend_from_slice(&one);
    }
    out
}

/// Median of `rounds` timings of `f`.
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

fn report(name: &str, bytes: usize, d: Duration) {
    let mbps = bytes as f64 / (1 << 20) as f64 / d.as_secs_f64();
    println!(
        "{name:<52} {:>8.1} MB  {:>9.1} ms  {mbps:>8.1} MB/s",
        bytes as f64 / (1 << 20) as f64,
        d.as_secs_f64() * 1e3
    );
}

fn bench_input(label: &str, bytes: &[u8], rounds: usize) {
    let text = std::str::from_utf8(bytes).expect("UTF-8 input");
    let d = time(rounds, || {
        black_box(text.split_whitespace().count());
    });
    report(
        &format!("{label}: baseline split_whitespace"),
        bytes.len(),
        d,
    );
    let d = time(rounds, || {
        black_box(
            soi::text::normalize::normalize_with(text, &Default::default())
                .text
                .len(),
        );
    });
    report(&format!("{label}: normalize"), bytes.len(), d);
    // Sentences + tokens + word segmentation over canonical text (issue 9's measure).
    let canonical = soi::text::normalize::normalize(text);
    let seg = soi::wordseg::Segmenter::embedded();
    let dict = soi::words::UserDict::default();
    let d = time(rounds, || {
        let mut scratch = soi::words::Scratch::default();
        let mut words = Vec::new();
        let mut n = 0usize;
        for (_, p) in soi::text::segment::paragraphs(&canonical) {
            soi::words::words_into(p, seg, &dict, &mut scratch, &mut words);
            n += words.len();
        }
        black_box(n);
    });
    report(
        &format!("{label}: sentences + tokens + words"),
        bytes.len(),
        d,
    );
    let d = time(rounds, || {
        let mut c = Corpus::new();
        black_box(c.add_bytes("bench".into(), bytes).expect("text"));
        black_box(c.overview(50));
    });
    report(&format!("{label}: soi pipeline (stats)"), bytes.len(), d);
}

/// The news one article a document, as a newsroom's files are: the whole pipeline one by
/// one, then through [`Corpus::add_each`] on one and on two threads (the same corpus each
/// time; the ratio is what `-j 2` buys on two cores).
fn bench_documents(bytes: &[u8], rounds: usize) {
    use soi::corpus::batch::{Input, Source};
    use soi::corpus::AnalysisOptions;
    let text = std::str::from_utf8(bytes).expect("UTF-8 input");
    let docs: Vec<&str> = text
        .split("\n\n")
        .filter(|a| !a.trim().is_empty())
        .collect();
    let label = format!("vntc, {} documents", docs.len());
    let d = time(rounds, || {
        let mut c = Corpus::new();
        for (i, a) in docs.iter().enumerate() {
            let _ = black_box(c.add_bytes(format!("{i}.txt"), a.as_bytes()));
        }
        black_box(c.overview(50));
    });
    report(&format!("{label}: one by one"), bytes.len(), d);
    let each = |jobs: usize| {
        let d = time(rounds, || {
            let mut c = Corpus::new();
            let inputs = docs.iter().enumerate().map(|(i, a)| Input {
                name: format!("{i}.txt"),
                source: Source::Bytes(Ok(a.as_bytes().to_vec())),
                meta: Default::default(),
                tag: (),
            });
            c.add_each(inputs, jobs, &AnalysisOptions::default(), |_, _, _, o| {
                black_box(o.is_ok());
            });
            black_box(c.overview(50));
        });
        report(&format!("{label}: add_each -j {jobs}"), bytes.len(), d);
        d
    };
    let one = each(1);
    let two = each(2);
    println!(
        "{label}: -j 2 is {:.2}x -j 1 ({} cores here)",
        one.as_secs_f64() / two.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 1 } else { 5 };
    println!(
        "{:<52} {:>11}  {:>12}  {:>13}",
        "input: stage", "size", "median", "throughput"
    );
    bench_input("sample corpus ×50 MB", &sample_corpus(), rounds);
    let vntc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/vntc/dev.sample.txt");
    match std::fs::read(&vntc) {
        Ok(bytes) => {
            bench_input("vntc dev.sample (real news)", &bytes, rounds);
            bench_documents(&bytes, rounds);
        }
        Err(_) => println!("(skipped vntc: {} not found)", vntc.display()),
    }
}
