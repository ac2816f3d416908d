//! The register of authorities (docs/TRUST.md), as a sender uses it: `Registers` (one or several
//! signed registers, loaded and checked by the core), lookups, and verifying an acknowledgement.
//! Opening with a register and signing are the receiver's (`register_open.rs`).

use super::error::{at, invalid_argument, js, JsResult};
use super::input::{self, json_bytes, parse_own_json, set, string};
use super::sign::trusted;
use crate::json;
use crate::register::{
    self, Ack, Entry, FoundKey, LoadOptions, Outcome, Recipient, Register, RegisterSet,
};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// One or several verified registers used together; lookups by kid and by Party and role.
#[wasm_bindgen]
pub struct Registers {
    pub(super) inner: RegisterSet,
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

/// JSON text for a lookup's result, parsed once by the JS engine: one string crosses per lookup
/// instead of one per member (a found entry has about 45), which made the lookup's cost almost
/// all string crossings (docs/BENCHMARKS.md, "Register (wasm)").
struct JsonText(Vec<u8>);

impl JsonText {
    /// A comma unless the text is at the start of a value, an object or an array.
    fn sep(&mut self) {
        if !matches!(self.0.last(), None | Some(b'{' | b'[' | b':')) {
            self.0.push(b',');
        }
    }
    fn name(&mut self, k: &str) {
        self.sep();
        json::write_string(k, &mut self.0);
        self.0.push(b':');
    }
    fn str(&mut self, k: &str, v: &str) {
        self.name(k);
        json::write_string(v, &mut self.0);
    }
    fn num(&mut self, k: &str, v: u64) {
        self.name(k);
        self.0.extend_from_slice(v.to_string().as_bytes());
    }
    /// `v` is JSON text the core wrote (a JWK).
    fn raw(&mut self, k: &str, v: &str) {
        self.name(k);
        self.0.extend_from_slice(v.as_bytes());
    }
    /// Opens an object or array (`c`), as member `k` or as the next array element.
    fn begin(&mut self, k: Option<&str>, c: u8) {
        match k {
            Some(k) => self.name(k),
            None => self.sep(),
        }
        self.0.push(c);
    }
    fn end(&mut self, c: u8) {
        self.0.push(c);
    }
    fn parse(self) -> JsResult<JsValue> {
        // The writer above emits only valid UTF-8 (every piece is a `&str`).
        let text =
            String::from_utf8(self.0).map_err(|_| invalid_argument("internal: lookup text"))?;
        parse_own_json(&text)
    }
}

/// `RegisterKey`: `{ use, kid, jwk, validFrom, validUntil, revokedAt }`.
fn key_json(out: &mut JsonText, name: Option<&str>, k: FoundKey<'_>) {
    let (use_, kid, jwk, v) = match k {
        FoundKey::Encryption(k) => ("encryption", &k.kid, k.key.to_jwk(), &k.validity),
        FoundKey::Signing(k) => ("signing", &k.kid, k.key.to_jwk(), &k.validity),
    };
    out.begin(name, b'{');
    out.str("use", use_);
    out.str("kid", kid);
    out.raw("jwk", &jwk);
    out.num("validFrom", v.valid_from);
    out.num("validUntil", v.valid_until);
    match v.revoked_at {
        Some(t) => out.num("revokedAt", t),
        None => out.raw("revokedAt", "null"),
    }
    out.end(b'}');
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// `RegisterEntry`: the entry with its keys, and the register it is in.
fn entry_json(out: &mut JsonText, name: Option<&str>, r: &Register, e: &Entry) {
    out.begin(name, b'{');
    out.str("id", &e.id);
    out.str("party", &e.party);
    out.str("name", &e.name);
    out.begin(Some("contact"), b'{');
    for (k, v) in &e.contact {
        out.str(k, v);
    }
    out.end(b'}');
    out.begin(Some("roles"), b'[');
    for role in &e.roles {
        out.sep();
        json::write_string(role, &mut out.0);
    }
    out.end(b']');
    out.begin(Some("encryptionKeys"), b'[');
    for k in &e.encryption_keys {
        key_json(out, None, FoundKey::Encryption(k));
    }
    out.end(b']');
    out.begin(Some("signingKeys"), b'[');
    for k in &e.signing_keys {
        key_json(out, None, FoundKey::Signing(k));
    }
    out.end(b']');
    out.str("registerId", r.register_id());
    out.num("serial", r.serial());
    out.end(b'}');
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
    pub(super) fn signer_out(&self, register_id: &str, id: &str, kid: &str) -> Object {
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
        let mut out = JsonText(Vec::new());
        out.begin(None, b'{');
        key_json(&mut out, Some("key"), k);
        entry_json(&mut out, Some("entry"), r, e);
        out.end(b'}');
        out.parse()
    }

    /// The entries of `party` holding `role`, across the registers, in document order.
    pub fn find(&self, party: JsValue, role: JsValue) -> JsResult<Array> {
        let party = string(&party).ok_or_else(|| invalid_argument("party must be a string"))?;
        let role = string(&role).ok_or_else(|| invalid_argument("role must be a string"))?;
        let mut out = JsonText(Vec::new());
        out.begin(None, b'[');
        for r in self.inner.registers() {
            for e in r.find(&party, &role) {
                entry_json(&mut out, None, r, e);
            }
        }
        out.end(b']');
        Ok(out.parse()?.unchecked_into())
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
