//! What the host lends the core: node.js sets the glue's `hostSha256` to node:crypto's SHA-256
//! (`setHostSha256`, appended to the glue by scripts/build-wasm); elsewhere it returns
//! `undefined`. See `crate::digest` for why and when it is used.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The glue's module-level `hostSha256`: a `Uint8Array` of 32 bytes, or `undefined`.
    #[wasm_bindgen(catch, js_name = hostSha256)]
    fn host_sha256(data: &[u8]) -> Result<Option<Vec<u8>>, JsValue>;
}

/// The host's digest if it gave exactly 32 bytes; `None` (sha2 then runs) on anything else,
/// including a throw.
fn sha256(data: &[u8]) -> Option<[u8; 32]> {
    host_sha256(data).ok()??.try_into().ok()
}

/// Runs once, when the module is instantiated.
#[wasm_bindgen(start)]
fn start() {
    crate::digest::set_host_sha256(sha256);
}
