//! `seal`, `open` and the envelope in its three JS forms.

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, parse_own_json};
#[cfg(feature = "wasm-receiver")]
use super::input::{json_text, set};
use super::keys::recipients;
#[cfg(feature = "wasm-receiver")]
use super::keys::secret_key;
use super::policy::Policy;
use super::sign::sign_option;
#[cfg(feature = "wasm-receiver")]
use super::sign::{signature_out, trust_options};
use crate::api::{self, SealOptions};
use crate::keys::PublicKey;
#[cfg(feature = "wasm-receiver")]
use crate::seal::{self, OpenOptions};
use crate::seal::{Envelope, EnvelopeLimits, Metadata, SealParams};
use crate::sign::Signer;
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
    "expiresAt",
    "chunkSize",
    "sign",
    "maxRecipients",
    "maxMetadataEntries",
    "maxMetadataBytes",
];

#[cfg(feature = "wasm-receiver")]
/// The keys of the opening functions' options: `EnvelopeLimits`, trust and time.
pub(crate) const OPEN_LIMITS: &[&str] = &[
    "maxRecipients",
    "maxMetadataEntries",
    "maxMetadataBytes",
    "maxChunks",
    "maxEnvelopeBytes",
    "signers",
    "allowUnsigned",
    "now",
];

#[cfg(feature = "wasm-receiver")]
/// `OpenOptions` from the opening functions' options: limits, `signers`, `allowUnsigned`, and
/// `now` (Unix seconds for `expires_at`; default: the JS clock).
pub(crate) fn open_options(opts: Option<&Object>) -> JsResult<OpenOptions> {
    let (signers, allow) = trust_options(opts)?;
    let now = match input::opt_uint(opts, "now", u64::MAX)? {
        Some(t) => t,
        None => input::now_secs(),
    };
    Ok(OpenOptions::default()
        .with_limits(limits(opts)?)
        .trust(signers)
        .allow_unsigned(allow)
        .at(now))
}

#[cfg(feature = "wasm-receiver")]
/// The options of `open` and `openPrepare`: `OpenOptions`, and whether `output` is `'bytes'`.
pub(crate) fn open_args(options: &JsValue) -> JsResult<(OpenOptions, bool)> {
    let known: Vec<&str> = OPEN_LIMITS.iter().chain(&["output"]).copied().collect();
    let opts = input::options(options, "options", &known)?;
    let oo = open_options(opts.as_ref())?;
    let as_bytes = match input::opt_string(opts.as_ref(), "output")?.as_deref() {
        None | Some("string") => false,
        Some("bytes") => true,
        Some(_) => {
            return Err(invalid_argument(
                "option `output` must be 'string' or 'bytes'",
            ))
        }
    };
    Ok((oo, as_bytes))
}

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
    if let Some(t) = input::opt_uint(opts, "expiresAt", u64::MAX)? {
        p = p.with_expiry(t);
    }
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

#[cfg(feature = "wasm-receiver")]
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

fn seal_with(payload: &[u8], to: &[PublicKey], o: &SealOptions<'_>) -> JsResult<Envelope> {
    #[cfg(feature = "test-hooks")]
    if let Some(r) = super::testing::with_rng(|rng| api::seal_with_rng(payload, to, o, rng)) {
        return js(r);
    }
    js(api::seal(payload, to, o))
}

/// The envelope form and `SealParams` of `SealOptions` (`seal`, `sealAsync`'s preparation).
fn sealing(opts: Option<&Object>) -> JsResult<(Format, SealParams)> {
    Ok((format(opts)?, params(opts)?))
}

fn seal_impl(
    payload: JsValue,
    to: JsValue,
    options: JsValue,
    policy: Option<&Policy>,
) -> JsResult<JsValue> {
    let opts = input::options(&options, "options", SEAL_OPTIONS)?;
    let (f, p) = sealing(opts.as_ref())?;
    let signer = sign_option(opts.as_ref())?;
    let bytes = raw_payload(&payload)?;
    let to = recipients(&to)?;
    let mut o = SealOptions::new(p);
    if let Some(s) = &signer {
        o = o.signed_by(s as &dyn Signer);
    }
    if let Some(policy) = policy {
        o = o.conforming_to(policy.inner());
    }
    envelope_out(&seal_with(&bytes, &to, &o)?, f)
}

/// Seals `payload` as is (no minimisation) to `recipients`.
#[wasm_bindgen]
pub fn seal(payload: JsValue, recipients: JsValue, options: JsValue) -> JsResult<JsValue> {
    seal_impl(payload, recipients, options, None)
}

/// [`seal`] of a payload that must conform to `policy` (`does_not_conform` otherwise), which the
/// header then names (the JS entry resolves `options.policy`).
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

#[cfg(feature = "wasm-receiver")]
/// The authenticated header as a plain object: its canonical bytes (JSON), parsed.
pub(crate) fn header_out(header_bytes: &[u8]) -> JsResult<JsValue> {
    parse_own_json(&String::from_utf8_lossy(header_bytes))
}

#[cfg(feature = "wasm-receiver")]
/// Opens an envelope: `{ payload, header, signature }`.
#[wasm_bindgen]
pub fn open(envelope: JsValue, private_key: JsValue, options: JsValue) -> JsResult<JsValue> {
    let (oo, as_bytes) = open_args(&options)?;
    let env = envelope_in(&envelope, &oo.limits)?;
    let sk = secret_key(&private_key)?;
    let opened = js(seal::open(&env, &sk, &oo))?;
    let out = Object::new();
    set(&out, "payload", &payload_out(opened.payload, as_bytes)?);
    set(&out, "header", &header_out(env.header_bytes())?);
    set(
        &out,
        "signature",
        &signature_out(opened.signature.as_ref(), &oo.signers)?,
    );
    Ok(out.into())
}
