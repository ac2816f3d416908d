//! minseal patch (the only change to x25519-dalek 3.0.0; see MINSEAL-PATCH.md).
//!
//! X25519 public keys are `clamp(k)·B`. Upstream computes that with curve25519-dalek's static
//! basepoint table: 30 KB of data that is most of what makes the wasm build large. On wasm32
//! the same table is built at run time, once, by curve25519-dalek's own
//! `EdwardsBasepointTable::create` (the code that generated the static one), and used through
//! the same constant-time table multiplication. Everywhere else this is upstream's call.

use curve25519_dalek::edwards::EdwardsPoint;

/// `clamp_integer(bytes)·B`, as `EdwardsPoint::mul_base_clamped(bytes)`.
#[cfg(all(target_arch = "wasm32", feature = "precomputed-tables"))]
pub(crate) fn mul_base_clamped(bytes: [u8; 32]) -> EdwardsPoint {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::EdwardsBasepointTable;
    use curve25519_dalek::scalar::{clamp_integer, Scalar};
    use curve25519_dalek::traits::BasepointTable;
    use std::sync::OnceLock;

    static TABLE: OnceLock<EdwardsBasepointTable> = OnceLock::new();
    let table = TABLE.get_or_init(|| EdwardsBasepointTable::create(&ED25519_BASEPOINT_POINT));
    // B has order ℓ, so reducing the clamped integer mod ℓ gives the same point.
    table * &Scalar::from_bytes_mod_order(clamp_integer(bytes))
}

/// `clamp_integer(bytes)·B`: upstream's static table.
#[cfg(not(all(target_arch = "wasm32", feature = "precomputed-tables")))]
pub(crate) fn mul_base_clamped(bytes: [u8; 32]) -> EdwardsPoint {
    EdwardsPoint::mul_base_clamped(bytes)
}
