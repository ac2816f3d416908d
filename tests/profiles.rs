//! The built-in profiles run through the policy engine on the fixtures in `tests/fixtures/`.
//!
//! Each profile's `cases/` pin its corrections: inputs the previous version wrongly refused
//! (now minimised to `expected.json` with `expected-receipt.json`) or wrongly accepted (now
//! refused with `missing_required`); `case.json` says which and what the previous version did.

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
    ("2ap/art9-emergency-provider", "2ap-art9-emergency-provider"),
    ("2ap/art10-emergency-mla", "2ap-art10-emergency-mla"),
    (
        "2ap/art10-emergency-mla-judicial",
        "2ap-art10-emergency-mla-judicial",
    ),
    ("2ap/art10-emergency-mla-poc", "2ap-art10-emergency-mla-poc"),
    ("2ap/subscriber-response", "2ap-subscriber-response"),
    (
        "2ap/subscriber-response-art8",
        "2ap-subscriber-response-art8",
    ),
    ("2ap/traffic-response", "2ap-traffic-response"),
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
        let src = json(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        assert_eq!(policy.version(), src["version"], "{id}");
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

/// Minimises `dir/input.json` and checks the payload against `dir/expected.json` and the
/// receipt against `dir/expected-receipt.json`; then idempotence and the recipient's check.
fn check_minimises(policy: &Policy, stem: &str, dir: &Path) {
    let opts = MinimiseOptions::default();
    let name = dir.display().to_string();
    let input = bytes(&dir.join("input.json"));
    let out = minimise(policy, &input, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));

    // Payload bytes.
    let mut expected = bytes(&dir.join("expected.json"));
    if expected.last() == Some(&b'\n') {
        expected.pop();
    }
    assert_eq!(
        String::from_utf8_lossy(&out.payload),
        String::from_utf8_lossy(&expected),
        "{name}: minimised payload"
    );

    // Receipt: the hand-derived one with the computed fields filled from the engine, and the
    // computed fields checked independently.
    let receipt_json = out.receipt.to_json();
    let actual: Value = serde_json::from_str(&receipt_json).unwrap();
    let mut want = json(&dir.join("expected-receipt.json"));
    assert_eq!(want["policy"]["digest"], COMPUTED);
    assert_eq!(want["payload"]["sha256"], COMPUTED);
    assert_eq!(want["payload"]["bytes"], COMPUTED);
    want["policy"]["digest"] = actual["policy"]["digest"].clone();
    want["payload"]["sha256"] = actual["payload"]["sha256"].clone();
    want["payload"]["bytes"] = actual["payload"]["bytes"].clone();
    assert_eq!(actual, want, "{name}: receipt\n{receipt_json}");
    assert_eq!(
        actual["policy"]["digest"],
        expected_digest(stem),
        "{name}: receipt digest"
    );
    assert_eq!(
        actual["payload"]["sha256"],
        sha256_hex(&expected),
        "{name}: payload sha256"
    );
    assert_eq!(
        actual["payload"]["bytes"],
        expected.len() as u64,
        "{name}: payload bytes"
    );
    assert!(!receipt_json.contains('\n'), "{name}: receipt is compact");

    // No value of a removed (or transformed-away) field appears in the receipt.
    let input_v: Value = serde_json::from_slice(&input).unwrap();
    let output_v: Value = serde_json::from_slice(&expected).unwrap();
    let (mut all, mut kept) = (BTreeSet::new(), BTreeSet::new());
    strings(&input_v, &mut all);
    strings(&output_v, &mut kept);
    for s in all.difference(&kept).filter(|s| s.chars().count() >= 4) {
        assert!(
            !receipt_json.contains(*s),
            "{name}: receipt leaks the removed value {s:?}"
        );
    }

    // Idempotence: minimising the output changes nothing and removes nothing.
    let again = minimise(policy, &out.payload, &opts).unwrap();
    assert_eq!(
        again.payload, out.payload,
        "{name}: minimise is not idempotent"
    );
    let r2: Value = serde_json::from_str(&again.receipt.to_json()).unwrap();
    assert_eq!(
        r2["removed"],
        Value::Array(vec![]),
        "{name}: second pass removed something"
    );
    assert_eq!(
        r2["transformed"],
        Value::Array(vec![]),
        "{name}: second pass transformed something"
    );
    assert_eq!(r2["payload"]["sha256"], actual["payload"]["sha256"]);

    // The recipient's check: the output conforms, the raw input does not.
    let v = verify(policy, &out.payload, &opts).unwrap();
    assert!(
        v.conforms,
        "{name}: output does not verify: {:?}",
        v.violations
    );
    assert!(v.violations.is_empty(), "{name}");
    let v = verify(policy, &input, &opts).unwrap();
    assert!(
        !v.conforms && !v.violations.is_empty(),
        "{name}: input should not conform"
    );
}

#[test]
fn every_fixture_minimises_to_the_expected_bytes_and_receipt() {
    for (id, stem) in PROFILES {
        let policy = Policy::builtin(id).unwrap();
        check_minimises(
            &policy,
            stem,
            &Path::new(ROOT).join("tests/fixtures").join(stem),
        );
    }
}

/// Every case under `tests/fixtures/<stem>/cases/`: `case.json` says `"expect": "ok"` (the
/// input minimises to the case's expected files) or `"missing_required"` with the paths the
/// error must name.
#[test]
fn every_correction_case_gives_its_expected_result() {
    let mut n = 0;
    for (id, stem) in PROFILES {
        let policy = Policy::builtin(id).unwrap();
        let dir = Path::new(ROOT)
            .join("tests/fixtures")
            .join(stem)
            .join("cases");
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let case = e.unwrap().path();
            let name = case.display().to_string();
            let spec = json(&case.join("case.json"));
            assert!(spec["previously"].is_string(), "{name}: previously");
            match spec["expect"].as_str() {
                Some("ok") => check_minimises(&policy, stem, &case),
                Some("missing_required") => {
                    let input = bytes(&case.join("input.json"));
                    // Not strict: in strict mode the forbidden fields the input carries
                    // would be reported first (`forbidden_field`).
                    let err = minimise(&policy, &input, &MinimiseOptions::default())
                        .expect_err(&format!("{name}: must be refused"));
                    assert_eq!(err.code(), ErrorCode::MissingRequired, "{name}: {err}");
                    for path in spec["missing"].as_array().unwrap() {
                        let path = path.as_str().unwrap();
                        assert!(
                            err.details().iter().any(|d| d == path || d.contains(path)),
                            "{name}: {path} not in {:?}",
                            err.details()
                        );
                    }
                    let v = verify(&policy, &input, &MinimiseOptions::default()).unwrap();
                    assert!(!v.conforms, "{name}: a refused input does not conform");
                }
                other => panic!("{name}: expect {other:?}"),
            }
            n += 1;
        }
    }
    assert!(n >= 20, "{n} cases");
}

/// Each corrected profile's version moved on (the digest changed), and every profile names the
/// register roles that may send it.
#[test]
fn every_profile_states_senders_and_audience_in_register_roles() {
    const ROLES: &[&str] = &[
        "competent_authority",
        "notified_authority",
        "designated_authority",
        "poc_24_7",
        "central_authority",
        "service_provider",
        "registrar",
    ];
    for (id, stem) in PROFILES {
        let src = json(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        assert!(ROLES.contains(&src["audience"].as_str().unwrap()), "{id}");
        let senders = src["senders"].as_array().unwrap();
        assert!(!senders.is_empty(), "{id}");
        assert!(
            senders.iter().all(|s| ROLES.contains(&s.as_str().unwrap())),
            "{id}"
        );
        let policy = Policy::builtin(id).unwrap();
        assert_eq!(policy.audience(), src["audience"], "{id}");
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

/// The three Art. 10 profiles (10(9)) keep the same fields; only id, title, basis, description,
/// audience and senders differ (docs/POLICY.md, "Art. 10(9)").
#[test]
fn the_art10_channels_keep_the_same_fields() {
    let load = |stem: &str| {
        json(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        )
    };
    let central = load("2ap-art10-emergency-mla");
    for stem in [
        "2ap-art10-emergency-mla-judicial",
        "2ap-art10-emergency-mla-poc",
    ] {
        let other = load(stem);
        for k in ["required_any_of", "forbidden", "sensitive"] {
            assert_eq!(other[k], central[k], "{stem}: {k}");
        }
        let rules = |p: &Value| -> Vec<Value> {
            let mut v = p["rules"].as_array().unwrap().clone();
            v[0]["note"] = Value::Null; // names the profile id
            v
        };
        assert_eq!(rules(&other), rules(&central), "{stem}: rules");
        assert_ne!(other["audience"], central["audience"], "{stem}");
    }
}

/// A policy is a public document: it cites the treaty, never an internal note; and each says
/// how the minimisation duty of Art. 14(2)(b) applies to it.
#[test]
fn every_policy_cites_the_treaty_and_14_2_b() {
    for (id, stem) in PROFILES {
        let text = fs::read_to_string(
            Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        )
        .unwrap();
        assert!(
            !text.to_lowercase().contains("brief"),
            "{id}: cites an internal note instead of the treaty"
        );
        let src: Value = serde_json::from_str(&text).unwrap();
        assert!(
            src["description"].as_str().unwrap().contains("14(2)(b)"),
            "{id}: 14(2)(b)"
        );
    }
}

/// The Art. 14 and 7(2)(b) fields of the second reading are kept where the treaty allows them,
/// and kept in the main fixtures' outputs.
#[test]
fn the_art14_and_7_2_b_fields_are_kept() {
    let kept = |stem: &str, path: &str| {
        let src = json(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        let has_rule = src["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["path"] == path && r.get("required").is_none());
        assert!(has_rule, "{stem}: optional rule {path}");
    };
    for stem in ["2ap-art7-order", "2ap-art7-order-notified"] {
        kept(stem, "$.supervising_authority.name");
    }
    for stem in [
        "2ap-art7-order-notified",
        "2ap-art8-subscriber",
        "2ap-art8-traffic",
        "2ap-art9-emergency",
        "2ap-art10-emergency-mla",
        "2ap-subscriber-response-art8",
        "2ap-traffic-response",
    ] {
        kept(stem, "$.confidentiality.requested");
    }
    for stem in ["2ap-subscriber-response-art8", "2ap-traffic-response"] {
        kept(stem, "$.onward_transfer.authorised_recipients[*]");
        kept(stem, "$.party_conditions[*]");
    }
    for (stem, member) in [
        ("2ap-art7-order", "supervising_authority"),
        ("2ap-art8-traffic", "confidentiality"),
        ("2ap-traffic-response", "onward_transfer"),
    ] {
        let out = json(&fixture(stem, "expected.json"));
        assert!(out.get(member).is_some(), "{stem}: {member} kept");
    }
}

/// docs/POLICY.md's table of the profiles lists each with its version, audience and senders as
/// the policy files give them.
#[test]
fn the_policy_doc_table_matches_the_policies() {
    let doc = fs::read_to_string(Path::new(ROOT).join("docs/POLICY.md")).unwrap();
    let section = doc
        .split("### The profiles")
        .nth(1)
        .and_then(|s| s.split("\n\n").nth(1))
        .expect("the table after \"### The profiles\"");
    let rows: Vec<Vec<String>> = section
        .lines()
        .skip(2)
        .map(|l| l.split('|').map(|c| c.trim().replace('`', "")).collect())
        .collect();
    assert_eq!(rows.len(), PROFILES.len(), "one row per profile");
    for ((id, stem), row) in PROFILES.iter().zip(&rows) {
        let src = json(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        let senders: Vec<&str> = src["senders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(row[1], *id);
        assert_eq!(row[2], src["version"].as_str().unwrap(), "{id}: version");
        assert_eq!(row[3], src["audience"].as_str().unwrap(), "{id}: audience");
        assert_eq!(row[4], senders.join(", "), "{id}: senders");
    }
    assert!(
        !doc.to_lowercase().contains("brief"),
        "docs/POLICY.md cites an internal note instead of the treaty"
    );
}
