//! The page's state and words: a pure reducer over the worker's answers ([`state`]) and every
//! visible string in Vietnamese and English ([`i18n`]). Imports only [`crate::protocol`]:
//! the UI computes nothing.

pub mod i18n;
pub mod state;
