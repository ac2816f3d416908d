//! `seal --register`, `open --register` and `ack verify` on the demo register: the accepting
//! path end to end, and every refusal with its code and exit status.

use crate::register::{args, demo, open_as_provider, seal_via_register, trust};
use crate::*;

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
