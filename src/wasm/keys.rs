//! Keys: recipients in every accepted shape, secret keys, generation, thumbprints.

use super::error::{at, invalid_argument, js, JsResult};
use super::input::{json_text, parse_own_json, set, string};
use crate::keys::{PublicKey, SecretKey};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// One recipient entry: a JWK / JWK Set object, or text (JWK, JWK Set, raw base64url).
fn recipients_one(v: &JsValue, what: &str) -> JsResult<Vec<PublicKey>> {
    let text = json_text(v, what)?;
    js(PublicKey::parse_recipients(&text))
}

/// `RecipientsInput`: a JWK, a JWK Set, JSON text, raw base64url, or an array of these.
pub(crate) fn recipients(v: &JsValue) -> JsResult<Vec<PublicKey>> {
    if !Array::is_array(v) {
        return recipients_one(v, "recipients");
    }
    let mut out = Vec::new();
    for (i, item) in Array::from(v).iter().enumerate() {
        let what = format!("recipients[{i}]");
        let text = json_text(&item, &what)?;
        let keys = PublicKey::parse_recipients(&text).map_err(|e| at(&what, e));
        out.extend(js(keys)?);
    }
    Ok(out)
}

/// A secret key: a private JWK (object or text) or raw base64url text.
pub(crate) fn secret_key(v: &JsValue) -> JsResult<SecretKey> {
    let text = json_text(v, "privateKey")?;
    js(SecretKey::parse(&text))
}

fn public_jwk(pk: &PublicKey) -> JsResult<JsValue> {
    parse_own_json(&pk.to_jwk())
}

/// A new X25519 key pair: `{ privateJwk, publicJwk, kid }`.
#[wasm_bindgen(js_name = generateKeyPair)]
pub fn generate_key_pair() -> JsResult<JsValue> {
    let sk = generate()?;
    let out = Object::new();
    let private = parse_own_json(&sk.to_jwk())?;
    set(&out, "privateJwk", &private);
    set(&out, "publicJwk", &public_jwk(sk.public_key())?);
    set(&out, "kid", &sk.kid().into());
    Ok(out.into())
}

fn generate() -> JsResult<SecretKey> {
    #[cfg(feature = "test-hooks")]
    if let Some(k) = super::testing::with_rng(SecretKey::generate_with_rng) {
        return Ok(k);
    }
    js(SecretKey::generate())
}

/// The public JWK of a secret key.
#[wasm_bindgen(js_name = publicKey)]
pub fn public_key(private_key: JsValue) -> JsResult<JsValue> {
    public_jwk(secret_key(&private_key)?.public_key())
}

/// The RFC 7638 thumbprint (the kid) of one public key: an X25519 or signing JWK (object or
/// text) or a raw base64url X25519 key. A key that is neither gives the X25519 parser's error.
#[wasm_bindgen]
pub fn thumbprint(key: JsValue) -> JsResult<String> {
    let text = match string(&key) {
        Some(s) => s,
        None => json_text(&key, "key")
            .map_err(|_| invalid_argument("key must be a public JWK or a raw base64url string"))?,
    };
    match PublicKey::parse(&text) {
        Ok(k) => Ok(k.kid()),
        Err(e) => match crate::sign::VerifyingKey::from_jwk(&text) {
            Ok(k) => Ok(k.kid().to_owned()),
            Err(_) => Err(super::error::to_js(&e)),
        },
    }
}
