//! The gazetteers: phrase tables keyed by lower-case tokens, built from the embedded lists
//! (`src/data/entities/`) and the user's entries.
//!
//! Every name goes through [`crate::text::normalize::normalize`] and [`crate::text::token::tokenize`],
//! exactly as the text it is matched against does, so "Hoà Bình" in a list finds "Hòa Bình"
//! in a text. Matching ignores case except that a token capitalized in the list must be
//! capitalized in the text ("Liên hợp quốc" in the list finds "Liên Hợp Quốc"; "Thanh Niên"
//! does not find "thanh niên").

use super::toks::{phrase_step, token_hash, Toks};
use super::EntityType;
use rustc_hash::{FxHashMap, FxHashSet};

const COUNTRIES: &str = include_str!("../data/entities/countries.txt");
const WORLD_PLACES: &str = include_str!("../data/entities/world-places.txt");
const PROVINCES_2025: &str = include_str!("../data/entities/provinces-2025.txt");
const ADMIN_UNITS: &str = include_str!("../data/entities/admin-units.tsv");
const ORGANIZATIONS: &str = include_str!("../data/entities/organizations.tsv");
const EVENTS: &str = include_str!("../data/entities/events.txt");
const SURNAMES: &str = include_str!("../data/entities/surnames.txt");
const ROLES: &str = include_str!("../data/entities/roles.txt");
const HONORIFICS: &str = include_str!("../data/entities/honorifics.txt");
const ORG_HEADS: &str = include_str!("../data/entities/org-heads.txt");
const PLACE_HEADS: &str = include_str!("../data/entities/place-heads.txt");
const FOREIGN_NAMES: &str = include_str!("../data/entities/foreign-names.txt");

/// One phrase of a table.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub kind: EntityType,
    pub canonical: Box<str>,
    /// Bit k: token k must be capitalized in the text.
    pub caps: u32,
    /// A name that is also a common word or given name ("Anh"): only inside a sentence and
    /// not before another capitalized token. For place heads: the head takes a number.
    pub flag: bool,
    /// From the user: wins over the rules.
    pub user: bool,
}

/// Phrases keyed by their lower-case tokens joined by single spaces. The maps are keyed by
/// hashes of the tokens ([`phrase_key`]), which the paragraph's tokens carry, so a lookup
/// hashes no string; a hit is checked against the phrase itself.
#[derive(Debug, Default)]
pub(crate) struct Phrases {
    map: FxHashMap<u64, (Box<str>, Entry)>,
    /// Longest phrase (in tokens) starting with each first token (by its hash).
    first: FxHashMap<u64, u8>,
}

/// The map key of a phrase (lower-case tokens joined by single spaces).
fn phrase_key(key: &str) -> u64 {
    key.split(' ')
        .fold(0, |h, t| phrase_step(h, token_hash(t.as_bytes())))
}

fn lower(s: &str) -> String {
    s.chars().map(crate::text::syllable::to_lower).collect()
}

/// Tokens of a normalized name: (lower-case key, caps mask, token count, normalized name).
fn key_of(name: &str) -> Option<(String, u32, usize, String)> {
    let norm = crate::text::normalize::normalize(name.trim());
    let mut toks = Vec::new();
    crate::text::token::tokenize(&norm, &mut toks);
    if toks.is_empty() || toks.len() > 16 {
        return None;
    }
    let mut key = String::new();
    let mut caps = 0u32;
    for (k, t) in toks.iter().enumerate() {
        let s = norm.get(t.range.clone())?;
        if k > 0 {
            key.push(' ');
        }
        key.push_str(&lower(s));
        if s.chars().next().is_some_and(char::is_uppercase) {
            caps |= 1 << k;
        }
    }
    Some((key, caps, toks.len(), norm))
}

impl Phrases {
    /// Add `name`; an existing entry keeps its type and canonical unless `user`, and the
    /// capitalization required becomes the looser of the two.
    pub fn add(
        &mut self,
        name: &str,
        canonical: Option<&str>,
        kind: EntityType,
        flag: bool,
        user: bool,
    ) {
        let Some((key, caps, n, norm)) = key_of(name) else {
            return;
        };
        let canonical: Box<str> = match canonical {
            Some(c) => crate::text::normalize::normalize(c.trim()).into(),
            None => norm.into(),
        };
        let first = token_hash(key.split(' ').next().unwrap_or_default().as_bytes());
        let n = n.min(u8::MAX as usize) as u8;
        let len = self.first.entry(first).or_insert(0);
        *len = (*len).max(n);
        match self.map.get_mut(&phrase_key(&key)) {
            // Another phrase with the same hash (never seen): the first one stays.
            Some((k, _)) if **k != *key => {}
            Some((_, e)) if !user || e.user => e.caps &= caps,
            _ => {
                self.map.insert(
                    phrase_key(&key),
                    (
                        key.into(),
                        Entry {
                            kind,
                            canonical,
                            caps,
                            flag,
                            user,
                        },
                    ),
                );
            }
        }
    }

    /// The longest phrase at token `i` that ends by `limit`, as (token count, entry).
    /// `boundaries`: it must start and end at word boundaries.
    pub fn longest<'a>(
        &'a self,
        t: &Toks,
        i: usize,
        limit: usize,
        boundaries: bool,
    ) -> Option<(usize, &'a Entry)> {
        let max = *self.first.get(&t.hash(i))? as usize;
        if boundaries && !t.word_start(i) {
            return None;
        }
        let mut h = 0;
        let mut best = None;
        for n in 1..=max {
            let j = i + n - 1;
            if j >= limit {
                break;
            }
            h = phrase_step(h, t.hash(j));
            if let Some((key, e)) = self.map.get(&h) {
                let caps_ok = (0..n).all(|k| e.caps & (1 << k) == 0 || t.cap(i + k));
                if caps_ok
                    && (!boundaries || t.word_start(j + 1) || j + 1 >= limit)
                    && key.split(' ').eq((i..=j).map(|k| t.low(k)))
                {
                    best = Some((n, e));
                }
            }
        }
        best
    }

    /// Every phrase as (lower-case key, entry), in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.map.values().map(|(k, e)| (&**k, e))
    }

    /// Is `key` (lower-case tokens joined by spaces) a phrase?
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.map
            .get(&phrase_key(key))
            .filter(|(k, _)| **k == *key)
            .map(|(_, e)| e)
    }
}

/// Every table the rules use.
#[derive(Debug, Default)]
pub(crate) struct Gazetteers {
    /// Known names: places, organizations, events, the user's persons.
    pub names: Phrases,
    pub roles: Phrases,
    pub honorifics: Phrases,
    pub org_heads: Phrases,
    pub place_heads: Phrases,
    /// Surnames as written ("Nguyễn").
    pub surnames: FxHashSet<Box<str>>,
    /// Foreign given names as written ("George").
    pub foreign_first: FxHashSet<Box<str>>,
    /// Common multi-syllable words (the segmenter's lexicon, lower case): a capitalized run
    /// that is one of them ("Nhà nước", "Công ty") is not a name by itself.
    pub vocab: FxHashSet<&'static str>,
    /// Countries and provinces as written: in sports news they also name teams.
    pub teams: FxHashSet<Box<str>>,
}

/// Data lines of a list: trimmed, without blanks and `#` comments.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

/// A user entry that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntryError {
    /// 1-based line number.
    pub line: usize,
    /// The line.
    pub text: String,
}

impl std::fmt::Display for UserEntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: expected 'TYPE name' (TYPE one of PER, ORG, LOC, EVENT…), got '{}'",
            self.line, self.text
        )
    }
}

impl Gazetteers {
    pub fn embedded() -> Gazetteers {
        let mut g = Gazetteers::default();
        for text in [COUNTRIES, WORLD_PLACES, PROVINCES_2025] {
            for l in lines(text) {
                let (flag, l) = match l.strip_prefix('?') {
                    Some(rest) => (true, rest),
                    None => (false, l),
                };
                let mut parts = l.split('\t');
                let name = parts.next().unwrap_or_default();
                if text != WORLD_PLACES {
                    g.teams.insert(name.into());
                }
                g.names
                    .add(name, parts.next(), EntityType::Loc, flag, false);
            }
        }
        for l in lines(ADMIN_UNITS) {
            if let Some(name) = l.split('\t').nth(1) {
                g.names.add(name, None, EntityType::Loc, false, false);
            }
        }
        for l in lines(ORGANIZATIONS) {
            let mut parts = l.split('\t');
            let name = parts.next().unwrap_or_default();
            g.names
                .add(name, parts.next(), EntityType::Org, false, false);
        }
        for l in lines(EVENTS) {
            let mut parts = l.split('\t');
            let name = parts.next().unwrap_or_default();
            g.names
                .add(name, parts.next(), EntityType::Event, false, false);
        }
        for l in lines(ROLES) {
            g.roles.add(l.trim(), None, EntityType::Role, false, false);
        }
        for l in lines(HONORIFICS) {
            g.honorifics
                .add(l.trim(), None, EntityType::Per, false, false);
        }
        for l in lines(ORG_HEADS) {
            let l = l.trim();
            match l.strip_prefix('~') {
                // Lower case allowed: no capital required.
                Some(rest) => g
                    .org_heads
                    .add(&lower(rest), None, EntityType::Org, false, false),
                None => g.org_heads.add(l, None, EntityType::Org, false, false),
            }
        }
        for l in lines(PLACE_HEADS) {
            let l = l.trim();
            let (num, name) = match l.strip_suffix(" #") {
                Some(n) => (true, n),
                None => (false, l),
            };
            g.place_heads.add(name, None, EntityType::Loc, num, false);
        }
        g.surnames = lines(SURNAMES)
            .map(|l| crate::text::normalize::normalize(l.trim()).into())
            .collect();
        g.foreign_first = lines(FOREIGN_NAMES).map(|l| l.trim().into()).collect();
        g.vocab = crate::wordseg::vnvocab_entries().collect();
        g
    }

    /// Add user lines (`TYPE name[<TAB>canonical]`); returns the lines that were not used.
    pub fn add_user(&mut self, text: &str) -> Vec<UserEntryError> {
        let mut errors = Vec::new();
        for (k, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let parsed = l.split_once(char::is_whitespace).and_then(|(ty, rest)| {
                let kind = EntityType::from_id(ty)?;
                let mut parts = rest.trim().split('\t');
                let name = parts.next()?.trim();
                (!name.is_empty()).then_some((kind, name, parts.next()))
            });
            match parsed {
                Some((kind, name, canonical)) => {
                    // User names match in any case only from their second token on.
                    self.names.add(name, canonical, kind, false, true);
                }
                None => errors.push(UserEntryError {
                    line: k + 1,
                    text: l.to_owned(),
                }),
            }
        }
        errors
    }
}
