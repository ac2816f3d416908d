//! wasm-bindgen layer: thin wrappers over the core (`api`, `keys`, `seal`, `policy`,
//! `minimise`). No logic lives here: only JS type checks, conversions and error mapping.
//!
//! Every export takes `JsValue` arguments and checks their JS type itself (wasm-bindgen would
//! otherwise coerce, e.g. `null` into the string `"null"`), and returns `Result<_, JsValue>`
//! whose error is a `MinsealError`-shaped `Error` (see `error.rs`). Nothing here panics: the
//! release profile aborts on panic, which JS would see as `RuntimeError: unreachable`.
use wasm_bindgen::prelude::*;

mod error;
mod host;
mod input;
mod job;
mod keys;
mod policy;
mod register;
mod seal;
mod sign;
#[cfg(feature = "test-hooks")]
mod testing;

/// The crate version, as a smoke test that the module loads and runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
