//! Dates, times, numbers, percentages, money and quantities from the shapes of tokens and
//! the words around them ("ngày 23/12" → DATE "23/12", "tháng 9/2022", "năm 2021" → "2021",
//! "hơn 200 đảng" → QUANTITY).

use super::toks::Toks;
use super::{EntityType, Mention};
use crate::text::token::TokenKind;

/// Words after which a bare "d-m" is a date, not a score or a range.
const DATE_CUES: &[&str] = &[
    "ngày", "hôm", "đêm", "sáng", "trưa", "chiều", "tối", "từ", "đến", "tới", "mùng", "mồng",
    "trước", "sau", "vào", "dịp", "lễ", "tiệc", "nay", "qua", "và", "hạn",
];

/// Words before a bare year that say it is an amount, not a date.
const AMOUNT_CUES: &[&str] = &[
    "số", "khoảng", "hơn", "gần", "trên", "dưới", "tới", "đến", "có", "mất", "giá", "là",
];

/// Words after a number that are not what it counts.
const NOT_COUNTED: &[&str] = &[
    "và", "đến", "tới", "là", "của", "thì", "khi", "đã", "sẽ", "nay", "này", "vừa", "qua", "trở",
    "trước", "sau", "được", "có", "cho", "với", "tại", "ở", "theo", "trong", "mà", "nhưng", "còn",
    "hoặc", "hay", "so", "do", "bị", "vào", "ra", "lên", "xuống", "thì",
];

const MONTH_WORDS: &[(&str, u32)] = &[
    ("giêng", 1),
    ("một", 1),
    ("hai", 2),
    ("ba", 3),
    ("tư", 4),
    ("bốn", 4),
    ("năm", 5),
    ("sáu", 6),
    ("bảy", 7),
    ("tám", 8),
    ("chín", 9),
    ("mười", 10),
    ("chạp", 12),
];

const CURRENCIES: &[&str] = &[
    "đồng", "usd", "vnd", "vnđ", "đô", "euro", "eur", "yên", "bảng", "rúp", "won", "nhân", "baht",
    "ringgit", "franc", "$",
];

const MULTIPLIERS: &[&str] = &["nghìn", "ngàn", "triệu", "tỷ", "tỉ", "vạn", "trăm"];

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_year(y: u32) -> bool {
    (1000..=2100).contains(&y)
}

fn valid_dm(d: u32, m: u32) -> bool {
    (1..=31).contains(&d) && (1..=12).contains(&m)
}

/// ISO text of a date's known parts; a missing year is taken from `year` (inferred).
fn iso(y: Option<u32>, m: Option<u32>, d: Option<u32>, year: Option<i32>) -> (String, bool) {
    let (y, inferred) = match (y, year) {
        (Some(y), _) => (Some(y as i32), false),
        (None, Some(doc)) if m.is_some() => (Some(doc), true),
        _ => (None, false),
    };
    let s = match (y, m, d) {
        (Some(y), Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        (Some(y), Some(m), None) => format!("{y:04}-{m:02}"),
        (Some(y), None, _) => format!("{y:04}"),
        (None, Some(m), Some(d)) => format!("--{m:02}-{d:02}"),
        (None, Some(m), None) => format!("--{m:02}"),
        (None, None, _) => String::new(),
    };
    (s, inferred)
}

fn date(
    t: &Toks,
    a: usize,
    b: usize,
    y: Option<u32>,
    m: Option<u32>,
    d: Option<u32>,
    year: Option<i32>,
) -> (usize, Mention) {
    let (s, inferred) = iso(y, m, d, year);
    let text = t.span_text(a, b);
    let mut mention = Mention::new(t.span(a, b), EntityType::Date, text.to_owned());
    if !s.is_empty() {
        mention.canonical = s.clone();
        mention.iso = Some(s);
    }
    mention.inferred = inferred;
    (b, mention)
}

/// Parse "d/m", "d/m/y", "m/y" (separator `sep`).
fn parse_parts(s: &str, sep: char) -> Option<(Option<u32>, Option<u32>, Option<u32>)> {
    let parts: Vec<&str> = s.split(sep).collect();
    match parts.as_slice() {
        [a, b] => {
            let (a, b) = (digits(a)?, digits(b)?);
            if (1..=12).contains(&a) && is_year(b) && b >= 1900 {
                Some((Some(b), Some(a), None))
            } else if valid_dm(a, b) {
                Some((None, Some(b), Some(a)))
            } else if is_year(a) && is_year(b) && b > a && sep == '-' {
                Some((Some(a), None, None))
            } else {
                None
            }
        }
        [a, b, c] => {
            let (a, b, c) = (digits(a)?, digits(b)?, digits(c)?);
            if valid_dm(a, b) && is_year(c) {
                Some((Some(c), Some(b), Some(a)))
            } else if is_year(a) && valid_dm(c, b) {
                Some((Some(a), Some(b), Some(c)))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A month after "tháng" at `j`: (end, month, year).
fn month_at(t: &Toks, j: usize, limit: usize) -> Option<(usize, u32, Option<u32>)> {
    if j >= limit {
        return None;
    }
    let s = t.s(j);
    match t.kind(j) {
        Some(TokenKind::Number) if s.contains('-') => match parse_parts(s, '-')? {
            (Some(y), Some(m), None) => Some((j + 1, m, Some(y))),
            _ => None,
        },
        Some(TokenKind::Number) => {
            let m = digits(s)?;
            if !(1..=12).contains(&m) {
                return None;
            }
            // "tháng 9 năm 2022"
            if t.low(j + 1) == "năm" && j + 2 < limit {
                if let Some(y) = digits(t.s(j + 2)).filter(|&y| is_year(y)) {
                    return Some((j + 3, m, Some(y)));
                }
            }
            Some((j + 1, m, None))
        }
        Some(TokenKind::DateTime) => match parse_parts(s, '/')? {
            (Some(y), Some(m), None) => Some((j + 1, m, Some(y))),
            _ => None,
        },
        Some(TokenKind::Syllable) if t.cap(j) => {
            let low = t.low(j);
            let mut m = MONTH_WORDS.iter().find(|(w, _)| *w == low)?.1;
            let mut end = j + 1;
            if m == 10 && end < limit && t.cap(end) {
                match t.low(end) {
                    "một" => {
                        m = 11;
                        end += 1
                    }
                    "hai" => {
                        m = 12;
                        end += 1
                    }
                    _ => {}
                }
            }
            Some((end, m, None))
        }
        _ => None,
    }
}

/// A date, time or number starting at token `i` (before `limit`): the token after it and
/// the mention.
pub(crate) fn at(t: &Toks, i: usize, limit: usize, year: Option<i32>) -> Option<(usize, Mention)> {
    let kind = t.kind(i)?;
    let low = t.low(i);
    let prev = if i > 0 { t.low(i - 1) } else { "" };
    if low == "tháng" && (i == 0 || !matches!(t.kind(i - 1), Some(TokenKind::Number))) {
        let (end, m, y) = month_at(t, i + 1, limit)?;
        return Some(date(t, i, end, y, Some(m), None, year));
    }
    let s = t.s(i);
    match kind {
        TokenKind::DateTime if s.contains(':') => Some((
            i + 1,
            Mention::new(t.span(i, i + 1), EntityType::Time, s.to_owned()),
        )),
        TokenKind::DateTime => {
            let (y, m, d) = parse_parts(s, '/')?;
            Some(date(t, i, i + 1, y, m, d, year))
        }
        TokenKind::Number => {
            // "14 tháng 12 năm 2021", "14 tháng 12"
            if let Some(d) = digits(s).filter(|d| (1..=31).contains(d)) {
                if t.low(i + 1) == "tháng" && i + 2 < limit {
                    if let Some(m) = digits(t.s(i + 2)).filter(|m| (1..=12).contains(m)) {
                        let mut end = i + 3;
                        let mut y = None;
                        if t.low(end) == "năm" && end + 1 < limit {
                            if let Some(yy) = digits(t.s(end + 1)).filter(|&y| is_year(y)) {
                                y = Some(yy);
                                end += 2;
                            }
                        }
                        if prev == "ngày" || y.is_some() {
                            return Some(date(t, i, end, y, Some(m), Some(d), year));
                        }
                    }
                }
            }
            if s.contains('-') {
                if let Some((y, m, d)) = parse_parts(s, '-') {
                    let full = y.is_some();
                    if full || DATE_CUES.contains(&prev) || t.low(i + 1) == "năm" {
                        let (end, mut mention) = date(t, i, i + 1, y, m, d, year);
                        // "2021-2023": a span of years, as an ISO 8601 interval.
                        if let (Some(a), None, Some((_, b))) = (y, m, s.split_once('-')) {
                            let interval = format!("{a:04}/{b}");
                            mention.canonical = interval.clone();
                            mention.iso = Some(interval);
                        }
                        return Some((end, mention));
                    }
                }
            }
            if s.matches('.').count() == 2 {
                if let Some((Some(y), m, d)) = parse_parts(s, '.') {
                    return Some(date(t, i, i + 1, Some(y), m, d, year));
                }
            }
            if let Some(y) = digits(s).filter(|&y| is_year(y) && s.len() == 4) {
                let next = t.low(i + 1);
                let counted = matches!(t.kind(i + 1), Some(TokenKind::Syllable))
                    && !t.cap(i + 1)
                    && !NOT_COUNTED.contains(&next);
                if prev == "năm"
                    || (1900..=2030).contains(&y) && !counted && !AMOUNT_CUES.contains(&prev)
                {
                    return Some(date(t, i, i + 1, Some(y), None, None, year));
                }
            }
            Some(number(t, i, limit))
        }
        TokenKind::Percent => Some((
            i + 1,
            Mention::new(t.span(i, i + 1), EntityType::Percent, s.to_owned()),
        )),
        TokenKind::Money => Some((
            i + 1,
            Mention::new(t.span(i, i + 1), EntityType::Money, s.to_owned()),
        )),
        _ => None,
    }
}

/// A number at `i`, with its multipliers and unit: NUMBER, PERCENT, MONEY or QUANTITY.
fn number(t: &Toks, i: usize, limit: usize) -> (usize, Mention) {
    let mut end = i + 1;
    while end < limit && MULTIPLIERS.contains(&t.low(end)) {
        end += 1;
    }
    let next = t.low(end);
    let (kind, end) = if end < limit && next == "phần" && t.low(end + 1) == "trăm" {
        (EntityType::Percent, end + 2)
    } else if end < limit && CURRENCIES.contains(&next) {
        let mut e = end + 1;
        if next == "nhân" && t.low(e) == "dân" && t.low(e + 1) == "tệ" {
            e += 2;
        } else if next == "đô" && t.low(e) == "la" {
            e += 1;
        }
        (EntityType::Money, e)
    } else if end < limit
        && matches!(t.kind(end), Some(TokenKind::Syllable | TokenKind::Foreign))
        && !t.cap(end)
        && t.word_start(end)
        && !NOT_COUNTED.contains(&next)
    {
        // The counted noun: the whole next word ("114 nước", "200 đảng", "5 km").
        let mut e = end + 1;
        while e < limit && !t.word_start(e) {
            e += 1;
        }
        (EntityType::Quantity, e)
    } else {
        (EntityType::Number, end)
    };
    let text = t.span_text(i, end).to_owned();
    (end, Mention::new(t.span(i, end), kind, text))
}
