//! Serde for the engine's types that cross the wire: the queries the page sends and the
//! views the worker answers with. The engine defines them with no serde (it is not the
//! engine's business how they travel); each is listed here once, field by field, and the
//! compiler checks the list — a field added to a type and not here does not compile.
//!
//! The encoding is what `#[derive(Serialize, Deserialize)]` would give: structs as maps,
//! unit variants as their names, newtype variants as `{ "Name": value }`. Query types marked
//! `default` fill missing fields from their `Default`, so a request may name only what it
//! changes.

use crate::corpus::mentions::EntityId;
use crate::corpus::DocId;
use crate::entities::EntityType;
use crate::ingest::dates::{Date, Period};
use crate::query::collocates::{CollColumn, CollocateRow, CollocatesQuery, CollocatesView};
use crate::query::entities::{
    EntColumn, EntitiesQuery, EntitiesView, EntityRow, Highlight, Neighbour, NetEdge, NetNode,
    PairUnit, Selected, TimeBar, TypeCount,
};
use crate::query::keywords::{KeyColumn, KeywordRow, KeywordsQuery, KeywordsView, Unit};
use crate::query::kwic::{Dispersion, KwicLine, KwicQuery, KwicSort, KwicView};
use crate::query::time::{NewQuery, NewRow, PeriodBucket, PeriodTrends, Selection, WhatIsNew};
use crate::query::trends::{TrendDoc, TrendTerms, TrendsView};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serialize and Deserialize for a struct with public fields, by a borrowed mirror (out)
/// and an owned one (in).
macro_rules! wire_struct {
    (default $t:ident { $($f:ident : $ft:ty),* $(,)? }) => {
        wire_struct!(@impl default $t { $($f: $ft),* });
    };
    ($t:ident { $($f:ident : $ft:ty),* $(,)? }) => {
        wire_struct!(@impl plain $t { $($f: $ft),* });
    };
    (@in default $t:ident { $($f:ident : $ft:ty),* }) => {
        #[derive(Deserialize)]
        #[serde(default)]
        struct In {
            $($f: $ft,)*
        }
        impl Default for In {
            fn default() -> Self {
                let d = <$t as Default>::default();
                In { $($f: d.$f,)* }
            }
        }
    };
    (@in plain $t:ident { $($f:ident : $ft:ty),* }) => {
        #[derive(Deserialize)]
        struct In {
            $($f: $ft,)*
        }
    };
    (@impl $mode:ident $t:ident { $($f:ident : $ft:ty),* }) => {
        const _: () = {
            #[derive(Serialize)]
            struct Out<'a> {
                $($f: &'a $ft,)*
            }
            wire_struct!(@in $mode $t { $($f: $ft),* });
            impl Serialize for $t {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    Out { $($f: &self.$f,)* }.serialize(s)
                }
            }
            impl<'de> Deserialize<'de> for $t {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let w = In::deserialize(d)?;
                    Ok($t { $($f: w.$f,)* })
                }
            }
        };
    };
}

/// Serialize and Deserialize for an enum of unit and newtype variants, by a mirror enum.
macro_rules! wire_enum {
    ($t:ident { units: [$($u:ident),* $(,)?], newtypes: [$($n:ident($nt:ty)),* $(,)?] }) => {
        const _: () = {
            #[derive(Serialize, Deserialize)]
            enum W {
                $($u,)*
                $($n($nt),)*
            }
            impl Serialize for $t {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let w = match *self {
                        $($t::$u => W::$u,)*
                        $($t::$n(ref x) => W::$n(x.clone()),)*
                    };
                    w.serialize(s)
                }
            }
            impl<'de> Deserialize<'de> for $t {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    Ok(match W::deserialize(d)? {
                        $(W::$u => $t::$u,)*
                        $(W::$n(x) => $t::$n(x),)*
                    })
                }
            }
        };
    };
}

wire_enum!(EntityType {
    units: [Per, Org, Loc, Date, Time, Number, Percent, Money, Quantity, Event, Role, Acronym],
    newtypes: []
});
wire_enum!(Unit {
    units: [Words, Syllables],
    newtypes: [Ngrams(u8)]
});
wire_enum!(KeyColumn {
    units: [Term, Frequency, Documents, Dp, G2, LogRatio, TfIdf],
    newtypes: []
});
wire_struct!(default KeywordsQuery { scope: Vec<DocId>, unit: Unit, stopwords: bool, no_acronyms: bool, filter: String, sort: KeyColumn, ascending: bool, page: usize });
wire_struct!(KeywordRow { term: String, frequency: u64, per_million: f64, documents: u32, dp: f64, reference: Option<u64>, g2: Option<f64>, p: Option<f64>, log_ratio: Option<f64>, tf_idf: Option<f64> });
wire_struct!(KeywordsView { query: KeywordsQuery, tokens: u64, total: usize, pages: usize, rows: Vec<KeywordRow>, cloud: Vec<(String, u64)>, builtin_stopwords: bool });
wire_enum!(KwicSort {
    units: [Position, Left, Right],
    newtypes: []
});
wire_struct!(default KwicQuery { query: String, ignore_accents: bool, case_sensitive: bool, sort: KwicSort, page: usize, width: usize });
wire_struct!(KwicLine {
    doc: DocId,
    para: usize,
    start: u32,
    end: u32,
    offset: u64,
    left: String,
    matched: String,
    right: String
});
wire_struct!(Dispersion { doc: DocId, name: String, hits: u64, per_10k: f64, positions: Vec<f32> });
wire_struct!(KwicView { query: KwicQuery, invalid: bool, total: usize, pages: usize, lines: Vec<KwicLine>, dispersion: Vec<Dispersion>, dp: f64, elapsed_ms: f64 });
wire_struct!(TrendTerms { words: Vec<String> });

/// A date travels as ISO `yyyy-mm-dd` text.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("not a date: {text}")))
    }
}

wire_enum!(Period {
    units: [Day, Week, Month, Year],
    newtypes: []
});
wire_struct!(default Selection {
    from: Option<Date>,
    to: Option<Date>,
    sources: Vec<String>,
    groups: Vec<String>,
    docs: Vec<DocId>,
});
wire_struct!(NewQuery {
    from: Date,
    to: Date,
    within: Selection,
    min_g2: f64,
    top: usize,
});
wire_struct!(NewRow {
    term: String,
    kind: Option<EntityType>,
    now: u64,
    before: u64,
    now_per_10k: f64,
    before_per_10k: f64,
    g2: f64,
    log_ratio: f64,
});
wire_struct!(WhatIsNew {
    period: (Date, Date),
    previous: (Date, Date),
    docs: (u64, u64),
    words: (u64, u64),
    words_rows: Vec<NewRow>,
    entity_rows: Vec<NewRow>,
});
wire_struct!(PeriodBucket {
    period: String,
    start: Option<Date>,
    docs: u64,
    words: u64,
    counts: Vec<u64>,
    per_10k: Vec<f64>,
});
wire_struct!(PeriodTrends {
    terms: Vec<String>,
    by: Period,
    within: Selection,
    buckets: Vec<PeriodBucket>,
    undated: PeriodBucket,
    truncated: bool,
});
wire_struct!(TrendsView { terms: Vec<String>, docs: Vec<TrendDoc> });
wire_struct!(TrendDoc { doc: DocId, name: String, words: u64, counts: Vec<u64>, per_10k: Vec<f64> });
wire_struct!(default CollocatesQuery { word: String, left: usize, right: usize, min: u64, stopwords: bool, sort: CollColumn, page: usize });
wire_enum!(CollColumn {
    units: [Term, Observed, Frequency, Mi, T, LogDice],
    newtypes: []
});
wire_struct!(CollocateRow {
    term: String,
    observed: u64,
    expected: f64,
    frequency: u64,
    mi: f64,
    t_score: f64,
    log_dice: f64
});
wire_struct!(CollocatesView { query: CollocatesQuery, node_frequency: u64, total: usize, pages: usize, rows: Vec<CollocateRow> });
wire_enum!(PairUnit {
    units: [Sentence, Paragraph],
    newtypes: []
});
wire_enum!(EntColumn {
    units: [Name, Type, Mentions, Docs],
    newtypes: []
});
wire_struct!(default EntitiesQuery { kind: Option<EntityType>, filter: String, sort: EntColumn, ascending: bool, page: usize, unit: PairUnit, selected: Option<EntityId>, mentions_page: usize, within: Selection });
wire_struct!(EntityRow { id: EntityId, kind: EntityType, canonical: String, variants: Vec<(String, u64)>, mentions: u64, docs: u64, roles: Vec<(String, u64)>, expansion: Option<String>, inferred: u64 });
wire_struct!(NetNode {
    id: EntityId,
    kind: EntityType,
    label: String,
    mentions: u64,
    x: f64,
    y: f64,
    r: f64
});
wire_struct!(NetEdge {
    a: usize,
    b: usize,
    weight: u64
});
wire_struct!(Neighbour {
    id: EntityId,
    kind: EntityType,
    name: String,
    units: u64
});
wire_struct!(TypeCount {
    kind: EntityType,
    entities: u64,
    mentions: u64
});
wire_struct!(TimeBar {
    period: String,
    mentions: u64,
    inferred: u64
});
wire_struct!(Selected { row: EntityRow, lines: Vec<KwicLine>, pages: usize, with: Vec<Neighbour> });
wire_struct!(EntitiesView { query: EntitiesQuery, types: Vec<TypeCount>, total: usize, pages: usize, rows: Vec<EntityRow>, nodes: Vec<NetNode>, edges: Vec<NetEdge>, timeline: Vec<TimeBar>, dated: (u64, u64), selected: Option<Selected>, elapsed_ms: f64 });
wire_struct!(Highlight {
    start: u32,
    end: u32,
    kind: EntityType,
    canonical: String,
    id: EntityId
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_as_the_derives_would() {
        assert_eq!(
            serde_json::to_string(&Unit::Ngrams(3)).unwrap(),
            r#"{"Ngrams":3}"#
        );
        assert_eq!(serde_json::to_string(&Unit::Words).unwrap(), r#""Words""#);
        assert_eq!(serde_json::to_string(&EntityType::Per).unwrap(), r#""Per""#);
        let t = TrendTerms::parse("Đối ngoại, ngoại_giao");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"words":["đối ngoại","ngoại giao"]}"#
        );
    }

    #[test]
    fn a_query_names_only_what_it_changes() {
        let q: KeywordsQuery = serde_json::from_str(r#"{"page":2,"unit":{"Ngrams":2}}"#).unwrap();
        assert_eq!(q.page, 2);
        assert_eq!(q.unit, Unit::Ngrams(2));
        assert_eq!(q.sort, KeywordsQuery::default().sort);
        let c: CollocatesQuery = serde_json::from_str(r#"{"word":"ngoại giao"}"#).unwrap();
        assert_eq!(
            (c.left, c.right, c.min),
            (5, 5, 2),
            "the query's own defaults"
        );
        // A view (no defaults) needs every field.
        assert!(serde_json::from_str::<KwicLine>(r#"{"doc":0}"#).is_err());
    }

    #[test]
    fn views_round_trip() {
        let line = KwicLine {
            doc: 3,
            para: 1,
            start: 4,
            end: 9,
            offset: 120,
            left: "Công tác".into(),
            matched: "đối ngoại".into(),
            right: "của Đảng".into(),
        };
        let back: KwicLine = serde_json::from_str(&serde_json::to_string(&line).unwrap()).unwrap();
        assert_eq!(back, line);
        let row = EntityRow {
            id: 7,
            kind: EntityType::Per,
            canonical: "Bùi Thanh Sơn".into(),
            variants: vec![("ông Sơn".into(), 2)],
            mentions: 5,
            docs: 2,
            roles: vec![("Bộ trưởng Ngoại giao".into(), 3)],
            expansion: None,
            inferred: 0,
        };
        let back: EntityRow = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
        assert_eq!(back, row);
        // What is new, asked and answered, with a selection inside an entities query.
        let day = |s: &str| s.parse::<crate::ingest::dates::Date>().unwrap();
        let within = Selection {
            sources: vec!["Báo Cần Thơ".into()],
            groups: vec!["mien-tay".into()],
            ..Selection::between(day("2024-03-01"), day("2024-03-31"))
        };
        let ask = crate::protocol::Request::WhatIsNew(NewQuery {
            within: within.clone(),
            ..NewQuery::new(day("2024-03-01"), day("2024-03-31"))
        });
        let back: crate::protocol::Request =
            serde_json::from_str(&serde_json::to_string(&ask).unwrap()).unwrap();
        assert_eq!(back, ask);
        let q = EntitiesQuery {
            within,
            ..EntitiesQuery::default()
        };
        let back: EntitiesQuery =
            serde_json::from_str(&serde_json::to_string(&q).unwrap()).unwrap();
        assert_eq!(back, q);
        // An old page's query (no selection) still reads.
        let old: EntitiesQuery = serde_json::from_str("{}").unwrap();
        assert!(old.within.is_all());
        let new = WhatIsNew {
            period: (day("2024-03-01"), day("2024-03-31")),
            previous: (day("2024-01-31"), day("2024-02-29")),
            docs: (3, 2),
            words: (900, 700),
            words_rows: vec![NewRow {
                term: "bão".into(),
                kind: None,
                now: 12,
                before: 0,
                now_per_10k: 133.3,
                before_per_10k: 0.0,
                g2: 21.5,
                log_ratio: 4.2,
            }],
            entity_rows: vec![NewRow {
                term: "Cần Thơ".into(),
                kind: Some(EntityType::Loc),
                now: 3,
                before: 1,
                now_per_10k: 33.3,
                before_per_10k: 14.3,
                g2: 1.0,
                log_ratio: 1.2,
            }],
        };
        let back: WhatIsNew = serde_json::from_str(&serde_json::to_string(&new).unwrap()).unwrap();
        assert_eq!(back, new);
    }
}
