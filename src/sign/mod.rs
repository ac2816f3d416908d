//! Sender signatures: ES256 (ECDSA P-256 with SHA-256) and Ed25519.
//!
//! A sealer signs one *statement* per envelope ([`statement`]): a domain-separation label, the
//! SHA-256 of the canonical header (which names every recipient, the policy and the
//! `message_id`) and the SHA-256 of the plaintext. The signature and the signer's key id travel
//! inside the encryption (docs/FORMAT.md, "Signature record").
//!
//! Signing goes through the [`Signer`] trait so that keys held elsewhere (an HSM, a remote
//! signing service, a smart card) plug in; [`SigningKey`] implements it for private JWKs.
//! Verifying takes the algorithm from the [`VerifyingKey`] the caller trusts, never from the
//! message: a record whose algorithm differs from the key's is `signature_invalid`.
//!
//! Both algorithms give 64-byte signatures: ES256 as r ‖ s (IEEE P1363, what JWS and WebCrypto
//! produce), Ed25519 as R ‖ S (RFC 8032). ES256 signing uses RFC 6979 deterministic nonces, so
//! a given key signs a given statement the same way every time; any valid r ‖ s verifies (high
//! or low S, as WebCrypto may produce either).

mod jwk;
mod keys;

pub use keys::{SigningKey, VerifyingKey};

use crate::{Error, ErrorCode, Result};
use sha2::{Digest, Sha256};

/// Length of every signature minseal writes or reads.
pub const SIGNATURE_LEN: usize = 64;

/// The label that starts every signed statement (ASCII, 28 bytes, ending in a zero byte), so
/// that a minseal signature can never be replayed as a signature over anything else.
pub const STATEMENT_LABEL: &[u8] = b"minseal/v2 sender-signature\0";

/// Length of a statement: the label and two SHA-256 digests.
pub const STATEMENT_LEN: usize = STATEMENT_LABEL.len() + 64;

/// A signature algorithm. The numeric [`id`](SignatureAlg::id) is what the signature record
/// carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlg {
    /// ECDSA over P-256 with SHA-256 (JWS `ES256`); signature r ‖ s, 64 bytes.
    Es256,
    /// Ed25519 (RFC 8032, pure); signature 64 bytes.
    Ed25519,
}

impl SignatureAlg {
    /// The JWS name: `ES256` or `Ed25519`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Ed25519 => "Ed25519",
        }
    }

    /// The byte that names the algorithm in a signature record: 1 for ES256, 2 for Ed25519.
    pub const fn id(self) -> u8 {
        match self {
            Self::Es256 => 1,
            Self::Ed25519 => 2,
        }
    }

    /// The algorithm a record's byte names.
    pub fn from_id(id: u8) -> Option<Self> {
        match id {
            1 => Some(Self::Es256),
            2 => Some(Self::Ed25519),
            _ => None,
        }
    }

    /// Parses `ES256` or `Ed25519` (also `EdDSA`, RFC 8037's name).
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "ES256" => Ok(Self::Es256),
            "Ed25519" | "EdDSA" => Ok(Self::Ed25519),
            _ => Err(Error::new(
                ErrorCode::InvalidArgument,
                "signature algorithm must be \"ES256\" or \"Ed25519\"",
            )),
        }
    }
}

impl core::fmt::Display for SignatureAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that signs minseal statements: a [`SigningKey`], or a key held elsewhere.
///
/// `sign` receives the whole statement (the message; not a digest): ES256 signers hash it with
/// SHA-256 as ECDSA does (WebCrypto `sign({name: "ECDSA", hash: "SHA-256"}, key, statement)`),
/// Ed25519 signers sign it as is. The result must be the 64-byte raw signature.
pub trait Signer {
    /// The algorithm this signer's key uses.
    fn alg(&self) -> SignatureAlg;
    /// The RFC 7638 thumbprint of the signer's public JWK (43 characters of base64url).
    fn kid(&self) -> String;
    /// Signs `statement`; the 64-byte raw signature.
    fn sign(&self, statement: &[u8]) -> Result<Vec<u8>>;
}

/// The statement a sender signs: [`STATEMENT_LABEL`] ‖ SHA-256(header) ‖ SHA-256(plaintext),
/// where `header` is the header's canonical bytes.
pub fn statement(header_bytes: &[u8], payload_sha256: &[u8; 32]) -> [u8; STATEMENT_LEN] {
    statement_from_digests(&Sha256::digest(header_bytes).into(), payload_sha256)
}

pub(crate) fn statement_from_digests(
    header_sha256: &[u8; 32],
    payload_sha256: &[u8; 32],
) -> [u8; STATEMENT_LEN] {
    let mut s = [0u8; STATEMENT_LEN];
    let (label, rest) = s.split_at_mut(STATEMENT_LABEL.len());
    label.copy_from_slice(STATEMENT_LABEL);
    let (h, p) = rest.split_at_mut(32);
    h.copy_from_slice(header_sha256);
    p.copy_from_slice(payload_sha256);
    s
}

/// A signature handed in from outside (a remote signer's, over the JS boundary) as the 64 raw
/// bytes every check and record takes: another length (a DER signature) is the caller's
/// mistake, `invalid_argument`, not a signature that fails to verify.
pub fn raw_signature(bytes: &[u8]) -> Result<&[u8; SIGNATURE_LEN]> {
    <&[u8; SIGNATURE_LEN]>::try_from(bytes).map_err(|_| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "a signature is {SIGNATURE_LEN} raw bytes, not {}",
                bytes.len()
            ),
        )
    })
}

/// Calls `signer` and checks what it returns is one signature of the right length.
pub(crate) fn sign_checked(signer: &dyn Signer, statement: &[u8]) -> Result<[u8; SIGNATURE_LEN]> {
    let sig = signer.sign(statement)?;
    <[u8; SIGNATURE_LEN]>::try_from(sig.as_slice()).map_err(|_| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "the signer returned {} bytes; a {} signature is {SIGNATURE_LEN} bytes (raw, not DER)",
                sig.len(),
                signer.alg()
            ),
        )
    })
}

/// The single error for a signature that does not verify.
pub(crate) fn signature_invalid(msg: &str) -> Error {
    Error::new(ErrorCode::SignatureInvalid, msg)
}

/// The key among `trusted` whose kid is `kid`, or `unknown_signer`.
pub fn find_trusted<'a>(trusted: &'a [VerifyingKey], kid: &str) -> Result<&'a VerifyingKey> {
    trusted.iter().find(|k| k.kid() == kid).ok_or_else(|| {
        Error::new(
            ErrorCode::UnknownSigner,
            format!(
                "signed by key {kid}, which is not among the {} trusted signing key(s)",
                trusted.len()
            ),
        )
    })
}
