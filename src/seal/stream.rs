//! STREAM (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-256-GCM: the payload in
//! fixed-size chunks, nonce = 11-byte big-endian chunk counter ‖ 1-byte last-chunk flag,
//! AAD = the header's canonical bytes. Reordering, dropping, duplicating or truncating chunks,
//! and moving chunks between envelopes, all fail authentication.

use super::ContentKey;
use crate::{Error, ErrorCode, Result};
use minseal_aead::{ChunkAead, Failed};

/// AES-GCM tag length: each ciphertext chunk is its plaintext plus this.
pub const TAG_LEN: usize = minseal_aead::TAG_LEN;

/// The 12-byte nonce of chunk `counter`: 3 zero bytes ‖ the counter as 8 big-endian bytes
/// (together the 11-byte counter of docs/FORMAT.md) ‖ the last-chunk flag.
pub fn chunk_nonce(counter: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    // Bytes 0..3 are the high bytes of the 88-bit counter: always zero for a u64 counter.
    n[3..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    n
}

/// A chunk longer than AES-GCM allows (2^36 − 32 bytes), or a destination of the wrong length.
fn chunk_too_large() -> Error {
    Error::new(ErrorCode::InvalidArgument, "chunk too large for AES-GCM")
}

fn too_many_chunks() -> Error {
    Error::new(ErrorCode::LimitExceeded, "payload has too many chunks")
}

/// Encrypts chunks in order.
pub(crate) struct ChunkSealer {
    aead: ChunkAead,
    aad: Vec<u8>,
    counter: u64,
    finished: bool,
}

impl ChunkSealer {
    pub(crate) fn new(key: &ContentKey, header_bytes: &[u8]) -> Result<Self> {
        Ok(Self {
            aead: ChunkAead::new(key),
            aad: header_bytes.to_vec(),
            counter: 0,
            finished: false,
        })
    }

    /// Encrypts `buf` (one chunk's plaintext) in place and appends the tag.
    pub(crate) fn seal_chunk(&mut self, buf: &mut Vec<u8>, last: bool) -> Result<()> {
        self.seal_tail(buf, 0, last)
    }

    /// Encrypts `buf[start..]` (one chunk's plaintext) in place and appends the tag.
    fn seal_tail(&mut self, buf: &mut Vec<u8>, start: usize, last: bool) -> Result<()> {
        let nonce = self.next_nonce(last)?;
        let tag = self
            .aead
            .encrypt(&nonce, &self.aad, buf.get_mut(start..).unwrap_or_default())
            .map_err(|_| chunk_too_large())?;
        buf.extend_from_slice(&tag);
        self.advance(last)
    }

    /// Encrypts one chunk's plaintext `src` into `dst`, which holds its ciphertext and then
    /// its tag (`src.len() + TAG_LEN` bytes): the in-memory seal reads the payload and writes
    /// the envelope buffer in one pass, with no plaintext copy in between.
    pub(crate) fn seal_to(&mut self, src: &[u8], dst: &mut [u8], last: bool) -> Result<()> {
        if dst.len() != src.len().saturating_add(TAG_LEN) {
            return Err(chunk_too_large());
        }
        let nonce = self.next_nonce(last)?;
        let (ct, tag_out) = dst.split_at_mut(src.len());
        let tag = self
            .aead
            .encrypt_to(&nonce, &self.aad, src, ct)
            .map_err(|_| chunk_too_large())?;
        tag_out.copy_from_slice(&tag);
        self.advance(last)
    }

    /// The nonce of the next chunk, unless the final chunk is sealed already.
    fn next_nonce(&self, last: bool) -> Result<[u8; 12]> {
        if self.finished {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "the last chunk was already sealed",
            ));
        }
        Ok(chunk_nonce(self.counter, last))
    }

    fn advance(&mut self, last: bool) -> Result<()> {
        self.counter = self.counter.checked_add(1).ok_or_else(too_many_chunks)?;
        self.finished = last;
        Ok(())
    }
}

/// Decrypts chunks in order.
pub(crate) struct ChunkOpener {
    aead: ChunkAead,
    aad: Vec<u8>,
    counter: u64,
    finished: bool,
}

impl ChunkOpener {
    pub(crate) fn new(key: &ContentKey, header_bytes: &[u8]) -> Result<Self> {
        Ok(Self {
            aead: ChunkAead::new(key),
            aad: header_bytes.to_vec(),
            counter: 0,
            finished: false,
        })
    }

    /// True once the final chunk has been opened.
    pub(crate) fn finished(&self) -> bool {
        self.finished
    }

    /// How many chunks have been opened.
    pub(crate) fn opened(&self) -> u64 {
        self.counter
    }

    /// Decrypts one ciphertext chunk (plaintext ‖ tag) in place; returns the plaintext length.
    ///
    /// `last` says whether the input ended with this chunk. A last chunk that only
    /// authenticates as a non-final chunk means the real final chunk is missing: `truncated`.
    /// A chunk shorter than a tag is `truncated` too. Any other failure is
    /// `decryption_failed`.
    pub(crate) fn open_chunk(&mut self, chunk: &mut [u8], last: bool) -> Result<usize> {
        let ct_len = self.ciphertext_len(chunk.len())?;
        let (ct, tag) = chunk.split_at_mut(ct_len);
        let tag: [u8; TAG_LEN] = (&*tag).try_into().map_err(|_| Error::decryption_failed())?;
        self.open_with(ct_len, last, |aead, nonce, aad| {
            aead.decrypt(nonce, aad, ct, &tag)
        })
    }

    /// [`open_chunk`](Self::open_chunk), reading the chunk from `chunk` and writing its
    /// plaintext to `dst[..plaintext length]`: the in-memory open, one pass over the data
    /// natively (the streaming opener copies each chunk in and out).
    pub(crate) fn open_to(&mut self, chunk: &[u8], dst: &mut [u8], last: bool) -> Result<usize> {
        let ct_len = self.ciphertext_len(chunk.len())?;
        let (ct, tag) = chunk.split_at(ct_len);
        let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| Error::decryption_failed())?;
        let dst = dst
            .get_mut(..ct_len)
            .ok_or_else(|| Error::new(ErrorCode::MalformedEnvelope, "chunk framing"))?;
        // Natively, AES-GCM in-out (read the envelope, write the plaintext) is the fastest; in
        // wasm the software AES's in-place path is ~6 % faster than its in-out one at 8 MiB,
        // which outweighs copying the chunk first (docs/BENCHMARKS.md, "Seal").
        // Either way `dst` holds plaintext only once the chunk has authenticated.
        #[cfg(not(target_arch = "wasm32"))]
        let decrypt = |aead: &ChunkAead, nonce: &[u8; 12], aad: &[u8]| {
            aead.decrypt_to(nonce, aad, ct, tag, dst)
        };
        #[cfg(target_arch = "wasm32")]
        let decrypt = {
            dst.copy_from_slice(ct);
            |aead: &ChunkAead, nonce: &[u8; 12], aad: &[u8]| aead.decrypt(nonce, aad, dst, tag)
        };
        self.open_with(ct_len, last, decrypt)
    }

    /// The ciphertext length of a chunk of `len` bytes, unless the final chunk was opened
    /// already or the chunk is shorter than its tag.
    fn ciphertext_len(&self, len: usize) -> Result<usize> {
        if self.finished {
            return Err(Error::new(
                ErrorCode::MalformedEnvelope,
                "data after the final chunk",
            ));
        }
        len.checked_sub(TAG_LEN).ok_or_else(|| {
            Error::new(
                ErrorCode::Truncated,
                format!(
                    "chunk {} is shorter than its tag: the envelope is cut short",
                    self.counter
                ),
            )
        })
    }

    /// Runs `decrypt` (in place or into a buffer) under this chunk's nonce, tells a missing
    /// final chunk from other failures, and counts the chunk.
    fn open_with(
        &mut self,
        ct_len: usize,
        last: bool,
        mut decrypt: impl FnMut(&ChunkAead, &[u8; 12], &[u8]) -> core::result::Result<(), Failed>,
    ) -> Result<usize> {
        let nonce = chunk_nonce(self.counter, last);
        if decrypt(&self.aead, &nonce, &self.aad).is_err() {
            if last {
                // Did the input stop at a chunk boundary before the final chunk? (aes-gcm
                // verifies before decrypting, so the ciphertext is still there.)
                let nonce = chunk_nonce(self.counter, false);
                if decrypt(&self.aead, &nonce, &self.aad).is_ok() {
                    return Err(Error::new(
                        ErrorCode::Truncated,
                        format!(
                            "the envelope ends after chunk {} without its final chunk",
                            self.counter
                        ),
                    ));
                }
            }
            return Err(Error::decryption_failed());
        }
        if last && ct_len == 0 && self.counter > 0 {
            // The sealer only writes an empty final chunk for an empty payload.
            return Err(Error::new(
                ErrorCode::MalformedEnvelope,
                "empty final chunk after a full chunk",
            ));
        }
        self.counter = self.counter.checked_add(1).ok_or_else(too_many_chunks)?;
        self.finished = last;
        Ok(ct_len)
    }
}
