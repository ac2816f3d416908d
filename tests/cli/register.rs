//! The register commands (`register new|add|revoke|sign|verify|show|find`), `seal --register`,
//! `open --register` and `ack verify`, on the demo register (tests/register-demo/) and on
//! registers written here; every refusal with its code and exit status.

use crate::*;

const DEMO: &str = "tests/register-demo";

fn demo(file: &str) -> String {
    format!("{DEMO}/{file}")
}

fn trust() -> [String; 2] {
    ["--trust".into(), demo("operator.pub.jwk")]
}

fn args<'a>(v: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    let mut out = v.to_vec();
    out.extend(extra.iter().map(String::as_str));
    out
}

/// Seals the sample Art. 7 order to `to` (`--to` values) through the demo register, signed
/// with `signer`; returns the envelope (and writes the receipt to `receipt`).
fn seal_via_register(to: &str, signer: &str, receipt: &Path) -> Output {
    let t = trust();
    let signer = demo(signer);
    let reg = demo("register.json");
    let a = args(
        &[
            "seal",
            "--policy",
            "2ap/art7-order",
            "--register",
            &reg,
            "--to",
            to,
            "--sign",
            &signer,
            "--receipt",
            p(receipt),
        ],
        &t,
    );
    run(&a, &fs::read(ORDER).unwrap())
}

/// Opens `env` as the demo provider with the register.
fn open_as_provider(env: &[u8], extra: &[&str]) -> Output {
    let t = trust();
    let key = demo("xb-provider.enc.jwk");
    let reg = demo("register.json");
    let mut a = args(
        &[
            "open",
            "--key",
            &key,
            "--register",
            &reg,
            "--accept",
            "2ap/art7-order",
        ],
        &t,
    );
    a.extend_from_slice(extra);
    run(&a, env)
}

#[test]
fn the_demo_register_verifies_shows_and_finds() {
    let t = trust();
    let reg = demo("register.json");
    let o = run(&args(&["register", "verify", &reg], &t), b"");
    let out = String::from_utf8(ok(&o).to_vec()).unwrap();
    assert!(out.starts_with("ok: register demo-2ap serial 2"), "{out}");
    let o = run(&args(&["register", "verify", &reg, "--json"], &t), b"");
    assert_eq!(json(ok(&o))["serial"], 2);

    let o = run(&args(&["register", "show", &reg], &t), b"");
    let out = String::from_utf8(ok(&o).to_vec()).unwrap();
    assert!(out.contains("xa-prosecutor  XA"), "{out}");
    assert!(out.contains("REVOKED at 2026-11-15T00:00:00Z"), "{out}");

    let o = run(
        &args(
            &[
                "register",
                "find",
                &reg,
                "--party",
                "XB",
                "--role",
                "service_provider",
                "--json",
            ],
            &t,
        ),
        b"",
    );
    let v = json(ok(&o));
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["id"], "xb-provider");
    let kid = v[0]["signing_keys"][0]["kid"].as_str().unwrap().to_owned();
    let o = run(
        &args(&["register", "find", &reg, "--kid", &kid, "--json"], &t),
        b"",
    );
    let v = json(ok(&o));
    assert_eq!(v[0]["found_key"]["use"], "signing");
    let o = run(
        &args(
            &[
                "register",
                "find",
                &reg,
                "--party",
                "XC",
                "--role",
                "service_provider",
            ],
            &t,
        ),
        b"",
    );
    fails(&o, 1, "unknown_recipient");
    fails_usage(&run(
        &args(&["register", "find", &reg, "--party", "XB"], &t),
        b"",
    ));
}

#[test]
fn loading_refuses_a_bad_signature_an_unknown_operator_rollback_and_staleness() {
    let dir = tmpdir("register-load");
    let t = trust();
    let reg = demo("register.json");
    // Altered after signing: one role changed.
    let mut doc = json(&fs::read(&reg).unwrap());
    doc["register"]["entries"][2]["roles"] = serde_json::json!(["competent_authority"]);
    let altered = dir.join("altered.json");
    fs::write(&altered, doc.to_string()).unwrap();
    fails(
        &run(&args(&["register", "verify", p(&altered)], &t), b""),
        1,
        "signature_invalid",
    );
    // Pinned: another operator.
    let o = run(
        &["keygen", "--use", "sig", "--out", p(&dir.join("other.jwk"))],
        b"",
    );
    fs::write(dir.join("other.pub.jwk"), ok(&o)).unwrap();
    let other = dir.join("other.pub.jwk");
    fails(
        &run(&["register", "verify", &reg, "--trust", p(&other)], b""),
        1,
        "unknown_signer",
    );
    // Rollback, staleness, and both at once: every problem on stderr.
    fails(
        &run(
            &args(&["register", "verify", &reg, "--last-serial", "3"], &t),
            b"",
        ),
        1,
        "register_rollback",
    );
    let late = ["--now", "2037-01-01T00:00:00Z"];
    fails(
        &run(
            &args(&["register", "verify", &reg, late[0], late[1]], &t),
            b"",
        ),
        1,
        "register_stale",
    );
    ok(&run(
        &args(
            &[
                "register",
                "verify",
                &reg,
                late[0],
                late[1],
                "--allow-stale",
            ],
            &t,
        ),
        b"",
    ));
    let o = run(
        &args(
            &[
                "register",
                "verify",
                &reg,
                "--last-serial",
                "3",
                late[0],
                late[1],
            ],
            &t,
        ),
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[register_rollback]") && err.contains("error[register_stale]"),
        "{err}"
    );
    // Nothing is sealed to a register that failed to load.
    let o = run(
        &args(
            &[
                "seal",
                "--policy",
                "2ap/art7-order",
                "--register",
                &reg,
                "--last-serial",
                "3",
                "--to",
                "XB:service_provider",
            ],
            &t,
        ),
        &fs::read(ORDER).unwrap(),
    );
    fails(&o, 1, "register_rollback");
}

#[test]
fn writing_a_register_and_its_refusals() {
    let dir = tmpdir("register-write");
    let reg = dir.join("r.json");
    ok(&run(
        &[
            "register",
            "new",
            "--id",
            "t",
            "--operator",
            "Test",
            "--issued-at",
            "2026-12-01T00:00:00Z",
            "--next-update",
            "2036-12-01T00:00:00Z",
            "--out",
            p(&reg),
        ],
        b"",
    ));
    let (_, enc) = keypair(&dir, "a");
    let sig = dir.join("a.sig.pub.jwk");
    let o = run(
        &["keygen", "--use", "sig", "--out", p(&dir.join("a.sig.jwk"))],
        b"",
    );
    fs::write(&sig, ok(&o)).unwrap();
    let add = |id: &str, role: &str, enc: &Path| {
        run(
            &[
                "register",
                "add",
                p(&reg),
                "--id",
                id,
                "--party",
                "XA",
                "--name",
                "A",
                "--role",
                role,
                "--contact",
                "email=a@example.org",
                "--enc",
                p(enc),
                "--sig",
                p(&sig),
                "--valid-from",
                "2026-01-01T00:00:00Z",
                "--valid-until",
                "2036-01-01T00:00:00Z",
            ],
            b"",
        )
    };
    ok(&add("a", "competent_authority", &enc));
    // The same keys again: duplicate kids, each listed; an unknown role.
    let o = add("b", "competent_authority", &enc);
    fails(&o, 1, "invalid_register");
    assert!(
        stderr(&o).contains("is already in $.entries[0]"),
        "{}",
        stderr(&o)
    );
    let (_, enc2) = keypair(&dir, "b");
    fails(&add("b", "judge", &enc2), 1, "invalid_register");
    // The file is unchanged by a refused edit.
    assert_eq!(
        json(&fs::read(&reg).unwrap())["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Revoke: unknown kid, then twice.
    fails(
        &run(&["register", "revoke", p(&reg), "--kid", "nope"], b""),
        2,
        "invalid_argument",
    );
    let kid = json(&fs::read(&enc).unwrap())["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(&run(
        &[
            "register",
            "revoke",
            p(&reg),
            "--kid",
            &kid,
            "--at",
            "1796284800",
        ],
        b"",
    ));
    let v = json(&fs::read(&reg).unwrap());
    assert_eq!(
        v["entries"][0]["encryption_keys"][0]["revoked_at"],
        "2026-12-03T08:00:00Z"
    );
    fails(
        &run(&["register", "revoke", p(&reg), "--kid", &kid], b""),
        2,
        "invalid_argument",
    );
    // Sign as a new version, to another file; verify it.
    let op = dir.join("op.jwk");
    let o = run(
        &[
            "keygen",
            "--use",
            "sig",
            "--alg",
            "Ed25519",
            "--out",
            p(&op),
        ],
        b"",
    );
    fs::write(dir.join("op.pub.jwk"), ok(&o)).unwrap();
    let signed = dir.join("signed.json");
    ok(&run(
        &[
            "register",
            "sign",
            p(&reg),
            "--key",
            p(&op),
            "--serial",
            "5",
            "--out",
            p(&signed),
        ],
        b"",
    ));
    let o = run(
        &[
            "register",
            "verify",
            p(&signed),
            "--trust",
            p(&dir.join("op.pub.jwk")),
            "--json",
        ],
        b"",
    );
    assert_eq!(json(ok(&o))["serial"], 5);
    // A revoked encryption key is not sealed to.
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/subscriber-response",
            "--register",
            p(&signed),
            "--trust",
            p(&dir.join("op.pub.jwk")),
            "--to",
            "XA:competent_authority",
        ],
        b"{}",
    );
    fails(&o, 1, "key_not_valid");
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/subscriber-response",
            "--register",
            p(&signed),
            "--trust",
            p(&dir.join("op.pub.jwk")),
            "--to",
            &kid,
        ],
        b"{}",
    );
    fails(&o, 1, "key_revoked");
}

#[test]
fn seal_open_acknowledge_and_verify_the_acknowledgement() {
    let dir = tmpdir("register-flow");
    let receipt = dir.join("receipt.json");
    let env = ok(&seal_via_register(
        "XB:service_provider",
        "xa-prosecutor.sig.jwk",
        &receipt,
    ))
    .to_vec();
    let env_path = dir.join("env.json");
    fs::write(&env_path, &env).unwrap();
    let ack = dir.join("ack.json");
    let out = dir.join("payload.json");
    let replay = dir.join("seen");
    let ack_key = demo("xb-provider.sig.jwk");
    let o = open_as_provider(
        &env,
        &[
            "--replay",
            p(&replay),
            "--ack-key",
            &ack_key,
            "--ack",
            p(&ack),
            "--out",
            p(&out),
            "--json",
        ],
    );
    let report = json(ok(&o));
    assert_eq!(report["signer"]["id"], "xa-prosecutor");
    assert_eq!(report["signer"]["party"], "XA");
    assert_eq!(report["signer"]["register"]["serial"], 2);
    assert_eq!(
        json(&fs::read(&out).unwrap()),
        json(&fs::read(ORDER_EXPECTED).unwrap())
    );
    // The acknowledgement carries the receipt's keyed payload digest.
    let r = json(&fs::read(&receipt).unwrap());
    let a = json(&fs::read(&ack).unwrap());
    assert_eq!(a["ack"]["outcome"], "accepted");
    assert_eq!(a["ack"]["payload_digest"], r["payload"]["hmac_sha256"]);
    assert_eq!(report["payload_digest"], r["payload"]["hmac_sha256"]);

    let t = trust();
    let reg = demo("register.json");
    let o = run(
        &args(
            &[
                "ack",
                "verify",
                p(&ack),
                "--envelope",
                p(&env_path),
                "--receipt",
                p(&receipt),
                "--register",
                &reg,
                "--json",
            ],
            &t,
        ),
        b"",
    );
    let v = json(ok(&o));
    assert_eq!(v["signer"]["id"], "xb-provider");
    assert_eq!(v["outcome"], "accepted");
    let o = run(
        &args(
            &[
                "ack",
                "verify",
                p(&ack),
                "--envelope",
                p(&env_path),
                "--register",
                &reg,
            ],
            &t,
        ),
        b"",
    );
    let text = String::from_utf8(ok(&o).to_vec()).unwrap();
    assert!(
        text.starts_with("acknowledged by xb-provider (XB,"),
        "{text}"
    );

    // Replayed: refused (exit 1), and acknowledged as refused with the code.
    let ack2 = dir.join("ack2.json");
    let o = open_as_provider(
        &env,
        &[
            "--replay",
            p(&replay),
            "--ack-key",
            &ack_key,
            "--ack",
            p(&ack2),
        ],
    );
    fails(&o, 1, "replayed");
    assert!(o.stdout.is_empty());
    let o = run(
        &args(
            &[
                "ack",
                "verify",
                p(&ack2),
                "--envelope",
                p(&env_path),
                "--register",
                &reg,
                "--json",
            ],
            &t,
        ),
        b"",
    );
    let v = json(ok(&o));
    assert_eq!(
        (v["outcome"].as_str(), v["code"].as_str()),
        (Some("refused"), Some("replayed"))
    );
    // Without --replay, nothing is recorded and stderr says so.
    let o = open_as_provider(&env, &[]);
    ok(&o);
    assert!(stderr(&o).contains("replay not checked"), "{}", stderr(&o));

    // An acknowledgement altered, signed by a non-recipient, or for another envelope.
    let mut forged = a.clone();
    forged["ack"]["outcome"] = serde_json::json!("refused");
    forged["ack"]["code"] = serde_json::json!("expired");
    let forged_path = dir.join("forged.json");
    fs::write(&forged_path, forged.to_string()).unwrap();
    let o = run(
        &args(
            &[
                "ack",
                "verify",
                p(&forged_path),
                "--envelope",
                p(&env_path),
                "--register",
                &reg,
            ],
            &t,
        ),
        b"",
    );
    fails(&o, 1, "signature_invalid");
    let other_receipt = dir.join("other-receipt.json");
    let other = ok(&seal_via_register(
        "XB:service_provider",
        "xa-prosecutor.sig.jwk",
        &other_receipt,
    ))
    .to_vec();
    let other_path = dir.join("other.json");
    fs::write(&other_path, &other).unwrap();
    let o = run(
        &args(
            &[
                "ack",
                "verify",
                p(&ack),
                "--envelope",
                p(&other_path),
                "--register",
                &reg,
            ],
            &t,
        ),
        b"",
    );
    fails(&o, 2, "invalid_argument");
    let o = run(
        &args(
            &[
                "ack",
                "verify",
                p(&ack),
                "--envelope",
                p(&env_path),
                "--receipt",
                p(&other_receipt),
                "--register",
                &reg,
            ],
            &t,
        ),
        b"",
    );
    fails(&o, 2, "invalid_argument");
}

#[test]
fn open_with_the_register_refuses_what_the_rules_do_not_allow() {
    let dir = tmpdir("register-refuse");
    let receipt = dir.join("r.json");
    let to_provider = demo("xb-provider.enc.pub.jwk");
    let seal_plain = |policy: &str, to: &str, signer: Option<&str>| {
        let mut a = vec!["seal", "--policy", policy, "--to", to];
        let s = signer.map(demo);
        if let Some(s) = &s {
            a.extend(["--sign", s.as_str()]);
        }
        ok(&run(&a, &fs::read(ORDER).unwrap())).to_vec()
    };
    // A revoked signing key; a signer whose role may not send this; unsigned.
    let env = seal_plain(
        "2ap/art7-order",
        &to_provider,
        Some("xa-prosecutor-old.sig.jwk"),
    );
    fails(&open_as_provider(&env, &[]), 1, "key_revoked");
    let env = seal_plain("2ap/art7-order", &to_provider, Some("xb-provider.sig.jwk"));
    fails(&open_as_provider(&env, &[]), 1, "signer_not_allowed");
    let env = seal_plain("2ap/art7-order", &to_provider, None);
    fails(&open_as_provider(&env, &[]), 1, "signature_missing");
    // A signer not in the register at all.
    let stranger = dir.join("stranger.jwk");
    ok(&run(
        &["keygen", "--use", "sig", "--out", p(&stranger)],
        b"",
    ));
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/art7-order",
            "--to",
            &to_provider,
            "--sign",
            p(&stranger),
        ],
        &fs::read(ORDER).unwrap(),
    );
    fails(&open_as_provider(ok(&o), &[]), 1, "unknown_signer");
    // A policy this receiver does not accept (the notified authority's profile).
    let notified_input = fs::read("tests/fixtures/2ap-art7-order-notified/input.json").unwrap();
    let signer = demo("xa-prosecutor.sig.jwk");
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/art7-order-notified",
            "--to",
            &to_provider,
            "--sign",
            &signer,
        ],
        &notified_input,
    );
    fails(&open_as_provider(ok(&o), &[]), 1, "policy_not_accepted");
    // An expired envelope: it expires in an hour; the receiver's clock says two hours.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (expires, later) = ((now + 3_600).to_string(), (now + 7_200).to_string());
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/art7-order",
            "--to",
            &to_provider,
            "--sign",
            &signer,
            "--expires-at",
            &expires,
        ],
        &fs::read(ORDER).unwrap(),
    );
    let env = ok(&o).to_vec();
    ok(&open_as_provider(&env, &[]));
    fails(&open_as_provider(&env, &["--now", &later]), 1, "expired");
    // Not for this receiver's key: the notified authority's envelope.
    let env = ok(&seal_via_register(
        "XB:service_provider",
        "xa-prosecutor.sig.jwk",
        &receipt,
    ))
    .to_vec();
    let t = trust();
    let reg = demo("register.json");
    let key = demo("xa-notified.enc.jwk");
    let o = run(
        &args(
            &[
                "open",
                "--key",
                &key,
                "--register",
                &reg,
                "--accept",
                "2ap/art7-order",
            ],
            &t,
        ),
        &env,
    );
    fails(&o, 1, "no_matching_recipient");
    // Recipient role not the policy's audience; a Party with no such entry.
    let o = seal_via_register("XA:notified_authority", "xa-prosecutor.sig.jwk", &receipt);
    fails(&o, 1, "recipient_not_allowed");
    let o = seal_via_register("XC:service_provider", "xa-prosecutor.sig.jwk", &receipt);
    fails(&o, 1, "unknown_recipient");
    // The notified authority's kid, under a policy for service providers.
    let kid = json(&fs::read(demo("xa-notified.enc.pub.jwk")).unwrap())["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    fails(
        &seal_via_register(&kid, "xa-prosecutor.sig.jwk", &receipt),
        1,
        "recipient_not_allowed",
    );
    // Register mode and --signer do not mix; --register needs --trust and --accept.
    fails_usage(&open_as_provider(&env, &["--signer", &signer]));
    let key = demo("xb-provider.enc.jwk");
    fails_usage(&run(
        &[
            "open",
            "--key",
            &key,
            "--register",
            &reg,
            "--accept",
            "2ap/art7-order",
        ],
        &env,
    ));
}
