//! Text: the Vietnamese syllable grammar, normalization to one canonical text, paragraphs
//! and sentences, tokens with kinds, paragraph hygiene, and syllable patterns for the
//! concordance. Depends on nothing but std and unicode-normalization.

pub mod concordance;
pub mod hygiene;
pub mod normalize;
pub mod segment;
pub mod syllable;
pub mod token;
