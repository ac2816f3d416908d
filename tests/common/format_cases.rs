//! The format vectors of tests/vectors/format/, built from fixed keys and RNG seeds. Shared by
//! `examples/gen_format_vectors.rs` (writes the files) and `tests/seal_format_vectors.rs`
//! (rebuilds every file and fails on any difference).
//!
//! Besides the envelope in both forms, each vector lists the intermediate values of
//! docs/FORMAT.md, computed here independently of the library (HKDF, HMAC and SHA-256 from
//! RustCrypto): the content key K (the first 32 bytes the RNG gives), the `message_id` (the
//! next 16), the four derived keys, the header MAC and, when signed, the statement.

use chacha20::ChaCha20Rng;
use hmac::{KeyInit, Mac};
use hpke::rand_core::{Rng, SeedableRng};
use minseal::api::{self, SealOptions};
use minseal::keys::{PublicKey, SecretKey};
use minseal::policy::Policy;
use minseal::seal::SealParams;
use minseal::sign::{SignatureAlg, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A small policy some vectors are sealed under (the payloads conform to it).
pub const POLICY: &str = r#"{"minseal_policy":1,"id":"example/order","version":"1.0.0","title":"Example order","basis":"none: a test policy","audience":"service_provider","rules":[{"path":"$.order.id","required":true,"type":"string"},{"path":"$.order.subscriber.name","type":"string"},{"path":"$.note","type":"string"}]}"#;

const ORDER: &str = r#"{"order":{"id":"X-1","subscriber":{"name":"A. N. Other"}},"note":"three or more 64-byte chunks of JSON, so the STREAM nonces of several chunks appear in the vector"}"#;

/// One vector's inputs.
pub struct Case {
    pub name: &'static str,
    pub payload: Vec<u8>,
    pub recipients: Vec<[u8; 32]>,
    pub signer: Option<(SignatureAlg, [u8; 32])>,
    pub policy: bool,
    pub params: SealParams,
    pub seed: [u8; 32],
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "unsigned-one-recipient-empty",
            payload: Vec::new(),
            recipients: vec![[0x02; 32]],
            signer: None,
            policy: false,
            params: SealParams::new(0),
            seed: [0x43; 32],
        },
        Case {
            name: "unsigned-three-recipients-chunked",
            payload: (0..200u8).collect(),
            recipients: vec![[0x03; 32], [0x04; 32], [0x05; 32]],
            signer: None,
            policy: false,
            params: SealParams::new(1_735_689_600)
                .with_content_type("application/octet-stream")
                .with_chunk_size(64)
                .with_expiry(1_767_225_600)
                .with_metadata("case", "X-1")
                .with_metadata("portal", "demo"),
            seed: [0x44; 32],
        },
        Case {
            name: "es256-one-recipient-policy-chunked",
            payload: ORDER.as_bytes().to_vec(),
            recipients: vec![[0x01; 32]],
            signer: Some((SignatureAlg::Es256, [0x21; 32])),
            policy: true,
            params: SealParams::new(1_700_000_000).with_chunk_size(64),
            seed: [0x42; 32],
        },
        Case {
            name: "ed25519-three-recipients-policy-chunked",
            payload: ORDER.as_bytes().to_vec(),
            recipients: vec![[0x06; 32], [0x07; 32], [0x08; 32]],
            signer: Some((SignatureAlg::Ed25519, [0x22; 32])),
            policy: true,
            params: SealParams::new(1_700_000_001).with_chunk_size(64),
            seed: [0x45; 32],
        },
        Case {
            name: "ed25519-one-recipient-empty",
            payload: Vec::new(),
            recipients: vec![[0x09; 32]],
            signer: Some((SignatureAlg::Ed25519, [0x23; 32])),
            policy: false,
            params: SealParams::new(1_700_000_002),
            seed: [0x46; 32],
        },
        Case {
            name: "es256-three-recipients-empty",
            payload: Vec::new(),
            recipients: vec![[0x0a; 32], [0x0b; 32], [0x0c; 32]],
            signer: Some((SignatureAlg::Es256, [0x24; 32])),
            policy: false,
            params: SealParams::new(1_700_000_003),
            seed: [0x47; 32],
        },
    ]
}

fn hkdf_expand(prk: &hkdf::Hkdf<Sha256>, label: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    prk.expand(label.as_bytes(), &mut out).unwrap();
    out
}

/// The vector document for `case`.
pub fn build(case: &Case) -> Value {
    let sks: Vec<SecretKey> = case
        .recipients
        .iter()
        .map(|b| SecretKey::from_bytes(*b).unwrap())
        .collect();
    let pks: Vec<PublicKey> = sks.iter().map(|k| k.public_key().clone()).collect();
    let signer = case
        .signer
        .map(|(alg, d)| SigningKey::from_bytes(alg, &d).unwrap());
    let policy = case
        .policy
        .then(|| Policy::from_json(POLICY.as_bytes()).unwrap());
    let mut opts = SealOptions::new(case.params.clone());
    if let Some(s) = &signer {
        opts = opts.signed_by(s);
    }
    if let Some(p) = &policy {
        opts = opts.conforming_to(p);
    }
    let env = api::seal_with_rng(
        &case.payload,
        &pks,
        &opts,
        &mut ChaCha20Rng::from_seed(case.seed),
    )
    .unwrap();

    // Independent intermediate values (docs/FORMAT.md, "Key schedule").
    let mut rng = ChaCha20Rng::from_seed(case.seed);
    let mut k = [0u8; 32];
    rng.fill_bytes(&mut k);
    let mut message_id = [0u8; 16];
    rng.fill_bytes(&mut message_id);
    assert_eq!(env.header().message_id, message_id, "{}", case.name);
    let prk = hkdf::Hkdf::<Sha256>::new(Some(&message_id), &k);
    let mac_key = hkdf_expand(&prk, "minseal/v2 header-mac");
    let bin = env.to_binary();
    let preamble_len = 9 + env.header_bytes().len() + 80 * pks.len();
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&mac_key).unwrap();
    mac.update(&bin[..preamble_len]);
    let mac: [u8; 32] = mac.finalize().into_bytes().into();
    assert_eq!(&mac, env.mac(), "{}", case.name);
    let statement = signer.as_ref().map(|_| {
        let mut s = b"minseal/v2 sender-signature\0".to_vec();
        s.extend_from_slice(&Sha256::digest(env.header_bytes()));
        s.extend_from_slice(&Sha256::digest(&case.payload));
        s
    });
    let signature = match (&signer, &statement) {
        (Some(s), Some(st)) => Some(s.sign_raw(st)),
        _ => None,
    };
    let p = &case.params;
    json!({
        "description": "minseal format v2 vector (docs/FORMAT.md): api::seal_with_rng(payload, recipients, SealOptions { params, signer, policy }, ChaCha20Rng::from_seed(rng_seed))",
        "recipients_secret_raw": sks.iter().map(|k| k.to_base64url().to_string()).collect::<Vec<_>>(),
        "recipients_public_jwk": pks.iter().map(|k| serde_json::from_str::<Value>(&k.to_jwk()).unwrap()).collect::<Vec<_>>(),
        "signer_private_jwk": signer.as_ref().map(|s| serde_json::from_str::<Value>(&s.to_jwk()).unwrap()),
        "signer_public_jwk": signer.as_ref().map(|s| serde_json::from_str::<Value>(&s.verifying_key().to_jwk()).unwrap()),
        "policy": policy.as_ref().map(|_| serde_json::from_str::<Value>(POLICY).unwrap()),
        "rng": "ChaCha20Rng (chacha20 0.10, rand_core 0.10) from_seed; draws: K (32), message_id (16), one X25519 ephemeral secret (32) per recipient in order",
        "rng_seed_hex": hex::encode(case.seed),
        "params": {
            "created_at": p.created_at,
            "expires_at": p.expires_at,
            "content_type": p.content_type,
            "chunk_size": p.chunk_size,
            "metadata": p.metadata.iter().collect::<std::collections::BTreeMap<_, _>>(),
        },
        "payload_hex": hex::encode(&case.payload),
        "content_key_hex": hex::encode(k),
        "message_id_hex": hex::encode(message_id),
        "payload_key_hex": hex::encode(hkdf_expand(&prk, "minseal/v2 payload")),
        "header_mac_key_hex": hex::encode(mac_key),
        "signature_key_hex": hex::encode(hkdf_expand(&prk, "minseal/v2 signature")),
        "receipt_key_hex": hex::encode(hkdf_expand(&prk, "minseal/v2 receipt")),
        "header_jcs": String::from_utf8(env.header_bytes().to_vec()).unwrap(),
        "header_mac_hex": hex::encode(mac),
        "statement_hex": statement.as_ref().map(hex::encode),
        "signature_hex": signature.map(hex::encode),
        "envelope_json": env.to_json(),
        "envelope_binary_hex": hex::encode(&bin),
    })
}
