//! The engine on the real sample corpus and on hostile input.
//!
//! The robustness test at the bottom is a deterministic fuzzer: it feeds many thousands of
//! generated inputs (random bytes, Vietnamese text cut anywhere, NFD, BOMs, control bytes)
//! through ingest → normalize → analysis and checks invariants, not just "no panic".
//! `SOI_FUZZ_CASES=1000000 cargo test --release --test engine robustness` runs it longer.

use soi::corpus::{AnalysisOptions, Corpus, DocBuilder};
use soi::text::normalize::normalize;
use soi::text::segment;
use support::Rng;
use unicode_normalization::UnicodeNormalization;

mod support;

/// The sample corpus as (file name, bytes).
fn sample() -> Vec<(String, Vec<u8>)> {
    support::sample_corpus()
        .into_iter()
        .map(|f| (f.name, f.bytes))
        .collect()
}

fn corpus_of(files: &[(String, Vec<u8>)]) -> Corpus {
    let mut c = Corpus::new();
    for (name, bytes) in files {
        c.add_bytes(name.clone(), bytes).unwrap();
    }
    c
}

#[test]
fn sample_corpus_is_the_same_in_every_encoding_and_normal_form() {
    let files = sample();
    assert_eq!(files.len(), 5);
    let reference = corpus_of(&files).overview(100);
    type Encode = Box<dyn Fn(&str) -> Vec<u8>>;
    let variants: Vec<(&str, Encode)> = vec![
        (
            "NFD",
            Box::new(|t: &str| t.nfd().collect::<String>().into_bytes()),
        ),
        (
            "CRLF",
            Box::new(|t: &str| t.replace('\n', "\r\n").into_bytes()),
        ),
        (
            "BOM",
            Box::new(|t: &str| [&b"\xEF\xBB\xBF"[..], t.as_bytes()].concat()),
        ),
        (
            "UTF-16LE",
            Box::new(|t: &str| {
                [0xFF, 0xFE]
                    .into_iter()
                    .chain(t.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect()
            }),
        ),
        (
            "UTF-16BE",
            Box::new(|t: &str| {
                [0xFE, 0xFF]
                    .into_iter()
                    .chain(t.encode_utf16().flat_map(u16::to_be_bytes))
                    .collect()
            }),
        ),
    ];
    for (label, f) in variants {
        let changed: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, b)| (n.clone(), f(std::str::from_utf8(b).unwrap())))
            .collect();
        assert_eq!(corpus_of(&changed).overview(100), reference, "{label}");
    }
}

#[test]
fn corpus_totals_are_the_sum_of_documents_in_any_order() {
    let files = sample();
    let all = corpus_of(&files);
    let mut reversed: Vec<_> = files.clone();
    reversed.reverse();
    assert_eq!(corpus_of(&reversed).overview(100), all.overview(100));
    let sum: u64 = all.docs().iter().map(|d| d.counts.syllables).sum();
    assert_eq!(all.totals().syllables, sum);

    // Remove each document in turn: what remains equals a corpus built without it.
    for skip in 0..files.len() {
        let mut c = corpus_of(&files);
        let id = c.docs()[skip].id;
        assert!(c.remove(id));
        let without: Vec<_> = files
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, f)| f.clone())
            .collect();
        assert_eq!(
            c.overview(100),
            corpus_of(&without).overview(100),
            "without {skip}"
        );
    }
}

#[test]
fn sample_titles_skip_date_lines() {
    let c = corpus_of(&sample());
    let titles: Vec<&str> = c.docs().iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles[1],
        "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương"
    );
    assert!(titles
        .iter()
        .all(|t| !t.is_empty() && t.chars().count() <= 121));
}

#[test]
fn sample_syllables_point_into_the_text() {
    for (_, bytes) in sample() {
        let text = std::str::from_utf8(&bytes).unwrap();
        let mut n = 0;
        for (start, s) in segment::syllables(text) {
            assert_eq!(&text[start..start + s.len()], s);
            assert!(s.chars().all(segment::is_syllable_char));
            n += 1;
        }
        assert!(n > 500);
    }
}

fn generate(rng: &mut Rng, seed_text: &[u8]) -> Vec<u8> {
    const PIECES: &[&str] = &[
        "Đối ngoại",
        "hoà",
        "ho\u{300}a",
        "\u{FEFF}",
        "\r\n",
        "\n\n",
        "\u{00A0}",
        "\u{200B}",
        "...",
        "…",
        "TP.",
        "23/12/2023",
        "“",
        "”",
        "(",
        ")",
        "\0",
        "\u{301}",
        "Ð",
        "\u{FFFD}",
        "𝕍",
        "ĐềxuấtmộtsốnộihàmĐạihội",
    ];
    let len = rng.below(300);
    let mut out = Vec::with_capacity(len * 4);
    match rng.below(4) {
        0 => (0..len).for_each(|_| out.push(rng.next() as u8)),
        1 => {
            let start = rng.below(seed_text.len());
            let end = (start + len).min(seed_text.len());
            out.extend_from_slice(&seed_text[start..end]);
        }
        2 => (0..len / 4)
            .for_each(|_| out.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes())),
        _ => {
            let start = rng.below(seed_text.len());
            out.extend_from_slice(&seed_text[start..(start + len).min(seed_text.len())]);
            for _ in 0..rng.below(8) {
                if out.is_empty() {
                    break;
                }
                let at = rng.below(out.len());
                out[at] = rng.next() as u8;
            }
        }
    }
    if rng.below(8) == 0 {
        let bom: &[u8] = [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"][rng.below(3)];
        out.splice(0..0, bom.iter().copied());
    }
    out
}

#[test]
fn robustness_no_panics_and_invariants_hold() {
    let cases: u64 = std::env::var("SOI_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let seed_text: Vec<u8> = sample().into_iter().flat_map(|(_, b)| b).collect();
    let mut rng = Rng::new(0x5EED_F0F0_5011);
    let mut corpus = Corpus::new();
    let mut accepted = 0u64;
    let opts = AnalysisOptions::default();
    for case in 0..cases {
        let input = generate(&mut rng, &seed_text);
        let Ok(mut b) = DocBuilder::from_bytes(format!("case-{case}"), &input, &opts) else {
            continue;
        };
        accepted += 1;
        // Odd step budgets cut anywhere, including inside multi-byte characters.
        let budget = 1 + rng.below(64);
        while !b.step(&corpus, budget) {}
        let id = corpus.add(b);
        let doc = corpus.doc(id).unwrap();
        let text = doc.text.clone();
        // The original is not kept: it is rebuilt, exactly, from the canonical text.
        let decoded = soi::ingest::decode_file(&doc.name, &input, None).unwrap();
        assert_eq!(
            doc.original(),
            decoded.text,
            "case {case}: the original rebuilt from the canonical text"
        );
        assert_eq!(
            normalize(&text),
            text,
            "case {case}: normalization is idempotent; original {:?}",
            doc.original()
        );
        // Counted in bounded steps = counted paragraph by paragraph, less the ones left out.
        let excluded: Vec<usize> = doc.flags.iter().filter(|f| f.2).map(|f| f.0).collect();
        let syllables: u64 = segment::paragraphs(&text)
            .enumerate()
            .filter(|(i, _)| !excluded.contains(i))
            .map(|(_, (_, p))| segment::syllables(p).count() as u64)
            .sum();
        assert_eq!(
            doc.counts.syllables, syllables,
            "case {case}: stepwise equals whole"
        );
        // Every change points at what it replaced in the original.
        for c in &doc.normalization.changes {
            assert_eq!(
                doc.original().get(c.range.clone()),
                Some(c.before.as_str()),
                "case {case}: {c:?}"
            );
        }
        for (_, p) in segment::paragraphs(&text) {
            for r in segment::sentences(p) {
                assert!(
                    p.is_char_boundary(r.start) && p.is_char_boundary(r.end),
                    "case {case}"
                );
            }
        }
        // Remove some at once, and keep the corpus small so a long run stays linear.
        if case % 7 == 0 {
            corpus.remove(id);
        }
        if corpus.docs().len() > 200 {
            let oldest = corpus.docs()[0].id;
            corpus.remove(oldest);
        }
    }
    assert!(
        accepted > cases / 4,
        "the generator must reach the analysis ({accepted}/{cases})"
    );
    eprintln!("robustness: {cases} cases, {accepted} analyzed");
}

/// A corpus as its questions see it: every document's name, counts, flags, index and
/// mentions resolved to strings, and the entity table; what must not depend on threads.
fn fingerprint(c: &Corpus) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let term = |id| c.term(id).unwrap_or("<break>").to_owned();
    for d in c.docs() {
        let mut words: Vec<(String, u64)> = d
            .counts
            .word_freq
            .iter()
            .map(|(k, n)| (term(k), n))
            .collect();
        words.sort();
        let mut syllables: Vec<(String, u64)> = d
            .counts
            .syllable_freq
            .iter()
            .map(|(k, n)| (term(k), n))
            .collect();
        syllables.sort();
        let tokens: Vec<String> = d.index.tokens.iter().map(|&t| term(t)).collect();
        let mentions: Vec<String> = d
            .entities
            .mentions
            .iter()
            .map(|m| {
                let info = c.entities().info(m.entity).unwrap();
                format!("{:?} {} {}..{}", info.kind, info.canonical, m.start, m.end)
            })
            .collect();
        let _ = writeln!(
            s,
            "{} {} {:?} {words:?} {syllables:?} {tokens:?} {mentions:?} {} {}",
            d.id, d.name, d.flags, d.counts.sentences, d.counts.paragraphs
        );
    }
    let t = c.entities();
    for id in 0..t.len() as u32 {
        let _ = writeln!(
            s,
            "{:?} {} {}",
            t.info(id),
            t.mentions[id as usize],
            t.docs[id as usize]
        );
    }
    let mut pairs: Vec<_> = t
        .sentence_pairs
        .iter()
        .map(|(&(a, b), &n)| {
            (
                t.info(a).unwrap().canonical.clone(),
                t.info(b).unwrap().canonical.clone(),
                n,
            )
        })
        .collect();
    pairs.sort();
    let _ = writeln!(s, "{pairs:?} {:?}", c.overview(50));
    s
}

#[test]
fn a_batch_on_many_threads_is_the_corpus_added_one_by_one() {
    use soi::corpus::batch::{Failure, Input, Source};
    // Copies of documents (duplicates across documents, some in flight at the same time),
    // a binary file and an unreadable one in the middle.
    let mut files = sample();
    files.push(("copy.txt".into(), files[1].1.clone()));
    files.insert(
        3,
        (
            "image.txt".into(),
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
        ),
    );
    let mut joined = files[0].1.clone();
    joined.extend_from_slice(b"\n\n");
    joined.extend_from_slice(&files[2].1);
    files.push(("joined.txt".into(), joined));
    let one_by_one = {
        let mut c = Corpus::new();
        for (name, bytes) in &files {
            let _ = c.add_bytes(name.clone(), bytes);
        }
        c
    };
    for jobs in [1, 2, 4] {
        let mut c = Corpus::new();
        let mut outcomes = Vec::new();
        let inputs = files
            .iter()
            .enumerate()
            .map(|(i, (name, bytes))| Input {
                name: name.clone(),
                source: Source::Bytes(Ok(bytes.clone())),
                meta: Default::default(),
                tag: i,
            })
            .chain(std::iter::once(Input {
                name: "gone.txt".into(),
                source: Source::Bytes(Err("No such file".into())),
                meta: Default::default(),
                tag: files.len(),
            }));
        c.add_each(
            inputs,
            jobs,
            &AnalysisOptions::default(),
            |_, tag, name, outcome| {
                outcomes.push((tag, name.to_owned(), outcome));
            },
        );
        let tags: Vec<usize> = outcomes.iter().map(|o| o.0).collect();
        assert_eq!(
            tags,
            (0..=files.len()).collect::<Vec<_>>(),
            "jobs {jobs}: input order"
        );
        assert!(
            matches!(outcomes[3].2, Err(Failure::Refused(_))),
            "jobs {jobs}"
        );
        assert!(matches!(
            outcomes[files.len()].2,
            Err(Failure::Unreadable(_))
        ));
        assert!(c.docs().iter().any(|d| d
            .flags
            .iter()
            .any(|f| matches!(f.1, soi::corpus::ParaFlag::InOtherDocument(_)))));
        assert_eq!(fingerprint(&c), fingerprint(&one_by_one), "jobs {jobs}");
    }
}

/// A record file's bytes as a fuzzer makes them: a header of plausible and odd column
/// names, rows of Vietnamese text, dates in every shape, quotes left open, stray bytes.
fn record_bytes(rng: &mut Rng, seed_text: &[u8], json: bool) -> Vec<u8> {
    const COLS: &[&str] = &[
        "text",
        "date",
        "source",
        "title",
        "id",
        "url",
        "nội dung",
        "x",
    ];
    const DATES: &[&str] = &[
        "2024-03-05",
        "05/03/2024",
        "ngày 5 tháng 3 năm 2024",
        "2024-02-30",
        "hôm qua",
        "",
        "9999-99-99",
        "2024-03-05T08:00:00+07:00",
        "1/1/1",
    ];
    let piece = |rng: &mut Rng| {
        let start = rng.below(seed_text.len());
        let end = (start + rng.below(200)).min(seed_text.len());
        String::from_utf8_lossy(&seed_text[start..end]).into_owned()
    };
    let ncols = 1 + rng.below(COLS.len());
    let cols: Vec<&str> = (0..ncols).map(|_| COLS[rng.below(COLS.len())]).collect();
    let mut out = String::new();
    if !json {
        out.push_str(&cols.join(","));
        out.push('\n');
    }
    for _ in 0..rng.below(12) {
        let values: Vec<String> = cols
            .iter()
            .map(|&c| match c {
                "date" => DATES[rng.below(DATES.len())].to_owned(),
                _ => piece(rng),
            })
            .collect();
        if json {
            let fields: Vec<String> = cols
                .iter()
                .zip(&values)
                .map(|(c, v)| format!("{:?}: {:?}", c, v))
                .collect();
            out.push_str(&format!("{{{}}}", fields.join(", ")));
        } else {
            let quoted: Vec<String> = values
                .iter()
                .map(|v| match rng.below(4) {
                    0 => format!("\"{}", v.replace('"', "\"\"")),
                    1 => v.replace(',', " "),
                    _ => format!("\"{}\"", v.replace('"', "\"\"")),
                })
                .collect();
            out.push_str(&quoted.join(","));
        }
        out.push_str(["\n", "\r\n", ""][rng.below(3)]);
    }
    let mut bytes = out.into_bytes();
    for _ in 0..rng.below(3) {
        if !bytes.is_empty() {
            let at = rng.below(bytes.len());
            bytes[at] = rng.next() as u8;
        }
    }
    bytes
}

/// Every collection entry point on hostile input: record files pushed in chunks cut
/// anywhere give the same documents and problems as pushed whole, never panic, and every
/// document has text within the limit and a name with its line; zip archives damaged
/// anywhere give documents or problems, never a panic; any string parses as a date or not,
/// and a parsed date prints back as itself.
#[test]
fn robustness_of_collections_records_zips_and_dates() {
    use soi::ingest::collection::{ColumnMap, Item, RecordDocs, ZipDocs};
    use soi::ingest::dates::{infer_date, parse_date, Date};
    use soi::ingest::records::RecordFormat;
    let cases: u64 = std::env::var("SOI_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(3_000, |n: u64| n / 10);
    let seed_text: Vec<u8> = sample().into_iter().flat_map(|(_, b)| b).collect();
    let mut rng = Rng::new(0x0C01_1EC7_10A5);
    let (mut docs, mut problems) = (0u64, 0u64);
    let run = |format, chunks: &[&[u8]], limit| {
        let mut r = RecordDocs::new("in", format, ColumnMap::default()).limit(limit);
        let mut out = Vec::new();
        for c in chunks {
            r.push(c, &mut out);
        }
        r.finish(&mut out);
        out
    };
    for case in 0..cases {
        let json = rng.below(2) == 0;
        let bytes = record_bytes(&mut rng, &seed_text, json);
        let format = if json {
            RecordFormat::JsonLines
        } else {
            [RecordFormat::Csv, RecordFormat::Tsv][rng.below(2)]
        };
        let limit = [64, 4 << 20][rng.below(2)];
        let whole = run(format, &[&bytes], limit);
        let mut cuts: Vec<usize> = (0..rng.below(6))
            .map(|_| rng.below(bytes.len() + 1))
            .collect();
        cuts.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut at = 0;
        for c in cuts {
            chunks.push(&bytes[at..c]);
            at = c;
        }
        chunks.push(&bytes[at..]);
        assert_eq!(
            run(format, &chunks, limit),
            whole,
            "case {case}: chunked as whole; {:?}",
            String::from_utf8_lossy(&bytes)
        );
        for item in &whole {
            match item {
                Item::Doc(d) => {
                    docs += 1;
                    let soi::ingest::collection::Content::Text(t) = &d.content else {
                        panic!("case {case}: a row's content is text");
                    };
                    assert!(!t.trim().is_empty() && t.len() <= limit, "case {case}");
                    let line = d.meta.row.expect("a row has its line");
                    assert_eq!(d.name, format!("in#{line}"), "case {case}");
                    if let Some(date) = d.meta.date {
                        assert!(
                            d.meta.date_raw.is_some(),
                            "case {case}: a date comes from its column"
                        );
                        assert_eq!(date.to_string().parse::<Date>().ok(), Some(date));
                    }
                }
                Item::Problem(p) => {
                    problems += 1;
                    assert!(p.to_string().starts_with("in: line "), "case {case}: {p}");
                }
            }
        }
        // A zip of record files and documents, damaged or cut anywhere.
        if case % 3 == 0 {
            let text = &seed_text[..rng.below(seed_text.len()).min(4000)];
            let files: Vec<(&str, &[u8])> = vec![
                ("2024/a.csv", &bytes),
                ("2024/b.txt", text),
                ("__MACOSX/._b.txt", b"x"),
                ("c.jsonl", &bytes),
            ];
            let mut z = soi::ingest::zip::write_zip(&files, rng.below(2) == 0);
            match rng.below(3) {
                0 => {
                    for _ in 0..1 + rng.below(4) {
                        let at = rng.below(z.len());
                        z[at] = rng.next() as u8;
                    }
                }
                1 => z.truncate(rng.below(z.len())),
                _ => {}
            }
            if let Ok(entries) = ZipDocs::open("z.zip", &z[..], ColumnMap::default()) {
                for item in entries.limit(1 << 16) {
                    if let Item::Doc(d) = item {
                        assert!(d.name.starts_with("z.zip/"), "case {case}: {}", d.name);
                        assert!(!d.name.contains("__MACOSX"), "case {case}");
                    }
                }
            }
        }
        // Dates: anything parses or not; what parses prints back and parses the same.
        let s = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).into_owned();
        for s in [s.as_str(), s.get(..s.len() / 2).unwrap_or("")] {
            if let Some(d) = parse_date(s) {
                assert_eq!(parse_date(&d.to_string()), Some(d), "case {case}: {s:?}");
            }
        }
        let _ = infer_date(&String::from_utf8_lossy(&bytes));
    }
    assert!(
        docs > cases / 2 && problems > cases / 4,
        "the generator must reach both: {docs} documents, {problems} problems"
    );
    eprintln!("collections: {cases} cases, {docs} documents, {problems} problems");
}

/// Regression (issue 19): a record's date column is the document's year for dates
/// without one, ahead of a different year in its text; without a date column the text's
/// own dateline gives both, marked as inferred.
#[test]
fn a_date_column_gives_the_year_of_dates_without_one() {
    use soi::corpus::DocMeta;
    use soi::entities::EntityType;
    let text = "Hà Nội, 02/01/2019\nNgày 5/3, hai bên ký biên bản ghi nhớ tại Hà Nội.";
    let opts = AnalysisOptions::default();
    let dates = |meta: Option<DocMeta>| {
        let mut c = Corpus::new();
        let mut b = DocBuilder::from_text("a".into(), text, &opts).unwrap();
        if let Some(m) = meta {
            b = b.with_meta(m);
        }
        while !b.step(&c, usize::MAX) {}
        let id = c.add(b);
        let d = c.doc(id).unwrap();
        let isos: Vec<String> = d
            .entities
            .mentions
            .iter()
            .filter_map(|m| c.entities().info(m.entity))
            .filter(|i| i.kind == EntityType::Date)
            .map(|i| i.canonical.clone())
            .collect();
        (
            d.meta.date.map(|d| d.to_string()),
            d.meta.date_inferred,
            isos,
        )
    };
    let given = DocMeta {
        date: "2023-06-01".parse().ok(),
        date_raw: Some("01/06/2023".into()),
        ..DocMeta::default()
    };
    let (date, inferred, isos) = dates(Some(given));
    assert_eq!((date.as_deref(), inferred), (Some("2023-06-01"), false));
    assert!(isos.iter().any(|d| d == "2023-03-05"), "{isos:?}");
    let (date, inferred, isos) = dates(None);
    assert_eq!((date.as_deref(), inferred), (Some("2019-01-02"), true));
    assert!(isos.iter().any(|d| d == "2019-03-05"), "{isos:?}");
}

/// The page decides which documents a selection keeps from their summaries (it has no
/// engine); it must keep exactly those the engine counts, or the Documents view would list
/// one set and the Entities view count another.
#[test]
fn the_page_selects_the_documents_the_engine_selects() {
    use soi::corpus::DocMeta;
    use soi::protocol::{views, Date, Selection};
    use soi::ui::state::selects;
    let opts = AnalysisOptions::default();
    let mut c = Corpus::new();
    let metas = [
        ("2024-01-05", "Báo A", "2024/thoi-su"),
        ("2024-01-31", "Báo B", "2024/kinh-te"),
        ("2024-02-01", "Báo A", "2024"),
        ("", "Báo B", "2024-cu"),
        ("2023-12-31", "", ""),
    ];
    for (i, (date, source, group)) in metas.iter().enumerate() {
        let meta = DocMeta {
            date: date.parse().ok(),
            source: (!source.is_empty()).then(|| source.to_string()),
            group: (!group.is_empty()).then(|| group.to_string()),
            ..DocMeta::default()
        };
        let text = format!("Bài số {i}. Giá lúa tăng ở Cần Thơ.");
        let mut b = DocBuilder::from_text(format!("{i}.txt"), &text, &opts)
            .unwrap()
            .with_meta(meta);
        while !b.step(&c, usize::MAX) {}
        c.add(b);
    }
    let view = views::corpus_view(&c, 10);
    let day = |s: &str| s.parse::<Date>().ok();
    let sels = [
        Selection::default(),
        Selection::between(day("2024-01-01").unwrap(), day("2024-01-31").unwrap()),
        Selection {
            from: day("2024-01-31"),
            ..Selection::default()
        },
        Selection {
            to: day("2023-12-31"),
            ..Selection::default()
        },
        Selection {
            sources: vec!["Báo B".into()],
            ..Selection::default()
        },
        // "2024" holds its subfolders, not "2024-cu".
        Selection {
            groups: vec!["2024".into()],
            ..Selection::default()
        },
        Selection {
            docs: vec![c.docs()[3].id],
            sources: vec!["Báo B".into()],
            ..Selection::default()
        },
    ];
    let mut kept = Vec::new();
    for sel in &sels {
        let engine: Vec<u32> = c
            .docs()
            .iter()
            .filter(|d| sel.contains(d))
            .map(|d| d.id)
            .collect();
        let page: Vec<u32> = view
            .docs
            .iter()
            .filter(|d| selects(sel, d))
            .map(|d| d.id)
            .collect();
        assert_eq!(engine, page, "{sel:?}");
        kept.push(engine.len());
    }
    assert_eq!(kept, [5, 2, 2, 1, 2, 3, 1]);
}
