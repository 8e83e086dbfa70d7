//! Throughput of word segmentation with the embedded model, in MB/s, and its load time.
//!
//! Run: `cargo bench --bench wordseg` (add `-- --quick` for one round, `-- --rounds N` for
//! more). Input: the real news
//! in `../shared/data/vntc/dev.sample.txt`, each line a sentence, its tokens split on
//! whitespace (the split is done once, outside the timing: it is the caller's work).

use soi::wordseg::{Segmenter, MODEL};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// Median and best of `rounds` timings of `f` (the best is the steadier figure on a
/// machine shared with other work).
fn time<F: FnMut()>(rounds: usize, mut f: F) -> (Duration, Duration) {
    let mut t: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    (t[t.len() / 2], t[0])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = match args.iter().position(|a| a == "--rounds") {
        Some(i) => args.get(i + 1).and_then(|r| r.parse().ok()).unwrap_or(5),
        None if args.iter().any(|a| a == "--quick") => 1,
        None => 5,
    };

    let start = Instant::now();
    let model = Segmenter::embedded();
    let first = start.elapsed();
    let (load, _) = time(rounds, || {
        black_box(Segmenter::from_bytes(black_box(MODEL)).ok());
    });
    println!(
        "load embedded model: first use {:.1} ms, from_bytes median {:.1} ms ({} bytes)",
        first.as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3,
        MODEL.len()
    );

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/vntc/dev.sample.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("(skipped throughput: {} not found)", path.display());
        return;
    };
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let tokens: usize = lines.iter().map(Vec::len).sum();
    let mut starts = Vec::new();
    let mut words = 0;
    let (d, best) = time(rounds, || {
        words = 0;
        for line in &lines {
            model.segment_into(line, &mut starts);
            words += starts.len();
        }
        black_box(words);
    });
    let mb = text.len() as f64 / (1 << 20) as f64;
    println!(
        "segment vntc dev.sample: {mb:.1} MB, {} lines, {tokens} tokens → {words} words, \
         median {:.1} ms, {:.1} MB/s, {:.0} ns/token (best {:.1} MB/s)",
        lines.len(),
        d.as_secs_f64() * 1e3,
        mb / d.as_secs_f64(),
        d.as_secs_f64() * 1e9 / tokens as f64,
        mb / best.as_secs_f64()
    );
}
