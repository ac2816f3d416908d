//! Signed envelopes: `seal --sign`, `open --signer`/`--signers`, `proof export|verify`, and
//! each refusal with its code.

use crate::*;

/// A signing key pair of `alg` in `dir`; returns (private, public) paths.
fn signing_keypair(dir: &Path, name: &str, alg: &str) -> (PathBuf, PathBuf) {
    let sk = dir.join(format!("{name}.jwk"));
    let pk = dir.join(format!("{name}.pub.jwk"));
    let o = run(
        &["keygen", "--use", "sig", "--alg", alg, "--out", p(&sk)],
        b"",
    );
    fs::write(&pk, ok(&o)).unwrap();
    (sk, pk)
}

fn kid(public: &Path) -> String {
    json(&fs::read(public).unwrap())["kid"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn seal_signed(pk: &Path, signer: &Path, format: &str) -> Vec<u8> {
    let args = [
        "seal",
        "--policy",
        "2ap/art7-order",
        "--to",
        p(pk),
        "--sign",
        p(signer),
        "--format",
        format,
    ];
    ok(&run(&args, &fs::read(ORDER).unwrap())).to_vec()
}

#[test]
fn signed_envelopes_open_against_trusted_signers() {
    let dir = tmpdir("sign-accept");
    let (sk, pk) = keypair(&dir, "authority");
    let expected = json(&fs::read(ORDER_EXPECTED).unwrap());
    let (_, other_pub) = signing_keypair(&dir, "other", "ES256");
    for alg in ["ES256", "Ed25519"] {
        let (signer, signer_pub) = signing_keypair(&dir, alg, alg);
        let kid = kid(&signer_pub);
        // A JWK Set holding the signer among others.
        let set = dir.join(format!("{alg}-set.jwk"));
        let keys = [
            json(&fs::read(&other_pub).unwrap()),
            json(&fs::read(&signer_pub).unwrap()),
        ];
        fs::write(&set, serde_json::json!({ "keys": keys }).to_string()).unwrap();
        for format in ["json", "binary"] {
            let env = seal_signed(&pk, &signer, format);
            if format == "json" {
                assert_eq!(json(&env)["header"]["signed"], true);
            }
            for trust in [["--signer", p(&signer_pub)], ["--signers", p(&set)]] {
                for verify in [false, true] {
                    let mut args = vec!["open", "--key", p(&sk)];
                    args.extend(trust);
                    if verify {
                        args.push("--verify");
                    }
                    let o = run(&args, &env);
                    assert_eq!(json(ok(&o)), expected, "{alg} {format} {trust:?}");
                    let line = format!("signed by {kid} ({alg}): verified against a trusted key");
                    assert_eq!(stderr(&o).trim(), line);
                }
            }
            // --json: the report on stdout, the payload in --out.
            let out = dir.join(format!("{alg}-{format}.json"));
            let o = run(
                &[
                    "open",
                    "--key",
                    p(&sk),
                    "--signer",
                    p(&signer_pub),
                    "--json",
                    "--out",
                    p(&out),
                ],
                &env,
            );
            let report = json(ok(&o));
            assert_eq!(
                report["signature"],
                serde_json::json!({"alg": alg, "kid": kid, "verified": true})
            );
            assert_eq!(report["header"]["policy"]["id"], "2ap/art7-order");
            assert_eq!(json(&fs::read(&out).unwrap()), expected);
            // No trusted key given: it opens, and says the signature was not checked.
            let o = run(&["open", "--key", p(&sk)], &env);
            assert_eq!(json(ok(&o)), expected);
            assert!(stderr(&o).contains("NOT verified"), "{}", stderr(&o));
        }
    }
}

#[test]
fn open_refuses_wrong_missing_tampered_and_expired_signatures() {
    let dir = tmpdir("sign-refuse");
    let (sk, pk) = keypair(&dir, "authority");
    let (signer, signer_pub) = signing_keypair(&dir, "portal", "Ed25519");
    let (_, stranger_pub) = signing_keypair(&dir, "stranger", "ES256");
    let out = dir.join("payload.json");
    let refused = |env: &[u8], trust: &[&str], code: &str| {
        for extra in [&[][..], &["--out", p(&out)]] {
            let mut args = vec!["open", "--key", p(&sk)];
            args.extend(trust);
            args.extend(extra);
            let o = run(&args, env);
            fails(&o, 1, code);
            assert!(o.stdout.is_empty(), "{code}: plaintext written to stdout");
            assert!(!out.exists(), "{code}: output file left");
        }
    };
    for format in ["json", "binary"] {
        let env = seal_signed(&pk, &signer, format);
        // Signed by a key the receiver does not trust.
        refused(&env, &["--signer", p(&stranger_pub)], "unknown_signer");

        // Unsigned, while a signer is required; accepted only with --allow-unsigned.
        let unsigned = ok(&run(
            &[
                "seal",
                "--policy",
                "2ap/art7-order",
                "--to",
                p(&pk),
                "--format",
                format,
            ],
            &fs::read(ORDER).unwrap(),
        ))
        .to_vec();
        refused(
            &unsigned,
            &["--signer", p(&signer_pub)],
            "signature_missing",
        );
        let o = run(
            &[
                "open",
                "--key",
                p(&sk),
                "--signer",
                p(&signer_pub),
                "--allow-unsigned",
            ],
            &unsigned,
        );
        ok(&o);
        assert_eq!(stderr(&o).trim(), "unsigned: accepted (--allow-unsigned)");

        // Expired: refused from expires_at on, as --now (or the clock) says.
        let expires = "2000000000";
        let args = [
            "seal",
            "--policy",
            "2ap/art7-order",
            "--to",
            p(&pk),
            "--sign",
            p(&signer),
            "--format",
            format,
            "--expires-at",
            expires,
        ];
        let env_exp = ok(&run(&args, &fs::read(ORDER).unwrap())).to_vec();
        let trust = ["--signer", p(&signer_pub)];
        ok(&run(
            &[
                &["open", "--key", p(&sk), "--now", "1999999999"][..],
                &trust,
            ]
            .concat(),
            &env_exp,
        ));
        refused(
            &env_exp,
            &[&trust[..], &["--now", expires]].concat(),
            "expired",
        );
        // The same instants as UTC times (2 000 000 000 is 2033-05-18T03:33:20Z).
        ok(&run(
            &[
                &["open", "--key", p(&sk), "--now", "2033-05-18T03:33:19Z"][..],
                &trust,
            ]
            .concat(),
            &env_exp,
        ));
        refused(
            &env_exp,
            &[&trust[..], &["--now", "2033-05-18T03:33:20Z"]].concat(),
            "expired",
        );
    }
    // Tampered: the signature record (the binary form's last 113 bytes), then the payload.
    let env = seal_signed(&pk, &signer, "binary");
    let mut record = env.clone();
    let n = record.len();
    record[n - 40] ^= 1;
    refused(&record, &["--signer", p(&signer_pub)], "decryption_failed");
    let mut chunk = env.clone();
    chunk[n - 200] ^= 1;
    refused(&chunk, &["--signer", p(&signer_pub)], "decryption_failed");
}

#[test]
fn proof_export_and_verify() {
    let dir = tmpdir("proof");
    let (sk, pk) = keypair(&dir, "authority");
    let expected = json(&fs::read(ORDER_EXPECTED).unwrap());
    let (_, stranger_pub) = signing_keypair(&dir, "stranger", "Ed25519");
    for alg in ["ES256", "Ed25519"] {
        let (signer, signer_pub) = signing_keypair(&dir, alg, alg);
        let env = seal_signed(&pk, &signer, "json");
        let proof_file = dir.join(format!("{alg}.proof.json"));
        let o = run(
            &[
                "proof",
                "export",
                "--key",
                p(&sk),
                "--signer",
                p(&signer_pub),
                "--out",
                p(&proof_file),
            ],
            &env,
        );
        ok(&o);
        let proof = fs::read(&proof_file).unwrap();
        let doc = json(&proof);
        assert_eq!(doc["minseal_proof"], 1);
        assert_eq!(doc["signature"]["kid"], kid(&signer_pub));
        assert_eq!(doc["header"], json(&env)["header"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&proof_file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a proof holds the payload");
        }
        // Without --signer it exports too (checked by whoever verifies it); same document.
        let o = run(&["proof", "export", "--key", p(&sk)], &env);
        assert_eq!(json(ok(&o)), doc);

        // Verified by anyone with the public key, without the decryption key.
        let payload = dir.join(format!("{alg}.payload.json"));
        let o = run(
            &[
                "proof",
                "verify",
                "--signer",
                p(&signer_pub),
                "--payload",
                p(&payload),
            ],
            &proof,
        );
        ok(&o);
        assert!(stderr(&o).starts_with(&format!("proof verified: signed by {}", kid(&signer_pub))));
        assert_eq!(json(&fs::read(&payload).unwrap()), expected);
        let o = run(
            &["proof", "verify", "--signer", p(&signer_pub), "--json"],
            &proof,
        );
        let report = json(ok(&o));
        assert_eq!(report["signature"]["verified"], true);
        assert_eq!(report["header"], doc["header"]);

        // Refusals: another signer, an altered payload, not a proof.
        fails(
            &run(&["proof", "verify", "--signer", p(&stranger_pub)], &proof),
            1,
            "unknown_signer",
        );
        let mut altered = doc.clone();
        let b64 = altered["payload"].as_str().unwrap().to_owned();
        let flip = if b64.starts_with('e') { "f" } else { "e" };
        altered["payload"] = format!("{flip}{}", &b64[1..]).into();
        let o = run(
            &[
                "proof",
                "verify",
                "--signer",
                p(&signer_pub),
                "--payload",
                p(&payload),
            ],
            altered.to_string().as_bytes(),
        );
        fails(&o, 1, "signature_invalid");
        fails(
            &run(&["proof", "verify", "--signer", p(&signer_pub)], b"{}"),
            1,
            "malformed_proof",
        );
        fails(
            &run(
                &[
                    "proof",
                    "export",
                    "--key",
                    p(&sk),
                    "--signer",
                    p(&stranger_pub),
                ],
                &env,
            ),
            1,
            "unknown_signer",
        );
    }
    // An unsigned envelope has nothing to prove.
    let unsigned = ok(&run(
        &["seal", "--policy", "2ap/art7-order", "--to", p(&pk)],
        &fs::read(ORDER).unwrap(),
    ))
    .to_vec();
    let o = run(&["proof", "export", "--key", p(&sk)], &unsigned);
    fails(&o, 1, "signature_missing");
    assert!(o.stdout.is_empty());
}

#[test]
fn signing_usage_errors() {
    let dir = tmpdir("sign-usage");
    let (sk, _) = keypair(&dir, "a");
    fails_usage(&run(&["open", "--key", p(&sk), "--allow-unsigned"], b""));
    fails_usage(&run(&["open", "--key", p(&sk), "--json"], b""));
    fails_usage(&run(&["proof", "verify"], b""));
    // An X25519 key where a signing key is needed, and the reverse.
    let (_, pk) = keypair(&dir, "b");
    let o = run(
        &["seal", "--no-minimise", "--to", p(&pk), "--sign", p(&sk)],
        b"x",
    );
    fails(&o, 1, "invalid_key");
    let o = run(&["open", "--key", p(&sk), "--signer", p(&pk)], b"{}");
    fails(&o, 1, "invalid_key");
}

#[test]
fn expiry_uses_the_clock_and_an_expired_envelope_still_exports_its_proof() {
    let dir = tmpdir("sign-expiry");
    let (sk, pk) = keypair(&dir, "authority");
    let (signer, signer_pub) = signing_keypair(&dir, "portal", "ES256");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires = (now + 1).to_string();
    let args = [
        "seal",
        "--policy",
        "2ap/art7-order",
        "--to",
        p(&pk),
        "--sign",
        p(&signer),
        "--expires-at",
        &expires,
    ];
    let env = ok(&run(&args, &fs::read(ORDER).unwrap())).to_vec();
    assert_eq!(json(&env)["header"]["expires_at"], now + 1);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // No --now: the system clock says it has expired.
    let o = run(&["open", "--key", p(&sk), "--signer", p(&signer_pub)], &env);
    fails(&o, 1, "expired");
    assert!(o.stdout.is_empty());
    // The proof of what was sent does not expire.
    let o = run(
        &[
            "proof",
            "export",
            "--key",
            p(&sk),
            "--signer",
            p(&signer_pub),
        ],
        &env,
    );
    let proof = ok(&o).to_vec();
    ok(&run(
        &["proof", "verify", "--signer", p(&signer_pub)],
        &proof,
    ));
}

#[test]
fn streamed_seal_signs_and_streamed_open_checks() {
    let dir = tmpdir("sign-stream");
    let (sk, pk) = keypair(&dir, "authority");
    // 300 KiB of non-JSON bytes, sealed as is through the streaming sealer: five chunks.
    let data: Vec<u8> = (0..300 * 1024).map(|i| (i * 13 % 251) as u8).collect();
    for alg in ["ES256", "Ed25519"] {
        let (signer, signer_pub) = signing_keypair(&dir, alg, alg);
        let (_, stranger_pub) = signing_keypair(&dir, &format!("{alg}-stranger"), alg);
        let env = dir.join(format!("{alg}.mnsl"));
        let args = [
            "seal",
            "--no-minimise",
            "--to",
            p(&pk),
            "--format",
            "binary",
            "--sign",
            p(&signer),
            "--out",
            p(&env),
        ];
        ok(&run(&args, &data));
        let bytes = fs::read(&env).unwrap();
        let out = dir.join(format!("{alg}.out"));
        for target in [None, Some(&out)] {
            let mut args = vec![
                "open",
                "--key",
                p(&sk),
                "--signer",
                p(&signer_pub),
                "--in",
                p(&env),
            ];
            if let Some(t) = target {
                args.extend(["--out", p(t)]);
            }
            let o = run(&args, b"");
            let got = match target {
                Some(t) => fs::read(t).unwrap(),
                None => ok(&o).to_vec(),
            };
            ok(&o);
            assert_eq!(got, data, "{alg} {target:?}");
            assert!(stderr(&o).contains("verified against a trusted key"));
        }
        fs::remove_file(&out).unwrap();
        // An untrusted signer: nothing on stdout (the signature comes after the last chunk),
        // no output file.
        for extra in [&[][..], &["--out", p(&out)]] {
            let mut args = vec!["open", "--key", p(&sk), "--signer", p(&stranger_pub)];
            args.extend(extra);
            let o = run(&args, &bytes);
            fails(&o, 1, "unknown_signer");
            assert!(o.stdout.is_empty());
            assert!(!out.exists());
        }
    }
}
