//! Reading a register document into [`Register`] entries: every member checked, every problem
//! collected, so one `invalid_register` error lists them all.

use super::time::parse_utc;
use super::{Entry, KeyValidity, RegisteredKey, ROLES};
use crate::json::{Object, Value};
use crate::keys::PublicKey;
use crate::sign::VerifyingKey;

/// Most entries one register may hold.
pub(crate) const MAX_ENTRIES: usize = 100_000;
/// Most keys (of each use) one entry may hold.
pub(crate) const MAX_KEYS_PER_ENTRY: usize = 64;
/// Longest string member (names, contacts, ids), in bytes.
const MAX_STRING: usize = 1024;

/// The register's header members.
#[derive(Clone, Debug)]
pub(crate) struct Head {
    pub(crate) register_id: String,
    pub(crate) operator: String,
    pub(crate) serial: u64,
    pub(crate) issued_at: u64,
    pub(crate) next_update: u64,
    pub(crate) party_codes: Vec<(String, String)>,
}

/// Problems found while reading, each `path: what`.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<String>);

impl Problems {
    fn at(&mut self, path: &str, what: impl core::fmt::Display) {
        // A broken 100 000-entry register must not make a 100 000-line error.
        if self.0.len() < 200 {
            self.0.push(format!("{path}: {what}"));
        } else if self.0.len() == 200 {
            self.0.push("… further problems not listed".into());
        }
    }
}

fn only_members(o: &Object, allowed: &[&str], path: &str, p: &mut Problems) {
    for k in o.keys() {
        if !allowed.contains(&k) {
            p.at(path, format_args!("unknown member \"{k}\""));
        }
    }
}

fn string(o: &Object, name: &str, path: &str, required: bool, p: &mut Problems) -> Option<String> {
    match o.get(name) {
        None if required => {
            p.at(path, format_args!("missing member \"{name}\""));
            None
        }
        None => None,
        Some(Value::String(s)) if s.is_empty() => {
            p.at(&format!("{path}.{name}"), "must not be empty");
            None
        }
        Some(Value::String(s)) if s.len() > MAX_STRING => {
            p.at(
                &format!("{path}.{name}"),
                format_args!("longer than {MAX_STRING} bytes"),
            );
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            p.at(&format!("{path}.{name}"), "must be a string");
            None
        }
    }
}

fn instant(o: &Object, name: &str, path: &str, required: bool, p: &mut Problems) -> Option<u64> {
    let s = string(o, name, path, required, p)?;
    let t = parse_utc(&s);
    if t.is_none() {
        p.at(
            &format!("{path}.{name}"),
            "must be a UTC time written YYYY-MM-DDTHH:MM:SSZ",
        );
    }
    t
}

fn object<'a>(v: Option<&'a Value>, path: &str, p: &mut Problems) -> Option<&'a Object> {
    match v {
        Some(Value::Object(o)) => Some(o),
        Some(_) => {
            p.at(path, "must be an object");
            None
        }
        None => {
            p.at(path, "missing");
            None
        }
    }
}

fn array<'a>(v: Option<&'a Value>, path: &str, p: &mut Problems) -> Option<&'a [Value]> {
    match v {
        Some(Value::Array(a)) => Some(a),
        Some(_) => {
            p.at(path, "must be an array");
            None
        }
        None => {
            p.at(path, "missing");
            None
        }
    }
}

/// A Party code: ISO 3166-1 alpha-2 in form (two capital letters), or a code the document
/// defines in `party_codes`.
fn party_ok(code: &str, defined: &[(String, String)]) -> bool {
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
        || defined.iter().any(|(c, _)| c == code)
}

pub(crate) fn read_head(root: &Object, p: &mut Problems) -> Option<Head> {
    only_members(
        root,
        &[
            "minseal_register",
            "register_id",
            "operator",
            "serial",
            "issued_at",
            "next_update",
            "party_codes",
            "entries",
        ],
        "$",
        p,
    );
    match root.get("minseal_register") {
        Some(Value::Number(n)) if n == "1" => {}
        Some(_) => p.at(
            "$.minseal_register",
            "must be 1 (the only register format version)",
        ),
        None => p.at(
            "$",
            "missing member \"minseal_register\": not a minseal register",
        ),
    }
    let register_id = string(root, "register_id", "$", true, p);
    let operator = string(root, "operator", "$", true, p);
    let serial = match root.get("serial") {
        Some(v @ Value::Number(_)) => match v.as_u64() {
            Some(s) if (1..(1 << 53)).contains(&s) => Some(s),
            _ => {
                p.at("$.serial", "must be an integer from 1 to 2^53 - 1");
                None
            }
        },
        Some(_) => {
            p.at("$.serial", "must be an integer");
            None
        }
        None => {
            p.at("$", "missing member \"serial\"");
            None
        }
    };
    let issued_at = instant(root, "issued_at", "$", true, p);
    let next_update = instant(root, "next_update", "$", true, p);
    if let (Some(i), Some(n)) = (issued_at, next_update) {
        if n <= i {
            p.at("$.next_update", "must be later than issued_at");
        }
    }
    let mut party_codes = Vec::new();
    if let Some(v) = root.get("party_codes") {
        match v {
            Value::Object(o) => {
                for (code, name) in o.iter() {
                    let at = format!("$.party_codes.{code}");
                    let shape = !code.is_empty()
                        && code.len() <= 16
                        && code
                            .bytes()
                            .all(|b| b.is_ascii_uppercase() || b == b'-' || b.is_ascii_digit());
                    if !shape {
                        p.at(&at, "a code is 1 to 16 capital letters, digits or hyphens");
                    }
                    match name {
                        Value::String(s) if !s.is_empty() => {
                            party_codes.push((code.clone(), s.clone()))
                        }
                        _ => p.at(&at, "must name the Party or body (a non-empty string)"),
                    }
                }
            }
            _ => p.at("$.party_codes", "must be an object of code: name"),
        }
    }
    Some(Head {
        register_id: register_id?,
        operator: operator?,
        serial: serial?,
        issued_at: issued_at?,
        next_update: next_update?,
        party_codes,
    })
}

fn validity(o: &Object, path: &str, p: &mut Problems) -> Option<KeyValidity> {
    let from = instant(o, "valid_from", path, true, p);
    let until = instant(o, "valid_until", path, true, p);
    let revoked_at = match string(o, "status", path, true, p).as_deref() {
        Some("active") => {
            if o.contains_key("revoked_at") {
                p.at(path, "an active key has no \"revoked_at\"");
            }
            Some(None)
        }
        Some("revoked") => instant(o, "revoked_at", path, true, p).map(Some),
        Some(other) => {
            p.at(
                &format!("{path}.status"),
                format_args!("\"{other}\" is not a key status (active, revoked)"),
            );
            None
        }
        None => None,
    };
    let (from, until) = (from?, until?);
    if until <= from {
        p.at(
            &format!("{path}.valid_until"),
            "must be later than valid_from",
        );
    }
    Some(KeyValidity {
        valid_from: from,
        valid_until: until,
        revoked_at: revoked_at?,
    })
}

fn jwk_text(o: &Object, path: &str, p: &mut Problems) -> Option<String> {
    let jwk = object(o.get("jwk"), &format!("{path}.jwk"), p)?;
    if jwk.contains_key("d") {
        p.at(
            &format!("{path}.jwk"),
            "a register holds public keys only (this JWK has \"d\")",
        );
        return None;
    }
    match crate::jcs::canonicalize(&Value::Object(jwk.clone())) {
        Ok(bytes) => String::from_utf8(bytes).ok(),
        Err(e) => {
            p.at(&format!("{path}.jwk"), e.message());
            None
        }
    }
}

fn keys_of<T>(
    entry: &Object,
    member: &str,
    path: &str,
    p: &mut Problems,
    mut read: impl FnMut(&str, &str, &mut Problems) -> Option<(T, String)>,
) -> Vec<(T, String, KeyValidity)> {
    let at = format!("{path}.{member}");
    let mut out = Vec::new();
    let Some(items) = array(entry.get(member), &at, p) else {
        return out;
    };
    if items.len() > MAX_KEYS_PER_ENTRY {
        p.at(&at, format_args!("more than {MAX_KEYS_PER_ENTRY} keys"));
        return out;
    }
    for (i, item) in items.iter().enumerate() {
        let kat = format!("{at}[{i}]");
        let Some(o) = object(Some(item), &kat, p) else {
            continue;
        };
        only_members(
            o,
            &["jwk", "valid_from", "valid_until", "status", "revoked_at"],
            &kat,
            p,
        );
        let v = validity(o, &kat, p);
        let Some(text) = jwk_text(o, &kat, p) else {
            continue;
        };
        let Some((key, kid)) = read(&text, &kat, p) else {
            continue;
        };
        // A kid that is not the key's thumbprint would let a document name one key and carry
        // another.
        let stated = o
            .get("jwk")
            .and_then(|j| j.as_object())
            .and_then(|j| j.get("kid"));
        if let Some(stated) = stated {
            if stated.as_str() != Some(kid.as_str()) {
                p.at(
                    &format!("{kat}.jwk.kid"),
                    format_args!("is not the key's RFC 7638 thumbprint {kid}"),
                );
                continue;
            }
        }
        if let Some(v) = v {
            out.push((key, kid, v));
        }
    }
    out
}

pub(crate) fn read_entry(
    v: &Value,
    path: &str,
    party_codes: &[(String, String)],
    p: &mut Problems,
) -> Option<Entry> {
    let o = object(Some(v), path, p)?;
    only_members(
        o,
        &[
            "id",
            "party",
            "name",
            "contact",
            "roles",
            "encryption_keys",
            "signing_keys",
        ],
        path,
        p,
    );
    let id = string(o, "id", path, true, p);
    let party = string(o, "party", path, true, p);
    if let Some(code) = &party {
        if !party_ok(code, party_codes) {
            p.at(
                &format!("{path}.party"),
                format_args!("\"{code}\" is neither two capital letters (ISO 3166-1 alpha-2) nor a code in party_codes"),
            );
        }
    }
    let name = string(o, "name", path, true, p);
    let mut contact = Vec::new();
    if let Some(c) = object(o.get("contact"), &format!("{path}.contact"), p) {
        let cat = format!("{path}.contact");
        only_members(c, &["email", "phone", "postal_address", "url"], &cat, p);
        for channel in ["email", "phone", "postal_address", "url"] {
            if let Some(s) = string(c, channel, &cat, false, p) {
                contact.push((channel.to_string(), s));
            }
        }
        if contact.is_empty() {
            p.at(
                &cat,
                "needs at least one channel (email, phone, postal_address or url)",
            );
        }
    }
    let mut roles = Vec::new();
    if let Some(items) = array(o.get("roles"), &format!("{path}.roles"), p) {
        if items.is_empty() {
            p.at(&format!("{path}.roles"), "needs at least one role");
        }
        for (i, r) in items.iter().enumerate() {
            let at = format!("{path}.roles[{i}]");
            match r.as_str() {
                Some(s) if ROLES.contains(&s) => {
                    if roles.iter().any(|x: &String| x == s) {
                        p.at(&at, "repeats a role");
                    } else {
                        roles.push(s.to_string());
                    }
                }
                Some(s) => p.at(
                    &at,
                    format_args!("\"{s}\" is not a role ({})", ROLES.join(", ")),
                ),
                None => p.at(&at, "must be a string"),
            }
        }
    }
    let encryption_keys =
        keys_of(
            o,
            "encryption_keys",
            path,
            p,
            |text, at, p| match PublicKey::from_jwk(text) {
                Ok(k) => {
                    let kid = k.kid();
                    Some((k, kid))
                }
                Err(e) => {
                    p.at(&format!("{at}.jwk"), e.message());
                    None
                }
            },
        );
    let signing_keys =
        keys_of(
            o,
            "signing_keys",
            path,
            p,
            |text, at, p| match VerifyingKey::from_jwk(text) {
                Ok(k) => {
                    let kid = k.kid().to_string();
                    Some((k, kid))
                }
                Err(e) => {
                    p.at(&format!("{at}.jwk"), e.message());
                    None
                }
            },
        );
    Some(Entry {
        id: id?,
        party: party?,
        name: name?,
        contact,
        roles,
        encryption_keys: encryption_keys
            .into_iter()
            .map(|(key, kid, validity)| RegisteredKey { key, kid, validity })
            .collect(),
        signing_keys: signing_keys
            .into_iter()
            .map(|(key, kid, validity)| RegisteredKey { key, kid, validity })
            .collect(),
    })
}
