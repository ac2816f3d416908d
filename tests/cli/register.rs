//! The register commands (`register new|add|revoke|sign|verify|show|find`) on the demo register
//! (tests/register-demo/) and on registers written here, every refusal with its code and exit
//! status; and the helpers `register_flow` shares.

use crate::*;

const DEMO: &str = "tests/register-demo";

pub(crate) fn demo(file: &str) -> String {
    format!("{DEMO}/{file}")
}

pub(crate) fn trust() -> [String; 2] {
    ["--trust".into(), demo("operator.pub.jwk")]
}

pub(crate) fn args<'a>(v: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    let mut out = v.to_vec();
    out.extend(extra.iter().map(String::as_str));
    out
}

/// Seals the sample Art. 7 order to `to` (`--to` values) through the demo register, signed
/// with `signer`; returns the envelope (and writes the receipt to `receipt`).
pub(crate) fn seal_via_register(to: &str, signer: &str, receipt: &Path) -> Output {
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
pub(crate) fn open_as_provider(env: &[u8], extra: &[&str]) -> Output {
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
