//! The register of authorities on the receiving side (the full entry only, Cargo feature
//! `wasm-receiver`): `MemoryReplayStore`, opening with a register, and signing a register or an
//! acknowledgement.

use super::error::{at, invalid_argument, js, JsResult};
use super::input::{self, json_bytes, set};
use super::policy::{verification_out, Policy};
use super::register::Registers;
use super::seal::{envelope_in, header_out, limits, payload_out, OPEN_LIMITS};
use super::sign::{signature_out, signing_key};
use crate::register::{self, Acceptance, Ack, FoundKey, Outcome};
use js_sys::Object;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;

/// The message ids a receiver has accepted, in memory (`replayed` for a second one); keep one
/// per receiving key across calls of `openAndVerify`.
#[wasm_bindgen(js_name = MemoryReplayStore)]
pub struct ReplayStore {
    inner: register::MemoryReplayStore,
}

#[wasm_bindgen(js_class = MemoryReplayStore)]
impl ReplayStore {
    /// An empty store.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> ReplayStore {
        ReplayStore {
            inner: register::MemoryReplayStore::new(),
        }
    }

    /// How many message ids it holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.len() as f64
    }
}

/// The policies a receiver accepts, gathered by the JS entry for one call (not public API).
#[wasm_bindgen]
pub struct AcceptList {
    policies: Vec<crate::policy::Policy>,
}

#[wasm_bindgen]
impl AcceptList {
    /// An empty list.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> AcceptList {
        AcceptList {
            policies: Vec::new(),
        }
    }

    /// Adds a policy (a shared reference to its compiled form, not a copy).
    pub fn push(&mut self, policy: &Policy) {
        self.policies.push(policy.inner().clone());
    }
}

/// `openAndVerify` with a register (the JS entry passes `options.registers`, `.replay` and
/// `.accept` as arguments): `open_with_register`'s checks, then `{ payload, header,
/// headerSha256, verification, signature, signer }`.
#[wasm_bindgen(js_name = openWithRegister)]
pub fn open_with_register(
    envelope: JsValue,
    private_key: JsValue,
    registers: &Registers,
    replay: &mut ReplayStore,
    accept: &AcceptList,
    options: JsValue,
) -> JsResult<JsValue> {
    let known: Vec<&str> = OPEN_LIMITS
        .iter()
        .filter(|k| !matches!(**k, "signers" | "allowUnsigned"))
        .chain(&["registers", "replay", "accept"])
        .copied()
        .collect();
    let opts = input::options(&options, "options", &known)?;
    if accept.policies.is_empty() {
        return Err(invalid_argument(
            "option `accept` must name at least one policy",
        ));
    }
    let l = limits(opts.as_ref())?;
    let now = input::opt_uint(opts.as_ref(), "now", u64::MAX)?.unwrap_or_else(input::now_secs);
    let env = envelope_in(&envelope, &l)?;
    let sk = super::keys::secret_key(&private_key)?;
    let acceptance = Acceptance {
        registers: &registers.inner,
        policies: &accept.policies,
        now,
        limits: &l,
    };
    let a = js(register::open_with_register(
        &env,
        &sk,
        &acceptance,
        &mut replay.inner,
    ))?;
    let r = a.received;
    let out = Object::new();
    set(&out, "payload", &payload_out(r.payload, false)?);
    set(&out, "header", &header_out(env.header_bytes())?);
    // What an acknowledgement names the envelope by (`signAck`'s `headerSha256`).
    let header_sha256 = crate::hex::encode(&Sha256::digest(env.header_bytes()));
    set(&out, "headerSha256", &header_sha256.into());
    let v = r
        .verification
        .as_ref()
        .map_or(JsValue::NULL, verification_out);
    set(&out, "verification", &v);
    let kid = r
        .signature
        .as_ref()
        .map(|s| s.kid.clone())
        .unwrap_or_default();
    let key: Vec<_> = match registers.inner.find_kid(&kid) {
        Some((_, _, FoundKey::Signing(k))) => vec![k.key.clone()],
        _ => Vec::new(),
    };
    set(
        &out,
        "signature",
        &signature_out(r.signature.as_ref(), &key)?,
    );
    let signer = registers.signer_out(&a.register.0, &a.signer_id, &kid);
    // The role that let it send: the first of the policy's sender roles the signer holds.
    let senders = r.policy.as_ref().map(|p| p.senders()).unwrap_or(&[]);
    let role = senders
        .iter()
        .find(|s| a.signer_roles.contains(s))
        .map_or(JsValue::NULL, |s| s.as_str().into());
    set(&signer, "role", &role);
    set(&out, "signer", &signer);
    Ok(out.into())
}

/// Signs an acknowledgement (`{ messageId, headerSha256, payloadDigest?, receivedAt, outcome,
/// code? }`) with a private signing JWK: the signed document, as canonical JSON text.
#[wasm_bindgen(js_name = signAck)]
pub fn sign_ack(ack: JsValue, signing: JsValue) -> JsResult<String> {
    let what = "ack";
    let o = input::options(
        &ack,
        what,
        &[
            "messageId",
            "headerSha256",
            "payloadDigest",
            "receivedAt",
            "outcome",
            "code",
        ],
    )?
    .ok_or_else(|| invalid_argument("ack must be an object"))?;
    let req = |k: &str| -> JsResult<String> {
        input::opt_string(Some(&o), k)?
            .ok_or_else(|| invalid_argument(format!("ack.{k} is required")))
    };
    let received_at = input::member(Some(&o), "receivedAt")?
        .ok_or_else(|| invalid_argument("ack.receivedAt is required"))?;
    let outcome = match (
        req("outcome")?.as_str(),
        input::opt_string(Some(&o), "code")?,
    ) {
        ("accepted", None) => Outcome::Accepted,
        ("refused", Some(code)) => Outcome::Refused(code),
        _ => {
            return Err(invalid_argument(
                "ack.outcome is 'accepted' (no code) or 'refused' with a code",
            ))
        }
    };
    let a = Ack {
        message_id: req("messageId")?,
        header_sha256: req("headerSha256")?,
        payload_digest: input::opt_string(Some(&o), "payloadDigest")?,
        received_at: input::uint(&received_at, "ack.receivedAt", u64::MAX)?,
        outcome,
    };
    let key = signing_key(&signing, "signingKey")?;
    let doc = js(a.sign(&key))?;
    Ok(String::from_utf8_lossy(&doc).into_owned())
}

/// Signs a register document (the `register` object, or a signed document whose signatures are
/// replaced) with the operator's private signing JWK: the signed document, canonical JSON text.
#[wasm_bindgen(js_name = signRegister)]
pub fn sign_register(register_doc: JsValue, signing: JsValue) -> JsResult<String> {
    let bytes = json_bytes(&register_doc, "register")?;
    let key = signing_key(&signing, "signingKey")?;
    let doc = js(register::sign_register(&bytes, &key).map_err(|e| at("register", e)))?;
    Ok(String::from_utf8_lossy(&doc).into_owned())
}
