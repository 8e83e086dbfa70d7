//! Soi: a Vietnamese text analyzer.
//!
//! The engine is a stack of layers, each a folder that imports only the layers below it
//! (`tests/layers.rs` keeps it so):
//!
//! [`text`] (syllables, normalization, sentences, tokens, hygiene) → [`ingest`] (bytes →
//! text) → [`wordseg`] (the learned segmenter) → [`words`] (tokens → words, the user's
//! dictionary, stopwords) → [`entities`] (rules, gazetteers, dates) → [`corpus`] (documents,
//! counts, index, mentions; mergeable per document) → [`query`] (keywords, trends,
//! concordance, collocates, entity tables) → [`protocol`] (the wire: the only serde) →
//! [`ui`] (the page's state and strings) → [`cli`] natively, [`web`] in the browser.
#![deny(missing_docs)]

pub mod text;

pub mod ingest;

pub mod wordseg;

pub mod words;

pub mod entities;

pub mod corpus;

pub mod query;

pub mod protocol;

pub mod ui;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

pub mod web;
