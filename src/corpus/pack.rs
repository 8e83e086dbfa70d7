//! A document analyzed apart ([`Analyzed`]) as one byte buffer, and back.
//!
//! The browser's pool of analysis workers hands each finished document to the corpus
//! worker as a single transferable `ArrayBuffer`: [`Analyzed::to_bytes`] on the pool
//! worker, [`Analyzed::from_bytes`] on the corpus worker, then [`super::Corpus::add_analyzed`]
//! as if the document had been analyzed there. Everything the value holds is written, so
//! the corpus that comes out is the same either way. No serde: the format is this crate's
//! own, and nothing else reads it.
//!
//! The bytes come from another worker, which may be older or newer or broken, so reading
//! never panics: every length is checked against the bytes left before anything is
//! allocated, every tag and string checked, and the invariants the corpus and the queries
//! rely on (term and entity ids in range, offsets on character boundaries of the text,
//! sorted tables sorted, the offset maps giving the original back) are checked too; a
//! buffer that fails any of them is refused with a [`PackError`]. Writing is
//! deterministic and reading accepts only what writing produces (varints at their
//! shortest, booleans 0 or 1, no bytes after the end), so a buffer that reads back writes
//! back byte for byte.
//!
//! # Layout (version 1)
//!
//! Little-endian. `var` is an unsigned LEB128 varint (at most 10 bytes, never longer
//! than needed); `str` is a `var` byte length and UTF-8; `opt<T>` is a byte 0 (none) or
//! 1 followed by `T`; `bool` is a byte 0 or 1; enums are a one-byte tag (the tables
//! below, stable across reorderings of the Rust enums); `u32[n]`, `u64[n]` are `n`
//! fixed-width values, `u8[n]` raw bytes. The large arrays (index, mentions, frequency
//! tables) are fixed-width columns so they are read and written in bulk.
//!
//! ```text
//! "SoiA" u16 version
//! terms     var n, var text_len, text bytes, u32[n] string ends
//! table     var n, n × (kind u8, str canonical, opt<str> expansion),
//!           var[n] mentions, var[n] docs, sentence pairs, paragraph pairs
//!           (pairs: var k, u32[k] a, u32[k] b, var[k] counts, by (a, b))
//! acronyms  var n, u32[n]
//! document  var id, str name, str title, str text,
//!           normalization: str text, var n, n × (kind u8, var start, var end,
//!             str before, str after), var[8] counts, var n, n × (str token,
//!             kind u8, var count), two offset maps (var n, n × 4 var: output and
//!             input start as wrapping deltas from the previous edit's ends, output
//!             and input length; str replaced),
//!           opt<encoding u8>, opt<detection: u32 confidence bits, var n,
//!             n × (encoding u8, u32 bits), bool overridden>, var bytes,
//!           var n warnings × (u8 0, var count, var first_at),
//!           counts: var[5] documents paragraphs sentences syllables chars,
//!             freqs syllables, var words, freqs words
//!             (freqs: var k, u32[k] terms, u32[k] counts),
//!           var n flags × (var paragraph, flag u8 [+ var of | + u8 kind | + var doc],
//!             bool excluded),
//!           index: var n, u32[n] tokens, u8[n] steps, u8[n] lens,
//!             var m, u32[m] marks, var f, u32[f] tokens, u32[f] distances, var last,
//!             var w, u32[w] words,
//!           entities: var n, u32[n] para, start, end, entity, u8[n] inferred,
//!             var r, u32[r] mention, holder, org, freqs counts,
//!             sentence and paragraph pairs (var k, u32[k] a, u32[k] b, u32[k] counts),
//!           meta: opt<str> title, opt<u16 y, u8 m, u8 d> date, bool inferred,
//!             opt<str> date_raw, source, group, opt<var> row, opt<str> record_id, url,
//!           var n, u64[n] fingerprints
//! ```

use super::counts::{DocCounts, Freqs};
use super::index::{DocIndex, IndexParts};
use super::mentions::{
    DocEntities, DocMention, DocPairs, EntityId, EntityInfo, EntityTable, Pairs, RoleLink, NONE,
};
use super::{Analyzed, Date, DocMeta, Document, Interner, ParaFlag};
use crate::entities::EntityType;
use crate::ingest::{Detection, Encoding, Warning};
use crate::text::hygiene::{Boilerplate, Flag};
use crate::text::normalize::{
    Change, ChangeKind, MapParts, Normalized, NormalizedParts, Unknown, UnknownKind,
};
use std::fmt;

const MAGIC: [u8; 4] = *b"SoiA";
const VERSION: u16 = 1;

/// Why a buffer is not an [`Analyzed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackError {
    /// It ends before the value does.
    Truncated,
    /// It does not start with this format's magic number.
    BadMagic,
    /// A version of the format this build does not read.
    Version(u16),
    /// A value is out of range or breaks an invariant (which one).
    Invalid(&'static str),
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Truncated => write!(f, "the analyzed document's buffer is truncated"),
            PackError::BadMagic => write!(f, "not an analyzed document's buffer"),
            PackError::Version(v) => {
                write!(
                    f,
                    "analyzed document format version {v}, this build reads {VERSION}"
                )
            }
            PackError::Invalid(what) => write!(f, "invalid analyzed document: {what}"),
        }
    }
}

impl std::error::Error for PackError {}

type Result<T> = std::result::Result<T, PackError>;

impl From<&'static str> for PackError {
    fn from(what: &'static str) -> PackError {
        PackError::Invalid(what)
    }
}

impl Analyzed {
    /// The document as one buffer (see [`crate::corpus::pack`] for the layout); the same
    /// value always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let d = &self.doc;
        // Roughly what the arrays take, so the buffer grows once or twice, not 20 times.
        let guess = 64
            + 3 * d.text.len()
            + 10 * d.index.tokens.len()
            + 4 * d.index.words.len()
            + 21 * d.entities.mentions.len();
        let mut w = Writer(Vec::with_capacity(guess));
        w.0.extend_from_slice(&MAGIC);
        w.0.extend_from_slice(&VERSION.to_le_bytes());
        write_terms(&mut w, &self.terms);
        write_table(&mut w, &self.table);
        w.u32s(&self.acronyms);
        write_doc(&mut w, d);
        w.0
    }

    /// The document [`Self::to_bytes`] wrote; any other input is an error, never a panic
    /// (see [`crate::corpus::pack`] for what is checked).
    pub fn from_bytes(bytes: &[u8]) -> Result<Analyzed> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(PackError::BadMagic);
        }
        let version = u16::from_le_bytes([r.u8()?, r.u8()?]);
        if version != VERSION {
            return Err(PackError::Version(version));
        }
        let terms = read_terms(&mut r)?;
        let table = read_table(&mut r)?;
        let acronyms = r.u32s()?;
        if acronyms.iter().any(|&t| t as usize >= terms.len()) {
            return Err("acronym term out of range".into());
        }
        let doc = read_doc(&mut r, terms.len(), table.len())?;
        if !r.0.is_empty() {
            return Err("bytes after the end".into());
        }
        Ok(Analyzed {
            doc,
            terms,
            table,
            acronyms,
        })
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }

    fn bool(&mut self, b: bool) {
        self.0.push(u8::from(b));
    }

    fn var(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn len(&mut self, n: usize) {
        self.var(n as u64);
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        self.bool(s.is_some());
        if let Some(s) = s {
            self.str(s);
        }
    }

    fn f32(&mut self, x: f32) {
        self.0.extend_from_slice(&x.to_bits().to_le_bytes());
    }

    /// A column of values (its length written elsewhere).
    fn column(&mut self, values: impl Iterator<Item = u32>) {
        self.0.reserve(values.size_hint().0 * 4);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        self.column(v.iter().copied());
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.0.len() {
            return Err(PackError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8> {
        let (&b, rest) = self.0.split_first().ok_or(PackError::Truncated)?;
        self.0 = rest;
        Ok(b)
    }

    fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err("boolean not 0 or 1".into()),
        }
    }

    fn var(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.u8()?;
            // The tenth byte holds bit 63 only; a zero last byte after the first is a
            // longer spelling of a shorter number, which writing never produces.
            if (i == 9 && b > 1) || (b == 0 && i > 0) {
                return Err("malformed varint".into());
            }
            v |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("malformed varint".into())
    }

    fn usize(&mut self) -> Result<usize> {
        usize::try_from(self.var()?).map_err(|_| "number too large".into())
    }

    fn u32v(&mut self) -> Result<u32> {
        u32::try_from(self.var()?).map_err(|_| "number too large".into())
    }

    /// A count of items each at least `min` bytes long: at most what the bytes left can
    /// hold, so a vector of that many is never larger than the buffer warrants.
    fn count(&mut self, min: usize) -> Result<usize> {
        let n = self.usize()?;
        if n > self.0.len() / min.max(1) {
            return Err(PackError::Truncated);
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<String> {
        let n = self.usize()?;
        let b = self.take(n)?;
        let s = std::str::from_utf8(b).map_err(|_| "string not UTF-8")?;
        Ok(s.to_owned())
    }

    fn opt_str(&mut self) -> Result<Option<String>> {
        Ok(match self.bool()? {
            true => Some(self.str()?),
            false => None,
        })
    }

    fn f32(&mut self) -> Result<f32> {
        let b = self.take(4)?;
        Ok(f32::from_bits(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    }

    /// `n` fixed-width values.
    fn column(&mut self, n: usize) -> Result<Vec<u32>> {
        let b = self.take(n.checked_mul(4).ok_or(PackError::Truncated)?)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn u32s(&mut self) -> Result<Vec<u32>> {
        let n = self.usize()?;
        self.column(n)
    }

    fn u8s(&mut self, n: usize) -> Result<Vec<u8>> {
        Ok(self.take(n)?.to_vec())
    }
}

fn write_terms(w: &mut Writer, terms: &Interner) {
    w.len(terms.len());
    let total: usize = terms.strings().map(str::len).sum();
    w.len(total);
    for s in terms.strings() {
        w.0.extend_from_slice(s.as_bytes());
    }
    let mut end = 0u32;
    w.column(terms.strings().map(|s| {
        end += s.len() as u32;
        end
    }));
}

fn read_terms(r: &mut Reader) -> Result<Interner> {
    let n = r.usize()?;
    let text = r.str()?;
    let ends = r.column(n)?;
    Ok(Interner::from_parts(text, &ends)?)
}

fn write_pairs_map(w: &mut Writer, pairs: &Pairs) {
    let mut v: Vec<((EntityId, EntityId), u64)> = pairs.iter().map(|(&k, &n)| (k, n)).collect();
    v.sort_unstable_by_key(|e| e.0);
    w.len(v.len());
    w.column(v.iter().map(|e| e.0 .0));
    w.column(v.iter().map(|e| e.0 .1));
    for e in &v {
        w.var(e.1);
    }
}

fn read_pairs_map(r: &mut Reader) -> Result<Pairs> {
    let n = r.count(9)?;
    let (a, b) = (r.column(n)?, r.column(n)?);
    let mut pairs = Pairs::default();
    pairs.reserve(n);
    let mut last = None;
    for (a, b) in a.into_iter().zip(b) {
        // Written sorted: any other order is not what writing made.
        if last.is_some_and(|l| l >= (a, b)) {
            return Err("entity pairs out of order".into());
        }
        last = Some((a, b));
        pairs.insert((a, b), r.var()?);
    }
    Ok(pairs)
}

fn write_table(w: &mut Writer, t: &EntityTable) {
    w.len(t.info.len());
    for e in &t.info {
        w.u8(entity_type_tag(e.kind));
        w.str(&e.canonical);
        w.opt_str(e.expansion.as_deref());
    }
    for &n in t.mentions.iter().chain(&t.docs) {
        w.var(n);
    }
    write_pairs_map(w, &t.sentence_pairs);
    write_pairs_map(w, &t.paragraph_pairs);
}

fn read_table(r: &mut Reader) -> Result<EntityTable> {
    let n = r.count(3)?;
    let mut info = Vec::with_capacity(n);
    for _ in 0..n {
        info.push(EntityInfo {
            kind: entity_type_of(r.u8()?)?,
            canonical: r.str()?,
            expansion: r.opt_str()?,
        });
    }
    // Each count is a varint of at least a byte: `n` of them fit in what is left.
    if n > r.0.len() / 2 {
        return Err(PackError::Truncated);
    }
    let mentions = (0..n).map(|_| r.var()).collect::<Result<Vec<u64>>>()?;
    let docs = (0..n).map(|_| r.var()).collect::<Result<Vec<u64>>>()?;
    let sentence_pairs = read_pairs_map(r)?;
    let paragraph_pairs = read_pairs_map(r)?;
    Ok(EntityTable::from_parts(
        info,
        mentions,
        docs,
        sentence_pairs,
        paragraph_pairs,
    )?)
}

/// The paragraphs of a document's text, found as the analysis found them: flags and
/// mentions name them by index. Found when first asked (only when something names one).
struct Paragraphs<'t> {
    text: &'t str,
    ranges: Option<Vec<std::ops::Range<usize>>>,
}

impl Paragraphs<'_> {
    fn get(&mut self) -> &[std::ops::Range<usize>] {
        let text = self.text;
        self.ranges.get_or_insert_with(|| {
            crate::text::segment::paragraphs(text)
                .map(|(r, _)| r)
                .collect()
        })
    }
}

fn write_doc(w: &mut Writer, d: &Document) {
    w.var(u64::from(d.id));
    w.str(&d.name);
    w.str(&d.title);
    w.str(&d.text);
    write_normalization(w, &d.normalization);
    w.bool(d.encoding.is_some());
    if let Some(e) = d.encoding {
        w.u8(encoding_tag(e));
    }
    w.bool(d.detection.is_some());
    if let Some(det) = &d.detection {
        w.f32(det.confidence);
        w.len(det.alternatives.len());
        for &(e, score) in &det.alternatives {
            w.u8(encoding_tag(e));
            w.f32(score);
        }
        w.bool(det.overridden);
    }
    w.len(d.bytes);
    w.len(d.warnings.len());
    for warning in &d.warnings {
        match *warning {
            Warning::InvalidBytes { count, first_at } => {
                w.u8(0);
                w.len(count);
                w.len(first_at);
            }
        }
    }
    write_counts(w, &d.counts);
    w.len(d.flags.len());
    for &(para, flag, excluded) in &d.flags {
        w.len(para);
        match flag {
            ParaFlag::Own(Flag::Duplicate { of }) => {
                w.u8(0);
                w.len(of);
            }
            ParaFlag::Own(Flag::NearDuplicate { of }) => {
                w.u8(1);
                w.len(of);
            }
            ParaFlag::Own(Flag::Boilerplate(b)) => {
                w.u8(2);
                w.u8(boilerplate_tag(b));
            }
            ParaFlag::InOtherDocument(doc) => {
                w.u8(3);
                w.var(u64::from(doc));
            }
        }
        w.bool(excluded);
    }
    write_index(w, &d.index);
    if d.entities.is_growing() {
        // Never from DocBuilder::seal, which finishes them; written as the corpus would
        // take them (add_analyzed finishes them first).
        let mut e = d.entities.clone();
        e.finish();
        write_entities(w, &e);
    } else {
        write_entities(w, &d.entities);
    }
    write_meta(w, &d.meta);
    w.len(d.fingerprints.len());
    w.0.reserve(d.fingerprints.len() * 8);
    for fp in &d.fingerprints {
        w.0.extend_from_slice(&fp.to_le_bytes());
    }
}

fn read_doc(r: &mut Reader, terms: usize, entities: usize) -> Result<Document> {
    let id = r.u32v()?;
    let name = r.str()?;
    let title = r.str()?;
    let text = r.str()?;
    let normalization = read_normalization(r, &text)?;
    let encoding = match r.bool()? {
        true => Some(encoding_of(r.u8()?)?),
        false => None,
    };
    let detection = match r.bool()? {
        true => {
            let confidence = r.f32()?;
            let n = r.count(5)?;
            let mut alternatives = Vec::with_capacity(n);
            for _ in 0..n {
                alternatives.push((encoding_of(r.u8()?)?, r.f32()?));
            }
            Some(Detection {
                confidence,
                alternatives,
                overridden: r.bool()?,
            })
        }
        false => None,
    };
    let bytes = r.usize()?;
    let n = r.count(3)?;
    let mut warnings = Vec::with_capacity(n);
    for _ in 0..n {
        if r.u8()? != 0 {
            return Err("unknown warning".into());
        }
        warnings.push(Warning::InvalidBytes {
            count: r.usize()?,
            first_at: r.usize()?,
        });
    }
    let counts = read_counts(r, terms)?;
    let mut paragraphs = Paragraphs {
        text: &text,
        ranges: None,
    };
    let n = r.count(3)?;
    let mut flags = Vec::with_capacity(n);
    for _ in 0..n {
        let para = r.usize()?;
        let flag = match r.u8()? {
            0 => ParaFlag::Own(Flag::Duplicate { of: r.usize()? }),
            1 => ParaFlag::Own(Flag::NearDuplicate { of: r.usize()? }),
            2 => ParaFlag::Own(Flag::Boilerplate(boilerplate_of(r.u8()?)?)),
            3 => ParaFlag::InOtherDocument(r.u32v()?),
            _ => return Err("unknown paragraph flag".into()),
        };
        let excluded = r.bool()?;
        // One flag a paragraph, in the order of the paragraphs.
        if flags.last().is_some_and(|&(p, _, _)| p >= para) || para >= paragraphs.get().len() {
            return Err("flagged paragraph out of order or range".into());
        }
        flags.push((para, flag, excluded));
    }
    let index = read_index(r, &text, terms)?;
    let entities = read_entities(r, &text, entities, &mut paragraphs)?;
    let meta = read_meta(r)?;
    let n = r.count(8)?;
    let fingerprints = r
        .take(n * 8)?
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect();
    Ok(Document {
        id,
        name,
        title,
        text,
        normalization,
        encoding,
        detection,
        bytes,
        warnings,
        counts,
        flags,
        index,
        entities,
        meta,
        fingerprints,
    })
}

fn write_normalization(w: &mut Writer, n: &Normalized) {
    w.str(&n.text);
    w.len(n.changes.len());
    for c in &n.changes {
        w.u8(change_kind_tag(c.kind));
        w.len(c.range.start);
        w.len(c.range.end);
        w.str(&c.before);
        w.str(&c.after);
    }
    for &c in &n.counts {
        w.var(c);
    }
    w.len(n.unknown.len());
    for u in &n.unknown {
        w.str(&u.token);
        w.u8(unknown_kind_tag(u.kind));
        w.var(u.count);
    }
    for (edits, replaced) in n.maps() {
        w.len(edits.len());
        // Output and input starts as the distance from the previous edit's ends: a byte
        // or two each instead of the offset's three or four. Wrapping, so that any value
        // comes back exactly (reading checks that they are consistent).
        let (mut out_end, mut in_end) = (0u64, 0u64);
        for &(os, is, ol, il) in edits {
            let (os, is, ol, il) = (os as u64, is as u64, ol as u64, il as u64);
            w.var(os.wrapping_sub(out_end));
            w.var(is.wrapping_sub(in_end));
            w.var(ol);
            w.var(il);
            out_end = os.wrapping_add(ol);
            in_end = is.wrapping_add(il);
        }
        w.str(replaced);
    }
}

fn read_map(r: &mut Reader) -> Result<MapParts> {
    let n = r.count(4)?;
    let mut edits = Vec::with_capacity(n);
    let (mut out_end, mut in_end) = (0u64, 0u64);
    let size = |v: u64| usize::try_from(v).map_err(|_| PackError::Invalid("offset too large"));
    for _ in 0..n {
        let os = out_end.wrapping_add(r.var()?);
        let is = in_end.wrapping_add(r.var()?);
        let (ol, il) = (r.var()?, r.var()?);
        out_end = os.wrapping_add(ol);
        in_end = is.wrapping_add(il);
        edits.push((size(os)?, size(is)?, size(ol)?, size(il)?));
    }
    Ok((edits, r.str()?))
}

fn read_normalization(r: &mut Reader, canonical: &str) -> Result<Normalized> {
    let text = r.str()?;
    let n = r.count(5)?;
    let mut changes = Vec::with_capacity(n);
    for _ in 0..n {
        let kind = change_kind_of(r.u8()?)?;
        let range = r.usize()?..r.usize()?;
        changes.push(Change {
            kind,
            range,
            before: r.str()?,
            after: r.str()?,
        });
    }
    let mut counts = [0u64; 8];
    for c in &mut counts {
        *c = r.var()?;
    }
    let n = r.count(3)?;
    let mut unknown = Vec::with_capacity(n);
    for _ in 0..n {
        unknown.push(Unknown {
            token: r.str()?,
            kind: unknown_kind_of(r.u8()?)?,
            count: r.var()?,
        });
    }
    let first = read_map(r)?;
    let second = read_map(r)?;
    let parts = NormalizedParts {
        text,
        changes,
        counts,
        unknown,
        first,
        second,
    };
    Ok(Normalized::from_parts(parts, canonical)?)
}

fn write_freqs(w: &mut Writer, f: &Freqs) {
    let e = f.entries();
    w.len(e.len());
    w.column(e.iter().map(|e| e.0));
    w.column(e.iter().map(|e| e.1));
}

/// A frequency table whose keys are below `keys`.
fn read_freqs(r: &mut Reader, keys: usize) -> Result<Freqs> {
    let n = r.count(8)?;
    let (k, v) = (r.column(n)?, r.column(n)?);
    if k.iter().any(|&k| k as usize >= keys) {
        return Err("frequency table key out of range".into());
    }
    Freqs::from_entries(k.into_iter().zip(v).collect()).ok_or("frequency table out of order".into())
}

fn write_pairs(w: &mut Writer, f: &DocPairs) {
    let e = f.entries();
    w.len(e.len());
    w.column(e.iter().map(|e| e.0 .0));
    w.column(e.iter().map(|e| e.0 .1));
    w.column(e.iter().map(|e| e.1));
}

/// Pairs of entities below `entities`, the lower id first.
fn read_pairs(r: &mut Reader, entities: usize) -> Result<DocPairs> {
    let n = r.count(12)?;
    let (a, b, v) = (r.column(n)?, r.column(n)?, r.column(n)?);
    if a.iter()
        .zip(&b)
        .any(|(&a, &b)| a >= b || b as usize >= entities)
    {
        return Err("entity pair out of range".into());
    }
    let entries = a.into_iter().zip(b).zip(v).collect();
    Freqs::from_entries(entries).ok_or("entity pairs out of order".into())
}

fn write_counts(w: &mut Writer, c: &DocCounts) {
    for n in [c.documents, c.paragraphs, c.sentences, c.syllables, c.chars] {
        w.var(n);
    }
    write_freqs(w, &c.syllable_freq);
    w.var(c.words);
    write_freqs(w, &c.word_freq);
}

fn read_counts(r: &mut Reader, terms: usize) -> Result<DocCounts> {
    Ok(DocCounts {
        documents: r.var()?,
        paragraphs: r.var()?,
        sentences: r.var()?,
        syllables: r.var()?,
        chars: r.var()?,
        syllable_freq: read_freqs(r, terms)?,
        words: r.var()?,
        word_freq: read_freqs(r, terms)?,
    })
}

fn write_index(w: &mut Writer, x: &DocIndex) {
    let (steps, marks, far, last) = x.packed();
    w.u32s(&x.tokens);
    // The index keeps one step and one length a token; written without their own
    // lengths, which reading checks against the tokens'.
    w.0.extend_from_slice(steps);
    w.0.extend_from_slice(&x.lens);
    w.u32s(marks);
    w.len(far.len());
    w.column(far.iter().map(|f| f.0));
    w.column(far.iter().map(|f| f.1));
    w.var(u64::from(last));
    w.u32s(&x.words);
}

fn read_index(r: &mut Reader, text: &str, terms: usize) -> Result<DocIndex> {
    let tokens = r.u32s()?;
    let steps = r.u8s(tokens.len())?;
    let lens = r.u8s(tokens.len())?;
    let marks = r.u32s()?;
    let n = r.usize()?;
    let far = r.column(n)?.into_iter().zip(r.column(n)?).collect();
    let last = r.u32v()?;
    let words = r.u32s()?;
    let parts = IndexParts {
        tokens,
        steps,
        marks,
        far,
        last,
        lens,
        words,
    };
    Ok(DocIndex::from_parts(parts, text, terms)?)
}

fn write_entities(w: &mut Writer, e: &DocEntities) {
    let m = &e.mentions;
    w.len(m.len());
    w.column(m.iter().map(|m| m.para));
    w.column(m.iter().map(|m| m.start));
    w.column(m.iter().map(|m| m.end));
    w.column(m.iter().map(|m| m.entity));
    w.0.extend(m.iter().map(|m| u8::from(m.inferred)));
    let roles = &e.roles;
    w.len(roles.len());
    w.column(roles.iter().map(|r| r.mention));
    w.column(roles.iter().map(|r| r.holder));
    w.column(roles.iter().map(|r| r.org));
    let c = e.counts.entries();
    w.len(c.len());
    w.column(c.iter().map(|e| e.0));
    w.column(c.iter().map(|e| e.1));
    write_pairs(w, &e.sentence_pairs);
    write_pairs(w, &e.paragraph_pairs);
}

/// A document's entities, checked against its `text`, its `paragraphs` and the number
/// of `entities` in its table: each mention on characters of the paragraph it names, in
/// the order of the paragraphs (the Reader finds a paragraph's mentions by binary
/// search), naming an entity of the table; each title's links pointing at mentions and
/// entities there, one link a mention, in order.
fn read_entities(
    r: &mut Reader,
    text: &str,
    entities: usize,
    paragraphs: &mut Paragraphs,
) -> Result<DocEntities> {
    let n = r.count(17)?;
    let (para, start, end, entity) = (r.column(n)?, r.column(n)?, r.column(n)?, r.column(n)?);
    let inferred = r.take(n)?;
    let mut mentions = Vec::with_capacity(n);
    for i in 0..n {
        let m = DocMention {
            para: para[i],
            start: start[i],
            end: end[i],
            entity: entity[i],
            inferred: match inferred[i] {
                0 => false,
                1 => true,
                _ => return Err("boolean not 0 or 1".into()),
            },
        };
        let within = paragraphs
            .get()
            .get(m.para as usize)
            .is_some_and(|p| p.start <= m.start as usize && m.end as usize <= p.end);
        let in_order = mentions
            .last()
            .is_none_or(|l: &DocMention| l.para <= m.para);
        if !within
            || !in_order
            || m.start > m.end
            || !text.is_char_boundary(m.start as usize)
            || !text.is_char_boundary(m.end as usize)
            || m.entity as usize >= entities
        {
            return Err("mention out of range".into());
        }
        mentions.push(m);
    }
    let k = r.count(12)?;
    let (mention, holder, org) = (r.column(k)?, r.column(k)?, r.column(k)?);
    let mut roles: Vec<RoleLink> = Vec::with_capacity(k);
    for i in 0..k {
        let link = RoleLink {
            mention: mention[i],
            holder: holder[i],
            org: org[i],
        };
        let of_mention = |x: u32| (x as usize) < n;
        if !of_mention(link.mention)
            || roles.last().is_some_and(|l| l.mention >= link.mention)
            || (link.holder != NONE && !of_mention(link.holder))
            || (link.org != NONE && link.org as usize >= entities)
        {
            return Err("title link out of range".into());
        }
        roles.push(link);
    }
    let c = r.count(8)?;
    let (keys, values) = (r.column(c)?, r.column(c)?);
    if keys.iter().any(|&k| k as usize >= entities) {
        return Err("entity count out of range".into());
    }
    let counts = Freqs::from_entries(keys.into_iter().zip(values).collect())
        .ok_or("entity counts out of order")?;
    let mut e = DocEntities::default();
    e.mentions = mentions;
    e.roles = roles;
    e.counts = counts;
    e.sentence_pairs = read_pairs(r, entities)?;
    e.paragraph_pairs = read_pairs(r, entities)?;
    Ok(e)
}

fn write_meta(w: &mut Writer, m: &DocMeta) {
    w.opt_str(m.title.as_deref());
    w.bool(m.date.is_some());
    if let Some(d) = m.date {
        w.0.extend_from_slice(&d.y.to_le_bytes());
        w.u8(d.m);
        w.u8(d.d);
    }
    w.bool(m.date_inferred);
    w.opt_str(m.date_raw.as_deref());
    w.opt_str(m.source.as_deref());
    w.opt_str(m.group.as_deref());
    w.bool(m.row.is_some());
    if let Some(row) = m.row {
        w.var(row);
    }
    w.opt_str(m.record_id.as_deref());
    w.opt_str(m.url.as_deref());
}

fn read_meta(r: &mut Reader) -> Result<DocMeta> {
    let title = r.opt_str()?;
    let date = match r.bool()? {
        true => {
            let y = u16::from_le_bytes([r.u8()?, r.u8()?]);
            let (m, d) = (r.u8()?, r.u8()?);
            // Dates are real days (Date::new's promise the period code relies on).
            Some(Date::new(y.into(), m.into(), d.into()).ok_or("not a date")?)
        }
        false => None,
    };
    Ok(DocMeta {
        title,
        date,
        date_inferred: r.bool()?,
        date_raw: r.opt_str()?,
        source: r.opt_str()?,
        group: r.opt_str()?,
        row: match r.bool()? {
            true => Some(r.var()?),
            false => None,
        },
        record_id: r.opt_str()?,
        url: r.opt_str()?,
    })
}

// The tags of the enums: written out, not `as u8` or an index into `ALL`, so that
// reordering a Rust enum does not change the format (and a new variant does not compile
// until it has a tag).

fn encoding_tag(e: Encoding) -> u8 {
    match e {
        Encoding::Utf8 => 0,
        Encoding::Utf8Bom => 1,
        Encoding::Utf16Le => 2,
        Encoding::Utf16Be => 3,
        Encoding::Windows1258 => 4,
        Encoding::Tcvn3 => 5,
        Encoding::Vni => 6,
        Encoding::Viqr => 7,
    }
}

fn encoding_of(tag: u8) -> Result<Encoding> {
    Ok(match tag {
        0 => Encoding::Utf8,
        1 => Encoding::Utf8Bom,
        2 => Encoding::Utf16Le,
        3 => Encoding::Utf16Be,
        4 => Encoding::Windows1258,
        5 => Encoding::Tcvn3,
        6 => Encoding::Vni,
        7 => Encoding::Viqr,
        _ => return Err("unknown encoding".into()),
    })
}

fn entity_type_tag(k: EntityType) -> u8 {
    match k {
        EntityType::Per => 0,
        EntityType::Org => 1,
        EntityType::Loc => 2,
        EntityType::Date => 3,
        EntityType::Time => 4,
        EntityType::Number => 5,
        EntityType::Percent => 6,
        EntityType::Money => 7,
        EntityType::Quantity => 8,
        EntityType::Event => 9,
        EntityType::Role => 10,
        EntityType::Acronym => 11,
    }
}

fn entity_type_of(tag: u8) -> Result<EntityType> {
    Ok(match tag {
        0 => EntityType::Per,
        1 => EntityType::Org,
        2 => EntityType::Loc,
        3 => EntityType::Date,
        4 => EntityType::Time,
        5 => EntityType::Number,
        6 => EntityType::Percent,
        7 => EntityType::Money,
        8 => EntityType::Quantity,
        9 => EntityType::Event,
        10 => EntityType::Role,
        11 => EntityType::Acronym,
        _ => return Err("unknown entity type".into()),
    })
}

fn change_kind_tag(k: ChangeKind) -> u8 {
    match k {
        ChangeKind::Nfc => 0,
        ChangeKind::LineBreak => 1,
        ChangeKind::Invisible => 2,
        ChangeKind::Space => 3,
        ChangeKind::DStroke => 4,
        ChangeKind::ToneMark => 5,
        ChangeKind::Glued => 6,
        ChangeKind::Punctuation => 7,
    }
}

fn change_kind_of(tag: u8) -> Result<ChangeKind> {
    Ok(match tag {
        0 => ChangeKind::Nfc,
        1 => ChangeKind::LineBreak,
        2 => ChangeKind::Invisible,
        3 => ChangeKind::Space,
        4 => ChangeKind::DStroke,
        5 => ChangeKind::ToneMark,
        6 => ChangeKind::Glued,
        7 => ChangeKind::Punctuation,
        _ => return Err("unknown change kind".into()),
    })
}

fn unknown_kind_tag(k: UnknownKind) -> u8 {
    match k {
        UnknownKind::Acronym => 0,
        UnknownKind::Foreign => 1,
        UnknownKind::Malformed => 2,
    }
}

fn unknown_kind_of(tag: u8) -> Result<UnknownKind> {
    Ok(match tag {
        0 => UnknownKind::Acronym,
        1 => UnknownKind::Foreign,
        2 => UnknownKind::Malformed,
        _ => return Err("unknown token kind".into()),
    })
}

fn boilerplate_tag(b: Boilerplate) -> u8 {
    match b {
        Boilerplate::Share => 0,
        Boilerplate::Byline => 1,
        Boilerplate::Caption => 2,
        Boilerplate::Navigation => 3,
        Boilerplate::Dateline => 4,
    }
}

fn boilerplate_of(tag: u8) -> Result<Boilerplate> {
    Ok(match tag {
        0 => Boilerplate::Share,
        1 => Boilerplate::Byline,
        2 => Boilerplate::Caption,
        3 => Boilerplate::Navigation,
        4 => Boilerplate::Dateline,
        _ => return Err("unknown boilerplate kind".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::index::{Matcher, BREAK};
    use crate::corpus::{AnalysisOptions, Corpus, DocBuilder};

    const SAMPLE: [&str; 5] = [
        include_str!("../../www/corpus/000_1b4edb2404a232dc.txt"),
        include_str!("../../www/corpus/001_dd71080901982e6d.txt"),
        include_str!("../../www/corpus/002_3f8f23d05b7f99f5.txt"),
        include_str!("../../www/corpus/003_4ed73204bbf8ad32.txt"),
        include_str!("../../www/corpus/004_70bcad869be01b1b.txt"),
    ];

    /// Names, places, dates, organizations, titles, acronyms, a URL longer than 255 bytes,
    /// and input that normalization changes: NFD, "hoà" for "hòa", CRLF, NBSP, a
    /// zero-width space, glued syllables, an eth for "Đ", spacing around punctuation; a
    /// dateline and a caption (boilerplate), a paragraph given twice.
    fn handwritten() -> String {
        let url = format!("https://baoquocte.vn/{}.html", "doi-ngoai-".repeat(40));
        [
            "Thứ hai, 08/08/2022",
            "Bộ trưởng Ngoại giao Bùi Thanh Sơn tiếp Đại sứ Nhật Bản tại Hà Nội ngày 23/12/2022 .",
            "Hai bên nhất trí thúc đẩy quan hệ hoà bình, hợp tác ; UBND thành phố Đà Nẵng cùng Liên hợp quốc (UN) tổ chức hội nghị.",
            "Ho\u{300}a bi\u{300}nh va\u{300} phát triển\u{200B} là mục tiêu của Ðảng\u{A0}\u{A0}và Nhà nước.\r",
            "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương tại Thành phố Hồ Chí Minh.",
            "ĐềxuấtmộtsốnộihàmđườnglốiđốingoạichoĐạihội Đảng lần thứ XIV.",
            &format!("Xem thêm tại {url} và trên trang của Bộ Ngoại giao."),
            "Ảnh: TTXVN",
            "Tổng Bí thư Nguyễn Phú Trọng làm việc với Ban Đối ngoại Trung ương tại Thành phố Hồ Chí Minh.",
            "Kim ngạch thương mại đạt 50 tỷ USD, tăng 12% so với năm 2021; 114 nước tham dự.",
        ]
        .join("\r\n")
    }

    /// Windows-1258 bytes of `text`: a toned vowel as the vowel and a combining tone.
    fn cp1258(text: &str) -> Vec<u8> {
        use crate::text::syllable::{compose, letter, Tone};
        let cp: String = text
            .chars()
            .flat_map(|c| match letter(c) {
                Some(l) if l.tone != Tone::Level => {
                    let tone = match l.tone {
                        Tone::Grave => '\u{300}',
                        Tone::Acute => '\u{301}',
                        Tone::Hook => '\u{309}',
                        Tone::Tilde => '\u{303}',
                        _ => '\u{323}',
                    };
                    vec![compose(l.base, Tone::Level, l.upper), tone]
                }
                _ => vec![c],
            })
            .collect();
        encoding_rs::WINDOWS_1258.encode(&cp).0.into_owned()
    }

    fn meta() -> DocMeta {
        DocMeta {
            title: Some("Đối ngoại Việt Nam năm 2022".into()),
            date: Date::new(2022, 8, 8),
            date_inferred: false,
            date_raw: Some("08/08/2022".into()),
            source: Some("baoquocte.vn".into()),
            group: Some("thời sự/đối ngoại".into()),
            row: Some(42),
            record_id: Some("bqt-0042".into()),
            url: Some("https://baoquocte.vn/bai-viet-42.html".into()),
        }
    }

    /// The documents of the round trip, in the order they are added.
    fn builders() -> Vec<DocBuilder> {
        let opts = AnalysisOptions::default();
        let text = |name: &str, t: &str| DocBuilder::from_text(name.into(), t, &opts).unwrap();
        let file = |name: &str, b: &[u8]| DocBuilder::from_bytes(name.into(), b, &opts).unwrap();
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(SAMPLE[2].encode_utf16().flat_map(u16::to_le_bytes));
        let mut invalid = b"H\xC3 N".to_vec();
        invalid.extend_from_slice("ội là thủ đô của Việt Nam.\n".as_bytes());
        invalid.push(0xFF);
        vec![
            file("000.txt", SAMPLE[0].as_bytes()),
            text("viết-tay", &handwritten()),
            text("có-meta", SAMPLE[1]).with_meta(meta()),
            file("cp1258.txt", &cp1258(SAMPLE[3])),
            file("utf16.txt", &utf16),
            file("hỏng.txt", &invalid),
            text("ngắn", "Ừ."),
            // Repeats paragraphs of 000 and of the handwritten text: InOtherDocument.
            text(
                "lặp",
                &format!(
                    "{}\nMột đoạn mới về quan hệ Việt Nam – Lào.\n{}",
                    SAMPLE[0].lines().nth(2).unwrap(),
                    "Bộ trưởng Ngoại giao Bùi Thanh Sơn tiếp Đại sứ Nhật Bản tại Hà Nội ngày 23/12/2022 ."
                ),
            ),
            file("004.txt", SAMPLE[4].as_bytes()),
        ]
    }

    /// `b` analyzed against `c` (whose paragraphs it may repeat), sealed apart.
    fn analyzed(c: &Corpus, mut b: DocBuilder, id: u32) -> Analyzed {
        while !b.step(c, usize::MAX) {}
        b.seal(id)
    }

    fn assert_same(a: &Corpus, b: &Corpus) {
        assert_eq!(a.docs().len(), b.docs().len());
        for (x, y) in a.docs().iter().zip(b.docs()) {
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "{}", x.name);
            assert_eq!(x.original(), y.original());
        }
        assert_eq!(a.totals(), b.totals());
        assert_eq!(a.overview(50), b.overview(50));
        assert!(a.vocabulary().eq(b.vocabulary()));
        assert_eq!(a.acronyms, b.acronyms);
        assert_eq!(a.paragraph_owner, b.paragraph_owner);
        let (s, t) = (a.entities(), b.entities());
        assert_eq!(s.info, t.info);
        assert_eq!((&s.mentions, &s.docs), (&t.mentions, &t.docs));
        assert_eq!(s.sentence_pairs, t.sentence_pairs);
        assert_eq!(s.paragraph_pairs, t.paragraph_pairs);
    }

    #[test]
    fn a_decoded_document_makes_the_same_corpus() {
        let (mut direct, mut packed) = (Corpus::new(), Corpus::new());
        let mut seen = Vec::new();
        for (id, b) in builders().into_iter().enumerate() {
            let a = analyzed(&direct, b, id as u32 * 3);
            let bytes = a.to_bytes();
            let back = Analyzed::from_bytes(&bytes).unwrap();
            assert_eq!(back.to_bytes(), bytes, "{}", a.doc().name);
            assert_eq!(format!("{:?}", a.doc()), format!("{:?}", back.doc()));
            assert!(a.terms.strings().eq(back.terms.strings()));
            assert_eq!(a.table.info, back.table.info);
            assert_eq!(a.acronyms, back.acronyms);
            seen.push((
                a.doc().encoding,
                !a.doc().warnings.is_empty(),
                a.doc().meta.row.is_some(),
                a.doc()
                    .flags
                    .iter()
                    .any(|f| matches!(f.1, ParaFlag::InOtherDocument(_))),
                !a.doc().entities.roles.is_empty(),
                a.doc().index.packed().2.len(),
                a.doc().normalization.maps().map(|m| m.0.len()),
            ));
            direct.add_analyzed(a);
            packed.add_analyzed(back);
        }
        // Every kind of content the test means to cover is there.
        assert!(seen.iter().any(|s| s.0 == Some(Encoding::Windows1258)));
        assert!(seen.iter().any(|s| s.0 == Some(Encoding::Utf16Le)));
        assert!(seen.iter().any(|s| s.0.is_none()));
        assert!(seen.iter().any(|s| s.1), "warnings");
        assert!(seen.iter().any(|s| s.2), "metadata");
        assert!(seen.iter().any(|s| s.3), "a paragraph of another document");
        assert!(seen.iter().any(|s| s.4), "a title's links");
        assert!(seen.iter().any(|s| s.5 > 0), "a far token distance");
        assert!(seen.iter().any(|s| s.6[0] > 0 && s.6[1] > 0), "both maps");
        assert_same(&direct, &packed);

        // What the packed documents claimed decides what comes later the same way, and
        // removing one takes out the same.
        let later = format!("{}\nĐoạn cuối.", handwritten());
        for c in [&mut direct, &mut packed] {
            c.add_bytes("sau".into(), later.as_bytes()).unwrap();
            assert!(c.remove(3));
            c.add_bytes("sau nữa".into(), later.as_bytes()).unwrap();
        }
        let [.., after, again] = direct.docs() else {
            unreachable!()
        };
        let of_3 = |d: &Document| {
            d.flags
                .iter()
                .filter(|f| matches!(f.1, ParaFlag::InOtherDocument(3)))
                .count()
        };
        assert!(of_3(after) > 3, "{:?}", after.flags);
        assert_eq!(of_3(again), 0, "3 is gone: its paragraphs count again");
        assert_same(&direct, &packed);
    }

    #[test]
    fn a_document_with_no_text_left_round_trips() {
        // Only boilerplate: nothing counted, no index, no entities.
        let b = DocBuilder::from_text("trống".into(), "Ảnh: TTXVN", &AnalysisOptions::default())
            .unwrap();
        let a = analyzed(&Corpus::new(), b, 7);
        let bytes = a.to_bytes();
        let back = Analyzed::from_bytes(&bytes).unwrap();
        assert_eq!(format!("{:?}", a.doc()), format!("{:?}", back.doc()));
        assert_eq!(back.to_bytes(), bytes);
    }

    #[test]
    fn wrong_headers_are_told_apart() {
        let a = analyzed(
            &Corpus::new(),
            DocBuilder::from_text("x".into(), "Hà Nội.", &AnalysisOptions::default()).unwrap(),
            0,
        );
        let mut bytes = a.to_bytes();
        bytes[4] = 9;
        assert_eq!(
            Analyzed::from_bytes(&bytes).unwrap_err(),
            PackError::Version(9)
        );
        bytes[0] = b'X';
        assert_eq!(
            Analyzed::from_bytes(&bytes).unwrap_err(),
            PackError::BadMagic
        );
        let mut bytes = a.to_bytes();
        bytes.push(0);
        assert!(matches!(
            Analyzed::from_bytes(&bytes),
            Err(PackError::Invalid(_))
        ));
        assert!(PackError::Truncated.to_string().contains("truncated"));
    }

    /// Use a decoded document the ways the corpus and the queries do: nothing panics.
    fn exercise(a: Analyzed) {
        let mut c = Corpus::new();
        c.add_bytes("trước".into(), SAMPLE[2].as_bytes()).unwrap();
        let id = c.add_analyzed(a);
        let d = c.doc(id).unwrap();
        let original = d.original();
        for i in 0..d.index.tokens.len() {
            let r = d.index.token_range(i, &d.text);
            let _ = &d.text[r.clone()];
            let o = d.normalization.range_to_original(r);
            let _ = original.get(o);
        }
        for w in &d.index.words {
            assert!(*w == BREAK || c.term(*w).is_some());
        }
        for m in &d.entities.mentions {
            let _ = &d.text[m.range()];
            assert!(c.entities().info(m.entity).is_some());
            let o = d.normalization.range_to_original(m.range());
            let _ = original.get(o);
        }
        for ch in &d.normalization.changes {
            let _ = &original[ch.range.clone()];
        }
        let q = crate::text::concordance::Query::parse("đối *", Default::default()).unwrap();
        let m = Matcher::new(&q, c.vocabulary());
        for i in d.index.find(&m) {
            let _ = &d.text[d.index.token_range(i, &d.text)];
        }
        let _ = c.overview(10);
        c.remove(id);
        let _ = c.overview(10);
    }

    /// A tiny xorshift: the same "random" bytes on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn buffers() -> Vec<Vec<u8>> {
        let c = Corpus::new();
        let opts = AnalysisOptions::default();
        let hand = DocBuilder::from_text("viết-tay".into(), &handwritten(), &opts)
            .unwrap()
            .with_meta(meta());
        let legacy =
            DocBuilder::from_bytes("cp.txt".into(), &cp1258(&SAMPLE[0][..1200]), &opts).unwrap();
        vec![
            analyzed(&c, hand, 1).to_bytes(),
            analyzed(&c, legacy, 2).to_bytes(),
        ]
    }

    #[test]
    fn every_truncation_is_an_error() {
        for bytes in buffers() {
            for n in 0..bytes.len() {
                assert!(
                    Analyzed::from_bytes(&bytes[..n]).is_err(),
                    "{n} of {}",
                    bytes.len()
                );
            }
        }
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut ok, mut err) = (0, 0);
        for bytes in buffers() {
            for round in 0..3000 {
                let mut b = bytes.clone();
                for _ in 0..1 + round % 3 {
                    let i = rng.below(b.len());
                    // Mostly a bit or two, sometimes any byte: small changes get further.
                    b[i] ^= match rng.below(4) {
                        0 => rng.next() as u8 | 1,
                        _ => 1 << rng.below(8),
                    };
                }
                match Analyzed::from_bytes(&b) {
                    Ok(a) => {
                        ok += 1;
                        // Reading accepts only what writing makes.
                        assert_eq!(a.to_bytes(), b);
                        exercise(a);
                    }
                    Err(_) => err += 1,
                }
            }
        }
        // Random bytes behind a valid header.
        for _ in 0..2000 {
            let mut b = b"SoiA\x01\x00".to_vec();
            b.extend((0..rng.below(300)).map(|_| rng.next() as u8 % 8));
            if let Ok(a) = Analyzed::from_bytes(&b) {
                exercise(a);
            }
        }
        eprintln!("flipped buffers: {ok} read, {err} refused");
        assert!(ok > 0 && err > 0);
    }

    #[test]
    fn size_and_speed_on_the_sample_corpus() {
        let opts = AnalysisOptions::default();
        let c = Corpus::new();
        let (mut text, mut packed) = (0, 0);
        for (i, t) in SAMPLE.iter().enumerate() {
            let b = DocBuilder::from_text(format!("{i}"), t, &opts).unwrap();
            let a = analyzed(&c, b, i as u32);
            text += t.len();
            packed += a.to_bytes().len();
        }
        eprintln!(
            "sample corpus: {text} bytes of text, {packed} packed ({:.2}× the text)",
            packed as f64 / text as f64
        );
        // A large document (every paragraph distinct, so all of it is indexed).
        let mut big = String::new();
        for k in 0..60 {
            for t in SAMPLE {
                for line in t.lines().filter(|l| !l.trim().is_empty()) {
                    big.push_str(line.trim_end());
                    big.push_str(&format!(" (bản {k})\n"));
                }
            }
        }
        let b = DocBuilder::from_text("lớn".into(), &big, &opts).unwrap();
        let t = std::time::Instant::now();
        let a = analyzed(&c, b, 0);
        let analysis = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let reps = 5;
        let mut bytes = Vec::new();
        for _ in 0..reps {
            bytes = a.to_bytes();
        }
        let encode = t.elapsed().as_secs_f64() / reps as f64;
        let t = std::time::Instant::now();
        for _ in 0..reps {
            assert!(Analyzed::from_bytes(&bytes).is_ok());
        }
        let decode = t.elapsed().as_secs_f64() / reps as f64;
        let mb = big.len() as f64 / 1e6;
        eprintln!(
            "{mb:.1} MB of text: packed {:.2}×; analysis {:.1} MB/s, encode {:.0} MB/s, decode {:.0} MB/s",
            bytes.len() as f64 / big.len() as f64,
            mb / analysis,
            mb / encode,
            mb / decode
        );
        assert!(packed < 6 * text);
    }
}
