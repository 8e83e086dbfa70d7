//! The page: a Yew app that renders [`crate::ui::state::State`] and talks to the worker.
//! [`app`] is the shell (documents, Overview, Reader, Normalization), [`explore`],
//! [`entities`] and [`documents`] the analysis views, [`widgets`] what they share, [`bridge`] the wire.

pub mod app;
pub mod bridge;
pub mod documents;
pub mod entities;
pub mod explore;
pub mod widgets;

pub use app::start;
