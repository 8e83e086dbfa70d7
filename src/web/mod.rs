//! The browser side: the Yew page ([`app`]) and the analysis worker ([`worker`]).
//!
//! Both are thin: the page renders [`crate::state::State`] and forwards user actions as
//! [`crate::protocol::Request`]s; the worker runs the engine and answers with views.
//! Messages are `[request, files]` arrays: serde data through serde-wasm-bindgen, plus the
//! dropped `File` handles, which the structured clone passes without copying their bytes.

pub mod app;
pub mod entities;
pub mod explore;
pub mod store;
pub mod worker;

use wasm_bindgen::JsValue;

/// Log `message` as a console warning.
pub(crate) fn console_warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// Log `message` as a console error (browser tests fail on these).
pub(crate) fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}
