//! The register of designated authorities: a signed list of who may send what to whom, and
//! with which keys (docs/TRUST.md).
//!
//! A register operator (the Council of Europe's Secretary General, or a Party for its own
//! providers) signs a JSON document listing entities: their Party, roles, encryption keys (X25519,
//! to seal to them) and signing keys (ES256 or Ed25519, to check what they sign), each key with a
//! validity period and a status. [`Register::load`] checks the operator's signature against keys
//! the caller pins, refuses a serial lower than the last one seen (rollback) and a register past
//! its `next_update` (freeze) unless told otherwise, and indexes the entries so that a lookup by
//! kid, or by Party and role, is one hash probe. [`RegisterSet`] uses several registers together
//! (e.g. the Council of Europe's list of authorities and a Party's list of its providers).

mod accept;
mod ack;
mod edit;
mod model;
mod replay;
mod signed;
mod time;

pub use accept::{decide, open_with_register, Acceptance, Accepted, Decision};
pub use ack::{verify_ack, verify_ack_for, Ack, Outcome, VerifiedAck, ACK_SIGNATURE_LABEL};
pub use edit::{
    add_entry, check_unsigned, new_register, revoke_key, update_head, HeadChange, NewEntry, NewKey,
    NewRegister,
};
#[cfg(not(target_arch = "wasm32"))]
pub use replay::DirReplayStore;
pub use replay::{replayed, MemoryReplayStore, ReplayStore};
pub use signed::{sign_register, REGISTER_SIGNATURE_LABEL};
pub use time::{format_utc, parse_utc};

use crate::keys::PublicKey;
use crate::sign::VerifyingKey;
use crate::{Error, ErrorCode, Result};
use model::Problems;
use std::collections::HashMap;

pub use crate::policy::ROLES;

/// When a key may be used: from `valid_from` (inclusive) to `valid_until` (exclusive), Unix
/// seconds, unless revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyValidity {
    /// First second the key may be used.
    pub valid_from: u64,
    /// First second the key may no longer be used.
    pub valid_until: u64,
    /// When the key was revoked, if it was.
    pub revoked_at: Option<u64>,
}

impl KeyValidity {
    /// `key_revoked` if the key is revoked (whatever `at` is: the time an envelope claims is
    /// written by the holder of the key, so a thief could backdate it), `key_not_valid` if `at` is
    /// outside the validity period.
    pub fn check(&self, kid: &str, at: u64) -> Result<()> {
        if let Some(r) = self.revoked_at {
            return Err(Error::new(
                ErrorCode::KeyRevoked,
                format!("key {kid} was revoked at {}", time::format_utc(r)),
            ));
        }
        if at < self.valid_from || at >= self.valid_until {
            return Err(Error::new(
                ErrorCode::KeyNotValid,
                format!(
                    "key {kid} is valid from {} until {}, not at {}",
                    time::format_utc(self.valid_from),
                    time::format_utc(self.valid_until),
                    time::format_utc(at)
                ),
            ));
        }
        Ok(())
    }
}

/// A key in the register, with its kid (RFC 7638 thumbprint) and validity.
#[derive(Clone, Debug)]
pub struct RegisteredKey<K> {
    /// The key.
    pub key: K,
    /// Its RFC 7638 thumbprint.
    pub kid: String,
    /// When it may be used.
    pub validity: KeyValidity,
}

/// One entity in the register.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The entity's id, unique within its register.
    pub id: String,
    /// Its Party: ISO 3166-1 alpha-2, or a code the register defines.
    pub party: String,
    /// Its name.
    pub name: String,
    /// Contact channels (`email`, `phone`, `postal_address`, `url`), at least one.
    pub contact: Vec<(String, String)>,
    /// Its roles (see [`ROLES`]).
    pub roles: Vec<String>,
    /// X25519 keys to seal to it.
    pub encryption_keys: Vec<RegisteredKey<PublicKey>>,
    /// ES256 / Ed25519 keys that check what it signs.
    pub signing_keys: Vec<RegisteredKey<VerifyingKey>>,
}

impl Entry {
    /// Whether the entity holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// The encryption key to seal to at `at`: of the keys valid then and not revoked, the one
    /// whose validity began last (a new key takes over as soon as it is valid).
    pub fn current_encryption_key(&self, at: u64) -> Result<&RegisteredKey<PublicKey>> {
        self.encryption_keys
            .iter()
            .filter(|k| k.validity.check(&k.kid, at).is_ok())
            .max_by_key(|k| k.validity.valid_from)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::KeyNotValid,
                    format!(
                        "{} ({}) has no encryption key valid at {}",
                        self.id,
                        self.party,
                        time::format_utc(at)
                    ),
                )
            })
    }
}

/// What a key found by kid is for.
#[derive(Clone, Copy, Debug)]
pub enum FoundKey<'a> {
    /// An encryption key (X25519).
    Encryption(&'a RegisteredKey<PublicKey>),
    /// A signing key (ES256 / Ed25519).
    Signing(&'a RegisteredKey<VerifyingKey>),
}

/// What [`Register::load`] checks the document against.
#[derive(Clone, Debug)]
pub struct LoadOptions<'a> {
    /// The register operator's public keys the caller pins; the document must carry a valid
    /// signature by one of them.
    pub operators: &'a [VerifyingKey],
    /// The highest serial the caller has loaded before (kept where the downloaded document cannot
    /// overwrite it); a lower serial is `register_rollback`.
    pub last_serial: Option<u64>,
    /// The time now, in Unix seconds.
    pub now: u64,
    /// Accept a register past its `next_update` (the caller knows it cannot get a newer one and
    /// takes the risk of a frozen list).
    pub allow_stale: bool,
}

#[derive(Clone, Copy, Debug)]
enum KeyRef {
    Encryption(u32, u32),
    Signing(u32, u32),
}

/// A loaded, verified register.
#[derive(Clone, Debug)]
pub struct Register {
    head: model::Head,
    entries: Vec<Entry>,
    by_kid: HashMap<String, KeyRef>,
    by_party_role: HashMap<(String, String), Vec<u32>>,
    by_id: HashMap<String, u32>,
    digest: [u8; 32],
    signed_by: String,
}

impl Register {
    /// Loads a signed register document (`{"register": …, "signatures": […]}`): checks the
    /// operator's signature, then every member (all problems in one `invalid_register`), then
    /// rollback (`register_rollback`) and freshness (`register_stale`).
    pub fn load(document: &[u8], opts: &LoadOptions<'_>) -> Result<Register> {
        let verified = signed::verify(document, opts.operators)?;
        let (head, entries, (by_kid, by_party_role, by_id)) = read(&verified.register)?;
        if let Some(e) = freshness(&head, opts).into_iter().next() {
            return Err(e);
        }
        Ok(Register {
            head,
            entries,
            by_kid,
            by_party_role,
            by_id,
            digest: verified.digest,
            signed_by: verified.signed_by,
        })
    }

    /// Every reason `document` does not load, each with its code, in [`Register::load`]'s
    /// order; empty when it loads. A bad signature ends the list (nothing in an unsigned
    /// document is worth reading), as does `invalid_register` (it lists every structural problem
    /// in its details); rollback and staleness are both reported.
    pub fn problems(document: &[u8], opts: &LoadOptions<'_>) -> Vec<Error> {
        let verified = match signed::verify(document, opts.operators) {
            Ok(v) => v,
            Err(e) => return vec![e],
        };
        match read(&verified.register) {
            Ok((head, _, _)) => freshness(&head, opts),
            Err(e) => vec![e],
        }
    }

    /// The register's id (several registers used together have different ids).
    pub fn register_id(&self) -> &str {
        &self.head.register_id
    }

    /// Who operates and signs it.
    pub fn operator(&self) -> &str {
        &self.head.operator
    }

    /// The serial number; store the highest seen and pass it as [`LoadOptions::last_serial`].
    pub fn serial(&self) -> u64 {
        self.head.serial
    }

    /// When it was issued (Unix seconds).
    pub fn issued_at(&self) -> u64 {
        self.head.issued_at
    }

    /// When it is due to be replaced (Unix seconds).
    pub fn next_update(&self) -> u64 {
        self.head.next_update
    }

    /// SHA-256 of the signed canonical bytes: names this exact register version.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The kid of the operator key whose signature was checked.
    pub fn signed_by(&self) -> &str {
        &self.signed_by
    }

    /// Party codes the register defines beyond ISO 3166-1 alpha-2, with their names.
    pub fn party_codes(&self) -> &[(String, String)] {
        &self.head.party_codes
    }

    /// Every entry, in document order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i as usize])
    }

    /// The key with this kid and the entry holding it.
    pub fn find_kid(&self, kid: &str) -> Option<(&Entry, FoundKey<'_>)> {
        Some(match *self.by_kid.get(kid)? {
            KeyRef::Encryption(e, k) => {
                let entry = &self.entries[e as usize];
                (
                    entry,
                    FoundKey::Encryption(&entry.encryption_keys[k as usize]),
                )
            }
            KeyRef::Signing(e, k) => {
                let entry = &self.entries[e as usize];
                (entry, FoundKey::Signing(&entry.signing_keys[k as usize]))
            }
        })
    }

    /// The entries of `party` that hold `role`, in document order.
    pub fn find(&self, party: &str, role: &str) -> impl Iterator<Item = &Entry> + '_ {
        self.by_party_role
            .get(&(party.to_string(), role.to_string()))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.entries[i as usize])
    }
}

/// `register_rollback` for a serial below the last one seen, `register_stale` past
/// `next_update` unless allowed.
fn freshness(head: &model::Head, opts: &LoadOptions<'_>) -> Vec<Error> {
    let mut out = Vec::new();
    if let Some(last) = opts.last_serial {
        if head.serial < last {
            out.push(Error::new(
                ErrorCode::RegisterRollback,
                format!(
                    "register {} serial {} is older than serial {last}, already seen",
                    head.register_id, head.serial
                ),
            ));
        }
    }
    if opts.now >= head.next_update && !opts.allow_stale {
        out.push(Error::new(
            ErrorCode::RegisterStale,
            format!(
                "register {} serial {} was due to be replaced at {}",
                head.register_id,
                head.serial,
                time::format_utc(head.next_update)
            ),
        ));
    }
    out
}

/// Reads a register object: every member checked, every problem in one `invalid_register`.
fn read(register: &crate::json::Object) -> Result<(model::Head, Vec<Entry>, Indexes)> {
    let mut problems = Problems::default();
    let head = model::read_head(register, &mut problems);
    let mut entries = Vec::new();
    let no_codes = Vec::new();
    let party_codes = head.as_ref().map_or(&no_codes, |h| &h.party_codes);
    match register.get("entries") {
        None => problems.0.push("$: missing member \"entries\"".into()),
        Some(crate::json::Value::Array(items)) => {
            if items.len() > model::MAX_ENTRIES {
                problems.0.push(format!(
                    "$.entries: more than {} entries",
                    model::MAX_ENTRIES
                ));
            } else {
                entries.reserve(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("$.entries[{i}]");
                    if let Some(e) = model::read_entry(item, &at, party_codes, &mut problems) {
                        entries.push((at, e));
                    }
                }
            }
        }
        Some(_) => problems.0.push("$.entries: must be an array".into()),
    }
    let indexes = index(&entries, &mut problems);
    match head {
        Some(h) if problems.0.is_empty() => {
            Ok((h, entries.into_iter().map(|(_, e)| e).collect(), indexes))
        }
        _ => Err(Error::with_details(
            ErrorCode::InvalidRegister,
            format!("the register has {} problem(s)", problems.0.len().max(1)),
            problems.0,
        )),
    }
}

type Indexes = (
    HashMap<String, KeyRef>,
    HashMap<(String, String), Vec<u32>>,
    HashMap<String, u32>,
);

/// Builds the lookups, reporting duplicate kids and entry ids.
fn index(entries: &[(String, Entry)], problems: &mut Problems) -> Indexes {
    let keys: usize = entries
        .iter()
        .map(|(_, e)| e.encryption_keys.len() + e.signing_keys.len())
        .sum();
    let mut by_kid: HashMap<String, KeyRef> = HashMap::with_capacity(keys);
    let mut by_party_role: HashMap<(String, String), Vec<u32>> = HashMap::new();
    let mut by_id: HashMap<String, u32> = HashMap::with_capacity(entries.len());
    let mut first_at: HashMap<u32, &str> = HashMap::new();
    for (i, (at, e)) in entries.iter().enumerate() {
        let i = i as u32;
        first_at.insert(i, at);
        if let Some(&j) = by_id.get(&e.id) {
            problems.0.push(format!(
                "{at}.id: \"{}\" is also the id of {}",
                e.id, first_at[&j]
            ));
        } else {
            by_id.insert(e.id.clone(), i);
        }
        for role in &e.roles {
            by_party_role
                .entry((e.party.clone(), role.clone()))
                .or_default()
                .push(i);
        }
        let kids =
            e.encryption_keys
                .iter()
                .enumerate()
                .map(|(k, key)| {
                    (
                        &key.kid,
                        KeyRef::Encryption(i, k as u32),
                        "encryption_keys",
                        k,
                    )
                })
                .chain(
                    e.signing_keys.iter().enumerate().map(|(k, key)| {
                        (&key.kid, KeyRef::Signing(i, k as u32), "signing_keys", k)
                    }),
                );
        for (kid, r, member, k) in kids {
            match by_kid.get(kid) {
                Some(KeyRef::Encryption(j, _) | KeyRef::Signing(j, _)) => problems.0.push(format!(
                    "{at}.{member}[{k}]: kid {kid} is already in {}",
                    first_at[j]
                )),
                None => {
                    by_kid.insert(kid.clone(), r);
                }
            }
        }
    }
    (by_kid, by_party_role, by_id)
}

/// Several registers used together: a kid must not appear in two of them.
#[derive(Clone, Debug, Default)]
pub struct RegisterSet {
    registers: Vec<Register>,
}

/// Whom to seal to, resolved through the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// Every entry of this Party with this role.
    PartyRole {
        /// ISO 3166-1 alpha-2 or a register-defined code.
        party: String,
        /// One of [`ROLES`].
        role: String,
    },
    /// The entry holding the encryption key with this kid.
    Kid(String),
}

impl Recipient {
    /// `PARTY:ROLE` (e.g. `XB:service_provider`), or else a kid.
    pub fn parse(text: &str) -> Recipient {
        match text.split_once(':') {
            Some((party, role)) => Recipient::PartyRole {
                party: party.to_string(),
                role: role.to_string(),
            },
            None => Recipient::Kid(text.to_string()),
        }
    }
}

/// A signer found in the register and checked: its entry and its key.
#[derive(Clone, Copy, Debug)]
pub struct CheckedSigner<'a> {
    /// The register it was found in.
    pub register: &'a Register,
    /// The entry holding the key.
    pub entry: &'a Entry,
    /// The signing key.
    pub key: &'a RegisteredKey<VerifyingKey>,
}

impl RegisterSet {
    /// Combines registers; `invalid_register` if two hold the same register id or the same kid.
    pub fn new(registers: Vec<Register>) -> Result<Self> {
        let mut problems = Vec::new();
        for (i, r) in registers.iter().enumerate() {
            for earlier in &registers[..i] {
                if earlier.register_id() == r.register_id() {
                    problems.push(format!("register id {} appears twice", r.register_id()));
                }
            }
            for kid in r.by_kid.keys() {
                if let Some(earlier) = registers[..i].iter().find(|e| e.by_kid.contains_key(kid)) {
                    problems.push(format!(
                        "kid {kid} is in both {} and {}",
                        earlier.register_id(),
                        r.register_id()
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::with_details(
                ErrorCode::InvalidRegister,
                "the registers cannot be used together",
                problems,
            ));
        }
        Ok(Self { registers })
    }

    /// The registers, in the order given.
    pub fn registers(&self) -> &[Register] {
        &self.registers
    }

    /// The key with this kid, in whichever register holds it.
    pub fn find_kid(&self, kid: &str) -> Option<(&Register, &Entry, FoundKey<'_>)> {
        self.registers
            .iter()
            .find_map(|r| r.find_kid(kid).map(|(e, k)| (r, e, k)))
    }

    /// Entries of `party` with `role`, across the registers.
    pub fn find<'a>(
        &'a self,
        party: &'a str,
        role: &'a str,
    ) -> impl Iterator<Item = &'a Entry> + 'a {
        self.registers.iter().flat_map(move |r| r.find(party, role))
    }

    /// The current encryption keys of `recipients` at `at`, each of whose entries must hold
    /// `audience` (the policy's recipient role): `unknown_recipient` if none is found,
    /// `recipient_not_allowed` for the wrong role, `key_not_valid`/`key_revoked` for a key that
    /// may not be used.
    pub fn recipients(
        &self,
        recipients: &[Recipient],
        audience: &str,
        at: u64,
    ) -> Result<Vec<PublicKey>> {
        let mut out: Vec<PublicKey> = Vec::new();
        for r in recipients {
            match r {
                Recipient::PartyRole { party, role } => {
                    if role != audience {
                        return Err(Error::new(
                            ErrorCode::RecipientNotAllowed,
                            format!("the policy is for a {audience}, not a {role}"),
                        ));
                    }
                    let mut any = false;
                    for e in self.find(party, role) {
                        any = true;
                        let key = e.current_encryption_key(at)?.key.clone();
                        if !out.contains(&key) {
                            out.push(key);
                        }
                    }
                    if !any {
                        return Err(Error::new(
                            ErrorCode::UnknownRecipient,
                            format!("no {role} of Party {party} is in the register"),
                        ));
                    }
                }
                Recipient::Kid(kid) => {
                    let Some((_, e, FoundKey::Encryption(k))) = self.find_kid(kid) else {
                        return Err(Error::new(
                            ErrorCode::UnknownRecipient,
                            format!("no encryption key with kid {kid} is in the register"),
                        ));
                    };
                    if !e.has_role(audience) {
                        return Err(Error::new(
                            ErrorCode::RecipientNotAllowed,
                            format!(
                                "{} ({}) is not a {audience}, which the policy is for",
                                e.id, e.party
                            ),
                        ));
                    }
                    k.validity.check(kid, at)?;
                    if !out.contains(&k.key) {
                        out.push(k.key.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    /// Finds the signing key `kid` and checks that it may sign at `at` and that its entry holds
    /// one of `sender_roles` (a policy's senders): `unknown_signer`, `key_revoked`,
    /// `key_not_valid`, `signer_not_allowed`.
    pub fn check_signer(
        &self,
        kid: &str,
        at: u64,
        sender_roles: &[String],
    ) -> Result<CheckedSigner<'_>> {
        let Some((register, entry, FoundKey::Signing(key))) = self.find_kid(kid) else {
            return Err(Error::new(
                ErrorCode::UnknownSigner,
                format!("no signing key with kid {kid} is in the register"),
            ));
        };
        key.validity.check(kid, at)?;
        if !sender_roles.iter().any(|r| entry.has_role(r)) {
            return Err(Error::new(
                ErrorCode::SignerNotAllowed,
                format!(
                    "{} ({}, roles {}) may not send under this policy, which accepts {}",
                    entry.id,
                    entry.party,
                    entry.roles.join(", "),
                    if sender_roles.is_empty() {
                        "no sender role".to_string()
                    } else {
                        sender_roles.join(", ")
                    }
                ),
            ));
        }
        Ok(CheckedSigner {
            register,
            entry,
            key,
        })
    }
}
