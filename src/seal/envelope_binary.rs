//! The binary envelope: `MNSL` ‖ version ‖ u32 header length ‖ header ‖ stanzas ‖ MAC ‖
//! chunks ‖ (signed) signature record.

use super::header::Header;
use super::hpke_stanza::{Stanza, ENC_LEN, STANZA_CT_LEN};
use super::limits::{EnvelopeLimits, MAX_HEADER_LEN, MAX_RECIPIENTS};
use super::schedule::{MAC_LEN, SIGNATURE_RECORD_LEN};
use super::stream::TAG_LEN;
use super::Envelope;
use crate::{Error, ErrorCode, Result};
use std::io::{Read, Write};
use std::ops::Range;

/// The first four bytes of every binary envelope.
pub const BINARY_MAGIC: [u8; 4] = *b"MNSL";
/// The byte after the magic: the binary layout version (equal to the header's format version).
pub const BINARY_VERSION: u8 = 2;

fn io_err(e: std::io::Error, what: &str) -> Error {
    // A limit the reader enforces (the streaming opener's size cap) travels inside the error.
    if let Some(err) = e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
        return err.clone();
    }
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        Error::new(
            ErrorCode::Truncated,
            format!("the envelope ends inside the {what}"),
        )
    } else {
        super::io::io_error(&format_args!("reading the {what}"), &e)
    }
}

/// The most bytes everything before a binary envelope's first chunk can take (magic, version,
/// header length, the largest header, the most stanzas, the MAC): the prefix
/// [`DetachedEnvelope::from_binary`] needs.
pub const MAX_BINARY_PREAMBLE_LEN: usize =
    9 + MAX_HEADER_LEN + MAX_RECIPIENTS * (ENC_LEN + STANZA_CT_LEN) + MAC_LEN;

/// Writes everything before the first chunk (the MAC last).
pub(crate) fn write_preamble<W: Write>(
    out: &mut W,
    header_bytes: &[u8],
    stanzas: &[Stanza],
    mac: &[u8; MAC_LEN],
) -> Result<()> {
    let mut pre = super::preamble_bytes(header_bytes, stanzas);
    pre.extend_from_slice(mac);
    out.write_all(&pre)
        .map_err(|e| super::io::io_error(&"writing the envelope", &e))
}

/// What precedes the first chunk.
pub(crate) struct Preamble {
    pub(crate) header: Header,
    pub(crate) header_bytes: Vec<u8>,
    pub(crate) stanzas: Vec<Stanza>,
    pub(crate) mac: [u8; MAC_LEN],
}

/// Reads and checks everything before the first chunk, refusing what `limits` does not allow
/// before reading or allocating it.
pub(crate) fn read_preamble<R: Read>(r: &mut R, limits: &EnvelopeLimits) -> Result<Preamble> {
    let mut magic = [0u8; 4];
    r.read_exact(&mut magic)
        .map_err(|e| io_err(e, "magic bytes"))?;
    if magic != BINARY_MAGIC {
        return Err(Error::new(
            ErrorCode::MalformedEnvelope,
            "not a binary minseal envelope (bytes 0..4 are not \"MNSL\")",
        ));
    }
    let mut v = [0u8; 1];
    r.read_exact(&mut v)
        .map_err(|e| io_err(e, "version byte"))?;
    if v[0] != BINARY_VERSION {
        return Err(Error::new(
            ErrorCode::UnsupportedVersion,
            format!("binary version {} at byte 4 is not supported", v[0]),
        ));
    }
    let mut len = [0u8; 4];
    r.read_exact(&mut len)
        .map_err(|e| io_err(e, "header length"))?;
    let len = u32::from_be_bytes(len) as usize;
    if len == 0 || len > MAX_HEADER_LEN {
        return Err(Error::new(
            ErrorCode::MalformedEnvelope,
            format!("header length {len} at bytes 5..9 is outside 1..={MAX_HEADER_LEN}"),
        ));
    }
    limits.check_size(9 + len as u64)?;
    let mut header_bytes = vec![0u8; len];
    r.read_exact(&mut header_bytes)
        .map_err(|e| io_err(e, "header"))?;
    let header = Header::parse_canonical(&header_bytes)?;
    limits.check_header(&header)?;
    let stanza_len = (ENC_LEN + STANZA_CT_LEN) as u64;
    limits.check_size(9 + len as u64 + stanza_len * header.recipients.len() as u64 + 32)?;
    let mut stanzas = Vec::with_capacity(header.recipients.len());
    for (i, kid) in header.recipients.iter().enumerate() {
        let mut enc = [0u8; ENC_LEN];
        let mut ct = [0u8; STANZA_CT_LEN];
        r.read_exact(&mut enc)
            .and_then(|()| r.read_exact(&mut ct))
            .map_err(|e| io_err(e, &format!("stanza {i}")))?;
        stanzas.push(Stanza {
            kid: kid.clone(),
            enc,
            ct,
        });
    }
    let mut mac = [0u8; MAC_LEN];
    r.read_exact(&mut mac)
        .map_err(|e| io_err(e, "header MAC"))?;
    Ok(Preamble {
        header,
        header_bytes,
        stanzas,
        mac,
    })
}

fn no_signature_record() -> Error {
    Error::new(
        ErrorCode::Truncated,
        "the envelope ends before its signature record",
    )
}

/// Splits what follows the MAC into the chunk region and, for a signed envelope, the
/// signature record (its last [`SIGNATURE_RECORD_LEN`] bytes): `truncated` if too short.
pub(crate) fn split_signature(
    rest: &[u8],
    signed: bool,
) -> Result<(&[u8], Option<[u8; SIGNATURE_RECORD_LEN]>)> {
    if !signed {
        return Ok((rest, None));
    }
    let cut = rest
        .len()
        .checked_sub(SIGNATURE_RECORD_LEN)
        .ok_or_else(no_signature_record)?;
    let (chunks, rec) = rest.split_at(cut);
    let mut record = [0u8; SIGNATURE_RECORD_LEN];
    record.copy_from_slice(rec);
    Ok((chunks, Some(record)))
}

impl Envelope {
    /// The binary form (see docs/FORMAT.md).
    pub fn to_binary(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(usize::try_from(self.binary_len()).unwrap_or(0));
        // Writing into a Vec cannot fail; the header length was checked when it was built.
        let _ = write_preamble(&mut out, &self.header_bytes, &self.stanzas, &self.mac);
        out.extend_from_slice(&self.payload);
        if let Some(rec) = &self.signature {
            out.extend_from_slice(rec);
        }
        out
    }

    /// Parses the binary form strictly (the chunk region is checked when opening).
    pub fn from_binary(bytes: &[u8]) -> Result<Envelope> {
        Self::from_binary_with_limits(bytes, &EnvelopeLimits::default())
    }

    /// [`Envelope::from_binary`] within `limits` (size first, then recipients, metadata, and
    /// the chunk count the chunk region's length implies).
    pub fn from_binary_with_limits(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
        let DetachedEnvelope { mut head, region } =
            DetachedEnvelope::from_binary(bytes.len(), |r| &bytes[r], limits)?;
        head.payload = bytes[region].to_vec();
        Ok(head)
    }
}

/// A binary envelope read without its chunk region, which stays with its holder: the JS
/// entry's `openAsync` hands the region to WebCrypto straight from the caller's bytes, so only
/// the preamble and the signature record are copied into wasm.
/// [`open_parts_detached`](super::open_parts_detached) opens it.
pub struct DetachedEnvelope {
    /// The envelope with an empty chunk region.
    pub(crate) head: Envelope,
    pub(crate) region: Range<usize>,
}

impl DetachedEnvelope {
    /// Reads a binary envelope of `len` bytes through `read`, which returns the bytes of a range
    /// of it. Only two ranges are asked for: the first `min(len,`
    /// [`MAX_BINARY_PREAMBLE_LEN`]`)` bytes, and for a signed envelope its last
    /// [`SIGNATURE_RECORD_LEN`] bytes. The checks and errors are those of
    /// [`Envelope::from_binary_with_limits`] (which reads through this); `read` returning
    /// another length than asked is `invalid_argument`.
    pub fn from_binary<B: AsRef<[u8]>>(
        len: usize,
        mut read: impl FnMut(Range<usize>) -> B,
        limits: &EnvelopeLimits,
    ) -> Result<DetachedEnvelope> {
        limits.check_size(len as u64)?;
        let want = len.min(MAX_BINARY_PREAMBLE_LEN);
        let prefix = read(0..want);
        let prefix = prefix.as_ref();
        if prefix.len() != want {
            return Err(short_read());
        }
        let mut r = prefix;
        let p = read_preamble(&mut r, limits)?;
        let start = prefix.len() - r.len();
        let (end, signature) = if p.header.signed {
            let end = len
                .checked_sub(SIGNATURE_RECORD_LEN)
                .filter(|&end| end >= start)
                .ok_or_else(no_signature_record)?;
            let record = <[u8; SIGNATURE_RECORD_LEN]>::try_from(read(end..len).as_ref())
                .map_err(|_| short_read())?;
            (end, Some(record))
        } else {
            (len, None)
        };
        limits.check_chunk_region(end - start, p.header.chunk_size as usize + TAG_LEN)?;
        Ok(DetachedEnvelope {
            head: Envelope {
                header: p.header,
                header_bytes: p.header_bytes,
                stanzas: p.stanzas,
                mac: p.mac,
                payload: Vec::new(),
                signature,
            },
            region: start..end,
        })
    }

    /// Where the chunk region lies in the binary form.
    pub fn region(&self) -> Range<usize> {
        self.region.clone()
    }
}

fn short_read() -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        "the bytes read are not the range of the envelope asked for",
    )
}
