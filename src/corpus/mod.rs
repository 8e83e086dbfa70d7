//! The corpus: documents, their per-document counts, and the merged totals.
//!
//! A document is analyzed once, in bounded steps ([`DocBuilder::step`]) so the worker can
//! report progress and honour a cancel between steps; then [`Corpus::add`] merges its counts
//! into the totals. Removing a document subtracts them. Terms are interned once for the
//! whole corpus so every table holds `u32` ids instead of strings.

pub mod batch;
pub mod counts;
pub mod index;
pub mod mentions;
pub mod pack;

use crate::corpus::counts::{Counts, DocCounts, TermId};
use crate::ingest::{self, Detection, Encoding, Refusal, Warning};
use crate::text::hygiene;
use crate::text::normalize::{normalize_with, Normalized, Options as NormOptions};
use crate::text::segment;
use rustc_hash::FxHashMap;

pub use crate::ingest::collection::DocMeta;
pub use crate::ingest::dates::Date;

/// Interned strings: each distinct term stored once, addressed by a dense id.
///
/// The strings sit end to end in one buffer and the table holds only ids, so a term costs
/// its bytes plus 8: a document's own interner (one per document analyzed) is one growing
/// buffer instead of an allocation per term, and the corpus's holds each term once.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    table: hashbrown::HashTable<TermId>,
    text: String,
    /// Where each string starts and ends in `text`.
    spans: Vec<(u32, u32)>,
}

fn term_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl Interner {
    /// The id of `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> TermId {
        let hash = term_hash(s);
        let (text, spans) = (&self.text, &self.spans);
        if let Some(&id) = self
            .table
            .find(hash, |&id| bytes(text, spans, id) == s.as_bytes())
        {
            return id;
        }
        // OK to truncate: 4 billion distinct terms, or 4 GB of them, would not fit in a
        // browser tab anyway.
        let id = self.spans.len() as TermId;
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.spans.push((start, self.text.len() as u32));
        let (text, spans) = (&self.text, &self.spans);
        self.table
            .insert_unique(hash, id, |&id| term_hash(slice(text, spans, id)));
        id
    }

    /// The string of `id`, if it was interned here.
    pub fn resolve(&self, id: TermId) -> Option<&str> {
        ((id as usize) < self.spans.len()).then(|| slice(&self.text, &self.spans, id))
    }

    /// The id of `s` without adding it.
    pub fn get(&self, s: &str) -> Option<TermId> {
        let (text, spans) = (&self.text, &self.spans);
        self.table
            .find(term_hash(s), |&id| bytes(text, spans, id) == s.as_bytes())
            .copied()
    }

    /// Every interned string; its position is its id.
    pub fn strings(&self) -> impl Iterator<Item = &str> + Clone {
        (0..self.spans.len() as TermId).map(|id| slice(&self.text, &self.spans, id))
    }

    /// How many strings are interned.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The interner of the strings `text` holds end to end, string `id` ending at
    /// `ends[id]`, as [`Self::strings`] gave them (for [`crate::corpus::pack`]). Refused
    /// when an end falls outside `text` or inside a character, or a string is given
    /// twice (its ids would not be the ones the document's tables use).
    pub(crate) fn from_parts(text: String, ends: &[u32]) -> Result<Interner, &'static str> {
        let mut spans = Vec::with_capacity(ends.len());
        let mut start = 0u32;
        for &end in ends {
            if end < start || !text.is_char_boundary(end as usize) {
                return Err("interned string outside the text");
            }
            spans.push((start, end));
            start = end;
        }
        if start as usize != text.len() {
            return Err("interned strings do not fill the text");
        }
        let mut table = hashbrown::HashTable::with_capacity(spans.len());
        for id in 0..spans.len() as TermId {
            let s = slice(&text, &spans, id);
            let hash = term_hash(s);
            if table
                .find(hash, |&other| bytes(&text, &spans, other) == s.as_bytes())
                .is_some()
            {
                return Err("a string interned twice");
            }
            table.insert_unique(hash, id, |&id| term_hash(slice(&text, &spans, id)));
        }
        Ok(Interner { table, text, spans })
    }

    /// Bytes held: the strings, their ends and the table.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.spans.capacity() * 8 + self.table.capacity() * 5
    }
}

/// String `id` of an interner's buffer (empty if out of range: never, for ids it gave).
fn slice<'a>(text: &'a str, spans: &[(u32, u32)], id: TermId) -> &'a str {
    let (start, end) = spans.get(id as usize).copied().unwrap_or((0, 0));
    text.get(start as usize..end as usize).unwrap_or("")
}

/// [`slice`] as bytes: comparing needs no character boundary check.
fn bytes<'a>(text: &'a str, spans: &[(u32, u32)], id: TermId) -> &'a [u8] {
    let (start, end) = spans.get(id as usize).copied().unwrap_or((0, 0));
    text.as_bytes()
        .get(start as usize..end as usize)
        .unwrap_or_default()
}

/// A document's stable id within one corpus.
pub type DocId = u32;

/// What the analysis of a document depends on; changing it re-runs the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// Normalization rules.
    pub normalize: NormOptions,
    /// Decode with this encoding instead of the detected one.
    pub encoding: Option<Encoding>,
    /// Leave boilerplate paragraphs (share bars, bylines, captions, menus) out of the
    /// statistics. Duplicates are always counted once.
    pub exclude_boilerplate: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            normalize: NormOptions::default(),
            encoding: None,
            exclude_boilerplate: true,
        }
    }
}

/// Why a paragraph is left out of (or flagged in) the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParaFlag {
    /// Within the document (see [`hygiene::Flag`]).
    Own(hygiene::Flag),
    /// The same paragraph is in an earlier document.
    InOtherDocument(DocId),
}

/// An analyzed document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id, never reused within a corpus.
    pub id: DocId,
    /// The file name, or a generated one for pasted text.
    pub name: String,
    /// The first meaningful line (see [`title_of`]).
    pub title: String,
    /// The normalized text the statistics are built on.
    pub text: String,
    /// What normalization changed (its `text` is empty: see [`Document::text`]).
    pub normalization: Normalized,
    /// How the bytes were decoded; `None` for text that arrived as text (pasted).
    pub encoding: Option<Encoding>,
    /// How sure the encoding detection was, and what else was possible.
    pub detection: Option<Detection>,
    /// Size of the input in bytes.
    pub bytes: usize,
    /// What went wrong but did not stop the file.
    pub warnings: Vec<Warning>,
    /// Counts of this document alone.
    pub counts: DocCounts,
    /// Flagged paragraphs (index among the document's paragraphs, flag, whether it was left
    /// out of the statistics).
    pub flags: Vec<(usize, ParaFlag, bool)>,
    /// Its tokens and words in order (see [`crate::corpus::index`]).
    pub index: crate::corpus::index::DocIndex,
    /// Its named entities (see [`crate::query::entities`]).
    pub entities: crate::corpus::mentions::DocEntities,
    /// Its date, source, group, row and the rest (see [`DocMeta`]); its date is the one
    /// inferred from its dateline when none was given.
    pub meta: DocMeta,
    /// Fingerprints of the paragraphs this document contributed to the corpus.
    fingerprints: Vec<u64>,
}

impl Document {
    /// The decoded text, as the user wrote it (offsets of changes point here). It is not
    /// kept: it is rebuilt from the canonical text and the spans normalization replaced
    /// (a copy of the text; ask once per document, not once per line).
    pub fn original(&self) -> std::borrow::Cow<'_, str> {
        match self.normalization.original_of(&self.text) {
            Some(o) => std::borrow::Cow::Owned(o),
            None => std::borrow::Cow::Borrowed(&self.text),
        }
    }

    /// Bytes of text held: the canonical text (the original is rebuilt from it).
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }
}

/// Heap bytes a corpus holds, by part (see [`Corpus::memory`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MemoryUse {
    /// The canonical texts.
    pub text: usize,
    /// What normalization changed and the offset maps back to the originals.
    pub normalization: usize,
    /// Tokens and words in order.
    pub index: usize,
    /// Per-document and corpus frequency tables.
    pub counts: usize,
    /// Entity mentions and per-document entity counts.
    pub mentions: usize,
    /// Entity co-occurrence pairs (per document and for the corpus).
    pub pairs: usize,
    /// The interned terms and the entity table's names.
    pub terms: usize,
    /// Names, titles, flags, fingerprints, warnings, duplicate keys.
    pub other: usize,
}

impl MemoryUse {
    /// Every part.
    pub fn total(&self) -> usize {
        self.text
            + self.normalization
            + self.index
            + self.counts
            + self.mentions
            + self.pairs
            + self.terms
            + self.other
    }
}

/// A document being analyzed, step by step.
#[derive(Debug)]
pub struct DocBuilder {
    name: String,
    normalized: Normalized,
    encoding: Option<Encoding>,
    detection: Option<Detection>,
    bytes: usize,
    warnings: Vec<Warning>,
    paragraphs: Vec<std::ops::Range<usize>>,
    own_flags: Vec<Option<hygiene::Flag>>,
    paragraph_fps: Vec<u64>,
    sentence_buf: Vec<std::ops::Range<usize>>,
    word_scratch: crate::words::Scratch,
    word_buf: Vec<crate::words::Word>,
    layout: crate::words::Layout,
    index: crate::corpus::index::DocIndex,
    memory: crate::entities::DocMemory,
    found: Vec<crate::entities::Mention>,
    entities: crate::corpus::mentions::DocEntities,
    next: usize,
    exclude_boilerplate: bool,
    counts: Counts,
    flags: Vec<(usize, ParaFlag, bool)>,
    fingerprints: Vec<u64>,
    lower: String,
    /// For each paragraph, the earlier document that holds the same paragraph; filled once
    /// by [`DocBuilder::settle`], before the first paragraph is analyzed.
    owners: Option<Vec<Option<DocId>>>,
    /// This document's own terms; their ids become the corpus's when it is added, so a
    /// document can be analyzed on any thread and merged later.
    terms: Interner,
    /// This document's own entities, remapped the same way.
    table: crate::corpus::mentions::EntityTable,
    /// Terms (local ids) seen as acronyms.
    acronyms: Vec<TermId>,
    /// What is known besides the text.
    meta: DocMeta,
}

impl DocBuilder {
    /// Decode and normalize a file's bytes; refuse what is not text.
    pub fn from_bytes(name: String, bytes: &[u8], opts: &AnalysisOptions) -> Result<Self, Refusal> {
        let decoded = ingest::decode_file(&name, bytes, opts.encoding)?;
        let normalized = normalize_with(&decoded.text, &opts.normalize);
        Ok(Self::new(
            name,
            normalized,
            Some(decoded.encoding),
            Some(decoded.detection),
            bytes.len(),
            decoded.warnings,
            opts,
        ))
    }

    /// Text that arrived as text (pasted); refused only when blank.
    pub fn from_text(name: String, text: &str, opts: &AnalysisOptions) -> Result<Self, Refusal> {
        if text.trim().is_empty() {
            return Err(Refusal::Empty);
        }
        let normalized = normalize_with(text, &opts.normalize);
        Ok(Self::new(
            name,
            normalized,
            None,
            None,
            text.len(),
            Vec::new(),
            opts,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        name: String,
        normalized: Normalized,
        encoding: Option<Encoding>,
        detection: Option<Detection>,
        bytes: usize,
        warnings: Vec<Warning>,
        opts: &AnalysisOptions,
    ) -> Self {
        let counts = Counts {
            documents: 1,
            ..Counts::default()
        };
        let paragraphs: Vec<std::ops::Range<usize>> = segment::paragraphs(&normalized.text)
            .map(|(r, _)| r)
            .collect();
        let texts: Vec<&str> = paragraphs
            .iter()
            .map(|r| &normalized.text[r.clone()])
            .collect();
        let (own_flags, paragraph_fps) = hygiene::check_with_fingerprints(&texts);
        // Dates without a year ("ngày 23/12") take the year of the document's dateline.
        let memory = match crate::entities::year::document_year(&normalized.text) {
            Some(y) => crate::entities::DocMemory::with_year(y),
            None => crate::entities::DocMemory::new(),
        };
        // Without a date given, the document's date is its dateline's (inferred).
        let inferred = crate::ingest::dates::infer_date(&normalized.text);
        let meta = DocMeta {
            date: inferred,
            date_inferred: inferred.is_some(),
            ..DocMeta::default()
        };
        DocBuilder {
            name,
            normalized,
            encoding,
            detection,
            bytes,
            warnings,
            paragraphs,
            own_flags,
            paragraph_fps,
            sentence_buf: Vec::new(),
            word_scratch: crate::words::Scratch::default(),
            word_buf: Vec::new(),
            layout: crate::words::Layout::default(),
            index: crate::corpus::index::DocIndex::default(),
            memory,
            found: Vec::new(),
            entities: crate::corpus::mentions::DocEntities::default(),
            next: 0,
            exclude_boilerplate: opts.exclude_boilerplate,
            counts,
            flags: Vec::new(),
            fingerprints: Vec::new(),
            lower: String::new(),
            owners: None,
            terms: Interner::default(),
            table: Default::default(),
            acronyms: Vec::new(),
            meta,
        }
    }

    /// The document with `meta` (a record's columns, a zip entry's folder): a given date
    /// becomes its date and the year that dates without one take (the entity rules'
    /// document year); without one, the date inferred from its text stays, marked so.
    /// Call before the first [`Self::step`]: the year reaches only paragraphs not yet
    /// analyzed.
    pub fn with_meta(mut self, meta: DocMeta) -> Self {
        let inferred = self.meta.date.filter(|_| self.meta.date_inferred);
        self.meta = meta;
        match self.meta.date {
            Some(d) if !self.meta.date_inferred => {
                if self.next == 0 {
                    self.memory = crate::entities::DocMemory::with_year(i32::from(d.y));
                }
            }
            _ => {
                self.meta.date = inferred;
                self.meta.date_inferred = inferred.is_some();
            }
        }
        self
    }

    /// What is known about the document besides its text.
    pub fn meta(&self) -> &DocMeta {
        &self.meta
    }

    /// The fingerprint of each paragraph and whether the paragraph is flagged within the
    /// document; a paragraph with no flag is one another document may repeat.
    pub fn own_paragraphs(&self) -> impl Iterator<Item = (u64, bool)> + '_ {
        self.paragraph_fps
            .iter()
            .zip(&self.own_flags)
            .map(|(&fp, f)| (fp, f.is_some()))
    }

    /// Decide which paragraphs repeat an earlier document's: `owner` says which document
    /// holds a paragraph with that fingerprint. Done once; later calls do nothing.
    pub fn settle(&mut self, owner: impl Fn(u64) -> Option<DocId>) {
        if self.owners.is_some() {
            return;
        }
        let owners = self
            .own_paragraphs()
            .map(|(fp, flagged)| if flagged { None } else { owner(fp) })
            .collect();
        self.owners = Some(owners);
    }

    /// The fingerprints this document gives the corpus once added (its paragraphs that are
    /// neither flagged nor copies of an earlier document's). Only after [`Self::settle`].
    pub fn claims(&self) -> impl Iterator<Item = u64> + '_ {
        let owners = self.owners.as_deref().unwrap_or_default();
        self.own_paragraphs()
            .zip(owners)
            .filter(|((_, flagged), owner)| !flagged && owner.is_none())
            .map(|((fp, _), _)| fp)
    }

    /// The document's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Bytes of normalized text analyzed so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        let done = self
            .paragraphs
            .get(self.next)
            .map_or(self.normalized.text.len(), |r| r.start);
        (done, self.normalized.text.len())
    }

    /// Analyze about `budget` more bytes (whole paragraphs). `corpus` gives the interner
    /// and the paragraphs earlier documents hold. Returns `true` when the text is done.
    pub fn step(&mut self, corpus: &Corpus, budget: usize) -> bool {
        self.settle(|fp| corpus.paragraph_owner.get(&fp).copied());
        let recognizer = corpus
            .recognizer
            .as_deref()
            .unwrap_or_else(|| crate::entities::Recognizer::embedded());
        self.analyze(&corpus.dictionary, recognizer, budget)
    }

    /// Analyze the next paragraphs, about `budget` bytes of them, with the user's
    /// dictionary and recognizer; `true` when every paragraph is done. Settles against no
    /// other document if [`Self::settle`] was not called.
    pub fn analyze(
        &mut self,
        dictionary: &crate::words::UserDict,
        recognizer: &crate::entities::Recognizer,
        budget: usize,
    ) -> bool {
        self.settle(|_| None);
        let start = self.progress().0;
        while self.next < self.paragraphs.len() {
            let range = self.paragraphs[self.next].clone();
            if range.start > start && range.end - start > budget {
                break;
            }
            let i = self.next;
            self.next += 1;
            let para = &self.normalized.text[range];
            let mut flag = self.own_flags[i].map(ParaFlag::Own);
            if flag.is_none() {
                let owner = self
                    .owners
                    .as_ref()
                    .and_then(|o| o.get(i).copied().flatten());
                flag = owner.map(ParaFlag::InOtherDocument);
            }
            let excluded = match flag {
                Some(ParaFlag::Own(hygiene::Flag::Boilerplate(_))) => self.exclude_boilerplate,
                Some(_) => true,
                None => false,
            };
            if let Some(f) = flag {
                self.flags.push((i, f, excluded));
            }
            if excluded {
                continue;
            }
            if flag.is_none() {
                self.fingerprints.push(self.paragraph_fps[i]);
            }
            self.counts.paragraphs += 1;
            segment::sentences_into(para, &mut self.sentence_buf);
            self.counts.sentences += self.sentence_buf.len() as u64;
            self.counts.chars += para.chars().count() as u64;
            for (_, syl) in segment::syllables(para) {
                self.counts.syllables += 1;
                self.lower.clear();
                crate::text::syllable::push_lower(syl, &mut self.lower);
                let id = self.terms.intern(&self.lower);
                *self.counts.syllable_freq.entry(id).or_insert(0) += 1;
            }
            crate::words::words_and_tokens_into(
                para,
                crate::wordseg::Segmenter::embedded(),
                dictionary,
                &mut self.word_scratch,
                &mut self.word_buf,
                Some(&mut self.layout),
            );
            let words_before = self.index.words.len();
            let terms = &mut self.terms;
            self.index.push_paragraph(
                para,
                self.paragraphs[i].start,
                &self.layout,
                &self.word_buf,
                |s| terms.intern(s),
            );
            for &id in &self.index.words[words_before..] {
                if id != crate::corpus::index::BREAK {
                    self.counts.words += 1;
                    *self.counts.word_freq.entry(id).or_insert(0) += 1;
                }
            }
            recognizer.paragraph(para, &self.word_buf, &mut self.memory, &mut self.found);
            self.entities.push_paragraph(
                i,
                self.paragraphs[i].start,
                &self.found,
                &self.sentence_buf,
                &mut self.table,
            );
            for w in &self.word_buf {
                if w.kind == crate::text::token::TokenKind::Acronym && w.tokens == 1 {
                    self.lower.clear();
                    self.lower.extend(
                        para[w.range.clone()]
                            .chars()
                            .map(crate::text::syllable::to_lower),
                    );
                    if let Some(id) = self.terms.get(&self.lower) {
                        self.acronyms.push(id);
                    }
                }
            }
        }
        self.next >= self.paragraphs.len()
    }

    /// The finished document as `corpus` will hold it: its local term and entity ids
    /// replaced by the corpus's (interned in the order this document first used them, so
    /// ids come out as if the document had been analyzed against the corpus itself).
    fn finish(self, id: DocId, corpus: &mut Corpus) -> Document {
        self.seal(id).into_corpus(corpus)
    }

    /// The finished document with its own ids, ready to merge into a corpus (which can be
    /// on another thread): everything but the remapping of ids.
    pub fn seal(mut self, id: DocId) -> Analyzed {
        let text = std::mem::take(&mut self.normalized.text);
        let title = match self.meta.title.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => t.to_owned(),
            _ => title_of(&text).unwrap_or_else(|| self.name.clone()),
        };
        Analyzed {
            doc: Document {
                id,
                title,
                name: self.name,
                text,
                normalization: self.normalized,
                encoding: self.encoding,
                detection: self.detection,
                bytes: self.bytes,
                warnings: self.warnings,
                counts: self.counts.into(),
                flags: self.flags,
                index: self.index,
                entities: {
                    let mut e = self.entities;
                    e.finish();
                    e
                },
                meta: self.meta,
                fingerprints: self.fingerprints,
            },
            terms: self.terms,
            table: self.table,
            acronyms: self.acronyms,
        }
    }
}

/// A document analyzed apart from any corpus ([`DocBuilder::seal`]): its term and entity ids
/// are its own until [`Corpus::add_analyzed`] maps them to the corpus's.
#[derive(Debug)]
pub struct Analyzed {
    doc: Document,
    terms: Interner,
    table: crate::corpus::mentions::EntityTable,
    acronyms: Vec<TermId>,
}

impl Analyzed {
    /// The document, in its own ids.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The term a (local) id stands for.
    pub fn term(&self, id: TermId) -> Option<&str> {
        self.terms.resolve(id)
    }

    /// The entity a (local) id stands for.
    pub fn entity(
        &self,
        id: crate::corpus::mentions::EntityId,
    ) -> Option<&crate::corpus::mentions::EntityInfo> {
        self.table.info(id)
    }

    /// The document in `corpus`'s ids (interning its terms and entities there, in the order
    /// this document first used them, so the ids do not depend on which thread analyzed it).
    fn into_corpus(mut self, corpus: &mut Corpus) -> Document {
        let terms: Vec<TermId> = self
            .terms
            .strings()
            .map(|s| corpus.interner.intern(s))
            .collect();
        let entities: Vec<crate::corpus::mentions::EntityId> = self
            .table
            .info
            .iter()
            .map(|e| {
                corpus
                    .entities
                    .intern(e.kind, &e.canonical, e.expansion.as_deref())
            })
            .collect();
        let d = &mut self.doc;
        d.counts.remap(&terms);
        d.index.remap(&terms);
        d.entities.remap(&entities);
        corpus
            .acronyms
            .extend(self.acronyms.iter().filter_map(|&t| terms.get(t as usize)));
        d.index.shrink();
        d.entities.shrink();
        self.doc
    }
}

/// The first meaningful line of a text: one with at least four syllables whose letters make
/// up most of it, so date lines ("Thứ hai, 08/08/2022"), bylines and rule lines are skipped.
/// Long lines are cut at a syllable boundary near 120 characters.
pub fn title_of(text: &str) -> Option<String> {
    const MAX_CHARS: usize = 120;
    let meaningful = |line: &str| {
        let syllables = segment::syllables(line).count();
        let letters = line
            .chars()
            .filter(|&c| segment::is_syllable_char(c))
            .count();
        let visible = line.chars().filter(|c| !c.is_whitespace()).count();
        syllables >= 4 && letters * 2 > visible
    };
    let line = segment::paragraphs(text)
        .map(|(_, p)| p)
        .find(|p| meaningful(p))
        .or_else(|| segment::paragraphs(text).map(|(_, p)| p).next())?;
    if line.chars().count() <= MAX_CHARS {
        return Some(line.to_owned());
    }
    let cut: String = line.chars().take(MAX_CHARS).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > MAX_CHARS / 2 => &cut[..i],
        _ => &cut[..],
    };
    Some(format!("{}…", cut.trim_end()))
}

/// Corpus-level numbers and the most frequent terms, as strings.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Merged counts (without the frequency table).
    pub documents: u64,
    /// Non-blank lines.
    pub paragraphs: u64,
    /// Sentences.
    pub sentences: u64,
    /// Syllable tokens.
    pub syllables: u64,
    /// Distinct syllables.
    pub types: u64,
    /// Word tokens.
    pub words: u64,
    /// Distinct words.
    pub word_types: u64,
    /// Most frequent words with their counts, stopwords left out.
    pub top_words: Vec<(String, u64)>,
    /// Characters.
    pub chars: u64,
    /// Most frequent syllables with their counts.
    pub top_syllables: Vec<(String, u64)>,
}

/// Documents and their merged counts.
#[derive(Debug)]
pub struct Corpus {
    interner: Interner,
    /// The user's corrections to word segmentation, applied to every document analyzed.
    pub dictionary: crate::words::UserDict,
    /// Which document holds each paragraph (by fingerprint), so a later copy counts once.
    paragraph_owner: FxHashMap<u64, DocId>,
    docs: Vec<Document>,
    totals: Counts,
    next_id: DocId,
    /// Terms seen as acronyms (a term's kind does not change, so this only grows).
    pub acronyms: rustc_hash::FxHashSet<TermId>,
    /// Words the keyword tables leave out (the built-in list unless the user edited it).
    pub stopwords: crate::words::stopwords::Stopwords,
    /// Entities named in the documents, with merged counts.
    entities: crate::corpus::mentions::EntityTable,
    /// The recognizer with the user's entries; `None`: the embedded one.
    recognizer: Option<std::sync::Arc<crate::entities::Recognizer>>,
}

impl Default for Corpus {
    fn default() -> Self {
        Corpus {
            interner: Interner::default(),
            dictionary: crate::words::UserDict::default(),
            paragraph_owner: FxHashMap::default(),
            docs: Vec::new(),
            totals: Counts::default(),
            next_id: 0,
            acronyms: Default::default(),
            stopwords: crate::words::stopwords::Stopwords::builtin().clone(),
            entities: Default::default(),
            recognizer: None,
        }
    }
}

impl Corpus {
    /// An empty corpus.
    pub fn new() -> Self {
        Self::default()
    }

    /// Finish `builder` and add the document; returns its id.
    pub fn add(&mut self, builder: DocBuilder) -> DocId {
        let id = self.next_id;
        self.next_id += 1;
        let doc = builder.finish(id, self);
        self.push(doc)
    }

    /// Add a document analyzed apart ([`DocBuilder::seal`]) under its id; if a document of
    /// the corpus already has that id, it gets a new one. Returns its id.
    pub fn add_analyzed(&mut self, analyzed: Analyzed) -> DocId {
        let id = analyzed.doc.id;
        if self.doc(id).is_some() {
            let mut doc = analyzed.into_corpus(self);
            doc.id = self.next_id;
            self.next_id += 1;
            return self.push(doc);
        }
        self.next_id = self.next_id.max(id + 1);
        let doc = analyzed.into_corpus(self);
        self.push(doc)
    }

    /// Count a finished document (in the corpus's ids) and keep it in the order of ids.
    fn push(&mut self, doc: Document) -> DocId {
        let id = doc.id;
        self.totals.merge(&doc.counts);
        self.entities.merge(&doc.entities);
        for &fp in &doc.fingerprints {
            self.paragraph_owner.entry(fp).or_insert(id);
        }
        let at = self.docs.partition_point(|d| d.id < id);
        self.docs.insert(at, doc);
        id
    }

    /// Take the next document id, for a document analyzed apart ([`DocBuilder::seal`]) and
    /// added later with [`Corpus::add_analyzed`]: ids are handed out in the order documents
    /// come, whatever order their analyses end in.
    pub fn reserve_id(&mut self) -> DocId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The document that holds the paragraph with fingerprint `fp` (see
    /// [`DocBuilder::settle`]).
    pub fn paragraph_owner(&self, fp: u64) -> Option<DocId> {
        self.paragraph_owner.get(&fp).copied()
    }

    /// Add `builder` again under the id it had before (a re-analysis after a changed setting
    /// or encoding), in its place in the order of ids.
    pub fn add_as(&mut self, builder: DocBuilder, id: DocId) -> DocId {
        self.add_analyzed(builder.seal(id))
    }

    /// Analyze a whole file at once (the CLI's path) with default options and add it.
    pub fn add_bytes(&mut self, name: String, bytes: &[u8]) -> Result<DocId, Refusal> {
        self.add_bytes_with(name, bytes, &AnalysisOptions::default())
    }

    /// Analyze a whole file at once with `opts` and add it.
    pub fn add_bytes_with(
        &mut self,
        name: String,
        bytes: &[u8],
        opts: &AnalysisOptions,
    ) -> Result<DocId, Refusal> {
        let mut b = DocBuilder::from_bytes(name, bytes, opts)?;
        while !b.step(self, usize::MAX) {}
        Ok(self.add(b))
    }

    /// Set (or, with `None`, clear) a document's date, as a user's edit: no longer
    /// inferred. Only the metadata changes: dates without a year that its text gave
    /// took the year known when it was analyzed (re-add it with [`DocBuilder::with_meta`]
    /// to change those). Returns whether the document is there.
    pub fn set_date(&mut self, id: DocId, date: Option<Date>) -> bool {
        let Ok(i) = self.docs.binary_search_by_key(&id, |d| d.id) else {
            return false;
        };
        let d = &mut self.docs[i];
        d.meta.date = date;
        d.meta.date_inferred = false;
        true
    }

    /// Remove a document; its counts leave the totals. Returns whether it was there.
    pub fn remove(&mut self, id: DocId) -> bool {
        match self.docs.binary_search_by_key(&id, |d| d.id).ok() {
            Some(i) => {
                let doc = self.docs.remove(i);
                self.totals.subtract(&doc.counts);
                self.entities.subtract(&doc.entities);
                for fp in &doc.fingerprints {
                    if self.paragraph_owner.get(fp) == Some(&id) {
                        self.paragraph_owner.remove(fp);
                    }
                }
                true
            }
            None => false,
        }
    }

    /// Every interned term; its position is its id (see [`crate::corpus::index::Matcher`]).
    pub fn vocabulary(&self) -> impl Iterator<Item = &str> + Clone {
        self.interner.strings()
    }

    /// The entities named in the documents.
    pub fn entities(&self) -> &crate::corpus::mentions::EntityTable {
        &self.entities
    }

    /// Use the user's gazetteer entries (see
    /// [`crate::entities::Recognizer::with_user_entries`]) for documents analyzed from now
    /// on; empty: the embedded gazetteers alone. Returns the lines that were not entries.
    pub fn set_entity_entries(&mut self, lines: &str) -> Vec<crate::entities::UserEntryError> {
        if lines.trim().is_empty() {
            self.recognizer = None;
            return Vec::new();
        }
        let (r, errors) = crate::entities::Recognizer::with_user_entries(lines);
        self.recognizer = Some(std::sync::Arc::new(r));
        errors
    }

    /// The interner (for memory figures).
    pub fn interner(&self) -> &Interner {
        &self.interner
    }

    /// What the corpus holds on the heap, by part (from lengths and capacities; a hash
    /// table counts its capacity times its entry and control byte).
    pub fn memory(&self) -> MemoryUse {
        fn map<K, V, S>(m: &std::collections::HashMap<K, V, S>) -> usize {
            m.capacity() * (std::mem::size_of::<(K, V)>() + 1)
        }
        let mut u = MemoryUse {
            terms: self.interner.heap_bytes(),
            ..MemoryUse::default()
        };
        for d in &self.docs {
            u.text += d.text.capacity();
            u.normalization += d.normalization.heap_bytes();
            u.index += d.index.heap_bytes();
            u.counts += d.counts.heap_bytes();
            let e = &d.entities;
            u.mentions += e.mentions.capacity() * std::mem::size_of::<mentions::DocMention>()
                + e.counts.heap_bytes();
            u.pairs += e.sentence_pairs.heap_bytes() + e.paragraph_pairs.heap_bytes();
            u.other += std::mem::size_of::<Document>()
                + d.name.capacity()
                + d.title.capacity()
                + d.flags.capacity() * std::mem::size_of::<(usize, ParaFlag, bool)>()
                + d.fingerprints.capacity() * 8
                + d.warnings.capacity() * std::mem::size_of::<Warning>();
        }
        u.counts += map(&self.totals.syllable_freq) + map(&self.totals.word_freq);
        u.pairs += map(&self.entities.sentence_pairs) + map(&self.entities.paragraph_pairs);
        u.terms += self.entities.names_bytes();
        u.other += map(&self.paragraph_owner);
        u
    }

    /// The text of interned term `id`.
    pub fn term(&self, id: TermId) -> Option<&str> {
        self.interner.resolve(id)
    }

    /// The id of `term` (lower case), if any document has it.
    pub fn term_id(&self, term: &str) -> Option<TermId> {
        self.interner.get(term)
    }

    /// Remove every document.
    pub fn clear(&mut self) {
        *self = Corpus {
            next_id: self.next_id,
            dictionary: std::mem::take(&mut self.dictionary),
            stopwords: std::mem::take(&mut self.stopwords),
            recognizer: self.recognizer.take(),
            ..Corpus::default()
        };
    }

    /// The documents, in the order they were added.
    pub fn docs(&self) -> &[Document] {
        &self.docs
    }

    /// A document by id.
    pub fn doc(&self, id: DocId) -> Option<&Document> {
        // Documents are kept in the order of ids.
        let i = self.docs.binary_search_by_key(&id, |d| d.id).ok()?;
        self.docs.get(i)
    }

    /// Merged counts of all documents.
    pub fn totals(&self) -> &Counts {
        &self.totals
    }

    /// Numbers and the `top` most frequent syllables of `counts` (the corpus or one document).
    pub fn overview_of(&self, counts: &Counts, top: usize) -> Overview {
        Overview {
            documents: counts.documents,
            paragraphs: counts.paragraphs,
            sentences: counts.sentences,
            syllables: counts.syllables,
            types: counts.types() as u64,
            words: counts.words,
            word_types: counts.word_freq.len() as u64,
            top_words: crate::corpus::counts::top_of(
                &self.content_words(&counts.word_freq),
                top,
                |id| self.interner.resolve(id),
            )
            .into_iter()
            .map(|(id, n)| (self.interner.resolve(id).unwrap_or("?").to_owned(), n))
            .collect(),
            chars: counts.chars,
            top_syllables: counts
                .top(top, |id| self.interner.resolve(id))
                .into_iter()
                .map(|(id, n)| (self.interner.resolve(id).unwrap_or("?").to_owned(), n))
                .collect(),
        }
    }

    /// `freq` without the built-in stopwords: the words a reader looks for.
    pub fn content_words(&self, freq: &FxHashMap<TermId, u64>) -> FxHashMap<TermId, u64> {
        let stop = &self.stopwords;
        freq.iter()
            .filter(|(&id, _)| self.interner.resolve(id).is_some_and(|t| !stop.contains(t)))
            .map(|(&k, &v)| (k, v))
            .collect()
    }

    /// [`overview_of`](Self::overview_of) the whole corpus.
    pub fn overview(&self, top: usize) -> Overview {
        self.overview_of(&self.totals, top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Thứ hai,  08/08/2022\n\nTổng Bí thư làm việc với Ban Đối ngoại Trung ương\n\nNgày 23/12, Tổng Bí thư đã làm việc. Đối ngoại là trọng tâm.\n";
    const B: &str = "Hoạt động đối ngoại được triển khai đồng bộ.";

    #[test]
    fn counts_by_hand() {
        let mut c = Corpus::new();
        let id = c.add_bytes("a.txt".into(), A.as_bytes()).unwrap();
        let d = c.doc(id).unwrap();
        assert_eq!(d.title, "Tổng Bí thư làm việc với Ban Đối ngoại Trung ương");
        // The date line is boilerplate, left out by default: heading (1) + two sentences.
        assert_eq!(d.counts.paragraphs, 2);
        assert_eq!(d.counts.sentences, 3);
        assert_eq!(d.counts.syllables, 11 + 7 + 5);
        assert_eq!(
            d.flags,
            vec![(
                0,
                ParaFlag::Own(hygiene::Flag::Boilerplate(hygiene::Boilerplate::Dateline)),
                true
            )]
        );
        let keep = AnalysisOptions {
            exclude_boilerplate: false,
            ..AnalysisOptions::default()
        };
        let mut all = Corpus::new();
        let id = all
            .add_bytes_with("a.txt".into(), A.as_bytes(), &keep)
            .unwrap();
        let d = all.doc(id).unwrap();
        assert_eq!(
            (d.counts.paragraphs, d.counts.sentences, d.counts.syllables),
            (3, 4, 2 + 11 + 7 + 5)
        );
        let o = c.overview(20);
        // "đối" ×2, "ngoại" ×2 … lower-cased, so "Đối" and "đối" are one term.
        assert_eq!(o.top_syllables[0].1, 2);
        assert!(o.top_syllables.iter().any(|(s, _)| s == "đối"));
    }

    #[test]
    fn stepwise_equals_whole_and_remove_restores() {
        let text = A.repeat(50);
        let mut whole = Corpus::new();
        whole.add_bytes("a".into(), text.as_bytes()).unwrap();
        let mut stepped = Corpus::new();
        let mut b =
            DocBuilder::from_bytes("a".into(), text.as_bytes(), &AnalysisOptions::default())
                .unwrap();
        let mut steps = 0;
        while !b.step(&stepped, 64) {
            steps += 1;
        }
        assert!(steps > 10);
        stepped.add(b);
        assert_eq!(whole.overview(20), stepped.overview(20));

        let before = stepped.overview(20);
        let id = stepped.add_bytes("b".into(), B.as_bytes()).unwrap();
        assert_ne!(stepped.overview(20), before);
        assert!(stepped.remove(id));
        assert!(!stepped.remove(id));
        assert_eq!(stepped.overview(20), before);
    }

    #[test]
    fn duplicates_count_once_within_and_across_documents() {
        let lead = "Hội nghị Ngoại giao lần thứ 32 diễn ra tại Hà Nội.";
        let mut c = Corpus::new();
        let a = c
            .add_bytes(
                "a".into(),
                format!("{lead}\nĐối ngoại.\n{lead}\n").as_bytes(),
            )
            .unwrap();
        assert_eq!(
            c.doc(a).unwrap().counts.paragraphs,
            2,
            "the repeat inside a counts once"
        );
        let b = c
            .add_bytes("b".into(), format!("Mở đầu.\n{lead}\n").as_bytes())
            .unwrap();
        let db = c.doc(b).unwrap();
        assert_eq!(
            db.counts.paragraphs, 1,
            "a's paragraph is not counted again in b"
        );
        assert_eq!(db.flags, vec![(1, ParaFlag::InOtherDocument(a), true)]);
        assert_eq!(c.totals().paragraphs, 3);
        // Removed, a no longer owns the paragraph: a new document counts it.
        c.remove(a);
        let d = c.add_bytes("d".into(), lead.as_bytes()).unwrap();
        assert_eq!(c.doc(d).unwrap().counts.paragraphs, 1);
    }

    #[test]
    fn titles() {
        assert_eq!(
            title_of("\n  \nThứ hai, 08/08/2022\nĐối ngoại Việt Nam năm 2022\n").as_deref(),
            Some("Đối ngoại Việt Nam năm 2022")
        );
        assert_eq!(title_of("12/12/2022").as_deref(), Some("12/12/2022"));
        assert_eq!(title_of(" \n"), None);
        let long = "đối ngoại ".repeat(40);
        let t = title_of(&long).unwrap();
        assert!(t.chars().count() <= 121 && t.ends_with('…'), "{t}");
    }

    #[test]
    fn pasted_text() {
        assert_eq!(
            DocBuilder::from_text("x".into(), "  \n", &AnalysisOptions::default()).unwrap_err(),
            Refusal::Empty
        );
        let mut c = Corpus::new();
        let mut b = DocBuilder::from_text("dán-1".into(), B, &AnalysisOptions::default()).unwrap();
        assert!(b.step(&c, 1 << 20));
        let id = c.add(b);
        assert_eq!(c.doc(id).unwrap().counts.syllables, 9);
        assert_eq!(c.doc(id).unwrap().encoding, None);
    }
}
