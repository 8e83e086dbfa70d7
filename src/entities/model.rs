//! The learned entity layer: a linear-chain sequence labeller over a paragraph's tokens
//! (BIO tags for PER, ORG, LOC, DATE) whose features include the word each token is in,
//! the gazetteers and what the rules proposed (stacking), and the merge of its spans with
//! the rules' mentions.
//!
//! Tokens, not words, are the units because the segmenter may join a place and a name into
//! one word ("Mỹ John Kerry"); the word is a feature. Features are hashed into a fixed table
//! of weight rows (one weight per tag), so the model stores no strings and its size is fixed
//! by its `bits`; training keeps only features seen often enough (`train.rs`), so most rows
//! are zero and the file lists only the others. Only tokens near a capitalized word or a
//! number, or near a rules' mention, are labelled ([`token_windows`]); every other token is
//! outside any entity, which keeps the cost per paragraph small — the guidelines' entities
//! all contain a capitalized word or a number.
//!
//! The format, integers little-endian, `v` a LEB128 varint, `str` a `v` length + UTF-8:
//!
//! ```text
//! "SOI-ENTM" u32 version
//! str header                  source, licence, training options (free text)
//! u8 bits                     the table has 2^bits rows of LABELS weights
//! u8 owned                    bit k: the model decides type TYPES[k]
//! i16 × LABELS²               transitions (previous tag × tag)
//! v count, per nonzero row: v index delta, u16 mask of nonzero weights, i16 per set bit
//! u64 checksum                FNV-1a of everything before
//! ```

use super::gazetteer::Gazetteers;
use super::toks::Tok;
use super::{DocMemory, EntityType, Mention};
use crate::text::token::TokenKind;
use crate::words::Word;
use rustc_hash::FxHashMap;
use std::fmt;
use std::ops::Range;

/// The types the model labels, in tag order.
pub(crate) const TYPES: [EntityType; 4] = [
    EntityType::Per,
    EntityType::Org,
    EntityType::Loc,
    EntityType::Date,
];
/// O, then B and I of each type.
pub(crate) const LABELS: usize = 1 + 2 * TYPES.len();
const MAGIC: &[u8; 8] = b"SOI-ENTM";
/// Bump on any change to the format or to the features (a model only works with the feature
/// code it was trained with).
const VERSION: u32 = 3;

/// The tag of `label`: its type and whether it begins a span (None for O).
pub(crate) fn tag(label: usize) -> Option<(EntityType, bool)> {
    let k = label.checked_sub(1)?;
    Some((*TYPES.get(k / 2)?, k % 2 == 0))
}

fn type_index(kind: EntityType) -> Option<usize> {
    TYPES.iter().position(|&t| t == kind)
}

/// May tag `b` follow tag `a`? An I only continues a B or I of its own type.
pub(crate) fn allowed(a: usize, b: usize) -> bool {
    match tag(b) {
        Some((t, false)) => tag(a).is_some_and(|(u, _)| u == t),
        _ => true,
    }
}

/// A fast hash of a short string, eight bytes at a time: the keys of words and phrases.
fn hash(bytes: &[u8]) -> u64 {
    let h = super::toks::mix_bytes(bytes, bytes.len() as u64);
    h ^ (h >> 31)
}

fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(23) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// What the features read of one word, computed once per paragraph.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WInfo {
    /// Hashes of the lower-case word, the word as written, its first and last syllables.
    lo: u64,
    form: u64,
    first: u64,
    last: u64,
    /// Its tokens' shapes, one byte each (the first four), e.g. "Xx" for "Ngoại giao".
    shape: u32,
    syllables: u8,
    /// Gazetteer hits ([`gaz_bits`]) of its word, and of itself shifted by 11.
    gaz: u32,
    /// The rules' tag: 0 none, else 1 + 2 × type + (0 begins, 1 continues).
    rule: u8,
    /// What the document says of the same word elsewhere ([`Memory`]).
    mem: u8,
    sent_first: bool,
    cap_inside: bool,
    /// Capitalized or a number: a window of words around it is labelled.
    trigger: bool,
    /// The run of capitalized words it is in: 0 none, 1 its first word, 2 a later one.
    run_pos: u8,
    run_len: u8,
    /// Hashes of the run's first word, of the word before the run and of the one after it.
    run_head: u64,
    run_prev: u64,
    run_next: u64,
    /// The rules' mention ends with this word.
    rule_last: bool,
    /// The nearest head before it in the sentence (an organization or place head, a role,
    /// an honorific) with no punctuation between: its hash mixed with the distance.
    head_before: u64,
    /// It is the first token of its word.
    word_first: bool,
    /// Hash of the token's last three letters (lower case), for foreign words.
    suffix: u64,
    /// Letters in the token, at most 7.
    letters: u8,
    /// The paragraph is sports news.
    sports: bool,
}

const BOUNDARY: WInfo = WInfo {
    lo: 1,
    form: 1,
    first: 1,
    last: 1,
    shape: 1,
    syllables: 0,
    gaz: 0,
    rule: 0,
    mem: 0,
    sent_first: false,
    cap_inside: false,
    trigger: false,
    run_pos: 0,
    run_len: 0,
    run_head: 0,
    run_prev: 0,
    run_next: 0,
    rule_last: false,
    head_before: 0,
    word_first: false,
    suffix: 0,
    letters: 0,
    sports: false,
};

fn shape_byte(t: &Tok, s: &str) -> u8 {
    match t.kind {
        TokenKind::Syllable if t.cap => b'X',
        TokenKind::Syllable => b'x',
        TokenKind::Foreign if t.cap => b'F',
        TokenKind::Foreign => b'f',
        TokenKind::Acronym => b'A',
        TokenKind::Number => b'9',
        TokenKind::DateTime => b'D',
        TokenKind::Percent | TokenKind::Money => b'%',
        TokenKind::Url | TokenKind::Email => b'@',
        // Punctuation as itself: "(" and "-" and "." say different things.
        TokenKind::Punct => s.bytes().next().filter(u8::is_ascii).unwrap_or(b'p'),
        TokenKind::Symbol => b'$',
    }
}

/// The gazetteers as the model reads them: for each lower-case phrase (by its hash), bits
/// saying it is a known name of each type (LOC 1, ORG 2, PER 4, other 8), a role (16), an
/// honorific (32), an organization head (64), a place head (128); for each word as written, a surname (256) or a foreign given name
/// (512). One integer-keyed lookup per word instead of one string lookup per table; the
/// lexicon's common words are left out, the word itself says as much and the table stays
/// small enough to stay in cache.
#[derive(Debug, Default)]
pub(crate) struct GazIndex {
    phrases: FxHashMap<u64, u16>,
    written: FxHashMap<u64, u16>,
}

impl GazIndex {
    pub(crate) fn new(g: &Gazetteers) -> GazIndex {
        let mut x = GazIndex::default();
        let mut add =
            |key: &str, bit: u16| *x.phrases.entry(hash(key.as_bytes())).or_insert(0) |= bit;
        for (k, e) in g.names.entries() {
            add(
                k,
                match e.kind {
                    EntityType::Loc => 1,
                    EntityType::Org => 2,
                    EntityType::Per => 4,
                    _ => 8,
                },
            );
        }
        for (table, bit) in [
            (&g.roles, 16),
            (&g.honorifics, 32),
            (&g.org_heads, 64),
            (&g.place_heads, 128),
        ] {
            for (k, _) in table.entries() {
                add(k, bit);
            }
        }
        for (set, bit) in [(&g.surnames, 256), (&g.foreign_first, 512)] {
            for k in set {
                *x.written.entry(hash(k.as_bytes())).or_insert(0) |= bit;
            }
        }
        x
    }

    /// The bits of a word: `key` the hash of its lower case, `first` of its first token as
    /// written.
    fn bits(&self, key: u64, first: Option<u64>) -> u32 {
        let written = first.and_then(|f| self.written.get(&f)).copied();
        u32::from(self.phrases.get(&key).copied().unwrap_or(0)) | u32::from(written.unwrap_or(0))
    }
}

/// What a document remembers for the model: for each word (hash of its lower case), the
/// types the rules gave it and whether it was seen capitalized inside a sentence.
#[derive(Debug, Default, Clone)]
pub(crate) struct Memory {
    seen: FxHashMap<u64, u8>,
    pub(crate) infos: Vec<WInfo>,
    here: Vec<(u64, u8)>,
    need: Vec<bool>,
    pub(crate) wins: Vec<Range<usize>>,
    counts: FxHashMap<u64, [u16; 4]>,
    feats: Vec<u32>,
    labels: Vec<usize>,
    tags: Vec<usize>,
    emissions: Vec<f32>,
    back: Vec<u8>,
}

impl Memory {
    pub(crate) fn clear(&mut self) {
        self.seen.clear();
    }
}

const MEM_CAP: u8 = 8;

/// The infos of a paragraph's tokens (the units the model labels): `sc` holds its tokens as
/// the rules built them (`memory`'s scratch: tokens, lower-case text, sports news or not),
/// `words` its words, `rules` the rules' mentions. Tokens, not words, because the segmenter may join a place and a name into one
/// word ("Mỹ John Kerry"); the word each token is in is a feature.
pub(crate) fn word_infos(
    g: &GazIndex,
    text: &str,
    words: &[Word],
    sc: &super::toks::Scratch,
    rules: &[Mention],
    mem: &mut Memory,
) {
    let (toks, lower, sports) = (&sc.toks[..], sc.lower.as_str(), sc.sports);
    let mut infos = std::mem::take(&mut mem.infos);
    infos.clear();
    let mut here = std::mem::take(&mut mem.here);
    here.clear();
    // Only tokens a window may reach (with the neighbours its features read) are looked
    // at: most of a paragraph is lower-case text no window touches.
    token_windows(g, toks, lower, rules, &mut mem.wins);
    let mut need = std::mem::take(&mut mem.need);
    need.clear();
    need.resize(toks.len(), false);
    for w in &mem.wins {
        let a = w.start.saturating_sub(3);
        let b = (w.end + 3).min(toks.len());
        need[a..b].iter_mut().for_each(|x| *x = true);
    }
    let mut t = 0;
    let mut r = 0;
    for w in words {
        while t < toks.len() && toks[t].range.start < w.range.start {
            infos.push(BOUNDARY);
            t += 1;
        }
        let a = t;
        while t < toks.len() && toks[t].range.start < w.range.end {
            t += 1;
        }
        let b = t;
        if b == a {
            continue;
        }
        if !need[a..b].iter().any(|&x| x) {
            infos.extend((a..b).map(|_| BOUNDARY));
            continue;
        }
        let key = lower
            .get(toks[a].low.start..toks[b - 1].low.end)
            .unwrap_or("");
        let wlo = hash(key.as_bytes());
        let mut wshape = 0u32;
        for (k, tk) in toks[a..b].iter().take(4).enumerate() {
            let s = text.get(tk.range.clone()).unwrap_or("");
            wshape |= u32::from(shape_byte(tk, s)) << (8 * k);
        }
        let first = text.get(toks[a].range.clone()).unwrap_or("");
        let first_cap = toks[a].cap;
        let wgaz = g.bits(wlo, first_cap.then(|| hash(first.as_bytes())));
        for (k, tk) in toks.iter().enumerate().take(b).skip(a) {
            let s = text.get(tk.range.clone()).unwrap_or("");
            let low = lower.get(tk.low.clone()).unwrap_or("");
            let mut info = BOUNDARY;
            info.lo = hash(low.as_bytes());
            info.form = hash(s.as_bytes());
            info.first = wlo;
            // Where the token stands in its word, and how long the word is.
            info.last = mix(
                u64::from(b - a == 1) + 2 * u64::from(k == a) + 4 * u64::from(k + 1 == b),
                (b - a).min(6) as u64,
            );
            info.shape = u32::from(shape_byte(tk, s)) | (wshape << 8);
            info.syllables = (b - a).min(6) as u8;
            info.word_first = k == a;
            info.sports = sports;
            info.letters = low.chars().count().min(7) as u8;
            if matches!(tk.kind, TokenKind::Foreign | TokenKind::Acronym) {
                let n = low.chars().count();
                let tail: String = low.chars().skip(n.saturating_sub(3)).collect();
                info.suffix = hash(tail.as_bytes());
            }
            info.sent_first = tk.sent_start;
            info.trigger = trigger(tk);
            info.gaz = if b - a == 1 {
                wgaz
            } else if tk.cap {
                // A capitalized token inside a longer word: its own hits as well (a
                // surname the segmenter glued to a place).
                wgaz | g.bits(info.lo, Some(info.form)) << 11
            } else {
                wgaz
            };
            while r < rules.len() && rules[r].range.end <= tk.range.start {
                r += 1;
            }
            if let Some(m) = rules.get(r) {
                if m.range.start < tk.range.end {
                    let kk = EntityType::ALL
                        .iter()
                        .position(|&x| x == m.kind)
                        .unwrap_or(0);
                    let cont = m.range.start < tk.range.start;
                    info.rule = (1 + 2 * kk + usize::from(cont)) as u8;
                    info.rule_last = m.range.end <= tk.range.end;
                    if let Some(ti) = type_index(m.kind).filter(|&ti| ti < 3) {
                        here.push((info.lo, 1 << ti));
                    }
                }
            }
            info.cap_inside = tk.cap && !tk.sent_start;
            if info.cap_inside {
                here.push((info.lo, MEM_CAP));
            }
            infos.push(info);
        }
    }
    while infos.len() < toks.len() {
        infos.push(BOUNDARY);
    }
    // Runs of capitalized words (acronyms too), each word told where it stands.
    let mut i = 0;
    while i < infos.len() {
        let cap = |w: &WInfo| matches!(w.shape as u8, b'X' | b'F' | b'A');
        if !cap(&infos[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < infos.len() && cap(&infos[j]) && !infos[j].sent_first {
            j += 1;
        }
        let head = infos[i].lo;
        let prev = i.checked_sub(1).map_or(1, |p| infos[p].lo);
        let next = infos.get(j).map_or(1, |n| n.lo);
        for (k, w) in infos[i..j].iter_mut().enumerate() {
            w.run_pos = if k == 0 { 1 } else { 2 };
            w.run_len = (j - i).min(5) as u8;
            w.run_head = head;
            w.run_prev = prev;
            w.run_next = next;
        }
        i = j;
    }
    // The nearest head before each token.
    let mut last: Option<(usize, u64)> = None;
    for (k, w) in infos.iter_mut().enumerate() {
        if w.sent_first || w.lo == BOUNDARY.lo || !(w.shape as u8).is_ascii_alphanumeric() {
            last = None;
        }
        if let Some((at, h)) = last {
            w.head_before = mix(h, (k - at).min(8) as u64);
        }
        if w.gaz & (16 | 32 | 64 | 128) != 0 && w.word_first {
            last = Some((k, mix(w.first, u64::from(w.gaz & 0xf0))));
        }
    }
    // Memory: what the document says of the same word elsewhere — earlier paragraphs, and
    // this one at other words (a word's own rule tag is a feature of its own).
    let mut counts = std::mem::take(&mut mem.counts);
    counts.clear();
    for &(h, bits) in &here {
        let c = counts.entry(h).or_default();
        for (k, n) in c.iter_mut().enumerate() {
            if bits & (1 << k) != 0 {
                *n += 1;
            }
        }
    }
    for info in infos.iter_mut().filter(|i| i.trigger) {
        let mut bits = mem.seen.get(&info.lo).copied().unwrap_or(0);
        if let Some(c) = counts.get(&info.lo) {
            let own_rule = match info.rule {
                0 => None,
                r => type_index(EntityType::ALL[(usize::from(r) - 1) / 2]),
            };
            for (k, &n) in c.iter().enumerate() {
                let own = match k {
                    3 => u16::from(info.cap_inside),
                    _ => u16::from(own_rule == Some(k)),
                };
                if n > own {
                    bits |= 1 << k;
                }
            }
        }
        info.mem = bits;
    }
    for &(h, bits) in &here {
        *mem.seen.entry(h).or_insert(0) |= bits;
    }
    mem.infos = infos;
    mem.here = here;
    mem.need = need;
    mem.counts = counts;
}

/// A capitalized token or a number: a window of tokens around it is labelled.
fn trigger(t: &Tok) -> bool {
    t.cap || matches!(t.kind, TokenKind::Number | TokenKind::DateTime)
}

/// Appends the hashed feature rows of word `i` to `out`.
pub(crate) fn features(infos: &[WInfo], i: usize, bits: u32, out: &mut Vec<u32>) {
    let at = |d: isize| -> WInfo {
        i.checked_add_signed(d)
            .and_then(|j| infos.get(j))
            .copied()
            .unwrap_or(BOUNDARY)
    };
    let (p3, p2, p1, w, n1, n2, n3) = (at(-3), at(-2), at(-1), at(0), at(1), at(2), at(3));
    let sb = |x: &WInfo| u64::from(x.shape as u8);
    let run = mix(u64::from(w.run_pos), u64::from(w.run_len));
    let shape = u64::from(w.shape);
    let rule = u64::from(w.rule);
    let row = |template: u64, value: u64| -> u32 {
        let h = mix(template.wrapping_mul(0xff51_afd7_ed55_8ccd), value);
        let h = (h ^ (h >> 29)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        (h >> (64 - bits)) as u32
    };
    let f = [
        row(1, 0),
        row(2, w.lo),
        row(4, shape),
        row(6, w.first),
        row(7, w.last),
        row(8, p1.lo),
        row(9, p2.lo),
        row(10, n1.lo),
        row(11, n2.lo),
        row(12, mix(u64::from(p1.shape), shape)),
        row(13, mix(shape, u64::from(n1.shape))),
        row(14, mix(p1.lo, shape)),
        row(15, mix(shape, n1.lo)),
        row(16, mix(u64::from(w.gaz), shape)),
        row(17, mix(u64::from(p1.gaz), shape)),
        row(18, mix(u64::from(n1.gaz), shape)),
        row(19, rule),
        row(20, mix(u64::from(p1.rule), rule)),
        row(21, mix(rule, u64::from(n1.rule))),
        row(22, mix(rule, shape)),
        row(23, mix(mix(u64::from(w.sent_first), shape), rule)),
        row(24, mix(u64::from(w.mem), shape)),
        row(25, mix(p1.lo, w.lo)),
        row(26, mix(w.lo, n1.lo)),
        row(27, mix(w.first, shape)),
        row(31, mix(u64::from(w.run_pos), u64::from(w.run_len))),
        row(32, mix(w.run_head, u64::from(w.run_pos))),
        row(33, mix(w.run_prev, u64::from(w.run_pos))),
        row(34, mix(w.run_next, u64::from(w.run_pos))),
        row(35, mix(rule, u64::from(w.rule_last))),
        row(37, mix(w.head_before, shape & 0xff)),
        // The written form; shapes, words, gazetteer hits and rule tags of the neighbours
        // in pairs and triples, three tokens out.
        row(3, w.form),
        row(40, mix(mix(sb(&p2), sb(&p1)), shape)),
        row(41, mix(mix(shape, sb(&n1)), sb(&n2))),
        row(42, mix(mix(sb(&p1), shape), sb(&n1))),
        row(43, mix(p2.lo, p1.lo)),
        row(44, mix(n1.lo, n2.lo)),
        row(45, p3.lo),
        row(46, n3.lo),
        row(47, mix(u64::from(p2.gaz), shape)),
        row(48, mix(u64::from(n2.gaz), shape)),
        row(49, mix(mix(u64::from(p1.gaz), u64::from(w.gaz)), sb(&w))),
        row(50, mix(rule, p1.lo)),
        row(51, mix(rule, n1.lo)),
        row(52, mix(mix(u64::from(p2.rule), u64::from(p1.rule)), rule)),
        row(53, mix(mix(rule, u64::from(n1.rule)), u64::from(n2.rule))),
        row(54, mix(mix(u64::from(w.mem), rule), sb(&w))),
        // The whole words before and after.
        row(55, mix(p1.first, shape)),
        row(56, mix(n1.first, shape)),
        // Letters and last letters of foreign words and acronyms.
        row(57, mix(mix(sb(&w), u64::from(w.letters)), u64::from(w.gaz))),
        row(58, mix(w.suffix, sb(&w))),
        // The head before and the word before the run, with the run's length.
        row(59, mix(w.head_before, run)),
        row(60, mix(w.run_prev, run)),
        row(63, mix(mix(u64::from(w.sent_first), shape), p1.lo)),
        row(64, mix(p1.lo, mix(shape, n1.lo))),
        // Sports news: a place may name a team.
        row(65, mix(u64::from(w.sports), mix(u64::from(w.gaz), sb(&w)))),
        row(66, mix(u64::from(w.sports), mix(rule, sb(&w)))),
        row(67, mix(u64::from(w.sports), mix(p1.lo, sb(&w)))),
        row(68, mix(u64::from(w.sports), mix(n1.lo, sb(&w)))),
    ];
    out.extend_from_slice(&f);
}

/// Tokens before a trigger searched for a lower-case head ("ủy ban nhân dân tỉnh X").
const BEFORE: usize = 6;
/// Tokens after an organization head's word: a lower-case name may run on ("Phòng cảnh
/// sát điều tra").
const ORG_AFTER: usize = 6;

/// The gazetteer bits of the word starting at token `k`.
fn word_bits(g: &GazIndex, toks: &[Tok], lower: &str, k: usize) -> u32 {
    let mut e = k + 1;
    while e < toks.len() && !toks[e].word_start {
        e += 1;
    }
    let key = lower
        .get(toks[k].low.start..toks[e - 1].low.end)
        .unwrap_or("");
    g.bits(hash(key.as_bytes()), None)
}

/// The windows of tokens to label: each trigger with the token before it — further back
/// (at most [`BEFORE`] tokens, not across punctuation) up to an organization or place head
/// — the rest of its word and two tokens after (or [`ORG_AFTER`] after an organization
/// head); each of the rules' mentions with a token on either side. Joined where they
/// overlap.
fn token_windows(
    g: &GazIndex,
    toks: &[Tok],
    lower: &str,
    rules: &[Mention],
    out: &mut Vec<Range<usize>>,
) {
    out.clear();
    let n = toks.len();
    let letters = |t: &Tok| {
        matches!(
            t.kind,
            TokenKind::Syllable | TokenKind::Foreign | TokenKind::Acronym
        )
    };
    for (j, tk) in toks.iter().enumerate() {
        if !trigger(tk) {
            continue;
        }
        let mut a = j.saturating_sub(1);
        // Only where the token before is lower-case: a capitalized one is a trigger of
        // its own and has searched already.
        if j > 0 && !toks[j - 1].cap && !tk.sent_start {
            let mut k = j - 1;
            while k > 0 && j - k < BEFORE && letters(&toks[k]) && !toks[k].sent_start {
                k -= 1;
                if !letters(&toks[k]) {
                    break;
                }
                if toks[k].word_start && word_bits(g, toks, lower, k) & (64 | 128) != 0 {
                    a = k;
                }
            }
        }
        let mut b = j + 1;
        while b < n && !toks[b].word_start {
            b += 1;
        }
        let org = toks[j].word_start && word_bits(g, toks, lower, j) & 64 != 0;
        let after = if org { ORG_AFTER } else { 2 };
        out.push(a..(b + after).min(n));
    }
    let mut t = 0;
    for m in rules {
        while t < n && toks[t].range.start < m.range.start {
            t += 1;
        }
        let mut e = t;
        while e < n && toks[e].range.start < m.range.end {
            e += 1;
        }
        if e > t {
            out.push(t.saturating_sub(1)..(e + 1).min(n));
        }
    }
    out.sort_by_key(|r| r.start);
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out.drain(..) {
        match joined.last_mut() {
            Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
            _ => joined.push(r),
        }
    }
    *out = joined;
}

/// The transitions with the forbidden ones (an I not after its B or I) at minus infinity,
/// as [`viterbi`] takes them.
pub(crate) fn masked(trans: impl Iterator<Item = f32>) -> Vec<f32> {
    trans
        .enumerate()
        .map(|(i, t)| {
            if allowed(i / LABELS, i % LABELS) {
                t
            } else {
                f32::NEG_INFINITY
            }
        })
        .collect()
}

/// Viterbi over `n` positions with `emissions[i * LABELS + tag]` and `trans[prev * LABELS +
/// tag]` (from [`masked`]); the sequence starts after an O. Tags into `out`.
pub(crate) fn viterbi(emissions: &[f32], trans: &[f32], back: &mut Vec<u8>, out: &mut Vec<usize>) {
    let n = emissions.len() / LABELS;
    out.clear();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n * LABELS, 0);
    let mut score = [f32::NEG_INFINITY; LABELS];
    for (l, s) in score.iter_mut().enumerate() {
        *s = trans[l] + emissions[l];
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; LABELS];
        for (l, nx) in next.iter_mut().enumerate() {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for (p, &sp) in score.iter().enumerate() {
                let v = sp + trans[p * LABELS + l];
                if v > best {
                    best = v;
                    arg = p as u8;
                }
            }
            *nx = best + emissions[i * LABELS + l];
            back[i * LABELS + l] = arg;
        }
        score = next;
    }
    let mut l = (0..LABELS)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    out.resize(n, 0);
    for i in (0..n).rev() {
        out[i] = l;
        l = usize::from(back[i * LABELS + l]);
    }
}

/// A trained entity model: hashed feature rows of quantized weights and the transitions.
#[derive(Clone, PartialEq)]
pub struct EntityModel {
    pub(crate) bits: u32,
    /// Bit k: the model decides type `TYPES[k]` (the rules' mentions of it are replaced).
    pub(crate) owned: u8,
    /// `2^bits × LABELS` weights.
    pub(crate) weights: Vec<i16>,
    pub(crate) trans: Vec<i16>,
    /// `trans` as [`viterbi`] takes them.
    masked: Vec<f32>,
    pub(crate) header: String,
}

impl fmt::Debug for EntityModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntityModel")
            .field("bits", &self.bits)
            .field("owned", &self.owned)
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// Why an entity model could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The bytes do not start with the model magic.
    NotAModel,
    /// A model of another format version.
    Version(u32),
    /// The checksum does not match: the file is damaged or cut short.
    Checksum,
    /// The bytes are inconsistent; the text says where.
    Corrupt(&'static str),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::NotAModel => write!(f, "not an entity model"),
            ModelError::Version(v) => {
                write!(
                    f,
                    "entity model format version {v}, this build reads {VERSION}"
                )
            }
            ModelError::Checksum => write!(f, "entity model checksum mismatch (damaged file)"),
            ModelError::Corrupt(what) => write!(f, "corrupt entity model: {what}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// The largest table a file may ask for: 2^20 rows (18 MB of weights).
const MAX_BITS: u32 = 20;

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or(ModelError::Corrupt("cut short"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn i16(&mut self) -> Result<i16, ModelError> {
        Ok(self.u16()? as i16)
    }
    fn v(&mut self) -> Result<u64, ModelError> {
        let mut x = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            x |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(x);
            }
        }
        Err(ModelError::Corrupt("varint too long"))
    }
}

fn put_v(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push(x as u8 | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

impl EntityModel {
    /// The model's header: its source, licence and training options.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// The types this model decides (the rules keep the others).
    pub fn owned_types(&self) -> Vec<EntityType> {
        TYPES
            .iter()
            .enumerate()
            .filter(|(k, _)| self.owned & (1 << k) != 0)
            .map(|(_, &t)| t)
            .collect()
    }

    /// The model from trained weights: quantized to i16 (scaled by the largest magnitude)
    /// and round-tripped through the file format, so a trained model and a loaded one are
    /// the same thing.
    pub(crate) fn from_trained(
        bits: u32,
        owned: u8,
        weights: &[f64],
        trans: &[f64],
        header: String,
    ) -> EntityModel {
        let max = weights
            .iter()
            .chain(trans)
            .fold(0f64, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            f64::from(i16::MAX) / max
        } else {
            0.0
        };
        let q = |w: &f64| (w * scale).round() as i16;
        let trans: Vec<i16> = trans.iter().map(q).collect();
        let m = EntityModel {
            bits,
            owned,
            weights: weights.iter().map(q).collect(),
            masked: masked(trans.iter().map(|&t| f32::from(t))),
            trans,
            header,
        };
        // A model written by this code always reads back.
        EntityModel::from_bytes(&m.to_bytes()).unwrap_or(m)
    }

    /// The model in the format [`EntityModel::from_bytes`] reads; deterministic.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut o = Vec::new();
        o.extend_from_slice(MAGIC);
        o.extend_from_slice(&VERSION.to_le_bytes());
        put_v(&mut o, self.header.len() as u64);
        o.extend_from_slice(self.header.as_bytes());
        o.push(self.bits as u8);
        o.push(self.owned);
        for t in &self.trans {
            o.extend_from_slice(&t.to_le_bytes());
        }
        let rows: Vec<(usize, &[i16])> = self
            .weights
            .chunks(LABELS)
            .enumerate()
            .filter(|(_, r)| r.iter().any(|&w| w != 0))
            .collect();
        put_v(&mut o, rows.len() as u64);
        let mut prev = 0;
        for (i, r) in rows {
            put_v(&mut o, (i - prev) as u64);
            prev = i;
            let mask = r
                .iter()
                .enumerate()
                .filter(|(_, &w)| w != 0)
                .fold(0u16, |m, (k, _)| m | 1 << k);
            o.extend_from_slice(&mask.to_le_bytes());
            for &w in r.iter().filter(|&&w| w != 0) {
                o.extend_from_slice(&w.to_le_bytes());
            }
        }
        let sum = crate::wordseg::fnv1a(o.iter().copied());
        o.extend_from_slice(&sum.to_le_bytes());
        o
    }

    /// Reads a model written by [`EntityModel::to_bytes`], checking every count and index.
    pub fn from_bytes(bytes: &[u8]) -> Result<EntityModel, ModelError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if version != VERSION {
            return Err(ModelError::Version(version));
        }
        let (body, sum) = bytes.split_at(bytes.len().saturating_sub(8).max(12));
        let sum: [u8; 8] = sum.try_into().map_err(|_| ModelError::Checksum)?;
        if crate::wordseg::fnv1a(body.iter().copied()) != u64::from_le_bytes(sum) {
            return Err(ModelError::Checksum);
        }
        let mut r = Reader { b: body, at: 12 };
        let n = r.v()? as usize;
        let header = std::str::from_utf8(r.take(n)?)
            .map_err(|_| ModelError::Corrupt("header not UTF-8"))?
            .to_owned();
        let bits = u32::from(r.u8()?);
        if !(4..=MAX_BITS).contains(&bits) {
            return Err(ModelError::Corrupt("table size"));
        }
        let owned = r.u8()?;
        let trans = (0..LABELS * LABELS)
            .map(|_| r.i16())
            .collect::<Result<Vec<_>, _>>()?;
        let rows = 1usize << bits;
        let mut weights = vec![0i16; rows * LABELS];
        let count = r.v()?;
        if count > rows as u64 {
            return Err(ModelError::Corrupt("row count"));
        }
        let mut at = 0u64;
        for _ in 0..count {
            at = at
                .checked_add(r.v()?)
                .filter(|&a| a < rows as u64)
                .ok_or(ModelError::Corrupt("row index"))?;
            let mask = r.u16()?;
            if mask >> LABELS != 0 {
                return Err(ModelError::Corrupt("row mask"));
            }
            let base = at as usize * LABELS;
            for k in 0..LABELS {
                if mask & (1 << k) != 0 {
                    weights[base + k] = r.i16()?;
                }
            }
        }
        if r.at != body.len() {
            return Err(ModelError::Corrupt("trailing bytes"));
        }
        Ok(EntityModel {
            bits,
            owned,
            weights,
            masked: masked(trans.iter().map(|&t| f32::from(t))),
            trans,
            header,
        })
    }

    /// Tags of the words of `infos` (O outside the windows) into `mem.labels`.
    pub(crate) fn label(&self, mem: &mut Memory) {
        let infos = std::mem::take(&mut mem.infos);
        let mut labels = std::mem::take(&mut mem.labels);
        labels.clear();
        labels.resize(infos.len(), 0);
        let wins = std::mem::take(&mut mem.wins);
        let mut tags = std::mem::take(&mut mem.tags);
        for win in wins.iter().cloned() {
            mem.emissions.clear();
            for i in win.clone() {
                mem.feats.clear();
                features(&infos, i, self.bits, &mut mem.feats);
                let mut e = [0i32; LABELS];
                for &f in &mem.feats {
                    let base = f as usize * LABELS;
                    if let Some(row) = self.weights.get(base..base + LABELS) {
                        for (s, &w) in e.iter_mut().zip(row) {
                            *s += i32::from(w);
                        }
                    }
                }
                mem.emissions.extend(e.iter().map(|&s| s as f32));
            }
            viterbi(&mem.emissions, &self.masked, &mut mem.back, &mut tags);
            for (i, &t) in win.zip(&tags) {
                labels[i] = t;
            }
        }
        mem.wins = wins;
        mem.tags = tags;
        mem.infos = infos;
        mem.labels = labels;
    }
}

/// Spans of `labels` over `words` as (word range, type): a B and the I's of its type after it.
pub(crate) fn spans(labels: &[usize], out: &mut Vec<(Range<usize>, EntityType)>) {
    out.clear();
    let mut open: Option<(usize, EntityType)> = None;
    for (i, &l) in labels.iter().chain([&0]).enumerate() {
        let t = tag(l);
        if let Some((a, kind)) = open {
            if t != Some((kind, false)) {
                out.push((a..i, kind));
                open = None;
            }
        }
        if let Some((kind, true)) = t {
            open = Some((i, kind));
        }
    }
}

/// A date no reader would doubt: a day or month and a year of four digits ("9/2022",
/// "14/12/2021"). The rules' reading of one stays where the model found nothing.
fn explicit_date(s: &str) -> bool {
    let groups: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty() && g.len() <= 4)
        .filter_map(|g| g.parse().ok())
        .collect();
    groups.len() >= 2
        && groups.iter().any(|&y| (1900..=2100).contains(&y))
        && groups.iter().any(|&d| (1..=31).contains(&d))
}

/// Runs the model over a paragraph the rules have just read (their tokens are in `memory`'s
/// scratch, their mentions in `out`) and merges: for each type the model owns, its spans
/// replace the rules' (a rules' mention with the very same span and type is kept, with its
/// canonical name and links); the rules' mentions of other types stay unless they overlap
/// a model span. Role links follow their person.
pub(crate) fn apply(
    model: &EntityModel,
    g: &Gazetteers,
    index: &GazIndex,
    text: &str,
    words: &[Word],
    memory: &mut DocMemory,
    out: &mut Vec<Mention>,
) {
    let mut mm = std::mem::take(&mut memory.model);
    word_infos(index, text, words, &memory.scratch, out, &mut mm);
    model.label(&mut mm);
    let mut found = Vec::new();
    spans(&mm.labels, &mut found);
    let owned = |k: EntityType| type_index(k).is_some_and(|i| model.owned & (1 << i) != 0);
    let model_spans: Vec<(Range<usize>, EntityType)> = found
        .into_iter()
        .filter(|(_, k)| owned(*k))
        .filter_map(|(r, k)| {
            let toks = &memory.scratch.toks;
            let a = toks.get(r.start)?.range.start;
            let b = toks.get(r.end.checked_sub(1)?)?.range.end;
            (a < b && b <= text.len()).then_some((a..b, k))
        })
        .collect();
    memory.model = mm;
    if model_spans.is_empty() && !out.iter().any(|m| owned(m.kind)) {
        return;
    }
    let rules = std::mem::take(out);
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    // Two of the rules' answers stand against the model: a title, which may name its body
    // ("Thường trực Ban Bí thư", "Phó Chủ tịch UBND") and links its person; and an
    // organization the curated list knows by that very name ("Đại hội đồng Liên Hợp
    // Quốc"). A model span overlapping either gives way.
    let lower = |x: &str| -> String { x.chars().map(crate::text::syllable::to_lower).collect() };
    // So does a country or province the rules made a team from the paragraph's sports cues
    // ("Romania hòa Thụy Sĩ 1-1"), which the model's window does not see.
    // And an acronym the document defined ("Hiệp hội Chè Việt Nam (VITAS)"), and an
    // organization whose name the rules read as a list ("Bộ Văn hóa, Thể thao và
    // Du lịch"): the model, which rarely saw a comma inside a name, cuts it there.
    let protected = |m: &Mention| {
        let name = text.get(m.range.clone()).unwrap_or("");
        m.kind == EntityType::Role
            || (m.kind == EntityType::Org
                && (g.teams.contains(name)
                    || name.contains(", ")
                    || memory.acronym(name).is_some()
                    || g.names
                        .get(&lower(name))
                        .is_some_and(|e| e.kind == EntityType::Org)))
    };
    let guard: Vec<Range<usize>> = rules
        .iter()
        .filter(|m| protected(m))
        .map(|m| m.range.clone())
        .collect();
    let model_spans: Vec<(Range<usize>, EntityType)> = model_spans
        .into_iter()
        .filter(|(r, _)| !guard.iter().any(|x| overlaps(x, r)))
        .collect();
    // Old index → new index, for the links.
    let mut kept: Vec<(usize, Mention)> = Vec::new();
    for (i, m) in rules.iter().enumerate() {
        let keep = if guard.contains(&m.range) {
            true
        } else if owned(m.kind) {
            model_spans
                .iter()
                .any(|(r, k)| *r == m.range && *k == m.kind)
                || (m.kind == EntityType::Date
                    && explicit_date(text.get(m.range.clone()).unwrap_or(""))
                    && !model_spans.iter().any(|(r, _)| overlaps(r, &m.range)))
        } else {
            !model_spans.iter().any(|(r, _)| overlaps(r, &m.range))
        };
        if keep {
            kept.push((i, m.clone()));
        }
    }
    for (r, k) in &model_spans {
        if kept.iter().any(|(_, m)| m.range == *r && m.kind == *k) {
            continue;
        }
        let name = text.get(r.clone()).unwrap_or("");
        let mut m = Mention::new(r.clone(), *k, name.to_owned());
        if *k == EntityType::Per {
            if let Some(full) = memory.person(name) {
                m.inferred = full != name;
                m.canonical = full.to_owned();
            }
        } else if let Some(e) = g.names.get(&lower(name)).filter(|e| e.kind == *k) {
            m.canonical = e.canonical.to_string();
        }
        kept.push((usize::MAX, m));
    }
    kept.sort_by_key(|(_, m)| m.range.start);
    // A name the document has called a person stays a person ("tấm gương đạo đức Hồ Chí
    // Minh, phong cách ngoại giao Hồ Chí Minh"): the model's persons join the document's
    // memory, and a later place of the very same text becomes a person.
    for (_, m) in kept.iter_mut() {
        let Some(name) = text.get(m.range.clone()) else {
            continue;
        };
        match m.kind {
            EntityType::Per if name.contains(' ') => {
                memory
                    .persons
                    .entry(name.to_owned())
                    .or_insert_with(|| m.canonical.clone());
            }
            // Full names only: the memory also maps short forms ("Nam" → a Nguyễn Văn
            // Nam), which are places as often as not.
            EntityType::Loc
                if name.contains(' ') && memory.persons.get(name).is_some_and(|f| f == name) =>
            {
                m.kind = EntityType::Per;
                m.canonical = name.to_owned();
            }
            _ => {}
        }
    }
    let new_index = |old: usize| kept.iter().position(|(i, _)| *i == old);
    let mut fixed: Vec<Option<usize>> = Vec::with_capacity(kept.len());
    for (_, m) in &kept {
        let link = m.role_of.and_then(|p| {
            new_index(p).or_else(|| {
                // The person it named was replaced: the model's person over the same words.
                let old = rules.get(p)?;
                kept.iter()
                    .position(|(_, x)| x.kind == EntityType::Per && overlaps(&x.range, &old.range))
            })
        });
        fixed.push(link);
    }
    out.extend(kept.into_iter().zip(fixed).map(|((_, mut m), link)| {
        m.role_of = link;
        m
    }));
}
