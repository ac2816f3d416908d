//! The format vectors in tests/vectors/format/: each file is rebuilt from its case
//! (tests/common/format_cases.rs) and must match byte for byte (drift fails: regenerate with
//! `cargo run --example gen_format_vectors` after a deliberate format change). Each file's
//! envelopes then parse in both forms, open for every recipient with the vector's payload,
//! and a signed one verifies under the vector's signer key.

#[path = "common/format_cases.rs"]
mod format_cases;

use minseal::keys::SecretKey;
use minseal::seal::{self, Envelope, OpenOptions};
use minseal::sign::VerifyingKey;
use serde_json::Value;

#[test]
fn format_vectors_reproduce_exactly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/format");
    let cases = format_cases::cases();
    let files = std::fs::read_dir(dir)
        .expect("tests/vectors/format must exist")
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .and_then(|e| e.to_str())
                == Some("json")
        })
        .count();
    assert_eq!(
        files,
        cases.len(),
        "a vector file without a case, or a case without a file"
    );
    let (mut signed, mut unsigned) = (0, 0);
    for case in &cases {
        let path = format!("{dir}/{}.json", case.name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path} missing"));
        let built = serde_json::to_string_pretty(&format_cases::build(case)).unwrap() + "\n";
        assert!(text == built, "{path} differs from what its case builds");
        let v: Value = serde_json::from_str(&text).unwrap();
        let bin = hex::decode(v["envelope_binary_hex"].as_str().unwrap()).unwrap();
        let env = Envelope::from_binary(&bin).unwrap();
        assert_eq!(
            Envelope::from_json(v["envelope_json"].as_str().unwrap()).unwrap(),
            env
        );
        let payload = hex::decode(v["payload_hex"].as_str().unwrap()).unwrap();
        let mut opts = OpenOptions::default();
        if let Some(jwk) = v["signer_public_jwk"].as_object() {
            let key = VerifyingKey::from_jwk(&Value::Object(jwk.clone()).to_string()).unwrap();
            opts = opts.trust(vec![key]);
            signed += 1;
        } else {
            unsigned += 1;
        }
        for s in v["recipients_secret_raw"].as_array().unwrap() {
            let sk = SecretKey::from_base64url(s.as_str().unwrap()).unwrap();
            let opened = seal::open(&env, &sk, &opts).unwrap();
            assert_eq!(opened.payload, payload, "{path}");
            assert_eq!(
                opened.signature.is_some_and(|s| s.verified),
                env.header().signed
            );
        }
    }
    assert!(signed >= 4 && unsigned >= 2);
}
