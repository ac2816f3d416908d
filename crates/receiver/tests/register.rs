//! Register mode: the binary driven by a signed register of authorities, answering with signed
//! acknowledgements (accepted, signer not allowed, replay).

mod support;

use minseal::api::SealOptions;
use minseal::keys::SecretKey;
use minseal::register::{sign_register, verify_ack, LoadOptions, Outcome, Register, RegisterSet};
use minseal::seal::Envelope;
use minseal::sign::{SignatureAlg, SigningKey};
use serde_json::{json, Value};
use std::fs;
use std::process::Command;
use support::{p, params, post, sealed_with, tmpdir, Receiver, BIN, POLICY};

fn key(jwk: &str) -> Value {
    json!({
        "jwk": serde_json::from_str::<Value>(jwk).unwrap(),
        "valid_from": "2026-01-01T00:00:00Z",
        "valid_until": "2099-01-01T00:00:00Z",
        "status": "active",
    })
}

fn entry(id: &str, party: &str, roles: &[&str], enc: &SecretKey, sig: &SigningKey) -> Value {
    json!({
        "id": id,
        "party": party,
        "name": format!("{id} name"),
        "contact": {"email": format!("{id}@example.org")},
        "roles": roles,
        "encryption_keys": [key(&enc.public_key().to_jwk())],
        "signing_keys": [key(&sig.verifying_key().to_jwk())],
    })
}

#[test]
fn register_mode_acknowledges_accepts_and_refuses() {
    let dir = tmpdir("register");
    let operator = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    // The receiving provider: its encryption key opens, its signing key signs the acks.
    let provider = SecretKey::generate().unwrap();
    let provider_sig = SigningKey::generate(SignatureAlg::Es256).unwrap();
    // A competent authority (may send the order) and another provider (may not).
    let authority_enc = SecretKey::generate().unwrap();
    let authority_sig = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let other_enc = SecretKey::generate().unwrap();
    let other_sig = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let now = minseal_receiver::acceptor::now();
    let register = json!({
        "minseal_register": 1,
        "register_id": "test-register",
        "operator": "Test operator",
        "serial": 1,
        "issued_at": "2026-01-01T00:00:00Z",
        "next_update": "2099-01-01T00:00:00Z",
        "entries": [
            entry("prov-a", "AT", &["service_provider"], &provider, &provider_sig),
            entry("auth-b", "BE", &["competent_authority"], &authority_enc, &authority_sig),
            entry("prov-c", "BE", &["service_provider"], &other_enc, &other_sig),
        ],
    });
    let signed = sign_register(register.to_string().as_bytes(), &operator).unwrap();
    fs::write(dir.join("register.json"), &signed).unwrap();
    fs::write(dir.join("operator.jwk"), operator.verifying_key().to_jwk()).unwrap();
    fs::write(dir.join("ack.jwk"), provider_sig.to_jwk().as_bytes()).unwrap();
    fs::write(dir.join("provider.jwk"), provider.to_jwk().as_bytes()).unwrap();
    let server = Receiver::start_plain(
        Command::new(BIN),
        &dir.join("provider.jwk"),
        p(&dir.join("store")),
        &[
            "--register",
            p(&dir.join("register.json")),
            "--trust",
            p(&dir.join("operator.jwk")),
            "--accept",
            POLICY,
            "--sign-key",
            p(&dir.join("ack.jwk")),
        ],
    );
    // The sender's side: the same register, to check the acknowledgements.
    let ops = [operator.verifying_key().clone()];
    let set = RegisterSet::new(vec![Register::load(
        &signed,
        &LoadOptions {
            operators: &ops,
            last_serial: None,
            now,
            allow_stale: false,
        },
    )
    .unwrap()])
    .unwrap();
    let recipients = [provider.kid()];
    let check_ack = |body: &Value, message_id: &str| {
        let doc = serde_json::to_vec(&body["ack"]).unwrap();
        verify_ack(&doc, &set, message_id, &recipients).unwrap().ack
    };
    let id_of =
        |b: &[u8]| minseal_receiver::envelope_id(Envelope::from_binary(b).unwrap().header());

    // Signed by the competent authority: 202, with an ack the sender verifies.
    let good = sealed_with(
        &provider,
        0,
        &SealOptions::new(params()).signed_by(&authority_sig),
    );
    let (status, body) = post(server.port, "application/vnd.minseal", &good);
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["signer"]["id"], "auth-b");
    assert_eq!(body["signer"]["register"]["serial"], 1);
    let ack = check_ack(&body, &id_of(&good));
    assert_eq!(ack.outcome, Outcome::Accepted);
    let digest = ack
        .payload_digest
        .clone()
        .expect("an accepted ack names the payload");
    assert_eq!(digest.len(), 64);

    // The same bytes again: the idempotent 202.
    let (status, again) = post(server.port, "application/vnd.minseal", &good);
    assert_eq!(status, 202, "{again}");

    // The same message_id in other bytes (the JSON form): 409 replayed, acknowledged as such.
    let json = Envelope::from_binary(&good).unwrap().to_json();
    let (status, body) = post(server.port, "application/json", json.as_bytes());
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("replayed")),
        "{body}"
    );
    let replay_ack = check_ack(&body, &id_of(&good));
    assert_eq!(replay_ack.outcome, Outcome::Refused("replayed".into()));
    // The payload was decrypted before the replay was found: the refusal names it too.
    assert_eq!(replay_ack.payload_digest, Some(digest));

    // Signed by a service provider, which may not send this order: 403 signer_not_allowed.
    let wrong = sealed_with(
        &provider,
        0,
        &SealOptions::new(params()).signed_by(&other_sig),
    );
    let (status, body) = post(server.port, "application/vnd.minseal", &wrong);
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("signer_not_allowed")),
        "{body}"
    );
    assert_eq!(
        check_ack(&body, &id_of(&wrong)).outcome,
        Outcome::Refused("signer_not_allowed".into())
    );

    // Garbage never parsed: no ack.
    let (status, body) = post(server.port, "application/vnd.minseal", b"\x00garbage");
    assert_eq!(status, 400);
    assert!(body.get("ack").is_none());

    // Only the accepted envelope is stored (the lock, one envelope, its record).
    assert_eq!(fs::read_dir(dir.join("store")).unwrap().count(), 3);
}
