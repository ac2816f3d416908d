//! Sender signatures: signing keys, the `sign` option, trusted `signers`, what opening says
//! about the signature, and proofs.

use super::error::{at, invalid_argument, js, JsResult};
use super::input::{self, json_text, parse_own_json, set, string};
#[cfg(feature = "wasm-receiver")]
use crate::seal::SignatureInfo;
use crate::sign::{SignatureAlg, SigningKey, VerifyingKey};
use js_sys::Array;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// `alg` of `generateSigningKey` and of a callback signer: `'ES256'` or `'Ed25519'`.
pub(crate) fn alg(v: &JsValue) -> JsResult<SignatureAlg> {
    let name = string(v).ok_or_else(|| invalid_argument("alg must be 'ES256' or 'Ed25519'"))?;
    js(SignatureAlg::parse(&name))
}

/// A new signing key pair: `{ privateJwk, publicJwk, kid }`.
#[wasm_bindgen(js_name = generateSigningKey)]
pub fn generate_signing_key(alg_name: JsValue) -> JsResult<JsValue> {
    let a = alg(&alg_name)?;
    let sk = generate(a)?;
    let out = Object::new();
    set(&out, "privateJwk", &parse_own_json(&sk.to_jwk())?);
    set(&out, "publicJwk", &public_jwk(sk.verifying_key())?);
    set(&out, "kid", &sk.verifying_key().kid().into());
    Ok(out.into())
}

fn generate(a: SignatureAlg) -> JsResult<SigningKey> {
    #[cfg(feature = "test-hooks")]
    if let Some(k) = super::testing::with_rng(|rng| SigningKey::generate_with_rng(a, rng)) {
        return Ok(k);
    }
    js(SigningKey::generate(a))
}

fn public_jwk(k: &VerifyingKey) -> JsResult<JsValue> {
    parse_own_json(&k.to_jwk())
}

/// The public JWK of a private signing JWK.
#[wasm_bindgen(js_name = signingPublicKey)]
pub fn signing_public_key(private_key: JsValue) -> JsResult<JsValue> {
    public_jwk(signing_key(&private_key, "privateKey")?.verifying_key())
}

/// True for what only the async functions sign with: a WebCrypto key pair or a callback.
fn is_async_signer(v: &JsValue) -> bool {
    let has = |k: &str| Reflect::has(v, &JsValue::from_str(k)).unwrap_or(false);
    v.is_object() && (has("privateKey") || has("sign"))
}

/// A private signing JWK (object or JSON text), `what` naming it in errors.
pub(crate) fn signing_key(v: &JsValue, what: &str) -> JsResult<SigningKey> {
    if is_async_signer(v) {
        return Err(invalid_argument(format!(
            "{what}: a WebCrypto key or a signing callback signs only in sealAsync and minimiseAndSealAsync; here it must be a private signing JWK"
        )));
    }
    let text = json_text(v, what)?;
    js(SigningKey::from_jwk(&text).map_err(|e| at(what, e)))
}

/// The option `sign` of the synchronous seals, if given.
pub(crate) fn sign_option(opts: Option<&Object>) -> JsResult<Option<SigningKey>> {
    input::member(opts, "sign")?
        .map(|v| signing_key(&v, "option `sign`"))
        .transpose()
}

/// `SignersInput`: a public signing JWK, a JWK Set, JSON text of either, or an array of these.
pub(crate) fn trusted(v: &JsValue) -> JsResult<Vec<VerifyingKey>> {
    let one = |item: &JsValue, what: &str| -> JsResult<Vec<VerifyingKey>> {
        let text = json_text(item, what)?;
        js(VerifyingKey::parse_set(&text).map_err(|e| at(what, e)))
    };
    if !Array::is_array(v) {
        return one(v, "signers");
    }
    let mut out = Vec::new();
    for (i, item) in Array::from(v).iter().enumerate() {
        out.extend(one(&item, &format!("signers[{i}]"))?);
    }
    Ok(out)
}

#[cfg(feature = "wasm-receiver")]
/// The option `signers`, if given, and `allowUnsigned`.
pub(crate) fn trust_options(opts: Option<&Object>) -> JsResult<(Vec<VerifyingKey>, bool)> {
    let signers = match input::member(opts, "signers")? {
        Some(v) => trusted(&v)?,
        None => Vec::new(),
    };
    let allow = input::opt_bool(opts, "allowUnsigned")?.unwrap_or(false);
    Ok((signers, allow))
}

#[cfg(feature = "wasm-receiver")]
/// `SignatureResult`: `{ status: 'verified', kid, alg, key }` (the trusted key that verified it),
/// `{ status: 'unchecked', kid, alg }` (no `signers` were given; `alg` is the record's claim), or
/// `{ status: 'unsigned' }`.
pub(crate) fn signature_out(
    info: Option<&SignatureInfo>,
    trusted: &[VerifyingKey],
) -> JsResult<JsValue> {
    let out = Object::new();
    let Some(info) = info else {
        set(&out, "status", &"unsigned".into());
        return Ok(out.into());
    };
    let status = if info.verified {
        "verified"
    } else {
        "unchecked"
    };
    set(&out, "status", &status.into());
    set(&out, "kid", &info.kid.as_str().into());
    set(&out, "alg", &info.alg.as_str().into());
    if info.verified {
        if let Some(k) = trusted.iter().find(|k| k.kid() == info.kid) {
            set(&out, "key", &public_jwk(k)?);
        }
    }
    Ok(out.into())
}

/// Signs a statement with a private signing JWK: the async seals' signer for a JWK (npm/api.js;
/// not public API). Only a minseal statement (its label and length) is signed.
#[wasm_bindgen(js_name = signStatement)]
pub fn sign_statement(private_key: JsValue, statement: &[u8]) -> JsResult<js_sys::Uint8Array> {
    if statement.len() != crate::sign::STATEMENT_LEN
        || !statement.starts_with(crate::sign::STATEMENT_LABEL)
    {
        return Err(invalid_argument("not a minseal statement"));
    }
    let sk = signing_key(&private_key, "option `sign`")?;
    Ok(js_sys::Uint8Array::from(&sk.sign_raw(statement)[..]))
}
