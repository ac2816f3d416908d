//! The register of authorities (docs/TRUST.md): `Registers` (one or several signed registers,
//! loaded and checked by the core), `MemoryReplayStore`, opening with a register,
//! acknowledgements, and signing a register or an acknowledgement.

use super::error::{at, invalid_argument, js, JsResult};
use super::input::{self, json_bytes, parse_own_json, set, string};
use super::policy::{verification_out, Policy};
use super::seal::{envelope_in, header_out, limits, payload_out, OPEN_LIMITS};
use super::sign::{signature_out, signing_key, trusted};
use crate::register::{
    self, Acceptance, Ack, Entry, FoundKey, KeyValidity, LoadOptions, Outcome, Recipient, Register,
    RegisterSet,
};
use js_sys::{Array, Object};
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;

/// One or several verified registers used together; lookups by kid and by Party and role.
#[wasm_bindgen]
pub struct Registers {
    inner: RegisterSet,
}

/// One `RegisterSource` (`{ document, operators, lastSerial?, allowStale? }`) loaded at `now`.
fn load_one(source: &JsValue, now: u64, what: &str) -> JsResult<Register> {
    let opts = input::options(
        source,
        what,
        &["document", "operators", "lastSerial", "allowStale"],
    )?
    .ok_or_else(|| invalid_argument(format!("{what} must be an object")))?;
    let document = input::member(Some(&opts), "document")?
        .ok_or_else(|| invalid_argument(format!("{what}: `document` is required")))?;
    let operators = input::member(Some(&opts), "operators")?
        .ok_or_else(|| invalid_argument(format!("{what}: `operators` is required")))?;
    let operators = trusted(&operators)?;
    let last_serial = input::opt_uint(Some(&opts), "lastSerial", u64::MAX)?;
    let allow_stale = input::opt_bool(Some(&opts), "allowStale")?.unwrap_or(false);
    let bytes = json_bytes(&document, &format!("{what}.document"))?;
    let lo = LoadOptions {
        operators: &operators,
        last_serial,
        now,
        allow_stale,
    };
    js(Register::load(&bytes, &lo).map_err(|e| at(what, e)))
}

fn validity_out(o: &Object, v: &KeyValidity) {
    set(o, "validFrom", &(v.valid_from as f64).into());
    set(o, "validUntil", &(v.valid_until as f64).into());
    let revoked = v.revoked_at.map_or(JsValue::NULL, |t| (t as f64).into());
    set(o, "revokedAt", &revoked);
}

fn key_out(k: FoundKey<'_>) -> JsResult<JsValue> {
    let o = Object::new();
    match k {
        FoundKey::Encryption(k) => {
            set(&o, "use", &"encryption".into());
            set(&o, "kid", &k.kid.as_str().into());
            set(&o, "jwk", &parse_own_json(&k.key.to_jwk())?);
            validity_out(&o, &k.validity);
        }
        FoundKey::Signing(k) => {
            set(&o, "use", &"signing".into());
            set(&o, "kid", &k.kid.as_str().into());
            set(&o, "jwk", &parse_own_json(&k.key.to_jwk())?);
            validity_out(&o, &k.validity);
        }
    }
    Ok(o.into())
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// `RegisterEntry`: the entry with its keys, and the register it is in.
fn entry_out(r: &Register, e: &Entry) -> JsResult<JsValue> {
    let o = Object::new();
    set(&o, "id", &e.id.as_str().into());
    set(&o, "party", &e.party.as_str().into());
    set(&o, "name", &e.name.as_str().into());
    let contact = Object::new();
    for (k, v) in &e.contact {
        set(&contact, k, &v.as_str().into());
    }
    set(&o, "contact", &contact);
    set(&o, "roles", &strings(&e.roles));
    let enc = Array::new();
    for k in &e.encryption_keys {
        enc.push(&key_out(FoundKey::Encryption(k))?);
    }
    set(&o, "encryptionKeys", &enc);
    let sig = Array::new();
    for k in &e.signing_keys {
        sig.push(&key_out(FoundKey::Signing(k))?);
    }
    set(&o, "signingKeys", &sig);
    set(&o, "registerId", &r.register_id().into());
    set(&o, "serial", &(r.serial() as f64).into());
    Ok(o.into())
}

fn register_info(r: &Register) -> JsValue {
    let o = Object::new();
    set(&o, "registerId", &r.register_id().into());
    set(&o, "operator", &r.operator().into());
    set(&o, "serial", &(r.serial() as f64).into());
    set(&o, "issuedAt", &(r.issued_at() as f64).into());
    set(&o, "nextUpdate", &(r.next_update() as f64).into());
    set(&o, "digest", &crate::hex::encode(r.digest()).into());
    set(&o, "signedBy", &r.signed_by().into());
    o.into()
}

/// A `RecipientRef`: `{ party, role }` or `{ kid }`.
fn recipient_ref(v: &JsValue, what: &str) -> JsResult<Recipient> {
    let bad = || invalid_argument(format!("{what} must be {{ party, role }} or {{ kid }}"));
    let o = input::options(v, what, &["party", "role", "kid"]).map_err(|_| bad())?;
    let o = o.ok_or_else(bad)?;
    let get = |k: &str| -> JsResult<Option<String>> {
        input::member(Some(&o), k)?
            .map(|v| string(&v).ok_or_else(bad))
            .transpose()
    };
    match (get("party")?, get("role")?, get("kid")?) {
        (Some(party), Some(role), None) => Ok(Recipient::PartyRole { party, role }),
        (None, None, Some(kid)) => Ok(Recipient::Kid(kid)),
        _ => Err(bad()),
    }
}

impl Registers {
    /// The entry `id` of register `register_id` (the signer of an accepted envelope or ack).
    fn entry(&self, register_id: &str, id: &str) -> Option<(&Register, &Entry)> {
        let r = self
            .inner
            .registers()
            .iter()
            .find(|r| r.register_id() == register_id)?;
        Some((r, r.entry(id)?))
    }

    /// `Signer`: `{ id, name, party, roles, kid, registerId, serial }` of entry `id`.
    fn signer_out(&self, register_id: &str, id: &str, kid: &str) -> Object {
        let o = Object::new();
        if let Some((r, e)) = self.entry(register_id, id) {
            set(&o, "id", &e.id.as_str().into());
            set(&o, "name", &e.name.as_str().into());
            set(&o, "party", &e.party.as_str().into());
            set(&o, "roles", &strings(&e.roles));
            set(&o, "kid", &kid.into());
            set(&o, "registerId", &r.register_id().into());
            set(&o, "serial", &(r.serial() as f64).into());
        }
        o
    }
}

#[wasm_bindgen]
impl Registers {
    /// Loads one `RegisterSource` or an array of them (`options.now`: Unix seconds, default the
    /// JS clock). Every register must load (each problem in `details` of its error) and the set
    /// must hold no register id or kid twice (`invalid_register`).
    pub fn load(sources: JsValue, options: JsValue) -> JsResult<Registers> {
        let opts = input::options(&options, "options", &["now"])?;
        let now = input::opt_uint(opts.as_ref(), "now", u64::MAX)?.unwrap_or_else(input::now_secs);
        let mut loaded = Vec::new();
        if Array::is_array(&sources) {
            for (i, s) in Array::from(&sources).iter().enumerate() {
                let what = format!("registers[{i}]");
                loaded.push(load_one(&s, now, &what)?);
            }
        } else {
            loaded.push(load_one(&sources, now, "register")?);
        }
        if loaded.is_empty() {
            return Err(invalid_argument("at least one register is needed"));
        }
        Ok(Registers {
            inner: js(RegisterSet::new(loaded))?,
        })
    }

    /// `RegisterInfo` of each register, in the order loaded: `{ registerId, operator, serial,
    /// issuedAt, nextUpdate, digest, signedBy }`.
    #[wasm_bindgen(getter)]
    pub fn registers(&self) -> Array {
        self.inner.registers().iter().map(register_info).collect()
    }

    /// The key with this kid and its entry: `{ key, entry }`, or `null`.
    #[wasm_bindgen(js_name = findKid)]
    pub fn find_kid(&self, kid: JsValue) -> JsResult<JsValue> {
        let kid = string(&kid).ok_or_else(|| invalid_argument("kid must be a string"))?;
        let Some((r, e, k)) = self.inner.find_kid(&kid) else {
            return Ok(JsValue::NULL);
        };
        let o = Object::new();
        set(&o, "key", &key_out(k)?);
        set(&o, "entry", &entry_out(r, e)?);
        Ok(o.into())
    }

    /// The entries of `party` holding `role`, across the registers, in document order.
    pub fn find(&self, party: JsValue, role: JsValue) -> JsResult<Array> {
        let party = string(&party).ok_or_else(|| invalid_argument("party must be a string"))?;
        let role = string(&role).ok_or_else(|| invalid_argument("role must be a string"))?;
        let out = Array::new();
        for r in self.inner.registers() {
            for e in r.find(&party, &role) {
                out.push(&entry_out(r, e)?);
            }
        }
        Ok(out)
    }

    /// The public JWKs to seal to for `recipients` (a `RecipientRef` or an array of them) under
    /// a policy for `audience`, at `at` (Unix seconds): the core's checks of role, validity and
    /// revocation (`recipient_not_allowed`, `unknown_recipient`, `key_revoked`, `key_not_valid`).
    #[wasm_bindgen(js_name = recipientKeys)]
    pub fn recipient_keys(
        &self,
        recipients: JsValue,
        audience: JsValue,
        at: JsValue,
    ) -> JsResult<Array> {
        let audience =
            string(&audience).ok_or_else(|| invalid_argument("audience must be a string"))?;
        let at = input::uint(&at, "createdAt", u64::MAX)?;
        let refs = if Array::is_array(&recipients) {
            let mut v = Vec::new();
            for (i, r) in Array::from(&recipients).iter().enumerate() {
                v.push(recipient_ref(&r, &format!("recipients[{i}]"))?);
            }
            v
        } else {
            vec![recipient_ref(&recipients, "recipients")?]
        };
        if refs.is_empty() {
            return Err(invalid_argument(
                "recipients must name at least one recipient",
            ));
        }
        let keys = js(self.inner.recipients(&refs, &audience, at))?;
        let out = Array::new();
        for k in keys {
            out.push(&parse_own_json(&k.to_jwk())?);
        }
        Ok(out)
    }
}

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
    set(&out, "header", &header_out(&env)?);
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

/// The `expected` argument of `verifyAck`: `{ messageId, recipientKids }`.
fn ack_expected(v: &JsValue) -> JsResult<(String, Vec<String>)> {
    let o = input::options(v, "expected", &["messageId", "recipientKids"])?
        .ok_or_else(|| invalid_argument("expected must be { messageId, recipientKids }"))?;
    let message_id = input::opt_string(Some(&o), "messageId")?
        .ok_or_else(|| invalid_argument("expected.messageId is required"))?;
    let kids = input::member(Some(&o), "recipientKids")?
        .filter(Array::is_array)
        .ok_or_else(|| invalid_argument("expected.recipientKids must be an array of kids"))?;
    let mut out = Vec::new();
    for k in Array::from(&kids).iter() {
        out.push(string(&k).ok_or_else(|| {
            invalid_argument("expected.recipientKids must be an array of strings")
        })?);
    }
    Ok((message_id, out))
}

fn ack_out(ack: &Ack) -> Object {
    let o = Object::new();
    set(&o, "messageId", &ack.message_id.as_str().into());
    set(&o, "headerSha256", &ack.header_sha256.as_str().into());
    let d = ack
        .payload_digest
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    set(&o, "payloadDigest", &d);
    set(&o, "receivedAt", &(ack.received_at as f64).into());
    match &ack.outcome {
        Outcome::Accepted => {
            set(&o, "outcome", &"accepted".into());
            set(&o, "code", &JsValue::NULL);
        }
        Outcome::Refused(code) => {
            set(&o, "outcome", &"refused".into());
            set(&o, "code", &code.as_str().into());
        }
    }
    o
}

/// Verifies a signed acknowledgement against the registers: `{ messageId, headerSha256,
/// payloadDigest, receivedAt, outcome, code, signer }`.
#[wasm_bindgen(js_name = verifyAck)]
pub fn verify_ack(ack: JsValue, registers: &Registers, expected: JsValue) -> JsResult<JsValue> {
    let doc = json_bytes(&ack, "ack")?;
    let (message_id, kids) = ack_expected(&expected)?;
    let v = js(register::verify_ack(
        &doc,
        &registers.inner,
        &message_id,
        &kids,
    ))?;
    let out = ack_out(&v.ack);
    let register_id = registers
        .inner
        .find_kid(&v.signer_kid)
        .map(|(r, _, _)| r.register_id().to_string())
        .unwrap_or_default();
    set(
        &out,
        "signer",
        &registers.signer_out(&register_id, &v.signer_id, &v.signer_kid),
    );
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
