//! X25519 keys: generation, JWK (RFC 8037) and raw base64url import/export, JWK Sets, and the
//! RFC 7638 thumbprint that minseal uses as the key id (`kid`).
//!
//! Every imported public key is validated: 32 bytes, a canonical field element (u < 2^255 - 19,
//! top bit clear) and not a low-order point (one whose X25519 output is all zeros for every
//! scalar). Secret keys are zeroized on drop and never appear in `Debug` output.

pub(crate) mod b64;
mod jwk;

pub(crate) use b64::{decode as base64url_decode, encode as base64url_encode};
pub use jwk::okp_thumbprint;

use crate::{Error, ErrorCode, Result};
#[cfg(any(test, feature = "deterministic-rng"))]
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

    /// A new key from `rng` (deterministic with a seeded RNG: for tests and vectors only).
    #[cfg(any(test, feature = "deterministic-rng"))]
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

/// The canonical u-coordinates (little-endian) of every point of small order on Curve25519 and
/// its twist: X25519 clamps every scalar to a multiple of 8 in [2^254, 2^255), so its output is
/// zero for every scalar exactly when the point's order divides 8 (the prime-order subgroups,
/// ℓ ≈ 2^252 on the curve and ≈ 2^253 on the twist, are coprime to 2^254). The curve group is
/// Z/8 × Z/ℓ and the twist's Z/4 × Z/ℓ', so those points have five distinct u-coordinates:
/// 0 (order 2), 1 and p − 1 (order 4, one on the curve, one on the twist) and the two u of the
/// order-8 points. (Non-canonical encodings p, p + 1 are rejected before.) A test checks each
/// against X25519 itself; comparing with a list instead of running a scalar multiplication
/// (about 0.1 ms in WebAssembly) is what keeps key import cheap. Public data: no constant-time need.
const LOW_ORDER: [[u8; KEY_LEN]; 5] = [
    [0; KEY_LEN],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    ORDER8A,
    ORDER8B,
    P_MINUS_1,
];
const ORDER8A: [u8; KEY_LEN] = [
    0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
    0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
];
const ORDER8B: [u8; KEY_LEN] = [
    0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
    0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57,
];
const P_MINUS_1: [u8; KEY_LEN] = [
    0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
];

/// True when `u` is a point of small order (on the curve or its twist); `u` is canonical.
fn is_low_order(u: &[u8; KEY_LEN]) -> bool {
    LOW_ORDER.iter().any(|l| l == u)
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

    /// The reference check the list replaces: X25519 with the clamped scalar 2^254.
    fn low_order_by_x25519(u: &[u8; KEY_LEN]) -> bool {
        let mut scalar = [0u8; KEY_LEN];
        scalar[31] = 0x40;
        x25519_dalek::x25519(scalar, *u) == [0u8; KEY_LEN]
    }

    #[test]
    fn low_order_list_is_exactly_the_x25519_zero_set() {
        for (i, u) in LOW_ORDER.iter().enumerate() {
            assert!(is_canonical_u(u), "entry {i} not canonical");
            assert!(low_order_by_x25519(u), "entry {i} is not low order");
            assert!(LOW_ORDER[..i].iter().all(|v| v != u), "entry {i} repeated");
        }
        // Any other u, e.g. the base point 9 and pseudo-random canonical values, is not.
        let mut u = [0u8; KEY_LEN];
        u[0] = 9;
        assert!(!is_low_order(&u) && !low_order_by_x25519(&u));
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200 {
            for b in u.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            u[31] &= 0x7f;
            if is_canonical_u(&u) {
                assert_eq!(is_low_order(&u), low_order_by_x25519(&u));
            }
        }
    }
}
