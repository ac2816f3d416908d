//! The `minseal` binary, driven as a user would: arguments, stdin/stdout, files, exit codes and
//! `error[code]:` lines.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_minseal");
const ORDER: &str = "tests/fixtures/2ap-art7-order/input.json";
const ORDER_EXPECTED: &str = "tests/fixtures/2ap-art7-order/expected.json";
const ORDER_MISSING: &str = "tests/fixtures/2ap-art7-order/missing-required.json";

/// A fresh directory under target/ for one test.
fn tmpdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: &Output) -> &[u8] {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    &o.stdout
}

/// Asserts exit code and that stderr's first line is `error[code]: …`.
#[track_caller]
fn fails(o: &Output, exit: i32, code: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(exit), "stderr: {err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("error[{code}]: ")),
        "expected error[{code}], got: {err}"
    );
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Generates a key pair in `dir`; returns (private, public) paths.
fn keypair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sk = dir.join(format!("{name}.jwk"));
    let pk = dir.join(format!("{name}.pub.jwk"));
    let o = run(&["keygen", "--out", p(&sk)], b"");
    fs::write(&pk, ok(&o)).unwrap();
    (sk, pk)
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn help_on_every_subcommand() {
    for sub in [
        &["--help"][..],
        &["keygen", "--help"],
        &["pubkey", "--help"],
        &["thumbprint", "--help"],
        &["minimise", "--help"],
        &["seal", "--help"],
        &["open", "--help"],
        &["verify", "--help"],
        &["policy", "--help"],
        &["policy", "list", "--help"],
        &["policy", "show", "--help"],
        &["policy", "lint", "--help"],
    ] {
        let o = run(sub, b"");
        let text = String::from_utf8(ok(&o).to_vec()).unwrap();
        assert!(text.contains("Usage: minseal"), "{sub:?}: {text}");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[], b"").status.code(), Some(2)); // prints the help on stderr
    fails_usage(&run(&["frobnicate"], b""));
    fails_usage(&run(&["seal", "--policy", "2ap/art7-order"], b"")); // no --to
    fails_usage(&run(&["open"], b"")); // no --key
    fails_usage(&run(
        &["seal", "--no-minimise", "--strict", "--to", "x"],
        b"",
    ));
    fails_usage(&run(&["seal", "--to", "x", "--metadata", "novalue"], b""));
}

#[track_caller]
fn fails_usage(o: &Output) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("--help"), "{err}");
}

#[cfg(unix)]
#[test]
fn keygen_mode_0600_refuses_overwrite_force_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmpdir("keygen");
    let (sk, pk) = keypair(&dir, "a");
    let mode = fs::metadata(&sk).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let private = fs::read(&sk).unwrap();
    let public = json(&fs::read(&pk).unwrap());
    assert_eq!(public["kty"], "OKP");
    assert_eq!(public["crv"], "X25519");
    assert!(public.get("d").is_none(), "public JWK must not carry d");
    assert!(json(&private).get("d").is_some());

    // Refuses to overwrite, leaving the key untouched.
    let o = run(&["keygen", "--out", p(&sk)], b"");
    fails(&o, 2, "invalid_argument");
    assert!(stderr(&o).contains("--force"));
    assert_eq!(fs::read(&sk).unwrap(), private);

    // --force replaces it, still 0600, even if the old file was more open.
    fs::set_permissions(&sk, fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&["keygen", "--out", p(&sk), "--force"], b"");
    ok(&o);
    assert_ne!(fs::read(&sk).unwrap(), private);
    assert_eq!(
        fs::metadata(&sk).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn pubkey_and_thumbprint() {
    let dir = tmpdir("pubkey");
    let (sk, pk) = keypair(&dir, "a");
    let private = fs::read(&sk).unwrap();
    let o = run(&["pubkey"], &private);
    assert_eq!(json(ok(&o)), json(&fs::read(&pk).unwrap()));
    let o = run(&["pubkey", "--key", p(&sk)], b"");
    assert_eq!(json(ok(&o)), json(&fs::read(&pk).unwrap()));

    let kid = json(&fs::read(&pk).unwrap())["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    for input in [fs::read(&pk).unwrap(), private.clone()] {
        let o = run(&["thumbprint"], &input);
        assert_eq!(String::from_utf8(ok(&o).to_vec()).unwrap().trim(), kid);
    }
    let o = run(&["thumbprint", p(&pk)], b"");
    assert_eq!(String::from_utf8(ok(&o).to_vec()).unwrap().trim(), kid);

    // A public key where a private one is needed is refused (exit 1, invalid_key).
    fails(&run(&["pubkey"], &fs::read(&pk).unwrap()), 1, "invalid_key");
    fails(&run(&["thumbprint"], b"not a key"), 1, "invalid_key");
}

#[test]
fn minimise_matches_fixture_and_writes_receipt() {
    let dir = tmpdir("minimise");
    let receipt = dir.join("receipt.json");
    let input = fs::read(ORDER).unwrap();
    let o = run(
        &[
            "minimise",
            "--policy",
            "2ap/art7-order",
            "--receipt",
            p(&receipt),
        ],
        &input,
    );
    let out = ok(&o).to_vec();
    assert_eq!(json(&out), json(&fs::read(ORDER_EXPECTED).unwrap()));
    let r = json(&fs::read(&receipt).unwrap());
    assert_eq!(r["policy"]["id"], "2ap/art7-order");
    assert!(r["counts"]["removed"].as_u64().unwrap() > 0);
    // The receipt names paths, never values.
    let text = fs::read_to_string(&receipt).unwrap();
    assert!(!text.contains("Casimir"), "receipt leaks a value");

    // File in, file out, policy from a file.
    let out_file = dir.join("out.json");
    let o = run(
        &[
            "minimise",
            "--policy",
            "policies/2ap-art7-order.json",
            "--in",
            ORDER,
            "--out",
            p(&out_file),
        ],
        b"",
    );
    ok(&o);
    assert_eq!(fs::read(&out_file).unwrap(), out);
}

#[test]
fn minimise_refusals_and_errors() {
    let input = fs::read(ORDER).unwrap();
    // Missing required fields: refused, exit 1, every path listed.
    let o = run(
        &["minimise", "--policy", "2ap/art7-order"],
        &fs::read(ORDER_MISSING).unwrap(),
    );
    fails(&o, 1, "missing_required");
    assert!(stderr(&o).lines().nth(1).unwrap().starts_with("  $"));
    // Strict mode refuses forbidden fields.
    let o = run(
        &["minimise", "--policy", "2ap/art7-order", "--strict"],
        &input,
    );
    fails(&o, 1, "forbidden_field");
    // Not JSON.
    fails(
        &run(&["minimise", "--policy", "2ap/art7-order"], b"{\"a\":"),
        1,
        "invalid_json",
    );
    // Unknown policy id.
    fails(
        &run(&["minimise", "--policy", "2ap/nope"], &input),
        1,
        "unknown_policy",
    );
    // Missing files are I/O errors: exit 2.
    fails(
        &run(&["minimise", "--policy", "no/such/policy.json"], &input),
        2,
        "io",
    );
    fails(
        &run(
            &[
                "minimise",
                "--policy",
                "2ap/art7-order",
                "--in",
                "no/such/file",
            ],
            b"",
        ),
        2,
        "io",
    );
}

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
    assert_eq!(env["minseal"], 1);
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
    fails(
        &run(&["open", "--key", "no/such/key.jwk"], &envelope),
        2,
        "io",
    );
}

#[test]
fn open_verify_refuses_payload_that_breaks_its_policy() {
    let dir = tmpdir("verify-open");
    let (sk, pk) = keypair(&dir, "a");
    // Sealed as is, but naming the policy: the receiver's --verify must catch it.
    let o = run(
        &[
            "seal",
            "--no-minimise",
            "--policy",
            "2ap/art7-order",
            "--to",
            p(&pk),
        ],
        &fs::read(ORDER).unwrap(),
    );
    let envelope = ok(&o).to_vec();
    let o = run(&["open", "--key", p(&sk), "--verify"], &envelope);
    fails(&o, 1, "does_not_conform");
    assert!(stderr(&o).contains("  $.credentials (forbidden)"));
    assert!(
        o.stdout.is_empty(),
        "nothing written when verification fails"
    );
    // Without --verify it opens.
    ok(&run(&["open", "--key", p(&sk)], &envelope));

    // No policy in the header: --verify cannot pass.
    let o = run(
        &["seal", "--no-minimise", "--to", p(&pk)],
        &fs::read(ORDER_EXPECTED).unwrap(),
    );
    let envelope = ok(&o).to_vec();
    fails(
        &run(&["open", "--key", p(&sk), "--verify"], &envelope),
        1,
        "does_not_conform",
    );
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
fn verify_reports_violations() {
    let conforming = fs::read(ORDER_EXPECTED).unwrap();
    let o = run(&["verify", "--policy", "2ap/art7-order"], &conforming);
    ok(&o);
    let o = run(
        &["verify", "--policy", "2ap/art7-order", "--json"],
        &conforming,
    );
    assert_eq!(
        json(ok(&o)),
        serde_json::json!({"conforms": true, "violations": []})
    );

    let raw = fs::read(ORDER).unwrap();
    let o = run(&["verify", "--policy", "2ap/art7-order"], &raw);
    fails(&o, 1, "does_not_conform");
    let err = stderr(&o);
    assert!(err.contains("\n  $.credentials (forbidden)\n"), "{err}");
    assert!(
        err.contains("\n  $.investigator_notes (not_allowed)\n"),
        "{err}"
    );

    let o = run(&["verify", "--policy", "2ap/art7-order", "--json"], &raw);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o.stdout);
    assert_eq!(v["conforms"], false);
    assert!(v["violations"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!({"path": "$.credentials", "kind": "forbidden"})));

    let o = run(
        &["verify", "--policy", "2ap/art7-order"],
        &fs::read(ORDER_MISSING).unwrap(),
    );
    fails(&o, 1, "does_not_conform");
    assert!(stderr(&o).contains("(missing_required)"));
}

#[test]
fn policy_list_show_lint() {
    let o = run(&["policy", "list"], b"");
    let text = String::from_utf8(ok(&o).to_vec()).unwrap();
    assert!(text.contains("2ap/art7-order"));
    assert_eq!(
        text.lines().count(),
        16,
        "header + fifteen profiles:\n{text}"
    );
    let o = run(&["policy", "list", "--json"], b"");
    assert_eq!(json(ok(&o)).as_array().unwrap().len(), 15);

    let o = run(&["policy", "show", "2ap/art7-order"], b"");
    let shown = json(ok(&o));
    assert_eq!(
        shown,
        json(&fs::read("policies/2ap-art7-order.json").unwrap())
    );
    let o = run(&["policy", "show", "2ap/art7-order", "--canonical"], b"");
    assert_eq!(json(ok(&o)), shown);
    fails(&run(&["policy", "show", "nope"], b""), 1, "unknown_policy");

    let o = run(&["policy", "lint", "policies/2ap-art7-order.json"], b"");
    assert!(String::from_utf8(ok(&o).to_vec())
        .unwrap()
        .starts_with("ok: 2ap/art7-order"));

    // Every problem listed, one indented line each.
    let dir = tmpdir("lint");
    let bad = dir.join("bad.json");
    fs::write(&bad, br#"{"id": 1, "rules": "no"}"#).unwrap();
    let o = run(&["policy", "lint", p(&bad)], b"");
    fails(&o, 1, "invalid_policy");
    assert!(
        stderr(&o)
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("  "))
            .count()
            >= 3
    );
    fs::write(&bad, br#"{"a":1,"a":2}"#).unwrap();
    fails(&run(&["policy", "lint", p(&bad)], b""), 1, "invalid_policy");
    fails(&run(&["policy", "lint", "no/such.json"], b""), 2, "io");
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
