//! The `soi` binary as a script user runs it: real files in, JSON out, exit codes and
//! messages on stderr.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn soi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soi"))
        .args(args)
        .output()
        .expect("run soi")
}

/// Run soi with `input` on stdin.
fn soi_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_soi"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run soi");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("soi output")
}

mod support;

/// The sample corpus's full paths.
fn sample_files() -> Vec<String> {
    support::sample_corpus()
        .into_iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect()
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("soi-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn help_documents_every_command() {
    let out = soi(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["stats", "--top", "EXIT CODES", "help"] {
        assert!(help.contains(needle), "help lacks {needle}");
    }
    assert_eq!(soi(&["help"]).stdout, soi(&["stats", "--help"]).stdout);
}

#[test]
fn stats_of_the_sample_corpus() {
    let files = sample_files();
    let args: Vec<&str> = std::iter::once("stats")
        .chain(files.iter().map(|s| s.as_str()))
        .collect();
    let out = soi(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["documents"], 5);
    let docs = v["docs"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    let per_doc: u64 = docs.iter().map(|d| d["syllables"].as_u64().unwrap()).sum();
    assert_eq!(v["syllables"].as_u64().unwrap(), per_doc);
    let top = v["top"].as_array().unwrap();
    assert_eq!(top.len(), 50);
    let counts: Vec<u64> = top.iter().map(|t| t["count"].as_u64().unwrap()).collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most frequent first"
    );
    // "ngoại" and "đối" (of "đối ngoại", "ngoại giao") dominate a foreign-policy corpus.
    let terms: Vec<&str> = top.iter().map(|t| t["term"].as_str().unwrap()).collect();
    assert!(
        terms[..5].contains(&"ngoại") && terms[..5].contains(&"đối"),
        "{terms:?}"
    );
    assert_eq!(
        docs[1]["title"],
        "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương"
    );
    assert!(out.stderr.is_empty());

    let out = soi(&["stats", "--top", "3", &files[0]]);
    assert_eq!(json(&out)["top"].as_array().unwrap().len(), 3);
}

#[test]
fn utf16_stdin_and_utf8_agree() {
    let text = "Thứ hai, 08/08/2022\r\nTổng Bí thư làm việc với Ban Đối ngoại Trung ương.\r\n";
    let utf8 = tmp("a.txt", text.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let utf16 = tmp("b.txt", &le);
    let a = json(&soi(&["stats", utf8.to_str().unwrap()]));
    let b = json(&soi(&["stats", utf16.to_str().unwrap()]));
    assert_eq!(a["top"], b["top"]);
    assert_eq!(a["syllables"], b["syllables"]);
    assert_eq!(b["docs"][0]["encoding"], "UTF-16LE");

    let c = json(&soi_stdin(&["stats", "-"], text));
    assert_eq!(a["top"], c["top"]);
}

#[test]
fn refused_and_missing_files_are_reported_and_the_rest_still_counted() {
    let good = tmp(
        "good.txt",
        "Hoạt động đối ngoại được triển khai đồng bộ.".as_bytes(),
    );
    let pdf = tmp("scan.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj");
    let out = soi(&[
        "stats",
        pdf.to_str().unwrap(),
        good.to_str().unwrap(),
        "/nonexistent/x.txt",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scan.pdf") && err.contains("PDF"), "{err}");
    assert!(err.contains("/nonexistent/x.txt"), "{err}");
    let v = json(&out);
    assert_eq!(v["documents"], 1);
    assert_eq!(v["syllables"], 9);
    assert_eq!(v["refused"].as_array().unwrap().len(), 2);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["stats"],
        &["frobnicate"],
        &["stats", "--top", "many", "x"],
        &["stats", "--nope", "x"],
    ] {
        let out = soi(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("soi --help"));
    }
}

#[test]
fn normalize_writes_canonical_text_and_a_report_in_code_points() {
    let original = "Tại cuộc làm việc,ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihộiĐả thứ hạng\r\nhoà bình và ho\u{300}a hợp, sức khoẻ\r\n";
    let file = tmp("norm.txt", original.as_bytes());
    let report = std::env::temp_dir().join(format!("soi-report-{}.json", std::process::id()));
    let out = soi(&[
        "normalize",
        &format!("--report={}", report.display()),
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Tại cuộc làm việc, Đề xuất một số nội hàm đường lối đối ngoại cho Đại hội Đả thứ hạng\nhòa bình và hòa hợp, sức khỏe\n"
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["counts"]["glued"], 1);
    assert_eq!(r["counts"]["tone_mark"], 2);
    assert_eq!(r["counts"]["nfc"], 1);
    assert_eq!(r["counts"]["line_break"], 2);
    // Offsets are code points into the decoded original: each change's `before` is there.
    let chars: Vec<char> = original.chars().collect();
    for c in r["changes"].as_array().unwrap() {
        let (start, end) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        let at: String = chars[start..end].iter().collect();
        assert_eq!(at, c["before"].as_str().unwrap(), "{c}");
    }

    // Modern style, and a rule switched off.
    let out = soi(&[
        "normalize",
        "--tone",
        "modern",
        "--no-glued",
        file.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("hoà bình và hoà hợp, sức khoẻ"), "{text}");
    assert!(
        text.contains("ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihộiĐả"),
        "{text}"
    );
}

#[test]
fn normalize_refuses_binary_input_and_reads_legacy_encodings() {
    let png = tmp("x.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let out = soi(&["normalize", png.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PNG"));
    // VIQR, detected, and the report says so.
    let viqr = tmp(
        "viqr.txt",
        b"To^?ng Bi' thu+ la`m vie^.c vo+'i Ban DDo^'i ngoa.i Trung u+o+ng.",
    );
    let out = soi(&["normalize", "--report", viqr.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Tổng Bí thư làm việc với Ban Đối ngoại Trung ương."
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(report["encoding"], "VIQR");
    let out = soi(&["normalize", "--encoding", "Latin-9", viqr.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn segment_keeps_every_token_and_joins_words() {
    let input = "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương .\n\nHội nghị bàn về đường lối đối ngoại của Đại hội XIII .\n";
    let out = soi_stdin(&["segment"], input);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let inputs: Vec<&str> = input.lines().collect();
    assert_eq!(lines.len(), inputs.len());
    for (o, i) in lines.iter().zip(&inputs) {
        // The same syllables, in order: only '_' joins differ.
        let tokens: Vec<&str> = o.split([' ', '_']).filter(|t| !t.is_empty()).collect();
        assert_eq!(tokens, i.split_whitespace().collect::<Vec<_>>());
    }
    assert!(
        lines[0].contains("Nguyễn_Phú_Trọng") && lines[0].contains("làm_việc"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].contains("đường_lối") && lines[2].contains("đối_ngoại"),
        "{}",
        lines[2]
    );

    // A user dictionary joins and splits.
    let dict = tmp(
        "dict.txt",
        "+ Ban Đối ngoại Trung ương\n- làm việc\n".as_bytes(),
    );
    let file = tmp("seg.txt", inputs[0].as_bytes());
    let out = soi(&[
        "segment",
        "--dict",
        dict.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.contains("Ban_Đối_ngoại_Trung_ương") && line.contains(" làm việc "),
        "{line}"
    );
}

#[test]
fn keywords_word_list_ngrams_and_keyness() {
    let a = tmp(
        "kw-a.txt",
        "Công tác đối ngoại được triển khai.\nCông tác đối ngoại của Đảng và Nhà nước.\n"
            .as_bytes(),
    );
    let b = tmp(
        "kw-b.txt",
        "Hội nghị ngoại giao bàn về công tác đối ngoại.\n".as_bytes(),
    );
    let out = soi(&[
        "keywords",
        "--top",
        "0",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(
        text.lines().next(),
        Some("word\tfrequency\tdocuments\tper_million\tdp")
    );
    let row = |w: &str| {
        rows.iter()
            .find(|r| r[0] == w)
            .unwrap_or_else(|| panic!("{w} in {text}"))
            .clone()
    };
    // "công tác" and "đối ngoại": 2 in a, 1 in b; in both documents.
    assert_eq!(&row("đối ngoại")[1..3], ["3", "2"]);
    assert_eq!(&row("công tác")[1..3], ["3", "2"]);
    // Stopwords ("của", "và", "được", "về") are left out, with --all they are in.
    assert!(
        !rows
            .iter()
            .any(|r| ["của", "và", "được", "về"].contains(&r[0])),
        "{text}"
    );
    let all =
        String::from_utf8(soi(&["keywords", "--all", "--top", "0", a.to_str().unwrap()]).stdout)
            .unwrap();
    assert!(all.lines().any(|l| l.starts_with("của\t")));
    // Bigrams: "công tác đối ngoại" three times over the two documents.
    let bi = String::from_utf8(
        soi(&[
            "keywords",
            "--ngrams",
            "2",
            "--json",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    let bi: serde_json::Value = serde_json::from_str(&bi).unwrap();
    assert_eq!(bi[0]["word"], "công tác đối ngoại");
    assert_eq!(bi[0]["frequency"], 3);

    // Keyness of a against b, checked against the formula.
    let out = soi(&[
        "keywords",
        "--json",
        "--top",
        "0",
        "--keyness",
        a.to_str().unwrap(),
        "--against",
        b.to_str().unwrap(),
    ]);
    let k: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stats = json(&soi(&["stats", a.to_str().unwrap()]));
    let stats_b = json(&soi(&["stats", b.to_str().unwrap()]));
    let (c, d) = (
        stats["words"].as_f64().unwrap(),
        stats_b["words"].as_f64().unwrap(),
    );
    let row = k
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["word"] == "đối ngoại")
        .unwrap();
    assert_eq!(
        (row["target"].as_u64(), row["reference"].as_u64()),
        (Some(2), Some(1))
    );
    let g2 = soi::query::measures::log_likelihood(2.0, 1.0, c, d);
    assert!((row["g2"].as_f64().unwrap() - g2).abs() < 1e-9);
    assert!((row["log_ratio"].as_f64().unwrap() - ((2.0 / c) / (1.0 / d)).log2()).abs() < 1e-9);
}

#[test]
fn kwic_lines_point_into_the_original_file() {
    // The glued run is split by normalization; offsets still point into the file as written.
    let original = "Tại cuộc làm việc,ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihội thứ 14.\nCông tác Đối ngoại của Đảng.\n";
    let file = tmp("kwic.txt", original.as_bytes());
    let out = soi(&["kwic", "--width", "9", "đối ngoại", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{text}");
    let chars: Vec<char> = original.chars().collect();
    // The second hit is written as is: its offset is where "Đối ngoại" starts.
    let at: usize = rows[1][1].parse().unwrap();
    assert_eq!(chars[at..at + 9].iter().collect::<String>(), "Đối ngoại");
    assert_eq!(
        (rows[1][2], rows[1][3], rows[1][4]),
        ("Công tác ", "Đối ngoại", " của Đảng")
    );
    // The first was inside the glued run: its offset is that run's start in the file.
    let run = original.chars().take_while(|&c| c != 'Đ').count();
    assert_eq!(rows[0][1].parse::<usize>().unwrap(), run);
    // Accents ignored, case kept.
    let out = soi(&[
        "kwic",
        "--accents",
        "--case",
        "Doi ngoai",
        file.to_str().unwrap(),
    ]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    assert_eq!(soi(&["kwic", "x"]).status.code(), Some(2));
}

#[test]
fn collocates_follow_the_formulas() {
    let file = tmp(
        "coll.txt",
        "Đối ngoại và ngoại giao.\nĐối ngoại, ngoại giao cùng phát triển.\nNgoại giao hôm nay.\n"
            .as_bytes(),
    );
    let out = soi(&[
        "collocates",
        "--min",
        "1",
        "--by",
        "freq",
        "đối ngoại",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with("ngoại giao\t"))
        .unwrap_or_else(|| panic!("{text}"))
        .split('\t')
        .collect();
    let stats = json(&soi(&["stats", file.to_str().unwrap()]));
    let n = stats["words"].as_f64().unwrap();
    // Twice near "đối ngoại" (each sentence once); "ngoại giao" occurs 3 times, "đối ngoại" 2.
    assert_eq!((row[1], row[2]), ("2", "3"));
    let a = soi::query::measures::collocation(2.0, 2.0, 3.0, 10.0, n);
    for (got, want) in [(row[3], a.mi), (row[4], a.t_score), (row[5], a.log_dice)] {
        assert!(
            (got.parse::<f64>().unwrap() - want).abs() < 1e-3,
            "{got} vs {want}"
        );
    }
    // "và" is a stopword: out unless --all.
    assert!(!text.lines().any(|l| l.starts_with("và\t")));
    let all = String::from_utf8(
        soi(&[
            "collocates",
            "--all",
            "--min",
            "1",
            "đối ngoại",
            file.to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(all.lines().any(|l| l.starts_with("và\t")), "{all}");
    assert_eq!(
        soi(&["collocates", "không có", file.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

/// Every command that reads many documents prints the same bytes whatever `-j` is: the
/// sample corpus plus copies (cross-document duplicates), a refused binary in the middle
/// (its message keeps its place), and, where `../shared` is present, 600 news articles.
#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    let mut files = sample_files();
    let sample: Vec<String> = files.clone();
    files.insert(
        2,
        tmp("binary.txt", b"\x00\x01\x02PK\x03\x04 not text")
            .to_string_lossy()
            .into_owned(),
    );
    let copy = tmp("copy.txt", &std::fs::read(&sample[0]).unwrap());
    files.push(copy.to_string_lossy().into_owned());
    let mut sets = vec![("sample", files)];
    if let Some(vntc) = support::restricted(
        "output_is_the_same_whatever_the_number_of_threads (news part)",
        "vntc/dev.sample.txt",
    ) {
        let text = std::fs::read_to_string(vntc).unwrap();
        let news: Vec<String> = text
            .split("\n\n")
            .filter(|a| !a.trim().is_empty())
            .take(600)
            .enumerate()
            .map(|(i, a)| {
                tmp(&format!("news-{i:03}.txt"), a.as_bytes())
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        sets.push(("news", news));
    }
    for (set, files) in &sets {
        let f: Vec<&str> = files.iter().map(String::as_str).collect();
        let commands: Vec<Vec<&str>> = vec![
            [&["stats"][..], &f].concat(),
            [&["keywords", "--top", "0"][..], &f].concat(),
            [&["keywords", "--ngrams", "2"][..], &f].concat(),
            [&["keywords", "--keyness", f[0], "--against"][..], &f[1..]].concat(),
            [&["kwic", "Việt*"][..], &f].concat(),
            [&["collocates", "Việt Nam"][..], &f].concat(),
            [&["entities"][..], &f].concat(),
            [&["entities", "--lines"][..], &f].concat(),
        ];
        for args in commands {
            let with = |j: &str| {
                let mut a = vec![args[0], "-j", j];
                a.extend(&args[1..]);
                soi(&a)
            };
            let (one, three) = (with("1"), with("3"));
            assert!(!one.stdout.is_empty(), "{set}: {} printed nothing", args[0]);
            assert_eq!(one.status.code(), three.status.code(), "{set}: {args:?}");
            assert!(
                one.stdout == three.stdout,
                "{set}: {} -j 3 differs from -j 1",
                args[..2].join(" ")
            );
            assert_eq!(
                String::from_utf8_lossy(&one.stderr),
                String::from_utf8_lossy(&three.stderr),
                "{set}: {args:?}"
            );
        }
    }
}

#[test]
fn jobs_must_be_a_positive_number() {
    let out = soi(&["stats", "-j", "0", "x.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--jobs needs a number"));
}

/// The documents of the record tests: (file, month, text), the texts written for them.
const RECORD_DOCS: &[(&str, &str, &str)] = &[
    (
        "tin.csv",
        "2024-01",
        "Đồng Tháp vào mùa sen. Du khách đến ngắm sen và chụp ảnh.",
    ),
    (
        "tin.csv",
        "2024-01",
        "Chợ nổi Cái Bè tấp nập. Ghe chở trái cây và sen.",
    ),
    (
        "tin.csv",
        "2024-03",
        "Mưa lớn kéo dài ở Huế. Trời mưa suốt đêm.",
    ),
    (
        "tin.csv",
        "2024-04",
        "Nhà vườn bán sen. Sen tháng tư nở rộ, khách mua sen về cắm.",
    ),
    (
        "tin.jsonl",
        "2024-02",
        "Lễ hội đua ghe ở Sóc Trăng thu hút khách. Ghe ngo lướt trên sông.",
    ),
    (
        "tin.jsonl",
        "2024-03",
        "Người dân Huế chống mưa. Mưa làm ngập phố, học sinh nghỉ học.",
    ),
    (
        "kho.zip",
        "2024-01",
        "Thương lái thu mua sen. Giá sen tăng.",
    ),
    (
        "kho.zip",
        "2024-04",
        "Khách mua sen làm quà. Sen khô bán chạy.",
    ),
];

/// A CSV, a JSON Lines file and a zip with these documents and one bad row or entry each
/// (a CSV row without text, an unclosed JSON string, a zip entry with damaged data and a
/// row without text in the zip's own CSV).
fn record_files() -> Vec<String> {
    let t = |i: usize| RECORD_DOCS[i].2;
    let csv = format!(
        "id,ngày,nguồn,tiêu đề,nội dung\n\
         1,05/01/2024,Báo Đồng Tháp,Mùa sen,{}\n\
         2,ngày 20 tháng 1 năm 2024,Báo Đồng Tháp,Chợ nổi,{}\n\
         3,2024-03-08T07:00:00+07:00,Báo Huế,Mưa,{}\n\
         4,12/03/2024,Báo Huế,Trống,\n\
         5,\"Thứ Hai, 01/04/2024 08:15 (GMT+7)\",Báo Đồng Tháp,Sen tháng tư,\"{}\"\n",
        t(0),
        t(1),
        t(2),
        t(3)
    );
    let jsonl = format!(
        "{{\"title\":\"Đua ghe\",\"date\":\"2024-02-10\",\"source\":\"Báo Sóc Trăng\",\"text\":\"{}\"}}\n\
         {{\"title\":\"Mưa Huế\",\"date\":\"5 tháng 3, 2024\",\"source\":\"Báo Huế\",\"text\":\"{}\"}}\n\
         {{\"title\": \"hỏng\", \"text\": \"chưa đóng\n",
        t(4),
        t(5)
    );
    let inner = format!("date,text\n2024-04-15,{}\n2024-04-16,\n", t(7));
    let dateline = format!("Thứ năm, 25/01/2024\n{}", t(6));
    let mut zip = soi::ingest::zip::write_zip(
        &[
            ("mien-tay/sen.txt", dateline.as_bytes()),
            ("mien-tay/bang.csv", inner.as_bytes()),
            ("__MACOSX/mien-tay/._sen.txt", b"\0\0"),
            ("hong.txt", "Bài này sẽ hỏng.".as_bytes()),
        ],
        true,
    );
    // Damage the deflated data of hong.txt: a reserved block type.
    let at = zip.windows(8).position(|w| w == b"hong.txt").unwrap() + 8;
    zip[at] = 0xFF;
    vec![
        tmp("tin.csv", csv.as_bytes()),
        tmp("tin.jsonl", jsonl.as_bytes()),
        tmp("kho.zip", &zip),
    ]
    .into_iter()
    .map(|p| p.to_string_lossy().into_owned())
    .collect()
}

/// Occurrences of `word` (one syllable) in `text`, counted by hand.
fn count_word(text: &str, word: &str) -> u64 {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.to_lowercase() == word)
        .count() as u64
}

#[test]
fn records_and_zips_are_documents_with_dates_sources_and_groups() {
    let files = record_files();
    let f: Vec<&str> = files.iter().map(String::as_str).collect();
    let out = soi(&[&["stats"][..], &f].concat());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for bad in [
        "tin.csv: line 5: no text column",
        "tin.jsonl: line 3: ",
        "kho.zip/mien-tay/bang.csv: line 3: no text column",
        "kho.zip/hong.txt: its compressed data is corrupt",
    ] {
        assert!(err.contains(bad), "{bad}: {err}");
    }
    let v = json(&out);
    let meta = v["metadata"].as_array().unwrap();
    assert_eq!(meta.len(), RECORD_DOCS.len(), "{meta:?}");
    assert_eq!(v["documents"], RECORD_DOCS.len());
    let dates: Vec<&str> = meta
        .iter()
        .map(|m| m["date"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        dates,
        [
            "2024-01-05",
            "2024-01-20",
            "2024-03-08",
            "2024-04-01",
            "2024-02-10",
            "2024-03-05",
            "2024-01-25",
            "2024-04-15"
        ]
    );
    // The zip's text file has no date column: its dateline's, marked as inferred.
    assert_eq!(meta[6]["date_inferred"], true);
    assert_eq!(meta[6]["group"], "mien-tay");
    assert_eq!(meta[0]["date_inferred"], serde_json::Value::Null);
    assert_eq!(meta[0]["title"], "Mùa sen");
    assert_eq!(meta[0]["source"], "Báo Đồng Tháp");
    assert_eq!(
        (meta[3]["row"].as_u64(), meta[3]["record_id"].as_str()),
        (Some(6), Some("5"))
    );
    assert!(meta[0]["name"].as_str().unwrap().ends_with("tin.csv#2"));
    assert_eq!(meta[7]["group"], "mien-tay");
    assert!(meta[0]["group"].as_str().unwrap().ends_with("tin.csv"));

    // The monthly trend of "sen", against a count by hand.
    let words: Vec<u64> = v["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["words"].as_u64().unwrap())
        .collect();
    let out = soi(&[&["trends", "sen", "--by", "month"][..], &f].concat());
    assert_eq!(out.status.code(), Some(1));
    let tsv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(lines[0], "period\tdocuments\twords\tsen\tsen per 10k");
    assert_eq!(lines.len(), 5, "{tsv}");
    for (line, month) in lines[1..]
        .iter()
        .zip(["2024-01", "2024-02", "2024-03", "2024-04"])
    {
        let in_month: Vec<usize> = (0..RECORD_DOCS.len())
            .filter(|&i| RECORD_DOCS[i].1 == month)
            .collect();
        let n: u64 = in_month
            .iter()
            .map(|&i| count_word(RECORD_DOCS[i].2, "sen"))
            .sum();
        let w: u64 = in_month.iter().map(|&i| words[i]).sum();
        let per = if w > 0 {
            n as f64 * 1e4 / w as f64
        } else {
            0.0
        };
        let want = format!("{month}\t{}\t{w}\t{n}\t{per:.2}", in_month.len());
        assert_eq!(*line, want);
    }
    assert!(
        lines[1].contains("\t5\t"),
        "January has five 'sen': {}",
        lines[1]
    );
    // By group: only the zip's folder; CSV and JSON give the same figures.
    let out = soi(&[
        &["trends", "sen", "--by", "year", "--group", "mien-tay"][..],
        &f,
    ]
    .concat());
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert!(
        tsv.lines().nth(1).unwrap().starts_with("2024\t2\t"),
        "{tsv}"
    );
    let out = soi(&[&["trends", "--word", "sen", "--csv"][..], &f].concat());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.starts_with("period,documents,words,sen,sen per 10k\r\n2024-01,3,"),
        "{csv}"
    );
    let out = soi(&[&["trends", "sen", "--by", "week", "--json"][..], &f].concat());
    let weeks = json(&out);
    assert_eq!(weeks.as_array().unwrap()[0]["period"], "2024-W01");
}

/// `soi new`: March against the 31 days before it (30 January – 29 February), counted by
/// hand from the records.
#[test]
fn what_is_new_in_a_month_against_the_days_before() {
    let files = record_files();
    let f: Vec<&str> = files.iter().map(String::as_str).collect();
    let run = |extra: &[&str]| {
        let out = soi(&[
            &["new", "--from", "2024-03", "--to", "2024-03"][..],
            extra,
            &f,
        ]
        .concat());
        assert_eq!(
            out.status.code(),
            Some(1),
            "the bad rows are still reported"
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (tsv, err) = run(&["--min-g2", "0", "--top", "0"]);
    assert!(
        err.contains("2024-03-01 – 2024-03-31 (2 documents")
            && err.contains("against 2024-01-30 – 2024-02-29 (1 documents"),
        "{err}"
    );
    assert_eq!(
        tsv.lines().next(),
        Some("kind\tterm\tnow\tbefore\tnow_per_10k\tbefore_per_10k\tg2\tlog_ratio")
    );
    let by_hand = |month: &str, word: &str| -> u64 {
        RECORD_DOCS
            .iter()
            .filter(|d| d.1 == month)
            .map(|d| count_word(d.2, word))
            .sum()
    };
    let row = |kind: &str, term: &str| -> Option<Vec<String>> {
        tsv.lines()
            .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
            .find(|r| r[0] == kind && r[1] == term)
    };
    let mua = row("word", "mưa").unwrap_or_else(|| panic!("{tsv}"));
    assert_eq!(mua[2], by_hand("2024-03", "mưa").to_string());
    assert_eq!(mua[3], "0");
    assert!(mua[7].parse::<f64>().unwrap() > 0.0);
    // An entity's mentions are those the entity table of the month counts.
    let hue = row("LOC", "Huế").unwrap_or_else(|| panic!("{tsv}"));
    let out = soi(&[
        &[
            "entities", "--table", "--from", "2024-03", "--to", "2024-03",
        ][..],
        &f,
    ]
    .concat());
    let table = String::from_utf8(out.stdout).unwrap();
    let in_table = table
        .lines()
        .find_map(|l| l.strip_prefix("LOC\tHuế\t"))
        .and_then(|rest| rest.split('\t').next())
        .unwrap_or_else(|| panic!("{table}"));
    assert_eq!((hue[2].as_str(), hue[3].as_str()), (in_table, "0"));
    // Only rises: February's boat race is not new in March.
    assert!(row("word", "ghe").is_none(), "{tsv}");
    // Four mentions against none in so few words is not significant at p < 0.001.
    let (tsv, _) = run(&[]);
    assert!(!tsv.contains("\tmưa\t"), "{tsv}");
    // CSV the same rows; without a period, a usage error.
    let (csv, _) = run(&["--min-g2", "0", "--csv"]);
    assert!(csv.starts_with("kind,term,now,before,"), "{csv}");
    assert!(csv.contains("word,mưa,4,0,"), "{csv}");
    let out = soi(&[&["new", "--from", "2024-03"][..], &f].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from D --to D"));
}

#[test]
fn a_period_against_the_rest_by_keyness() {
    let files = record_files();
    let f: Vec<&str> = files.iter().map(String::as_str).collect();
    let out = soi(&[
        &[
            "keywords", "--from", "2024-04", "--to", "2024-04", "--top", "0",
        ][..],
        &f,
    ]
    .concat());
    assert_eq!(
        out.status.code(),
        Some(1),
        "the bad rows are still reported"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 of 8 documents selected"), "{err}");
    let tsv = String::from_utf8(out.stdout).unwrap();
    let april: u64 = RECORD_DOCS
        .iter()
        .filter(|d| d.1 == "2024-04")
        .map(|d| count_word(d.2, "sen"))
        .sum();
    let rest: u64 = RECORD_DOCS
        .iter()
        .filter(|d| d.1 != "2024-04")
        .map(|d| count_word(d.2, "sen"))
        .sum();
    let row: Vec<&str> = tsv
        .lines()
        .find(|l| l.starts_with("sen\t"))
        .unwrap_or_else(|| panic!("{tsv}"))
        .split('\t')
        .collect();
    assert_eq!(
        (row[1], row[2]),
        (april.to_string().as_str(), rest.to_string().as_str())
    );
    assert!(
        row[5].parse::<f64>().unwrap() > 0.0,
        "more frequent in April: {row:?}"
    );
    // A word only in other months has a negative Log Ratio.
    let mua = tsv.lines().find(|l| l.starts_with("mưa\t"));
    assert!(
        mua.is_none(),
        "'mưa' is not in April's documents, so not in its list"
    );
    // By source; an unknown bound is a usage error.
    let out = soi(&[&["keywords", "--source", "Báo Huế"][..], &f].concat());
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert!(
        tsv.lines().nth(1).unwrap().starts_with("mưa\t4\t0\t"),
        "{tsv}"
    );
    let out = soi(&[&["keywords", "--from", "tháng ba"][..], &f].concat());
    assert_eq!(out.status.code(), Some(2));
    // The entity table of a source.
    let out = soi(&[&["entities", "--table", "--source", "Báo Huế"][..], &f].concat());
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert!(tsv.contains("LOC\tHuế\t"), "{tsv}");
    assert!(!tsv.contains("Đồng Tháp"), "{tsv}");
    // entities of each row, named by file and line.
    let out = soi(&[&["entities"][..], &f].concat());
    let lines = String::from_utf8(out.stdout).unwrap();
    assert_eq!(lines.lines().count(), RECORD_DOCS.len());
    assert!(lines.contains("tin.csv#3"), "{lines}");
}

#[test]
fn record_inputs_give_the_same_output_whatever_the_number_of_threads() {
    let files = record_files();
    let f: Vec<&str> = files.iter().map(String::as_str).collect();
    let commands: Vec<Vec<&str>> = vec![
        [&["stats"][..], &f].concat(),
        [&["keywords", "--top", "0"][..], &f].concat(),
        [&["keywords", "--from", "2024-03"][..], &f].concat(),
        [&["trends", "sen, mưa", "--by", "week"][..], &f].concat(),
        [&["entities"][..], &f].concat(),
        [&["entities", "--table"][..], &f].concat(),
        [&["kwic", "sen"][..], &f].concat(),
    ];
    for args in commands {
        let with = |j: &str| {
            let mut a = vec![args[0], "-j", j];
            a.extend(&args[1..]);
            soi(&a)
        };
        let (one, three) = (with("1"), with("3"));
        assert!(!one.stdout.is_empty(), "{} printed nothing", args[0]);
        assert_eq!(one.status.code(), three.status.code(), "{args:?}");
        assert!(
            one.stdout == three.stdout,
            "{args:?}: -j 3 differs from -j 1"
        );
        assert_eq!(
            String::from_utf8_lossy(&one.stderr),
            String::from_utf8_lossy(&three.stderr),
            "{args:?}"
        );
    }
}
