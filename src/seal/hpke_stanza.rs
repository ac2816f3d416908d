//! Recipient stanzas: the content key sealed to one recipient with HPKE (RFC 9180 base mode,
//! DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM), `info` = [`HPKE_INFO`],
//! `aad` = the header's canonical bytes.

use super::{ContentKey, CONTENT_KEY_LEN};
use crate::keys::{PublicKey, SecretKey};
use crate::{Error, Result};
use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::CryptoRng;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

/// The HPKE `info` string of every stanza (ASCII, no terminator).
pub const HPKE_INFO: &[u8] = b"minseal/v2 content-key";
/// Length of a stanza's encapsulated key (`enc`): an X25519 public key.
pub const ENC_LEN: usize = 32;
/// Length of a stanza's ciphertext: the 32-byte content key plus a 16-byte AES-GCM tag.
pub const STANZA_CT_LEN: usize = CONTENT_KEY_LEN + 16;

/// One recipient's stanza: which key it is for, and the content key sealed to that key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stanza {
    /// The recipient's key id (RFC 7638 thumbprint), equal to the header's entry at this index.
    pub kid: String,
    /// HPKE encapsulated key.
    pub enc: [u8; ENC_LEN],
    /// HPKE ciphertext of the content key (seq 0).
    pub ct: [u8; STANZA_CT_LEN],
}

/// Seals `key` to `recipient`, drawing the ephemeral key from `rng` (32 bytes).
pub(crate) fn wrap<R: CryptoRng>(
    key: &ContentKey,
    recipient: &PublicKey,
    header_bytes: &[u8],
    rng: &mut R,
) -> Result<Stanza> {
    let pk = recipient.to_hpke()?;
    let (enc, mut ctx) = hpke::setup_sender_with_rng::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeS::Base,
        &pk,
        HPKE_INFO,
        rng,
    )
    .map_err(|_| crate::keys::invalid_key("HPKE encapsulation to a recipient key failed"))?;
    let ct = ctx
        .seal(key.as_ref(), header_bytes)
        .map_err(|_| Error::new(crate::ErrorCode::InvalidArgument, "HPKE seal failed"))?;
    let ct = <[u8; STANZA_CT_LEN]>::try_from(ct.as_slice())
        .map_err(|_| Error::new(crate::ErrorCode::InvalidArgument, "HPKE output length"))?;
    let mut enc_bytes = [0u8; ENC_LEN];
    enc_bytes.copy_from_slice(&enc.to_bytes());
    Ok(Stanza {
        kid: recipient.kid(),
        enc: enc_bytes,
        ct,
    })
}

/// Opens one stanza with `sk`; `None` on any HPKE failure (the caller decides the error).
pub(crate) fn unwrap(stanza: &Stanza, sk: &SecretKey, header_bytes: &[u8]) -> Option<ContentKey> {
    let skh = sk.to_hpke().ok()?;
    let enc = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(&stanza.enc).ok()?;
    let mut ctx = hpke::setup_receiver::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &skh,
        &enc,
        HPKE_INFO,
    )
    .ok()?;
    let pt = Zeroizing::new(ctx.open(&stanza.ct, header_bytes).ok()?);
    let key = <[u8; CONTENT_KEY_LEN]>::try_from(pt.as_slice()).ok()?;
    Some(Zeroizing::new(key))
}
