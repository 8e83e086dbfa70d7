//! The browser console, where the page and the worker report what cannot be shown.

use wasm_bindgen::JsValue;

/// Log `message` as a console warning.
pub(crate) fn console_warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// Log `message` as a console error (browser tests fail on these).
pub(crate) fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}
