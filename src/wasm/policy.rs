//! `Policy`, `profiles`, `minimise`, `verify`, `minimiseAndSeal`, `openAndVerify`.

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, json_bytes, parse_own_json, set};
use super::keys::recipients;
#[cfg(feature = "wasm-receiver")]
use super::keys::secret_key;
#[cfg(feature = "wasm-receiver")]
use super::seal::{envelope_in, header_out, open_options, OPEN_LIMITS};
use super::seal::{envelope_out, format, params, payload_out, SEAL_OPTIONS};
use super::sign::sign_option;
#[cfg(feature = "wasm-receiver")]
use super::sign::signature_out;
#[cfg(feature = "wasm-receiver")]
use crate::api::ReceiveOptions;
use crate::api::{self, SealOptions};
use crate::minimise::{self, MinimiseOptions, Verification};
use crate::sign::Signer;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// A compiled minimisation policy (built-in or parsed); reuse it across calls.
#[wasm_bindgen]
pub struct Policy {
    inner: crate::policy::Policy,
}

impl Policy {
    pub(crate) fn inner(&self) -> &crate::policy::Policy {
        &self.inner
    }
}

#[wasm_bindgen]
impl Policy {
    /// A built-in profile by id (`unknown_policy` if there is none).
    pub fn builtin(id: JsValue) -> JsResult<Policy> {
        let id = input::string(&id).ok_or_else(|| invalid_argument("id must be a string"))?;
        Ok(Policy {
            inner: js(crate::policy::Policy::builtin(&id))?,
        })
    }

    /// Parses a policy document: JSON text, UTF-8 bytes or a plain object; `options` are the
    /// `PolicyLimits` (`maxBytes`, `maxDepth`, `maxRules`).
    pub fn parse(policy: JsValue, options: JsValue) -> JsResult<Policy> {
        let opts = input::options(&options, "options", &["maxBytes", "maxDepth", "maxRules"])?;
        let mut l = crate::policy::PolicyLimits::default();
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let o = opts.as_ref();
        if let Some(n) = input::opt_uint(o, "maxBytes", u64::MAX)? {
            l.max_bytes = size(n);
        }
        if let Some(n) = input::opt_uint(o, "maxDepth", u64::MAX)? {
            l.max_depth = size(n);
        }
        if let Some(n) = input::opt_uint(o, "maxRules", u64::MAX)? {
            l.max_rules = size(n);
        }
        let bytes = json_bytes(&policy, "policy")?;
        Ok(Policy {
            inner: js(crate::policy::Policy::from_json_with_limits(&bytes, &l))?,
        })
    }

    /// The policy id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The policy version.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        self.inner.version().to_owned()
    }

    /// The human title.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.inner.title().to_owned()
    }

    /// The legal basis.
    #[wasm_bindgen(getter)]
    pub fn basis(&self) -> String {
        self.inner.basis().to_owned()
    }

    /// The recipient role.
    #[wasm_bindgen(getter)]
    pub fn audience(&self) -> String {
        self.inner.audience().to_owned()
    }

    /// SHA-256 of the policy's JCS bytes, lowercase hex.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        crate::hex::encode(&self.inner.digest())
    }

    /// The RFC 8785 canonical text of the policy.
    #[wasm_bindgen(js_name = canonicalJson)]
    pub fn canonical_json(&self) -> String {
        self.inner.canonical_json().to_owned()
    }
}

/// `{ id, version, title, basis, audience }` of every built-in profile.
#[wasm_bindgen]
pub fn profiles() -> JsValue {
    let out = Array::new();
    for p in crate::policy::builtins() {
        let o = Object::new();
        set(&o, "id", &p.id.into());
        set(&o, "version", &p.version.into());
        set(&o, "title", &p.title.into());
        set(&o, "basis", &p.basis.into());
        set(&o, "audience", &p.audience.into());
        out.push(&o);
    }
    out.into()
}

pub(crate) const MINIMISE_OPTIONS: &[&str] = &["hashKey", "strict", "maxBytes", "maxDepth"];

/// `MinimiseOptions` from the JS options object (defaults from the core).
pub(crate) fn minimise_options(opts: Option<&Object>) -> JsResult<MinimiseOptions> {
    let mut o = MinimiseOptions::default();
    if let Some(k) = input::opt_bytes(opts, "hashKey")? {
        o.hash_key = Some(zeroize::Zeroizing::new(k));
    }
    if let Some(s) = input::opt_bool(opts, "strict")? {
        o.strict = s;
    }
    if let Some(n) = input::opt_uint(opts, "maxBytes", u64::MAX)? {
        o.limits.max_bytes = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if let Some(n) = input::opt_uint(opts, "maxDepth", u64::MAX)? {
        o.limits.max_depth = usize::try_from(n).unwrap_or(usize::MAX);
    }
    Ok(o)
}

fn text(bytes: Vec<u8>) -> JsResult<JsValue> {
    payload_out(bytes, false)
}

/// The minimised payload for JS: a string, or with `utf16` and any non-ASCII byte, a
/// `Uint8Array` of its UTF-16LE bytes for api.js to turn into a string. Node's UTF-8
/// decoders (`TextDecoder`, `Buffer`) leave their fast path at the first non-ASCII byte: 36 KB
/// with 97 such characters took ~97 µs, against ~8 µs for ASCII, and UTF-16 is a plain copy.
pub(crate) fn text_out(bytes: Vec<u8>, utf16: bool) -> JsResult<JsValue> {
    if utf16 && !bytes.is_ascii() {
        if let Ok(s) = core::str::from_utf8(&bytes) {
            return Ok(js_sys::Uint8Array::from(crate::utf16::utf16le(s).as_slice()).into());
        }
    }
    text(bytes)
}

/// Minimises `payload` under `policy`: `{ payload, receipt }`. `utf16` (api.js, in Node): see
/// [`text_out`].
#[wasm_bindgen]
pub fn minimise(
    payload: JsValue,
    policy: &Policy,
    options: JsValue,
    utf16: JsValue,
) -> JsResult<JsValue> {
    let opts = input::options(&options, "options", MINIMISE_OPTIONS)?;
    let mo = minimise_options(opts.as_ref())?;
    // A JS string is UTF-8 once in wasm: no second check of it.
    let m = match input::string(&payload) {
        Some(text) => js(minimise::minimise_str(&policy.inner, &text, &mo))?,
        None => js(minimise::minimise(
            &policy.inner,
            &json_bytes(&payload, "payload")?,
            &mo,
        ))?,
    };
    let out = Object::new();
    set(&out, "payload", &text_out(m.payload, utf16.is_truthy())?);
    set(&out, "receipt", &parse_own_json(&m.receipt.to_json())?);
    Ok(out.into())
}

pub(crate) fn verification_out(v: &Verification) -> JsValue {
    let out = Object::new();
    set(&out, "conforms", &v.conforms.into());
    let list = Array::new();
    for x in &v.violations {
        let o = Object::new();
        set(&o, "path", &x.path.as_str().into());
        set(&o, "kind", &x.kind.as_str().into());
        list.push(&o);
    }
    set(&out, "violations", &list);
    out.into()
}

/// Whether `payload` already conforms to `policy`: `{ conforms, violations }`.
#[wasm_bindgen]
pub fn verify(payload: JsValue, policy: &Policy, options: JsValue) -> JsResult<JsValue> {
    let opts = input::options(&options, "options", MINIMISE_OPTIONS)?;
    let mo = minimise_options(opts.as_ref())?;
    let bytes = json_bytes(&payload, "payload")?;
    Ok(verification_out(&js(minimise::verify(
        &policy.inner,
        &bytes,
        &mo,
    ))?))
}

/// Minimises, then seals the minimised bytes: `{ envelope, receipt, payload }`.
#[wasm_bindgen(js_name = minimiseAndSeal)]
pub fn minimise_and_seal(
    payload: JsValue,
    policy: &Policy,
    recipients_in: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let known: Vec<&str> = MINIMISE_OPTIONS
        .iter()
        .chain(SEAL_OPTIONS.iter().filter(|k| **k != "policy"))
        .copied()
        .collect();
    let opts = input::options(&options, "options", &known)?;
    let mut o = SealOptions::new(params(opts.as_ref())?);
    o.minimise = minimise_options(opts.as_ref())?;
    let f = format(opts.as_ref())?;
    let signer = sign_option(opts.as_ref())?;
    if let Some(s) = &signer {
        o = o.signed_by(s as &dyn Signer);
    }
    let bytes = json_bytes(&payload, "payload")?;
    let to = recipients(&recipients_in)?;
    let sealed = sealed(&policy.inner, &bytes, &to, &o)?;
    let out = Object::new();
    set(&out, "envelope", &envelope_out(&sealed.envelope, f)?);
    set(&out, "receipt", &parse_own_json(&sealed.receipt.to_json())?);
    set(&out, "payload", &text(sealed.payload)?);
    Ok(out.into())
}

fn sealed(
    policy: &crate::policy::Policy,
    bytes: &[u8],
    to: &[crate::keys::PublicKey],
    o: &SealOptions<'_>,
) -> JsResult<api::Sealed> {
    #[cfg(feature = "test-hooks")]
    if let Some(r) =
        super::testing::with_rng(|rng| api::minimise_and_seal_with_rng(policy, bytes, to, o, rng))
    {
        return js(r);
    }
    js(api::minimise_and_seal(policy, bytes, to, o))
}

#[cfg(feature = "wasm-receiver")]
fn open_and_verify_impl(
    envelope: JsValue,
    private_key: JsValue,
    policy: Option<&Policy>,
    options: JsValue,
) -> JsResult<JsValue> {
    let known: Vec<&str> = OPEN_LIMITS
        .iter()
        .chain(&["maxBytes", "maxDepth", "policy"])
        .copied()
        .collect();
    let opts = input::options(&options, "options", &known)?;
    // `policy` is the JS entry's: it resolves it into the `policy` argument.
    let ro = ReceiveOptions {
        open: open_options(opts.as_ref())?,
        policy: policy.map(|p| &p.inner),
        minimise: minimise_options(opts.as_ref())?,
    };
    let env = envelope_in(&envelope, &ro.open.limits)?;
    let sk = secret_key(&private_key)?;
    let r = js(api::open_and_verify(&env, &sk, &ro))?;
    let out = Object::new();
    set(&out, "payload", &text(r.payload)?);
    set(&out, "header", &header_out(env.header_bytes())?);
    set(
        &out,
        "signature",
        &signature_out(r.signature.as_ref(), &ro.open.signers)?,
    );
    let v = match &r.verification {
        Some(v) => verification_out(v),
        None => JsValue::NULL,
    };
    set(&out, "verification", &v);
    Ok(out.into())
}

#[cfg(feature = "wasm-receiver")]
/// Opens, checks the signature, then verifies against the built-in policy the header names.
#[wasm_bindgen(js_name = openAndVerify)]
pub fn open_and_verify(
    envelope: JsValue,
    private_key: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    open_and_verify_impl(envelope, private_key, None, options)
}

#[cfg(feature = "wasm-receiver")]
/// [`open_and_verify`] against `policy` (its reference must equal the header's; the JS entry
/// resolves `options.policy`).
#[wasm_bindgen(js_name = openAndVerifyWith)]
pub fn open_and_verify_with(
    envelope: JsValue,
    private_key: JsValue,
    policy: &Policy,
    options: JsValue,
) -> JsResult<JsValue> {
    open_and_verify_impl(envelope, private_key, Some(policy), options)
}

#[cfg(feature = "wasm-receiver")]
/// The evidence document of a signed envelope (docs/FORMAT.md, "Proof"): opens it as
/// `openAndVerify` does (same options), then exports the canonical header, the payload and the
/// signature as one RFC 8785 JSON text (`signature_missing` if the envelope is unsigned).
#[wasm_bindgen(js_name = exportProof)]
pub fn export_proof(envelope: JsValue, private_key: JsValue, options: JsValue) -> JsResult<String> {
    let opts = input::options(&options, "options", OPEN_LIMITS)?;
    let ro = ReceiveOptions {
        open: open_options(opts.as_ref())?,
        ..ReceiveOptions::default()
    };
    let env = envelope_in(&envelope, &ro.open.limits)?;
    let sk = secret_key(&private_key)?;
    let opened = js(crate::seal::open(&env, &sk, &ro.open))?;
    js(crate::proof::export(
        &opened.header,
        &opened.payload,
        opened.signature.as_ref(),
    ))
}

#[cfg(feature = "wasm-receiver")]
/// Checks a proof against trusted signing keys: `{ payload, header, signature }`.
#[wasm_bindgen(js_name = verifyProof)]
pub fn verify_proof(proof: JsValue, signers: JsValue) -> JsResult<JsValue> {
    let doc = input::json_text(&proof, "proof")?;
    let trusted = super::sign::trusted(&signers)?;
    let v = js(crate::proof::verify(&doc, &trusted))?;
    let out = Object::new();
    set(&out, "payload", &text(v.payload)?);
    let header = js(v.header.canonical_bytes())?;
    set(
        &out,
        "header",
        &parse_own_json(&String::from_utf8_lossy(&header))?,
    );
    set(
        &out,
        "signature",
        &signature_out(Some(&v.signature), &trusted)?,
    );
    Ok(out.into())
}
