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
