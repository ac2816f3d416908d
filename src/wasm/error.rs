//! Errors thrown into JS: a real `Error` named `MinsealError` with `code` and `details`.
//!
//! The JS entry (`npm/api.js`) turns it into an instance of its exported `MinsealError` class;
//! even without that wrapper (someone importing the raw glue) the object is a real `Error` with
//! the same `code` and `details`.

use super::input::set;
use crate::{Error, ErrorCode};
use js_sys::Array;
use wasm_bindgen::JsValue;

/// What every export returns.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// The JS error for a core error.
pub(crate) fn to_js(e: &Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name("MinsealError");
    let details: Array = e.details().iter().map(|d| JsValue::from_str(d)).collect();
    set(&err, "code", &e.code().as_str().into());
    set(&err, "details", &details);
    err.into()
}

/// Maps a core `Result` into a JS one.
pub(crate) fn js<T>(r: crate::Result<T>) -> JsResult<T> {
    r.map_err(|e| to_js(&e))
}

/// An `invalid_argument` error.
pub(crate) fn invalid_argument(msg: impl Into<String>) -> JsValue {
    to_js(&Error::new(ErrorCode::InvalidArgument, msg))
}

/// Prefixes an error's message with where it happened (e.g. `recipients[2]`).
pub(crate) fn at(prefix: &str, e: Error) -> Error {
    Error::with_details(
        e.code(),
        format!("{prefix}: {}", e.message()),
        e.details().to_vec(),
    )
}
