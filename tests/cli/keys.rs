//! `keygen`, `pubkey`, `thumbprint`.

use crate::*;

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
fn keygen_signing_keys_es256_and_ed25519() {
    let dir = tmpdir("keygen-sig");
    for (args, kty, crv, alg) in [
        (
            &["--use", "sig", "--alg", "ES256"][..],
            "EC",
            "P-256",
            "ES256",
        ),
        (
            &["--use", "sig", "--alg", "Ed25519"],
            "OKP",
            "Ed25519",
            "EdDSA",
        ),
        (&["--use", "sig"], "EC", "P-256", "ES256"), // ES256 is the default
        (&["--alg", "Ed25519"], "OKP", "Ed25519", "EdDSA"), // the algorithm implies sig
    ] {
        let sk = dir.join(format!("{}.jwk", args.join("")));
        let mut argv = vec!["keygen", "--out", p(&sk)];
        argv.extend_from_slice(args);
        let public = json(ok(&run(&argv, b"")));
        assert_eq!(public["kty"], kty, "{args:?}");
        assert_eq!(public["crv"], crv, "{args:?}");
        assert_eq!(public["alg"], alg, "{args:?}");
        assert_eq!(public["use"], "sig", "{args:?}");
        assert!(public.get("d").is_none(), "public JWK must not carry d");
        let private = fs::read(&sk).unwrap();
        assert!(json(&private).get("d").is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&sk).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // pubkey and thumbprint read signing keys too; the kid is the RFC 7638 thumbprint.
        assert_eq!(json(ok(&run(&["pubkey", "--key", p(&sk)], b""))), public);
        let kid = public["kid"].as_str().unwrap();
        for input in [private.clone(), public.to_string().into_bytes()] {
            let o = run(&["thumbprint"], &input);
            assert_eq!(String::from_utf8(ok(&o).to_vec()).unwrap().trim(), kid);
        }
        // Refuses to overwrite.
        fails(&run(&argv, b""), 2, "invalid_argument");
        assert_eq!(fs::read(&sk).unwrap(), private);
    }
    // Algorithms that do not fit the use.
    let out = dir.join("x.jwk");
    for args in [
        &["--use", "enc", "--alg", "ES256"][..],
        &["--use", "sig", "--alg", "X25519"],
    ] {
        let mut argv = vec!["keygen", "--out", p(&out)];
        argv.extend_from_slice(args);
        fails(&run(&argv, b""), 2, "invalid_argument");
        assert!(!out.exists());
    }
    fails_usage(&run(&["keygen", "--out", p(&out), "--alg", "RS256"], b""));
}
