//! Streaming: [`Sealer`] (a `std::io::Write` that emits a binary envelope) and [`Opener`]
//! (a `std::io::Read` of the plaintext of a binary envelope). Both hold about one chunk in
//! memory. The in-memory `seal`/`open` run through the same `ChunkWriter`/`Opener`.

use super::envelope_binary::{read_preamble, write_preamble};
use super::header::Header;
use super::limits::EnvelopeLimits;
use super::stream::{ChunkOpener, ChunkSealer, TAG_LEN};
use super::{prepare, random_bytes_needed, rng, unwrap_content_key, ContentKey, SealParams};
use crate::keys::{PublicKey, SecretKey};
use crate::{Error, ErrorCode, Result};
use hpke::rand_core::CryptoRng;
use std::io::{self, Read, Write};
use zeroize::{Zeroize, Zeroizing};

fn write_err(e: io::Error) -> Error {
    io_error(&"writing the envelope", &e)
}

/// An `io::Error` that is not a carried minseal error: `{what}: {kind}`. In wasm the envelope
/// is only ever read from a slice and written into a `Vec`, where no such error occurs, and the
/// kind's name is left out (`{what}: failed`): std's table of kind names is ~1.5 KB of wasm
/// (docs/BENCHMARKS.md, "Package size").
pub(crate) fn io_error(what: &dyn core::fmt::Display, e: &io::Error) -> Error {
    #[cfg(not(target_arch = "wasm32"))]
    let kind = e.kind();
    #[cfg(target_arch = "wasm32")]
    let kind = {
        let _ = e;
        "failed"
    };
    Error::new(ErrorCode::Io, format!("{what}: {kind}"))
}

/// Turns a minseal error into an `io::Error` that carries it (see [`error_from_io`]).
fn to_io(e: Error) -> io::Error {
    io::Error::other(e)
}

/// Recovers the minseal [`Error`] carried by an `io::Error` from [`Sealer`] or [`Opener`];
/// any other I/O error becomes [`ErrorCode::Io`].
pub fn error_from_io(e: &io::Error) -> Error {
    carried(e).unwrap_or_else(|| io_error(&"I/O error", e))
}

fn carried(e: &io::Error) -> Option<Error> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Error>())
        .cloned()
}

/// The input of an [`Opener`]: yields at most `left` more bytes, then fails with `too_large` if
/// the input has even one more (so it reads at most one byte past the limit).
struct Capped<R> {
    inner: R,
    left: u64,
    limits: EnvelopeLimits,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(to_io(self.limits.too_large())),
            };
        }
        let n = usize::try_from(self.left).map_or(buf.len(), |l| l.min(buf.len()));
        let got = self.inner.read(buf.get_mut(..n).unwrap_or_default())?;
        self.left = self.left.saturating_sub(got as u64);
        Ok(got)
    }
}

/// Splits plaintext into chunks and writes their ciphertexts. A full chunk is only sealed as
/// non-final once a further byte arrives, so the last chunk is known when `finish` is called.
pub(crate) struct ChunkWriter<W: Write> {
    out: W,
    sealer: ChunkSealer,
    /// Zeroized on drop: unsealed plaintext may remain if `finish` is never called.
    buf: Zeroizing<Vec<u8>>,
    chunk_size: usize,
}

impl<W: Write> ChunkWriter<W> {
    pub(crate) fn new(
        out: W,
        key: &ContentKey,
        header_bytes: &[u8],
        chunk_size: u32,
    ) -> Result<Self> {
        let chunk_size = chunk_size as usize;
        Ok(Self {
            out,
            sealer: ChunkSealer::new(key, header_bytes)?,
            buf: Zeroizing::new(Vec::with_capacity(chunk_size + TAG_LEN)),
            chunk_size,
        })
    }

    pub(crate) fn write_payload(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            if self.buf.len() == self.chunk_size {
                self.sealer.seal_chunk(&mut self.buf, false)?;
                self.out.write_all(&self.buf).map_err(write_err)?;
                self.buf.clear();
            }
            let take = (self.chunk_size - self.buf.len()).min(data.len());
            let (now, rest) = data.split_at(take);
            self.buf.extend_from_slice(now);
            data = rest;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<W> {
        self.sealer.seal_chunk(&mut self.buf, true)?;
        self.out.write_all(&self.buf).map_err(write_err)?;
        self.out.flush().map_err(write_err)?;
        Ok(self.out)
    }
}

/// Seals a stream: writes a binary envelope to `W` as plaintext is written in.
///
/// The header and stanzas are written by the constructor; call [`Sealer::finish`] to write
/// the final chunk. Dropping a `Sealer` without `finish` leaves an envelope that openers
/// reject as `truncated`.
pub struct Sealer<W: Write> {
    inner: Option<ChunkWriter<W>>,
    header: Header,
}

impl<W: Write> Sealer<W> {
    /// Starts an envelope to `recipients`, with randomness from the system source.
    pub fn new(out: W, recipients: &[PublicKey], params: &SealParams) -> Result<Self> {
        let mut rng = rng::PrefetchedRng::new(random_bytes_needed(recipients.len()))?;
        let s = Self::new_with_rng(out, recipients, params, &mut rng)?;
        rng.check()?;
        Ok(s)
    }

    /// [`Sealer::new`] with the caller's RNG.
    pub fn new_with_rng<R: CryptoRng>(
        mut out: W,
        recipients: &[PublicKey],
        params: &SealParams,
        rng: &mut R,
    ) -> Result<Self> {
        let p = prepare(recipients, params, None, rng)?;
        write_preamble(&mut out, &p.header_bytes, &p.stanzas)?;
        let inner = ChunkWriter::new(out, &p.key, &p.header_bytes, p.header.chunk_size)?;
        Ok(Self {
            inner: Some(inner),
            header: p.header,
        })
    }

    /// The header being written.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Writes the final chunk and returns the underlying writer.
    pub fn finish(mut self) -> Result<W> {
        match self.inner.take() {
            Some(w) => w.finish(),
            None => Err(Error::new(
                ErrorCode::InvalidArgument,
                "sealer already finished",
            )),
        }
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let w = self
            .inner
            .as_mut()
            .ok_or_else(|| to_io(Error::new(ErrorCode::InvalidArgument, "sealer finished")))?;
        w.write_payload(data).map_err(to_io)?;
        Ok(data.len())
    }

    /// Flushes the underlying writer (chunks are only written whole).
    fn flush(&mut self) -> io::Result<()> {
        match self.inner.as_mut() {
            Some(w) => w.out.flush(),
            None => Ok(()),
        }
    }
}

/// Opens a stream: reads a binary envelope from `R` and yields its plaintext via `Read`.
///
/// Each chunk is authenticated before any of its bytes are returned, but the plaintext of
/// earlier chunks is returned before the envelope's end is seen: treat the output as
/// untrusted until a read returns `Ok(0)` (or [`Opener::copy_to`] returns `Ok`). Errors are
/// sticky: after one, every read fails the same way. Use [`error_from_io`] to recover the
/// minseal error code from an `io::Error`.
pub struct Opener<R: Read> {
    input: Capped<R>,
    header: Header,
    chunks: ChunkOpener,
    /// Ciphertext chunk plus one lookahead byte; after a chunk is opened, its plaintext.
    buf: Vec<u8>,
    carry: Option<u8>,
    out_start: usize,
    out_end: usize,
    chunk_ct_len: usize,
    failed: Option<Error>,
}

impl<R: Read> Opener<R> {
    /// Reads the header and stanzas from `input` and unwraps the content key with `sk`.
    pub fn new(input: R, sk: &SecretKey) -> Result<Self> {
        Self::with_limits(input, sk, &EnvelopeLimits::default())
    }

    /// [`Opener::new`] within `limits`: the preamble is checked as it is read, reads stop
    /// (`too_large`) at `max_envelope_bytes`, and chunk `max_chunks + 1` is refused
    /// (`limit_exceeded`) before it is read.
    pub fn with_limits(input: R, sk: &SecretKey, limits: &EnvelopeLimits) -> Result<Self> {
        let mut input = Capped {
            inner: input,
            left: limits.max_envelope_bytes,
            limits: *limits,
        };
        let (header, header_bytes, stanzas) = read_preamble(&mut input, limits)?;
        let key = unwrap_content_key(&header_bytes, &stanzas, sk)?;
        Self::start(input, header, &header_bytes, &key)
    }

    fn start(
        input: Capped<R>,
        header: Header,
        header_bytes: &[u8],
        key: &ContentKey,
    ) -> Result<Self> {
        let chunk_ct_len = header.chunk_size as usize + TAG_LEN;
        // No bigger than what is left to read: max_envelope_bytes bounds memory too.
        let buf_len = usize::try_from(input.left).map_or(chunk_ct_len, |l| l.min(chunk_ct_len));
        Ok(Self {
            input,
            chunks: ChunkOpener::new(key, header_bytes)?,
            header,
            buf: vec![0u8; buf_len + 1],
            carry: None,
            out_start: 0,
            out_end: 0,
            chunk_ct_len,
            failed: None,
        })
    }

    /// The header (authenticated once the first chunk has been opened; fully bound to the
    /// content once the final chunk has).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Reads and opens the next chunk into `buf[out_start..out_end]`.
    fn next_chunk(&mut self) -> Result<()> {
        let mut filled = 0;
        if let Some(b) = self.carry.take() {
            if let Some(first) = self.buf.first_mut() {
                *first = b;
                filled = 1;
            }
        }
        if self.chunks.opened() >= self.input.limits.max_chunks {
            return Err(self.input.limits.too_many_chunks());
        }
        // Fill one chunk plus one byte: the extra byte tells whether this chunk is the last.
        // A buffer cut short by max_envelope_bytes never fills: the input fails first.
        let want = self.chunk_ct_len + 1;
        let end = want.min(self.buf.len());
        while filled < want {
            let Some(dst) = self.buf.get_mut(filled..end).filter(|d| !d.is_empty()) else {
                break;
            };
            match self.input.read(dst) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(carried(&e).unwrap_or_else(|| io_error(&"reading chunk", &e))),
            }
        }
        let last = filled < want;
        if !last {
            self.carry = self.buf.get(self.chunk_ct_len).copied();
            filled = self.chunk_ct_len;
        }
        if last && filled == 0 && !self.chunks.finished() {
            return Err(Error::new(
                ErrorCode::Truncated,
                "the envelope ends before its final chunk",
            ));
        }
        let chunk = self
            .buf
            .get_mut(..filled)
            .ok_or_else(|| Error::new(ErrorCode::MalformedEnvelope, "chunk framing"))?;
        let n = self.chunks.open_chunk(chunk, last)?;
        self.out_start = 0;
        self.out_end = n;
        Ok(())
    }

    /// Fills `out` from the current or next chunk; `Ok(0)` only after the final chunk.
    fn read_some(&mut self, out: &mut [u8]) -> Result<usize> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        while self.out_start == self.out_end {
            if self.chunks.finished() {
                return Ok(0);
            }
            if let Err(e) = self.next_chunk() {
                self.buf.zeroize();
                self.failed = Some(e.clone());
                return Err(e);
            }
        }
        let avail = self.buf.get(self.out_start..self.out_end).unwrap_or(&[]);
        let n = avail.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.out_start += n;
        Ok(n)
    }

    /// Writes the whole plaintext to `out`; `Ok(total bytes)` only if every chunk, including
    /// the final one, authenticated.
    pub fn copy_to<W: Write>(&mut self, out: &mut W) -> Result<u64> {
        let mut total = 0u64;
        loop {
            if let Some(e) = &self.failed {
                return Err(e.clone());
            }
            if self.out_start == self.out_end {
                if self.chunks.finished() {
                    out.flush().map_err(|e| io_error(&"writing", &e))?;
                    return Ok(total);
                }
                if let Err(e) = self.next_chunk() {
                    self.buf.zeroize();
                    self.failed = Some(e.clone());
                    return Err(e);
                }
                continue;
            }
            let chunk = self.buf.get(self.out_start..self.out_end).unwrap_or(&[]);
            out.write_all(chunk).map_err(|e| io_error(&"writing", &e))?;
            total += chunk.len() as u64;
            self.out_start = self.out_end;
        }
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        self.read_some(out).map_err(to_io)
    }
}

impl<R: Read> Drop for Opener<R> {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}
