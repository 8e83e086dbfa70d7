//! The questions the Entities view asks of the corpus's mentions: a table by type with
//! variants and titles, a co-occurrence network, a timeline of dates, one entity's mentions
//! in context, and the Reader's highlights. Variants, roles and contexts are read back from
//! the rows on demand, for one page at a time.

use crate::corpus::mentions::{networked, DocMention, EntityId, EntityInfo, Pairs};
use crate::corpus::{Corpus, Document};
use crate::entities::EntityType;
use crate::query::{fold, Cell, KwicLine, Table};
use rustc_hash::FxHashMap;

/// Rows per page of the entity table and of the mention list.
pub const PAGE: usize = 50;

// ---------------------------------------------------------------------------------------
// The Entities view.

/// How the network counts co-occurrence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PairUnit {
    /// Named in the same sentence.
    #[default]
    Sentence,
    /// Named in the same paragraph.
    Paragraph,
}

/// A column the entity table sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntColumn {
    /// The canonical name (Vietnamese order).
    Name,
    /// The type.
    Type,
    /// Mentions.
    #[default]
    Mentions,
    /// Documents.
    Docs,
}

/// The Entities view's request.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitiesQuery {
    /// One type, or `None` for the names: PER, ORG, LOC, DATE, EVENT, ACRONYM.
    pub kind: Option<EntityType>,
    /// Keep entities whose name or a variant contains this (accents and case ignored).
    pub filter: String,
    /// Sort column.
    pub sort: EntColumn,
    /// Ascending instead of descending.
    pub ascending: bool,
    /// Table page, from 0.
    pub page: usize,
    /// Network unit.
    pub unit: PairUnit,
    /// The entity whose mentions are shown.
    pub selected: Option<EntityId>,
    /// Page of its mentions.
    pub mentions_page: usize,
    /// Only the documents this selects (a period, sources, groups): every count, row,
    /// pair, date and mention of the view is theirs.
    pub within: crate::query::selection::Selection,
}

impl Default for EntitiesQuery {
    fn default() -> Self {
        EntitiesQuery {
            kind: None,
            filter: String::new(),
            sort: EntColumn::Mentions,
            ascending: false,
            page: 0,
            unit: PairUnit::Sentence,
            selected: None,
            mentions_page: 0,
            within: crate::query::selection::Selection::default(),
        }
    }
}

/// One row of the entity table.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    /// Its id (to select it).
    pub id: EntityId,
    /// Type id.
    pub kind: EntityType,
    /// Canonical name.
    pub canonical: String,
    /// Surface forms and how often each was written, most frequent first (at most 8).
    pub variants: Vec<(String, u64)>,
    /// Mentions.
    pub mentions: u64,
    /// Documents.
    pub docs: u64,
    /// PER: the titles the texts give them ("Bộ trưởng Bộ Ngoại giao"), most frequent
    /// first; ROLE: the persons holding it.
    pub roles: Vec<(String, u64)>,
    /// An acronym's expansion.
    pub expansion: Option<String>,
    /// Mentions with an inferred part (a year from the document, a full name from earlier).
    pub inferred: u64,
}

/// A node of the co-occurrence network. The query picks the nodes and edges; where they go
/// on the page is drawing, done on the wire side (`protocol::chart::place_network`), which
/// fills `x`, `y` and `r`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetNode {
    /// The entity.
    pub id: EntityId,
    /// Type id.
    pub kind: EntityType,
    /// Name.
    pub label: String,
    /// Mentions.
    pub mentions: u64,
    /// Centre (0 until placed).
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Radius.
    pub r: f64,
}

/// An edge of the network: two node indices and how many units name both.
#[derive(Debug, Clone, PartialEq)]
pub struct NetEdge {
    /// Node index.
    pub a: usize,
    /// Node index.
    pub b: usize,
    /// Units naming both.
    pub weight: u64,
}

/// A bar of the date timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeBar {
    /// "2022" or "2022-09".
    pub period: String,
    /// Date mentions in it.
    pub mentions: u64,
    /// Of which with an inferred year.
    pub inferred: u64,
}

/// The mentions of the selected entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// The row of the entity.
    pub row: EntityRow,
    /// Mentions in context, one page.
    pub lines: Vec<KwicLine>,
    /// Pages of mentions.
    pub pages: usize,
    /// Named with it most often, at most 15.
    pub with: Vec<Neighbour>,
}

/// An entity named in the same units as the selected one.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// The entity.
    pub id: EntityId,
    /// Its type.
    pub kind: EntityType,
    /// Its canonical name.
    pub name: String,
    /// Units (sentences or paragraphs) naming both.
    pub units: u64,
}

/// How many entities of one type the corpus names, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeCount {
    /// The type.
    pub kind: EntityType,
    /// Entities of it with mentions.
    pub entities: u64,
    /// Their mentions.
    pub mentions: u64,
}

/// The Entities view.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitiesView {
    /// The request answered.
    pub query: EntitiesQuery,
    /// Entities of each type with mentions.
    pub types: Vec<TypeCount>,
    /// Rows matching the type and filter.
    pub total: usize,
    /// Pages of them.
    pub pages: usize,
    /// One page.
    pub rows: Vec<EntityRow>,
    /// The network (the selected entity's neighbours, or the most named entities).
    pub nodes: Vec<NetNode>,
    /// Its edges.
    pub edges: Vec<NetEdge>,
    /// Date mentions by year or by month.
    pub timeline: Vec<TimeBar>,
    /// Date mentions with a year, and those without (month and day only).
    pub dated: (u64, u64),
    /// The selected entity.
    pub selected: Option<Selected>,
    /// Time taken in the engine.
    pub elapsed_ms: f64,
}

/// Types the table shows when no type is picked.
/// The types the table shows when no type is chosen: the names.
pub const NAME_TYPES: [EntityType; 6] = [
    EntityType::Per,
    EntityType::Org,
    EntityType::Loc,
    EntityType::Date,
    EntityType::Event,
    EntityType::Acronym,
];

/// Mentions and documents of each entity (by id) over a set of documents: the corpus's
/// own table, or a selection's (a period, a source) summed from its documents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tally {
    /// Mentions of each entity.
    pub mentions: Vec<u64>,
    /// Documents naming each entity.
    pub docs: Vec<u64>,
    /// The documents counted; `None`: all.
    scope: Option<rustc_hash::FxHashSet<crate::corpus::DocId>>,
}

impl Tally {
    /// The whole corpus's counts.
    pub fn corpus(c: &Corpus) -> Tally {
        let t = c.entities();
        Tally {
            mentions: t.mentions.clone(),
            docs: t.docs.clone(),
            scope: None,
        }
    }

    /// The counts over documents `docs` only.
    pub fn of(c: &Corpus, docs: &[crate::corpus::DocId]) -> Tally {
        let n = c.entities().len();
        let scope: rustc_hash::FxHashSet<crate::corpus::DocId> = docs.iter().copied().collect();
        let (mut mentions, mut counted) = (vec![0u64; n], vec![0u64; n]);
        for d in c.docs().iter().filter(|d| scope.contains(&d.id)) {
            for (id, k) in d.entities.counts.iter() {
                if let (Some(m), Some(dc)) =
                    (mentions.get_mut(id as usize), counted.get_mut(id as usize))
                {
                    *m += k;
                    *dc += u64::from(k > 0);
                }
            }
        }
        Tally {
            mentions,
            docs: counted,
            scope: Some(scope),
        }
    }

    /// The counts over the documents `sel` selects (the corpus's own when it selects all).
    pub fn within(c: &Corpus, sel: &crate::query::selection::Selection) -> Tally {
        if sel.is_all() {
            Tally::corpus(c)
        } else {
            Tally::of(c, &sel.doc_ids(c))
        }
    }

    /// The co-occurring pairs of its documents in `unit`: the corpus's own table, or
    /// summed from the selected documents'.
    fn pairs<'c>(&self, c: &'c Corpus, unit: PairUnit) -> std::borrow::Cow<'c, Pairs> {
        let of = |p: &'c crate::corpus::mentions::DocEntities| match unit {
            PairUnit::Sentence => &p.sentence_pairs,
            PairUnit::Paragraph => &p.paragraph_pairs,
        };
        match &self.scope {
            None => std::borrow::Cow::Borrowed(match unit {
                PairUnit::Sentence => &c.entities().sentence_pairs,
                PairUnit::Paragraph => &c.entities().paragraph_pairs,
            }),
            Some(_) => {
                let mut sum = Pairs::default();
                for d in c.docs().iter().filter(|d| self.counts(d)) {
                    for (k, n) in of(&d.entities).iter() {
                        *sum.entry(k).or_insert(0) += n;
                    }
                }
                std::borrow::Cow::Owned(sum)
            }
        }
    }

    fn counts(&self, d: &Document) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(&d.id))
    }

    fn m(&self, id: EntityId) -> u64 {
        self.mentions.get(id as usize).copied().unwrap_or(0)
    }

    fn d(&self, id: EntityId) -> u64 {
        self.docs.get(id as usize).copied().unwrap_or(0)
    }
}

/// Ids of the rows `q` asks for with the counts of `tally`, sorted.
fn matching_in(c: &Corpus, q: &EntitiesQuery, tally: &Tally) -> Vec<EntityId> {
    let t = c.entities();
    let kind = q.kind;
    let wanted = |k: EntityType| match kind {
        Some(x) => k == x,
        None => NAME_TYPES.contains(&k),
    };
    let filter = fold(q.filter.trim());
    let mut by_variant: rustc_hash::FxHashSet<EntityId> = Default::default();
    if !filter.is_empty() {
        // A variant may hold the filter where the canonical name does not ("ông Trọng").
        for d in c.docs() {
            for m in &d.entities.mentions {
                if !by_variant.contains(&m.entity)
                    && fold(d.text.get(m.range()).unwrap_or("")).contains(&filter)
                {
                    by_variant.insert(m.entity);
                }
            }
        }
    }
    let mut ids: Vec<EntityId> = (0..t.len() as EntityId)
        .filter(|&id| tally.m(id) > 0)
        .filter(|&id| {
            let info = &t.info[id as usize];
            wanted(info.kind)
                && (filter.is_empty()
                    || by_variant.contains(&id)
                    || fold(&info.canonical).contains(&filter)
                    || info
                        .expansion
                        .as_deref()
                        .is_some_and(|e| fold(e).contains(&filter)))
        })
        .collect();
    let name_key: FxHashMap<EntityId, (String, String)> = if q.sort == EntColumn::Name {
        ids.iter()
            .map(|&id| {
                (
                    id,
                    crate::text::concordance::sort_text(&t.info[id as usize].canonical),
                )
            })
            .collect()
    } else {
        FxHashMap::default()
    };
    ids.sort_by(|&a, &b| {
        let (ia, ib) = (&t.info[a as usize], &t.info[b as usize]);
        let primary = match q.sort {
            EntColumn::Name => name_key[&a].cmp(&name_key[&b]),
            EntColumn::Type => ia.kind.cmp(&ib.kind),
            EntColumn::Mentions => tally.m(a).cmp(&tally.m(b)),
            EntColumn::Docs => tally.d(a).cmp(&tally.d(b)),
        };
        let primary = if q.ascending {
            primary
        } else {
            primary.reverse()
        };
        // Ties: most mentioned first, then by name.
        primary
            .then_with(|| tally.m(b).cmp(&tally.m(a)))
            .then_with(|| ia.canonical.cmp(&ib.canonical))
    });
    ids
}

/// Rows for `ids` with the counts of `tally`, variants and roles read from its documents'
/// mentions.
fn rows_in(c: &Corpus, ids: &[EntityId], max_variants: usize, tally: &Tally) -> Vec<EntityRow> {
    let t = c.entities();
    let at: FxHashMap<EntityId, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let mut variants: Vec<FxHashMap<String, u64>> = vec![FxHashMap::default(); ids.len()];
    let mut roles: Vec<FxHashMap<String, u64>> = vec![FxHashMap::default(); ids.len()];
    let mut inferred = vec![0u64; ids.len()];
    for d in c.docs().iter().filter(|d| tally.counts(d)) {
        let ms = &d.entities.mentions;
        for m in ms {
            if let Some(&i) = at.get(&m.entity) {
                let s = d.text.get(m.range()).unwrap_or("").replace('\n', " ");
                *variants[i].entry(s).or_insert(0) += 1;
                inferred[i] += m.inferred as u64;
            }
        }
        // A title and its holder: the person's row lists the title, the title's row the
        // person.
        for r in &d.entities.roles {
            let (Some(m), Some(p)) = (ms.get(r.mention as usize), ms.get(r.holder as usize)) else {
                continue;
            };
            let title = || {
                let role = t.info(m.entity).map_or("", |i| i.canonical.as_str());
                match t.info(r.org).map(|i| i.canonical.as_str()) {
                    Some(org) if !role.contains(org) => format!("{role} {org}"),
                    _ => role.to_owned(),
                }
            };
            if let Some(&i) = at.get(&p.entity) {
                *roles[i].entry(title()).or_insert(0) += 1;
            }
            if let Some(&i) = at.get(&m.entity) {
                let name = t.info(p.entity).map_or("", |i| i.canonical.as_str());
                *roles[i].entry(name.to_owned()).or_insert(0) += 1;
            }
        }
    }
    let top = |m: FxHashMap<String, u64>, n: usize| {
        let mut v: Vec<(String, u64)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    };
    ids.iter()
        .zip(variants)
        .zip(roles)
        .zip(inferred)
        .map(|(((&id, v), r), inf)| {
            let info = &t.info[id as usize];
            EntityRow {
                id,
                kind: info.kind,
                canonical: info.canonical.clone(),
                variants: top(v, max_variants),
                mentions: tally.m(id),
                docs: tally.d(id),
                roles: top(r, max_variants),
                expansion: info.expansion.clone(),
                inferred: inf,
            }
        })
        .collect()
}

/// The network: the `n` most named entities (or the selected one and its neighbours) and
/// the pairs between them, laid out.
fn network(
    c: &Corpus,
    pairs: &Pairs,
    tally: &Tally,
    selected: Option<EntityId>,
    n: usize,
) -> (Vec<NetNode>, Vec<NetEdge>) {
    let t = c.entities();
    let mut ids: Vec<EntityId> = match selected.filter(|&s| networked(t.kind(s))) {
        Some(s) => {
            let mut near: Vec<(EntityId, u64)> = pairs
                .iter()
                .filter_map(|(&(a, b), &w)| match (a == s, b == s) {
                    (true, _) => Some((b, w)),
                    (_, true) => Some((a, w)),
                    _ => None,
                })
                .collect();
            near.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            std::iter::once(s)
                .chain(near.into_iter().take(n - 1).map(|x| x.0))
                .collect()
        }
        None => {
            let mut all: Vec<EntityId> = (0..t.len() as EntityId)
                .filter(|&id| tally.m(id) > 0 && networked(t.kind(id)))
                .collect();
            all.sort_by(|&a, &b| tally.m(b).cmp(&tally.m(a)).then(a.cmp(&b)));
            all.truncate(n);
            all
        }
    };
    ids.dedup();
    let at: FxHashMap<EntityId, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let mut edges: Vec<NetEdge> = pairs
        .iter()
        .filter_map(|(&(a, b), &w)| {
            Some(NetEdge {
                a: *at.get(&a)?,
                b: *at.get(&b)?,
                weight: w,
            })
        })
        .filter(|e| e.weight > 0)
        .collect();
    edges.sort_by_key(|e| (e.a, e.b));
    let nodes = ids
        .iter()
        .map(|&id| {
            let info = &t.info[id as usize];
            let m = tally.m(id);
            NetNode {
                id,
                kind: info.kind,
                label: info.canonical.clone(),
                mentions: m,
                x: 0.0,
                y: 0.0,
                r: 0.0,
            }
        })
        .collect();
    (nodes, edges)
}

/// Date mentions by month when they span three years or less, else by year; periods
/// without mentions in between are shown empty so the axis is time. Returns the bars and
/// (mentions with a year, mentions without).
fn timeline(c: &Corpus, tally: &Tally) -> (Vec<TimeBar>, (u64, u64)) {
    let t = c.entities();
    // (year, month or 0) → (mentions, inferred)
    let mut by: std::collections::BTreeMap<(i32, u32), (u64, u64)> = Default::default();
    let mut undated = 0;
    for d in c.docs().iter().filter(|d| tally.counts(d)) {
        for m in &d.entities.mentions {
            let Some(info) = t.info(m.entity) else {
                continue;
            };
            if info.kind != EntityType::Date {
                continue;
            }
            let iso = info.canonical.as_str();
            let year = iso.get(..4).and_then(|y| y.parse::<i32>().ok());
            let Some(year) = year.filter(|_| !iso.starts_with('-')) else {
                undated += 1;
                continue;
            };
            let month = iso
                .get(5..7)
                .filter(|_| iso.as_bytes().get(4) == Some(&b'-'))
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(0);
            let e = by.entry((year, month)).or_insert((0, 0));
            e.0 += 1;
            e.1 += m.inferred as u64;
        }
    }
    let dated: u64 = by.values().map(|v| v.0).sum();
    let (Some(&(first, _)), Some(&(last, _))) = (by.keys().next(), by.keys().next_back()) else {
        return (Vec::new(), (0, undated));
    };
    let mut bars = Vec::new();
    if last - first <= 2 {
        // Months; a mention of a year alone goes in a bar of its own before its months.
        for y in first..=last {
            if let Some(&(n, inf)) = by.get(&(y, 0)) {
                bars.push(TimeBar {
                    period: format!("{y:04}"),
                    mentions: n,
                    inferred: inf,
                });
            }
            for mo in 1..=12 {
                let (n, inf) = by.get(&(y, mo)).copied().unwrap_or((0, 0));
                bars.push(TimeBar {
                    period: format!("{y:04}-{mo:02}"),
                    mentions: n,
                    inferred: inf,
                });
            }
        }
        // Trim empty months at both ends.
        while bars.first().is_some_and(|b| b.mentions == 0) {
            bars.remove(0);
        }
        while bars.last().is_some_and(|b| b.mentions == 0) {
            bars.pop();
        }
    } else {
        let first = first.max(last - 199);
        for y in first..=last {
            let (n, inf) = by
                .range((y, 0)..=(y, 12))
                .fold((0, 0), |acc, (_, v)| (acc.0 + v.0, acc.1 + v.1));
            bars.push(TimeBar {
                period: format!("{y:04}"),
                mentions: n,
                inferred: inf,
            });
        }
    }
    (bars, (dated, undated))
}

/// The Entities view for `q`.
pub fn view(c: &Corpus, q: &EntitiesQuery, now: impl Fn() -> f64) -> EntitiesView {
    let t0 = now();
    let t = c.entities();
    let tally = Tally::within(c, &q.within);
    let mut types: Vec<TypeCount> = Vec::new();
    for kind in EntityType::ALL {
        let (mut n, mut m) = (0, 0);
        for id in 0..t.len() {
            let k = tally.m(id as EntityId);
            if t.info[id].kind == kind && k > 0 {
                n += 1;
                m += k;
            }
        }
        if n > 0 {
            types.push(TypeCount {
                kind,
                entities: n,
                mentions: m,
            });
        }
    }
    let ids = matching_in(c, q, &tally);
    let pages = ids.len().div_ceil(PAGE).max(1);
    let page = q.page.min(pages - 1);
    let shown: Vec<EntityId> = ids.iter().skip(page * PAGE).take(PAGE).copied().collect();
    let selected = q
        .selected
        .filter(|&id| t.info(id).is_some() && tally.m(id) > 0);
    let pairs = tally.pairs(c, q.unit);
    let (nodes, edges) = network(c, &pairs, &tally, selected, 30);
    let (bars, dated) = timeline(c, &tally);
    let selected = selected.and_then(|id| {
        let row = rows_in(c, &[id], 20, &tally).pop()?;
        let total = tally.m(id) as usize;
        let pages = total.div_ceil(PAGE).max(1);
        let mp = q.mentions_page.min(pages - 1);
        let lines = crate::query::context_lines(
            mention_lines(c, id)
                .filter(|(d, _)| tally.counts(d))
                .skip(mp * PAGE)
                .take(PAGE)
                .map(|(d, m)| (d, m.start as usize, m.end as usize)),
            60,
        );
        let mut with: Vec<(EntityId, u64)> = pairs
            .iter()
            .filter_map(|(&(a, b), &w)| match (a == id, b == id) {
                (true, _) => Some((b, w)),
                (_, true) => Some((a, w)),
                _ => None,
            })
            .collect();
        with.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        Some(Selected {
            row,
            lines,
            pages,
            with: with
                .into_iter()
                .take(15)
                .filter_map(|(e, w)| {
                    let i = t.info(e)?;
                    Some(Neighbour {
                        id: e,
                        kind: i.kind,
                        name: i.canonical.clone(),
                        units: w,
                    })
                })
                .collect(),
        })
    });
    EntitiesView {
        query: EntitiesQuery {
            page,
            selected: selected.as_ref().map(|s| s.row.id),
            ..q.clone()
        },
        types,
        total: ids.len(),
        pages,
        rows: rows_in(c, &shown, 8, &tally),
        nodes,
        edges,
        timeline: bars,
        dated,
        selected,
        elapsed_ms: now() - t0,
    }
}

/// Every mention of entity `id`, in document and text order.
fn mention_lines(c: &Corpus, id: EntityId) -> impl Iterator<Item = (&Document, &DocMention)> {
    c.docs().iter().flat_map(move |d| {
        d.entities
            .mentions
            .iter()
            .filter(move |m| m.entity == id)
            .map(move |m| (d, m))
    })
}

fn join(v: &[(String, u64)]) -> String {
    v.iter()
        .map(|(s, n)| format!("{s} ({n})"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The whole entity table for `q` (every page).
pub fn entities_table(c: &Corpus, q: &EntitiesQuery) -> Table {
    entities_table_in(c, q, &Tally::within(c, &q.within))
}

/// Every row of the entity table for `q` over the documents `tally` counts (a
/// selection's: see `query::selection::Selection`), sorted as asked, not paged.
pub fn entity_rows_in(c: &Corpus, q: &EntitiesQuery, tally: &Tally) -> Vec<EntityRow> {
    let ids = matching_in(c, q, tally);
    rows_in(c, &ids, 50, tally)
}

/// The whole entity table for `q` over the documents `tally` counts.
pub fn entities_table_in(c: &Corpus, q: &EntitiesQuery, tally: &Tally) -> Table {
    let header = [
        "type",
        "canonical",
        "mentions",
        "documents",
        "variants",
        "roles",
        "expansion",
        "inferred",
    ];
    Table {
        header: header.iter().map(|s| (*s).to_owned()).collect(),
        rows: entity_rows_in(c, q, tally)
            .into_iter()
            .map(|r| {
                vec![
                    Cell::Text(r.kind.id().to_owned()),
                    Cell::Text(r.canonical),
                    Cell::Int(r.mentions),
                    Cell::Int(r.docs),
                    Cell::Text(join(&r.variants)),
                    Cell::Text(join(&r.roles)),
                    r.expansion.map_or(Cell::None, Cell::Text),
                    Cell::Int(r.inferred),
                ]
            })
            .collect(),
    }
}

/// Every co-occurring pair (by `unit`), most frequent first.
pub fn pairs_table(c: &Corpus, unit: PairUnit) -> Table {
    let t = c.entities();
    let pairs = match unit {
        PairUnit::Sentence => &t.sentence_pairs,
        PairUnit::Paragraph => &t.paragraph_pairs,
    };
    let mut v: Vec<(&EntityInfo, &EntityInfo, u64)> = pairs
        .iter()
        .filter_map(|(&(a, b), &w)| Some((t.info(a)?, t.info(b)?, w)))
        .filter(|x| x.2 > 0)
        .collect();
    v.sort_by(|x, y| {
        y.2.cmp(&x.2)
            .then_with(|| x.0.canonical.cmp(&y.0.canonical))
            .then_with(|| x.1.canonical.cmp(&y.1.canonical))
    });
    let unit = match unit {
        PairUnit::Sentence => "sentences",
        PairUnit::Paragraph => "paragraphs",
    };
    Table {
        header: ["type_a", "entity_a", "type_b", "entity_b", unit]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        rows: v
            .into_iter()
            .map(|(a, b, w)| {
                vec![
                    Cell::Text(a.kind.id().to_owned()),
                    Cell::Text(a.canonical.clone()),
                    Cell::Text(b.kind.id().to_owned()),
                    Cell::Text(b.canonical.clone()),
                    Cell::Int(w),
                ]
            })
            .collect(),
    }
}

/// Every mention of entity `id` in context.
pub fn mentions_table(c: &Corpus, id: EntityId) -> Table {
    let header = ["document", "offset", "left", "mention", "right"];
    Table {
        header: header.iter().map(|s| (*s).to_owned()).collect(),
        rows: {
            let found: Vec<_> = mention_lines(c, id).collect();
            let lines = crate::query::context_lines(
                found
                    .iter()
                    .map(|(d, m)| (*d, m.start as usize, m.end as usize)),
                60,
            );
            found.into_iter().zip(lines)
        }
        .map(|((d, _), l)| {
            vec![
                Cell::Text(d.name.clone()),
                Cell::Int(l.offset),
                Cell::Text(l.left),
                Cell::Text(l.matched),
                Cell::Text(l.right),
            ]
        })
        .collect(),
    }
}

/// A mention as the Reader highlights it: byte range in its paragraph, type, name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// Start, bytes into the paragraph.
    pub start: u32,
    /// End.
    pub end: u32,
    /// Type id.
    pub kind: EntityType,
    /// Canonical name.
    pub canonical: String,
    /// The entity.
    pub id: EntityId,
}

/// The highlights of paragraphs `paras` (index, start byte in the document) of `d`.
pub fn highlights(c: &Corpus, d: &Document, paras: &[(usize, usize)]) -> Vec<Vec<Highlight>> {
    let t = c.entities();
    let ms = &d.entities.mentions;
    paras
        .iter()
        .map(|&(i, base)| {
            let from = ms.partition_point(|m| (m.para as usize) < i);
            ms[from..]
                .iter()
                .take_while(|m| m.para as usize == i)
                .filter_map(|m| {
                    let info = t.info(m.entity)?;
                    Some(Highlight {
                        start: (m.start as usize).checked_sub(base)? as u32,
                        end: (m.end as usize).checked_sub(base)? as u32,
                        kind: info.kind,
                        canonical: info.canonical.clone(),
                        id: m.entity,
                    })
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    fn corpus(texts: &[&str]) -> Corpus {
        let mut c = Corpus::new();
        for (i, t) in texts.iter().enumerate() {
            c.add_bytes(format!("d{i}.txt"), t.as_bytes()).unwrap();
        }
        c
    }

    const A: &str = "Thứ hai, 08/08/2022\n\nTổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương ngày 5/8. Ông Trọng nhấn mạnh vai trò của Ban Đối ngoại Trung ương.\n\nBộ trưởng Bộ Ngoại giao Bùi Thanh Sơn dự hội nghị tại Hà Nội.";
    const B: &str = "Ngày 14/12/2021, Thủ tướng Phạm Minh Chính gặp Bộ trưởng Bùi Thanh Sơn tại Hà Nội.\n\nĐại hội XIII và Đại hội đại biểu toàn quốc lần thứ XIII của Đảng là một.";

    fn row<'a>(v: &'a EntitiesView, name: &str) -> &'a EntityRow {
        v.rows
            .iter()
            .find(|r| r.canonical == name)
            .unwrap_or_else(|| panic!("{name} not in {:?}", v.rows))
    }

    #[test]
    fn table_merges_variants_and_counts_documents() {
        let c = corpus(&[A, B]);
        let v = view(&c, &EntitiesQuery::default(), || 0.0);
        let trong = row(&v, "Nguyễn Phú Trọng");
        assert_eq!(trong.mentions, 2);
        assert_eq!(trong.docs, 1);
        assert!(trong.variants.contains(&("Trọng".into(), 1)), "{trong:?}");
        assert_eq!(trong.inferred, 1);
        assert!(
            trong.roles.iter().any(|r| r.0 == "Tổng Bí thư"),
            "{trong:?}"
        );
        let son = row(&v, "Bùi Thanh Sơn");
        assert_eq!((son.mentions, son.docs), (2, 2));
        assert!(
            son.roles.iter().any(|r| r.0 == "Bộ trưởng Bộ Ngoại giao"),
            "{son:?}"
        );
        let hn = row(&v, "Hà Nội");
        assert_eq!((hn.kind.id(), hn.docs), ("LOC", 2));
        let congress = row(&v, "Đại hội XIII");
        assert_eq!(congress.mentions, 2);
        // Default types only: no numbers, no roles.
        assert!(v
            .rows
            .iter()
            .all(|r| r.kind != EntityType::Role && r.kind != EntityType::Number));
        // The year of "ngày 5/8" comes from the dateline.
        let date = row(&v, "2022-08-05");
        assert_eq!(date.inferred, 1);
    }

    #[test]
    fn removing_a_document_subtracts_its_counts() {
        let mut c = corpus(&[A, B]);
        let before = view(&c, &EntitiesQuery::default(), || 0.0);
        let pair = before
            .edges
            .iter()
            .map(|e| {
                (
                    before.nodes[e.a].label.as_str(),
                    before.nodes[e.b].label.as_str(),
                    e.weight,
                )
            })
            .find(|(a, b, _)| {
                [*a, *b].contains(&"Phạm Minh Chính") && [*a, *b].contains(&"Bùi Thanh Sơn")
            });
        assert_eq!(pair.map(|p| p.2), Some(1));
        let id = c.docs()[1].id;
        c.remove(id);
        let after = view(&c, &EntitiesQuery::default(), || 0.0);
        assert_eq!(row(&after, "Bùi Thanh Sơn").docs, 1);
        assert!(after.rows.iter().all(|r| r.canonical != "Phạm Minh Chính"));
        assert!(after.nodes.iter().all(|n| n.label != "Phạm Minh Chính"));
        assert!(c.entities().sentence_pairs.values().all(|&n| n > 0));
    }

    #[test]
    fn filter_type_sort_and_selection() {
        let c = corpus(&[A, B]);
        let q = EntitiesQuery {
            kind: Some(EntityType::Per),
            sort: EntColumn::Name,
            ascending: true,
            ..EntitiesQuery::default()
        };
        let v = view(&c, &q, || 0.0);
        let names: Vec<&str> = v.rows.iter().map(|r| r.canonical.as_str()).collect();
        assert_eq!(
            names,
            ["Bùi Thanh Sơn", "Nguyễn Phú Trọng", "Phạm Minh Chính"]
        );
        // Accent-insensitive, and by a variant.
        let v = view(
            &c,
            &EntitiesQuery {
                filter: "trong".into(),
                ..q.clone()
            },
            || 0.0,
        );
        assert_eq!(v.rows.len(), 1);
        let id = v.rows[0].id;
        let v = view(
            &c,
            &EntitiesQuery {
                selected: Some(id),
                ..q
            },
            || 0.0,
        );
        let sel = v.selected.expect("selected");
        assert_eq!(sel.lines.len(), 2);
        assert_eq!(sel.lines[1].matched, "Trọng");
        assert!(sel
            .with
            .iter()
            .any(|w| w.name == "Ban Đối ngoại Trung ương"));
        // The network is the selected entity and its neighbours.
        assert_eq!(v.nodes[0].id, id);
        assert!(v.edges.iter().all(|e| e.a == 0 || e.b == 0 || e.a != e.b));
    }

    #[test]
    fn within_a_period_counts_only_its_documents() {
        use crate::query::selection::Selection;
        let c = corpus(&[A, B]);
        let day = |y, m, d| crate::ingest::dates::Date::new(y, m, d).unwrap();
        // Both are dated from their own text.
        assert_eq!(c.docs()[0].meta.date, Some(day(2022, 8, 8)));
        assert_eq!(c.docs()[1].meta.date, Some(day(2021, 12, 14)));
        let q = EntitiesQuery {
            within: Selection::between(day(2021, 12, 1), day(2021, 12, 31)),
            ..EntitiesQuery::default()
        };
        let v = view(&c, &q, || 0.0);
        assert_eq!(
            (
                row(&v, "Bùi Thanh Sơn").mentions,
                row(&v, "Bùi Thanh Sơn").docs
            ),
            (1, 1)
        );
        assert!(
            v.rows.iter().all(|r| r.canonical != "Nguyễn Phú Trọng"),
            "{:?}",
            v.rows
        );
        assert!(v.nodes.iter().all(|n| n.label != "Nguyễn Phú Trọng"));
        assert!(
            v.timeline.iter().all(|b| b.period == "2021-12"),
            "{:?}",
            v.timeline
        );
        let per = v.types.iter().find(|t| t.kind == EntityType::Per).unwrap();
        assert_eq!(per.entities, 2, "{:?}", v.types);
        assert_eq!(entities_table(&c, &q).rows.len(), v.total);
        // The other period: its pairs only (Chính and Sơn met in December 2021).
        let q = EntitiesQuery {
            within: Selection::between(day(2022, 1, 1), day(2022, 12, 31)),
            ..EntitiesQuery::default()
        };
        let v = view(&c, &q, || 0.0);
        assert_eq!(row(&v, "Bùi Thanh Sơn").mentions, 1);
        assert!(v.rows.iter().all(|r| r.canonical != "Phạm Minh Chính"));
        let sel = view(
            &c,
            &EntitiesQuery {
                selected: Some(row(&v, "Bùi Thanh Sơn").id),
                ..q
            },
            || 0.0,
        )
        .selected
        .expect("selected");
        assert_eq!(sel.lines.len(), 1);
        assert!(
            sel.with.iter().all(|w| w.name != "Phạm Minh Chính"),
            "{:?}",
            sel.with
        );
        // No condition is the whole corpus.
        let all = view(&c, &EntitiesQuery::default(), || 0.0);
        assert_eq!(row(&all, "Bùi Thanh Sơn").mentions, 2);
    }

    #[test]
    fn timeline_by_month_and_exports() {
        let c = corpus(&[A, B]);
        let v = view(&c, &EntitiesQuery::default(), || 0.0);
        let get = |p: &str| {
            v.timeline
                .iter()
                .find(|b| b.period == p)
                .map(|b| b.mentions)
        };
        assert_eq!(get("2021-12"), Some(1));
        // The dateline is boilerplate, left out; "ngày 5/8" takes its year.
        assert_eq!(get("2022-08"), Some(1));
        assert_eq!(get("2022-01"), Some(0));
        assert_eq!(
            v.timeline.first().map(|b| b.period.as_str()),
            Some("2021-12")
        );
        let t = entities_table(&c, &EntitiesQuery::default());
        assert_eq!(t.rows.len(), v.total);
        let p = pairs_table(&c, PairUnit::Sentence);
        assert!(p.rows.iter().all(|r| matches!(r[4], Cell::Int(n) if n > 0)));
        let id = row(&v, "Hà Nội").id;
        assert_eq!(mentions_table(&c, id).rows.len(), 2);
    }

    #[test]
    fn highlights_point_into_their_paragraph() {
        let c = corpus(&[A]);
        let d = &c.docs()[0];
        let paras: Vec<(usize, usize)> = crate::text::segment::paragraphs(&d.text)
            .enumerate()
            .map(|(i, (r, _))| (i, r.start))
            .collect();
        let texts: Vec<&str> = crate::text::segment::paragraphs(&d.text)
            .map(|(_, p)| p)
            .collect();
        let h = highlights(&c, d, &paras);
        let got: Vec<(&str, &str)> = h[1]
            .iter()
            .map(|x| (&texts[1][x.start as usize..x.end as usize], x.kind.id()))
            .collect();
        assert!(got.contains(&("Nguyễn Phú Trọng", "PER")), "{got:?}");
        assert!(got.contains(&("Tổng Bí thư", "ROLE")), "{got:?}");
        assert!(h[2].iter().any(|x| x.canonical == "Hà Nội"));
    }
}
