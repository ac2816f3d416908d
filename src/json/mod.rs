//! Strict JSON: a validating tokenizer that never builds a tree, a compact writer, string
//! escaping, and the size/depth [`Limits`] every parse honours.
//!
//! "Strict" means RFC 8259 plus what I-JSON (RFC 7493) asks for: no duplicate keys, valid UTF-8,
//! no lone surrogates in `\u` escapes, nothing after the value. Numbers are validated against the
//! RFC 8259 grammar and kept as their exact text; nothing here goes through a float.

mod dup;
pub(crate) mod escape;
pub(crate) mod scan;
pub mod value;

pub(crate) use dup::{eq_bytes, head_at, DupCheck};
pub(crate) use scan::Scanner;
pub use value::{Object, Value};

use crate::{Error, ErrorCode, Result};

/// Bounds on what a parse accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (`too_large` beyond).
    pub max_bytes: usize,
    /// Deepest nesting of objects/arrays accepted (`too_deep` beyond); the root container is
    /// depth 1. Values above [`HARD_MAX_DEPTH`] are treated as [`HARD_MAX_DEPTH`].
    pub max_depth: usize,
}

/// The nesting depth never exceeded whatever [`Limits::max_depth`] says: the engine recurses
/// once per level, and a wasm stack is small.
pub const HARD_MAX_DEPTH: usize = 512;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

impl Limits {
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(HARD_MAX_DEPTH)
    }
}

/// Checks size and UTF-8 up front (one fast pass); every later step may then treat strings as
/// `str` without re-checking.
pub(crate) fn precheck(input: &[u8], limits: &Limits) -> Result<()> {
    check_size(input.len(), limits)?;
    match utf8_error(input) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The `invalid_utf8` error of `input`, if it is not UTF-8.
pub(crate) fn utf8_error(input: &[u8]) -> Option<Error> {
    core::str::from_utf8(input).err().map(|e| {
        Error::new(
            ErrorCode::InvalidUtf8,
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

/// [`precheck`] of text already known to be UTF-8 (a `str`): the size check alone.
#[cfg_attr(not(feature = "wasm-sender"), allow(dead_code))]
pub(crate) fn precheck_str(input: &str, limits: &Limits) -> Result<()> {
    check_size(input.len(), limits)
}

/// Also draws the hash key (`randomness_unavailable` without a random source): every parse and
/// `minimise` passes here before it hashes member names.
pub(crate) fn check_size(len: usize, limits: &Limits) -> Result<()> {
    crate::hashindex::ensure_key()?;
    if len > limits.max_bytes {
        return Err(Error::new(
            ErrorCode::TooLarge,
            format!(
                "input of {} bytes exceeds the limit of {} bytes (at byte {})",
                len, limits.max_bytes, limits.max_bytes
            ),
        ));
    }
    Ok(())
}

/// Validates `input` as one strict JSON text within `limits`, without building anything.
///
/// Errors: `too_large`, `invalid_utf8`, `invalid_json`, `duplicate_key`, `too_deep`, each naming
/// the byte offset.
pub fn validate(input: &[u8], limits: &Limits) -> Result<()> {
    precheck(input, limits)?;
    let mut s = Scanner::new(input, limits.depth());
    let mut dup = DupCheck::default();
    let mut stack = Vec::new();
    s.scan_value::<false>(&mut Vec::new(), &mut dup, &mut stack, 0)?;
    s.finish()
}

/// Validates `input` strictly and writes it compactly (whitespace removed; every token copied as
/// its exact text).
///
/// Public only with the `fuzzing` feature: the `json_validate` fuzz target checks it against
/// [`validate`]. The minimise engine writes its compact output itself.
#[cfg(any(test, feature = "fuzzing"))]
pub fn compact(input: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    precheck(input, limits)?;
    let mut s = Scanner::new(input, limits.depth());
    let mut dup = DupCheck::default();
    let mut stack = Vec::new();
    let mut out = Vec::with_capacity(input.len());
    s.scan_value::<true>(&mut out, &mut dup, &mut stack, 0)?;
    s.finish()?;
    Ok(out)
}

/// Writes `s` as a JSON string (quotes included) with the minimal escaping of RFC 8785.
pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    escape::write_str(s, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_exact_text() {
        let out = compact(
            b" { \"n\" : 123456789012345678901234567890 , \"f\":1.10,\"e\":1E400, \"s\" : \"\\u00e9\" } ",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            out,
            b"{\"n\":123456789012345678901234567890,\"f\":1.10,\"e\":1E400,\"s\":\"\\u00e9\"}"
        );
    }

    #[test]
    fn compact_honours_the_size_limit_like_validate() {
        let limits = Limits {
            max_bytes: 10,
            max_depth: 64,
        };
        assert_eq!(compact(b"[1,2,3,45]", &limits).unwrap(), b"[1,2,3,45]");
        let e = compact(b"[1,2,3,456]", &limits).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TooLarge);
        assert_eq!(
            e.message(),
            validate(b"[1,2,3,456]", &limits).unwrap_err().message()
        );
    }
}
