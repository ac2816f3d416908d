//! What the built-in profiles must contain, beyond what `tests/profiles.rs` checks (each profile
//! loads with the digest of its file, and each fixture minimises to its expected bytes and
//! receipt): the envelope fields and the never-list every profile carries, the audience
//! projections the treaty asks for, the profiles' metadata, and what each fixture must exercise.
//! Everything goes through the library: `Policy::builtin`, its canonical JSON, `minimise`.

mod common;

use common::{fixture, read, PROFILES, ROOT};
use minseal::minimise::{minimise, MinimiseOptions, Minimised};
use minseal::policy::{builtins, Policy};
use minseal::ErrorCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The special categories of personal data a policy names (GDPR Art. 9, Convention 108+ Art. 6).
const CATEGORIES: &[&str] = &[
    "racial_or_ethnic_origin",
    "political_opinions",
    "religious_or_other_beliefs",
    "trade_union_membership",
    "genetic_data",
    "biometric_data",
    "health_data",
    "sex_life",
];

/// The profile's canonical JSON (what its digest covers), as a JSON value.
fn doc(p: &Policy) -> Value {
    serde_json::from_str(p.canonical_json()).expect("canonical JSON parses")
}

fn rule_paths(doc: &Value) -> Vec<String> {
    doc["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["path"].as_str().expect("rule path").to_string())
        .collect()
}

fn forbidden(doc: &Value) -> Vec<String> {
    doc.get("forbidden")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn input(stem: &str) -> Value {
    serde_json::from_slice(&read(&fixture(stem, "input.json"))).expect("fixture input is JSON")
}

fn run(p: &Policy, v: &Value) -> minseal::Result<Minimised> {
    minimise(
        p,
        &serde_json::to_vec(v).unwrap(),
        &MinimiseOptions::default(),
    )
}

fn receipt(m: &Minimised) -> Value {
    serde_json::from_str(&m.receipt.to_json()).expect("receipt is JSON")
}

/// (path, reason) of every removal in a receipt.
fn removals(r: &Value) -> Vec<(String, String)> {
    r["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn leaves(v: &Value) -> u64 {
    match v {
        Value::Object(o) if !o.is_empty() => o.values().map(leaves).sum(),
        Value::Array(a) if !a.is_empty() => a.iter().map(leaves).sum(),
        _ => 1,
    }
}

#[test]
fn the_built_in_list_is_the_policy_files_with_their_metadata() {
    let mut files: Vec<String> = fs::read_dir(Path::new(ROOT).join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    files.sort();
    let mut stems: Vec<String> = PROFILES.iter().map(|p| p.1.to_string()).collect();
    stems.sort();
    assert_eq!(files, stems, "one policy file per built-in profile");

    let list = builtins();
    assert_eq!(list.len(), PROFILES.len());
    for (info, (id, stem, audience)) in list.iter().zip(PROFILES) {
        assert_eq!(info.id, *id, "order and ids of the built-in profiles");
        assert_eq!(id.replace('/', "-"), *stem, "{id}: file named after the id");
        assert_eq!(info.audience, *audience, "{id}: audience");
        let p = Policy::builtin(id).unwrap();
        assert_eq!(
            (p.version(), p.title(), p.basis(), p.audience()),
            (
                info.version.as_str(),
                info.title.as_str(),
                info.basis.as_str(),
                info.audience.as_str()
            ),
            "{id}: builtins() agrees with the loaded profile"
        );
        assert!(!p.title().trim().is_empty(), "{id}: title");
        assert!(p.basis().contains("CETS No. 224, Art."), "{id}: basis");
        let description = doc(&p)["description"].as_str().unwrap_or("").to_string();
        assert!(
            description.contains("[U]"),
            "{id}: the description says what is unverified ([U])"
        );
    }
}

#[test]
fn every_profile_requires_the_envelope_fields() {
    for (id, stem, _) in PROFILES {
        let p = Policy::builtin(id).unwrap();
        let base = input(stem);
        run(&p, &base).unwrap_or_else(|e| panic!("{id}: fixture input: {e}"));
        for (pointer, path) in [
            ("/profile", "$.profile"),
            ("/message_id", "$.message_id"),
            ("/created_at", "$.created_at"),
            ("/sender/authority_id", "$.sender.authority_id"),
            ("/recipient/role", "$.recipient.role"),
            ("/recipient/id", "$.recipient.id"),
        ] {
            let mut v = base.clone();
            remove(&mut v, pointer);
            let e = run(&p, &v).expect_err("a missing envelope field must fail");
            assert_eq!(e.code(), ErrorCode::MissingRequired, "{id}: {path}");
            assert_eq!(e.details(), [path.to_string()], "{id}: {path}");
        }
        // Art. 14(8): case_reference is required in every request, optional elsewhere.
        let case_required = doc(&p)["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["path"] == "$.case_reference" && r["required"] == true);
        if case_required {
            let mut v = base.clone();
            v.as_object_mut().unwrap().remove("case_reference");
            let e = run(&p, &v).expect_err("case_reference is required");
            assert_eq!(e.code(), ErrorCode::MissingRequired, "{id}");
        }
        let optional: &[(&str, &str)] = if case_required {
            &[("language", "$.language")]
        } else {
            &[
                ("case_reference", "$.case_reference"),
                ("language", "$.language"),
            ]
        };
        for &(key, path) in optional {
            assert!(base.get(key).is_some(), "{stem}: the fixture has {key}");
            let kept = run(&p, &base).unwrap();
            let out: Value = serde_json::from_slice(&kept.payload).unwrap();
            assert_eq!(out.get(key), base.get(key), "{id}: {path} is kept");
            let mut v = base.clone();
            v.as_object_mut().unwrap().remove(key);
            run(&p, &v).unwrap_or_else(|e| panic!("{id}: {path} must be optional: {e}"));
        }
    }
}

fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let obj = if parent.is_empty() {
        v.as_object_mut()
    } else {
        v.pointer_mut(parent).and_then(Value::as_object_mut)
    };
    assert!(
        obj.expect("parent object").remove(key).is_some(),
        "fixture lacks {pointer}"
    );
}

#[test]
fn every_profile_removes_the_never_list_at_any_depth() {
    for (id, stem, _) in PROFILES {
        let p = Policy::builtin(id).unwrap();
        let d = doc(&p);
        let allow: Vec<String> = d
            .pointer("/sensitive/allow")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        let mut never: Vec<&str> = vec!["credentials", "password", "pan_full", "cvv"];
        never.extend(CATEGORIES.iter().filter(|c| !allow.iter().any(|a| a == *c)));
        // Planted inside `sender`, a member every profile keeps: each must go, as forbidden.
        let mut v = input(stem);
        let sender = v["sender"].as_object_mut().expect("sender object");
        for name in &never {
            sender.insert(name.to_string(), json!("planted value"));
        }
        let out = run(&p, &v).unwrap_or_else(|e| panic!("{id}: {e}"));
        let got = removals(&receipt(&out));
        for name in &never {
            let path = format!("$.sender.{name}");
            assert!(
                got.contains(&(path.clone(), "forbidden".to_string())),
                "{id}: {path} not removed as forbidden: {got:?}"
            );
        }
        assert!(
            !String::from_utf8_lossy(&out.payload).contains("planted value"),
            "{id}"
        );

        if allow.is_empty() {
            assert!(
                forbidden(&d).contains(&"$.sensitive".to_string()),
                "{id}: $.sensitive is forbidden where no category is allowed"
            );
        } else {
            assert!(
                id.contains("emergency"),
                "{id}: only the emergency profiles carry special categories"
            );
            for a in &allow {
                assert!(CATEGORIES.contains(&a.as_str()), "{id}: category {a}");
            }
            assert_eq!(
                d.pointer("/sensitive/justification"),
                Some(&json!("$.sensitive_justification")),
                "{id}"
            );
            assert!(
                rule_paths(&d).contains(&"$.sensitive_justification".to_string()),
                "{id}: the justification is kept"
            );
        }
    }
}

#[test]
fn audience_projections_follow_the_treaty() {
    let load = |id: &str| doc(&Policy::builtin(id).unwrap());
    // Art. 7(5)(a): the facts summary goes only to the notified authority.
    let a7 = load("2ap/art7-order");
    let a7n = load("2ap/art7-order-notified");
    assert!(forbidden(&a7).contains(&"$.facts_summary".to_string()));
    // The notified copy is the order plus the facts summary and the 14(11)(c) confidentiality
    // request, which concerns the notified Party, not the provider.
    let order_paths = rule_paths(&a7);
    let extra: Vec<String> = rule_paths(&a7n)
        .into_iter()
        .filter(|p| !order_paths.contains(p))
        .collect();
    assert_eq!(
        extra,
        [
            "$.facts_summary",
            "$.confidentiality.requested",
            "$.confidentiality.reason"
        ],
        "notified copy = order + facts_summary + confidentiality"
    );
    assert!(order_paths.iter().all(|p| rule_paths(&a7n).contains(p)));
    let order = input("2ap-art7-order");
    assert!(order.get("facts_summary").is_some());
    for (id, kept) in [("2ap/art7-order", false), ("2ap/art7-order-notified", true)] {
        let out = run(&Policy::builtin(id).unwrap(), &order).unwrap();
        let out: Value = serde_json::from_slice(&out.payload).unwrap();
        assert_eq!(out.get("facts_summary").is_some(), kept, "{id}");
    }

    // Art. 8(3)(b): no supporting information to the provider, nor the requesting Party's
    // 14(11)(c) confidentiality request, which is addressed to the requested Party.
    for (full, provider) in [
        ("2ap/art8-subscriber", "2ap/art8-subscriber-provider"),
        ("2ap/art8-traffic", "2ap/art8-traffic-provider"),
    ] {
        let (f, p) = (load(full), load(provider));
        assert!(
            forbidden(&p).contains(&"$.supporting".to_string()),
            "{provider}"
        );
        let expected: Vec<String> = rule_paths(&f)
            .into_iter()
            .filter(|x| !x.starts_with("$.supporting") && !x.starts_with("$.confidentiality"))
            .collect();
        assert_eq!(
            rule_paths(&p),
            expected,
            "{provider} = {full} without supporting.*"
        );
        assert!(rule_paths(&f).contains(&"$.supporting.facts_summary".to_string()));
    }

    // Subscriber response: other access numbers are out by default (the 7(9)(b) reservation),
    // and traffic data never goes back under a subscriber-information order.
    let resp = load("2ap/subscriber-response");
    assert!(!rule_paths(&resp)
        .iter()
        .any(|x| x.contains("other_access_numbers")));
    assert!(resp["description"].as_str().unwrap().contains("7(9)(b)"));
    for t in [
        "$..login_history",
        "$..communications",
        "$..ip_log",
        "$..location_history",
        "$..messages",
    ] {
        assert!(forbidden(&resp).contains(&t.to_string()), "{t}");
    }
}

#[test]
fn every_fixture_exercises_the_rules_and_counts_add_up() {
    let mut dirs: Vec<String> = fs::read_dir(Path::new(ROOT).join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    dirs.sort();
    let mut stems: Vec<String> = PROFILES.iter().map(|p| p.1.to_string()).collect();
    stems.sort();
    assert_eq!(dirs, stems, "one fixture directory per profile");

    for (id, stem, _) in PROFILES {
        let p = Policy::builtin(id).unwrap();
        let v = input(stem);
        let out = run(&p, &v).unwrap();
        let r = receipt(&out);
        let payload: Value = serde_json::from_slice(&out.payload).unwrap();
        assert_eq!(
            payload["profile"],
            format!("{id}@{}", p.version().split('.').next().unwrap()),
            "{stem}: profile value"
        );

        // Counts, against an independent leaf count of the input.
        let n = |k: &str| r["counts"][k].as_u64().unwrap();
        assert_eq!(n("input_leaves"), leaves(&v), "{stem}: input_leaves");
        assert_eq!(
            n("kept") + n("transformed") + n("removed"),
            n("input_leaves"),
            "{stem}: counts"
        );
        assert_eq!(n("kept") + n("transformed"), leaves(&payload), "{stem}");
        let sum = |list: &str, field: &str| -> u64 {
            r[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e[field].as_u64().unwrap())
                .sum()
        };
        assert_eq!(sum("removed", "leaves"), n("removed"), "{stem}");
        assert_eq!(sum("transformed", "count"), n("transformed"), "{stem}");

        // Entries sorted by path then reason, merged, indices collapsed to [*].
        let got = removals(&r);
        let mut sorted = got.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(got, sorted, "{stem}: removed sorted and merged");
        for (path, reason) in &got {
            assert!(
                !path
                    .as_bytes()
                    .windows(2)
                    .any(|w| w[0] == b'[' && w[1].is_ascii_digit()),
                "{stem}: {path}: indices collapse to [*]"
            );
            assert!(
                ["not_allowed", "forbidden", "sensitive", "type_mismatch"]
                    .contains(&reason.as_str()),
                "{stem}: {reason}"
            );
        }

        // What each fixture must show: a not-allowed and a forbidden removal, at top level,
        // nested, inside an array element (Art. 6 keeps no array of objects: see
        // tests/fixtures/README.md), and a special-category field.
        let reasons: BTreeSet<&str> = got.iter().map(|(_, r)| r.as_str()).collect();
        assert!(
            reasons.contains("not_allowed") && reasons.contains("forbidden"),
            "{stem}: {reasons:?}"
        );
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert!(
            paths
                .iter()
                .any(|p| p.matches('.').count() == 1 && !p.contains('[')),
            "{stem}: a top-level removal"
        );
        assert!(
            paths.iter().any(|p| p.matches('.').count() >= 2),
            "{stem}: a nested removal"
        );
        assert!(
            v.get("sensitive").is_some()
                && paths
                    .iter()
                    .any(|p| p.contains("sensitive") || p.contains("health_data")),
            "{stem}: a special-category field"
        );
        if *stem != "2ap-art6-domain-registration" {
            assert!(
                paths.iter().any(|p| p.contains("[*].")),
                "{stem}: a removal inside an array element"
            );
        }
    }
}

#[test]
fn the_response_masks_the_payment_reference_and_strips_traffic_data() {
    let p = Policy::builtin("2ap/subscriber-response").unwrap();
    let v = input("2ap-subscriber-response");
    let out: Value = serde_json::from_slice(&run(&p, &v).unwrap().payload).unwrap();
    let at = "/records/0/billing_and_payment/masked_reference";
    let orig = v.pointer(at).unwrap().as_str().unwrap();
    let masked = out.pointer(at).unwrap().as_str().unwrap();
    assert_ne!(masked, orig, "the fixture's reference is unmasked");
    assert_eq!(masked.chars().count(), orig.chars().count());
    let n = orig.chars().count() - 4;
    assert!(masked.chars().take(n).all(|c| c == '*'), "{masked}");
    assert_eq!(&masked[n..], &orig[orig.len() - 4..]);
    assert!(v.pointer("/records/0/login_history").is_some());
    assert!(out.pointer("/records/0/login_history").is_none());
    assert!(out
        .pointer("/records/0/subscriber/other_access_numbers")
        .is_none());
}
