//! The questions of the Keywords, Trends, Concordance and Collocates views over a 50 MB
//! corpus: how long each takes once the corpus is analyzed, and how much memory the
//! analyzed corpus holds.
//!
//! Run: `cargo bench --bench explore` (add `-- --quick` for one round). Input: the real news
//! in `../shared/data/vntc/dev.sample.txt` repeated to 50 MB in 100 documents (the sample
//! corpus when the news is not there). The figures go in BENCHMARKS.md.

use soi::corpus::Corpus;
use soi::query::{self, CollocatesQuery, KeyColumn, KeywordsQuery, KwicQuery, KwicSort, Unit};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const TARGET_BYTES: usize = 50 << 20;
const DOCS: usize = 100;

fn source() -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vntc = root.join("../shared/data/vntc/dev.sample.txt");
    if let Ok(t) = std::fs::read_to_string(&vntc) {
        return ("vntc news ×6".into(), t);
    }
    let mut files: Vec<_> = std::fs::read_dir(root.join("www/corpus"))
        .expect("www/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let text = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("corpus file"))
        .collect::<Vec<_>>()
        .join("\n");
    ("sample corpus repeated".into(), text)
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut t: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 1 } else { 5 };
    let (label, text) = source();
    // Documents of about 0.5 MB, cut at line ends.
    let per_doc = TARGET_BYTES / DOCS;
    let mut corpus = Corpus::new();
    let t0 = Instant::now();
    let mut total = 0usize;
    let mut i = 0;
    'outer: loop {
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + per_doc).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let end = text[end..].find('\n').map_or(text.len(), |p| end + p + 1);
            let chunk = &text[start..end];
            // Each copy is made distinct so duplicate detection does not drop it.
            let doc = format!("Bản {i}\n{chunk}").replace('\n', &format!(" ({i})\n"));
            total += doc.len();
            corpus
                .add_bytes(format!("doc-{i:03}.txt"), doc.as_bytes())
                .expect("text");
            i += 1;
            start = end;
            if total >= TARGET_BYTES {
                break 'outer;
            }
        }
    }
    let analysis = t0.elapsed();
    let mb = total as f64 / (1 << 20) as f64;
    println!(
        "explore: {label}, {} documents, {mb:.1} MB, analyzed in {:.2} s",
        corpus.docs().len(),
        analysis.as_secs_f64()
    );
    let docs = corpus.docs();
    let text_bytes: usize = docs.iter().map(|d| d.text_bytes()).sum();
    let index_bytes: usize = docs.iter().map(|d| d.index.heap_bytes()).sum();
    let tokens: usize = docs.iter().map(|d| d.index.tokens.len()).sum();
    println!(
        "memory: texts {:.0} MB (the canonical text; the original is rebuilt from it), index {:.0} MB ({tokens} tokens), interner {:.0} MB ({} terms)",
        text_bytes as f64 / 1e6,
        index_bytes as f64 / 1e6,
        corpus.interner().heap_bytes() as f64 / 1e6,
        corpus.interner().len()
    );
    let mentions: usize = docs.iter().map(|d| d.entities.mentions.len()).sum();
    let ent_bytes: usize = docs.iter().map(|d| d.entities.heap_bytes()).sum::<usize>()
        + corpus.entities().heap_bytes();
    println!(
        "memory: entities {:.0} MB ({mentions} mentions of {} entities)",
        ent_bytes as f64 / 1e6,
        corpus.entities().len()
    );
    let m = corpus.memory();
    let per = |n: usize| n as f64 / total as f64;
    println!(
        "memory by part, bytes per byte of text: total {:.2} = text {:.2}, normalization (with what it replaced) {:.2}, index {:.2}, counts {:.2}, mentions {:.2}, pairs {:.2}, terms {:.2}, other {:.2}",
        per(m.total()), per(m.text), per(m.normalization), per(m.index),
        per(m.counts), per(m.mentions), per(m.pairs), per(m.terms), per(m.other)
    );
    let one = docs[3].id;
    let mut all = Duration::ZERO;
    let mut row = |what: &str, d: Duration| {
        all += d;
        println!("{what:<52} {:>9.1} ms", d.as_secs_f64() * 1e3);
    };
    let kw = KeywordsQuery::default();
    row(
        "keywords: word list, corpus",
        time(rounds, || query::keywords(&corpus, &kw)),
    );
    let q = KeywordsQuery {
        scope: vec![one],
        sort: KeyColumn::G2,
        ..kw.clone()
    };
    row(
        "keywords: one document against the rest (G2, TF-IDF)",
        time(rounds, || query::keywords(&corpus, &q)),
    );
    let q = KeywordsQuery {
        unit: Unit::Syllables,
        ..kw.clone()
    };
    row(
        "keywords: syllables",
        time(rounds, || query::keywords(&corpus, &q)),
    );
    let q = KeywordsQuery {
        unit: Unit::Ngrams(2),
        ..kw.clone()
    };
    row(
        "keywords: 2-grams",
        time(rounds, || query::keywords(&corpus, &q)),
    );
    row(
        "distinctive words of every document",
        time(rounds, || query::distinctive(&corpus, 5)),
    );
    row(
        "trends: 3 words",
        time(rounds, || {
            query::trends(
                &corpus,
                &query::TrendTerms::parse("việt nam, hà nội, thị trường"),
            )
        }),
    );
    for (what, q) in [
        (
            "concordance: 'việt nam'",
            KwicQuery {
                query: "việt nam".into(),
                ..KwicQuery::default()
            },
        ),
        (
            "concordance: 'thị trường' sorted by right context",
            KwicQuery {
                query: "thị trường".into(),
                sort: KwicSort::Right,
                ..KwicQuery::default()
            },
        ),
        (
            "concordance: 'ngoại *' (wildcard)",
            KwicQuery {
                query: "ngoại *".into(),
                ..KwicQuery::default()
            },
        ),
        (
            "concordance: 'doi ngoai' ignoring accents",
            KwicQuery {
                query: "doi ngoai".into(),
                ignore_accents: true,
                ..KwicQuery::default()
            },
        ),
    ] {
        let hits = query::kwic(&corpus, &q).total;
        row(
            &format!("{what} ({hits} hits)"),
            time(rounds, || query::kwic(&corpus, &q)),
        );
    }
    let q = CollocatesQuery {
        word: "thị trường".into(),
        ..CollocatesQuery::default()
    };
    row(
        "collocates: 'thị trường', window 5/5",
        time(rounds, || query::collocates(&corpus, &q)),
    );
    let eq = soi::query::entities::EntitiesQuery::default();
    row(
        "entities: names table, network, timeline",
        time(rounds, || soi::query::entities::view(&corpus, &eq, || 0.0)),
    );
    let q = soi::query::entities::EntitiesQuery {
        filter: "ha noi".into(),
        ..eq.clone()
    };
    row(
        "entities: filtered 'ha noi' (variants searched)",
        time(rounds, || soi::query::entities::view(&corpus, &q, || 0.0)),
    );
    let top = soi::query::entities::view(&corpus, &eq, || 0.0).rows[0].id;
    let q = soi::query::entities::EntitiesQuery {
        selected: Some(top),
        ..eq.clone()
    };
    row(
        "entities: the most named one's mentions and network",
        time(rounds, || soi::query::entities::view(&corpus, &q, || 0.0)),
    );
    println!(
        "{:<52} {:>9.1} ms",
        "all of the above",
        all.as_secs_f64() * 1e3
    );
}
