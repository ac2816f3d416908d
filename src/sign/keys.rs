//! Signing and verifying keys for ES256 and Ed25519.

use super::{jwk, signature_invalid, SignatureAlg, Signer, SIGNATURE_LEN};
use crate::{Error, ErrorCode, Result};
#[cfg(any(test, feature = "deterministic-rng"))]
use hpke::rand_core::CryptoRng;
use zeroize::Zeroizing;

/// A public key that verifies sender signatures, with its RFC 7638 kid.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    pub(super) inner: Public,
    kid: String,
}

#[derive(Clone, PartialEq, Eq)]
pub(super) enum Public {
    Es256(p256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl VerifyingKey {
    pub(super) fn new(inner: Public) -> Self {
        let kid = jwk::thumbprint(&inner);
        Self { inner, kid }
    }

    /// The algorithm this key verifies.
    pub fn alg(&self) -> SignatureAlg {
        match self.inner {
            Public::Es256(_) => SignatureAlg::Es256,
            Public::Ed25519(_) => SignatureAlg::Ed25519,
        }
    }

    /// The key id: the RFC 7638 thumbprint of the public JWK.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK: `{"alg":"ES256","crv":"P-256","kid":…,"kty":"EC","use":"sig","x":…,"y":…}`
    /// or `{"alg":"EdDSA","crv":"Ed25519","kid":…,"kty":"OKP","use":"sig","x":…}` (JCS order).
    pub fn to_jwk(&self) -> String {
        jwk::public_jwk(self)
    }

    /// A JWK Set (`{"keys":[…]}`) holding `keys`.
    pub fn to_jwk_set(keys: &[VerifyingKey]) -> String {
        let items: Vec<String> = keys.iter().map(Self::to_jwk).collect();
        format!(r#"{{"keys":[{}]}}"#, items.join(","))
    }

    /// Parses one public signing JWK (EC P-256 or OKP Ed25519). A private JWK is refused, and so
    /// is a `kid` member that is not the key's thumbprint, a `use` other than `sig`, or an
    /// `alg` other than the key's.
    pub fn from_jwk(text: &str) -> Result<Self> {
        jwk::parse_public_text(text)
    }

    /// Parses trusted signing keys given as one JWK or a JWK Set (`{"keys":[…]}`).
    pub fn parse_set(text: &str) -> Result<Vec<Self>> {
        jwk::parse_set_text(text)
    }

    /// Checks `signature` over `statement`. Any failure (wrong length, not a valid encoding,
    /// wrong key) is `signature_invalid`. Ed25519 verification is strict (RFC 8032 §5.1.7
    /// with canonical S and no small-order components).
    pub fn verify(&self, statement: &[u8], signature: &[u8]) -> Result<()> {
        let bad = || signature_invalid("the signature does not verify under the signing key");
        let sig = <&[u8; SIGNATURE_LEN]>::try_from(signature).map_err(|_| bad())?;
        match &self.inner {
            Public::Es256(k) => {
                use p256::ecdsa::signature::Verifier;
                let sig = p256::ecdsa::Signature::from_slice(sig).map_err(|_| bad())?;
                k.verify(statement, &sig).map_err(|_| bad())
            }
            Public::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_bytes(sig);
                k.verify_strict(statement, &sig).map_err(|_| bad())
            }
        }
    }
}

impl core::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("alg", &self.alg())
            .field("kid", &self.kid)
            .finish()
    }
}

/// A private signing key (ES256 or Ed25519) with its public key. The secret is zeroized on
/// drop (both inner keys are `ZeroizeOnDrop`); `Debug` shows only the algorithm and kid.
pub struct SigningKey {
    secret: Secret,
    public: VerifyingKey,
}

pub(super) enum Secret {
    Es256(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl SigningKey {
    pub(super) fn from_secret(secret: Secret) -> Self {
        let public = VerifyingKey::new(match &secret {
            Secret::Es256(k) => Public::Es256(*k.verifying_key()),
            Secret::Ed25519(k) => Public::Ed25519(k.verifying_key()),
        });
        Self { secret, public }
    }

    /// Builds a key of `alg` from 32 secret bytes: the P-256 scalar (big-endian, 1 ≤ d < n) or
    /// the Ed25519 seed. The caller's copy is the caller's to zeroize.
    pub fn from_bytes(alg: SignatureAlg, bytes: &[u8; 32]) -> Result<Self> {
        let secret = match alg {
            SignatureAlg::Es256 => {
                Secret::Es256(p256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| {
                    crate::keys::invalid_key("P-256 private key is zero or not below the order")
                })?)
            }
            SignatureAlg::Ed25519 => Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(bytes)),
        };
        Ok(Self::from_secret(secret))
    }

    /// A new key of `alg` from the operating system's (or browser's) random source.
    pub fn generate(alg: SignatureAlg) -> Result<Self> {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            getrandom::fill(bytes.as_mut()).map_err(|_| {
                Error::new(
                    ErrorCode::RandomnessUnavailable,
                    "the system random source failed",
                )
            })?;
            // Only a P-256 scalar ≥ n (probability ~2^-32) is refused; draw again.
            if let Ok(k) = Self::from_bytes(alg, &bytes) {
                return Ok(k);
            }
        }
    }

    /// A new key of `alg` from `rng` (deterministic with a seeded RNG: tests and vectors).
    #[cfg(any(test, feature = "deterministic-rng"))]
    pub fn generate_with_rng<R: CryptoRng>(alg: SignatureAlg, rng: &mut R) -> Self {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            rng.fill_bytes(bytes.as_mut());
            if let Ok(k) = Self::from_bytes(alg, &bytes) {
                return k;
            }
        }
    }

    /// The public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// The private JWK (with `d`), zeroized when dropped.
    pub fn to_jwk(&self) -> Zeroizing<String> {
        jwk::private_jwk(self)
    }

    /// Parses a private signing JWK (EC P-256 with `d`, `x`, `y`; or OKP Ed25519 with `d`, `x`);
    /// `d` must give the public key in `x` (and `y`), compared in constant time.
    pub fn from_jwk(text: &str) -> Result<Self> {
        jwk::parse_private_text(text)
    }

    /// The 32 secret bytes (P-256 scalar, big-endian; or the Ed25519 seed), zeroized on drop.
    pub(super) fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        match &self.secret {
            Secret::Es256(k) => Zeroizing::new(k.to_bytes().into()),
            Secret::Ed25519(k) => Zeroizing::new(k.to_bytes()),
        }
    }

    /// Signs `statement` (see [`Signer::sign`]): ES256 with an RFC 6979 nonce, so the same
    /// key and statement always give the same signature.
    pub fn sign_raw(&self, statement: &[u8]) -> [u8; SIGNATURE_LEN] {
        match &self.secret {
            Secret::Es256(k) => {
                use p256::ecdsa::signature::Signer as _;
                let sig: p256::ecdsa::Signature = k.sign(statement);
                sig.to_bytes().into()
            }
            Secret::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                k.sign(statement).to_bytes()
            }
        }
    }
}

impl Signer for SigningKey {
    fn alg(&self) -> SignatureAlg {
        self.public.alg()
    }

    fn kid(&self) -> String {
        self.public.kid().to_owned()
    }

    fn sign(&self, statement: &[u8]) -> Result<Vec<u8>> {
        Ok(self.sign_raw(statement).to_vec())
    }
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.public.alg())
            .field("kid", &self.public.kid())
            .finish_non_exhaustive()
    }
}

// Both inner secret types zeroize themselves on drop.
impl zeroize::ZeroizeOnDrop for SigningKey {}
