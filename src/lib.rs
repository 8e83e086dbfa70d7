//! Soi: a Vietnamese text analyzer.
//!
//! The engine is a one-way pipeline of pure modules, usable natively (the `soi` CLI, tests,
//! benchmarks) and in the browser's worker:
//!
//! bytes —[`ingest`]→ text —[`normalize`]→ canonical text —[`hygiene`]→ flagged
//! paragraphs —[`segment`]→ paragraphs, sentences, syllables —[`token`]→ tokens
//! —[`wordseg`] + [`words`]→ words —[`entities`]→ named entities —[`mentions`]→ entities of the corpus; —[`corpus`] / [`stats`]→
//! mergeable counts → views.
//!
//! [`protocol`] holds the wire types between the page and the worker; [`state`] is the UI's
//! pure reducer and [`i18n`] its strings. Only [`web`] (wasm32 only) touches the browser.
#![deny(missing_docs)]

pub mod chart;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod concordance;
pub mod corpus;
pub mod entities;
pub mod explore;
pub mod hygiene;
pub mod i18n;
pub mod index;
pub mod ingest;
pub mod keywords;
pub mod mentions;
pub mod normalize;
pub mod protocol;
pub mod segment;
pub mod state;
pub mod stats;
pub mod syllable;
pub mod token;
pub mod words;
pub mod wordseg;

#[cfg(target_arch = "wasm32")]
pub mod web;
