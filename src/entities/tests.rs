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

#[track_caller]
fn has(text: &str, span: &str, ty: &str) {
    let e = ents(text);
    assert!(
        e.iter().any(|(s, t, _)| s == span && *t == ty),
        "{span} {ty} not in {e:?}"
    );
}

#[track_caller]
fn canonical(text: &str, span: &str, want: &str) {
    let e = ents(text);
    assert!(
        e.iter().any(|(s, _, c)| s == span && c == want),
        "{span} → {want} not in {e:?}"
    );
}

#[test]
fn per_after_title_without_the_title() {
    let s = "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương.";
    has(s, "Nguyễn Phú Trọng", "PER");
    has(s, "Tổng Bí thư", "ROLE");
    has("Hôm qua ông Trọng và bà H. đã đến.", "Trọng", "PER");
}

#[test]
fn role_links_person_and_organization() {
    let text = "Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn phát biểu.";
    let m = Recognizer::embedded().extract(text);
    let role = m.iter().find(|x| x.kind == EntityType::Role).expect("role");
    assert_eq!(&text[role.range.clone()], "Bộ trưởng");
    assert_eq!(role.org_of_role.as_deref(), Some("Bộ Ngoại giao"));
    let p = &m[role.role_of.expect("linked")];
    assert_eq!(&text[p.range.clone()], "Bùi Thanh Sơn");
    // A role in apposition after the name.
    let text = "Tại hội nghị, đồng chí Nguyễn Bá Dũng - Bí thư Đảng ủy xã phát biểu.";
    let m = Recognizer::embedded().extract(text);
    let role = m.iter().find(|x| x.kind == EntityType::Role).expect("role");
    assert_eq!(
        &text[m[role.role_of.expect("linked")].range.clone()],
        "Nguyễn Bá Dũng"
    );
}

#[test]
fn org_with_head_noun_and_long_names() {
    // A lost full stop (sample corpus): the honorific starts the person, not more name.
    let s = "Tổng Bí thư làm việc với Ban Đối ngoại Trung ương Đồng chí Hoàng Bình Quân báo cáo.";
    has(s, "Ban Đối ngoại Trung ương", "ORG");
    has(s, "Hoàng Bình Quân", "PER");
    // "Bà" here is a place's first syllable, not an honorific.
    let e = ents("Tỉnh ủy Bà Rịa họp.");
    assert!(
        e.iter().any(|x| x.0 == "Tỉnh ủy Bà Rịa" && x.1 == "ORG"),
        "{e:?}"
    );
    has(
        "Ông làm việc với Ban Đối ngoại Trung ương hôm nay.",
        "Ban Đối ngoại Trung ương",
        "ORG",
    );
    has(
        "Theo Bộ Văn hóa, Thể thao và Du lịch, lượng khách tăng.",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "ORG",
    );
    has(
        "Văn bản của UBND tỉnh Quảng Ninh đã nêu rõ.",
        "UBND tỉnh Quảng Ninh",
        "ORG",
    );
    has(
        "Em học ở trường Đại học Bách khoa Hà Nội từ lâu.",
        "trường Đại học Bách khoa Hà Nội",
        "ORG",
    );
    has(
        "Việt Nam là thành viên Hội đồng Bảo an Liên hợp quốc.",
        "Hội đồng Bảo an Liên hợp quốc",
        "ORG",
    );
}

#[test]
fn generic_bodies_alone_are_not_org() {
    let e = ents("Chính phủ và Quốc hội đã thống nhất, Đảng lãnh đạo.");
    assert!(e.iter().all(|x| x.1 != "ORG"), "{e:?}");
}

#[test]
fn loc_with_lower_case_head_and_nationality_left_out() {
    has(
        "Đoàn đã đến tỉnh Quảng Ninh và huyện Yên Dũng.",
        "tỉnh Quảng Ninh",
        "LOC",
    );
    has(
        "Đoàn đã đến tỉnh Quảng Ninh và huyện Yên Dũng.",
        "huyện Yên Dũng",
        "LOC",
    );
    has("Ông sống ở quận 1 gần sông Hồng.", "quận 1", "LOC");
    has(
        "Hợp tác giữa Việt Nam và Mỹ ở Đông Nam Á.",
        "Đông Nam Á",
        "LOC",
    );
    let e = ents("Nhiều người Mỹ học tiếng Việt.");
    assert!(e.iter().all(|x| x.1 != "LOC"), "{e:?}");
}

#[test]
fn date_without_ngay_never_loc() {
    let s = "Hội nghị diễn ra ngày 23/12 tại Hà Nội.";
    has(s, "23/12", "DATE");
    assert!(ents(s)
        .iter()
        .all(|x| !(x.0.contains("23/12") && x.1 == "LOC")));
    canonical("Ký ngày 14/12/2021 ở Hà Nội.", "14/12/2021", "2021-12-14");
    canonical(
        "Nhiệm kỳ từ tháng 9/2022 đến nay.",
        "tháng 9/2022",
        "2022-09",
    );
    canonical("Kết quả năm 2021 rất tốt.", "2021", "2021");
    has("Nhiệm kỳ 2021-2023 kết thúc.", "2021-2023", "DATE");
    canonical("Nhiệm kỳ 2021-2023 kết thúc.", "2021-2023", "2021/2023");
}

#[test]
fn inferred_year_from_the_document() {
    let r = Recognizer::embedded();
    let text = "Hội nghị diễn ra ngày 23/12.";
    let mut words = Vec::new();
    words_into(
        text,
        Segmenter::embedded(),
        &UserDict::default(),
        &mut Scratch::default(),
        &mut words,
    );
    let mut mem = DocMemory::with_year(2022);
    let mut out = Vec::new();
    r.paragraph(text, &words, &mut mem, &mut out);
    let d = out
        .iter()
        .find(|m| m.kind == EntityType::Date)
        .expect("date");
    assert_eq!(d.iso.as_deref(), Some("2022-12-23"));
    assert!(d.inferred);
}

#[test]
fn numbers_percent_money_quantity_time() {
    has("Tăng 3,5% so với năm trước.", "3,5%", "PERCENT");
    has(
        "Có hơn 200 đảng và 114 nước tham dự.",
        "114 nước",
        "QUANTITY",
    );
    has("Dự án trị giá 5 tỷ đồng.", "5 tỷ đồng", "MONEY");
    has("Bắt đầu lúc 8:30 sáng.", "8:30", "TIME");
}

#[test]
fn congress_variants_share_one_canonical() {
    canonical(
        "Nghị quyết Đại hội 13 đã đề ra.",
        "Đại hội 13",
        "Đại hội XIII",
    );
    canonical(
        "Tinh thần Đại hội XIII được quán triệt.",
        "Đại hội XIII",
        "Đại hội XIII",
    );
    canonical(
        "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIII của Đảng nêu rõ.",
        "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
        "Đại hội XIII",
    );
    canonical(
        "Kết quả Đại hội Đảng 14 sắp tới.",
        "Đại hội Đảng 14",
        "Đại hội XIV",
    );
}

#[test]
fn un_spellings_share_one_canonical() {
    canonical(
        "Phó Chủ tịch Đại hội đồng Liên Hợp Quốc khóa 77.",
        "Đại hội đồng Liên Hợp Quốc",
        "Đại hội đồng Liên Hợp Quốc",
    );
    canonical(
        "Thành viên của Liên hợp quốc từ lâu.",
        "Liên hợp quốc",
        "Liên Hợp Quốc",
    );
    canonical(
        "Thành viên của Liên Hợp Quốc từ lâu.",
        "Liên Hợp Quốc",
        "Liên Hợp Quốc",
    );
}

#[test]
fn later_short_name_links_to_full_name() {
    let text = "Tổng Bí thư Nguyễn Phú Trọng phát biểu.\nSau đó, ông Trọng gặp các đại biểu.";
    let m = Recognizer::embedded().extract(text);
    let short = m
        .iter()
        .find(|x| &text[x.range.clone()] == "Trọng")
        .expect("Trọng");
    assert_eq!(short.kind, EntityType::Per);
    assert_eq!(short.canonical, "Nguyễn Phú Trọng");
    assert!(short.inferred);
}

#[test]
fn acronyms_expand_from_the_list_and_the_text() {
    let m = Recognizer::embedded().extract("Theo TTXVN, MTTQ đã họp.");
    let t = m
        .iter()
        .find(|x| x.canonical == "Thông tấn xã Việt Nam")
        .expect("TTXVN");
    assert_eq!(t.expansion.as_deref(), Some("Thông tấn xã Việt Nam"));
    let text = "Hiệp hội Chè Việt Nam (VITAS) họp. Sau đó VITAS ra thông báo.";
    let m = Recognizer::embedded().extract(text);
    let later: Vec<_> = m
        .iter()
        .filter(|x| &text[x.range.clone()] == "VITAS")
        .collect();
    assert_eq!(later.len(), 2, "{m:?}");
    assert!(later
        .iter()
        .all(|x| x.kind == EntityType::Org && x.canonical == "Hiệp hội Chè Việt Nam"));
}

#[test]
fn sentence_start_capital_is_not_a_name() {
    let e = ents("Hôm nay trời đẹp. Tuy nhiên mọi người vẫn ở nhà.");
    assert!(e.iter().all(|x| x.1 != "PER"), "{e:?}");
}

#[test]
fn user_entries_are_recognized() {
    let (r, errors) = Recognizer::with_user_entries("PER Bờm Xơ\nORG Hợp tác xã Lúa Vàng\nbad\n");
    assert_eq!(errors.len(), 1);
    let text = "Hôm đó anh bạn Bờm Xơ gặp Hợp tác xã Lúa Vàng.";
    let m = r.extract(text);
    assert!(
        m.iter()
            .any(|x| x.kind == EntityType::Per && &text[x.range.clone()] == "Bờm Xơ"),
        "{m:?}"
    );
}

#[test]
fn cooccurrences_count_pairs_once_per_unit() {
    let a = Recognizer::embedded().extract("Bộ Ngoại giao và Việt Nam, Việt Nam.");
    let mut c = cooccurrences([a.as_slice(), a.as_slice()]);
    let key = (
        (EntityType::Org, "Bộ Ngoại giao".to_owned()),
        (EntityType::Loc, "Việt Nam".to_owned()),
    );
    assert_eq!(c.pairs.get(&key), Some(&2));
    let other = c.clone();
    c.merge(&other);
    assert_eq!(c.pairs.get(&key), Some(&4));
    assert_eq!(c.sorted()[0].2, 4);
}

#[test]
fn mentions_are_sorted_disjoint_and_on_char_boundaries() {
    let text = "Ngày 23/12, UBND TP.HCM (TTXVN) chi 3,5% — “Nguyễn Văn A”… ổn! Ông H.T.P nói.";
    let m = Recognizer::embedded().extract(text);
    let mut at = 0;
    for x in &m {
        assert!(x.range.start >= at && x.range.end > x.range.start, "{m:?}");
        assert!(text.is_char_boundary(x.range.start) && text.is_char_boundary(x.range.end));
        at = x.range.end;
    }
}

#[test]
fn lone_foreign_words_by_context() {
    has("Sau trận đấu, Federer nói anh rất vui.", "Federer", "PER");
    has("Ông từng sống nhiều năm ở Montreal.", "Montreal", "LOC");
    has("Sản phẩm mới của hãng Ubisoft đã ra mắt.", "Ubisoft", "ORG");
    let e = ents("Máy tính có kết nối Internet đến các số điện thoại.");
    assert!(e.iter().all(|(s, _, _)| s != "Internet"), "{e:?}");
}

#[test]
fn country_glued_to_title_is_a_place() {
    let s = "Thủ tướng Nga Mikhail Fradkov đã tới Hà Nội.";
    has(s, "Nga", "LOC");
    has(s, "Mikhail Fradkov", "PER");
}

#[test]
fn country_as_team_in_sports_news() {
    let s = "Ở cặp đấu còn lại của vòng loại World Cup, Romania hòa Thụy Sĩ 1-1.";
    has(s, "Romania", "ORG");
    has(s, "Thụy Sĩ", "ORG");
    has("Mỹ áp thuế mới với hàng nhập khẩu.", "Mỹ", "LOC");
}

#[test]
fn number_closes_an_organization_name() {
    has(
        "Bé được chuyển tới Bệnh viện Nhi Đồng 1, TP HCM.",
        "Bệnh viện Nhi Đồng 1",
        "ORG",
    );
}

#[test]
fn org_list_after_a_comma_goes_on_with_common_words() {
    let rules = |text: &str| -> Vec<(String, EntityType)> {
        Recognizer::rules_only()
            .extract(text)
            .into_iter()
            .map(|m| (text[m.range.clone()].to_owned(), m.kind))
            .collect()
    };
    let e = rules("Sở Văn hóa, Thông tin Hà Nội đã cấp phép.");
    assert!(
        e.contains(&("Sở Văn hóa, Thông tin Hà Nội".to_owned(), EntityType::Org)),
        "{e:?}"
    );
    // A name that is no common word ends at the comma.
    let e = rules("Ông làm ở Công ty Hoàng Long, Thương mại là ngành chính.");
    assert!(
        e.contains(&("Công ty Hoàng Long".to_owned(), EntityType::Org)),
        "{e:?}"
    );
}

#[test]
fn a_title_stops_before_a_body_whose_name_goes_on() {
    let s = "Chủ tịch UBND TP Lê Thanh Hải đã chỉ đạo.";
    has(s, "Chủ tịch", "ROLE");
    has(s, "UBND TP", "ORG");
    has(s, "Lê Thanh Hải", "PER");
    let s = "Phó chủ tịch UBND tỉnh Phạm Bá ký.";
    has(s, "UBND tỉnh", "ORG");
    has(s, "Phạm Bá", "PER");
    // The body with nothing after it stays in the title.
    has(
        "Phó Chủ tịch UBND tỉnh và các đại biểu dự.",
        "Phó Chủ tịch UBND",
        "ROLE",
    );
}
