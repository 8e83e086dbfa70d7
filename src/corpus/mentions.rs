//! Each document's entity mentions as the corpus keeps them, and the entities they name:
//! interned once for the corpus as (type, canonical name), with mention and document counts
//! and sentence and paragraph co-occurrences that merge and subtract like word counts.
//!
//! [`crate::entities`] finds mentions paragraph by paragraph; the corpus keeps them here as
//! compact rows pointing into the document's canonical text. Per-document counts are added
//! to the corpus totals when a document arrives and subtracted when it leaves, so nothing
//! is re-analyzed. The Entities view's questions are in [`crate::query::entities`].

use crate::corpus::counts::Freqs;
use crate::entities::{EntityType, Mention};
use rustc_hash::FxHashMap;
use std::ops::Range;

/// An entity's id within one corpus: a (type, canonical name) pair.
pub type EntityId = u32;

/// No index (a mention without a linked person or organization).
pub const NONE: u32 = u32::MAX;

/// Rows per page of the entity table and of the mention list.
pub const PAGE: usize = 50;

/// Entities a unit may pair up: a list of a hundred names is not a hundred-squared
/// relations.
const MAX_PER_UNIT: usize = 40;

/// One mention, as the corpus keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocMention {
    /// The paragraph (index among the document's paragraphs).
    pub para: u32,
    /// Byte range into the document's canonical text.
    pub start: u32,
    /// End of that range.
    pub end: u32,
    /// The entity named.
    pub entity: EntityId,
    /// Part of it came from elsewhere in the document (a year, a full name).
    pub inferred: bool,
}

/// A title's links, apart from its mention: few mentions are titles, and every mention
/// carrying two ids for them made a mention 28 bytes instead of 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleLink {
    /// The title's mention (index in the document's list).
    pub mention: u32,
    /// The person it qualifies (index in the document's list), or [`NONE`].
    pub holder: u32,
    /// The organization of the title, or [`NONE`].
    pub org: EntityId,
}

impl DocMention {
    /// Its byte range in the document's canonical text.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Co-occurrence counts: an unordered pair of entities (smaller id first) → units.
pub type Pairs = FxHashMap<(EntityId, EntityId), u64>;

/// A document's co-occurrence counts, compact (12 bytes a pair; see [`Freqs`]).
pub type DocPairs = Freqs<(EntityId, EntityId)>;

/// A document's mentions and their counts. While the document is analyzed its counts grow
/// in hash tables; [`DocEntities::finish`] folds them into the compact tables it keeps.
#[derive(Debug, Clone, Default)]
pub struct DocEntities {
    /// Every mention, in text order.
    pub mentions: Vec<DocMention>,
    /// The titles' holders and organizations, by mention.
    pub roles: Vec<RoleLink>,
    /// Mentions of each entity.
    pub counts: Freqs<EntityId>,
    /// Pairs named in the same sentence.
    pub sentence_pairs: DocPairs,
    /// Pairs named in the same paragraph.
    pub paragraph_pairs: DocPairs,
    growing: Option<Box<Growing>>,
}

/// The counts of a document being analyzed.
#[derive(Debug, Clone, Default)]
struct Growing {
    counts: FxHashMap<EntityId, u64>,
    sentence_pairs: Pairs,
    paragraph_pairs: Pairs,
}

/// Which entities pair up in the network.
pub(crate) fn networked(kind: EntityType) -> bool {
    matches!(
        kind,
        EntityType::Per | EntityType::Org | EntityType::Loc | EntityType::Event
    )
}

fn count_unit(ids: &mut Vec<EntityId>, pairs: &mut Pairs) {
    // The first entities of the unit in text order (not the lowest ids), so the pairs do
    // not depend on the order entities were interned in.
    let mut kept = 0;
    for i in 0..ids.len() {
        let id = ids[i];
        if !ids[..kept].contains(&id) {
            ids[kept] = id;
            kept += 1;
            if kept == MAX_PER_UNIT {
                break;
            }
        }
    }
    ids.truncate(kept);
    ids.sort_unstable();
    for (i, &a) in ids.iter().enumerate() {
        for &b in &ids[i + 1..] {
            *pairs.entry((a, b)).or_insert(0) += 1;
        }
    }
}

/// `kept` with `grown` added.
fn fold<K: Copy + Ord + std::hash::Hash>(kept: &Freqs<K>, grown: FxHashMap<K, u64>) -> Freqs<K> {
    Freqs::new(kept.iter().chain(grown))
}

/// `pairs` with both ids replaced by `ids[id]`, the lower one first again.
fn remap_pairs(pairs: &mut DocPairs, ids: &[EntityId]) {
    pairs.remap_with(|(a, b)| {
        let (a, b) = (*ids.get(a as usize)?, *ids.get(b as usize)?);
        Some((a.min(b), a.max(b)))
    });
}

impl DocEntities {
    /// Add paragraph `para` (starting at byte `base` of the document) with its mentions
    /// (ranges into the paragraph, as [`crate::entities::Recognizer::paragraph`] gives
    /// them) and its sentences (ranges into the paragraph).
    pub fn push_paragraph(
        &mut self,
        para: usize,
        base: usize,
        found: &[Mention],
        sentences: &[Range<usize>],
        table: &mut EntityTable,
    ) {
        let first = self.mentions.len();
        let grow = self.growing.get_or_insert_with(Box::default);
        for m in found {
            let id = table.intern(m.kind, &m.canonical, m.expansion.as_deref());
            let org = m
                .org_of_role
                .as_deref()
                .map_or(NONE, |o| table.intern(EntityType::Org, o, None));
            let holder = m
                .role_of
                .filter(|&k| k < found.len())
                .map_or(NONE, |k| (first + k) as u32);
            if holder != NONE || org != NONE {
                self.roles.push(RoleLink {
                    mention: self.mentions.len() as u32,
                    holder,
                    org,
                });
            }
            self.mentions.push(DocMention {
                para: para as u32,
                start: (base + m.range.start) as u32,
                end: (base + m.range.end) as u32,
                entity: id,
                inferred: m.inferred,
            });
            *grow.counts.entry(id).or_insert(0) += 1;
        }
        let added = &self.mentions[first..];
        let mut ids: Vec<EntityId> = Vec::new();
        for s in sentences {
            ids.clear();
            ids.extend(
                added
                    .iter()
                    .filter(|m| {
                        let at = m.start as usize - base;
                        s.start <= at && at < s.end && networked(table.kind(m.entity))
                    })
                    .map(|m| m.entity),
            );
            count_unit(&mut ids, &mut grow.sentence_pairs);
        }
        ids.clear();
        ids.extend(
            added
                .iter()
                .filter(|m| networked(table.kind(m.entity)))
                .map(|m| m.entity),
        );
        count_unit(&mut ids, &mut grow.paragraph_pairs);
    }

    /// Replace every entity id `e` by `ids[e]` (a document's own ids by the corpus's).
    pub fn remap(&mut self, ids: &[EntityId]) {
        let map = |e: EntityId| {
            if e == NONE {
                NONE
            } else {
                ids.get(e as usize).copied().unwrap_or(NONE)
            }
        };
        for m in &mut self.mentions {
            m.entity = map(m.entity);
        }
        for r in &mut self.roles {
            r.org = map(r.org);
        }
        self.finish();
        self.counts.remap_with(|e| Some(map(e)));
        remap_pairs(&mut self.sentence_pairs, ids);
        remap_pairs(&mut self.paragraph_pairs, ids);
    }

    /// Fold the counts of the analysis into the compact tables (a document analyzed further
    /// afterwards grows new ones, folded in at its next finish).
    pub fn finish(&mut self) {
        if let Some(g) = self.growing.take() {
            self.counts = fold(&self.counts, g.counts);
            self.sentence_pairs = fold(&self.sentence_pairs, g.sentence_pairs);
            self.paragraph_pairs = fold(&self.paragraph_pairs, g.paragraph_pairs);
        }
    }

    /// Counts are still growing (not [`Self::finish`]ed); for [`crate::corpus::pack`],
    /// which writes only the compact tables.
    pub(crate) fn is_growing(&self) -> bool {
        self.growing.is_some()
    }

    /// Drop spare capacity once the document is complete.
    pub fn shrink(&mut self) {
        self.finish();
        self.mentions.shrink_to_fit();
        self.roles.shrink_to_fit();
    }

    /// Bytes held, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.mentions.capacity() * std::mem::size_of::<DocMention>()
            + self.roles.capacity() * std::mem::size_of::<RoleLink>()
            + self.counts.heap_bytes()
            + self.sentence_pairs.heap_bytes()
            + self.paragraph_pairs.heap_bytes()
    }
}

/// What an entity is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityInfo {
    /// Its type.
    pub kind: EntityType,
    /// The name its variants share.
    pub canonical: String,
    /// An acronym's expansion, the first one seen.
    pub expansion: Option<String>,
}

/// The corpus's entities: interned (type, canonical) pairs and merged counts.
#[derive(Debug, Default)]
pub struct EntityTable {
    /// Canonical name → the entities of that name, one per type.
    ids: FxHashMap<Box<str>, Vec<(EntityType, EntityId)>>,
    /// Each entity's type and canonical name (index: id).
    pub(crate) info: Vec<EntityInfo>,
    /// Mentions of each entity over the corpus (index: id).
    pub mentions: Vec<u64>,
    /// Documents naming each entity (index: id).
    pub docs: Vec<u64>,
    /// Pairs named in one sentence, over the corpus.
    pub sentence_pairs: Pairs,
    /// Pairs named in one paragraph, over the corpus.
    pub paragraph_pairs: Pairs,
}

impl EntityTable {
    /// The id of (kind, canonical), adding it if new.
    pub fn intern(
        &mut self,
        kind: EntityType,
        canonical: &str,
        expansion: Option<&str>,
    ) -> EntityId {
        if let Some(id) = self.get(kind, canonical) {
            let info = &mut self.info[id as usize];
            if info.expansion.is_none() {
                info.expansion = expansion.map(str::to_owned);
            }
            return id;
        }
        let id = self.info.len() as EntityId;
        match self.ids.get_mut(canonical) {
            Some(v) => v.push((kind, id)),
            None => {
                self.ids.insert(canonical.into(), vec![(kind, id)]);
            }
        }
        self.info.push(EntityInfo {
            kind,
            canonical: canonical.to_owned(),
            expansion: expansion.map(str::to_owned),
        });
        self.mentions.push(0);
        self.docs.push(0);
        id
    }

    /// The table of `info` and its counts (for [`crate::corpus::pack`]): the name lookup is
    /// rebuilt. Refused when two entities share a type and a name (the lookup would
    /// find one of them only), when the counts are not one per entity, or when a pair
    /// names an entity that is not there.
    pub(crate) fn from_parts(
        info: Vec<EntityInfo>,
        mentions: Vec<u64>,
        docs: Vec<u64>,
        sentence_pairs: Pairs,
        paragraph_pairs: Pairs,
    ) -> Result<EntityTable, &'static str> {
        let n = info.len();
        if mentions.len() != n || docs.len() != n {
            return Err("entity counts are not one per entity");
        }
        let known = |&(a, b): &(EntityId, EntityId)| (a as usize) < n && (b as usize) < n;
        if !sentence_pairs.keys().all(known) || !paragraph_pairs.keys().all(known) {
            return Err("entity pair out of range");
        }
        let mut ids: FxHashMap<Box<str>, Vec<(EntityType, EntityId)>> = FxHashMap::default();
        for (id, e) in info.iter().enumerate() {
            let of_name = ids.entry(e.canonical.as_str().into()).or_default();
            if of_name.iter().any(|x| x.0 == e.kind) {
                return Err("entity given twice");
            }
            of_name.push((e.kind, id as EntityId));
        }
        Ok(EntityTable {
            ids,
            info,
            mentions,
            docs,
            sentence_pairs,
            paragraph_pairs,
        })
    }

    /// The id of (kind, canonical), if interned.
    pub fn get(&self, kind: EntityType, canonical: &str) -> Option<EntityId> {
        self.ids
            .get(canonical)?
            .iter()
            .find(|x| x.0 == kind)
            .map(|x| x.1)
    }

    /// What entity `id` is.
    pub fn info(&self, id: EntityId) -> Option<&EntityInfo> {
        self.info.get(id as usize)
    }

    /// The type of entity `id` (PER for an unknown id).
    pub fn kind(&self, id: EntityId) -> EntityType {
        self.info
            .get(id as usize)
            .map_or(EntityType::Per, |i| i.kind)
    }

    /// How many entities were ever interned.
    pub fn len(&self) -> usize {
        self.info.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    /// Add a document's counts.
    pub fn merge(&mut self, d: &DocEntities) {
        for (id, n) in d.counts.iter() {
            self.mentions[id as usize] += n;
            self.docs[id as usize] += 1;
        }
        for (k, v) in d.sentence_pairs.iter() {
            *self.sentence_pairs.entry(k).or_insert(0) += v;
        }
        for (k, v) in d.paragraph_pairs.iter() {
            *self.paragraph_pairs.entry(k).or_insert(0) += v;
        }
    }

    /// Take a document's counts out again.
    pub fn subtract(&mut self, d: &DocEntities) {
        for (id, n) in d.counts.iter() {
            let m = &mut self.mentions[id as usize];
            *m = m.saturating_sub(n);
            let k = &mut self.docs[id as usize];
            *k = k.saturating_sub(1);
        }
        for (pairs, own) in [
            (&mut self.sentence_pairs, &d.sentence_pairs),
            (&mut self.paragraph_pairs, &d.paragraph_pairs),
        ] {
            for (k, v) in own.iter() {
                if let Some(n) = pairs.get_mut(&k) {
                    *n = n.saturating_sub(v);
                    if *n == 0 {
                        pairs.remove(&k);
                    }
                }
            }
        }
    }

    /// Bytes held, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.names_bytes() + (self.sentence_pairs.capacity() + self.paragraph_pairs.capacity()) * 20
    }

    /// Bytes the names and their lookup hold, roughly (all but the pairs).
    pub fn names_bytes(&self) -> usize {
        self.info
            .iter()
            .map(|i| 2 * i.canonical.len() + 80)
            .sum::<usize>()
    }
}
