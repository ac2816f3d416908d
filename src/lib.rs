//! # minseal — minimise, then seal
//!
//! minseal strips every field of a JSON payload that a data-minimisation policy does not allow
//! (deny by default), applies the policy's transforms, records what it removed (never the
//! values), and seals the result to a recipient authority's X25519 public key with HPKE
//! (RFC 9180, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM), binding the policy to the
//! ciphertext. It is built for portals that exchange requests and responses under the Second
//! Additional Protocol to the Budapest Convention (CETS No. 224).
//!
//! The same crate runs natively (servers, the `minseal` CLI) and in the browser as WebAssembly
//! (feature `wasm`); the core holds all logic and knows nothing of JS.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
mod digest;
pub mod error;
mod hashindex;
pub mod hex;
pub mod jcs;
pub mod json;
pub mod keys;
pub mod minimise;
pub mod policy;
pub mod policy_ref;
pub mod seal;
pub mod sign;
mod sort;
#[cfg(any(feature = "wasm", test))]
mod utf16;

pub use error::{Error, ErrorCode, Result};
pub use policy_ref::PolicyRef;

#[cfg(feature = "wasm")]
mod wasm;
