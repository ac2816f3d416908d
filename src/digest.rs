//! SHA-256 of a minimised payload: the receipt's `payload.sha256`, the one digest over bulk
//! data outside the AEAD. A host may lend a faster SHA-256 than the portable one: under Node the
//! wasm bindings pass node:crypto's, which uses the CPU's SHA instructions (36 KB in ~29 µs
//! against ~130 µs for the sha2 crate in wasm; docs/BENCHMARKS.md, "Host SHA-256 under
//! Node"). Browsers have no synchronous SHA-256 to lend, so they keep sha2.

use sha2::{Digest, Sha256};

/// A host SHA-256: `None` when it has none (or it failed), and then sha2 runs.
#[cfg(feature = "wasm-sender")]
pub(crate) type HostSha256 = fn(&[u8]) -> Option<[u8; 32]>;

#[cfg(feature = "wasm-sender")]
static HOST: std::sync::OnceLock<HostSha256> = std::sync::OnceLock::new();

/// Below this many bytes the portable SHA-256 is used even where a host lends one: its first
/// call in a process costs ~0.4 ms (OpenSSL's set-up in Node), more than hashing a small payload
/// in wasm takes, and a cold start minimises a few KiB.
#[cfg(feature = "wasm-sender")]
const HOST_FROM: usize = 16 * 1024;

/// Sets the host SHA-256 (once; the wasm bindings at start).
#[cfg(feature = "wasm-sender")]
pub(crate) fn set_host_sha256(f: HostSha256) {
    let _ = HOST.set(f);
}

/// SHA-256 of `bytes`.
pub(crate) fn payload_sha256(bytes: &[u8]) -> [u8; 32] {
    #[cfg(feature = "wasm-sender")]
    if bytes.len() >= HOST_FROM {
        if let Some(d) = HOST.get().and_then(|f| f(bytes)) {
            return d;
        }
    }
    Sha256::digest(bytes).into()
}
