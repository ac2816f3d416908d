//! Replay protection: a receiver refuses an envelope whose `message_id` it has already accepted.
//! The store is the caller's (a database, a directory); [`MemoryReplayStore`] serves tests and
//! single-process services that accept losing the record at restart.

use crate::{Error, ErrorCode, Result};
use std::collections::HashSet;

/// Where a receiver records the message ids it has accepted.
pub trait ReplayStore {
    /// Records `message_id` as accepted; `replayed` if it was recorded before. Called only once
    /// every other check has passed, so a refused envelope never uses up its id.
    fn check_and_record(&mut self, message_id: &str) -> Result<()>;
}

/// An in-memory [`ReplayStore`].
#[derive(Clone, Debug, Default)]
pub struct MemoryReplayStore {
    seen: HashSet<String>,
}

impl MemoryReplayStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many ids it holds.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

impl ReplayStore for MemoryReplayStore {
    fn check_and_record(&mut self, message_id: &str) -> Result<()> {
        if self.seen.insert(message_id.to_string()) {
            Ok(())
        } else {
            Err(replayed(message_id))
        }
    }
}

/// The `replayed` error for `message_id`.
pub fn replayed(message_id: &str) -> Error {
    Error::new(
        ErrorCode::Replayed,
        format!("message {message_id} was already received"),
    )
}
