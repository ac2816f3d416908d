//! The built-in profiles run through the policy engine on the fixtures in `tests/fixtures/`.
//!
//! Pending: rename to `tests/profiles.rs` when the engine (src/json, src/policy, src/minimise)
//! merges into this branch. Written against the engine API agreed in the profiles brief:
//! `Policy::builtin`, `Policy::{digest, canonical_json, id, version}`, `minimise`, `verify`,
//! `MinimiseOptions::default()`, `Minimised { payload, receipt }`, `Receipt::to_json`,
//! `Verification { conforms, violations }`, `Error::{code, details}`.

use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use minseal::ErrorCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// (id, file stem) of every built-in profile, in the order of `src/policy/builtin.rs`.
const PROFILES: &[(&str, &str)] = &[
    (
        "2ap/art6-domain-registration",
        "2ap-art6-domain-registration",
    ),
    ("2ap/art7-order", "2ap-art7-order"),
    ("2ap/art7-order-notified", "2ap-art7-order-notified"),
    ("2ap/art8-subscriber", "2ap-art8-subscriber"),
    ("2ap/art8-traffic", "2ap-art8-traffic"),
    (
        "2ap/art8-subscriber-provider",
        "2ap-art8-subscriber-provider",
    ),
    ("2ap/art8-traffic-provider", "2ap-art8-traffic-provider"),
    ("2ap/art9-emergency", "2ap-art9-emergency"),
    ("2ap/art10-emergency-mla", "2ap-art10-emergency-mla"),
    ("2ap/subscriber-response", "2ap-subscriber-response"),
];

const COMPUTED: &str = "<computed>";

fn fixture(stem: &str, file: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures").join(stem).join(file)
}

fn bytes(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&bytes(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sha256_hex(b: &[u8]) -> String {
    minseal::hex::encode(Sha256::digest(b).as_slice())
}

/// The RFC 8785 bytes of `v` (read back by the crate's own JSON reader).
fn jcs(v: &Value) -> Vec<u8> {
    let own = minseal::json::value::parse(&serde_json::to_vec(v).unwrap()).unwrap();
    minseal::jcs::canonicalize(&own).expect("policy is JCS-able")
}

/// SHA-256 of the RFC 8785 bytes of the policy file, computed without the policy module.
fn expected_digest(stem: &str) -> String {
    let src = json(
        &Path::new(ROOT)
            .join("policies")
            .join(format!("{stem}.json")),
    );
    sha256_hex(&jcs(&src))
}

fn expected_payload(stem: &str) -> Vec<u8> {
    let mut b = bytes(&fixture(stem, "expected.json"));
    if b.last() == Some(&b'\n') {
        b.pop();
    }
    b
}

fn strings<'a>(v: &'a Value, out: &mut BTreeSet<&'a str>) {
    match v {
        Value::String(s) => {
            out.insert(s);
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn every_profile_is_built_in_with_the_digest_of_its_jcs() {
    for (id, stem) in PROFILES {
        let policy = Policy::builtin(id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(policy.id(), *id);
        assert_eq!(policy.version(), "1.0.0", "{id}");
        let src = json(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        let jcs = jcs(&src);
        assert_eq!(
            policy.canonical_json().as_bytes(),
            jcs.as_slice(),
            "{id}: canonical JSON"
        );
        assert_eq!(
            minseal::hex::encode(&policy.digest()),
            expected_digest(stem),
            "{id}: digest"
        );
    }
    let unknown = Policy::builtin("2ap/no-such-profile").expect_err("unknown id must fail");
    assert_eq!(unknown.code(), ErrorCode::UnknownPolicy);
}

#[test]
fn every_fixture_minimises_to_the_expected_bytes_and_receipt() {
    let opts = MinimiseOptions::default();
    for (id, stem) in PROFILES {
        let policy = Policy::builtin(id).unwrap();
        let input = bytes(&fixture(stem, "input.json"));
        let out = minimise(&policy, &input, &opts).unwrap_or_else(|e| panic!("{stem}: {e}"));

        // Payload bytes.
        let expected = expected_payload(stem);
        assert_eq!(
            String::from_utf8_lossy(&out.payload),
            String::from_utf8_lossy(&expected),
            "{stem}: minimised payload"
        );

        // Receipt: the hand-derived one with the computed fields filled from the engine, and the
        // computed fields checked independently.
        let receipt_json = out.receipt.to_json();
        let actual: Value = serde_json::from_str(&receipt_json).unwrap();
        let mut want = json(&fixture(stem, "expected-receipt.json"));
        assert_eq!(want["policy"]["digest"], COMPUTED);
        assert_eq!(want["payload"]["sha256"], COMPUTED);
        assert_eq!(want["payload"]["bytes"], COMPUTED);
        want["policy"]["digest"] = actual["policy"]["digest"].clone();
        want["payload"]["sha256"] = actual["payload"]["sha256"].clone();
        want["payload"]["bytes"] = actual["payload"]["bytes"].clone();
        assert_eq!(actual, want, "{stem}: receipt\n{receipt_json}");
        assert_eq!(
            actual["policy"]["digest"],
            expected_digest(stem),
            "{stem}: receipt digest"
        );
        assert_eq!(
            actual["payload"]["sha256"],
            sha256_hex(&expected),
            "{stem}: payload sha256"
        );
        assert_eq!(
            actual["payload"]["bytes"],
            expected.len() as u64,
            "{stem}: payload bytes"
        );
        assert!(!receipt_json.contains('\n'), "{stem}: receipt is compact");

        // No value of a removed (or transformed-away) field appears in the receipt.
        let input_v: Value = serde_json::from_slice(&input).unwrap();
        let output_v: Value = serde_json::from_slice(&expected).unwrap();
        let (mut all, mut kept) = (BTreeSet::new(), BTreeSet::new());
        strings(&input_v, &mut all);
        strings(&output_v, &mut kept);
        for s in all.difference(&kept).filter(|s| s.chars().count() >= 4) {
            assert!(
                !receipt_json.contains(*s),
                "{stem}: receipt leaks the removed value {s:?}"
            );
        }

        // Idempotence: minimising the output changes nothing and removes nothing.
        let again = minimise(&policy, &out.payload, &opts).unwrap();
        assert_eq!(
            again.payload, out.payload,
            "{stem}: minimise is not idempotent"
        );
        let r2: Value = serde_json::from_str(&again.receipt.to_json()).unwrap();
        assert_eq!(
            r2["removed"],
            Value::Array(vec![]),
            "{stem}: second pass removed something"
        );
        assert_eq!(
            r2["transformed"],
            Value::Array(vec![]),
            "{stem}: second pass transformed something"
        );
        assert_eq!(r2["payload"]["sha256"], actual["payload"]["sha256"]);

        // The recipient's check: the output conforms, the raw input does not.
        let v = verify(&policy, &out.payload, &opts).unwrap();
        assert!(
            v.conforms,
            "{stem}: output does not verify: {:?}",
            v.violations
        );
        assert!(v.violations.is_empty(), "{stem}");
        let v = verify(&policy, &input, &opts).unwrap();
        assert!(
            !v.conforms && !v.violations.is_empty(),
            "{stem}: input should not conform"
        );
    }
}

#[test]
fn art7_order_missing_two_required_fields_names_both() {
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let input = bytes(&fixture("2ap-art7-order", "missing-required.json"));
    let err = minimise(&policy, &input, &MinimiseOptions::default())
        .expect_err("missing required fields must be an error");
    assert_eq!(err.code(), ErrorCode::MissingRequired);
    for path in ["$.issued_at", "$.supplemental.domestic_legal_grounds"] {
        assert!(
            err.details().iter().any(|d| d == path || d.contains(path)),
            "{path} not in {:?}",
            err.details()
        );
    }
    assert_eq!(
        err.details().len(),
        2,
        "exactly the two missing paths: {:?}",
        err.details()
    );
    // Never a payload value in an error.
    let msg = format!("{err}");
    assert!(!msg.contains("Exampleland"), "{msg}");
}
