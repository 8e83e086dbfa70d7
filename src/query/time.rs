//! Time and selections: which documents a question is about (a date range, sources,
//! groups, chosen documents), trends bucketed by day, ISO week, month or year over the
//! documents' dates, the keyness and the entity table of a selection, and "what is new":
//! the words and entities whose share in a period rose most against the period of the
//! same length before it.
//!
//! Everything is summed from per-document counts, so it is mergeable like the rest of
//! the corpus and independent of the order or threads documents were analyzed on.

use crate::corpus::counts::TermId;
use crate::corpus::mentions::EntityId;
use crate::corpus::{Corpus, Date, Document};
use crate::entities::EntityType;
use crate::ingest::dates::Period;
use crate::query::entities::{entities_table_in, entity_rows_in, EntitiesQuery, EntityRow, Tally};
use crate::query::measures::{log_likelihood, log_ratio};
use crate::query::table::{header, Cell, Table};
use crate::query::{keyword_rows, KeywordRow, KeywordsQuery, KeywordsView, TrendTerms, PAGE};
use rustc_hash::FxHashMap;

pub use crate::query::selection::Selection;

/// The sources, groups and date range of a corpus: what a selection can choose from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    /// Each source with its number of documents, by name.
    pub sources: Vec<(String, u64)>,
    /// Each group with its number of documents, by name.
    pub groups: Vec<(String, u64)>,
    /// The first and last date.
    pub dates: Option<(Date, Date)>,
    /// Documents with a date, and how many of those were inferred.
    pub dated: (u64, u64),
    /// Documents without a date.
    pub undated: u64,
}

/// The [`Facets`] of `c`.
pub fn facets(c: &Corpus) -> Facets {
    let mut sources: std::collections::BTreeMap<String, u64> = Default::default();
    let mut groups: std::collections::BTreeMap<String, u64> = Default::default();
    let mut f = Facets::default();
    for d in c.docs() {
        let m = &d.meta;
        if let Some(s) = &m.source {
            *sources.entry(s.clone()).or_insert(0) += 1;
        }
        if let Some(g) = &m.group {
            *groups.entry(g.clone()).or_insert(0) += 1;
        }
        match m.date {
            Some(x) => {
                f.dated.0 += 1;
                f.dated.1 += u64::from(m.date_inferred);
                f.dates = Some(match f.dates {
                    Some((a, b)) => (a.min(x), b.max(x)),
                    None => (x, x),
                });
            }
            None => f.undated += 1,
        }
    }
    f.sources = sources.into_iter().collect();
    f.groups = groups.into_iter().collect();
    f
}

/// At most this many periods in a trend: ten thousand days is 27 years, enough for any
/// chart; a wider span keeps its most recent periods (and says it was cut).
pub const MAX_BUCKETS: usize = 10_000;

/// One period of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodBucket {
    /// Its name ("2024-03", "2024-W10", …; "undated" for the documents without a date).
    pub period: String,
    /// Its first day (`None` for the undated).
    pub start: Option<Date>,
    /// Documents dated in it (so thin periods show).
    pub docs: u64,
    /// Their words.
    pub words: u64,
    /// Occurrences of each term, in the order of [`PeriodTrends::terms`].
    pub counts: Vec<u64>,
    /// The same per 10,000 words of the period (0 when it has no words).
    pub per_10k: Vec<f64>,
}

impl PeriodBucket {
    fn empty(period: String, start: Option<Date>, terms: usize) -> PeriodBucket {
        PeriodBucket {
            period,
            start,
            docs: 0,
            words: 0,
            counts: vec![0; terms],
            per_10k: vec![0.0; terms],
        }
    }

    fn add(&mut self, d: &Document, ids: &[Option<TermId>]) {
        self.docs += 1;
        self.words += d.counts.words;
        for (n, id) in self.counts.iter_mut().zip(ids) {
            *n += id.and_then(|id| d.counts.word_freq.get(&id)).unwrap_or(0);
        }
    }

    fn finish(&mut self) {
        let words = self.words;
        self.per_10k = self
            .counts
            .iter()
            .map(|&n| {
                if words > 0 {
                    n as f64 * 1e4 / words as f64
                } else {
                    0.0
                }
            })
            .collect();
    }
}

/// Chosen words over time.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodTrends {
    /// The words, as looked up (see [`TrendTerms`]).
    pub terms: Vec<String>,
    /// The period length.
    pub by: Period,
    /// The documents counted (so the page can tell an answer for an earlier selection).
    pub within: Selection,
    /// Every period from the first dated document's to the last's, empty ones included so
    /// gaps show.
    pub buckets: Vec<PeriodBucket>,
    /// The selected documents without a date, counted apart.
    pub undated: PeriodBucket,
    /// Periods before the last [`MAX_BUCKETS`] were left out.
    pub truncated: bool,
}

/// `terms` per period of length `by` over the dates of the documents `within` selects.
pub fn period_trends(
    c: &Corpus,
    terms: &TrendTerms,
    by: Period,
    within: &Selection,
) -> PeriodTrends {
    let n = terms.words.len();
    let ids: Vec<Option<TermId>> = terms.words.iter().map(|t| c.term_id(t)).collect();
    let mut undated = PeriodBucket::empty("undated".to_owned(), None, n);
    let docs: Vec<&Document> = c.docs().iter().filter(|d| within.contains(d)).collect();
    let mut span: Option<(i64, i64)> = None;
    for d in &docs {
        if let Some(x) = d.meta.date {
            let b = by.bucket(x);
            span = Some(span.map_or((b, b), |(lo, hi)| (lo.min(b), hi.max(b))));
        }
    }
    let (mut buckets, mut truncated) = (Vec::new(), false);
    if let Some((lo, hi)) = span {
        let lo = if hi - lo >= MAX_BUCKETS as i64 {
            truncated = true;
            hi - MAX_BUCKETS as i64 + 1
        } else {
            lo
        };
        buckets = (lo..=hi)
            .map(|b| PeriodBucket::empty(by.label(b), by.start(b), n))
            .collect();
        for d in &docs {
            match d.meta.date {
                Some(x) => {
                    let at = by.bucket(x) - lo;
                    if let Some(bucket) = usize::try_from(at).ok().and_then(|i| buckets.get_mut(i))
                    {
                        bucket.add(d, &ids);
                    }
                }
                None => undated.add(d, &ids),
            }
        }
    } else {
        for d in &docs {
            undated.add(d, &ids);
        }
    }
    buckets.iter_mut().for_each(PeriodBucket::finish);
    undated.finish();
    PeriodTrends {
        terms: terms.words.clone(),
        by,
        within: within.clone(),
        buckets,
        undated,
        truncated,
    }
}

/// A trend as a table: period, documents, words, then each term's count and count per
/// 10,000 words; the undated documents last, when there are any.
pub fn period_trends_table(v: &PeriodTrends) -> Table {
    let mut h = header(&["period", "documents", "words"]);
    for t in &v.terms {
        h.push(t.clone());
        h.push(format!("{t} per 10k"));
    }
    let row = |b: &PeriodBucket| {
        let mut r = vec![
            Cell::Text(b.period.clone()),
            Cell::Int(b.docs),
            Cell::Int(b.words),
        ];
        for (n, p) in b.counts.iter().zip(&b.per_10k) {
            r.push(Cell::Int(*n));
            r.push(Cell::Num(*p));
        }
        r
    };
    let mut rows: Vec<Vec<Cell>> = v.buckets.iter().map(row).collect();
    if v.undated.docs > 0 {
        rows.push(row(&v.undated));
    }
    Table { header: h, rows }
}

/// Every row of the word list of `q` for the documents `sel` selects against the rest
/// (keyness: G², p, Log Ratio), sorted as `q` asks; `q.scope` is replaced by the
/// selection. A selection of no document gives no rows (not the whole corpus).
pub fn selection_keyword_rows(
    c: &Corpus,
    q: &KeywordsQuery,
    sel: &Selection,
) -> (Vec<KeywordRow>, u64) {
    let scope = sel.doc_ids(c);
    if scope.is_empty() && !sel.is_all() {
        return (Vec::new(), 0);
    }
    let q = KeywordsQuery { scope, ..q.clone() };
    let (rows, tokens, _) = keyword_rows(c, &q);
    (rows, tokens)
}

/// The Keywords view of a selection against the rest (one page; see
/// [`selection_keyword_rows`]).
pub fn selection_keywords(c: &Corpus, q: &KeywordsQuery, sel: &Selection) -> KeywordsView {
    let scope = sel.doc_ids(c);
    if scope.is_empty() && !sel.is_all() {
        return KeywordsView {
            query: q.clone(),
            tokens: 0,
            total: 0,
            pages: 1,
            rows: Vec::new(),
            cloud: Vec::new(),
            builtin_stopwords: c.stopwords == *crate::words::stopwords::Stopwords::builtin(),
        };
    }
    crate::query::keywords(c, &KeywordsQuery { scope, ..q.clone() })
}

/// The entities' mentions and documents over a selection (see [`Tally`]).
pub fn selection_tally(c: &Corpus, sel: &Selection) -> Tally {
    Tally::within(c, sel)
}

/// Every row of the entity table of `q` over the documents `sel` selects.
pub fn selection_entity_rows(c: &Corpus, q: &EntitiesQuery, sel: &Selection) -> Vec<EntityRow> {
    entity_rows_in(c, q, &selection_tally(c, sel))
}

/// The entity table of `q` over the documents `sel` selects.
pub fn selection_entities_table(c: &Corpus, q: &EntitiesQuery, sel: &Selection) -> Table {
    entities_table_in(c, q, &selection_tally(c, sel))
}

/// G² at or above this is significant at p < 0.001 (one degree of freedom): what "what
/// is new" lists by default, so that a word seen twice in a thin month is not news.
pub const SIGNIFICANT_G2: f64 = 10.83;

/// A "what is new" request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewQuery {
    /// The period's first day.
    pub from: Date,
    /// Its last day.
    pub to: Date,
    /// Only these sources, groups or documents (its dates are ignored: the periods are).
    pub within: Selection,
    /// Rows with a G² below this are left out.
    pub min_g2: f64,
    /// At most this many rows of words and of entities (0: all).
    pub top: usize,
}

impl NewQuery {
    /// The period `from`–`to` over every document, significant rises only, one page.
    pub fn new(from: Date, to: Date) -> NewQuery {
        NewQuery {
            from,
            to,
            within: Selection::default(),
            min_g2: SIGNIFICANT_G2,
            top: PAGE,
        }
    }
}

/// A word or entity whose share rose.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow {
    /// The word, or the entity's canonical name.
    pub term: String,
    /// `None` for a word; the type of an entity.
    pub kind: Option<EntityType>,
    /// Occurrences (mentions) in the period.
    pub now: u64,
    /// In the period before.
    pub before: u64,
    /// Per 10,000 words of the period.
    pub now_per_10k: f64,
    /// Per 10,000 words of the period before.
    pub before_per_10k: f64,
    /// Log-likelihood G² of the period against the one before.
    pub g2: f64,
    /// Log Ratio (positive: more frequent now).
    pub log_ratio: f64,
}

/// What rose in a period against the period of the same length before it.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIsNew {
    /// The period (first and last day).
    pub period: (Date, Date),
    /// The period before it.
    pub previous: (Date, Date),
    /// Documents in each.
    pub docs: (u64, u64),
    /// Words in each.
    pub words: (u64, u64),
    /// Words whose share rose significantly, by G², highest first.
    pub words_rows: Vec<NewRow>,
    /// Entities (persons, organizations, places, events, acronyms) likewise.
    pub entity_rows: Vec<NewRow>,
}

/// The entity types "what is new" lists: names, not the dates that a period trivially has.
const NEW_TYPES: [EntityType; 5] = [
    EntityType::Per,
    EntityType::Org,
    EntityType::Loc,
    EntityType::Event,
    EntityType::Acronym,
];

/// What is new in `q.from`–`q.to`: the words and entities whose share (per word of the
/// period) rose against the period of the same length just before, significant by G²
/// (at least `q.min_g2`), highest G² first.
pub fn what_is_new(c: &Corpus, q: &NewQuery) -> WhatIsNew {
    let (from, to) = (q.from.min(q.to), q.from.max(q.to));
    let len = to.days() - from.days() + 1;
    let prev = (
        Date::from_days(from.days() - len).unwrap_or(from),
        Date::from_days(from.days() - 1).unwrap_or(from),
    );
    let within = Selection {
        from: None,
        to: None,
        ..q.within.clone()
    };
    let mut words: [FxHashMap<TermId, u64>; 2] = Default::default();
    let mut ents: [FxHashMap<EntityId, u64>; 2] = Default::default();
    let (mut docs, mut sizes) = ([0u64; 2], [0u64; 2]);
    for d in c.docs().iter().filter(|d| within.contains(d)) {
        let Some(x) = d.meta.date else { continue };
        let k = if (from..=to).contains(&x) {
            0
        } else if (prev.0..=prev.1).contains(&x) && len > 0 {
            1
        } else {
            continue;
        };
        docs[k] += 1;
        sizes[k] += d.counts.words;
        for (id, n) in d.counts.word_freq.iter() {
            *words[k].entry(id).or_insert(0) += n;
        }
        for (id, n) in d.entities.counts.iter() {
            *ents[k].entry(id).or_insert(0) += n;
        }
    }
    let (cs, ds) = (sizes[0] as f64, sizes[1] as f64);
    let per = |n: u64, size: u64| {
        if size > 0 {
            n as f64 * 1e4 / size as f64
        } else {
            0.0
        }
    };
    let row = |term: String, kind: Option<EntityType>, now: u64, before: u64| {
        let (a, b) = (now as f64, before as f64);
        let g2 = log_likelihood(a, b, cs, ds);
        let lr = log_ratio(a, b, cs, ds);
        (g2 >= q.min_g2 && lr > 0.0).then(|| NewRow {
            term,
            kind,
            now,
            before,
            now_per_10k: per(now, sizes[0]),
            before_per_10k: per(before, sizes[1]),
            g2,
            log_ratio: lr,
        })
    };
    let mut words_rows: Vec<NewRow> = words[0]
        .iter()
        .filter_map(|(&id, &n)| {
            let t = c.term(id)?;
            if c.stopwords.contains(t) {
                return None;
            }
            row(
                t.to_owned(),
                None,
                n,
                words[1].get(&id).copied().unwrap_or(0),
            )
        })
        .collect();
    let table = c.entities();
    let mut entity_rows: Vec<NewRow> = ents[0]
        .iter()
        .filter_map(|(&id, &n)| {
            let info = table.info(id)?;
            if !NEW_TYPES.contains(&info.kind) {
                return None;
            }
            row(
                info.canonical.clone(),
                Some(info.kind),
                n,
                ents[1].get(&id).copied().unwrap_or(0),
            )
        })
        .collect();
    for rows in [&mut words_rows, &mut entity_rows] {
        rows.sort_by(|x, y| {
            y.g2.total_cmp(&x.g2)
                .then_with(|| y.now.cmp(&x.now))
                .then_with(|| x.term.cmp(&y.term))
                .then_with(|| x.kind.cmp(&y.kind))
        });
        if q.top > 0 {
            rows.truncate(q.top);
        }
    }
    WhatIsNew {
        period: (from, to),
        previous: prev,
        docs: (docs[0], docs[1]),
        words: (sizes[0], sizes[1]),
        words_rows,
        entity_rows,
    }
}

/// "What is new" as a table: kind ("word" or the entity type), term, now, before, each
/// per 10,000 words, G², Log Ratio; words first, then entities.
pub fn what_is_new_table(v: &WhatIsNew) -> Table {
    Table {
        header: header(&[
            "kind",
            "term",
            "now",
            "before",
            "now_per_10k",
            "before_per_10k",
            "g2",
            "log_ratio",
        ]),
        rows: v
            .words_rows
            .iter()
            .chain(&v.entity_rows)
            .map(|r| {
                vec![
                    Cell::Text(r.kind.map_or("word", |k| k.id()).to_owned()),
                    Cell::Text(r.term.clone()),
                    Cell::Int(r.now),
                    Cell::Int(r.before),
                    Cell::Num(r.now_per_10k),
                    Cell::Num(r.before_per_10k),
                    Cell::Num(r.g2),
                    Cell::Num(r.log_ratio),
                ]
            })
            .collect(),
    }
}

/// The documents of a corpus as a table with their metadata: name, title, date, whether
/// it was inferred, source, group, row, id, url, words (for the documents list's export).
pub fn documents_table(c: &Corpus, sel: &Selection) -> Table {
    let opt = |s: &Option<String>| s.clone().map_or(Cell::None, Cell::Text);
    Table {
        header: header(&[
            "document",
            "title",
            "date",
            "date_inferred",
            "source",
            "group",
            "row",
            "record_id",
            "url",
            "words",
        ]),
        rows: c
            .docs()
            .iter()
            .filter(|d| sel.contains(d))
            .map(|d| {
                let m = &d.meta;
                vec![
                    Cell::Text(d.name.clone()),
                    Cell::Text(d.title.clone()),
                    m.date.map_or(Cell::None, |x| Cell::Text(x.to_string())),
                    Cell::Text(if m.date_inferred { "yes" } else { "no" }.to_owned()),
                    opt(&m.source),
                    opt(&m.group),
                    m.row.map_or(Cell::None, Cell::Int),
                    opt(&m.record_id),
                    opt(&m.url),
                    Cell::Int(d.counts.words),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{AnalysisOptions, DocBuilder, DocMeta};
    use crate::query::{KeyColumn, Unit};

    fn date(s: &str) -> Date {
        crate::ingest::dates::parse_date(s).unwrap()
    }

    /// A corpus of (date, source, group, text); an empty date: none given.
    fn corpus(docs: &[(&str, &str, &str, &str)]) -> Corpus {
        let mut c = Corpus::new();
        for (i, (d, source, group, text)) in docs.iter().enumerate() {
            let meta = DocMeta {
                date: (!d.is_empty()).then(|| date(d)),
                source: Some((*source).to_owned()),
                group: Some((*group).to_owned()),
                ..DocMeta::default()
            };
            let mut b =
                DocBuilder::from_text(format!("{i}.txt"), text, &AnalysisOptions::default())
                    .unwrap()
                    .with_meta(meta);
            while !b.step(&c, usize::MAX) {}
            c.add(b);
        }
        c
    }

    const DOCS: &[(&str, &str, &str, &str)] = &[
        (
            "2024-01-05",
            "Báo Cần Thơ",
            "mien-tay/lua",
            "Nông dân Cần Thơ bán lúa. Giá lúa tăng nhẹ.",
        ),
        (
            "2024-01-20",
            "Báo Cà Mau",
            "mien-tay/tom",
            "Người nuôi tôm ở Cà Mau lo dịch bệnh. Ruộng lúa xen tôm mang lại thu nhập.",
        ),
        (
            "2024-03-02",
            "Báo Cần Thơ",
            "mien-tay/lua",
            "Bão số một đổ bộ. Bão làm đổ lúa. Nông dân gặt lúa chạy bão. Bão gây mưa lớn.",
        ),
        (
            "",
            "Báo Cà Mau",
            "khac",
            "Một bài không có ngày tháng nói về giá lúa.",
        ),
    ];

    /// Occurrences of `word` in `text` as whole syllables, counted by hand.
    fn by_hand(text: &str, word: &str) -> u64 {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| w.to_lowercase() == word)
            .count() as u64
    }

    #[test]
    fn monthly_trend_with_the_gap_and_the_undated() {
        let c = corpus(DOCS);
        let v = period_trends(
            &c,
            &TrendTerms::parse("lúa, bão"),
            Period::Month,
            &Selection::default(),
        );
        let periods: Vec<&str> = v.buckets.iter().map(|b| b.period.as_str()).collect();
        assert_eq!(periods, ["2024-01", "2024-02", "2024-03"]);
        let jan = &v.buckets[0];
        assert_eq!(jan.docs, 2);
        assert_eq!(
            jan.counts[0],
            by_hand(DOCS[0].3, "lúa") + by_hand(DOCS[1].3, "lúa")
        );
        assert_eq!(
            jan.words,
            c.docs()[0].counts.words + c.docs()[1].counts.words
        );
        assert!((jan.per_10k[0] - jan.counts[0] as f64 * 1e4 / jan.words as f64).abs() < 1e-9);
        assert_eq!(
            (
                v.buckets[1].docs,
                v.buckets[1].words,
                v.buckets[1].per_10k[0]
            ),
            (0, 0, 0.0)
        );
        assert_eq!(
            v.buckets[2].counts,
            [by_hand(DOCS[2].3, "lúa"), by_hand(DOCS[2].3, "bão")]
        );
        assert_eq!((v.undated.docs, v.undated.counts[0]), (1, 1));
        let t = period_trends_table(&v);
        assert_eq!(
            t.header[..5],
            ["period", "documents", "words", "lúa", "lúa per 10k"]
        );
        assert_eq!(t.rows.len(), 4);
        // Weeks and days keep every period between; a selection narrows the documents.
        let w = period_trends(
            &c,
            &TrendTerms::parse("lúa"),
            Period::Week,
            &Selection::default(),
        );
        assert_eq!(
            w.buckets.first().map(|b| b.period.as_str()),
            Some("2024-W01")
        );
        assert_eq!(
            w.buckets.last().map(|b| b.period.as_str()),
            Some("2024-W09")
        );
        let sel = Selection {
            sources: vec!["Báo Cần Thơ".into()],
            ..Selection::default()
        };
        let s = period_trends(&c, &TrendTerms::parse("lúa"), Period::Year, &sel);
        assert_eq!(s.buckets.len(), 1);
        assert_eq!(s.buckets[0].docs, 2);
        assert_eq!(s.undated.docs, 0);
    }

    #[test]
    fn selections_by_date_source_group_and_documents() {
        let c = corpus(DOCS);
        let ids = |s: &Selection| s.doc_ids(&c);
        let all: Vec<crate::corpus::DocId> = c.docs().iter().map(|d| d.id).collect();
        assert_eq!(ids(&Selection::default()), all);
        assert_eq!(
            ids(&Selection::between(date("2024-01-01"), date("2024-01-31"))),
            all[..2]
        );
        let from_feb = Selection {
            from: Some(date("2024-02-01")),
            ..Selection::default()
        };
        assert_eq!(ids(&from_feb), [all[2]]);
        let group = Selection {
            groups: vec!["mien-tay".into()],
            ..Selection::default()
        };
        assert_eq!(ids(&group), all[..3]);
        let group = Selection {
            groups: vec!["mien".into()],
            ..Selection::default()
        };
        assert!(
            ids(&group).is_empty(),
            "a prefix that is not a folder is not the group"
        );
        let both = Selection {
            sources: vec!["Báo Cà Mau".into()],
            docs: vec![all[3]],
            ..Selection::default()
        };
        assert_eq!(ids(&both), [all[3]]);
        let f = facets(&c);
        assert_eq!(
            f.sources,
            [("Báo Cà Mau".to_owned(), 2), ("Báo Cần Thơ".to_owned(), 2)]
        );
        assert_eq!(f.dates, Some((date("2024-01-05"), date("2024-03-02"))));
        assert_eq!((f.dated, f.undated), ((3, 0), 1));
        let t = documents_table(&c, &Selection::default());
        assert_eq!(t.header[2], "date");
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.rows[0][2], Cell::Text("2024-01-05".into()));
        assert_eq!(t.rows[3][2], Cell::None);
    }

    #[test]
    fn a_period_against_the_rest_is_the_scope_keyness() {
        let c = corpus(DOCS);
        let sel = Selection::between(date("2024-03-01"), date("2024-03-31"));
        let q = KeywordsQuery {
            sort: KeyColumn::G2,
            unit: Unit::Words,
            ..KeywordsQuery::default()
        };
        let (rows, tokens) = selection_keyword_rows(&c, &q, &sel);
        assert_eq!(tokens, c.docs()[2].counts.words);
        let bao = rows.iter().find(|r| r.term == "bão").unwrap();
        let rest: u64 = c.docs().iter().map(|d| d.counts.words).sum::<u64>() - tokens;
        assert_eq!((bao.frequency, bao.reference), (4, Some(0)));
        assert_eq!(
            bao.g2,
            Some(log_likelihood(4.0, 0.0, tokens as f64, rest as f64))
        );
        assert_eq!(rows[0].term, "bão");
        // Nothing selected: no rows, not the whole corpus.
        let none = Selection::between(date("2030-01-01"), date("2030-12-31"));
        assert!(selection_keyword_rows(&c, &q, &none).0.is_empty());
        assert!(selection_keywords(&c, &q, &none).rows.is_empty());
        assert_eq!(selection_keywords(&c, &q, &sel).rows[0].term, "bão");
    }

    #[test]
    fn the_entity_table_of_a_selection_counts_its_documents_only() {
        let c = corpus(DOCS);
        let q = EntitiesQuery::default();
        let all = selection_entity_rows(&c, &q, &Selection::default());
        let name = |rows: &[EntityRow], n: &str| {
            rows.iter()
                .find(|r| r.canonical == n)
                .map(|r| (r.mentions, r.docs))
        };
        let ca_mau = name(&all, "Cà Mau");
        assert!(ca_mau.is_some(), "{all:?}");
        let can_tho = Selection {
            sources: vec!["Báo Cần Thơ".into()],
            ..Selection::default()
        };
        let rows = selection_entity_rows(&c, &q, &can_tho);
        assert_eq!(name(&rows, "Cà Mau"), None);
        assert_eq!(name(&rows, "Cần Thơ").map(|x| x.1), Some(1));
        let t = selection_entities_table(&c, &q, &can_tho);
        assert_eq!(t.rows.len(), rows.len());
    }

    #[test]
    fn what_is_new_rose_against_the_period_before() {
        // Distinct texts (a repeated paragraph would count once).
        let mut texts: Vec<(String, String)> = Vec::new();
        for i in 1..=6 {
            let feb = format!("Ngày {i} tháng 2, nông dân gặt lúa. Giá lúa ổn định lần thứ {i}.");
            texts.push((format!("2024-02-{:02}", i * 4), feb));
        }
        for i in 1..=6 {
            let mar = format!(
                "Ngày {i} tháng 3, bão đổ bộ vào Cà Mau. Bão làm đổ lúa. Người dân chạy bão lần thứ {i}."
            );
            texts.push((format!("2024-03-{:02}", i * 4), mar));
        }
        let docs: Vec<(&str, &str, &str, &str)> = texts
            .iter()
            .map(|(d, t)| (d.as_str(), "Báo A", "g", t.as_str()))
            .collect();
        let c = corpus(&docs);
        let v = what_is_new(&c, &NewQuery::new(date("2024-03-01"), date("2024-03-31")));
        assert_eq!(v.previous, (date("2024-01-30"), date("2024-02-29")));
        assert_eq!(v.docs, (6, 6));
        let first = &v.words_rows[0];
        assert_eq!(
            (first.term.as_str(), first.now, first.before),
            ("bão", 18, 0)
        );
        let (a, b) = (v.words.0 as f64, v.words.1 as f64);
        assert_eq!(first.g2, log_likelihood(18.0, 0.0, a, b));
        assert!(v
            .words_rows
            .iter()
            .all(|r| r.g2 >= SIGNIFICANT_G2 && r.log_ratio > 0.0));
        // "lúa" is in both periods, less now: not new.
        assert!(v.words_rows.iter().all(|r| r.term != "lúa"));
        // Cà Mau, named six times now and never before, passes p < 0.05 but not p < 0.001.
        let q = NewQuery {
            min_g2: 3.84,
            ..NewQuery::new(date("2024-03-01"), date("2024-03-31"))
        };
        let loose = what_is_new(&c, &q);
        let ca_mau = loose.entity_rows.iter().find(|r| r.term == "Cà Mau");
        assert_eq!(
            ca_mau.map(|r| (r.kind, r.now, r.before)),
            Some((Some(EntityType::Loc), 6, 0)),
            "{:?}",
            loose.entity_rows
        );
        assert!(v.entity_rows.iter().all(|r| r.term != "Cà Mau"));
        // A cut that nothing passes lists nothing.
        let none = what_is_new(
            &c,
            &NewQuery {
                min_g2: 1e9,
                ..NewQuery::new(date("2024-03-01"), date("2024-03-31"))
            },
        );
        assert!(none.words_rows.is_empty() && none.entity_rows.is_empty());
        assert_eq!(
            what_is_new_table(&v).rows.len(),
            v.words_rows.len() + v.entity_rows.len()
        );
    }
}
