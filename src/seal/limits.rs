//! Limits every envelope must respect, when sealing and when parsing.

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
/// Default plaintext bytes per chunk (64 KiB).
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;
/// Smallest chunk size a header may name.
pub const MIN_CHUNK_SIZE: u32 = 64;
/// Largest chunk size a header may name (4 MiB): bounds an opener's memory.
pub const MAX_CHUNK_SIZE: u32 = 4 * 1024 * 1024;
/// Largest integer in a header (2^53 - 1, exact in JSON and JavaScript).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
