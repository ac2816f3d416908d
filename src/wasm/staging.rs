//! A JSON string's way into wasm for `minimise` (npm/api.js): JS writes its UTF-8 with
//! `TextEncoder.encodeInto` straight into a buffer here, one pass and no copy. wasm-bindgen's
//! own string passing copies the ASCII prefix with a JS loop (about twice `TextEncoder`'s time),
//! and `TextEncoder.encode` then a copy into wasm is a second pass (benches/js/strings.mjs).

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, parse_own_json, set};
use super::policy::{minimise_options, text_out, Policy, MINIMISE_OPTIONS};
use crate::minimise;
use js_sys::Object;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The bytes JS is writing; taken (and so freed after use) by the call that reads them.
    static STAGE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Makes the staging buffer `len` bytes long (zero-filled past what it held; emptied first
/// unless `keep`) and returns its address in wasm memory, where JS writes.
#[wasm_bindgen(js_name = stageInput)]
pub fn stage_input(len: usize, keep: bool) -> usize {
    STAGE.with(|s| {
        let mut v = s.borrow_mut();
        if !keep {
            v.clear();
        }
        v.resize(len, 0);
        v.as_mut_ptr() as usize
    })
}

/// The module's memory (a `WebAssembly.Memory`), for JS's view of the staging buffer.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// `minimise` of the first `len` staged bytes (checked as UTF-8 like any bytes payload).
#[wasm_bindgen(js_name = minimiseStaged)]
pub fn minimise_staged(
    len: usize,
    policy: &Policy,
    options: JsValue,
    utf16: JsValue,
) -> JsResult<JsValue> {
    let mut bytes = STAGE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    let opts = input::options(&options, "options", MINIMISE_OPTIONS)?;
    let mo = minimise_options(opts.as_ref())?;
    if len > bytes.len() {
        return Err(invalid_argument("internal: fewer bytes staged than given"));
    }
    bytes.truncate(len);
    let m = js(minimise::minimise(policy.inner(), &bytes, &mo))?;
    let out = Object::new();
    set(&out, "payload", &text_out(m.payload, utf16.is_truthy())?);
    set(&out, "receipt", &parse_own_json(&m.receipt.to_json())?);
    Ok(out.into())
}
