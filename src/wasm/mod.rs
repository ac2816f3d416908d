//! wasm-bindgen layer: thin wrappers over the core. No logic lives here.
use wasm_bindgen::prelude::*;

/// The crate version, as a smoke test that the module loads and runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
