//! Keys: generation, JWK / JWK Set / raw base64url, RFC 7638 kid, validation, secrecy.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::{okp_thumbprint, PublicKey, SecretKey};
use minseal::ErrorCode;
use sha2::{Digest, Sha256};

fn hexa<const N: usize>(s: &str) -> [u8; N] {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn rfc7748_alice_public_key() {
    // RFC 7748 §6.1.
    let sk = SecretKey::from_bytes(hexa(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    ))
    .unwrap();
    assert_eq!(
        hex::encode(sk.public_key().as_bytes()),
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    );
}

#[test]
fn thumbprint_matches_rfc8037_appendix_a3() {
    // RFC 8037 A.3 (an Ed25519 key; the routine is the same for X25519).
    assert_eq!(
        okp_thumbprint("Ed25519", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}

#[test]
fn kid_is_rfc7638_thumbprint_computed_by_hand() {
    let sk = SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([7; 32]));
    let x = b64(sk.public_key().as_bytes());
    let canonical = format!(r#"{{"crv":"X25519","kty":"OKP","x":"{x}"}}"#);
    let expected = b64(&Sha256::digest(canonical.as_bytes()));
    assert_eq!(sk.kid(), expected);
    assert_eq!(sk.public_key().kid(), expected);
    assert_eq!(expected.len(), 43);
}

#[test]
fn a_kid_other_than_the_thumbprint_is_refused() {
    let sk = SecretKey::from_bytes([7; 32]).unwrap();
    let pk = sk.public_key();
    let x = pk.to_base64url();
    let other = SecretKey::from_bytes([8; 32]).unwrap().kid();
    let with_kid = |kid: &str| format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}","kid":"{kid}"}}"#);
    // The right kid, or none, is accepted.
    assert_eq!(PublicKey::from_jwk(&with_kid(&pk.kid())).unwrap(), *pk);
    assert_eq!(
        PublicKey::from_jwk(&format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}"}}"#)).unwrap(),
        *pk
    );
    // Another key's kid, a near miss, an empty one, a non-string: `invalid_key`, in a JWK, a
    // JWK Set entry and a private JWK alike.
    let kid = pk.kid();
    let last = if kid.ends_with('A') { 'B' } else { 'A' };
    let near = format!("{}{last}", &kid[..kid.len() - 1]);
    for kid in [other.as_str(), near.as_str(), ""] {
        let e = PublicKey::from_jwk(&with_kid(kid)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidKey, "{kid}");
        assert!(
            e.message().contains("RFC 7638 thumbprint"),
            "{}",
            e.message()
        );
        let set = format!(r#"{{"keys":[{},{}]}}"#, pk.to_jwk(), with_kid(kid));
        let e = PublicKey::parse_recipients(&set).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidKey);
        assert!(e.message().starts_with("keys[1]: "), "{}", e.message());
    }
    let e = PublicKey::from_jwk(&format!(
        r#"{{"kty":"OKP","crv":"X25519","x":"{x}","kid":1}}"#
    ));
    assert_eq!(e.unwrap_err().code(), ErrorCode::InvalidKey);
    let private = sk.to_jwk().replace(&sk.kid(), &other);
    assert_eq!(
        SecretKey::from_jwk(&private).unwrap_err().code(),
        ErrorCode::InvalidKey
    );
    assert!(SecretKey::from_jwk(&sk.to_jwk()).is_ok());
}

#[test]
fn generate_and_round_trip_every_form() {
    let sk = SecretKey::generate().unwrap();
    let pk = sk.public_key().clone();

    let jwk = sk.to_jwk();
    let back = SecretKey::from_jwk(&jwk).unwrap();
    assert_eq!(back, sk);
    let raw = sk.to_base64url();
    assert_eq!(SecretKey::from_base64url(&raw).unwrap(), sk);

    assert_eq!(PublicKey::from_jwk(&pk.to_jwk()).unwrap(), pk);
    assert_eq!(PublicKey::from_base64url(&pk.to_base64url()).unwrap(), pk);
    let v: serde_json::Value = serde_json::from_str(&pk.to_jwk()).unwrap();
    assert_eq!(v["kty"], "OKP");
    assert_eq!(v["crv"], "X25519");
    assert_eq!(v["kid"], pk.kid());
    assert!(v.get("d").is_none());
    let v: serde_json::Value = serde_json::from_str(&jwk).unwrap();
    assert_eq!(v["d"], raw.as_str());

    // Deterministic generation.
    let a = SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([1; 32]));
    let b = SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([1; 32]));
    assert_eq!(a, b);
    assert_ne!(
        a,
        SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([2; 32]))
    );
}

#[test]
fn parse_recipients_accepts_jwk_set_and_raw() {
    let keys: Vec<PublicKey> = (0u8..3)
        .map(|i| {
            SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([i; 32]))
                .public_key()
                .clone()
        })
        .collect();
    let set = PublicKey::to_jwk_set(&keys);
    assert_eq!(PublicKey::parse_recipients(&set).unwrap(), keys);
    assert_eq!(
        PublicKey::parse_recipients(&keys[1].to_jwk()).unwrap(),
        vec![keys[1].clone()]
    );
    assert_eq!(
        PublicKey::parse_recipients(&format!("  {}\n", keys[2].to_base64url())).unwrap(),
        vec![keys[2].clone()]
    );
    // Unknown members are ignored (RFC 7517 §4); "use" must be "enc" when present.
    let x = keys[0].to_base64url();
    let kid = keys[0].kid();
    let extra = format!(
        r#"{{"kty":"OKP","crv":"X25519","x":"{x}","alg":"HPKE","use":"enc","kid":"{kid}"}}"#
    );
    assert_eq!(
        PublicKey::parse_recipients(&extra).unwrap(),
        vec![keys[0].clone()]
    );

    let bad_set = format!(
        r#"{{"keys":[{},{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}]}}"#,
        keys[0].to_jwk()
    );
    let e = PublicKey::parse_recipients(&bad_set).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidKey);
    assert!(e.message().contains("keys[1]"), "{}", e.message());
    for bad in [
        r#"{"keys":[]}"#,
        r#"{"keys":{}}"#,
        r#"{"keys":[1]}"#,
        "",
        "{",
    ] {
        assert_eq!(
            PublicKey::parse_recipients(bad).unwrap_err().code(),
            ErrorCode::InvalidKey,
            "{bad}"
        );
    }
}

fn low_order_points() -> Vec<[u8; 32]> {
    // The small-order points (and their non-canonical twins), as listed by libsodium/RFC 7748
    // discussions: 0, 1, two order-8 points, p-1, p, p+1 (the last two are non-canonical).
    let mut pts = vec![
        [0u8; 32],
        {
            let mut one = [0u8; 32];
            one[0] = 1;
            one
        },
        hexa("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        hexa("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    ];
    for last in [0xecu8, 0xed, 0xee] {
        let mut p = [0xffu8; 32];
        p[0] = last;
        p[31] = 0x7f;
        pts.push(p);
    }
    pts
}

#[test]
fn rejects_invalid_public_keys() {
    for p in low_order_points() {
        let e = PublicKey::from_bytes(p).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidKey);
        assert!(PublicKey::from_base64url(&b64(&p)).is_err());
    }
    let good = SecretKey::generate().unwrap().public_key().clone();
    let x = good.to_base64url();
    let cases = [
        // wrong length
        format!(
            r#"{{"kty":"OKP","crv":"X25519","x":"{}"}}"#,
            b64(&[9u8; 31])
        ),
        format!(
            r#"{{"kty":"OKP","crv":"X25519","x":"{}"}}"#,
            b64(&[9u8; 33])
        ),
        // wrong curve / type
        format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#),
        format!(r#"{{"kty":"EC","crv":"X25519","x":"{x}"}}"#),
        format!(r#"{{"crv":"X25519","x":"{x}"}}"#),
        r#"{"kty":"OKP","crv":"X25519"}"#.to_string(),
        format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}","use":"sig"}}"#),
        // padding, duplicate member, wrong type, not an object
        format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}="}}"#),
        format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}","x":"{x}"}}"#),
        r#"{"kty":"OKP","crv":"X25519","x":5}"#.to_string(),
        format!(r#"["{x}"]"#),
        // low-order point inside a JWK
        format!(
            r#"{{"kty":"OKP","crv":"X25519","x":"{}"}}"#,
            b64(&[0u8; 32])
        ),
    ];
    for c in &cases {
        assert_eq!(
            PublicKey::from_jwk(c).unwrap_err().code(),
            ErrorCode::InvalidKey,
            "{c}"
        );
    }
    // Non-canonical trailing bits: the last character of 32 bytes carries 4 significant bits.
    let mut chars: Vec<char> = x.chars().collect();
    let last = chars.pop().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    let twisted: String = chars
        .iter()
        .chain(std::iter::once(&alphabet.chars().nth(idx | 1).unwrap()))
        .collect();
    if idx & 1 == 0 {
        assert_eq!(
            PublicKey::from_base64url(&twisted).unwrap_err().code(),
            ErrorCode::InvalidKey
        );
    }
    assert!(PublicKey::from_base64url(&format!("{x}=")).is_err());
}

#[test]
fn rejects_invalid_private_keys() {
    let sk = SecretKey::generate().unwrap();
    let other = SecretKey::generate().unwrap();
    let x = sk.public_key().to_base64url();
    let d_other = other.to_base64url();
    let d = sk.to_base64url();
    let cases = [
        format!(
            r#"{{"kty":"OKP","crv":"X25519","x":"{x}","d":"{}"}}"#,
            d_other.as_str()
        ),
        format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}"}}"#),
        format!(
            r#"{{"kty":"OKP","crv":"X25519","x":"{x}","d":"{}"}}"#,
            b64(&[1u8; 31])
        ),
        format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"{}"}}"#,
            d.as_str()
        ),
        format!(
            r#"{{"kty":"OKP","crv":"X25519","x":"{x}","d":"{}="}}"#,
            d.as_str()
        ),
    ];
    for c in &cases {
        assert_eq!(
            SecretKey::from_jwk(c).unwrap_err().code(),
            ErrorCode::InvalidKey
        );
    }
    // A private JWK is refused where a public key is expected.
    let e = PublicKey::parse_recipients(&sk.to_jwk()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidKey);
    assert!(SecretKey::from_base64url("AAAA").is_err());
}

#[test]
fn secrets_never_in_debug_or_errors_and_zeroized_on_drop() {
    let sk = SecretKey::generate().unwrap();
    let d = sk.to_base64url();
    let dbg = format!("{sk:?} {:?}", sk.public_key());
    assert!(!dbg.contains(d.as_str()));
    assert!(!dbg.contains(&hex::encode(sk.to_bytes().as_ref())));
    assert!(dbg.contains(&sk.kid()));

    let other = SecretKey::generate().unwrap();
    let jwk = format!(
        r#"{{"kty":"OKP","crv":"X25519","x":"{}","d":"{}"}}"#,
        other.public_key().to_base64url(),
        d.as_str()
    );
    let e = SecretKey::from_jwk(&jwk).unwrap_err();
    assert!(!e.to_string().contains(d.as_str()));

    fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroize_on_drop::<SecretKey>();
    zeroize_on_drop::<x25519_dalek::StaticSecret>();
}
