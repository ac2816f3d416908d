//! Limits every envelope must respect, when sealing and when parsing, and the per-call
//! [`EnvelopeLimits`] a caller may tighten them with.

use super::header::Header;
use crate::{Error, ErrorCode, Result};

/// Most recipient stanzas in one envelope (`limit_exceeded` beyond).
pub const MAX_RECIPIENTS: usize = 64;
/// Most metadata entries (`limit_exceeded` beyond).
pub const MAX_METADATA_ENTRIES: usize = 64;
/// Most bytes of metadata keys and values together, UTF-8 (`limit_exceeded` beyond).
pub const MAX_METADATA_BYTES: usize = 4096;
/// Largest canonical header, in bytes.
pub const MAX_HEADER_LEN: usize = 16 * 1024;
/// Longest content type, policy id or policy version, in bytes.
pub const MAX_TEXT_FIELD: usize = 256;
/// Default plaintext bytes per chunk (64 KiB): what a stream of unknown length gets, and any
/// payload up to 1 MiB (see [`auto_chunk_size`]).
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;
/// Smallest chunk size a header may name.
pub const MIN_CHUNK_SIZE: u32 = 64;
/// Largest chunk size a header may name (4 MiB): bounds an opener's memory.
pub const MAX_CHUNK_SIZE: u32 = 4 * 1024 * 1024;
/// Largest integer in a header (2^53 - 1, exact in JSON and JavaScript).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The chunk size used when the caller names none and the payload length is known: 64 KiB up to
/// 1 MiB, then the power of two that cuts the payload into at most 16 chunks, up to 4 MiB.
/// Fewer, larger chunks cost less per byte where each chunk is a call (WebCrypto in
/// `sealAsync`: about 70 µs per call in Node 20), while an opener still holds one chunk at a time.
pub fn auto_chunk_size(payload_len: usize) -> u32 {
    let per_chunk = payload_len.div_ceil(16).next_power_of_two();
    u32::try_from(per_chunk)
        .unwrap_or(MAX_CHUNK_SIZE)
        .clamp(DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE)
}

/// Per-call limits on envelopes, for callers who want less than the format allows or a bound on
/// what they read. [`Default`] is the format's own limits and no bound on size or chunk count.
///
/// Sealing checks the recipient and metadata limits; parsing and opening check all of them.
/// Recipient and metadata values above the format's limits ([`MAX_RECIPIENTS`],
/// [`MAX_METADATA_ENTRIES`], [`MAX_METADATA_BYTES`]) are treated as those limits: an envelope
/// beyond them is not a minseal envelope, whatever a caller allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeLimits {
    /// Most recipient stanzas (`limit_exceeded` beyond).
    pub max_recipients: usize,
    /// Most metadata entries (`limit_exceeded` beyond).
    pub max_metadata_entries: usize,
    /// Most bytes of metadata keys and values together, UTF-8 (`limit_exceeded` beyond).
    pub max_metadata_bytes: usize,
    /// Most payload chunks when opening (`limit_exceeded` beyond, before the chunk past the
    /// limit is read or decrypted).
    pub max_chunks: u64,
    /// Largest envelope when parsing or opening, in bytes of the form read: binary bytes or JSON
    /// text (`too_large` beyond, before reading or allocating past the limit).
    pub max_envelope_bytes: u64,
}

impl Default for EnvelopeLimits {
    fn default() -> Self {
        Self {
            max_recipients: MAX_RECIPIENTS,
            max_metadata_entries: MAX_METADATA_ENTRIES,
            max_metadata_bytes: MAX_METADATA_BYTES,
            max_chunks: u64::MAX,
            max_envelope_bytes: u64::MAX,
        }
    }
}

fn exceeded(what: String, name: &str, max: usize) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        format!("{what}, over the {name} limit of {max}"),
    )
}

impl EnvelopeLimits {
    pub(crate) fn check_recipients(&self, n: usize) -> Result<()> {
        let max = self.max_recipients.min(MAX_RECIPIENTS);
        if n > max {
            return Err(exceeded(format!("{n} recipients"), "max_recipients", max));
        }
        Ok(())
    }

    /// The recipient and metadata limits, on a header being sealed or just parsed.
    pub(crate) fn check_header(&self, h: &Header) -> Result<()> {
        self.check_recipients(h.recipients.len())?;
        let max = self.max_metadata_entries.min(MAX_METADATA_ENTRIES);
        if h.metadata.len() > max {
            let what = format!("{} metadata entries", h.metadata.len());
            return Err(exceeded(what, "max_metadata_entries", max));
        }
        let max = self.max_metadata_bytes.min(MAX_METADATA_BYTES);
        let total: usize = h.metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total > max {
            let what = format!("{total} bytes of metadata");
            return Err(exceeded(what, "max_metadata_bytes", max));
        }
        Ok(())
    }

    /// `too_large` when an envelope of (at least) `n` bytes is over `max_envelope_bytes`.
    pub(crate) fn check_size(&self, n: u64) -> Result<()> {
        if n > self.max_envelope_bytes {
            return Err(self.too_large());
        }
        Ok(())
    }

    pub(crate) fn too_large(&self) -> Error {
        Error::new(
            ErrorCode::TooLarge,
            format!(
                "the envelope is over the max_envelope_bytes limit of {} bytes",
                self.max_envelope_bytes
            ),
        )
    }

    /// `limit_exceeded` when a chunk region of `ct_len` bytes, in chunks of `chunk_ct_len`,
    /// has more than `max_chunks` chunks (an empty region is one, truncated, chunk).
    pub(crate) fn check_chunk_region(&self, ct_len: usize, chunk_ct_len: usize) -> Result<()> {
        let chunks = ct_len.div_ceil(chunk_ct_len.max(1)).max(1) as u64;
        if chunks > self.max_chunks {
            return Err(self.too_many_chunks());
        }
        Ok(())
    }

    pub(crate) fn too_many_chunks(&self) -> Error {
        Error::new(
            ErrorCode::LimitExceeded,
            format!(
                "the envelope has more chunks than the max_chunks limit of {}",
                self.max_chunks
            ),
        )
    }
}
