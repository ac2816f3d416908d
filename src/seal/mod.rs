//! Sealing and opening envelopes: a random content key, HPKE stanzas (one per recipient)
//! wrapping it, and the payload under STREAM/AES-256-GCM, all bound to one canonical header.
//!
//! The byte-level format is in `docs/FORMAT.md`. In-memory [`seal`]/[`open`] and the
//! streaming [`Sealer`]/[`Opener`] share one implementation of the crypto: every chunk goes
//! through `stream`'s `ChunkSealer`/`ChunkOpener` (nonces, counter, AAD, final flag). The
//! in-memory seal and open encrypt and decrypt each chunk straight between the payload and the
//! envelope buffer, with the streaming framing.

mod envelope_binary;
mod envelope_json;
mod header;
mod hpke_stanza;
mod io;
mod limits;
mod metadata;
mod params;
mod rng;
mod stream;

pub use envelope_binary::{BINARY_MAGIC, BINARY_VERSION};
pub use header::{Header, AEAD_ID, DEFAULT_CONTENT_TYPE, FORMAT_VERSION, KDF_ID, KEM_ID};
pub use hpke_stanza::{Stanza, ENC_LEN, HPKE_INFO, STANZA_CT_LEN};
pub use io::{error_from_io, Opener, Sealer};
pub use limits::*;
pub use metadata::Metadata;
pub use params::SealParams;
pub use stream::{chunk_nonce, TAG_LEN};

use crate::keys::{PublicKey, SecretKey};
use crate::{Error, ErrorCode, Result};
use hpke::rand_core::CryptoRng;
use zeroize::Zeroizing;

/// Length of the content key (AES-256).
pub const CONTENT_KEY_LEN: usize = 32;

/// The per-envelope AES-256-GCM key, zeroized on drop.
pub(crate) type ContentKey = Zeroizing<[u8; CONTENT_KEY_LEN]>;

/// A sealed envelope, in memory. Convert with [`Envelope::to_json`] / [`Envelope::to_binary`]
/// and back; the two forms carry exactly the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    header: Header,
    header_bytes: Vec<u8>,
    stanzas: Vec<Stanza>,
    payload: Vec<u8>,
}

impl Envelope {
    /// The (not yet authenticated) header. [`open`] returns the authenticated one.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The header's canonical bytes (the AAD).
    pub fn header_bytes(&self) -> &[u8] {
        &self.header_bytes
    }

    /// The recipient stanzas, in header order.
    pub fn stanzas(&self) -> &[Stanza] {
        &self.stanzas
    }

    /// All chunk ciphertexts (each plaintext chunk followed by its tag), concatenated.
    pub fn payload_ciphertext(&self) -> &[u8] {
        &self.payload
    }

    /// The size of the binary form, computed without building it.
    pub fn binary_len(&self) -> u64 {
        (9 + self.header_bytes.len() + self.stanzas.len() * (ENC_LEN + STANZA_CT_LEN)) as u64
            + self.payload.len() as u64
    }

    /// Recipient, metadata, chunk-count and (binary) size limits, before anything is opened.
    fn check_limits(&self, limits: &EnvelopeLimits) -> Result<()> {
        limits.check_header(&self.header)?;
        limits.check_size(self.binary_len())?;
        limits.check_chunk_region(
            self.payload.len(),
            self.header.chunk_size as usize + TAG_LEN,
        )
    }
}

/// What [`open`] returns: the plaintext and the header it was authenticated with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The authenticated header.
    pub header: Header,
}

/// Everything written before the first chunk.
pub(crate) struct Prepared {
    pub(crate) header: Header,
    pub(crate) header_bytes: Vec<u8>,
    pub(crate) stanzas: Vec<Stanza>,
    pub(crate) key: ContentKey,
}

/// Randomness one sealing draws: the content key and one ephemeral X25519 seed per recipient.
pub(crate) fn random_bytes_needed(recipients: usize) -> usize {
    CONTENT_KEY_LEN + 32 * recipients
}

/// Builds the header, draws the content key and wraps it for every recipient. `payload_len`
/// (if known) sets the automatic chunk size.
pub(crate) fn prepare<R: CryptoRng>(
    recipients: &[PublicKey],
    params: &SealParams,
    payload_len: Option<usize>,
    rng: &mut R,
) -> Result<Prepared> {
    if recipients.is_empty() {
        return Err(Error::new(ErrorCode::InvalidArgument, "no recipients"));
    }
    params.limits.check_recipients(recipients.len())?;
    for (i, r) in recipients.iter().enumerate() {
        if recipients[..i].contains(r) {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                format!("recipient {i} repeats an earlier recipient"),
            ));
        }
    }
    let header = Header {
        recipients: recipients.iter().map(PublicKey::kid).collect(),
        policy: params.policy.clone(),
        content_type: params.content_type.clone(),
        created_at: params.created_at,
        chunk_size: params.chunk_size_for(payload_len),
        metadata: params.metadata.clone(),
    };
    params.limits.check_header(&header)?;
    let header_bytes = header.canonical_bytes()?;
    let mut key: ContentKey = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
    rng.fill_bytes(key.as_mut());
    // A plain loop, not `collect::<Result<Vec<_>>>()`: smaller wasm (no `GenericShunt` adapter).
    let mut stanzas = Vec::with_capacity(recipients.len());
    for r in recipients {
        stanzas.push(hpke_stanza::wrap(&key, r, &header_bytes, rng)?);
    }
    Ok(Prepared {
        header,
        header_bytes,
        stanzas,
        key,
    })
}

/// Finds the content key: the stanza(s) whose kid is the key's are tried first; if none has
/// it, every stanza is tried. A stanza naming the key that does not open is
/// `decryption_failed`; no stanza for the key at all is `no_matching_recipient`.
pub(crate) fn unwrap_content_key(
    header_bytes: &[u8],
    stanzas: &[Stanza],
    sk: &SecretKey,
) -> Result<ContentKey> {
    let kid = sk.kid();
    let mut named = stanzas.iter().filter(|s| s.kid == kid).peekable();
    if named.peek().is_some() {
        return named
            .find_map(|s| hpke_stanza::unwrap(s, sk, header_bytes))
            .ok_or_else(Error::decryption_failed);
    }
    stanzas
        .iter()
        .find_map(|s| hpke_stanza::unwrap(s, sk, header_bytes))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NoMatchingRecipient,
                format!(
                    "none of the {} recipient stanzas is for this key",
                    stanzas.len()
                ),
            )
        })
}

/// An envelope without its payload ciphertext: the canonical header, the HPKE stanzas wrapping a
/// fresh content key, and that key. For callers that run the STREAM chunk encryption of
/// docs/FORMAT.md elsewhere (the npm package's `sealAsync` encrypts the chunks with WebCrypto's
/// AES-GCM, which is hardware AES in browsers) and then assemble the envelope from
/// [`SealParts::binary_preamble`] or [`SealParts::json_prefix`] and the chunks. Same randomness
/// draws as [`seal`], so with the same RNG the result is the same envelope byte for byte.
pub struct SealParts {
    header_bytes: Vec<u8>,
    stanzas: Vec<Stanza>,
    chunk_size: u32,
    key: ContentKey,
}

impl SealParts {
    /// The canonical header: the AAD of every chunk.
    pub fn header_bytes(&self) -> &[u8] {
        &self.header_bytes
    }

    /// The chunk size of the header.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// The content key K (AES-256-GCM). Secret: wiped when `self` drops.
    pub fn content_key(&self) -> &[u8; CONTENT_KEY_LEN] {
        &self.key
    }

    /// The binary form up to the first chunk (magic, version, header length, header, stanzas).
    pub fn binary_preamble(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail; the header length was checked when it was built.
        let _ = envelope_binary::write_preamble(&mut out, &self.header_bytes, &self.stanzas);
        out
    }

    /// The JSON form up to the base64url payload text; [`SealParts::JSON_SUFFIX`] closes it.
    pub fn json_prefix(&self) -> String {
        envelope_json::json_prefix(&self.header_bytes, &self.stanzas, 0)
    }

    /// What follows the base64url payload text in the JSON form.
    pub const JSON_SUFFIX: &'static str = envelope_json::JSON_SUFFIX;
}

/// [`SealParts`] for sealing `payload_len` bytes to `recipients`, with system randomness.
pub fn seal_parts(
    recipients: &[PublicKey],
    params: &SealParams,
    payload_len: usize,
) -> Result<SealParts> {
    let mut rng = rng::PrefetchedRng::new(random_bytes_needed(recipients.len()))?;
    let parts = seal_parts_with_rng(recipients, params, payload_len, &mut rng)?;
    rng.check()?;
    Ok(parts)
}

/// [`seal_parts`] with a caller-supplied RNG (tests, vectors).
pub fn seal_parts_with_rng<R: CryptoRng>(
    recipients: &[PublicKey],
    params: &SealParams,
    payload_len: usize,
    rng: &mut R,
) -> Result<SealParts> {
    let p = prepare(recipients, params, Some(payload_len), rng)?;
    Ok(SealParts {
        chunk_size: p.header.chunk_size,
        header_bytes: p.header_bytes,
        stanzas: p.stanzas,
        key: p.key,
    })
}

/// Seals `payload` to `recipients` with randomness from the system source.
pub fn seal(payload: &[u8], recipients: &[PublicKey], params: &SealParams) -> Result<Envelope> {
    let mut rng = rng::PrefetchedRng::new(random_bytes_needed(recipients.len()))?;
    let env = seal_with_rng(payload, recipients, params, &mut rng)?;
    rng.check()?;
    Ok(env)
}

/// [`seal`] with the caller's RNG: deterministic output for a seeded RNG (tests, vectors).
pub fn seal_with_rng<R: CryptoRng>(
    payload: &[u8],
    recipients: &[PublicKey],
    params: &SealParams,
    rng: &mut R,
) -> Result<Envelope> {
    let prepared = prepare(recipients, params, Some(payload.len()), rng)?;
    let cs = prepared.header.chunk_size.max(1) as usize;
    let mut sealer = stream::ChunkSealer::new(&prepared.key, &prepared.header_bytes)?;
    // The chunking of `io::ChunkWriter`: full chunks, the last one final; an empty payload is
    // one empty final chunk. Each chunk is encrypted straight from the payload into its place
    // in the envelope (zero-filled by the allocator: for a large payload, fresh pages the
    // kernel zeroes; no plaintext is ever copied into it).
    let n = payload.len().div_ceil(cs).max(1);
    let mut ciphertext = vec![0u8; payload.len() + n * TAG_LEN];
    let mut out = &mut ciphertext[..];
    for (i, chunk) in payload
        .chunks(cs)
        .chain(payload.is_empty().then_some(&[][..]))
        .enumerate()
    {
        // Never `None`: the buffer holds exactly every chunk and its tag.
        let (dst, rest) = core::mem::take(&mut out)
            .split_at_mut_checked(chunk.len() + TAG_LEN)
            .unwrap_or_default();
        sealer.seal_to(chunk, dst, i + 1 == n)?;
        out = rest;
    }
    Ok(Envelope {
        header: prepared.header,
        header_bytes: prepared.header_bytes,
        stanzas: prepared.stanzas,
        payload: ciphertext,
    })
}

/// Opens `envelope` with `sk`: the plaintext and the authenticated header, or an error
/// (`no_matching_recipient`, `decryption_failed`, `truncated`, `malformed_envelope`).
pub fn open(envelope: &Envelope, sk: &SecretKey) -> Result<Opened> {
    open_with_limits(envelope, sk, &EnvelopeLimits::default())
}

/// [`open`] within `limits`: the envelope's binary size, recipients, metadata and chunk count
/// are checked before any key is tried (`too_large`, `limit_exceeded`).
pub fn open_with_limits(
    envelope: &Envelope,
    sk: &SecretKey,
    limits: &EnvelopeLimits,
) -> Result<Opened> {
    envelope.check_limits(limits)?;
    let key = unwrap_content_key(&envelope.header_bytes, &envelope.stanzas, sk)?;
    let chunks = stream::ChunkOpener::new(&key, &envelope.header_bytes)?;
    let chunk_ct_len = envelope.header.chunk_size as usize + TAG_LEN;
    let payload = open_region(chunks, &envelope.payload, chunk_ct_len, limits)?;
    Ok(Opened {
        payload,
        header: envelope.header.clone(),
    })
}

/// The plaintext of a whole chunk region, each chunk decrypted from the envelope straight into
/// the plaintext buffer (one pass; the streaming [`Opener`] copies each chunk in and out).
/// The framing is the streaming opener's (`io::Opener::next_chunk`): a chunk is the last one
/// when at most one chunk's bytes remain, so both give the same plaintext and the same errors
/// (tests/seal_props.rs compares them on tampered envelopes). On an error, the plaintext of
/// the chunks already opened is wiped before the buffer is freed.
fn open_region(
    mut chunks: stream::ChunkOpener,
    region: &[u8],
    chunk_ct_len: usize,
    limits: &EnvelopeLimits,
) -> Result<Vec<u8>> {
    // Room for every chunk's ciphertext; the tags' bytes are cut off at the end.
    let mut out = vec![0u8; region.len()];
    let mut rest = region;
    let mut written = 0;
    while !chunks.finished() {
        let step = if chunks.opened() >= limits.max_chunks {
            Err(limits.too_many_chunks())
        } else if rest.is_empty() {
            Err(Error::new(
                ErrorCode::Truncated,
                "the envelope ends before its final chunk",
            ))
        } else {
            let last = rest.len() <= chunk_ct_len;
            let (chunk, tail) = rest.split_at(if last { rest.len() } else { chunk_ct_len });
            rest = tail;
            chunks.open_to(chunk, out.get_mut(written..).unwrap_or_default(), last)
        };
        match step {
            Ok(n) => written += n,
            Err(e) => {
                zeroize::Zeroize::zeroize(&mut out);
                return Err(e);
            }
        }
    }
    out.truncate(written);
    Ok(out)
}
