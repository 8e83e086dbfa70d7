//! The word segmenter: accuracy on held-out data, the shipped model, real-text cases, and
//! hostile input.
//!
//! The accuracy and reproducibility tests read UD_Vietnamese-VTB, vendored in
//! `tests/data/ud-vtb/` (CC BY-SA 4.0, see `tests/data/README.md`), and train a model each:
//! run them with
//! `cargo test --release` (a few seconds; in a debug build, a minute or two). The
//! robustness test is a deterministic fuzzer: `SOI_FUZZ_CASES=1000000 cargo test --release
//! --test wordseg robustness` runs it longer.

use soi::wordseg::{
    format_seg, read_seg, score, train, vnvocab_entries, Scores, Segmenter, Sentence, TrainOptions,
    MODEL,
};

mod support;
use support::Rng;

/// A .seg.txt file of the data vendored in `tests/data/`.
fn data(name: &str) -> Vec<Sentence> {
    let path = support::vendored(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_seg(&text)
}

fn vnvocab() -> Vec<String> {
    vnvocab_entries().map(str::to_owned).collect()
}

#[test]
fn trained_on_vtb_train_it_scores_at_least_0972_on_dev() {
    let model = train(
        &data("ud-vtb/train.seg.txt"),
        &vnvocab(),
        &TrainOptions::default(),
    );
    let s = score(&model, &data("ud-vtb/dev.seg.txt"));
    println!(
        "dev: precision {:.4} recall {:.4} F1 {:.4}",
        s.precision(),
        s.recall(),
        s.f1()
    );
    assert!(s.f1() >= 0.972, "dev F1 {:.4} < 0.972", s.f1());
}

#[test]
fn embedded_model_is_what_the_training_command_produces() {
    // The command in src/data/README.md: train + dev, vnvocab, default options, and the
    // source line the header names.
    let shipped = Segmenter::from_bytes(MODEL).expect("the embedded model loads");
    let header = shipped.header();
    let source = header
        .lines()
        .find_map(|l| l.strip_prefix("source: "))
        .expect("a source line");
    assert!(source.contains("UD_Vietnamese-VTB") && source.contains("CC BY-SA 4.0"));
    assert!(source.contains("vnvocab") && source.contains("Apache-2.0"));
    let mut sentences = data("ud-vtb/train.seg.txt");
    sentences.extend(data("ud-vtb/dev.seg.txt"));
    let options = TrainOptions {
        source: source.to_owned(),
        ..TrainOptions::default()
    };
    let retrained = train(&sentences, &vnvocab(), &options).to_bytes();
    assert!(
        retrained == MODEL,
        "src/data/wordseg-vtb.model is not what training produces: rerun the command in \
         src/data/README.md\nshipped header:\n{header}\nretrained header:\n{}",
        Segmenter::from_bytes(&retrained)
            .map(|m| m.header().to_owned())
            .unwrap_or_default()
    );
}

#[test]
fn training_is_deterministic_and_the_file_round_trips() {
    let sentences: Vec<Sentence> = data("ud-vtb/train.seg.txt").into_iter().take(300).collect();
    let lexicon: Vec<String> = vnvocab().into_iter().step_by(7).collect();
    let options = TrainOptions {
        epochs: 3,
        source: "test".into(),
        ..TrainOptions::default()
    };
    let a = train(&sentences, &lexicon, &options).to_bytes();
    let b = train(&sentences, &lexicon, &options).to_bytes();
    assert!(a == b, "two trainings differ");
    let loaded = Segmenter::from_bytes(&a).expect("loads");
    assert!(loaded.to_bytes() == a, "load → save changes the bytes");
    // A lexicon other than vnvocab travels inside the file.
    assert!(a.len() > lexicon.len() * 4);
    // And a model without a lexicon works too.
    let bare = train(&sentences, &[], &options);
    let s = score(&bare, &sentences);
    assert!(s.f1() > 0.9, "fits its own training data: {:.3}", s.f1());
}

/// Segments whitespace-separated text with the embedded model, in .seg.txt form.
fn seg(text: &str) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut starts = Vec::new();
    Segmenter::embedded().segment_into(&tokens, &mut starts);
    format_seg(&tokens, &starts)
}

#[test]
fn real_text_cases() {
    // VTB's conventions, from its data: a title is one word and the name after it another
    // ("Tổng_bí_thư", "Nhà_văn Nguyên_Ngọc", "Bùi_Văn_Luyến"); "Bộ_Chính_trị" is one word;
    // "Đại_hội XII" keeps the numeral apart; a date after "ngày" is its own word.
    let cases = [
        (
            "Phát biểu của Tổng Bí thư Nguyễn Phú Trọng tại hội nghị .",
            "Phát_biểu của Tổng_Bí_thư Nguyễn_Phú_Trọng tại hội_nghị .",
        ),
        (
            "Tổng Bí thư Nguyễn Phú Trọng phát biểu .",
            "Tổng_Bí_thư Nguyễn_Phú_Trọng phát_biểu .",
        ),
        (
            "Ông là Ủy viên Bộ Chính trị , Bí thư Thành ủy .",
            "Ông là Ủy_viên Bộ_Chính_trị , Bí_thư Thành_ủy .",
        ),
        (
            "Nghị quyết Đại hội XIII về đường lối đối ngoại .",
            "Nghị_quyết Đại_hội XIII về đường_lối đối_ngoại .",
        ),
        (
            "Theo TTXVN , ngày 23/12/2023 , giá xăng tăng 3,5 % .",
            "Theo TTXVN , ngày 23/12/2023 , giá xăng tăng 3,5 % .",
        ),
        (
            "Tôi nhớ lời anh chủ tịch xã Bùi Văn Luyến .",
            "Tôi nhớ lời anh chủ_tịch xã Bùi_Văn_Luyến .",
        ),
        (
            "Việt Nam và Thái Lan ký kết hiệp định .",
            "Việt_Nam và Thái_Lan ký_kết hiệp_định .",
        ),
        (
            "Hà Nội là thủ đô của Việt Nam .",
            "Hà_Nội là thủ_đô của Việt_Nam .",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, expected) in cases {
        let got = seg(text);
        if got != expected {
            wrong.push(format!(
                "  {text}\n    got      {got}\n    expected {expected}"
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn spelling_variants_segment_alike() {
    // Old and new tone placement, "Ð" for "Đ", and all-lower-case text.
    assert_eq!(seg("Uỷ viên Bộ Chính trị"), "Uỷ_viên Bộ_Chính_trị");
    assert_eq!(seg("hòa bình và hoà bình"), "hòa_bình và hoà_bình");
    assert_eq!(seg("đến Ðà Nẵng ."), "đến Ðà_Nẵng .");
    assert_eq!(seg("đến Đà Nẵng ."), "đến Đà_Nẵng .");
    assert_eq!(seg("đường lối đối ngoại"), "đường_lối đối_ngoại");
}

#[test]
fn embedded_model_scores_on_the_other_register() {
    // tuecl is spoken register with other conventions: a check that nothing is broken,
    // not a target.
    let s: Scores = score(Segmenter::embedded(), &data("ud-tuecl/dev.seg.txt"));
    assert!(s.f1() > 0.85, "tuecl F1 {:.4}", s.f1());
}

#[test]
fn scorer_counts_words_like_ws_score() {
    // Gold "a_b c", segmenter says "a b c" or "a_b_c": one of two gold words right.
    let gold = read_seg("xin_chào bạn\n\nmột\n");
    assert_eq!(gold.len(), 3);
    assert!(gold[1].is_empty());
    let s = score(Segmenter::embedded(), &gold);
    assert_eq!(s.gold, 3);
    assert!(s.correct <= s.predicted && s.correct <= s.gold);
    let perfect = Scores {
        gold: 4,
        predicted: 4,
        correct: 4,
    };
    assert_eq!(perfect.f1(), 1.0);
    let half = Scores {
        gold: 2,
        predicted: 3,
        correct: 1,
    };
    assert!((half.precision() - 1.0 / 3.0).abs() < 1e-12);
    assert!((half.recall() - 0.5).abs() < 1e-12);
    assert!((half.f1() - 0.4).abs() < 1e-12);
    assert_eq!(Scores::default().f1(), 0.0);
}

/// A random token: real syllables in any case, numbers, punctuation, foreign words,
/// emoji, combining marks, control characters, odd Unicode, empty strings.
fn token(rng: &mut Rng, pool: &[&str]) -> String {
    const ODD: &[&str] = &[
        "",
        " ",
        "\u{0}",
        "\u{300}",
        "e\u{301}",
        "\u{FEFF}",
        "😀",
        "👩‍👩‍👧",
        "\u{202E}",
        "İ",
        "ß",
        "ǅ",
        "ﬁ",
        "Ⅻ",
        "١٢٣",
        "中文",
        "..",
        "…",
        "“",
        "—",
        "-",
        "%",
        "3,5",
        "23/12/2023",
        "1.000",
        "A5",
        "TP.",
        "v.v",
        "Ð",
        "ð",
        "Ủy",
        "uỷ",
        "QUÝ",
        "qúy",
        "iPhone",
        "y",
        "Y",
    ];
    match rng.below(10) {
        0..=5 => {
            let t = pool[rng.below(pool.len())];
            match rng.below(4) {
                0 => t.to_uppercase(),
                1 => {
                    let mut c = t.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                }
                _ => t.to_owned(),
            }
        }
        6 => ODD[rng.below(ODD.len())].to_owned(),
        7 => rng.next().to_string(),
        _ => (0..1 + rng.below(6))
            .map(|_| {
                // Any scalar value: mostly the planes text lives in.
                let c = if rng.below(3) == 0 {
                    rng.below(0x11_0000)
                } else {
                    rng.below(0x3000)
                };
                char::from_u32(c as u32).unwrap_or('\u{FFFD}')
            })
            .collect(),
    }
}

fn check(model: &Segmenter, tokens: &[&str], starts: &mut Vec<usize>) {
    model.segment_into(tokens, starts);
    if tokens.is_empty() {
        assert!(starts.is_empty());
        return;
    }
    assert_eq!(starts.first(), Some(&0), "{tokens:?}");
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "not increasing: {starts:?} for {tokens:?}"
    );
    assert!(starts.last().is_some_and(|&s| s < tokens.len()));
    // The words, concatenated, give the tokens back, each once, in order.
    let words = model.segment(tokens);
    let covered: Vec<usize> = words.iter().flat_map(|r| r.clone()).collect();
    assert_eq!(covered, (0..tokens.len()).collect::<Vec<_>>());
    assert_eq!(words.iter().map(|r| r.start).collect::<Vec<_>>(), *starts);
}

#[test]
fn robustness() {
    let cases: usize = std::env::var("SOI_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let model = Segmenter::embedded();
    let pool: Vec<&str> = vnvocab_entries()
        .step_by(97)
        .flat_map(str::split_whitespace)
        .chain([",", ".", "(", ")", "\"", "Nguyễn", "TTXVN", "XIII"])
        .collect();
    let mut rng = Rng::new(0x5eed_1234_abcd_0001);
    let mut starts = Vec::new();
    for case in 0..cases {
        // Mostly short sentences; every 1,000th case is thousands of tokens long.
        let len = if case % 1000 == 999 {
            2000 + rng.below(8000)
        } else {
            rng.below(40)
        };
        let owned: Vec<String> = (0..len).map(|_| token(&mut rng, &pool)).collect();
        let tokens: Vec<&str> = owned.iter().map(String::as_str).collect();
        check(model, &tokens, &mut starts);
        // The same tokens give the same words.
        let again = starts.clone();
        model.segment_into(&tokens, &mut starts);
        assert_eq!(starts, again);
    }
    // Punctuation only, one long word-like run, the same syllable over and over.
    for tokens in [
        vec![","; 5000],
        vec!["Nguyễn"; 5000],
        vec!["chính"; 3],
        vec!["😀"],
        vec![""],
    ] {
        check(model, &tokens, &mut starts);
    }
}

#[test]
fn damaged_model_files_are_refused_without_panicking() {
    assert!(Segmenter::from_bytes(&[]).is_err());
    assert!(Segmenter::from_bytes(b"SOI-WSEG").is_err());
    assert!(Segmenter::from_bytes(&MODEL[..MODEL.len() / 2]).is_err());
    let mut rng = Rng::new(7);
    // Raw damage: the checksum catches it.
    for _ in 0..2000 {
        let mut b = MODEL.to_vec();
        let at = rng.below(b.len());
        b[at] ^= 1 << rng.below(8);
        assert!(Segmenter::from_bytes(&b).is_err());
    }
    // Damage with a repaired checksum, to reach the parser itself: any result but a panic.
    // (Each case that parses through builds a whole model, so there are fewer of them.)
    let fix = |b: &mut Vec<u8>| {
        let body = b.len().saturating_sub(8);
        let sum = b[..body].iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
            (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3)
        });
        b[body..].copy_from_slice(&sum.to_le_bytes());
    };
    let mut loaded = 0;
    for case in 0..300 {
        let mut b = MODEL.to_vec();
        match case % 3 {
            0 => {
                let at = rng.below(b.len() - 8);
                b[at] = rng.next() as u8;
            }
            1 => {
                let at = 12 + rng.below(64);
                b[at] = 0xff;
            }
            _ => {
                let cut = 12 + rng.below(b.len() - 20);
                b.truncate(cut);
                b.extend_from_slice(&[0; 8]);
            }
        }
        fix(&mut b);
        if let Ok(m) = Segmenter::from_bytes(&b) {
            loaded += 1;
            let mut starts = Vec::new();
            check(
                &m,
                &["Tổng", "Bí", "thư", "Nguyễn", "Phú", "Trọng"],
                &mut starts,
            );
        }
    }
    println!("{loaded} of 300 repaired-checksum mutations still loaded");
}
