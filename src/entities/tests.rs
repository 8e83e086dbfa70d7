//! Unit tests: one per type and per canonicalization rule, on sentences written for these
//! tests or taken from the sample corpus (`www/corpus/`).

use super::*;

fn ents(text: &str) -> Vec<(String, &'static str, String)> {
    Recognizer::embedded()
        .extract(text)
        .into_iter()
        .map(|m| (text[m.range.clone()].to_owned(), m.kind.id(), m.canonical))
        .collect()
}

fn has(text: &str, span: &str, ty: &str) -> bool {
    ents(text).iter().any(|(s, t, _)| s == span && *t == ty)
}

#[test]
fn smoke() {
    let e = ents("Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương ngày 23/12.");
    assert!(e.iter().any(|x| x.0 == "Nguyễn Phú Trọng" && x.1 == "PER"), "{e:?}");
    assert!(has("Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương ngày 23/12.", "23/12", "DATE"));
}
