//! Calendar dates of documents: the one parser for a date column, a document's date
//! inferred from its own dateline, and the periods (day, ISO week, month, year) that
//! time queries bucket documents by.
//!
//! A date column holds what the exporting site printed: ISO with or without a time
//! ("2024-03-05T08:15:00+07:00"), day first as Vietnamese writes it ("05/03/2024",
//! "5-3-2024", "5.3.2024"), "yyyy/mm/dd", the words ("ngày 5 tháng 3 năm 2024", "5 tháng 3,
//! 2024") and the news sites' headers ("Thứ Hai, 05/03/2024 08:15 (GMT+7)", "05/03/2024 -
//! 08:15"). [`parse_date`] reads them all and refuses impossible dates (31/04, 29/02 of a
//! common year): a wrong date is worse than none. [`infer_date`] finds a document's date in
//! its first lines, preferring a short dateline. Plain std, no clock: wasm-safe.

use std::fmt;

/// A calendar date (proleptic Gregorian), ordered by time. Always a real day: made by
/// [`Date::new`], which checks the month's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 1–9999.
    pub y: u16,
    /// Month, 1–12.
    pub m: u8,
    /// Day of the month, 1–31.
    pub d: u8,
}

/// Days in month `m` of year `y` (0 for a month that is not one).
pub fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date, if it is one (year 1–9999, a month, a day that month has).
    pub fn new(y: u32, m: u32, d: u32) -> Option<Date> {
        let (y, m, d) = (
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        );
        ((1..=9999).contains(&y) && d >= 1 && d <= days_in_month(y, m)).then_some(Date { y, m, d })
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic.
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.m), i64::from(self.d));
        let y = i64::from(self.y) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, if it is within years 1–9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(
            u32::try_from(y).ok()?,
            u32::try_from(m).ok()?,
            u32::try_from(d).ok()?,
        )
    }

    /// The day of the week, 0 for Monday to 6 for Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as u8
    }

    /// The ISO 8601 week: (week-numbering year, week 1–53). Weeks start on Monday; week 1
    /// holds the year's first Thursday.
    pub fn iso_week(self) -> (i32, u8) {
        let thursday = self.days() - i64::from(self.weekday()) + 3;
        // Within years 1–9999 the Thursday is a date, except at the two ends of the range.
        let year = Date::from_days(thursday).map_or(i32::from(self.y), |t| i32::from(t.y));
        let jan1 = Date::new(year as u32, 1, 1).map_or(thursday, Date::days);
        (year, ((thursday - jan1) / 7 + 1) as u8)
    }
}

impl fmt::Display for Date {
    /// ISO 8601: `yyyy-mm-dd`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

impl std::str::FromStr for Date {
    type Err = ();

    /// [`parse_date`].
    fn from_str(s: &str) -> Result<Date, ()> {
        parse_date(s).ok_or(())
    }
}

/// All digits, at most `max_len` of them.
fn num(t: &str, max_len: usize) -> Option<u32> {
    (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// A date written as one token of digits and separators: `yyyy-mm-dd` (a time after a
/// `T` is ignored), `yyyy/mm/dd`, `yyyy.mm.dd`, or day first `d/m/yyyy`, `d-m-yyyy`,
/// `d.m.yyyy`. `None` also for an impossible date.
fn numeric(token: &str) -> Option<Date> {
    let token = match token.find(['T', 't']) {
        Some(10) => &token[..10],
        _ => token,
    };
    for sep in ['-', '/', '.'] {
        let mut parts = token.split(sep);
        let (Some(a), Some(b), Some(c), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        return if a.len() == 4 {
            Date::new(num(a, 4)?, num(b, 2)?, num(c, 2)?)
        } else if c.len() == 4 {
            Date::new(num(c, 4)?, num(b, 2)?, num(a, 2)?)
        } else {
            None
        };
    }
    None
}

/// The words of `s` in lower case, split at spaces, commas and brackets.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '[' | ']' | '|'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// A date spelled with "tháng" at `words[at]`: a day before it ("5 tháng", "ngày 5
/// tháng", "mùng 5 tháng"), the month after it, then the year: "năm 2024" or a bare
/// "2024" (after "5 tháng 3, 2024", the comma being gone).
fn spelled(words: &[String], at: usize) -> Option<Date> {
    let d = num(words.get(at.checked_sub(1)?)?, 2)?;
    let m = num(words.get(at + 1)?.trim_end_matches('.'), 2)?;
    let next = words.get(at + 2)?;
    let y = if next == "năm" {
        words.get(at + 3)?
    } else {
        next
    };
    Date::new(num(y.trim_end_matches('.'), 4)?, m, d)
}

/// A date column's value as a date: ISO (with or without a time), `dd/mm/yyyy`,
/// `d/m/yyyy`, `d-m-yyyy`, `d.m.yyyy`, `yyyy/mm/dd`, "ngày 5 tháng 3 năm 2024", "5 tháng 3,
/// 2024", "Thứ Hai, 05/03/2024 08:15 (GMT+7)", "05/03/2024 - 08:15". A weekday, a time and a
/// time zone around the date are allowed; an impossible date gives `None`.
///
/// ```
/// use soi::ingest::dates::parse_date;
/// assert_eq!(parse_date("Thứ Hai, 04/03/2024 08:15 (GMT+7)").unwrap().to_string(), "2024-03-04");
/// assert_eq!(parse_date("31/04/2024"), None);
/// ```
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    let words = words(s);
    // The first token that is a whole date decides; a token that looks like one but is
    // not a real day ("31/04/2024") makes the value unreadable rather than skipped.
    for w in &words {
        let w = match w.find('t') {
            Some(10) => &w[..10],
            _ => w.trim_end_matches(['.', ';']),
        };
        if w.bytes()
            .filter(|b| matches!(b, b'-' | b'/' | b'.'))
            .count()
            == 2
            && w.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && w.len() >= 8
        {
            return numeric(w);
        }
    }
    let at = words.iter().position(|w| w == "tháng")?;
    spelled(&words, at)
}

/// How many characters of a document's start [`infer_date`] reads: a dateline is at the
/// top (after a title, a sapo, a byline), and a date further down is about something else.
const INFER_HEAD_CHARS: usize = 600;

/// Lines at most this long that hold a date are datelines ("Thứ hai, 08/08/2022 14:30",
/// "Hà Nội, ngày 14 tháng 12 năm 2021"): preferred to a date inside a sentence.
const DATELINE_CHARS: usize = 80;

/// The dates written in `line`, in order (years 1900–2100 only: "3/4/5000" is a score).
fn dates_in(line: &str) -> impl Iterator<Item = Date> {
    let words = words(line);
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let t = w.trim_end_matches(['.', ';', ':']);
        let date = if w == "tháng" {
            spelled(&words, i)
        } else if t.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            numeric(t)
        } else {
            None
        };
        if let Some(d) = date.filter(|d| (1900..=2100).contains(&d.y)) {
            found.push(d);
        }
    }
    found.into_iter()
}

/// A document's date read from its own text: the date of a dateline in its first lines
/// (a short line with a full date), else the first full date near its start. The caller
/// marks it as inferred.
///
/// ```
/// use soi::ingest::dates::infer_date;
/// let text = "Mở rộng hợp tác nghề cá\nThứ sáu, 12/01/2024 09:00\nSáng 11/1, hai bên đã ký…";
/// assert_eq!(infer_date(text).unwrap().to_string(), "2024-01-12");
/// ```
pub fn infer_date(text: &str) -> Option<Date> {
    let head = match text.char_indices().nth(INFER_HEAD_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let mut first: Option<Date> = None;
    for line in head.lines() {
        let mut dates = dates_in(line);
        if let Some(d) = dates.next() {
            if line.trim().chars().count() <= DATELINE_CHARS {
                return Some(d);
            }
            first.get_or_insert(d);
        }
    }
    first
}

/// The length of the periods a time query buckets documents by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Period {
    /// Calendar days.
    Day,
    /// ISO weeks (Monday to Sunday), named "2024-W10".
    Week,
    /// Calendar months.
    #[default]
    Month,
    /// Calendar years.
    Year,
}

impl Period {
    /// Every period, shortest first.
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::Year];

    /// Its id: "day", "week", "month", "year".
    pub fn id(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// The period with id `s` (see [`Period::id`]).
    pub fn from_id(s: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.id() == s)
    }

    /// The number of the period `d` falls in: consecutive periods have consecutive
    /// numbers, so the periods between two dates are a range.
    pub fn bucket(self, d: Date) -> i64 {
        match self {
            Period::Day => d.days(),
            // Weeks counted from the Monday of 1970-01-01's week (1969-12-29).
            Period::Week => (d.days() - i64::from(d.weekday()) + 3).div_euclid(7),
            Period::Month => i64::from(d.y) * 12 + i64::from(d.m) - 1,
            Period::Year => i64::from(d.y),
        }
    }

    /// The first day of period number `b`.
    pub fn start(self, b: i64) -> Option<Date> {
        match self {
            Period::Day => Date::from_days(b),
            Period::Week => Date::from_days(b * 7 - 3),
            Period::Month => Date::new(
                u32::try_from(b.div_euclid(12)).ok()?,
                b.rem_euclid(12) as u32 + 1,
                1,
            ),
            Period::Year => Date::new(u32::try_from(b).ok()?, 1, 1),
        }
    }

    /// The name of period number `b`: "2024-03-05", "2024-W10", "2024-03", "2024".
    pub fn label(self, b: i64) -> String {
        let Some(start) = self.start(b) else {
            return String::new();
        };
        match self {
            Period::Day => start.to_string(),
            Period::Week => {
                let (y, w) = start.iso_week();
                format!("{y:04}-W{w:02}")
            }
            Period::Month => format!("{:04}-{:02}", start.y, start.m),
            Period::Year => format!("{:04}", start.y),
        }
    }
}

/// The first and last day a bound names: "2024" (the year), "2024-03" or "03/2024" (the
/// month), or a date as [`parse_date`] reads it (that day). For `--from` and `--to`.
pub fn date_span(s: &str) -> Option<(Date, Date)> {
    let s = s.trim();
    if let Some(y) = num(s, 4).filter(|_| s.len() == 4) {
        return Some((Date::new(y, 1, 1)?, Date::new(y, 12, 31)?));
    }
    let month = |y: &str, m: &str| -> Option<(Date, Date)> {
        let (y, m) = (num(y, 4).filter(|_| y.len() == 4)?, num(m, 2)?);
        let first = Date::new(y, m, 1)?;
        Some((
            first,
            Date::new(y, m, u32::from(days_in_month(first.y, first.m)))?,
        ))
    };
    if let Some((a, b)) = s.split_once(['-', '/']) {
        if !b.contains(['-', '/']) {
            return month(a, b).or_else(|| month(b, a));
        }
    }
    let d = parse_date(s)?;
    Some((d, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_string())
    }

    #[test]
    fn column_dates_in_the_forms_vietnamese_sites_print() {
        for (given, want) in [
            ("2024-03-05", Some("2024-03-05")),
            ("2024-03-05T08:15:00+07:00", Some("2024-03-05")),
            ("2024-03-05T01:15:00-05:00", Some("2024-03-05")),
            ("2024-03-05 08:15", Some("2024-03-05")),
            ("2024/03/05", Some("2024-03-05")),
            ("05/03/2024", Some("2024-03-05")),
            ("5/3/2024", Some("2024-03-05")),
            ("5-3-2024", Some("2024-03-05")),
            ("5.3.2024", Some("2024-03-05")),
            ("ngày 5 tháng 3 năm 2024", Some("2024-03-05")),
            ("Ngày 05 tháng 03 năm 2024", Some("2024-03-05")),
            ("5 tháng 3, 2024", Some("2024-03-05")),
            ("Thứ Hai, 04/03/2024 08:15 (GMT+7)", Some("2024-03-04")),
            ("Chủ nhật, 3/3/2024, 20:05 (GMT+7)", Some("2024-03-03")),
            ("05/03/2024 - 08:15", Some("2024-03-05")),
            ("08:15 05/03/2024", Some("2024-03-05")),
            ("Cập nhật: 29/02/2024 06:00", Some("2024-02-29")),
            ("Hà Nội, ngày 14 tháng 12 năm 2021", Some("2021-12-14")),
            // Impossible days, and what is not a full date.
            ("Thứ hai, ngày 29 tháng 2 năm 2023", None),
            ("29/02/2023", None),
            ("31/04/2024", None),
            ("2024-13-01", None),
            ("00/01/2024", None),
            ("tháng 3/2024", None),
            ("hôm qua", None),
            ("2024", None),
            ("", None),
            ("12/2024", None),
        ] {
            assert_eq!(iso(given).as_deref(), want, "{given}");
        }
    }

    #[test]
    fn days_weekdays_and_iso_weeks() {
        let d = |s: &str| parse_date(s).unwrap();
        assert_eq!(d("1970-01-01").days(), 0);
        assert_eq!(d("2000-03-01").days(), 11_017);
        for s in ["0001-01-01", "1969-12-31", "2024-02-29", "9999-12-31"] {
            assert_eq!(Date::from_days(d(s).days()), Some(d(s)), "{s}");
        }
        // 4/3/2024 was a Monday; 1/1/2021 a Friday in week 53 of 2020; 29/12/2025 a
        // Monday in week 1 of 2026.
        assert_eq!(d("2024-03-04").weekday(), 0);
        assert_eq!(d("2024-03-04").iso_week(), (2024, 10));
        assert_eq!(d("2021-01-01").iso_week(), (2020, 53));
        assert_eq!(d("2025-12-29").iso_week(), (2026, 1));
        assert!(d("2024-03-05") < d("2024-11-01") && d("2023-12-31") < d("2024-01-01"));
    }

    #[test]
    fn periods_are_consecutive_and_named() {
        let d = |s: &str| parse_date(s).unwrap();
        let (a, b) = (d("2024-01-31"), d("2024-02-01"));
        for p in Period::ALL {
            assert!(p.bucket(b) - p.bucket(a) <= 1, "{p:?}");
            assert_eq!(p.start(p.bucket(a)).map(|s| p.bucket(s)), Some(p.bucket(a)));
        }
        assert_eq!(Period::Month.label(Period::Month.bucket(a)), "2024-01");
        assert_eq!(
            Period::Week.label(Period::Week.bucket(d("2024-03-06"))),
            "2024-W10"
        );
        assert_eq!(
            Period::Week.start(Period::Week.bucket(d("2024-03-10"))),
            Some(d("2024-03-04"))
        );
        assert_eq!(Period::Day.label(Period::Day.bucket(b)), "2024-02-01");
        assert_eq!(Period::Year.label(2024), "2024");
        assert_eq!(Period::from_id("week"), Some(Period::Week));
    }

    #[test]
    fn spans_of_bounds() {
        let span = |s: &str| date_span(s).map(|(a, b)| format!("{a}..{b}"));
        assert_eq!(span("2024").as_deref(), Some("2024-01-01..2024-12-31"));
        assert_eq!(span("2024-02").as_deref(), Some("2024-02-01..2024-02-29"));
        assert_eq!(span("02/2023").as_deref(), Some("2023-02-01..2023-02-28"));
        assert_eq!(span("5/3/2024").as_deref(), Some("2024-03-05..2024-03-05"));
        assert_eq!(span("2024-13"), None);
        assert_eq!(span("tháng ba"), None);
    }

    #[test]
    fn inferred_from_the_dateline_first() {
        // A dateline below the title wins over a date in the title's long sentence.
        let text = "Ngày 2/1/2024, đoàn công tác của tỉnh đã khảo sát các vùng nuôi tôm ven biển và làm việc với bà con\nThứ ba, 09/01/2024 07:30 (GMT+7)\nNội dung bài.";
        assert_eq!(
            infer_date(text).map(|d| d.to_string()).as_deref(),
            Some("2024-01-09")
        );
        // No dateline: the first full date near the top.
        let text = "Hợp tác xã chè\nSáng nay, hội nghị tổng kết năm đã diễn ra tại xã, nơi ngày 15 tháng 11 năm 2023 bà con thu hoạch lứa chè cuối cùng.";
        assert_eq!(
            infer_date(text).map(|d| d.to_string()).as_deref(),
            Some("2023-11-15")
        );
        // Scores, impossible days and dates far down are not the document's date.
        assert_eq!(infer_date("Tỷ số 3/4/5000 sau hiệp một"), None);
        assert_eq!(infer_date("Thứ năm, 31/04/2024"), None);
        let far = format!("{}\nNgày 1/6/2024", "Một đoạn rất dài. ".repeat(60));
        assert_eq!(infer_date(&far), None);
        assert_eq!(infer_date(""), None);
    }
}
