//! minseal's receiving service: accepts envelopes over HTTP, opens and verifies them on a bounded
//! worker pool, and stores each accepted envelope durably and exactly once (docs/RECEIVER.md).
//!
//! - [`acceptor`]: request body in, accept or refuse (status and stable code) out;
//! - [`register`]: the acceptor driven by a register of authorities, with signed
//!   acknowledgements;
//! - [`store`]: durable, idempotent storage keyed by the envelope id ([`FsStore`], and
//!   [`S3Store`](store::S3Store) with the `s3` feature);
//! - [`server`]: the axum router, its limits and its back-pressure.

pub mod acceptor;
pub mod register;
pub mod server;
pub mod store;

pub use acceptor::{envelope_id, Acceptor, Form, Refusal, VerifyingAcceptor};
pub use register::RegisterAcceptor;
pub use server::{router, Limits};
pub use store::{FsStore, Store};
