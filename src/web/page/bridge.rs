//! The page's end of the wire: the connection to the worker (requests wait until it says
//! `Ready`) and file downloads.

use crate::protocol::{JobId, Request};
use crate::web::console::console_error;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::MessageEvent;

/// The connection to the worker. Requests sent before the worker is ready wait in `pending`.
pub(super) struct Bridge {
    pub(super) worker: web_sys::Worker,
    pub(super) ready: bool,
    pub(super) pending: Vec<js_sys::Array>,
    pub(super) _onmessage: Closure<dyn FnMut(MessageEvent)>,
    pub(super) next_job: JobId,
}

/// The page's handle on the worker.
#[derive(Clone)]
pub struct Handle(pub(super) Rc<RefCell<Option<Bridge>>>);

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Handle {
    pub(super) fn job_id(&self) -> JobId {
        let mut b = self.0.borrow_mut();
        match b.as_mut() {
            Some(b) => {
                b.next_job += 1;
                b.next_job
            }
            None => 0,
        }
    }

    /// Send `req` (with `files` beside it) to the worker, or queue it until it is ready.
    pub fn send(&self, req: &Request, files: Option<&js_sys::Array>) {
        let Ok(value) = serde_wasm_bindgen::to_value(req) else {
            console_error("soi: cannot serialize a request");
            return;
        };
        let msg = js_sys::Array::of2(&value, files.map_or(&JsValue::UNDEFINED, |f| f.as_ref()));
        let mut b = self.0.borrow_mut();
        let Some(b) = b.as_mut() else { return };
        if b.ready {
            if let Err(e) = b.worker.post_message(&msg) {
                console_error(&format!("soi: postMessage failed: {e:?}"));
            }
        } else {
            b.pending.push(msg);
        }
    }

    pub(super) fn on_ready(&self) {
        let mut b = self.0.borrow_mut();
        let Some(b) = b.as_mut() else { return };
        b.ready = true;
        for msg in b.pending.drain(..) {
            if let Err(e) = b.worker.post_message(&msg) {
                console_error(&format!("soi: postMessage failed: {e:?}"));
            }
        }
    }
}

/// Offer `content` as a file download. The data goes from memory to disk through a `blob:`
/// URL; nothing leaves the machine.
pub fn download(name: &str, mime: &str, content: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = gloo::utils::document().create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        let _ = gloo::utils::body().append_child(&a);
        a.click();
        a.remove();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
