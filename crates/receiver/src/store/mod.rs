//! Where accepted envelopes go: exactly once per envelope id, durably before the 202.

mod fs;
#[cfg(feature = "s3")]
mod s3;

pub use fs::{FsStore, Recovery};
#[cfg(feature = "s3")]
pub use s3::S3Store;

use bytes::Bytes;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that `Store` is object safe (`Arc<dyn Store>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One accepted envelope to store.
#[derive(Clone, Debug)]
pub struct Item {
    /// The envelope id ([`crate::envelope_id`]): the object's name, `[0-9A-Za-z_-]{1,128}`.
    pub id: String,
    /// The request body, byte for byte.
    pub envelope: Bytes,
    /// The receiver's record (JSON), stored beside the envelope.
    pub record: Bytes,
}

/// What a successful [`Store::put`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    /// The envelope was not there; it is now, durably.
    Stored,
    /// The same bytes were already stored under this id; nothing was written.
    AlreadyStored,
}

/// Why a [`Store::put`] failed.
#[derive(Debug)]
pub enum StoreError {
    /// Different bytes are already stored under this id (409 `conflict`).
    Conflict,
    /// The id is not a valid object name (a bug in the acceptor: 500).
    InvalidId,
    /// The storage failed (500 `io`); nothing under the final name changed.
    Io(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict => f.write_str("different bytes are already stored under this id"),
            Self::InvalidId => f.write_str("invalid envelope id"),
            Self::Io(e) => write!(f, "storage failed: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.to_string())
    }
}

/// Durable, idempotent storage of accepted envelopes.
///
/// `put` returns only once the envelope is durable (it survives a crash of the process or the
/// machine); the server acknowledges (202) only after that. Under one id there is at most one
/// envelope, and it is only ever visible whole.
pub trait Store: Send + Sync + 'static {
    /// Stores `item` unless its id is taken: same bytes, [`Put::AlreadyStored`]; other bytes,
    /// [`StoreError::Conflict`].
    fn put(&self, item: Item) -> BoxFuture<'_, Result<Put, StoreError>>;

    /// The envelope stored under `id`, if any.
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>>;

    /// A one-line description for the startup message.
    fn describe(&self) -> String;
}

/// True for ids that are safe as file and object names.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
