//! The questions people ask of a corpus, answered as one page of rows: word lists and
//! keyness, trends across documents, concordance lines with their dispersion, collocates.
//!
//! Each answer is computed from the per-document counts and indexes ([`crate::corpus::index`]), so
//! it costs a pass over ids, never over text. The same functions feed the worker's views and
//! the CLI, and each table can be written out whole as CSV or JSON ([`Table`]).

pub mod collocates;
pub mod entities;
pub mod keywords;
pub mod kwic;
pub mod measures;
pub mod selection;
pub mod table;
pub mod time;
pub mod trends;

pub use collocates::*;
pub use keywords::*;
pub use kwic::*;
pub use table::{Cell, Table};
pub use time::*;
pub use trends::*;

/// Rows in one page of a table.
pub const PAGE: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use crate::query::measures::{log_likelihood, log_ratio};

    fn corpus(texts: &[&str]) -> Corpus {
        let mut c = Corpus::new();
        for (i, t) in texts.iter().enumerate() {
            c.add_bytes(format!("{i}.txt"), t.as_bytes()).unwrap();
        }
        c
    }

    const A: &str = "Công tác đối ngoại được triển khai. Công tác đối ngoại của Đảng.";
    const B: &str = "Việt Nam mở rộng quan hệ ngoại giao. Công tác ngoại giao và đối ngoại.";

    fn row<'a>(rows: &'a [KeywordRow], t: &str) -> &'a KeywordRow {
        rows.iter()
            .find(|r| r.term == t)
            .unwrap_or_else(|| panic!("{t}: {rows:?}"))
    }

    #[test]
    fn word_list_by_hand() {
        let c = corpus(&[A, B]);
        let words_a = c.docs()[0].counts.words;
        let words_b = c.docs()[1].counts.words;
        let q = KeywordsQuery::default();
        let (rows, tokens, cloud) = keyword_rows(&c, &q);
        assert_eq!(tokens, words_a + words_b);
        let r = row(&rows, "đối ngoại");
        assert_eq!((r.frequency, r.documents), (3, 2));
        assert!((r.per_million - 3e6 / tokens as f64).abs() < 1e-6);
        // DP by hand: parts s = (wa, wb)/N, v = (2, 1)/3.
        let n = (words_a + words_b) as f64;
        let (sa, sb) = (words_a as f64 / n, words_b as f64 / n);
        let dp = 0.5 * ((2.0 / 3.0 - sa).abs() + (1.0 / 3.0 - sb).abs());
        assert!((r.dp - dp).abs() < 1e-9, "{} {dp}", r.dp);
        // Only in one document: DP = 1 − that document's share.
        let g = row(&rows, "ngoại giao");
        assert!((g.dp - (1.0 - sb)).abs() < 1e-9);
        // Stopwords are out by default, in when asked.
        assert!(rows.iter().all(|r| r.term != "của" && r.term != "và"));
        let (all, _, _) = keyword_rows(
            &c,
            &KeywordsQuery {
                stopwords: true,
                ..q.clone()
            },
        );
        assert!(all.iter().any(|r| r.term == "của"));
        // Most frequent first; the cloud agrees.
        // Ties (công tác, đối ngoại: 3 each) go alphabetically.
        assert_eq!(
            (rows[0].term.as_str(), rows[1].term.as_str()),
            ("công tác", "đối ngoại")
        );
        assert_eq!(cloud[0], ("công tác".to_owned(), 3));
        assert!(rows.iter().all(|r| r.g2.is_none() && r.tf_idf.is_none()));
    }

    #[test]
    fn keyness_of_one_document_against_the_rest() {
        let c = corpus(&[A, B]);
        let (wa, wb) = (
            c.docs()[0].counts.words as f64,
            c.docs()[1].counts.words as f64,
        );
        let q = KeywordsQuery {
            scope: vec![c.docs()[1].id],
            sort: KeyColumn::G2,
            ..KeywordsQuery::default()
        };
        let (rows, tokens, _) = keyword_rows(&c, &q);
        assert_eq!(tokens as f64, wb);
        let r = row(&rows, "ngoại giao");
        assert_eq!((r.frequency, r.reference), (2, Some(0)));
        assert_eq!(r.g2, Some(log_likelihood(2.0, 0.0, wb, wa)));
        assert_eq!(r.log_ratio, Some(log_ratio(2.0, 0.0, wb, wa)));
        // TF-IDF: 2 of wb words, in 1 of 2 documents: (2/wb)·ln(2/1).
        assert!((r.tf_idf.unwrap() - 2.0 / wb * 2f64.ln()).abs() < 1e-9);
        // In both documents: idf ln(2/2) = 0.
        assert_eq!(row(&rows, "đối ngoại").tf_idf, Some(0.0));
        // Sorted by G2, positive keywords first.
        assert_eq!(rows[0].term, "ngoại giao");
        assert!(rows.last().unwrap().log_ratio.unwrap() <= 0.0 || rows.len() < 3);
    }

    #[test]
    fn syllables_and_ngrams() {
        let c = corpus(&[A, B]);
        let q = KeywordsQuery {
            unit: Unit::Syllables,
            ..KeywordsQuery::default()
        };
        let (rows, _, _) = keyword_rows(&c, &q);
        assert_eq!(row(&rows, "ngoại").frequency, 5);
        let q = KeywordsQuery {
            unit: Unit::Ngrams(2),
            ..KeywordsQuery::default()
        };
        let (rows, tokens, _) = keyword_rows(&c, &q);
        assert_eq!(row(&rows, "công tác đối ngoại").frequency, 2);
        // No bigram starts or ends with a stopword, none crosses a sentence.
        assert!(rows
            .iter()
            .all(|r| !r.term.ends_with(" của") && !r.term.starts_with("và ")));
        assert!(rows.iter().all(|r| r.term != "triển khai công tác"));
        assert_eq!(tokens, rows.iter().map(|r| r.frequency).sum::<u64>());
        // Filter, accent-insensitive.
        let q = KeywordsQuery {
            filter: "NGOAI".into(),
            ..KeywordsQuery::default()
        };
        let (rows, _, _) = keyword_rows(&c, &q);
        assert!(!rows.is_empty() && rows.iter().all(|r| r.term.contains("ngoại")));
    }

    #[test]
    fn trends_per_document() {
        let c = corpus(&[A, B]);
        let t = trends(&c, &TrendTerms::parse("Đối ngoại, ngoại_giao, không có"));
        assert_eq!(t.terms, ["đối ngoại", "ngoại giao", "không có"]);
        assert_eq!(t.docs[0].counts, [2, 0, 0]);
        assert_eq!(t.docs[1].counts, [1, 2, 0]);
        let wb = c.docs()[1].counts.words as f64;
        assert!((t.docs[1].per_10k[1] - 2e4 / wb).abs() < 1e-9);
        let table = trends_table(&t);
        assert_eq!(table.header[2], "đối ngoại");
        assert_eq!(table.rows.len(), 2);
    }

    #[test]
    fn concordance_lines_point_into_the_reader_and_the_original() {
        // The original has a double space and a decomposed accent before the second line's
        // hit: offsets count code points of the text as given.
        let text = "Mở đầu.\n\nCông  tác đối ngoại và ngoại giao.\nĐối ngoại đa phương.";
        let c = corpus(&[text, B]);
        let q = KwicQuery {
            query: "đối ngoại".into(),
            width: 10,
            ..KwicQuery::default()
        };
        let v = kwic(&c, &q);
        assert_eq!(v.total, 3);
        let l = &v.lines[0];
        assert_eq!((l.doc, l.para), (c.docs()[0].id, 1));
        let d = &c.docs()[0];
        let para = crate::text::segment::paragraphs(&d.text).nth(1).unwrap().1;
        assert_eq!(&para[l.start as usize..l.end as usize], "đối ngoại");
        assert_eq!(
            l.offset as usize,
            text.find("đối").map(|b| text[..b].chars().count()).unwrap()
        );
        assert_eq!(l.right, " và ngoại ");
        assert_eq!(v.lines[1].para, 2);
        // Dispersion: every document listed, hits counted.
        assert_eq!(v.dispersion.len(), 2);
        assert_eq!((v.dispersion[0].hits, v.dispersion[1].hits), (2, 1));
        assert!(v.dispersion[0]
            .positions
            .iter()
            .all(|p| (0.0..1.0).contains(p)));
        // Sorted by the right context: "đa" < "và" < "." (end of sentence sorts by ".").
        let v = kwic(
            &c,
            &KwicQuery {
                sort: KwicSort::Right,
                ..q.clone()
            },
        );
        let next: Vec<&str> = v
            .lines
            .iter()
            .map(|l| l.right.split_whitespace().next().unwrap_or(""))
            .collect();
        assert_eq!(next, [".", "đa", "và"]);
        // Every line's offset counts the original's code points, whatever the lines' order
        // (the original is rebuilt once per document for all its lines).
        let want: Vec<u64> = text
            .char_indices()
            .filter(|&(b, _)| text[b..].to_lowercase().starts_with("đối ngoại"))
            .map(|(b, _)| text[..b].chars().count() as u64)
            .collect();
        let mut got: Vec<u64> = v
            .lines
            .iter()
            .filter(|l| l.doc == d.id)
            .map(|l| l.offset)
            .collect();
        got.sort_unstable();
        assert_eq!(got, want);
        let table: Vec<u64> = kwic_table(&c, &q)
            .rows
            .iter()
            .filter_map(|r| match (&r[0], &r[1]) {
                (Cell::Text(n), Cell::Int(o)) if *n == d.name => Some(*o),
                _ => None,
            })
            .collect();
        assert_eq!(table, want);
        // Accents.
        let v = kwic(
            &c,
            &KwicQuery {
                query: "doi ngoai".into(),
                ignore_accents: true,
                ..q.clone()
            },
        );
        assert_eq!(v.total, 3);
        let v = kwic(
            &c,
            &KwicQuery {
                query: "Đối ngoại".into(),
                case_sensitive: true,
                ..q.clone()
            },
        );
        assert_eq!(v.total, 1);
        assert!(kwic(&c, &KwicQuery::default()).invalid);
        let t = kwic_table(&c, &q);
        assert_eq!(t.rows.len(), 3);
    }

    #[test]
    fn collocates_by_hand() {
        let c = corpus(&[A, B]);
        let q = CollocatesQuery {
            word: "đối ngoại".into(),
            left: 2,
            right: 2,
            min: 1,
            ..CollocatesQuery::default()
        };
        let (rows, f_node) = collocate_rows(&c, &q);
        assert_eq!(f_node, 3);
        // "công tác" is right before "đối ngoại" twice.
        let r = rows.iter().find(|r| r.term == "công tác").unwrap();
        assert_eq!(r.observed, 2);
        let n = c.totals().words as f64;
        // E = f_node · f_coll · span / N with f_coll 3 (twice in A, once in B).
        let e = 3.0 * 3.0 * 4.0 / n;
        assert!((r.expected - e).abs() < 1e-9);
        assert!((r.log_dice - (14.0 + (4.0f64 / 6.0).log2())).abs() < 1e-9);
        assert!(rows.iter().all(|r| r.term != "của"));
        let t = collocates_table(&c, &q);
        assert_eq!(t.rows.len(), rows.len());
        assert_eq!(
            collocate_rows(
                &c,
                &CollocatesQuery {
                    word: "không có".into(),
                    ..q
                }
            )
            .1,
            0
        );
    }

    #[test]
    fn csv_is_rfc4180_and_safe_in_spreadsheets() {
        let t = Table {
            header: vec!["term".into(), "n".into(), "x".into()],
            rows: vec![
                vec![Cell::Text("a, \"b\"".into()), Cell::Int(3), Cell::Num(0.5)],
                vec![Cell::Text("=cmd()".into()), Cell::Int(1), Cell::None],
                vec![
                    Cell::Text("-1.5".into()),
                    Cell::Int(0),
                    Cell::Num(f64::NEG_INFINITY),
                ],
            ],
        };
        assert_eq!(
            t.csv(),
            "term,n,x\r\n\"a, \"\"b\"\"\",3,0.5\r\n'=cmd(),1,\r\n-1.5,0,-inf\r\n"
        );
    }
}
