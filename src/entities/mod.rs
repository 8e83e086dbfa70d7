//! Named entities: who, which organization, where, when — with canonical names and links.
//!
//! Rules and gazetteers over the tokens and words of canonical text, no model download:
//!
//! - gazetteers written for Soi (`src/data/entities/`: countries, world places, the 34
//!   provinces of 2025, surnames, role titles, honorifics, organization and place heads,
//!   well-known organizations and events) plus Vietnam's provinces and districts derived from
//!   an MIT data set; users add their own entries ([`Recognizer::with_user_entries`]);
//! - patterns over capitalization and context: a head noun starts an organization ("Bộ Ngoại
//!   giao", "trường Đại học Bách khoa Hà Nội"), a lower-case place head starts a place ("tỉnh
//!   Quảng Ninh", "quận 1"), a title or honorific starts a person and links a role to it
//!   ("Bộ trưởng Bộ Ngoại giao Bùi Thanh Sơn"), a known surname followed by capitalized
//!   syllables is a person, and the first word of a sentence is never evidence by its capital
//!   alone;
//! - dates, numbers, percentages, money and quantities from the tokens' shapes, with ISO dates;
//! - a per-document [`DocMemory`]: full names seen earlier ("ông Trọng" → "Nguyễn Phú
//!   Trọng"), acronyms defined in the text ("Ủy ban nhân dân (UBND)"), names of organizations
//!   seen with their head ("Công ty Duy Lợi" → later "Duy Lợi").
//!
//! - a learned layer over the rules (`model.rs`, trained by `train.rs` on ner-train): a
//!   sequence labeller that reads the rules' proposals among its features and decides PER,
//!   ORG, LOC and DATE; the rules keep the other types, canonical names, role links and ISO
//!   dates (the embedded model is `src/data/entities.model`).
//!
//! Invariants: mentions of one paragraph are sorted by start and never overlap; every range
//! is on character boundaries of the paragraph; no input makes it panic. The engine does no
//! IO and knows nothing of the wire format.

mod dates;
mod gazetteer;
mod model;
mod scan;
mod toks;
mod train;
pub mod year;

use crate::words::{words_into, Scratch, UserDict, Word};
use crate::wordseg::Segmenter;
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

pub use gazetteer::UserEntryError;
pub use model::{EntityModel, ModelError};
pub use train::{
    cross_validate, cross_validate_each, evaluate, train, Coverage, NerScores, TrainOptions,
    TrainPara,
};

/// The embedded entity model (`src/data/entities.model`, trained on ner-train by
/// `train-entities`; see `src/data/README.md`).
pub const MODEL: &[u8] = include_bytes!("../data/entities.model");

/// The embedded model, read once; `None` only if the file does not load (then the rules
/// alone answer).
fn embedded_model() -> Option<Arc<EntityModel>> {
    static M: OnceLock<Option<Arc<EntityModel>>> = OnceLock::new();
    M.get_or_init(|| EntityModel::from_bytes(MODEL).ok().map(Arc::new))
        .clone()
}

/// What kind of entity a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    /// A person.
    Per,
    /// An organization.
    Org,
    /// A place.
    Loc,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A number.
    Number,
    /// A percentage.
    Percent,
    /// An amount of money.
    Money,
    /// A number with a unit or counted noun ("114 nước").
    Quantity,
    /// A congress, conference, tournament.
    Event,
    /// A title or position qualifying a person.
    Role,
    /// An acronym that is not an organization (its expansion in [`Mention::expansion`]).
    Acronym,
}

impl EntityType {
    /// Every type, in display order.
    pub const ALL: [EntityType; 12] = [
        EntityType::Per,
        EntityType::Org,
        EntityType::Loc,
        EntityType::Date,
        EntityType::Time,
        EntityType::Number,
        EntityType::Percent,
        EntityType::Money,
        EntityType::Quantity,
        EntityType::Event,
        EntityType::Role,
        EntityType::Acronym,
    ];

    /// The stable identifier: "PER", "ORG", "LOC", "DATE", …
    pub fn id(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Date => "DATE",
            EntityType::Time => "TIME",
            EntityType::Number => "NUMBER",
            EntityType::Percent => "PERCENT",
            EntityType::Money => "MONEY",
            EntityType::Quantity => "QUANTITY",
            EntityType::Event => "EVENT",
            EntityType::Role => "ROLE",
            EntityType::Acronym => "ACRONYM",
        }
    }

    /// The type of identifier `id` (as [`EntityType::id`] gives it, any case).
    pub fn from_id(id: &str) -> Option<EntityType> {
        EntityType::ALL
            .into_iter()
            .find(|t| t.id().eq_ignore_ascii_case(id))
    }
}

/// One mention of an entity in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range into the paragraph text given.
    pub range: Range<usize>,
    /// Its type.
    pub kind: EntityType,
    /// The name that groups its variants ("Đại hội XIII", "Liên Hợp Quốc", "Nguyễn Phú
    /// Trọng" for "Trọng").
    pub canonical: String,
    /// DATE: the ISO form of the known parts ("2021-12-14", "2022-09", "2021").
    pub iso: Option<String>,
    /// Part of it was not in the text: a DATE's year from the document, a PER's full name
    /// from an earlier mention.
    pub inferred: bool,
    /// ROLE: the index (in the same paragraph's list) of the PER mention it qualifies.
    pub role_of: Option<usize>,
    /// ROLE: the organization the title belongs to ("Bộ Ngoại giao" in "Bộ trưởng Bộ Ngoại
    /// giao").
    pub org_of_role: Option<String>,
    /// An acronym's expansion ("UBND" → "Ủy ban nhân dân"), from the text or the built-in
    /// list.
    pub expansion: Option<String>,
}

impl Mention {
    fn new(range: Range<usize>, kind: EntityType, canonical: String) -> Mention {
        Mention {
            range,
            kind,
            canonical,
            iso: None,
            inferred: false,
            role_of: None,
            org_of_role: None,
            expansion: None,
        }
    }
}

/// What a document has said so far, for the mentions after it.
#[derive(Debug, Default, Clone)]
pub struct DocMemory {
    /// Short forms of persons named in full: "Trọng", "Phú Trọng", "Merkel" → full name.
    persons: FxHashMap<String, String>,
    /// Acronyms defined in the text ("Ủy ban nhân dân (UBND)"): acronym → expansion.
    acronyms: FxHashMap<String, String>,
    /// Names seen after an organization head ("Duy Lợi" in "Công ty Duy Lợi") → canonical.
    orgs: FxHashMap<String, String>,
    /// The document's year, given or seen last in an explicit date.
    year: Option<i32>,
    year_given: bool,
    scratch: toks::Scratch,
    /// What the entity model remembers of the document, and its buffers.
    model: model::Memory,
}

impl DocMemory {
    /// An empty memory, for a new document.
    pub fn new() -> DocMemory {
        DocMemory::default()
    }

    /// A memory for a document dated in `year` (dates without a year take it, inferred).
    pub fn with_year(year: i32) -> DocMemory {
        DocMemory {
            year: Some(year),
            year_given: true,
            ..DocMemory::default()
        }
    }

    /// Forget the document (keep the buffers).
    pub fn clear(&mut self) {
        self.persons.clear();
        self.acronyms.clear();
        self.orgs.clear();
        self.model.clear();
        self.year = None;
        self.year_given = false;
    }

    /// The full name a short form refers to, if one was seen.
    pub fn person(&self, short: &str) -> Option<&str> {
        self.persons.get(short).map(String::as_str)
    }

    /// An acronym's expansion, if the document defined it.
    pub fn acronym(&self, acronym: &str) -> Option<&str> {
        self.acronyms.get(acronym).map(String::as_str)
    }
}

/// The entity recognizer: gazetteers and rules, and the learned model over them.
#[derive(Debug)]
pub struct Recognizer {
    gaz: gazetteer::Gazetteers,
    /// The gazetteers as the model's features read them.
    index: model::GazIndex,
    model: Option<Arc<EntityModel>>,
}

impl Recognizer {
    /// The recognizer built from the embedded data (built once, on first use).
    pub fn embedded() -> &'static Recognizer {
        static R: OnceLock<Recognizer> = OnceLock::new();
        R.get_or_init(|| Recognizer::new(gazetteer::Gazetteers::embedded(), embedded_model()))
    }

    /// The rules and gazetteers alone, without the model (what the model is trained over).
    pub fn rules_only() -> &'static Recognizer {
        static R: OnceLock<Recognizer> = OnceLock::new();
        R.get_or_init(|| Recognizer::with_model(None))
    }

    /// The embedded gazetteers and rules with `model` over them (or none).
    pub fn with_model(model: Option<EntityModel>) -> Recognizer {
        Recognizer::new(gazetteer::Gazetteers::embedded(), model.map(Arc::new))
    }

    fn new(gaz: gazetteer::Gazetteers, model: Option<Arc<EntityModel>>) -> Recognizer {
        Recognizer {
            index: model::GazIndex::new(&gaz),
            gaz,
            model,
        }
    }

    /// The model this recognizer runs over its rules, if any.
    pub fn model(&self) -> Option<&EntityModel> {
        self.model.as_deref()
    }

    /// The embedded recognizer plus user gazetteer entries, one a line: `PER Nguyễn Văn A`,
    /// `ORG Công ty Sữa Việt Nam`, `LOC Phố cổ` (a type id, then the name; an optional
    /// `<TAB>canonical` after the name). Blank lines and `#` comments are skipped; bad lines
    /// are returned as errors and left out, the rest is used.
    pub fn with_user_entries(lines: &str) -> (Recognizer, Vec<UserEntryError>) {
        let mut gaz = gazetteer::Gazetteers::embedded();
        let errors = gaz.add_user(lines);
        (Recognizer::new(gaz, embedded_model()), errors)
    }

    /// The mentions of one paragraph of canonical (normalized) text, given its words from
    /// [`words_into`], appended to `out` (cleared first). Indices in [`Mention::role_of`]
    /// are into `out`.
    pub fn paragraph(
        &self,
        text: &str,
        words: &[Word],
        memory: &mut DocMemory,
        out: &mut Vec<Mention>,
    ) {
        out.clear();
        scan::paragraph(self, text, words, memory, out);
        if let Some(m) = &self.model {
            model::apply(m, &self.gaz, &self.index, text, words, memory, out);
        }
    }

    /// Every mention in `text` (canonical text, any number of paragraphs), as one document.
    /// Ranges are bytes into `text`. Runs word segmentation itself; normalizes nothing.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        let mut memory = DocMemory::new();
        let mut scratch = Scratch::default();
        let mut words = Vec::new();
        let mut one = Vec::new();
        let mut all = Vec::new();
        for (range, para) in crate::text::segment::paragraphs(text) {
            words_into(
                para,
                Segmenter::embedded(),
                &UserDict::default(),
                &mut scratch,
                &mut words,
            );
            self.paragraph(para, &words, &mut memory, &mut one);
            let base = all.len();
            all.extend(one.drain(..).map(|mut m| {
                m.range = m.range.start + range.start..m.range.end + range.start;
                m.role_of = m.role_of.map(|k| k + base);
                m
            }));
        }
        all
    }
}

/// An entity as co-occurrences count it: its type and canonical name.
pub type EntityKey = (EntityType, String);

/// Co-occurrence counts of canonical entities: how many units (sentences or paragraphs)
/// each unordered pair appears in together. Mergeable: add the counts of two corpora.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cooccurrences {
    /// (a, b) with a < b as (type, canonical) → number of units with both.
    pub pairs: FxHashMap<(EntityKey, EntityKey), u64>,
}

impl Cooccurrences {
    /// Count one unit's mentions (each pair once per unit, however often it repeats).
    /// Numbers, roles and other non-name types are left out.
    pub fn add_unit(&mut self, mentions: &[Mention]) {
        let mut keys: Vec<(EntityType, &str)> = mentions
            .iter()
            .filter(|m| {
                matches!(
                    m.kind,
                    EntityType::Per | EntityType::Org | EntityType::Loc | EntityType::Event
                )
            })
            .map(|m| (m.kind, m.canonical.as_str()))
            .collect();
        keys.sort();
        keys.dedup();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                *self
                    .pairs
                    .entry(((a.0, a.1.to_owned()), (b.0, b.1.to_owned())))
                    .or_insert(0) += 1;
            }
        }
    }

    /// Add `other`'s counts.
    pub fn merge(&mut self, other: &Cooccurrences) {
        for (k, v) in &other.pairs {
            *self.pairs.entry(k.clone()).or_insert(0) += v;
        }
    }

    /// The pairs, most frequent first (ties by name).
    pub fn sorted(&self) -> Vec<(&EntityKey, &EntityKey, u64)> {
        let mut v: Vec<_> = self.pairs.iter().map(|((a, b), &n)| (a, b, n)).collect();
        v.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| (x.0, x.1).cmp(&(y.0, y.1))));
        v
    }
}

/// Co-occurrences over units of mentions (one slice per sentence or paragraph).
pub fn cooccurrences<'a>(units: impl IntoIterator<Item = &'a [Mention]>) -> Cooccurrences {
    let mut c = Cooccurrences::default();
    for u in units {
        c.add_unit(u);
    }
    c
}

#[cfg(test)]
mod tests;
