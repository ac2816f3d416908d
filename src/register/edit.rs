//! Writing a register: a new empty one, an entry added, a key revoked, a new version's serial
//! and dates. The operator's tools (the CLI's `minseal register …`) call these; every function
//! takes the unsigned `register` object (or a signed document, whose signatures an edit makes
//! void and which are dropped) and returns the unsigned register in RFC 8785 canonical form,
//! checked with the loader's own rules, so an edit never yields a document that
//! [`Register::load`](super::Register::load) would refuse as `invalid_register`.

use super::time::format_utc;
use crate::json::{Object, Value};
use crate::keys::PublicKey;
use crate::sign::VerifyingKey;
use crate::{Error, ErrorCode, Result};

/// The head of a new register.
#[derive(Clone, Debug)]
pub struct NewRegister<'a> {
    /// The register's id (registers used together have different ids).
    pub register_id: &'a str,
    /// Who operates and signs it.
    pub operator: &'a str,
    /// The first serial (usually 1).
    pub serial: u64,
    /// When it is issued, Unix seconds.
    pub issued_at: u64,
    /// When it is due to be replaced, Unix seconds.
    pub next_update: u64,
}

/// A key to publish in an entry, valid from `valid_from` (inclusive) until `valid_until`
/// (exclusive), Unix seconds; status `active`.
#[derive(Clone, Debug)]
pub struct NewKey<K> {
    /// The public key.
    pub key: K,
    /// First second it may be used.
    pub valid_from: u64,
    /// First second it may no longer be used.
    pub valid_until: u64,
}

/// An entry to add.
#[derive(Clone, Debug)]
pub struct NewEntry {
    /// Unique within the register.
    pub id: String,
    /// ISO 3166-1 alpha-2, or a code in the register's `party_codes`.
    pub party: String,
    /// The entity's name.
    pub name: String,
    /// Contact channels: `email`, `phone`, `postal_address`, `url`.
    pub contact: Vec<(String, String)>,
    /// Roles (see [`ROLES`](super::ROLES)).
    pub roles: Vec<String>,
    /// X25519 keys to seal to it.
    pub encryption_keys: Vec<NewKey<PublicKey>>,
    /// ES256 / Ed25519 keys that check what it signs.
    pub signing_keys: Vec<NewKey<VerifyingKey>>,
}

/// A new version's head: each `Some` replaces the member.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeadChange {
    /// The new serial.
    pub serial: Option<u64>,
    /// The new `issued_at`, Unix seconds.
    pub issued_at: Option<u64>,
    /// The new `next_update`, Unix seconds.
    pub next_update: Option<u64>,
}

fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

fn time(secs: u64) -> Value {
    Value::String(format_utc(secs))
}

/// A new register with no entries.
pub fn new_register(head: &NewRegister<'_>) -> Result<Vec<u8>> {
    let register = Object::new(vec![
        ("minseal_register".into(), Value::from(1u64)),
        ("register_id".into(), text(head.register_id)),
        ("operator".into(), text(head.operator)),
        ("serial".into(), Value::from(head.serial)),
        ("issued_at".into(), time(head.issued_at)),
        ("next_update".into(), time(head.next_update)),
        ("entries".into(), Value::Array(Vec::new())),
    ]);
    finish(register)
}

/// The register with `entry` appended: `invalid_register` (every problem) if the result breaks
/// a rule, e.g. a duplicate entry id or kid, an unknown role or Party code.
pub fn add_entry(register: &[u8], entry: &NewEntry) -> Result<Vec<u8>> {
    let mut reg = unsigned(register)?;
    let key = |jwk: String, from: u64, until: u64| -> Result<Value> {
        Ok(Value::Object(Object::new(vec![
            ("jwk".into(), crate::json::value::parse(jwk.as_bytes())?),
            ("valid_from".into(), time(from)),
            ("valid_until".into(), time(until)),
            ("status".into(), text("active")),
        ])))
    };
    let encryption = entry
        .encryption_keys
        .iter()
        .map(|k| key(k.key.to_jwk(), k.valid_from, k.valid_until))
        .collect::<Result<Vec<_>>>()?;
    let signing = entry
        .signing_keys
        .iter()
        .map(|k| key(k.key.to_jwk(), k.valid_from, k.valid_until))
        .collect::<Result<Vec<_>>>()?;
    let value = Value::Object(Object::new(vec![
        ("id".into(), text(&entry.id)),
        ("party".into(), text(&entry.party)),
        ("name".into(), text(&entry.name)),
        (
            "contact".into(),
            Value::Object(Object::new(
                entry
                    .contact
                    .iter()
                    .map(|(k, v)| (k.clone(), text(v)))
                    .collect(),
            )),
        ),
        (
            "roles".into(),
            Value::Array(entry.roles.iter().map(|r| text(r)).collect()),
        ),
        ("encryption_keys".into(), Value::Array(encryption)),
        ("signing_keys".into(), Value::Array(signing)),
    ]));
    match reg.get_mut("entries") {
        Some(Value::Array(items)) => items.push(value),
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidRegister,
                "$.entries: must be an array",
            ))
        }
    }
    finish(reg)
}

/// The register with the key `kid` (encryption or signing) marked `revoked` at `revoked_at`
/// (Unix seconds). `invalid_argument` if no key has that kid or it is already revoked.
pub fn revoke_key(register: &[u8], kid: &str, revoked_at: u64) -> Result<Vec<u8>> {
    let mut reg = unsigned(register)?;
    let mut found = false;
    if let Some(Value::Array(entries)) = reg.get_mut("entries") {
        for entry in entries.iter_mut() {
            let Value::Object(entry) = entry else {
                continue;
            };
            for member in ["encryption_keys", "signing_keys"] {
                let Some(Value::Array(keys)) = entry.get_mut(member) else {
                    continue;
                };
                for key in keys.iter_mut() {
                    let Value::Object(key) = key else { continue };
                    if key_kid(key, member).as_deref() != Some(kid) {
                        continue;
                    }
                    if let Some(Value::String(at)) = key.get("revoked_at") {
                        return Err(Error::new(
                            ErrorCode::InvalidArgument,
                            format!("key {kid} is already revoked (at {at})"),
                        ));
                    }
                    key.insert("status", text("revoked"));
                    key.insert("revoked_at", time(revoked_at));
                    found = true;
                }
            }
        }
    }
    if !found {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("no key with kid {kid} is in the register"),
        ));
    }
    finish(reg)
}

/// The register with a new version's serial and dates.
pub fn update_head(register: &[u8], change: &HeadChange) -> Result<Vec<u8>> {
    let mut reg = unsigned(register)?;
    if let Some(s) = change.serial {
        reg.insert("serial", Value::from(s));
    }
    if let Some(t) = change.issued_at {
        reg.insert("issued_at", time(t));
    }
    if let Some(t) = change.next_update {
        reg.insert("next_update", time(t));
    }
    finish(reg)
}

/// Checks an unsigned register (or the `register` of a signed document, whose signature is not
/// checked) with the loader's rules: every problem in one `invalid_register`.
pub fn check_unsigned(register: &[u8]) -> Result<()> {
    super::read(&unsigned(register)?).map(|_| ())
}

/// The kid of a key in the document: its JWK's thumbprint, if the JWK reads.
fn key_kid(key: &Object, member: &str) -> Option<String> {
    let jwk = key.get("jwk")?;
    let text = String::from_utf8(crate::jcs::canonicalize(jwk).ok()?).ok()?;
    if member == "encryption_keys" {
        PublicKey::from_jwk(&text).ok().map(|k| k.kid())
    } else {
        VerifyingKey::from_jwk(&text)
            .ok()
            .map(|k| k.kid().to_string())
    }
}

/// The `register` object of an unsigned register or of a signed document.
fn unsigned(document: &[u8]) -> Result<Object> {
    match crate::json::value::parse(document)
        .map_err(|e| Error::new(ErrorCode::InvalidRegister, e.message().to_string()))?
    {
        Value::Object(mut o) => {
            if o.contains_key("signatures") {
                match o.remove("register") {
                    Some(Value::Object(inner)) => Ok(inner),
                    _ => Err(Error::new(
                        ErrorCode::InvalidRegister,
                        "member \"register\" must be an object",
                    )),
                }
            } else {
                Ok(o)
            }
        }
        _ => Err(Error::new(
            ErrorCode::InvalidRegister,
            "a register is a JSON object",
        )),
    }
}

/// Checks the edited register and writes it in canonical form.
fn finish(register: Object) -> Result<Vec<u8>> {
    super::read(&register)?;
    crate::jcs::canonicalize(&Value::Object(register))
}
