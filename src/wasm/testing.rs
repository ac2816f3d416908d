//! TEST ONLY (feature `test-hooks`, never in the published package): a seeded ChaCha20 RNG so
//! that wasm output can be compared byte for byte with native output.

use super::error::{invalid_argument, JsResult};
use super::input::bytes;
use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static RNG: RefCell<Option<ChaCha20Rng>> = const { RefCell::new(None) };
}

/// Seeds the RNG every later seal and key generation draws from (32 bytes), or, with
/// `undefined`, goes back to the system source.
#[wasm_bindgen(js_name = __testing_seed)]
pub fn seed(seed: JsValue) -> JsResult<()> {
    let next = if seed.is_undefined() {
        None
    } else {
        let b = bytes(&seed).ok_or_else(|| invalid_argument("seed must be a Uint8Array"))?;
        let s: [u8; 32] = b
            .try_into()
            .map_err(|_| invalid_argument("seed must be 32 bytes"))?;
        Some(ChaCha20Rng::from_seed(s))
    };
    RNG.with(|r| *r.borrow_mut() = next);
    Ok(())
}

/// Runs `f` with the seeded RNG, if one is set.
pub(crate) fn with_rng<T>(f: impl FnOnce(&mut ChaCha20Rng) -> T) -> Option<T> {
    RNG.with(|r| r.borrow_mut().as_mut().map(f))
}
