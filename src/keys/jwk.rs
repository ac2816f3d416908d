//! JWK (RFC 7517/8037) and JWK Set import/export for X25519 keys, and RFC 7638 thumbprints.

use super::{b64, invalid_key, PublicKey, SecretKey, KEY_LEN};
use crate::json::{Object, Value};
use crate::Result;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// Largest JWK or JWK Set text accepted (a set of 64 X25519 keys is about 8 KiB).
const MAX_JWK_TEXT: usize = 256 * 1024;
/// Most keys accepted in one JWK Set.
const MAX_SET_KEYS: usize = 1024;

/// The RFC 7638 thumbprint of an OKP key (RFC 8037 §2): base64url(SHA-256) of the canonical
/// JSON `{"crv":crv,"kty":"OKP","x":x}` (required members only, sorted, no whitespace).
pub fn okp_thumbprint(crv: &str, x: &str) -> String {
    let mut canonical = Vec::with_capacity(64 + crv.len() + x.len());
    canonical.extend_from_slice(b"{\"crv\":");
    crate::jcs::write_string(crv, &mut canonical);
    canonical.extend_from_slice(b",\"kty\":\"OKP\",\"x\":");
    crate::jcs::write_string(x, &mut canonical);
    canonical.push(b'}');
    b64::encode(&Sha256::digest(&canonical))
}

pub(super) fn public_jwk(key: &PublicKey) -> String {
    let x = key.to_base64url();
    let kid = okp_thumbprint("X25519", &x);
    format!(r#"{{"crv":"X25519","kid":"{kid}","kty":"OKP","x":"{x}"}}"#)
}

pub(super) fn public_jwk_set(keys: &[PublicKey]) -> String {
    let items: Vec<String> = keys.iter().map(public_jwk).collect();
    format!(r#"{{"keys":[{}]}}"#, items.join(","))
}

pub(super) fn private_jwk(key: &SecretKey) -> Zeroizing<String> {
    let x = key.public_key().to_base64url();
    let kid = okp_thumbprint("X25519", &x);
    let d = Zeroizing::new(b64::encode(key.secret_bytes()));
    Zeroizing::new(format!(
        r#"{{"crv":"X25519","d":"{}","kid":"{kid}","kty":"OKP","x":"{x}"}}"#,
        d.as_str()
    ))
}

fn parse_object(text: &str, what: &str) -> Result<Object> {
    if text.len() > MAX_JWK_TEXT {
        return Err(invalid_key(format!(
            "{what} is larger than {MAX_JWK_TEXT} bytes"
        )));
    }
    match crate::json::value::parse(text.as_bytes()) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(invalid_key(format!("{what} must be a JSON object"))),
        Err(e) => Err(invalid_key(format!("{what}: {}", e.message()))),
    }
}

fn member_str<'a>(obj: &'a Object, name: &str, at: &str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid_key(format!(
            "{at}member \"{name}\" must be a string"
        ))),
    }
}

/// Checks kty/crv/use, decodes `x` and checks `kid` (when present) against it; `at` prefixes
/// messages (e.g. `keys[2]: `).
fn parse_public_members(obj: &Object, at: &str) -> Result<PublicKey> {
    match member_str(obj, "kty", at)? {
        Some("OKP") => {}
        Some(_) => return Err(invalid_key(format!("{at}\"kty\" must be \"OKP\""))),
        None => return Err(invalid_key(format!("{at}missing member \"kty\""))),
    }
    match member_str(obj, "crv", at)? {
        Some("X25519") => {}
        Some(_) => return Err(invalid_key(format!("{at}\"crv\" must be \"X25519\""))),
        None => return Err(invalid_key(format!("{at}missing member \"crv\""))),
    }
    if let Some(u) = member_str(obj, "use", at)? {
        if u != "enc" {
            return Err(invalid_key(format!(
                "{at}\"use\" must be \"enc\" for an X25519 key"
            )));
        }
    }
    let x = member_str(obj, "x", at)?
        .ok_or_else(|| invalid_key(format!("{at}missing member \"x\"")))?;
    let bytes = b64::decode_array::<KEY_LEN>(x).ok_or_else(|| {
        invalid_key(format!(
            "{at}\"x\" must be 32 bytes of unpadded, canonical base64url"
        ))
    })?;
    // minseal's key id is the thumbprint, and envelopes name recipients by it: a JWK claiming
    // another id would be listed, pinned or looked up under a name that is not its key's.
    if let Some(kid) = member_str(obj, "kid", at)? {
        let thumbprint = okp_thumbprint("X25519", x);
        if kid != thumbprint {
            return Err(invalid_key(format!(
                "{at}\"kid\" is not the key's RFC 7638 thumbprint ({thumbprint})"
            )));
        }
    }
    PublicKey::from_bytes(bytes).map_err(|e| invalid_key(format!("{at}\"x\": {}", e.message())))
}

fn parse_public_object(obj: &Object, at: &str) -> Result<PublicKey> {
    if obj.contains_key("d") {
        return Err(invalid_key(format!(
            "{at}a private JWK (with \"d\") was given where a public key is expected"
        )));
    }
    parse_public_members(obj, at)
}

pub(super) fn parse_public_jwk_text(text: &str) -> Result<PublicKey> {
    let obj = parse_object(text, "JWK")?;
    if obj.contains_key("keys") {
        return Err(invalid_key(
            "a JWK Set was given where one JWK is expected; use PublicKey::parse_recipients",
        ));
    }
    parse_public_object(&obj, "")
}

pub(super) fn parse_private_jwk_text(text: &str) -> Result<SecretKey> {
    let mut obj = parse_object(text, "JWK")?;
    let public = parse_public_members(&obj, "")?;
    let mut d = match obj.remove("d") {
        Some(Value::String(s)) => Zeroizing::new(s),
        Some(_) => return Err(invalid_key("member \"d\" must be a string")),
        None => return Err(invalid_key("missing member \"d\": not a private JWK")),
    };
    let decoded = b64::decode(&d).map(Zeroizing::new);
    d.zeroize();
    let decoded = decoded
        .ok_or_else(|| invalid_key("\"d\" must be 32 bytes of unpadded, canonical base64url"))?;
    let bytes: Zeroizing<[u8; KEY_LEN]> = Zeroizing::new(
        <[u8; KEY_LEN]>::try_from(decoded.as_slice())
            .map_err(|_| invalid_key("\"d\" must be 32 bytes"))?,
    );
    let key = SecretKey::from_bytes(*bytes)?;
    if !bool::from(key.public_key().as_bytes().ct_eq(public.as_bytes())) {
        return Err(invalid_key("\"d\" does not match \"x\""));
    }
    Ok(key)
}

pub(super) fn parse_recipients_json(text: &str) -> Result<Vec<PublicKey>> {
    let obj = parse_object(text, "recipient JWK or JWK Set")?;
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
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("keys[{i}]: ");
            match item {
                Value::Object(m) => parse_public_object(m, &at),
                _ => Err(invalid_key(format!("{at}must be a JWK object"))),
            }
        })
        .collect()
}
