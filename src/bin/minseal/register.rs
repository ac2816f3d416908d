//! `register new|add|revoke|sign|verify|show|find` and `ack verify`: files in, files out; the
//! rules and the editing are `minseal::register`'s.

use crate::args::{
    AckVerifyArgs, RegisterAddArgs, RegisterEditIo, RegisterFindArgs, RegisterNewArgs,
    RegisterReadArgs, RegisterRevokeArgs, RegisterSignArgs, RegisterTrustArgs,
};
use crate::io::{prefix, pretty, read_file, read_text, report, write_file, write_line, Perm};
use crate::trust::load_signers;
use minseal::keys::PublicKey;
use minseal::register::{
    self, format_utc, Entry, FoundKey, HeadChange, KeyValidity, LoadOptions, NewEntry, NewKey,
    NewRegister, Register, RegisterSet,
};
use minseal::seal::{Envelope, EnvelopeLimits};
use minseal::sign::{SigningKey, VerifyingKey};
use minseal::{Error, ErrorCode, Result};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Seconds in a day.
const DAY: u64 = 86_400;

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Writes an unsigned or signed register, pretty-printed for the operator's review.
fn write_register(path: Option<&Path>, canonical: &[u8]) -> Result<ExitCode> {
    let v: Value = serde_json::from_slice(canonical)
        .map_err(|e| Error::new(ErrorCode::InvalidRegister, e.to_string()))?;
    let text = format!("{}\n", pretty(&v));
    match path {
        Some(p) => write_file(p, text.as_bytes(), Perm::Default)?,
        None => {
            write_line(pretty(&v).as_str())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn edited(io: &RegisterEditIo, bytes: &[u8]) -> Result<ExitCode> {
    write_register(Some(io.out.as_deref().unwrap_or(&io.register)), bytes)
}

pub fn new(a: &RegisterNewArgs) -> Result<ExitCode> {
    let issued_at = a.issued_at.unwrap_or_else(now);
    let doc = register::new_register(&NewRegister {
        register_id: &a.register_id,
        operator: &a.operator,
        serial: a.serial,
        issued_at,
        next_update: a.next_update.unwrap_or(issued_at + 30 * DAY),
    })?;
    write_register(a.out.as_deref(), &doc)
}

fn keys<K>(
    paths: &[PathBuf],
    from: u64,
    until: u64,
    parse: impl Fn(&str) -> Result<K>,
) -> Result<Vec<NewKey<K>>> {
    paths
        .iter()
        .map(|p| {
            let key = parse(&read_text(Some(p))?)
                .map_err(|e| prefix(e, &format!("{}: ", p.display())))?;
            Ok(NewKey {
                key,
                valid_from: from,
                valid_until: until,
            })
        })
        .collect()
}

pub fn add(a: &RegisterAddArgs) -> Result<ExitCode> {
    let from = a.valid_from.unwrap_or_else(now);
    let until = a.valid_until.unwrap_or(from + 365 * DAY);
    let entry = NewEntry {
        id: a.entry_id.clone(),
        party: a.party.clone(),
        name: a.name.clone(),
        contact: a.contact.clone(),
        roles: a.role.clone(),
        encryption_keys: keys(&a.enc, from, until, PublicKey::from_jwk)?,
        signing_keys: keys(&a.sig, from, until, VerifyingKey::from_jwk)?,
    };
    let doc = register::add_entry(&read_file(&a.io.register)?, &entry)?;
    edited(&a.io, &doc)
}

pub fn revoke(a: &RegisterRevokeArgs) -> Result<ExitCode> {
    let doc = register::revoke_key(
        &read_file(&a.io.register)?,
        &a.kid,
        a.at.unwrap_or_else(now),
    )?;
    edited(&a.io, &doc)
}

pub fn sign(a: &RegisterSignArgs) -> Result<ExitCode> {
    let key = SigningKey::from_jwk(&read_text(Some(&a.key))?)
        .map_err(|e| prefix(e, &format!("{}: ", a.key.display())))?;
    let doc = register::update_head(
        &read_file(&a.io.register)?,
        &HeadChange {
            serial: a.serial,
            issued_at: a.issued_at,
            next_update: a.next_update,
        },
    )?;
    let signed = register::sign_register(&doc, &key)?;
    edited(&a.io, &signed)
}

fn load_options<'a>(t: &RegisterTrustArgs, operators: &'a [VerifyingKey]) -> LoadOptions<'a> {
    LoadOptions {
        operators,
        last_serial: t.last_serial,
        now: t.now.unwrap_or_else(now),
        allow_stale: t.allow_stale,
    }
}

/// Loads each register against the pinned operators and combines them.
pub fn load_set(
    paths: &[PathBuf],
    trust: &[PathBuf],
    last_serial: Option<u64>,
    allow_stale: bool,
    at: u64,
) -> Result<RegisterSet> {
    let operators = load_signers(trust)?;
    let opts = LoadOptions {
        operators: &operators,
        last_serial,
        now: at,
        allow_stale,
    };
    let mut registers = Vec::with_capacity(paths.len());
    for p in paths {
        registers.push(
            Register::load(&read_file(p)?, &opts)
                .map_err(|e| prefix(e, &format!("{}: ", p.display())))?,
        );
    }
    RegisterSet::new(registers)
}

fn load_one(path: &Path, t: &RegisterTrustArgs) -> Result<Register> {
    let operators = load_signers(&t.trust)?;
    Register::load(&read_file(path)?, &load_options(t, &operators))
        .map_err(|e| prefix(e, &format!("{}: ", path.display())))
}

fn summary(r: &Register) -> String {
    let keys: usize = r
        .entries()
        .iter()
        .map(|e| e.encryption_keys.len() + e.signing_keys.len())
        .sum();
    format!(
        "register {} serial {} by {}: {} entries, {} keys; issued {}, next update {}; signed by operator key {}",
        r.register_id(),
        r.serial(),
        r.operator(),
        r.entries().len(),
        keys,
        format_utc(r.issued_at()),
        format_utc(r.next_update()),
        r.signed_by()
    )
}

fn head_json(r: &Register) -> Value {
    json!({
        "register_id": r.register_id(),
        "operator": r.operator(),
        "serial": r.serial(),
        "issued_at": format_utc(r.issued_at()),
        "next_update": format_utc(r.next_update()),
        "signed_by": r.signed_by(),
        "sha256": minseal::hex::encode(r.digest()),
    })
}

pub fn verify(a: &RegisterReadArgs) -> Result<ExitCode> {
    let operators = load_signers(&a.trust.trust)?;
    let bytes = read_file(&a.register)?;
    let opts = load_options(&a.trust, &operators);
    let problems = Register::problems(&bytes, &opts);
    if problems.is_empty() {
        let r = Register::load(&bytes, &opts)?;
        if a.json {
            let mut v = head_json(&r);
            v["ok"] = json!(true);
            return write_line(&v.to_string());
        }
        return write_line(&format!("ok: {}", summary(&r)));
    }
    if a.json {
        let list: Vec<Value> = problems
            .iter()
            .map(|e| json!({"code": e.code().as_str(), "message": e.message(), "details": e.details()}))
            .collect();
        write_line(&json!({"ok": false, "problems": list}).to_string())?;
    }
    // Every problem on stderr, the last one through `main`, which sets the exit status.
    let (last, rest) = problems
        .split_last()
        .map_or((None, &[][..]), |(l, r)| (Some(l), r));
    for e in rest {
        report(e);
    }
    match last {
        Some(e) => Err(e.clone()),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn validity_text(v: &KeyValidity) -> String {
    let status = match v.revoked_at {
        Some(t) => format!("REVOKED at {}", format_utc(t)),
        None => "active".to_owned(),
    };
    format!(
        "{} .. {}, {status}",
        format_utc(v.valid_from),
        format_utc(v.valid_until)
    )
}

fn validity_json(v: &KeyValidity) -> Value {
    json!({
        "valid_from": format_utc(v.valid_from),
        "valid_until": format_utc(v.valid_until),
        "status": if v.revoked_at.is_some() { "revoked" } else { "active" },
        "revoked_at": v.revoked_at.map(format_utc),
    })
}

fn entry_json(e: &Entry) -> Value {
    json!({
        "id": e.id,
        "party": e.party,
        "name": e.name,
        "contact": e.contact.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "roles": e.roles,
        "encryption_keys": e.encryption_keys.iter().map(|k| {
            let mut v = validity_json(&k.validity);
            v["kid"] = json!(k.kid);
            v["alg"] = json!("X25519");
            v
        }).collect::<Vec<_>>(),
        "signing_keys": e.signing_keys.iter().map(|k| {
            let mut v = validity_json(&k.validity);
            v["kid"] = json!(k.kid);
            v["alg"] = json!(k.key.alg().as_str());
            v
        }).collect::<Vec<_>>(),
    })
}

fn entry_text(e: &Entry, out: &mut String) {
    out.push_str(&format!(
        "{}  {}  {}\n  roles    {}\n",
        e.id,
        e.party,
        e.name,
        e.roles.join(", ")
    ));
    for (k, v) in &e.contact {
        out.push_str(&format!("  {k:<8} {v}\n"));
    }
    for k in &e.encryption_keys {
        out.push_str(&format!(
            "  enc      {} X25519 {}\n",
            k.kid,
            validity_text(&k.validity)
        ));
    }
    for k in &e.signing_keys {
        out.push_str(&format!(
            "  sig      {} {} {}\n",
            k.kid,
            k.key.alg().as_str(),
            validity_text(&k.validity)
        ));
    }
}

pub fn show(a: &RegisterReadArgs) -> Result<ExitCode> {
    let r = load_one(&a.register, &a.trust)?;
    if a.json {
        let mut v = head_json(&r);
        v["entries"] = Value::Array(r.entries().iter().map(entry_json).collect());
        return write_line(&v.to_string());
    }
    let mut out = format!("{}\n", summary(&r));
    for (code, name) in r.party_codes() {
        out.push_str(&format!("party code {code}: {name}\n"));
    }
    for e in r.entries() {
        out.push('\n');
        entry_text(e, &mut out);
    }
    crate::io::write_output(None, out.as_bytes(), Perm::Default)
}

pub fn find(a: &RegisterFindArgs) -> Result<ExitCode> {
    let r = load_one(&a.register, &a.trust)?;
    let found: Vec<(&Entry, Option<String>)> = match (&a.kid, &a.party, &a.role) {
        (Some(kid), _, _) => match r.find_kid(kid) {
            Some((e, FoundKey::Encryption(_))) => vec![(e, Some("encryption".to_owned()))],
            Some((e, FoundKey::Signing(_))) => vec![(e, Some("signing".to_owned()))],
            None => vec![],
        },
        (None, Some(party), Some(role)) => r.find(party, role).map(|e| (e, None)).collect(),
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "give --kid, or --party and --role",
            ))
        }
    };
    if a.json {
        let list: Vec<Value> = found
            .iter()
            .map(|(e, use_)| {
                let mut v = entry_json(e);
                if let Some(u) = use_ {
                    v["found_key"] = json!({"kid": a.kid, "use": u});
                }
                v
            })
            .collect();
        write_line(&Value::Array(list).to_string())?;
    } else {
        let mut out = String::new();
        for (e, _) in &found {
            entry_text(e, &mut out);
        }
        crate::io::write_output(None, out.as_bytes(), Perm::Default)?;
    }
    if found.is_empty() {
        let what = match (&a.kid, &a.party, &a.role) {
            (Some(kid), _, _) => format!("no key with kid {kid} is in the register"),
            (_, Some(p), Some(role)) => format!("no {role} of Party {p} is in the register"),
            _ => String::new(),
        };
        return Err(Error::new(ErrorCode::UnknownRecipient, what));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn ack_verify(a: &AckVerifyArgs) -> Result<ExitCode> {
    let registers = load_set(
        &a.register,
        &a.trust.trust,
        a.trust.last_serial,
        a.trust.allow_stale,
        a.trust.now.unwrap_or_else(now),
    )?;
    let envelope =
        Envelope::from_either_with_limits(&read_file(&a.envelope)?, &EnvelopeLimits::default())?;
    let receipt_digest = match &a.receipt {
        Some(p) => Some(receipt_payload_digest(p)?),
        None => None,
    };
    let v = register::verify_ack_for(
        &read_file(&a.ack)?,
        &registers,
        &envelope,
        receipt_digest.as_deref(),
    )?;
    let (outcome, code) = match &v.ack.outcome {
        register::Outcome::Accepted => ("accepted", None),
        register::Outcome::Refused(c) => ("refused", Some(c.clone())),
    };
    if a.json {
        let out = json!({
            "signer": {"id": v.signer_id, "party": v.signer_party, "kid": v.signer_kid},
            "message_id": v.ack.message_id,
            "header_sha256": v.ack.header_sha256,
            "payload_digest": v.ack.payload_digest,
            "received_at": format_utc(v.ack.received_at),
            "outcome": outcome,
            "code": code,
        });
        return write_line(&out.to_string());
    }
    let name = registers
        .find_kid(&v.signer_kid)
        .map_or(String::new(), |(_, e, _)| format!(" {},", e.name));
    let code = code.map_or(String::new(), |c| format!(" ({c})"));
    write_line(&format!(
        "acknowledged by {} ({},{} key {}): {outcome}{code}\nmessage_id {} received at {}{}",
        v.signer_id,
        v.signer_party,
        name,
        v.signer_kid,
        v.ack.message_id,
        format_utc(v.ack.received_at),
        if receipt_digest.is_some() {
            "; payload digest matches the receipt"
        } else {
            ""
        }
    ))
}

/// The keyed payload digest a bound receipt carries (`payload.hmac_sha256`).
fn receipt_payload_digest(path: &Path) -> Result<String> {
    let v: Value = serde_json::from_slice(&read_file(path)?).map_err(|e| {
        Error::new(
            ErrorCode::InvalidArgument,
            format!("{}: {e}", path.display()),
        )
    })?;
    v["payload"]["hmac_sha256"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!(
                    "{}: not a receipt bound to an envelope (no payload.hmac_sha256)",
                    path.display()
                ),
            )
        })
}
