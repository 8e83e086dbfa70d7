//! The rules, applied left to right over the tokens of each sentence; at each token the
//! first rule that matches takes its span and the scan goes on after it.
//!
//! Order at a token: dates and numbers; events ("Đại hội XIII"); a role title with the
//! organization and person after it; an honorific with the person after it; a place head
//! ("tỉnh Quảng Ninh"); an organization head or a known name, whichever is longer; a
//! capitalized run classified by what it starts with (a surname, a foreign given name, an
//! acronym) or by what the document said before. The first word of a sentence counts as
//! capitalized only when something else says it is a name.

use super::gazetteer::Gazetteers;
use super::toks::Toks;
use super::{dates, DocMemory, EntityType, Mention, Recognizer};
use crate::text::token::TokenKind;
use crate::words::Word;

pub(crate) fn paragraph(
    rec: &Recognizer,
    text: &str,
    words: &[Word],
    mem: &mut DocMemory,
    out: &mut Vec<Mention>,
) {
    let mut sc = std::mem::take(&mut mem.scratch);
    sc.build(text, words);
    {
        let t = Toks {
            text,
            toks: &sc.toks,
            lower: &sc.lower,
        };
        let mut sx = Scanner {
            g: &rec.gaz,
            t: &t,
            mem,
            out,
        };
        let n = t.len();
        let first = sx.out.len();
        let mut s = 0;
        while s < n {
            let mut e = s + 1;
            while e < n && !sc.toks[e].sent_start {
                e += 1;
            }
            sx.sentence(s, e);
            s = e;
        }
        let sp = sports(&t);
        if sp {
            teams(&rec.gaz, text, &mut out[first..]);
        }
        sc.sports = sp;
    }
    mem.scratch = sc;
}

/// Words that make a paragraph sports news.
const SPORTS: &[&str] = &[
    "trận",
    "cầu thủ",
    "hlv",
    "đội tuyển",
    "tiền đạo",
    "thủ môn",
    "hậu vệ",
    "tiền vệ",
    "ghi bàn",
    "bàn thắng",
    "vòng loại",
    "tỷ số",
    "tỉ số",
    "world cup",
    "chung kết",
    "bán kết",
    "tứ kết",
    "vô địch",
    "sân nhà",
    "davis cup",
    "huy chương",
    "cặp đấu",
    "trọng tài",
    "olympic",
    "sea games",
    "v-league",
    "hiệp 1",
    "hiệp 2",
    "đội khách",
    "thắng lợi",
    "đội bóng",
];

/// Is the paragraph sports news (two cue words at least)?
fn sports(t: &Toks) -> bool {
    SPORTS
        .iter()
        .filter(|w| t.lower.contains(*w))
        .take(2)
        .count()
        >= 2
}

/// In sports news a bare country or province, not after "ở", "tại", "người", names a team.
fn teams(g: &Gazetteers, text: &str, out: &mut [Mention]) {
    for m in out.iter_mut() {
        if m.kind != EntityType::Loc {
            continue;
        }
        let Some(name) = text.get(m.range.clone()) else {
            continue;
        };
        if !g.teams.contains(name) {
            continue;
        }
        let before = text.get(..m.range.start).unwrap_or("").trim_end();
        if before.ends_with('(') {
            continue;
        }
        let prev = before
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_lowercase();
        let prev = prev.as_str();
        if PLACE_PREPS.contains(&prev)
            || NATIONALITY.contains(&prev)
            || matches!(
                prev,
                "nước" | "xứ" | "trời" | "đất" | "miền" | "vùng" | "khắp"
            )
        {
            continue;
        }
        let after = text.get(m.range.end..).unwrap_or("").trim_start();
        let next = after
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_lowercase();
        let score = after.starts_with(|c: char| c.is_ascii_digit());
        if score
            || TEAM_NEXT.contains(&next.as_str())
            || TEAM_PREV.contains(&prev)
            || before.ends_with(|c: char| c.is_ascii_digit())
        {
            m.kind = EntityType::Org;
        }
    }
}

/// Words after a country that make it a team ("Romania hòa Thụy Sĩ").
const TEAM_NEXT: &[&str] = &[
    "thắng", "hòa", "hoà", "thua", "đánh", "vượt", "cầm", "chiến", "giành", "dẫn", "ghi", "lọt",
    "đè", "gục", "bị", "đã", "sẽ", "cũng", "lại", "không", "thứ",
];

/// Words before a country that make it a team ("trận gặp Nga", "cầu thủ của Bình Định").
const TEAM_PREV: &[&str] = &[
    "gặp", "thắng", "hòa", "hoà", "thua", "trước", "bại", "hạ", "cho", "môn", "thủ", "tuyển",
    "đội", "với", "của", "nhà", "đấu",
];

/// Particles inside foreign names ("Ludwig van Beethoven").
const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "da", "di", "dos", "du", "del", "bin", "al", "le", "la", "el",
];

/// Words before a capitalized run that say it is a place.
const PLACE_PREPS: &[&str] = &["tại", "ở", "khắp", "sang", "về", "tới", "đến", "từ", "qua"];

/// Words before a place name that make it a nationality or language: left out entirely.
const NATIONALITY: &[&str] = &[
    "người", "tiếng", "gốc", "kiều", "quốc", "giọng", "tộc", "bào", "chữ", "kiểu",
];

/// Acronyms that are not organizations.
const NOT_ORG_ACRONYMS: &[&str] = &[
    "GDP", "GNP", "CEO", "USD", "VND", "VNĐ", "EUR", "HIV", "AIDS", "SARS", "COVID", "TV", "PC",
    "CD", "DVD", "CPU", "RAM", "USB", "IT", "OK", "SMS", "GPS", "ATM", "VAT", "FDI", "ODA", "CNTT",
    "THPT", "THCS", "GS", "TS", "PGS", "ThS", "BS", "KS", "MC", "DJ", "MV", "LCD", "LED", "PDF",
    "HTML", "IP", "ID", "PIN", "SIM", "GSM", "CDMA", "WiFi", "ADSL", "MP3", "MP4", "UV", "AI",
    "VIP", "TP", "TT", "XHCN", "CNXH", "ĐBQH", "NQ", "QĐ", "CP", "TNHH", "ĐH", "CĐ", "KTX", "BHXH",
    "BHYT", "HLV", "VĐV", "SV", "HS", "CLB", "NXB", "CMND", "PCCC", "ATGT", "CSGT", "KCN", "KĐT",
    "BĐS", "DN", "DNNN", "XK", "NK", "QL", "TL", "DT", "HN", "SG", "ĐT", "NV", "PV", "BTV", "PGĐ",
    "GĐ", "TGĐ", "H1N1", "H5N1", "SMS", "MMS", "WC", "ICT", "R&D", "CO2", "OTC", "NK", "OPEC",
    "FM", "AM", "PM",
];

/// Capitalized single syllables inside a sentence that are not names.
const SINGLE_NOT_NAMES: &[&str] = &[
    "Đảng",
    "Nhà",
    "Tết",
    "Chúa",
    "Phật",
    "Trời",
    "Bác",
    "Nước",
    "Người",
    "Thánh",
    "Mẹ",
    "Tổ",
    "Quốc",
    "Nhân",
    "Thần",
    "Vua",
    "Tây",
    "Đông",
    "Nam",
    "Bắc",
    "Trung",
    "Hội",
    "Sở",
    "Bộ",
    "Ban",
    "Viện",
    "Cục",
    "Vụ",
    "Đoàn",
    "Phòng",
    "Trường",
    "Báo",
    "Đài",
    "Ông",
    "Bà",
    "Anh",
    "Chị",
    "Em",
    "Tôi",
    "Luật",
    "Nghị",
    "Thông",
    "Hiến",
    "Tháng",
    "Năm",
    "Ngày",
    "Thứ",
    "Chủ",
    "Giải",
    "Cúp",
    "Kỳ",
    "Khóa",
    "Phần",
    "Chương",
    "Điều",
    "Mục",
    "Việt",
    "Xuân",
    "Hạ",
    "Thu",
    "Quốc",
    "Giờ",
    "Tân",
    "Cựu",
    "Đại",
    "Tiểu",
    "Thượng",
    "Hạ",
    "Ảnh",
];

/// Lower-case words that end an organization's name rather than continue it.
const GAP_STOP: &[&str] = &[
    "cho", "biết", "đã", "đang", "sẽ", "vừa", "là", "có", "được", "bị", "của", "và", "với", "tại",
    "ở", "về", "trong", "ngày", "năm", "thì", "mà", "để", "khi", "này", "đó", "cũng", "không",
    "chưa", "phải", "nên", "sau", "trước", "từ", "đến", "theo", "ra", "vào", "lên", "nói", "yêu",
    "đề", "kiểm", "phối", "tổ", "thông", "quyết", "công", "gửi", "tới", "sang", "làm", "như",
    "hay", "hoặc", "tiếp", "mới", "rồi", "còn", "thuộc", "trực", "tham", "đưa", "chỉ", "nhận",
    "mở", "ký", "tuyên", "phát", "báo", "xác", "khẳng", "cùng", "giữa", "trên", "dưới", "qua",
    "đi", "lại", "hơn", "nhất", "rất", "đều", "chính", "thức", "sự", "việc",
];

/// Words after a lone foreign name that make it a person ("Federer nói", "Totti cũng").
const PERSON_VERBS: &[&str] = &[
    "nói", "cho", "phát", "khẳng", "tiết", "thừa", "ghi", "đã", "đang", "vẫn", "cũng", "từng",
    "nhận", "muốn", "bày", "chia", "kể", "hỏi", "trả", "tuyên", "nhấn", "bác", "giơ", "không",
    "thì", "bảo", "nghĩ", "tin", "hy", "hi", "cười", "đề", "yêu", "chuyền", "sút", "đánh", "thắng",
    "thua", "gặp", "trở", "sinh", "mới", "liền", "lập", "ký", "rời", "làm", "viết", "hát", "đóng",
    "xuất", "tự", "dẫn", "chạy",
];

/// Lower-case words before a lone foreign name that make it a brand or company.
const ORG_CUES: &[&str] = &[
    "hãng",
    "hiệu",
    "thương hiệu",
    "nhãn",
    "tập đoàn",
    "công ty",
    "tổ chức",
    "mạng",
    "website",
    "trang",
    "báo",
    "đài",
    "kênh",
    "clb",
    "đội",
    "siêu thị",
    "ngân hàng",
];

/// Last words that make a foreign capitalized run an organization.
const ORG_SUFFIXES: &[&str] = &[
    "united",
    "city",
    "fc",
    "inc",
    "corp",
    "corporation",
    "group",
    "bank",
    "airlines",
    "airways",
    "motors",
    "pictures",
    "bros",
    "records",
    "entertainment",
    "technologies",
    "technology",
    "systems",
    "software",
    "electronics",
    "communications",
    "networks",
    "network",
    "media",
    "studios",
    "studio",
    "games",
    "club",
    "team",
    "ltd",
    "co",
    "company",
    "holdings",
    "international",
    "foundation",
    "university",
    "college",
    "institute",
    "agency",
    "news",
    "times",
    "post",
    "journal",
    "telecom",
    "mobile",
    "energy",
    "oil",
    "airline",
    "motor",
    "plaza",
    "hotel",
    "resort",
    "center",
    "centre",
    "online",
    "microsystems",
    "labs",
    "lab",
];

struct Scanner<'a, 'b> {
    g: &'a Gazetteers,
    t: &'a Toks<'a>,
    mem: &'b mut DocMemory,
    out: &'b mut Vec<Mention>,
}

fn roman(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    let v = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let vals: Option<Vec<u32>> = s.chars().map(v).collect();
    let vals = vals?;
    let mut total = 0u32;
    for (k, &x) in vals.iter().enumerate() {
        if vals.get(k + 1).is_some_and(|&n| n > x) {
            total = total.saturating_sub(x);
        } else {
            total += x;
        }
    }
    (total > 0).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    const T: &[(u32, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for &(v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// The ordinal at token `i`: an Arabic or Roman number.
fn ordinal(t: &Toks, i: usize) -> Option<u32> {
    match t.kind(i)? {
        TokenKind::Number => t.s(i).parse().ok().filter(|&n| n > 0 && n < 4000),
        TokenKind::Acronym | TokenKind::Foreign | TokenKind::Syllable => roman(t.s(i)),
        _ => None,
    }
}

/// Upper-case the first letter.
fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Is `head` (lower case) the head of an administrative unit ("tỉnh Quảng Ninh", "phường
/// 5")? "Thủ đô" names a place (`capital`) but never sits inside an organization's name.
fn admin_head(head: &str, capital: bool) -> bool {
    matches!(
        head,
        "tỉnh"
            | "thành phố"
            | "tp"
            | "tp."
            | "huyện"
            | "quận"
            | "thị xã"
            | "thị trấn"
            | "xã"
            | "phường"
    ) || (capital && head == "thủ đô")
}

/// The head of an organization's name, as `org_head` reads it.
struct OrgHead {
    /// Tokens of the head.
    len: usize,
    /// The head is a known organization's acronym ("UBND").
    acronym: bool,
    /// The head is written in lower case ("hãng Sony").
    lower: bool,
    /// The token after the head and the lower-case words of its name.
    after: usize,
    /// The head names a body by itself ("Ủy ban nhân dân").
    full: bool,
}

impl<'a, 'b> Scanner<'a, 'b> {
    fn push(&mut self, a: usize, b: usize, kind: EntityType, canonical: String) -> usize {
        self.out
            .push(Mention::new(self.t.span(a, b), kind, canonical));
        self.out.len() - 1
    }

    /// Is `i` the first content token of its sentence (after opening punctuation)?
    fn at_sentence_start(&self, s: usize, i: usize) -> bool {
        (s..i).all(|k| matches!(self.t.kind(k), Some(TokenKind::Punct | TokenKind::Symbol)))
            || i > s
                && matches!(
                    self.t.s(i - 1),
                    ":" | "“" | "\"" | "(" | "-" | "–" | "—" | "…" | "'" | "‘"
                )
    }

    fn sentence(&mut self, s: usize, e: usize) {
        let mut i = s;
        while i < e {
            i = match self.at(s, i, e) {
                Some(n) if n > i => n,
                _ => i + 1,
            };
        }
    }

    fn at(&mut self, s: usize, i: usize, e: usize) -> Option<usize> {
        let t = self.t;
        if matches!(
            t.kind(i),
            Some(TokenKind::Number | TokenKind::DateTime | TokenKind::Percent | TokenKind::Money)
        ) || t.low(i) == "tháng"
        {
            if let Some((n, m)) = dates::at(t, i, e, self.mem.year) {
                if m.kind == EntityType::Date && !m.inferred && !self.mem.year_given {
                    if let Some(y) = m
                        .iso
                        .as_deref()
                        .and_then(|s| s.get(..4))
                        .and_then(|s| s.parse().ok())
                    {
                        self.mem.year = Some(y);
                    }
                }
                self.out.push(m);
                return Some(n);
            }
            if t.low(i) == "tháng" {
                return None;
            }
        }
        if let Some(n) = self.event(i, e) {
            return Some(n);
        }
        if let Some(n) = self.role(i, e) {
            return Some(n);
        }
        let start = self.at_sentence_start(s, i);
        // A user's entry wins over the rules.
        if let Some((n, entry)) = self.g.names.longest(t, i, e, true) {
            if entry.user {
                let c = entry.canonical.to_string();
                self.push(i, i + n, entry.kind, c);
                return Some(i + n);
            }
        }
        if let Some(n) = self.honorific(i, e) {
            return Some(n);
        }
        if let Some(n) = self.place(i, e) {
            return Some(n);
        }
        if let Some(n) = self.org_or_name(i, e, start, false) {
            return Some(n);
        }
        if t.capword(i) {
            return self.cap_run(i, e, start);
        }
        None
    }

    /// "Đại hội XIII", "Đại hội Đảng 13", "Đại hội đại biểu toàn quốc lần thứ XIII của
    /// Đảng", "Hội nghị Trung ương 8", known events.
    fn event(&mut self, i: usize, e: usize) -> Option<usize> {
        let t = self.t;
        let head = (t.low(i), t.low(i + 1));
        let congress = head == ("đại", "hội") && t.cap(i) && t.low(i + 2) != "đồng";
        let conference = head == ("hội", "nghị") && t.cap(i);
        if !congress && !conference {
            return None;
        }
        let mut j = i + 2;
        let mut party = false;
        let mut name_end = j;
        if congress {
            if t.low(j) == "đảng" && t.cap(j) {
                party = true;
                j += 1;
            } else if t.low(j) == "đại"
                && t.low(j + 1) == "biểu"
                && t.low(j + 2) == "toàn"
                && t.low(j + 3) == "quốc"
            {
                j += 4;
            }
        } else {
            while j < e && t.capword(j) && ordinal(t, j).is_none() {
                j += 1;
                while j < e && !t.word_start(j) && t.letters(j) {
                    j += 1;
                }
            }
            name_end = j;
        }
        let mut k = j;
        if t.low(k) == "lần" && t.low(k + 1) == "thứ" {
            k += 2;
        }
        let num = if k < e { ordinal(t, k) } else { None };
        let mut end = if num.is_some() { k + 1 } else { j };
        if num.is_some() && t.low(end) == "của" && t.low(end + 1) == "đảng" {
            end += 2;
            party = true;
        } else if num.is_some() && congress && t.low(end) == "đảng" && t.cap(end) {
            end += 1;
            party = true;
        }
        let canonical = if congress {
            match num {
                Some(n) => format!("Đại hội {}", to_roman(n)),
                None if party => "Đại hội Đảng".to_owned(),
                None => return None,
            }
        } else {
            let name = t.span_text(i, name_end);
            match num {
                Some(n) => format!("{name} lần thứ {n}"),
                None if name_end > i + 2 => name.to_owned(),
                None => return None,
            }
        };
        self.push(i, end, EntityType::Event, canonical);
        Some(end)
    }

    /// A role title, then an organization or place it belongs to, then the person.
    fn role(&mut self, i: usize, e: usize) -> Option<usize> {
        let t = self.t;
        // The segmenter may glue a title to the name after it ("Trưởng_Ban_Nội_chính"):
        // a title inside a word counts when a capitalized word follows it.
        let n = match self.g.roles.longest(t, i, e, true) {
            Some((n, _)) => n,
            None if t.word_start(i) => match self.g.roles.longest(t, i, e, false) {
                Some((n, _)) if t.capword(i + n) => n,
                _ => return None,
            },
            None => return None,
        };
        // A title the list knows with a body in it ("Chủ tịch UBND") stops before the body
        // when the body's name goes on past the title — with a name of its own or up to
        // the person ("Chủ tịch UBND TP Lê Thanh Hải", "Phó chủ tịch UBND tỉnh Phạm Bá").
        let n = (1..n)
            .find(|&k| {
                (t.cap(i + k) || t.kind(i + k) == Some(TokenKind::Acronym))
                    && self.org_span(i + k, e, true).is_some_and(|(end, _)| {
                        end > i + n
                            && !self.person_like(i + n, e)
                            && ((i + n..end)
                                .any(|x| t.cap(x) || t.kind(x) == Some(TokenKind::Number))
                                || self.person_like(end, e))
                    })
            })
            .unwrap_or(n);
        let mut j = i + n;
        // "Ông"/"Bà" are not roles; a title must be followed by something named.
        let mut org = None;
        let mut extra = Vec::new();
        if let Some((end, canon)) = self.org_span(j, e, true) {
            org = Some((j, end, canon));
            j = end;
        } else if let Some((m, entry)) = self.g.names.longest(t, j, e, true).or_else(|| {
            // The segmenter may glue the country to the title ("Thủ_tướng_Nga").
            t.capword(j)
                .then(|| self.g.names.longest(t, j, e, false))
                .flatten()
        }) {
            // A place named after a person is the person after a title ("Chủ tịch Hồ Chí
            // Minh"): three capitalized syllables from a surname.
            let named_after = entry.kind == EntityType::Loc
                && m == 3
                && self.g.surnames.contains(t.s(j))
                && (j..j + 3).all(|k| t.cap(k) && t.kind(k) == Some(TokenKind::Syllable));
            if matches!(entry.kind, EntityType::Loc | EntityType::Org)
                && !self.person_like(j, e)
                && !named_after
            {
                extra.push((j, j + m, entry.kind, entry.canonical.to_string()));
                j += m;
            }
        }
        let per = self.person_run(j, e);
        // A role in apposition after a name ("Nguyễn Bá Dũng - Bí thư Đảng ủy", "Hoàng Bình
        // Quân, Ủy viên Trung ương Đảng, Trưởng Ban …") qualifies that person.
        let before = if per.is_none() && i >= 1 && matches!(t.s(i - 1), "," | "-" | "–" | "(") {
            let sep_start = t.span(i - 1, i).start;
            self.out.last().and_then(|m| {
                let end_ok = self
                    .t
                    .text
                    .get(m.range.end..sep_start)
                    .is_some_and(|g| g.trim().is_empty());
                match m.kind {
                    EntityType::Per if end_ok => Some(self.out.len() - 1),
                    // "Ủy viên Trung ương Đảng, Trưởng Ban …": a chain of titles.
                    // A body may sit between them ("UVTV Tỉnh ủy, Phó Chủ tịch …").
                    EntityType::Role => {
                        let gap = self.t.text.get(m.range.end..sep_start)?.trim();
                        let body = gap.split_whitespace().count() <= 4
                            && gap.chars().next().is_some_and(char::is_uppercase);
                        (end_ok || body).then_some(m.role_of).flatten()
                    }
                    // "…, Bí thư Đảng ủy, Chủ tịch …": the title before the body, or the
                    // name before a title the rules do not know ("Phạm Bình Minh - Ủy
                    // viên Bộ Chính trị, Phó Thủ tướng …").
                    EntityType::Org | EntityType::Loc if end_ok => {
                        let k = self.out.len().checked_sub(2)?;
                        let prev = &self.out[k];
                        let gap = self.t.text.get(prev.range.end..m.range.start)?;
                        match prev.kind {
                            EntityType::Role if gap.trim().is_empty() => prev.role_of,
                            EntityType::Per => {
                                let g = gap.trim_start();
                                let apposition = (g.starts_with('-')
                                    || g.starts_with('–')
                                    || g.starts_with(','))
                                    && g.split_whitespace().count() <= 3
                                    && !g.split_whitespace().any(|w| w == "và" || w == "của");
                                apposition.then_some(k)
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                }
            })
        } else {
            None
        };
        if org.is_none() && extra.is_empty() && per.is_none() {
            if (t.cap(i) || before.is_some()) && t.word_start(i + n) {
                let c = capitalize(t.span_text(i, i + n));
                let r = self.push(i, i + n, EntityType::Role, c);
                self.out[r].role_of = before;
                return Some(i + n);
            }
            return None;
        }
        let role = self.push(
            i,
            i + n,
            EntityType::Role,
            capitalize(t.span_text(i, i + n)),
        );
        self.out[role].role_of = before;
        if let Some((a, b, canon)) = org {
            self.out[role].org_of_role = Some(canon.clone());
            self.push(a, b, EntityType::Org, canon);
        }
        for (a, b, kind, canon) in extra {
            if kind == EntityType::Org {
                self.out[role].org_of_role = Some(canon.clone());
            }
            self.push(a, b, kind, canon);
        }
        if let Some(end) = per {
            let p = self.person(j, end);
            self.out[role].role_of = Some(p);
            return Some(end);
        }
        Some(j)
    }

    /// "ông Trọng", "chị Nguyễn Thị Hà", "bà H".
    fn honorific(&mut self, i: usize, e: usize) -> Option<usize> {
        let t = self.t;
        let (n, _) = self.g.honorifics.longest(t, i, e, true)?;
        let j = i + n;
        if !t.capword(j) || self.g.roles.longest(t, j, e, true).is_some() {
            return None;
        }
        // "ông" before a known place or organization is not a name ("bà con Hà Nội").
        if let Some((_, entry)) = self.g.names.longest(t, j, e, true) {
            if !entry.flag && entry.kind != EntityType::Per && self.mem.person(t.s(j)).is_none() {
                return None;
            }
        }
        let end = self.person_run(j, e)?;
        self.person(j, end);
        Some(end)
    }

    /// Emit a person for tokens `a..b`, canonical from memory; remember full names.
    fn person(&mut self, a: usize, b: usize) -> usize {
        let t = self.t;
        let text = t.span_text(a, b).to_owned();
        let known = self.mem.persons.get(&text).cloned();
        let idx = self.push(
            a,
            b,
            EntityType::Per,
            known.clone().unwrap_or_else(|| text.clone()),
        );
        if known.is_some() {
            self.out[idx].inferred = known.as_deref() != Some(text.as_str());
        }
        let name_tokens: Vec<usize> = (a..b).filter(|&k| t.letters(k)).collect();
        if name_tokens.len() >= 2 {
            let full = known.unwrap_or(text);
            if let Some(&last) = name_tokens.last() {
                self.mem
                    .persons
                    .entry(t.s(last).to_owned())
                    .or_insert(full.clone());
            }
            if name_tokens.len() >= 3 {
                let k = name_tokens[name_tokens.len() - 2];
                let two = t.span_text(k, b).to_owned();
                self.mem.persons.entry(two).or_insert(full.clone());
            }
            self.mem.persons.entry(full.clone()).or_insert(full);
        }
        idx
    }

    /// The end of a person's name starting at `j`: capitalized syllables, foreign words,
    /// initials ("H.T.P", "W."), particles between them.
    fn person_run(&self, j: usize, e: usize) -> Option<usize> {
        let t = self.t;
        if let Some((m, x)) = self.g.names.longest(t, j, e, true) {
            if x.kind != EntityType::Per && !x.flag && t.capword(j + m) {
                return None;
            }
        }
        if self.g.org_heads.longest(t, j, e, false).is_some()
            || SINGLE_NOT_NAMES.contains(&t.s(j)) && !t.capword(j + 1)
        {
            return None;
        }
        let mut k = j;
        let mut n = 0;
        while k < e && n < 6 {
            match t.kind(k) {
                Some(TokenKind::Syllable | TokenKind::Foreign) if t.cap(k) => {
                    // A single capital letter with its period is an initial ("W.", "M.").
                    if t.s(k).chars().count() == 1 && t.s(k + 1) == "." {
                        k += 2;
                    } else {
                        k += 1;
                    }
                    n += 1;
                }
                Some(TokenKind::Acronym)
                    if t.s(k).contains('.')
                        && t.s(k).chars().filter(|c| c.is_alphabetic()).count() <= 4 =>
                {
                    k += 1;
                    if t.s(k) == "." && t.s(k - 1).contains('.') {
                        k += 1;
                    }
                    n += 1;
                }
                Some(TokenKind::Syllable | TokenKind::Foreign)
                    if n > 0 && PARTICLES.contains(&t.low(k)) && t.capword(k + 1) =>
                {
                    k += 1;
                }
                Some(TokenKind::Punct) if n > 0 && t.glued_hyphen(k) => {
                    k += 1;
                }
                _ => break,
            }
            // Stop before a known place right after a full name ("... Trọng Hà Nội").
            if n >= 2 && k < e && t.capword(k) {
                if let Some((_, entry)) = self.g.names.longest(t, k, e, true) {
                    if entry.kind != EntityType::Per {
                        break;
                    }
                }
            }
        }
        (n > 0).then_some(k)
    }

    /// Does a Vietnamese personal name start at `j` (a surname and a capitalized syllable)?
    fn person_like(&self, j: usize, e: usize) -> bool {
        let t = self.t;
        let viet = t.cap(j)
            && self.g.surnames.contains(t.s(j))
            && j + 1 < e
            && t.cap(j + 1)
            && t.kind(j + 1) == Some(TokenKind::Syllable)
            && self
                .g
                .names
                .longest(t, j, e, true)
                .is_none_or(|(_, x)| x.kind == EntityType::Per);
        viet || self.g.foreign_first.contains(t.s(j)) && t.capword(j + 1)
    }

    /// "tỉnh Quảng Ninh", "quận 1", "sông Hồng", "TP HCM".
    fn place(&mut self, i: usize, e: usize) -> Option<usize> {
        let t = self.t;
        if !t.word_start(i) {
            return None;
        }
        let (n, head) = self.g.place_heads.longest(t, i, e, false)?;
        let admin = admin_head(&t.span_text(i, i + n).to_lowercase(), true);
        if t.cap(i) && !admin {
            return None;
        }
        if t.low(i) == "nước"
            && i > 0
            && matches!(
                t.low(i - 1),
                "các" | "những" | "nhiều" | "hai" | "ba" | "mọi" | "số"
            )
        {
            return None;
        }
        let j = i + n;
        if j >= e {
            return None;
        }
        if head.flag && t.kind(j) == Some(TokenKind::Number) {
            let c = t.span_text(i, j + 1).to_owned();
            self.push(i, j + 1, EntityType::Loc, c);
            return Some(j + 1);
        }
        if !t.capword(j) {
            return None;
        }
        let (end, canonical) = match self.g.names.longest(t, j, e, true) {
            Some((m, entry)) if entry.kind == EntityType::Loc => {
                (j + m, entry.canonical.to_string())
            }
            Some((_, entry)) if entry.kind == EntityType::Org => return None,
            _ => {
                let mut k = j;
                while k < e && k < j + 5 && t.capword(k) {
                    if k > j
                        && (t.kind(k) == Some(TokenKind::Acronym)
                            || self.g.names.longest(t, k, e, true).is_some())
                    {
                        break;
                    }
                    k += 1;
                    while k < e && !t.word_start(k) && t.letters(k) {
                        k += 1;
                    }
                }
                (k, t.span_text(j, k).to_owned())
            }
        };
        let canonical = if admin || t.low(i) == "nước" {
            canonical
        } else {
            t.span_text(i, end).to_owned()
        };
        self.push(i, end, EntityType::Loc, canonical);
        Some(end)
    }

    /// An organization named by a head noun at `i`: (end, canonical). `role`: after a title,
    /// where a person's name ends the organization.
    fn org_span(&self, i: usize, e: usize, role: bool) -> Option<(usize, String)> {
        let head = self.org_head(i, e)?;
        let (j, end, has_name) = self.org_name(e, role, &head);
        let end = self.org_close(i, e, &head, j, end, has_name)?;
        Some((end, self.org_canonical(i, end, head.acronym)))
    }

    /// The head of an organization's name at `i` ("Bộ", "Ủy ban nhân dân", "Công ty cổ
    /// phần", a known acronym), with the lower-case words that belong to it.
    fn org_head(&self, i: usize, e: usize) -> Option<OrgHead> {
        let t = self.t;
        if !t.word_start(i) && !t.cap(i) {
            return None;
        }
        let (hn, _) = self.g.org_heads.longest(t, i, e, false)?;
        let head_acronym = t.kind(i) == Some(TokenKind::Acronym)
            && hn == 1
            && self
                .g
                .names
                .get(t.low(i))
                .is_some_and(|x| x.kind == EntityType::Org);
        let lower_head = !t.cap(i);
        let mut j = i + hn;
        // Lower-case words that belong to the name of a body ("Ủy ban nhân dân").
        let mut full_head = head_acronym;
        for cont in [
            &["nhân", "dân", "tối", "cao"][..],
            &["nhân", "dân"],
            &["cổ", "phần"],
            &["trách", "nhiệm", "hữu", "hạn"],
            &["tnhh"],
            &["cp"],
        ] {
            if cont.iter().enumerate().all(|(k, w)| t.low(j + k) == *w) && j + cont.len() <= e {
                full_head = cont[0] == "nhân" && t.cap(i);
                j += cont.len();
                break;
            }
        }
        Some(OrgHead {
            len: hn,
            acronym: head_acronym,
            lower: lower_head,
            after: j,
            full: full_head,
        })
    }

    /// The name after the head: capitalized words, an administrative unit, a few lower-case
    /// words closed by a known place, lists joined by "và", "&" or commas. Returns where the
    /// scan stopped, where the name ends, and whether there is a name at all.
    fn org_name(&self, e: usize, role: bool, head: &OrgHead) -> (usize, usize, bool) {
        let t = self.t;
        let (head_acronym, lower_head) = (head.acronym, head.lower);
        let mut j = head.after;
        let mut end = j;
        let mut has_name = false;
        while j < e {
            if role && has_name && self.person_like(j, e) {
                break;
            }
            if t.capword(j) {
                // A role title, an honorific ("Đồng chí") or another head after a name
                // starts something else.
                if has_name
                    && (self.g.roles.longest(t, j, e, true).is_some()
                        || self
                            .g
                            .honorifics
                            .longest(t, j, e, true)
                            .is_some_and(|(n, _)| n >= 2 || self.person_like(j + n, e)))
                {
                    break;
                }
                j += 1;
                while j < e && !t.word_start(j) && t.letters(j) {
                    j += 1;
                }
                has_name = true;
                end = j;
                continue;
            }
            if let Some((pn, ph)) = self.g.place_heads.longest(t, j, e, false) {
                let admin = admin_head(&t.span_text(j, j + pn).to_lowercase(), false);
                if admin {
                    let k = j + pn;
                    // After a title, a person's name ends the body ("Chủ tịch UBND tỉnh
                    // Phạm Bá").
                    let person = role && self.person_like(k, e);
                    if t.capword(k) && !person || ph.flag && t.kind(k) == Some(TokenKind::Number) {
                        j = k;
                        if t.kind(k) == Some(TokenKind::Number) {
                            j += 1;
                            end = j;
                            has_name = true;
                        }
                        continue;
                    }
                    if head_acronym && !has_name {
                        end = k;
                        has_name = true;
                    }
                }
                break;
            }
            let low = t.low(j);
            // "Nhà máy giày Phúc Yên", "Hội các nhà doanh nghiệp trẻ Việt Nam": a few
            // lower-case words, then a known place that closes the name.
            if !lower_head && t.kind(j) == Some(TokenKind::Syllable) {
                let mut k = j;
                while k < e
                    && k < j + 4
                    && t.kind(k) == Some(TokenKind::Syllable)
                    && !t.cap(k)
                    && !GAP_STOP.contains(&t.low(k))
                {
                    k += 1;
                }
                if k > j && t.capword(k) && has_name {
                    if let Some((m, x)) = self.g.names.longest(t, k, e, true) {
                        if x.kind == EntityType::Loc && !t.capword(k + m) {
                            j = k + m;
                            end = j;
                            has_name = true;
                            continue;
                        }
                    }
                    if !self.person_like(k, e)
                        && self.g.roles.longest(t, k, e, true).is_none()
                        && self.g.org_heads.longest(t, k, e, false).is_none()
                    {
                        j = k;
                        continue;
                    }
                }
            }
            if has_name && matches!(low, "và" | "&" | "-") && t.capword(j + 1) {
                if self.g.org_heads.longest(t, j + 1, e, false).is_some()
                    || self.g.names.longest(t, j + 1, e, true).is_some()
                    || self.person_like(j + 1, e)
                {
                    break;
                }
                j += 1;
                continue;
            }
            if has_name && low == "," {
                // "Bộ Văn hóa, Thể thao và Du lịch": a list of capitalized words closed by "và".
                let mut k = j;
                let mut ok = false;
                while t.low(k) == "," && t.capword(k + 1) {
                    k += 1;
                    while k < e && (t.capword(k) || (!t.word_start(k) && t.letters(k))) {
                        k += 1;
                    }
                    if t.low(k) == "và" && t.capword(k + 1) {
                        ok = true;
                        break;
                    }
                }
                if ok && self.g.org_heads.longest(t, j + 1, e, false).is_none() {
                    j = k;
                    continue;
                }
                // "Sở Văn hóa, Thông tin Hà Nội": a capitalized common word after a
                // name that is one too goes on with it (a person's or a place's name is
                // no common word).
                let mut k = j + 1;
                while k < e && t.capword(k) && !t.word_start(k + 1) && t.letters(k + 1) {
                    k += 1;
                }
                let item = t.lower_span(j + 1, k + 1);
                let before = t.lower_span(head.after, j);
                if t.capword(j + 1)
                    && k > j + 1
                    && self.common_word(&item)
                    && self.common_word(&before)
                    && self.g.org_heads.longest(t, j + 1, e, false).is_none()
                    && self.g.roles.longest(t, j + 1, e, true).is_none()
                    && self.g.names.longest(t, j + 1, e, true).is_none()
                {
                    j += 1;
                    continue;
                }
                break;
            }
            break;
        }
        (j, end, has_name)
    }

    /// Is `low` (lower case) a word of the lexicon, in either tone style (the lexicon
    /// writes "văn hoá")?
    fn common_word(&self, low: &str) -> bool {
        use crate::text::syllable::{retone, ToneStyle};
        self.g.vocab.contains(low) || {
            let modern: Vec<String> = low
                .split(' ')
                .map(|x| retone(x, ToneStyle::Modern).unwrap_or_else(|| x.to_owned()))
                .collect();
            self.g.vocab.contains(modern.join(" ").as_str())
        }
    }

    /// Where the organization ends, with a closing number ("Bệnh viện Nhi Đồng 1"), or `None`
    /// when what was read is no organization (a bare head, a person, a place).
    fn org_close(
        &self,
        i: usize,
        e: usize,
        head: &OrgHead,
        j: usize,
        end: usize,
        has_name: bool,
    ) -> Option<usize> {
        let t = self.t;
        let (hn, full_head, lower_head) = (head.len, head.full, head.lower);
        if !has_name && !full_head {
            return None;
        }
        let mut end = if has_name { end } else { j };
        // A number closing the name ("Bệnh viện Nhi Đồng 1", "Trường THPT Lê Lợi 2").
        if has_name
            && end < e
            && t.kind(end) == Some(TokenKind::Number)
            && t.s(end).len() <= 2
            && t.s(end).chars().all(|c| c.is_ascii_digit())
            && (end + 1 >= e
                || matches!(t.kind(end + 1), Some(TokenKind::Punct))
                || GAP_STOP.contains(&t.low(end + 1)))
        {
            end += 1;
        }
        // "Đoàn Văn Hậu": a surname that is also a head, followed by a name, is a person.
        if self.g.surnames.contains(t.s(i))
            && hn == 1
            && end - i <= 4
            && (i..end).all(|k| t.cap(k) && t.kind(k) == Some(TokenKind::Syllable))
        {
            return None;
        }
        if lower_head && has_name {
            let name = i + hn;
            // "hãng Sony", "đội Chelsea": the head stays out of a foreign name; "trường Mỹ",
            // "nhóm Bình" are no organizations.
            if (name..end).all(|k| {
                matches!(
                    t.kind(k),
                    Some(TokenKind::Foreign | TokenKind::Acronym | TokenKind::Punct)
                )
            }) {
                return None;
            }
            if let Some((m, x)) = self.g.names.longest(t, name, end, true) {
                if name + m == end
                    && x.kind == EntityType::Loc
                    && !matches!(t.low(i), "đội" | "tuyển")
                {
                    return None;
                }
            }
            if end - name == 1 && (self.g.surnames.contains(t.s(name)) || !t.word_start(name)) {
                return None;
            }
        }
        Some(end)
    }

    /// The canonical name of the organization at `i..end`: a known name's, or the text with
    /// a known acronym head expanded.
    fn org_canonical(&self, i: usize, end: usize, head_acronym: bool) -> String {
        let t = self.t;
        let text = t.span_text(i, end);
        let canonical = match self.g.names.longest(t, i, end, false) {
            Some((m, entry)) if i + m == end && entry.kind == EntityType::Org => {
                entry.canonical.to_string()
            }
            _ => {
                if head_acronym {
                    match self.g.names.get(t.low(i)) {
                        Some(x) => format!("{}{}", x.canonical, &text[t.s(i).len()..]),
                        None => text.to_owned(),
                    }
                } else {
                    text.to_owned()
                }
            }
        };
        canonical
    }

    /// An organization by head, or a known name, whichever is longer.
    fn org_or_name(&mut self, i: usize, e: usize, start: bool, _role: bool) -> Option<usize> {
        let t = self.t;
        let by_head = self.org_span(i, e, false);
        let by_name = self.g.names.longest(t, i, e, true).filter(|(n, entry)| {
            if entry.flag {
                // "Anh": not at a sentence start, not before a name, not after an honorific.
                !start
                    && !t.capword(i + n)
                    && i > 0
                    && self.g.honorifics.get(t.low(i - 1)).is_none()
            } else {
                true
            }
        });
        match (by_head, by_name) {
            (Some((end, canon)), name) if name.is_none_or(|(n, _)| end > i + n) => {
                let idx = self.push(i, end, EntityType::Org, canon.clone());
                self.after_org(i, end, idx, e);
                Some(self.acronym_definition(end, e, idx))
            }
            (_, Some((n, entry))) => {
                let end = i + n;
                // Nationality and language phrases are left out ("người Mỹ", "tiếng Anh").
                if entry.kind == EntityType::Loc && i > 0 && NATIONALITY.contains(&t.low(i - 1)) {
                    return Some(end);
                }
                // A known company with more words after it ("Samsung Electronics").

                let mut canon = entry.canonical.to_string();
                if end > i + n {
                    canon = t.span_text(i, end).to_owned();
                }
                let kind = entry.kind;
                let idx = self.push(i, end, kind, canon);
                if kind == EntityType::Org && t.kind(i) == Some(TokenKind::Acronym) && end == i + 1
                {
                    self.out[idx].expansion = Some(entry.canonical.to_string());
                }
                if kind == EntityType::Org {
                    return Some(self.acronym_definition(end, e, idx));
                }
                Some(end)
            }
            _ => None,
        }
    }

    /// Remember an organization's name without its head ("Duy Lợi" of "Công ty Duy Lợi").
    fn after_org(&mut self, i: usize, end: usize, idx: usize, _e: usize) {
        let t = self.t;
        let Some((hn, _)) = self.g.org_heads.longest(t, i, end, false) else {
            return;
        };
        let name_start = i + hn;
        if name_start < end && t.capword(name_start) && end - name_start <= 4 {
            let name = t.span_text(name_start, end).to_owned();
            let all_caps = (name_start..end).all(|k| t.cap(k) || !t.letters(k));
            if all_caps
                && name.chars().count() > 2
                && !self
                    .g
                    .vocab
                    .contains(t.lower_span(name_start, end).as_str())
                && self.g.names.longest(t, name_start, end, false).is_none()
            {
                let canon = self.out[idx].canonical.clone();
                self.mem.orgs.entry(name).or_insert(canon);
            }
        }
    }

    /// "Ủy ban nhân dân (UBND)": the acronym in brackets after an organization is the same
    /// organization; remember it for the rest of the document.
    fn acronym_definition(&mut self, end: usize, e: usize, idx: usize) -> usize {
        let t = self.t;
        if t.s(end) == "("
            && end + 2 < e
            && t.kind(end + 1) == Some(TokenKind::Acronym)
            && t.s(end + 2) == ")"
        {
            let acr = t.s(end + 1).to_owned();
            let canon = self.out[idx].canonical.clone();
            self.mem.acronyms.insert(acr, canon.clone());
            let a = self.push(end + 1, end + 2, EntityType::Org, canon.clone());
            self.out[a].expansion = Some(canon);
            return end + 3;
        }
        end
    }

    /// A capitalized run with no head or cue before it.
    /// Does what follows token `j` say that a person is acting ("nói", "cho biết", "đã")?
    fn person_verb_after(&self, j: usize) -> bool {
        let t = self.t;
        let w = t.low(j);
        if w == "," || w == "(" {
            // "Causey, 56 tuổi", "Alves (Gallardo 65)".
            return t.kind(j + 1) == Some(TokenKind::Number);
        }
        PERSON_VERBS.contains(&w)
    }

    fn cap_run(&mut self, i: usize, e: usize, start: bool) -> Option<usize> {
        let t = self.t;
        let j = self.cap_run_end(i, e);
        if let Some(end) = self.country_before_name(i, j) {
            return Some(end);
        }
        let text = t.span_text(i, j);
        if let Some(end) = self.remembered(i, j, text) {
            return Some(end);
        }
        let first = t.s(i);
        if let Some(end) = self.initials_or_acronym(i, j) {
            return Some(end);
        }
        // The first word of a sentence: a capital is no evidence by itself.
        let surname = self.g.surnames.contains(first);
        let foreign_first = self.g.foreign_first.contains(first);
        let n_letters = (i..j).filter(|&k| t.letters(k)).count();
        // A lone foreign word opening a sentence is a name when it is no common word
        // ("Federer phát biểu", not "Internet", "Email").
        let lone_foreign = j == i + 1
            && t.kind(i) == Some(TokenKind::Foreign)
            && first.chars().count() >= 3
            && !self.g.vocab.contains(t.low(i));
        let lone_foreign = lone_foreign && self.person_verb_after(j);
        let named = surname && n_letters >= 2 || foreign_first || lone_foreign;
        if start && !named {
            return Some(i + 1);
        }
        // A common noun or a head without a name ("Nghị quyết Đại hội", "Tỉnh ủy"): not a
        // name; what follows it is looked at again.
        if i + 2 <= j
            && (!surname || !t.word_start(i + 1))
            && self.g.vocab.contains(t.lower_span(i, i + 2).as_str())
        {
            return Some(i + 2);
        }
        if !surname
            && (self.g.org_heads.longest(t, i, j, false).is_some()
                || self.g.roles.longest(t, i, j, false).is_some())
        {
            return Some(j);
        }
        let all_syllables = (i..j).all(|k| t.kind(k) == Some(TokenKind::Syllable) && t.cap(k));
        let all_vietnamese = (i..j).all(|k| t.kind(k) == Some(TokenKind::Syllable));
        if all_vietnamese && (!surname || n_letters == 2) {
            let low = t.lower_span(i, j);
            if self.g.vocab.contains(low.as_str()) {
                return Some(j);
            }
        }
        if surname && all_syllables && n_letters >= 2 {
            let end = (i + 4).min(j);
            self.person(i, end);
            return Some(end);
        }
        let foreign = (i..j).any(|k| t.kind(k) == Some(TokenKind::Foreign));
        let any_acronym = (i..j).any(|k| t.kind(k) == Some(TokenKind::Acronym));
        let last = t.low(j.saturating_sub(1));
        if ORG_SUFFIXES.contains(&last) || any_acronym && n_letters >= 2 {
            let c = text.to_owned();
            self.push(i, j, EntityType::Org, c);
            return Some(j);
        }
        if foreign_first || foreign && n_letters >= 2 {
            self.person(i, j);
            return Some(j);
        }
        if i > 0 && NATIONALITY.contains(&t.low(i - 1)) {
            return Some(j);
        }
        if n_letters == 1 && t.word_start(i) && t.word_start(j) {
            self.lone_word(i, j, all_vietnamese, foreign);
            return Some(j);
        }
        if n_letters >= 2 && (all_syllables || foreign) {
            let prev = if i > 0 { t.low(i - 1) } else { "" };
            if PLACE_PREPS.contains(&prev) {
                let c = text.to_owned();
                self.push(i, j, EntityType::Loc, c);
            } else {
                self.person(i, j);
            }
            return Some(j);
        }
        Some(j)
    }

    /// The end of a run of capitalized words at `i` (with initials, particles inside foreign
    /// names, glued hyphens), stopping where a known head, title or event starts.
    fn cap_run_end(&self, i: usize, e: usize) -> usize {
        let t = self.t;
        let mut j = i;
        while j < e {
            if t.capword(j) {
                j += 1;
                while j < e && !t.word_start(j) && t.letters(j) {
                    j += 1;
                }
                // An initial inside a name: "Alan J. Bank", "C. Zanetti".
                if t.s(j) == "." && t.s(j - 1).chars().count() == 1 && t.capword(j + 1) {
                    j += 1;
                }
            } else if j > i
                && (PARTICLES.contains(&t.low(j))
                    && t.capword(j + 1)
                    && (i..j).any(|k| t.kind(k) == Some(TokenKind::Foreign))
                    || t.glued_hyphen(j))
            {
                j += 1;
            } else {
                break;
            }
            // A known name, head or event inside the run starts a new one.
            let event = matches!((t.low(j), t.low(j + 1)), ("đại", "hội") | ("hội", "nghị"));
            if j < e
                && t.capword(j)
                && (event
                    || self.g.org_heads.longest(t, j, e, false).is_some()
                    || self.g.roles.longest(t, j, e, true).is_some())
            {
                break;
            }
        }
        j
    }

    /// A country before a foreign name ("người Pháp Robert Pires"): the place (or a
    /// nationality, left out), then the name on its own. Returns where the place ends.
    fn country_before_name(&mut self, i: usize, j: usize) -> Option<usize> {
        let t = self.t;
        if let Some((m, x)) = self.g.names.longest(t, i, j, false) {
            if x.kind == EntityType::Loc
                && i + m < j
                && t.word_start(i + m)
                && (t.kind(i + m) == Some(TokenKind::Foreign)
                    || self.g.foreign_first.contains(t.s(i + m)))
            {
                if !(i > 0 && NATIONALITY.contains(&t.low(i - 1))) {
                    let c = x.canonical.to_string();
                    self.push(i, i + m, EntityType::Loc, c);
                }
                return Some(i + m);
            }
        }
        None
    }

    /// A run the document named before, as a person (its full name) or an organization.
    fn remembered(&mut self, i: usize, j: usize, text: &str) -> Option<usize> {
        if let Some(full) = self.mem.persons.get(text).cloned() {
            let idx = self.push(i, j, EntityType::Per, full.clone());
            self.out[idx].inferred = full != text;
            return Some(j);
        }
        if let Some(canon) = self.mem.orgs.get(text).cloned() {
            self.push(i, j, EntityType::Org, canon);
            return Some(j);
        }
        None
    }

    /// Initials as a person ("M.", "N.N.T."), or a lone acronym: the organization the text
    /// defined, or an ACRONYM.
    fn initials_or_acronym(&mut self, i: usize, j: usize) -> Option<usize> {
        let t = self.t;
        let first = t.s(i);
        let single_letter = first.chars().count() == 1 && t.s(i + 1) == ".";
        let dotted = t.kind(i) == Some(TokenKind::Acronym)
            && first.contains('.')
            && first.split('.').all(|p| p.chars().count() == 1);
        if j == i + 1 && (single_letter || dotted) {
            let end = if t.s(i + 1) == "." { i + 2 } else { i + 1 };
            self.person(i, end);
            return Some(end);
        }
        if j == i + 1 && t.kind(i) == Some(TokenKind::Acronym) {
            if let Some(exp) = self.mem.acronyms.get(first).cloned() {
                let idx = self.push(i, j, EntityType::Org, exp.clone());
                self.out[idx].expansion = Some(exp);
                return Some(j);
            }
            let letters = first.chars().filter(|c| c.is_alphabetic()).count();
            let stem = first.split('-').next().unwrap_or(first);
            // An acronym neither known nor defined in the text: an ACRONYM, not an ORG (on
            // ner-dev, unknown acronyms are organizations less than half of the time).
            if letters >= 2
                && !NOT_ORG_ACRONYMS.contains(&first)
                && !NOT_ORG_ACRONYMS.contains(&stem)
                && roman(first).is_none()
            {
                self.push(i, j, EntityType::Acronym, first.to_owned());
            }
            return Some(j);
        }
        None
    }

    /// One capitalized word inside a sentence at `i..j`: a foreign name by what is around it
    /// (a place after "ở", a brand after "hãng", a person in a list or before a verb), or a
    /// Vietnamese given name used alone.
    fn lone_word(&mut self, i: usize, j: usize, all_vietnamese: bool, foreign: bool) {
        let t = self.t;
        let first = t.s(i);
        if first.chars().count() == 1
            || crate::words::stopwords::Stopwords::builtin().contains(t.low(i))
        {
            return;
        }
        if foreign {
            let prev = if i > 0 { t.low(i - 1) } else { "" };
            if self.g.vocab.contains(t.low(i)) || first.chars().count() < 3 {
                return;
            }
            // After "ở", "tại", "đến": a place ("ở Montreal").
            if PLACE_PREPS.contains(&prev) {
                self.push(i, j, EntityType::Loc, first.to_owned());
                return;
            }
            // After "hãng", "hiệu": a brand.
            if ORG_CUES.contains(&prev) {
                self.push(i, j, EntityType::Org, first.to_owned());
                return;
            }
            // A foreign surname used alone: in a list of persons ("Vieri, Totti và Del
            // Piero") or before what a person does ("Federer nói").
            let after_person = i >= 2
                && matches!(prev, "," | "và" | "(" | "-")
                && self.out.last().is_some_and(|m| {
                    m.kind == EntityType::Per && m.range.end == t.span(i - 2, i - 1).end
                });
            if after_person || self.person_verb_after(j) {
                self.person(i, j);
            }
            return;
        }
        // A lone capitalized word inside a sentence: a foreign surname ("Federer") or a
        // given name used alone ("chị Hà" … "Hà nói").
        // Not the first syllable of a common word ("Rao vặt", "Ảnh chụp").
        let word_start = all_vietnamese
            && t.kind(j) == Some(TokenKind::Syllable)
            && !t.cap(j)
            && self
                .g
                .vocab
                .contains(format!("{} {}", t.low(i), t.low(j)).as_str());
        if foreign || all_vietnamese && !SINGLE_NOT_NAMES.contains(&first) && !word_start {
            self.person(i, j);
        }
    }
}
