//! The browser side: the Yew page ([`page`]) and the analysis worker ([`worker`]), whose job
//! queue ([`jobs`]) is plain Rust, built and tested natively too.
//!
//! Both are thin: the page renders [`crate::ui::state::State`] and forwards user actions as
//! [`crate::protocol::Request`]s; the worker runs the engine and answers with views.
//! Messages are `[request, files]` arrays: serde data through serde-wasm-bindgen, plus the
//! dropped `File` handles, which the structured clone passes without copying their bytes.

#[cfg(target_arch = "wasm32")]
pub mod console;
pub mod jobs;
#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod worker;
