//! Streaming: [`Sealer`] (a `std::io::Write` that emits a binary envelope) and [`Opener`]
//! (a `std::io::Read` of the plaintext of a binary envelope). Both hold about one chunk in
//! memory and share the chunk crypto (`stream`) with the in-memory `seal`/`open`.

use super::envelope_binary::{read_preamble, write_preamble};
use super::header::Header;
use super::limits::EnvelopeLimits;
use super::schedule::{Schedule, SIGNATURE_RECORD_LEN};
use super::stream::{ChunkOpener, ChunkSealer, TAG_LEN};
use super::{
    check_signature, prepare, unlock, with_system_rng, ContentKey, OpenOptions, SealParams,
    SealParts, SignatureInfo, SignerId,
};
use crate::keys::{PublicKey, SecretKey};
use crate::sign::Signer;
use crate::{Error, ErrorCode, Result};
#[cfg(any(test, feature = "deterministic-rng"))]
use hpke::rand_core::CryptoRng;
use sha2::{Digest, Sha256};
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

    /// Seals the final chunk and writes it, then `trailer` (the signature record, if any).
    pub(crate) fn finish(mut self, trailer: &[u8]) -> Result<W> {
        self.sealer.seal_chunk(&mut self.buf, true)?;
        self.out.write_all(&self.buf).map_err(write_err)?;
        self.out.write_all(trailer).map_err(write_err)?;
        self.out.flush().map_err(write_err)?;
        Ok(self.out)
    }
}

/// Seals a stream: writes a binary envelope to `W` as plaintext is written in.
///
/// The header, stanzas and MAC are written by the constructor; call [`Sealer::finish`] to
/// write the final chunk and, when signing, the signature record (the plaintext is hashed as it
/// passes, and the signer is called once, in `finish`). Dropping a `Sealer` without `finish`
/// leaves an envelope that openers reject as `truncated`.
pub struct Sealer<'s, W: Write> {
    inner: Option<ChunkWriter<W>>,
    parts: SealParts,
    signer: Option<&'s dyn Signer>,
    hasher: Option<Sha256>,
}

impl<'s, W: Write> Sealer<'s, W> {
    /// Starts an envelope to `recipients`, signed by `signer` if given, with randomness from
    /// the system source.
    pub fn new(
        out: W,
        recipients: &[PublicKey],
        params: &SealParams,
        signer: Option<&'s dyn Signer>,
    ) -> Result<Self> {
        let parts = with_system_rng(recipients.len(), |rng| {
            prepare(recipients, params, None, signer.map(SignerId::of), rng)
        })?;
        Self::start(out, parts, signer)
    }

    /// [`Sealer::new`] with the caller's RNG (tests and vectors only).
    #[cfg(any(test, feature = "deterministic-rng"))]
    pub fn new_with_rng<R: CryptoRng>(
        out: W,
        recipients: &[PublicKey],
        params: &SealParams,
        signer: Option<&'s dyn Signer>,
        rng: &mut R,
    ) -> Result<Self> {
        let parts = prepare(recipients, params, None, signer.map(SignerId::of), rng)?;
        Self::start(out, parts, signer)
    }

    fn start(mut out: W, parts: SealParts, signer: Option<&'s dyn Signer>) -> Result<Self> {
        write_preamble(&mut out, &parts.header_bytes, &parts.stanzas, &parts.mac)?;
        let inner = ChunkWriter::new(
            out,
            &parts.schedule.payload,
            &parts.header_bytes,
            parts.header.chunk_size,
        )?;
        Ok(Self {
            inner: Some(inner),
            hasher: signer.map(|_| Sha256::new()),
            parts,
            signer,
        })
    }

    /// The header being written.
    pub fn header(&self) -> &Header {
        &self.parts.header
    }

    /// Writes the final chunk (and the signature record) and returns the underlying writer.
    pub fn finish(mut self) -> Result<W> {
        let Some(w) = self.inner.take() else {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "sealer already finished",
            ));
        };
        let record = match (self.signer, self.hasher.take()) {
            (Some(signer), Some(h)) => {
                let statement = self.parts.statement(&h.finalize().into());
                let sig = crate::sign::sign_checked(signer, &statement)?;
                Some(self.parts.signature_record(&sig)?)
            }
            _ => None,
        };
        w.finish(record.as_ref().map_or(&[][..], |r| &r[..]))
    }
}

impl<W: Write> Write for Sealer<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let w = self
            .inner
            .as_mut()
            .ok_or_else(|| to_io(Error::new(ErrorCode::InvalidArgument, "sealer finished")))?;
        w.write_payload(data).map_err(to_io)?;
        if let Some(h) = &mut self.hasher {
            h.update(data);
        }
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
/// The constructor reads the preamble, opens this key's stanza and checks the header MAC
/// before any chunk is read. Each chunk is authenticated before any of its bytes are returned,
/// but the plaintext of earlier chunks is returned before the envelope's end is seen: treat
/// the output as untrusted until a read returns `Ok(0)` (or [`Opener::copy_to`] returns
/// `Ok`). For a signed envelope the signature is checked (against
/// [`OpenOptions::signers`]) after the final chunk is opened and before its bytes are
/// returned, so a bad or unknown signature fails the read that would have returned the last
/// bytes, and [`Opener::signature`] is `None` until then. Errors are sticky: after one,
/// every read fails the same way. Use [`error_from_io`] to recover the minseal error code from
/// an `io::Error`.
pub struct Opener<R: Read> {
    input: Capped<R>,
    header: Header,
    header_bytes: Vec<u8>,
    schedule: Schedule,
    opts: OpenOptions,
    chunks: ChunkOpener,
    hasher: Option<Sha256>,
    signature: Option<SignatureInfo>,
    /// Ciphertext chunk plus the signature record's length and one byte of lookahead; after a
    /// chunk is opened, its plaintext, then the lookahead bytes to carry to the next chunk.
    buf: Vec<u8>,
    carry: usize,
    trailer: usize,
    out_start: usize,
    out_end: usize,
    chunk_ct_len: usize,
    failed: Option<Error>,
}

impl<R: Read> Opener<R> {
    /// Reads the preamble from `input`, opens the stanza for `sk` and checks the MAC; reads
    /// stop (`too_large`) at `opts.limits.max_envelope_bytes`, and chunk `max_chunks + 1` is
    /// refused (`limit_exceeded`) before it is read.
    pub fn new(input: R, sk: &SecretKey, opts: &OpenOptions) -> Result<Self> {
        let limits = opts.limits;
        let mut input = Capped {
            inner: input,
            left: limits.max_envelope_bytes,
            limits,
        };
        let p = read_preamble(&mut input, &limits)?;
        let schedule = unlock(&p.header, &p.header_bytes, &p.stanzas, &p.mac, sk, opts)?;
        let chunk_ct_len = p.header.chunk_size as usize + TAG_LEN;
        let trailer = if p.header.signed {
            SIGNATURE_RECORD_LEN
        } else {
            0
        };
        // No bigger than what is left to read: max_envelope_bytes bounds memory too.
        let want = chunk_ct_len + trailer;
        let buf_len = usize::try_from(input.left).map_or(want, |l| l.min(want));
        Ok(Self {
            input,
            chunks: ChunkOpener::new(&schedule.payload, &p.header_bytes)?,
            hasher: p.header.signed.then(Sha256::new),
            header: p.header,
            header_bytes: p.header_bytes,
            schedule,
            opts: opts.clone(),
            signature: None,
            buf: vec![0u8; buf_len + 1],
            carry: 0,
            trailer,
            out_start: 0,
            out_end: 0,
            chunk_ct_len,
            failed: None,
        })
    }

    /// The header (its MAC verified: it is the header every recipient sees).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The signature, once the final chunk has been opened and the signature checked; `None`
    /// before that and for an unsigned envelope.
    pub fn signature(&self) -> Option<&SignatureInfo> {
        self.signature.as_ref()
    }

    /// Reads and opens the next chunk into `buf[out_start..out_end]`.
    fn next_chunk(&mut self) -> Result<()> {
        let mut filled = self.carry;
        if self.carry > 0 {
            let from = self.chunk_ct_len;
            self.buf.copy_within(from..from + self.carry, 0);
            self.carry = 0;
        }
        if self.chunks.opened() >= self.input.limits.max_chunks {
            return Err(self.input.limits.too_many_chunks());
        }
        // Fill one chunk, the signature record's length and one byte: the extra bytes tell
        // whether this chunk is the last. A buffer cut short by max_envelope_bytes never
        // fills: the input fails first.
        let want = self.chunk_ct_len + self.trailer + 1;
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
        let chunk_len = if last {
            filled.checked_sub(self.trailer).ok_or_else(|| {
                Error::new(
                    ErrorCode::Truncated,
                    "the envelope ends before its signature record",
                )
            })?
        } else {
            self.carry = filled - self.chunk_ct_len;
            self.chunk_ct_len
        };
        if last && chunk_len == 0 && !self.chunks.finished() {
            return Err(Error::new(
                ErrorCode::Truncated,
                "the envelope ends before its final chunk",
            ));
        }
        let mut record = [0u8; SIGNATURE_RECORD_LEN];
        if last && self.trailer > 0 {
            if let Some(r) = self.buf.get(chunk_len..filled) {
                record.copy_from_slice(r);
            }
        }
        let chunk = self
            .buf
            .get_mut(..chunk_len)
            .ok_or_else(|| Error::new(ErrorCode::MalformedEnvelope, "chunk framing"))?;
        let n = self.chunks.open_chunk(chunk, last)?;
        if let (Some(h), Some(pt)) = (&mut self.hasher, self.buf.get(..n)) {
            h.update(pt);
        }
        if last {
            if let Some(h) = self.hasher.take() {
                let digest: [u8; 32] = h.finalize().into();
                self.signature = Some(check_signature(
                    &self.header_bytes,
                    &self.schedule,
                    &record,
                    &digest,
                    &self.opts,
                )?);
            }
        }
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
