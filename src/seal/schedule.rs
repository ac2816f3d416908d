//! The key schedule: every key an envelope uses, derived from the content key K, and the
//! header MAC and signature record built with them.
//!
//! ```text
//! PRK            = HKDF-Extract(salt = message_id (16 bytes), IKM = K)
//! payload key    = HKDF-Expand(PRK, "minseal/v2 payload", 32)      STREAM chunks
//! header-MAC key = HKDF-Expand(PRK, "minseal/v2 header-mac", 32)   MAC over the preamble
//! signature key  = HKDF-Expand(PRK, "minseal/v2 signature", 32)    the signature record
//! receipt key    = HKDF-Expand(PRK, "minseal/v2 receipt", 32)      the receipt's payload digest
//! ```
//!
//! AES-GCM does not commit to its key: one ciphertext can be made to authenticate under two
//! keys. The MAC does commit (HMAC-SHA256 under a key derived from K), and it covers every
//! stanza, so two recipients who open the same envelope hold the same K, and so the same
//! plaintext (the construction of age, C2SP age spec, "Header").

use super::{ContentKey, CONTENT_KEY_LEN};
use crate::sign::{SignatureAlg, SIGNATURE_LEN};
use crate::{Error, ErrorCode, Result};
use hmac::{KeyInit, Mac};
use minseal_aead::ChunkAead;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of the header MAC (HMAC-SHA256).
pub const MAC_LEN: usize = 32;
/// Length of a signature record's plaintext: algorithm (1) ‖ signer kid (32) ‖ signature (64).
pub const SIGNATURE_RECORD_PLAINTEXT_LEN: usize = 1 + 32 + SIGNATURE_LEN;
/// Length of a signature record in the envelope (its plaintext plus a 16-byte tag).
pub const SIGNATURE_RECORD_LEN: usize = SIGNATURE_RECORD_PLAINTEXT_LEN + 16;

type Key = Zeroizing<[u8; CONTENT_KEY_LEN]>;

/// The four keys derived from K. Zeroized on drop.
pub(crate) struct Schedule {
    pub(crate) payload: Key,
    pub(crate) mac: Key,
    pub(crate) signature: Key,
    pub(crate) receipt: Key,
}

impl Schedule {
    pub(crate) fn derive(k: &ContentKey, message_id: &[u8]) -> Schedule {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(message_id), k.as_ref());
        let expand = |label: &[u8]| {
            let mut out = Zeroizing::new([0u8; CONTENT_KEY_LEN]);
            // 32 bytes is far below HKDF-SHA256's 8160-byte limit: never an error.
            let _ = hk.expand(label, out.as_mut());
            out
        };
        Schedule {
            payload: expand(b"minseal/v2 payload"),
            mac: expand(b"minseal/v2 header-mac"),
            signature: expand(b"minseal/v2 signature"),
            receipt: expand(b"minseal/v2 receipt"),
        }
    }

    fn hmac(&self) -> hmac::Hmac<Sha256> {
        // HMAC takes a key of any length: never an error.
        <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(self.mac.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }

    /// HMAC-SHA256 over the binary preamble (magic, version, header length, header, stanzas).
    pub(crate) fn mac(&self, preamble: &[u8]) -> [u8; MAC_LEN] {
        let mut m = self.hmac();
        m.update(preamble);
        m.finalize().into_bytes().into()
    }

    /// Checks `tag` in constant time; any mismatch is `decryption_failed`.
    pub(crate) fn check_mac(&self, preamble: &[u8], tag: &[u8; MAC_LEN]) -> Result<()> {
        let mut m = self.hmac();
        m.update(preamble);
        m.verify_slice(tag).map_err(|_| Error::decryption_failed())
    }

    /// The receipt's keyed payload digest: HMAC-SHA256(receipt key, SHA-256(payload)).
    pub(crate) fn receipt_digest(&self, payload_sha256: &[u8; 32]) -> [u8; 32] {
        let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(self.receipt.as_ref())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        m.update(payload_sha256);
        m.finalize().into_bytes().into()
    }

    /// Encrypts the signature record: AES-256-GCM under the signature key, nonce 12 zero
    /// bytes (the key is used once), AAD = the header's canonical bytes.
    pub(crate) fn seal_signature(
        &self,
        header_bytes: &[u8],
        alg: SignatureAlg,
        kid: &[u8; 32],
        signature: &[u8; SIGNATURE_LEN],
    ) -> Result<[u8; SIGNATURE_RECORD_LEN]> {
        let mut rec = [0u8; SIGNATURE_RECORD_LEN];
        let (pt, tag_out) = rec.split_at_mut(SIGNATURE_RECORD_PLAINTEXT_LEN);
        pt[0] = alg.id();
        pt[1..33].copy_from_slice(kid);
        pt[33..].copy_from_slice(signature);
        let tag = ChunkAead::new(&self.signature)
            .encrypt(&[0u8; 12], header_bytes, pt)
            .map_err(|_| Error::new(ErrorCode::InvalidArgument, "signature record"))?;
        tag_out.copy_from_slice(&tag);
        Ok(rec)
    }

    /// Decrypts a signature record: (algorithm byte, signer kid, signature). An altered record
    /// is `decryption_failed`, like any altered ciphertext.
    pub(crate) fn open_signature(
        &self,
        header_bytes: &[u8],
        record: &[u8; SIGNATURE_RECORD_LEN],
    ) -> Result<SignatureRecord> {
        let mut pt = [0u8; SIGNATURE_RECORD_PLAINTEXT_LEN];
        let (ct, tag) = record.split_at(SIGNATURE_RECORD_PLAINTEXT_LEN);
        let tag: &[u8; 16] = tag.try_into().map_err(|_| Error::decryption_failed())?;
        ChunkAead::new(&self.signature)
            .decrypt_to(&[0u8; 12], header_bytes, ct, tag, &mut pt)
            .map_err(|_| Error::decryption_failed())?;
        let mut kid = [0u8; 32];
        kid.copy_from_slice(&pt[1..33]);
        let mut signature = [0u8; SIGNATURE_LEN];
        signature.copy_from_slice(&pt[33..]);
        Ok(SignatureRecord {
            alg_id: pt[0],
            kid,
            signature,
        })
    }
}

/// A decrypted signature record.
pub(crate) struct SignatureRecord {
    pub(crate) alg_id: u8,
    pub(crate) kid: [u8; 32],
    pub(crate) signature: [u8; SIGNATURE_LEN],
}
