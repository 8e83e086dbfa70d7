//! The year a document is dated, read from its dateline: the year that dates without one
//! take (see [`super::DocMemory`]'s `with_year`).

/// The year a document is dated, from a full date near its start ("Thứ hai, 08/08/2022",
/// "ngày 14 tháng 12 năm 2021"): dates without a year take it (see
/// `DocMemory::with_year`).
pub fn document_year(text: &str) -> Option<i32> {
    let head = match text.char_indices().nth(400) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let valid = |y: &str| {
        y.len() == 4
            && y.bytes().all(|b| b.is_ascii_digit())
            && y.parse::<i32>().is_ok_and(|y| (1900..=2100).contains(&y))
    };
    // d/m/yyyy, d-m-yyyy, d.m.yyyy
    for word in head.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')') {
        let parts: Vec<&str> = word.split(['/', '-', '.']).collect();
        if let [d, m, y] = parts.as_slice() {
            let small = |s: &str, max: u32| {
                !s.is_empty()
                    && s.len() <= 2
                    && s.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v))
            };
            if small(d, 31) && small(m, 12) && valid(y) {
                return y.parse().ok();
            }
        }
    }
    // "… tháng 12 năm 2021"
    let words: Vec<&str> = head.split_whitespace().collect();
    for w in words.windows(4) {
        if w[0] == "tháng" && w[2] == "năm" && valid(w[3].trim_end_matches([',', '.'])) {
            return w[3].trim_end_matches([',', '.']).parse().ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_year_from_the_dateline() {
        assert_eq!(document_year("Thứ hai, 08/08/2022\n\nNội dung"), Some(2022));
        assert_eq!(
            document_year("Hà Nội, ngày 14 tháng 12 năm 2021. Tin"),
            Some(2021)
        );
        assert_eq!(document_year("Không có ngày tháng."), None);
        assert_eq!(document_year("Tỷ số 3/4/5000"), None);
    }
}
