//! The async seals of the JS entry (`npm/api.js`: `sealAsync`, `minimiseAndSealAsync`): wasm
//! prepares the envelope (header, HPKE stanzas, MAC: `SealParts`) and keeps it in a `SealJob`
//! while JS awaits the signer (a WebCrypto key, a remote service); then wasm turns the
//! signature into the encrypted signature record. `sealAsync` encrypts the payload chunks with
//! WebCrypto under the payload key `parts()` hands over; `minimiseAndSealAsync` lets wasm
//! encrypt them (`finish`). The content key never leaves wasm; the payload key leaves only
//! through `parts()`.

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, bytes, json_bytes, parse_own_json, set, string};
use super::keys::recipients;
use super::policy::{minimise_options, Policy, MINIMISE_OPTIONS};
use super::seal::{envelope_out, format, params, Format, SEAL_OPTIONS};
use super::sign::alg;
use crate::api::{self, SealOptions};
use crate::keys::{b64, PublicKey};
use crate::minimise::{self, Receipt, ReceiptEnvelope};
use crate::seal::{self, SealParams, SealParts, SignerId};
use crate::sign::{VerifyingKey, SIGNATURE_LEN, STATEMENT_LEN};
use crate::{Error, ErrorCode};
use js_sys::{Object, Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;

/// A prepared envelope waiting for its signature (or, unsigned, for its chunks).
#[wasm_bindgen]
pub struct SealJob {
    /// `None` once `finish` consumed it.
    parts: Option<SealParts>,
    format: Format,
    /// `minimiseAndSealAsync`: the minimised payload and its receipt (bound in `finish`).
    minimised: Option<(Vec<u8>, Receipt)>,
    /// The statement last handed out, to check a signature against before using it.
    statement: Option<[u8; STATEMENT_LEN]>,
}

fn done() -> JsValue {
    invalid_argument("this SealJob is finished")
}

/// `{ kid, alg }` of the signer the JS entry resolved, or `undefined` (unsigned).
fn signer_id(v: &JsValue) -> JsResult<Option<SignerId>> {
    if v.is_undefined() {
        return Ok(None);
    }
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let kid = string(&get("kid"))
        .ok_or_else(|| invalid_argument("option `sign`: `kid` must be a string"))?;
    Ok(Some(SignerId {
        alg: alg(&get("alg"))?,
        kid,
    }))
}

fn prepare(
    to: &[PublicKey],
    p: &SealParams,
    len: usize,
    signer: Option<SignerId>,
) -> JsResult<SealParts> {
    #[cfg(feature = "test-hooks")]
    if let Some(r) =
        super::testing::with_rng(|rng| seal::seal_parts_with_rng(to, p, len, signer.clone(), rng))
    {
        return js(r);
    }
    js(seal::seal_parts(to, p, len, signer))
}

fn job(parts: SealParts, format: Format, minimised: Option<(Vec<u8>, Receipt)>) -> SealJob {
    SealJob {
        parts: Some(parts),
        format,
        minimised,
        statement: None,
    }
}

/// `sealAsync`'s preparation for a `len`-byte payload (which sets the automatic chunk size).
#[wasm_bindgen(js_name = sealPrepare)]
pub fn seal_prepare(len: u32, to: JsValue, options: JsValue, signer: JsValue) -> JsResult<SealJob> {
    let opts = input::options(&options, "options", SEAL_OPTIONS)?;
    let (f, p) = (format(opts.as_ref())?, params(opts.as_ref())?);
    let to = recipients(&to)?;
    Ok(job(
        prepare(&to, &p, len as usize, signer_id(&signer)?)?,
        f,
        None,
    ))
}

/// [`seal_prepare`] of a payload that must conform to `policy` (checked here, so it takes the
/// payload), which the header then names.
#[wasm_bindgen(js_name = sealPrepareConforming)]
pub fn seal_prepare_conforming(
    payload: &[u8],
    to: JsValue,
    options: JsValue,
    policy: &Policy,
    signer: JsValue,
) -> JsResult<SealJob> {
    let opts = input::options(&options, "options", SEAL_OPTIONS)?;
    let f = format(opts.as_ref())?;
    let mut o = SealOptions::new(params(opts.as_ref())?);
    o = o.conforming_to(policy.inner());
    let p = js(api::checked_params(payload, &o))?;
    let to = recipients(&to)?;
    Ok(job(
        prepare(&to, &p, payload.len(), signer_id(&signer)?)?,
        f,
        None,
    ))
}

/// `minimiseAndSealAsync`'s preparation: minimises (as `minimiseAndSeal`), then prepares the
/// envelope of the minimised bytes naming `policy`.
#[wasm_bindgen(js_name = minimiseAndSealPrepare)]
pub fn minimise_and_seal_prepare(
    payload: JsValue,
    policy: &Policy,
    to: JsValue,
    options: JsValue,
    signer: JsValue,
) -> JsResult<SealJob> {
    let known: Vec<&str> = MINIMISE_OPTIONS
        .iter()
        .chain(SEAL_OPTIONS.iter().filter(|k| **k != "policy"))
        .copied()
        .collect();
    let opts = input::options(&options, "options", &known)?;
    let mo = minimise_options(opts.as_ref())?;
    let f = format(opts.as_ref())?;
    let p = params(opts.as_ref())?.with_policy(policy.inner().reference());
    let to = recipients(&to)?;
    let signer = signer_id(&signer)?;
    let m = js(minimise::minimise(
        policy.inner(),
        &json_bytes(&payload, "payload")?,
        &mo,
    ))?;
    let parts = prepare(&to, &p, m.payload.len(), signer)?;
    Ok(job(parts, f, Some((m.payload, m.receipt))))
}

/// The SHA-256 of the minimised payload, which its receipt holds.
fn receipt_sha256(r: &Receipt) -> Option<[u8; 32]> {
    crate::hex::decode(&r.payload.sha256).and_then(|d| <[u8; 32]>::try_from(d.as_slice()).ok())
}

/// 32 bytes from JS, or the minimised payload's digest when `undefined`.
fn digest_of(job: &SealJob, v: &JsValue) -> JsResult<[u8; 32]> {
    if v.is_undefined() {
        if let Some(d) = job.minimised.as_ref().and_then(|(_, r)| receipt_sha256(r)) {
            return Ok(d);
        }
    }
    bytes(v)
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| invalid_argument("the payload digest must be 32 bytes (SHA-256)"))
}

/// A signature from JS: a Uint8Array of the 64 raw bytes (`crate::sign::raw_signature`).
fn signature_bytes(v: &JsValue) -> JsResult<[u8; SIGNATURE_LEN]> {
    let b = bytes(v).ok_or_else(|| invalid_argument("the signature must be a Uint8Array"))?;
    Ok(*js(crate::sign::raw_signature(&b))?)
}

#[wasm_bindgen]
impl SealJob {
    /// What JS needs to encrypt the chunks (`sealAsync`):
    /// `{ format, prefix, suffix, headerBytes, chunkSize, key }`; `prefix` is the binary
    /// preamble (`Uint8Array`, through the MAC) or the JSON text up to the base64url payload;
    /// `key` a fresh copy of the payload key, which the caller imports as a non-extractable
    /// CryptoKey and then zero-fills.
    pub fn parts(&self) -> JsResult<JsValue> {
        let parts = self.parts.as_ref().ok_or_else(done)?;
        let out = Object::new();
        let set = |k: &str, v: &JsValue| set(&out, k, v);
        let (name, prefix) = match self.format {
            Format::Binary => (
                "binary",
                Uint8Array::from(parts.binary_preamble().as_slice()).into(),
            ),
            Format::Json => ("json", JsValue::from_str(&parts.json_prefix())),
            Format::String => ("string", JsValue::from_str(&parts.json_prefix())),
        };
        set("format", &name.into());
        set("prefix", &prefix);
        set("suffix", &SealParts::JSON_SUFFIX.into());
        set(
            "headerBytes",
            &Uint8Array::from(parts.header_bytes()).into(),
        );
        set("chunkSize", &parts.chunk_size().into());
        set("key", &Uint8Array::from(&parts.payload_key()[..]).into());
        Ok(out.into())
    }

    /// The statement to sign (docs/FORMAT.md, "Signature") for a payload whose SHA-256 is
    /// `digest` (`minimiseAndSealAsync`: `undefined`, the minimised payload's).
    pub fn statement(&mut self, digest: JsValue) -> JsResult<Uint8Array> {
        let d = digest_of(self, &digest)?;
        let st = self.parts.as_ref().ok_or_else(done)?.statement(&d);
        self.statement = Some(st);
        Ok(Uint8Array::from(&st[..]))
    }

    /// Checks `signature` over the last statement under `public_jwk`, which must be the
    /// signer's key (its kid the one the job was prepared with): a signer using another key
    /// fails here, not at every receiver (`signature_invalid`).
    pub fn check(&self, public_jwk: JsValue, signature: JsValue) -> JsResult<()> {
        let st = self
            .statement
            .ok_or_else(|| invalid_argument("no statement was handed out"))?;
        let text = input::json_text(&public_jwk, "publicKey")?;
        let key = js(VerifyingKey::from_jwk(&text))?;
        js(key.verify(&st, &signature_bytes(&signature)?))
    }

    /// The encrypted signature record for the 64-byte `signature` (`sealAsync`: it follows
    /// the last chunk).
    pub fn record(&self, signature: JsValue) -> JsResult<Uint8Array> {
        let parts = self.parts.as_ref().ok_or_else(done)?;
        let rec = js(parts.signature_record(&signature_bytes(&signature)?))?;
        Ok(Uint8Array::from(&rec[..]))
    }

    /// `minimiseAndSealAsync`: encrypts the minimised payload, adds the signature record
    /// (`signature`, or `undefined` unsigned) and binds the receipt to the envelope:
    /// `{ envelope, receipt, payload }`.
    pub fn finish(&mut self, signature: JsValue) -> JsResult<JsValue> {
        let (payload, mut receipt) = self
            .minimised
            .take()
            .ok_or_else(|| invalid_argument("finish is for minimiseAndSealAsync"))?;
        let parts = self.parts.take().ok_or_else(done)?;
        let digest = receipt_sha256(&receipt)
            .ok_or_else(|| invalid_argument("internal: the receipt has no SHA-256"))?;
        let receipt_digest = parts.receipt_digest(&digest);
        let sig = if signature.is_undefined() {
            None
        } else {
            Some(signature_bytes(&signature)?)
        };
        let env = js(parts.finish(&payload, sig.as_ref().map(|s| &s[..])))?;
        receipt.bind(ReceiptEnvelope {
            message_id: b64::encode(&env.header().message_id),
            header_sha256: crate::hex::encode(&Sha256::digest(env.header_bytes())),
            payload_hmac_sha256: crate::hex::encode(&receipt_digest),
        });
        let out = Object::new();
        set(&out, "envelope", &envelope_out(&env, self.format)?);
        set(&out, "receipt", &parse_own_json(&receipt.to_json())?);
        let text = String::from_utf8(payload).map_err(|_| {
            super::error::to_js(&Error::new(ErrorCode::InvalidUtf8, "minimised payload"))
        })?;
        set(&out, "payload", &text.into());
        Ok(out.into())
    }
}
