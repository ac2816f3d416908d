//! Signing keys (src/sign): known-answer signatures, JWK import/export, RFC 7638 kids,
//! refusals, and secrecy in Debug.

use minseal::sign::{SignatureAlg, Signer, SigningKey, VerifyingKey};
use minseal::ErrorCode;
use sha2::{Digest, Sha256};

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hexa<const N: usize>(s: &str) -> [u8; N] {
    hex::decode(s).unwrap().try_into().unwrap()
}

/// RFC 6979 A.2.5, P-256 with SHA-256, message "sample": the deterministic nonce gives exactly
/// this r ‖ s, so ES256 signing is reproducible.
#[test]
fn es256_matches_rfc6979_a25() {
    let d = hexa::<32>("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    let k = SigningKey::from_bytes(SignatureAlg::Es256, &d).unwrap();
    let sig = k.sign(b"sample").unwrap();
    assert_eq!(
        hex::encode_upper(&sig),
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716\
         F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"
    );
    let jwk: serde_json::Value = serde_json::from_str(&k.verifying_key().to_jwk()).unwrap();
    assert_eq!(
        hex::decode(jwk["x"].as_str().map(base64url).unwrap()).unwrap(),
        hex::decode("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6").unwrap()
    );
    k.verifying_key().verify(b"sample", &sig).unwrap();
}

fn base64url(s: &str) -> String {
    use base64::Engine;
    hex::encode(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .unwrap(),
    )
}

/// RFC 8032 §7.1, test 1 (empty message).
#[test]
fn ed25519_matches_rfc8032_test1() {
    let seed = hexa::<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let k = SigningKey::from_bytes(SignatureAlg::Ed25519, &seed).unwrap();
    let sig = k.sign(b"").unwrap();
    assert_eq!(
        hex::encode(&sig),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    );
    // RFC 8037 A.3: this key's thumbprint.
    assert_eq!(
        k.verifying_key().kid(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}

/// The kid is RFC 7638, computed here independently from the exported JWK's members.
#[test]
fn kid_is_the_rfc7638_thumbprint() {
    for alg in [SignatureAlg::Es256, SignatureAlg::Ed25519] {
        let k = SigningKey::generate(alg).unwrap();
        let jwk: serde_json::Value = serde_json::from_str(&k.verifying_key().to_jwk()).unwrap();
        let canonical = match alg {
            SignatureAlg::Es256 => format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                jwk["x"].as_str().unwrap(),
                jwk["y"].as_str().unwrap()
            ),
            _ => format!(
                r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
                jwk["x"].as_str().unwrap()
            ),
        };
        let kid = b64(&Sha256::digest(canonical.as_bytes()));
        assert_eq!(k.verifying_key().kid(), kid);
        assert_eq!(k.kid(), kid);
        assert_eq!(jwk["kid"], kid.as_str());
        assert_eq!(jwk["use"], "sig");
    }
}

#[test]
fn jwk_round_trips_and_signatures_verify() {
    for alg in [SignatureAlg::Es256, SignatureAlg::Ed25519] {
        let k = SigningKey::generate(alg).unwrap();
        let private = k.to_jwk();
        let k2 = SigningKey::from_jwk(&private).unwrap();
        assert_eq!(k2.verifying_key(), k.verifying_key());
        let public = VerifyingKey::from_jwk(&k.verifying_key().to_jwk()).unwrap();
        assert_eq!(&public, k.verifying_key());
        assert_eq!(public.alg(), alg);
        let sig = k2.sign(b"statement").unwrap();
        assert_eq!(sig.len(), 64);
        public.verify(b"statement", &sig).unwrap();
        // Altered message, altered signature, truncated signature: signature_invalid.
        let code = |r: minseal::Result<()>| r.unwrap_err().code();
        assert_eq!(
            code(public.verify(b"statemenT", &sig)),
            ErrorCode::SignatureInvalid
        );
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert_eq!(
            code(public.verify(b"statement", &bad)),
            ErrorCode::SignatureInvalid
        );
        assert_eq!(
            code(public.verify(b"statement", &sig[..63])),
            ErrorCode::SignatureInvalid
        );
        // Another key of the same algorithm.
        let other = SigningKey::generate(alg).unwrap();
        assert_eq!(
            code(other.verifying_key().verify(b"statement", &sig)),
            ErrorCode::SignatureInvalid
        );
    }
}

/// A signature made with one algorithm never verifies under a key of the other.
#[test]
fn signature_of_one_algorithm_fails_under_the_other() {
    let es = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let ed = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let s1 = es.sign(b"m").unwrap();
    let s2 = ed.sign(b"m").unwrap();
    assert_eq!(
        ed.verifying_key().verify(b"m", &s1).unwrap_err().code(),
        ErrorCode::SignatureInvalid
    );
    assert_eq!(
        es.verifying_key().verify(b"m", &s2).unwrap_err().code(),
        ErrorCode::SignatureInvalid
    );
}

#[test]
fn jwk_refusals() {
    let k = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let public = k.verifying_key().to_jwk();
    let mut v: serde_json::Value = serde_json::from_str(&public).unwrap();
    let refuse = |v: &serde_json::Value| VerifyingKey::from_jwk(&v.to_string()).unwrap_err().code();
    // A kid that is not the thumbprint.
    let mut w = v.clone();
    w["kid"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into();
    assert_eq!(refuse(&w), ErrorCode::InvalidKey);
    // use enc, alg of the other algorithm.
    let mut w = v.clone();
    w["use"] = "enc".into();
    assert_eq!(refuse(&w), ErrorCode::InvalidKey);
    let mut w = v.clone();
    w["alg"] = "EdDSA".into();
    assert_eq!(refuse(&w), ErrorCode::InvalidKey);
    // A point not on the curve.
    let mut w = v.clone();
    w["y"] = b64(&[1u8; 32]).into();
    assert_eq!(refuse(&w), ErrorCode::InvalidKey);
    // An X25519 key is not a signing key.
    let x = minseal::keys::SecretKey::generate().unwrap();
    assert_eq!(
        VerifyingKey::from_jwk(&x.public_key().to_jwk())
            .unwrap_err()
            .code(),
        ErrorCode::InvalidKey
    );
    // A private JWK where a public key is expected, and a public one where a private is.
    assert_eq!(
        VerifyingKey::from_jwk(&k.to_jwk()).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
    assert_eq!(
        SigningKey::from_jwk(&public).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
    // d that does not match x, y.
    let other = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let od: serde_json::Value = serde_json::from_str(&other.to_jwk()).unwrap();
    v["d"] = od["d"].clone();
    assert_eq!(
        SigningKey::from_jwk(&v.to_string()).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
    // Ed25519 small-order point (the identity, y = 1).
    let mut ident = [0u8; 32];
    ident[0] = 1;
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64(&ident));
    assert_eq!(
        VerifyingKey::from_jwk(&jwk).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
}

#[test]
fn jwk_sets() {
    let a = SigningKey::generate(SignatureAlg::Es256).unwrap();
    let b = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
    let keys = [a.verifying_key().clone(), b.verifying_key().clone()];
    let set = VerifyingKey::to_jwk_set(&keys);
    assert_eq!(VerifyingKey::parse_set(&set).unwrap(), keys);
    assert_eq!(
        VerifyingKey::parse_set(&a.verifying_key().to_jwk()).unwrap(),
        keys[..1]
    );
    for bad in [
        r#"{"keys":[]}"#.to_owned(),
        VerifyingKey::to_jwk_set(&[keys[0].clone(), keys[0].clone()]),
        r#"{"keys":[1]}"#.to_owned(),
    ] {
        assert_eq!(
            VerifyingKey::parse_set(&bad).unwrap_err().code(),
            ErrorCode::InvalidKey,
            "{bad}"
        );
    }
    assert_eq!(
        VerifyingKey::from_jwk(&set).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
}

#[test]
fn debug_shows_no_secret() {
    for alg in [SignatureAlg::Es256, SignatureAlg::Ed25519] {
        let k = SigningKey::generate(alg).unwrap();
        let jwk: serde_json::Value = serde_json::from_str(&k.to_jwk()).unwrap();
        let d = jwk["d"].as_str().unwrap().to_owned();
        let dbg = format!("{k:?}");
        assert!(!dbg.contains(&d), "{dbg}");
        assert!(dbg.contains(k.verifying_key().kid()), "{dbg}");
    }
}

#[test]
fn algorithm_names() {
    for alg in [SignatureAlg::Es256, SignatureAlg::Ed25519] {
        assert_eq!(SignatureAlg::parse(alg.as_str()).unwrap(), alg);
        assert_eq!(SignatureAlg::from_id(alg.id()), Some(alg));
    }
    assert_eq!(SignatureAlg::from_id(0), None);
    assert_eq!(
        SignatureAlg::parse("RS256").unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
}
