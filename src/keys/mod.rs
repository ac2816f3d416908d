//! X25519 keys: generation, JWK (RFC 8037) and raw base64url import/export, JWK Sets, and the
//! RFC 7638 thumbprint that minseal uses as the key id (`kid`).
//!
//! Every imported public key is validated: 32 bytes, a canonical field element (u < 2^255 - 19,
//! top bit clear) and not a low-order point (one whose X25519 output is all zeros for every
//! scalar). Secret keys are zeroized on drop and never appear in `Debug` output.

mod b64;
mod jwk;

pub use b64::{decode as base64url_decode, encode as base64url_encode};
pub use jwk::okp_thumbprint;

use crate::{Error, ErrorCode, Result};
use hpke::rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use x25519_dalek::StaticSecret;
use zeroize::{Zeroize, Zeroizing};

/// Length in bytes of an X25519 public or private key.
pub const KEY_LEN: usize = 32;

pub(crate) fn invalid_key(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidKey, msg)
}

/// An X25519 public key (a recipient), validated on construction.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    bytes: [u8; KEY_LEN],
}

impl PublicKey {
    /// Validates and wraps 32 raw bytes (RFC 7748 little-endian u-coordinate).
    ///
    /// Errors with [`ErrorCode::InvalidKey`] on a non-canonical encoding (u ≥ 2^255 - 19 or the
    /// top bit set) or a low-order point.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Result<Self> {
        if !is_canonical_u(&bytes) {
            return Err(invalid_key(
                "public key is not a canonical X25519 u-coordinate (must be below 2^255 - 19)",
            ));
        }
        if is_low_order(&bytes) {
            return Err(invalid_key(
                "public key is a low-order point: every shared secret with it is zero",
            ));
        }
        Ok(Self { bytes })
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// Raw base64url (no padding, 43 characters).
    pub fn to_base64url(&self) -> String {
        b64::encode(&self.bytes)
    }

    /// Parses a raw base64url public key (strict: no padding, canonical trailing bits).
    pub fn from_base64url(text: &str) -> Result<Self> {
        let bytes = b64::decode_array::<KEY_LEN>(text.trim()).ok_or_else(|| {
            invalid_key("raw key must be 32 bytes of unpadded, canonical base64url (43 characters)")
        })?;
        Self::from_bytes(bytes)
    }

    /// The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url) of this key's JWK.
    pub fn kid(&self) -> String {
        okp_thumbprint("X25519", &self.to_base64url())
    }

    /// The public JWK, RFC 8037: `{"crv":"X25519","kid":…,"kty":"OKP","x":…}` (JCS order).
    pub fn to_jwk(&self) -> String {
        jwk::public_jwk(self)
    }

    /// Parses one public JWK (`kty` `OKP`, `crv` `X25519`). A JWK with a private part `d` is
    /// refused: a secret key pasted where a recipient is expected is a mistake worth stopping.
    pub fn from_jwk(text: &str) -> Result<Self> {
        jwk::parse_public_jwk_text(text)
    }

    /// Parses one public key given as a JWK (text starting with `{`) or raw base64url.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.starts_with('{') {
            Self::from_jwk(t)
        } else {
            Self::from_base64url(t)
        }
    }

    /// A JWK Set (`{"keys":[…]}`) holding `keys`.
    pub fn to_jwk_set(keys: &[PublicKey]) -> String {
        jwk::public_jwk_set(keys)
    }

    /// Parses recipients given as a JWK, a JWK Set (`{"keys":[…]}`) or a raw base64url key.
    ///
    /// Every key must be a valid X25519 public key; an empty set is refused. Errors name the
    /// position (`keys[2]`) and the member, never key bytes.
    pub fn parse_recipients(text: &str) -> Result<Vec<PublicKey>> {
        let t = text.trim();
        if t.starts_with('{') {
            jwk::parse_recipients_json(t)
        } else {
            Ok(vec![Self::from_base64url(t)?])
        }
    }

    pub(crate) fn to_hpke(&self) -> Result<<hpke::kem::X25519HkdfSha256 as hpke::Kem>::PublicKey> {
        <<hpke::kem::X25519HkdfSha256 as hpke::Kem>::PublicKey as hpke::Deserializable>::from_bytes(
            &self.bytes,
        )
        .map_err(|_| invalid_key("public key rejected by HPKE"))
    }
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid())
            .finish()
    }
}

/// An X25519 secret key with its public key. Zeroized on drop; `Debug` shows only the kid.
pub struct SecretKey {
    secret: StaticSecret,
    public: PublicKey,
}

impl SecretKey {
    /// A new key from the operating system's (or browser's) random source.
    ///
    /// Errors with [`ErrorCode::RandomnessUnavailable`] if that source fails.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|_| {
            Error::new(
                ErrorCode::RandomnessUnavailable,
                "the system random source failed",
            )
        })?;
        Self::from_bytes(*bytes)
    }

    /// A new key from `rng` (deterministic with a seeded RNG: for tests and vectors).
    pub fn generate_with_rng<R: CryptoRng>(rng: &mut R) -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(bytes.as_mut());
        // Every 32-byte string is a valid X25519 scalar (clamped at use) and its public key is
        // never low-order, so this cannot fail; fall back to a fresh draw rather than panic.
        loop {
            match Self::from_bytes(*bytes) {
                Ok(k) => return k,
                Err(_) => rng.fill_bytes(bytes.as_mut()),
            }
        }
    }

    /// Wraps 32 raw secret bytes (the RFC 7748 scalar, before clamping). The copy passed in is
    /// the caller's to zeroize.
    pub fn from_bytes(mut bytes: [u8; KEY_LEN]) -> Result<Self> {
        let secret = StaticSecret::from(bytes);
        bytes.zeroize();
        let public = PublicKey::from_bytes(x25519_dalek::PublicKey::from(&secret).to_bytes())?;
        Ok(Self { secret, public })
    }

    /// The matching public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id of the public key (RFC 7638 thumbprint).
    pub fn kid(&self) -> String {
        self.public.kid()
    }

    /// The raw secret bytes, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; KEY_LEN]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    /// Raw base64url of the secret bytes, zeroized when dropped.
    pub fn to_base64url(&self) -> Zeroizing<String> {
        Zeroizing::new(b64::encode(self.secret.as_bytes()))
    }

    /// Parses a raw base64url secret key (strict: no padding, canonical trailing bits).
    pub fn from_base64url(text: &str) -> Result<Self> {
        let bytes = Zeroizing::new(b64::decode_array::<KEY_LEN>(text.trim()).ok_or_else(|| {
            invalid_key("raw secret key must be 32 bytes of unpadded, canonical base64url")
        })?);
        Self::from_bytes(*bytes)
    }

    /// The private JWK (RFC 8037, with `d`), zeroized when dropped.
    pub fn to_jwk(&self) -> Zeroizing<String> {
        jwk::private_jwk(self)
    }

    /// Parses a secret key given as a private JWK (text starting with `{`) or raw base64url.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.starts_with('{') {
            Self::from_jwk(t)
        } else {
            Self::from_base64url(t)
        }
    }

    /// Parses a private JWK; `d` must match `x` (compared in constant time).
    pub fn from_jwk(text: &str) -> Result<Self> {
        jwk::parse_private_jwk_text(text)
    }

    pub(crate) fn secret_bytes(&self) -> &[u8; KEY_LEN] {
        self.secret.as_bytes()
    }

    pub(crate) fn to_hpke(&self) -> Result<<hpke::kem::X25519HkdfSha256 as hpke::Kem>::PrivateKey> {
        let bytes = Zeroizing::new(self.secret.to_bytes());
        <<hpke::kem::X25519HkdfSha256 as hpke::Kem>::PrivateKey as hpke::Deserializable>::from_bytes(
            bytes.as_ref(),
        )
        .map_err(|_| invalid_key("secret key rejected by HPKE"))
    }
}

impl ConstantTimeEq for SecretKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.secret.as_bytes().ct_eq(other.secret.as_bytes())
    }
}

impl PartialEq for SecretKey {
    /// Constant-time comparison of the secret bytes.
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretKey {}

// The only secret field, `StaticSecret`, zeroizes itself on drop.
impl zeroize::ZeroizeOnDrop for SecretKey {}

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecretKey")
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

/// True when `u` (little-endian) is below p = 2^255 - 19 with the top bit clear.
fn is_canonical_u(u: &[u8; KEY_LEN]) -> bool {
    // p = 0x7fff…ffed: u ≥ p iff the top byte is 0x7f, the middle bytes are all 0xff and the
    // low byte is ≥ 0xed; or the top bit is set.
    let [lo, mid @ .., hi] = u;
    if *hi & 0x80 != 0 {
        return false;
    }
    !(*hi == 0x7f && mid.iter().all(|&b| b == 0xff) && *lo >= 0xed)
}

/// True when `u` is a point of small order (on the curve or its twist).
///
/// X25519 clamps every scalar to a multiple of 8 in [2^254, 2^255); with the clamped scalar
/// 2^254 the output is zero exactly for points whose order divides 8 (the large prime-order
/// subgroups, ℓ ≈ 2^252 on the curve and ≈ 2^253 on the twist, do not divide 2^254).
fn is_low_order(u: &[u8; KEY_LEN]) -> bool {
    let mut scalar = [0u8; KEY_LEN];
    scalar[31] = 0x40;
    let out = x25519_dalek::x25519(scalar, *u);
    out.ct_eq(&[0u8; KEY_LEN]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_bound() {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(!is_canonical_u(&p));
        p[0] = 0xec;
        assert!(is_canonical_u(&p));
        let mut hi = [0u8; 32];
        hi[31] = 0x80;
        assert!(!is_canonical_u(&hi));
    }
}
