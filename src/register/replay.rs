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

/// A [`ReplayStore`] in a directory: one empty file per accepted `message_id`, created with
/// `create_new` (exclusive), so two processes sharing the directory never both accept an id.
/// The record survives restarts; ids are base64url, so each is a file name as it is.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug)]
pub struct DirReplayStore {
    dir: std::path::PathBuf,
}

#[cfg(not(target_arch = "wasm32"))]
impl DirReplayStore {
    /// A store in `dir`, created if missing (`io` if it cannot be).
    pub fn new(dir: &std::path::Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!("replay record {}: {e}", dir.display()),
            )
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl ReplayStore for DirReplayStore {
    fn check_and_record(&mut self, message_id: &str) -> Result<()> {
        if message_id.is_empty()
            || !message_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "a message id is base64url",
            ));
        }
        let path = self.dir.join(message_id);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|f| f.sync_all());
        match created {
            Ok(()) => std::fs::File::open(&self.dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::new(ErrorCode::Io, format!("replay record: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(replayed(message_id)),
            Err(e) => Err(Error::new(
                ErrorCode::Io,
                format!("replay record {}: {e}", path.display()),
            )),
        }
    }
}
