//! Throughput of entity extraction with word segmentation included (paragraphs → words →
//! entities), in MB/s, on the real news in `../shared/data/vntc/dev.sample.txt` (skipped when
//! absent) and on the sample corpus repeated to 8 MB; with the model, and the rules alone.
//!
//! Run: `cargo bench --bench entities`. The figures go in BENCHMARKS.md.

use soi::entities::{DocMemory, Recognizer};
use soi::words::{words_into, Scratch, UserDict};
use soi::wordseg::Segmenter;
use std::hint::black_box;
use std::time::Instant;

fn run(label: &str, text: &str, r: &Recognizer) {
    let seg = Segmenter::embedded();
    let dict = UserDict::default();
    let mut scratch = Scratch::default();
    let mut words = Vec::new();
    let mut out = Vec::new();
    let mut best = f64::MAX;
    let mut mentions = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let mut memory = DocMemory::new();
        mentions = 0;
        for (_, para) in soi::text::segment::paragraphs(text) {
            words_into(para, seg, &dict, &mut scratch, &mut words);
            r.paragraph(para, &words, &mut memory, &mut out);
            mentions += out.len();
            black_box(&out);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let mb = text.len() as f64 / (1 << 20) as f64;
    println!(
        "{label:<44} {mb:>6.1} MB {:>8.1} ms {:>7.1} MB/s  ({mentions} mentions)",
        best * 1e3,
        mb / best
    );
}

fn main() {
    let t0 = Instant::now();
    let _ = Recognizer::embedded();
    let _ = Recognizer::rules_only();
    println!(
        "recognizer built in {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/vntc/dev.sample.txt"
    );
    match std::fs::read_to_string(path) {
        Ok(raw) => {
            let text = soi::text::normalize::normalize(&raw);
            run("vntc 8 MB: words + entities", &text, Recognizer::embedded());
            run(
                "vntc 8 MB: words + entities (rules alone)",
                &text,
                Recognizer::rules_only(),
            );
        }
        Err(_) => println!("{path} is missing: skipped"),
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("www/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let one: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default() + "\n")
        .collect();
    let mut text = String::new();
    while text.len() < 8 << 20 {
        text.push_str(&one);
    }
    let text = soi::text::normalize::normalize(&text);
    run(
        "sample ×8 MB: words + entities",
        &text,
        Recognizer::embedded(),
    );
    run(
        "sample ×8 MB: words + entities (rules alone)",
        &text,
        Recognizer::rules_only(),
    );
}
