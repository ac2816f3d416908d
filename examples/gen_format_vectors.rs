//! Writes the deterministic envelope vectors in `tests/vectors/format/`:
//! fixed keys and a fixed RNG seed (ChaCha20Rng, rand_core 0.10) → exact envelope bytes.
//!
//! `cargo run --example gen_format_vectors` (then `cargo test --test seal_format_vectors`).

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::{PublicKey, SecretKey};
use minseal::seal::{self, SealParams};
use minseal::PolicyRef;
use serde_json::json;

/// name, payload, recipients' secret bytes, params, RNG seed.
type Case = (&'static str, Vec<u8>, Vec<[u8; 32]>, SealParams, [u8; 32]);

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/format");
    std::fs::create_dir_all(dir).unwrap();
    let cases: Vec<Case> = vec![
        (
            "one-recipient-policy-chunked",
            br#"{"order":{"id":"X-1","subscriber":{"name":"A. N. Other"}},"note":"three 64-byte chunks"}"#
                .repeat(2),
            vec![[0x01; 32]],
            SealParams::new(1_700_000_000)
                .with_chunk_size(64)
                .with_policy(PolicyRef {
                    id: "2ap/art7-order".into(),
                    version: "1.0.0".into(),
                    digest: [0xab; 32],
                })
                .with_metadata("case", "X-1")
                .with_metadata("portal", "demo"),
            [0x42; 32],
        ),
        (
            "empty-payload-as-is",
            Vec::new(),
            vec![[0x02; 32]],
            SealParams::new(0),
            [0x43; 32],
        ),
        (
            "two-recipients",
            b"{\"hello\":\"world\"}".to_vec(),
            vec![[0x03; 32], [0x04; 32]],
            SealParams::new(1_735_689_600).with_content_type("application/octet-stream"),
            [0x44; 32],
        ),
    ];
    for (name, payload, secret_bytes, params, seed) in cases {
        let sks: Vec<SecretKey> = secret_bytes
            .iter()
            .map(|b| SecretKey::from_bytes(*b).unwrap())
            .collect();
        let pks: Vec<PublicKey> = sks.iter().map(|k| k.public_key().clone()).collect();
        let env = seal::seal_with_rng(&payload, &pks, &params, &mut ChaCha20Rng::from_seed(seed))
            .unwrap();
        let v = json!({
            "description": "minseal format v1 vector: seal_with_rng(payload, recipients, params, ChaCha20Rng::from_seed(rng_seed))",
            "recipients_secret_raw": sks.iter().map(|k| k.to_base64url().to_string()).collect::<Vec<_>>(),
            "recipients_public_jwk": pks.iter().map(|k| serde_json::from_str::<serde_json::Value>(&k.to_jwk()).unwrap()).collect::<Vec<_>>(),
            "rng": "ChaCha20Rng (chacha20 0.10, rand_core 0.10) from_seed",
            "rng_seed_hex": hex::encode(seed),
            "params": {
                "created_at": params.created_at,
                "content_type": params.content_type,
                "chunk_size": params.chunk_size,
                "policy": params.policy.as_ref().map(|p| json!({"id": p.id, "version": p.version, "digest": p.digest_hex()})),
                "metadata": params.metadata.iter().collect::<std::collections::BTreeMap<_, _>>(),
            },
            "payload_hex": hex::encode(&payload),
            "header_jcs": String::from_utf8(env.header_bytes().to_vec()).unwrap(),
            "envelope_json": env.to_json(),
            "envelope_binary_hex": hex::encode(env.to_binary()),
        });
        let path = format!("{dir}/{name}.json");
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        println!("wrote {path}");
    }
}
