//! `seal`, `open` and the envelope in its three JS forms.

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, json_text, parse_own_json, set};
use super::keys::{recipients, secret_key};
use super::policy::Policy;
use crate::keys::PublicKey;
use crate::seal::{self, Envelope, EnvelopeLimits, Metadata, SealParams};
use crate::{Error, ErrorCode};
use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;

/// Keys of `SealOptions`.
pub(crate) const SEAL_OPTIONS: &[&str] = &[
    "format",
    "policy",
    "contentType",
    "metadata",
    "createdAt",
    "chunkSize",
    "maxRecipients",
    "maxMetadataEntries",
    "maxMetadataBytes",
];

/// The `EnvelopeLimits` keys of the opening functions' options.
pub(crate) const OPEN_LIMITS: &[&str] = &[
    "maxRecipients",
    "maxMetadataEntries",
    "maxMetadataBytes",
    "maxChunks",
    "maxEnvelopeBytes",
];

/// `EnvelopeLimits` from an options object (defaults from the core for absent keys).
pub(crate) fn limits(opts: Option<&Object>) -> JsResult<EnvelopeLimits> {
    let mut l = EnvelopeLimits::default();
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    if let Some(n) = input::opt_uint(opts, "maxRecipients", u64::MAX)? {
        l.max_recipients = size(n);
    }
    if let Some(n) = input::opt_uint(opts, "maxMetadataEntries", u64::MAX)? {
        l.max_metadata_entries = size(n);
    }
    if let Some(n) = input::opt_uint(opts, "maxMetadataBytes", u64::MAX)? {
        l.max_metadata_bytes = size(n);
    }
    if let Some(n) = input::opt_uint(opts, "maxChunks", u64::MAX)? {
        l.max_chunks = n;
    }
    if let Some(n) = input::opt_uint(opts, "maxEnvelopeBytes", u64::MAX)? {
        l.max_envelope_bytes = n;
    }
    Ok(l)
}

/// The envelope form a caller asked for.
#[derive(Clone, Copy)]
pub(crate) enum Format {
    Json,
    String,
    Binary,
}

pub(crate) fn format(opts: Option<&Object>) -> JsResult<Format> {
    match input::opt_string(opts, "format")?.as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("string") => Ok(Format::String),
        Some("binary") => Ok(Format::Binary),
        Some(_) => Err(invalid_argument(
            "option `format` must be 'json', 'string' or 'binary'",
        )),
    }
}

/// `SealParams` from `SealOptions` (`createdAt` defaults to now, from the JS clock).
pub(crate) fn params(opts: Option<&Object>) -> JsResult<SealParams> {
    let created_at = match input::opt_uint(opts, "createdAt", u64::MAX)? {
        Some(t) => t,
        None => input::now_secs(),
    };
    let mut p = SealParams::new(created_at).with_limits(limits(opts)?);
    if let Some(ct) = input::opt_string(opts, "contentType")? {
        p = p.with_content_type(ct);
    }
    if let Some(cs) = input::opt_uint(opts, "chunkSize", u64::from(u32::MAX))? {
        p = p.with_chunk_size(u32::try_from(cs).unwrap_or(u32::MAX));
    }
    if let Some(md) = input::member(opts, "metadata")? {
        p.metadata = cold_metadata(&md)?;
    }
    Ok(p)
}

/// Option `metadata`, when given. (`cold_`: out of `params`, see scripts/build-wasm: a seal
/// without metadata does not compile it at its first call.)
#[inline(never)]
fn cold_metadata(v: &JsValue) -> JsResult<Metadata> {
    Ok(input::string_map(v, "metadata")?.into_iter().collect())
}

/// The envelope in the requested form.
pub(crate) fn envelope_out(env: &Envelope, f: Format) -> JsResult<JsValue> {
    Ok(match f {
        Format::Json => parse_own_json(&env.to_json())?,
        Format::String => JsValue::from_str(&env.to_json()),
        Format::Binary => Uint8Array::from(env.to_binary().as_slice()).into(),
    })
}

/// An envelope in any form: JSON text, a JSON envelope object, or the binary form.
pub(crate) fn envelope_in(v: &JsValue, l: &EnvelopeLimits) -> JsResult<Envelope> {
    if let Some(b) = input::bytes(v) {
        return js(Envelope::from_binary_with_limits(&b, l));
    }
    if (v.is_function() || !v.is_object()) && input::string(v).is_none() {
        return Err(invalid_argument(
            "envelope must be a JSON envelope object, a string or a Uint8Array",
        ));
    }
    js(Envelope::from_json_with_limits(
        &json_text(v, "envelope")?,
        l,
    ))
}

/// The payload to seal as is: a string (UTF-8) or bytes.
fn raw_payload(v: &JsValue) -> JsResult<Vec<u8>> {
    if let Some(s) = input::string(v) {
        return Ok(s.into_bytes());
    }
    input::bytes(v).ok_or_else(|| invalid_argument("payload must be a string or a Uint8Array"))
}

pub(crate) fn seal_bytes(payload: &[u8], to: &[PublicKey], p: &SealParams) -> JsResult<Envelope> {
    #[cfg(feature = "test-hooks")]
    if let Some(r) = super::testing::with_rng(|rng| seal::seal_with_rng(payload, to, p, rng)) {
        return js(r);
    }
    js(seal::seal(payload, to, p))
}

/// The envelope form and `SealParams` of `SealOptions`, naming `policy` if given (`seal`,
/// `sealAsync`'s preparation).
fn sealing(options: &JsValue, policy: Option<&Policy>) -> JsResult<(Format, SealParams)> {
    let opts = input::options(options, "options", SEAL_OPTIONS)?;
    let f = format(opts.as_ref())?;
    let mut p = params(opts.as_ref())?;
    if let Some(policy) = policy {
        p = p.with_policy(policy.inner().reference());
    }
    Ok((f, p))
}

fn seal_impl(
    payload: JsValue,
    to: JsValue,
    options: JsValue,
    policy: Option<&Policy>,
) -> JsResult<JsValue> {
    let (f, p) = sealing(&options, policy)?;
    let bytes = raw_payload(&payload)?;
    let to = recipients(&to)?;
    envelope_out(&seal_bytes(&bytes, &to, &p)?, f)
}

/// Seals `payload` as is (no minimisation) to `recipients`.
#[wasm_bindgen]
pub fn seal(payload: JsValue, recipients: JsValue, options: JsValue) -> JsResult<JsValue> {
    seal_impl(payload, recipients, options, None)
}

/// [`seal`] naming `policy` in the header (the JS entry resolves `options.policy`).
#[wasm_bindgen(js_name = sealNamingPolicy)]
pub fn seal_naming_policy(
    payload: JsValue,
    recipients: JsValue,
    options: JsValue,
    policy: &Policy,
) -> JsResult<JsValue> {
    seal_impl(payload, recipients, options, Some(policy))
}

/// The payload in the form asked for: a string (UTF-8, else `invalid_utf8`) or bytes.
pub(crate) fn payload_out(payload: Vec<u8>, as_bytes: bool) -> JsResult<JsValue> {
    if as_bytes {
        return Ok(Uint8Array::from(payload.as_slice()).into());
    }
    String::from_utf8(payload).map(JsValue::from).map_err(|_| {
        super::error::to_js(&Error::new(
            ErrorCode::InvalidUtf8,
            "the payload is not UTF-8 text: open it with { output: 'bytes' }",
        ))
    })
}

/// The authenticated header as a plain object (its canonical JSON, parsed).
pub(crate) fn header_out(env: &Envelope) -> JsResult<JsValue> {
    parse_own_json(&String::from_utf8_lossy(env.header_bytes()))
}

/// Opens an envelope: `{ payload, header }`.
#[wasm_bindgen]
pub fn open(envelope: JsValue, private_key: JsValue, options: JsValue) -> JsResult<JsValue> {
    let known: Vec<&str> = OPEN_LIMITS.iter().chain(&["output"]).copied().collect();
    let opts = input::options(&options, "options", &known)?;
    let l = limits(opts.as_ref())?;
    let as_bytes = match input::opt_string(opts.as_ref(), "output")?.as_deref() {
        None | Some("string") => false,
        Some("bytes") => true,
        Some(_) => {
            return Err(invalid_argument(
                "option `output` must be 'string' or 'bytes'",
            ))
        }
    };
    let env = envelope_in(&envelope, &l)?;
    let sk = secret_key(&private_key)?;
    let opened = js(seal::open_with_limits(&env, &sk, &l))?;
    let out = Object::new();
    set(&out, "payload", &payload_out(opened.payload, as_bytes)?);
    set(&out, "header", &header_out(&env)?);
    Ok(out.into())
}

fn seal_parts(to: &[PublicKey], p: &SealParams, len: usize) -> JsResult<seal::SealParts> {
    #[cfg(feature = "test-hooks")]
    if let Some(r) = super::testing::with_rng(|rng| seal::seal_parts_with_rng(to, p, len, rng)) {
        return js(r);
    }
    js(seal::seal_parts(to, p, len))
}

/// For `sealAsync` in the JS entry (`npm/api.js`): everything of the envelope but the chunk
/// ciphertext of a `len`-byte payload (which sets the automatic chunk size).
/// `{ format, prefix, suffix, headerBytes, chunkSize, key }`: `prefix` is the binary
/// preamble (`Uint8Array`) or the JSON text up to the base64url payload; `key` is a fresh copy of
/// the content key, which the caller imports as a non-extractable CryptoKey and then zero-fills.
fn seal_prepare_impl(
    len: u32,
    to: JsValue,
    options: JsValue,
    policy: Option<&Policy>,
) -> JsResult<JsValue> {
    let (f, p) = sealing(&options, policy)?;
    let to = recipients(&to)?;
    let parts = seal_parts(&to, &p, len as usize)?;
    let out = Object::new();
    let set = |k: &str, v: &JsValue| set(&out, k, v);
    let (name, prefix) = match f {
        Format::Binary => (
            "binary",
            Uint8Array::from(parts.binary_preamble().as_slice()).into(),
        ),
        Format::Json => ("json", JsValue::from_str(&parts.json_prefix())),
        Format::String => ("string", JsValue::from_str(&parts.json_prefix())),
    };
    set("format", &name.into());
    set("prefix", &prefix);
    set("suffix", &seal::SealParts::JSON_SUFFIX.into());
    set(
        "headerBytes",
        &Uint8Array::from(parts.header_bytes()).into(),
    );
    set("chunkSize", &parts.chunk_size().into());
    set("key", &Uint8Array::from(&parts.content_key()[..]).into());
    Ok(out.into())
}

/// See `seal_prepare_impl`.
#[wasm_bindgen(js_name = sealPrepare)]
pub fn seal_prepare(payload_len: u32, recipients: JsValue, options: JsValue) -> JsResult<JsValue> {
    seal_prepare_impl(payload_len, recipients, options, None)
}

/// [`seal_prepare`] naming `policy` in the header.
#[wasm_bindgen(js_name = sealPrepareNamingPolicy)]
pub fn seal_prepare_naming_policy(
    payload_len: u32,
    recipients: JsValue,
    options: JsValue,
    policy: &Policy,
) -> JsResult<JsValue> {
    seal_prepare_impl(payload_len, recipients, options, Some(policy))
}
