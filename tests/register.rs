//! The register of designated authorities: loading (signature, rollback, freshness, every
//! structural problem at once), lookups, sealing and signer checks, acknowledgements.

use minseal::keys::SecretKey;
use minseal::register::{
    sign_register, verify_ack, Ack, FoundKey, LoadOptions, MemoryReplayStore, Outcome, Recipient,
    Register, RegisterSet, ReplayStore,
};
use minseal::sign::{SignatureAlg, Signer, SigningKey, VerifyingKey};
use minseal::ErrorCode;
use serde_json::{json, Value};

const T0: u64 = 1_796_284_800; // 2026-12-03T08:00:00Z
const YEAR_START: &str = "2026-01-01T00:00:00Z";
const YEAR_END: &str = "2027-01-01T00:00:00Z";

struct Authority {
    enc: SecretKey,
    sig: SigningKey,
}

impl Authority {
    fn new(alg: SignatureAlg) -> Self {
        Authority {
            enc: SecretKey::generate().unwrap(),
            sig: SigningKey::generate(alg).unwrap(),
        }
    }

    fn entry(&self, id: &str, party: &str, roles: &[&str]) -> Value {
        json!({
            "id": id,
            "party": party,
            "name": format!("{id} name"),
            "contact": {"email": format!("{id}@example.org")},
            "roles": roles,
            "encryption_keys": [key(&self.enc.public_key().to_jwk(), "active")],
            "signing_keys": [key(&self.sig.verifying_key().to_jwk(), "active")],
        })
    }
}

fn key(jwk: &str, status: &str) -> Value {
    let mut k = json!({
        "jwk": serde_json::from_str::<Value>(jwk).unwrap(),
        "valid_from": YEAR_START,
        "valid_until": YEAR_END,
        "status": status,
    });
    if status == "revoked" {
        k["revoked_at"] = json!("2026-06-01T00:00:00Z");
    }
    k
}

fn register(serial: u64, entries: Vec<Value>) -> Value {
    json!({
        "minseal_register": 1,
        "register_id": "test-register",
        "operator": "Test operator",
        "serial": serial,
        "issued_at": "2026-12-01T00:00:00Z",
        "next_update": "2026-12-31T00:00:00Z",
        "entries": entries,
    })
}

fn signed(operator: &SigningKey, reg: &Value) -> Vec<u8> {
    sign_register(reg.to_string().as_bytes(), operator).unwrap()
}

fn opts(operators: &[VerifyingKey]) -> LoadOptions<'_> {
    LoadOptions {
        operators,
        last_serial: None,
        now: T0,
        allow_stale: false,
    }
}

fn operator() -> SigningKey {
    SigningKey::generate(SignatureAlg::Ed25519).unwrap()
}

fn load(operator: &SigningKey, reg: &Value) -> minseal::Result<Register> {
    let pinned = [operator.verifying_key().clone()];
    Register::load(&signed(operator, reg), &opts(&pinned))
}

#[test]
fn loads_and_finds_by_kid_and_by_party_and_role() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Es256);
    let b = Authority::new(SignatureAlg::Ed25519);
    let reg = register(
        3,
        vec![
            a.entry("xa-pg", "XA", &["competent_authority"]),
            b.entry("xb-isp", "XB", &["service_provider"]),
        ],
    );
    let r = load(&op, &reg).unwrap();
    assert_eq!(r.serial(), 3);
    assert_eq!(r.signed_by(), op.verifying_key().kid());
    assert_eq!(r.entries().len(), 2);
    let (entry, found) = r.find_kid(a.sig.verifying_key().kid()).unwrap();
    assert_eq!(entry.id, "xa-pg");
    assert!(matches!(found, FoundKey::Signing(_)));
    let (entry, found) = r.find_kid(&b.enc.public_key().kid()).unwrap();
    assert_eq!(entry.id, "xb-isp");
    assert!(matches!(found, FoundKey::Encryption(_)));
    assert_eq!(r.find("XB", "service_provider").count(), 1);
    assert_eq!(r.find("XB", "competent_authority").count(), 0);
    assert!(r.find_kid("no-such-kid").is_none());
}

#[test]
fn whitespace_and_member_order_do_not_change_the_signed_bytes() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let reg = register(1, vec![a.entry("xa-pg", "XA", &["competent_authority"])]);
    let doc: Value = serde_json::from_slice(&signed(&op, &reg)).unwrap();
    let pretty = serde_json::to_vec_pretty(&doc).unwrap();
    let pinned = [op.verifying_key().clone()];
    assert!(Register::load(&pretty, &opts(&pinned)).is_ok());
}

#[test]
fn refuses_an_altered_register() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let reg = register(1, vec![a.entry("xa-pg", "XA", &["competent_authority"])]);
    let mut doc: Value = serde_json::from_slice(&signed(&op, &reg)).unwrap();
    doc["register"]["entries"][0]["roles"] = json!(["central_authority"]);
    let pinned = [op.verifying_key().clone()];
    let e = Register::load(doc.to_string().as_bytes(), &opts(&pinned)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureInvalid, "{e}");
}

#[test]
fn refuses_a_register_signed_by_an_unpinned_operator() {
    let op = operator();
    let other = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let reg = register(1, vec![a.entry("xa-pg", "XA", &["competent_authority"])]);
    let pinned = [other.verifying_key().clone()];
    let e = Register::load(&signed(&op, &reg), &opts(&pinned)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownSigner, "{e}");
}

#[test]
fn an_es256_operator_signs_and_is_checked_with_its_own_algorithm() {
    let op = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let a = Authority::new(SignatureAlg::Ed25519);
    let reg = register(1, vec![a.entry("xa-pg", "XA", &["competent_authority"])]);
    assert!(load(&op, &reg).is_ok());
}

#[test]
fn refuses_rollback_and_accepts_the_same_or_a_newer_serial() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let doc = signed(
        &op,
        &register(4, vec![a.entry("xa-pg", "XA", &["competent_authority"])]),
    );
    let pinned = [op.verifying_key().clone()];
    for (last, ok) in [
        (Some(3), true),
        (Some(4), true),
        (Some(5), false),
        (None, true),
    ] {
        let o = LoadOptions {
            last_serial: last,
            ..opts(&pinned)
        };
        match Register::load(&doc, &o) {
            Ok(_) => assert!(ok, "{last:?}"),
            Err(e) => {
                assert!(!ok, "{last:?}: {e}");
                assert_eq!(e.code(), ErrorCode::RegisterRollback);
            }
        }
    }
}

#[test]
fn refuses_a_stale_register_unless_allowed() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let doc = signed(
        &op,
        &register(1, vec![a.entry("xa-pg", "XA", &["competent_authority"])]),
    );
    let pinned = [op.verifying_key().clone()];
    let late = LoadOptions {
        now: T0 + 40 * 86_400,
        ..opts(&pinned)
    };
    let e = Register::load(&doc, &late).unwrap_err();
    assert_eq!(e.code(), ErrorCode::RegisterStale, "{e}");
    let allowed = LoadOptions {
        allow_stale: true,
        ..late
    };
    assert!(Register::load(&doc, &allowed).is_ok());
}

#[test]
fn refuses_duplicate_kids_and_ids() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let mut second = a.entry("xa-pg", "XA", &["central_authority"]);
    second["signing_keys"] = json!([]);
    let e = load(
        &op,
        &register(
            1,
            vec![a.entry("xa-pg", "XA", &["competent_authority"]), second],
        ),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);
    let details = e.details().join("\n");
    assert!(
        details.contains("is also the id of $.entries[0]"),
        "{details}"
    );
    assert!(
        details.contains(&format!(
            "kid {} is already in $.entries[0]",
            a.enc.public_key().kid()
        )),
        "{details}"
    );
}

#[test]
fn reports_every_structural_problem_at_once() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let mut bad = a.entry("xa-pg", "Xa", &["competent_authority", "judge"]);
    bad["contact"] = json!({});
    bad["extra"] = json!(1);
    bad["signing_keys"][0]["status"] = json!("suspended");
    bad["encryption_keys"][0]["valid_until"] = json!("2025-01-01T00:00:00Z");
    let mut reg = register(1, vec![bad]);
    reg["next_update"] = json!("2026-12-31 00:00:00");
    let e = load(&op, &reg).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);
    let d = e.details().join("\n");
    for expected in [
        "$.next_update: must be a UTC time",
        "$.entries[0]: unknown member \"extra\"",
        "$.entries[0].party: \"Xa\"",
        "$.entries[0].contact: needs at least one channel",
        "$.entries[0].roles[1]: \"judge\" is not a role",
        "$.entries[0].signing_keys[0].status: \"suspended\"",
        "$.entries[0].encryption_keys[0].valid_until: must be later than valid_from",
    ] {
        assert!(d.contains(expected), "missing {expected:?} in\n{d}");
    }
}

#[test]
fn refuses_private_keys_and_wrong_kids_in_the_register() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let mut e1 = a.entry("xa-pg", "XA", &["competent_authority"]);
    e1["signing_keys"][0]["jwk"] = serde_json::from_str(&a.sig.to_jwk()).unwrap();
    let e = load(&op, &register(1, vec![e1])).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);
    assert!(e.details().join("\n").contains("public keys only"), "{e:?}");

    let mut e2 = a.entry("xa-pg", "XA", &["competent_authority"]);
    e2["encryption_keys"][0]["jwk"]["kid"] = json!("not-the-thumbprint");
    let e = load(&op, &register(1, vec![e2])).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister, "{e:?}");
}

#[test]
fn signers_must_be_valid_unrevoked_and_allowed_by_the_policy() {
    let op = operator();
    let good = Authority::new(SignatureAlg::Es256);
    let revoked = Authority::new(SignatureAlg::Ed25519);
    let expired = Authority::new(SignatureAlg::Ed25519);
    let mut r_entry = revoked.entry("xa-old", "XA", &["competent_authority"]);
    r_entry["signing_keys"] = json!([key(&revoked.sig.verifying_key().to_jwk(), "revoked")]);
    let mut x_entry = expired.entry("xa-exp", "XA", &["competent_authority"]);
    x_entry["signing_keys"][0]["valid_until"] = json!("2026-06-01T00:00:00Z");
    let reg = register(
        1,
        vec![
            good.entry("xa-pg", "XA", &["competent_authority"]),
            r_entry,
            x_entry,
        ],
    );
    let set = RegisterSet::new(vec![load(&op, &reg).unwrap()]).unwrap();
    let senders = vec!["competent_authority".to_string()];

    let ok = set
        .check_signer(good.sig.verifying_key().kid(), T0, &senders)
        .unwrap();
    assert_eq!(ok.entry.id, "xa-pg");

    let code = |kid: &str, at: u64, senders: &[String]| {
        set.check_signer(kid, at, senders).unwrap_err().code()
    };
    assert_eq!(
        code(revoked.sig.verifying_key().kid(), T0, &senders),
        ErrorCode::KeyRevoked
    );
    // Backdating to before the revocation does not help: created_at is the signer's own claim.
    assert_eq!(
        code(
            revoked.sig.verifying_key().kid(),
            T0 - 300 * 86_400,
            &senders
        ),
        ErrorCode::KeyRevoked
    );
    assert_eq!(
        code(expired.sig.verifying_key().kid(), T0, &senders),
        ErrorCode::KeyNotValid
    );
    assert_eq!(code("unknown", T0, &senders), ErrorCode::UnknownSigner);
    // An encryption key's kid is not a signing key.
    assert_eq!(
        code(&good.enc.public_key().kid(), T0, &senders),
        ErrorCode::UnknownSigner
    );
    let only_poc = vec!["poc_24_7".to_string()];
    assert_eq!(
        code(good.sig.verifying_key().kid(), T0, &only_poc),
        ErrorCode::SignerNotAllowed
    );
}

#[test]
fn recipients_resolve_by_party_and_role_or_kid_and_must_be_the_audience() {
    let op = operator();
    let isp = Authority::new(SignatureAlg::Ed25519);
    let pg = Authority::new(SignatureAlg::Ed25519);
    let newer = SecretKey::generate().unwrap();
    let mut isp_entry = isp.entry("xb-isp", "XB", &["service_provider"]);
    let mut next = key(&newer.public_key().to_jwk(), "active");
    next["valid_from"] = json!("2026-11-01T00:00:00Z");
    isp_entry["encryption_keys"]
        .as_array_mut()
        .unwrap()
        .push(next);
    let reg = register(
        1,
        vec![isp_entry, pg.entry("xa-pg", "XA", &["competent_authority"])],
    );
    let set = RegisterSet::new(vec![load(&op, &reg).unwrap()]).unwrap();
    let by_role = Recipient::PartyRole {
        party: "XB".into(),
        role: "service_provider".into(),
    };
    // The key whose validity began last takes over.
    let keys = set
        .recipients(std::slice::from_ref(&by_role), "service_provider", T0)
        .unwrap();
    assert_eq!(keys, vec![newer.public_key().clone()]);
    // Before it was valid, the older key is used.
    let keys = set
        .recipients(
            std::slice::from_ref(&by_role),
            "service_provider",
            T0 - 60 * 86_400,
        )
        .unwrap();
    assert_eq!(keys, vec![isp.enc.public_key().clone()]);

    let e = set
        .recipients(&[by_role], "notified_authority", T0)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::RecipientNotAllowed);
    let by_kid = Recipient::Kid(pg.enc.public_key().kid());
    let e = set
        .recipients(&[by_kid], "service_provider", T0)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::RecipientNotAllowed);
    let nobody = Recipient::PartyRole {
        party: "XC".into(),
        role: "service_provider".into(),
    };
    let e = set
        .recipients(&[nobody], "service_provider", T0)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownRecipient);
    let e = set
        .recipients(
            &[Recipient::Kid(isp.enc.public_key().kid())],
            "service_provider",
            T0 + 40 * 86_400,
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyNotValid);
}

#[test]
fn registers_used_together_must_not_share_kids() {
    let op = operator();
    let a = Authority::new(SignatureAlg::Ed25519);
    let r1 = load(
        &op,
        &register(1, vec![a.entry("xa-pg", "XA", &["competent_authority"])]),
    )
    .unwrap();
    let mut reg2 = register(1, vec![a.entry("xa-pg2", "XA", &["competent_authority"])]);
    reg2["register_id"] = json!("another");
    let r2 = load(&op, &reg2).unwrap();
    let e = RegisterSet::new(vec![r1.clone(), r2]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRegister);

    let b = Authority::new(SignatureAlg::Ed25519);
    let mut reg3 = register(1, vec![b.entry("xb-isp", "XB", &["service_provider"])]);
    reg3["register_id"] = json!("xb-providers");
    let set = RegisterSet::new(vec![r1, load(&op, &reg3).unwrap()]).unwrap();
    assert_eq!(set.find("XB", "service_provider").count(), 1);
    assert!(set.find_kid(b.sig.verifying_key().kid()).is_some());
}

#[test]
fn acknowledgements_are_signed_by_a_recipient_and_checked() {
    let op = operator();
    let sender = Authority::new(SignatureAlg::Es256);
    let receiver = Authority::new(SignatureAlg::Ed25519);
    let reg = register(
        1,
        vec![
            sender.entry("xa-pg", "XA", &["competent_authority"]),
            receiver.entry("xb-isp", "XB", &["service_provider"]),
        ],
    );
    let set = RegisterSet::new(vec![load(&op, &reg).unwrap()]).unwrap();
    let ack = Ack {
        message_id: "bWVzc2FnZS1pZC0xMjM0NQ".into(),
        header_sha256: "00".repeat(32),
        payload_digest: Some("11".repeat(32)),
        received_at: T0,
        outcome: Outcome::Accepted,
    };
    let recipients = vec![receiver.enc.public_key().kid()];
    let doc = ack.sign(&receiver.sig).unwrap();
    let v = verify_ack(&doc, &set, &ack.message_id, &recipients).unwrap();
    assert_eq!(v.ack, ack);
    assert_eq!(v.signer_id, "xb-isp");

    let refused = Ack {
        outcome: Outcome::Refused("signer_not_allowed".into()),
        payload_digest: None,
        ..ack.clone()
    };
    let v = verify_ack(
        &refused.sign(&receiver.sig).unwrap(),
        &set,
        &ack.message_id,
        &recipients,
    )
    .unwrap();
    assert_eq!(v.ack.outcome, Outcome::Refused("signer_not_allowed".into()));

    // Signed by someone who was not a recipient of the envelope.
    let by_sender = ack.sign(&sender.sig).unwrap();
    let e = verify_ack(&by_sender, &set, &ack.message_id, &recipients).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignerNotAllowed);

    // Altered after signing.
    let mut v: Value = serde_json::from_slice(&doc).unwrap();
    v["ack"]["outcome"] = json!("refused");
    v["ack"]["code"] = json!("replayed");
    let e = verify_ack(v.to_string().as_bytes(), &set, &ack.message_id, &recipients).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignatureInvalid);

    // For another message.
    let e = verify_ack(&doc, &set, "another-message", &recipients).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);

    // By a key not in the register.
    let stranger = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let e = verify_ack(
        &ack.sign(&stranger).unwrap(),
        &set,
        &ack.message_id,
        &recipients,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownSigner);
    assert_eq!(stranger.alg(), SignatureAlg::Ed25519);
}

#[test]
fn the_replay_store_refuses_a_second_message_id() {
    let mut store = MemoryReplayStore::new();
    store.check_and_record("a").unwrap();
    store.check_and_record("b").unwrap();
    assert_eq!(
        store.check_and_record("a").unwrap_err().code(),
        ErrorCode::Replayed
    );
    assert_eq!(store.len(), 2);
}

// ---- Opening with a register: the receiver's acceptance rules ----

mod accept {
    use super::*;
    use minseal::register::{open_with_register, Acceptance};
    use minseal::seal::EnvelopeLimits;
    use minseal::{minimise_and_seal, Policy, SealOptions, SealParams};

    const ORDER: &[u8] = include_bytes!("fixtures/2ap-art7-order/input.json");

    struct World {
        op: SigningKey,
        sender: Authority,
        isp: Authority,
        other_isp: Authority,
        set: RegisterSet,
    }

    fn world() -> World {
        let op = operator();
        let sender = Authority::new(SignatureAlg::Es256);
        let isp = Authority::new(SignatureAlg::Ed25519);
        let other_isp = Authority::new(SignatureAlg::Ed25519);
        let reg = register(
            1,
            vec![
                sender.entry("xa-pg", "XA", &["competent_authority"]),
                isp.entry("xb-isp", "XB", &["service_provider"]),
                other_isp.entry("xb-isp2", "XB", &["service_provider"]),
            ],
        );
        let set = RegisterSet::new(vec![load(&op, &reg).unwrap()]).unwrap();
        World {
            op,
            sender,
            isp,
            other_isp,
            set,
        }
    }

    fn seal_to(
        w: &World,
        signer: Option<&SigningKey>,
        to: &Authority,
        params: SealParams,
    ) -> minseal::Envelope {
        let policy = Policy::builtin("2ap/art7-order").unwrap();
        let keys = w
            .set
            .recipients(
                &[Recipient::Kid(to.enc.public_key().kid())],
                policy.audience(),
                T0,
            )
            .unwrap();
        let mut opts = SealOptions::new(params);
        if let Some(s) = signer {
            opts = opts.signed_by(s);
        }
        minimise_and_seal(&policy, ORDER, &keys, &opts)
            .unwrap()
            .envelope
    }

    fn accept(
        w: &World,
        env: &minseal::Envelope,
        key: &SecretKey,
        policies: &[Policy],
        replay: &mut MemoryReplayStore,
    ) -> minseal::Result<minseal::register::Accepted> {
        let limits = EnvelopeLimits::default();
        let a = Acceptance {
            registers: &w.set,
            policies,
            now: T0,
            limits: &limits,
        };
        open_with_register(env, key, &a, replay)
    }

    fn art7() -> Vec<Policy> {
        vec![Policy::builtin("2ap/art7-order").unwrap()]
    }

    #[test]
    fn accepts_a_signed_order_from_a_competent_authority_once() {
        let w = world();
        let env = seal_to(&w, Some(&w.sender.sig), &w.isp, SealParams::new(T0));
        let mut replay = MemoryReplayStore::new();
        let ok = accept(&w, &env, &w.isp.enc, &art7(), &mut replay).unwrap();
        assert_eq!(ok.signer_id, "xa-pg");
        assert_eq!(ok.signer_party, "XA");
        assert_eq!(ok.register, ("test-register".to_string(), 1));
        assert!(ok.received.signature.as_ref().unwrap().verified);
        assert!(ok.received.verification.as_ref().unwrap().conforms);
        let e = accept(&w, &env, &w.isp.enc, &art7(), &mut replay).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Replayed);
        assert_eq!(w.op.alg(), SignatureAlg::Ed25519);
    }

    #[test]
    fn refuses_what_the_rules_do_not_allow() {
        let w = world();
        let mut replay = MemoryReplayStore::new();
        let code = |env: &minseal::Envelope,
                    key: &SecretKey,
                    policies: &[Policy],
                    replay: &mut MemoryReplayStore| {
            accept(&w, env, key, policies, replay).unwrap_err().code()
        };
        // The receiver's kid is not in the header.
        let to_isp = seal_to(&w, Some(&w.sender.sig), &w.isp, SealParams::new(T0));
        assert_eq!(
            code(&to_isp, &w.other_isp.enc, &art7(), &mut replay),
            ErrorCode::NoMatchingRecipient
        );
        // A policy this receiver does not accept.
        let notified = vec![Policy::builtin("2ap/art7-order-notified").unwrap()];
        assert_eq!(
            code(&to_isp, &w.isp.enc, &notified, &mut replay),
            ErrorCode::PolicyNotAccepted
        );
        // Unsigned.
        let unsigned = seal_to(&w, None, &w.isp, SealParams::new(T0));
        assert_eq!(
            code(&unsigned, &w.isp.enc, &art7(), &mut replay),
            ErrorCode::SignatureMissing
        );
        // Signed by a provider, whose role may not send orders.
        let by_isp = seal_to(&w, Some(&w.other_isp.sig), &w.isp, SealParams::new(T0));
        assert_eq!(
            code(&by_isp, &w.isp.enc, &art7(), &mut replay),
            ErrorCode::SignerNotAllowed
        );
        // Signed by a key that is not in the register.
        let stranger = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
        let by_stranger = seal_to(&w, Some(&stranger), &w.isp, SealParams::new(T0));
        assert_eq!(
            code(&by_stranger, &w.isp.enc, &art7(), &mut replay),
            ErrorCode::UnknownSigner
        );
        // Expired.
        let expired = seal_to(
            &w,
            Some(&w.sender.sig),
            &w.isp,
            SealParams::new(T0 - 7200).with_expiry(T0 - 3600),
        );
        assert_eq!(
            code(&expired, &w.isp.enc, &art7(), &mut replay),
            ErrorCode::Expired
        );
        // created_at outside the signing key's validity.
        let early = seal_to(
            &w,
            Some(&w.sender.sig),
            &w.isp,
            SealParams::new(T0 - 400 * 86_400),
        );
        assert_eq!(
            code(&early, &w.isp.enc, &art7(), &mut replay),
            ErrorCode::KeyNotValid
        );
        // None of the refusals used up the message id of the good envelope.
        assert!(replay.is_empty());
        assert!(accept(&w, &to_isp, &w.isp.enc, &art7(), &mut replay).is_ok());
    }

    #[test]
    fn refuses_a_signer_whose_key_was_revoked() {
        let op = operator();
        let sender = Authority::new(SignatureAlg::Ed25519);
        let isp = Authority::new(SignatureAlg::Ed25519);
        let mut sender_entry = sender.entry("xa-pg", "XA", &["competent_authority"]);
        sender_entry["signing_keys"] =
            json!([key(&sender.sig.verifying_key().to_jwk(), "revoked")]);
        let reg = register(
            2,
            vec![
                sender_entry,
                isp.entry("xb-isp", "XB", &["service_provider"]),
            ],
        );
        let set = RegisterSet::new(vec![load(&op, &reg).unwrap()]).unwrap();
        let policy = Policy::builtin("2ap/art7-order").unwrap();
        let opts = SealOptions::new(SealParams::new(T0 - 300 * 86_400)).signed_by(&sender.sig);
        let env = minimise_and_seal(&policy, ORDER, &[isp.enc.public_key().clone()], &opts)
            .unwrap()
            .envelope;
        let limits = EnvelopeLimits::default();
        let policies = [policy];
        let a = Acceptance {
            registers: &set,
            policies: &policies,
            now: T0,
            limits: &limits,
        };
        let e = open_with_register(&env, &isp.enc, &a, &mut MemoryReplayStore::new()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyRevoked);
    }
}
