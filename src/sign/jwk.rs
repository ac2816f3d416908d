//! JWK (RFC 7517/7518/8037) import and export for signing keys, and their RFC 7638 thumbprints.
//!
//! EC P-256: `{"kty":"EC","crv":"P-256","x":…,"y":…}` (+ `d`), each coordinate 32 bytes.
//! Ed25519: `{"kty":"OKP","crv":"Ed25519","x":…}` (+ `d`, the 32-byte seed).
//! Optional members checked when present: `kid` (must be the thumbprint), `use` (must be
//! `sig`), `alg` (`ES256`; `EdDSA` or `Ed25519`). Other members (`key_ops`, `ext`, …) are
//! ignored, as RFC 7517 asks.

use super::keys::{Public, Secret, SigningKey, VerifyingKey};
use crate::json::{Object, Value};
use crate::keys::{b64, invalid_key};
use crate::Result;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

const MAX_JWK_TEXT: usize = 256 * 1024;
const MAX_SET_KEYS: usize = 1024;

/// Public coordinates in base64url: (x, Some(y)) for P-256, (x, None) for Ed25519.
fn coordinates(key: &Public) -> (String, Option<String>) {
    match key {
        Public::Es256(k) => {
            let p = k.to_sec1_point(false);
            (
                b64::encode(p.x().map(|a| a.as_slice()).unwrap_or_default()),
                Some(b64::encode(p.y().map(|a| a.as_slice()).unwrap_or_default())),
            )
        }
        Public::Ed25519(k) => (b64::encode(k.as_bytes()), None),
    }
}

/// RFC 7638: base64url(SHA-256) of the required members in lexicographic order, no whitespace.
pub(super) fn thumbprint(key: &Public) -> String {
    let canonical = match coordinates(key) {
        (x, Some(y)) => format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#),
        (x, None) => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#),
    };
    b64::encode(&Sha256::digest(canonical.as_bytes()))
}

/// The JWK's members in JCS order, with `d` (if any) between `crv` and `kid`.
fn write_jwk(key: &VerifyingKey, d: Option<&str>) -> String {
    let (x, y) = coordinates(&key.inner);
    let kid = key.kid();
    let d = d.map(|d| format!(r#""d":"{d}","#)).unwrap_or_default();
    match y {
        Some(y) => format!(
            r#"{{"alg":"ES256","crv":"P-256",{d}"kid":"{kid}","kty":"EC","use":"sig","x":"{x}","y":"{y}"}}"#
        ),
        None => format!(
            r#"{{"alg":"EdDSA","crv":"Ed25519",{d}"kid":"{kid}","kty":"OKP","use":"sig","x":"{x}"}}"#
        ),
    }
}

pub(super) fn public_jwk(key: &VerifyingKey) -> String {
    write_jwk(key, None)
}

pub(super) fn private_jwk(key: &SigningKey) -> Zeroizing<String> {
    let d = Zeroizing::new(b64::encode(key.secret_bytes().as_ref()));
    Zeroizing::new(write_jwk(key.verifying_key(), Some(&d)))
}

fn parse_object(text: &str) -> Result<Object> {
    if text.len() > MAX_JWK_TEXT {
        return Err(invalid_key(format!(
            "JWK is larger than {MAX_JWK_TEXT} bytes"
        )));
    }
    match crate::json::value::parse(text.trim().as_bytes()) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(invalid_key("JWK must be a JSON object")),
        Err(e) => Err(invalid_key(format!("JWK: {}", e.message()))),
    }
}

fn member<'a>(obj: &'a Object, name: &str, at: &str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid_key(format!(
            "{at}member \"{name}\" must be a string"
        ))),
    }
}

fn coord(obj: &Object, name: &str, at: &str) -> Result<[u8; 32]> {
    let s = member(obj, name, at)?
        .ok_or_else(|| invalid_key(format!("{at}missing member \"{name}\"")))?;
    b64::decode_array::<32>(s).ok_or_else(|| {
        invalid_key(format!(
            "{at}\"{name}\" must be 32 bytes of unpadded, canonical base64url"
        ))
    })
}

/// Reads kty/crv/x(/y) and checks `use`, `alg` and `kid` against the key.
fn parse_public_members(obj: &Object, at: &str) -> Result<VerifyingKey> {
    let kty = member(obj, "kty", at)?;
    let crv = member(obj, "crv", at)?;
    let inner = match (kty, crv) {
        (Some("EC"), Some("P-256")) => {
            let mut sec1 = [0u8; 65];
            sec1[0] = 4;
            sec1[1..33].copy_from_slice(&coord(obj, "x", at)?);
            sec1[33..].copy_from_slice(&coord(obj, "y", at)?);
            Public::Es256(
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                    .map_err(|_| invalid_key(format!("{at}(x, y) is not a point on P-256")))?,
            )
        }
        (Some("OKP"), Some("Ed25519")) => {
            let k = ed25519_dalek::VerifyingKey::from_bytes(&coord(obj, "x", at)?)
                .map_err(|_| invalid_key(format!("{at}\"x\" is not an Ed25519 point")))?;
            if k.is_weak() {
                return Err(invalid_key(format!(
                    "{at}\"x\" is an Ed25519 point of small order"
                )));
            }
            Public::Ed25519(k)
        }
        (None, _) => return Err(invalid_key(format!("{at}missing member \"kty\""))),
        (Some(_), _) => {
            return Err(invalid_key(format!(
                "{at}a signing key must be kty \"EC\" with crv \"P-256\", or kty \"OKP\" with crv \"Ed25519\""
            )))
        }
    };
    let key = VerifyingKey::new(inner);
    if let Some(u) = member(obj, "use", at)? {
        if u != "sig" {
            return Err(invalid_key(format!(
                "{at}\"use\" must be \"sig\" for a signing key"
            )));
        }
    }
    if let Some(alg) = member(obj, "alg", at)? {
        let ok = match key.alg() {
            super::SignatureAlg::Es256 => alg == "ES256",
            super::SignatureAlg::Ed25519 => alg == "EdDSA" || alg == "Ed25519",
        };
        if !ok {
            return Err(invalid_key(format!(
                "{at}\"alg\" {alg:?} does not match the key ({})",
                key.alg()
            )));
        }
    }
    if let Some(kid) = member(obj, "kid", at)? {
        if kid != key.kid() {
            return Err(invalid_key(format!(
                "{at}\"kid\" is not the key's RFC 7638 thumbprint ({})",
                key.kid()
            )));
        }
    }
    Ok(key)
}

fn parse_public_object(obj: &Object, at: &str) -> Result<VerifyingKey> {
    if obj.contains_key("d") {
        return Err(invalid_key(format!(
            "{at}a private JWK (with \"d\") was given where a public key is expected"
        )));
    }
    parse_public_members(obj, at)
}

pub(super) fn parse_public_text(text: &str) -> Result<VerifyingKey> {
    let obj = parse_object(text)?;
    if obj.contains_key("keys") {
        return Err(invalid_key(
            "a JWK Set was given where one JWK is expected; use VerifyingKey::parse_set",
        ));
    }
    parse_public_object(&obj, "")
}

pub(super) fn parse_set_text(text: &str) -> Result<Vec<VerifyingKey>> {
    let obj = parse_object(text)?;
    let Some(keys) = obj.get("keys") else {
        return Ok(vec![parse_public_object(&obj, "")?]);
    };
    let Value::Array(items) = keys else {
        return Err(invalid_key("JWK Set member \"keys\" must be an array"));
    };
    if items.is_empty() {
        return Err(invalid_key("JWK Set has no keys"));
    }
    if items.len() > MAX_SET_KEYS {
        return Err(invalid_key(format!(
            "JWK Set has more than {MAX_SET_KEYS} keys"
        )));
    }
    let mut out: Vec<VerifyingKey> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("keys[{i}]: ");
        let Value::Object(m) = item else {
            return Err(invalid_key(format!("{at}must be a JWK object")));
        };
        let k = parse_public_object(m, &at)?;
        if out.iter().any(|o| o.kid() == k.kid()) {
            return Err(invalid_key(format!("{at}repeats an earlier key")));
        }
        out.push(k);
    }
    Ok(out)
}

pub(super) fn parse_private_text(text: &str) -> Result<SigningKey> {
    let mut obj = parse_object(text)?;
    let public = parse_public_members(&obj, "")?;
    let mut d = match obj.remove("d") {
        Some(Value::String(s)) => Zeroizing::new(s),
        Some(_) => return Err(invalid_key("member \"d\" must be a string")),
        None => return Err(invalid_key("missing member \"d\": not a private JWK")),
    };
    let bytes = b64::decode_array::<32>(&d).map(Zeroizing::new);
    d.zeroize();
    let bytes = bytes
        .ok_or_else(|| invalid_key("\"d\" must be 32 bytes of unpadded, canonical base64url"))?;
    let key = match public.alg() {
        super::SignatureAlg::Es256 => Secret::Es256(
            p256::ecdsa::SigningKey::from_slice(bytes.as_ref())
                .map_err(|_| invalid_key("\"d\" is not a valid P-256 private key"))?,
        ),
        super::SignatureAlg::Ed25519 => {
            Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(&bytes))
        }
    };
    let key = SigningKey::from_secret(key);
    // Public data, but compared in constant time anyway: the comparison is keyed by `d`.
    let same = key
        .verifying_key()
        .kid()
        .as_bytes()
        .ct_eq(public.kid().as_bytes());
    if !bool::from(same) {
        return Err(invalid_key("\"d\" does not match the public key"));
    }
    Ok(key)
}
