//! The model file: a compact, versioned binary format, read without trusting it.
//!
//! Layout (integers little-endian; `v` is a LEB128 varint; `str` is `v` length + UTF-8):
//!
//! ```text
//! "SOI-WSEG" u32 version
//! str header                      sources, licences, training options (free text)
//! u8 lexicon kind                 0 none | 1 vnvocab, then u64 fingerprint | 2 inline, then
//!                                 v count, str per entry
//! v count, str per syllable       the training vocabulary, in id order
//! i16 × UNI_W per id              unigram weights (class ids first, then the vocabulary)
//! v count, (v key, i16 × BI_W)    bigram rows, sorted by key, keys as deltas, rows
//!                                 without weight dropped
//! v count, (v key, i16)           syllable × lexicon-match rows, likewise
//! v count, (v index, i16)         nonzero per-gap template weights, indices as deltas
//! i16 × 4                         transitions
//! v count, (v len, v × len)       multi-syllable training words as syllable ids
//! u64 checksum                    FNV-1a of everything before
//! ```
//!
//! The lexicon is rebuilt at load from its text (the embedded `vnvocab.txt` unless the file
//! carries its own), so the model file holds only what was learned. Every count is checked
//! against the bytes left and every index against the table it points into: bad bytes give
//! a [`ModelError`], never a panic or a huge allocation.

use super::features::{add_lexicon, Dense, Tables, ALL_FOLDS, BI_W, ID_BITS, UNI_W};
use super::token::FIRST_WORD_ID;
use super::{vnvocab_entries, LexiconSource, Segmenter};
use std::fmt;
use std::sync::OnceLock;

const MAGIC: &[u8; 8] = b"SOI-WSEG";
/// Bump on any change to the format or to the features (a model only works with the
/// feature code it was trained with).
const VERSION: u32 = 1;

/// Why a model file could not be read.
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
    /// The model was trained with a different vnvocab than the one in this binary.
    LexiconMismatch,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::NotAModel => write!(f, "not a word segmentation model"),
            ModelError::Version(v) => {
                write!(f, "model format version {v}, this build reads {VERSION}")
            }
            ModelError::Checksum => write!(f, "model checksum mismatch (damaged file)"),
            ModelError::Corrupt(what) => write!(f, "corrupt model: {what}"),
            ModelError::LexiconMismatch => {
                write!(f, "model was trained with another version of vnvocab")
            }
        }
    }
}

impl std::error::Error for ModelError {}

/// FNV-1a, 64 bits: a checksum and fingerprint with no dependency and a fixed definition.
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn fingerprint<'a>(entries: impl Iterator<Item = &'a str>) -> u64 {
    fnv1a(entries.flat_map(|e| e.bytes().chain([b'\n'])))
}

fn vnvocab_fingerprint() -> u64 {
    static F: OnceLock<u64> = OnceLock::new();
    *F.get_or_init(|| fingerprint(vnvocab_entries()))
}

struct Writer(Vec<u8>);

impl Writer {
    fn v(&mut self, mut x: u64) {
        while x >= 0x80 {
            self.0.push(x as u8 | 0x80);
            x >>= 7;
        }
        self.0.push(x as u8);
    }
    fn str(&mut self, s: &str) {
        self.v(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn i16s(&mut self, w: &[i16]) {
        for x in w {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
}

/// A weight slice that may run past the end (then it reads as zeros).
fn slice(w: &[i16], start: usize, len: usize) -> Vec<i16> {
    (start..start + len)
        .map(|i| w.get(i).copied().unwrap_or(0))
        .collect()
}

impl Segmenter {
    /// Writes the model in the format [`Segmenter::from_bytes`] reads. Deterministic: the
    /// same model gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        write(&self.tables, &self.weights, &self.lexicon, &self.header)
    }

    /// Reads a model written by [`Segmenter::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Segmenter, ModelError> {
        read(bytes)
    }

    /// The model as it ships: quantized, without rows that carry no weight, round-tripped
    /// through the file format so a trained model and a loaded one are the same thing.
    pub(crate) fn from_trained(
        tables: Tables,
        weights: &[f64],
        lexicon: LexiconSource,
        header: String,
    ) -> Segmenter {
        let max = weights.iter().fold(0f64, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            f64::from(i16::MAX) / max
        } else {
            0.0
        };
        let q: Vec<i16> = weights.iter().map(|w| (w * scale).round() as i16).collect();
        let bytes = write(&tables, &q, &lexicon, &header);
        // Cannot fail: `write` produced these bytes. The fallback keeps this total anyway.
        read(&bytes).unwrap_or_else(|_| Segmenter::empty())
    }
}

fn write(tables: &Tables, weights: &[i16], lexicon: &LexiconSource, header: &str) -> Vec<u8> {
    let layout = tables.layout();
    let mut w = Writer(Vec::with_capacity(1 << 20));
    w.0.extend_from_slice(MAGIC);
    w.0.extend_from_slice(&VERSION.to_le_bytes());
    w.str(header);
    match lexicon {
        LexiconSource::None => w.0.push(0),
        LexiconSource::Vnvocab => {
            w.0.push(1);
            w.0.extend_from_slice(&vnvocab_fingerprint().to_le_bytes());
        }
        LexiconSource::Inline(entries) => {
            w.0.push(2);
            w.v(entries.len() as u64);
            for e in entries {
                w.str(e);
            }
        }
    }
    let trained = tables.uni_ids.saturating_sub(FIRST_WORD_ID) as usize;
    w.v(trained as u64);
    for word in tables.vocab.words.iter().take(trained) {
        w.str(word);
    }
    w.i16s(&slice(weights, 0, tables.uni_ids as usize * UNI_W));

    let bigrams = tables.index.bigram_rows().into_iter().map(|(k, r)| {
        let start = layout.bigrams + r as usize * BI_W;
        (k, slice(weights, start, BI_W))
    });
    write_rows(&mut w, bigrams);
    let mut lex_rows: Vec<(u64, u32)> = tables.lex_rows.iter().map(|(&k, &r)| (k, r)).collect();
    lex_rows.sort_unstable();
    let lex_rows = lex_rows
        .into_iter()
        .map(|(k, r)| (k, slice(weights, layout.lex_rows + r as usize, 1)));
    write_rows(&mut w, lex_rows);

    let dense = slice(weights, layout.dense, layout.trans - layout.dense);
    let nonzero: Vec<(usize, i16)> = dense
        .iter()
        .enumerate()
        .filter(|(_, &x)| x != 0)
        .map(|(i, &x)| (i, x))
        .collect();
    w.v(nonzero.len() as u64);
    let mut last = 0;
    for (i, x) in nonzero {
        w.v((i - last) as u64);
        w.i16s(&[x]);
        last = i;
    }
    w.i16s(&slice(weights, layout.trans, 4));

    let words: Vec<Vec<u32>> = tables
        .index
        .words()
        .into_iter()
        .filter(|(_, flag)| flag & ALL_FOLDS != 0)
        .map(|(ids, _)| ids)
        .collect();
    w.v(words.len() as u64);
    for ids in words {
        w.v(ids.len() as u64);
        for id in ids {
            w.v(u64::from(id));
        }
    }
    let sum = fnv1a(w.0.iter().copied());
    w.0.extend_from_slice(&sum.to_le_bytes());
    w.0
}

/// Keyed rows sorted by key: keys as deltas, rows without weight dropped.
fn write_rows(w: &mut Writer, rows: impl Iterator<Item = (u64, Vec<i16>)>) {
    let rows: Vec<(u64, Vec<i16>)> = rows.filter(|(_, ws)| ws.iter().any(|&x| x != 0)).collect();
    w.v(rows.len() as u64);
    let mut last = 0;
    for (k, ws) in rows {
        w.v(k - last);
        w.i16s(&ws);
        last = k;
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

type R<T> = Result<T, ModelError>;
const TRUNCATED: ModelError = ModelError::Corrupt("unexpected end");

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(TRUNCATED)?;
        let s = self.bytes.get(self.at..end).ok_or(TRUNCATED)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }
    fn v(&mut self) -> R<u64> {
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
    /// A count of items of at least `min_size` bytes each, checked against the bytes left.
    fn count(&mut self, min_size: usize) -> R<usize> {
        let n = self.v()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_size.max(1) as u64) > left {
            return Err(TRUNCATED);
        }
        Ok(n as usize)
    }
    fn id(&mut self) -> R<u32> {
        let id = self.v()?;
        if id >= 1 << ID_BITS {
            return Err(ModelError::Corrupt("syllable id out of range"));
        }
        Ok(id as u32)
    }
    fn str(&mut self) -> R<&'a str> {
        let n = self.count(1)?;
        std::str::from_utf8(self.take(n)?).map_err(|_| ModelError::Corrupt("invalid UTF-8"))
    }
    /// Reads rows written by `write_rows`: calls `add` with each key (in increasing order)
    /// and appends its `width` weights to `weights`.
    fn rows(&mut self, width: usize, weights: &mut Vec<i16>, mut add: impl FnMut(u64)) -> R<()> {
        let n = self.count(1 + 2 * width)?;
        weights.reserve(n * width);
        let mut key = 0u64;
        for row in 0..n {
            let delta = self.v()?;
            if row > 0 && delta == 0 {
                return Err(ModelError::Corrupt("keys not increasing"));
            }
            key = key
                .checked_add(delta)
                .ok_or(ModelError::Corrupt("key out of range"))?;
            add(key);
            self.i16s(weights, width)?;
        }
        Ok(())
    }

    fn i16s(&mut self, out: &mut Vec<i16>, n: usize) -> R<()> {
        let b = self.take(2 * n)?;
        out.extend(b.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])));
        Ok(())
    }
}

fn read(bytes: &[u8]) -> R<Segmenter> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(ModelError::NotAModel);
    }
    let mut version = [0; 4];
    version.copy_from_slice(&bytes[MAGIC.len()..MAGIC.len() + 4]);
    let version = u32::from_le_bytes(version);
    if version != VERSION {
        return Err(ModelError::Version(version));
    }
    let Some((body, sum)) = bytes.split_last_chunk::<8>() else {
        return Err(ModelError::Checksum);
    };
    if body.len() < MAGIC.len() + 4 || fnv1a(body.iter().copied()) != u64::from_le_bytes(*sum) {
        return Err(ModelError::Checksum);
    }
    let mut r = Reader {
        bytes: body,
        at: MAGIC.len() + 4,
    };
    let header = r.str()?.to_owned();
    let lexicon = match r.u8()? {
        0 => LexiconSource::None,
        1 => {
            let mut f = [0; 8];
            f.copy_from_slice(r.take(8)?);
            if u64::from_le_bytes(f) != vnvocab_fingerprint() {
                return Err(ModelError::LexiconMismatch);
            }
            LexiconSource::Vnvocab
        }
        2 => {
            let n = r.count(1)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(r.str()?.to_owned());
            }
            LexiconSource::Inline(v)
        }
        _ => return Err(ModelError::Corrupt("unknown lexicon kind")),
    };

    let mut tables = Tables::default();
    let trained = r.count(1)?;
    if trained as u64 + u64::from(FIRST_WORD_ID) >= 1 << ID_BITS {
        return Err(ModelError::Corrupt("vocabulary too large"));
    }
    for k in 0..trained {
        let id = tables.vocab.add(r.str()?, ALL_FOLDS);
        if id != Some(FIRST_WORD_ID + k as u32) {
            return Err(ModelError::Corrupt("repeated syllable"));
        }
    }
    tables.uni_ids = tables.vocab.end();
    let mut weights = Vec::new();
    let uni = tables.uni_ids as usize * UNI_W;
    if uni * 2 > bytes.len() {
        return Err(TRUNCATED);
    }
    weights.reserve(uni);
    r.i16s(&mut weights, uni)?;

    r.rows(BI_W, &mut weights, |key| tables.index.add_bigram(key))?;
    let mut lex_w = Vec::new();
    let mut next = 0;
    r.rows(1, &mut lex_w, |key| {
        tables.lex_rows.insert(key, next);
        next += 1;
    })?;
    weights.extend(lex_w);
    let layout = tables.layout();
    weights.resize(layout.len, 0);

    let n = r.count(3)?;
    let mut at = layout.dense;
    let mut one = Vec::with_capacity(1);
    for k in 0..n {
        let delta = r.v()?;
        at = at
            .checked_add(usize::try_from(delta).map_err(|_| TRUNCATED)?)
            .filter(|&a| a < layout.trans && (k == 0 || delta > 0))
            .ok_or(ModelError::Corrupt("template weight out of range"))?;
        one.clear();
        r.i16s(&mut one, 1)?;
        if let (Some(w), Some(&x)) = (weights.get_mut(at), one.first()) {
            *w = x;
        }
    }
    let mut trans = Vec::with_capacity(4);
    r.i16s(&mut trans, 4)?;
    for (w, x) in weights[layout.trans..].iter_mut().zip(trans) {
        *w = x;
    }

    add_lexicon(&mut tables, lexicon.entries());
    let n = r.count(2)?;
    let mut ids = Vec::new();
    for _ in 0..n {
        let len = r.count(1)?;
        ids.clear();
        for _ in 0..len {
            let id = r.id()?;
            if id >= tables.vocab.end() {
                return Err(ModelError::Corrupt("word of unknown syllables"));
            }
            ids.push(id);
        }
        tables.index.insert_word(&ids, ALL_FOLDS);
    }
    tables.index_for_run_time();
    if r.at != body.len() {
        return Err(ModelError::Corrupt("trailing bytes"));
    }
    Ok(Segmenter {
        dense: Dense::new(&layout, &weights),
        tables,
        layout,
        weights,
        lexicon,
        header,
    })
}
