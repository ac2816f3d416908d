//! Writing a register (new, add, revoke, a new version's head), `Register::problems`, and the
//! acknowledgement's payload digest matched against the sender's receipt.

use minseal::keys::SecretKey;
use minseal::register::{
    add_entry, check_unsigned, decide, new_register, revoke_key, sign_register, update_head,
    verify_ack_for, Acceptance, HeadChange, LoadOptions, MemoryReplayStore, NewEntry, NewKey,
    NewRegister, Outcome, Recipient, Register, RegisterSet,
};
use minseal::seal::EnvelopeLimits;
use minseal::sign::{SignatureAlg, SigningKey, VerifyingKey};
use minseal::{minimise_and_seal, ErrorCode, Policy, SealOptions, SealParams};

const T0: u64 = 1_796_284_800; // 2026-12-03T08:00:00Z
const YEAR: u64 = 365 * 86_400;
const ORDER: &[u8] = include_bytes!("fixtures/2ap-art7-order/input.json");

struct Party {
    enc: SecretKey,
    sig: SigningKey,
}

impl Party {
    fn new() -> Self {
        Party {
            enc: SecretKey::generate().unwrap(),
            sig: SigningKey::generate(SignatureAlg::Ed25519).unwrap(),
        }
    }

    fn entry(&self, id: &str, party: &str, role: &str) -> NewEntry {
        NewEntry {
            id: id.into(),
            party: party.into(),
            name: format!("{id} name"),
            contact: vec![("email".into(), format!("{id}@example.org"))],
            roles: vec![role.into()],
            encryption_keys: vec![NewKey {
                key: self.enc.public_key().clone(),
                valid_from: T0 - 86_400,
                valid_until: T0 + YEAR,
            }],
            signing_keys: vec![NewKey {
                key: self.sig.verifying_key().clone(),
                valid_from: T0 - 86_400,
                valid_until: T0 + YEAR,
            }],
        }
    }
}

fn empty() -> Vec<u8> {
    new_register(&NewRegister {
        register_id: "demo",
        operator: "Demo operator",
        serial: 1,
        issued_at: T0 - 86_400,
        next_update: T0 + 30 * 86_400,
    })
    .unwrap()
}

fn load(doc: &[u8], op: &SigningKey, last: Option<u64>, now: u64) -> minseal::Result<Register> {
    let pinned: [VerifyingKey; 1] = [op.verifying_key().clone()];
    Register::load(
        doc,
        &LoadOptions {
            operators: &pinned,
            last_serial: last,
            now,
            allow_stale: false,
        },
    )
}

#[test]
fn a_written_register_signs_and_loads() {
    let op = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let (a, b) = (Party::new(), Party::new());
    let doc = add_entry(&empty(), &a.entry("xa-pg", "XA", "competent_authority")).unwrap();
    let doc = add_entry(&doc, &b.entry("xb-isp", "XB", "service_provider")).unwrap();
    check_unsigned(&doc).unwrap();
    let r = load(&sign_register(&doc, &op).unwrap(), &op, None, T0).unwrap();
    assert_eq!((r.register_id(), r.serial()), ("demo", 1));
    assert_eq!(r.entries().len(), 2);
    assert_eq!(
        r.find("XB", "service_provider").next().unwrap().id,
        "xb-isp"
    );
    // An edit of a signed document drops its now void signature and edits the register.
    let signed = sign_register(&doc, &op).unwrap();
    let revoked = revoke_key(&signed, a.sig.verifying_key().kid(), T0).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&revoked).unwrap();
    assert!(v.get("signatures").is_none());
    assert_eq!(v["entries"][0]["signing_keys"][0]["status"], "revoked");
    assert_eq!(
        v["entries"][0]["signing_keys"][0]["revoked_at"],
        "2026-12-03T08:00:00Z"
    );
    let next = update_head(
        &revoked,
        &HeadChange {
            serial: Some(2),
            ..HeadChange::default()
        },
    )
    .unwrap();
    let r2 = load(&sign_register(&next, &op).unwrap(), &op, Some(1), T0).unwrap();
    assert_eq!(r2.serial(), 2);
    let set = RegisterSet::new(vec![r2]).unwrap();
    let e = set
        .check_signer(
            a.sig.verifying_key().kid(),
            T0,
            &["competent_authority".into()],
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyRevoked);
}

#[test]
fn edits_that_break_a_rule_are_refused() {
    let a = Party::new();
    let doc = add_entry(&empty(), &a.entry("xa-pg", "XA", "competent_authority")).unwrap();
    // The same keys under another id: both kids are duplicates.
    let e = add_entry(&doc, &a.entry("xa-pg2", "XA", "competent_authority")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);
    assert_eq!(e.details().len(), 2, "{:?}", e.details());
    assert!(
        e.details()[0].contains("is already in $.entries[0]"),
        "{:?}",
        e.details()
    );
    // The same id; a role that does not exist; a malformed Party code.
    let b = Party::new();
    let e = add_entry(&doc, &b.entry("xa-pg", "XA", "competent_authority")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);
    let e = add_entry(&doc, &b.entry("xb", "XB", "judge")).unwrap_err();
    assert!(
        e.details().iter().any(|d| d.contains("is not a role")),
        "{:?}",
        e.details()
    );
    let e = add_entry(&doc, &b.entry("xb", "xb", "service_provider")).unwrap_err();
    assert!(
        e.details().iter().any(|d| d.contains(".party")),
        "{:?}",
        e.details()
    );
    // Revoking a kid that is not there, or twice.
    let e = revoke_key(&doc, "no-such-kid", T0).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let once = revoke_key(&doc, &a.enc.public_key().kid(), T0).unwrap();
    let e = revoke_key(&once, &a.enc.public_key().kid(), T0).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.message().contains("already revoked"), "{e}");
    // A head whose next_update is not after issued_at.
    let e = update_head(
        &doc,
        &HeadChange {
            next_update: Some(T0 - 2 * 86_400),
            ..HeadChange::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);
}

#[test]
fn problems_lists_rollback_and_staleness_together() {
    let op = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let signed = sign_register(&empty(), &op).unwrap();
    let pinned = [op.verifying_key().clone()];
    let opts = |last, now| LoadOptions {
        operators: &pinned,
        last_serial: last,
        now,
        allow_stale: false,
    };
    assert!(Register::problems(&signed, &opts(None, T0)).is_empty());
    let codes: Vec<_> = Register::problems(&signed, &opts(Some(5), T0 + YEAR))
        .iter()
        .map(|e| e.code())
        .collect();
    assert_eq!(
        codes,
        [ErrorCode::RegisterRollback, ErrorCode::RegisterStale]
    );
    let other = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let pinned_other = [other.verifying_key().clone()];
    let p = Register::problems(
        &signed,
        &LoadOptions {
            operators: &pinned_other,
            last_serial: Some(5),
            now: T0 + YEAR,
            allow_stale: false,
        },
    );
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].code(), ErrorCode::UnknownSigner);
}

#[test]
fn the_acknowledgement_names_the_payload_as_the_receipt_does() {
    let op = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let (sender, isp, stranger) = (Party::new(), Party::new(), Party::new());
    let doc = add_entry(
        &empty(),
        &sender.entry("xa-pg", "XA", "competent_authority"),
    )
    .unwrap();
    let doc = add_entry(&doc, &isp.entry("xb-isp", "XB", "service_provider")).unwrap();
    let doc = add_entry(&doc, &stranger.entry("xb-isp2", "XB", "service_provider")).unwrap();
    let set = RegisterSet::new(vec![load(
        &sign_register(&doc, &op).unwrap(),
        &op,
        None,
        T0,
    )
    .unwrap()])
    .unwrap();
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let to = set
        .recipients(
            &[Recipient::parse(&isp.enc.public_key().kid())],
            policy.audience(),
            T0,
        )
        .unwrap();
    let sealed = minimise_and_seal(
        &policy,
        ORDER,
        &to,
        &SealOptions::new(SealParams::new(T0)).signed_by(&sender.sig),
    )
    .unwrap();
    let receipt: serde_json::Value = serde_json::from_str(&sealed.receipt.to_json()).unwrap();
    let receipt_digest = receipt["payload"]["hmac_sha256"]
        .as_str()
        .unwrap()
        .to_owned();

    let limits = EnvelopeLimits::default();
    let policies = [policy.clone()];
    let acceptance = Acceptance {
        registers: &set,
        policies: &policies,
        now: T0,
        limits: &limits,
    };
    let mut replay = MemoryReplayStore::new();
    let d = decide(&sealed.envelope, &isp.enc, &acceptance, &mut replay);
    let accepted = d.result.unwrap();
    assert_eq!(
        minseal::hex::encode(&accepted.received.receipt_digest),
        receipt_digest
    );
    assert_eq!(
        d.ack.payload_digest.as_deref(),
        Some(receipt_digest.as_str())
    );
    assert_eq!(d.ack.outcome, Outcome::Accepted);
    assert_eq!(d.ack.received_at, T0);
    let ack = d.ack.sign(&isp.sig).unwrap();
    let v = verify_ack_for(&ack, &set, &sealed.envelope, Some(&receipt_digest)).unwrap();
    assert_eq!(v.signer_id, "xb-isp");

    // Another payload's digest, another envelope, a signer that is not a recipient.
    let e = verify_ack_for(&ack, &set, &sealed.envelope, Some(&"00".repeat(32))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let other = minimise_and_seal(
        &policy,
        ORDER,
        &to,
        &SealOptions::new(SealParams::new(T0)).signed_by(&sender.sig),
    )
    .unwrap();
    let e = verify_ack_for(&ack, &set, &other.envelope, None).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let forged = d.ack.sign(&stranger.sig).unwrap();
    let e = verify_ack_for(&forged, &set, &sealed.envelope, None).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignerNotAllowed);

    // A replay is refused after decryption: its acknowledgement names the payload too. An
    // envelope the receiver cannot open is refused before: no payload digest.
    let d = decide(&sealed.envelope, &isp.enc, &acceptance, &mut replay);
    assert_eq!(d.result.unwrap_err().code(), ErrorCode::Replayed);
    assert_eq!(d.ack.outcome, Outcome::Refused("replayed".into()));
    assert_eq!(
        d.ack.payload_digest.as_deref(),
        Some(receipt_digest.as_str())
    );
    let d = decide(&sealed.envelope, &stranger.enc, &acceptance, &mut replay);
    assert_eq!(d.result.unwrap_err().code(), ErrorCode::NoMatchingRecipient);
    assert_eq!(d.ack.payload_digest, None);
}
