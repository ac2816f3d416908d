//! # minseal — minimise, then seal
//!
//! minseal strips every field of a JSON payload that a data-minimisation policy does not allow
//! (deny by default), applies the policy's transforms, records what it removed (never the
//! values), and seals the result to recipient authorities' X25519 public keys with HPKE
//! (RFC 9180, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM), optionally signed by the
//! sender (ES256 or Ed25519). Every recipient of an envelope reads the same plaintext or an
//! error (key commitment and a header MAC over every recipient stanza), and a signature proves
//! who sent it, to the recipients and, through a [`proof`], to third parties. It is built for
//! portals that exchange requests and responses under the Second Additional Protocol to the
//! Budapest Convention (CETS No. 224). The byte format is docs/FORMAT.md.
//!
//! The same crate runs natively (servers, the `minseal` CLI) and in the browser as WebAssembly
//! (feature `wasm`); the core holds all logic and knows nothing of JS.
//!
//! ```
//! use minseal::{
//!     minimise_and_seal, open_and_verify, Envelope, OpenOptions, Policy, ReceiveOptions,
//!     SealOptions, SealParams, SecretKey, SignatureAlg, SigningKey,
//! };
//!
//! # fn main() -> minseal::Result<()> {
//! // The authority's key pair (its public JWK is published), the portal's signing key.
//! let authority = SecretKey::generate()?;
//! let portal = SigningKey::generate(SignatureAlg::Es256)?;
//!
//! // Sender: minimise under a policy (or a built-in profile), seal to the authority, sign.
//! let policy = Policy::from_json(br#"{"minseal_policy":1,"id":"example/order","version":"1",
//!     "title":"Example","basis":"none","audience":"service_provider","rules":[{"path":"$.case","required":true,"type":"string"},{"path":"$.account","type":"string"}]}"#)?;
//! let payload = br#"{"case":"X-1","account":"a@example.org","internal_note":"drop me"}"#;
//! let opts = SealOptions::new(SealParams::new(1_764_480_000)).signed_by(&portal);
//! let sealed = minimise_and_seal(&policy, payload, &[authority.public_key().clone()], &opts)?;
//! let wire = sealed.envelope.to_json();
//!
//! // Receiver: open with its key, trusting the portal's public signing key.
//! let trusted = vec![portal.verifying_key().clone()];
//! let opts = ReceiveOptions {
//!     open: OpenOptions::default().trust(trusted),
//!     policy: Some(&policy), // not needed for a built-in profile
//!     ..Default::default()
//! };
//! let received = open_and_verify(&Envelope::from_json(&wire)?, &authority, &opts)?;
//! received.require_conformance()?;
//! assert!(received.signature.as_ref().is_some_and(|s| s.verified));
//! assert!(!String::from_utf8_lossy(&received.payload).contains("drop me"));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]

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
pub mod proof;
pub mod register;
pub mod seal;
pub mod sign;
mod sort;
#[cfg(any(feature = "wasm-sender", test))]
mod utf16;

pub use api::{minimise_and_seal, open_and_verify, ReceiveOptions, Received, SealOptions, Sealed};
pub use error::{Error, ErrorCode, Result};
pub use keys::{PublicKey, SecretKey};
pub use minimise::{MinimiseOptions, Receipt};
pub use policy::Policy;
pub use policy_ref::PolicyRef;
pub use seal::{Envelope, OpenOptions, Opened, SealParams, SignatureInfo};
pub use sign::{SignatureAlg, Signer, SigningKey, VerifyingKey};

#[cfg(feature = "wasm-sender")]
mod wasm;
