//! Sealing and opening envelopes (format v2): a random content key K, HPKE stanzas (one per
//! recipient) wrapping it, a MAC over the header and every stanza under a key derived from K
//! (so every recipient reads the same plaintext), the payload under STREAM/AES-256-GCM, and an
//! optional sender signature in an encrypted record after the last chunk, all bound to one
//! canonical header.
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
mod open_parts;
mod params;
mod rng;
mod schedule;
mod stream;

pub use envelope_binary::{
    DetachedEnvelope, BINARY_MAGIC, BINARY_VERSION, MAX_BINARY_PREAMBLE_LEN,
};
pub use header::{
    Header, AEAD_ID, DEFAULT_CONTENT_TYPE, FORMAT_VERSION, KDF_ID, KEM_ID, MESSAGE_ID_LEN,
};
pub use hpke_stanza::{Stanza, ENC_LEN, HPKE_INFO, STANZA_CT_LEN};
pub use io::{error_from_io, Opener, Sealer};
pub use limits::*;
pub use metadata::Metadata;
pub use open_parts::{open_parts, open_parts_detached, OpenParts};
pub use params::SealParams;
pub use schedule::{MAC_LEN, SIGNATURE_RECORD_LEN};
#[cfg(feature = "deterministic-rng")]
pub use stream::chunk_nonce;
pub use stream::TAG_LEN;

use crate::keys::{PublicKey, SecretKey};
use crate::sign::{SignatureAlg, Signer, VerifyingKey, SIGNATURE_LEN, STATEMENT_LEN};
use crate::{Error, ErrorCode, Result};
use hpke::rand_core::CryptoRng;
use schedule::Schedule;
use zeroize::Zeroizing;

/// Length of the content key K.
pub const CONTENT_KEY_LEN: usize = 32;

/// The per-envelope content key and keys derived from it, zeroized on drop.
pub(crate) type ContentKey = Zeroizing<[u8; CONTENT_KEY_LEN]>;

/// A sealed envelope, in memory. Convert with [`Envelope::to_json`] / [`Envelope::to_binary`]
/// and back; the two forms carry exactly the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    header: Header,
    header_bytes: Vec<u8>,
    stanzas: Vec<Stanza>,
    mac: [u8; MAC_LEN],
    payload: Vec<u8>,
    signature: Option<[u8; SIGNATURE_RECORD_LEN]>,
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

    /// The header MAC (HMAC-SHA256 over the binary preamble).
    pub fn mac(&self) -> &[u8; MAC_LEN] {
        &self.mac
    }

    /// All chunk ciphertexts (each plaintext chunk followed by its tag), concatenated.
    pub fn payload_ciphertext(&self) -> &[u8] {
        &self.payload
    }

    /// The chunk region, moved out (the JS entry's `openAsync` keeps it and drops the rest).
    #[cfg(feature = "wasm-receiver")]
    pub(crate) fn into_payload_ciphertext(self) -> Vec<u8> {
        self.payload
    }

    /// The encrypted signature record, present exactly when the header says `signed`.
    pub fn signature_record(&self) -> Option<&[u8; SIGNATURE_RECORD_LEN]> {
        self.signature.as_ref()
    }

    /// Either form, told apart by its first bytes: the binary form starts with
    /// [`BINARY_MAGIC`] (input cut off inside it is a truncated binary envelope), the JSON form
    /// with `{` after whitespace, which is trimmed (a file's newline is not the envelope's).
    /// Anything else is `malformed_envelope`.
    pub fn from_either_with_limits(bytes: &[u8], limits: &EnvelopeLimits) -> Result<Envelope> {
        if bytes.starts_with(&BINARY_MAGIC)
            || (!bytes.is_empty() && BINARY_MAGIC.starts_with(bytes))
        {
            return Self::from_binary_with_limits(bytes, limits);
        }
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(Error::new(
                ErrorCode::MalformedEnvelope,
                "not an envelope: neither the binary magic \"MNSL\" nor a JSON object",
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Error::new(
                ErrorCode::MalformedEnvelope,
                format!("JSON envelope: invalid UTF-8 at byte {}", e.valid_up_to()),
            )
        })?;
        Self::from_json_with_limits(text.trim(), limits)
    }

    /// The size of the binary form, computed without building it.
    pub fn binary_len(&self) -> u64 {
        self.binary_len_with(self.payload.len())
    }

    /// [`Envelope::binary_len`] with a chunk region of `region_len` bytes (a
    /// [`DetachedEnvelope`]'s region stays with its caller).
    fn binary_len_with(&self, region_len: usize) -> u64 {
        (9 + self.header_bytes.len() + self.stanzas.len() * (ENC_LEN + STANZA_CT_LEN) + MAC_LEN)
            as u64
            + region_len as u64
            + self.signature.map_or(0, |s| s.len() as u64)
    }

    /// Recipient, metadata, chunk-count and (binary) size limits, before anything is opened,
    /// for a chunk region of `region_len` bytes.
    fn check_limits(&self, region_len: usize, limits: &EnvelopeLimits) -> Result<()> {
        limits.check_header(&self.header)?;
        limits.check_size(self.binary_len_with(region_len))?;
        limits.check_chunk_region(region_len, self.header.chunk_size as usize + TAG_LEN)
    }
}

/// Who signed an envelope, and whether that was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The algorithm the signature record names.
    pub alg: SignatureAlg,
    /// The signer's key id (RFC 7638 thumbprint).
    pub kid: String,
    /// The raw 64-byte signature over [`crate::sign::statement`].
    pub signature: [u8; SIGNATURE_LEN],
    /// True when the signature verified under a key the caller trusts
    /// ([`OpenOptions::signers`]); false when the caller gave no keys, so nothing was checked.
    pub verified: bool,
}

/// How to open: limits, which signing keys to trust, the time.
///
/// With no `signers`, signatures are not checked: a signed envelope opens and
/// [`Opened::signature`] names the claimed signer with `verified: false`. With `signers`, a
/// signed envelope opens only if its signature verifies under the key its kid names
/// (`unknown_signer` if that kid is not among them, `signature_invalid` if it does not verify or
/// the record names another algorithm than the key's), and an unsigned one is
/// `signature_missing` unless `allow_unsigned`.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Limits on what is read (default: the format's own).
    pub limits: EnvelopeLimits,
    /// The signing keys the caller trusts.
    pub signers: Vec<VerifyingKey>,
    /// Accept an unsigned envelope even though `signers` is not empty.
    pub allow_unsigned: bool,
    /// The current time, Unix seconds: an envelope whose `expires_at` is at or before it is
    /// `expired`. `None`: expiry is not checked (the library never reads a clock).
    pub now: Option<u64>,
}

impl OpenOptions {
    /// Trust these signing keys (see the type's documentation).
    pub fn trust(mut self, signers: impl Into<Vec<VerifyingKey>>) -> Self {
        self.signers = signers.into();
        self
    }

    /// Open within `limits`.
    pub fn with_limits(mut self, limits: EnvelopeLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Accept unsigned envelopes even with trusted signers.
    pub fn allow_unsigned(mut self, allow: bool) -> Self {
        self.allow_unsigned = allow;
        self
    }

    /// Check `expires_at` against `now` (Unix seconds).
    pub fn at(mut self, now: u64) -> Self {
        self.now = Some(now);
        self
    }
}

/// What [`open`] returns: the plaintext, the header it was authenticated with, and the
/// signature, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The authenticated header.
    pub header: Header,
    /// The sender's signature: `None` when the envelope is unsigned.
    pub signature: Option<SignatureInfo>,
    /// The receipt's keyed payload digest, HMAC-SHA256(receipt key, SHA-256(payload)): what the
    /// sender's bound receipt carries as `payload.hmac_sha256`, so a receiver's acknowledgement
    /// can name the payload in the sender's own terms (docs/POLICY.md, "Receipt").
    pub receipt_digest: [u8; 32],
}

/// Who will sign: the algorithm and key id a sealer writes into the header's signature
/// record. [`SignerId::of`] takes them from a [`Signer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerId {
    /// The signing algorithm.
    pub alg: SignatureAlg,
    /// The signer's key id (RFC 7638 thumbprint, 43 characters of base64url).
    pub kid: String,
}

impl SignerId {
    /// The algorithm and kid of `signer`.
    pub fn of(signer: &dyn Signer) -> Self {
        Self {
            alg: signer.alg(),
            kid: signer.kid(),
        }
    }

    fn kid_bytes(&self) -> Result<[u8; 32]> {
        crate::keys::b64::decode_array::<32>(&self.kid).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "signer kid must be 32 bytes of unpadded, canonical base64url (43 characters)",
            )
        })
    }
}

/// The binary form up to the MAC: magic, version, header length, header, stanzas. The MAC is
/// computed over exactly these bytes, for either form.
pub(crate) fn preamble_bytes(header_bytes: &[u8], stanzas: &[Stanza]) -> Vec<u8> {
    let mut pre = Vec::with_capacity(9 + header_bytes.len() + stanzas.len() * 80);
    pre.extend_from_slice(&BINARY_MAGIC);
    pre.push(BINARY_VERSION);
    pre.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    pre.extend_from_slice(header_bytes);
    for s in stanzas {
        pre.extend_from_slice(&s.enc);
        pre.extend_from_slice(&s.ct);
    }
    pre
}

/// Randomness one sealing draws, in this order: the content key K (32 bytes), the
/// `message_id` (16), then one ephemeral X25519 seed (32) per recipient, in recipient order.
pub(crate) fn random_bytes_needed(recipients: usize) -> usize {
    CONTENT_KEY_LEN + MESSAGE_ID_LEN + 32 * recipients
}

/// An envelope without its payload: the canonical header, the HPKE stanzas wrapping a fresh
/// content key, the header MAC, and the keys derived from K. The in-memory [`seal`] and the
/// streaming [`Sealer`] run through it; it is public for callers that sign elsewhere (an async
/// signer: [`SealParts::statement`] gives what to sign, [`SealParts::finish`] takes the
/// signature) or encrypt the chunks elsewhere (the npm package's `sealAsync` runs the STREAM
/// chunks of docs/FORMAT.md through WebCrypto's AES-GCM under [`SealParts::payload_key`], then
/// assembles the envelope from [`SealParts::binary_preamble`] or [`SealParts::json_prefix`],
/// the chunks and [`SealParts::signature_record`]). Same randomness draws as [`seal`], so with
/// the same RNG the result is the same envelope byte for byte.
pub struct SealParts {
    header: Header,
    header_bytes: Vec<u8>,
    stanzas: Vec<Stanza>,
    mac: [u8; MAC_LEN],
    schedule: Schedule,
    signer: Option<SignerId>,
}

impl SealParts {
    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The canonical header: the AAD of every chunk.
    pub fn header_bytes(&self) -> &[u8] {
        &self.header_bytes
    }

    /// The chunk size of the header.
    pub fn chunk_size(&self) -> u32 {
        self.header.chunk_size
    }

    /// The payload key (AES-256-GCM key of the STREAM chunks). Secret: wiped when `self` drops.
    pub fn payload_key(&self) -> &[u8; CONTENT_KEY_LEN] {
        &self.schedule.payload
    }

    /// The binary form up to the first chunk (magic, version, header length, header, stanzas,
    /// MAC).
    pub fn binary_preamble(&self) -> Vec<u8> {
        let mut out = preamble_bytes(&self.header_bytes, &self.stanzas);
        out.extend_from_slice(&self.mac);
        out
    }

    /// The JSON form up to the base64url payload text; [`SealParts::JSON_SUFFIX`] closes it.
    pub fn json_prefix(&self) -> String {
        envelope_json::json_prefix(&self.header_bytes, &self.stanzas, &self.mac, 0)
    }

    /// What follows the base64url payload text in the JSON form.
    pub const JSON_SUFFIX: &'static str = envelope_json::JSON_SUFFIX;

    /// The statement to sign for a payload whose SHA-256 is `payload_sha256`
    /// ([`crate::sign::statement`]).
    pub fn statement(&self, payload_sha256: &[u8; 32]) -> [u8; STATEMENT_LEN] {
        crate::sign::statement(&self.header_bytes, payload_sha256)
    }

    /// The encrypted signature record for `signature` (64 raw bytes) by the signer named when
    /// the parts were made; it follows the last chunk. `invalid_argument` if the parts were
    /// made unsigned or the signature is not 64 bytes.
    pub fn signature_record(&self, signature: &[u8]) -> Result<[u8; SIGNATURE_RECORD_LEN]> {
        let Some(signer) = &self.signer else {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "the envelope was prepared unsigned",
            ));
        };
        let sig = crate::sign::raw_signature(signature)?;
        self.schedule
            .seal_signature(&self.header_bytes, signer.alg, &signer.kid_bytes()?, sig)
    }

    /// The receipt's keyed digest of a payload whose SHA-256 is `payload_sha256`:
    /// HMAC-SHA256(receipt key, SHA-256(payload)).
    pub fn receipt_digest(&self, payload_sha256: &[u8; 32]) -> [u8; 32] {
        self.schedule.receipt_digest(payload_sha256)
    }

    /// Encrypts `payload` into the chunk region (in memory).
    fn seal_chunks(&self, payload: &[u8]) -> Result<Vec<u8>> {
        let cs = self.header.chunk_size.max(1) as usize;
        let mut sealer = stream::ChunkSealer::new(&self.schedule.payload, &self.header_bytes)?;
        // The chunking of `io::ChunkWriter`: full chunks, the last one final; an empty payload
        // is one empty final chunk. Each chunk is encrypted straight from the payload into its
        // place in the envelope.
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
        Ok(ciphertext)
    }

    /// Encrypts `payload` and assembles the envelope; `signature` (the signer's 64 bytes over
    /// [`SealParts::statement`]) is required exactly when the parts were made with a signer.
    pub fn finish(self, payload: &[u8], signature: Option<&[u8]>) -> Result<Envelope> {
        let signature = match (signature, self.signer.is_some()) {
            (Some(sig), true) => Some(self.signature_record(sig)?),
            (None, false) => None,
            (None, true) => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "the envelope was prepared signed: finish needs the signature",
                ))
            }
            (Some(_), false) => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "the envelope was prepared unsigned: finish takes no signature",
                ))
            }
        };
        let payload = self.seal_chunks(payload)?;
        Ok(Envelope {
            header: self.header,
            header_bytes: self.header_bytes,
            stanzas: self.stanzas,
            mac: self.mac,
            payload,
            signature,
        })
    }
}

/// Builds the header, draws the content key and `message_id`, wraps K for every recipient and
/// computes the MAC. `payload_len` (if known) sets the automatic chunk size.
fn prepare<R: CryptoRng>(
    recipients: &[PublicKey],
    params: &SealParams,
    payload_len: Option<usize>,
    signer: Option<SignerId>,
    rng: &mut R,
) -> Result<SealParts> {
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
    if let Some(s) = &signer {
        s.kid_bytes()?;
    }
    let mut key: ContentKey = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
    rng.fill_bytes(key.as_mut());
    let mut message_id = [0u8; MESSAGE_ID_LEN];
    rng.fill_bytes(&mut message_id);
    let header = Header {
        recipients: recipients.iter().map(PublicKey::kid).collect(),
        policy: params.policy.clone(),
        content_type: params.content_type.clone(),
        created_at: params.created_at,
        chunk_size: params.chunk_size_for(payload_len),
        metadata: params.metadata.clone(),
        message_id,
        expires_at: params.expires_at,
        signed: signer.is_some(),
    };
    params.limits.check_header(&header)?;
    let header_bytes = header.canonical_bytes()?;
    // A plain loop, not `collect::<Result<Vec<_>>>()`: smaller wasm (no `GenericShunt` adapter).
    let mut stanzas = Vec::with_capacity(recipients.len());
    for r in recipients {
        stanzas.push(hpke_stanza::wrap(&key, r, &header_bytes, rng)?);
    }
    let schedule = Schedule::derive(&key, &message_id);
    let mac = schedule.mac(&preamble_bytes(&header_bytes, &stanzas));
    Ok(SealParts {
        header,
        header_bytes,
        stanzas,
        mac,
        schedule,
        signer,
    })
}

/// Runs `f` with an RNG holding exactly the bytes one sealing to `recipients` draws.
pub(crate) fn with_system_rng<T>(
    recipients: usize,
    f: impl FnOnce(&mut rng::PrefetchedRng) -> Result<T>,
) -> Result<T> {
    let mut rng = rng::PrefetchedRng::new(random_bytes_needed(recipients))?;
    let out = f(&mut rng)?;
    rng.check()?;
    Ok(out)
}

/// [`SealParts`] for sealing `payload_len` bytes to `recipients`, signed by `signer` if given,
/// with system randomness.
pub fn seal_parts(
    recipients: &[PublicKey],
    params: &SealParams,
    payload_len: usize,
    signer: Option<SignerId>,
) -> Result<SealParts> {
    with_system_rng(recipients.len(), |rng| {
        prepare(recipients, params, Some(payload_len), signer, rng)
    })
}

/// [`seal_parts`] with a caller-supplied RNG (tests and vectors only: a reused seed repeats
/// the content key and every nonce).
#[cfg(any(test, feature = "deterministic-rng"))]
pub fn seal_parts_with_rng<R: CryptoRng>(
    recipients: &[PublicKey],
    params: &SealParams,
    payload_len: usize,
    signer: Option<SignerId>,
    rng: &mut R,
) -> Result<SealParts> {
    prepare(recipients, params, Some(payload_len), signer, rng)
}

/// Seals `payload` to `recipients`, signed by `signer` if given, with randomness from the
/// system source.
pub fn seal(
    payload: &[u8],
    recipients: &[PublicKey],
    params: &SealParams,
    signer: Option<&dyn Signer>,
) -> Result<Envelope> {
    with_system_rng(recipients.len(), |rng| {
        seal_inner(payload, recipients, params, signer, rng)
    })
}

/// [`seal`] with the caller's RNG: deterministic output for a seeded RNG (tests and vectors
/// only: a reused seed repeats the content key and every nonce).
#[cfg(any(test, feature = "deterministic-rng"))]
pub fn seal_with_rng<R: CryptoRng>(
    payload: &[u8],
    recipients: &[PublicKey],
    params: &SealParams,
    signer: Option<&dyn Signer>,
    rng: &mut R,
) -> Result<Envelope> {
    seal_inner(payload, recipients, params, signer, rng)
}

fn seal_inner<R: CryptoRng>(
    payload: &[u8],
    recipients: &[PublicKey],
    params: &SealParams,
    signer: Option<&dyn Signer>,
    rng: &mut R,
) -> Result<Envelope> {
    let parts = prepare(
        recipients,
        params,
        Some(payload.len()),
        signer.map(SignerId::of),
        rng,
    )?;
    let signature = match signer {
        Some(s) => {
            let statement = parts.statement(&crate::digest::payload_sha256(payload));
            Some(crate::sign::sign_checked(s, &statement)?)
        }
        None => None,
    };
    parts.finish(payload, signature.as_ref().map(|s| &s[..]))
}

/// An envelope and its receipt's keyed payload digest.
pub(crate) struct Bound {
    pub(crate) envelope: Envelope,
    pub(crate) receipt_digest: [u8; 32],
}

/// Seals as [`seal`] does and also returns HMAC-SHA256(receipt key, SHA-256(payload)).
/// `payload_sha256`: the payload's SHA-256 if the caller has it already (the receipt's).
pub(crate) fn seal_bound<R: CryptoRng>(
    payload: &[u8],
    payload_sha256: Option<[u8; 32]>,
    recipients: &[PublicKey],
    params: &SealParams,
    signer: Option<&dyn Signer>,
    rng: &mut R,
) -> Result<Bound> {
    let parts = prepare(
        recipients,
        params,
        Some(payload.len()),
        signer.map(SignerId::of),
        rng,
    )?;
    let digest = payload_sha256.unwrap_or_else(|| crate::digest::payload_sha256(payload));
    let signature = match signer {
        Some(s) => Some(crate::sign::sign_checked(s, &parts.statement(&digest))?),
        None => None,
    };
    let receipt_digest = parts.receipt_digest(&digest);
    Ok(Bound {
        envelope: parts.finish(payload, signature.as_ref().map(|s| &s[..]))?,
        receipt_digest,
    })
}

/// Everything needed to open the chunks: the derived keys, after the stanza for `sk` opened,
/// the MAC verified, and expiry and the signature requirement were checked.
///
/// Every check of an in-memory envelope before its first chunk: the limits (for a chunk region of
/// `region_len` bytes), then [`unlock`]'s. Shared by [`open`], [`open_parts`] and
/// [`open_parts_detached`], so that all fail alike.
pub(crate) fn unlock_envelope(
    envelope: &Envelope,
    region_len: usize,
    sk: &SecretKey,
    opts: &OpenOptions,
) -> Result<Schedule> {
    envelope.check_limits(region_len, &opts.limits)?;
    unlock(
        &envelope.header,
        &envelope.header_bytes,
        &envelope.stanzas,
        &envelope.mac,
        sk,
        opts,
    )
}

pub(crate) fn unlock(
    header: &Header,
    header_bytes: &[u8],
    stanzas: &[Stanza],
    mac: &[u8; MAC_LEN],
    sk: &SecretKey,
    opts: &OpenOptions,
) -> Result<Schedule> {
    let kid = sk.kid();
    // Only the stanza that names this key: trying others would let a stanza sealed to a key
    // the header does not list open (a hidden recipient).
    let stanza = stanzas.iter().find(|s| s.kid == kid).ok_or_else(|| {
        Error::new(
            ErrorCode::NoMatchingRecipient,
            format!(
                "none of the {} recipient stanzas is for key {kid}",
                stanzas.len()
            ),
        )
    })?;
    let key = hpke_stanza::unwrap(stanza, sk, header_bytes).ok_or_else(Error::decryption_failed)?;
    let schedule = Schedule::derive(&key, &header.message_id);
    schedule.check_mac(&preamble_bytes(header_bytes, stanzas), mac)?;
    if let (Some(now), Some(exp)) = (opts.now, header.expires_at) {
        if now >= exp {
            return Err(Error::new(
                ErrorCode::Expired,
                format!("the envelope expired at {exp} (now {now})"),
            ));
        }
    }
    if !header.signed && !opts.signers.is_empty() && !opts.allow_unsigned {
        return Err(Error::new(
            ErrorCode::SignatureMissing,
            "the envelope is unsigned, and signing keys to check a signature were given",
        ));
    }
    Ok(schedule)
}

/// Decrypts and checks the signature record against `opts.signers` (see [`OpenOptions`]).
pub(crate) fn check_signature(
    header_bytes: &[u8],
    schedule: &Schedule,
    record: &[u8; SIGNATURE_RECORD_LEN],
    payload_sha256: &[u8; 32],
    opts: &OpenOptions,
) -> Result<SignatureInfo> {
    let rec = schedule.open_signature(header_bytes, record)?;
    let alg = SignatureAlg::from_id(rec.alg_id).ok_or_else(|| {
        crate::sign::signature_invalid("the signature record names an unknown algorithm")
    })?;
    let kid = crate::keys::b64::encode(&rec.kid);
    let verified = if opts.signers.is_empty() {
        false
    } else {
        let key = crate::sign::find_trusted(&opts.signers, &kid)?;
        if key.alg() != alg {
            return Err(crate::sign::signature_invalid(
                "the signature record names another algorithm than the signing key's",
            ));
        }
        key.verify(
            &crate::sign::statement(header_bytes, payload_sha256),
            &rec.signature,
        )?;
        true
    };
    Ok(SignatureInfo {
        alg,
        kid,
        signature: rec.signature,
        verified,
    })
}

/// Opens `envelope` with `sk`: the plaintext, the authenticated header and the signature, or
/// an error (`no_matching_recipient`, `decryption_failed`, `truncated`, `malformed_envelope`,
/// the limit codes, `expired`, `signature_missing`, `unknown_signer`, `signature_invalid`).
/// No plaintext is returned unless every check passed.
pub fn open(envelope: &Envelope, sk: &SecretKey, opts: &OpenOptions) -> Result<Opened> {
    let schedule = unlock_envelope(envelope, envelope.payload.len(), sk, opts)?;
    let chunks = stream::ChunkOpener::new(&schedule.payload, &envelope.header_bytes)?;
    let chunk_ct_len = envelope.header.chunk_size as usize + TAG_LEN;
    let mut payload = open_region(chunks, &envelope.payload, chunk_ct_len, &opts.limits)?;
    let digest = crate::digest::payload_sha256(&payload);
    let signature = match &envelope.signature {
        None => None,
        Some(record) => {
            match check_signature(&envelope.header_bytes, &schedule, record, &digest, opts) {
                Ok(info) => Some(info),
                Err(e) => {
                    zeroize::Zeroize::zeroize(&mut payload);
                    return Err(e);
                }
            }
        }
    };
    Ok(Opened {
        payload,
        header: envelope.header.clone(),
        signature,
        receipt_digest: schedule.receipt_digest(&digest),
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
