//! The native side of the wasm sameness test (tests/js/node/sameness.test.mjs): every fixture
//! in tests/fixtures/ minimised and sealed natively with fixed keys and a fixed RNG seed,
//! unsigned and signed with fixed Ed25519 and ES256 keys (RFC 6979 nonces: deterministic too).
//! The expected outputs are checked in under tests/vectors/sameness/; this test regenerates them
//! and fails if they drift (`MINSEAL_WRITE_VECTORS=1 cargo test --test wasm_sameness` rewrites
//! them). The Node test produces the same things in wasm and compares byte for byte.
//!
//! The other direction for randomised signatures: tests/vectors/sameness-webcrypto/ holds
//! envelopes the npm package sealed and signed with WebCrypto (ECDSA P-256 draws a random nonce,
//! so no seed reproduces them); they must open and verify here.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::api::{minimise_and_seal_with_rng, open_and_verify};
use minseal::keys::SecretKey;
use minseal::minimise::{minimise, MinimiseOptions};
use minseal::policy::Policy;
use minseal::seal::{self, Envelope, OpenOptions, SealParams};
use minseal::sign::{SignatureAlg, SigningKey, VerifyingKey};
use serde_json::{json, Value};

const RECIPIENT_SECRET: [u8; 32] = [0x11; 32];
const SEED: [u8; 32] = [0x5a; 32];
const CREATED_AT: u64 = 1_700_000_000;
/// The fixed signing keys: an Ed25519 seed and a P-256 scalar.
const SIGNERS: [(SignatureAlg, [u8; 32]); 2] = [
    (SignatureAlg::Ed25519, [0x22; 32]),
    (SignatureAlg::Es256, [0x33; 32]),
];

fn dir(sub: &str) -> String {
    format!("{}/tests/{sub}", env!("CARGO_MANIFEST_DIR"))
}

/// The vector for one fixture directory, e.g. `2ap-art7-order` (policy `2ap/art7-order`).
fn vector(stem: &str) -> Value {
    let id = stem.replacen("2ap-", "2ap/", 1);
    let input = std::fs::read(format!("{}/{stem}/input.json", dir("fixtures"))).unwrap();
    let policy = Policy::builtin(&id).unwrap();
    let sk = SecretKey::from_bytes(RECIPIENT_SECRET).unwrap();
    let opts = MinimiseOptions::default();
    let m = minimise(&policy, &input, &opts).unwrap();
    let sealed = minimise_and_seal_with_rng(
        &policy,
        &input,
        &[sk.public_key().clone()],
        &minseal::api::SealOptions {
            minimise: opts.clone(),
            ..minseal::api::SealOptions::new(
                SealParams::new(CREATED_AT).with_metadata("fixture", stem),
            )
        },
        &mut ChaCha20Rng::from_seed(SEED),
    )
    .unwrap();
    assert_eq!(sealed.payload, m.payload);
    let as_is = seal::seal_with_rng(
        &input,
        &[sk.public_key().clone()],
        &SealParams::new(CREATED_AT).with_chunk_size(256),
        None,
        &mut ChaCha20Rng::from_seed(SEED),
    )
    .unwrap();
    let mut signed = serde_json::Map::new();
    for (alg, secret) in SIGNERS {
        let key = SigningKey::from_bytes(alg, &secret).unwrap();
        let s = minimise_and_seal_with_rng(
            &policy,
            &input,
            &[sk.public_key().clone()],
            &minseal::api::SealOptions {
                minimise: opts.clone(),
                ..minseal::api::SealOptions::new(
                    SealParams::new(CREATED_AT).with_metadata("fixture", stem),
                )
            }
            .signed_by(&key),
            &mut ChaCha20Rng::from_seed(SEED),
        )
        .unwrap();
        signed.insert(
            alg.as_str().to_owned(),
            json!({
                "private_jwk": key.to_jwk().as_str(),
                "public_jwk": key.verifying_key().to_jwk(),
                "kid": key.verifying_key().kid(),
                "envelope_json": s.envelope.to_json(),
                "envelope_binary_hex": hex::encode(s.envelope.to_binary()),
                "receipt_json": s.receipt.to_json(),
            }),
        );
    }
    json!({
        "description": "wasm sameness vector: minimise, minimise_and_seal_with_rng and seal_with_rng (as is) of tests/fixtures/<stem>/input.json with ChaCha20Rng::from_seed(rng_seed) (tests/wasm_sameness.rs)",
        "fixture": stem,
        "policy": id,
        "recipient_secret_raw": sk.to_base64url().to_string(),
        "recipient_public_raw": sk.public_key().to_base64url(),
        "rng_seed_hex": hex::encode(SEED),
        "created_at": CREATED_AT,
        "metadata": { "fixture": stem },
        "as_is_chunk_size": 256,
        "payload": String::from_utf8(m.payload).unwrap(),
        "receipt_json": m.receipt.to_json(),
        "sealed_receipt_json": sealed.receipt.to_json(),
        "envelope_json": sealed.envelope.to_json(),
        "envelope_binary_hex": hex::encode(sealed.envelope.to_binary()),
        "as_is_envelope_binary_hex": hex::encode(as_is.to_binary()),
        "signed": signed,
    })
}

#[test]
fn sameness_vectors_reproduce_exactly_and_open() {
    let write = std::env::var_os("MINSEAL_WRITE_VECTORS").is_some();
    let mut n = 0;
    let mut stems: Vec<String> = std::fs::read_dir(dir("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("input.json").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    for stem in stems {
        let v = vector(&stem);
        let path = format!("{}/{stem}.json", dir("vectors/sameness"));
        let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
        if write {
            std::fs::write(&path, &text).unwrap();
        } else {
            let have = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("{path} missing: run with MINSEAL_WRITE_VECTORS=1"));
            assert_eq!(have, text, "{path} drifted from the native output");
        }
        // The checked-in envelopes (which the wasm build must reproduce) open natively.
        let sk = SecretKey::from_bytes(RECIPIENT_SECRET).unwrap();
        let env = Envelope::from_json(v["envelope_json"].as_str().unwrap()).unwrap();
        let r = open_and_verify(
            &env,
            &sk,
            &minseal::api::ReceiveOptions {
                ..Default::default()
            },
        )
        .unwrap();
        assert!(r.verification.unwrap().conforms);
        assert_eq!(r.payload, v["payload"].as_str().unwrap().as_bytes());
        for (alg, _) in SIGNERS {
            let s = &v["signed"][alg.as_str()];
            let trusted = VerifyingKey::from_jwk(s["public_jwk"].as_str().unwrap()).unwrap();
            let env = Envelope::from_json(s["envelope_json"].as_str().unwrap()).unwrap();
            let o = seal::open(&env, &sk, &OpenOptions::default().trust(vec![trusted])).unwrap();
            let sig = o.signature.unwrap();
            assert!(sig.verified && sig.alg == alg && sig.kid == s["kid"].as_str().unwrap());
        }
        n += 1;
    }
    assert!(n >= 10, "expected every profile fixture, found {n}");
}

/// Envelopes the npm package made and signed with WebCrypto (written by
/// tests/js/node/sameness.test.mjs with `MINSEAL_WRITE_VECTORS=1`) open and verify natively.
#[test]
fn webcrypto_signed_envelopes_verify_natively() {
    let dir = dir("vectors/sameness-webcrypto");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let sk = SecretKey::parse(v["recipient_secret_raw"].as_str().unwrap()).unwrap();
        let trusted = VerifyingKey::from_jwk(&v["signer_public_jwk"].to_string()).unwrap();
        for form in ["envelope_json", "envelope_binary_hex"] {
            let env = match form {
                "envelope_json" => Envelope::from_json(v[form].as_str().unwrap()).unwrap(),
                _ => {
                    Envelope::from_binary(&hex::decode(v[form].as_str().unwrap()).unwrap()).unwrap()
                }
            };
            let o = seal::open(
                &env,
                &sk,
                &OpenOptions::default().trust(vec![trusted.clone()]),
            )
            .unwrap_or_else(|e| panic!("{}: {form}: {e}", path.display()));
            let sig = o.signature.unwrap();
            assert!(sig.verified);
            assert_eq!(sig.kid, trusted.kid());
            assert_eq!(sig.alg.as_str(), v["alg"].as_str().unwrap());
            assert_eq!(o.payload, v["payload"].as_str().unwrap().as_bytes());
            n += 1;
        }
    }
    assert!(
        n >= 4,
        "expected ES256 and Ed25519 WebCrypto envelopes in both forms, found {n}"
    );
}
