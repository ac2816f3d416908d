//! The format vectors in tests/vectors/format/: the same inputs and seed give the same bytes,
//! both forms parse to the same envelope, and every recipient opens it.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::{PublicKey, SecretKey};
use minseal::seal::{self, Envelope, SealParams};
use minseal::PolicyRef;
use serde_json::Value;

#[test]
fn format_vectors_reproduce_exactly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/format");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("tests/vectors/format must exist") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        n += 1;
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let sks: Vec<SecretKey> = v["recipients_secret_raw"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| SecretKey::from_base64url(s.as_str().unwrap()).unwrap())
            .collect();
        let pks: Vec<PublicKey> = v["recipients_public_jwk"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| PublicKey::from_jwk(&j.to_string()).unwrap())
            .collect();
        for (s, p) in sks.iter().zip(&pks) {
            assert_eq!(s.public_key(), p);
        }
        let p = &v["params"];
        let mut params = SealParams::new(p["created_at"].as_u64().unwrap())
            .with_content_type(p["content_type"].as_str().unwrap())
            .with_chunk_size(p["chunk_size"].as_u64().unwrap() as u32);
        if let Some(pol) = p["policy"].as_object() {
            params = params.with_policy(PolicyRef {
                id: pol["id"].as_str().unwrap().into(),
                version: pol["version"].as_str().unwrap().into(),
                digest: hex::decode(pol["digest"].as_str().unwrap())
                    .unwrap()
                    .try_into()
                    .unwrap(),
            });
        }
        for (k, val) in p["metadata"].as_object().unwrap() {
            params = params.with_metadata(k.clone(), val.as_str().unwrap());
        }
        let payload = hex::decode(v["payload_hex"].as_str().unwrap()).unwrap();
        let seed: [u8; 32] = hex::decode(v["rng_seed_hex"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let env = seal::seal_with_rng(&payload, &pks, &params, &mut ChaCha20Rng::from_seed(seed))
            .unwrap();
        let name = path.display();
        assert_eq!(
            env.header_bytes(),
            v["header_jcs"].as_str().unwrap().as_bytes(),
            "{name}"
        );
        assert_eq!(
            env.to_json(),
            v["envelope_json"].as_str().unwrap(),
            "{name}"
        );
        let bin = hex::decode(v["envelope_binary_hex"].as_str().unwrap()).unwrap();
        assert_eq!(env.to_binary(), bin, "{name}");
        assert_eq!(Envelope::from_binary(&bin).unwrap(), env);
        assert_eq!(
            Envelope::from_json(v["envelope_json"].as_str().unwrap()).unwrap(),
            env
        );
        for sk in &sks {
            assert_eq!(seal::open(&env, sk).unwrap().payload, payload, "{name}");
        }
    }
    assert!(n >= 3, "expected at least 3 format vectors, found {n}");
}
