//! `seal` and `open`: both forms, several recipients, tampering, limits, `--verify`.

use crate::*;

#[test]
fn seal_json_then_open_and_verify() {
    let dir = tmpdir("seal-json");
    let (sk, pk) = keypair(&dir, "authority");
    let receipt = dir.join("receipt.json");
    let header = dir.join("header.json");
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/art7-order",
            "--to",
            p(&pk),
            "--receipt",
            p(&receipt),
            "--metadata",
            "case=EXA-2026-00417",
        ],
        &fs::read(ORDER).unwrap(),
    );
    let envelope = ok(&o).to_vec();
    let env = json(&envelope);
    assert_eq!(env["minseal"], 2);
    assert_eq!(env["header"]["policy"]["id"], "2ap/art7-order");
    assert_eq!(env["header"]["metadata"]["case"], "EXA-2026-00417");
    // Nothing of the payload is in clear.
    assert!(!String::from_utf8_lossy(&envelope).contains("quietharbour77"));

    let o = run(
        &["open", "--key", p(&sk), "--verify", "--header", p(&header)],
        &envelope,
    );
    let payload = ok(&o).to_vec();
    assert_eq!(json(&payload), json(&fs::read(ORDER_EXPECTED).unwrap()));
    let h = json(&fs::read(&header).unwrap());
    assert_eq!(h["policy"], env["header"]["policy"]);
    // The receipt's digest is over exactly the sealed bytes.
    let r = json(&fs::read(&receipt).unwrap());
    assert_eq!(
        r["payload"]["bytes"].as_u64().unwrap(),
        payload.len() as u64
    );

    // Open without --verify, with leading whitespace before the JSON envelope.
    let mut spaced = b"\n  ".to_vec();
    spaced.extend_from_slice(&envelope);
    let o = run(&["open", "--key", p(&sk)], &spaced);
    assert_eq!(ok(&o), payload.as_slice());
}

#[test]
fn seal_binary_round_trip_and_multiple_recipients() {
    let dir = tmpdir("seal-binary");
    let (sk_a, pk_a) = keypair(&dir, "a");
    let (sk_b, pk_b) = keypair(&dir, "b");
    let o = run(
        &[
            "seal",
            "--policy",
            "2ap/art7-order",
            "--to",
            p(&pk_a),
            "--to",
            p(&pk_b),
            "--format",
            "binary",
        ],
        &fs::read(ORDER).unwrap(),
    );
    let envelope = ok(&o).to_vec();
    assert!(envelope.starts_with(b"MNSL"));
    let expected = json(&fs::read(ORDER_EXPECTED).unwrap());
    for sk in [&sk_a, &sk_b] {
        for verify in [false, true] {
            let mut args = vec!["open", "--key", p(sk)];
            if verify {
                args.push("--verify");
            }
            let o = run(&args, &envelope);
            assert_eq!(json(ok(&o)), expected);
        }
    }
}

#[test]
fn no_minimise_streams_any_bytes_both_forms() {
    let dir = tmpdir("no-minimise");
    let (sk, pk) = keypair(&dir, "a");
    // 1 MiB + 3 bytes of non-JSON: many chunks, sealed as is.
    let data: Vec<u8> = (0..(1 << 20) + 3).map(|i| (i * 7 % 251) as u8).collect();
    let input = dir.join("blob.bin");
    fs::write(&input, &data).unwrap();
    for format in ["binary", "json"] {
        let env = dir.join(format!("blob.{format}"));
        let o = run(
            &[
                "seal",
                "--no-minimise",
                "--to",
                p(&pk),
                "--format",
                format,
                "--content-type",
                "application/octet-stream",
                "--in",
                p(&input),
                "--out",
                p(&env),
            ],
            b"",
        );
        ok(&o);
        let header = dir.join(format!("{format}.header.json"));
        let out = dir.join(format!("blob.{format}.out"));
        let o = run(
            &[
                "open",
                "--key",
                p(&sk),
                "--in",
                p(&env),
                "--out",
                p(&out),
                "--header",
                p(&header),
            ],
            b"",
        );
        ok(&o);
        assert_eq!(fs::read(&out).unwrap(), data, "{format}");
        let h = json(&fs::read(&header).unwrap());
        assert_eq!(h["content_type"], "application/octet-stream");
        assert!(h.get("policy").is_none());
    }
}

#[test]
fn tampered_envelope_is_refused() {
    let dir = tmpdir("tamper");
    let (sk, pk) = keypair(&dir, "a");
    let input = fs::read(ORDER).unwrap();
    for format in ["binary", "json"] {
        let o = run(
            &[
                "seal",
                "--policy",
                "2ap/art7-order",
                "--to",
                p(&pk),
                "--format",
                format,
            ],
            &input,
        );
        let mut envelope = ok(&o).to_vec();
        if format == "binary" {
            let n = envelope.len();
            envelope[n - 20] ^= 1; // inside the last chunk
        } else {
            // Change one payload character (keeping base64url valid): flips ciphertext bits.
            let text = String::from_utf8(envelope).unwrap();
            let at = text.find("\"payload\":\"").unwrap() + 20;
            let mut bytes = text.into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            envelope = bytes;
        }
        for verify in [false, true] {
            let out = dir.join(format!("out-{format}-{verify}"));
            let mut args = vec!["open", "--key", p(&sk), "--out", p(&out)];
            if verify {
                args.push("--verify");
            }
            let o = run(&args, &envelope);
            fails(&o, 1, "decryption_failed");
            assert!(!out.exists(), "no output file after a failed open");
        }
    }
}

#[test]
fn open_refusals() {
    let dir = tmpdir("open-refusals");
    let (_, pk) = keypair(&dir, "a");
    let (sk_other, _) = keypair(&dir, "other");
    let input = fs::read(ORDER).unwrap();
    let o = run(
        &["seal", "--policy", "2ap/art7-order", "--to", p(&pk)],
        &input,
    );
    let envelope = ok(&o).to_vec();
    fails(
        &run(&["open", "--key", p(&sk_other)], &envelope),
        1,
        "no_matching_recipient",
    );
    let (sk, _) = keypair(&dir, "a2");
    fails(
        &run(&["open", "--key", p(&sk)], b"garbage"),
        1,
        "malformed_envelope",
    );
    fails(
        &run(&["open", "--key", p(&sk)], b"{}"),
        1,
        "malformed_envelope",
    );
    // Input that ends inside the magic bytes is a cut-off binary envelope (docs/FORMAT.md).
    for cut in [&b"M"[..], b"MN", b"MNS"] {
        fails(&run(&["open", "--key", p(&sk)], cut), 1, "truncated");
    }
    fails(
        &run(&["open", "--key", "no/such/key.jwk"], &envelope),
        2,
        "io",
    );
}

#[test]
fn no_minimise_checks_the_policy_it_names() {
    let dir = tmpdir("verify-open");
    let (sk, pk) = keypair(&dir, "a");
    let seal = [
        "seal",
        "--no-minimise",
        "--policy",
        "2ap/art7-order",
        "--to",
        p(&pk),
    ];
    // A header never claims a policy its payload breaks: sealing refuses, every violation listed.
    for format in ["json", "binary"] {
        let mut args = seal.to_vec();
        args.extend(["--format", format]);
        let o = run(&args, &fs::read(ORDER).unwrap());
        fails(&o, 1, "does_not_conform");
        assert!(stderr(&o).contains("  $.credentials (forbidden)"));
        assert!(
            o.stdout.is_empty(),
            "no envelope for a payload that breaks its policy"
        );
    }
    // A conforming payload seals as is and verifies on receipt.
    let envelope = ok(&run(&seal, &fs::read(ORDER_EXPECTED).unwrap())).to_vec();
    assert_eq!(json(&envelope)["header"]["policy"]["id"], "2ap/art7-order");
    let o = run(&["open", "--key", p(&sk), "--verify"], &envelope);
    assert_eq!(json(ok(&o)), json(&fs::read(ORDER_EXPECTED).unwrap()));

    // No policy in the header: --verify cannot pass.
    let o = run(
        &["seal", "--no-minimise", "--to", p(&pk)],
        &fs::read(ORDER_EXPECTED).unwrap(),
    );
    let envelope = ok(&o).to_vec();
    let o = run(&["open", "--key", p(&sk), "--verify"], &envelope);
    fails(&o, 1, "does_not_conform");
    assert!(
        o.stdout.is_empty(),
        "nothing written when verification fails"
    );
    // Without --verify it opens.
    ok(&run(&["open", "--key", p(&sk)], &envelope));
}

#[test]
fn open_verify_with_custom_policy_file() {
    let dir = tmpdir("custom-policy");
    let (sk, pk) = keypair(&dir, "a");
    // A custom policy: the built-in with another id.
    let mut pol = json(&fs::read("policies/2ap-art7-order.json").unwrap());
    pol["id"] = "example/art7-variant".into();
    let pol_file = dir.join("variant.json");
    fs::write(&pol_file, serde_json::to_vec_pretty(&pol).unwrap()).unwrap();
    ok(&run(&["policy", "lint", p(&pol_file)], b""));

    let o = run(
        &["seal", "--policy", p(&pol_file), "--to", p(&pk)],
        &fs::read(ORDER).unwrap(),
    );
    let envelope = ok(&o).to_vec();
    // The receiver does not have it built in: unknown_policy.
    fails(
        &run(&["open", "--key", p(&sk), "--verify"], &envelope),
        1,
        "unknown_policy",
    );
    // With the file, it verifies.
    let o = run(
        &[
            "open",
            "--key",
            p(&sk),
            "--verify",
            "--policy",
            p(&pol_file),
        ],
        &envelope,
    );
    assert_eq!(json(ok(&o)), json(&fs::read(ORDER_EXPECTED).unwrap()));
    // A different policy than the header names: unknown_policy.
    fails(
        &run(
            &[
                "open",
                "--key",
                p(&sk),
                "--verify",
                "--policy",
                "2ap/art7-order",
            ],
            &envelope,
        ),
        1,
        "unknown_policy",
    );
}

#[test]
fn open_limits_max_envelope_bytes_and_max_chunks() {
    let dir = tmpdir("open-limits");
    let (sk, pk) = keypair(&dir, "a");
    // 200 KiB in 64 KiB chunks: 4 chunks.
    let payload = vec![b'q'; 200 * 1024];
    for format in ["binary", "json"] {
        let seal = ["seal", "--no-minimise", "--to", p(&pk), "--format", format];
        let env = ok(&run(&seal, &payload)).to_vec();
        let len = env.len().to_string();
        let less = (env.len() - 1).to_string();
        // JSON: the trailing newline is not part of the envelope.
        let at = if format == "json" { &less } else { &len };
        let under = (env.len() - 2).to_string();
        let below = if format == "json" { &under } else { &less };
        let open = |flag: &str, n: &str| run(&["open", "--key", p(&sk), flag, n], &env);
        assert_eq!(
            ok(&open("--max-envelope-bytes", at)),
            &payload[..],
            "{format}"
        );
        fails(&open("--max-envelope-bytes", below), 1, "too_large");
        assert_eq!(ok(&open("--max-chunks", "4")), &payload[..], "{format}");
        fails(&open("--max-chunks", "3"), 1, "limit_exceeded");
    }
    // The --verify path (binary, read whole) honours them too.
    let seal = [
        "seal",
        "--policy",
        "2ap/art7-order",
        "--to",
        p(&pk),
        "--format",
        "binary",
    ];
    let env = ok(&run(&seal, &fs::read(ORDER).unwrap())).to_vec();
    let verify = |n: usize| {
        let n = n.to_string();
        let args = [
            "open",
            "--key",
            p(&sk),
            "--verify",
            "--max-envelope-bytes",
            &n,
        ];
        run(&args, &env)
    };
    ok(&verify(env.len()));
    fails(&verify(env.len() - 1), 1, "too_large");
    fails_usage(&run(&["open", "--key", p(&sk), "--max-chunks", "-1"], &env));
}
